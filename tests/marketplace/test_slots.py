import datetime

import pytest
from django.utils import timezone

from marketplace import services
from marketplace.models import Slot
from marketplace.slots import materialise_slots
from tests.marketplace.conftest import publish

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 30)


def local(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def mornings(provider_a):
    return publish(
        provider_a,
        title_zh="上午保洁",
        duration_minutes=60,
        hours=[
            {
                "weekday": 0,
                "starts_at": datetime.time(9),
                "ends_at": datetime.time(12),
                "capacity": 2,
            }
        ],
    )


def test_the_weekly_plan_becomes_slots_of_the_service_length(mornings):
    materialise_slots(mornings, start=MONDAY, days=7)
    assert [(s.starts_at, s.capacity) for s in mornings.slots.all()] == [
        (local(MONDAY, 9), 2),
        (local(MONDAY, 10), 2),
        (local(MONDAY, 11), 2),
    ]


def test_a_closed_day_has_no_slots(mornings):
    mornings.exceptions.create(date=MONDAY, closed=True, reason="国庆")
    materialise_slots(mornings, start=MONDAY, days=7)
    assert not mornings.slots.exists()


def test_a_day_with_special_hours_replaces_the_plan(mornings):
    mornings.exceptions.create(
        date=MONDAY,
        closed=False,
        starts_at=datetime.time(14),
        ends_at=datetime.time(16),
        capacity=1,
    )
    materialise_slots(mornings, start=MONDAY, days=1)
    assert [(s.starts_at, s.capacity) for s in mornings.slots.all()] == [
        (local(MONDAY, 14), 1),
        (local(MONDAY, 15), 1),
    ]


def test_running_twice_changes_nothing(mornings):
    assert materialise_slots(mornings, start=MONDAY, days=7) == 3
    assert materialise_slots(mornings, start=MONDAY, days=7) == 0
    assert mornings.slots.count() == 3


def test_a_booked_slot_survives_a_closure_but_takes_no_more(mornings, provider_manager):
    materialise_slots(mornings, start=MONDAY, days=1)
    Slot.objects.filter(starts_at=local(MONDAY, 9)).update(booked=1)
    services.set_date_exception(service=mornings, by=provider_manager, date=MONDAY, closed=True)
    materialise_slots(mornings, start=MONDAY, days=1)
    remaining = list(
        Slot.objects.filter(service=mornings)
        .on_day(MONDAY)
        .values_list("starts_at", "booked", "closed")
    )
    assert remaining == [(local(MONDAY, 9), 1, True)]


def test_lowering_capacity_never_drops_below_what_is_booked(mornings, provider_manager):
    materialise_slots(mornings, start=MONDAY, days=1)
    Slot.objects.filter(starts_at=local(MONDAY, 9)).update(booked=2)
    mornings.weekly_hours.update(capacity=1)
    materialise_slots(mornings, start=MONDAY, days=1)
    assert list(mornings.slots.values_list("capacity", flat=True)) == [2, 1, 1]


def test_booking_honours_minimum_notice_window_and_capacity(mornings):
    materialise_slots(mornings, start=MONDAY, days=1)
    mornings.min_notice_hours = 24
    mornings.max_days_ahead = 3
    mornings.save()
    open_at = Slot.objects.filter(service=mornings).open_for_booking
    sunday_10 = local(MONDAY - datetime.timedelta(days=1), 10)
    assert [s.starts_at for s in open_at(now=sunday_10)] == [local(MONDAY, 10), local(MONDAY, 11)]
    assert list(open_at(now=local(MONDAY - datetime.timedelta(days=5), 8))) == []
    Slot.objects.filter(starts_at=local(MONDAY, 10)).update(booked=2)
    assert [s.starts_at for s in open_at(now=sunday_10)] == [local(MONDAY, 11)]


def test_the_database_refuses_an_overbooked_slot(mornings):
    from django.db import IntegrityError, transaction

    materialise_slots(mornings, start=MONDAY, days=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.filter(starts_at=local(MONDAY, 9)).update(booked=3)
