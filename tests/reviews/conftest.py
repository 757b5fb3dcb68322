import datetime

import pytest
from django.utils import timezone

from orders.models import Order
from reviews import services
from tests.billing import conftest as billing_fixtures
from tests.orders import conftest as order_fixtures
from tests.orders.conftest import book, delivered

# The orders' and billing's fixtures, shared here rather than written again.
bathing = billing_fixtures.bathing
bathing_slots = billing_fixtures.bathing_slots
bureau = billing_fixtures.bureau
grandma_eligible = billing_fixtures.grandma_eligible
programme = billing_fixtures.programme
cleaning = order_fixtures.cleaning
slot = order_fixtures.slot


@pytest.fixture
def closed_order(daughter, caregiver, slot, grandma_li) -> Order:
    """Grandma Li's cleaning, done, confirmed by her daughter and so closed."""
    order = delivered(book(daughter, slot, grandma_li), caregiver, daughter)
    assert order.status == Order.Status.CLOSED
    return order


@pytest.fixture
def subsidised_visit(daughter, caregiver, bathing_slots, grandma_li, grandma_eligible) -> Order:
    order = delivered(book(daughter, bathing_slots[0], grandma_li), caregiver, daughter)
    assert order.subsidy_fen > 0 and order.status == Order.Status.CLOSED
    return order


def five_stars(**overrides) -> dict:
    return {"overall": 5, "punctuality": 5, "attitude": 5, "quality": 5, **overrides}


def review(order: Order, by, **stars):
    return services.write_review(order=order, by=by, text="周阿姨很细心", **five_stars(**stars))


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)
