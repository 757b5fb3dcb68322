"""A one-sheet XLSX workbook, written row by row as the rows come: text, money and times.

A statement of a large provider has a hundred thousand lines of fourteen cells; openpyxl
(write-only) and XlsxWriter both took over 30 s for that here, a target of 20 s for
issuing and exporting together (decision 0015). The rows are simple, so the sheet is
written directly: inline strings, numbers, a few fixed styles, nothing shared between rows.
"""

import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from django.utils import timezone

from marketplace.money import yuan

# XML 1.0 forbids these; a stray one would make Excel refuse the whole file.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NOT_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
_ROWS_PER_WRITE = 1000
_MAX_SHEET_NAME = 31

# The parts that never change; styles.xml: style 0 is the default font, 1 the same in bold,
# 2 money in yuan (¥1,234.50), 3 a date and time.
_PARTS = Path(__file__).with_name("xlsx_parts")
_FIXED_PARTS = {
    "[Content_Types].xml": "content_types.xml",
    "_rels/.rels": "root.rels",
    "xl/_rels/workbook.xml.rels": "workbook.xml.rels",
    "xl/styles.xml": "styles.xml",
}
_WORKBOOK = (_PARTS / "workbook.xml").read_text()

_SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "<sheetData>"
)
_SHEET_END = "</sheetData></worksheet>"


class Bold(str):
    """A cell written in bold."""


class Fen(int):
    """An amount in fen, written as a number of yuan in the yuan format, so that a
    spreadsheet adds it up."""


_MONEY_STYLE, _TIME_STYLE = 2, 3
# Spreadsheets count days from here (with 1900 wrongly taken as a leap year, which this
# epoch absorbs for every date after February 1900).
_EPOCH = datetime.date(1899, 12, 30)
_SECONDS_A_DAY = 86400


def _column_letters(count: int) -> list[str]:
    letters = []
    for index in range(count):
        name, n = "", index + 1
        while n:
            n, rest = divmod(n - 1, 26)
            name = chr(65 + rest) + name
        letters.append(name)
    return letters


_LETTERS = _column_letters(64)


def _serial(moment: datetime.datetime, zone: datetime.tzinfo) -> str:
    """A moment as a spreadsheet's day number in local time (spreadsheets know no zones),
    to the second."""
    local = moment.astimezone(zone)
    seconds = local.hour * 3600 + local.minute * 60 + local.second
    return f"{(local.date() - _EPOCH).days}.{seconds * 10**10 // _SECONDS_A_DAY:010d}"


def _cell(reference: str, value, zone: datetime.tzinfo) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, Fen):
        return f'<c r="{reference}" s="{_MONEY_STYLE}"><v>{yuan(value)}</v></c>'
    if isinstance(value, datetime.datetime):
        return f'<c r="{reference}" s="{_TIME_STYLE}"><v>{_serial(value, zone)}</v></c>'
    text = escape(_NOT_XML.sub("", str(value)))
    style = ' s="1"' if isinstance(value, Bold) else ""
    return (
        f'<c r="{reference}" t="inlineStr"{style}><is><t xml:space="preserve">{text}</t></is></c>'
    )


def _row(number: int, values: Sequence, zone: datetime.tzinfo) -> str:
    cells = "".join(
        _cell(f"{_LETTERS[column]}{number}", value, zone) for column, value in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'


def workbook(sheet_name: str, rows: Iterable[Sequence]) -> bytes:
    """The workbook's bytes; each row a sequence of up to 64 cells: strings (empty: no
    cell), `Fen` amounts, aware datetimes (written in local time), or None (no cell)."""
    name = _NOT_IN_SHEET_NAME.sub("", _NOT_XML.sub("", sheet_name))[:_MAX_SHEET_NAME] or "Sheet1"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as xlsx:
        for part, file_name in _FIXED_PARTS.items():
            xlsx.write(_PARTS / file_name, part)
        xlsx.writestr("xl/workbook.xml", _WORKBOOK.format(name=quoteattr(name)))
        with xlsx.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(_SHEET_START.encode())
            pending: list[str] = []
            # Looked up once: asking Django for the zone of each of 200,000 times took 2 s.
            zone = timezone.get_current_timezone()
            for number, values in enumerate(rows, start=1):
                pending.append(_row(number, values, zone))
                if len(pending) == _ROWS_PER_WRITE:
                    sheet.write("".join(pending).encode())
                    pending.clear()
            sheet.write(("".join(pending) + _SHEET_END).encode())
    return buffer.getvalue()
