import datetime

import pytest
from django.utils import timezone

from orders import services
from orders.models import Order

pytestmark = pytest.mark.django_db


def test_an_unanswered_request_expires_and_gives_its_place_back(requested, slot):
    services.expire_overdue(now=requested.expires_at - datetime.timedelta(minutes=1))
    requested.refresh_from_db()
    assert requested.status == Order.Status.REQUESTED

    services.expire_overdue(now=requested.expires_at + datetime.timedelta(minutes=1))

    requested.refresh_from_db()
    assert requested.status == Order.Status.EXPIRED
    slot.refresh_from_db()
    assert slot.booked == 0
    assert requested.payment.refunds.get().amount_fen == requested.copay_fen


def test_the_answer_deadline_is_never_after_the_start(settings, daughter, grandma_li, slot):
    from tests.orders.conftest import book

    settings.ORDER_ANSWER_WITHIN_HOURS = 1000
    order = book(daughter, slot, grandma_li)
    from orders.services import confirm_payment

    order.payment.stripe_payment_intent_id = "pi_deadline"
    order.payment.save()
    confirm_payment(order=order, stripe_payment_intent_id="pi_deadline", amount_fen=12000)
    order.refresh_from_db()
    assert order.expires_at == order.starts_at


def test_an_unpaid_order_gives_its_place_back_after_the_payment_window(
    daughter, slot, grandma_li, settings
):
    from tests.orders.conftest import book

    order = book(daughter, slot, grandma_li)
    services.expire_overdue(
        now=timezone.now() + datetime.timedelta(minutes=settings.ORDER_PAYMENT_WITHIN_MINUTES + 1)
    )
    order.refresh_from_db()
    assert order.status == Order.Status.EXPIRED
    slot.refresh_from_db()
    assert slot.booked == 0
    assert not order.payment.refunds.exists()


def test_completed_orders_close_after_72_hours_unless_disputed(confirmed, daughter):
    completed_at = timezone.now() - datetime.timedelta(hours=73)
    Order.objects.filter(pk=confirmed.pk).update(status="completed", completed_at=completed_at)
    disputed = Order.objects.get(pk=confirmed.pk)
    services.open_dispute(order=disputed, by=daughter, reason="少做了一项")

    assert services.close_overdue_orders(now=timezone.now()) == 0
    Order.objects.filter(pk=confirmed.pk).update(status="completed")

    assert services.close_overdue_orders(now=timezone.now()) == 1
    confirmed.refresh_from_db()
    assert confirmed.status == Order.Status.CLOSED
    assert confirmed.events.last().action == "auto_close"


def test_completed_orders_stay_open_until_72_hours_have_passed(confirmed):
    Order.objects.filter(pk=confirmed.pk).update(
        status="completed", completed_at=timezone.now() - datetime.timedelta(hours=71)
    )
    assert services.close_overdue_orders(now=timezone.now()) == 0
