"""Making a plan's visits, a rolling number of weeks ahead (CARE_PLAN_WEEKS_AHEAD).

Each day of each weekly visit becomes one `Occurrence`, at most once (a unique row per line
and day, so running this twice, or on two servers at once, makes nothing twice). A booked
occurrence is an ordinary order made by `orders.plan_visits`; one that cannot be booked
keeps its reason (paused, held because the allowance is used up, not covered) for the
family and staff to see. Each day is its own transaction: one full slot never undoes the
rest of the month."""

import datetime
from collections.abc import Collection
from contextlib import contextmanager

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Prefetch
from django.utils import timezone

from billing.models import Programme
from care import wording
from care.models import CarePlan, Occurrence, PlanItem, PlanPause
from linli.refusals import Refusal
from marketplace.models import Slot
from marketplace.slots import materialise_slots
from orders.moves import lock_slots
from orders.plan_visits import AllowanceUsedUp, PlanTerms, place_plan_visit


def horizon(today: datetime.date) -> datetime.date:
    return today + datetime.timedelta(weeks=settings.CARE_PLAN_WEEKS_AHEAD)


def _days(item: PlanItem, plan: CarePlan, start: datetime.date, end: datetime.date):
    first = max(start, plan.starts_on, item.valid_from)
    last = min(d for d in (end, plan.ends_on, item.valid_until) if d is not None)
    day = first + datetime.timedelta(days=(item.weekday - first.weekday()) % 7)
    while day <= last:
        yield day
        day += datetime.timedelta(days=7)


def _paused(pauses: list[PlanPause], day: datetime.date) -> str:
    for pause in pauses:
        if pause.starts_on <= day <= pause.ends_on:
            return pause.reason
    return ""


def _at(day: datetime.date, item: PlanItem) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, item.starts_at))


def _slots(wanted: list) -> dict:
    """The open slots of the wanted visits, by (service, start), in one query. A day with
    no slots yet (the daily slot job keeps six weeks; a plan never waits for it) has them
    made first, that day only, as a single visit would."""
    times = {(item.service_id, _at(day, item)) for day, _time, _pk, item in wanted}
    services = {item.service_id: item.service for _d, _t, _p, item in wanted}

    def load(service_ids) -> dict:
        return {
            (slot.service_id, slot.starts_at): slot
            for slot in Slot.objects.filter(
                service_id__in=service_ids,
                starts_at__in={moment for _service, moment in times},
                closed=False,
            )
        }

    found = load(list(services))
    missing = sorted(
        {(service, timezone.localdate(moment)) for service, moment in times}
        - {(service, timezone.localdate(moment)) for service, moment in found}
    )
    for service, day in missing:
        materialise_slots(services[service], start=day, days=1)
    if missing:
        found |= load(sorted({service for service, _day in missing}))
    return found


def _terms(plan: CarePlan, item: PlanItem, day: datetime.date) -> PlanTerms:
    programme: Programme | None = plan.programme
    return PlanTerms(
        booked_by=plan.created_by,
        assisted=plan.assisted,
        worker=plan.worker,
        programme_id=programme.pk if programme else None,
        hold_when_used_up=bool(programme) and programme.when_used_up == Programme.WhenUsedUp.HOLD,
        notes=plan.notes,
        reference=f"plan-{plan.pk}-{item.pk}-{day:%Y%m%d}",
        pays_by_card=plan.pays_by == CarePlan.PaysBy.CARD,
    )


def make_occurrences(
    plan: CarePlan, *, today: datetime.date | None = None, from_today: bool = False
) -> list[Occurrence]:
    """The plan's visits from tomorrow (or, `from_today`, from the next one still to come
    today) up to the horizon that do not exist yet."""
    if plan.status != CarePlan.Status.ACTIVE:
        return []
    today = today or timezone.localdate()
    start, end = today + datetime.timedelta(days=0 if from_today else 1), horizon(today)
    now = timezone.now()
    made = []
    known = set(Occurrence.objects.filter(plan=plan, day__gte=start).values_list("item_id", "day"))
    if _prefetched(plan, "items"):  # by make_all_occurrences, with their services
        items = list(plan.items.all())
    else:
        items = list(plan.items.select_related("service__provider", "service__category__parent"))
    wanted = [
        (day, item.starts_at, item.pk, item)
        for item in items
        for day in _days(item, plan, start, end)
        if (item.pk, day) not in known and _at(day, item) > now
    ]
    if not wanted:
        return made
    pauses = list(plan.pauses.all())
    slots = _slots([w for w in wanted if not _paused(pauses, w[0])])
    if connection.in_atomic_block:  # all visits in one transaction (a plan accepted or changed)
        lock_slots(slot.pk for slot in slots.values())
    # In the order they happen: the month's allowance goes to its earliest visits.
    for day, _time, _pk, item in sorted(wanted, key=lambda w: w[:3]):
        slot = slots.get((item.service_id, _at(day, item)))
        occurrence = _make_one(plan, item, day, pauses=pauses, slot=slot)
        if occurrence is not None:
            made.append(occurrence)
    return made


def _prefetched(plan: CarePlan, name: str) -> bool:
    return name in getattr(plan, "_prefetched_objects_cache", {})


def _make_one(
    plan: CarePlan,
    item: PlanItem,
    day: datetime.date,
    *,
    pauses: list[PlanPause],
    slot: Slot | None,
) -> Occurrence | None:
    starts_at = _at(day, item)
    try:
        with transaction.atomic():
            occurrence = Occurrence.objects.create(
                plan=plan, item=item, day=day, status=Occurrence.Status.UNCOVERED
            )
            pause_reason = _paused(pauses, day)
            if pause_reason:
                occurrence.status, occurrence.reason = Occurrence.Status.PAUSED, pause_reason
                occurrence.save(update_fields=["status", "reason"])
                return occurrence
            try:
                with transaction.atomic():
                    visit = place_plan_visit(
                        terms=_terms(plan, item, day),
                        service=item.service,
                        starts_at=starts_at,
                        care_recipient=plan.care_recipient,
                        quantity=item.quantity,
                        slot=slot,
                        tell_carer=False,
                    )
            except AllowanceUsedUp as refusal:
                occurrence.status, occurrence.reason = Occurrence.Status.HELD, str(refusal.message)
                wording.tell_visit_held(occurrence)
            except Refusal as refusal:
                occurrence.reason = str(refusal.message)
                wording.tell_visit_uncovered(occurrence)
            else:
                occurrence.status, occurrence.order = Occurrence.Status.BOOKED, visit.order
                if visit.allowance_used_up:
                    wording.tell_visit_costs_more(occurrence)
            occurrence.save(update_fields=["status", "reason", "order", "updated_at"])
            return occurrence
    except IntegrityError:
        if Occurrence.objects.filter(item=item, day=day).exists():
            return None  # made meanwhile by another run: it exists once either way
        raise


def make_all_occurrences(
    *, today: datetime.date | None = None, plan_ids: Collection[int] | None = None
) -> int:
    """Daily: every active plan's visits up to the horizon (`plan_ids`: only these plans,
    e.g. a benchmark's sample), plans read in chunks so memory stays flat however many
    there are, their weekly lines and pauses with them."""
    made = 0
    plans = CarePlan.objects.filter(status=CarePlan.Status.ACTIVE)
    if plan_ids is not None:
        plans = plans.filter(pk__in=plan_ids)
    plans = (
        plans.select_related("programme", "care_recipient__community", "created_by", "worker")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=PlanItem.objects.select_related(
                    "service__provider", "service__category__parent"
                ),
            ),
            "pauses",
        )
        .order_by("pk")
    )
    with _commits_without_waiting():
        for plan in plans.iterator(chunk_size=CHUNK):
            made += len(make_occurrences(plan, today=today))
    return made


CHUNK = 200


@contextmanager
def _commits_without_waiting():
    """The daily run commits each day's visit on its own (one full slot never undoes the
    month) and would wait for the disk at each of its thousands of commits. PostgreSQL may
    acknowledge them before they reach the disk (decision 0030): a crash can lose the
    last fraction of a second of the run, never part of a visit, and the next run makes
    what was lost (the unique rows make nothing twice)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")
