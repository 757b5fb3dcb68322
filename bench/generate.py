"""City-scale data set on PostgreSQL, repeatable from a seed.

    python -m bench.generate --scale 0.01 --reset      # develop
    python -m bench.generate --scale 1 --reset --seed 9 --today 2026-11-23

Scale 1: 1 district, 10 streets, 100 communities (always), 2,000 providers, 20,000 services,
100,000 care recipients, 500,000 orders over the twelve months before --today (and the
week after it), 20,000 active care plans (--plans; bench/care_gen.py). The same seed, scale
and --today give the same rows.
"""

import argparse
import datetime
import os
import random
import sys
import time
import zoneinfo

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django
import psycopg

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from bench import care_gen, people  # noqa: E402
from bench import catalogue as cat  # noqa: E402
from bench.bulk import Table, broken_foreign_keys  # noqa: E402
from bench.orders_gen import OrderMaker, make_orders, order_tables  # noqa: E402
from marketplace.models import Service  # noqa: E402

PASSWORD = "linli-bench-2026"  # every generated account's password
AHEAD_DAYS = 7
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


class Clock:
    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.last = self.started

    def lap(self, what: str) -> None:
        now = time.perf_counter()
        print(f"  {what:<40} {now - self.last:8.1f} s")
        self.last = now


def admin_connection() -> psycopg.Connection:
    db = settings.DATABASES["default"]
    return psycopg.connect(
        dbname="postgres",
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        autocommit=True,
    )


def _template_is_current(admin: psycopg.Connection, template: str) -> bool:
    """The migrated template has exactly the migrations on disk."""
    from django.db.migrations.loader import MigrationLoader

    exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone()
    if not exists:
        return False
    db = settings.DATABASES["default"]
    with psycopg.connect(
        dbname=template,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
    ) as conn:
        applied = set(conn.execute("SELECT app, name FROM django_migrations").fetchall())
    return applied == set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def reset_database() -> None:
    """Recreate the database of DATABASE_URL, migrated. Migrating takes a minute, so a
    migrated copy (<name>_migrated) is kept as a template while the migrations match."""
    name = settings.DATABASES["default"]["NAME"]
    template = f"{name}_migrated"
    connection.close()
    with admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if _template_is_current(admin, template):
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            return
        admin.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0, interactive=False)
    connection.close()
    with admin_connection() as admin:
        admin.execute(f'CREATE DATABASE "{template}" TEMPLATE "{name}"')


def flush(tables: dict[str, Table], *names: str) -> None:
    for name in names:
        tables[name].flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--today", type=datetime.date.fromisoformat, default=None)
    parser.add_argument("--reset", action="store_true", help="drop, recreate and migrate the db")
    parser.add_argument("--plans", type=int, default=None, help="care plans (20,000 × scale)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The generator needs PostgreSQL: set DATABASE_URL=postgres://...")
    if "bench" not in connection.settings_dict["NAME"] and args.reset:
        sys.exit("--reset drops the database: its name must contain 'bench'.")
    clock = Clock()
    print(f"database {connection.settings_dict['NAME']}, scale {args.scale}, seed {args.seed}")
    if args.reset:
        reset_database()
        clock.lap("reset and migrate")
    if Service.objects.exists():
        sys.exit("The database already has services: run with --reset.")
    try:
        every = generate(
            scale=args.scale,
            seed=args.seed,
            today=args.today or datetime.datetime.now(TZ).date(),
            plans=args.plans,
            clock=clock,
        )
    except BrokenForeignKeys as exc:
        sys.exit(str(exc))
    print(f"\n{'table':<34} {'rows':>10} {'COPY s':>8} {'rows/s':>10}")
    for table in every:
        rate = table.written / table.seconds if table.seconds else 0
        print(f"{table.name:<34} {table.written:>10,} {table.seconds:>8.2f} {rate:>10,.0f}")
    print(f"\ntotal {time.perf_counter() - clock.started:.1f} s; every password: {PASSWORD}")


class BrokenForeignKeys(Exception):
    pass


def generate(
    *, scale: float, seed: int, today: datetime.date, plans: int | None, clock: Clock
) -> list[Table]:
    """The city into the current (empty) database; the tables written, with their counts.
    Any `today` works: orders run from a year before it to a week after."""
    rng = random.Random(seed)
    now = datetime.datetime.combine(today, datetime.time(12), tzinfo=TZ)
    joined = now - datetime.timedelta(days=800)
    providers_count = max(10, round(2000 * scale))
    recipients_count = max(20, round(100_000 * scale))
    orders_count = max(100, round(500_000 * scale))
    users = cat.Users(make_password(PASSWORD), joined)
    tables = cat.catalogue_tables()
    district, communities = cat.build_regions(tables)
    tables["regions"].flush()
    staff, officer = cat.build_staff(users, tables, district, communities)
    providers, services = cat.build_providers(
        rng,
        users,
        tables,
        count=providers_count,
        services_each=10,
        communities=communities,
        now=now,
    )
    clock.lap("catalogue: generate")
    users.table.flush()
    users.groups.flush()
    flush(tables, "roles", "providers", "provider_communities", "provider_events", "members")
    flush(tables, "services", "service_communities", "weekly_hours")
    clock.lap("catalogue: write")

    ptables = people.people_tables()
    recipients = people.build_people(
        rng,
        users,
        ptables,
        count=recipients_count,
        communities=communities,
        today=today,
        created=joined,
    )
    programmes = people.build_programmes(district, officer, today)
    people.contract_providers(programmes)
    people.record_eligibility(rng, ptables, recipients, programmes, staff, today, joined)
    clock.lap("people: generate")
    users.table.flush()
    flush(ptables, "recipients", "profiles", "links", "eligibility")
    clock.lap("people: write")

    by_community: dict[int, list] = {}
    for service in services:
        if service.published:
            for community in service.communities:
                by_community.setdefault(community, []).append(service)
    world = cat.Catalogue(district, communities, staff, officer, providers, services, by_community)
    otables = order_tables()
    maker = OrderMaker(rng, otables, world, recipients, programmes, now)
    maker.materialise_ahead(AHEAD_DAYS)
    first = today - datetime.timedelta(days=365)
    last = today + datetime.timedelta(days=AHEAD_DAYS - 1)
    made = make_orders(maker, count=orders_count, first=first, last=last)
    usage = maker.write_usage()
    clock.lap(f"orders: generate and write ({made})")

    every = [*tables.values(), users.table, users.groups, *ptables.values(), *otables.values()]
    for table in [*every, usage]:
        table.reset_sequence()
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("ANALYZE")
    clock.lap("sequences and ANALYZE")
    made_plans = care_gen.make_plans(
        count=plans if plans is not None else round(20_000 * scale),
        seed=seed,
        today=today,
    )
    every += made_plans.pop("tables")
    clock.lap(f"care plans ({made_plans['plans']}, {made_plans['lines']} weekly lines)")
    with connection.cursor() as cursor:
        people.count_contract_use(cursor)
    clock.lap("contracts' use counted")
    broken = {k: v for k, v in broken_foreign_keys([*every, usage]).items() if v}
    clock.lap("foreign keys checked")
    if broken:
        raise BrokenForeignKeys(f"broken foreign keys: {broken}")
    return [*every, usage]


if __name__ == "__main__":
    main()
