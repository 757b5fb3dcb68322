"""Four weeks of visits for every active care plan, in seconds and peak memory (issue 16).

    python -m bench.care_plans [--fresh]

Runs `care.occurrences.make_all_occurrences` (what the daily job runs) in a fresh process,
so its peak resident memory is the work's own, then again: the second run must add
nothing. Afterwards it checks that no slot is oversold or miscounted and that every
month's reserved subsidy (per person and programme, and each programme's) equals the sum
of the orders holding it. The target: 20,000 plans (the city, `bench.generate --scale 1`)
in ≤ 60 s and ≤ 500 MB.

--plans N measures the first N plans only and scales the time up to all of them (the
whole city takes long while the target is missed).

--fresh puts the database back as it was before the first run, from a copy
(<name>_before_visits) made the first time; without it, a second invocation measures a
run that has nothing left to make.
"""

import argparse
import datetime
import json
import os
import resource
import subprocess
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Notification  # noqa: E402
from care.models import CarePlan, Occurrence  # noqa: E402
from orders.models import Order  # noqa: E402
from orders.transitions import HOLDS_A_PLACE, SUBSIDY_RELEASED  # noqa: E402

TARGET_SECONDS, TARGET_MB = 60, 500


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def sample(plans: int | None) -> list[int] | None:
    """The first N active plans (by id), or None: all of them."""
    if plans is None:
        return None
    active = CarePlan.objects.filter(status=CarePlan.Status.ACTIVE).order_by("pk")
    return list(active.values_list("pk", flat=True)[:plans])


def measure(today: datetime.date, plans: int | None) -> dict:
    from care.occurrences import make_all_occurrences

    plan_ids = sample(plans)
    figures = {"baseline_mb": peak_mb()}
    started = time.perf_counter()
    made = make_all_occurrences(today=today, plan_ids=plan_ids)
    figures["seconds"] = time.perf_counter() - started
    figures["made"] = made
    figures["peak_mb"] = peak_mb()
    return figures


def run_child(today: datetime.date, plans: int | None) -> dict:
    connection.close()
    command = [sys.executable, "-m", "bench.care_plans", "--measure", today.isoformat()]
    if plans is not None:
        command += ["--plans", str(plans)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def counts() -> dict:
    return {
        "occurrences": Occurrence.objects.count(),
        "orders": Order.objects.count(),
        "notifications": Notification.objects.count(),
    }


def _one(sql: str, params=()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def oversold() -> int:
    """Slots of plan visits whose places taken exceed capacity or differ from the orders
    holding one."""
    holding = list(HOLDS_A_PLACE)
    return _one(
        """SELECT count(*) FROM marketplace_slot s
           JOIN (SELECT DISTINCT o.slot_id FROM orders_order o
                 JOIN care_occurrence c ON c.order_id = o.id) p ON p.slot_id = s.id
           WHERE s.booked > s.capacity OR s.booked <> (
               SELECT count(*) FROM orders_order h
               WHERE h.slot_id = s.id AND h.status = ANY(%s))""",
        [holding],
    )


def subsidy_miscounted() -> tuple[int, int]:
    """(months, programmes) whose reserved subsidy differs from the orders holding it."""
    released = list(SUBSIDY_RELEASED)
    months = _one(
        """WITH held AS (
               SELECT care_recipient_id, programme_id, subsidy_month AS month,
                      sum(subsidy_fen) AS fen, sum(subsidy_minutes) AS minutes
               FROM orders_order
               WHERE programme_id IS NOT NULL AND subsidy_fen > 0 AND status <> ALL(%s)
               GROUP BY 1, 2, 3)
           SELECT count(*) FROM billing_monthlyusage u
           FULL JOIN held h ON h.care_recipient_id = u.care_recipient_id
                AND h.programme_id = u.programme_id AND h.month = u.month
           WHERE coalesce(u.used_fen, 0) <> coalesce(h.fen, 0)
              OR coalesce(u.used_minutes, 0) <> coalesce(h.minutes, 0)""",
        [released],
    )
    programmes = _one(
        """SELECT count(*) FROM billing_programme p
           WHERE p.reserved_fen + p.spent_fen <> (
               SELECT coalesce(sum(subsidy_fen), 0) FROM orders_order o
               WHERE o.programme_id = p.id AND o.status <> ALL(%s))""",
        [released],
    )
    return months, programmes


def fresh() -> None:
    """Put the database back as it was before the first measured run."""
    from bench.generate import admin_connection

    name = connection.settings_dict["NAME"]
    if "bench" not in name:
        sys.exit("--fresh drops the database: its name must contain 'bench'.")
    copy = f"{name}_before_visits"
    connection.close()
    with admin_connection() as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [copy]).fetchone()
        if exists:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{copy}"')
            print(f"database {name} put back from {copy}")
            return
    if Occurrence.objects.exists():
        sys.exit(f"No copy {copy} and the plans already have visits: generate again.")
    connection.close()
    with admin_connection() as admin:
        admin.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')
    print(f"copy {copy} made, to start again from here with --fresh")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fresh", action="store_true", help="start again from the copy")
    parser.add_argument(
        "--plans", type=int, default=None, help="only the first N plans; the time is scaled up"
    )
    parser.add_argument("--measure", type=datetime.date.fromisoformat, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.plans)))
        return
    if args.fresh:
        fresh()
    today = timezone.localdate()
    plans = CarePlan.objects.filter(status=CarePlan.Status.ACTIVE).count()
    measured = min(plans, args.plans) if args.plans is not None else plans
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"database {connection.settings_dict['NAME']}: {plans:,} active plans "
        f"({measured:,} measured), "
        f"today {today}, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    before = counts()
    first = run_child(today, args.plans)
    after = counts()
    made = {k: after[k] - before[k] for k in after}
    rate = first["made"] / first["seconds"] if first["seconds"] else 0
    print(
        f"first run:  {first['seconds']:.1f} s, {made['occurrences']:,} plan visits "
        f"({made['orders']:,} orders, {made['notifications']:,} notifications), "
        f"{rate:,.0f} visits/s; peak RSS {first['peak_mb']:.0f} MB "
        f"(after start-up {first['baseline_mb']:.0f} MB)"
    )
    by_status = Occurrence.objects.values_list("status").annotate(n=Count("pk")).order_by("-n")
    print("  " + ", ".join(f"{status} {n:,}" for status, n in by_status))
    second = run_child(today, args.plans)
    again = counts()
    added = {k: again[k] - after[k] for k in again}
    nothing = not any(added.values()) and second["made"] == 0
    print(
        f"second run: {second['seconds']:.1f} s, made {second['made']}; occurrences "
        f"{after['occurrences']:,} → {again['occurrences']:,}, orders {after['orders']:,} → "
        f"{again['orders']:,}: {'added nothing' if nothing else 'ADDED ' + str(added)}"
    )
    bad_slots = oversold()
    bad_months, bad_programmes = subsidy_miscounted()
    print(
        f"slots oversold or miscounted: {bad_slots}; months whose reserved subsidy differs "
        f"from their orders: {bad_months}; programmes: {bad_programmes}"
    )
    seconds = first["seconds"] * plans / max(measured, 1)
    if measured < plans:
        print(
            f"all {plans:,} plans at this rate: about {seconds:,.0f} s "
            f"(scaled from {measured:,}; memory is not scaled: plans are read in chunks)"
        )
    within = seconds <= TARGET_SECONDS and first["peak_mb"] <= TARGET_MB
    exact = nothing and not (bad_slots or bad_months or bad_programmes)
    print(
        f"{'meets' if within and exact else 'misses'} the target: "
        f"{seconds:.1f} s (≤ {TARGET_SECONDS}), {first['peak_mb']:.0f} MB "
        f"(≤ {TARGET_MB}), second run adds nothing: {'yes' if nothing else 'NO'}, "
        f"exact: {'yes' if exact else 'NO'}"
    )


if __name__ == "__main__":
    main()
