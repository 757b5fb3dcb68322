"""The officer's page of providers their programmes buy from (decision 0039): figures
counted from the rows made here, and nobody else's providers on it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.models import Purchaser
from orders.models import Order
from providers.grading import previous_quarter, quarter_of
from providers.models import DocumentKind, Provider, ProviderDocument, ProviderGrade
from reviews import quality
from reviews import services as review_services
from reviews.grading import quarter_bounds
from reviews.models import Complaint, SpotCheck
from tests.billing import conftest as billing_fixtures
from tests.orders.conftest import book, put_in
from tests.reviews.test_grading_figures import insurance
from tests.statements.conftest import huangpu_officer

bathing = billing_fixtures.bathing
bathing_slots = billing_fixtures.bathing_slots
bureau = billing_fixtures.bureau
programme = billing_fixtures.programme
huangpu_officer = huangpu_officer

pytestmark = pytest.mark.django_db


def last_quarter_middle() -> datetime.datetime:
    start, _end = quarter_bounds(previous_quarter(quarter_of(timezone.localdate())))
    return start + datetime.timedelta(days=40)


def document(provider, kind, expires_on) -> ProviderDocument:
    return insurance(provider, kind, expires_on=expires_on)


@pytest.fixture
def last_quarter(provider_a, daughter, grandma_li, bathing_slots, programme, community_staff):
    """Four visits and one complaint in the last quarter, one complaint this quarter, two
    grades (the later one only proposed) and four spot checks (one still open)."""
    for slot in bathing_slots[:4]:
        order = put_in(book(daughter, slot, grandma_li), Order.Status.COMPLETED)
        Order.objects.filter(pk=order.pk).update(starts_at=last_quarter_middle())
    for when in (last_quarter_middle(), timezone.now()):
        complaint = review_services.file_complaint(
            by=daughter,
            provider=provider_a,
            care_recipient=grandma_li,
            category="attitude",
            description="态度",
        )
        Complaint.objects.filter(pk=complaint.pk).update(created_at=when)
    ProviderGrade.objects.create(
        provider=provider_a,
        quarter=datetime.date(2026, 1, 1),
        score=80,
        proposed="B",
        confirmed="B",
    )
    ProviderGrade.objects.create(
        provider=provider_a, quarter=datetime.date(2026, 4, 1), score=50, proposed="D"
    )
    for outcome in ("passed", "failed", "failed", ""):
        SpotCheck.objects.create(
            provider=provider_a,
            method=SpotCheck.Method.ON_SITE,
            outcome=outcome,
            checked_at=timezone.now() if outcome else None,
            checked_by=community_staff if outcome else None,
        )
    return provider_a


def test_the_figures_are_counted_from_what_happened(last_quarter, bureau):
    [row] = quality.quality_of(quality.providers_bought_from([bureau]), timezone.localdate())
    assert row.provider == last_quarter
    assert (row.grade, row.grade_quarter) == ("B", datetime.date(2026, 1, 1))
    assert (row.visits, row.complaints, row.complaints_per_hundred) == (4, 1, 25)
    assert (row.spot_checks_passed, row.spot_checks_failed) == (1, 2)
    assert row.documents == quality.DOCUMENTS_MISSING


def test_the_worst_document_decides_its_state(provider_a):
    today = timezone.localdate()
    document(provider_a, DocumentKind.SOCIAL_ORG_REGISTRATION, today + datetime.timedelta(days=300))
    assert quality.document_state(provider_a, today) == quality.DOCUMENTS_MISSING
    insurance = document(provider_a, DocumentKind.LIABILITY_INSURANCE, today)
    assert quality.document_state(provider_a, today) == quality.DOCUMENTS_EXPIRING
    ProviderDocument.objects.filter(pk=insurance.pk).update(
        expires_on=today - datetime.timedelta(days=1)
    )
    assert quality.document_state(provider_a, today) == quality.DOCUMENTS_EXPIRED
    ProviderDocument.objects.filter(pk=insurance.pk).update(
        expires_on=today + datetime.timedelta(days=30)
    )
    assert quality.document_state(provider_a, today) == quality.DOCUMENTS_VALID


def test_an_officer_sees_only_the_providers_their_programmes_contracted(
    client, last_quarter, district_officer, huangpu_officer
):
    elsewhere = Provider.objects.create(
        name="远方家政", kind="merchant", status=Provider.Status.APPROVED
    )
    huangpu = Purchaser.objects.get(officers__user=huangpu_officer)
    billing_fixtures.make_programme(huangpu, contracted=[elsewhere], name_zh="黄浦助老")
    client.force_login(district_officer)
    response = client.get(reverse("purchase:providers"))
    assert [row.provider for row in response.context["rows"]] == [last_quarter]
    assert "远方家政" not in response.text
    client.force_login(huangpu_officer)
    response = client.get(reverse("purchase:providers"))
    assert [row.provider for row in response.context["rows"]] == [elsewhere]
    assert last_quarter.name not in response.text


@pytest.mark.parametrize("who", ["community_staff", "provider_manager", "daughter"])
def test_nobody_but_officers_finds_the_page(client, cast, last_quarter, who):
    client.force_login(cast[who])
    assert client.get(reverse("purchase:providers")).status_code == 404
