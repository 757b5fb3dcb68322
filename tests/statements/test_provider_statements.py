"""The provider's side of the bill in the provider console, and the officer's contested
lines in the workspace: who sees what, and the screens calling their services."""

import pytest
from django.urls import reverse
from django.utils import timezone

from statements import contests, payments, services
from statements.models import LineContest
from tests.statements.conftest import REASON, evidence

pytestmark = pytest.mark.django_db


@pytest.fixture
def contested(excluded, provider_manager) -> LineContest:
    return contests.contest_line(
        line=excluded, by=provider_manager, reason=REASON, evidence=evidence()
    )


def test_the_manager_sees_issued_statements_and_not_drafts(
    client, approved, provider_manager, bureau, provider_a, district_officer, month
):
    draft = services.open_statement(
        purchaser=bureau,
        provider=provider_a,
        month=services.next_month(month),
        by=district_officer,
    )
    client.force_login(provider_manager)

    listing = client.get(reverse("statements:provider_statements", args=[provider_a.pk]))

    assert [s for s, _totals in listing.context["statements"]] == [approved]
    assert client.get(reverse("statements:statement", args=[draft.pk])).status_code == 404


def test_the_statement_page_shows_lines_exclusions_and_the_payment(
    client, approved, excluded, provider_manager, district_officer
):
    paid_on = timezone.localdate()  # the day of approval: no earlier, no later than today
    payments.record_payment(
        statement=approved, by=district_officer, reference="ZF2026120001", paid_on=paid_on
    )
    client.force_login(provider_manager)

    page = client.get(reverse("statements:statement", args=[approved.pk])).content.decode()

    assert "缺少服务照片" in page and excluded.order_code in page
    assert "ZF2026120001" in page and f"{paid_on:%Y-%m-%d}" in page
    assert "¥96.00" in page
    assert f'action="{reverse("statements:contest", args=[excluded.pk])}"' in page


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("provider_manager", 200),
        ("caregiver", 404),
        ("other_provider_manager", 404),
        ("district_officer", 404),
        ("daughter", 404),
    ],
)
def test_only_the_providers_managers_open_its_statement_and_evidence(
    client, cast, approved, contested, who, expected
):
    client.force_login(cast[who])
    provider = approved.provider
    for url in (
        reverse("statements:provider_statements", args=[provider.pk]),
        reverse("statements:statement", args=[approved.pk]),
        reverse("statements:evidence_file", args=[contested.evidence.get().pk]),
    ):
        assert client.get(url).status_code == expected, url


def test_contesting_through_the_page_sends_the_reason_and_the_file(
    client, approved, excluded, provider_manager
):
    client.force_login(provider_manager)

    client.post(
        reverse("statements:contest", args=[excluded.pk]),
        {"reason": REASON, "evidence": evidence()},
    )

    contest = LineContest.objects.get(line=excluded)
    assert (contest.reason, contest.evidence.get().content_type) == (REASON, "image/png")


def test_another_providers_manager_cannot_contest_the_line(
    client, excluded, other_provider_manager
):
    client.force_login(other_provider_manager)

    response = client.post(
        reverse("statements:contest", args=[excluded.pk]),
        {"reason": REASON, "evidence": evidence()},
    )

    assert response.status_code == 404
    assert not LineContest.objects.exists()


def test_a_contest_without_a_file_is_refused_with_a_message(client, excluded, provider_manager):
    client.force_login(provider_manager)

    response = client.post(
        reverse("statements:contest", args=[excluded.pk]), {"reason": REASON}, follow=True
    )

    assert not LineContest.objects.exists()
    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["请附上证明材料：PDF、JPEG 或 PNG 文件。"]


def test_the_officer_upholds_a_contest_in_the_workspace(client, contested, district_officer, month):
    client.force_login(district_officer)
    assert contested.line.order_code in client.get(reverse("contests:index")).content.decode()
    assert client.get(reverse("contests:detail", args=[contested.pk])).status_code == 200
    assert (
        client.get(
            reverse("contests:evidence_file", args=[contested.evidence.get().pk])
        ).status_code
        == 200
    )

    client.post(
        reverse("contests:resolve", args=[contested.pk]),
        {"decision": "uphold", "answer": "照付"},
    )

    contested.refresh_from_db()
    assert contested.status == "upheld"
    assert contested.adjustment.statement.month == services.next_month(month)


@pytest.mark.parametrize("who", ["provider_manager", "other_street_staff", "community_staff"])
def test_the_contest_screens_do_not_exist_for_others(client, cast, contested, who):
    client.force_login(cast[who])
    for method, url in (
        ("get", reverse("contests:index")),
        ("get", reverse("contests:detail", args=[contested.pk])),
        ("get", reverse("contests:evidence_file", args=[contested.evidence.get().pk])),
        ("post", reverse("contests:resolve", args=[contested.pk])),
    ):
        assert getattr(client, method)(url).status_code == 404, url
    contested.refresh_from_db()
    assert contested.status == "open"


def test_an_officer_of_another_purchaser_gets_404_on_the_contest(
    client, contested, huangpu_officer
):
    client.force_login(huangpu_officer)

    assert client.get(reverse("contests:detail", args=[contested.pk])).status_code == 404
    response = client.post(
        reverse("contests:resolve", args=[contested.pk]), {"decision": "uphold", "answer": "照付"}
    )

    assert response.status_code == 404
    contested.refresh_from_db()
    assert contested.status == "open"
