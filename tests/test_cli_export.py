"""`scheduler export OUT_DIR --format ...` and `scheduler solve --format ...`."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from test_cli import AVAILABILITY_CSV, STAFF_CSV, run, solve_args, write_scenario

HOSTILE_NAME = '=HYPERLINK("x")'
SOLVE_FILES = {"roster.csv", "coverage.csv", "summary.json"}
PNG_FILES = {"coverage.png", "coverage-2026-12-07.png", "coverage-2026-12-08.png"}


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    """The CLI test scenario with E1 renamed to a formula and E2's id starting with @."""
    staff = STAFF_CSV.replace("E1,Anna Nowak", f'E1,"{HOSTILE_NAME.replace(chr(34), 2 * chr(34))}"')
    staff = staff.replace("E2,Piotr Lis", "@E2,Piotr Lis")
    availability = AVAILABILITY_CSV.replace("E2,", "@E2,")
    return write_scenario(
        tmp_path / "scenario", **{"staff.csv": staff, "availability.csv": availability}
    )


def test_solve_with_format_writes_the_exports(scenario: Path, tmp_path: Path) -> None:
    """`solve --format xlsx` writes roster.xlsx beside the CSV files and lists it."""
    out = tmp_path / "out"
    result = run(*solve_args(scenario, out), "--format", "xlsx")
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == SOLVE_FILES | {"roster.xlsx"}
    assert str(out / "roster.xlsx") in result.stdout
    book = openpyxl.load_workbook(out / "roster.xlsx")
    names = {row[0]: row[1] for row in book["Roster"].iter_rows(min_row=2, values_only=True)}
    assert names == {"E1": "'" + HOSTILE_NAME, "'@E2": "Piotr Lis", "B1": "Ewa Back"}


def test_export_writes_every_format_by_default(scenario: Path, tmp_path: Path) -> None:
    """`export OUT_DIR` after a plain solve adds the workbook, PNGs, calendars and HTML page."""
    out = tmp_path / "out"
    assert run(*solve_args(scenario, out)).exit_code == 0
    result = run("export", out)
    assert result.exit_code == 0, result.output
    everything = SOLVE_FILES | {"roster.xlsx", "roster.html", "ics"} | PNG_FILES
    assert {p.name for p in out.iterdir()} == everything
    assert (out / "ics" / "team.ics").is_file()
    assert result.stdout.startswith("wrote ")


def test_export_only_the_named_format(scenario: Path, tmp_path: Path) -> None:
    """`export OUT_DIR --format png` writes the PNGs and no workbook."""
    out = tmp_path / "out"
    assert run(*solve_args(scenario, out)).exit_code == 0
    result = run("export", out, "--format", "png")
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == SOLVE_FILES | PNG_FILES


def test_bad_format_name_exits_2(scenario: Path, tmp_path: Path) -> None:
    """An unknown format exits 2 naming it, before solving or writing anything."""
    out = tmp_path / "out"
    result = run(*solve_args(scenario, out), "--format", "xlsx,pdf")
    assert result.exit_code == 2, result.output
    assert "unknown format 'pdf'" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()
    exported = run("export", tmp_path, "--format", "docx")
    assert exported.exit_code == 2
    assert "unknown format 'docx'" in exported.stderr


def test_export_of_a_folder_without_a_solve_exits_2(tmp_path: Path) -> None:
    """`export` on a folder with no roster.csv is one line naming the file, exit 2."""
    result = run("export", tmp_path, "--format", "xlsx")
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert lines[0].endswith("roster.csv: file not found")
    assert list(tmp_path.iterdir()) == []


def test_escaped_roster_still_checks(scenario: Path, tmp_path: Path) -> None:
    """roster.csv quotes the formula name and the @ id, and `check` still matches the people."""
    out = tmp_path / "out"
    assert run(*solve_args(scenario, out)).exit_code == 0
    with (out / "roster.csv").open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert {(r["employee_id"], r["name"]) for r in rows} == {
        ("E1", "'" + HOSTILE_NAME),
        ("'@E2", "Piotr Lis"),
    }
    checked = run("check", scenario, out / "roster.csv")
    assert checked.exit_code == 0, checked.output
    assert "0 broken rules" in checked.stdout
    assert "objective 9,030" in checked.stdout
