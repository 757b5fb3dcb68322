"""Issue 19 (2): a visit much shorter or longer than booked, or begun far from the booked
start, is not verified until community staff in scope confirm it with a reason; a rejected
one is never billed (ADR 0019)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from orders import services, visits
from orders.exceptions import OrdersError
from orders.models import Order, OrderEvent, OrderExclusion, OrderHold, VisitRecord, VisitReview
from orders.policy import FAR_FROM_START, LONG, SHORT, measure_visit
from tests.billing import conftest as billing_fixtures
from tests.orders.conftest import book, now_starting, put_in
from tests.reviews.test_screens import in_both_languages

pytestmark = pytest.mark.django_db

bathing = billing_fixtures.bathing
bathing_slots = billing_fixtures.bathing_slots
bureau = billing_fixtures.bureau
grandma_eligible = billing_fixtures.grandma_eligible
programme = billing_fixtures.programme

MINUTE = datetime.timedelta(minutes=1)
SECOND = datetime.timedelta(seconds=1)


@pytest.fixture
def bath(daughter, caregiver, bathing_slots, grandma_li, grandma_eligible) -> Order:
    """A subsidised 90-minute bath, confirmed, the carer sent, due to start now."""
    order = book(daughter, bathing_slots[0], grandma_li)
    order = put_in(order, Order.Status.CONFIRMED, worker=caregiver.provider_memberships.get())
    return now_starting(order)


def visit(order, caregiver, *, arrive=datetime.timedelta(0), stay, code="") -> Order:
    visits.check_in(order=order, by=caregiver, at=order.starts_at + arrive, visit_code=code)
    visits.check_out(order=order, by=caregiver, at=order.starts_at + arrive + stay)
    order.refresh_from_db()
    return order


def test_a_zero_minute_visit_on_a_ninety_minute_bath_is_not_verified(bath, caregiver, daughter):
    card = visits.issue_visit_card(care_recipient=bath.care_recipient, by=daughter)
    assert bath.ends_at - bath.starts_at == 90 * MINUTE

    order = visit(bath, caregiver, stay=datetime.timedelta(0), code=card.codes.first().code)
    services.confirm_completion(order=order, by=daughter)

    assert not visits.is_verified(order)
    review = VisitReview.objects.get(order=order)
    assert (review.status, review.too_short, review.stayed_minutes, review.booked_minutes) == (
        "pending",
        True,
        0,
        90,
    )
    assert order.holds.get(released_at__isnull=True).reason == OrderHold.Reason.VISIT_REVIEW
    assert order.events.filter(action="visit_flagged").exists()


def test_a_visit_within_the_limits_is_verified_without_review(bath, caregiver, daughter):
    order = visit(bath, caregiver, arrive=10 * MINUTE, stay=85 * MINUTE)
    services.confirm_completion(order=order, by=daughter)
    assert visits.is_verified(order)
    assert not VisitReview.objects.filter(order=order).exists()


BOOKED = datetime.datetime(2026, 11, 20, 10, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("arrive", "stay", "findings"),
    [
        (0 * MINUTE, 45 * MINUTE, ()),  # exactly half of 90 minutes
        (0 * MINUTE, 45 * MINUTE - SECOND, (SHORT,)),
        (0 * MINUTE, 180 * MINUTE, ()),  # exactly twice the booked time
        (0 * MINUTE, 180 * MINUTE + SECOND, (LONG,)),
        (60 * MINUTE, 90 * MINUTE, ()),  # an hour late, the limit
        (60 * MINUTE + SECOND, 90 * MINUTE, (FAR_FROM_START,)),
        (-60 * MINUTE, 90 * MINUTE, ()),
        (-60 * MINUTE - SECOND, 90 * MINUTE, (FAR_FROM_START,)),
        (90 * MINUTE, 0 * MINUTE, (SHORT, FAR_FROM_START)),
    ],
)
def test_the_limits_are_inclusive_at_their_boundaries(arrive, stay, findings):
    measure = measure_visit(
        booked_start=BOOKED,
        booked_end=BOOKED + 90 * MINUTE,
        checked_in=BOOKED + arrive,
        checked_out=BOOKED + arrive + stay,
        shortest_percent=50,
        longest_percent=200,
        check_in_within_minutes=60,
    )
    assert measure.findings == findings


@pytest.mark.parametrize(("stay", "reviewed"), [(45 * MINUTE - SECOND, True), (45 * MINUTE, False)])
def test_check_out_reviews_a_visit_just_under_half_the_booked_time(bath, caregiver, stay, reviewed):
    order = visit(bath, caregiver, stay=stay)
    assert VisitReview.objects.filter(order=order).exists() is reviewed


def test_the_limits_come_from_settings(bath, caregiver, settings):
    settings.VISIT_SHORTEST_PERCENT = 80
    order = visit(bath, caregiver, stay=70 * MINUTE)  # 78 %
    assert VisitReview.objects.get(order=order).too_short


def test_a_visit_far_longer_than_booked_or_begun_late_needs_review(
    bath, caregiver, daughter, bathing_slots
):
    order = visit(bath, caregiver, arrive=61 * MINUTE, stay=200 * MINUTE)
    review = VisitReview.objects.get(order=order)
    assert (review.too_short, review.too_long, review.far_from_start) == (False, True, True)
    assert review.check_in_offset_minutes == 61


def test_staff_in_scope_confirm_with_a_reason_and_the_visit_is_verified(
    bath, caregiver, daughter, community_staff
):
    order = visit(bath, caregiver, stay=20 * MINUTE)
    services.confirm_completion(order=order, by=daughter)
    with pytest.raises(OrdersError):
        visits.confirm_reviewed_visit(order=order, by=community_staff, reason="  ")

    visits.confirm_reviewed_visit(
        order=order, by=community_staff, reason="老人身体不适，提前结束，电话核实"
    )

    assert visits.is_verified(order)
    review = VisitReview.objects.get(order=order)
    assert (review.status, review.decided_by) == ("confirmed", community_staff)
    assert not order.holds.filter(released_at__isnull=True).exists()
    event = OrderEvent.objects.get(order=order, action="visit_confirmed")
    assert (event.actor, event.reason) == (community_staff, "老人身体不适，提前结束，电话核实")
    assert order.visit_records.filter(kind=VisitRecord.Kind.STAFF_CONFIRMED).exists()
    with pytest.raises(OrdersError):
        visits.reject_reviewed_visit(order=order, by=community_staff, reason="改主意")


def test_a_rejected_visit_is_never_verified_and_is_left_off_the_statements(
    bath, caregiver, daughter, street_staff
):
    order = visit(bath, caregiver, stay=5 * MINUTE)
    services.confirm_completion(order=order, by=daughter)

    visits.reject_reviewed_visit(order=order, by=street_staff, reason="老人说没有洗澡")

    assert not visits.is_verified(order)
    exclusion = OrderExclusion.objects.get(order=order)
    assert (exclusion.reason, exclusion.note) == ("visit_rejected", "老人说没有洗澡")
    assert OrderEvent.objects.filter(order=order, action="visit_rejected").exists()


@pytest.mark.parametrize(
    "who", ["other_street_staff", "provider_manager", "caregiver", "daughter", "district_officer"]
)
def test_only_community_staff_in_scope_decide_a_review(bath, caregiver, cast, who):
    order = visit(bath, caregiver, stay=5 * MINUTE)
    for decide in (visits.confirm_reviewed_visit, visits.reject_reviewed_visit):
        with pytest.raises(PermissionDenied):
            decide(order=order, by=cast[who], reason="看过了")
    assert VisitReview.objects.get(order=order).status == "pending"


def test_the_family_reads_the_real_times_and_the_review_on_the_order_page(
    client, bath, caregiver, daughter
):
    order = visit(bath, caregiver, arrive=7 * MINUTE, stay=3 * MINUTE)
    client.force_login(daughter)
    arrived = timezone.localtime(order.starts_at + 7 * MINUTE)

    in_both_languages(client, order.get_absolute_url(), f"到达 {arrived:%Y-%m-%d %H:%M}", "Arrived")
    in_both_languages(
        client,
        order.get_absolute_url(),
        "实际服务 3 分钟（预约 90 分钟）",
        "3 of 90 booked minutes",
    )
    in_both_languages(
        client,
        order.get_absolute_url(),
        "等待社区工作人员核查",
        "waiting for community staff's review",
    )
