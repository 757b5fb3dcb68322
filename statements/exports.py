"""A statement as CSV, XLSX and PDF (`statements.pdf`). All three read the same rows, built
here from `services.lines_for_export` and `services.totals`, so their totals cannot differ.
A row holds text, `Fen` amounts and aware datetimes; each format writes them its own way:
CSV as text (money as plain numbers, text that a spreadsheet would run as a formula
neutralised), XLSX as numbers in the yuan format and dates, PDF as text."""

import csv
import datetime
import io
from collections.abc import Iterator

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.models import Programme
from marketplace.money import yuan
from statements import xlsx
from statements.models import LineExclusion, Statement, StatementLine
from statements.services import lines_for_export, totals
from statements.xlsx import Bold, Fen


def line_columns() -> list[str]:
    return [
        _("Order number"),
        _("Line"),
        _("Programme"),
        _("Care recipient"),
        _("Community"),
        _("Service"),
        _("Worker"),
        _("Check-in"),
        _("Check-out"),
        _("List price"),
        _("Subsidy"),
        _("Paid by the resident"),
        _("Excluded"),
        _("Why"),
    ]


def adjustment_columns() -> list[str]:
    return [
        _("Corrects order"),
        _("Of statement"),
        _("Amount"),
        _("Reason"),
        _("Recorded"),
    ]


def summary_columns() -> list[str]:
    return [
        _("Programme"),
        _("Community"),
        _("Billed lines"),
        _("Billed"),
        _("Excluded"),
        _("Billed less excluded"),
    ]


EXPORTED = (
    "order_code",
    "kind",
    "programme_id",
    "recipient_name",
    "community_name",
    "service_title",
    "worker_name",
    "visit_started_at",
    "visit_ended_at",
    "list_price_fen",
    "subsidy_fen",
    "copay_fen",
    "hold_reason",
    "exclusion__pk",
    "exclusion__reason",
    "exclusion__note",
)


def when(moment: datetime.datetime | None) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""


def _programme_names(statement: Statement) -> dict[int, str]:
    used = statement.lines.values("programme_id")
    return {p.pk: p.name for p in Programme.objects.filter(pk__in=used)}


def iter_rows(statement: Statement) -> Iterator[list]:
    """The lines one by one, read from the database in chunks as plain values: a month of
    a large provider has a hundred thousand of them."""
    kinds = dict(StatementLine.Kind.choices)
    reasons = dict(LineExclusion.Reason.choices)
    programmes = _programme_names(statement)
    for line in lines_for_export(statement).values_list(*EXPORTED).iterator(chunk_size=2000):
        (code, kind, programme_id, recipient, community, service, worker, started, ended) = line[:9]
        list_price_fen, subsidy_fen, copay_fen, hold_reason, excluded, reason, note = line[9:]
        why = hold_reason or (f"{reasons[reason]}: {note}" if excluded else "")
        yield [
            code,
            str(kinds[kind]),
            programmes[programme_id],
            recipient,
            community,
            service,
            worker,
            started,
            ended,
            Fen(list_price_fen),
            Fen(subsidy_fen),
            Fen(copay_fen),
            _("yes") if excluded else "",
            why,
        ]


def rows(statement: Statement) -> list[list]:
    return list(iter_rows(statement))


def adjustment_rows(statement: Statement) -> list[list]:
    """Each correction of an earlier statement's line that this statement carries."""
    adjustments = statement.adjustments.order_by("created_at", "pk").values_list(
        "corrects__order_code", "corrects__statement__number", "amount_fen", "reason", "created_at"
    )
    return [
        [code, number or "", Fen(amount), reason, created]
        for code, number, amount, reason, created in adjustments
    ]


def summary_rows(statement: Statement) -> list[list]:
    """The billed lines by programme and community, with what each group is owed."""
    programmes = _programme_names(statement)
    groups = (
        statement.lines.filter(kind=StatementLine.Kind.BILLED)
        .values("programme_id", "community_name")
        .annotate(
            count=Count("pk"),
            billed=Sum("subsidy_fen"),
            excluded=Sum("subsidy_fen", filter=Q(exclusion__isnull=False), default=0),
        )
        .order_by("programme_id", "community_name")
    )
    return [
        [
            programmes[group["programme_id"]],
            group["community_name"],
            group["count"],
            Fen(group["billed"]),
            Fen(group["excluded"]),
            Fen(group["billed"] - group["excluded"]),
        ]
        for group in groups
    ]


def summary(statement: Statement) -> list[tuple[str, Fen]]:
    total = totals(statement)
    return [
        (_("Billed"), Fen(total.billed_fen)),
        (_("Excluded"), Fen(total.excluded_fen)),
        (_("Adjustments"), Fen(total.adjustments_fen)),
        (_("Payable"), Fen(total.payable_fen)),
        (_("Held, not billed"), Fen(total.held_fen)),
    ]


def title(statement: Statement) -> str:
    return _("Statement %(month)s · %(purchaser)s · %(provider)s") % {
        "month": f"{statement.month:%Y-%m}",
        "purchaser": statement.purchaser.name,
        "provider": statement.provider.name,
    }


def particulars(statement: Statement) -> list[tuple[str, object]]:
    """What identifies the document: its number, date and the two parties."""
    return [
        (_("Statement number"), statement.number or ""),
        (_("Issued on"), statement.issued_at),
        (_("Month"), f"{statement.month:%Y-%m}"),
        (_("Purchaser"), statement.purchaser.name),
        (_("Provider"), statement.provider.name),
    ]


def _document(statement: Statement) -> Iterator[list]:
    """Every row of the CSV and XLSX exports, in order."""
    yield [Bold(title(statement))]
    yield from (list(pair) for pair in particulars(statement))
    yield []
    yield line_columns()
    yield from iter_rows(statement)
    adjustments = adjustment_rows(statement)
    if adjustments:
        yield []
        yield [Bold(_("Corrections of earlier statements"))]
        yield adjustment_columns()
        yield from adjustments
    yield []
    yield from (list(pair) for pair in summary(statement))


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, "CSV
# injection"); a leading apostrophe makes it text. Money is written from numbers, never
# through this, so "-8.00" stays a number.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Fen):
        return yuan(value)
    if isinstance(value, datetime.datetime):
        return when(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(statement: Statement) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows([csv_cell(value) for value in row] for row in _document(statement))
    # A byte-order mark so that spreadsheet programs read the Chinese correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(statement: Statement) -> bytes:
    return xlsx.workbook(f"{statement.month:%Y-%m}", _document(statement))
