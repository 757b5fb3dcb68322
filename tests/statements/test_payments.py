"""Paying a statement: the date is neither in the future nor before the approval; a wrong
record is corrected by a new recorded row (who, when, old and new values, why), never edited;
the statement shows the latest. And the statement number given at issue."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from accounts.models import Notification
from accounts.notifications import text_for
from statements import payments, services
from statements.exceptions import StatementsError
from statements.models import FrozenStatement, PaymentRecord, Statement

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(statement, three_visits, district_officer) -> Statement:
    services.issue_statement(statement=statement, by=district_officer)
    services.start_review(statement=statement, by=district_officer)
    return services.approve_statement(statement=statement, by=district_officer)


@pytest.fixture
def paid(approved, district_officer) -> Statement:
    return payments.record_payment(
        statement=approved, by=district_officer, reference="ZF-0001", paid_on=timezone.localdate()
    )


def test_a_payment_is_a_record_and_the_statement_shows_it(approved, district_officer):
    today = timezone.localdate()
    payments.record_payment(
        statement=approved, by=district_officer, reference=" ZF-0001 ", paid_on=today
    )

    approved.refresh_from_db()
    record = PaymentRecord.objects.get(statement=approved)
    assert (record.paid_on, record.reference, record.recorded_by) == (
        today,
        "ZF-0001",
        district_officer,
    )
    assert (approved.status, approved.paid_on, approved.payment_reference) == (
        "paid",
        today,
        "ZF-0001",
    )


@pytest.mark.parametrize(
    ("language", "message"),
    [("zh-hans", "付款日期不能晚于今天。"), ("en", "The payment date cannot be in the future.")],
)
def test_a_payment_dated_tomorrow_is_refused_in_the_readers_language(
    approved, district_officer, language, message
):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with override(language), pytest.raises(StatementsError) as refused:
        payments.record_payment(
            statement=approved, by=district_officer, reference="ZF-0001", paid_on=tomorrow
        )

    assert refused.value.message == message
    approved.refresh_from_db()
    assert approved.status == "approved" and approved.paid_on is None
    assert not PaymentRecord.objects.exists()


def test_a_payment_dated_before_the_approval_is_refused(approved, district_officer):
    approved_on = timezone.localdate(approved.approved_at)
    with override("en"), pytest.raises(StatementsError) as refused:
        payments.record_payment(
            statement=approved,
            by=district_officer,
            reference="ZF-0001",
            paid_on=approved_on - datetime.timedelta(days=1),
        )

    assert refused.value.message == (
        f"The payment date cannot be before the approval on {approved_on:%Y-%m-%d}."
    )
    assert not PaymentRecord.objects.exists()


def test_a_correction_is_a_new_record_and_the_old_one_stays(paid, district_officer):
    first = PaymentRecord.objects.get()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Statement.objects.filter(pk=paid.pk).update(
        approved_at=paid.approved_at - datetime.timedelta(days=3)
    )

    correction = payments.correct_payment(
        statement=paid,
        by=district_officer,
        reference="ZF-0002",
        paid_on=yesterday,
        reason="银行回单显示前一天到账，凭证号录错",
    )

    assert correction.corrects == first
    assert (correction.paid_on, correction.reference, correction.recorded_by) == (
        yesterday,
        "ZF-0002",
        district_officer,
    )
    first.refresh_from_db()
    assert (first.paid_on, first.reference) == (timezone.localdate(), "ZF-0001")
    paid.refresh_from_db()
    assert (paid.status, paid.paid_on, paid.payment_reference) == ("paid", yesterday, "ZF-0002")
    assert payments.current_payment(paid) == correction


def test_a_second_correction_corrects_the_first_one(paid, district_officer):
    today = timezone.localdate()
    for reference in ("ZF-0002", "ZF-0003"):
        payments.correct_payment(
            statement=paid, by=district_officer, reference=reference, paid_on=today, reason="录错"
        )

    chain = list(PaymentRecord.objects.values_list("reference", "corrects__reference"))
    assert chain == [("ZF-0001", None), ("ZF-0002", "ZF-0001"), ("ZF-0003", "ZF-0002")]
    paid.refresh_from_db()
    assert paid.payment_reference == "ZF-0003"


@pytest.mark.parametrize(
    ("reference", "days_ahead", "reason", "message"),
    [
        ("ZF-0002", 0, "  ", "Please say why the payment record is corrected."),
        ("", 0, "录错", "Please give the payment reference."),
        ("Z" * 101, 0, "录错", "A payment reference has at most 100 characters."),
        ("ZF-0001", 0, "录错", "The correction changes neither the date nor the reference."),
        ("ZF-0002", 1, "录错", "The payment date cannot be in the future."),
    ],
)
def test_a_correction_without_reason_or_change_or_dated_tomorrow_is_refused(
    paid, district_officer, reference, days_ahead, reason, message
):
    values = {
        "reference": reference,
        "paid_on": timezone.localdate() + datetime.timedelta(days=days_ahead),
        "reason": reason,
    }

    with override("en"), pytest.raises(StatementsError) as refused:
        payments.correct_payment(statement=paid, by=district_officer, **values)

    assert refused.value.message == message
    assert PaymentRecord.objects.count() == 1
    paid.refresh_from_db()
    assert paid.payment_reference == "ZF-0001"


def test_only_a_paid_statement_is_corrected_and_only_by_its_officers(
    approved, district_officer, community_staff
):
    def correct(by):
        payments.correct_payment(
            statement=approved,
            by=by,
            reference="ZF-0002",
            paid_on=timezone.localdate(),
            reason="录错",
        )

    with pytest.raises(StatementsError):
        correct(district_officer)
    payments.record_payment(
        statement=approved, by=district_officer, reference="ZF-0001", paid_on=timezone.localdate()
    )
    with pytest.raises(PermissionDenied):
        correct(community_staff)
    assert PaymentRecord.objects.count() == 1


def test_a_payment_record_refuses_any_change_in_code_and_in_the_database(paid):
    record = PaymentRecord.objects.get()
    record.reference = "改掉"
    with pytest.raises(FrozenStatement):
        record.save()
    with pytest.raises(FrozenStatement):
        record.delete()
    for sql in (
        "UPDATE statements_paymentrecord SET reference = 'x'",
        "DELETE FROM statements_paymentrecord",
    ):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert PaymentRecord.objects.get().reference == "ZF-0001"


def test_the_officer_corrects_a_payment_on_the_statement_page_and_sees_both_records(
    client, paid, district_officer
):
    client.force_login(district_officer)
    url = reverse("purchase:statement_step", args=[paid.pk, "correct-payment"])
    today = f"{timezone.localdate():%Y-%m-%d}"

    client.post(url, {"reference": "ZF-0002", "paid_on": today, "reason": ""})
    assert PaymentRecord.objects.count() == 1
    client.post(url, {"reference": "ZF-0002", "paid_on": today, "reason": "凭证号录错"})

    page = client.get(reverse("purchase:statement", args=[paid.pk])).content.decode()
    assert "<del>ZF-0001</del>" in page
    assert f"取代 {today} · ZF-0001: 凭证号录错" in page
    assert re.search(r'data-testid="payment-reference">ZF-0002<', page)


def test_the_payment_form_refuses_a_date_it_cannot_read(client, approved, district_officer):
    client.force_login(district_officer)
    url = reverse("purchase:statement_step", args=[approved.pk, "pay"])

    response = client.post(url, {"reference": "ZF-1", "paid_on": "明天"}, follow=True)

    assert "请填写付款日期。" in response.content.decode()
    approved.refresh_from_db()
    assert approved.status == "approved"


def test_statements_are_numbered_at_issue_in_the_order_a_purchaser_issues_them(
    statement, three_visits, district_officer, bureau, other_provider_manager, month
):
    other = services.open_statement(
        purchaser=bureau,
        provider=other_provider_manager.provider_memberships.get().provider,
        month=month,
        by=district_officer,
    )
    assert statement.number is None

    first = services.issue_statement(statement=statement, by=district_officer)
    second = services.issue_statement(statement=other, by=district_officer)

    prefix = f"{bureau.region.code}-{bureau.pk:02d}-{month:%Y%m}"
    assert (first.number, second.number) == (f"{prefix}-001", f"{prefix}-002")
    services.start_review(statement=first, by=district_officer)
    services.approve_statement(statement=first, by=district_officer)
    first.refresh_from_db()
    assert first.number == f"{prefix}-001"


def test_two_statements_cannot_share_a_number(statement, three_visits, district_officer):
    issued = services.issue_statement(statement=statement, by=district_officer)
    twin = Statement(
        purchaser=issued.purchaser,
        provider=issued.provider,
        month=services.next_month(issued.month),
        number=issued.number,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_the_provider_hears_of_the_payment_and_of_its_correction(
    provider_manager,  # first: a manager by the time the payment is recorded
    paid,
    district_officer,
):
    today = timezone.localdate()
    payments.correct_payment(
        statement=paid, by=district_officer, reference="ZF-0002", paid_on=today, reason="输错了"
    )

    told = Notification.objects.filter(user=provider_manager, kind="statement").order_by("pk")
    with override("zh-hans"):
        texts = [text_for(notice, provider_manager) for notice in told]
    month = f"{paid.month:%Y-%m}"
    assert texts[-2:] == [
        f"浦东新区民政局已于 {today.isoformat()} 支付 {month} 结算单，付款凭证号 ZF-0001。",
        f"浦东新区民政局更正了 {month} 结算单的付款记录：付款日期 {today.isoformat()}，"
        f"付款凭证号 ZF-0002（原为 {today.isoformat()}，ZF-0001）。原因：输错了",
    ]
