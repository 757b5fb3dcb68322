"""Webhooks: signed stored payloads; duplicates, out-of-order delivery, bad signatures."""

import hashlib
import hmac
import itertools
import json
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from orders.models import Order, OrderEvent, Payment, ProcessedStripeEvent, Refund
from providers.models import PayoutAccount
from tests.orders.conftest import book

pytestmark = pytest.mark.django_db

PAYLOADS = Path(__file__).parent / "stripe_payloads"
WEBHOOK = "orders:stripe_webhook"
_ids = itertools.count(1)


def payload(name: str, order: Order, *, event_id: str | None = None, amount=None) -> bytes:
    text = (PAYLOADS / f"{name}.json").read_text()
    text = text.replace("PAYMENT_INTENT_ID", order.payment.stripe_payment_intent_id)
    text = text.replace("ORDER_CODE", order.code)
    data = json.loads(text)
    if event_id:
        data["id"] = event_id
    if amount is not None:
        data["data"]["object"]["amount"] = amount
    return json.dumps(data).encode()


def signature(body: bytes, secret: str | None = None, timestamp: int | None = None) -> str:
    timestamp = timestamp or int(time.time())
    mac = hmac.new(
        (secret or settings.STRIPE_WEBHOOK_SECRET).encode(),
        f"{timestamp}.".encode() + body,
        hashlib.sha256,
    ).hexdigest()
    return f"t={timestamp},v1={mac}"


def deliver(client, body: bytes, sig: str | None = "auto"):
    headers = {}
    if sig == "auto":
        headers["HTTP_STRIPE_SIGNATURE"] = signature(body)
    elif sig is not None:
        headers["HTTP_STRIPE_SIGNATURE"] = sig
    return client.post(reverse(WEBHOOK), body, content_type="application/json", **headers)


@pytest.fixture
def awaiting_payment(daughter, slot, grandma_li) -> Order:
    order = book(daughter, slot, grandma_li)
    Payment.objects.filter(order=order).update(stripe_payment_intent_id=f"pi_hook_{next(_ids)}")
    order.refresh_from_db()
    return order


def test_a_payment_delivered_five_times_out_of_order_counts_once(client, awaiting_payment):
    order = awaiting_payment
    failed = payload("payment_intent_payment_failed", order)
    succeeded = payload("payment_intent_succeeded", order)
    deliveries = [succeeded, failed, succeeded, succeeded, failed, succeeded, succeeded]

    responses = [deliver(client, body).status_code for body in deliveries]

    assert responses == [200] * len(deliveries)
    order.refresh_from_db()
    assert order.status == Order.Status.REQUESTED
    assert order.payment.status == Payment.Status.SUCCEEDED
    assert order.events.filter(action="pay").count() == 1
    assert ProcessedStripeEvent.objects.count() == 2


def test_a_bad_signature_is_refused_and_changes_nothing(client, awaiting_payment):
    body = payload("payment_intent_succeeded", awaiting_payment)
    events_before = OrderEvent.objects.count()

    wrong_secret = deliver(client, body, signature(body, secret="whsec_somebody_else"))
    missing = deliver(client, body, sig=None)
    stale = deliver(client, body, signature(body, timestamp=int(time.time()) - 3600))
    tampered = deliver(client, body.replace(b"12000", b"1"), signature(body))

    assert [r.status_code for r in (wrong_secret, missing, stale, tampered)] == [400] * 4
    awaiting_payment.refresh_from_db()
    assert awaiting_payment.status == Order.Status.PENDING_PAYMENT
    assert not ProcessedStripeEvent.objects.exists()
    assert OrderEvent.objects.count() == events_before


def test_an_unknown_event_type_is_acknowledged_and_ignored(client, awaiting_payment):
    response = deliver(client, payload("customer_created", awaiting_payment))
    assert response.status_code == 200
    awaiting_payment.refresh_from_db()
    assert awaiting_payment.status == Order.Status.PENDING_PAYMENT


def test_a_payment_of_the_wrong_amount_is_not_taken_as_paid(client, awaiting_payment):
    body = payload("payment_intent_succeeded", awaiting_payment, amount=1)
    assert deliver(client, body).status_code == 400
    awaiting_payment.refresh_from_db()
    assert awaiting_payment.payment.status == Payment.Status.CREATED
    assert not ProcessedStripeEvent.objects.exists()


def test_a_payment_after_the_order_expired_is_refunded_in_full(client, awaiting_payment):
    Order.objects.filter(pk=awaiting_payment.pk).update(status=Order.Status.EXPIRED)
    deliver(client, payload("payment_intent_succeeded", awaiting_payment))
    refund = Refund.objects.get()
    assert (refund.amount_fen, refund.reason) == (12000, "paid_after_closing")


def test_a_refund_event_marks_the_refund_done(client, awaiting_payment):
    Payment.objects.filter(pk=awaiting_payment.payment.pk).update(status="succeeded")
    refund = Refund.objects.create(
        payment=awaiting_payment.payment, amount_fen=12000, stripe_refund_id="re_fixture"
    )
    deliver(client, payload("charge_refunded", awaiting_payment))
    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED


def test_connected_accounts_events_signed_by_the_connect_endpoint_are_taken(
    client, settings, provider_a
):
    """Stripe sends account.updated from the endpoint for connected accounts, whose secret
    is another one; a signature by neither secret is refused."""
    settings.STRIPE_CONNECT_WEBHOOK_SECRET = "whsec_connect_endpoint"
    PayoutAccount.objects.create(provider=provider_a, stripe_account_id="acct_hook")
    body = (PAYLOADS / "account_updated.json").read_bytes()

    assert deliver(client, body, signature(body, secret="whsec_somebody")).status_code == 400
    assert not PayoutAccount.objects.get(provider=provider_a).payouts_enabled
    connect = signature(body, secret="whsec_connect_endpoint")
    assert deliver(client, body, connect).status_code == 200
    assert PayoutAccount.objects.get(provider=provider_a).payouts_enabled


def test_a_refund_event_that_arrives_before_our_answer_is_saved_finds_our_refund(
    client, awaiting_payment
):
    """Stripe's event can beat the answer to our own request: the refund is found by the
    metadata we sent with it, not written again as one made in Stripe's dashboard."""
    Payment.objects.filter(pk=awaiting_payment.payment.pk).update(status="succeeded")
    ours = Refund.objects.create(payment=awaiting_payment.payment, amount_fen=8400, attempts=2)
    data = json.loads(payload("refund_updated", awaiting_payment))
    data["data"]["object"].update(
        amount=8400, metadata={"linli_refund": str(ours.pk), "attempt": "1"}
    )

    assert deliver(client, json.dumps(data).encode()).status_code == 200

    ours.refresh_from_db()
    assert (ours.stripe_refund_id, ours.status) == ("re_hook_updated", Refund.Status.SUCCEEDED)
    assert Refund.objects.count() == 1


def test_an_earlier_attempts_refund_event_does_not_touch_the_new_attempt(client, awaiting_payment):
    Payment.objects.filter(pk=awaiting_payment.payment.pk).update(status="succeeded")
    ours = Refund.objects.create(
        payment=awaiting_payment.payment,
        amount_fen=8400,
        attempts=3,
        key_generation=2,
    )
    data = json.loads(payload("refund_failed", awaiting_payment))
    data["data"]["object"].update(metadata={"linli_refund": str(ours.pk), "attempt": "1"})

    assert deliver(client, json.dumps(data).encode()).status_code == 200

    ours.refresh_from_db()
    assert (ours.stripe_refund_id, ours.status) == (None, Refund.Status.PENDING)
    assert Refund.objects.count() == 1


def test_a_chargeback_is_recorded_once_and_staff_are_told_once(
    client, awaiting_payment, community_staff
):
    Payment.objects.filter(pk=awaiting_payment.payment.pk).update(status="succeeded")
    opened = payload("charge_dispute_created", awaiting_payment)
    for _delivery in range(3):
        assert deliver(client, opened).status_code == 200
    data = json.loads(opened)
    data["id"] = "evt_dispute_lost"
    data["data"]["object"]["status"] = "lost"
    assert deliver(client, json.dumps(data).encode()).status_code == 200
    assert deliver(client, opened.replace(b"evt_dispute_created_1", b"evt_late")).status_code == 200

    dispute = awaiting_payment.payment.disputes.get()
    assert (dispute.status, dispute.amount_fen) == ("lost", 12000)
    notices = community_staff.notifications.filter(url=awaiting_payment.get_absolute_url())
    assert notices.count() == 1
