"""Issuing a month and writing its PDF as background tasks (decision 0048): the officer asks,
a task does the work and records how far it is, the statement page shows it, and a finished
PDF is a private file served through the statement's own permission check."""

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from billing.services import is_officer
from linli.refusals import Refusal
from statements import pdf, services
from statements.exceptions import StatementsError
from statements.models import Statement, StatementJob

Kind, JobStatus = StatementJob.Kind, StatementJob.Status


def _open_job(statement: Statement, kind: str, by: User) -> StatementJob:
    """The job of this kind already under way, or a new one queued after commit."""
    existing = statement.jobs.filter(kind=kind, status__in=(JobStatus.QUEUED, JobStatus.RUNNING))
    if found := existing.first():
        return found
    try:
        with transaction.atomic():
            job = StatementJob.objects.create(statement=statement, kind=kind, requested_by=by)
    except IntegrityError:  # a second click in the same instant: the first one's job
        return existing.get()
    from statements import tasks  # tasks import this module

    runner = tasks.issue_in_background if kind == Kind.ISSUE else tasks.write_pdf
    transaction.on_commit(lambda: runner.enqueue(job_id=job.pk))
    return job


@transaction.atomic
def request_issue(*, statement: Statement, by: User) -> StatementJob:
    """The officer asks for the month to be issued; a task copies the lines."""
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    if not is_officer(by, statement.purchaser):
        raise PermissionDenied
    if statement.status != Statement.Status.DRAFT:
        raise StatementsError(_("This statement has already been issued."))
    return _open_job(statement, Kind.ISSUE, by)


@transaction.atomic
def request_pdf(*, statement: Statement, by: User) -> StatementJob:
    """Someone who reads the statement asks for its PDF; a task writes it."""
    if not Statement.objects.visible_to(by).filter(pk=statement.pk).exists():
        raise PermissionDenied
    if statement.status == Statement.Status.DRAFT:
        raise StatementsError(_("A draft has no PDF: issue it first."))
    return _open_job(statement, Kind.PDF, by)


def _start(job_id: int) -> StatementJob | None:
    """Claims a queued job (a task delivered twice runs once)."""
    claimed = StatementJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING
    )
    if claimed != 1:
        return None
    return StatementJob.objects.select_related(
        "statement__purchaser", "statement__provider", "requested_by"
    ).get(pk=job_id)


def _finish(job: StatementJob, status: str, error: str = "") -> None:
    StatementJob.objects.filter(pk=job.pk).update(
        status=status, error=error[:300], finished_at=timezone.now()
    )


def run_issue(*, job_id: int) -> None:
    """The task's work: issue the statement as the officer who asked."""
    job = _start(job_id)
    if job is None:
        return
    try:
        services.issue_statement(statement=job.statement, by=job.requested_by)
    except (Refusal, PermissionDenied) as refusal:
        _finish(job, JobStatus.FAILED, str(getattr(refusal, "message", "")))
        return
    except BaseException:
        _finish(job, JobStatus.FAILED, _("The work stopped with an error; please try again."))
        raise
    _finish(job, JobStatus.DONE)


def run_pdf(*, job_id: int) -> None:
    """The task's work: write the PDF, telling the job every few hundred lines how far it
    is (each update commits at once, so the page sees it while the work goes on)."""
    job = _start(job_id)
    if job is None:
        return
    statement = job.statement
    total = statement.lines.count()
    StatementJob.objects.filter(pk=job.pk).update(lines_total=total)

    def progress(done: int) -> None:
        StatementJob.objects.filter(pk=job.pk).update(lines_done=done)

    try:
        body = pdf.to_pdf(statement, progress=progress)
        job.file.save(f"statement-{statement.number}.pdf", ContentFile(body), save=False)
    except Refusal as refusal:
        _finish(job, JobStatus.FAILED, str(refusal.message))
        return
    except BaseException:
        _finish(job, JobStatus.FAILED, _("The work stopped with an error; please try again."))
        raise
    StatementJob.objects.filter(pk=job.pk).update(file=job.file.name, lines_done=total)
    _finish(job, JobStatus.DONE)


def latest_jobs(statement: Statement) -> dict[str, StatementJob]:
    """The newest job of each kind, for the statement page."""
    latest: dict[str, StatementJob] = {}
    for job in statement.jobs.all()[:10]:
        latest.setdefault(job.kind, job)
    return latest
