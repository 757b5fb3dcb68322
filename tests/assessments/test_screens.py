"""Staff assess through the workspace; the family reads the level and the month's
allowance on the person's care page; officers set entitlements on the programme page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.instrument import ITEM_FIELDS
from assessments.models import Assessment
from tests.assessments.conftest import MODERATE, assess
from tests.providers.conftest import upload

pytestmark = pytest.mark.django_db


def form_data(**changes) -> dict:
    data = {
        "assessed_on": timezone.localdate().isoformat(),
        "cognition": "mild",
        "living_situation": "family",
        "notes": "走路需扶",
        **{field: str(MODERATE[field]) for field in ITEM_FIELDS},
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("community_staff", 200),
        ("street_staff", 200),
        ("other_street_staff", 404),
        ("district_officer", 404),
        ("provider_manager", 404),
    ],
)
def test_the_assessment_form_follows_the_staff_scope(client, cast, grandma_li, who, expected):
    client.force_login(cast[who])
    url = reverse("assessments:new", args=[grandma_li.pk])
    assert client.get(url).status_code == expected
    assert client.post(url, form_data()).status_code in {expected, 302}
    if expected == 404:
        assert not Assessment.objects.exists()


@pytest.mark.parametrize(
    ("language", "words"),
    [("zh-hans", ["进食", "上下楼梯", "记录评估"]), ("en", ["Feeding", "Stairs", "Record"])],
)
def test_staff_assess_through_the_form_in_either_language(
    client, grandma_li, community_staff, language, words
):
    client.force_login(community_staff)
    client.cookies["django_language"] = language
    community_staff.language = language
    community_staff.save(update_fields=["language"])
    page = client.get(reverse("assessments:new", args=[grandma_li.pk])).content.decode()
    assert all(word in page for word in words)
    assert page.count("<fieldset") >= 12  # each item, cognition and living situation
    response = client.post(reverse("assessments:new", args=[grandma_li.pk]), form_data())
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert (assessment.care_level, assessment.living_situation) == (2, "family")
    detail = client.get(reverse("eligibility:recipient", args=[grandma_li.pk])).content.decode()
    assert reverse("assessments:detail", args=[assessment.pk]) in detail


def test_a_bad_score_is_shown_and_nothing_is_saved(client, grandma_li, community_staff):
    client.force_login(community_staff)
    response = client.post(reverse("assessments:new", args=[grandma_li.pk]), form_data(feeding="7"))
    assert response.status_code == 200
    assert "feeding" in response.context["form"].errors
    assert not Assessment.objects.exists()


def test_a_future_date_is_refused_with_the_services_message(client, grandma_li, community_staff):
    client.force_login(community_staff)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(
        reverse("assessments:new", args=[grandma_li.pk]), form_data(assessed_on=tomorrow)
    )
    assert response.status_code == 200
    assert "评估日期不能晚于今天" in response.content.decode()
    assert not Assessment.objects.exists()


def test_evidence_is_served_as_an_attachment_to_staff_in_scope_only(
    client, grandma_li, community_staff, other_street_staff, daughter
):
    assessment = assess(grandma_li, community_staff)
    client.force_login(community_staff)
    client.post(
        reverse("assessments:evidence", args=[assessment.pk]),
        {"file": upload("signed-form.pdf"), "description": "签字评估表"},
    )
    item = assessment.evidence.get()
    response = client.get(reverse("assessments:evidence_file", args=[item.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    for outsider in (other_street_staff, daughter):
        client.force_login(outsider)
        assert client.get(reverse("assessments:evidence_file", args=[item.pk])).status_code == 404


def test_the_typed_level_cannot_be_changed_once_assessed(client, grandma_li, community_staff):
    assess(grandma_li, community_staff)
    client.force_login(community_staff)
    page = client.get(reverse("eligibility:recipient", args=[grandma_li.pk]))
    assert page.context["circumstances"].fields["disability_level"].disabled
