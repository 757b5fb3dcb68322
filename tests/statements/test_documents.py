"""The statement's three documents, opened by a reader (the CSV module, openpyxl, pypdf's
text extraction): every total (billed, excluded, adjustments, payable, held) matches the
screen and the database; the PDF carries the number, date, parties, summary, corrections and
signature blocks; the XLSX holds numbers and dates; the CSV neutralises formulas."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override
from openpyxl import load_workbook
from pypdf import PdfReader

from statements import exports, pdf, services

pytestmark = pytest.mark.django_db

TOTALS = {"billed": "Billed", "excluded": "Excluded", "adjustments": "Adjustments",
          "payable": "Payable", "held": "Held, not billed"}  # fmt: skip


def fen(text: str) -> int:
    """A yuan amount as a reader shows it ("¥1,234.50", "-8.50", 96.0) in fen."""
    return int(Decimal(str(text).replace("¥", "").replace(",", "")) * 100)


def database_totals(statement) -> dict[str, int]:
    total = services.totals(statement)
    return {
        "billed": total.billed_fen,
        "excluded": total.excluded_fen,
        "adjustments": total.adjustments_fen,
        "payable": total.payable_fen,
        "held": total.held_fen,
    }


def screen_totals(client, officer, statement) -> dict[str, int]:
    client.force_login(officer)
    html = client.get(reverse("purchase:statement", args=[statement.pk])).content.decode()
    return {
        key: fen(re.search(rf'data-testid="{key}">(?:<strong>)?([^<]+)<', html)[1])
        for key in TOTALS
    }


def labelled(rows, label: str):
    found = [row[1] for row in rows if row and row[0] == label]
    assert len(found) == 1, (label, found)
    return found[0]


def csv_rows(statement) -> list[list[str]]:
    return list(csv.reader(io.StringIO(exports.to_csv(statement).decode("utf-8-sig"))))


def xlsx_sheet(statement):
    return load_workbook(io.BytesIO(exports.to_xlsx(statement))).active


def pdf_text(statement) -> str:
    pages = PdfReader(io.BytesIO(pdf.to_pdf(statement))).pages
    return "".join("".join(page.extract_text().replace("\x00", "").split()) for page in pages)


def test_every_total_of_every_export_matches_the_screen_and_the_database(
    client, district_officer, with_everything
):
    statement = with_everything
    expected = database_totals(statement)
    assert all(expected[key] for key in ("billed", "excluded", "adjustments", "payable"))
    assert screen_totals(client, district_officer, statement) == expected

    labels = {key: gettext(label) for key, label in TOTALS.items()}
    rows = csv_rows(statement)
    assert {key: fen(labelled(rows, label)) for key, label in labels.items()} == expected
    values = [list(row) for row in xlsx_sheet(statement).iter_rows(values_only=True)]
    assert {key: fen(labelled(values, label)) for key, label in labels.items()} == expected
    text = pdf_text(statement)
    assert {
        key: fen(re.search(rf"{re.escape(label)}:¥(-?[\d.]+)", text)[1])
        for key, label in labels.items()
    } == expected


def test_the_pdf_names_the_statement_its_parties_its_groups_and_its_corrections(
    with_everything,
):
    statement = with_everything
    text = pdf_text(statement)
    adjustment = statement.adjustments.get()

    assert statement.number and statement.number in text
    assert f"{timezone.localtime(statement.issued_at):%Y-%m-%d}" in text
    for name in (statement.purchaser.name, statement.provider.name, "高龄助浴补贴", "潍坊一村"):
        assert name in text
    assert "按项目和社区" in text
    assert adjustment.corrects.order_code in text and adjustment.corrects.statement.number in text
    assert "-8.50" in text
    for block in ("购买方（盖章）", "服务商（盖章）", "经办人签字：", "日期："):
        assert block in text, block


def test_the_pdf_summary_by_programme_and_community_adds_up_to_the_totals(with_everything):
    groups = exports.summary_rows(with_everything)
    total = services.totals(with_everything)

    assert sum(row[2] for row in groups) == 2
    assert sum(row[3] for row in groups) == total.billed_fen
    assert sum(row[4] for row in groups) == total.excluded_fen


def test_the_xlsx_holds_money_as_yuan_numbers_and_visit_times_as_dates(with_everything):
    statement = with_everything
    sheet = xlsx_sheet(statement)
    lines = {line.order_code: line for line in statement.lines.all()}
    rows = [row for row in sheet.iter_rows() if row[0].value in lines]
    assert len(rows) == 2

    for row in rows:
        line = lines[row[0].value]
        check_in, subsidy = row[7], row[10]
        assert subsidy.data_type == "n" and fen(subsidy.value) == line.subsidy_fen
        assert "¥" in subsidy.number_format and "0.00" in subsidy.number_format
        assert check_in.is_date and "yyyy-mm-dd" in check_in.number_format
        local = timezone.localtime(line.visit_started_at).replace(tzinfo=None, microsecond=0)
        assert check_in.value == local
    # A spreadsheet's SUM over the subsidy column gives the billed total, not 0.
    assert sum(fen(row[10].value) for row in rows) == services.totals(statement).billed_fen
    adjustment = next(row for row in sheet.iter_rows() if row[2].value == -8.5)
    assert adjustment[2].data_type == "n"


def test_the_csv_neutralises_formulas_and_keeps_negative_money_a_number(with_everything):
    rows = csv_rows(with_everything)
    code = with_everything.adjustments.get().corrects.order_code

    adjustment = next(row for row in rows if row and row[0] == code)
    assert adjustment[2] == "-8.50"
    assert adjustment[3] == '\'=HYPERLINK("http://example.com") 少服务 20 分钟'
    excluded = next(row for row in rows if len(row) > 13 and row[12] == gettext("yes"))
    assert excluded[13].endswith(": -缺签到照片")
    assert labelled(rows, gettext("Adjustments")) == "-8.50"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+2", "'=1+2"),
        ("+86 138", "'+86 138"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("张=三", "张=三"),
        ("", ""),
        (None, ""),
        (exports.Fen(-850), "-8.50"),
        (exports.Fen(0), "0.00"),
    ],
)
def test_a_csv_cell_is_text_unless_it_is_money(value, written):
    assert exports.csv_cell(value) == written


def test_a_csv_time_is_written_in_local_time():
    moment = datetime.datetime(2026, 11, 30, 16, 30, tzinfo=datetime.UTC)
    assert exports.csv_cell(moment) == "2026-12-01 00:30"


def test_the_documents_speak_the_readers_language(with_everything):
    with override("en"):
        rows = csv_rows(with_everything)
        text = pdf_text(with_everything)
    assert labelled(rows, "Statement number") == with_everything.number
    assert "Purchaser(seal)" in text and "Provider(seal)" in text
