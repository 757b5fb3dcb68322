"""HTTP throughput and latency of the main pages under the production server set-up.

    python -m bench.http --seconds 10

Starts the server as the README's deployment does (uvicorn with a worker per CPU, or one
Daphne process with --server daphne; DEBUG off, Redis cache and channel layer) but with
bench.settings, which adds one minimal view. DATABASE_CONN_MAX_AGE is 0, as .env.example
says: under ASGI every request runs in a new thread, so persistent connections pile up until
PostgreSQL refuses new clients (with 60, 500s for "too many clients" after a few seconds at
16 connections); connections come from a pool in each server process instead
(DATABASE_POOL_SIZE, as the README deploys). Each page is loaded by 16 connections; the
minimal view runs first and last, and each page's throughput is compared with their mean.
SQL queries per page are counted in-process with the test client. Run it as a module (`-m`):
run as a file, it would shadow the standard library's `http`.
"""

import argparse
import os
import urllib.parse
from dataclasses import dataclass

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DEBUG": "false",
    "DATABASE_CONN_MAX_AGE": "0",
    "DATABASE_POOL_SIZE": "10",  # as the README deploys
    "TASKS_BACKEND": "database",
}
for _name, _value in PRODUCTION_ENV.items():
    os.environ.setdefault(_name, _value)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from bench.loadgen import Result, hammer  # noqa: E402
from bench.server import add_server_arguments, free_port, start, stop  # noqa: E402
from marketplace.models import Service  # noqa: E402
from orders.models import Order  # noqa: E402

SEARCH = "上门保洁"
# Catalogue and search pages must reach 1/25 of the minimal view and p99 ≤ 150 ms.
CATALOGUE_PAGES = {"category list", "search", "service page"}
MAX_RATIO, MAX_P99_MS, MAX_QUERIES = 25, 150, 10


@dataclass
class Page:
    label: str
    paths: list[str]
    cookie: str = ""


def pages() -> list[Page]:
    bookable = Service.objects.bookable().order_by("pk").values_list("pk", flat=True)
    ids = list(bookable[:: max(1, bookable.count() // 50)][:50])
    resident = (Order.objects.values("booked_by").annotate(n=Count("pk")).order_by("-n").first())[
        "booked_by"
    ]
    client = Client()
    client.force_login(User.objects.get(pk=resident))
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    return [
        Page("minimal view", ["/bench/minimal/"]),
        Page("home", ["/"]),
        Page("category list", ["/services/?category=eldercare"]),
        Page("search", ["/services/?q=" + urllib.parse.quote(SEARCH)]),
        Page("service page", [f"/services/{pk}/" for pk in ids]),
        Page("my orders", ["/orders/"], cookie),
    ]


def count_queries(page: Page) -> tuple[int, int]:
    """(status, queries) of the page's second request: the first fills caches."""
    client = Client(HTTP_HOST="127.0.0.1")
    headers = {"HTTP_COOKIE": page.cookie} if page.cookie else {}
    client.get(page.paths[0], **headers)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page.paths[0], **headers)
    return response.status_code, len(queries.captured_queries)


def report(results: list[tuple[Page, Result, int, int]], minimal_rps: float) -> None:
    head = f"{'page':<14} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>7} {'SQL':>4}  non-2xx"
    print("\n" + head)
    for page, result, status, queries in results:
        ratio = minimal_rps / result.per_second if result.per_second else float("inf")
        bad = sum(n for code, n in result.statuses.items() if code >= 300) + result.errors
        verdict = []
        if page.label in CATALOGUE_PAGES:
            verdict.append("ratio ok" if ratio <= MAX_RATIO else f"ratio > {MAX_RATIO}")
            p99 = result.percentile(99)
            verdict.append("p99 ok" if p99 <= MAX_P99_MS else f"p99 > {MAX_P99_MS} ms")
        if page.label != "minimal view":
            verdict.append("SQL ok" if queries <= MAX_QUERIES else f"SQL > {MAX_QUERIES}")
        print(
            f"{page.label:<14} {result.per_second:>8.1f} {result.percentile(50):>8.1f} "
            f"{result.percentile(99):>8.1f} {ratio:>7.1f} {queries:>4}  {bad:<7} "
            f"{'; '.join(verdict)} (HTTP {status} in-process)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--connections", type=int, default=16)
    add_server_arguments(parser)
    args = parser.parse_args()
    print(
        f"database {connection.settings_dict['NAME']}: {Service.objects.count():,} services, "
        f"{Order.objects.count():,} orders; {args.connections} connections, {args.seconds} s "
        f"each; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    # As on each release (README): the manifest storage needs it.
    call_command("collectstatic", interactive=False, verbosity=0)
    targets = pages()
    counts = {page.label: count_queries(page) for page in targets}
    port = free_port()
    server = start(args.server, port, args.workers, f"bench-http-{args.server}.log")
    base = f"http://127.0.0.1:{port}"
    try:
        results = []
        for page in [*targets, targets[0]]:
            headers = {"Cookie": page.cookie} if page.cookie else {}
            result = hammer(
                page.label,
                [base + path for path in page.paths],
                headers=headers,
                connections=args.connections,
                seconds=args.seconds,
                warmup=args.warmup,
            )
            print(f"  {page.label:<14} {result.per_second:8.1f} req/s  {result.statuses}")
            results.append((page, result, *counts[page.label]))
    finally:
        stop(server)
    minimal = [r for page, r, _s, _q in results if page.label == "minimal view"]
    minimal_rps = sum(r.per_second for r in minimal) / len(minimal)
    print(f"\nminimal view: {' and '.join(f'{r.per_second:.1f}' for r in minimal)} req/s")
    report(results[:-1], minimal_rps)


if __name__ == "__main__":
    main()
