"""Monthly statements: frozen lines, holds, exclusions, approval, adjustments, payment,
exports that agree, and reconciliation to the fen."""

import csv
import io

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from billing.models import Programme
from orders import services as order_services
from orders.models import Order
from statements import exports, payments, pdf, services
from statements.exceptions import StatementsError
from statements.models import FrozenStatement, Statement, StatementLine
from statements.reconciliation import reconcile
from tests.orders.conftest import book, delivered, put_in

pytestmark = pytest.mark.django_db


def test_issuing_copies_the_months_verified_visits_into_frozen_lines(
    statement, three_visits, district_officer
):
    services.issue_statement(statement=statement, by=district_officer)

    lines = list(statement.lines.all())
    assert {line.order for line in lines} == set(three_visits)
    assert sorted(line.subsidy_fen for line in lines) == [2400, 4800, 4800]
    assert all(line.kind == "billed" and line.visit_started_at for line in lines)
    total = services.totals(statement)
    assert (total.billed_fen, total.payable_fen) == (12000, 12000)


def expected_line(order: Order) -> dict:
    """What a line must copy from its order, read the slow way, through the ORM."""
    visits = {record.kind: record.at for record in order.visit_records.order_by("pk")}
    return {
        "order_code": order.code,
        "programme_id": order.programme_id,
        "service_title": order.title,
        "recipient_name": order.care_recipient.name,
        "community_name": order.community.name_zh,
        "visit_started_at": visits["check_in"],
        "visit_ended_at": visits["check_out"],
        "worker_name": str(order.worker.user),
        "list_price_fen": order.list_price_fen,
        "subsidy_fen": order.subsidy_fen,
        "copay_fen": order.copay_fen,
    }


def test_billed_and_held_lines_copy_their_orders_field_by_field(
    statement, three_visits, district_officer, caregiver
):
    # Billed lines are copied by the database, held ones in Python: both must agree.
    caregiver.display_name = ""
    caregiver.save(update_fields=["display_name"])
    held = three_visits[0]
    order_services.hold_order(order=held, reason="complaint", note="服务时间不足")
    services.issue_statement(statement=statement, by=district_officer)

    lines = {line.order_id: line for line in statement.lines.all()}
    assert set(lines) == {order.pk for order in three_visits}
    for order in three_visits:
        line = lines[order.pk]
        copied = {name: getattr(line, name) for name in expected_line(order)}
        assert copied == expected_line(order)
        assert line.worker_name == caregiver.email
        assert line.kind == ("held" if order == held else "billed")
        assert bool(line.hold_reason) == (order == held)
    assert "服务时间不足" in lines[held.pk].hold_reason


def test_an_issued_line_refuses_any_change_in_code_and_in_the_database(
    statement, three_visits, district_officer
):
    services.issue_statement(statement=statement, by=district_officer)
    line = statement.lines.first()

    line.subsidy_fen = 1
    with pytest.raises(FrozenStatement):
        line.save()
    with pytest.raises(FrozenStatement):
        line.delete()
    for sql in (
        "UPDATE billing_statementline SET subsidy_fen = 1, list_price_fen = 2701 WHERE id = %s",
        "DELETE FROM billing_statementline WHERE id = %s",
    ):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [line.pk])
    assert StatementLine.objects.get(pk=line.pk).subsidy_fen == 4800


def test_an_unverified_or_unsubsidised_visit_is_not_billed(
    statement,
    daughter,
    caregiver,
    bathing_slots,
    grandma_li,
    grandma_eligible,
    district_officer,
):
    verified = delivered(book(daughter, bathing_slots[0], grandma_li), caregiver, daughter)
    closed_unverified = put_in(book(daughter, bathing_slots[1], grandma_li), Order.Status.CLOSED)
    services.issue_statement(statement=statement, by=district_officer)
    assert [line.order for line in statement.lines.all()] == [verified]
    assert closed_unverified.pk not in statement.lines.values_list("order", flat=True)


def test_a_line_under_a_complaint_is_held_then_billed_the_next_month(
    bureau, provider_a, three_visits, district_officer, month
):
    first = three_visits[0]
    hold = order_services.hold_order(order=first, reason="complaint", note="服务时间不足")
    statement = services.open_statement(
        purchaser=bureau, provider=provider_a, month=month, by=district_officer
    )
    services.issue_statement(statement=statement, by=district_officer)

    held = statement.lines.get(order=first)
    assert (held.kind, held.hold_reason) == ("held", "投诉处理中: 服务时间不足")
    assert services.totals(statement).held_fen == 4800
    assert services.totals(statement).billed_fen == 7200

    order_services.release_hold(hold=hold)
    later = services.open_statement(
        purchaser=bureau,
        provider=provider_a,
        month=services.next_month(month),
        by=district_officer,
    )
    services.issue_statement(statement=later, by=district_officer)
    assert [(line.order, line.kind) for line in later.lines.all()] == [(first, "billed")]


def test_review_exclusion_approval_and_payment_move_the_budget(
    statement, three_visits, district_officer, programme
):
    services.issue_statement(statement=statement, by=district_officer)
    services.start_review(statement=statement, by=district_officer)
    excluded = statement.lines.get(subsidy_fen=2400)
    with pytest.raises(StatementsError):
        services.exclude_line(line=excluded, by=district_officer, reason="duplicate", note="")
    services.exclude_line(
        line=excluded, by=district_officer, reason="not_delivered", note="回访老人称当天无人上门"
    )

    services.approve_statement(statement=statement, by=district_officer)

    programme.refresh_from_db()
    assert (programme.spent_fen, programme.reserved_fen) == (9600, 0)
    assert services.totals(statement).payable_fen == 9600
    payments.record_payment(
        statement=statement,
        by=district_officer,
        reference="ZF2026120001",
        paid_on=timezone.localdate(),
    )
    statement.refresh_from_db()
    assert (statement.status, statement.payment_reference) == ("paid", "ZF2026120001")
    assert reconcile(statement.purchaser, statement.month).all_hold


def test_a_correction_becomes_an_adjustment_on_the_next_statement(
    statement, three_visits, district_officer, month
):
    services.issue_statement(statement=statement, by=district_officer)
    line = statement.lines.first()

    adjustment = services.add_adjustment(
        line=line, by=district_officer, amount_fen=-800, reason="实际服务 60 分钟，按比例扣减"
    )

    assert adjustment.statement.month == services.next_month(month)
    assert adjustment.statement.status == Statement.Status.DRAFT
    assert services.totals(adjustment.statement).payable_fen == -800
    assert StatementLine.objects.get(pk=line.pk).subsidy_fen == 4800


def test_approving_the_next_statement_spends_its_adjustments(
    statement, three_visits, district_officer, programme, month
):
    services.issue_statement(statement=statement, by=district_officer)
    services.start_review(statement=statement, by=district_officer)
    services.approve_statement(statement=statement, by=district_officer)
    adjustment = services.add_adjustment(
        line=statement.lines.first(), by=district_officer, amount_fen=-800, reason="少服务 20 分钟"
    )
    following = adjustment.statement

    services.issue_statement(statement=following, by=district_officer)
    services.start_review(statement=following, by=district_officer)
    services.approve_statement(statement=following, by=district_officer)

    programme.refresh_from_db()
    assert (programme.spent_fen, programme.reserved_fen) == (12000 - 800, 0)
    assert reconcile(statement.purchaser, following.month).all_hold


def test_the_workflow_refuses_steps_out_of_order(statement, three_visits, district_officer):
    with pytest.raises(StatementsError):
        services.approve_statement(statement=statement, by=district_officer)
    services.issue_statement(statement=statement, by=district_officer)
    with pytest.raises(StatementsError):
        services.issue_statement(statement=statement, by=district_officer)
    with pytest.raises(StatementsError):
        payments.record_payment(
            statement=statement,
            by=district_officer,
            reference="x",
            paid_on=timezone.localdate(),
        )


def test_csv_xlsx_and_pdf_have_the_same_lines_and_totals(statement, three_visits, district_officer):
    services.issue_statement(statement=statement, by=district_officer)
    services.start_review(statement=statement, by=district_officer)
    services.exclude_line(
        line=statement.lines.get(subsidy_fen=2400),
        by=district_officer,
        reason="evidence_missing",
        note="缺签到照片",
    )
    payable = "96.00"

    table = list(csv.reader(io.StringIO(exports.to_csv(statement).decode("utf-8-sig"))))
    codes = {o.code for o in three_visits}
    assert len([row for row in table if row and row[0] in codes]) == 3
    assert ["应付", payable] in table

    sheet = load_workbook(io.BytesIO(exports.to_xlsx(statement))).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert len([row for row in values if row and row[0] in codes]) == 3
    assert ("应付", 96) in [tuple(row[:2]) for row in values]

    extracted = PdfReader(io.BytesIO(pdf.to_pdf(statement))).pages[0].extract_text()
    text = "".join(extracted.replace("\x00", "").split())
    assert f"应付:¥{payable}" in text
    assert all(order.code in text for order in three_visits)


def test_reconciliation_ties_lines_orders_and_budgets(
    statement, three_visits, district_officer, programme
):
    services.issue_statement(statement=statement, by=district_officer)
    report = reconcile(statement.purchaser, statement.month)
    assert report.all_hold, [(c.label, c.left_fen, c.right_fen) for c in report.checks]

    Programme.objects.filter(pk=programme.pk).update(reserved_fen=1)  # a fen goes astray
    assert not reconcile(statement.purchaser, statement.month).all_hold


def test_only_the_purchasers_officers_issue_its_statements(
    statement, three_visits, community_staff, daughter
):
    from django.core.exceptions import PermissionDenied

    for outsider in (community_staff, daughter):
        with pytest.raises(PermissionDenied):
            services.issue_statement(statement=statement, by=outsider)
    assert not statement.lines.exists()
