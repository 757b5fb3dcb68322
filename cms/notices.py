"""Targeted notices (定向通知): staff pick a segment (communities in their scope and the
circumstances of the people there), see how many accounts it reaches, and send; each
account is told once, live and by e-mail, and staff see who has read it."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from accounts.models import CareLink, CareRecipient, Notification, Role, User
from accounts.notifications import notify
from billing.models import Programme
from cms.exceptions import ChannelsError
from cms.models import NoticeDelivery, TargetedNotice
from communities.models import Region
from communities.scoping import communities_scoped_to

NOTICE = gettext_noop("Notice from your community: %(title)s")


@dataclass(frozen=True)
class Segment:
    communities: list[Region] = field(default_factory=list)
    living_alone: bool = False
    minimum_living_allowance: bool = False
    low_income: bool = False
    min_disability_level: int | None = None
    min_age: int | None = None
    programme: Programme | None = None


def _born_by(on: datetime.date, age: int) -> datetime.date:
    """The latest birth date of someone who is `age` or older on `on` (29 Feb → 28 Feb)."""
    try:
        return on.replace(year=on.year - age)
    except ValueError:
        return on.replace(year=on.year - age, day=28)


def people_in(segment: Segment, on: datetime.date | None = None) -> QuerySet[CareRecipient]:
    on = on or timezone.localdate()
    people = CareRecipient.objects.filter(community__in=[c.pk for c in segment.communities])
    if segment.living_alone:
        people = people.filter(living_alone=True)
    if segment.minimum_living_allowance:
        people = people.filter(minimum_living_allowance=True)
    if segment.low_income:
        people = people.filter(low_income=True)
    if segment.min_disability_level:
        people = people.filter(disability_level__gte=segment.min_disability_level)
    if segment.min_age:
        people = people.filter(birth_date__lte=_born_by(on, segment.min_age))
    if segment.programme is not None:
        people = people.filter(
            eligibilities__programme=segment.programme,
            eligibilities__valid_from__lte=on,
            eligibilities__valid_until__gte=on,
            eligibilities__revoked_at__isnull=True,
        )
    return people.distinct()


def accounts_reached(people: QuerySet[CareRecipient]) -> dict[int, list[str]]:
    """Every active account that hears about these people: their own, and each family
    account linked to them; with the names of the people each account hears about."""
    reached: dict[int, list[str]] = {}
    own = people.filter(account__is_active=True).values_list("account_id", "name")
    linked = CareLink.objects.filter(care_recipient__in=people, account__is_active=True)
    for account_id, name in [*own, *linked.values_list("account_id", "care_recipient__name")]:
        names = reached.setdefault(account_id, [])
        if name not in names:
            names.append(name)
    return reached


def preview(segment: Segment) -> tuple[int, int]:
    """How many people the segment holds and how many accounts a notice would reach."""
    people = people_in(segment)
    return people.count(), len(accounts_reached(people))


def _check(by: User, segment: Segment, title: str, body: str) -> None:
    if not segment.communities:
        raise ChannelsError(_("Please choose at least one community."))
    in_scope = set(
        communities_scoped_to(by, role=Role.COMMUNITY_STAFF).values_list("pk", flat=True)
    )
    if any(community.pk not in in_scope for community in segment.communities):
        raise PermissionDenied
    if not title.strip() or not body.strip():
        raise ChannelsError(_("Please write a title and the text of the notice."))


@transaction.atomic
def send_notice(*, by: User, title: str, body: str, segment: Segment) -> TargetedNotice:
    """Send now to everyone the segment reaches; the reach is recorded with the notice."""
    _check(by, segment, title, body)
    people = people_in(segment)
    reached = accounts_reached(people)
    notice = TargetedNotice.objects.create(
        title=title.strip(),
        body=body.strip(),
        living_alone=segment.living_alone,
        minimum_living_allowance=segment.minimum_living_allowance,
        low_income=segment.low_income,
        min_disability_level=segment.min_disability_level,
        min_age=segment.min_age,
        programme=segment.programme,
        sent_by=by,
        recipients_count=people.count(),
        reach=len(reached),
    )
    notice.communities.set(segment.communities)
    notifications = notify(
        users=User.objects.filter(pk__in=reached),
        kind="notice",
        message=NOTICE,
        params={"title": notice.title},
        url=notice.get_absolute_url(),
    )
    by_user = {notification.user_id: notification for notification in notifications}
    NoticeDelivery.objects.bulk_create(
        NoticeDelivery(
            notice=notice,
            user_id=user_id,
            for_names="、".join(names)[:300],
            notification=by_user.get(user_id),
        )
        for user_id, names in reached.items()
    )
    return notice


def deliveries_for(user: User) -> QuerySet[NoticeDelivery]:
    return NoticeDelivery.objects.filter(user=user).select_related("notice")


@transaction.atomic
def read_notice(*, delivery: NoticeDelivery) -> NoticeDelivery:
    """Opening the notice counts as reading it (and its notification)."""
    if delivery.read_at is None:
        now = timezone.now()
        delivery.read_at = now
        delivery.save(update_fields=["read_at"])
        if delivery.notification_id:
            Notification.objects.filter(pk=delivery.notification_id, read_at__isnull=True).update(
                read_at=now
            )
    return delivery
