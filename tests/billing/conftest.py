import datetime
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import CareLink, CareRecipient
from billing.models import Contract, Eligibility, Programme, Purchaser, PurchaserOfficer
from marketplace.models import Category, Slot
from marketplace.slots import materialise_slots
from orders.exceptions import OrdersError
from providers.models import Provider
from tests.conftest import make_user
from tests.marketplace.conftest import publish
from tests.orders.conftest import book

TODAY = timezone.localdate


@pytest.fixture
def bureau(pudong, district_officer) -> Purchaser:
    purchaser = Purchaser.objects.create(
        name_zh="浦东新区民政局", name_en="Pudong Civil Affairs", region=pudong
    )
    PurchaserOfficer.objects.create(purchaser=purchaser, user=district_officer)
    return purchaser


def contract(programme, provider, **terms) -> Contract:
    """A contract for the programme's whole period, covering all it covers at list price
    unless items are added (decision 0033)."""
    fields = {
        "first_month": programme.valid_from.replace(day=1),
        "last_month": programme.valid_until.replace(day=1),
    }
    fields.update(terms)
    return Contract.objects.create(programme=programme, provider=provider, **fields)


def make_programme(bureau, contracted=None, **overrides) -> Programme:
    """A programme; it contracts `contracted` providers, by default every approved one
    there is yet, so the cast's subsidised scenarios keep their subsidy."""
    fields = {
        "name_zh": "高龄助浴补贴",
        "name_en": "Bathing help for the very old",
        "region": bureau.region,
        "rule": Programme.Rule.PERCENTAGE,
        "percent": 80,
        "rate_cap_fen": 6000,
        "monthly_cap_fen": 12000,
        "budget_fen": 1_000_000,
        "valid_from": datetime.date(2026, 1, 1),
        "valid_until": datetime.date(2027, 12, 31),
        "min_age": 80,
    }
    fields.update(overrides)
    programme = Programme.objects.create(purchaser=bureau, **fields)
    programme.categories.add(Category.objects.get(slug="bathing"))
    if contracted is None:
        contracted = Provider.objects.filter(status=Provider.Status.APPROVED)
    for provider in contracted:
        contract(programme, provider)
    return programme


@pytest.fixture
def programme(bureau, provider_a) -> Programme:
    return make_programme(bureau)


def make_eligible(recipient, programme, staff=None) -> Eligibility:
    return Eligibility.objects.create(
        care_recipient=recipient,
        programme=programme,
        verified_by=staff,
        valid_from=datetime.date(2026, 1, 1),
        valid_until=datetime.date(2027, 12, 31),
    )


def eligible_families(count, programme, community, prefix="family") -> list:
    """`count` older people in `community`, each eligible for `programme`, each with a
    child's account to book for them: (account, person) pairs."""
    people = []
    for index in range(count):
        user = make_user(f"{prefix}{index}@example.cn")
        recipient = CareRecipient.objects.create(
            name=f"老人{index}",
            community=community,
            address="潍坊路",
            birth_date=datetime.date(1940, 1, 1),
        )
        CareLink.objects.create(care_recipient=recipient, account=user, relationship="child")
        make_eligible(recipient, programme)
        people.append((user, recipient))
    return people


def book_all_at_once(slot, people, *, expected_copay_fen: int) -> list:
    """Each (account, person) of `people` books the slot in a thread of its own, all at
    once: an order or the OrdersError refusing it, for each, in the order of `people`."""

    def attempt(user, recipient):
        try:
            return book(user, slot, recipient, expected_copay_fen=expected_copay_fen)
        except OrdersError as exc:
            return exc
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(people)) as pool:
        return list(pool.map(lambda pair: attempt(*pair), people))


@pytest.fixture
def grandma_eligible(grandma_li, programme, community_staff) -> Eligibility:
    grandma_li.birth_date = datetime.date(1941, 3, 8)
    grandma_li.save(update_fields=["birth_date"])
    return make_eligible(grandma_li, programme, community_staff)


@pytest.fixture
def bathing(provider_a):
    """¥75 a visit, welfare: above the programme's ¥60 rate cap."""
    return publish(
        provider_a,
        title_zh="上门助浴",
        category="bathing",
        price_fen=7500,
        funding_mode="welfare",
        duration_minutes=90,
    )


@pytest.fixture
def bathing_slots(bathing):
    day = TODAY() + datetime.timedelta(days=2)
    materialise_slots(bathing, start=day, days=3)
    return list(Slot.objects.filter(service=bathing).order_by("starts_at"))
