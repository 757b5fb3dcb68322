"""The purchaser's screens (dashboard, statements, exports, reconciliation, programmes),
tried by everyone who has no business there."""

import datetime

import pytest
from django.urls import reverse

from statements import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(bureau, provider_a, district_officer, programme):
    statement = services.open_statement(
        purchaser=bureau, provider=provider_a, month=datetime.date(2026, 11, 1), by=district_officer
    )
    return services.issue_statement(statement=statement, by=district_officer)


def statement_urls(statement):
    return [
        ("get", reverse("purchase:statement", args=[statement.pk])),
        ("get", reverse("purchase:export", args=[statement.pk, "xlsx"])),
        ("post", reverse("purchase:statement_pdf", args=[statement.pk])),
        ("post", reverse("purchase:statement_step", args=[statement.pk, "review"])),
        ("post", reverse("purchase:statement_step", args=[statement.pk, "approve"])),
        ("post", reverse("purchase:statement_step", args=[statement.pk, "pay"])),
        ("post", reverse("purchase:statement_step", args=[statement.pk, "correct-payment"])),
    ]


def test_an_officer_of_another_district_gets_404_on_the_statement(client, issued, huangpu_officer):
    client.force_login(huangpu_officer)
    for method, url in statement_urls(issued):
        assert getattr(client, method)(url).status_code == 404, url
    issued.refresh_from_db()
    assert issued.status == "issued"
    listing = client.get(reverse("purchase:statements"), {"month": "2026-11"})
    assert list(listing.context["statements"]) == []


@pytest.mark.parametrize("who", ["community_staff", "street_staff"])
def test_community_staff_have_no_purchase_screens(client, cast, issued, who):
    client.force_login(cast[who])
    for method, url in statement_urls(issued) + [("get", reverse("purchase:dashboard"))]:
        assert getattr(client, method)(url).status_code == 404, url


@pytest.mark.parametrize("who", ["daughter", "provider_manager"])
def test_residents_and_providers_find_no_purchase_screens(client, cast, issued, who):
    client.force_login(cast[who])
    response = client.get(reverse("purchase:statement", args=[issued.pk]))
    assert response.status_code == 404


def test_the_officer_sees_every_screen(client, issued, district_officer):
    client.force_login(district_officer)
    for url in [
        reverse("purchase:dashboard"),
        reverse("purchase:statements"),
        reverse("purchase:statement", args=[issued.pk]),
        reverse("purchase:reconciliation"),
        reverse("purchase:programmes"),
        reverse("purchase:export", args=[issued.pk, "csv"]),
    ]:
        assert client.get(url).status_code == 200, url
