"""Visit verification: the record a purchaser relies on. Check-in and check-out by the
worker, proof that the recipient was there (a one-time code from the card at home, the
family's confirmation, or community staff's), and corrections as new rows."""

import datetime
import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import CareRecipient, User
from communities.scoping import may_act_on_community
from orders import access, wording
from orders.exceptions import OrdersError
from orders.models import Order, VisitCode, VisitCodeCard, VisitRecord
from orders.moves import lock, move
from orders.policy import missed_visit_cutoff
from orders.transitions import VISIT_STARTED

CODES_PER_CARD = 20
# A worker may check in a little early (a bus arrives when it arrives), not much more.
EARLIEST_CHECK_IN = datetime.timedelta(minutes=60)


def is_verified(order: Order) -> bool:
    """Checked in and out, and the recipient's side or community staff vouch for it."""
    return Order.objects.filter(pk=order.pk).with_verified_visit().exists()


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
    record = VisitRecord.objects.create(
        order=order,
        kind=VisitRecord.Kind.CHECK_OUT,
        method=VisitRecord.Method.WORKER_APP,
        at=at,
        worker=order.worker,
        recorded_by=by,
    )
    wording.tell_family(order, wording.COMPLETED)
    return record


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
