"""The split, worked through: rate cap, rule, monthly cap, budget, co-payment."""

import datetime

import pytest

from billing.models import MonthlyUsage, Programme
from billing.subsidy import NotEligible, quote, subsidy_by_rule, within_monthly_cap
from tests.billing.conftest import make_eligible, make_programme
from tests.marketplace.conftest import publish

ON = datetime.date(2026, 12, 3)


class P:
    """A programme's rule fields, without a database."""

    def __init__(
        self,
        rule,
        percent=0,
        fixed_fen=0,
        rate_cap_fen=None,
        monthly_cap_fen=None,
        monthly_cap_minutes=None,
    ):
        self.rule, self.percent, self.fixed_fen = rule, percent, fixed_fen
        self.rate_cap_fen = rate_cap_fen
        self.monthly_cap_fen, self.monthly_cap_minutes = monthly_cap_fen, monthly_cap_minutes


class Used:
    def __init__(self, fen=0, minutes=0):
        self.used_fen, self.used_minutes = fen, minutes


@pytest.mark.parametrize(
    ("programme", "unit", "quantity", "recognised", "paid"),
    [
        (P("full"), 7500, 1, 7500, 7500),
        (P("full", rate_cap_fen=6000), 7500, 1, 6000, 6000),
        (P("full", rate_cap_fen=6000), 5000, 1, 5000, 5000),
        (P("percentage", percent=80, rate_cap_fen=6000), 7500, 1, 6000, 4800),
        (P("percentage", percent=80), 7500, 2, 15000, 12000),
        (P("percentage", percent=33), 1001, 1, 1001, 330),  # rounded down
        (P("fixed", fixed_fen=2000), 7500, 1, 7500, 2000),
        (P("fixed", fixed_fen=9000), 7500, 1, 7500, 7500),  # never more than the price
        (P("fixed", fixed_fen=2000, rate_cap_fen=1500), 7500, 1, 1500, 1500),
    ],
)
def test_rate_cap_then_rule(programme, unit, quantity, recognised, paid):
    assert subsidy_by_rule(programme, unit_price_fen=unit, quantity=quantity) == (recognised, paid)


@pytest.mark.parametrize(
    ("programme", "used", "amount", "minutes", "allowed"),
    [
        (P("full", monthly_cap_fen=12000), None, 4800, 90, (4800, 90)),
        (P("full", monthly_cap_fen=12000), Used(fen=9600), 4800, 90, (2400, 90)),
        (P("full", monthly_cap_fen=12000), Used(fen=12000), 4800, 90, (0, 90)),
        (P("full", monthly_cap_minutes=240), Used(minutes=180), 6000, 90, (4000, 60)),
        (P("full", monthly_cap_minutes=240), Used(minutes=240), 6000, 90, (0, 0)),
        (P("full"), Used(fen=10**9), 6000, 90, (6000, 90)),
    ],
)
def test_the_monthly_cap_leaves_what_is_left(programme, used, amount, minutes, allowed):
    assert within_monthly_cap(programme, used, amount_fen=amount, minutes=minutes) == allowed


pytestmark_db = pytest.mark.django_db


@pytest.mark.django_db
def test_an_eligible_recipient_pays_the_rest_after_cap_and_percentage(
    bathing, grandma_li, grandma_eligible, programme
):
    split = quote(service=bathing, care_recipient=grandma_li, quantity=1, on=ON)
    # ¥75.00 list, capped at ¥60.00, 80% of that is ¥48.00: she pays ¥27.00.
    assert (split.list_price_fen, split.subsidy_fen, split.copay_fen) == (7500, 4800, 2700)
    assert split.programme_id == programme.pk
    assert split.month == datetime.date(2026, 12, 1)


@pytest.mark.django_db
def test_the_monthly_cap_already_used_lowers_the_subsidy(
    bathing, grandma_li, grandma_eligible, programme
):
    MonthlyUsage.objects.create(
        care_recipient=grandma_li,
        programme=programme,
        month=datetime.date(2026, 12, 1),
        used_fen=10000,
    )
    split = quote(service=bathing, care_recipient=grandma_li, quantity=1, on=ON)
    assert (split.subsidy_fen, split.copay_fen) == (2000, 5500)


@pytest.mark.django_db
def test_an_hours_cap_pays_for_the_minutes_left(bathing, grandma_li, bureau):
    hours = make_programme(
        bureau,
        name_zh="按时长",
        rule=Programme.Rule.FULL,
        rate_cap_fen=None,
        monthly_cap_fen=None,
        monthly_cap_minutes=120,
    )
    make_eligible(grandma_li, hours)
    MonthlyUsage.objects.create(
        care_recipient=grandma_li,
        programme=hours,
        month=datetime.date(2026, 12, 1),
        used_minutes=60,
    )
    split = quote(service=bathing, care_recipient=grandma_li, quantity=1, on=ON)
    # 60 of the 90 minutes are left: two thirds of ¥75.00.
    assert (split.subsidy_fen, split.minutes) == (5000, 60)


@pytest.mark.django_db
def test_an_exhausted_budget_pays_only_what_is_left(
    bathing, grandma_li, grandma_eligible, programme
):
    Programme.objects.filter(pk=programme.pk).update(
        budget_fen=10000, spent_fen=7000, reserved_fen=2000
    )
    split = quote(service=bathing, care_recipient=grandma_li, quantity=1, on=ON)
    assert (split.subsidy_fen, split.copay_fen) == (1000, 6500)


@pytest.mark.django_db
def test_an_ineligible_recipient_pays_the_full_price(bathing, grandma_li, programme):
    split = quote(service=bathing, care_recipient=grandma_li, quantity=1, on=ON)
    assert (split.subsidy_fen, split.copay_fen, split.programme_id) == (0, 7500, None)


@pytest.mark.django_db
def test_eligibility_outside_its_period_does_not_count(bathing, grandma_li, grandma_eligible):
    split = quote(
        service=bathing, care_recipient=grandma_li, quantity=1, on=datetime.date(2028, 1, 5)
    )
    assert split.subsidy_fen == 0


@pytest.mark.django_db
def test_a_commercial_service_is_never_subsidised(provider_a, grandma_li, grandma_eligible):
    shop = publish(
        provider_a,
        title_zh="助浴（市场价）",
        category="bathing",
        price_fen=7500,
        funding_mode="commercial",
    )
    assert quote(service=shop, care_recipient=grandma_li, quantity=1, on=ON).subsidy_fen == 0


@pytest.mark.django_db
def test_the_programme_that_pays_most_is_used(bathing, grandma_li, grandma_eligible, bureau):
    generous = make_programme(
        bureau, name_zh="特困全额", rule=Programme.Rule.FULL, rate_cap_fen=None
    )
    make_eligible(grandma_li, generous)
    split = quote(service=bathing, care_recipient=grandma_li, quantity=1, on=ON)
    assert (split.programme_id, split.subsidy_fen, split.copay_fen) == (generous.pk, 7500, 0)


@pytest.mark.django_db
def test_a_public_service_is_refused_to_someone_not_eligible(provider_a, grandma_li, programme):
    visits = publish(
        provider_a,
        title_zh="独居探访",
        category="companionship",
        price_fen=5000,
        funding_mode="public",
    )
    with pytest.raises(NotEligible):
        quote(service=visits, care_recipient=grandma_li, quantity=1, on=ON)


@pytest.mark.django_db
def test_a_programme_for_another_district_does_not_apply(bathing, grandma_li, programme):
    from communities.models import Region

    elsewhere = Region.objects.create(
        code="310101", level="district", name_zh="黄浦区", name_en="Huangpu"
    )
    Programme.objects.filter(pk=programme.pk).update(region=elsewhere)
    make_eligible(grandma_li, programme)
    assert quote(service=bathing, care_recipient=grandma_li, quantity=1, on=ON).subsidy_fen == 0
