"""The roster grid and status line that `scheduler show` prints."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path
from typing import Any

import pandas as pd
from conftest import assign, employee, flex, flex_roster, make_scenario
from rich.console import Console

from scheduler.data import Office
from scheduler.export.folder import Output
from scheduler.export.show import grid_tables, print_output, roster_grid, status_line

SUMMARY: dict[str, Any] = {
    "scenario": "tiny",
    "horizon": {"start": "2026-12-07", "days": 7, "interval_minutes": 15, "timezone": None},
    "status": "feasible",
    "objective": 841155,
    "best_bound": 800000,
    "gap": 0.0489,
    "shortfall_hours": 14.0,
    "surplus_hours": 19.5,
    "solve_seconds": 5.012,
    "interrupted": False,
    "employees": [{"employee_id": e, "block": 0} for e in ("E1", "E2", "E3", "B1")],
}


def output(summary: dict[str, Any] = SUMMARY) -> Output:
    """E1 early Monday and late Wednesday, E2 a night on Tuesday, B1 remote Monday; E3 off."""
    s = make_scenario(
        employees=(
            *make_scenario().employees,
            employee("B1", office=Office.BACK, remote_ok=True),
        )
    )
    roster = flex_roster(
        s,
        assign(s, "E1", 0, "EARLY"),
        assign(s, "E1", 2, "LATE"),
        assign(s, "E2", 1, "NIGHT"),
        flex_rows=(flex(s, "B1", 0, "remote"), flex(s, "B1", 1, "onsite")),
    )
    roster["start"] = pd.to_datetime(roster["start"])
    roster["end"] = pd.to_datetime(roster["end"])
    return Output(Path("out"), roster, pd.DataFrame(), summary)


def test_grid_has_a_cell_per_person_and_day() -> None:
    """Shifts read as times, flex days as location and hours, everything else as OFF."""
    grid = roster_grid(output()).set_index("employee_id")
    assert list(grid.index) == ["E1", "E2", "E3", "B1"]
    assert list(grid.columns[:3]) == ["name", "2026-12-07", "2026-12-08"]
    assert list(grid.loc["E1"].iloc[1:4]) == ["07:00-15:30", "OFF", "13:30-22:00"]
    assert grid.loc["E2", "2026-12-08"] == "22:00-06:00"
    assert grid.loc["E2", "2026-12-09"] == "OFF"
    assert list(grid.loc["B1"].iloc[1:3]) == ["REMOTE 8h", "ONSITE 8h"]
    assert set(grid.loc["E3"].iloc[1:]) == {"OFF"}
    assert grid.loc["E1", "name"] == "Person E1"


def test_status_line_reads_the_summary() -> None:
    """Status, objective, bound, gap, shortfall, surplus and time, as the summary has them."""
    assert status_line(SUMMARY) == (
        "feasible, objective 841,155, bound 800,000, gap 4.89 %, shortfall 14.0 h, "
        "surplus 19.5 h, after 5.0 s"
    )


def test_status_line_of_a_solve_without_roster() -> None:
    """Missing figures are left out and an interrupt is said."""
    assert status_line({"status": "unknown", "interrupted": True}) == "unknown, interrupted"


def test_long_horizon_gets_a_table_per_week() -> None:
    """Fourteen days are shown as two tables of seven."""
    summary = {**SUMMARY, "horizon": {**SUMMARY["horizon"], "days": 14}}
    tables = grid_tables(output(summary))
    assert [len(t.columns) for t in tables] == [8, 8]
    assert str(tables[1].title).endswith("week 2")


def test_horizon_from_the_roster_when_the_summary_lacks_it() -> None:
    """Without a horizon in the summary the days run from the first to the last worked day."""
    summary = {k: v for k, v in SUMMARY.items() if k != "horizon"}
    grid = roster_grid(output(summary))
    assert list(grid.columns[2:]) == ["2026-12-07", "2026-12-08", "2026-12-09"]


def test_printed_off_a_terminal_nothing_is_wrapped() -> None:
    """Printed to a file, every cell stays on one line next to its person."""
    screen = io.StringIO()
    print_output(output(), Console(file=screen, force_terminal=False))
    text = screen.getvalue()
    e1 = next(line for line in text.splitlines() if "E1 Person E1" in line)
    cells = [cell.strip() for cell in e1.split("│")[2:-1]]
    assert cells == ["07:00-15:30", "OFF", "13:30-22:00", "OFF", "OFF", "OFF", "OFF"]
    assert text.rstrip().endswith("after 5.0 s")


def test_names_are_printed_as_written_not_as_markup() -> None:
    """A name with rich markup in it comes out literally, without an error."""
    shown = output()
    roster = shown.roster.copy()
    roster.loc[roster["employee_id"] == "E2", "name"] = "[/bold]Eve [red]x"
    screen = io.StringIO()
    print_output(dataclasses.replace(shown, roster=roster), Console(file=screen))
    assert "E2 [/bold]Eve [red]x" in screen.getvalue()
