"""When contracts came in, every provider that already billed a programme was contracted, so
nothing in flight lost its subsidy (billing migration 0010, decision 0033)."""

import importlib

import pytest
from django.apps import apps

from billing.models import Contract
from billing.subsidy import quote
from orders import services
from orders.models import Order
from tests.orders.conftest import book, put_in

pytestmark = pytest.mark.django_db

migration = importlib.import_module("billing.migrations.0010_contract_who_already_bills")


def test_a_provider_that_already_billed_is_contracted_and_holds_what_its_orders_hold(
    daughter, bathing, bathing_slots, grandma_li, grandma_eligible, programme, provider_a
):
    order = put_in(book(daughter, bathing_slots[0], grandma_li), Order.Status.CONFIRMED)
    Contract.objects.all().delete()  # as before contracts existed

    migration.contract_who_already_bills(apps, None)

    contract = Contract.objects.get()
    assert (contract.programme, contract.provider) == (programme, provider_a)
    assert (contract.first_month, contract.last_month) == (
        programme.valid_from.replace(day=1),
        programme.valid_until.replace(day=1),
    )
    assert (contract.used_fen, contract.used_minutes) == (4800, 90)
    assert not contract.items.exists()
    next_visit = quote(
        service=bathing,
        care_recipient=grandma_li,
        quantity=1,
        on=order.subsidy_month,
    )
    assert next_visit.subsidy_fen > 0

    services.cancel_order(order=order, by=daughter)
    contract.refresh_from_db()
    assert (contract.used_fen, contract.used_minutes) == (0, 0)


def test_a_programme_nobody_billed_gets_no_contract(programme):
    Contract.objects.all().delete()
    migration.contract_who_already_bills(apps, None)
    assert not Contract.objects.exists()
