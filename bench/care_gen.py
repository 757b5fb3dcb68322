"""Active care plans on the generated city, written with COPY (issue 16's benchmark).

    python -m bench.care_gen --plans 20000 --seed 9 --today 2026-12-07   # on a generated city

`bench.generate` calls `make_plans` at its end (20,000 plans at scale 1); run alone, this
adds plans to a city generated without them. The plans are read from the database in
primary-key order and chosen with their own random generator, so the same city, seed and
--today give the same plans.

Each plan is a person, an approved provider that serves their community, and one to three
weekly lines on services that provider really offers there, each on a visit time of the
service's weekly hours (a period's start and every visit length after it) with a place left
for it among the plans; two lines never share a weekday. About a third are paid by a
programme the person is registered for (made by the community's staff, assisted; public
services only where the programme's rule pays their whole price), the rest
are self-paid series made by the family. Nine in ten have a carer, free at every line's
time among that carer's plans; carers of eldercare and meals get the papers those ask for
(approved, valid a year; the file is a placeholder the benchmark never opens). Plans
started up to six months ago (a few start in the next two weeks, a few end in the next
weeks, a few pause for a hospital stay); no occurrences are made here: making them is what
`bench.care_plans` measures."""

import argparse
import datetime
import os
import random
import sys
import time
import zoneinfo
from dataclasses import dataclass, field

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.db import connection  # noqa: E402

from bench.bulk import Table  # noqa: E402
from billing.models import Programme  # noqa: E402
from billing.subsidy import subsidy_by_rule  # noqa: E402
from care.models import CarePlan, PlanEvent, PlanItem, PlanPause  # noqa: E402
from marketplace.models import Service  # noqa: E402
from marketplace.worker_papers import CATEGORY_WORKER_DOCUMENTS  # noqa: E402
from providers.models import Provider, ProviderDocument  # noqa: E402

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
PLACEHOLDER = "provider-documents/bench-placeholder.pdf"
NOTES = ("请提前电话联系。", "老人耳背，请大声敲门。", "钥匙在门卫处。", "注意防滑。", "")
GOALS = ("保持居家整洁，减少跌倒风险。", "按时用餐，营养均衡。", "每周陪伴聊天，缓解孤独。")


@dataclass
class Svc:
    id: int
    provider_id: int
    categories: tuple[str, ...]  # its category's slug and its parent's
    category_ids: tuple[int, ...]
    funding: str
    price_fen: int
    duration: int
    required: str
    communities: set[int] = field(default_factory=set)
    # weekday → [(start, capacity)], the visit times of its weekly hours
    times: dict[int, list[tuple[datetime.time, int]]] = field(default_factory=dict)


@dataclass
class Person:
    id: int
    community_id: int
    account_id: int | None
    family: list[int] = field(default_factory=list)
    programmes: list[int] = field(default_factory=list)


def _through(model, name: str) -> str:
    return model._meta.get_field(name).remote_field.through._meta.db_table


def _rows(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _load(today: datetime.date):
    services: dict[int, Svc] = {}
    rows = _rows(
        """SELECT s.id, s.provider_id, c.slug, c.id, p.slug, p.id, s.funding_mode,
                  s.price_fen, s.duration_minutes, s.required_qualification
           FROM marketplace_service s
           JOIN providers_provider v ON v.id = s.provider_id
           JOIN marketplace_category c ON c.id = s.category_id
           LEFT JOIN marketplace_category p ON p.id = c.parent_id
           WHERE s.status = 'published' AND v.status = 'approved' ORDER BY s.id"""
    )
    for sid, provider, slug, cid, parent_slug, parent_id, funding, price, minutes, needs in rows:
        services[sid] = Svc(
            sid,
            provider,
            (slug, parent_slug or ""),
            (cid, parent_id or cid),
            funding,
            price,
            minutes,
            needs,
        )
    for sid, community in _rows(
        f"SELECT service_id, region_id FROM {_through(Service, 'communities')}"
        " ORDER BY service_id, region_id"
    ):
        if sid in services:
            services[sid].communities.add(community)
    for sid, weekday, start, end, capacity in _rows(
        "SELECT service_id, weekday, starts_at, ends_at, capacity FROM marketplace_weeklyhours"
        " ORDER BY service_id, weekday, starts_at"
    ):
        svc = services.get(sid)
        if svc is None:
            continue
        moment = start.hour * 60 + start.minute
        while moment + svc.duration <= end.hour * 60 + end.minute:
            svc.times.setdefault(weekday, []).append(
                (datetime.time(moment // 60, moment % 60), capacity)
            )
            moment += svc.duration
    serves: set[tuple[int, int]] = set(
        _rows(f"SELECT provider_id, region_id FROM {_through(Provider, 'communities')}")
    )
    workers: dict[int, list[int]] = {}
    for member, provider in _rows(
        "SELECT id, provider_id FROM providers_providermember"
        " WHERE role = 'worker' AND suspended_at IS NULL ORDER BY id"
    ):
        workers.setdefault(provider, []).append(member)
    member_users = dict(_rows("SELECT id, user_id FROM providers_providermember"))
    people: dict[int, Person] = {
        pid: Person(pid, community, account)
        for pid, community, account in _rows(
            "SELECT id, community_id, account_id FROM accounts_carerecipient ORDER BY id"
        )
    }
    for pid, account in _rows(
        "SELECT care_recipient_id, account_id FROM accounts_carelink ORDER BY id"
    ):
        people[pid].family.append(account)
    for pid, programme in _rows(
        "SELECT care_recipient_id, programme_id FROM billing_eligibility"
        " WHERE revoked_at IS NULL AND valid_from <= %s AND valid_until >= %s ORDER BY id",
        [today, today],
    ):
        people[pid].programmes.append(programme)
    covers: dict[int, set[int]] = {}
    for programme, category in _rows(
        f"SELECT programme_id, category_id FROM {_through(Programme, 'categories')} ORDER BY id"
    ):
        covers.setdefault(programme, set()).add(category)
    staff = dict(
        _rows(
            "SELECT region_id, min(user_id) FROM accounts_roleassignment"
            " WHERE role = 'community_staff' GROUP BY region_id"
        )
    )
    programmes = {p.pk: p for p in Programme.objects.order_by("pk")}
    return services, serves, workers, member_users, people, covers, staff, programmes


def _pays_for(programme: Programme, covers: set[int], svc: Svc) -> bool:
    """The programme covers the service; a public service only where its rule pays the
    whole price (free to the eligible: staff would not plan visits it refuses)."""
    if not covers & set(svc.category_ids):
        return False
    if svc.funding != "public":
        return True
    _recognised, pays = subsidy_by_rule(programme, unit_price_fen=svc.price_fen, quantity=1)
    return pays >= svc.price_fen


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def make_plans(*, count: int, seed: int, today: datetime.date) -> dict[str, int]:
    rng = random.Random(seed * 1_000_003 + 16)
    services, serves, workers, member_users, people, covers, staff, programmes = _load(today)
    offered: dict[int, dict[int, list[Svc]]] = {}  # community → provider → services
    for svc in services.values():
        if not svc.times:
            continue
        for community in sorted(svc.communities):
            if (svc.provider_id, community) in serves:
                offered.setdefault(community, {}).setdefault(svc.provider_id, []).append(svc)
    taken: dict[tuple[int, int, datetime.time], int] = {}  # places promised to plans
    busy: dict[int, dict[int, list[tuple[int, int]]]] = {}  # carer → weekday → minutes
    papered: set[tuple[int, str]] = set()
    tables = {
        "plans": Table(CarePlan),
        "items": Table(PlanItem),
        "pauses": Table(PlanPause),
        "events": Table(PlanEvent),
        "documents": Table(ProviderDocument),
    }
    elders = [p for p in people.values() if p.account_id is None and p.family]
    selves = [p for p in people.values() if p.account_id is not None]
    rng.shuffle(elders)
    rng.shuffle(selves)
    # Mostly older parents; some residents with a weekly cleaning of their own.
    queue = elders[: round(count * 0.8)] + selves
    queue += elders[round(count * 0.8) :]
    counts = {"plans": 0, "funded": 0, "lines": 0, "with carer": 0, "paused": 0}
    for person in queue:
        if counts["plans"] >= count:
            break
        if _plan_for(rng, person, offered, covers, programmes, taken, busy, papered, staff,
                     workers, member_users, tables, today, counts):  # fmt: skip
            counts["plans"] += 1
    for name in ("plans", "items", "pauses", "events", "documents"):
        tables[name].flush()
        tables[name].reset_sequence()
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = DEFAULT")
        for name in ("plans", "items", "pauses", "events", "documents"):
            cursor.execute(f"ANALYZE {tables[name].name}")
    counts["documents"] = tables["documents"].written
    return counts | {"tables": list(tables.values())}


def _plan_for(rng, person, offered, covers, programmes, taken, busy, papered, staff,
              workers, member_users, tables, today, counts) -> bool:  # fmt: skip
    providers = offered.get(person.community_id)
    if not providers:
        return False
    programme = None
    if person.programmes and rng.random() < 0.8:
        programme = rng.choice(person.programmes)
        pool = {
            provider: [s for s in svcs if _pays_for(programmes[programme], covers[programme], s)]
            for provider, svcs in providers.items()
        }
    else:
        # A self-paid series: anything but public services (free to the eligible only).
        pool = {
            provider: [s for s in svcs if s.funding != "public"]
            for provider, svcs in providers.items()
        }
    pool = {provider: svcs for provider, svcs in pool.items() if svcs}
    if not pool:
        return False
    provider = rng.choice(sorted(pool))
    lines: list[tuple[Svc, int, datetime.time]] = []
    for _ in range(rng.choice((1, 2, 2, 3))):
        svc = rng.choice(pool[provider])
        free = [
            (weekday, start)
            for weekday in sorted(svc.times)
            if weekday not in {line[1] for line in lines}
            for start, capacity in svc.times[weekday]
            if taken.get((svc.id, weekday, start), 0) < capacity
        ]
        if free:
            weekday, start = rng.choice(free)
            lines.append((svc, weekday, start))
    if not lines:
        return False
    for svc, weekday, start in lines:
        key = (svc.id, weekday, start)
        taken[key] = taken.get(key, 0) + 1

    def minutes(line) -> tuple[int, int]:
        start = line[2].hour * 60 + line[2].minute
        return start, start + line[0].duration

    carer = None
    if rng.random() < 0.9:
        for member in rng.sample(workers.get(provider, []), len(workers.get(provider, []))):
            week = busy.setdefault(member, {})
            if all(
                not _overlaps(minutes(line), other)
                for line in lines
                for other in week.get(line[1], [])
            ):
                carer = member
                for line in lines:
                    week.setdefault(line[1], []).append(minutes(line))
                break
    if rng.random() < 0.05:
        starts_on = today + datetime.timedelta(days=rng.randint(1, 14))
    else:
        starts_on = today - datetime.timedelta(days=rng.randint(1, 180))
    ends_on = None
    if rng.random() < 0.08:
        ends_on = max(starts_on, today) + datetime.timedelta(days=rng.randint(7, 60))
    created = datetime.datetime.combine(
        min(starts_on, today) - datetime.timedelta(days=3), datetime.time(10), tzinfo=TZ
    )
    accepted = created + datetime.timedelta(days=1)
    community_staff = staff[person.community_id]
    made_by = community_staff if programme else (person.account_id or person.family[0])
    plan = tables["plans"].add(
        care_recipient_id=person.id,
        provider_id=provider,
        programme_id=programme,
        case_worker_id=community_staff if programme else None,
        created_by_id=made_by,
        assisted=programme is not None and made_by not in person.family,
        worker_id=carer,
        starts_on=starts_on,
        ends_on=ends_on,
        notes=rng.choice(NOTES),
        goals=rng.choice(GOALS) if programme else "",
        status="active",
        decline_reason="",
        accepted_at=accepted,
        created_at=created,
    )
    for svc, weekday, start in lines:
        tables["items"].add(
            plan_id=plan,
            service_id=svc.id,
            weekday=weekday,
            starts_at=start,
            quantity=1,
            valid_from=starts_on,
            valid_until=None,
        )
        if carer is not None:
            _papers(tables["documents"], papered, carer, provider, member_users, svc, today)
    tables["events"].add(plan_id=plan, action="propose", actor_id=made_by, created_at=created)
    tables["events"].add(plan_id=plan, action="accept", actor_id=None, created_at=accepted)
    if rng.random() < 0.03:
        pause_from = today + datetime.timedelta(days=rng.randint(1, 21))
        tables["pauses"].add(
            plan_id=plan,
            starts_on=pause_from,
            ends_on=pause_from + datetime.timedelta(days=rng.randint(3, 10)),
            reason="住院",
            created_by_id=made_by,
            created_at=created + datetime.timedelta(days=2),
        )
        tables["events"].add(plan_id=plan, action="pause", actor_id=made_by, created_at=accepted)
        counts["paused"] += 1
    counts["lines"] += len(lines)
    counts["funded"] += programme is not None
    counts["with carer"] += carer is not None
    return True


def _papers(documents, papered, carer, provider, member_users, svc, today) -> None:
    kinds = [k for slug in svc.categories for k in CATEGORY_WORKER_DOCUMENTS.get(slug, ())]
    if svc.required:
        kinds.append(svc.required)
    for kind in dict.fromkeys(kinds):
        if (carer, kind) in papered:
            continue
        papered.add((carer, kind))
        uploaded = datetime.datetime.combine(
            today - datetime.timedelta(days=30), datetime.time(9), tzinfo=TZ
        )
        documents.add(
            provider_id=provider,
            member_id=carer,
            kind=kind,
            file=PLACEHOLDER,
            content_type="application/pdf",
            original_name="证书.pdf",
            size_bytes=1024,
            expires_on=today + datetime.timedelta(days=365),
            status="approved",
            uploaded_by_id=member_users[carer],
            uploaded_at=uploaded,
            reviewed_at=uploaded + datetime.timedelta(days=1),
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plans", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--today", type=datetime.date.fromisoformat, default=None)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Needs PostgreSQL: set DATABASE_URL=postgres://...")
    if CarePlan.objects.exists():
        sys.exit("The database already has care plans: generate the city again (--reset).")
    today = args.today or datetime.datetime.now(TZ).date()
    started = time.perf_counter()
    counts = make_plans(count=args.plans, seed=args.seed, today=today)
    counts.pop("tables")
    print(", ".join(f"{v:,} {k}" for k, v in counts.items()))
    print(f"{time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
