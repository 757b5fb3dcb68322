"""Races on PostgreSQL: many people for few places, and one person's double submit."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from accounts.models import CareLink, CareRecipient
from marketplace.models import Slot
from orders import payments
from orders.exceptions import SlotFull
from orders.models import Order, Payment
from tests.conftest import make_user
from tests.orders.conftest import book

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def in_threads(calls, workers: int = 25) -> list:
    def run(call):
        try:
            return call()
        except Exception as exc:  # noqa: BLE001  (each loser's answer is what we check)
            return exc
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, calls))


def residents_with_recipients(count: int, community):
    pairs = []
    for index in range(count):
        user = make_user(f"racer{index}@example.cn")
        recipient = CareRecipient.objects.create(
            name=f"老人{index}", community=community, address="潍坊路"
        )
        CareLink.objects.create(care_recipient=recipient, account=user, relationship="child")
        pairs.append((user, recipient))
    return pairs


def test_fifty_people_racing_for_three_places_give_exactly_three_orders(slot, weifang_1):
    Slot.objects.filter(pk=slot.pk).update(capacity=3)
    people = residents_with_recipients(50, weifang_1)

    results = in_threads(
        [
            (lambda user=user, recipient=recipient: book(user, slot, recipient))
            for user, recipient in people
        ]
    )

    orders = [r for r in results if isinstance(r, Order)]
    refusals = [r for r in results if isinstance(r, SlotFull)]
    assert len(orders) == 3
    assert len(refusals) == 47
    assert all("约满" in str(r.message) for r in refusals)
    slot.refresh_from_db()
    assert slot.booked == 3
    assert Order.objects.count() == 3


@pytest.mark.usefixtures("fake_stripe")
def test_a_double_submit_gives_one_order_and_one_payment_intent(daughter, slot, grandma_li):
    results = in_threads(
        [lambda: book(daughter, slot, grandma_li, key="one-click")] * 10, workers=10
    )
    assert all(isinstance(r, Order) for r in results), results
    assert len({r.pk for r in results}) == 1
    slot.refresh_from_db()
    assert slot.booked == 1

    order = results[0]
    payments_seen = in_threads([lambda: payments.start_payment(order)] * 10, workers=10)
    assert len({p.stripe_payment_intent_id for p in payments_seen}) == 1
    assert Payment.objects.filter(order=order).count() == 1
