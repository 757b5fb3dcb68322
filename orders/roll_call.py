"""The roll call of a venue's sitting (decision 0028): the provider's managers, or community
staff of the venue's community, mark everyone booked present or absent in one action.

Present has the effect of a home visit's check-in and check-out (the person was seen at the
venue: the visit is verified, completes, and closes and is billed like any other); absent
is a no-show on the resident's side (the subsidy goes back, the policy's fee is kept).
Taking the roll call again changes only what it changes: the same mark twice is nothing. A
person marked present may be marked absent until the order closes (no money has moved yet);
an absent mark is final, because it has already given money back."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from communities.scoping import may_act_on_community
from orders import wording
from orders.exceptions import OrdersError
from orders.models import Order, VisitRecord
from orders.moves import lock, move
from orders.services import settle_no_show
from orders.transitions import target_of
from providers.access import can_manage_provider
from providers.models import Venue

Status = Order.Status
PRESENT = "present"
ABSENT = "absent"
MARKS = (PRESENT, ABSENT)

# Who is on a sitting's list: booked and accepted, whatever became of the visit since.
ON_THE_LIST = (
    Status.CONFIRMED,
    Status.IN_SERVICE,
    Status.COMPLETED,
    Status.CLOSED,
    Status.DISPUTED,
    Status.NO_SHOW,
)
ATTENDED = frozenset({Status.IN_SERVICE, Status.COMPLETED, Status.CLOSED, Status.DISPUTED})


@dataclass(frozen=True)
class RollCall:
    present: int  # newly marked present
    absent: int  # newly marked absent (or corrected to absent)
    unchanged: int  # already so


def may_take_roll_call(user: User, venue: Venue) -> bool:
    return can_manage_provider(user, venue.provider_id) or may_act_on_community(
        user, venue.community_id, role="community_staff"
    )


def sitting_list(venue: Venue, starts_at: datetime.datetime) -> QuerySet[Order]:
    """Everyone booked for the sitting, by name."""
    return (
        Order.objects.filter(venue=venue, starts_at=starts_at, status__in=ON_THE_LIST)
        .select_related("care_recipient")
        .order_by("care_recipient__name", "pk")
    )


def waiting_for_an_answer(venue: Venue, starts_at: datetime.datetime) -> int:
    """Bookings of the sitting the provider has not accepted yet (not on the list)."""
    return Order.objects.filter(venue=venue, starts_at=starts_at, status=Status.REQUESTED).count()


def roll_call_mark(order: Order) -> str:
    """What the roll call has recorded for this order ("" when nobody marked it yet)."""
    if order.status == Status.NO_SHOW:
        return ABSENT
    if order.status in ATTENDED:
        return PRESENT
    return ""


def _marked_present_at_roll_call(order: Order) -> bool:
    return order.visit_records.filter(
        kind=VisitRecord.Kind.CHECK_IN, method=VisitRecord.Method.ROLL_CALL
    ).exists()


def _present(order: Order, by: User) -> None:
    """The check-in and check-out of a home visit, at the sitting's times, in one go."""
    move(order, "check_in", by=by, reason=str(_("Present at the roll call")))
    VisitRecord.objects.create(
        order=order,
        kind=VisitRecord.Kind.CHECK_IN,
        method=VisitRecord.Method.ROLL_CALL,
        at=order.starts_at,
        worker=order.worker,
        recorded_by=by,
    )
    move(order, "check_out", by=by, reason=str(_("Present at the roll call")))
    VisitRecord.objects.create(
        order=order,
        kind=VisitRecord.Kind.CHECK_OUT,
        method=VisitRecord.Method.ROLL_CALL,
        at=order.ends_at,
        worker=order.worker,
        recorded_by=by,
    )
    wording.tell_family(order, wording.COMPLETED)


def _absent(order: Order, by: User, *, action: str) -> None:
    """A no-show on the resident's side, as `report_no_show` by the provider."""
    move(order, action, by=by, reason=str(_("Absent at the roll call")))
    order.no_show_by = Order.Side.RESIDENT
    order.save(update_fields=["no_show_by"])
    settle_no_show(order, provider_absent=False)
    wording.tell_everyone(order, wording.NO_SHOW, by=by)


def _correct_to_absent(order: Order, by: User) -> None:
    if not _marked_present_at_roll_call(order):
        raise OrdersError(
            _(
                "%(name)s's visit was recorded by a worker, not at a roll call: please report "
                "a problem with it on the order."
            )
            % {"name": order.care_recipient.name}
        )
    VisitRecord.objects.create(
        order=order,
        kind=VisitRecord.Kind.CORRECTION,
        method=VisitRecord.Method.ROLL_CALL,
        at=timezone.now(),
        worker=order.worker,
        recorded_by=by,
        correction=VisitRecord.Correction.OTHER,
        note=str(_("Absent at the roll call")),
    )
    _absent(order, by, action="roll_call_absent")


def _apply(order: Order, mark: str, by: User) -> bool:
    """One person's mark; whether it changed anything."""
    name = {"name": order.care_recipient.name}
    if mark == PRESENT:
        if order.status == Status.CONFIRMED:
            _present(order, by)
            return True
        if order.status in ATTENDED:
            return False
        if order.status == Status.NO_SHOW:
            raise OrdersError(
                _(
                    "%(name)s was marked absent already, and what was paid has been settled: "
                    "an absence cannot be undone. Please book the meal again if needed."
                )
                % name
            )
    elif mark == ABSENT:
        if order.status == Status.NO_SHOW:
            return False
        if order.status == Status.CONFIRMED:
            _absent(order, by, action="no_show")
            return True
        if order.status == Status.COMPLETED:
            _correct_to_absent(order, by)
            return True
        if order.status in ATTENDED:
            raise OrdersError(
                _("%(name)s's visit is closed or disputed: it can no longer be marked absent here.")
                % name
            )
    raise OrdersError(
        _("%(name)s's booking is %(status)s: it cannot be marked.")
        % {**name, "status": Status(order.status).label}
    )


@transaction.atomic
def take_roll_call(
    *, venue: Venue, starts_at: datetime.datetime, marks: dict[int, str], by: User
) -> RollCall:
    """Record the sitting's roll call: `marks` maps order ids to present or absent (people
    left out are not marked yet). All or nothing: one refusal, and nobody is marked."""
    if not may_take_roll_call(by, venue):
        raise PermissionDenied
    if timezone.now() < starts_at:
        raise OrdersError(_("The roll call can be taken once the sitting has begun."))
    if not marks:
        raise OrdersError(_("Please mark at least one person present or absent."))
    if set(marks.values()) - set(MARKS):
        raise OrdersError(_("Please mark each person present or absent."))
    booked = set(sitting_list(venue, starts_at).filter(pk__in=marks).values_list("pk", flat=True))
    if booked != set(marks):
        raise OrdersError(
            _("Someone marked is not on this sitting's list. Please reload the page.")
        )
    present = absent = unchanged = 0
    # One order after another in id order: two roll calls at once lock in the same order.
    for pk in sorted(marks):
        order = lock(Order(pk=pk))
        if not _apply(order, marks[pk], by):
            unchanged += 1
        elif marks[pk] == PRESENT:
            present += 1
        else:
            absent += 1
    return RollCall(present=present, absent=absent, unchanged=unchanged)


@transaction.atomic
def correct_to_absent(*, order: Order, by: User) -> Order:
    """One person marked present at a roll call turns out not to have come: absent, until
    the order closes."""
    order = lock(order)
    if order.venue_id is None:
        raise OrdersError(_("This order is not at a venue."))
    if not may_take_roll_call(by, order.venue):
        raise PermissionDenied
    target_of("roll_call_absent", order.status)  # refused as the order's table says
    _correct_to_absent(order, by)
    return order
