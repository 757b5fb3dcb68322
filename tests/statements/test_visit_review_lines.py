"""Issue 19 (2) on the statement: a visit waiting for staff's review is held, with the
reason in words; once confirmed it is billed; a rejected visit, or one left off by an
upheld complaint, shows once as a line left off, is never billed, and gives its subsidy back
when the statement is approved."""

import datetime

import pytest

from orders import services as order_services
from orders import visits
from orders.models import Order
from statements import services
from statements.reconciliation import reconcile
from tests.orders.conftest import book, delivered, now_starting, put_in

pytestmark = pytest.mark.django_db


def short_visit(order: Order, caregiver, daughter, minutes: int = 10) -> Order:
    """Checked in and out after `minutes` of a 90-minute bath, confirmed by the family."""
    order = put_in(order, Order.Status.CONFIRMED, worker=caregiver.provider_memberships.get())
    order = now_starting(order)
    visits.check_in(order=order, by=caregiver, at=order.starts_at)
    visits.check_out(
        order=order, by=caregiver, at=order.starts_at + datetime.timedelta(minutes=minutes)
    )
    order_services.confirm_completion(order=order, by=daughter)
    order.refresh_from_db()
    return order


@pytest.fixture
def visits_with_a_short_one(daughter, caregiver, bathing_slots, grandma_li, grandma_eligible):
    normal = delivered(book(daughter, bathing_slots[0], grandma_li), caregiver, daughter)
    short = short_visit(book(daughter, bathing_slots[1], grandma_li), caregiver, daughter)
    return normal, short


def test_a_visit_waiting_for_review_is_held_with_its_reason(
    statement, visits_with_a_short_one, district_officer
):
    normal, short = visits_with_a_short_one
    assert short.status == Order.Status.CLOSED

    services.issue_statement(statement=statement, by=district_officer)

    lines = {line.order: line for line in statement.lines.all()}
    assert lines[normal].kind == "billed"
    assert lines[short].kind == "held"
    assert "服务待核查" in lines[short].hold_reason
    assert "实际服务 10 分钟，预约 90 分钟" in lines[short].hold_reason
    assert services.totals(statement).held_fen == short.subsidy_fen


def test_a_confirmed_visit_is_billed_on_a_later_statement(
    bureau, provider_a, visits_with_a_short_one, district_officer, community_staff, month
):
    _normal, short = visits_with_a_short_one
    first = services.open_statement(
        purchaser=bureau, provider=provider_a, month=month, by=district_officer
    )
    services.issue_statement(statement=first, by=district_officer)

    visits.confirm_reviewed_visit(order=short, by=community_staff, reason="老人要求提前结束")

    later = services.open_statement(
        purchaser=bureau, provider=provider_a, month=services.next_month(month), by=district_officer
    )
    services.issue_statement(statement=later, by=district_officer)
    assert [(line.order, line.kind) for line in later.lines.all()] == [(short, "billed")]


def test_a_rejected_visit_is_left_off_once_and_gives_its_subsidy_back(
    bureau,
    provider_a,
    visits_with_a_short_one,
    district_officer,
    community_staff,
    month,
    programme,
):
    normal, short = visits_with_a_short_one
    visits.reject_reviewed_visit(order=short, by=community_staff, reason="老人说没有洗澡")
    statement = services.open_statement(
        purchaser=bureau, provider=provider_a, month=month, by=district_officer
    )
    billed, held = services.preview(statement)
    assert (list(billed), list(held)) == ([normal], [short])

    services.issue_statement(statement=statement, by=district_officer)

    left_off = statement.lines.get(order=short)
    assert left_off.kind == "excluded"
    assert left_off.hold_reason == "社区工作人员未认可服务: 老人说没有洗澡"
    total = services.totals(statement)
    assert (total.billed_fen, total.held_fen, total.payable_fen) == (
        normal.subsidy_fen,
        0,
        normal.subsidy_fen,
    )
    services.start_review(statement=statement, by=district_officer)
    services.approve_statement(statement=statement, by=district_officer)
    programme.refresh_from_db()
    assert (programme.spent_fen, programme.reserved_fen) == (normal.subsidy_fen, 0)
    assert reconcile(bureau, month).all_hold

    later = services.open_statement(
        purchaser=bureau, provider=provider_a, month=services.next_month(month), by=district_officer
    )
    services.issue_statement(statement=later, by=district_officer)
    assert not later.lines.exists()
