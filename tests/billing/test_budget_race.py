"""Twenty people book at once against a budget with room for five."""

import pytest

from billing.models import Programme
from marketplace.models import Slot
from orders.exceptions import OrdersError
from orders.models import Order
from tests.billing.conftest import book_all_at_once, eligible_families

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_twenty_bookings_against_a_budget_for_five_give_exactly_five_subsidies(
    bathing_slots, programme, weifang_1
):
    Programme.objects.filter(pk=programme.pk).update(budget_fen=5 * 4800)
    slot = bathing_slots[0]
    Slot.objects.filter(pk=slot.pk).update(capacity=50)
    people = eligible_families(20, programme, weifang_1)

    results = book_all_at_once(slot, people, expected_copay_fen=2700)

    orders = [r for r in results if isinstance(r, Order)]
    refusals = [r for r in results if isinstance(r, OrdersError)]
    assert len(orders) == 5
    assert all(order.subsidy_fen == 4800 for order in orders)
    assert len(refusals) == 15
    assert all(
        "补贴已发生变化" in str(r.message) or "预约的人很多" in str(r.message) for r in refusals
    )
    programme.refresh_from_db()
    assert programme.reserved_fen == 5 * 4800
    assert Order.objects.count() == 5
