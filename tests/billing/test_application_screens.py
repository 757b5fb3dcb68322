"""The application screens: the family's on the site, staff's queue in the workspace, and
the evidence, each shown only to those who may see it (404 otherwise)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from billing import applications
from billing.models import Application, Entitlement
from tests.providers.conftest import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_grandma(grandma_li):
    grandma_li.birth_date = datetime.date(1941, 3, 8)
    grandma_li.save(update_fields=["birth_date"])
    return grandma_li


@pytest.fixture
def submitted(old_grandma, programme, daughter):
    return applications.apply_for_programme(
        care_recipient=old_grandma,
        programme=programme,
        by=daughter,
        upload=upload("hukou.pdf"),
        note="独居",
    )


def test_the_daughter_applies_from_her_mothers_page(client, old_grandma, programme, daughter):
    client.force_login(daughter)
    page = client.get(reverse("accounts:care_recipient", args=[old_grandma.pk]))
    assert reverse("applications:new", args=[old_grandma.pk]) in page.content.decode()

    response = client.post(
        reverse("applications:new", args=[old_grandma.pk]),
        {"programme": programme.pk, "file": upload("hukou.pdf"), "description": "户口本"},
    )

    application = Application.objects.get()
    assert response.url == reverse("applications:detail", args=[application.pk])
    assert application.evidence.get().description == "户口本"


def test_a_refused_application_shows_its_status_and_reason_on_her_page(
    client, submitted, community_staff, daughter
):
    applications.refuse_application(application=submitted, by=community_staff, reason="户籍不符")
    client.force_login(daughter)
    page = client.get(reverse("accounts:care_recipient", args=[submitted.care_recipient_id]))
    body = page.content.decode()
    assert "未通过" in body
    assert "户籍不符" in body


@pytest.mark.parametrize(
    ("language", "refusal"),
    [("zh-hans", "已有一份高龄助浴补贴的申请正在办理"), ("en", "already has an application")],
)
def test_a_second_application_is_refused_in_the_readers_language(
    client, settings, submitted, son, language, refusal
):
    submitted.care_recipient.links.create(account=son, relationship="child")
    client.force_login(son)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(
        reverse("applications:new", args=[submitted.care_recipient_id]),
        {"programme": submitted.programme_id, "file": upload("again.pdf")},
    )
    assert response.status_code == 200
    assert refusal in response.content.decode()
    assert Application.objects.count() == 1


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("daughter", 200),
        ("community_staff", 200),
        ("street_staff", 200),
        ("other_resident", 404),
        ("other_street_staff", 404),
        ("provider_manager", 404),
        ("district_officer", 404),
    ],
)
def test_the_application_and_its_evidence_are_seen_only_by_family_and_staff_in_scope(
    client, cast, submitted, who, expected
):
    client.force_login(cast[who])
    evidence = submitted.evidence.get()
    assert client.get(reverse("applications:detail", args=[submitted.pk])).status_code == expected
    file = client.get(reverse("applications:evidence_file", args=[evidence.pk]))
    assert file.status_code == expected
    if expected == 200:
        assert file["Content-Disposition"].startswith("attachment")
        assert file["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("community_staff", 200),
        ("street_staff", 200),
        ("other_street_staff", 404),
        ("daughter", 404),
        ("district_officer", 404),
    ],
)
def test_the_staff_queue_and_decision_page_follow_the_staff_scope(
    client, cast, submitted, who, expected
):
    client.force_login(cast[who])
    detail = client.get(reverse("application_queue:detail", args=[submitted.pk]))
    assert detail.status_code == expected
    queue = client.get(reverse("application_queue:queue"))
    if expected == 200:
        assert "李秀兰" in queue.content.decode()
    else:
        assert queue.status_code == 404 or "李秀兰" not in queue.content.decode()


def test_staff_approve_from_the_queue_and_the_dashboard_counts_it_no_more(
    client, submitted, community_staff
):
    client.force_login(community_staff)
    assert "待审核的补贴申请" in client.get(reverse("wagtailadmin_home")).content.decode()
    today = timezone.localdate()
    response = client.post(
        reverse("application_queue:approve", args=[submitted.pk]),
        {"valid_from": today.isoformat(), "valid_until": "2027-12-31"},
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Application.Status.APPROVED
    assert submitted.eligibility.evidence.count() == 1


def test_the_persons_workspace_page_gives_each_field_its_own_id(
    client, old_grandma, programme, community_staff
):
    client.force_login(community_staff)
    page = client.get(reverse("eligibility:recipient", args=[old_grandma.pk])).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert 'id="id_apply-programme"' in page and 'id="id_programme"' in page
    assert sorted(ids) == sorted(set(ids))


def test_staff_apply_for_someone_without_an_account(
    client, old_grandma, programme, community_staff
):
    client.force_login(community_staff)
    response = client.post(
        reverse("application_queue:apply", args=[old_grandma.pk]),
        {"apply-programme": programme.pk, "apply-file": upload("hukou.pdf")},
    )
    application = Application.objects.get()
    assert response.url == reverse("application_queue:detail", args=[application.pk])
    assert application.applied_by == community_staff


def test_staff_of_another_street_cannot_apply_for_her(
    client, old_grandma, programme, other_street_staff
):
    client.force_login(other_street_staff)
    response = client.post(
        reverse("application_queue:apply", args=[old_grandma.pk]),
        {"apply-programme": programme.pk, "apply-file": upload("hukou.pdf")},
    )
    assert response.status_code == 404
    assert not Application.objects.exists()


def test_an_application_waiting_for_an_assessment_is_on_staffs_assessments_to_do(
    client, old_grandma, programme, daughter, community_staff
):
    Entitlement.objects.create(programme=programme, care_level=2, minutes_per_month=600)
    application = applications.apply_for_programme(
        care_recipient=old_grandma, programme=programme, by=daughter, upload=upload("a.pdf")
    )
    applications.approve_application(
        application=application,
        by=community_staff,
        valid_from=timezone.localdate(),
        valid_until=datetime.date(2027, 12, 31),
    )
    client.force_login(community_staff)

    to_do = client.get(reverse("assessments:queue")).content.decode()
    assert "李秀兰" in to_do
    assert reverse("assessments:new", args=[old_grandma.pk]) in to_do
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "补贴申请等待的需求评估" in home
