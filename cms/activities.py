"""Registering for community activities: places up to the capacity, then a waiting list
that moves up when someone cancels or the capacity is raised. An activity's places are
shared by all its language versions (Wagtail's translation_key): the capacity is the
original's (the version created first), and one person holds at most one place or
waiting spot across them (decision 0022). The original's row is locked while places are
counted, so registrations arriving together, in any language, never overfill it."""

import re

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from accounts.models import CareRecipient, Role, User
from accounts.notifications import in_each_language, notify
from cms.exceptions import ChannelsError
from cms.models import ActivityPage, ActivityRegistration
from communities.scoping import may_act_on_community

Status = ActivityRegistration.Status
# More than a community hall holds; also keeps the number inside the column.
MAX_PLACES = 10_000

MOVED_UP = gettext_noop(
    "A place has come free: %(name)s is now registered for %(activity)s on %(when)s."
)
WALK_IN_MOVED_UP = gettext_noop(
    "%(name)s (%(phone)s), who has no account, is now registered for %(activity)s on "
    "%(when)s: please let them know."
)


def versions_of(activity: ActivityPage):
    """The activity in every language."""
    return ActivityPage.objects.filter(translation_key=activity.translation_key)


def original_of(activity: ActivityPage, *, lock: bool = False) -> ActivityPage:
    """The version created first: its capacity is the activity's, its row the lock."""
    versions = versions_of(activity).order_by("pk")
    if lock:
        versions = versions.select_for_update(of=("self",))
    return versions.first()


def registrations_of(activity: ActivityPage):
    """Registrations for the activity in any language."""
    return ActivityRegistration.objects.filter(translation_key=activity.translation_key)


def places(activity: ActivityPage) -> tuple[int, int, int]:
    """(capacity, registered, waiting), across the activity's languages."""
    live = registrations_of(activity)
    return (
        original_of(activity).capacity,
        live.filter(status=Status.REGISTERED).count(),
        live.filter(status=Status.WAITING).count(),
    )


def _attendee(by: User, care_recipient: CareRecipient | None) -> str:
    return f"r{care_recipient.pk}" if care_recipient else f"u{by.pk}"


def _add(
    activity: ActivityPage, original: ActivityPage, *, attendee: str, **fields
) -> ActivityRegistration:
    """A place while there is one, else the waiting list; the original is locked."""
    live = registrations_of(activity).exclude(status=Status.CANCELLED)
    if live.filter(attendee=attendee).exists():
        raise ChannelsError(_("This person is already registered or on the waiting list."))
    taken = live.filter(status=Status.REGISTERED).count()
    return ActivityRegistration.objects.create(
        activity=activity,
        translation_key=activity.translation_key,
        attendee=attendee,
        status=Status.REGISTERED if taken < original.capacity else Status.WAITING,
        **fields,
    )


@transaction.atomic
def register(
    *, activity: ActivityPage, by: User, care_recipient: CareRecipient | None = None
) -> ActivityRegistration:
    """A resident registers themself or a person they care for: a place while there is
    one, else the waiting list."""
    original = original_of(activity, lock=True)
    activity = ActivityPage.objects.get(pk=activity.pk)
    if (
        care_recipient is not None
        and not CareRecipient.objects.linked_to(by).filter(pk=care_recipient.pk).exists()
    ):
        raise PermissionDenied
    if not activity.live or activity.starts_at <= timezone.now():
        raise ChannelsError(_("Registration for this activity has closed."))
    return _add(
        activity,
        original,
        attendee=_attendee(by, care_recipient),
        registered_by=by,
        care_recipient=care_recipient,
    )


def _phone_digits(phone: str) -> str:
    return re.sub(r"\D", "", phone or "")


@transaction.atomic
def register_walk_in(
    *,
    activity: ActivityPage,
    by: User,
    person: User | None = None,
    name: str = "",
    phone: str = "",
) -> ActivityRegistration:
    """Staff of the activity's community register someone who came in or phoned: a
    resident with an account, or anyone by name and phone. Open until the activity ends."""
    original = original_of(activity, lock=True)
    activity = ActivityPage.objects.get(pk=activity.pk)
    if not may_run(by, activity):
        raise PermissionDenied
    if not activity.live or activity.ends_at <= timezone.now():
        raise ChannelsError(_("This activity is over."))
    if person is not None:
        return _add(activity, original, attendee=f"u{person.pk}", registered_by=person, added_by=by)
    name, digits = (name or "").strip(), _phone_digits(phone)
    if not name or not 7 <= len(digits) <= 15:
        raise ChannelsError(_("Please give the person's name and a phone number."))
    return _add(
        activity,
        original,
        attendee=f"p{digits}",
        walk_in_name=name[:100],
        walk_in_phone=phone.strip()[:20],
        added_by=by,
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
    original = original_of(registration.activity, lock=True)
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
        _move_up(original)
    return registration


@transaction.atomic
def set_capacity(*, activity: ActivityPage, by: User | None, capacity: int) -> list:
    """Staff change the number of places (in every language at once); when it grows, the
    waiting list moves up in the order people joined it, and each is told. Fewer places
    than people registered take nobody's place away. Returns those moved up."""
    original = original_of(activity, lock=True)
    if by is not None and not may_run(by, original):
        raise PermissionDenied
    if not 0 <= capacity <= MAX_PLACES:
        raise ChannelsError(
            _("The number of places must be between 0 and %(most)s.") % {"most": MAX_PLACES}
        )
    versions_of(original).update(capacity=capacity)
    original.capacity = capacity
    return _move_up(original)


def _move_up(original: ActivityPage) -> list[ActivityRegistration]:
    live = registrations_of(original)
    taken = live.filter(status=Status.REGISTERED).count()
    waiting = live.filter(status=Status.WAITING).select_related(
        "registered_by", "care_recipient", "activity", "added_by"
    )
    titles = _titles(original)
    moved = list(waiting.order_by("created_at", "pk")[: max(original.capacity - taken, 0)])
    for registration in moved:
        registration.status = Status.REGISTERED
        registration.save(update_fields=["status"])
        _tell_moved_up(registration, titles)
    return moved


def _titles(original: ActivityPage) -> dict:
    by_language = dict(versions_of(original).values_list("locale__language_code", "title"))
    return in_each_language(by_language.get("zh-hans", original.title), by_language.get("en", ""))


def _tell_moved_up(registration: ActivityRegistration, titles: dict) -> None:
    activity = registration.activity
    params = {
        "name": registration.attendee_name,
        "activity": titles,
        "when": f"{timezone.localtime(activity.starts_at):%Y-%m-%d %H:%M}",
    }
    if registration.registered_by_id is not None:
        notify(
            users=[registration.registered_by],
            kind="activity",
            message=MOVED_UP,
            params=params,
            url=activity.url or "",
        )
    elif registration.added_by_id is not None:
        # Nobody to tell online: the staff member who wrote them down rings them.
        notify(
            users=[registration.added_by],
            kind="activity",
            message=WALK_IN_MOVED_UP,
            params={**params, "phone": registration.walk_in_phone},
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
