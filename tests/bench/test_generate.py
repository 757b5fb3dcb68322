"""The bench's city generator works for any --today: a month's last day, whose week ahead
runs into the next month, used to make a slot twice (slot_unique_start)."""

import datetime
import zoneinfo

import pytest
from django.db.models import Count, F, Q

from bench.generate import Clock, generate
from marketplace.models import Slot
from orders.models import Order, VisitRecord
from orders.transitions import HOLDS_A_PLACE

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
Status = Order.Status
FINAL = {Status.CLOSED, Status.CANCELLED, Status.DECLINED, Status.EXPIRED, Status.NO_SHOW}
NOT_YET_VISITED = {
    Status.PENDING_PAYMENT,
    Status.REQUESTED,
    Status.CONFIRMED,
    Status.CANCELLED,
    Status.DECLINED,
    Status.EXPIRED,
}


@pytest.mark.parametrize(
    "today",
    # A month's last day (the week ahead crosses into December), the last day of a
    # February, and a month's first day.
    [datetime.date(2026, 11, 30), datetime.date(2027, 2, 28), datetime.date(2026, 12, 1)],
    ids=str,
)
def test_the_generator_makes_a_sound_city_for_any_today(today: datetime.date) -> None:
    generate(scale=0.001, seed=9, today=today, plans=5, clock=Clock())
    now = datetime.datetime.combine(today, datetime.time(12), tzinfo=TZ)

    slots = Slot.objects.all()
    assert slots.count() > 0
    twice = slots.values("service_id", "starts_at").annotate(n=Count("id")).filter(n__gt=1)
    assert not twice.exists()
    # The week ahead has its slots, day by day.
    for offset in range(7):
        day = today + datetime.timedelta(days=offset)
        assert slots.filter(starts_at__date=day).exists(), day
    holding = Count("orders", filter=Q(orders__status__in=HOLDS_A_PLACE))
    miscounted = slots.annotate(holding=holding).filter(
        Q(booked__gt=F("capacity")) | ~Q(booked=F("holding"))
    )
    assert not miscounted.exists()

    orders = Order.objects.all()
    assert orders.count() > 0
    # Long past: every story has ended, and the closed visits were checked in and out.
    past = orders.filter(ends_at__lt=now - datetime.timedelta(days=10))
    assert past.count() > 0
    assert set(past.values_list("status", flat=True)) <= FINAL
    closed = past.filter(status=Status.CLOSED)
    assert closed.count() > 0
    for kind in ("check_in", "check_out"):
        recorded = VisitRecord.objects.filter(kind=kind, order__in=closed)
        assert recorded.values("order").distinct().count() == closed.count()
    # Ahead: booked, not visited.
    future = orders.filter(starts_at__gt=now)
    assert future.filter(status__in=HOLDS_A_PLACE).count() > 0
    assert set(future.values_list("status", flat=True)) <= NOT_YET_VISITED
    assert not VisitRecord.objects.filter(order__in=future).exists()
    assert all(
        o.starts_at.astimezone(TZ).date() <= today + datetime.timedelta(days=6) for o in future
    )
