"""Fixtures of the reliability suite, built from the helpers the app suites use."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import CareLink, CareRecipient, User
from billing.models import Purchaser, PurchaserOfficer
from marketplace.models import Slot
from marketplace.slots import materialise_slots
from tests.billing.conftest import make_programme
from tests.marketplace.conftest import publish


def slot_of(service, *, capacity: int) -> Slot:
    """The first time of the day after tomorrow, with this many places."""
    day = timezone.localdate() + datetime.timedelta(days=2)
    materialise_slots(service, start=day, days=1)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    slot = Slot.objects.filter(service=service, starts_at__gte=start).order_by("starts_at")[0]
    Slot.objects.filter(pk=slot.pk).update(capacity=capacity)
    slot.refresh_from_db()
    return slot


def families(count: int, community, *, prefix: str, born=None) -> list[tuple[User, CareRecipient]]:
    """`count` families, each one account booking for one elderly relative."""
    users = User.objects.bulk_create(
        User(email=f"{prefix}{index}@example.cn", display_name=f"{prefix}{index}")
        for index in range(count)
    )
    recipients = CareRecipient.objects.bulk_create(
        CareRecipient(
            name=f"{prefix}老人{index}", community=community, address="潍坊路", birth_date=born
        )
        for index in range(count)
    )
    CareLink.objects.bulk_create(
        CareLink(care_recipient=recipient, account=user, relationship="child")
        for user, recipient in zip(users, recipients, strict=True)
    )
    return list(zip(users, recipients, strict=True))


@pytest.fixture
def cleaning(provider_a):
    """Commercial, ¥120, free cancellation up to 24 hours before, 30 % after."""
    service = publish(provider_a, title_zh="家庭保洁", price_fen=12000, duration_minutes=60)
    service.free_cancel_hours = 24
    service.late_cancel_fee_percent = 30
    service.save(update_fields=["free_cancel_hours", "late_cancel_fee_percent"])
    return service


@pytest.fixture
def bathing(provider_a):
    """Welfare, ¥75 a visit: the programme recognises ¥60 and pays 80 % of it (¥48)."""
    return publish(
        provider_a,
        title_zh="上门助浴",
        category="bathing",
        price_fen=7500,
        funding_mode="welfare",
        duration_minutes=90,
    )


@pytest.fixture
def bureau(pudong, district_officer) -> Purchaser:
    purchaser = Purchaser.objects.create(
        name_zh="浦东新区民政局", name_en="Pudong Civil Affairs", region=pudong
    )
    PurchaserOfficer.objects.create(purchaser=purchaser, user=district_officer)
    return purchaser


@pytest.fixture
def programme(bureau):
    return make_programme(bureau)


@pytest.fixture
def world(cast) -> dict:
    """Somebody else's world (tests/reliability/elsewhere.py), next to the whole cast."""
    from tests.reliability import elsewhere

    return elsewhere.build()
