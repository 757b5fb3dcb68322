"""A statement as CSV, XLSX and PDF. All three read `services.lines_for_export` and
`services.totals`, so their totals cannot differ."""

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from billing.models import Programme
from marketplace.money import yuan
from statements import xlsx
from statements.exceptions import StatementsError
from statements.models import LineExclusion, Statement, StatementLine
from statements.services import lines_for_export, totals
from statements.xlsx import Bold


def _columns() -> list[str]:
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


def _when(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""


def iter_rows(statement: Statement) -> Iterator[list[str]]:
    """The lines one by one, read from the database in chunks as plain values: a month of
    a large provider has a hundred thousand of them."""
    kinds = dict(StatementLine.Kind.choices)
    reasons = dict(LineExclusion.Reason.choices)
    used = statement.lines.values("programme_id")
    programmes = {p.pk: p.name for p in Programme.objects.filter(pk__in=used)}
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
            _when(started),
            _when(ended),
            yuan(list_price_fen),
            yuan(subsidy_fen),
            yuan(copay_fen),
            _("yes") if excluded else "",
            why,
        ]


def rows(statement: Statement) -> list[list[str]]:
    return list(iter_rows(statement))


def summary(statement: Statement) -> list[tuple[str, str]]:
    total = totals(statement)
    return [
        (_("Billed"), yuan(total.billed_fen)),
        (_("Excluded"), yuan(total.excluded_fen)),
        (_("Adjustments"), yuan(total.adjustments_fen)),
        (_("Payable"), yuan(total.payable_fen)),
        (_("Held, not billed"), yuan(total.held_fen)),
    ]


def title(statement: Statement) -> str:
    return _("Statement %(month)s · %(purchaser)s · %(provider)s") % {
        "month": f"{statement.month:%Y-%m}",
        "purchaser": statement.purchaser.name,
        "provider": statement.provider.name,
    }


def to_csv(statement: Statement) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([title(statement)])
    writer.writerow(_columns())
    writer.writerows(iter_rows(statement))
    writer.writerow([])
    writer.writerows(summary(statement))
    # A byte-order mark so that spreadsheet programs read the Chinese correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(statement: Statement) -> bytes:
    def sheet_rows():
        yield [Bold(title(statement))]
        yield _columns()
        yield from iter_rows(statement)
        yield []
        yield from (list(pair) for pair in summary(statement))

    return xlsx.workbook(f"{statement.month:%Y-%m}", sheet_rows())


def cjk_font() -> tuple[Path, int]:
    """A font that has the Chinese characters, embedded in the PDF (OS package
    fonts-noto-cjk, or PDF_CJK_FONT)."""
    for path, index in settings.PDF_CJK_FONTS:
        if Path(path).exists():
            return Path(path), index
    raise StatementsError(
        _(
            "PDF export needs a Chinese font: install the fonts-noto-cjk package "
            "or set PDF_CJK_FONT."
        )
    )


def to_pdf(statement: Statement) -> bytes:
    path, index = cjk_font()
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.add_font("cjk", fname=str(path), collection_font_number=index)
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("cjk", size=13)
    pdf.cell(text=title(statement), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=8)
    pdf.ln(2)
    widths = [17, 11, 24, 17, 20, 28, 15, 24, 24, 17, 17, 17, 11, 35]
    # No bold in the headings: the embedded font has one weight.
    headings = FontFace(emphasis="", fill_color=(230, 230, 230))
    with pdf.table(
        col_widths=widths, text_align="LEFT", line_height=5, headings_style=headings
    ) as table:
        table.row(_columns())
        for values in iter_rows(statement):
            table.row(values)
    pdf.ln(4)
    pdf.set_font("cjk", size=11)
    for label, amount in summary(statement):
        pdf.cell(text=f"{label}: ¥{amount}", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
