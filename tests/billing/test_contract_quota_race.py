"""Twenty people book at once against a contract whose quota has room for four."""

import pytest

from billing.models import Contract
from marketplace.models import Slot
from orders.exceptions import OrdersError
from orders.models import Order
from tests.billing.conftest import book_all_at_once, eligible_families

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_twenty_bookings_against_a_quota_for_four_give_exactly_four_subsidies(
    bathing_slots, programme, weifang_1
):
    slot = bathing_slots[0]
    Contract.objects.filter(programme=programme, provider=slot.service.provider).update(
        quota_fen=4 * 4800
    )
    Slot.objects.filter(pk=slot.pk).update(capacity=50)
    people = eligible_families(20, programme, weifang_1)

    results = book_all_at_once(slot, people, expected_copay_fen=2700)

    orders = [r for r in results if isinstance(r, Order)]
    assert len(orders) == 4
    assert all(order.subsidy_fen == 4800 for order in orders)
    assert len([r for r in results if isinstance(r, OrdersError)]) == 16
    contract = Contract.objects.get(programme=programme, provider=slot.service.provider)
    assert (contract.used_fen, contract.used_minutes) == (4 * 4800, 4 * 90)
    programme.refresh_from_db()
    assert programme.reserved_fen == 4 * 4800
    assert Order.objects.count() == 4
