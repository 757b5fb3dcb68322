import datetime

import pytest
from django.utils import timezone, translation

from accounts.models import Notification
from billing.models import Entitlement, Programme
from care.patterns import VisitPattern
from marketplace.slots import materialise_slots
from providers.models import ProviderMember
from tests.assessments.conftest import MODERATE, assess
from tests.billing.conftest import bureau, make_eligible, make_programme  # noqa: F401 (fixture)
from tests.marketplace.conftest import publish

TUESDAY, FRIDAY = 1, 4
NINE = datetime.time(9)


@pytest.fixture
def bath(provider_a):
    """¥75 for 90 minutes, welfare; visits at 09:00, 10:30, 12:00... every day."""
    service = publish(
        provider_a,
        title_zh="上门助浴",
        title_en="Bathing at home",
        category="bathing",
        price_fen=7500,
        funding_mode="welfare",
        duration_minutes=90,
    )
    materialise_slots(service, start=timezone.localdate())
    return service


@pytest.fixture
def bureau_programme(bureau, provider_a) -> Programme:  # noqa: F811 (the imported fixture)
    """Pays the whole price; level 2 is entitled to 180 minutes (two baths) a month."""
    programme = make_programme(
        bureau, rule=Programme.Rule.FULL, rate_cap_fen=None, monthly_cap_fen=None, min_age=None
    )
    Entitlement.objects.create(programme=programme, care_level=2, minutes_per_month=180)
    return programme


@pytest.fixture
def covered_grandma(grandma_li, community_staff, bureau_programme):
    make_eligible(grandma_li, bureau_programme, community_staff)
    assess(grandma_li, community_staff, MODERATE, on=timezone.localdate())
    return grandma_li


@pytest.fixture
def carer(caregiver, provider_a) -> ProviderMember:
    return ProviderMember.objects.get(user=caregiver, provider=provider_a)


def twice_a_week(service) -> list[VisitPattern]:
    return [VisitPattern(service, TUESDAY, NINE), VisitPattern(service, FRIDAY, NINE)]


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


def told_in_english(words: str, **who) -> bool:
    """Whether a notification (of these people, or anyone's) says `words` in English. Plan
    visits' troubles come grouped, one notice per plan and run (decision 0030), so the
    words are in the text, not in the stored message."""
    with translation.override("en"):
        return any(words in n.text for n in Notification.objects.filter(**who))
