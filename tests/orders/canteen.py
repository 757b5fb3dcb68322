"""Fixture data for centre-based services: a canteen of provider_a with a lunch sitting every
day at 11:30, and its subsidised meal (decision 0028)."""

import datetime

import pytest
from django.utils import timezone

from marketplace.models import Category, Slot
from marketplace.slots import materialise_slots
from providers.models import Venue, VenueSitting
from tests.billing.conftest import make_programme
from tests.marketplace.conftest import publish

LUNCH = datetime.time(11, 30)


def make_canteen(provider, community, *, places: int = 20, days=range(7)) -> Venue:
    venue = Venue.objects.create(
        provider=provider,
        name="幸福食堂",
        address="潍坊一村12号楼底层",
        community=community,
        opening_hours="每天 10:30–13:30",
    )
    for weekday in days:
        VenueSitting.objects.create(
            venue=venue, weekday=weekday, starts_at=LUNCH, minutes=60, places=places
        )
    return venue


def canteen_meal(provider, venue):
    """¥15 a meal, welfare, served at the venue."""
    service = publish(
        provider,
        title_zh="老年助餐（堂食）",
        title_en="Lunch at the canteen",
        category="meal-assistance",
        price_fen=1500,
        funding_mode="welfare",
        duration_minutes=60,
    )
    service.venue = venue
    service.save(update_fields=["venue"])
    materialise_slots(service, start=timezone.localdate())
    return service


def lunch_slot(service, day: datetime.date) -> Slot:
    starts_at = timezone.make_aware(datetime.datetime.combine(day, LUNCH))
    return Slot.objects.get(service=service, starts_at=starts_at)


@pytest.fixture
def canteen(provider_a, weifang_1) -> Venue:
    return make_canteen(provider_a, weifang_1)


@pytest.fixture
def meal(provider_a, canteen):
    return canteen_meal(provider_a, canteen)


@pytest.fixture
def meal_programme(bureau):
    """80% of the meal, at most ¥60 a month."""
    programme = make_programme(bureau, name_zh="老年助餐补贴", name_en="Meals for the old")
    programme.categories.set([Category.objects.get(slug="meal-assistance")])
    return programme
