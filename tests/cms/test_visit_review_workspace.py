"""The staff workspace's visit reviews (issue 19, 2): community staff in scope see the
visits outside the limits and confirm or reject each with a reason; everyone else gets 404
on every URL, and nothing changes."""

import datetime

import pytest
from django.urls import reverse

from orders.models import VisitReview
from tests.conftest import LOGGED_IN_CAST
from tests.orders import test_visit_review as reviewed
from tests.reviews.test_screens import in_both_languages

pytestmark = pytest.mark.django_db

# The visit-review tests' fixtures: a subsidised 90-minute bath, due now.
bath = reviewed.bath
bathing = reviewed.bathing
bathing_slots = reviewed.bathing_slots
bureau = reviewed.bureau
grandma_eligible = reviewed.grandma_eligible
programme = reviewed.programme
visit = reviewed.visit

STAFF_IN_SCOPE = {"community_staff", "street_staff", "platform_admin"}


@pytest.fixture
def review(bath, caregiver) -> VisitReview:
    order = visit(bath, caregiver, stay=datetime.timedelta(minutes=3))
    return order.visit_review


def urls(review) -> list[tuple[str, str]]:
    return [
        ("get", reverse("visit_reviews:index")),
        ("post", reverse("visit_reviews:confirm", args=[review.pk])),
        ("post", reverse("visit_reviews:reject", args=[review.pk])),
    ]


@pytest.mark.parametrize("who", [w for w in LOGGED_IN_CAST if w not in STAFF_IN_SCOPE])
def test_everyone_else_gets_404_and_nothing_changes(client, cast, review, who):
    client.force_login(cast[who])
    for method, url in urls(review):
        data = {f"review-{review.pk}-reason": "看过了"} if method == "post" else None
        response = getattr(client, method)(url, data)
        if who == "other_street_staff" and method == "get":
            # Staff elsewhere have the screen, without this community's visits.
            assert response.status_code == 200
            assert review.order.code not in response.content.decode()
            continue
        assert response.status_code == 404, (who, method, url, response.status_code)
    review.refresh_from_db()
    assert review.status == "pending"


def test_anonymous_visitors_change_nothing(client, review):
    for method, url in urls(review):
        assert getattr(client, method)(url).status_code in (302, 404)
    review.refresh_from_db()
    assert review.status == "pending"


@pytest.mark.parametrize("who", sorted(STAFF_IN_SCOPE))
def test_staff_in_scope_see_the_visit_and_its_findings(client, cast, review, who):
    client.force_login(cast[who])
    body = client.get(reverse("visit_reviews:index")).content.decode()
    assert review.order.code in body


def test_the_screen_reads_in_both_languages(client, community_staff, review):
    client.force_login(community_staff)
    in_both_languages(
        client,
        reverse("visit_reviews:index"),
        "实际服务 3 分钟，预约 90 分钟",
        "Stayed 3 of 90 booked minutes",
    )


def test_a_confirmation_needs_a_reason(client, community_staff, review):
    client.force_login(community_staff)
    client.post(reverse("visit_reviews:confirm", args=[review.pk]), {})
    review.refresh_from_db()
    assert review.status == "pending"

    client.post(
        reverse("visit_reviews:confirm", args=[review.pk]),
        {f"review-{review.pk}-reason": "老人要求提前结束，已电话核实"},
    )
    review.refresh_from_db()
    assert (review.status, review.decision_reason) == ("confirmed", "老人要求提前结束，已电话核实")


def test_staff_reject_a_visit_from_the_screen(client, street_staff, review):
    client.force_login(street_staff)
    client.post(
        reverse("visit_reviews:reject", args=[review.pk]),
        {f"review-{review.pk}-reason": "老人说没有洗澡"},
    )
    review.refresh_from_db()
    assert (review.status, review.decided_by) == ("rejected", street_staff)
    assert review.order.billing_exclusion.note == "老人说没有洗澡"
