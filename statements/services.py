"""Monthly purchase-of-service statements (DESIGN §7), above orders. Draft → issued (lines
frozen) → under review → approved (with exclusions; the budget is spent through
`billing.subsidy.spend`) → paid. One query feeds the page and every export; one function
adds up the totals."""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import CharField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from billing import subsidy
from billing.models import Purchaser
from billing.services import is_officer
from orders.models import Order, VisitRecord
from providers.models import Provider
from statements import wording
from statements.exceptions import StatementsError
from statements.models import Adjustment, LineExclusion, Statement, StatementLine
from statements.numbers import next_number
from statements.policy import contest_until

Status = Statement.Status


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    return (month + datetime.timedelta(days=32)).replace(day=1)


def _month_end(month: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(next_month(month), datetime.time.min))


LINES_PER_CHUNK = 2000


def billable_orders(purchaser: Purchaser, provider: Provider, month: datetime.date):
    """Subsidised visits of this provider under this purchaser's programmes, up to the end
    of `month`, not billed yet. Two groups: closed and verified (billed), and those with
    something open about them (held, among them a visit waiting for staff's review) or
    left off for good by community staff (excluded, shown once so the officer sees them)."""
    candidates = Order.objects.filter(
        provider=provider,
        programme__purchaser=purchaser,
        subsidy_fen__gt=0,
        starts_at__lt=_month_end(month),
    ).exclude(statement_lines__kind=StatementLine.Kind.BILLED)
    # Left off for good (a rejected visit, an upheld complaint): shown once, as excluded.
    excluded = candidates.excluded_from_billing().exclude(
        statement_lines__kind=StatementLine.Kind.EXCLUDED
    )
    held = candidates.filter(
        Q(pk__in=candidates.not_excluded_from_billing().on_hold().values("pk"))
        | Q(pk__in=excluded.values("pk"), status="closed"),
        status__in=("closed", "disputed"),
    )
    billed = (
        candidates.filter(status="closed")
        .not_excluded_from_billing()
        .with_verified_visit()
        .not_on_hold()
    )
    return billed, held


@transaction.atomic
def open_statement(
    *, purchaser: Purchaser, provider: Provider, month: datetime.date, by: User
) -> Statement:
    """An officer starts (or returns to) the draft for one provider and month."""
    if not is_officer(by, purchaser):
        raise PermissionDenied
    statement, _created = Statement.objects.get_or_create(
        purchaser=purchaser, provider=provider, month=month_start(month)
    )
    return statement


# What a line copies from its order, read as plain values: a hundred thousand orders as
# model instances (with their recipient, community, worker and visits) took minutes.
LINE_SOURCE = (
    "pk",
    "code",
    "title",
    "programme_id",
    "list_price_fen",
    "subsidy_fen",
    "copay_fen",
    "care_recipient__name",
    "community__name_zh",
    "worker_id",
    "worker__user__display_name",
    "worker__user__email",
)


def _visit_times(order_ids: list[int]) -> dict[int, dict[str, datetime.datetime]]:
    times: dict[int, dict[str, datetime.datetime]] = {}
    records = VisitRecord.objects.filter(
        order_id__in=order_ids,
        kind__in=(VisitRecord.Kind.CHECK_IN, VisitRecord.Kind.CHECK_OUT),
    ).order_by("pk")
    for order_id, kind, at in records.values_list("order_id", "kind", "at"):
        times.setdefault(order_id, {})[kind] = at
    return times


def _held_lines(statement: Statement, held, order_ids: list[int]) -> list[StatementLine]:
    visits = _visit_times(order_ids)
    reasons = _hold_reasons(order_ids)
    excluded = set(
        Order.objects.filter(pk__in=order_ids).excluded_from_billing().values_list("pk", flat=True)
    )
    lines = []
    for row in held.filter(pk__in=order_ids).values_list(*LINE_SOURCE):
        pk, code, title, programme_id, list_price, subsidy, copay = row[:7]
        recipient, community, worker_id, worker_display_name, worker_email = row[7:]
        times = visits.get(pk, {})
        lines.append(
            StatementLine(
                statement=statement,
                order_id=pk,
                kind=StatementLine.Kind.EXCLUDED if pk in excluded else StatementLine.Kind.HELD,
                programme_id=programme_id,
                order_code=code,
                service_title=title,
                recipient_name=recipient,
                community_name=community,
                visit_started_at=times.get(VisitRecord.Kind.CHECK_IN),
                visit_ended_at=times.get(VisitRecord.Kind.CHECK_OUT),
                # As str(user): the display name, else the e-mail address.
                worker_name=(worker_display_name or worker_email) if worker_id else "",
                list_price_fen=list_price,
                subsidy_fen=subsidy,
                copay_fen=copay,
                hold_reason=reasons[pk],
            )
        )
    return lines


def _copy_billed_lines(statement: Statement, billed) -> None:
    """One INSERT … SELECT: the database copies the orders into lines itself. Built in
    Python, a hundred thousand lines took 50 s (bench/statement.py); the SELECT is the
    ORM's own query, so it holds exactly what `_held_lines` writes for held ones."""
    line = StatementLine._meta
    visits = VisitRecord.objects.filter(order=OuterRef("pk")).order_by("-pk").values("at")
    copied = {
        "statement_id": Value(statement.pk),
        "order_id": F("pk"),
        "kind": Value(StatementLine.Kind.BILLED.value),
        "programme_id": F("programme_id"),
        "order_code": F("code"),
        "service_title": F("title"),
        "recipient_name": F("care_recipient__name"),
        "community_name": F("community__name_zh"),
        "visit_started_at": Subquery(visits.filter(kind=VisitRecord.Kind.CHECK_IN)[:1]),
        "visit_ended_at": Subquery(visits.filter(kind=VisitRecord.Kind.CHECK_OUT)[:1]),
        # As str(user): the display name, else the e-mail address.
        "worker_name": Coalesce(
            NullIf("worker__user__display_name", Value("")),
            "worker__user__email",
            Value(""),
            output_field=CharField(),
        ),
        "list_price_fen": F("list_price_fen"),
        "subsidy_fen": F("subsidy_fen"),
        "copay_fen": F("copay_fen"),
        "hold_reason": Value(""),
    }
    # Aliases must not clash with the order's own field names in the SELECT.
    aliased = {f"line_{name}": expression for name, expression in copied.items()}
    select = billed.order_by().annotate(**aliased).values_list(*aliased)
    sql, params = select.query.sql_with_params()
    columns = ", ".join(
        connection.ops.quote_name(line.get_field(name.removesuffix("_id")).column)
        for name in copied
    )
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {line.db_table} ({columns}) {sql}", params)


def _hold_reasons(order_ids: list[int]) -> dict[int, str]:
    orders = (
        Order.objects.filter(pk__in=order_ids)
        .select_related("billing_exclusion", "visit_review")
        .prefetch_related("holds")
    )
    return {order.pk: _hold_reason(order) for order in orders}


def _hold_reason(order: Order) -> str:
    exclusion = getattr(order, "billing_exclusion", None)
    if exclusion is not None:
        return f"{exclusion.get_reason_display()}: {exclusion.note}"[:300]
    review = getattr(order, "visit_review", None)
    reasons = [
        str(hold.get_reason_display())
        + (f": {hold.note}" if hold.note else "")
        + (
            ": " + "；".join(str(finding) for finding in review.findings)
            if review is not None and hold.pk == review.hold_id
            else ""
        )
        for hold in order.holds.all()
        if hold.released_at is None
    ]
    if order.status == "disputed":
        reasons.append(str(_("Open dispute")) + f": {order.dispute_reason}")
    return "；".join(reasons)[:300]


# Planner settings for the statement's month (decision 0048): the orders are found through
# their (provider, programme, status, start) indexes and every other table is looked up per
# order through its index on `order_id`. Estimates cannot change that, so a month loaded
# minutes ago (no statistics yet: holds or reviews counted as empty, scanned once per line)
# costs what a well-counted one does. JIT off: compiling the query took longer than running
# it, and whether it compiles at all depends on the estimates too.
FIXED_PLAN = {
    "enable_hashjoin": "off",
    "enable_mergejoin": "off",
    "enable_seqscan": "off",
    "jit": "off",
}


@contextmanager
def fixed_plan() -> Iterator[None]:
    """Within a transaction: the settings above for the queries run inside (PostgreSQL;
    the embedded SQLite has one plan anyway)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        for name, value in FIXED_PLAN.items():
            cursor.execute(f"SET LOCAL {name} = {value}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name in FIXED_PLAN:
                cursor.execute(f"RESET {name}")


@transaction.atomic
def issue_statement(*, statement: Statement, by: User) -> Statement:
    """The officer issues the month: the qualifying orders are copied into lines that never
    change again."""
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    if not is_officer(by, statement.purchaser):
        raise PermissionDenied
    if statement.status != Status.DRAFT:
        raise StatementsError(_("This statement has already been issued."))
    billed, held = billable_orders(statement.purchaser, statement.provider, statement.month)
    with fixed_plan():
        _copy_billed_lines(statement, billed)
        # Held lines are few and each says in words why it is held, so they are built here.
        ids = list(held.values_list("pk", flat=True))
    for start in range(0, len(ids), LINES_PER_CHUNK):
        chunk = ids[start : start + LINES_PER_CHUNK]
        StatementLine.objects.bulk_create(_held_lines(statement, held, chunk))
    # Numbers follow the order of issue within a purchaser's month: its row is the lock.
    Purchaser.objects.select_for_update().get(pk=statement.purchaser_id)
    statement.number = next_number(statement)
    statement.status = Status.ISSUED
    statement.issued_at = timezone.now()
    statement.issued_by = by
    statement.save(update_fields=["number", "status", "issued_at", "issued_by"])
    return statement


def lock_for_officer(statement: Statement, by: User, *, expected: set[str]) -> Statement:
    """The statement, locked, once `by` is shown to be its purchaser's officer and the
    statement in one of the `expected` states."""
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    if not is_officer(by, statement.purchaser):
        raise PermissionDenied
    if statement.status not in expected:
        raise StatementsError(
            _("This statement is %(status)s: that is not possible now.")
            % {"status": statement.get_status_display()}
        )
    return statement


@transaction.atomic
def start_review(*, statement: Statement, by: User) -> Statement:
    statement = lock_for_officer(statement, by, expected={Status.ISSUED})
    statement.status = Status.UNDER_REVIEW
    statement.review_started_at = timezone.now()
    statement.save(update_fields=["status", "review_started_at"])
    return statement


@transaction.atomic
def exclude_line(*, line: StatementLine, by: User, reason: str, note: str) -> LineExclusion:
    """The officer refuses to pay one line, with a reason code and a note."""
    lock_for_officer(line.statement, by, expected={Status.UNDER_REVIEW})
    if line.kind != StatementLine.Kind.BILLED:
        raise StatementsError(_("A held line is not billed, so there is nothing to exclude."))
    if reason not in LineExclusion.Reason.values:
        raise StatementsError(_("Please choose a reason."))
    if not note.strip():
        raise StatementsError(_("Please explain the exclusion in a note."))
    if LineExclusion.objects.filter(line=line).exists():
        raise StatementsError(_("This line is already excluded."))
    return LineExclusion.objects.create(line=line, reason=reason, note=note.strip(), excluded_by=by)


@transaction.atomic
def approve_statement(*, statement: Statement, by: User) -> Statement:
    """The officer approves: what is billed moves from reserved to spent in each
    programme's budget, and the adjustments count as spent; what is excluded goes back."""
    statement = lock_for_officer(statement, by, expected={Status.UNDER_REVIEW})
    billed = statement.lines.filter(kind=StatementLine.Kind.BILLED)
    # Lines the officer excluded, and orders community staff left off, give their subsidy back.
    given_back = statement.lines.filter(
        Q(kind=StatementLine.Kind.BILLED, exclusion__isnull=False)
        | Q(kind=StatementLine.Kind.EXCLUDED)
    )
    for line in given_back.select_related("order"):
        order = line.order
        subsidy.release(
            programme_id=order.programme_id,
            provider_id=order.provider_id,
            care_recipient_id=order.care_recipient_id,
            month=order.subsidy_month,
            subsidy_fen=order.subsidy_fen,
            minutes=order.subsidy_minutes,
        )
    paid = (
        billed.filter(exclusion__isnull=True)
        .values("programme_id")
        .annotate(total=Sum("subsidy_fen"))
        .values_list("programme_id", "total")
    )
    for programme_id, total in paid:
        subsidy.spend(programme_id=programme_id, amount_fen=total, reserved_fen=total)
    corrections = (
        statement.adjustments.values("corrects__programme_id")
        .annotate(total=Sum("amount_fen"))
        .values_list("corrects__programme_id", "total")
    )
    for programme_id, total in corrections:
        subsidy.spend(programme_id=programme_id, amount_fen=total)
    statement.status = Status.APPROVED
    statement.approved_at = timezone.now()
    statement.approved_by = by
    statement.save(update_fields=["status", "approved_at", "approved_by"])
    wording.tell_provider_of_approval(
        statement, payable_fen=totals(statement).payable_fen, until=contest_until(statement)
    )
    return statement


@transaction.atomic
def add_adjustment(*, line: StatementLine, by: User, amount_fen: int, reason: str) -> Adjustment:
    """Correct an issued line: the correction goes on the provider's next draft."""
    line = StatementLine.objects.select_related("statement__purchaser").get(pk=line.pk)
    if not is_officer(by, line.statement.purchaser):
        raise PermissionDenied
    if line.statement.status == Status.DRAFT:
        raise StatementsError(_("Only lines of an issued statement are corrected this way."))
    if not amount_fen or not reason.strip():
        raise StatementsError(_("Please give the amount and the reason."))
    if line.subsidy_fen + amount_fen < 0:
        raise StatementsError(_("The correction cannot take back more than the line billed."))
    month = next_month(line.statement.month)
    while (
        Statement.objects.filter(
            purchaser=line.statement.purchaser, provider=line.statement.provider, month=month
        )
        .exclude(status=Status.DRAFT)
        .exists()
    ):
        month = next_month(month)
    target, _created = Statement.objects.get_or_create(
        purchaser=line.statement.purchaser, provider=line.statement.provider, month=month
    )
    return Adjustment.objects.create(
        statement=target,
        corrects=line,
        amount_fen=amount_fen,
        reason=reason.strip()[:300],
        created_by=by,
    )


@dataclass(frozen=True)
class Totals:
    billed_fen: int
    excluded_fen: int
    held_fen: int
    adjustments_fen: int
    line_count: int

    @property
    def payable_fen(self) -> int:
        return self.billed_fen - self.excluded_fen + self.adjustments_fen


def totals(statement: Statement) -> Totals:
    """The one place where a statement is added up (pages and every export use it)."""
    lines = statement.lines.aggregate(
        billed=Sum("subsidy_fen", filter=Q(kind="billed"), default=0),
        excluded=Sum("subsidy_fen", filter=Q(kind="billed", exclusion__isnull=False), default=0),
        held=Sum("subsidy_fen", filter=Q(kind="held"), default=0),
    )
    adjustments = statement.adjustments.aggregate(total=Sum("amount_fen", default=0))["total"]
    return Totals(
        billed_fen=lines["billed"],
        excluded_fen=lines["excluded"],
        held_fen=lines["held"],
        adjustments_fen=adjustments,
        line_count=statement.lines.count(),
    )


def lines_for_export(statement: Statement):
    """Every row of every export of a statement, from one query."""
    return statement.lines.select_related("programme", "exclusion").order_by(
        "kind", "visit_started_at", "pk"
    )


def preview(statement: Statement) -> tuple:
    """A draft's would-be lines, computed now (a draft has no lines of its own)."""
    return billable_orders(statement.purchaser, statement.provider, statement.month)
