"""Officers make, change and end a programme's contracts, on its page, with every change in
the audit log (decision 0033)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import ModelLogEntry

from billing import contracting
from billing.exceptions import BillingError
from billing.models import Contract, ContractItem
from tests.billing.conftest import make_programme
from tests.marketplace.conftest import publish

pytestmark = pytest.mark.django_db


def this_month() -> datetime.date:
    return timezone.localdate().replace(day=1)


def next_month() -> datetime.date:
    return (this_month() + datetime.timedelta(days=32)).replace(day=1)


@pytest.fixture
def uncontracted(bureau, provider_a):
    return make_programme(bureau, contracted=[])


def terms(**changes) -> contracting.ContractTerms:
    fields = {"first_month": this_month(), "last_month": next_month()}
    fields.update(changes)
    return contracting.ContractTerms(**fields)


def test_an_officer_contracts_a_provider_at_a_rate_and_it_is_logged(
    uncontracted, provider_a, bathing, district_officer
):
    made = contracting.create_contract(
        programme=uncontracted,
        provider=provider_a,
        terms=terms(
            items=(contracting.ItemTerms(service=bathing, rate_fen=5000),),
            quota_fen=1_000_000,
        ),
        by=district_officer,
    )

    assert (made.first_month, made.last_month, made.quota_fen) == (
        this_month(),
        next_month(),
        1_000_000,
    )
    assert list(made.items.values_list("service", "rate_fen", "per")) == [
        (bathing.pk, 5000, ContractItem.Per.UNIT)
    ]
    entry = ModelLogEntry.objects.for_instance(made).get()
    assert (entry.action, entry.user) == (contracting.CONTRACT_CREATED, district_officer)
    assert entry.data["provider"] == provider_a.name


@pytest.mark.parametrize("who", ["community_staff", "provider_manager", "other_resident"])
def test_nobody_but_the_purchasers_officers_may_contract(cast, uncontracted, provider_a, who):
    with pytest.raises(PermissionDenied):
        contracting.create_contract(
            programme=uncontracted, provider=provider_a, terms=terms(), by=cast[who]
        )
    assert not Contract.objects.exists()


def test_two_contracts_with_one_provider_for_the_same_month_are_refused(
    uncontracted, provider_a, district_officer
):
    contracting.create_contract(
        programme=uncontracted, provider=provider_a, terms=terms(), by=district_officer
    )
    with translation.override("en"), pytest.raises(BillingError) as refusal:
        contracting.create_contract(
            programme=uncontracted,
            provider=provider_a,
            terms=terms(first_month=next_month()),
            by=district_officer,
        )
    assert "already has a contract" in str(refusal.value.message)
    assert Contract.objects.count() == 1


def test_a_contract_outside_the_programmes_period_is_refused(
    uncontracted, provider_a, district_officer
):
    with pytest.raises(BillingError):
        contracting.create_contract(
            programme=uncontracted,
            provider=provider_a,
            terms=terms(last_month=datetime.date(2030, 1, 1)),
            by=district_officer,
        )
    assert not Contract.objects.exists()


def test_a_service_of_another_provider_is_refused_on_the_contract(
    uncontracted, provider_a, district_officer, other_provider_manager
):
    theirs = publish(other_provider_manager.provider_memberships.get().provider, title_zh="保洁")
    with pytest.raises(BillingError):
        contracting.create_contract(
            programme=uncontracted,
            provider=provider_a,
            terms=terms(items=(contracting.ItemTerms(service=theirs, rate_fen=100),)),
            by=district_officer,
        )
    assert not Contract.objects.exists()


def test_a_quota_is_never_cut_below_what_bookings_hold(programme, district_officer):
    made = programme.contracts.get()
    Contract.objects.filter(pk=made.pk).update(used_fen=4800)
    made.refresh_from_db()
    with pytest.raises(BillingError):
        contracting.update_contract(
            contract=made,
            terms=terms(first_month=made.first_month, last_month=made.last_month, quota_fen=4000),
            by=district_officer,
        )
    made.refresh_from_db()
    assert (made.quota_fen, made.used_fen) == (None, 4800)

    changed = contracting.update_contract(
        contract=made,
        terms=terms(first_month=made.first_month, last_month=made.last_month, quota_fen=4800),
        by=district_officer,
    )
    changed.refresh_from_db()
    assert (changed.quota_fen, changed.used_fen) == (4800, 4800)


def test_an_officer_ends_a_contract_from_this_month_with_a_reason_never_earlier(
    programme, district_officer
):
    made = programme.contracts.get()
    earlier = (this_month() - datetime.timedelta(days=1)).replace(day=1)
    with pytest.raises(BillingError):
        contracting.end_contract(
            contract=made, last_month=earlier, reason="投诉过多", by=district_officer
        )

    contracting.end_contract(
        contract=made, last_month=this_month(), reason="投诉过多", by=district_officer
    )

    made.refresh_from_db()
    assert made.last_month == this_month()
    entry = ModelLogEntry.objects.for_instance(made).get()
    assert entry.action == contracting.CONTRACT_ENDED
    assert entry.data["reason"] == "投诉过多"


def test_the_officer_contracts_through_the_programme_page_in_yuan(
    client, uncontracted, provider_a, bathing, district_officer
):
    client.force_login(district_officer)
    page = client.get(reverse("purchase:programme", args=[uncontracted.pk]))
    assert reverse("purchase:contract_new", args=[uncontracted.pk]) in page.content.decode()

    response = client.post(
        reverse("purchase:contract_new", args=[uncontracted.pk]),
        {
            "provider": provider_a.pk,
            "first_month": f"{this_month():%Y-%m}",
            "last_month": f"{next_month():%Y-%m}",
            "quota_fen": "3000.50",
            "quota_hours": "40",
            "note": "",
            "form-TOTAL_FORMS": "3",
            "form-INITIAL_FORMS": "0",
            "form-0-service": bathing.pk,
            "form-0-rate_fen": "50.00",
            "form-0-per": "unit",
            "form-1-per": "unit",
            "form-2-per": "unit",
        },
    )

    made = Contract.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("purchase:contract", args=[made.pk])
    assert (made.quota_fen, made.quota_minutes) == (300050, 2400)
    assert list(made.items.values_list("rate_fen", flat=True)) == [5000]


@pytest.mark.parametrize(
    ("who", "expected"),
    [("district_officer", 200), ("community_staff", 404), ("provider_manager", 404)],
)
def test_a_contracts_page_is_its_purchasers_officers_only(client, cast, programme, who, expected):
    client.force_login(cast[who])
    made = programme.contracts.first()
    assert client.get(reverse("purchase:contract", args=[made.pk])).status_code == expected
    assert client.get(reverse("purchase:contract_new", args=[programme.pk])).status_code == expected
