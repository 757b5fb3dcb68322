"""Stripe's webhook events turned into our rows (decisions 0010 and 0025). Nothing here asks
Stripe: each event carries the object it is about, and our rows are brought to what that
object says. Stripe delivers at least once and in any order, so every handler is written to
end in the same place whatever came before it:

- each event id is recorded once (`ProcessedStripeEvent`), in the same transaction as its
  effect;
- rows are keyed by Stripe's ids (refund, dispute, account), created by whichever event
  arrives first;
- a status only moves forward (`RANK`): a late `refund.created` saying "pending" never undoes
  the `refund.updated` that said "succeeded".
"""

import logging
from collections.abc import Callable
from typing import Any

import stripe
from django.db import IntegrityError, transaction

from marketplace.money import yuan
from orders import services, wording
from orders.models import Dispute, Payment, ProcessedStripeEvent, Refund
from providers.models import PayoutAccount

logger = logging.getLogger(__name__)

# How far along a refund is; a status with a lower rank never replaces a higher one.
RANK = {
    Refund.Status.PENDING: 0,
    Refund.Status.SUCCEEDED: 1,
    Refund.Status.FAILED: 2,
    Refund.Status.CANCELED: 2,
    Refund.Status.HANDED_OVER: 3,
}
STRIPE_REFUND_STATUS = {
    "pending": Refund.Status.PENDING,
    "requires_action": Refund.Status.PENDING,
    "succeeded": Refund.Status.SUCCEEDED,
    "failed": Refund.Status.FAILED,
    "canceled": Refund.Status.CANCELED,
}


def _plain(obj: Any) -> dict:
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def _payment_of(intent_id: str | None) -> Payment | None:
    payment = (
        Payment.objects.select_related("order").filter(stripe_payment_intent_id=intent_id).first()
        if intent_id
        else None
    )
    if payment is None:
        logger.info("Stripe event about an unknown payment intent %s", intent_id)
    return payment


def _payment_succeeded(intent: dict) -> None:
    payment = _payment_of(intent["id"])
    if payment is not None:
        services.confirm_payment(
            order=payment.order,
            stripe_payment_intent_id=intent["id"],
            amount_fen=int(intent["amount"]),
        )


def _payment_failed(intent: dict) -> None:
    payment = _payment_of(intent["id"])
    if payment is not None:
        services.record_payment_failure(order=payment.order)


def _payment_canceled(intent: dict) -> None:
    payment = _payment_of(intent["id"])
    if payment is not None:
        services.record_payment_canceled(order=payment.order, stripe_payment_intent_id=intent["id"])


def _ours(refund: dict, payment: Payment) -> Refund | None:
    """Our row for a refund Linli asked for, found by the metadata we sent with it, even
    before the answer with its id was saved. None for an earlier attempt's refund."""
    metadata = refund.get("metadata") or {}
    if not str(metadata.get("linli_refund", "")).isdigit():
        return None
    row = Refund.objects.select_for_update().filter(
        pk=int(metadata["linli_refund"]), payment=payment
    )
    row = row.first()
    if row is None:
        return None
    # Each key generation is one refund at Stripe; an earlier one's news (its failure,
    # arriving late) must not land on the refund that replaced it.
    return row if str(metadata.get("attempt", "")) == str(row.key_generation) else None


def record_refund(refund: dict) -> Refund | None:
    """A refund as Stripe describes it: ours (matched by metadata or id) or one made in
    Stripe's dashboard (a new row, origin stripe). Its status only moves forward."""
    payment = _payment_of(refund.get("payment_intent"))
    if payment is None:
        return None
    status = STRIPE_REFUND_STATUS.get(refund.get("status"), Refund.Status.PENDING)
    row = Refund.objects.select_for_update().filter(stripe_refund_id=refund["id"]).first()
    if row is None:
        row = _ours(refund, payment)
        if row is None and (refund.get("metadata") or {}).get("linli_refund"):
            return None  # an earlier attempt of ours, replaced since
        if row is not None:
            Refund.objects.filter(pk=row.pk).update(stripe_refund_id=refund["id"])
        else:
            try:
                with transaction.atomic():
                    row = Refund.objects.create(
                        payment=payment,
                        amount_fen=int(refund["amount"]),
                        reason="stripe_dashboard",
                        origin=Refund.Origin.STRIPE,
                        stripe_refund_id=refund["id"],
                        status=status,
                        attempts=1,
                    )
            except IntegrityError:
                row = Refund.objects.select_for_update().get(stripe_refund_id=refund["id"])
    if RANK[status] > RANK[row.status]:
        Refund.objects.filter(pk=row.pk).update(status=status)
    return row


def _refund_event(refund: dict) -> None:
    record_refund(refund)


def _charge_refunded(charge: dict) -> None:
    """The charge says how much of it was refunded. Older API versions (or an expanded
    event) list the refunds; otherwise each refund has its own refund.* event, and only our
    refunds already sent that add up exactly to the refunded figure are marked settled."""
    listed = (charge.get("refunds") or {}).get("data")
    if listed:
        for refund in listed:
            record_refund({"payment_intent": charge.get("payment_intent"), **refund})
        return
    payment = _payment_of(charge.get("payment_intent"))
    if payment is None:
        return
    sent = Refund.objects.select_for_update().filter(
        payment=payment,
        stripe_refund_id__isnull=False,
        status__in=(Refund.Status.PENDING, Refund.Status.SUCCEEDED),
    )
    if sum(r.amount_fen for r in sent) == int(charge.get("amount_refunded") or 0):
        sent.filter(status=Refund.Status.PENDING).update(status=Refund.Status.SUCCEEDED)


def _dispute(dispute: dict) -> None:
    """A chargeback opened or closed by the resident's bank; a closed one stays closed."""
    payment = _payment_of(dispute.get("payment_intent"))
    if payment is None:
        return
    row, created = Dispute.objects.select_for_update().get_or_create(
        stripe_dispute_id=dispute["id"],
        defaults={
            "payment": payment,
            "amount_fen": int(dispute["amount"]),
            "status": dispute.get("status", ""),
            "reason": dispute.get("reason") or "",
        },
    )
    if created:
        wording.tell_staff(
            payment.order, wording.CHARGEBACK, amount="¥" + yuan(int(dispute["amount"]))
        )
    closed_now = dispute.get("status") in Dispute.CLOSED
    if row.status != dispute.get("status") and (closed_now or row.status not in Dispute.CLOSED):
        row.status = dispute.get("status", "")
        row.save(update_fields=["status"])


def _account_updated(account: dict) -> None:
    PayoutAccount.objects.filter(stripe_account_id=account["id"]).update(
        details_submitted=bool(account.get("details_submitted")),
        payouts_enabled=bool(account.get("payouts_enabled")),
    )


HANDLERS: dict[str, Callable[[dict], None]] = {
    "payment_intent.succeeded": _payment_succeeded,
    "payment_intent.payment_failed": _payment_failed,
    "payment_intent.canceled": _payment_canceled,
    "charge.refunded": _charge_refunded,
    "refund.created": _refund_event,
    "refund.updated": _refund_event,
    "refund.failed": _refund_event,
    "charge.dispute.created": _dispute,
    "charge.dispute.closed": _dispute,
    "account.updated": _account_updated,
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
        handler(_plain(event.data.object))
    return True
