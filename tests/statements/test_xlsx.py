"""The statement's own XLSX writer: what a spreadsheet program reads back."""

import datetime
import io

from openpyxl import load_workbook

from statements.xlsx import Bold, Fen, workbook


def read_back(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def test_text_comes_back_as_written_and_markup_stays_text():
    rows = [
        [Bold("2026-10 结算单")],
        ["O1", "张 & <李>", " 前后空格 ", "", "¥24.00"],
        [],
        ["合计", "120.00"],
    ]
    sheet = read_back(workbook("2026-10", rows))

    assert sheet.title == "2026-10"
    assert sheet["A1"].value == "2026-10 结算单" and sheet["A1"].font.b
    assert not sheet["A2"].font.b
    assert [c.value for c in sheet[2]] == ["O1", "张 & <李>", " 前后空格 ", None, "¥24.00"]
    assert sheet["A3"].value is None
    assert [c.value for c in sheet[4]][:2] == ["合计", "120.00"]


def test_characters_xml_cannot_hold_are_dropped_instead_of_breaking_the_file():
    sheet = read_back(workbook("a/b:c", [["备注\x00\x07\x1f结束", "tab\there"]]))

    assert sheet.title == "abc"
    assert sheet["A1"].value == "备注结束"
    assert sheet["B1"].value == "tab\there"


def test_columns_past_z_are_named_as_spreadsheets_name_them():
    sheet = read_back(workbook("wide", [[str(n) for n in range(30)]]))

    assert sheet["Z1"].value == "25" and sheet["AA1"].value == "26" and sheet["AD1"].value == "29"


def test_money_is_a_yuan_number_and_a_time_a_local_date_to_the_second():
    # 16:30:59 UTC is 00:30:59 the next day in Shanghai.
    moment = datetime.datetime(2026, 11, 30, 16, 30, 59, tzinfo=datetime.UTC)
    sheet = read_back(workbook("x", [[Fen(-850), Fen(123456), Fen(0), moment]]))

    assert [sheet["A1"].value, sheet["B1"].value, sheet["C1"].value] == [-8.5, 1234.56, 0]
    assert {sheet[ref].number_format for ref in ("A1", "B1", "C1")} == {'"¥"#,##0.00;-"¥"#,##0.00'}
    # Spreadsheets know no zones: the reader gets the Shanghai wall-clock time, naive.
    shanghai = datetime.datetime(2026, 12, 1, 0, 30, 59)  # noqa: DTZ001
    assert sheet["D1"].value == shanghai
    assert sheet["D1"].number_format == "yyyy-mm-dd hh:mm"
