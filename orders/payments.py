"""The Stripe adapter: the only module that talks to Stripe. It creates PaymentIntents for
the resident's share, refunds, Connect onboarding and transfers to providers, and turns
Stripe's webhook events into calls of order services. See docs/decisions/0010-payments.md."""

import logging
from collections.abc import Callable
from typing import Any

import stripe
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from orders import services
from orders.exceptions import OrdersError
from orders.models import Order, Payment, ProcessedStripeEvent, Refund, Transfer
from providers.models import PayoutAccount, Provider

logger = logging.getLogger(__name__)
CURRENCY = "cny"


def client() -> stripe.StripeClient:
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": settings.STRIPE_API_BASE},
        max_network_retries=2,
    )


class PaymentsUnavailable(OrdersError):
    """Stripe could not be reached, or answered with something that is not an answer: an
    outage, a timeout, a proxy's error page. Nothing was charged and the order waits."""

    def __init__(self):
        super().__init__(
            _(
                "Card payments cannot be taken at the moment. Your booking is kept: please "
                "try again in a few minutes."
            )
        )


# Refusals about this card or this request are the payer's to hear; any other Stripe
# error means Stripe itself is not answering as it should.
CARD_PROBLEMS = (stripe.CardError, stripe.InvalidRequestError)


def start_payment(order: Order) -> Payment:
    """The PaymentIntent for this order's payment, created once however often asked."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(order=order)
        if payment.stripe_payment_intent_id:
            return payment
        try:
            intent = client().v1.payment_intents.create(
                params={
                    "amount": payment.amount_fen,
                    "currency": CURRENCY,
                    "metadata": {"order": order.code},
                },
                options={"idempotency_key": f"linli-payment-{payment.pk}"},
            )
        except stripe.StripeError as exc:
            logger.warning("Stripe did not create a payment for %s: %s", order.code, exc)
            raise PaymentsUnavailable from None
        payment.stripe_payment_intent_id = intent.id
        payment.client_secret = intent.client_secret
        payment.save(update_fields=["stripe_payment_intent_id", "client_secret"])
        return payment


class CardRefused(OrdersError):
    """The card was refused; the message is Stripe's, for the payer."""


def pay_with_card_token(payment: Payment, token_id: str) -> str:
    """Charge the card the browser turned into a token (Stripe.js createToken); returns
    the PaymentIntent's status ("succeeded", or "requires_action" for 3-D Secure)."""
    stripe_client = client()
    try:
        token = stripe_client.v1.tokens.retrieve(token_id)
        stripe_client.v1.payment_intents.update(
            payment.stripe_payment_intent_id, params={"payment_method": token.card.id}
        )
        intent = stripe_client.v1.payment_intents.confirm(payment.stripe_payment_intent_id)
    except CARD_PROBLEMS as exc:
        raise CardRefused(exc.user_message or str(exc)) from None
    except stripe.StripeError as exc:
        logger.warning("Stripe did not take the card for payment %s: %s", payment.pk, exc)
        raise PaymentsUnavailable from None
    if intent.status == "succeeded":
        services.confirm_payment(
            order=payment.order, stripe_payment_intent_id=intent.id, amount_fen=intent.amount
        )
    return intent.status


def sync_payment(payment: Payment) -> None:
    """Ask Stripe how a payment stands (the browser came back before the webhook did)."""
    if not payment.stripe_payment_intent_id or payment.status == Payment.Status.SUCCEEDED:
        return
    try:
        intent = client().v1.payment_intents.retrieve(payment.stripe_payment_intent_id)
    except stripe.StripeError as exc:
        # The webhook brings the outcome when Stripe is back; the order page says how it
        # stands meanwhile.
        logger.warning("Stripe did not say how payment %s stands: %s", payment.pk, exc)
        return
    if intent.status == "succeeded":
        services.confirm_payment(
            order=payment.order, stripe_payment_intent_id=intent.id, amount_fen=intent.amount
        )


def execute_refund(refund: Refund) -> None:
    if refund.stripe_refund_id:
        return
    stripe_refund = client().v1.refunds.create(
        params={
            "payment_intent": refund.payment.stripe_payment_intent_id,
            "amount": refund.amount_fen,
        },
        options={"idempotency_key": f"linli-refund-{refund.pk}"},
    )
    status = (
        Refund.Status.SUCCEEDED if stripe_refund.status == "succeeded" else (Refund.Status.PENDING)
    )
    Refund.objects.filter(pk=refund.pk, stripe_refund_id__isnull=True).update(
        stripe_refund_id=stripe_refund.id, status=status
    )


def onboarding_link(provider: Provider, *, return_url: str, refresh_url: str) -> str:
    """Where a provider's manager sets up (or finishes) their payout account."""
    account = PayoutAccount.objects.filter(provider=provider).first()
    if account is None:
        stripe_account = client().v1.accounts.create(
            params={"type": "express", "metadata": {"provider": str(provider.pk)}},
            options={"idempotency_key": f"linli-account-{provider.pk}"},
        )
        account, _created = PayoutAccount.objects.get_or_create(
            provider=provider, defaults={"stripe_account_id": stripe_account.id}
        )
    link = client().v1.account_links.create(
        params={
            "account": account.stripe_account_id,
            "refresh_url": refresh_url,
            "return_url": return_url,
            "type": "account_onboarding",
        }
    )
    return link.url


def refresh_payout_account(account: PayoutAccount) -> PayoutAccount:
    remote = client().v1.accounts.retrieve(account.stripe_account_id)
    account.details_submitted = bool(remote.details_submitted)
    account.payouts_enabled = bool(remote.payouts_enabled)
    account.save(update_fields=["details_submitted", "payouts_enabled"])
    return account


def send_transfer(transfer: Transfer) -> bool:
    """Pay the provider's share once it can receive it; False means try again later."""
    if transfer.stripe_transfer_id:
        return True
    account = PayoutAccount.objects.filter(provider=transfer.order.provider_id).first()
    if account is None or not account.payouts_enabled:
        return False
    remote = client().v1.transfers.create(
        params={
            "amount": transfer.amount_fen,
            "currency": CURRENCY,
            "destination": account.stripe_account_id,
            "transfer_group": transfer.order.code,
        },
        options={"idempotency_key": f"linli-transfer-{transfer.pk}"},
    )
    Transfer.objects.filter(pk=transfer.pk, stripe_transfer_id__isnull=True).update(
        stripe_transfer_id=remote.id
    )
    return True


def _payment_of(intent: Any) -> Payment | None:
    payment = (
        Payment.objects.select_related("order")
        .filter(stripe_payment_intent_id=intent["id"])
        .first()
    )
    if payment is None:
        logger.info("Stripe event about an unknown payment intent %s", intent["id"])
    return payment


def _payment_succeeded(intent: Any) -> None:
    payment = _payment_of(intent)
    if payment is not None:
        services.confirm_payment(
            order=payment.order,
            stripe_payment_intent_id=intent["id"],
            amount_fen=int(intent["amount"]),
        )


def _payment_failed(intent: Any) -> None:
    payment = _payment_of(intent)
    if payment is not None:
        services.record_payment_failure(order=payment.order)


def _charge_refunded(charge: Any) -> None:
    intent_id = charge.to_dict().get("payment_intent")
    if intent_id:
        Refund.objects.filter(
            payment__stripe_payment_intent_id=intent_id,
            status=Refund.Status.PENDING,
            stripe_refund_id__isnull=False,
        ).update(status=Refund.Status.SUCCEEDED)


HANDLERS: dict[str, Callable[[Any], None]] = {
    "payment_intent.succeeded": _payment_succeeded,
    "payment_intent.payment_failed": _payment_failed,
    "charge.refunded": _charge_refunded,
}


@transaction.atomic
def handle_stripe_event(event: stripe.Event) -> bool:
    """Act on one verified event, once: Stripe delivers at least once and out of order."""
    _row, first_time = ProcessedStripeEvent.objects.get_or_create(
        stripe_event_id=event.id, defaults={"type": event.type}
    )
    if not first_time:
        return False
    handler = HANDLERS.get(event.type)
    if handler is not None:
        handler(event.data.object)
    return True
