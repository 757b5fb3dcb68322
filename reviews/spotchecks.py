"""Doors to spot checks (抽查, decision 0037): the day's call-back list, drawn from last
week's visits of people nobody in the family follows online, and each check's outcome and
follow-up. The statement line of a visit that failed is held through orders.services."""

import datetime
import hashlib

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import CareLink, Role, User
from communities.scoping import regions_covering
from orders import services as order_services
from orders.models import Order, OrderHold
from providers.models import Provider
from reviews.exceptions import ReviewsError
from reviews.models import SpotCheck

STAFF = Role.COMMUNITY_STAFF
CALL_BACK_PERCENT = 10
LOOK_BACK = datetime.timedelta(days=7)
TOOK_PLACE = [Order.Status.COMPLETED, Order.Status.CLOSED]


def draws(order: Order, day: datetime.date, percent: int) -> bool:
    """Seeded by the day: the same list whoever draws it that day, another list tomorrow."""
    digest = hashlib.sha256(f"{day.isoformat()}:{order.code}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < percent


def call_back_candidates(day: datetime.date):
    """Visits of the week before `day` for people with no account of their own and no linked
    family account: booked by staff at the desk, so nobody else would notice a false record."""
    zone = timezone.get_current_timezone()
    end = datetime.datetime.combine(day, datetime.time(), zone)
    followed = CareLink.objects.filter(care_recipient=OuterRef("care_recipient"))
    return (
        Order.objects.filter(
            status__in=TOOK_PLACE,
            starts_at__gte=end - LOOK_BACK,
            starts_at__lt=end,
            care_recipient__account__isnull=True,
        )
        .filter(~Exists(followed))
        .exclude(spot_checks__drawn_on__isnull=False)
        .select_related("care_recipient")
    )


def _caller_for(order: Order) -> User | None:
    """The community's staff other than whoever booked, the one with the fewest open
    call-backs first (then by id, so the draw stays the same when run again)."""
    staff = (
        User.objects.filter(
            role_assignments__role=STAFF,
            role_assignments__region__in=regions_covering([order.community_id]),
            is_active=True,
        )
        .exclude(pk__in=[order.booked_by_id, order.assisted_by_id])
        .distinct()
    )
    loads = {
        user.pk: SpotCheck.objects.filter(assigned_to=user, checked_at__isnull=True).count()
        for user in staff
    }
    return min(staff, key=lambda user: (loads[user.pk], user.pk), default=None)


def draw_call_backs(*, day: datetime.date, percent: int = CALL_BACK_PERCENT) -> int:
    """Batch: the day's call-back list. Run again the same day it adds nothing."""
    drawn = 0
    for order in call_back_candidates(day):
        if not draws(order, day, percent):
            continue
        caller = _caller_for(order)
        if caller is None:
            continue
        try:
            with transaction.atomic():
                SpotCheck.objects.create(
                    order=order,
                    provider_id=order.provider_id,
                    method=SpotCheck.Method.PHONE,
                    drawn_on=day,
                    assigned_to=caller,
                )
        except IntegrityError:
            continue  # drawn meanwhile by a run that overlapped
        drawn += 1
    return drawn


def _clean(outcome: str, findings: str, follow_up: str, follow_up_due) -> None:
    if outcome not in SpotCheck.Outcome.values:
        raise ReviewsError(_("Please choose the outcome of the check."))
    if outcome == SpotCheck.Outcome.FAILED and not findings.strip():
        raise ReviewsError(_("Please write what the check found."))
    if follow_up.strip() and follow_up_due is None:
        raise ReviewsError(_("Please give the date the follow-up is due."))
    if follow_up_due is not None and follow_up_due < timezone.localdate():
        raise ReviewsError(_("The follow-up cannot be due before today."))


def _settle(check: SpotCheck, by: User) -> None:
    """A failed check of a subsidised visit holds its line; a passed one clears what earlier
    failed checks of the same visit held."""
    order = check.order
    if order is None:
        return
    if check.outcome == SpotCheck.Outcome.FAILED and order.subsidy_fen:
        check.hold = order_services.hold_order(
            order=order, reason=OrderHold.Reason.SPOT_CHECK, note=check.findings[:300], by=by
        )
        check.save(update_fields=["hold"])
    elif check.outcome == SpotCheck.Outcome.PASSED:
        earlier = SpotCheck.objects.filter(
            order=order, hold__isnull=False, hold__released_at__isnull=True
        ).select_related("hold")
        for failed in earlier:
            order_services.release_hold(hold=failed.hold)


@transaction.atomic
def record_spot_check(
    *,
    by: User,
    method: str,
    outcome: str,
    findings: str,
    order: Order | None = None,
    provider: Provider | None = None,
    follow_up: str = "",
    follow_up_due: datetime.date | None = None,
) -> SpotCheck:
    """Staff record a check they made: of a visit in their communities (not one they booked),
    or of a provider serving one of them."""
    if order is not None:
        booked = by.pk in (order.booked_by_id, order.assisted_by_id)
        if booked or not Order.objects.in_scope_of(by).filter(pk=order.pk).exists():
            raise PermissionDenied
        if order.status not in TOOK_PLACE:
            raise ReviewsError(_("Only a visit that has taken place can be checked."))
        provider = order.provider
    elif provider is None or not Provider.objects.in_scope_of(by).filter(pk=provider.pk).exists():
        raise PermissionDenied
    if method not in SpotCheck.Method.values:
        raise ReviewsError(_("Please choose how the check was made."))
    _clean(outcome, findings, follow_up, follow_up_due)
    check = SpotCheck.objects.create(
        order=order,
        provider=provider,
        method=method,
        outcome=outcome,
        findings=findings.strip(),
        follow_up=follow_up.strip(),
        follow_up_due=follow_up_due if follow_up.strip() else None,
        checked_by=by,
        checked_at=timezone.now(),
    )
    _settle(check, by)
    return check


@transaction.atomic
def record_call_back(
    *,
    check: SpotCheck,
    by: User,
    outcome: str,
    findings: str,
    follow_up: str = "",
    follow_up_due: datetime.date | None = None,
) -> SpotCheck:
    """The staff member a call-back was given to (or other staff in scope, not the booker)
    records what the person said."""
    check = SpotCheck.objects.select_for_update().get(pk=check.pk)
    if not SpotCheck.objects.in_scope_of(by).filter(pk=check.pk).exists():
        raise PermissionDenied
    if not check.is_open:
        raise ReviewsError(_("This check has already been recorded."))
    _clean(outcome, findings, follow_up, follow_up_due)
    check.outcome = outcome
    check.findings = findings.strip()
    check.follow_up = follow_up.strip()
    check.follow_up_due = follow_up_due if check.follow_up else None
    check.checked_by = by
    check.checked_at = timezone.now()
    check.save(
        update_fields=[
            "outcome",
            "findings",
            "follow_up",
            "follow_up_due",
            "checked_by",
            "checked_at",
        ]
    )
    _settle(check, by)
    return check


@transaction.atomic
def finish_follow_up(*, check: SpotCheck, by: User, note: str = "") -> SpotCheck:
    """The follow-up is done; what was done is added to the findings."""
    check = SpotCheck.objects.select_for_update().get(pk=check.pk)
    if not SpotCheck.objects.in_scope_of(by).filter(pk=check.pk).exists():
        raise PermissionDenied
    if not check.follow_up_open:
        raise ReviewsError(_("There is no open follow-up on this check."))
    check.follow_up_done_at = timezone.now()
    if note.strip():
        check.findings = f"{check.findings}\n{note.strip()}".strip()
    check.save(update_fields=["follow_up_done_at", "findings"])
    return check
