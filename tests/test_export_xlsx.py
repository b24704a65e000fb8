"""roster.xlsx read back with openpyxl: the grid, the timelines, coverage with its chart, KPIs."""

from __future__ import annotations

import csv
import dataclasses
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import employee, make_scenario
from openpyxl.chart import BarChart, LineChart
from openpyxl.workbook.workbook import Workbook

from scheduler.data import Office, Scenario
from scheduler.export.folder import Output, read_output
from scheduler.export.outputs import write_result
from scheduler.export.xlsx import (
    COVERAGE_SHEET,
    OFF,
    ROSTER_SHEET,
    SUMMARY_SHEET,
    XLSX_FILE,
    day_sheet_title,
    roster_cell,
    write_xlsx,
)
from scheduler.io.escape import escape_cell
from scheduler.solve import Result, solve

HOSTILE_NAME = '=HYPERLINK("x")'


def export_scenario() -> Scenario:
    """The tiny scenario with a formula for a name, an id starting with @ and a teleworker."""
    scenario = make_scenario()
    first, second, third = scenario.employees
    people = (
        dataclasses.replace(first, name=HOSTILE_NAME),
        dataclasses.replace(second, employee_id="@E2"),
        third,
        employee(
            "B1",
            office=Office.BACK,
            remote_ok=True,
            remote_days=frozenset({0, 1}),
            name="Back Office",
        ),
    )
    return dataclasses.replace(scenario, employees=people, name="export $test")


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Path]:
    """A verified solve of the export scenario written to a folder."""
    result = solve(export_scenario(), time_limit=5, workers=1, seed=0)
    assert result.report is not None and result.report.ok
    folder = tmp_path_factory.mktemp("out")
    write_result(result, folder)
    return result, folder


@pytest.fixture(scope="module")
def workbook(solved: tuple[Result, Path]) -> Workbook:
    """roster.xlsx of the solve, read back."""
    _, folder = solved
    (path,) = write_xlsx(read_output(folder), folder)
    assert path == folder / XLSX_FILE
    return openpyxl.load_workbook(path)


def expected_grid(result: Result) -> dict[tuple[str, str], str]:
    """What each person/day cell should read, built from the assignments and flex days."""
    horizon = result.scenario.horizon
    grid = {
        (e.employee_id, horizon.date_of(day).isoformat()): OFF
        for e in result.scenario.employees
        for day in range(horizon.days)
    }
    for a in result.assignments:
        start, end = horizon.to_datetime(a.start), horizon.to_datetime(a.end)
        grid[a.employee_id, horizon.date_of(a.day).isoformat()] = f"{start:%H:%M}-{end:%H:%M}"
    for f in result.flex_days:
        label = f"{f.location.value.upper()} {f.paid_minutes / 60:g}h"
        grid[f.employee_id, horizon.date_of(f.day).isoformat()] = label
    return grid


def test_roster_sheet_is_the_roster_grid(solved: tuple[Result, Path], workbook: Workbook) -> None:
    """Every person/day cell of the Roster sheet reads the shift, the flex day or OFF."""
    result, _ = solved
    sheet = workbook[ROSTER_SHEET]
    header = [cell.value for cell in sheet[1]]
    days = [result.scenario.horizon.date_of(d) for d in range(7)]
    assert header[3:10] == [f"{d:%a} {d.isoformat()}" for d in days]
    expected = expected_grid(result)
    seen = {}
    ids = []
    for row in sheet.iter_rows(min_row=2, values_only=True):
        employee_id = str(row[0]).removeprefix("'")
        ids.append(employee_id)
        for offset, day in enumerate(days):
            seen[employee_id, day.isoformat()] = row[3 + offset]
    assert ids == [e.employee_id for e in result.scenario.employees]
    assert seen == expected
    assert any(value.startswith("REMOTE") for value in seen.values())
    assert any(value.count(":") == 2 for value in seen.values())
    assert sheet.freeze_panes == "D2"


def test_formula_name_is_escaped_in_csv_and_xlsx(
    solved: tuple[Result, Path], workbook: Workbook
) -> None:
    """A name that is a formula comes out quoted in roster.csv and in every sheet; no formulas."""
    _, folder = solved
    with (folder / "roster.csv").open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert {r["name"] for r in rows if r["employee_id"] == "E1"} == {"'" + HOSTILE_NAME}
    assert {r["employee_id"] for r in rows} >= {"'@E2"}
    roster = workbook[ROSTER_SHEET]
    names = {row[0].value: row[1] for row in roster.iter_rows(min_row=2)}
    assert names["E1"].value == "'" + HOSTILE_NAME
    assert names["E1"].data_type == "s"
    assert "'@E2" in names
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "@")), cell.value


def test_read_output_takes_the_guard_off(solved: tuple[Result, Path]) -> None:
    """The folder read back holds the names and ids as the scenario gave them."""
    _, folder = solved
    output = read_output(folder)
    assert HOSTILE_NAME in set(output.roster["name"])
    assert "@E2" in set(output.roster["employee_id"])


def test_coverage_sheet_has_counts_a_chart_and_red_shortfalls(
    solved: tuple[Result, Path], workbook: Workbook
) -> None:
    """Coverage holds required and on floor of every interval and line, with a line chart."""
    result, _ = solved
    assert result.report is not None
    sheet = workbook[COVERAGE_SHEET]
    header = [cell.value for cell in sheet[1]]
    assert header == [
        "start",
        "end",
        "required total",
        "on floor total",
        "shortfall total",
        "required lead",
        "on floor lead",
        "shortfall lead",
    ]
    assert sheet.freeze_panes == "C2"
    coverage = result.report.coverage
    total = coverage[coverage["skill"] == ""]
    lead = coverage[coverage["skill"] == "lead"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == result.scenario.horizon.num_intervals
    assert [r[2] for r in rows] == list(total["required"])
    assert [r[3] for r in rows] == list(total["on_floor"])
    assert [r[7] for r in rows] == list(lead["shortfall"])
    assert rows[0][0] == pd.Timestamp("2026-12-07T00:00")
    for row in sheet.iter_rows(min_row=2):
        short = row[4].value > 0
        assert (row[4].fill.fgColor.rgb == "00FFC7CE") == short
    (chart,) = sheet._charts
    assert isinstance(chart, LineChart)
    assert [s.tx.strRef.f for s in chart.series] == ["'Coverage'!C1", "'Coverage'!D1"]
    assert chart.x_axis.delete is False and chart.y_axis.delete is False


def test_summary_sheet_has_the_kpis(solved: tuple[Result, Path], workbook: Workbook) -> None:
    """The Summary sheet shows summary.json's status, objective and shortfall, and a chart."""
    result, folder = solved
    output = read_output(folder)
    sheet = workbook[SUMMARY_SHEET]
    values = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, max_col=2, values_only=True)}
    assert values["status"] == result.status
    assert values["objective"] == result.objective
    assert values["shortfall_hours"] == output.summary["shortfall_hours"]
    assert values["horizon timezone"] is None
    assert values["violations"] == 0
    assert values["scenario"] == "export $test"
    assert values["objective_tiers 1_shortfall"] == output.summary["objective_tiers"]["1_shortfall"]
    assert any(isinstance(chart, BarChart) for chart in sheet._charts)
    # The per-person fairness table follows the hours table.
    headers = [row for row in sheet.iter_rows(values_only=True) if row and row[0] == "employee_id"]
    assert any("weekend_days" in row for row in headers)


def test_day_sheets_mark_shifts_and_breaks(solved: tuple[Result, Path], workbook: Workbook) -> None:
    """A day's timeline marks each interval of a shift, its breaks cut in with their own mark."""
    result, _ = solved
    horizon = result.scenario.horizon
    assignment = next(a for a in result.assignments if a.breaks)
    day = horizon.date_of(assignment.day)
    sheet = workbook[day_sheet_title(day)]
    assert sheet.freeze_panes == "D2"
    header = [cell.value for cell in sheet[1]]
    columns = {label: index for index, label in enumerate(header) if index >= 3}
    # Ids are written with the formula guard (an id may start with @).
    wanted = escape_cell(assignment.employee_id)
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == wanted)
    marks = {}
    step = horizon.interval_minutes
    for minute in range(assignment.start, assignment.end, step):
        moment = horizon.to_datetime(minute)
        label = f"{moment:%H:%M}" + ("+1" if moment.date() > day else "")
        marks[minute] = row[columns[label]]
    in_break = {minute for b in assignment.breaks for minute in range(b.start, b.end, step)}
    assert {marks[m].value for m in marks if m not in in_break} == {"S"}
    break_marks = {marks[m].value for m in in_break}
    assert "S" not in break_marks and len(break_marks) == len(assignment.breaks)
    shift_fill = next(marks[m] for m in marks if m not in in_break).fill.fgColor.rgb
    assert all(marks[m].fill.fgColor.rgb != shift_fill for m in in_break)
    before = horizon.to_datetime(assignment.start - step)
    if f"{before:%H:%M}" in columns and before.date() == day:
        assert row[columns[f"{before:%H:%M}"]].value is None
    labels = [r[1].value for r in sheet.iter_rows(min_row=2)]
    assert "required (total)" in labels and "on floor (lead)" in labels


def test_every_day_has_a_sheet(solved: tuple[Result, Path], workbook: Workbook) -> None:
    """Roster, Coverage and Summary come first, then one sheet per horizon day."""
    result, _ = solved
    horizon = result.scenario.horizon
    days = [day_sheet_title(horizon.date_of(d)) for d in range(horizon.days)]
    assert workbook.sheetnames == [ROSTER_SHEET, COVERAGE_SHEET, SUMMARY_SHEET, *days]


def test_failed_write_keeps_the_old_file(
    solved: tuple[Result, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that fails half-way leaves the previous roster.xlsx and no temporary file."""
    _, folder = solved
    output = read_output(folder)
    (path,) = write_xlsx(output, tmp_path)
    before = path.read_bytes()

    def broken_save(self: Workbook, stream: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(Workbook, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        write_xlsx(output, tmp_path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [XLSX_FILE]


def rows_of(*records: dict[str, object]) -> list[dict[str, object]]:
    """Roster rows with their ISO start and end turned into date-times."""
    return [
        {
            **r,
            "start": datetime.fromisoformat(str(r["start"])),
            "end": datetime.fromisoformat(str(r["end"])),
        }
        for r in records
    ]


def test_roster_cell_texts() -> None:
    """A night shift, a remote flex day, a leave row and no rows read as planners expect."""
    night = rows_of(
        {"activity": "shift", "start": "2026-12-07T22:00", "end": "2026-12-08T06:00", "paid": ""},
        {
            "activity": "lunch",
            "start": "2026-12-08T01:00",
            "end": "2026-12-08T01:30",
            "paid": "false",
        },
    )
    assert roster_cell(night) == "22:00-06:00"
    remote = rows_of(
        {
            "activity": "flex",
            "location": "remote",
            "hours": 7.5,
            "start": "2026-12-07T07:00",
            "end": "2026-12-07T19:00",
        }
    )
    assert roster_cell(remote) == "REMOTE 7.5h"
    leave = rows_of(
        {"activity": "leave", "paid": "", "start": "2026-12-07T00:00", "end": "2026-12-08T00:00"}
    )
    assert roster_cell(leave) == "leave"
    assert roster_cell([]) == OFF


def test_empty_roster_gives_an_all_off_grid(tmp_path: Path) -> None:
    """A folder whose roster has no rows still exports: everyone in the summary is OFF."""
    roster = pd.DataFrame(columns=["employee_id", "name", "date", "activity", "start", "end"])
    roster["start"] = pd.to_datetime(roster["start"])
    roster["end"] = pd.to_datetime(roster["end"])
    starts = pd.date_range("2026-12-07", periods=96, freq="15min")
    coverage = pd.DataFrame(
        {
            "start": starts,
            "end": starts + timedelta(minutes=15),
            "skill": "",
            "required": 1,
            "on_floor": 0,
        }
    )
    summary = {
        "status": "optimal",
        "horizon": {"start": "2026-12-07", "days": 1, "interval_minutes": 15},
        "employees": [{"employee_id": "E1", "block": 1, "contract_hours": 40.0}],
    }
    (path,) = write_xlsx(Output(tmp_path, roster, coverage, summary), tmp_path)
    book = openpyxl.load_workbook(path)
    grid = list(book[ROSTER_SHEET].iter_rows(min_row=2, values_only=True))
    assert [row[:4] for row in grid] == [("E1", None, None, OFF)]
    day = book[day_sheet_title(pd.Timestamp("2026-12-07").date())]
    on_floor = next(r for r in day.iter_rows(min_row=2) if r[1].value == "on floor (total)")
    assert on_floor[3].fill.fgColor.rgb == "00FFC7CE"
