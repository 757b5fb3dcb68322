"""A statement as a PDF document to sign and seal: number, date and parties, the totals, a
summary by programme and community, the lines, the corrections it carries, and a signature
and seal block for each side. Its rows and totals are the CSV's and XLSX's
(`statements.exports`)."""

import datetime
from collections.abc import Iterable, Sequence
from pathlib import Path

from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from linli.fonts import find_cjk_font
from marketplace.money import yuan
from statements import exports
from statements.exceptions import StatementsError
from statements.models import Statement
from statements.xlsx import Fen

# Millimetres across an A4 page in landscape, inside its margins.
LINE_WIDTHS = (17, 11, 24, 17, 20, 28, 15, 24, 24, 17, 17, 17, 11, 35)
SUMMARY_WIDTHS = (70, 60, 30, 35, 35, 47)
ADJUSTMENT_WIDTHS = (35, 50, 30, 122, 40)
SIGNATURE_HEIGHT = 46
# No bold in the headings: the embedded font has one weight.
HEADINGS = FontFace(emphasis="", fill_color=(230, 230, 230))


def cjk_font() -> tuple[Path, int]:
    """A font that has the Chinese characters, embedded in the PDF (OS package
    fonts-noto-cjk, or PDF_CJK_FONT)."""
    found = find_cjk_font()
    if found:
        return found
    raise StatementsError(
        _(
            "PDF export needs a Chinese font: install the fonts-noto-cjk package "
            "or set PDF_CJK_FONT."
        )
    )


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Fen):
        return yuan(value)
    if isinstance(value, datetime.datetime):
        return exports.when(value)
    return str(value)


class _Document(FPDF):
    """Every page carries the statement number and its page number, so a loose page of a
    long statement is still known."""

    footer_text = ""

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font("cjk", size=7)
        self.cell(0, 5, f"{self.footer_text} · {self.page_no()}/{{nb}}", align="C")


def _table(pdf: FPDF, widths: Sequence[int], columns: list[str], rows: Iterable[list]) -> None:
    pdf.set_font("cjk", size=8)
    with pdf.table(
        col_widths=widths, text_align="LEFT", line_height=5, headings_style=HEADINGS
    ) as table:
        table.row(columns)
        for values in rows:
            table.row([_text(value) for value in values])


def _column(pdf: FPDF, x: float, lines: list[str]) -> None:
    for line in lines:
        pdf.set_x(x)
        pdf.cell(text=line, new_x="LEFT", new_y="NEXT")


def _section(pdf: FPDF, heading: str) -> None:
    pdf.ln(4)
    pdf.set_font("cjk", size=11)
    pdf.cell(text=heading, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _signature_block(pdf: FPDF, x: float, width: float, party: str, name: str) -> None:
    top = pdf.get_y()
    pdf.rect(x, top, width, SIGNATURE_HEIGHT)
    pdf.set_font("cjk", size=10)
    for offset, text in [
        (4, party),
        (11, name),
        (24, _("Signed by:") + " " + "_" * 24),
        (34, _("Date:") + " " + "_" * 24),
    ]:
        pdf.set_xy(x + 4, top + offset)
        pdf.cell(text=text)


def _signatures(pdf: FPDF, statement: Statement) -> None:
    if pdf.get_y() + SIGNATURE_HEIGHT + 10 > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.ln(6)
    half = (pdf.epw - 10) / 2
    top = pdf.get_y()
    _signature_block(pdf, pdf.l_margin, half, _("Purchaser (seal)"), statement.purchaser.name)
    pdf.set_y(top)
    _signature_block(
        pdf, pdf.l_margin + half + 10, half, _("Provider (seal)"), statement.provider.name
    )


def to_pdf(statement: Statement) -> bytes:
    path, index = cjk_font()
    pdf = _Document(orientation="landscape", format="A4")
    pdf.footer_text = _("Statement %(number)s") % {"number": statement.number or ""}
    pdf.add_font("cjk", fname=str(path), collection_font_number=index)
    pdf.set_auto_page_break(auto=True, margin=14)
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.cell(text=_("Purchase-of-service statement"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=11)
    pdf.cell(text=exports.title(statement), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    # Who and what on the left, the totals on the right: the first page keeps room for the
    # signature blocks of a small statement.
    top = pdf.get_y()
    _column(
        pdf,
        pdf.l_margin,
        [f"{label}: {_text(value)}" for label, value in exports.particulars(statement)],
    )
    bottom = pdf.get_y()
    pdf.set_y(top)
    totals = [f"{label}: ¥{yuan(amount)}" for label, amount in exports.summary(statement)]
    _column(pdf, pdf.l_margin + pdf.epw / 2, [_("Totals"), *totals])
    pdf.set_y(max(bottom, pdf.get_y()))
    _section(pdf, _("By programme and community"))
    _table(pdf, SUMMARY_WIDTHS, exports.summary_columns(), exports.summary_rows(statement))
    _section(pdf, _("Lines"))
    _table(pdf, LINE_WIDTHS, exports.line_columns(), exports.iter_rows(statement))
    adjustments = exports.adjustment_rows(statement)
    if adjustments:
        _section(pdf, _("Corrections of earlier statements"))
        _table(pdf, ADJUSTMENT_WIDTHS, exports.adjustment_columns(), adjustments)
    _signatures(pdf, statement)
    return bytes(pdf.output())
