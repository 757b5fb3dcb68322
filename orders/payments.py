"""The Stripe adapter: the only module that talks to Stripe. It creates the PaymentIntent the
pay page confirms with Stripe.js's Payment Element, settles it when the payer comes back,
refunds, Connect onboarding and transfers to providers, and turns Stripe's webhook events into
calls of order services. See docs/decisions/0010-payments.md.

Stripe is never asked inside a transaction or while a row is locked: we write our own row
first and commit, ask Stripe, then record the answer in a new short transaction that may run
twice. Each request waits at most STRIPE_TIMEOUT_SECONDS per try and is tried again
STRIPE_MAX_NETWORK_RETRIES times (same idempotency key); meanwhile the request's database
connection is given back, so a slow Stripe holds neither locks nor connections."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import stripe
from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from orders import services
from orders.exceptions import OrdersError
from orders.models import Order, Payment, ProcessedStripeEvent, Refund, Transfer
from providers.models import PayoutAccount, Provider

logger = logging.getLogger(__name__)
CURRENCY = "cny"


class StripeHttp(stripe.RequestsClient):
    """Every request to Stripe goes through here. Outside a transaction the connection goes
    back (to the pool, or closed) before Stripe is asked; the next query takes one again."""

    def request(self, method, url, headers, post_data=None):
        if not connection.in_atomic_block:
            connection.close()
        return super().request(method, url, headers, post_data)


def client() -> stripe.StripeClient:
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": settings.STRIPE_API_BASE},
        http_client=StripeHttp(timeout=settings.STRIPE_TIMEOUT_SECONDS),
        max_network_retries=settings.STRIPE_MAX_NETWORK_RETRIES,
    )


class PaymentsUnavailable(OrdersError):
    """Stripe could not be reached in time, or answered with something that is not an
    answer: an outage, a timeout, a proxy's error page. Nothing was charged and the order
    waits."""

    def __init__(self):
        super().__init__(
            _(
                "Card payments cannot be taken at the moment. Your booking is kept: please "
                "try again in a few minutes."
            )
        )


def _intent_params(order: Order, payment: Payment) -> dict[str, Any]:
    types = list(settings.STRIPE_PAYMENT_METHOD_TYPES)
    params: dict[str, Any] = {
        "amount": payment.amount_fen,
        "currency": CURRENCY,
        # Stripe answers the usable ones in the intent's payment_method_types (since API
        # 2026-09-30 payment_method_types itself is refused when creating).
        "allowed_payment_method_types": types,
        "metadata": {"order": order.code},
    }
    if "wechat_pay" in types:
        # The QR code is shown on a web page (not in an app).
        params["payment_method_options"] = {"wechat_pay": {"client": "web"}}
    return params


def start_payment(order: Order) -> Payment:
    """The order's PaymentIntent, created once however often asked. The pay page confirms it
    in the browser; after a decline the same intent is confirmed again with another card or
    method (Stripe leaves it in requires_payment_method for that)."""
    payment = Payment.objects.get(order=order)
    if payment.stripe_payment_intent_id:
        return payment
    try:
        intent = client().v1.payment_intents.create(
            params=_intent_params(order, payment),
            # Our row's id and the order's code: the same answer for a retry or a second
            # tab, and never another database's payment with the same id.
            options={"idempotency_key": f"linli-payment-{payment.pk}-{order.code}"},
        )
    except stripe.StripeError as exc:
        logger.warning("Stripe did not create a payment for %s: %s", order.code, exc)
        raise PaymentsUnavailable from None
    # Asked twice at once, both got the same intent (same key); the first recorded stays.
    Payment.objects.filter(pk=payment.pk, stripe_payment_intent_id__isnull=True).update(
        stripe_payment_intent_id=intent.id, client_secret=intent.client_secret
    )
    payment.refresh_from_db()
    return payment


# What the payer reads when a payment is refused: our words, in their language, chosen by
# Stripe's decline_code, else its code; Stripe's own English message is never shown. The
# reasons a bank keeps for itself (lost, stolen, fraud) get the plain "declined".
DECLINED = _("Your card was declined. Please use another card or another way to pay.")
NOT_ENOUGH = _(
    "The card does not have enough money or has reached its limit. Please use another card "
    "or another way to pay."
)
EXPIRED = _("This card has expired. Please use another card.")
WRONG_CVC = _("The security code (CVC) is not right. Please check it and try again.")
WRONG_NUMBER = _("The card number is not right. Please check it and try again.")
WRONG_EXPIRY = _("The expiry date is not right. Please check it and try again.")
INCOMPLETE = _("Please fill in all the card details.")
BANK_BUSY = _("The bank could not take the payment just now. Please try again.")
NOT_YOU = _("Your bank could not confirm that it was you. Please try again, or use another card.")
WALLET_FAILED = _(
    "The payment was not completed in Alipay or WeChat Pay. Please try again or choose "
    "another way to pay."
)
NOT_THIS_CARD = _("This card cannot be used for this payment. Please use another card.")
ALREADY_SETTLED = _(
    "This payment is already completed or closed. Please look at the order for how it stands."
)
CANNOT_REACH = _(
    "The payment service could not be reached. Please check your connection and try again."
)

REFUSALS: dict[str, Any] = {
    "insufficient_funds": NOT_ENOUGH,
    "card_velocity_exceeded": NOT_ENOUGH,
    "withdrawal_count_limit_exceeded": NOT_ENOUGH,
    "expired_card": EXPIRED,
    "incorrect_cvc": WRONG_CVC,
    "invalid_cvc": WRONG_CVC,
    "incomplete_cvc": INCOMPLETE,
    "incorrect_number": WRONG_NUMBER,
    "invalid_number": WRONG_NUMBER,
    "incomplete_number": INCOMPLETE,
    "invalid_expiry_month": WRONG_EXPIRY,
    "invalid_expiry_year": WRONG_EXPIRY,
    "invalid_expiry_year_past": EXPIRED,
    "incomplete_expiry": INCOMPLETE,
    "processing_error": BANK_BUSY,
    "try_again_later": BANK_BUSY,
    "issuer_not_available": BANK_BUSY,
    "authentication_required": NOT_YOU,
    "payment_intent_authentication_failure": NOT_YOU,
    "payment_intent_payment_attempt_failed": WALLET_FAILED,
    "payment_intent_payment_attempt_expired": WALLET_FAILED,
    "card_not_supported": NOT_THIS_CARD,
    "currency_not_supported": NOT_THIS_CARD,
    "payment_intent_unexpected_state": ALREADY_SETTLED,
    "api_connection_error": CANNOT_REACH,
}


def refusal_message(*, code: str | None, decline_code: str | None = None) -> str:
    """Why Stripe refused a payment, in the reader's language."""
    for key in (decline_code, code):
        if key in REFUSALS:
            return str(REFUSALS[key])
    return str(DECLINED)


def refusal_messages() -> dict[str, str]:
    """The same words for the pay page's script, which hears Stripe.js's refusals."""
    return {"default": str(DECLINED), **{key: str(text) for key, text in REFUSALS.items()}}


CHECK_LATER = _(
    "We could not check your payment just now. If you paid, the order shows it within a few "
    "minutes: please do not pay again."
)


@dataclass(frozen=True)
class Settled:
    """How a payment stands once Stripe was asked: paid; refused (with the reason to show);
    processing (a wallet still deciding); open (nothing tried yet); or unknown (Stripe did not
    answer; the webhook will tell)."""

    state: Literal["paid", "refused", "processing", "open", "unknown"]
    reason: str = ""


def settle_payment(order: Order) -> Settled:
    """Ask Stripe how this order's payment stands and record a success: the payer came back
    from the pay page, a 3-D Secure check or Alipay/WeChat Pay, perhaps before the webhook.
    What the return address's query says is never believed; only Stripe's answer counts."""
    payment = Payment.objects.filter(order=order).first()
    if payment is None or not payment.stripe_payment_intent_id:
        return Settled("open")
    if payment.status == Payment.Status.SUCCEEDED:
        return Settled("paid")
    try:
        intent = client().v1.payment_intents.retrieve(payment.stripe_payment_intent_id)
    except stripe.StripeError as exc:
        logger.warning("Stripe did not say how payment %s stands: %s", payment.pk, exc)
        return Settled("unknown")
    if intent.status == "succeeded":
        services.confirm_payment(
            order=order, stripe_payment_intent_id=intent.id, amount_fen=intent.amount
        )
        return Settled("paid")
    if intent.status == "processing":
        return Settled("processing")
    if intent.last_payment_error:
        error = intent.last_payment_error.to_dict()
        return Settled(
            "refused",
            refusal_message(code=error.get("code"), decline_code=error.get("decline_code")),
        )
    return Settled("open")


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
