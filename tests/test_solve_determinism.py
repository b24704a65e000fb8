"""Determinism: the same input with `--seed` and `--workers 1` gives the identical roster.

CP-SAT with one worker and a fixed seed searches the same way every time, but a wall-clock
time limit can cut two runs at different points. These tests use a scenario that every phase
solves to optimality well inside its limit, so the runs end by proof, not by the clock; they
also run one solve in a fresh process with a different hash seed, since Python's set order of
strings changes with it and must not reach the model.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from scheduler.cli import main

ROOT = Path(__file__).resolve().parents[1]

FILES = {
    "scenario.toml": """\
name = "determinism"

[horizon]
start = 2026-12-07
days = 3
interval_minutes = 30

[rules]
max_on_break = 0.5

[weights]
shortfall = 100
contract = 1
preference = 10
surplus = 1

[[breaks]]
name = "rest"
minutes = 30
earliest = 60
latest = 180
min_shift_minutes = 300

[back_office]
desks = 1

[[back_office.cover]]
skill = "en"
min = 1
""",
    "staff.csv": """\
employee_id,name,office,skills,contract_hours,min_hours,max_hours,max_days,remote_ok,team,remote_days,prefers
E1,Anna,front,lead;en,16,,,,,,,
E2,Piotr,front,en,16,,,,,,,
E3,Ola,both,lead;ua,16,,,,,,,back
E4,Iryna,front,ua;en,16,,,,,,,
E5,Jan,front,,16,,,,,,,
B1,Ewa,back,en,16,,,,yes,,tue,
B2,Zofia,back,en;lead,16,,,,yes,,,
""",
    "shifts.csv": """\
shift_id,start,end,weekdays
AM,08:00,14:00,
PM,12:00,18:00,
""",
    "demand.csv": """\
weekday,date,start,end,required,skill
mon,,08:00,18:00,2,
tue,,08:00,18:00,2,
wed,,08:00,18:00,3,
mon,,09:00,12:00,1,lead
tue,,12:00,16:00,1,ua
wed,,08:00,18:00,1,en
""",
    "availability.csv": """\
employee_id,date,start,end,kind,weight
E2,2026-12-08,,,unavailable,
E1,2026-12-07,08:00,12:00,prefer,2
E5,2026-12-09,12:00,18:00,avoid,1
""",
}


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    """A three-day scenario with skills, a back office and requests, solved in well under 1 s."""
    folder = tmp_path / "scenario"
    folder.mkdir()
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def solve_args(scenario: Path, out: Path, workers: int = 1) -> list[str]:
    """A repeatable solve with a short limit."""
    return [
        "solve",
        str(scenario),
        "--out",
        str(out),
        "--time-limit",
        "5",
        "--workers",
        str(workers),
        "--seed",
        "0",
        "--quiet",
    ]


def solved(scenario: Path, out: Path, workers: int = 1) -> Result:
    """Solve in this process; the roster must be verified by `check`."""
    result = CliRunner().invoke(main, solve_args(scenario, out, workers))
    assert result.exit_code == 0, result.output
    checked = CliRunner().invoke(main, ["check", str(scenario), str(out / "roster.csv")])
    assert checked.exit_code == 0, checked.output
    return result


def test_same_seed_one_worker_gives_the_identical_roster(scenario: Path, tmp_path: Path) -> None:
    """Two solves with --seed 0 --workers 1 write byte-identical roster.csv and coverage.csv."""
    first = solved(scenario, tmp_path / "a")
    second = solved(scenario, tmp_path / "b")
    # The runs end by proof: that is what makes them repeatable despite the time limit.
    assert first.stdout.startswith("optimal:") and second.stdout.startswith("optimal:")
    roster = (tmp_path / "a" / "roster.csv").read_bytes()
    assert roster.count(b"\n") > 10
    assert roster == (tmp_path / "b" / "roster.csv").read_bytes()
    coverage = (tmp_path / "a" / "coverage.csv").read_bytes()
    assert coverage == (tmp_path / "b" / "coverage.csv").read_bytes()


def test_identical_roster_in_a_fresh_process_with_another_hash_seed(
    scenario: Path, tmp_path: Path
) -> None:
    """A solve in a new process (PYTHONHASHSEED=0, so another set order) writes the same roster."""
    solved(scenario, tmp_path / "here")
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONPATH=str(ROOT))
    command = [sys.executable, "-c", "from scheduler.cli import main; main()"]
    out = tmp_path / "there"
    process = subprocess.run(
        [*command, *solve_args(scenario, out)], env=env, capture_output=True, text=True, timeout=120
    )
    assert process.returncode == 0, process.stderr
    assert (out / "roster.csv").read_bytes() == (tmp_path / "here" / "roster.csv").read_bytes()


def test_two_workers_may_differ_but_are_verified(scenario: Path, tmp_path: Path) -> None:
    """With two workers each roster is verified and, proven optimal, has the same objective."""
    first = solved(scenario, tmp_path / "a", workers=2)
    second = solved(scenario, tmp_path / "b", workers=2)
    assert first.stdout.startswith("optimal:") and second.stdout.startswith("optimal:")
    summaries = [(tmp_path / d / "summary.json").read_text(encoding="utf-8") for d in "ab"]
    objectives = [next(line for line in s.splitlines() if '"objective"' in line) for s in summaries]
    assert objectives[0] == objectives[1]
