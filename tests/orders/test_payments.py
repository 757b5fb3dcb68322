"""Card payments, refunds and provider payouts through the project's fake Stripe server."""

import contextlib
import urllib.request

import pytest
import stripe
from django.utils import timezone

from orders import payments, services, visits
from orders.models import Order, Payment, Refund, Transfer
from providers.models import PayoutAccount
from tests.orders.conftest import DECLINED_CARD, book, confirm_in_stripe, pay

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fake_stripe")]


def test_paying_by_card_sends_the_request_to_the_provider(
    daughter, slot, grandma_li, provider_manager, django_capture_on_commit_callbacks
):
    order = book(daughter, slot, grandma_li)
    with django_capture_on_commit_callbacks(execute=True):
        order = pay(order)

    assert order.status == Order.Status.REQUESTED
    assert order.payment.status == Payment.Status.SUCCEEDED
    remote = payments.client().v1.payment_intents.retrieve(order.payment.stripe_payment_intent_id)
    assert (remote.status, remote.amount, remote.currency) == ("succeeded", 12000, "cny")
    assert provider_manager.notifications.filter(kind="order").exists()


def test_asking_twice_creates_one_payment_intent(daughter, slot, grandma_li):
    order = book(daughter, slot, grandma_li)
    first = payments.start_payment(order)
    second = payments.start_payment(order)
    assert first.stripe_payment_intent_id == second.stripe_payment_intent_id
    assert Payment.objects.filter(order=order).count() == 1


def test_a_declined_card_leaves_the_order_waiting_for_another_try(daughter, slot, grandma_li):
    order = book(daughter, slot, grandma_li)
    payments.start_payment(order)
    with pytest.raises(stripe.CardError):
        confirm_in_stripe(order, DECLINED_CARD)

    assert payments.settle_payment(order).state == "refused"
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT
    assert order.payment.status == Payment.Status.CREATED


def test_a_late_cancellation_refunds_what_the_policy_says_through_stripe(
    daughter, slot, grandma_li, django_capture_on_commit_callbacks
):
    order = pay(book(daughter, slot, grandma_li))
    Order.objects.filter(pk=order.pk).update(starts_at=timezone.now() + timezone.timedelta(hours=5))
    order.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        decision = services.cancel_order(order=order, by=daughter, reason="临时有事")

    assert (decision.refund_fen, decision.fee_fen) == (8400, 3600)
    refund = Refund.objects.get()
    assert (refund.amount_fen, refund.status) == (8400, Refund.Status.SUCCEEDED)
    remote = payments.client().v1.refunds.retrieve(refund.stripe_refund_id)
    assert remote.amount == 8400
    slot.refresh_from_db()
    assert slot.booked == 0


def test_a_decline_refunds_everything(
    daughter, slot, grandma_li, provider_manager, django_capture_on_commit_callbacks
):
    order = pay(book(daughter, slot, grandma_li))
    with django_capture_on_commit_callbacks(execute=True):
        services.decline_order(order=order, by=provider_manager, reason="那天人手不够")
    assert Refund.objects.get().amount_fen == 12000


def test_a_closed_order_pays_the_provider_through_connect(
    daughter,
    slot,
    grandma_li,
    provider_a,
    provider_manager,
    caregiver,
    client,
    django_capture_on_commit_callbacks,
):
    link = payments.onboarding_link(
        provider_a, return_url="http://127.0.0.1/back", refresh_url="http://127.0.0.1/again"
    )
    account = PayoutAccount.objects.get(provider=provider_a)
    assert not account.payouts_enabled
    # The provider fills in the (fake) hosted form; its redirect back leads nowhere here.
    with contextlib.suppress(OSError):
        urllib.request.urlopen(link)
    payments.refresh_payout_account(account)
    assert account.payouts_enabled

    order = pay(book(daughter, slot, grandma_li))
    services.accept_order(order=order, by=provider_manager)
    services.assign_worker(
        order=order, by=provider_manager, worker=caregiver.provider_memberships.get()
    )
    Order.objects.filter(pk=order.pk).update(starts_at=timezone.now())
    order.refresh_from_db()
    visits.check_in(order=order, by=caregiver)
    visits.check_out(order=order, by=caregiver)
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_completion(order=order, by=daughter)

    transfer = Transfer.objects.get(order=order)
    assert transfer.amount_fen == 12000
    assert transfer.stripe_transfer_id.startswith("tr_")


def test_a_transfer_waits_until_the_provider_can_receive_it(
    daughter, slot, grandma_li, provider_a, django_capture_on_commit_callbacks
):
    order = pay(book(daughter, slot, grandma_li))
    Order.objects.filter(pk=order.pk).update(status=Order.Status.COMPLETED)
    order.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_completion(order=order, by=daughter)
    transfer = Transfer.objects.get(order=order)
    assert transfer.stripe_transfer_id is None


def test_a_canceled_payment_intent_is_replaced_and_the_next_try_pays(daughter, slot, grandma_li):
    """Stripe cancels an intent left unpaid (a wallet that expired): the pay page's next try
    gets a new intent, under a key of its own, and paying it works."""
    order = book(daughter, slot, grandma_li)
    first = payments.start_payment(order).stripe_payment_intent_id
    payments.client().v1.payment_intents.cancel(first)
    assert payments.settle_payment(order).state == "open"
    assert Payment.objects.get(order=order).status == Payment.Status.CANCELED

    order = pay(order)

    payment = order.payment
    assert payment.stripe_payment_intent_id != first
    assert (payment.intent_attempt, payment.status) == (2, Payment.Status.SUCCEEDED)
    assert order.status == Order.Status.REQUESTED
    assert payments.intent_key(payment, 2).endswith(f"{order.code}-2")
