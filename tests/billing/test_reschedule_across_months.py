"""Moving a subsidised visit to another month moves what it holds of the allowance with it,
or is refused with the reason; the worker stays where free; the provider reads a change."""

import datetime

import pytest
from django.utils import timezone, translation

from accounts.models import Notification
from billing.models import MonthlyUsage
from marketplace.models import Slot
from marketplace.slots import materialise_slots
from orders import services
from orders.exceptions import OrdersError
from orders.models import Order
from tests.orders.conftest import book, put_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def slots(bathing):
    """Times in the month of the first bookable time, and in the month after it (at
    23:59 on the last day of a month the first is already next month's)."""
    bathing.max_days_ahead = 70
    bathing.save(update_fields=["max_days_ahead"])
    materialise_slots(bathing, start=timezone.localdate(), days=70)
    ours = Slot.objects.filter(service=bathing, starts_at__gt=timezone.now()).order_by("starts_at")
    first_month = timezone.localdate(ours.first().starts_at).replace(day=1)
    next_month = (first_month + datetime.timedelta(days=32)).replace(day=1)
    return {
        "this_month": ours.filter(starts_at__date__lt=next_month),
        "next_month": ours.filter(starts_at__date__gte=next_month),
    }


def usage(recipient, programme, month) -> int:
    row = MonthlyUsage.objects.filter(
        care_recipient=recipient, programme=programme, month=month
    ).first()
    return row.used_fen if row else 0


@pytest.fixture
def booked_this_month(daughter, slots, grandma_li, grandma_eligible, caregiver):
    order = book(daughter, slots["this_month"][0], grandma_li)
    return put_in(order, Order.Status.CONFIRMED, worker=caregiver.provider_memberships.get())


def test_the_reservation_moves_to_the_new_month(
    booked_this_month, slots, daughter, grandma_li, programme, provider_manager
):
    order = booked_this_month
    old_month, new_slot = order.subsidy_month, slots["next_month"][0]
    new_month = timezone.localdate(new_slot.starts_at).replace(day=1)
    assert usage(grandma_li, programme, old_month) == 4800
    order = services.reschedule_order(order=order, by=daughter, slot=new_slot)
    assert order.subsidy_month == new_month
    assert (order.subsidy_fen, order.copay_fen) == (4800, 2700)  # the price stays
    assert usage(grandma_li, programme, old_month) == 0
    assert usage(grandma_li, programme, new_month) == 4800
    programme.refresh_from_db()
    assert programme.reserved_fen == 4800
    # The worker is free then, so stays; the provider reads a change, not a new request.
    assert order.worker is not None
    told = Notification.objects.filter(user=provider_manager).latest("pk")
    assert "not a new request" in told.text and "same worker" in told.text


def test_a_month_that_cannot_hold_it_refuses_the_move_and_keeps_everything(
    booked_this_month, slots, daughter, grandma_li, programme
):
    order = booked_this_month
    new_slot = slots["next_month"][0]
    new_month = timezone.localdate(new_slot.starts_at).replace(day=1)
    MonthlyUsage.objects.create(
        care_recipient=grandma_li, programme=programme, month=new_month, used_fen=12000
    )
    places = (order.slot.booked, new_slot.booked)
    with pytest.raises(OrdersError, match="cannot cover this visit"):
        services.reschedule_order(order=order, by=daughter, slot=new_slot)
    order.refresh_from_db()
    order.slot.refresh_from_db()
    new_slot.refresh_from_db()
    assert order.starts_at != new_slot.starts_at and order.status == Order.Status.CONFIRMED
    assert usage(grandma_li, programme, order.subsidy_month) == 4800
    assert usage(grandma_li, programme, new_month) == 12000
    assert (order.slot.booked, new_slot.booked) == places


def test_a_worker_busy_at_the_new_time_is_not_kept(
    booked_this_month, slots, daughter, grandma_li, caregiver
):
    new_slot = slots["this_month"][1]
    other = book(daughter, new_slot, grandma_li)
    put_in(other, Order.Status.CONFIRMED, worker=caregiver.provider_memberships.get())
    order = services.reschedule_order(order=booked_this_month, by=daughter, slot=new_slot)
    assert order.worker is None
