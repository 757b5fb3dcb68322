"""Visit verification: the record a purchaser relies on. Check-in and check-out by the
worker, proof that the recipient was there (a one-time code from the card at home, the
family's confirmation, or community staff's), and corrections as new rows."""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import CareRecipient, User
from communities.scoping import may_act_on_community
from orders import access, wording
from orders.exceptions import OrdersError
from orders.models import (
    Order,
    OrderExclusion,
    OrderHold,
    VisitCode,
    VisitCodeCard,
    VisitRecord,
    VisitReview,
)
from orders.moves import lock, move, record
from orders.policy import FAR_FROM_START, LONG, SHORT, measure_visit, missed_visit_cutoff
from orders.services import exclude_from_billing, hold_order, release_hold
from orders.transitions import VISIT_STARTED
from orders.workers import why_not_sendable

CODES_PER_CARD = 20
# A worker may check in a little early (a bus arrives when it arrives), not much more.
EARLIEST_CHECK_IN = datetime.timedelta(minutes=60)


def is_verified(order: Order) -> bool:
    """Checked in and out, and the recipient's side or community staff vouch for it."""
    return Order.objects.filter(pk=order.pk).with_verified_visit().exists()


def visit_times(order: Order) -> dict:
    """The real times the worker arrived and left (the latest record of each), and how long
    that was against the booked time, as the family reads them on the order page."""
    times: dict = {}
    for kind, at in (
        order.visit_records.filter(kind__in=(VisitRecord.Kind.CHECK_IN, VisitRecord.Kind.CHECK_OUT))
        .order_by("pk")
        .values_list("kind", "at")
    ):
        times[kind] = at
    if "check_in" in times and "check_out" in times:
        times["stayed_minutes"] = (
            int((times["check_out"] - times["check_in"]).total_seconds()) // 60
        )
        times["booked_minutes"] = int((order.ends_at - order.starts_at).total_seconds()) // 60
    return times


@transaction.atomic
def issue_visit_card(*, care_recipient: CareRecipient, by: User) -> VisitCodeCard:
    """Family or community staff print a new card of one-time codes; the old one stops
    working."""
    family = CareRecipient.objects.linked_to(by).filter(pk=care_recipient.pk).exists()
    staff = may_act_on_community(by, care_recipient.community_id, role="community_staff")
    if not (family or staff):
        raise PermissionDenied
    now = timezone.now()
    VisitCodeCard.objects.filter(care_recipient=care_recipient, revoked_at__isnull=True).update(
        revoked_at=now
    )
    card = VisitCodeCard.objects.create(care_recipient=care_recipient, issued_by=by)
    codes: set[str] = set()
    while len(codes) < CODES_PER_CARD:
        codes.add(f"{secrets.randbelow(10**6):06d}")
    VisitCode.objects.bulk_create(
        VisitCode(card=card, number=number, code=code) for number, code in enumerate(codes, start=1)
    )
    return card


def _worker_acting(by: User, order: Order) -> bool:
    """The worker sent, or a manager acting for them (a worker without a phone)."""
    if order.worker is None:
        return False
    return access.is_assigned_worker(by, order) or access.is_manager(by, order)


@transaction.atomic
def check_in(
    *, order: Order, by: User, visit_code: str = "", at: datetime.datetime | None = None
) -> VisitRecord:
    """The assigned worker arrives. With the code from the card at home, that is also the
    recipient's confirmation that the worker was there."""
    order = lock(order)
    if not _worker_acting(by, order):
        raise PermissionDenied
    at = at or timezone.now()
    if at < order.starts_at - EARLIEST_CHECK_IN:
        raise OrdersError(_("It is too early to check in for this visit."))
    if refusal := why_not_sendable(order.worker, order):
        # Suspended, or papers lapsed since being sent: the provider must send someone else.
        raise OrdersError(refusal)
    code = None
    if visit_code.strip():
        code = (
            VisitCode.objects.select_for_update()
            .filter(
                card__care_recipient=order.care_recipient,
                card__revoked_at__isnull=True,
                code=visit_code.strip(),
                used_at__isnull=True,
            )
            .first()
        )
        if code is None:
            raise OrdersError(
                _(
                    "This code is not right, or it has been used already. "
                    "Please use the next unused code on the card."
                )
            )
        code.used_at = at
        code.used_for = order
        code.save(update_fields=["used_at", "used_for"])
    move(order, "check_in", by=by)
    return VisitRecord.objects.create(
        order=order,
        kind=VisitRecord.Kind.CHECK_IN,
        method=VisitRecord.Method.VISIT_CODE if code else VisitRecord.Method.WORKER_APP,
        at=at,
        worker=order.worker,
        recorded_by=by,
        visit_code=code,
    )


@transaction.atomic
def check_out(*, order: Order, by: User, at: datetime.datetime | None = None) -> VisitRecord:
    """The assigned worker leaves; the family is asked to confirm."""
    order = lock(order)
    if not _worker_acting(by, order):
        raise PermissionDenied
    at = at or timezone.now()
    move(order, "check_out", by=by)
    check_out_record = VisitRecord.objects.create(
        order=order,
        kind=VisitRecord.Kind.CHECK_OUT,
        method=VisitRecord.Method.WORKER_APP,
        at=at,
        worker=order.worker,
        recorded_by=by,
    )
    _review_if_outside_limits(order, checked_out=at)
    wording.tell_family(order, wording.COMPLETED)
    return check_out_record


def _review_if_outside_limits(order: Order, *, checked_out: datetime.datetime) -> None:
    """A visit much shorter or longer than booked, or begun far from the booked time, is
    not believed without community staff's review (ADR 0019)."""
    checked_in = (
        order.visit_records.filter(kind=VisitRecord.Kind.CHECK_IN)
        .order_by("-pk")
        .values_list("at", flat=True)
        .first()
    )
    if checked_in is None:
        return  # no check-in, no verified visit: nothing to weigh
    measure = measure_visit(
        booked_start=order.starts_at,
        booked_end=order.ends_at,
        checked_in=checked_in,
        checked_out=checked_out,
        shortest_percent=settings.VISIT_SHORTEST_PERCENT,
        longest_percent=settings.VISIT_LONGEST_PERCENT,
        check_in_within_minutes=settings.VISIT_CHECK_IN_WITHIN_MINUTES,
    )
    if not measure.findings:
        return
    VisitReview.objects.create(
        order=order,
        booked_minutes=measure.booked_minutes,
        stayed_minutes=measure.stayed_minutes,
        check_in_offset_minutes=measure.check_in_offset_minutes,
        too_short=SHORT in measure.findings,
        too_long=LONG in measure.findings,
        far_from_start=FAR_FROM_START in measure.findings,
        hold=hold_order(order=order, reason=OrderHold.Reason.VISIT_REVIEW),
    )
    # The findings are read from the review in each reader's language, not frozen here.
    record(order, "visit_flagged", by=None)
    wording.tell_staff(order, wording.VISIT_NEEDS_REVIEW)


def _pending_review(order: Order, by: User, reason: str) -> VisitReview:
    if not access.is_staff(by, order):
        raise PermissionDenied
    review = VisitReview.objects.select_for_update().filter(order=order).first()
    if review is None or review.status != VisitReview.Status.PENDING:
        raise OrdersError(_("This visit is not waiting for a review."))
    if not reason.strip():
        raise OrdersError(_("Please give the reason for your decision."))
    return review


def _decide(review: VisitReview, *, status: str, by: User, reason: str) -> VisitReview:
    review.status = status
    review.decided_by = by
    review.decided_at = timezone.now()
    review.decision_reason = reason.strip()
    review.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    if review.hold_id:
        release_hold(hold=review.hold)
    return review


@transaction.atomic
def confirm_reviewed_visit(*, order: Order, by: User, reason: str) -> VisitReview:
    """Community staff in scope accept a visit outside the limits, saying why (the
    recipient sent the worker home early, the bath took longer): it is verified and may be
    billed."""
    order = lock(order)
    review = _pending_review(order, by, reason)
    _decide(review, status=VisitReview.Status.CONFIRMED, by=by, reason=reason)
    VisitRecord.objects.create(
        order=order,
        kind=VisitRecord.Kind.STAFF_CONFIRMED,
        method=VisitRecord.Method.STAFF,
        at=timezone.now(),
        worker=order.worker,
        recorded_by=by,
        note=reason.strip()[:300],
    )
    record(order, "visit_confirmed", by=by, reason=reason.strip())
    return review


@transaction.atomic
def reject_reviewed_visit(*, order: Order, by: User, reason: str) -> VisitReview:
    """Community staff in scope do not accept the visit: it is never billed to the
    purchaser (it appears on the statement as an excluded line)."""
    order = lock(order)
    review = _pending_review(order, by, reason)
    _decide(review, status=VisitReview.Status.REJECTED, by=by, reason=reason)
    exclude_from_billing(
        order=order, by=by, reason=OrderExclusion.Reason.VISIT_REJECTED, note=reason
    )
    record(order, "visit_rejected", by=by, reason=reason.strip())
    return review


@transaction.atomic
def confirm_visit_by_staff(*, order: Order, by: User, note: str = "") -> VisitRecord:
    """Community staff vouch for a visit (they called or went round): for recipients with
    neither a smartphone nor the card."""
    order = lock(order)
    if not access.is_staff(by, order):
        raise PermissionDenied
    if order.status not in VISIT_STARTED:
        raise OrdersError(_("Only a visit that has started can be confirmed."))
    return VisitRecord.objects.create(
        order=order,
        kind=VisitRecord.Kind.STAFF_CONFIRMED,
        method=VisitRecord.Method.STAFF,
        at=timezone.now(),
        worker=order.worker,
        recorded_by=by,
        note=note.strip()[:300],
    )


@transaction.atomic
def correct_visit(
    *, order: Order, by: User, reason: str, at: datetime.datetime, note: str = ""
) -> VisitRecord:
    """The provider's manager or community staff correct the record with a reason code;
    nothing recorded earlier changes."""
    order = lock(order)
    relation = access.relation_to(by, order)
    if not (relation.manager or relation.staff):
        raise PermissionDenied
    if reason not in VisitRecord.Correction.values:
        raise OrdersError(_("Please choose the reason for the correction."))
    if not order.visit_records.exists():
        raise OrdersError(_("There is no visit record to correct yet."))
    return VisitRecord.objects.create(
        order=order,
        kind=VisitRecord.Kind.CORRECTION,
        method=(VisitRecord.Method.STAFF if relation.staff else VisitRecord.Method.WORKER_APP),
        at=at,
        worker=order.worker,
        recorded_by=by,
        correction=reason,
        note=note.strip()[:300],
    )


def send_missed_visit_alerts(*, now: datetime.datetime, grace_minutes: int) -> int:
    """Batch: a recipient living alone whose visit should have started `grace_minutes`
    ago and nobody checked in: family and community staff get a live alert, once."""
    due = missed_visit_cutoff(now=now, grace_minutes=grace_minutes)
    candidates = Order.objects.filter(
        status=Order.Status.CONFIRMED,
        starts_at__lte=due,
        care_recipient__living_alone=True,
        missed_visit_alert_at__isnull=True,
    ).values_list("pk", flat=True)
    sent = 0
    for order_id in list(candidates):
        with transaction.atomic():
            claimed = Order.objects.filter(
                pk=order_id, status=Order.Status.CONFIRMED, missed_visit_alert_at__isnull=True
            ).update(missed_visit_alert_at=now)
            if claimed != 1:
                continue
            order = Order.objects.select_related("care_recipient", "provider").get(pk=order_id)
            wording.alert_missed_visit(order)
            sent += 1
    return sent
