import pytest
from django.utils import timezone

from orders.models import Order
from statements import services
from statements.models import Statement
from tests.billing import conftest as billing_fixtures
from tests.orders.conftest import book, delivered

# Billing's fixtures (a purchaser, its programme, an eligible grandma and subsidised bathing),
# shared here rather than written again.
bathing = billing_fixtures.bathing
bathing_slots = billing_fixtures.bathing_slots
bureau = billing_fixtures.bureau
grandma_eligible = billing_fixtures.grandma_eligible
programme = billing_fixtures.programme


@pytest.fixture
def month():
    return timezone.localdate().replace(day=1)


@pytest.fixture
def three_visits(daughter, caregiver, bathing_slots, grandma_li, grandma_eligible) -> list[Order]:
    return [
        delivered(book(daughter, slot, grandma_li), caregiver, daughter)
        for slot in bathing_slots[:3]
    ]


@pytest.fixture
def statement(bureau, provider_a, district_officer, month) -> Statement:
    return services.open_statement(
        purchaser=bureau, provider=provider_a, month=month, by=district_officer
    )
