"""Making a plan's visits, a rolling number of weeks ahead (CARE_PLAN_WEEKS_AHEAD).

Each day of each weekly visit becomes one `Occurrence`, at most once (a unique row per line
and day, so running this twice, or on two servers at once, makes nothing twice). A booked
occurrence is an ordinary order made by `orders.plan_visits`; one that cannot be booked
keeps its reason (paused, held because the allowance is used up, not covered) for the
family and staff to see. Each day is its own transaction: one full slot never undoes the
rest of the month."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from billing.models import Programme
from care import wording
from care.models import CarePlan, Occurrence, PlanItem
from linli.refusals import Refusal
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


def _paused(plan: CarePlan, day: datetime.date) -> str:
    for pause in plan.pauses.all():
        if pause.starts_on <= day <= pause.ends_on:
            return pause.reason
    return ""


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
    wanted = [
        (day, item.starts_at, item.pk, item)
        for item in plan.items.select_related("service__provider")
        for day in _days(item, plan, start, end)
        if (item.pk, day) not in known
        and timezone.make_aware(datetime.datetime.combine(day, item.starts_at)) > now
    ]
    # In the order they happen: the month's allowance goes to its earliest visits.
    for day, _time, _pk, item in sorted(wanted, key=lambda w: w[:3]):
        occurrence = _make_one(plan, item, day)
        if occurrence is not None:
            made.append(occurrence)
    return made


def _make_one(plan: CarePlan, item: PlanItem, day: datetime.date) -> Occurrence | None:
    starts_at = timezone.make_aware(datetime.datetime.combine(day, item.starts_at))
    try:
        with transaction.atomic():
            occurrence = Occurrence.objects.create(
                plan=plan, item=item, day=day, status=Occurrence.Status.UNCOVERED
            )
            pause_reason = _paused(plan, day)
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


def make_all_occurrences(*, today: datetime.date | None = None) -> int:
    """Daily: every active plan's visits up to the horizon."""
    made = 0
    for plan in CarePlan.objects.filter(status=CarePlan.Status.ACTIVE).select_related(
        "programme", "care_recipient__community", "created_by", "worker"
    ):
        made += len(make_occurrences(plan, today=today))
    return made
