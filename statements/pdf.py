"""A statement as a PDF document to sign and seal: number, date and parties, the totals, a
summary by programme and community, the lines, the corrections it carries, and a signature
and seal block for each side. Its rows and totals are the CSV's and XLSX's
(`statements.exports`)."""

import datetime
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from django.utils.translation import gettext as _
from fpdf import FPDF

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
# How often a long statement reports how far it is (lines).
PROGRESS_EVERY = 1000


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


class _Grid:
    """Rows of text in ruled cells, written straight as PDF drawing operators. fpdf2's
    `table()` lays every cell out as a paragraph (text shaping, fragments, a dry run to
    measure): 150 s for 10,000 lines; plain `cell()` calls still 7 s for 2,000. Here each
    row is one text object and one set of rectangles, widths come from the font's own
    advance table, and a cell too narrow for its text wraps by character (decision 0048).
    The font subset still learns every character it draws, so the embedded font, the text
    a reader extracts and the page breaks with a repeated heading row are as before."""

    LINE_MM, PAD_MM, SIZE_PT = 3.2, 0.8, 7
    REMEMBERED = 20_000

    def __init__(self, pdf: FPDF, widths: Sequence[int], columns: list[str]):
        self.pdf, self.widths, self.columns = pdf, widths, columns
        pdf.set_font("cjk", size=self.SIZE_PT)
        self.font = pdf.current_font
        self.advance = self.font.cw
        self.measured: dict[tuple[str, float], list[str]] = {}
        self.encoded: dict[str, str] = {}
        self.boxes: dict[tuple[int, bool], str] = {}
        self.places: dict[tuple[int, int], str] = {}
        self.start = f"BT /F{self.font.i} {self.SIZE_PT:.2f} Tf"
        self.lefts = [pdf.l_margin + sum(widths[:n]) for n in range(len(widths))]
        self.row(columns, heading=True)

    def _width_mm(self, text: str) -> float:
        advance = self.advance
        return sum(advance[ord(c)] for c in text) * self.SIZE_PT / 1000 / self.pdf.k

    def _lines(self, text: str, width: float) -> list[str]:
        # Most cells repeat (programme, service, community, amounts): measured once.
        known = self.measured.get((text, width))
        if known is not None:
            return known
        if len(self.measured) > self.REMEMBERED:
            self.measured.clear()
        room = width - 2 * self.PAD_MM
        lines = [text] if self._width_mm(text) <= room else self._wrap(text, room)
        self.measured[(text, width)] = lines
        return lines

    def _wrap(self, text: str, room: float) -> list[str]:
        lines, line, used = [], "", 0.0
        scale = self.SIZE_PT / 1000 / self.pdf.k
        for char in text:
            step = self.advance[ord(char)] * scale
            if line and used + step > room:
                lines.append(line)
                line, used = "", 0.0
            line += char
            used += step
        return [*lines, line] if line else lines

    def _encoded(self, text: str) -> str:
        known = self.encoded.get(text)
        if known is None:
            if len(self.encoded) > self.REMEMBERED:
                self.encoded.clear()
            known = self.encoded[text] = self.font.encode_text(text)
        return known

    def row(self, values: list, *, heading: bool = False) -> None:
        pdf = self.pdf
        cells = [self._lines(_text(v), w) for v, w in zip(values, self.widths, strict=True)]
        height = max(len(lines) for lines in cells) * self.LINE_MM + 1.4
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
            pdf.set_font("cjk", size=self.SIZE_PT)
            if not heading:
                self.row(self.columns, heading=True)
        if not pdf.current_font_is_set_on_page:
            # Registers the font as a resource of this page (fpdf2 does it on first text).
            pdf._out(pdf._set_font_for_page(self.font, self.SIZE_PT))
        top = pdf.get_y()
        lines = max(len(cell) for cell in cells)
        # The row is drawn at the page's top edge and moved down into place (`cm`), so its
        # rectangles and text positions are the same strings on every row.
        parts = [f"q 1 0 0 1 0 {-top * pdf.k:.2f} cm", self._boxes(lines, heading), self.start]
        for column, cell in enumerate(cells):
            for n, line in enumerate(cell):
                if line:
                    parts.append(self._place(column, n))
                    parts.append(self._encoded(line))
        parts.append("ET Q")
        pdf._out(" ".join(parts))
        pdf.set_y(top + height)

    def _boxes(self, lines: int, heading: bool) -> str:
        key = (lines, heading)
        if key not in self.boxes:
            k, height = self.pdf.k, lines * self.LINE_MM + 1.4
            bottom = self.pdf.h * k - height * k
            rects = " ".join(
                f"{x * k:.2f} {bottom:.2f} {w * k:.2f} {height * k:.2f} re"
                for x, w in zip(self.lefts, self.widths, strict=True)
            )
            self.boxes[key] = (f"q 0.9 g {rects} f Q " if heading else "") + f"{rects} S"
        return self.boxes[key]

    def _place(self, column: int, n: int) -> str:
        key = (column, n)
        if key not in self.places:
            k = self.pdf.k
            x = (self.lefts[column] + self.PAD_MM) * k
            y = self.pdf.h * k - (0.7 + (n + 0.78) * self.LINE_MM) * k
            self.places[key] = f"1 0 0 1 {x:.2f} {y:.2f} Tm"
        return self.places[key]


def _table(
    pdf: FPDF,
    widths: Sequence[int],
    columns: list[str],
    rows: Iterable[list],
    progress: Callable[[int], None] | None = None,
) -> None:
    grid = _Grid(pdf, widths, columns)
    for count, values in enumerate(rows, start=1):
        grid.row(values)
        if progress and count % PROGRESS_EVERY == 0:
            progress(count)


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


def to_pdf(statement: Statement, progress: Callable[[int], None] | None = None) -> bytes:
    """The document; `progress(lines_done)` is called every PROGRESS_EVERY lines."""
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
    _table(pdf, LINE_WIDTHS, exports.line_columns(), exports.iter_rows(statement), progress)
    adjustments = exports.adjustment_rows(statement)
    if adjustments:
        _section(pdf, _("Corrections of earlier statements"))
        _table(pdf, ADJUSTMENT_WIDTHS, exports.adjustment_columns(), adjustments)
    _signatures(pdf, statement)
    return bytes(pdf.output())
