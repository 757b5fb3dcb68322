"""A programme pays only for its contracted providers' services, in the contract's months,
at the contracted rate (decision 0033)."""

import datetime

import pytest
from django.utils import timezone

from billing.models import Contract, ContractItem, MonthlyUsage
from billing.subsidy import quote
from marketplace.slots import materialise_slots
from orders import services
from orders.models import Order
from providers.models import Provider
from tests.billing.conftest import contract, make_eligible, make_programme
from tests.marketplace.conftest import publish
from tests.orders.conftest import book, put_in

pytestmark = pytest.mark.django_db


def split_of(service, recipient, slot):
    return quote(
        service=service,
        care_recipient=recipient,
        quantity=1,
        on=timezone.localdate(slot.starts_at),
    )


def only_contract(programme) -> Contract:
    """The programme's contract with provider_a, whose bathing the tests book."""
    return programme.contracts.get(provider__name="安馨居家养老服务社")


@pytest.fixture
def other_provider(weifang_1) -> Provider:
    """An approved provider in grandma's community that the programme never contracted."""
    provider = Provider.objects.create(
        name="邻家护理站", kind="merchant", status=Provider.Status.APPROVED
    )
    provider.communities.add(weifang_1)
    return provider


def test_a_non_contracted_providers_booking_gets_no_subsidy(
    daughter, other_provider, bathing_slots, grandma_li, grandma_eligible, programme
):
    theirs = publish(
        other_provider, title_zh="上门助浴", category="bathing", price_fen=7500,
        funding_mode="welfare", duration_minutes=90,
    )  # fmt: skip
    Contract.objects.filter(provider=other_provider).delete()
    materialise_slots(theirs, start=timezone.localdate(bathing_slots[0].starts_at), days=1)
    slot = theirs.slots.order_by("starts_at").first()

    order = book(daughter, slot, grandma_li)

    assert (order.list_price_fen, order.subsidy_fen, order.copay_fen) == (7500, 0, 7500)
    assert order.programme is None
    programme.refresh_from_db()
    assert programme.reserved_fen == 0
    assert not MonthlyUsage.objects.exists()


def test_the_contracted_providers_same_booking_is_subsidised(
    daughter, bathing_slots, grandma_li, grandma_eligible, programme
):
    order = book(daughter, bathing_slots[0], grandma_li)
    assert (order.subsidy_fen, order.copay_fen) == (4800, 2700)


def test_a_contracted_rate_below_the_list_price_is_what_the_programme_pays(
    daughter, bathing, bathing_slots, grandma_li, grandma_eligible, programme
):
    """¥75 list, contracted at ¥50: the 80 % rule is applied to ¥50 (¥40), the family pays
    ¥10, and the provider is paid ¥50 in all for the visit."""
    only_contract(programme).items.create(service=bathing, rate_fen=5000)

    split = split_of(bathing, grandma_li, bathing_slots[0])
    order = book(daughter, bathing_slots[0], grandma_li, expected_copay_fen=1000)

    assert (split.list_price_fen, split.price_fen, split.subsidy_fen, split.copay_fen) == (
        7500,
        5000,
        4000,
        1000,
    )
    assert (order.unit_price_fen, order.list_price_fen) == (5000, 5000)
    assert (order.subsidy_fen, order.copay_fen) == (4000, 1000)
    programme.refresh_from_db()
    assert programme.reserved_fen == 4000


def test_a_full_programme_at_a_contracted_rate_pays_the_rate_and_the_family_nothing(
    bathing, bathing_slots, grandma_li, grandma_eligible, bureau, provider_a
):
    full = make_programme(
        bureau, contracted=[], rule="full", rate_cap_fen=None, monthly_cap_fen=None, min_age=None
    )
    contract(full, provider_a).items.create(service=bathing, rate_fen=6000)
    make_eligible(grandma_li, full)

    split = split_of(bathing, grandma_li, bathing_slots[0])

    assert (split.programme_id, split.subsidy_fen, split.copay_fen) == (full.pk, 6000, 0)


def test_a_rate_per_hour_is_priced_by_the_visits_length(
    bathing, bathing_slots, grandma_li, grandma_eligible, programme
):
    # ¥36 an hour for a 90-minute visit is ¥54; 80 % of it is ¥43.20.
    only_contract(programme).items.create(service=bathing, rate_fen=3600, per="hour")
    split = split_of(bathing, grandma_li, bathing_slots[0])
    assert (split.price_fen, split.subsidy_fen, split.copay_fen) == (5400, 4320, 1080)


def test_a_rate_above_the_list_price_counts_as_the_list_price(
    bathing, bathing_slots, grandma_li, grandma_eligible, programme
):
    only_contract(programme).items.create(service=bathing, rate_fen=9000)
    split = split_of(bathing, grandma_li, bathing_slots[0])
    assert (split.price_fen, split.subsidy_fen, split.copay_fen) == (7500, 4800, 2700)


def test_a_contract_for_a_category_covers_its_services_and_one_for_another_does_not(
    bathing, bathing_slots, grandma_li, grandma_eligible, programme
):
    bathing_category = bathing.category
    only_contract(programme).items.create(category=bathing_category, rate_fen=7000)
    assert split_of(bathing, grandma_li, bathing_slots[0]).price_fen == 7000

    ContractItem.objects.all().delete()
    cleaning = publish(bathing.provider, title_zh="保洁", category="cleaning")
    only_contract(programme).items.create(service=cleaning, rate_fen=1000)
    assert split_of(bathing, grandma_li, bathing_slots[0]).subsidy_fen == 0


def test_a_visit_in_a_month_the_contract_does_not_cover_gets_no_subsidy(
    bathing, bathing_slots, grandma_li, grandma_eligible, programme
):
    month = timezone.localdate(bathing_slots[0].starts_at).replace(day=1)
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    Contract.objects.filter(programme=programme).update(first_month=following)

    assert split_of(bathing, grandma_li, bathing_slots[0]).subsidy_fen == 0
    later = quote(service=bathing, care_recipient=grandma_li, quantity=1, on=following)
    assert later.subsidy_fen == 4800


def test_a_money_quota_pays_what_is_left_of_it_then_nothing(
    daughter, bathing, bathing_slots, grandma_li, grandma_eligible, programme
):
    Contract.objects.filter(pk=only_contract(programme).pk).update(quota_fen=6000)

    first = book(daughter, bathing_slots[0], grandma_li)
    second = book(daughter, bathing_slots[1], grandma_li)
    third = book(daughter, bathing_slots[2], grandma_li)

    assert [o.subsidy_fen for o in (first, second, third)] == [4800, 1200, 0]
    assert only_contract(programme).used_fen == 6000


def test_an_hours_quota_pays_the_minutes_left_pro_rata(
    bathing, bathing_slots, grandma_li, grandma_eligible, programme
):
    Contract.objects.filter(pk=only_contract(programme).pk).update(quota_minutes=60)
    split = split_of(bathing, grandma_li, bathing_slots[0])
    # 60 of the visit's 90 minutes are left: two thirds of ¥48.
    assert (split.subsidy_fen, split.minutes) == (3200, 60)


def test_a_cancelled_visit_gives_the_contracts_quota_back(
    daughter, bathing_slots, grandma_li, grandma_eligible, programme
):
    Contract.objects.filter(pk=only_contract(programme).pk).update(quota_fen=10000)
    order = put_in(book(daughter, bathing_slots[0], grandma_li), Order.Status.CONFIRMED)
    assert only_contract(programme).used_fen == 4800
    assert only_contract(programme).used_minutes == 90

    services.cancel_order(order=order, by=daughter)

    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED
    assert (only_contract(programme).used_fen, only_contract(programme).used_minutes) == (0, 0)
