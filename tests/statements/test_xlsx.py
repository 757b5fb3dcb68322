"""The statement's own XLSX writer: what a spreadsheet program reads back."""

import io

from openpyxl import load_workbook

from statements.xlsx import Bold, workbook


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
