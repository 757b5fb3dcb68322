"""Issue 18, point 4: Stripe delivers a payment's events in any order and more than once. One
order receives a payment, a partial refund made in Stripe's dashboard, a second refund and a
chargeback, in every ordering, each with duplicates; every ordering ends in the same state and
the same money figures (decision 0025). The README's "N event orderings → 1 end state" is
ORDERINGS below."""

import itertools
import json

import pytest
from django.db import transaction
from django.urls import reverse

from orders import ledger
from orders.models import Dispute, Order, ProcessedStripeEvent, Refund
from tests.reliability.conftest import slot_of
from tests.reliability.test_webhooks import awaiting_payment, sign

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

INTENT = "pi_orderings"


def event(event_id: str, event_type: str, obj: dict) -> bytes:
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "api_version": "2026-10-28.endive",
            "created": 1795000000,
            "type": event_type,
            "livemode": False,
            "data": {"object": obj},
        }
    ).encode()


def refund(refund_id: str, amount: int) -> dict:
    return {
        "id": refund_id,
        "object": "refund",
        "amount": amount,
        "currency": "cny",
        "status": "succeeded",
        "payment_intent": INTENT,
        "metadata": {},
    }


EVENTS = {
    "payment": event(
        "evt_o_paid",
        "payment_intent.succeeded",
        {"id": INTENT, "object": "payment_intent", "amount": 12000, "status": "succeeded"},
    ),
    "partial refund": event("evt_o_refund_1", "refund.created", refund("re_o_1", 3000)),
    "second refund": event(
        "evt_o_refund_2",
        "charge.refunded",
        {
            "id": "ch_o",
            "object": "charge",
            "amount": 12000,
            "amount_refunded": 5000,
            "payment_intent": INTENT,
            "refunds": {"object": "list", "data": [refund("re_o_1", 3000), refund("re_o_2", 2000)]},
        },
    ),
    "chargeback": event(
        "evt_o_dispute",
        "charge.dispute.created",
        {
            "id": "dp_o",
            "object": "dispute",
            "amount": 7000,
            "payment_intent": INTENT,
            "reason": "fraudulent",
            "status": "needs_response",
        },
    ),
}


def with_duplicates(ordering: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Two deliveries of each event: each repeated at once or later, and the whole replayed
    backwards."""
    a, b, c, d = ordering
    return [(a, b, a, c, b, d, c, d), ordering + ordering[::-1]]


ORDERINGS = [
    sequence
    for ordering in itertools.permutations(EVENTS)
    for sequence in with_duplicates(ordering)
]


def end_state(order: Order) -> dict:
    order.refresh_from_db()
    money = ledger.figures(order)
    return {
        "order": order.status,
        "payment": order.payment.status,
        "refunds": sorted(
            Refund.objects.filter(payment=order.payment).values_list(
                "stripe_refund_id", "amount_fen", "status", "origin"
            )
        ),
        "disputes": sorted(
            Dispute.objects.values_list("stripe_dispute_id", "amount_fen", "status")
        ),
        "events": sorted(order.events.values_list("action", "to_status")),
        "processed": ProcessedStripeEvent.objects.count(),
        "money": (money.paid, money.refunded, money.fee, money.charged, money.gap),
    }


def test_every_ordering_of_a_payment_two_refunds_and_a_chargeback_ends_the_same(
    client, daughter, cleaning, grandma_li
):
    order = awaiting_payment(daughter, slot_of(cleaning, capacity=2), grandma_li, INTENT)
    ends = set()
    for sequence in ORDERINGS:
        with transaction.atomic():
            for name in sequence:
                body = EVENTS[name]
                answer = client.post(
                    reverse("orders:stripe_webhook"),
                    body,
                    content_type="application/json",
                    HTTP_STRIPE_SIGNATURE=sign(body),
                )
                assert answer.status_code == 200, (sequence, name)
            ends.add(json.dumps(end_state(order), sort_keys=True))
            transaction.set_rollback(True)

    assert len(ORDERINGS) == len(set(ORDERINGS)) == 48
    assert len(ends) == 1
    end = json.loads(ends.pop())
    assert end["order"] == Order.Status.REQUESTED
    assert end["payment"] == "succeeded"
    assert end["refunds"] == [
        ["re_o_1", 3000, "succeeded", "stripe"],
        ["re_o_2", 2000, "succeeded", "stripe"],
    ]
    assert end["disputes"] == [["dp_o", 7000, "needs_response"]]
    assert end["processed"] == 4
    # paid, refunded, fee, charged, and the gap staff are shown (refunds made outside Linli).
    assert end["money"] == [12000, 5000, 0, 12000, -5000]


def test_a_late_pending_refund_event_does_not_undo_a_settled_one(
    client, daughter, cleaning, grandma_li
):
    order = awaiting_payment(daughter, slot_of(cleaning, capacity=2), grandma_li, INTENT)
    pending = {**refund("re_o_1", 3000), "status": "pending"}
    for body in (
        EVENTS["payment"],
        EVENTS["partial refund"],
        event("evt_o_stale", "refund.updated", pending),
    ):
        client.post(
            reverse("orders:stripe_webhook"),
            body,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=sign(body),
        )
    assert Refund.objects.get(payment=order.payment).status == Refund.Status.SUCCEEDED
