"""Turning a service's weekly plan and dated exceptions into bookable slots.

Slots are materialised for the weeks ahead so an order can take a place with a conditional
update on one row. Re-running is safe: slots nobody booked follow the plan, slots with
bookings are never deleted (they are closed to new bookings if the plan dropped them).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from marketplace.models import DateException, Service, Slot, WeeklyHours
from providers.models import VenueSitting

# How far ahead slots exist, whatever a service's own booking window.
HORIZON_DAYS = 42


@dataclass(frozen=True)
class PlannedSlot:
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    capacity: int


def planned_slots(service: Service, start: datetime.date, days: int) -> list[PlannedSlot]:
    """What the plan says, day by day, in local time (pure apart from reading the plan)."""
    exceptions = {
        e.date: e
        for e in service.exceptions.filter(
            date__gte=start, date__lt=start + datetime.timedelta(days=days)
        )
    }
    sittings = list(service.venue.sittings.all()) if service.venue_id else []
    return slots_of_plan(
        service,
        start,
        days,
        weekly=list(service.weekly_hours.all()),
        exceptions=exceptions,
        sittings=sittings,
    )


def slots_of_plan(
    service: Service,
    start: datetime.date,
    days: int,
    *,
    weekly: list,
    exceptions: dict,
    sittings: list,
) -> list[PlannedSlot]:
    """What the plan says, given its weekly hours, its exceptions by date and (a service at
    a venue) the venue's sittings. Pure."""
    length = datetime.timedelta(minutes=service.duration_minutes)
    planned = []
    if service.venue_id:
        return _planned_sittings(start, days, exceptions, sittings)
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
    start: datetime.date, days: int, exceptions: dict, sittings: list
) -> list[PlannedSlot]:
    """A service served at a venue: one slot per sitting of the venue, as long as the
    sitting and with its places (decision 0028). A day the service is closed has none."""
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


def materialise_days(days_of: dict[Service, set[datetime.date]]) -> None:
    """Make the slots of these services on these days, as `materialise_slots(start=day,
    days=1)` would, for many at once (the daily run of care plans): a day with no slot
    yet gets the plan's slots in one insert for all; a day that has some is brought in
    line by `materialise_slots` itself."""
    if not days_of:
        return
    services = {service.pk: service for service in days_of}
    every_day = {day for days in days_of.values() for day in days}
    first, last = min(every_day), max(every_day)
    weekly, exceptions, sittings = defaultdict(list), defaultdict(dict), defaultdict(list)
    for hours in WeeklyHours.objects.filter(service_id__in=services):
        weekly[hours.service_id].append(hours)
    for exception in DateException.objects.filter(
        service_id__in=services, date__gte=first, date__lte=last
    ):
        exceptions[exception.service_id][exception.date] = exception
    venues = {service.venue_id for service in services.values() if service.venue_id}
    for sitting in VenueSitting.objects.filter(venue_id__in=venues):
        sittings[sitting.venue_id].append(sitting)
    with_slots = set(
        Slot.objects.filter(
            service_id__in=services,
            starts_at__gte=_midnight(first),
            starts_at__lt=_midnight(last + datetime.timedelta(days=1)),
        ).values_list("service_id", "starts_at__date")
    )
    new = []
    for service, days in sorted(days_of.items(), key=lambda pair: pair[0].pk):
        for day in sorted(days):
            if (service.pk, day) in with_slots:
                materialise_slots(service, start=day, days=1)
                continue
            new.extend(
                (service.pk, plan.starts_at, plan.ends_at, plan.capacity)
                for plan in slots_of_plan(
                    service,
                    day,
                    1,
                    weekly=weekly[service.pk],
                    exceptions=exceptions[service.pk],
                    sittings=sittings[service.venue_id],
                )
            )
    if not new:
        return
    if connection.vendor != "postgresql":  # the embedded default: a handful of plans
        Slot.objects.bulk_create(
            [
                Slot(service_id=service, starts_at=start, ends_at=end, capacity=capacity)
                for service, start, end, capacity in new
            ],
            ignore_conflicts=True,
        )
        return
    # One statement for all (bulk_create's objects cost more than the insert). Made
    # meanwhile by the daily slot job or another run: the same slot either way.
    columns = list(zip(*new, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {Slot._meta.db_table}
                (service_id, starts_at, ends_at, capacity, booked, closed)
            SELECT *, 0, false FROM unnest(
                %s::bigint[], %s::timestamptz[], %s::timestamptz[], %s::smallint[])
            ON CONFLICT (service_id, starts_at) DO NOTHING""",
            [list(column) for column in columns],
        )


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def open_slots_at(times) -> dict:
    """The open slots at these (service id, start) pairs, by pair, in one query that reads
    only them (not every start of every service asked about)."""
    if not times:
        return {}
    if connection.vendor != "postgresql":  # the embedded default: a handful of plans
        wanted = Q()
        for service_id, moment in times:
            wanted |= Q(service_id=service_id, starts_at=moment)
        return {
            (slot.service_id, slot.starts_at): slot
            for slot in Slot.objects.filter(wanted, closed=False)
        }
    services, moments = zip(*times, strict=True)
    found = Slot.objects.raw(
        f"""SELECT s.id, s.service_id, s.starts_at, s.ends_at, s.capacity, s.booked, s.closed
        FROM {Slot._meta.db_table} s
        JOIN unnest(%s::bigint[], %s::timestamptz[]) AS w(service_id, starts_at)
          ON s.service_id = w.service_id AND s.starts_at = w.starts_at
        WHERE NOT s.closed""",
        [list(services), list(moments)],
    )
    return {(slot.service_id, slot.starts_at): slot for slot in found}


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

    post_save.connect(_sitting_changed, sender=VenueSitting, dispatch_uid="venue_sitting_saved")
    post_delete.connect(_sitting_changed, sender=VenueSitting, dispatch_uid="venue_sitting_deleted")
