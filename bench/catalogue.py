"""Regions, staff, providers and their members, services with search terms, weekly hours."""

import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth.models import Group

from accounts.models import RoleAssignment, User
from bench import vocabulary as words
from bench.bulk import Table, through_table
from communities.models import Region
from marketplace.models import Category, FundingMode, Service, WeeklyHours
from marketplace.search import index_terms, tsvector
from providers.models import Provider, ProviderEvent, ProviderMember

EMAIL_DOMAIN = "bench.linli.local"
# Eldercare that a programme pays in full is offered as a public service (DESIGN §3).
PUBLIC_CATEGORIES = {"bathing", "rehabilitation"}
WELFARE_CATEGORIES = {
    "meal-assistance",
    "home-cleaning-for-elders",
    "medical-escort",
    "companionship",
    "day-care",
}


@dataclass
class ServiceInfo:
    id: int
    provider_id: int
    category_id: int
    parent_id: int
    title_zh: str
    price_fen: int
    unit: str
    duration: int
    funding_mode: str
    free_cancel_hours: int
    late_cancel_fee_percent: int
    published: bool
    communities: list[int] = field(default_factory=list)
    # weekday → [(start, capacity)] of every slot the weekly plan makes that day.
    plan: dict[int, list[tuple[datetime.time, int]]] = field(default_factory=dict)


@dataclass
class ProviderInfo:
    id: int
    manager_user_ids: list[int]
    workers: list[tuple[int, int]]  # (member id, user id)


@dataclass
class Catalogue:
    district_id: int
    communities: list[tuple[int, int, str]]  # (id, street id, Chinese name)
    staff_by_community: dict[int, int]  # community id → staff user id
    officer_user_id: int
    providers: dict[int, ProviderInfo]
    services: list[ServiceInfo]
    services_by_community: dict[int, list[ServiceInfo]]


class Users:
    """Every account the generator makes, with one password hash (hashing is slow)."""

    def __init__(self, password_hash: str, joined: datetime.datetime) -> None:
        self.table = Table(User)
        self.groups = through_table(User, "groups")
        self.password_hash = password_hash
        self.joined = joined

    def add(self, email: str, name: str) -> int:
        return self.table.add(
            password=self.password_hash,
            email=email,
            display_name=name,
            date_joined=self.joined,
            is_active=True,
        )


def person_name(rng: random.Random) -> str:
    return rng.choice(words.SURNAMES) + "".join(rng.choices(words.GIVEN, k=rng.choice((1, 2))))


def build_regions(tables: dict[str, Table]) -> tuple[int, list[tuple[int, int, str]]]:
    regions = tables["regions"]
    code, zh, en = words.DISTRICT
    district = regions.add(code=code, level="district", parent_id=None, name_zh=zh, name_en=en)
    communities = []
    for s, (street_zh, street_en) in enumerate(words.STREETS, start=1):
        street_code = f"{code}{s:03d}"
        street = regions.add(
            code=street_code,
            level="street",
            parent_id=district,
            name_zh=street_zh,
            name_en=f"{street_en} Street",
        )
        for c, stem in enumerate(words.COMMUNITY_STEMS, start=1):
            name = f"{street_zh[:2]}{stem}居委会"
            community = regions.add(
                code=f"{street_code}{c:03d}",
                level="community",
                parent_id=street,
                name_zh=name,
                name_en=f"{street_en} {c}",
            )
            communities.append((community, street, name))
    return district, communities


def build_staff(
    users: Users, tables: dict[str, Table], district: int, communities: list[tuple[int, int, str]]
) -> tuple[dict[int, int], int]:
    staff_group = Group.objects.get(name="community_staff").pk
    officer_group = Group.objects.get(name="purchaser_officer").pk
    staff = {}
    for n, (community, _street, name) in enumerate(communities):
        user = users.add(f"staff{n}@{EMAIL_DOMAIN}", f"{name}社工")
        tables["roles"].add(
            user_id=user, role="community_staff", region_id=community, created_at=users.joined
        )
        users.groups.add(user_id=user, group_id=staff_group)
        staff[community] = user
    officer = users.add(f"officer@{EMAIL_DOMAIN}", "区民政局经办人")
    tables["roles"].add(
        user_id=officer, role="purchaser_officer", region_id=district, created_at=users.joined
    )
    users.groups.add(user_id=officer, group_id=officer_group)
    return staff, officer


def _plan(rng: random.Random, duration: int) -> tuple[list[dict], dict]:
    """Weekly hours rows and the slots they make, as marketplace.slots would cut them."""
    rows, plan = [], {}
    periods = rng.choice(
        [[(8, 12)], [(13, 17)], [(8, 12), (13, 17)], [(9, 11), (14, 16)], [(8, 17)]]
    )
    capacity = rng.choice((1, 1, 2, 2, 3))
    for weekday in sorted(rng.sample(range(7), rng.randint(3, 6))):
        for start, end in periods:
            rows.append(
                {
                    "weekday": weekday,
                    "starts_at": datetime.time(start),
                    "ends_at": datetime.time(end),
                    "capacity": capacity,
                }
            )
            moment = start * 60
            while moment + duration <= end * 60:
                plan.setdefault(weekday, []).append(
                    (datetime.time(moment // 60, moment % 60), capacity)
                )
                moment += duration
    return rows, plan


class _Terms:
    """index_terms is pure and slow (pypinyin); the same texts come back often."""

    def __init__(self) -> None:
        self.cache: dict[tuple[str, ...], list[str]] = {}

    def __call__(self, *texts: str) -> list[str]:
        if texts not in self.cache:
            self.cache[texts] = index_terms(*texts)
        return self.cache[texts]


def build_providers(
    rng: random.Random,
    users: Users,
    tables: dict[str, Table],
    *,
    count: int,
    services_each: int,
    communities: list[tuple[int, int, str]],
    now: datetime.datetime,
) -> tuple[dict[int, ProviderInfo], list[ServiceInfo]]:
    categories = {c.slug: c for c in Category.objects.all()}
    streets: dict[int, list[int]] = {}
    for community, street, _name in communities:
        streets.setdefault(street, []).append(community)
    street_ids = sorted(streets)
    terms = _Terms()
    providers, services = {}, []
    for n in range(count):
        kind = rng.choices(list(words.PROVIDER_KINDS), weights=(4, 3, 3))[0]
        stem, suffix = rng.choice(words.PROVIDER_STEMS), rng.choice(words.PROVIDER_KINDS[kind])
        name = f"{stem}{suffix}{n + 1}号"
        status = rng.choices(
            ("approved", "submitted", "suspended", "draft"), weights=(95, 2, 2, 1)
        )[0]
        created = now - datetime.timedelta(days=rng.randint(380, 900))
        approved_at = created + datetime.timedelta(days=7) if status != "draft" else None
        provider = tables["providers"].add(
            name=name,
            kind=kind,
            status=status,
            suspension_cause="staff" if status == "suspended" else "",
            description_zh=f"{name}，扎根社区，服务周到。",
            contact_name=person_name(rng),
            contact_phone=f"138{rng.randint(0, 99999999):08d}",
            address=f"{rng.choice(words.ROADS)}{rng.randint(1, 999)}号",
            created_at=created,
            submitted_at=created + datetime.timedelta(days=1) if status != "draft" else None,
            approved_at=approved_at if status in ("approved", "suspended") else None,
        )
        street = street_ids[n % len(street_ids)]
        served = sorted(rng.sample(streets[street], rng.randint(3, len(streets[street]))))
        for community in served:
            tables["provider_communities"].add(provider_id=provider, region_id=community)
        _history(tables, provider, status, created)
        info = _members(rng, users, tables, provider, kind, n, created)
        providers[provider] = info
        for s in range(services_each):
            services.append(
                _service(
                    rng,
                    tables,
                    terms,
                    provider=provider,
                    provider_name=name,
                    provider_live=status == "approved",
                    category=categories[rng.choice(words.OFFERS[kind])],
                    categories=categories,
                    served=served,
                    created=created + datetime.timedelta(days=8 + s),
                )
            )
    return providers, services


def _history(
    tables: dict[str, Table], provider: int, status: str, created: datetime.datetime
) -> None:
    events = tables["provider_events"]
    steps = [("registered", "", "draft")]
    if status != "draft":
        steps.append(("submitted", "draft", "submitted"))
    if status in ("approved", "suspended"):
        steps.append(("approved", "submitted", "approved"))
    if status == "suspended":
        steps.append(("suspended", "approved", "suspended"))
    for day, (action, before, after) in enumerate(steps):
        events.add(
            provider_id=provider,
            action=action,
            from_status=before,
            to_status=after,
            created_at=created + datetime.timedelta(days=day * 3),
        )


def _members(
    rng: random.Random,
    users: Users,
    tables: dict[str, Table],
    provider: int,
    kind: str,
    n: int,
    created: datetime.datetime,
) -> ProviderInfo:
    members = tables["members"]
    owner = users.add(f"p{n}.owner@{EMAIL_DOMAIN}", person_name(rng))
    members.add(provider_id=provider, user_id=owner, role="owner", created_at=created)
    managers = [owner]
    if rng.random() < 0.5:
        manager = users.add(f"p{n}.manager@{EMAIL_DOMAIN}", person_name(rng))
        members.add(provider_id=provider, user_id=manager, role="manager", created_at=created)
        managers.append(manager)
    workers = []
    for w in range(rng.randint(1, 4)):
        user = users.add(f"p{n}.worker{w}@{EMAIL_DOMAIN}", person_name(rng))
        member = members.add(
            provider_id=provider,
            user_id=user,
            role="worker",
            gives_eldercare=kind == "social_org",
            created_at=created,
        )
        workers.append((member, user))
    return ProviderInfo(provider, managers, workers)


def _service(
    rng: random.Random,
    tables: dict[str, Table],
    terms: _Terms,
    *,
    provider: int,
    provider_name: str,
    provider_live: bool,
    category: Category,
    categories: dict[str, Category],
    served: list[int],
    created: datetime.datetime,
) -> ServiceInfo:
    parent = next(c for c in categories.values() if c.pk == category.parent_id)
    prefix, suffix = rng.choice(words.TITLE_PREFIXES), rng.choice(words.TITLE_SUFFIXES)
    title = f"{prefix}{category.name_zh}{suffix}"
    title_en = f"{category.name_en} at home"
    description = f"{provider_name}提供{category.name_zh}服务，经验丰富，价格透明。"
    if category.slug in PUBLIC_CATEGORIES:
        funding = FundingMode.PUBLIC
    elif category.slug in WELFARE_CATEGORIES:
        funding = rng.choice((FundingMode.WELFARE, FundingMode.WELFARE, FundingMode.COMMERCIAL))
    else:
        funding = FundingMode.COMMERCIAL
    duration = rng.choice((60, 60, 90, 120))
    unit = rng.choices(("visit", "hour", "item"), weights=(70, 25, 5))[0]
    status = "published" if provider_live and rng.random() < 0.97 else "draft"
    # What marketplace.services.reindex stores: title weighs most, then the labels.
    title_terms = terms(title, title_en)
    label_terms = terms(category.name_zh, category.name_en, parent.name_zh, parent.name_en)
    label_terms = sorted(set(label_terms) | set(terms(provider_name)))
    body_terms = terms(description, "")
    all_terms = sorted(set(title_terms) | set(label_terms) | set(body_terms))
    service = ServiceInfo(
        id=0,
        provider_id=provider,
        category_id=category.pk,
        parent_id=parent.pk,
        title_zh=title,
        price_fen=rng.randrange(3000, 30000, 500),
        unit=unit,
        duration=duration,
        funding_mode=funding,
        free_cancel_hours=24,
        late_cancel_fee_percent=30,
        published=status == "published",
    )
    service.id = tables["services"].add(
        provider_id=provider,
        category_id=category.pk,
        title_zh=title,
        title_en=title_en,
        description_zh=description,
        price_fen=service.price_fen,
        unit=unit,
        duration_minutes=duration,
        funding_mode=funding,
        required_qualification="caregiver_qualification" if parent.slug == "eldercare" else "",
        status=status,
        search_terms=" " + " ".join(all_terms) + " ",
        indexed_provider_name=provider_name,
        search_vector=tsvector({"A": title_terms, "B": label_terms, "C": body_terms}),
        created_at=created,
        published_at=created + datetime.timedelta(days=2) if service.published else None,
    )
    service.communities = sorted(rng.sample(served, rng.randint(1, len(served))))
    for community in service.communities:
        tables["service_communities"].add(service_id=service.id, region_id=community)
    rows, service.plan = _plan(rng, duration)
    for row in rows:
        tables["weekly_hours"].add(service_id=service.id, **row)
    return service


def catalogue_tables() -> dict[str, Table]:
    return {
        "regions": Table(Region),
        "roles": Table(RoleAssignment),
        "providers": Table(Provider),
        "provider_communities": through_table(Provider, "communities"),
        "provider_events": Table(ProviderEvent),
        "members": Table(ProviderMember),
        "services": Table(Service),
        "service_communities": through_table(Service, "communities"),
        "weekly_hours": Table(WeeklyHours),
    }
