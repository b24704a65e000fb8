"""The terminal commands: solve's progress and --log-json, diff and show."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import make_scenario
from test_cli import run, write_scenario
from test_diff import old_and_new

from scheduler.export.outputs import write_result
from scheduler.io.files import write_csv
from scheduler.io.roster import format_roster
from scheduler.solve import PHASES, Result, solve


def fast_solve(scenario: Path, out: Path, *extra: str | Path) -> list[str | Path]:
    """A short, repeatable `solve` command line with these extra options."""
    return [
        "solve",
        scenario,
        "--out",
        out,
        "--time-limit",
        "5",
        "--workers",
        "1",
        "--seed",
        "0",
        *extra,
    ]


def test_log_json_lines_parse_and_objectives_never_rise(tmp_path: Path) -> None:
    """Each line is JSON; objectives do not increase; the best line's shortfall is verified."""
    scenario = write_scenario(tmp_path / "scenario")
    out, log = tmp_path / "out", tmp_path / "logs" / "solve.jsonl"
    result = run(*fast_solve(scenario, out, "--quiet", "--log-json", log))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    improvements = [r for r in records if r["event"] == "improvement"]
    assert improvements, "no improvement logged"
    objectives = [r["objective"] for r in improvements]
    assert objectives == sorted(objectives, reverse=True)
    assert all(r["bound"] <= r["objective"] for r in improvements)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["violations"] == []
    assert improvements[-1]["objective"] == summary["objective"]
    assert improvements[-1]["shortfall_hours"] == summary["shortfall_hours"] == 1.5
    finished = records[-1]
    assert finished["event"] == "finished"
    assert finished["status"] == summary["status"] == "optimal"


def test_plain_progress_lines_off_a_terminal(tmp_path: Path) -> None:
    """Without --quiet, and stderr not a terminal, each improvement is one plain line."""
    scenario = write_scenario(tmp_path / "scenario")
    result = run(*fast_solve(scenario, tmp_path / "out"))
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert lines, "no progress printed"
    assert all(" s  objective " in line and "shortfall" in line for line in lines)
    assert "\x1b[" not in result.stderr
    named = re.search(r"shortfall 1\.5 h  \((\w+)\)$", lines[-1])
    assert named is not None and named.group(1) in PHASES, lines[-1]


def test_unwritable_log_is_bad_input(tmp_path: Path) -> None:
    """A --log-json path below a regular file exits 2 with one line naming it."""
    scenario = write_scenario(tmp_path / "scenario")
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    result = run(*fast_solve(scenario, tmp_path / "out", "--log-json", blocker / "log.jsonl"))
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"error: {blocker / 'log.jsonl'}: cannot write the log")
    assert len(result.stderr.splitlines()) == 1


@pytest.fixture
def rosters(tmp_path: Path) -> tuple[Path, Path]:
    """The hand-made old and new rosters of test_diff, written as CSV."""
    old, new = old_and_new()
    write_csv(tmp_path / "old.csv", format_roster(old))
    write_csv(tmp_path / "new.csv", format_roster(new))
    return tmp_path / "old.csv", tmp_path / "new.csv"


def test_diff_prints_changes_per_person(rosters: tuple[Path, Path]) -> None:
    """`diff` exits 0 and prints a header per person and a line per change."""
    result = run("diff", *rosters)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:2] == ["B1 Person B1", "  Mon 2026-12-07  location  ONSITE 8h -> REMOTE 8h"]
    assert "  Thu 2026-12-10  added     EARLY 07:00-15:30" in result.stdout
    assert lines[-1] == "5 changes for 3 people"


def test_diff_json_is_a_list_of_changes(rosters: tuple[Path, Path]) -> None:
    """`diff --json` prints one object per change with its kind."""
    result = run("diff", *rosters, "--json")
    assert result.exit_code == 0, result.output
    changes = json.loads(result.stdout)
    assert [(c["employee_id"], c["change"]) for c in changes] == [
        ("B1", "location"),
        ("E1", "moved"),
        ("E1", "breaks"),
        ("E2", "removed"),
        ("E2", "added"),
    ]


def test_diff_of_a_bad_roster_exits_2(rosters: tuple[Path, Path], tmp_path: Path) -> None:
    """A roster without an `end` column exits 2 with one line naming it; no traceback."""
    bad = tmp_path / "bad.csv"
    bad.write_text("employee_id,activity,start\nE1,shift,2026-12-07T07:00\n", encoding="utf-8")
    result = run("diff", rosters[0], bad)
    assert result.exit_code == 2, result.output
    assert result.stderr == f"error: {bad}, column end: missing column\n"
    assert result.stdout == ""


def test_diff_of_a_far_year_exits_2(rosters: tuple[Path, Path], tmp_path: Path) -> None:
    """A year pandas cannot hold (a typo for 2026) is one line naming the row and column."""
    bad = tmp_path / "bad.csv"
    text = "employee_id,activity,start,end\nE1,shift,2026-12-07T07:00,0001-12-07T15:00\n"
    bad.write_text(text, encoding="utf-8")
    result = run("diff", rosters[0], bad)
    assert result.exit_code == 2, result.output
    expected = "expected a date-time in the years 1900-2200, got '0001-12-07T15:00'"
    assert result.stderr == f"error: {bad}, row 2, column end: {expected}\n"


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Path]:
    """The tiny scenario solved and written to an output folder."""
    result = solve(make_scenario(), time_limit=5, workers=1, seed=0)
    assert result.report is not None and result.report.ok
    out = tmp_path_factory.mktemp("show") / "out"
    write_result(result, out)
    return result, out


def test_show_prints_each_person_with_their_shifts(solved: tuple[Result, Path]) -> None:
    """Every person's row has their shift times on the right days and OFF elsewhere."""
    result, out = solved
    shown = run("show", out)
    assert shown.exit_code == 0, shown.output
    horizon = result.scenario.horizon
    for person in result.scenario.employees:
        expected = ["OFF"] * horizon.days
        for a in result.assignments:
            if a.employee_id == person.employee_id:
                start, end = horizon.to_datetime(a.start), horizon.to_datetime(a.end)
                expected[a.day] = f"{start:%H:%M}-{end:%H:%M}"
        label = f"{person.employee_id} {person.name}"
        line = next(line for line in shown.stdout.splitlines() if label in line)
        assert [cell.strip() for cell in line.split("│")[2:-1]] == expected
    assert any(a.employee_id == "E1" for a in result.assignments)


def test_show_ends_with_the_status_line(solved: tuple[Result, Path]) -> None:
    """The last line gives the status, the gap and the verified shortfall."""
    result, out = solved
    assert result.report is not None
    shown = run("show", out)
    last = shown.stdout.rstrip().splitlines()[-1]
    assert last.startswith(f"{result.status}, objective {result.objective:,}")
    assert f"shortfall {result.report.costs.shortfall_minutes / 60:,.1f} h" in last


def test_show_of_a_folder_without_roster_exits_2(tmp_path: Path) -> None:
    """An empty folder exits 2 naming the missing roster.csv."""
    result = run("show", tmp_path)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ") and "roster.csv: file not found" in result.stderr
