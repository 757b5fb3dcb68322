"""Registering for community activities: places up to the capacity, then a waiting list
that moves up when someone cancels. The activity row is locked while places are counted, so
registrations arriving together never overfill it."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from accounts.models import CareRecipient, Role, User
from accounts.notifications import notify
from cms.exceptions import ChannelsError
from cms.models import ActivityPage, ActivityRegistration
from communities.scoping import may_act_on_community

Status = ActivityRegistration.Status

MOVED_UP = gettext_noop(
    "A place has come free: %(name)s is now registered for %(activity)s on %(when)s."
)


def _attendee(by: User, care_recipient: CareRecipient | None) -> str:
    return f"r{care_recipient.pk}" if care_recipient else f"u{by.pk}"


def _locked(activity: ActivityPage) -> ActivityPage:
    return ActivityPage.objects.select_for_update(of=("self",)).get(pk=activity.pk)


@transaction.atomic
def register(
    *, activity: ActivityPage, by: User, care_recipient: CareRecipient | None = None
) -> ActivityRegistration:
    """A resident registers themself or a person they care for: a place while there is
    one, else the waiting list."""
    activity = _locked(activity)
    if (
        care_recipient is not None
        and not CareRecipient.objects.linked_to(by).filter(pk=care_recipient.pk).exists()
    ):
        raise PermissionDenied
    if not activity.live or activity.starts_at <= timezone.now():
        raise ChannelsError(_("Registration for this activity has closed."))
    attendee = _attendee(by, care_recipient)
    live = activity.registrations.exclude(status=Status.CANCELLED)
    if live.filter(attendee=attendee).exists():
        raise ChannelsError(_("This person is already registered or on the waiting list."))
    taken = live.filter(status=Status.REGISTERED).count()
    return ActivityRegistration.objects.create(
        activity=activity,
        registered_by=by,
        care_recipient=care_recipient,
        attendee=attendee,
        status=Status.REGISTERED if taken < activity.capacity else Status.WAITING,
    )


def _may_change(user: User, registration: ActivityRegistration) -> bool:
    if registration.registered_by_id == user.pk:
        return True
    return bool(
        registration.care_recipient_id
        and CareRecipient.objects.linked_to(user).filter(pk=registration.care_recipient_id).exists()
    )


@transaction.atomic
def cancel(*, registration: ActivityRegistration, by: User) -> ActivityRegistration:
    """The family cancels; the first on the waiting list takes the place and is told."""
    activity = _locked(registration.activity)
    registration = ActivityRegistration.objects.select_for_update().get(pk=registration.pk)
    if not _may_change(by, registration):
        raise PermissionDenied
    if registration.status == Status.CANCELLED:
        raise ChannelsError(_("This registration has already been cancelled."))
    had_place = registration.status == Status.REGISTERED
    registration.status = Status.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    if had_place:
        _move_up(activity)
    return registration


def _move_up(activity: ActivityPage) -> None:
    taken = activity.registrations.filter(status=Status.REGISTERED).count()
    waiting = activity.registrations.filter(status=Status.WAITING).select_related(
        "registered_by", "care_recipient"
    )
    for registration in waiting[: max(activity.capacity - taken, 0)]:
        registration.status = Status.REGISTERED
        registration.save(update_fields=["status"])
        notify(
            users=[registration.registered_by],
            kind="activity",
            message=MOVED_UP,
            params={
                "name": registration.attendee_name,
                "activity": activity.title,
                "when": f"{timezone.localtime(activity.starts_at):%Y-%m-%d %H:%M}",
            },
            url=activity.url or "",
        )


def may_run(user: User, activity: ActivityPage) -> bool:
    """Staff of the activity's community keep its check-in list."""
    channel = activity.get_parent().specific
    return may_act_on_community(user, channel.region_id, role=Role.COMMUNITY_STAFF)


@transaction.atomic
def check_in(*, registration: ActivityRegistration, by: User) -> ActivityRegistration:
    registration = ActivityRegistration.objects.select_for_update().get(pk=registration.pk)
    if not may_run(by, registration.activity):
        raise PermissionDenied
    if registration.status != Status.REGISTERED:
        raise ChannelsError(_("Only registered people can be checked in."))
    if registration.checked_in_at is None:
        registration.checked_in_at = timezone.now()
        registration.save(update_fields=["checked_in_at"])
    return registration
