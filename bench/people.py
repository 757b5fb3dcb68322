"""Residents, the people they care for, the purchaser, its programmes and eligibility."""

import datetime
import random
from dataclasses import dataclass, field
from unittest import mock

from accounts.models import CareLink, CareRecipient, ResidentProfile
from assessments.levels import CareLevel
from bench import vocabulary as words
from bench.bulk import Table
from bench.catalogue import EMAIL_DOMAIN, Users, person_name
from billing.models import Contract, Eligibility, Programme, Purchaser, PurchaserOfficer
from billing.services import criteria_unmet
from marketplace.models import Category
from providers.models import Provider


@dataclass(slots=True)
class Recipient:
    id: int
    name: str
    community_id: int
    address: str
    birth_date: datetime.date
    living_alone: bool
    minimum_living_allowance: bool
    low_income: bool
    disability_level: int
    special_care: bool
    bookers: list[int] = field(default_factory=list)
    programmes: list[Programme] = field(default_factory=list)

    # Eligibility rules read the age the way the model computes it.
    age_on = CareRecipient.age_on


def people_tables() -> dict[str, Table]:
    return {
        "recipients": Table(CareRecipient),
        "links": Table(CareLink),
        "profiles": Table(ResidentProfile),
        "eligibility": Table(Eligibility),
    }


def _address(rng: random.Random, community_name: str) -> str:
    return (
        f"{community_name[:4]}{rng.choice(words.ROADS)}{rng.randint(1, 300)}弄"
        f"{rng.randint(1, 40)}号{rng.randint(1, 24)}{rng.randint(1, 4):02d}室"
    )


def build_people(
    rng: random.Random,
    users: Users,
    tables: dict[str, Table],
    *,
    count: int,
    communities: list[tuple[int, int, str]],
    today: datetime.date,
    created: datetime.datetime,
) -> list[Recipient]:
    """Half the care recipients are residents booking for themselves; the other half are
    older parents, each linked to one or two of those residents."""
    residents = max(1, count // 2)
    recipients: list[Recipient] = []
    for n in range(count):
        community, _street, community_name = rng.choice(communities)
        elder = n >= residents
        age = rng.randint(65, 98) if elder else rng.randint(22, 70)
        birth = today - datetime.timedelta(days=age * 365 + rng.randint(0, 364))
        recipient = Recipient(
            id=0,
            name=person_name(rng),
            community_id=community,
            address=_address(rng, community_name),
            birth_date=birth,
            living_alone=elder and rng.random() < 0.25,
            minimum_living_allowance=elder and rng.random() < 0.05,
            low_income=rng.random() < 0.08,
            disability_level=rng.choice((2, 3, 4)) if elder and rng.random() < 0.1 else 0,
            special_care=rng.random() < 0.01,
        )
        account = None
        if not elder:
            account = users.add(f"resident{n}@{EMAIL_DOMAIN}", recipient.name)
            tables["profiles"].add(
                user_id=account,
                phone=f"139{rng.randint(0, 99999999):08d}",
                community_id=community,
                address=recipient.address,
            )
            recipient.bookers.append(account)
        recipient.id = tables["recipients"].add(
            name=recipient.name,
            birth_date=birth,
            community_id=community,
            address=recipient.address,
            living_alone=recipient.living_alone,
            minimum_living_allowance=recipient.minimum_living_allowance,
            low_income=recipient.low_income,
            disability_level=recipient.disability_level,
            special_care=recipient.special_care,
            account_id=account,
            created_by_id=account,
            created_at=created,
        )
        if elder:
            children = {rng.randrange(residents)}
            if rng.random() < 0.3:
                children.add(rng.randrange(residents))
            for child in sorted(children):
                account = recipients[child].bookers[0]
                tables["links"].add(
                    care_recipient_id=recipient.id,
                    account_id=account,
                    relationship="child",
                    created_by_id=account,
                    created_at=created,
                )
                recipient.bookers.append(account)
        recipients.append(recipient)
    return recipients


def build_programmes(district: int, officer: int, today: datetime.date) -> list[Programme]:
    """Three programmes of the district's civil-affairs bureau, as in DESIGN §3."""
    purchaser = Purchaser.objects.create(
        name_zh="邻里示范区民政局", name_en="Civil Affairs Bureau", region_id=district
    )
    PurchaserOfficer.objects.create(purchaser=purchaser, user_id=officer)
    period = {
        "valid_from": today - datetime.timedelta(days=400),
        "valid_until": today + datetime.timedelta(days=365),
        "budget_fen": 3_000_000_000,
        "purchaser": purchaser,
        "region_id": district,
    }
    slugs = {c.slug: c for c in Category.objects.all()}
    specs = [
        (
            {"name_zh": "高龄老人居家养老服务补贴", "name_en": "Care at home for the very old"},
            {"min_age": 80, "rule": "percentage", "percent": 70, "rate_cap_fen": 15000},
            {"monthly_cap_fen": 40000},
            ["eldercare"],
        ),
        (
            {"name_zh": "低保老人助餐助洁补贴", "name_en": "Meals and cleaning, 低保 elders"},
            {"min_age": 60, "requires_minimum_living_allowance": True, "rule": "fixed"},
            {"fixed_fen": 3000, "monthly_cap_fen": 60000},
            ["meal-assistance", "home-cleaning-for-elders"],
        ),
        (
            {"name_zh": "失能老人护理服务", "name_en": "Care for dependent elders"},
            {"min_disability_level": 2, "rule": "full", "rate_cap_fen": 20000},
            {"monthly_cap_minutes": 1200},
            ["bathing", "rehabilitation", "companionship"],
        ),
    ]
    programmes = []
    for names, who, caps, categories in specs:
        programme = Programme.objects.create(**names, **who, **caps, **period)
        programme.categories.set([slugs[s] for s in categories])
        programme.category_ids = {slugs[s].pk for s in categories}
        programmes.append(programme)
    return programmes


def record_eligibility(
    rng: random.Random,
    tables: dict[str, Table],
    recipients: list[Recipient],
    programmes: list[Programme],
    staff_by_community: dict[int, int],
    today: datetime.date,
    verified: datetime.datetime,
) -> None:
    """Staff have checked nine in ten of the people who meet a programme's criteria."""
    start = today - datetime.timedelta(days=400)
    end = today + datetime.timedelta(days=365)
    # The generated city has no assessments, so the level staff typed in counts, which is
    # what care_level_of answers then; asking it would query assessments for every row.
    with mock.patch("billing.services.care_level_of", _typed_level):
        _record(rng, tables, recipients, programmes, staff_by_community, start, end, verified)


def _typed_level(recipient: Recipient, on: datetime.date) -> CareLevel:
    return CareLevel(level=recipient.disability_level)


def _record(rng, tables, recipients, programmes, staff_by_community, start, end, verified):
    for recipient in recipients:
        if recipient.disability_level == 0 and (recipient.age_on(start) or 0) < 60:
            continue  # meets no programme: skip the (slow, translated) check
        for programme in programmes:
            if criteria_unmet(programme, recipient, start) or rng.random() >= 0.9:
                continue
            tables["eligibility"].add(
                care_recipient_id=recipient.id,
                programme_id=programme.pk,
                valid_from=start,
                valid_until=end,
                verified_by_id=staff_by_community[recipient.community_id],
                verified_at=verified,
            )
            recipient.programmes.append(programme)


def contract_providers(programmes: list[Programme]) -> int:
    """Each programme contracts every provider that may have served (approved or since
    suspended) for its whole period at list price: the generator's splits, worked out
    without contracts, are then what billing.subsidy.quote gives (decision 0033)."""
    providers = Provider.objects.filter(status__in=["approved", "suspended"]).values_list(
        "pk", flat=True
    )
    made = Contract.objects.bulk_create(
        Contract(
            programme=programme,
            provider_id=provider_id,
            first_month=programme.valid_from.replace(day=1),
            last_month=programme.valid_until.replace(day=1),
        )
        for programme in programmes
        for provider_id in providers
    )
    return len(made)


# Statuses whose orders hold no subsidy (orders.transitions.SUBSIDY_RELEASED).
RELEASED = ("declined", "cancelled", "expired", "no_show")


def count_contract_use(cursor) -> None:
    """Each contract's used money and minutes: what its orders still hold, as bookings
    would have counted them one by one."""
    cursor.execute(
        """
        UPDATE billing_contract c SET used_fen = s.fen, used_minutes = s.minutes
        FROM (
            SELECT programme_id, provider_id, sum(subsidy_fen) AS fen,
                   sum(subsidy_minutes) AS minutes
            FROM orders_order
            WHERE subsidy_fen > 0 AND NOT status = ANY(%s)
            GROUP BY programme_id, provider_id
        ) s
        WHERE c.programme_id = s.programme_id AND c.provider_id = s.provider_id
        """,
        [list(RELEASED)],
    )
