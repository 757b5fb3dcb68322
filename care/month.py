"""A person's month of visits, week by week, for the family's care page: every order for
them (plan visits and one-off bookings) and the plan days that have no visit (held, not
covered, skipped, paused), each with its time and what became of it."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from accounts.models import CareRecipient
from billing.subsidy import first_of_month
from care.models import CarePlan, Occurrence
from linli.dates import months_after
from orders.models import Order

GONE = (Order.Status.CANCELLED, Order.Status.DECLINED, Order.Status.EXPIRED)
# Plan days the family should see although no visit is booked on them.
NO_VISIT = (
    Occurrence.Status.HELD,
    Occurrence.Status.UNCOVERED,
    Occurrence.Status.SKIPPED,
    Occurrence.Status.PAUSED,
)


@dataclass(frozen=True)
class Entry:
    at: datetime.datetime
    title: str
    status: str  # a code: an order's status, or an occurrence's
    status_label: str
    worker: str = ""
    from_plan: bool = False
    reason: str = ""
    url: str = ""
    copay_fen: int = 0  # what the family pays for it (at the door, or paid online)

    @property
    def happens(self) -> bool:
        return self.status not in NO_VISIT


@dataclass
class Day:
    date: datetime.date
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Week:
    monday: datetime.date
    days: list[Day]

    @property
    def visits(self) -> int:
        return sum(1 for day in self.days for entry in day.entries if entry.happens)


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def month_of_visits(recipient: CareRecipient, month: datetime.date, user) -> list[Week]:
    """The weeks (Monday first) touching `month`, each with the month's days that have
    something on them, as `user` may see them."""
    month = first_of_month(month)
    after = months_after(month, 1)
    by_day: dict[datetime.date, list[Entry]] = {}
    orders = (
        Order.objects.visible_to(user)
        .filter(care_recipient=recipient, starts_at__gte=_aware(month), starts_at__lt=_aware(after))
        .exclude(status__in=GONE)
        .select_related("worker__user", "occurrence")
    )
    for order in orders:
        local = timezone.localtime(order.starts_at)
        by_day.setdefault(local.date(), []).append(
            Entry(
                at=local,
                title=order.title_for_reader,
                status=order.status,
                status_label=order.get_status_display(),
                worker=str(order.worker.user) if order.worker else "",
                from_plan=hasattr(order, "occurrence"),
                url=order.get_absolute_url(),
                copay_fen=order.copay_fen,
            )
        )
    occurrences = Occurrence.objects.filter(
        plan__in=CarePlan.objects.visible_to(user).filter(care_recipient=recipient),
        day__gte=month,
        day__lt=after,
        status__in=NO_VISIT,
    ).select_related("item__service")
    for occurrence in occurrences:
        by_day.setdefault(occurrence.day, []).append(
            Entry(
                at=timezone.make_aware(
                    datetime.datetime.combine(occurrence.day, occurrence.item.starts_at)
                ),
                title=occurrence.item.service.title,
                status=occurrence.status,
                status_label=occurrence.get_status_display(),
                from_plan=True,
                reason=occurrence.reason,
            )
        )
    weeks = []
    monday = month - datetime.timedelta(days=month.weekday())
    while monday < after:
        days = [
            Day(date, sorted(by_day[date], key=lambda e: e.at))
            for date in (monday + datetime.timedelta(days=n) for n in range(7))
            if month <= date < after and date in by_day
        ]
        weeks.append(Week(monday=max(monday, month), days=days))
        monday += datetime.timedelta(days=7)
    return weeks
