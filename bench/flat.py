"""Flat in the data (issue 21, point 10): what a page costs on a bigger city.

    python -m bench.flat --database-url postgres://.../linli_bench_s1 \\
                         --database-url postgres://.../linli_bench_s3

In-process (Django's test client, no server), the cache OFF (a dummy cache: the page cache
and every other cached part are rendered each time), one request at a time: the category
lists, search (a fixed set of 200 queries, the same for every database), "my orders" of the
resident with the most orders, the order list of the provider with the most orders (its
manager signed in) and a statement page (its provider's manager; skipped when the data set
has no statement: the generator makes none, bench/statement.py does). p50 and p90 in ms per
page for each database, each measured in a process of its own, then the second against
the first: the target is at most 1.2× (a province is more servers, not slower pages).
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
import urllib.parse

TARGET_RATIO = 1.2
QUERIES = 200
REPEAT = 50


def measure(rounds: int) -> dict:
    """Run inside the process whose DATABASE_URL is the database measured."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ.setdefault("TASKS_BACKEND", "database")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import override_settings

    from accounts.models import User
    from bench import vocabulary
    from marketplace.models import Category, Service
    from orders.models import Order
    from providers.models import ProviderMember
    from statements.models import Statement

    def search_queries() -> list[str]:
        """The same 200 queries on any generated city: words its names are made of (the
        categories come from a migration), Chinese, pinyin and some two-word phrases."""
        names = sorted(Category.objects.values_list("name_zh", flat=True))
        prefixes = [p for p in vocabulary.TITLE_PREFIXES if p]
        pool = sorted(
            {
                *names,
                *(p + n for p in prefixes for n in names),
                *(f"{p} {n}" for p in prefixes[:3] for n in names),
                *vocabulary.PROVIDER_STEMS,
                *(s + k for s in vocabulary.PROVIDER_STEMS for k in ("服务", "家政", "养老")),
                *(zh for zh, _pinyin in vocabulary.STREETS),
                *(pinyin.lower() for _zh, pinyin in vocabulary.STREETS),
                *vocabulary.ROADS,
                *vocabulary.COMMUNITY_STEMS,
            }
        )
        return random.Random(21).sample(pool, min(QUERIES, len(pool)))

    def signed_in(user_id: int) -> Client:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(pk=user_id))
        return client

    # As on each release (README): the manifest storage needs it.
    call_command("collectstatic", interactive=False, verbosity=0)
    anonymous = Client(HTTP_HOST="127.0.0.1")
    roots = Category.objects.filter(parent__isnull=True).order_by("slug")
    pages: dict[str, tuple[Client, list[str]]] = {
        "category list": (anonymous, [f"/services/?category={c.slug}" for c in roots]),
        "search": (
            anonymous,
            ["/services/?q=" + urllib.parse.quote(q) for q in search_queries()],
        ),
    }
    busiest = Order.objects.values("booked_by").annotate(n=Count("pk")).order_by("-n", "booked_by")
    pages["my orders"] = (signed_in(busiest.first()["booked_by"]), ["/orders/"])
    provider = (
        Order.objects.values("provider").annotate(n=Count("pk")).order_by("-n", "provider")
    ).first()["provider"]
    manager = ProviderMember.objects.managing().filter(provider_id=provider).order_by("pk")
    pages["provider orders"] = (
        signed_in(manager.values_list("user_id", flat=True).first()),
        [f"/provider/{provider}/orders/"],
    )
    statement = Statement.objects.order_by("-pk").first()
    if statement is not None:
        managers = ProviderMember.objects.managing().filter(provider_id=statement.provider_id)
        pages["statement page"] = (
            signed_in(managers.values_list("user_id", flat=True).first()),
            [f"/provider/statements/{statement.pk}/"],
        )

    figures = {
        "database": connection.settings_dict["NAME"],
        "services": Service.objects.count(),
        "orders": Order.objects.count(),
        "pages": {},
    }
    dummy = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    with override_settings(CACHES=dummy):
        for label, (client, paths) in pages.items():
            client.get(paths[0])  # templates and the ORM's first-use costs
            times, bad = [], []
            # Pages of a few paths are loaded about 50 times in all.
            repeat = rounds * max(1, REPEAT // len(paths))
            for _ in range(repeat):
                for path in paths:
                    started = time.perf_counter()
                    response = client.get(path)
                    times.append((time.perf_counter() - started) * 1000)
                    if response.status_code != 200:
                        bad.append(f"{path}: HTTP {response.status_code}")
            if bad:
                sys.exit(f"{label}: {len(bad)} non-200 answers, e.g. {bad[0]}")
            deciles = statistics.quantiles(times, n=10)
            figures["pages"][label] = {
                "requests": len(times),
                "p50": statistics.median(times),
                "p90": deciles[8],
            }
    return figures


def run_child(url: str, rounds: int) -> dict:
    env = {**os.environ, "DATABASE_URL": url}
    child = subprocess.run(
        [sys.executable, "-m", "bench.flat", "--child", "--rounds", str(rounds)],
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(child.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database-url",
        action="append",
        default=[],
        help="twice: the smaller city, then the bigger (e.g. scale 1, then scale 3)",
    )
    parser.add_argument("--rounds", type=int, default=1, help="times through each page's paths")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.rounds)))
        return
    if len(args.database_url) != 2:
        sys.exit("Give --database-url twice: the smaller city, then the bigger.")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; cache off")
    runs = [run_child(url, args.rounds) for url in args.database_url]
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    small, big = runs
    for name, run in zip("AB", runs, strict=True):
        print(f"{name}: {run['database']}, {run['services']:,} services, {run['orders']:,} orders")
    print(
        f"\n{'page':<16} {'requests':>8} {'A p50':>7} {'A p90':>7} {'B p50':>7} {'B p90':>7} "
        f"{'p50 ×':>6} {'p90 ×':>6}"
    )
    missed = []
    for label, a in small["pages"].items():
        b = big["pages"].get(label)
        if b is None:
            print(f"{label:<16} only in A")
            continue
        r50, r90 = b["p50"] / a["p50"], b["p90"] / a["p90"]
        verdict = "ok" if max(r50, r90) <= TARGET_RATIO else f"> {TARGET_RATIO}×"
        if verdict != "ok":
            missed.append(label)
        print(
            f"{label:<16} {a['requests']:>8} {a['p50']:>7.1f} {a['p90']:>7.1f} {b['p50']:>7.1f} "
            f"{b['p90']:>7.1f} {r50:>6.2f} {r90:>6.2f}  {verdict}"
        )
    skipped = set(big["pages"]) - set(small["pages"])
    if skipped:
        print(f"only in B: {', '.join(sorted(skipped))}")
    if missed:
        print(f"\nmisses the target of {TARGET_RATIO}× for: {', '.join(missed)}")
    else:
        print(f"\nmeets the target of {TARGET_RATIO}× for every page measured in both")


if __name__ == "__main__":
    main()
