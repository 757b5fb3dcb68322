"""Beneficiary feedback (回访): a stable sample of subsidised visits, two questions, and a
"no" that opens a case and holds the statement line."""

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import Notification
from orders.models import Order
from reviews import services
from reviews.exceptions import ReviewsError
from reviews.models import Complaint, FeedbackRequest
from tests.reviews.conftest import days_ago

pytestmark = pytest.mark.django_db


def test_the_sample_is_stable_and_near_the_share_asked_for():
    orders = [Order(code=f"LL{number:08d}") for number in range(2000)]
    chosen = [order.code for order in orders if services.in_sample(order, 10)]
    assert 150 <= len(chosen) <= 250
    assert chosen == [order.code for order in orders if services.in_sample(order, 10)]
    assert not any(services.in_sample(order, 0) for order in orders)
    assert all(services.in_sample(order, 100) for order in orders)


def test_only_subsidised_closed_visits_are_asked_once(daughter, subsidised_visit, closed_order):
    assert services.request_feedback(since=days_ago(1), percent=100) == 1
    assert services.request_feedback(since=days_ago(1), percent=100) == 0
    asked = FeedbackRequest.objects.get()
    assert asked.order == subsidised_visit
    note = Notification.objects.get(kind="feedback", user=daughter)
    assert note.url == asked.get_absolute_url()


def test_no_share_asks_nobody(subsidised_visit):
    assert services.request_feedback(since=days_ago(1), percent=0) == 0


@pytest.fixture
def asked(subsidised_visit) -> FeedbackRequest:
    services.request_feedback(since=days_ago(1), percent=100)
    return FeedbackRequest.objects.get()


def test_yes_and_no_extra_closes_it_quietly(daughter, asked):
    services.answer_feedback(
        request=asked, by=daughter, happened_as_recorded=True, asked_to_pay_extra=False
    )
    asked.refresh_from_db()
    assert asked.answered_at and asked.complaint is None
    assert not Complaint.objects.exists()
    with pytest.raises(ReviewsError):
        services.answer_feedback(
            request=asked, by=daughter, happened_as_recorded=False, asked_to_pay_extra=False
        )


@pytest.mark.parametrize("happened, extra", [(False, False), (True, True), (False, True)])
def test_a_worrying_answer_opens_a_case_and_holds_the_line(
    daughter, asked, community_staff, happened, extra
):
    services.answer_feedback(
        request=asked, by=daughter, happened_as_recorded=happened, asked_to_pay_extra=extra
    )
    asked.refresh_from_db()
    case = asked.complaint
    assert case.category == "feedback" and case.is_open
    assert asked.order.holds.get(released_at__isnull=True).reason == "feedback"
    assert Notification.objects.filter(user=community_staff, kind="complaint").exists()

    services.answer_complaint(
        complaint=case, by=community_staff, outcome="resolved", note="已上门核实"
    )
    assert not asked.order.holds.filter(released_at__isnull=True).exists()


@pytest.mark.parametrize("who", ["son", "other_resident", "provider_manager", "caregiver"])
def test_only_the_family_answers(cast, asked, who):
    with pytest.raises(PermissionDenied):
        services.answer_feedback(
            request=asked, by=cast[who], happened_as_recorded=False, asked_to_pay_extra=True
        )
    asked.refresh_from_db()
    assert asked.answered_at is None
