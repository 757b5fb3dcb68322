"""Races on PostgreSQL through the real services: many people for few places, many people
for a little budget, and the provider and the family acting on one order at once.

Every attempt goes through `orders.services.place_order` (or the transition services) on
its own database connection. PostgreSQL here allows 100 connections, shared with other
runs, so the attempts go through a bounded pool (`CONNECTIONS`), whose threads are let go
together from a barrier: 200 attempts are 200 transactions, at most 40 of them open at
the same moment, all of them contending for the same rows.
"""

import itertools
import random
import re

import pytest
from django.db.models import Sum

from billing.models import MonthlyUsage, Programme
from marketplace.models import Slot
from orders import services
from orders.exceptions import OrdersError, SlotFull
from orders.models import Order, OrderEvent, Payment, Refund
from orders.transitions import TransitionNotAllowed
from tests.billing.conftest import make_eligible
from tests.orders.conftest import book, pay
from tests.reliability.conftest import families, slot_of
from tests.reliability.racing import Watcher, race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CONNECTIONS = 40
# What the services say, in the site's language (the threads speak it, like requests do).
FULL = "抱歉，这个时间刚刚约满了，请选择其他时间。"
SUBSIDY_CHANGED = re.compile(r"^补贴已发生变化：.+现在需要支付 ¥75\.00。请确认后再预约。$")
BUSY = "现在预约的人很多，请再试一次。"
NOT_NOW = re.compile(r"^该订单当前状态为“(已确认|已拒绝|已取消)”，现在不能(接单|拒绝|取消)。$")


def test_two_hundred_people_racing_for_five_places_get_exactly_five_orders(cleaning, weifang_1):
    slot = slot_of(cleaning, capacity=5)
    people = families(200, weifang_1, prefix="racer")
    attempts = [
        (lambda user=user, recipient=recipient: book(user, slot, recipient))
        for user, recipient in people
    ]

    with Watcher(lambda: Slot.objects.values_list("capacity", "booked").get(pk=slot.pk)) as places:
        results = race(attempts, connections=CONNECTIONS)

    orders = [r for r in results if isinstance(r, Order)]
    refusals = [r for r in results if isinstance(r, SlotFull)]
    others = [r for r in results if not isinstance(r, Order | SlotFull)]
    assert others == []
    assert len(orders) == 5
    assert len(refusals) == 195
    assert {str(r) for r in refusals} == {FULL}
    # Places left never went below zero, at any moment the watcher looked.
    assert len(places.samples) > 1
    assert all(capacity - booked >= 0 for capacity, booked in places.samples)
    slot.refresh_from_db()
    assert slot.booked == 5
    # Only the winners left rows behind: one order, one payment, one event each.
    winners = {order.pk for order in orders}
    assert set(Order.objects.values_list("pk", flat=True)) == winners
    assert set(Payment.objects.values_list("order_id", flat=True)) == winners
    assert sorted(OrderEvent.objects.values_list("order_id", "action")) == sorted(
        (pk, "place") for pk in winners
    )
    assert len({order.booked_by_id for order in orders}) == 5


def test_fifty_subsidised_bookings_against_a_budget_for_ten_reserve_exactly_ten(
    bathing, programme, weifang_1
):
    subsidy = 4800  # 80 % of the ¥60 the programme recognises
    Programme.objects.filter(pk=programme.pk).update(budget_fen=10 * subsidy)
    slot = slot_of(bathing, capacity=50)
    people = families(50, weifang_1, prefix="family", born=programme.valid_from.replace(1940))
    for _user, recipient in people:
        make_eligible(recipient, programme)
    # The booking page showed each family ¥27 to pay and sends that price back.
    attempts = [
        (
            lambda user=user, recipient=recipient: book(
                user, slot, recipient, expected_copay_fen=2700
            )
        )
        for user, recipient in people
    ]

    with Watcher(
        lambda: Programme.objects.values_list("budget_fen", "spent_fen", "reserved_fen").get(
            pk=programme.pk
        )
    ) as budget:
        results = race(attempts, connections=CONNECTIONS)

    orders = [r for r in results if isinstance(r, Order)]
    refusals = [r for r in results if isinstance(r, OrdersError)]
    others = [r for r in results if not isinstance(r, Order | OrdersError)]
    assert others == []
    assert len(orders) == 10
    assert len(refusals) == 40
    assert all(SUBSIDY_CHANGED.match(str(r)) or str(r) == BUSY for r in refusals), {
        str(r) for r in refusals
    }
    assert all(
        (o.subsidy_fen, o.copay_fen, o.programme_id) == (subsidy, 2700, programme.pk)
        for o in orders
    )
    assert all(reserved + spent <= total for total, spent, reserved in budget.samples)
    programme.refresh_from_db()
    assert programme.reserved_fen == 10 * subsidy
    # The monthly allowance was taken only by the ten who got an order.
    usage = MonthlyUsage.objects.filter(programme=programme, used_fen__gt=0)
    assert set(usage.values_list("care_recipient_id", flat=True)) == {
        o.care_recipient_id for o in orders
    }
    assert usage.aggregate(total=Sum("used_fen"))["total"] == programme.reserved_fen
    assert Order.objects.count() == 10
    slot.refresh_from_db()
    assert slot.booked == 10


@pytest.mark.usefixtures("fake_stripe")
def test_accept_decline_and_cancel_racing_on_one_order_take_it_out_of_requested_once(
    cleaning, weifang_1, daughter, grandma_li, provider_manager
):
    """For each of twenty paid requests, the manager's accept and decline and the
    family's cancel arrive at once. Exactly one of them takes the order out of `requested`;
    an accept that wins is still followed by the family's cancel (allowed on a confirmed
    order), a decline or cancel that wins leaves the others refused with the service's
    message. Events, refund and places must tell the same story."""
    racing = 20
    slot = slot_of(cleaning, capacity=racing + 1)
    bystander = book(daughter, slot, grandma_li)  # holds a place throughout
    orders = [pay(book(daughter, slot, grandma_li)) for _ in range(racing)]
    assert {order.status for order in orders} == {Order.Status.REQUESTED}

    calls, labels = [], []
    for order in orders:
        calls += [
            lambda order=order: services.accept_order(order=order, by=provider_manager),
            lambda order=order: services.decline_order(order=order, by=provider_manager),
            lambda order=order: services.cancel_order(order=order, by=daughter),
        ]
        labels += [(order.pk, "accept"), (order.pk, "decline"), (order.pk, "cancel")]
    shuffled = list(range(len(calls)))
    random.Random(9).shuffle(shuffled)
    results = dict(
        zip(
            shuffled,
            race([calls[i] for i in shuffled], connections=CONNECTIONS),
            strict=True,
        )
    )

    refused = [results[i] for i in results if isinstance(results[i], Exception)]
    assert all(isinstance(r, TransitionNotAllowed) for r in refused), refused
    assert all(NOT_NOW.match(str(r)) for r in refused), {str(r) for r in refused}
    succeeded = {labels[i] for i in results if not isinstance(results[i], Exception)}
    for order in orders:
        order.refresh_from_db()
        events = list(order.events.exclude(action__in=("place", "pay")).order_by("pk"))
        # The events are exactly the calls that succeeded, one each.
        assert sorted(e.action for e in events) == sorted(
            action for pk, action in succeeded if pk == order.pk
        )
        # One way out of `requested`, and each event starts where the previous ended.
        assert [e.from_status for e in events].count(Order.Status.REQUESTED) == 1
        assert all(a.to_status == b.from_status for a, b in itertools.pairwise(events))
        assert events[-1].to_status == order.status
        assert order.status in {Order.Status.DECLINED, Order.Status.CANCELLED}
        # Everything paid comes back once (two days ahead: free cancellation), via Stripe.
        refunds = list(Refund.objects.filter(payment__order=order))
        assert [(r.amount_fen, r.status) for r in refunds] == [(12000, Refund.Status.SUCCEEDED)]
        assert refunds[0].stripe_refund_id
    # Each racing order gave its place back exactly once; the bystander still holds one.
    slot.refresh_from_db()
    assert slot.booked == 1
    bystander.refresh_from_db()
    assert bystander.status == Order.Status.PENDING_PAYMENT
