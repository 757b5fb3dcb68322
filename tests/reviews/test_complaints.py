"""Complaints: who may file, the answer-time flag to the street, the outcome the resident
reads, and the statement line held while a complaint about a subsidised visit is open."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.models import Notification
from orders.models import OrderHold
from reviews import services
from reviews.exceptions import ReviewsError
from reviews.models import Complaint
from statements import services as statement_services

pytestmark = pytest.mark.django_db


def complain(by, order=None, provider=None, recipient=None, category="quality"):
    return services.file_complaint(
        by=by,
        provider=provider or order.provider,
        order=order,
        care_recipient=recipient,
        category=category,
        description="服务时间不足一小时",
    )


def test_the_family_files_and_staff_of_the_community_are_told(
    daughter, closed_order, community_staff, street_staff, other_street_staff
):
    complaint = complain(daughter, closed_order)
    assert complaint.community == closed_order.community
    assert complaint.due_at - complaint.created_at == datetime.timedelta(hours=48)
    told = set(Notification.objects.filter(kind="complaint").values_list("user", flat=True))
    assert told == {community_staff.pk, street_staff.pk}
    assert not complaint.on_behalf


def test_staff_file_on_a_residents_behalf_and_the_family_reads_the_outcome(
    client, community_staff, daughter, grandma_li, provider_a
):
    complaint = complain(community_staff, provider=provider_a, recipient=grandma_li)
    assert complaint.on_behalf
    client.force_login(daughter)
    assert client.get(complaint.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    "who", ["son", "other_resident", "provider_manager", "caregiver", "other_street_staff"]
)
def test_people_without_a_part_in_it_cannot_file(cast, closed_order, who):
    with pytest.raises(PermissionDenied):
        complain(cast[who], closed_order)
    assert not Complaint.objects.exists()


def test_bad_input_is_refused_with_a_message(daughter, closed_order, other_provider_manager):
    with pytest.raises(ReviewsError):
        complain(daughter, closed_order, category="nonsense")
    other = other_provider_manager.provider_memberships.get().provider
    with pytest.raises(ReviewsError):
        complain(daughter, closed_order, provider=other)
    with pytest.raises(ReviewsError):
        services.file_complaint(
            by=daughter,
            provider=closed_order.provider,
            order=closed_order,
            category="quality",
            description="  ",
        )
    assert not Complaint.objects.exists()


def test_the_answer_needs_an_outcome_a_note_and_staff_in_scope(
    daughter, closed_order, community_staff, other_street_staff
):
    complaint = complain(daughter, closed_order)
    with pytest.raises(PermissionDenied):
        services.answer_complaint(
            complaint=complaint, by=other_street_staff, outcome="upheld", note="已处理"
        )
    with pytest.raises(ReviewsError):
        services.answer_complaint(complaint=complaint, by=community_staff, outcome="", note="x")
    with pytest.raises(ReviewsError):
        services.answer_complaint(
            complaint=complaint, by=community_staff, outcome="upheld", note=" "
        )
    services.answer_complaint(
        complaint=complaint, by=community_staff, outcome="upheld", note="已约谈服务商，补做一次"
    )
    with pytest.raises(ReviewsError, match="已经答复"):
        services.answer_complaint(
            complaint=complaint, by=community_staff, outcome="not_upheld", note="改主意"
        )
    complaint.refresh_from_db()
    assert (complaint.outcome, complaint.outcome_note) == ("upheld", "已约谈服务商，补做一次")
    told = Notification.objects.filter(user=daughter, kind="complaint").get()
    assert "已约谈服务商" in told.text


def test_the_clock_flags_exactly_the_overdue_ones_once(
    daughter, closed_order, community_staff, street_staff
):
    now = timezone.now()
    overdue = complain(daughter, closed_order)
    just_due = complain(daughter, closed_order)
    answered_late = complain(daughter, closed_order)
    not_yet = complain(daughter, closed_order)
    Complaint.objects.filter(pk=overdue.pk).update(due_at=now - datetime.timedelta(minutes=1))
    Complaint.objects.filter(pk=just_due.pk).update(due_at=now)
    Complaint.objects.filter(pk=answered_late.pk).update(due_at=now - datetime.timedelta(hours=5))
    services.answer_complaint(
        complaint=answered_late, by=community_staff, outcome="resolved", note="已协调"
    )
    Complaint.objects.filter(pk=not_yet.pk).update(due_at=now + datetime.timedelta(minutes=1))
    Notification.objects.all().delete()

    assert services.flag_overdue_complaints(now=now) == 1
    assert services.flag_overdue_complaints(now=now) == 0
    flagged = set(Complaint.objects.filter(escalated_at__isnull=False).values_list("pk", flat=True))
    assert flagged == {overdue.pk}
    # Told to the street, not to the community's own staff, who already had it.
    told = set(Notification.objects.values_list("user", flat=True))
    assert told == {street_staff.pk}


def test_a_complaint_holds_the_statement_line_until_it_is_answered(
    daughter, subsidised_visit, community_staff, bureau, district_officer
):
    complaint = complain(daughter, subsidised_visit)
    assert complaint.hold.reason == OrderHold.Reason.COMPLAINT
    month = timezone.localdate().replace(day=1)
    statement = statement_services.open_statement(
        purchaser=bureau, provider=subsidised_visit.provider, month=month, by=district_officer
    )
    statement_services.issue_statement(statement=statement, by=district_officer)
    assert statement.lines.get(order=subsidised_visit).kind == "held"

    services.answer_complaint(
        complaint=complaint, by=community_staff, outcome="not_upheld", note="核实服务已完成"
    )
    complaint.hold.refresh_from_db()
    assert complaint.hold.released_at is not None
    later = statement_services.open_statement(
        purchaser=bureau,
        provider=subsidised_visit.provider,
        month=statement_services.next_month(month),
        by=district_officer,
    )
    statement_services.issue_statement(statement=later, by=district_officer)
    assert [(line.order, line.kind) for line in later.lines.all()] == [(subsidised_visit, "billed")]


def test_a_complaint_about_an_unsubsidised_order_holds_nothing(daughter, closed_order):
    assert complain(daughter, closed_order).hold is None
    assert not OrderHold.objects.exists()
