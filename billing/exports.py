"""A statement as CSV, XLSX and PDF. All three read `statements.lines_for_export` and
`statements.totals`, so their totals cannot differ."""

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from billing.exceptions import BillingError
from billing.models import Statement
from billing.statements import lines_for_export, totals
from marketplace.money import yuan


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


def _when(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""


def iter_rows(statement: Statement) -> Iterator[list[str]]:
    """The lines one by one, read from the database in chunks: a month of a large
    provider has a hundred thousand of them."""
    for line in lines_for_export(statement).iterator(chunk_size=2000):
        exclusion = getattr(line, "exclusion", None)
        why = line.hold_reason or (
            f"{exclusion.get_reason_display()}: {exclusion.note}" if exclusion else ""
        )
        yield (
            [
                line.order_code,
                str(line.get_kind_display()),
                line.programme.name,
                line.recipient_name,
                line.community_name,
                line.service_title,
                line.worker_name,
                _when(line.visit_started_at),
                _when(line.visit_ended_at),
                yuan(line.list_price_fen),
                yuan(line.subsidy_fen),
                yuan(line.copay_fen),
                _("yes") if exclusion else "",
                why,
            ]
        )


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
    # Write-only: rows go to the file as they come instead of living in memory.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(f"{statement.month:%Y-%m}")
    heading = WriteOnlyCell(sheet, value=title(statement))
    heading.font = Font(bold=True)
    sheet.append([heading])
    sheet.append(_columns())
    for row in iter_rows(statement):
        sheet.append(row)
    sheet.append([])
    for label, amount in summary(statement):
        sheet.append([label, amount])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def cjk_font() -> tuple[Path, int]:
    """A font that has the Chinese characters, embedded in the PDF (OS package
    fonts-noto-cjk, or PDF_CJK_FONT)."""
    for path, index in settings.PDF_CJK_FONTS:
        if Path(path).exists():
            return Path(path), index
    raise BillingError(
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
