"""The command line: validate, solve and check on a small scenario folder, and its exit codes."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from scheduler.cli import main

SCENARIO_TOML = """\
name = "cli test"

[horizon]
start = 2026-12-07
days = 2
interval_minutes = 15

[rules]
max_on_break = 0.5

[weights]
shortfall = 100
contract = 0
preference = 10
surplus = 1

[[breaks]]
name = "rest"
minutes = 30
earliest = 60
latest = 120
min_shift_minutes = 240
paid = true
"""

STAFF_CSV = """\
employee_id,name,office,skills,contract_hours,min_hours,max_hours,max_days
E1,Anna Nowak,front,lead,40,,,
E2,Piotr Lis,front,,40,,,
B1,Ewa Back,back,,40,,,
"""

SHIFTS_CSV = """\
shift_id,start,end,weekdays
S,08:00,12:00,
"""

DEMAND_CSV = """\
weekday,date,start,end,required,skill
mon,,08:00,09:30,2,
mon,,10:00,12:00,2,
,2026-12-08,08:00,12:00,1,
,2026-12-08,08:00,12:00,1,lead
"""

AVAILABILITY_CSV = """\
employee_id,date,start,end,kind,weight
E2,2026-12-08,,,unavailable,
E1,2026-12-07,08:00,12:00,prefer,2
"""


def write_scenario(folder: Path, **files: str) -> Path:
    """A scenario folder with the default files, each replaced by ``files`` (name: text)."""
    contents = {
        "scenario.toml": SCENARIO_TOML,
        "staff.csv": STAFF_CSV,
        "shifts.csv": SHIFTS_CSV,
        "demand.csv": DEMAND_CSV,
        "availability.csv": AVAILABILITY_CSV,
    }
    contents.update(files)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in contents.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def run(*args: str | Path) -> Result:
    """Invoke the CLI with these arguments (stdout and stderr kept apart)."""
    return CliRunner().invoke(main, [str(a) for a in args])


def solve_args(scenario: Path, out: Path) -> list[str | Path]:
    """A fast, repeatable `solve` command line."""
    return [
        "solve",
        scenario,
        "--out",
        out,
        "--time-limit",
        "5",
        "--workers",
        "2",
        "--seed",
        "0",
        "--quiet",
    ]


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    """The default scenario folder."""
    return write_scenario(tmp_path / "scenario")


def test_validate_prints_a_summary(scenario: Path) -> None:
    """`validate` exits 0 and prints the scenario's size."""
    result = run("validate", scenario)
    assert result.exit_code == 0, result.output
    assert "scenario cli test: 2 days from 2026-12-07, 15-minute intervals" in result.stdout
    people = "3 people (2 front office, 1 back office, 0 cross-trained), 1 shift templates"
    assert people in result.stdout
    assert "skills: lead" in result.stdout


def test_validate_warns_of_a_misspelt_column(tmp_path: Path) -> None:
    """A misspelt optional column is a `warning:` line on stderr; the scenario still loads."""
    header, rest = AVAILABILITY_CSV.split("\n", 1)
    folder = write_scenario(tmp_path / "s", **{"availability.csv": f"{header}s\n{rest}"})
    result = run("validate", folder)
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "warning: availability.csv, column weights: unknown column 'weights', its cells are "
        "ignored; did you mean 'weight'?\n"
    )


def test_solve_writes_outputs_that_check_accepts(scenario: Path, tmp_path: Path) -> None:
    """`solve` exits 0 with roster.csv, coverage.csv and an optimal summary.json; `check` agrees."""
    out = tmp_path / "out"
    result = run(*solve_args(scenario, out))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("optimal:")
    assert {p.name for p in out.iterdir()} == {"roster.csv", "coverage.csv", "summary.json"}
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "optimal"
    assert summary["violations"] == []
    # Monday: the two take their breaks one after the other (max_on_break 1/2), one of them in
    # the 09:30-10:00 hole: 30 minutes short and 30 minutes surplus. Tuesday: E2 is unavailable
    # and E1 (lead) works alone: 30 minutes short on the total and on the lead line.
    assert summary["objective"] == 100 * (30 + 30 + 30) + 30
    assert summary["shortfall_hours"] == 1.5
    assert summary["objective_tiers"] == {
        "1_shortfall": 100 * 90,
        "2_contract": 0,
        "3_preference": 0,
        "4_fairness": 0,
        "5_surplus": 30,
    }
    assert {p["employee_id"] for p in summary["people"]} == {"B1", "E1", "E2"}
    with (out / "roster.csv").open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    shifts = [(r["employee_id"], r["date"]) for r in rows if r["activity"] == "shift"]
    assert sorted(shifts) == [("E1", "2026-12-07"), ("E1", "2026-12-08"), ("E2", "2026-12-07")]
    assert rows[0]["start"] == "2026-12-07T08:00:00"
    checked = run("check", scenario, out / "roster.csv")
    assert checked.exit_code == 0, checked.output
    assert "0 broken rules" in checked.stdout
    assert "objective 9,030" in checked.stdout


def test_check_names_the_broken_rule(scenario: Path, tmp_path: Path) -> None:
    """`check` on a roster whose break rows were deleted by hand exits 1 and names `breaks`."""
    out = tmp_path / "out"
    assert run(*solve_args(scenario, out)).exit_code == 0
    roster = out / "roster.csv"
    lines = roster.read_text(encoding="utf-8").splitlines()
    edited = tmp_path / "edited.csv"
    kept = [line for line in lines if ",rest," not in line]
    assert len(kept) < len(lines)
    edited.write_text("\n".join(kept) + "\n", encoding="utf-8")
    result = run("check", scenario, edited)
    assert result.exit_code == 1, result.output
    assert "breaks: E1 on 2026-12-07 08:00:" in result.stdout
    assert "lacks its break 'rest'" in result.stdout
    assert "3 broken rules" in result.stdout


def test_check_names_an_availability_violation(scenario: Path, tmp_path: Path) -> None:
    """A hand-written roster with a shift moved onto E2's unavailable day breaks `availability`."""
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "employee_id,activity,start,end\n"
        "E2,shift,2026-12-08T08:00:00,2026-12-08T12:00:00\n"
        "E2,rest,2026-12-08T09:00:00,2026-12-08T09:30:00\n",
        encoding="utf-8",
    )
    result = run("check", scenario, roster)
    assert result.exit_code == 1, result.output
    assert result.stdout.startswith("availability: E2 on 2026-12-08 08:00:")


def test_duplicate_employee_is_bad_input(scenario: Path, tmp_path: Path) -> None:
    """A duplicate employee_id exits 2 with one line naming file, row and column; no output."""
    staff = STAFF_CSV.replace("E2,Piotr Lis", "E1,Piotr Lis")
    folder = write_scenario(tmp_path / "bad", **{"staff.csv": staff})
    out = tmp_path / "out"
    result = run(*solve_args(folder, out))
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: staff.csv, row 3, column employee_id: ")
    assert "'E1'" in lines[0]
    assert "Traceback" not in result.output
    assert not out.exists()
    assert run("validate", folder).exit_code == 2


def test_bad_time_in_shifts_is_bad_input(scenario: Path, tmp_path: Path) -> None:
    """An off-grid shift start exits 2 naming shifts.csv, row 2, column start."""
    folder = write_scenario(
        tmp_path / "bad", **{"shifts.csv": "shift_id,start,end\nS,08:10,12:00\n"}
    )
    result = run("validate", folder)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: shifts.csv, row 2, column start: ")
    assert len(result.stderr.splitlines()) == 1


def test_infeasible_scenario_exits_3_with_conflicts(tmp_path: Path) -> None:
    """min_hours beyond what the available days allow exits 3 and lists the conflicting rule."""
    staff = STAFF_CSV.replace("E2,Piotr Lis,front,,40,,,", "E2,Piotr Lis,front,,40,12,,")
    folder = write_scenario(tmp_path / "infeasible", **{"staff.csv": staff})
    # 2-day horizon: min_hours 12 scales to 12 * 2/7 h = 205 min, but E2 is unavailable on
    # Tuesday (by default) and now on Monday too, so E2 cannot work at all.
    availability = AVAILABILITY_CSV + "E2,2026-12-07,,,unavailable,\n"
    (folder / "availability.csv").write_text(availability, encoding="utf-8")
    out = tmp_path / "out"
    result = run(*solve_args(folder, out))
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output
    assert "no roster satisfies the hard rules" in result.stderr
    assert "E2 (Piotr Lis): min_hours 12 h" in result.stderr
    assert not (out / "roster.csv").exists()


def test_solve_leaves_the_inputs_unchanged(scenario: Path, tmp_path: Path) -> None:
    """The scenario's files hold the same bytes after a solve."""
    before = {p.name: p.read_bytes() for p in scenario.iterdir()}
    result = run(*solve_args(scenario, tmp_path / "out"))
    assert result.exit_code == 0, result.output
    after = {p.name: p.read_bytes() for p in scenario.iterdir()}
    assert after == before


def test_solve_lexicographic_reports_tiers(scenario: Path, tmp_path: Path) -> None:
    """`solve --lexicographic` writes a verified roster with the same shortfall tier here."""
    out = tmp_path / "out"
    result = run(*solve_args(scenario, out), "--lexicographic")
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["violations"] == []
    assert summary["objective_tiers"]["1_shortfall"] == 100 * 90
    assert summary["objective"] == sum(summary["objective_tiers"].values())


def test_python_dash_m_runs_the_command_line() -> None:
    """`python -m scheduler` is the same command line as the `scheduler` script."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "scheduler", "validate", "--help"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "--explain-rules" in done.stdout
