import datetime
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from marketplace.models import Slot
from marketplace.slots import materialise_slots
from orders import payments, services, visits
from orders.models import Order, Payment
from tests.marketplace.conftest import publish

# Stripe's test payment methods: a Visa that pays, and 4000 0000 0000 0341, accepted but
# its charges declined (card_declined).
TEST_CARD = "pm_card_visa"
DECLINED_CARD = "pm_card_chargeCustomerFail"


def next_key() -> str:
    return uuid.uuid4().hex


@pytest.fixture
def cleaning(provider_a):
    service = publish(provider_a, title_zh="家庭保洁", price_fen=12000, duration_minutes=60)
    service.free_cancel_hours = 24
    service.late_cancel_fee_percent = 30
    service.save(update_fields=["free_cancel_hours", "late_cancel_fee_percent"])
    return service


@pytest.fixture
def slot(cleaning) -> Slot:
    """The day after tomorrow at ten, two places."""
    day = timezone.localdate() + datetime.timedelta(days=2)
    materialise_slots(cleaning, start=day, days=1)
    ten = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    return Slot.objects.get(service=cleaning, starts_at=ten)


def book(by, slot, recipient, **kwargs) -> Order:
    return services.place_order(
        booked_by=by,
        slot=slot,
        care_recipient=recipient,
        idempotency_key=kwargs.pop("key", next_key()),
        **kwargs,
    )


def confirm_in_stripe(order: Order, card: str = TEST_CARD):
    """What the pay page's Stripe.js does, done from a test with a secret key: confirm the
    order's PaymentIntent with a test payment method. Raises stripe.CardError on a decline."""
    intent_id = Payment.objects.get(order=order).stripe_payment_intent_id
    return payments.client().v1.payment_intents.confirm(intent_id, params={"payment_method": card})


def pay(order: Order, card: str = TEST_CARD) -> Order:
    """The resident pays through the fake Stripe server and comes back to the site."""
    payments.start_payment(order)
    confirm_in_stripe(order, card)
    payments.settle_payment(order)
    order.refresh_from_db()
    return order


def put_in(order: Order, status: str, *, paid: bool = True, worker=None) -> Order:
    """Fixture data: an order as it would be after earlier steps."""
    Order.objects.filter(pk=order.pk).update(status=status, worker=worker)
    if paid:
        Payment.objects.filter(order=order).update(
            status=Payment.Status.SUCCEEDED, stripe_payment_intent_id=f"pi_fixture_{order.pk}"
        )
    order.refresh_from_db()
    return order


def now_starting(order: Order) -> Order:
    """Fixture data: the visit is booked to start now, for as long as it was booked."""
    length = order.ends_at - order.starts_at
    start = timezone.now()
    Order.objects.filter(pk=order.pk).update(starts_at=start, ends_at=start + length)
    order.refresh_from_db()
    return order


def delivered(order: Order, caregiver, daughter) -> Order:
    """A visit that happened: checked in with the family there, out, confirmed."""
    order = put_in(order, Order.Status.CONFIRMED, worker=caregiver.provider_memberships.get())
    order = now_starting(order)
    visits.check_in(order=order, by=caregiver)
    visits.check_out(order=order, by=caregiver, at=order.ends_at)
    services.confirm_completion(order=order, by=daughter)
    order.refresh_from_db()
    return order


@pytest.fixture
def requested(daughter, slot, grandma_li) -> Order:
    return put_in(book(daughter, slot, grandma_li), Order.Status.REQUESTED)


@pytest.fixture
def confirmed(requested, caregiver) -> Order:
    return put_in(requested, Order.Status.CONFIRMED, worker=caregiver.provider_memberships.get())


@pytest.fixture(autouse=True)
def stripe_is_never_asked_inside_a_transaction(monkeypatch):
    """Issue 18: no request leaves for Stripe while one of our transactions is open (a test's
    own wrapping transaction aside), so a slow Stripe never holds a row lock."""
    asked_inside = []
    send = payments.StripeHttp.request

    def request(self, method, url, headers, post_data=None):
        if any(not block._from_testcase for block in connection.atomic_blocks):
            asked_inside.append(f"{method.upper()} {url}")
        return send(self, method, url, headers, post_data)

    monkeypatch.setattr(payments.StripeHttp, "request", request)
    yield
    assert asked_inside == [], "Stripe asked inside a transaction"
