"""A provider contests an excluded line; the officer upholds it (an adjustment on the next
statement) or confirms the exclusion. Frozen rows stay frozen and totals reconcile."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.models import Notification
from accounts.notifications import text_for
from providers.exceptions import ProvidersError
from statements import contests, services
from statements.exceptions import StatementsError
from statements.models import (
    ContestEvidence,
    LineContest,
    LineExclusion,
    StatementLine,
)
from statements.policy import contest_until
from statements.reconciliation import reconcile
from tests.statements.conftest import REASON, evidence

pytestmark = pytest.mark.django_db


def contest(line, by, reason=REASON) -> LineContest:
    return contests.contest_line(line=line, by=by, reason=reason, evidence=evidence())


def frozen_copy(line: StatementLine) -> tuple:
    exclusion = LineExclusion.objects.get(line=line)
    fresh = StatementLine.objects.get(pk=line.pk)
    return (fresh.kind, fresh.subsidy_fen, fresh.statement_id, exclusion.reason, exclusion.note)


def test_a_contested_line_becomes_an_adjustment_on_the_next_statement(
    approved, excluded, provider_manager, district_officer, programme, month
):
    before = frozen_copy(excluded)
    opened = contest(excluded, provider_manager)

    decided = contests.resolve_contest(
        contest=opened, by=district_officer, uphold=True, answer="照片已补，照付"
    )

    adjustment = decided.adjustment
    assert (decided.status, adjustment.corrects, adjustment.amount_fen) == (
        "upheld",
        excluded,
        2400,
    )
    following = adjustment.statement
    assert (following.month, following.status) == (services.next_month(month), "draft")
    assert services.totals(following).payable_fen == 2400
    assert frozen_copy(excluded) == before  # the line and its exclusion never changed
    assert services.totals(approved).payable_fen == 9600

    services.issue_statement(statement=following, by=district_officer)
    services.start_review(statement=following, by=district_officer)
    services.approve_statement(statement=following, by=district_officer)
    programme.refresh_from_db()
    assert (programme.spent_fen, programme.reserved_fen) == (12000, 0)
    assert reconcile(approved.purchaser, following.month).all_hold


def test_the_adjustment_skips_a_next_statement_that_is_already_approved(
    approved, excluded, provider_manager, district_officer, month
):
    following = services.open_statement(
        purchaser=approved.purchaser,
        provider=approved.provider,
        month=services.next_month(month),
        by=district_officer,
    )
    services.issue_statement(statement=following, by=district_officer)
    services.start_review(statement=following, by=district_officer)
    services.approve_statement(statement=following, by=district_officer)

    decided = contests.resolve_contest(
        contest=contest(excluded, provider_manager),
        by=district_officer,
        uphold=True,
        answer="照付",
    )

    assert decided.adjustment.statement.month == services.next_month(following.month)
    assert decided.adjustment.statement.status == "draft"
    assert not following.adjustments.exists()


def test_confirming_the_exclusion_pays_nothing_and_keeps_the_history(
    excluded, provider_manager, district_officer
):
    opened = contest(excluded, provider_manager)

    decided = contests.resolve_contest(
        contest=opened, by=district_officer, uphold=False, answer="照片日期与服务日期不符"
    )

    assert (decided.status, decided.adjustment) == ("confirmed", None)
    assert not excluded.adjustments.exists()
    assert list(decided.events.values_list("status", "actor", "note")) == [
        ("open", provider_manager.pk, REASON),
        ("confirmed", district_officer.pk, "照片日期与服务日期不符"),
    ]


def test_a_decided_contest_is_not_decided_again(excluded, provider_manager, district_officer):
    opened = contest(excluded, provider_manager)
    contests.resolve_contest(contest=opened, by=district_officer, uphold=False, answer="不符")

    with pytest.raises(StatementsError):
        contests.resolve_contest(contest=opened, by=district_officer, uphold=True, answer="改判")

    opened.refresh_from_db()
    assert (opened.status, opened.events.count()) == ("confirmed", 2)
    assert not excluded.adjustments.exists()


@pytest.mark.parametrize(("days_after", "allowed"), [(0, True), (30, True), (31, False)])
def test_a_line_may_be_contested_for_the_set_days_after_approval(
    approved, excluded, provider_manager, settings, days_after, allowed
):
    settings.STATEMENT_CONTEST_DAYS = 30
    approved_on = timezone.localdate(approved.approved_at)
    assert contest_until(approved) == approved_on + datetime.timedelta(days=30)
    late_that_day = timezone.make_aware(
        datetime.datetime.combine(
            approved_on + datetime.timedelta(days=days_after), datetime.time(23, 58)
        )
    )

    with time_machine.travel(late_that_day, tick=False):
        if allowed:
            assert contest(excluded, provider_manager).status == "open"
        else:
            with pytest.raises(StatementsError):
                contest(excluded, provider_manager)
            assert not LineContest.objects.exists()


def test_only_an_excluded_line_of_an_approved_statement_is_contested_once(
    statement, three_visits, district_officer, provider_manager
):
    services.issue_statement(statement=statement, by=district_officer)
    services.start_review(statement=statement, by=district_officer)
    line = statement.lines.get(subsidy_fen=2400)
    services.exclude_line(line=line, by=district_officer, reason="duplicate", note="重复")
    with pytest.raises(StatementsError):
        contest(line, provider_manager)  # still under review: the exclusion is not final
    services.approve_statement(statement=statement, by=district_officer)
    paid_line = statement.lines.exclude(pk=line.pk).first()
    with pytest.raises(StatementsError):
        contest(paid_line, provider_manager)

    contest(line, provider_manager)
    with pytest.raises(StatementsError):
        contest(line, provider_manager)

    assert LineContest.objects.count() == 1


def test_only_the_providers_managers_contest_and_only_its_officers_decide(
    excluded, provider_manager, other_provider_manager, caregiver, district_officer
):
    for stranger in (other_provider_manager, caregiver, district_officer):
        with pytest.raises(PermissionDenied):
            contest(excluded, stranger)
    opened = contest(excluded, provider_manager)

    for stranger in (provider_manager, other_provider_manager):
        with pytest.raises(PermissionDenied):
            contests.resolve_contest(contest=opened, by=stranger, uphold=True, answer="照付")

    opened.refresh_from_db()
    assert opened.status == "open"


def test_a_contest_needs_a_reason_and_a_real_file_and_saves_nothing_otherwise(
    excluded, provider_manager
):
    with pytest.raises(StatementsError):
        contest(excluded, provider_manager, reason="   ")
    with pytest.raises(ProvidersError):
        contests.contest_line(
            line=excluded,
            by=provider_manager,
            reason=REASON,
            evidence=evidence("sheet.png", b"MZ not really a picture"),
        )

    assert (LineContest.objects.count(), ContestEvidence.objects.count()) == (0, 0)


def test_each_step_tells_the_other_side(
    statement, three_visits, district_officer, provider_manager, caregiver
):
    services.issue_statement(statement=statement, by=district_officer)
    services.start_review(statement=statement, by=district_officer)
    line = statement.lines.get(subsidy_fen=2400)
    services.exclude_line(line=line, by=district_officer, reason="duplicate", note="重复")

    def told(user) -> list[str]:
        return [
            n.text for n in Notification.objects.filter(user=user, kind="statement").order_by("pk")
        ]

    services.approve_statement(statement=statement, by=district_officer)
    assert len(told(provider_manager)) == 1 and "¥96.00" in told(provider_manager)[0]
    opened = contest(line, provider_manager)
    assert len(told(district_officer)) == 1 and line.order_code in told(district_officer)[0]
    contests.resolve_contest(contest=opened, by=district_officer, uphold=True, answer="照付")

    assert len(told(provider_manager)) == 2 and "照付" in told(provider_manager)[1]
    assert told(caregiver) == []  # a worker does not see the money


def test_a_manager_reading_english_is_told_in_english(
    statement, three_visits, district_officer, provider_manager
):
    provider_manager.language = "en"
    provider_manager.save(update_fields=["language"])
    services.issue_statement(statement=statement, by=district_officer)
    services.start_review(statement=statement, by=district_officer)

    approved = services.approve_statement(statement=statement, by=district_officer)

    told = Notification.objects.get(user=provider_manager, kind="statement")
    until = contest_until(approved)
    assert text_for(told, provider_manager) == (
        f"Pudong Civil Affairs approved your statement for {statement.month:%Y-%m}: ¥120.00 "
        f"is payable. A line it excluded may be contested until {until.isoformat()}."
    )
