"""Turning a service's weekly plan and dated exceptions into bookable slots.

Slots are materialised for the weeks ahead so an order can take a place with a conditional
update on one row. Re-running is safe: slots nobody booked follow the plan, slots with
bookings are never deleted (they are closed to new bookings if the plan dropped them).
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from marketplace.models import Service, Slot

# How far ahead slots exist, whatever a service's own booking window.
HORIZON_DAYS = 42


@dataclass(frozen=True)
class PlannedSlot:
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    capacity: int


def planned_slots(service: Service, start: datetime.date, days: int) -> list[PlannedSlot]:
    """What the plan says, day by day, in local time (pure apart from reading the plan)."""
    weekly = list(service.weekly_hours.all())
    exceptions = {
        e.date: e
        for e in service.exceptions.filter(
            date__gte=start, date__lt=start + datetime.timedelta(days=days)
        )
    }
    length = datetime.timedelta(minutes=service.duration_minutes)
    planned = []
    if service.venue_id:
        return _planned_sittings(service, start, days, exceptions)
    for offset in range(days):
        day = start + datetime.timedelta(days=offset)
        exception = exceptions.get(day)
        if exception is not None:
            periods = (
                []
                if exception.closed
                else [(exception.starts_at, exception.ends_at, exception.capacity)]
            )
        else:
            periods = [
                (w.starts_at, w.ends_at, w.capacity) for w in weekly if w.weekday == day.weekday()
            ]
        for period_start, period_end, capacity in periods:
            begin = timezone.make_aware(datetime.datetime.combine(day, period_start))
            end = timezone.make_aware(datetime.datetime.combine(day, period_end))
            moment = begin
            while moment + length <= end:
                planned.append(PlannedSlot(moment, moment + length, capacity))
                moment += length
    return planned


def _planned_sittings(
    service: Service, start: datetime.date, days: int, exceptions: dict
) -> list[PlannedSlot]:
    """A service served at a venue: one slot per sitting of the venue, as long as the
    sitting and with its places (decision 0028). A day the service is closed has none."""
    sittings = list(service.venue.sittings.all())
    planned = []
    for offset in range(days):
        day = start + datetime.timedelta(days=offset)
        exception = exceptions.get(day)
        if exception is not None and exception.closed:
            continue
        for sitting in sittings:
            if sitting.weekday != day.weekday():
                continue
            begin = timezone.make_aware(datetime.datetime.combine(day, sitting.starts_at))
            end = begin + datetime.timedelta(minutes=sitting.minutes)
            planned.append(PlannedSlot(begin, end, sitting.places))
    return planned


@transaction.atomic
def materialise_slots(service: Service, *, start: datetime.date, days: int = HORIZON_DAYS) -> int:
    """Bring the slots from `start` for `days` in line with the plan; returns how many
    slots were created."""
    planned = {slot.starts_at: slot for slot in planned_slots(service, start, days)}
    window_start = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    window_end = window_start + datetime.timedelta(days=days)
    existing = {
        slot.starts_at: slot
        for slot in Slot.objects.select_for_update().filter(
            service=service, starts_at__gte=window_start, starts_at__lt=window_end
        )
    }
    for moment, slot in existing.items():
        plan = planned.get(moment)
        if plan is None:
            if slot.booked == 0:
                slot.delete()
            elif not slot.closed:
                slot.closed = True
                slot.save(update_fields=["closed"])
            continue
        capacity = max(plan.capacity, slot.booked)
        if (slot.capacity, slot.closed, slot.ends_at) != (capacity, False, plan.ends_at):
            slot.capacity, slot.closed, slot.ends_at = capacity, False, plan.ends_at
            slot.save(update_fields=["capacity", "closed", "ends_at"])
    new = [
        Slot(
            service=service, starts_at=plan.starts_at, ends_at=plan.ends_at, capacity=plan.capacity
        )
        for moment, plan in planned.items()
        if moment not in existing
    ]
    Slot.objects.bulk_create(new)
    return len(new)


def materialise_all(*, today: datetime.date) -> int:
    """The daily job: keep every published service's slots six weeks ahead."""
    created = 0
    for service in Service.objects.filter(status=Service.Status.PUBLISHED).iterator():
        created += materialise_slots(service, start=today)
    return created


def follow_venue(venue_id: int) -> None:
    """A venue's sittings changed: its published services' slots follow them now, not at
    the next daily job (providers sit below marketplace and cannot ask for it)."""
    for service in Service.objects.filter(venue_id=venue_id, status=Service.Status.PUBLISHED):
        materialise_slots(service, start=timezone.localdate())


def _sitting_changed(sender, instance, **kwargs) -> None:
    venue_id = instance.venue_id
    transaction.on_commit(lambda: follow_venue(venue_id))


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    from providers.models import VenueSitting

    post_save.connect(_sitting_changed, sender=VenueSitting, dispatch_uid="venue_sitting_saved")
    post_delete.connect(_sitting_changed, sender=VenueSitting, dispatch_uid="venue_sitting_deleted")
