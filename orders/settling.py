"""Money that must leave us, retried until it has: refunds Linli decided and transfers to
providers (decision 0025). The jobs in orders.tasks call the batches here; community staff act
on the refunds handed to them through the two services at the bottom."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from marketplace.money import yuan
from orders import access, payments, wording
from orders.exceptions import OrdersError
from orders.models import Order, Refund, Transfer
from orders.moves import lock, record

UNSETTLED = (Refund.Status.PENDING, Refund.Status.FAILED, Refund.Status.CANCELED)


def retry_due(refund: Refund, now: datetime.datetime) -> bool:
    """A refund waits REFUND_RETRY_MINUTES after its first try, twice that after the
    second, and so on: Stripe's short outages pass, and a stuck refund reaches staff in
    hours rather than days."""
    if refund.last_tried_at is None:
        return True
    wait = settings.REFUND_RETRY_MINUTES * 2 ** max(refund.attempts - 1, 0)
    return now - refund.last_tried_at >= datetime.timedelta(minutes=wait)


def unsettled_refunds():
    return Refund.objects.filter(
        origin=Refund.Origin.LINLI, status__in=UNSETTLED, handed_to_staff_at__isnull=True
    ).exclude(payment__stripe_payment_intent_id__isnull=True)


def retry_refunds(*, now: datetime.datetime) -> dict[str, int]:
    """Batch: try each unsettled refund that is due again; hand to staff those that reached
    REFUND_MAX_ATTEMPTS without settling."""
    tried = handed = 0
    for refund in unsettled_refunds().select_related("payment__order"):
        if refund.attempts >= settings.REFUND_MAX_ATTEMPTS:
            handed += _hand_to_staff(refund.pk, now)
        elif retry_due(refund, now):
            payments.execute_refund(refund)
            tried += 1
    return {"tried": tried, "handed_to_staff": handed}


@transaction.atomic
def _hand_to_staff(refund_id: int, now: datetime.datetime) -> int:
    claimed = unsettled_refunds().filter(pk=refund_id).update(handed_to_staff_at=now)
    if claimed:
        refund = Refund.objects.select_related("payment__order").get(pk=refund_id)
        wording.tell_staff(
            refund.payment.order,
            wording.REFUND_STUCK,
            amount="¥" + yuan(refund.amount_fen),
            attempts=refund.attempts,
        )
    return claimed


def retry_transfers() -> int:
    """Batch: transfers not yet made (a provider without a payout account, a lost answer)."""
    sent = 0
    for transfer in Transfer.objects.filter(stripe_transfer_id__isnull=True):
        sent += payments.send_transfer(transfer)
    return sent


def refunds_for_staff(user: User):
    """Refunds handed to staff, in the communities this person oversees."""
    orders = Order.objects.in_scope_of(user)
    return (
        Refund.objects.filter(payment__order__in=orders)
        .filter(Q(handed_to_staff_at__isnull=False), status__in=UNSETTLED)
        .select_related("payment__order")
        .order_by("handed_to_staff_at", "pk")
    )


def _staff_lock(refund: Refund, by: User) -> tuple[Refund, Order]:
    order = lock(refund.payment.order)
    refund = Refund.objects.select_for_update().get(pk=refund.pk)
    if not access.is_staff(by, order):
        raise PermissionDenied
    if refund.status not in UNSETTLED or refund.handed_to_staff_at is None:
        raise OrdersError(_("This refund is no longer waiting for staff."))
    return refund, order


def retry_refund(*, refund: Refund, by: User) -> Refund:
    """Staff send a handed-over refund to Stripe again: the count starts afresh."""
    with transaction.atomic():
        refund, order = _staff_lock(refund, by)
        refund.attempts, refund.handed_to_staff_at = 0, None
        refund.save(update_fields=["attempts", "handed_to_staff_at"])
        record(order, "refund_retry", by=by, reason="¥" + yuan(refund.amount_fen))
    payments.execute_refund(refund)  # outside the transaction: Stripe is asked
    refund.refresh_from_db()
    return refund


@transaction.atomic
def mark_refund_handed_over(*, refund: Refund, by: User, note: str) -> Refund:
    """Staff gave the money back another way (cash, a bank transfer) and say how."""
    refund, order = _staff_lock(refund, by)
    note = note.strip()
    if not note:
        raise OrdersError(_("Please say how the money was handed over."))
    if refund.status == Refund.Status.PENDING and refund.stripe_refund_id:
        raise OrdersError(
            _(
                "Stripe may still pay this refund. Please send it again first; if Stripe "
                "says it failed, it can then be handed over."
            )
        )
    refund.status = Refund.Status.HANDED_OVER
    refund.save(update_fields=["status"])
    record(
        order,
        "refund_handed_over",
        by=by,
        reason=f"¥{yuan(refund.amount_fen)}: {note}"[:500],
    )
    return refund
