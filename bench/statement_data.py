"""A provider whose month holds N subsidised, closed, visit-verified orders: the input of
the statement benchmark. A canteen (助餐) with big slots, paid in full by a programme of its
own (so that no other programme's caps or quotes change), booked by generated families."""

import datetime
import random
import zoneinfo

from django.contrib.auth.hashers import make_password
from django.db import connection

from accounts.models import CareLink, CareRecipient, User
from bench.bulk import Table
from bench.timeline import live, plan_steps
from billing.models import Eligibility, MonthlyUsage, Programme, Purchaser
from marketplace.models import Category, Service, Slot, WeeklyHours
from orders.models import CODE_ALPHABET, Order, OrderEvent, OrderHold, VisitRecord
from providers.models import Provider, ProviderMember

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
PRICE_FEN = 2000
PER_PERSON = 10  # meals a person has in the month
CAPACITY = 300  # places per hourly slot of the canteen
HELD_SHARE = 0.01  # lines with an open complaint: they come out held, not billed


def build(
    *, lines: int, month: datetime.date, now: datetime.datetime, seed: int, analyze: bool = True
) -> tuple[Purchaser, Provider, User]:
    rng = random.Random(seed)
    purchaser = Purchaser.objects.order_by("pk").first()
    officer = purchaser.officers.first().user
    run = Provider.objects.count() + 1
    provider = Provider.objects.create(
        name=f"结算基准助餐中心{run}号",
        kind="social_org",
        status="approved",
        approved_at=now - datetime.timedelta(days=400),
    )
    owner = User.objects.create(
        email=f"canteen{run}@bench.linli.local", password=make_password(None)
    )
    ProviderMember.objects.create(provider=provider, user=owner, role="owner")
    worker = ProviderMember.objects.create(
        provider=provider,
        user=User.objects.create(email=f"canteen{run}.cook@bench.linli.local"),
        role="worker",
    )
    service = Service.objects.create(
        provider=provider,
        category=Category.objects.get(slug="meal-assistance"),
        title_zh="社区长者食堂午餐",
        price_fen=PRICE_FEN,
        funding_mode="welfare",
        status="published",
        published_at=now - datetime.timedelta(days=400),
    )
    communities = list(purchaser.region.children.values_list("children", flat=True))
    provider.communities.set(communities)
    service.communities.set(communities)
    for weekday in range(7):
        WeeklyHours.objects.create(
            service=service,
            weekday=weekday,
            starts_at=datetime.time(7),
            ends_at=datetime.time(21),
            capacity=CAPACITY,
        )
    programme = Programme.objects.create(
        purchaser=purchaser,
        name_zh=f"长者助餐全额补贴（基准{run}）",
        name_en=f"Meals for elders, paid in full (bench {run})",
        region=purchaser.region,
        min_age=60,
        rule="full",
        budget_fen=PRICE_FEN * lines * 2,
        valid_from=month - datetime.timedelta(days=365),
        valid_until=month + datetime.timedelta(days=365),
    )
    programme.services.set([service])
    _orders(rng, lines, month, now, service, programme, owner, worker, analyze)
    return purchaser, provider, officer


def _families(count: int, month: datetime.date) -> list[tuple[int, int, str]]:
    """(recipient, booking account, address) of people aged 60 or more with a family."""
    born_before = month.replace(year=month.year - 60)
    links = CareLink.objects.filter(care_recipient__birth_date__lte=born_before)
    rows = links.values_list("care_recipient_id", "account_id", "care_recipient__address")
    seen, families = set(), []
    for recipient, account, address in rows.order_by("care_recipient_id")[: count * 2]:
        if recipient not in seen:
            seen.add(recipient)
            families.append((recipient, account, address))
    if len(families) < count:
        raise SystemExit(f"only {len(families)} elders with a family; generate a larger data set")
    return families[:count]


def _orders(
    rng: random.Random,
    lines: int,
    month: datetime.date,
    now: datetime.datetime,
    service: Service,
    programme: Programme,
    owner: User,
    worker: ProviderMember,
    analyze: bool,
) -> None:
    people = _families(-(-lines // PER_PERSON), month)
    recipients = CareRecipient.objects.filter(pk__in=[p[0] for p in people])
    community = dict(recipients.values_list("pk", "community_id"))
    tables = {m.__name__: Table(m) for m in (Slot, Order, OrderEvent, VisitRecord, OrderHold)}
    eligibility, usage = Table(Eligibility), Table(MonthlyUsage)
    for recipient, _account, _address in people:
        eligibility.add(
            care_recipient_id=recipient,
            programme_id=programme.pk,
            valid_from=programme.valid_from,
            valid_until=programme.valid_until,
            verified_at=now,
        )
        usage.add(
            care_recipient_id=recipient,
            programme_id=programme.pk,
            month=month,
            used_fen=PRICE_FEN * PER_PERSON,
            used_minutes=60 * PER_PERSON,
        )
    eligibility.flush()
    days = ((month + datetime.timedelta(days=32)).replace(day=1) - month).days
    starts = [
        datetime.datetime.combine(month + datetime.timedelta(days=d), datetime.time(h), tzinfo=TZ)
        for d in range(days)
        for h in range(7, 21)
    ]
    booked = dict.fromkeys(starts, 0)
    slot_ids = {}
    for start in starts:
        slot_ids[start] = tables["Slot"].next_id
        tables["Slot"].next_id += 1
    orders = []
    for n in range(lines):
        start = starts[n % len(starts)]
        booked[start] += 1
        orders.append((people[n // PER_PERSON], start))
    for start in starts:
        tables["Slot"].add(
            id=slot_ids[start],
            service_id=service.pk,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=1),
            capacity=CAPACITY,
            booked=booked[start],
        )
    tables["Slot"].flush()
    codes = set(Order.objects.values_list("code", flat=True))  # order codes are unique
    for n, ((recipient, account, address), start) in enumerate(orders):
        code = _code(rng, codes)
        created = start - datetime.timedelta(hours=rng.uniform(26, 96))
        ends = start + datetime.timedelta(hours=1)
        planned = plan_steps(
            rng, "closed_confirm", needs_payment=False, created=created, starts=start, ends=ends
        )
        steps = live(planned, now, False)
        order_id = tables["Order"].add(
            code=code,
            status=steps[-1].after,
            service_id=service.pk,
            provider_id=service.provider_id,
            slot_id=slot_ids[start],
            community_id=community[recipient],
            booked_by_id=account,
            care_recipient_id=recipient,
            worker_id=worker.pk,
            starts_at=start,
            ends_at=ends,
            title=service.title_zh,
            address=address,
            unit_price_fen=PRICE_FEN,
            list_price_fen=PRICE_FEN,
            subsidy_fen=PRICE_FEN,
            copay_fen=0,
            programme_id=programme.pk,
            subsidy_month=month,
            subsidy_minutes=60,
            free_cancel_hours=24,
            late_cancel_fee_percent=30,
            idempotency_key=f"bench-statement-{code}",
            expires_at=created + datetime.timedelta(hours=12),
            created_at=created,
            updated_at=steps[-1].at,
            completed_at=next(s.at for s in steps if s.action == "check_out"),
            closed_at=steps[-1].at,
        )
        by = {"booker": account, "manager": owner.pk, "worker": worker.user_id, "": None}
        for step in steps:
            tables["OrderEvent"].add(
                order_id=order_id,
                actor_id=by[step.actor],
                action=step.action,
                from_status=step.before,
                to_status=step.after,
                created_at=step.at,
            )
            kind = {"check_in": "check_in", "check_out": "check_out"}.get(step.action)
            if step.action == "confirm":
                kind = "recipient_confirmed"
            if kind:
                tables["VisitRecord"].add(
                    order_id=order_id,
                    kind=kind,
                    method="family" if kind == "recipient_confirmed" else "worker_app",
                    at=step.at,
                    worker_id=worker.pk,
                    recorded_by_id=by[step.actor],
                    created_at=step.at,
                )
        if rng.random() < HELD_SHARE:
            tables["OrderHold"].add(
                order_id=order_id, reason="complaint", note="家属投诉饭菜偏凉", opened_at=now
            )
        if n % 20000 == 19999:
            _flush(tables)
    _flush(tables)
    usage.flush()
    for table in [*tables.values(), eligibility, usage]:
        table.reset_sequence()
    Programme.objects.filter(pk=programme.pk).update(reserved_fen=PRICE_FEN * lines)
    # Issuing must not depend on the planner's figures (decision 0048): the bench issues
    # once right after the load, before autovacuum counted the new rows, and once after
    # ANALYZE.
    if analyze:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _flush(tables: dict[str, Table]) -> None:
    for name in ("Order", "OrderEvent", "VisitRecord", "OrderHold"):
        tables[name].flush()


def _code(rng: random.Random, codes: set[str]) -> str:
    while True:
        code = "".join(rng.choices(CODE_ALPHABET, k=8))
        if code not in codes:
            codes.add(code)
            return code
