import datetime
import uuid

import pytest
from django.utils import timezone

from marketplace.models import Slot
from marketplace.slots import materialise_slots
from orders import payments, services, visits
from orders.models import Order, Payment
from tests.marketplace.conftest import publish

TEST_CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "cvc": "123"}
# Stripe's test card that is accepted but whose charges fail.
DECLINED_CARD = {**TEST_CARD, "number": "4000000000000341"}


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


def card_token(card=None) -> str:
    return payments.client().v1.tokens.create(params={"card": card or TEST_CARD}).id


def pay(order: Order, card=None) -> Order:
    """The resident pays by card through the fake Stripe server."""
    payment = payments.start_payment(order)
    payments.pay_with_card_token(payment, card_token(card))
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


def delivered(order: Order, caregiver, daughter) -> Order:
    """A visit that happened: checked in with the family there, out, confirmed."""
    order = put_in(order, Order.Status.CONFIRMED, worker=caregiver.provider_memberships.get())
    Order.objects.filter(pk=order.pk).update(starts_at=timezone.now())
    order.refresh_from_db()
    visits.check_in(order=order, by=caregiver)
    visits.check_out(order=order, by=caregiver)
    services.confirm_completion(order=order, by=daughter)
    order.refresh_from_db()
    return order


@pytest.fixture
def requested(daughter, slot, grandma_li) -> Order:
    return put_in(book(daughter, slot, grandma_li), Order.Status.REQUESTED)


@pytest.fixture
def confirmed(requested, caregiver) -> Order:
    return put_in(requested, Order.Status.CONFIRMED, worker=caregiver.provider_memberships.get())
