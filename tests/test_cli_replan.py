"""The command line of bad days: solve --json and --hint, explain, replan."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from test_cli import STAFF_CSV, run, solve_args, write_scenario

NO_BREAKS_TOML = """\
name = "replan cli"

[horizon]
start = 2026-12-07
days = 2
interval_minutes = 15

[weights]
shortfall = 100
contract = 0
preference = 10
surplus = 1
"""

THREE_STAFF_CSV = """\
employee_id,name,office,skills,contract_hours,min_hours,max_hours,max_days
E1,Anna Nowak,front,,40,,,
E2,Piotr Lis,front,,40,,,
E3,Olga Wrona,front,,40,,,
"""

DEMAND_CSV = """\
weekday,date,start,end,required,skill
mon,,08:00,12:00,1,
tue,,08:00,12:00,1,
"""

PUBLISHED_CSV = """\
employee_id,name,date,office,location,activity,shift_id,start,end,hours,paid
E1,Anna Nowak,2026-12-07,front,onsite,shift,S,2026-12-07T08:00:00,2026-12-07T12:00:00,4.0,
E2,Piotr Lis,2026-12-08,front,onsite,shift,S,2026-12-08T08:00:00,2026-12-08T12:00:00,4.0,
"""


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    """The default scenario folder of test_cli (2 days, breaks, E2 away on Tuesday)."""
    return write_scenario(tmp_path / "scenario")


@pytest.fixture
def plain(tmp_path: Path) -> Path:
    """Three front-office people, one 08:00-12:00 shift, one person needed each morning."""
    return write_scenario(
        tmp_path / "plain",
        **{
            "scenario.toml": NO_BREAKS_TOML,
            "staff.csv": THREE_STAFF_CSV,
            "demand.csv": DEMAND_CSV,
            "availability.csv": "employee_id,date,start,end,kind,weight\n",
        },
    )


def published(tmp_path: Path) -> Path:
    """E1 on Monday, E2 on Tuesday, as a published roster.csv."""
    path = tmp_path / "published" / "roster.csv"
    path.parent.mkdir()
    path.write_text(PUBLISHED_CSV, encoding="utf-8")
    return path


def replan_args(plain: Path, roster: Path, out: Path, *more: str) -> list[str | Path]:
    """A fast `replan` command line with E2 away on Tuesday."""
    return [
        "replan",
        plain,
        "--published",
        roster,
        "--absent",
        "E2:2026-12-08",
        "--out",
        out,
        "--time-limit",
        "5",
        "--workers",
        "1",
        *more,
    ]


def test_solve_json_prints_the_summary_alone_on_stdout(scenario: Path, tmp_path: Path) -> None:
    """--json: stdout is summary.json's data, the readable lines go to stderr."""
    out = tmp_path / "out"
    result = run(*solve_args(scenario, out), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data == json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert data["status"] == "optimal"
    assert data["objective"] == 9030
    assert data["violations"] == []
    assert "optimal:" in result.stderr


def test_solve_json_gives_the_conflicts_as_data(tmp_path: Path) -> None:
    """An infeasible scenario with --json exits 3 and lists rule, person and message."""
    staff = STAFF_CSV.replace("E2,Piotr Lis,front,,40,,,", "E2,Piotr Lis,front,,40,12,,")
    folder = write_scenario(tmp_path / "infeasible", **{"staff.csv": staff})
    availability = (folder / "availability.csv").read_text(encoding="utf-8")
    availability += "E2,2026-12-07,,,unavailable,\n"
    (folder / "availability.csv").write_text(availability, encoding="utf-8")
    result = run(*solve_args(folder, tmp_path / "out"), "--json")
    assert result.exit_code == 3, result.output
    data = json.loads(result.stdout)
    assert data["status"] == "infeasible"
    [group] = data["conflict_groups"]
    assert (group["rule"], group["employee_id"], group["when"]) == (
        "min_hours",
        "E2",
        "2026-12-07..2026-12-08",
    )
    assert group["message"] == (
        "E2 (Piotr Lis): min_hours 12 h in week 1 (2026-12-07..2026-12-08), 3 h 25 min for its "
        "2 days, but not available on any day of it"
    )
    assert data["conflicts"] == [group["message"]]


def test_solve_hint_starts_from_a_published_roster(scenario: Path, tmp_path: Path) -> None:
    """--hint with last week's roster (a stray row skipped with a warning) still solves."""
    first = tmp_path / "first"
    assert run(*solve_args(scenario, first)).exit_code == 0
    lines = (first / "roster.csv").read_text(encoding="utf-8").splitlines()
    # A week earlier, plus a row for someone who has left.
    earlier = [line.replace("2026-12-07", "2026-11-30") for line in lines]
    earlier = [line.replace("2026-12-08", "2026-12-01") for line in earlier]
    earlier.append(earlier[1].replace("E1,Anna Nowak", "E9,Gone"))
    hint = tmp_path / "last_week.csv"
    hint.write_text("\n".join(earlier) + "\n", encoding="utf-8")
    result = run(*solve_args(scenario, tmp_path / "second"), "--hint", hint)
    assert result.exit_code == 0, result.output
    assert "hint: moved last_week.csv by 7 days" in result.stderr
    assert "warning: last_week.csv, row" in result.stderr
    assert "employee 'E9' is not in the scenario; skipped" in result.stderr
    summary = json.loads((tmp_path / "second" / "summary.json").read_text(encoding="utf-8"))
    assert summary["objective"] == 9030
    assert summary["violations"] == []


def test_solve_refuses_to_overwrite_its_hint(scenario: Path, tmp_path: Path) -> None:
    """--hint OUT/roster.csv with --out OUT would replace the hint: exit 2, file unchanged."""
    out = tmp_path / "out"
    assert run(*solve_args(scenario, out)).exit_code == 0
    before = (out / "roster.csv").read_bytes()
    result = run(*solve_args(scenario, out), "--hint", out / "roster.csv")
    assert result.exit_code == 2, result.output
    assert "would overwrite its hint" in result.stderr
    assert (out / "roster.csv").read_bytes() == before


def test_replan_moves_the_hole_to_someone_else_and_writes_the_changes(
    plain: Path, tmp_path: Path
) -> None:
    """E2 away on Tuesday: one person takes Tuesday, changes.csv lists it beside the absence."""
    roster = published(tmp_path)
    out = tmp_path / "replanned"
    result = run(*replan_args(plain, roster, out))
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {
        "changes.csv",
        "roster.csv",
        "coverage.csv",
        "summary.json",
    }
    with (out / "changes.csv").open(encoding="utf-8") as stream:
        changes = list(csv.DictReader(stream))
    kinds = sorted((c["employee_id"], c["change"]) for c in changes)
    assert kinds in ([("E1", "added"), ("E2", "absent")], [("E2", "absent"), ("E3", "added")])
    assert "E2 (Piotr Lis) 2026-12-08 absent: S 08:00-12:00 -> -" in result.stdout
    assert "1 change (moved 0, location 0, added 1, removed 0, absent 1)" in result.stdout
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["replan"]["changes"] == 1
    assert summary["shortfall_hours"] == 0
    assert summary["violations"] == []
    assert roster.read_text(encoding="utf-8") == PUBLISHED_CSV
    assert run("check", plain, out / "roster.csv").exit_code == 0


def test_replan_json_prints_the_summary_with_the_replan(plain: Path, tmp_path: Path) -> None:
    """replan --json: stdout is summary.json with its replan section."""
    result = run(*replan_args(plain, published(tmp_path), tmp_path / "out", "--json"))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["replan"]["absences"] == ["E2:2026-12-08..2026-12-08"]
    assert data["replan"]["from"] == "2026-12-08T00:00:00"


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--absent", "E2-2026-12-08", "error: --absent: expected EMPLOYEE:YYYY-MM-DD"),
        ("--absent", "E9:2026-12-08", "error: --absent: employee 'E9' is not in the scenario"),
        ("--from", "noon", "error: --from: expected an ISO date-time"),
    ],
)
def test_replan_bad_option_is_one_line_exit_2(
    plain: Path, tmp_path: Path, option: str, value: str, expected: str
) -> None:
    """A malformed --absent or --from exits 2 with one line and writes nothing."""
    args = replan_args(plain, published(tmp_path), tmp_path / "out")
    if option == "--absent":
        args[args.index("E2:2026-12-08")] = value
    else:
        args += [option, value]
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(expected), result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_replan_refuses_to_overwrite_the_published_roster(plain: Path, tmp_path: Path) -> None:
    """--out in the published roster's folder would replace it: exit 2, roster unchanged."""
    roster = published(tmp_path)
    result = run(*replan_args(plain, roster, roster.parent))
    assert result.exit_code == 2, result.output
    assert "would overwrite the published roster" in result.stderr
    assert roster.read_text(encoding="utf-8") == PUBLISHED_CSV


def test_explain_names_why_each_stretch_is_short(scenario: Path, tmp_path: Path) -> None:
    """explain after a solve: each short stretch with its reason, then a count; --json agrees."""
    out = tmp_path / "out"
    assert run(*solve_args(scenario, out)).exit_code == 0
    result = run("explain", scenario, out)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[-1].startswith("3 short stretches, 1.5 person-hours short: breaks 3")
    assert any(
        line.startswith("2026-12-08") and " lead: short 1: breaks:" in line for line in lines
    )
    data = json.loads(run("explain", scenario, out, "--json").stdout)
    assert [s["reason"] for s in data["shortages"]] == ["breaks"] * 3


def test_explain_without_a_roster_is_bad_input(scenario: Path, tmp_path: Path) -> None:
    """explain on a folder without roster.csv exits 2 naming the file."""
    result = run("explain", scenario, tmp_path / "empty")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "roster.csv: file not found" in result.stderr


def test_explain_of_a_replan_counts_its_absences(plain: Path, tmp_path: Path) -> None:
    """Everyone away on Tuesday: explain on the re-plan says nobody is available, from summary."""
    out = tmp_path / "out"
    args = replan_args(plain, published(tmp_path), out, "--absent", "E1:2026-12-08")
    result = run(*args, "--absent", "E3:2026-12-08")
    assert result.exit_code == 0, result.output
    explained = run("explain", plain, out)
    assert explained.exit_code == 0, explained.output
    assert explained.stdout.splitlines()[0] == (
        "2026-12-08 08:00-12:00 total: short 1: nobody available (all 3 who could cover it are "
        "unavailable)"
    )
