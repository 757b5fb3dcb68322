"""Issue 19 (2): an upheld complaint about an order offers a remedy chosen by staff and
recorded with the answer: the family's payment refunded through the orders' refund path, or
the visit left off the purchaser's statement."""

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.exceptions import OrdersError
from orders.models import OrderEvent, OrderExclusion, Refund
from reviews import services
from reviews.exceptions import ReviewsError
from reviews.models import Complaint
from statements import services as statement_services
from tests.reviews.test_complaints import complain
from tests.reviews.test_screens import in_both_languages

pytestmark = pytest.mark.django_db


def uphold(complaint, by, remedy):
    return services.answer_complaint(
        complaint=complaint, by=by, outcome="upheld", note="护理员提前离开，情况属实", remedy=remedy
    )


def test_the_refund_remedy_gives_the_family_back_what_they_paid(
    daughter, subsidised_visit, community_staff
):
    complaint = uphold(complain(daughter, subsidised_visit), community_staff, "refund")

    assert complaint.remedy == Complaint.Remedy.REFUND
    refund = Refund.objects.get(payment__order=subsidised_visit)
    assert (refund.amount_fen, refund.reason) == (subsidised_visit.copay_fen, "complaint_upheld")
    event = OrderEvent.objects.get(order=subsidised_visit, action="copay_refunded")
    assert (event.actor, event.reason) == (community_staff, "护理员提前离开，情况属实")
    assert not OrderExclusion.objects.exists()


def test_the_exclusion_remedy_leaves_the_visit_off_the_statement(
    daughter, subsidised_visit, community_staff, bureau, district_officer
):
    complaint = uphold(complain(daughter, subsidised_visit), community_staff, "exclude")

    assert complaint.remedy == Complaint.Remedy.EXCLUDE
    exclusion = OrderExclusion.objects.get(order=subsidised_visit)
    assert (exclusion.reason, exclusion.excluded_by) == ("complaint", community_staff)
    assert not Refund.objects.exists()
    statement = statement_services.open_statement(
        purchaser=bureau,
        provider=subsidised_visit.provider,
        month=timezone.localdate().replace(day=1),
        by=district_officer,
    )
    statement_services.issue_statement(statement=statement, by=district_officer)
    line = statement.lines.get(order=subsidised_visit)
    assert line.kind == "excluded"
    assert line.hold_reason.startswith("投诉成立")


@pytest.mark.parametrize("outcome", ["not_upheld", "resolved"])
def test_a_remedy_needs_an_upheld_complaint(daughter, subsidised_visit, community_staff, outcome):
    complaint = complain(daughter, subsidised_visit)
    with pytest.raises(ReviewsError):
        services.answer_complaint(
            complaint=complaint, by=community_staff, outcome=outcome, note="x", remedy="refund"
        )
    assert Complaint.objects.get(pk=complaint.pk).is_open
    assert not Refund.objects.exists()


def test_a_refund_is_given_once(daughter, subsidised_visit, community_staff):
    uphold(complain(daughter, subsidised_visit), community_staff, "refund")
    with pytest.raises(OrdersError):
        uphold(complain(daughter, subsidised_visit), community_staff, "refund")
    assert Refund.objects.count() == 1


def test_staff_choose_the_remedy_in_the_workspace_in_both_languages(
    client, daughter, subsidised_visit, community_staff
):
    complaint = complain(daughter, subsidised_visit)
    client.force_login(community_staff)
    url = reverse("complaints:detail", args=[complaint.pk])
    in_both_languages(client, url, "退还家属支付的费用", "Refund what the family paid")

    client.post(
        reverse("complaints:answer", args=[complaint.pk]),
        {"outcome": "upheld", "note": "情况属实", "remedy": "exclude"},
    )

    assert Complaint.objects.get(pk=complaint.pk).remedy == "exclude"
    assert OrderExclusion.objects.filter(order=subsidised_visit).exists()
    in_both_languages(
        client, url, "此次服务不列入购买方结算单", "Leave the visit off the purchaser"
    )
