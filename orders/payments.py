"""The Stripe adapter: the only module that talks to Stripe. It creates the PaymentIntent the
pay page confirms with Stripe.js's Payment Element, settles it when the payer comes back,
refunds, Connect onboarding and transfers to providers, and turns Stripe's webhook events into
calls of order services; it saves cards for later and charges care plan visits to them
off-session. See docs/decisions/0010-payments.md and 0029-saved-cards-for-plan-visits.md.

Stripe is never asked inside a transaction or while a row is locked: we write our own row
first and commit, ask Stripe, then record the answer in a new short transaction that may run
twice. Each request waits at most STRIPE_TIMEOUT_SECONDS per try and is tried again
STRIPE_MAX_NETWORK_RETRIES times (same idempotency key); meanwhile the request's database
connection is given back, so a slow Stripe holds neither locks nor connections."""

import datetime
import logging
from dataclasses import dataclass
from typing import Any, Literal

import stripe
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orders import saved_cards, services, stripe_events
from orders.exceptions import OrdersError
from orders.models import Order, Payment, Refund, SavedCard, Transfer
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
    payment = Payment.objects.select_related("order").get(order=order)
    replacing = payment.status == Payment.Status.CANCELED
    if payment.stripe_payment_intent_id and not replacing:
        return payment
    attempt = payment.intent_attempt + 1 if replacing else payment.intent_attempt
    try:
        intent = client().v1.payment_intents.create(
            params=_intent_params(order, payment),
            options={"idempotency_key": intent_key(payment, attempt)},
        )
    except stripe.StripeError as exc:
        logger.warning("Stripe did not create a payment for %s: %s", order.code, exc)
        raise PaymentsUnavailable from None
    # Asked twice at once, both got the same intent (same key); the first recorded stays.
    Payment.objects.filter(
        pk=payment.pk,
        stripe_payment_intent_id=payment.stripe_payment_intent_id,
        intent_attempt=payment.intent_attempt,
    ).update(
        stripe_payment_intent_id=intent.id,
        client_secret=intent.client_secret,
        intent_attempt=attempt,
        status=Payment.Status.CREATED,
    )
    payment.refresh_from_db()
    return payment


def intent_key(payment: Payment, attempt: int) -> str:
    """Our row's id and the order's code: the same answer for a retry or a second tab, and
    never another database's payment with the same id. An intent that replaces a canceled
    one carries its number, so Stripe does not answer with the canceled intent again."""
    key = f"linli-payment-{payment.pk}-{payment.order.code}"
    return key if attempt == 1 else f"{key}-{attempt}"


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
    if intent.status == "canceled":
        # Stripe gave up on it (a wallet left unpaid): the pay page makes a new one.
        services.record_payment_canceled(order=order, stripe_payment_intent_id=intent.id)
        return Settled("open")
    if intent.last_payment_error:
        error = intent.last_payment_error.to_dict()
        return Settled(
            "refused",
            refusal_message(code=error.get("code"), decline_code=error.get("decline_code")),
        )
    return Settled("open")


# Stripe keeps an idempotency key for at least 24 hours; past that the same key may create a
# second object, so a retry first looks for the one we may have made (decision 0025).
KEY_LIFETIME = datetime.timedelta(hours=24)


def _key_forgotten(row: Refund | Transfer) -> bool:
    first = row.key_first_used_at
    return first is not None and timezone.now() - first >= KEY_LIFETIME


def _begin_attempt(model, pk: int, *, new_key: bool):
    """Count the try and choose its key, committed before Stripe is asked."""
    now = timezone.now()
    with transaction.atomic():
        row = model.objects.select_for_update().get(pk=pk)
        row.attempts += 1
        row.last_tried_at = now
        fields = ["attempts", "last_tried_at"]
        if row.key_first_used_at is None or new_key:
            if row.key_first_used_at is not None:
                row.key_generation += 1
            row.key_first_used_at = now
            fields += ["key_generation", "key_first_used_at"]
        if model is Refund and new_key:
            # A new refund replaces one Stripe failed (or one it never made): its events
            # carry the new generation; the old one's are ignored (stripe_events._ours).
            row.status, row.stripe_refund_id = Refund.Status.PENDING, None
            fields += ["status", "stripe_refund_id"]
        row.save(update_fields=fields)
    return row


def _note_error(model, pk: int, exc: stripe.StripeError) -> None:
    logger.warning("Stripe did not answer for %s %s: %s", model.__name__, pk, exc)
    if model is Refund:
        Refund.objects.filter(pk=pk).update(last_error=str(exc)[:300])


def _record_refund(remote: Any) -> None:
    with transaction.atomic():
        stripe_events.record_refund(remote.to_dict())


def _refund_key(refund: Refund) -> str:
    key = f"linli-refund-{refund.pk}"
    return key if refund.key_generation == 1 else f"{key}-{refund.key_generation}"


def _find_refund(refund: Refund) -> Any | None:
    """Our refund of this generation, if Stripe made it and its answer was lost."""
    found = client().v1.refunds.list(
        params={"payment_intent": refund.payment.stripe_payment_intent_id, "limit": 100}
    )
    for remote in found.auto_paging_iter():
        metadata = remote.metadata.to_dict() if remote.metadata else {}
        if metadata.get("linli_refund") == str(refund.pk) and metadata.get("attempt") == str(
            refund.key_generation
        ):
            return remote
    return None


def execute_refund(refund: Refund) -> None:
    """One try at settling a refund Linli decided: send it, or ask how a sent one stands.
    Stripe's refusals and silences are noted on the row; the retry job comes back."""
    refund = Refund.objects.select_related("payment").get(pk=refund.pk)
    sendable = (Refund.Status.PENDING, Refund.Status.FAILED, Refund.Status.CANCELED)
    if refund.origin != Refund.Origin.LINLI or refund.status not in sendable:
        return
    try:
        if refund.stripe_refund_id and refund.status == Refund.Status.PENDING:
            _begin_attempt(Refund, refund.pk, new_key=False)
            _record_refund(client().v1.refunds.retrieve(refund.stripe_refund_id))
            return
        stale = refund.status == Refund.Status.PENDING and _key_forgotten(refund)
        if stale and (found := _find_refund(refund)) is not None:
            _record_refund(found)
            return
        refund = _begin_attempt(
            Refund, refund.pk, new_key=stale or refund.status != Refund.Status.PENDING
        )
        remote = client().v1.refunds.create(
            params={
                "payment_intent": refund.payment.stripe_payment_intent_id,
                "amount": refund.amount_fen,
                "metadata": {"linli_refund": str(refund.pk), "attempt": str(refund.key_generation)},
            },
            options={"idempotency_key": _refund_key(refund)},
        )
    except stripe.StripeError as exc:
        _note_error(Refund, refund.pk, exc)
        return
    _record_refund(remote)


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


def _transfer_key(transfer: Transfer) -> str:
    key = f"linli-transfer-{transfer.pk}"
    return key if transfer.key_generation == 1 else f"{key}-{transfer.key_generation}"


def _find_transfer(transfer: Transfer) -> Any | None:
    """A transfer we made for this row, whatever key made it (Stripe cannot search
    transfers; they are listed by the order's transfer group and told apart by metadata)."""
    found = client().v1.transfers.list(params={"transfer_group": transfer.order.code, "limit": 100})
    for remote in found.auto_paging_iter():
        metadata = remote.metadata.to_dict() if remote.metadata else {}
        if metadata.get("linli_transfer") == str(transfer.pk):
            return remote
    return None


def send_transfer(transfer: Transfer) -> bool:
    """Pay the provider's share once it can receive it; False means try again later. Past
    Stripe's 24 h key window, a transfer whose answer was lost is looked up first, so a
    provider is never paid twice."""
    transfer = Transfer.objects.select_related("order").get(pk=transfer.pk)
    if transfer.stripe_transfer_id:
        return True
    account = PayoutAccount.objects.filter(provider=transfer.order.provider_id).first()
    if account is None or not account.payouts_enabled:
        return False
    try:
        stale = _key_forgotten(transfer)
        if not (stale and (remote := _find_transfer(transfer)) is not None):
            transfer = _begin_attempt(Transfer, transfer.pk, new_key=stale)
            remote = client().v1.transfers.create(
                params={
                    "amount": transfer.amount_fen,
                    "currency": CURRENCY,
                    "destination": account.stripe_account_id,
                    "transfer_group": transfer.order.code,
                    "metadata": {"linli_transfer": str(transfer.pk), "order": transfer.order.code},
                },
                options={"idempotency_key": _transfer_key(transfer)},
            )
    except stripe.StripeError as exc:
        _note_error(Transfer, transfer.pk, exc)
        return False
    Transfer.objects.filter(pk=transfer.pk, stripe_transfer_id__isnull=True).update(
        stripe_transfer_id=remote.id
    )
    return True


# --- saved cards and plan visits charged to them (decision 0029; rules in orders.saved_cards) ---


def _customer(card: SavedCard) -> str:
    """The owner's Stripe Customer, made once (with the first card row) and kept."""
    if card.stripe_customer_id:
        return card.stripe_customer_id
    customer = client().v1.customers.create(
        params={"metadata": {"linli_user": str(card.user_id)}},
        options={"idempotency_key": f"linli-customer-{card.user_id}-{card.pk}"},
    )
    SavedCard.objects.filter(pk=card.pk, stripe_customer_id="").update(
        stripe_customer_id=customer.id
    )
    card.refresh_from_db()
    return card.stripe_customer_id


def start_card_setup(card: SavedCard) -> SavedCard:
    """The SetupIntent the save-a-card page confirms with the Payment Element, made once
    per row (for off-session use: the plan's visits are charged without the payer)."""
    card = SavedCard.objects.get(pk=card.pk)
    if card.stripe_setup_intent_id:
        return card
    try:
        customer = _customer(card)
        intent = client().v1.setup_intents.create(
            params={
                "customer": customer,
                "usage": "off_session",
                "allowed_payment_method_types": ["card"],
                "metadata": {"linli_card": str(card.pk)},
            },
            options={"idempotency_key": f"linli-card-setup-{card.pk}-{customer}"},
        )
    except stripe.StripeError as exc:
        logger.warning("Stripe did not start saving card %s: %s", card.pk, exc)
        raise PaymentsUnavailable from None
    SavedCard.objects.filter(pk=card.pk, stripe_setup_intent_id__isnull=True).update(
        stripe_setup_intent_id=intent.id, client_secret=intent.client_secret
    )
    card.refresh_from_db()
    return card


def settle_card_setup(card: SavedCard) -> Settled:
    """The payer came back from saving a card: Stripe's SetupIntent says how it stands (the
    return address's query is not believed). Saved: the card's brand and last 4 are kept."""
    if card.status == SavedCard.Status.ACTIVE:
        return Settled("paid")
    if not card.stripe_setup_intent_id or card.status != SavedCard.Status.SETTING_UP:
        return Settled("open")
    try:
        intent = client().v1.setup_intents.retrieve(card.stripe_setup_intent_id)
        if intent.status != "succeeded":
            error = intent.last_setup_error.to_dict() if intent.last_setup_error else None
            if error:
                reason = refusal_message(
                    code=error.get("code"), decline_code=error.get("decline_code")
                )
                return Settled("refused", reason)
            return Settled("processing" if intent.status == "processing" else "open")
        method = client().v1.payment_methods.retrieve(intent.payment_method)
    except stripe.StripeError as exc:
        logger.warning("Stripe did not say how card %s stands: %s", card.pk, exc)
        return Settled("unknown")
    details = method.card
    _card, replaced = saved_cards.record_card_saved(
        card=card,
        payment_method_id=method.id,
        brand=str(details.brand or ""),
        last4=str(details.last4 or ""),
        exp_month=details.exp_month,
        exp_year=details.exp_year,
    )
    if replaced is not None:
        detach_card(replaced)
    return Settled("paid")


def detach_card(card: SavedCard) -> None:
    """A removed card is taken off the Stripe Customer too; Linli never charges a removed
    card whatever Stripe answers (only active cards are charged)."""
    if not card.stripe_payment_method_id:
        return
    try:
        client().v1.payment_methods.detach(card.stripe_payment_method_id)
    except stripe.StripeError as exc:
        logger.warning("Stripe did not detach card %s: %s", card.pk, exc)


def _refusal_text(error: Any) -> Any:
    for key in (getattr(error, "decline_code", None), getattr(error, "code", None)):
        if key in REFUSALS:
            return REFUSALS[key]
    return DECLINED


def charge_saved_card(payment: Payment) -> str:
    """Charge a plan visit's share to the owner's saved card, off-session: "paid",
    "refused" (the owner is told, with the pay page), "skipped" (nothing to charge, or no
    card: the door or the pay page instead) or "unknown" (Stripe did not answer; the next
    run asks again with the same key, so the card is never charged twice)."""
    payment = saved_cards.prepare_charge(payment=payment)
    if payment is None:
        return "skipped"
    order, card = payment.order, payment.saved_card
    try:
        intent = client().v1.payment_intents.create(
            params={
                "amount": payment.amount_fen,
                "currency": CURRENCY,
                "customer": card.stripe_customer_id,
                "payment_method": card.stripe_payment_method_id,
                "allowed_payment_method_types": ["card"],
                "confirm": True,
                "off_session": True,
                "metadata": {"order": order.code},
            },
            options={"idempotency_key": intent_key(payment, payment.intent_attempt)},
        )
    except stripe.CardError as exc:
        remote = getattr(exc.error, "payment_intent", None) if exc.error else None
        saved_cards.record_charge_refused(
            payment=payment,
            intent_id=getattr(remote, "id", None),
            client_secret=getattr(remote, "client_secret", "") or "",
            reason=_refusal_text(exc.error),
        )
        return "refused"
    except stripe.StripeError as exc:
        logger.warning("Stripe did not answer the charge of %s: %s", order.code, exc)
        return "unknown"
    saved_cards.record_charge_sent(
        payment=payment, intent_id=intent.id, client_secret=intent.client_secret or ""
    )
    if intent.status == "succeeded":
        services.confirm_payment(
            order=order, stripe_payment_intent_id=intent.id, amount_fen=intent.amount
        )
        return "paid"
    return "unknown"  # processing: the webhook brings the outcome


def charge_due_plan_visits(*, now: datetime.datetime) -> dict[str, int]:
    """Daily: every plan visit due for charging (orders.saved_cards.due_for_charging)."""
    outcomes: dict[str, int] = {}
    for payment_id in saved_cards.due_for_charging(now=now):
        outcome = charge_saved_card(Payment.objects.get(pk=payment_id))
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


# The webhook's events are mapped to our rows in orders.stripe_events (no Stripe call there).
HANDLERS = stripe_events.HANDLERS
handle_stripe_event = stripe_events.handle_stripe_event
