"""A public service is free to the eligible and never sold: a plan of one is made only where
a programme the person is registered for pays all of it, else every visit would be refused."""

import pytest
from django.utils import timezone
from django.utils.translation import override

from billing.models import Programme
from care import services
from care.exceptions import CareError
from care.models import CarePlan
from marketplace.models import Category
from marketplace.slots import materialise_slots
from orders.models import Order
from tests.billing.conftest import make_eligible, make_programme
from tests.care.conftest import told_in_english, tomorrow, twice_a_week
from tests.marketplace.conftest import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_bath(provider_a):
    service = publish(
        provider_a,
        title_zh="公益助浴",
        title_en="Free bathing help",
        category="bathing",
        price_fen=7500,
        funding_mode="public",
        duration_minutes=90,
    )
    materialise_slots(service, start=timezone.localdate())
    return service


def plan_of(service, recipient, by, programme=None):
    return services.propose_plan(
        care_recipient=recipient,
        provider=service.provider,
        by=by,
        starts_on=tomorrow(),
        patterns=twice_a_week(service),
        programme=programme,
    )


def test_a_public_service_paid_in_part_is_refused_with_the_reason_and_nothing_made(
    public_bath, grandma_li, community_staff, bureau
):
    part = make_programme(bureau, min_age=None)  # pays 80 %, at most ¥60 a visit
    make_eligible(grandma_li, part, community_staff)
    with override("en"), pytest.raises(CareError) as refusal:
        plan_of(public_bath, grandma_li, community_staff, part)
    assert "Free bathing help is a public service" in str(refusal.value.message)
    assert "李秀兰" in str(refusal.value.message)
    assert not CarePlan.objects.exists()


def test_a_family_cannot_buy_a_series_of_a_public_service(public_bath, grandma_li, daughter):
    with override("zh-hans"), pytest.raises(CareError) as refusal:
        plan_of(public_bath, grandma_li, daughter)
    assert "公益助浴" in str(refusal.value.message)
    assert not CarePlan.objects.exists()


def test_a_public_service_a_programme_pays_in_full_is_planned(
    public_bath, covered_grandma, community_staff, bureau_programme
):
    plan = plan_of(public_bath, covered_grandma, community_staff, bureau_programme)
    assert plan.status == CarePlan.Status.PROPOSED


def test_a_visit_paid_in_full_by_another_programme_is_not_the_allowance_used_up(
    provider_a, covered_grandma, community_staff, bureau, bureau_programme, provider_manager
):
    # Her meals are paid by the meal programme although her plan is under the bathing one.
    meals = make_programme(
        bureau,
        name_zh="居家助餐补贴",
        name_en="Meals at home",
        rule=Programme.Rule.FULL,
        rate_cap_fen=None,
        monthly_cap_fen=None,
        min_age=None,
    )
    meals.categories.set([Category.objects.get(slug="meal-assistance")])
    make_eligible(covered_grandma, meals, community_staff)
    lunch = publish(
        provider_a,
        title_zh="送餐上门",
        title_en="Lunch delivered",
        category="meal-assistance",
        price_fen=1500,
        funding_mode="welfare",
        duration_minutes=30,
    )
    materialise_slots(lunch, start=timezone.localdate())
    plan = plan_of(lunch, covered_grandma, community_staff, bureau_programme)
    services.accept_plan(plan=plan, by=provider_manager)
    orders = Order.objects.filter(care_recipient=covered_grandma)
    assert orders.count() == 8
    assert set(orders.values_list("programme_id", "copay_fen")) == {(meals.pk, 0)}
    assert not told_in_english("used up")
    assert not plan.occurrences.exclude(status="booked").exists()
