"""A programme grants by assessed care level: the month's allowance follows the level that
holds on the day of the visit, and eligibility criteria read the same level."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from billing.models import Entitlement, MonthlyUsage, Programme
from billing.services import criteria_unmet
from billing.subsidy import quote
from tests.assessments.conftest import ABLE, MODERATE, assess, days
from tests.billing.conftest import make_eligible, make_programme

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    """The messages are matched in English; tests/i18n checks that they exist in Chinese."""
    with translation.override("en"):
        yield


@pytest.fixture
def home_help(bureau, grandma_li):
    """Level 2 → 600 minutes a month, level 3 → 900 minutes and at most ¥500."""
    programme = make_programme(
        bureau,
        name_zh="居家照护",
        rule=Programme.Rule.FULL,
        rate_cap_fen=None,
        monthly_cap_fen=None,
        min_age=None,
    )
    Entitlement.objects.create(programme=programme, care_level=2, minutes_per_month=600)
    Entitlement.objects.create(
        programme=programme, care_level=3, minutes_per_month=900, fen_per_month=50000
    )
    make_eligible(grandma_li, programme)
    return programme


def on_visit_day():
    return timezone.localdate() + days(2)


def test_the_assessed_level_grants_its_monthly_minutes(
    bathing, grandma_li, community_staff, home_help
):
    assess(grandma_li, community_staff, MODERATE)
    day = on_visit_day()
    MonthlyUsage.objects.create(
        care_recipient=grandma_li,
        programme=home_help,
        month=day.replace(day=1),
        used_minutes=540,
    )
    split = quote(service=bathing, care_recipient=grandma_li, quantity=1, on=day)
    # 60 of level 2's 600 minutes are left: two thirds of the ¥75.00 visit.
    assert (split.subsidy_fen, split.minutes, split.programme_id) == (5000, 60, home_help.pk)
    assert split.allowance.monthly_cap_minutes == 600


def test_a_level_the_programme_names_no_entitlement_for_gets_nothing(
    bathing, grandma_li, community_staff, home_help
):
    assess(grandma_li, community_staff, ABLE)
    split = quote(service=bathing, care_recipient=grandma_li, quantity=1, on=on_visit_day())
    assert (split.subsidy_fen, split.programme_id) == (0, None)


def test_a_lapsed_assessment_ends_the_entitlement(bathing, grandma_li, community_staff, home_help):
    assessment = assess(grandma_li, community_staff, MODERATE)
    after = assessment.valid_until + days(1)
    split = quote(service=bathing, care_recipient=grandma_li, quantity=1, on=after)
    assert split.subsidy_fen == 0


def test_money_and_minutes_both_bind_and_the_lower_wins(
    bathing, grandma_li, community_staff, home_help
):
    grandma_li.disability_level = 3  # typed in; no assessment yet
    day = on_visit_day()
    MonthlyUsage.objects.create(
        care_recipient=grandma_li, programme=home_help, month=day.replace(day=1), used_fen=47000
    )
    split = quote(service=bathing, care_recipient=grandma_li, quantity=1, on=day)
    assert (split.subsidy_fen, split.minutes) == (3000, 90)


def test_a_programme_without_entitlements_keeps_its_flat_cap(
    bathing, grandma_li, grandma_eligible, programme
):
    split = quote(service=bathing, care_recipient=grandma_li, quantity=1, on=on_visit_day())
    assert split.subsidy_fen == 4800
    assert split.allowance.monthly_cap_fen == programme.monthly_cap_fen


def test_eligibility_reads_the_assessed_level_not_the_typed_one(
    grandma_li, community_staff, bureau
):
    needs_level_2 = make_programme(bureau, min_age=None, min_disability_level=2)
    today = timezone.localdate()
    grandma_li.disability_level = 4
    grandma_li.save(update_fields=["disability_level"])
    assert criteria_unmet(needs_level_2, grandma_li, today) == []
    assess(grandma_li, community_staff, ABLE, on=today - days(1))
    unmet = [str(u) for u in criteria_unmet(needs_level_2, grandma_li, today)]
    assert len(unmet) == 1 and "care level 2 or higher" in unmet[0]
    assert "assessed on" in unmet[0]
    assess(grandma_li, community_staff, MODERATE)
    assert criteria_unmet(needs_level_2, grandma_li, today) == []
    assert criteria_unmet(needs_level_2, grandma_li, today - days(2)) == []
    assert criteria_unmet(needs_level_2, grandma_li, datetime.date(2030, 1, 1)) != []


def test_the_family_sees_the_level_and_what_is_left_of_the_month(
    client, grandma_li, community_staff, daughter, other_resident, bureau
):
    programme = make_programme(bureau, min_age=None, monthly_cap_fen=None)
    Entitlement.objects.create(programme=programme, care_level=2, minutes_per_month=600)
    make_eligible(grandma_li, programme)
    assess(grandma_li, community_staff)
    url = reverse("care:person", args=[grandma_li.pk])
    client.force_login(daughter)
    page = client.get(url).content.decode()
    assert "中度失能" in page and "600" in page
    client.force_login(other_resident)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_an_officer_sets_an_entitlement_in_yuan_and_others_cannot(
    client, programme, district_officer, other_street_staff
):
    url = reverse("purchase:programme_entitlement", args=[programme.pk])
    client.force_login(district_officer)
    client.post(url, {"care_level": "2", "minutes_per_month": "600", "yuan_per_month": "480.50"})
    entitlement = Entitlement.objects.get(programme=programme)
    assert (entitlement.minutes_per_month, entitlement.fen_per_month) == (600, 48050)
    page = client.get(reverse("purchase:programme", args=[programme.pk])).content.decode()
    assert "¥480.50" in page
    client.post(url, {"care_level": "2", "minutes_per_month": "", "yuan_per_month": ""})
    assert not Entitlement.objects.exists()
    client.force_login(other_street_staff)
    assert client.post(url, {"care_level": "3", "minutes_per_month": "60"}).status_code == 404
    assert not Entitlement.objects.exists()
