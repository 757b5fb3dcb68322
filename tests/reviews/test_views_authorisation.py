"""Every review, complaint, feedback and grade URL, tried by everyone in the cast who has
no business with the object: 404 (or 403), and nothing changes."""

import datetime

import pytest
from django.urls import reverse

from providers.grading import QuarterFigures
from providers.models import ProviderGrade
from providers.services import propose_grade
from reviews import services
from reviews.models import Complaint, FeedbackRequest, Review
from tests.conftest import LOGGED_IN_CAST
from tests.reviews.conftest import review

pytestmark = pytest.mark.django_db

CAST = LOGGED_IN_CAST
STAFF_IN_SCOPE = {"community_staff", "street_staff", "platform_admin"}


@pytest.fixture
def objects(cast, closed_order, community_staff, provider_a):
    written = review(closed_order, cast["daughter"])
    services.moderate_review(review=written, by=community_staff, publish=True)
    complaint = services.file_complaint(
        by=cast["daughter"],
        provider=provider_a,
        order=closed_order,
        category="attitude",
        description="态度不好",
    )
    feedback = FeedbackRequest.objects.create(order=closed_order)
    figures = QuarterFigures(10, 4.0, 3, 0, 0, 0, 0, 0, 0)
    grade = propose_grade(provider=provider_a, quarter=datetime.date(2026, 7, 1), figures=figures)
    return {"review": written, "complaint": complaint, "feedback": feedback, "grade": grade}


def urls(order, objects) -> list[tuple[str, str, set[str]]]:
    """(method, url, who may use it)."""
    written, complaint = objects["review"], objects["complaint"]
    feedback, grade = objects["feedback"], objects["grade"]
    return [
        ("get", reverse("reviews:write", args=[order.code]), {"daughter"}),
        ("post", reverse("reviews:write", args=[order.code]), {"daughter"}),
        (
            "get",
            reverse("reviews:provider_reviews", args=[order.provider_id]),
            {"provider_manager"},
        ),
        ("post", reverse("reviews:reply", args=[written.pk]), {"provider_manager"}),
        ("get", reverse("reviews:complaint", args=[complaint.pk]), {"daughter"}),
        ("get", reverse("reviews:feedback", args=[feedback.token]), {"daughter"}),
        ("post", reverse("reviews:feedback", args=[feedback.token]), {"daughter"}),
        ("post", reverse("review_moderation:decide", args=[written.pk, "hide"]), STAFF_IN_SCOPE),
        ("get", reverse("complaints:detail", args=[complaint.pk]), STAFF_IN_SCOPE),
        ("post", reverse("complaints:answer", args=[complaint.pk]), STAFF_IN_SCOPE),
        ("post", reverse("grades:confirm", args=[grade.pk]), STAFF_IN_SCOPE),
    ]


def state(objects) -> tuple:
    return (
        Review.objects.get(pk=objects["review"].pk).status,
        Review.objects.get(pk=objects["review"].pk).reply,
        Complaint.objects.get(pk=objects["complaint"].pk).outcome,
        FeedbackRequest.objects.get(pk=objects["feedback"].pk).answered_at,
        ProviderGrade.objects.get(pk=objects["grade"].pk).confirmed,
    )


POSTED = {
    "reason": "x",
    "text": "谢谢",
    "outcome": "upheld",
    "note": "x",
    "happened_as_recorded": "no",
    "asked_to_pay_extra": "yes",
    "overall": "5",
    "punctuality": "5",
    "attitude": "5",
    "quality": "5",
}


@pytest.mark.parametrize("who", CAST)
def test_everyone_else_gets_404_and_nothing_changes(client, cast, closed_order, objects, who):
    client.force_login(cast[who])
    before = state(objects)
    tried = 0
    for method, url, allowed in urls(closed_order, objects):
        if who in allowed:
            continue
        data = {
            **POSTED,
            **{
                f"grade-{objects['grade'].pk}-{k}": v
                for k, v in {"confirmed": "D", "note": "x"}.items()
            },
        }
        response = getattr(client, method)(url, data if method == "post" else None)
        assert response.status_code in (403, 404), (who, method, url, response.status_code)
        tried += 1
    assert tried >= 4
    assert state(objects) == before


@pytest.mark.parametrize("who", CAST)
def test_the_people_involved_get_in(client, cast, closed_order, objects, who):
    client.force_login(cast[who])
    for method, url, allowed in urls(closed_order, objects):
        if who in allowed and method == "get":
            assert client.get(url).status_code == 200, (who, url)


def test_anonymous_visitors_are_sent_to_log_in(client, closed_order, objects):
    for method, url, _allowed in urls(closed_order, objects):
        response = getattr(client, method)(url)
        assert response.status_code in (302, 404), url
        if response.status_code == 302:
            assert response.url.startswith(reverse("account_login")), url
    assert not Review.objects.filter(status="hidden").exists()


@pytest.mark.parametrize("who", ["other_street_staff", "son", "other_resident"])
def test_lists_show_nothing_of_other_communities_or_families(client, cast, objects, who):
    client.force_login(cast[who])
    pages = [reverse("reviews:complaints")]
    if who == "other_street_staff":
        pages += [
            reverse("review_moderation:queue"),
            reverse("complaints:index"),
            reverse("grades:index"),
        ]
    for page in pages:
        body = client.get(page).content.decode()
        assert "态度不好" not in body and "安馨居家养老服务社" not in body, page


def test_outsiders_cannot_file_about_someone_elses_order(client, cast, closed_order):
    client.force_login(cast["other_resident"])
    url = reverse("reviews:file_complaint") + f"?order={closed_order.code}"
    assert client.get(url).status_code == 404
    response = client.post(
        reverse("reviews:file_complaint"),
        {"order": closed_order.code, "category": "quality", "description": "x"},
    )
    assert response.status_code == 404
    assert not Complaint.objects.exists()
