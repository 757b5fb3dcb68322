"""Making a plan's visits, a rolling number of weeks ahead (CARE_PLAN_WEEKS_AHEAD).

Each day of each weekly visit becomes one `Occurrence`, at most once (a unique row per line
and day, so running this twice, or on two servers at once, makes nothing twice). A booked
occurrence is an ordinary order, with the fields `orders.plan_visits` gives one; one that
cannot be booked keeps its reason (paused, held because the allowance is used up, not
covered) for the family and staff to see. The work is set-wise (care.plan_runs): the daily
run takes chunks of plans, each in one short transaction; a plan accepted or changed is a
chunk of one, in its service's transaction. A full slot makes one visit "not covered",
never undoes the rest."""

import datetime
from collections.abc import Collection
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Prefetch
from django.utils import timezone

from care.models import CarePlan, Occurrence, PlanItem
from care.plan_runs import Run, make_visits


def make_occurrences(
    plan: CarePlan, *, today: datetime.date | None = None, from_today: bool = False
) -> list[Occurrence]:
    """The plan's visits from tomorrow (or, `from_today`, from the next one still to come
    today) up to the horizon that do not exist yet."""
    visits = make_visits([plan], today=today or timezone.localdate(), from_today=from_today)
    return list(
        Occurrence.objects.filter(pk__in=[v.occurrence_id for v in visits]).order_by("day", "pk")
    )


def make_all_occurrences(
    *, today: datetime.date | None = None, plan_ids: Collection[int] | None = None
) -> int:
    """Daily: every active plan's visits up to the horizon (`plan_ids`: only these plans,
    e.g. a benchmark's sample), plans read in chunks so memory stays flat however many
    there are, their weekly lines and pauses with them; one transaction per chunk."""
    today = today or timezone.localdate()
    plans = CarePlan.objects.filter(status=CarePlan.Status.ACTIVE)
    if plan_ids is not None:
        plans = plans.filter(pk__in=plan_ids)
    plans = (
        plans.select_related(
            "programme",
            "care_recipient__community",
            "care_recipient__account",
            "created_by",
            "worker",
            "provider",
            "case_worker",
        )
        .prefetch_related(
            Prefetch(
                "items",
                queryset=PlanItem.objects.select_related(
                    "service__provider", "service__category__parent", "service__venue"
                ),
            ),
            "pauses",
        )
        .order_by("pk")
    )
    run = Run(pushes_at_end=True)
    chunk = []
    with _commits_without_waiting():
        for plan in plans.iterator(chunk_size=CHUNK):
            chunk.append(plan)
            if len(chunk) == CHUNK:
                make_visits(chunk, today=today, run=run)
                chunk = []
        if chunk:
            make_visits(chunk, today=today, run=run)
    # After the chunks' own commit callbacks (at once when the run is not inside a
    # transaction, as the daily job is not).
    transaction.on_commit(run.push)
    return run.made


# Plans per transaction: large enough that each statement serves many visits (about
# 8 a plan), small enough that a chunk's locks are held for a fraction of a second.
CHUNK = 500


@contextmanager
def _commits_without_waiting():
    """The daily run commits once per chunk of plans; PostgreSQL may acknowledge those
    commits before they reach the disk (decision 0030): a crash can lose the last
    fraction of a second of the run, never part of a chunk, and the next run makes what
    was lost (the unique rows make nothing twice)."""
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
