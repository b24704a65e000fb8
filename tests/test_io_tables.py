"""Tests of reading tables as planners' tools write them (scheduler.io.tables via read_scenario)."""

from __future__ import annotations

import csv
import dataclasses
import io
import shutil
import zipfile
from datetime import datetime, time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import Workbook

from scheduler.data import AvailabilityKind
from scheduler.errors import InputError
from scheduler.io.scenario import parse_hhmm, read_frames, read_scenario
from scheduler.io.tables import decode, excel_text, sniff_separator

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of data/sample to change."""
    return Path(shutil.copytree(SAMPLE, tmp_path / "sample"))


def load_error(folder: Path) -> InputError:
    """The InputError reading ``folder`` raises."""
    with pytest.raises(InputError) as caught:
        read_scenario(folder)
    return caught.value


def rows(folder: Path, name: str) -> list[list[str]]:
    """The cells of a comma-separated file of the folder."""
    with (folder / name).open(encoding="utf-8", newline="") as stream:
        return list(csv.reader(stream))


def write_rows(path: Path, table: list[list[str]], sep: str = ",", **encoding: Any) -> None:
    """Write cells joined by ``sep``, quoting cells that hold it, with CRLF line ends."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep, lineterminator="\r\n").writerows(table)
    path.write_bytes(buffer.getvalue().encode(**encoding))


def write_xlsx(path: Path, table: list[list[Any]], at_row: int = 1) -> None:
    """A one-sheet workbook holding ``table`` from ``at_row`` on."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for offset, row in enumerate(table):
        for column, value in enumerate(row, start=1):
            if value != "":
                sheet.cell(at_row + offset, column, value)
    workbook.save(path)


def without_names(scenario: Any) -> Any:
    """The scenario's employees with blank names (names may not survive Windows-1252)."""
    return [dataclasses.replace(e, name="") for e in scenario.employees]


# --------------------------------------------------------------------------------------------
# Separators, line ends, encodings


@pytest.mark.parametrize(
    ("line", "separator"),
    [
        ("employee_id,name,skills", ","),
        ("employee_id;name;skills", ";"),
        ("employee_id\tname\tskills", "\t"),
        ('"a;b",c,d', ","),
        ('"a,b";c;d', ";"),
        ("employee_id", ","),
        ("a,b;c", ","),
    ],
)
def test_sniff_separator(line: str, separator: str) -> None:
    """The separator is the most frequent of , ; tab outside quotes, comma on a tie."""
    assert sniff_separator(line) == separator


def test_semicolon_file_with_quoted_skills_and_decimal_commas(folder: Path) -> None:
    """A ;-separated staff table (quoted skill lists, 37,5 hours, CRLF) loads like the comma one."""
    expected = read_scenario(SAMPLE)
    table = rows(folder, "staff.csv")
    hours = table[0].index("contract_hours")
    for row in table[1:]:
        row[hours] = row[hours].replace(".", ",")
    assert any("," in row[hours] for row in table[1:])
    assert any(";" in cell for row in table for cell in row)
    write_rows(folder / "staff.csv", table, sep=";")
    assert read_scenario(folder).employees == expected.employees


def test_unquoted_separator_in_a_cell_names_the_row(folder: Path) -> None:
    """An unquoted ; inside a cell of a ;-file shifts the cells: the row and a quoting hint."""
    table = rows(folder, "staff.csv")
    text = "".join(";".join(row) + "\n" for row in table)
    assert "lead;en" in text
    (folder / "staff.csv").write_text(text, encoding="utf-8")
    error = load_error(folder)
    lines = text.splitlines()
    row = next(i for i, line in enumerate(lines, start=1) if "lead;en" in line)
    assert (error.file, error.row, error.column) == ("staff.csv", row, "contract_hours")
    assert "got 'en'" in error.message and "double quotes" in error.message
    (folder / "staff.csv").write_text(
        text.replace("lead;en", "lead;en;a;b;c;d;e"), encoding="utf-8"
    )
    error = load_error(folder)
    assert (error.file, error.row, error.column) == ("staff.csv", row, None)
    assert "double quotes" in error.message


@pytest.mark.parametrize("ending", ["\r\n", "\r"])
def test_crlf_and_cr_line_ends(folder: Path, ending: str) -> None:
    """CRLF and old-Mac CR line ends read like LF, with the same row numbers in errors."""
    expected = read_scenario(SAMPLE)
    for name in ("staff.csv", "shifts.csv", "demand.csv", "availability.csv"):
        text = (folder / name).read_text(encoding="utf-8")
        (folder / name).write_bytes(text.replace("\n", ending).encode())
    assert read_scenario(folder) == dataclasses.replace(expected, name=expected.name)
    text = (folder / "shifts.csv").read_bytes().replace(b"08:00", b"08:07", 1)
    (folder / "shifts.csv").write_bytes(text)
    error = load_error(folder)
    assert (error.file, error.row, error.column) == ("shifts.csv", 3, "start")


def test_windows_1252_is_read(folder: Path) -> None:
    """Excel's Windows CSV (Windows-1252 bytes, ; separator) loads."""
    expected = read_scenario(SAMPLE)
    table = rows(folder, "staff.csv")
    table[1][1] = "Jürgen Müller"
    write_rows(folder / "staff.csv", table, sep=";", encoding="cp1252", errors="replace")
    assert b"J\xfcrgen" in (folder / "staff.csv").read_bytes()
    loaded = read_scenario(folder)
    assert loaded.employees[0].name == "Jürgen Müller"
    assert without_names(loaded) == without_names(expected)


def test_utf16_tab_text_is_read(folder: Path) -> None:
    """Excel's "Unicode text" (UTF-16 with a byte-order mark, tab-separated) loads."""
    expected = read_scenario(SAMPLE)
    table = rows(folder, "demand.csv")
    write_rows(folder / "demand.csv", table, sep="\t", encoding="utf-16")
    assert read_scenario(folder).demand == expected.demand


def test_sep_line_and_byte_order_mark(folder: Path) -> None:
    """An Excel "sep=;" first line names the separator; row numbers stay the file's lines."""
    text = (folder / "availability.csv").read_text(encoding="utf-8").replace(",", ";")
    text = "sep=;\n" + text.replace("unavailable", "absent", 1)
    (folder / "availability.csv").write_bytes(b"\xef\xbb\xbf" + text.encode())
    error = load_error(folder)
    assert (error.file, error.row, error.column) == ("availability.csv", 3, "kind")


@pytest.mark.parametrize(
    ("raw", "line", "phrase"),
    [
        (b"a,b\nx,\xc3\xa9\ny,\xe9\n", 3, "UTF-8 elsewhere"),
        (b"a,b\nx,\x81\n", 2, "Windows-1252"),
        (b"a,b\nx,y\x00\n", 2, "binary data"),
        (b"PK\x03\x04rest", None, "Excel workbook"),
        (b"\xff\xfea\x00\x00\xd8", 1, "UTF-16"),
    ],
)
def test_undecodable_bytes_name_their_line(raw: bytes, line: int | None, phrase: str) -> None:
    """Bytes in no accepted encoding, binary data or a workbook named .csv: file, line, why."""
    with pytest.raises(InputError) as caught:
        decode(raw, "staff.csv")
    assert (caught.value.file, caught.value.row) == ("staff.csv", line)
    assert phrase in caught.value.message


def test_decode_accepts_byte_order_marks() -> None:
    """UTF-8 with and without a byte-order mark and UTF-16 both ways decode to the same text."""
    text = "employee_id;name\nE1;Zoë\n"
    for raw in (
        text.encode(),
        b"\xef\xbb\xbf" + text.encode(),
        text.encode("utf-16"),
        b"\xfe\xff" + text.encode("utf-16-be"),
    ):
        assert decode(raw, "x.csv") == text


def test_header_names_are_normalised(folder: Path) -> None:
    """Headers such as " Contract Hours " or "Remote-OK" name contract_hours and remote_ok."""
    expected = read_scenario(SAMPLE)
    table = rows(folder, "staff.csv")
    table[0] = [" " + name.replace("_", " ").title() + " " for name in table[0]]
    table[0][8] = "Remote-OK"
    write_rows(folder / "staff.csv", table)
    assert read_scenario(folder).employees == expected.employees


def test_case_of_file_names_does_not_matter(folder: Path) -> None:
    """Staff.CSV is found for staff.csv; two names differing only in case are an error."""
    (folder / "staff.csv").rename(folder / "Staff.CSV")
    assert read_scenario(folder).num_employees == read_scenario(SAMPLE).num_employees
    shutil.copy(folder / "Staff.CSV", folder / "staff.csv")
    error = load_error(folder)
    assert "Staff.CSV" in error.message and "staff.csv" in error.message


# --------------------------------------------------------------------------------------------
# Cells


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("7:00 PM", 1140), ("7:00 am", 420), ("12:00 AM", 0), ("12:30 p.m.", 750), ("7:00:00", 420)],
)
def test_parse_hhmm_accepts_twelve_hour_times(text: str, minutes: int) -> None:
    """Times with AM/PM, as some spreadsheets export them, read as 24-hour minutes."""
    assert parse_hhmm(text, "x.csv", 2, "start") == minutes


@pytest.mark.parametrize("text", ["13:00 PM", "0:30 AM", "7 PM", "7:00 XM"])
def test_parse_hhmm_rejects_bad_twelve_hour_times(text: str) -> None:
    """A 12-hour time outside 1:00-12:59 or without minutes is an error at its cell."""
    with pytest.raises(InputError) as caught:
        parse_hhmm(text, "x.csv", 4, "end")
    assert (caught.value.file, caught.value.row, caught.value.column) == ("x.csv", 4, "end")


def replace_cell(folder: Path, name: str, row: int, column: str, value: str) -> None:
    """Set one cell of a comma-separated file of the folder (row 1 is the header)."""
    table = rows(folder, name)
    table[row - 1][table[0].index(column)] = value
    write_rows(folder / name, table)


@pytest.mark.parametrize(
    ("name", "row", "column", "value", "phrase"),
    [
        ("demand.csv", 2, "required", "99999999999", "at most 1,000,000"),
        ("demand.csv", 2, "required", "1" * 5000, "at most 1,000,000"),
        ("staff.csv", 2, "contract_hours", "4" * 5000, "number of hours"),
        ("staff.csv", 2, "contract_hours", "=40*0.8", "a formula"),
        ("staff.csv", 2, "contract_hours", "#REF!", "spreadsheet error value"),
        ("staff.csv", 2, "contract_hours", "1,000", "number of hours"),
        ("staff.csv", 2, "remote_ok", "maybe", "true or false"),
        ("staff.csv", 2, "max_days", "5.5", "whole number"),
    ],
)
def test_bad_cells_say_what_was_expected(
    folder: Path, name: str, row: int, column: str, value: str, phrase: str
) -> None:
    """Huge numbers, formulas, error values and ambiguous commas: file, row, column, expectation."""
    replace_cell(folder, name, row, column, value)
    error = load_error(folder)
    assert (error.file, error.row, error.column) == (name, row, column)
    assert phrase in error.message
    assert "\n" not in str(error)


def test_spreadsheet_spellings_of_numbers_and_booleans(folder: Path) -> None:
    """5.0 as a whole number, 37,5 hours and YES/No/1/0 booleans read as meant."""
    replace_cell(folder, "staff.csv", 2, "max_days", "4.0")
    replace_cell(folder, "staff.csv", 2, "contract_hours", "37,5")
    replace_cell(folder, "demand.csv", 2, "required", "3,0")
    employees = read_scenario(folder).employees
    assert (employees[0].max_days, employees[0].contract_minutes) == (4, 2250)
    assert read_scenario(folder).demand[0].required == 3
    back = next(i for i, e in enumerate(employees, start=2) if e.works_back)
    for text, value in (("YES", True), ("No", False), ("1", True), ("0", False), ("True", True)):
        replace_cell(folder, "staff.csv", back, "remote_ok", text)
        assert read_scenario(folder).employees[back - 2].remote_ok is value


# --------------------------------------------------------------------------------------------
# Excel


def csv_as_xlsx(folder: Path, name: str, at_row: int = 1) -> list[list[str]]:
    """Replace ``name`` (a .csv) by an .xlsx of the same cells; return the cells."""
    table = rows(folder, name)
    (folder / name).unlink()
    write_xlsx((folder / name).with_suffix(".xlsx"), table, at_row)
    return table


def test_xlsx_in_place_of_every_csv(folder: Path) -> None:
    """Every table may be an .xlsx workbook; the scenario is the same."""
    expected = read_scenario(SAMPLE)
    for name in ("staff.csv", "shifts.csv", "demand.csv", "availability.csv"):
        csv_as_xlsx(folder, name)
    assert not list(folder.glob("*.csv"))
    assert read_scenario(folder) == expected


def test_xlsx_typed_cells(folder: Path) -> None:
    """Excel numbers, dates, times and booleans read as the CSV text they stand for."""
    write_xlsx(
        folder / "availability.xlsx",
        [
            ["employee_id", "date", "start", "end", "kind", "weight"],
            ["E07", datetime(2026, 12, 9), time(9, 0), time(12, 30), "prefer", 2.0],
        ],
    )
    (folder / "availability.csv").unlink()
    staff = rows(folder, "staff.csv")
    hours = staff[0].index("contract_hours")
    typed: list[list[Any]] = [staff[0], *[[*r] for r in staff[1:]]]
    for row in typed[1:]:
        row[hours] = float(row[hours])
    typed[1][staff[0].index("remote_ok")] = False
    (folder / "staff.csv").unlink()
    write_xlsx(folder / "staff.xlsx", typed)
    scenario = read_scenario(folder)
    assert scenario.employees == read_scenario(SAMPLE).employees
    (span,) = scenario.availability
    assert (span.employee_id, span.kind, span.weight) == ("E07", AvailabilityKind.PREFER, 2)
    assert span.end - span.start == 210


def test_xlsx_error_names_the_sheet_row(folder: Path) -> None:
    """An error in a workbook names the .xlsx and the row number Excel shows, past blank rows."""
    table = rows(folder, "shifts.csv")
    table[3][1] = "8:10"
    sheet: list[list[Any]] = [table[0], table[1], [], [], *table[2:], ["", "", "", "", "a note"]]
    (folder / "shifts.csv").unlink()
    write_xlsx(folder / "shifts.xlsx", sheet)
    error = load_error(folder)
    assert (error.file, error.row, error.column) == ("shifts.xlsx", 6, "start")


def test_xlsx_header_must_be_on_row_one(folder: Path) -> None:
    """A workbook whose table starts lower down says the header is not on row 1."""
    csv_as_xlsx(folder, "demand.csv", at_row=3)
    error = load_error(folder)
    assert (error.file, error.row) == ("demand.xlsx", 1)
    assert "header" in error.message


def with_saved_value(path: Path, formula: str, value: str) -> None:
    """Give a formula cell of an openpyxl workbook the saved value Excel would write."""
    sheet = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    old = f"<f>{formula}</f><v />".encode()
    assert old in parts[sheet]
    parts[sheet] = parts[sheet].replace(old, f"<f>{formula}</f><v>{value}</v>".encode())
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)


def test_xlsx_formula_reads_its_saved_value(folder: Path) -> None:
    """A formula cell reads as the value Excel saved with it; without one, the error says so."""
    table: list[list[Any]] = [[*r] for r in rows(folder, "staff.csv")]
    hours = table[0].index("contract_hours")
    table[1][hours] = "=30+10"
    (folder / "staff.csv").unlink()
    path = folder / "staff.xlsx"
    write_xlsx(path, table)
    error = load_error(folder)
    assert (error.file, error.row, error.column) == ("staff.xlsx", 2, "contract_hours")
    assert "'=30+10'" in error.message and "formula" in error.message
    with_saved_value(path, "30+10", "40")
    assert read_scenario(folder).employees == read_scenario(SAMPLE).employees


def test_both_csv_and_xlsx_is_an_error(folder: Path) -> None:
    """staff.csv beside staff.xlsx could disagree: the error names both."""
    write_xlsx(folder / "staff.xlsx", rows(folder, "staff.csv"))
    error = load_error(folder)
    assert error.file == "staff.csv"
    assert "staff.csv and staff.xlsx" in error.message


def test_missing_table_names_look_alikes(folder: Path) -> None:
    """A missing staff table mentions both accepted names and an old .xls found instead."""
    (folder / "staff.csv").rename(folder / "staff.xls")
    error = load_error(folder)
    assert error.file == "staff.csv"
    assert "staff.csv or staff.xlsx" in error.message and "staff.xls " in error.message


@pytest.mark.parametrize("name", ["availability.csv", "Availability.xlsx", "staff.csv"])
def test_a_folder_named_as_a_table_is_an_error(folder: Path, name: str) -> None:
    """A folder named as a table, even the optional one, is an error, not a skipped table."""
    (folder / Path(name).with_suffix(".csv").name.lower()).unlink()
    (folder / name).mkdir()
    error = load_error(folder)
    assert error.file == name
    assert error.message.startswith("expected a file, got a folder at ")


def test_availability_xlsx_alone_is_read(folder: Path) -> None:
    """The optional availability table is read from an .xlsx too, not skipped."""
    csv_as_xlsx(folder, "availability.csv")
    assert read_scenario(folder).availability == read_scenario(SAMPLE).availability


@pytest.mark.parametrize(
    ("name", "drop", "column"),
    [("demand.csv", ("weekday", "date"), "date"), ("availability.csv", ("end",), "end")],
)
def test_xlsx_table_checks_name_the_workbook(
    folder: Path, name: str, drop: tuple[str, ...], column: str
) -> None:
    """Demand without date/weekday and availability without end name the .xlsx actually read."""
    table = rows(folder, name)
    keep = [index for index, header in enumerate(table[0]) if header not in drop]
    (folder / name).unlink()
    write_xlsx((folder / name).with_suffix(".xlsx"), [[row[i] for i in keep] for row in table])
    error = load_error(folder)
    assert (error.file, error.row, error.column) == (name.replace(".csv", ".xlsx"), 1, column)


def test_frames_share_the_header_and_cell_checks() -> None:
    """A DataFrame's headers are normalised like a file's; its errors name frame.iloc rows."""
    expected = read_scenario(SAMPLE)
    frames = {name: pd.read_csv(SAMPLE / f"{name}.csv") for name in ("staff", "shifts", "demand")}
    staff = frames["staff"].rename(columns={"contract_hours": " Contract Hours "})
    policy = SAMPLE / "scenario.toml"
    built = read_frames(staff, frames["shifts"], frames["demand"], policy)
    assert built.employees == expected.employees
    staff[" Contract Hours "] = staff[" Contract Hours "].astype(object)
    staff.loc[2, " Contract Hours "] = "37,5 h"
    with pytest.raises(InputError) as caught:
        read_frames(staff, frames["shifts"], frames["demand"], policy)
    error = caught.value
    assert (error.file, error.row, error.column) == ("staff", 2, "contract_hours")


@pytest.mark.parametrize("data", [b"not a zip", b"PK\x03\x04broken", b""])
def test_damaged_xlsx(folder: Path, data: bytes) -> None:
    """A file named .xlsx that is no workbook is one error naming it."""
    (folder / "shifts.csv").unlink()
    (folder / "shifts.xlsx").write_bytes(data)
    error = load_error(folder)
    assert error.file == "shifts.xlsx"
    assert "Excel workbook" in error.message


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (True, "true"),
        (40.0, "40"),
        (37.5, "37.5"),
        (7, "7"),
        (datetime(2026, 12, 7), "2026-12-07"),
        (datetime(2026, 12, 7, 8, 30), "2026-12-07 08:30"),
        (time(7, 0), "07:00"),
        (time(7, 0, 30), "07:00:30"),
        (datetime(1899, 12, 30, 7, 15), "07:15"),
        ("E1", "E1"),
    ],
)
def test_excel_text(value: Any, text: str) -> None:
    """Excel cell values become the text the CSV parsers expect."""
    assert excel_text(value) == text


def test_control_character_in_a_header_keeps_the_error_on_one_line(folder: Path) -> None:
    """A vertical tab inside a header name (found by the property tests) is shown escaped."""
    text = (folder / "demand.csv").read_text(encoding="utf-8").replace("end", "e\x0bnd", 1)
    (folder / "demand.csv").write_text(text, encoding="utf-8")
    error = load_error(folder)
    assert (error.file, error.row, error.column) == ("demand.csv", 1, "end")
    assert "'e\\x0bnd'" in error.message
    assert len(str(error).splitlines()) == 1
