"""Making plans' visits set-wise: a chunk of plans in one short transaction (decision 0030).

The one way visits are made, for the daily run (chunks of many plans) and for a plan
accepted or changed (a chunk of one, in the service's transaction). Each statement
serves the whole chunk: the visits are claimed with `INSERT … ON CONFLICT DO NOTHING
RETURNING` (only what this run won is booked, so two runs at once make nothing twice),
the slots locked lowest id first and their places given in the order the visits
happen, the subsidy computed in memory against locked months and budgets
(billing.subsidy_batch), and orders, events, payments and the visits' outcomes written
with one statement each. Every visit gets the answer `orders.plan_visits.place_plan_visit`
would give it, visit by visit in date order, plan after plan."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accounts.roles import staff_covering
from billing.models import Programme
from billing.split import NotEligible
from billing.subsidy_batch import Ledger
from care import wording
from care.models import CarePlan, Occurrence, PlanItem, PlanPause
from linli.setwise import insert_rows, on_postgresql, update_from_values
from marketplace.models import Service, Slot
from marketplace.slots import materialise_days, open_slots_at
from orders.events import concerned_by_last_event, push_orders_placed
from orders.models import Order, OrderEvent, Payment
from orders.moves import FULL
from orders.plan_visits import (
    NO_SLOT,
    NOT_BOOKABLE,
    PlanTerms,
    allowance_used_up,
    card_payment,
    held_because,
    not_offered,
    placed_event,
    plan_order,
)
from orders.rosters import busy_times, is_free_among
from orders.workers import papers_of, worker_is_qualified

Status = Occurrence.Status


def horizon(today: datetime.date) -> datetime.date:
    return today + datetime.timedelta(weeks=settings.CARE_PLAN_WEEKS_AHEAD)


@dataclass
class Visit:
    plan: CarePlan
    item: PlanItem
    day: datetime.date
    starts_at: datetime.datetime
    status: str = Status.UNCOVERED
    reason: str = ""
    occurrence_id: int = 0
    order: Order | None = None
    costs_more: bool = False
    slot: Slot | None = field(default=None, repr=False)


@dataclass
class Run:
    """What a whole run keeps between its chunks: who the staff of each community are, and
    the regions covering each (billing.subsidy.covers_over)."""

    staff_users: dict[int, list] = field(default_factory=dict)
    regions: dict[int, set[int]] = field(default_factory=dict)
    made: int = 0
    # The daily run tells each person concerned once, at its end, of their last new visit
    # (a person concerned by orders in every chunk, as a district's staff are, would
    # otherwise hear 40 times); a plan accepted or changed tells them at its commit.
    pushes_at_end: bool = False
    last_heard: dict[int, dict] = field(default_factory=dict)

    def heard(self, events: list[OrderEvent], *, staff_of: dict[int, set[int]]) -> None:
        """After a chunk's commit: whom its new orders concern."""
        self.last_heard.update(concerned_by_last_event(events, staff_of=staff_of))
        if not self.pushes_at_end:
            self.push()

    def push(self) -> None:
        if self.last_heard:
            push_orders_placed(self.last_heard)
        self.last_heard = {}

    def staff(self, community_id: int) -> list:
        """The community's staff, asked once a run (the run takes minutes at most)."""
        if community_id not in self.staff_users:
            self.staff_users[community_id] = list(staff_covering([community_id]))
        return self.staff_users[community_id]


def make_visits(
    plans: list[CarePlan],
    *,
    today: datetime.date,
    from_today: bool = False,
    run: Run | None = None,
) -> list[Visit]:
    """The chunk's visits from tomorrow (or, `from_today`, from the next one still to come
    today) up to the horizon that do not exist yet, in one transaction (a savepoint in the
    caller's, for a plan accepted or changed)."""
    run = run or Run()
    start = today + datetime.timedelta(days=0 if from_today else 1)
    end = horizon(today)
    with transaction.atomic():
        visits = _claim(_wanted(plans, start, end, timezone.now()))
        to_book = [visit for visit in visits if visit.status != Status.PAUSED]
        if to_book:
            _book(to_book, start, end, run)
        update_from_values(
            Occurrence,
            ["status", "reason", "order", "updated_at"],
            [
                (
                    v.occurrence_id,
                    v.status,
                    v.reason,
                    v.order.pk if v.order else None,
                    timezone.now(),
                )
                for v in to_book
            ],
            types=["varchar", "varchar", "bigint", "timestamptz"],
        )
        wording.tell_run(visits, until=end, staff=run.staff)
    run.made += len(visits)
    return visits


def _wanted(plans, start, end, now) -> list[Visit]:
    plans = [plan for plan in plans if plan.status == CarePlan.Status.ACTIVE]
    known = set(
        Occurrence.objects.filter(plan__in=plans, day__gte=start).values_list("item_id", "day")
    )
    visits = []
    for plan in plans:
        if _prefetched(plan, "items"):  # by make_all_occurrences, with their services
            items = list(plan.items.all())
        else:
            items = list(
                plan.items.select_related("service__provider", "service__category__parent")
            )
        pauses = list(plan.pauses.all())
        wanted = [
            Visit(plan, item, day, _at(day, item))
            for item in items
            for day in _days(item, plan, start, end)
            if (item.pk, day) not in known
        ]
        for visit in sorted(wanted, key=lambda v: (v.day, v.item.starts_at, v.item.pk)):
            if visit.starts_at <= now:
                continue
            visit.reason = _paused(pauses, visit.day)
            if visit.reason:
                visit.status = Status.PAUSED
            visits.append(visit)
    return visits


def _claim_row_by_row(visits: list[Visit], rows: list[Visit]) -> list[Visit]:
    """`_claim` through the ORM, where a database without `unnest` serves (SQLite lets one
    writer in at a time: what does not exist yet is this run's to make)."""
    claimed = []
    for visit in rows:
        occurrence, made = Occurrence.objects.get_or_create(
            item_id=visit.item.pk,
            day=visit.day,
            defaults={"plan_id": visit.plan.pk, "status": visit.status, "reason": visit.reason},
        )
        visit.occurrence_id = occurrence.pk if made else 0
    for visit in visits:
        if visit.occurrence_id:
            claimed.append(visit)
    return claimed


def _claim(visits: list[Visit]) -> list[Visit]:
    """Insert the visits' rows; keep those this run made (another run may have made some
    meanwhile: they exist once either way). Rows go in (line, day) order, so two runs
    wait for each other instead of deadlocking."""
    if not visits:
        return []
    rows = sorted(visits, key=lambda v: (v.item.pk, v.day))
    now = timezone.now()
    if not on_postgresql():
        return _claim_row_by_row(visits, rows)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {Occurrence._meta.db_table}
                (plan_id, item_id, day, status, reason, created_at, updated_at)
            SELECT *, %s::timestamptz, %s::timestamptz FROM unnest(
                %s::bigint[], %s::bigint[], %s::date[], %s::varchar[], %s::varchar[])
            ON CONFLICT (item_id, day) DO NOTHING
            RETURNING id, item_id, day""",
            [
                now,
                now,
                [v.plan.pk for v in rows],
                [v.item.pk for v in rows],
                [v.day for v in rows],
                [v.status for v in rows],
                [v.reason for v in rows],
            ],
        )
        won = {(item_id, day): pk for pk, item_id, day in cursor.fetchall()}
    claimed = []
    for visit in visits:
        visit.occurrence_id = won.get((visit.item.pk, visit.day), 0)
        if visit.occurrence_id:
            claimed.append(visit)
    return claimed


def _book(visits: list[Visit], start, end, run: Run) -> None:
    services = {v.item.service_id: v.item.service for v in visits}
    communities = {v.plan.care_recipient.community_id for v in visits}
    bookable = set(Service.objects.bookable().filter(pk__in=services).values_list("pk", flat=True))
    offered = set(
        Service.objects.filter(pk__in=services, communities__in=communities).values_list(
            "pk", "communities"
        )
    )
    for visit in visits:
        community = visit.plan.care_recipient.community_id
        if visit.item.service_id not in bookable:
            visit.reason = str(NOT_BOOKABLE)
        elif (visit.item.service_id, community) not in offered:
            visit.reason = not_offered(visit.plan.care_recipient)
    places = _lock_slots([v for v in visits if not v.reason])
    ledger = Ledger.load(
        [
            (v.item.service, v.plan.care_recipient, v.day)
            for v in visits
            if v.slot is not None and not v.reason
        ],
        start,
        end,
        regions=run.regions,
    )
    workers = {v.plan.worker.pk: v.plan.worker for v in visits if v.plan.worker_id}
    papers = papers_of(workers, valid_on=start)
    busy = busy_times(workers, _at(start, None), _at(end + datetime.timedelta(days=1), None))
    placed = []
    for visit in visits:
        if visit.reason:
            continue
        order = _place(visit, places, ledger, papers, busy)
        if order is not None:
            placed.append((visit, order))
    _write(placed, places, ledger, run)


def _lock_slots(visits: list[Visit]) -> dict[int, list]:
    """The visits' open slots, made first for days without any (as one visit would), then
    locked lowest id first (decision 0027's order): slot id → [capacity, booked, closed]."""
    times = {(v.item.service_id, v.starts_at) for v in visits}
    found = open_slots_at(times)
    missing = defaultdict(set)
    for visit in visits:
        if (visit.item.service_id, visit.starts_at) not in found:
            missing[visit.item.service].add(visit.day)
    if missing:
        materialise_days(missing)
        found = open_slots_at(times)
    for visit in visits:
        visit.slot = found.get((visit.item.service_id, visit.starts_at))
        if visit.slot is None:
            visit.reason = str(NO_SLOT)
    return {
        pk: [capacity, booked, closed]
        for pk, capacity, booked, closed in Slot.objects.select_for_update()
        .filter(pk__in={slot.pk for slot in found.values()})
        .order_by("pk")
        .values_list("pk", "capacity", "booked", "closed")
    }


def _place(visit: Visit, places, ledger: Ledger, papers, busy) -> Order | None:
    """`place_plan_visit`'s answer for this visit, against the chunk's state so far."""
    plan, item, slot = visit.plan, visit.item, visit.slot
    capacity, booked, closed = places[slot.pk]
    if closed or booked >= capacity:
        visit.reason = str(FULL)
        return None
    terms = terms_for(plan, item, visit.day)
    try:
        split = ledger.quote(
            service=item.service,
            care_recipient=plan.care_recipient,
            quantity=item.quantity,
            on=visit.day,
        )
    except NotEligible as refusal:
        visit.reason = str(refusal.message)
        return None
    used_up = allowance_used_up(terms, split)
    if used_up and terms.hold_when_used_up:
        visit.status, visit.reason = Status.HELD, str(held_because(visit.starts_at))
        return None
    ledger.reserve(split, care_recipient=plan.care_recipient)
    places[slot.pk][1] += 1
    worker = terms.worker
    if worker is not None:
        times = busy.setdefault(worker.pk, [])
        if worker_is_qualified(worker, item.service, visit.day, papers=papers) and is_free_among(
            times, slot.starts_at, slot.ends_at
        ):
            times.append((slot.starts_at, slot.ends_at))
        else:
            worker = None
    visit.status, visit.costs_more = Status.BOOKED, used_up
    visit.order = plan_order(
        terms=terms,
        service=item.service,
        slot=slot,
        care_recipient=plan.care_recipient,
        quantity=item.quantity,
        split=split,
        worker=worker,
    )
    return visit.order


def _write(placed: list, places: dict, ledger: Ledger, run: Run) -> None:
    """One statement per table; the live pushes once the chunk has committed."""
    orders = insert_rows(Order, [order for _visit, order in placed])
    terms = [terms_for(v.plan, v.item, v.day) for v, _order in placed]
    insert_rows(
        Payment,
        [
            payment
            for payment in (card_payment(t, order) for t, order in zip(terms, orders, strict=True))
            if payment is not None
        ],
    )
    events = insert_rows(
        OrderEvent, [placed_event(t, order) for t, order in zip(terms, orders, strict=True)]
    )
    taken = defaultdict(int)
    for order in orders:
        taken[order.slot_id] += 1
    update_from_values(
        Slot,
        ["booked"],
        [(pk, places[pk][1]) for pk in sorted(taken)],
        types=["smallint"],
    )
    ledger.write()
    staff_of = {
        community: {user.pk for user in run.staff(community)}
        for community in {order.community_id for order in orders}
    }
    if events:
        transaction.on_commit(partial(run.heard, events, staff_of=staff_of))


def terms_for(plan: CarePlan, item: PlanItem, day: datetime.date) -> PlanTerms:
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


def _prefetched(plan: CarePlan, name: str) -> bool:
    return name in getattr(plan, "_prefetched_objects_cache", {})


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


def _at(day: datetime.date, item: PlanItem | None) -> datetime.datetime:
    moment = item.starts_at if item is not None else datetime.time.min
    return timezone.make_aware(datetime.datetime.combine(day, moment))
