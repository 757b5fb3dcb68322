"""A provider contests a line the purchaser's officer excluded; the officer upholds it (the
line's subsidy is paid as an adjustment on a later statement) or confirms the exclusion
(decision 0035). Nothing here writes to a statement's frozen rows: the contest, its
evidence and its steps are rows of their own, and an upheld contest goes through
`services.add_adjustment` like any other correction."""

import datetime

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from billing.services import is_officer
from providers.access import can_manage_provider
from providers.uploads import save_private_document
from statements import services, wording
from statements.exceptions import StatementsError
from statements.models import ContestEvent, ContestEvidence, LineContest, Statement, StatementLine
from statements.policy import contest_until

Status = LineContest.Status
# What the officer may decide about an open contest; a decided one stays decided.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.OPEN: frozenset({Status.UPHELD, Status.CONFIRMED}),
}


def is_contestable(line: StatementLine, *, today: datetime.date) -> bool:
    """Excluded by the officer, not contested yet, and the window still open."""
    return why_not_contestable(line, today) is None


def why_not_contestable(line: StatementLine, today: datetime.date) -> StatementsError | None:
    until = contest_until(line.statement)
    if until is None:
        return StatementsError(
            _("A line can be contested once the statement is approved and its exclusions final.")
        )
    if line.kind != StatementLine.Kind.BILLED or not hasattr(line, "exclusion"):
        return StatementsError(_("Only a line the purchaser excluded can be contested."))
    if hasattr(line, "contest"):
        return StatementsError(_("This line is already contested."))
    if today > until:
        return StatementsError(
            _("Lines of this statement could be contested until %(until)s.")
            % {"until": until.isoformat()}
        )
    return None


@transaction.atomic
def contest_line(
    *, line: StatementLine, by: User, reason: str, evidence: UploadedFile
) -> LineContest:
    """A provider manager contests an excluded line, with a reason and a file as evidence."""
    # The statement's row serialises two managers contesting the same line at once.
    statement = Statement.objects.select_for_update().get(pk=line.statement_id)
    if not can_manage_provider(by, statement.provider_id):
        raise PermissionDenied
    line = StatementLine.objects.select_related("statement", "exclusion").get(pk=line.pk)
    refusal = why_not_contestable(line, timezone.localdate())
    if refusal is not None:
        raise refusal
    if not reason.strip():
        raise StatementsError(_("Please say why the line should be paid."))
    contest = LineContest.objects.create(line=line, reason=reason.strip(), opened_by=by)
    # A file that is not a readable PDF or image is refused here, which undoes the contest.
    save_private_document(ContestEvidence(contest=contest, uploaded_by=by), evidence)
    ContestEvent.objects.create(contest=contest, status=Status.OPEN, actor=by, note=contest.reason)
    wording.tell_officers_of_contest(contest)
    return contest


@transaction.atomic
def resolve_contest(*, contest: LineContest, by: User, uphold: bool, answer: str) -> LineContest:
    """The purchaser's officer upholds a contest (the line is paid on a later statement) or
    confirms the exclusion, saying why either way."""
    contest = (
        LineContest.objects.select_for_update(of=("self",))
        .select_related("line__statement__purchaser")
        .get(pk=contest.pk)
    )
    if not is_officer(by, contest.line.statement.purchaser):
        raise PermissionDenied
    to = Status.UPHELD if uphold else Status.CONFIRMED
    if to not in TRANSITIONS.get(contest.status, ()):
        raise StatementsError(_("This contest has already been decided."))
    if not answer.strip():
        raise StatementsError(_("Please give the provider your reasons."))
    if uphold:
        contest.adjustment = services.add_adjustment(
            line=contest.line, by=by, amount_fen=contest.line.subsidy_fen, reason=answer.strip()
        )
    contest.status = to
    contest.answer = answer.strip()
    contest.resolved_by = by
    contest.resolved_at = timezone.now()
    contest.save(update_fields=["status", "answer", "resolved_by", "resolved_at", "adjustment"])
    ContestEvent.objects.create(contest=contest, status=to, actor=by, note=contest.answer)
    wording.tell_provider_of_decision(contest)
    return contest
