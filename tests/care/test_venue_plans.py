"""A care plan with meals at a canteen: its visits fall on the venue's sittings and are
booked there, with the venue's address; a time that is not a sitting is refused, naming
the sittings (decision 0028)."""

import datetime

import pytest
from django.utils import timezone, translation

from care import services
from care.exceptions import CareError
from care.patterns import VisitPattern
from orders.models import Order
from tests.care.conftest import tomorrow
from tests.orders.canteen import LUNCH, canteen_meal, make_canteen

pytestmark = pytest.mark.django_db

MONDAY_TO_SATURDAY = range(6)


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def meal(provider_a, weifang_1):
    return canteen_meal(provider_a, make_canteen(provider_a, weifang_1, days=MONDAY_TO_SATURDAY))


def propose(grandma_li, community_staff, meal, patterns):
    return services.propose_plan(
        care_recipient=grandma_li,
        provider=meal.provider,
        by=community_staff,
        starts_on=tomorrow(),
        patterns=patterns,
        programme=None,
        notes="",
    )


def test_a_plans_meals_are_booked_at_the_canteens_sittings_with_its_address(
    grandma_li, community_staff, provider_manager, meal
):
    plan = propose(
        grandma_li,
        community_staff,
        meal,
        [VisitPattern(meal, day, LUNCH) for day in MONDAY_TO_SATURDAY],
    )
    services.accept_plan(plan=plan, by=provider_manager, worker=None)
    orders = Order.objects.filter(care_recipient=grandma_li)
    assert orders.count() >= 18  # six meals a week, three weeks at least
    for order in orders:
        assert order.venue == meal.venue
        assert order.address == meal.venue.address != grandma_li.address
        local = timezone.localtime(order.starts_at)
        assert local.time() == LUNCH and local.weekday() != 6


def test_a_meal_at_a_time_that_is_not_a_sitting_is_refused_naming_the_sittings(
    grandma_li, community_staff, meal
):
    with pytest.raises(CareError) as refusal:
        propose(grandma_li, community_staff, meal, [VisitPattern(meal, 0, datetime.time(12))])
    message = str(refusal.value)
    assert "幸福食堂" in message and "Monday at 12:00" in message
    assert "Monday 11:30" in message


def test_a_meal_on_a_day_without_a_sitting_is_refused(grandma_li, community_staff, meal):
    with pytest.raises(CareError, match="no sitting on Sunday"):
        propose(grandma_li, community_staff, meal, [VisitPattern(meal, 6, LUNCH)])
