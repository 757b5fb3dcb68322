"""A booking waits a bounded time for a lock (decision 0018): behind a transaction that
holds the slot, it answers "busy, try again" after BOOKING_LOCK_WAIT_SECONDS and leaves
nothing behind, instead of waiting as long as the other transaction lasts."""

import threading
import time

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import override_settings

from marketplace.models import Slot
from orders.exceptions import OrdersError
from orders.models import Order, OrderEvent, Payment
from tests.orders.conftest import book
from tests.reliability.conftest import families, slot_of

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BUSY = "现在预约的人很多，请再试一次。"
HOLD_SECONDS = 6


def hold_the_row(slot_id: int, taken: threading.Event, done: threading.Event) -> None:
    """Another request's transaction, stuck with the slot locked."""
    try:
        with transaction.atomic():
            Slot.objects.select_for_update().get(pk=slot_id)
            taken.set()
            done.wait(HOLD_SECONDS)
    finally:
        connection.close()


def test_the_lock_wait_is_about_three_seconds_by_default():
    assert settings.BOOKING_LOCK_WAIT_SECONDS == 3


@override_settings(BOOKING_LOCK_WAIT_SECONDS=1)
def test_a_booking_behind_a_held_slot_is_told_to_try_again_and_writes_nothing(cleaning, weifang_1):
    slot = slot_of(cleaning, capacity=5)
    [(user, recipient)] = families(1, weifang_1, prefix="waiting")
    taken, done = threading.Event(), threading.Event()
    holder = threading.Thread(target=hold_the_row, args=(slot.pk, taken, done))
    holder.start()
    try:
        assert taken.wait(10)
        started = time.monotonic()
        with pytest.raises(OrdersError) as refused:
            book(user, slot, recipient)
        waited = time.monotonic() - started
    finally:
        done.set()
        holder.join(10)

    assert str(refused.value.message) == BUSY
    assert 1 <= waited < HOLD_SECONDS - 2
    slot.refresh_from_db()
    assert slot.booked == 0
    assert not Order.objects.exists()
    assert not OrderEvent.objects.exists()
    assert not Payment.objects.exists()
    # The connection is usable again and the lock wait did not outlive the booking.
    assert book(user, slot, recipient).slot_id == slot.pk
