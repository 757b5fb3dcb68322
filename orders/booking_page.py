"""What the booking page shows (decision 0040): a strip of days with free places, the times
of the chosen day, and whom to preselect. Reads only; booking itself is services.place_order."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.models import CareRecipient
from orders.models import Order

# The strip covers at least two weeks, and further out (up to six) when times are open there.
MIN_DAYS = 14
MAX_DAYS = 42


@dataclass(frozen=True)
class Day:
    date: datetime.date
    times: int  # open times that day (each with at least one free place)


def day_strip(slots: QuerySet, *, today: datetime.date) -> list[Day]:
    """Every day from today to the last open time (two to six weeks), with its open times."""
    tz = timezone.get_current_timezone()
    counts = dict(
        slots.annotate(day=TruncDate("starts_at", tzinfo=tz))
        .order_by()
        .values_list("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    last = max(counts, default=today)
    length = min(max((last - today).days + 1, MIN_DAYS), MAX_DAYS)
    days = (today + datetime.timedelta(days=n) for n in range(length))
    return [Day(date=day, times=counts.get(day, 0)) for day in days]


def chosen_day(strip: list[Day], asked: str | None) -> datetime.date | None:
    """The day asked for if it is on the strip, else the first with an open time."""
    try:
        wanted = datetime.date.fromisoformat(asked or "")
    except ValueError:
        wanted = None
    if wanted and any(day.date == wanted for day in strip):
        return wanted
    return next((day.date for day in strip if day.times), None)


def day_of_slot(slots: QuerySet, slot_pk: str | None) -> datetime.date | None:
    """The day of a time sent back with the form, to show that day again on an error."""
    if not (slot_pk or "").isdigit():
        return None
    starts_at = slots.filter(pk=int(slot_pk)).values_list("starts_at", flat=True).first()
    return timezone.localdate(starts_at) if starts_at else None


def preselected_person(user, recipients: QuerySet) -> CareRecipient | None:
    """The person this account last booked for (if it may still book for them), else the
    only one it may book for."""
    last = (
        Order.objects.filter(booked_by=user, care_recipient__in=recipients)
        .order_by("-created_at", "-pk")
        .values_list("care_recipient_id", flat=True)
        .first()
    )
    if last is not None:
        return recipients.get(pk=last)
    only = list(recipients[:2])
    return only[0] if len(only) == 1 else None
