"""Uncached search, in-process: the real catalogue view, one request at a time.

    python -m bench.search --paths test-output/search-paths.txt [--limit N]

Reads the paths written by `bench/search_queries.py` (built first when the file is
missing), switches the catalogue's page cache off (every part is rendered, nothing is
kept) and requests each path through the test client on bench.settings, once anonymous
and once signed in as the resident with the most orders (whose community then filters
the results, as the view does for residents). Prints p50/p90/p99 in ms and SQL queries
per request, against the target of p99 ≤ 100 ms (issue 21) and ≤ 10 queries.
"""

import argparse
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("DEBUG", "false")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from bench import search_queries  # noqa: E402
from marketplace import page_cache  # noqa: E402
from orders.models import Order  # noqa: E402

MAX_P99_MS, MAX_QUERIES = 100, 10


def cache_off() -> None:
    """Every cached part is rendered afresh (the bench measures search, not Redis)."""
    page_cache.part = lambda name, identity, render, **_options: render()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run(client: Client, paths: list[str]) -> tuple[list[float], list[float], list[int]]:
    """Per request: milliseconds in all, milliseconds in SQL, and SQL queries."""
    times, sql_times, counts = [], [], []
    for path in paths:
        # The connection keeps its last 9,000 queries only: once full, a capture would
        # count nothing (the signed-in reader's queries printed 0 on the city).
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        times.append(elapsed)
        sql_times.append(sum(float(query["time"]) for query in captured.captured_queries) * 1000)
        counts.append(len(captured))
    return times, sql_times, counts


def signed_in_client() -> Client:
    """The resident with the most orders (any resident with a community before orders)."""
    busiest = (
        Order.objects.filter(booked_by__resident_profile__community__isnull=False)
        .values("booked_by")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    residents = User.objects.filter(resident_profile__community__isnull=False).order_by("pk")
    user = User.objects.get(pk=busiest["booked_by"]) if busiest else residents.first()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", type=Path, default=search_queries.DEFAULT_OUT)
    parser.add_argument("--limit", type=int, default=0, help="only the first N paths")
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    if not args.paths.exists():
        args.paths.parent.mkdir(parents=True, exist_ok=True)
        args.paths.write_text("\n".join(search_queries.build(3000, args.seed)) + "\n")
    paths = args.paths.read_text(encoding="utf-8").split()
    if args.limit:
        paths = paths[: args.limit]
    call_command("collectstatic", interactive=False, verbosity=0)  # the manifest
    cache_off()
    warm = Client(HTTP_HOST="127.0.0.1")
    for path in paths[:20]:
        warm.get(path)  # imports, templates, connections

    print(f"{len(paths)} distinct searches, page cache off, one request at a time")
    print(
        f"{'reader':<12} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8}"
        f" {'SQL p50':>8} {'SQL p99':>8} {'queries':>8}"
    )
    worst_p99, worst_queries = 0.0, 0
    readers = (("anonymous", Client(HTTP_HOST="127.0.0.1")), ("signed in", signed_in_client()))
    for label, client in readers:
        times, sql_times, counts = run(client, paths)
        p99 = percentile(times, 0.99)
        worst_p99, worst_queries = max(worst_p99, p99), max(worst_queries, max(counts))
        queries = f"{min(counts)}–{max(counts)}" if min(counts) != max(counts) else str(counts[0])
        print(
            f"{label:<12} {statistics.median(times):8.1f} {percentile(times, 0.9):8.1f} "
            f"{p99:8.1f} {max(times):8.1f} {statistics.median(sql_times):8.1f}"
            f" {percentile(sql_times, 0.99):8.1f} {queries:>8}",
            flush=True,  # a reader's row as soon as it is measured, even into a file
        )
    met = worst_p99 <= MAX_P99_MS and worst_queries <= MAX_QUERIES
    print(
        f"target: p99 ≤ {MAX_P99_MS} ms and ≤ {MAX_QUERIES} queries: "
        f"{'met' if met else 'MISSED'} (worst p99 {worst_p99:.1f} ms, {worst_queries} queries)"
    )


if __name__ == "__main__":
    main()
