"""Fixtures of the reliability suite, built from the helpers the app suites use."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import CareLink, CareRecipient, User
from marketplace.models import Slot
from marketplace.slots import materialise_slots

# The app suites' own service and purchaser fixtures, shared rather than written again.
from tests.billing.conftest import bathing, bureau, programme  # noqa: F401
from tests.orders.conftest import cleaning  # noqa: F401


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
def world(cast) -> dict:
    """Somebody else's world (tests/reliability/elsewhere.py), next to the whole cast."""
    from tests.reliability import elsewhere

    return elsewhere.build()
