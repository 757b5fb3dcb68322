"""Stripe webhooks as Stripe really delivers them: every event type the site handles,
each delivered ten times, shuffled with the others, interleaved with deliveries whose
signature is wrong. One effect per event, bad signatures refused with nothing written.

The event types come from `orders.payments.HANDLERS`; each needs a stored payload in
tests/orders/stripe_payloads and a scenario below, so a new handler cannot go untested.
"""

import hashlib
import hmac
import json
import random
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from accounts.models import Notification
from orders.models import Dispute, Order, OrderEvent, Payment, ProcessedStripeEvent, Refund
from orders.payments import HANDLERS
from providers.models import PayoutAccount
from tests.orders.conftest import book, put_in
from tests.reliability.conftest import slot_of
from tests.reliability.rows import changed_counts, row_counts

pytestmark = pytest.mark.django_db

PAYLOADS = Path(__file__).parent.parent / "orders" / "stripe_payloads"
UNHANDLED = "customer.created"  # acknowledged and recorded, nothing else
DELIVERIES = 10
BAD_SIGNATURES = ("wrong_secret", "missing", "stale", "tampered", "garbage")


def sign(body: bytes, *, secret: str | None = None, at: int | None = None) -> str:
    at = at or int(time.time())
    mac = hmac.new(
        (secret or settings.STRIPE_WEBHOOK_SECRET).encode(),
        f"{at}.".encode() + body,
        hashlib.sha256,
    ).hexdigest()
    return f"t={at},v1={mac}"


def event_body(event_type: str, event_id: str, order: Order) -> bytes:
    text = (PAYLOADS / f"{event_type.replace('.', '_')}.json").read_text()
    text = text.replace("PAYMENT_INTENT_ID", order.payment.stripe_payment_intent_id)
    text = text.replace("ORDER_CODE", order.code)
    data = json.loads(text)
    data["id"] = event_id
    return json.dumps(data).encode()


@dataclass(frozen=True)
class Delivery:
    body: bytes
    bad: str = ""  # which way the signature is wrong, or "" for a good one

    def post(self, client) -> int:
        headers = {}
        body = self.body
        if self.bad == "wrong_secret":
            headers["HTTP_STRIPE_SIGNATURE"] = sign(body, secret="whsec_somebody_else")
        elif self.bad == "stale":
            headers["HTTP_STRIPE_SIGNATURE"] = sign(body, at=int(time.time()) - 3600)
        elif self.bad == "tampered":
            headers["HTTP_STRIPE_SIGNATURE"] = sign(body)
            body = body.replace(b'"livemode": false', b'"livemode": true ')
        elif self.bad == "garbage":
            headers["HTTP_STRIPE_SIGNATURE"] = "t=nonsense,v1=zz"
        elif self.bad == "":
            headers["HTTP_STRIPE_SIGNATURE"] = sign(body)
        response = client.post(
            reverse("orders:stripe_webhook"), body, content_type="application/json", **headers
        )
        return response.status_code


def awaiting_payment(daughter, slot, grandma_li, intent: str) -> Order:
    order = book(daughter, slot, grandma_li)
    Payment.objects.filter(order=order).update(stripe_payment_intent_id=intent)
    order.refresh_from_db()
    return order


@pytest.fixture
def world(cleaning, daughter, grandma_li, provider_manager, provider_a):
    """One order per event type, each in the state the event is about, and one more that
    only ever receives forgeries."""
    slot = slot_of(cleaning, capacity=20)

    def cancelled(refund_id: str | None = None) -> Order:
        order = put_in(book(daughter, slot, grandma_li), Order.Status.CANCELLED)
        if refund_id:
            Refund.objects.create(
                payment=order.payment, amount_fen=12000, stripe_refund_id=refund_id
            )
        return order

    closed_dispute = put_in(book(daughter, slot, grandma_li), Order.Status.CLOSED)
    Dispute.objects.create(
        payment=closed_dispute.payment,
        stripe_dispute_id="dp_hook_closed",
        amount_fen=12000,
        status="needs_response",
    )
    PayoutAccount.objects.create(provider=provider_a, stripe_account_id="acct_hook")
    return {
        "payment_intent.succeeded": awaiting_payment(daughter, slot, grandma_li, "pi_paid"),
        "payment_intent.payment_failed": awaiting_payment(daughter, slot, grandma_li, "pi_fail"),
        "payment_intent.canceled": awaiting_payment(daughter, slot, grandma_li, "pi_canceled"),
        "charge.refunded": cancelled("re_hook"),
        "refund.created": cancelled(),
        "refund.updated": cancelled("re_hook_updated"),
        "refund.failed": cancelled("re_hook_failed"),
        "charge.dispute.created": put_in(book(daughter, slot, grandma_li), Order.Status.CLOSED),
        "charge.dispute.closed": closed_dispute,
        "account.updated": awaiting_payment(daughter, slot, grandma_li, "pi_account"),
        UNHANDLED: awaiting_payment(daughter, slot, grandma_li, "pi_other"),
        "forged": awaiting_payment(daughter, slot, grandma_li, "pi_forged"),
    }


def effect_seen(event_type: str, order: Order) -> bool:
    """The one effect each event type must have had."""
    order.refresh_from_db()
    payment = order.payment
    if event_type == "payment_intent.succeeded":
        return (
            payment.status == Payment.Status.SUCCEEDED
            and order.status == Order.Status.REQUESTED
            and order.events.filter(action="pay").count() == 1
        )
    if event_type == "payment_intent.payment_failed":
        return payment.status == Payment.Status.FAILED and order.status == "pending_payment"
    if event_type == "payment_intent.canceled":
        return payment.status == Payment.Status.CANCELED and order.status == "pending_payment"
    if event_type in ("charge.refunded", "refund.updated"):
        return payment.refunds.get().status == Refund.Status.SUCCEEDED
    if event_type == "refund.created":
        refund = payment.refunds.get()
        return (refund.origin, refund.amount_fen, refund.status) == ("stripe", 2000, "succeeded")
    if event_type == "refund.failed":
        return payment.refunds.get().status == Refund.Status.FAILED
    if event_type == "charge.dispute.created":
        return payment.disputes.get().status == "needs_response"
    if event_type == "charge.dispute.closed":
        return payment.disputes.get().status == "lost"
    if event_type == "account.updated":
        return PayoutAccount.objects.get(stripe_account_id="acct_hook").payouts_enabled
    if event_type == UNHANDLED:
        return payment.status == Payment.Status.CREATED and order.status == "pending_payment"
    raise AssertionError(f"no effect described for {event_type}")


def state() -> dict:
    """Every row count of the project, and the rows webhooks may touch."""
    return {
        "counts": row_counts(),
        "orders": sorted(Order.objects.values_list("pk", "status")),
        "payments": sorted(Payment.objects.values_list("pk", "status")),
        "refunds": sorted(
            Refund.objects.values_list(
                "payment_id", "stripe_refund_id", "status", "amount_fen", "origin"
            )
        ),
        "disputes": sorted(Dispute.objects.values_list("stripe_dispute_id", "status")),
        "accounts": sorted(PayoutAccount.objects.values_list("pk", "payouts_enabled")),
        "processed": sorted(ProcessedStripeEvent.objects.values_list("stripe_event_id", "type")),
        "events": sorted(
            OrderEvent.objects.values_list("order_id", "action", "from_status", "to_status")
        ),
        "notifications": sorted(Notification.objects.values_list("user_id", "kind", "message")),
    }


def test_every_event_type_the_site_handles_has_a_payload_and_a_scenario(world):
    for event_type in [*HANDLERS, UNHANDLED]:
        assert (PAYLOADS / f"{event_type.replace('.', '_')}.json").exists(), event_type
        assert event_type in world, f"add a scenario for {event_type} to tests/reliability"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_each_event_delivered_ten_times_shuffled_with_forgeries_has_exactly_one_effect(
    client, world, seed
):
    shuffle = random.Random(seed)
    event_types = [*HANDLERS, UNHANDLED]
    bodies = {t: event_body(t, f"evt_{seed}_{t}", world[t]) for t in event_types}
    forged = event_body("payment_intent.succeeded", f"evt_{seed}_forged", world["forged"])
    before = state()

    # What one clean delivery of each event does, measured and then undone.
    with transaction.atomic():
        assert [Delivery(bodies[t]).post(client) for t in event_types] == [200] * len(bodies)
        reference = state()
        transaction.set_rollback(True)
    assert state() == before

    deliveries = [Delivery(body) for body in bodies.values() for _ in range(DELIVERIES)]
    deliveries += [Delivery(body, shuffle.choice(BAD_SIGNATURES)) for body in bodies.values()] * 3
    deliveries += [Delivery(forged, bad) for bad in BAD_SIGNATURES * 2]
    shuffle.shuffle(deliveries)
    answers = [(delivery.bad, delivery.post(client)) for delivery in deliveries]

    assert all(code == (400 if bad else 200) for bad, code in answers), answers
    assert state() == reference
    for event_type in event_types:
        assert effect_seen(event_type, world[event_type]), event_type
    # The forgery changed nothing at all.
    forged_order = world["forged"]
    forged_order.refresh_from_db()
    assert forged_order.status == Order.Status.PENDING_PAYMENT
    assert forged_order.payment.status == Payment.Status.CREATED
    assert not forged_order.events.exclude(action="place").exists()
    assert not ProcessedStripeEvent.objects.filter(stripe_event_id__endswith="forged").exists()


def test_only_forgeries_write_nothing_anywhere(client, world):
    before = row_counts()
    bodies = [event_body(t, f"evt_forged_{t}", world[t]) for t in [*HANDLERS, UNHANDLED]]
    codes = [Delivery(body, bad).post(client) for body in bodies for bad in BAD_SIGNATURES]
    assert codes == [400] * len(codes)
    assert changed_counts(before, row_counts()) == {}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ten_simultaneous_deliveries_of_one_payment_count_once(world):
    """Stripe retries while the first delivery is still being handled: ten at once, each
    on its own connection."""
    order = world["payment_intent.succeeded"]
    body = event_body("payment_intent.succeeded", "evt_simultaneous", order)
    barrier = threading.Barrier(DELIVERIES)
    codes: list[int] = []

    def deliver() -> None:
        try:
            barrier.wait(timeout=30)
            codes.append(Delivery(body).post(Client()))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(DELIVERIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert codes == [200] * DELIVERIES
    assert effect_seen("payment_intent.succeeded", order)
    assert ProcessedStripeEvent.objects.filter(stripe_event_id="evt_simultaneous").count() == 1
    # The provider's managers are told of the new request once, not once per delivery.
    managers = order.provider.members.managing().count()
    assert managers == 1
    assert Notification.objects.filter(url=order.get_absolute_url()).count() == managers
