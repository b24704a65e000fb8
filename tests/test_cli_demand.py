"""The `scheduler demand` command: a call forecast becomes a scenario's demand.csv."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from scheduler.cli import main
from scheduler.data import WEEKDAYS
from scheduler.io.scenario import read_scenario
from scheduler.solve import solve
from scheduler.staffing import erlang_c

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"

# Calls per quarter hour over a day, 07:00-21:00 (56 quarters): a morning and an afternoon peak.
PROFILE = [2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 12, 12, 11, 10, 9, 9]
PROFILE += [8, 8, 9, 10, 11, 12, 12, 11, 10, 9, 8, 8, 7, 7, 6, 6]
PROFILE += [5, 5, 5, 4, 4, 4, 3, 3, 3, 3, 2, 2, 2, 2, 1, 1]
PROFILE += [1, 1, 1, 1, 0, 0, 0, 0]


def forecast_text() -> str:
    """A week of quarter-hour call counts, weekends at half volume."""
    lines = ["weekday,start,calls"]
    for weekday in WEEKDAYS:
        share = 0.5 if weekday in ("sat", "sun") else 1.0
        for quarter, calls in enumerate(PROFILE):
            minute = 7 * 60 + 15 * quarter
            lines.append(f"{weekday},{minute // 60:02d}:{minute % 60:02d},{calls * share:g}")
    return "\n".join(lines) + "\n"


def run(*args: str | Path) -> Result:
    """Invoke the CLI with these arguments (stdout and stderr kept apart)."""
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def calls(tmp_path: Path) -> Path:
    """The week's forecast as CALLS.csv."""
    path = tmp_path / "calls.csv"
    path.write_text(forecast_text(), encoding="utf-8")
    return path


def test_demand_from_calls_is_solved_as_a_scenario(tmp_path: Path, calls: Path) -> None:
    """`demand` writes a demand.csv that the sample scenario loads and solves, verified."""
    before = calls.read_bytes()
    folder = tmp_path / "scenario"
    shutil.copytree(SAMPLE, folder)
    # Only Monday, so that the solve below stays tiny (the sample week needs ~8 s on one core).
    policy = folder / "scenario.toml"
    policy.write_text(policy.read_text(encoding="utf-8").replace("days = 7", "days = 1"), "utf-8")
    out = folder / "demand.csv"
    result = run(
        "demand",
        calls,
        "--aht",
        "240",
        "--service-level",
        "0.8",
        "--answer-within",
        "20",
        "--shrinkage",
        "0.1",
        "--max-occupancy",
        "0.9",
        "--out",
        out,
    )
    assert result.exit_code == 0, result.output
    assert f"wrote {out}: 392 intervals" in result.stdout
    assert calls.read_bytes() == before
    written = pd.read_csv(out, keep_default_na=False)
    expected = erlang_c(
        pd.Series([c * s for s in (1, 1, 1, 1, 1, 0.5, 0.5) for c in PROFILE], dtype=float),
        240,
        interval_minutes=15,
        service_level=0.8,
        answer_within=20,
        max_occupancy=0.9,
        shrinkage=0.1,
    )
    assert written["required"].tolist() == expected.tolist()
    scenario = read_scenario(folder)
    assert scenario.horizon.days == 1
    total = scenario.required()[None]
    monday = expected.tolist()[: len(PROFILE)]
    assert total[7 * 4 : 21 * 4] == monday
    assert sum(total) == sum(monday) > 0
    solved = solve(scenario, time_limit=2.0, workers=1, seed=0)
    assert solved.found
    assert solved.report is not None
    assert solved.report.ok, solved.report.violations


def test_erlang_a_needs_no_more_people_than_erlang_c(tmp_path: Path, calls: Path) -> None:
    """With --patience every interval needs at most Erlang C's people, and fewer somewhere."""
    patient, impatient = tmp_path / "c.csv", tmp_path / "a.csv"
    assert run("demand", calls, "--aht", "240", "--out", patient).exit_code == 0
    result = run("demand", calls, "--aht", "240", "--patience", "60", "--out", impatient)
    assert result.exit_code == 0, result.output
    assert "Erlang A, patience 60 s" in result.stdout
    c = pd.read_csv(patient)["required"]
    a = pd.read_csv(impatient)["required"]
    assert (a <= c).all()
    assert (a < c).any()
    assert (pd.read_csv(impatient)["abandon_probability"] > 0).any()


def test_bad_forecast_cell_exits_2_with_one_line(tmp_path: Path) -> None:
    """A bad cell gives one line naming file, row and column, exit 2, and no output file."""
    path = tmp_path / "calls.csv"
    path.write_text("weekday,start,calls\nmon,08:00,12\nmon,08:15,lots\n", encoding="utf-8")
    out = tmp_path / "demand.csv"
    result = run("demand", path, "--aht", "240", "--out", out)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "error: calls.csv, row 3, column calls: expected a number of calls >= 0, got 'lots'"
    ]
    assert "Traceback" not in result.output
    assert not out.exists()


def test_missing_aht_names_the_row(tmp_path: Path, calls: Path) -> None:
    """Without --aht or an aht column the first row is reported, exit 2."""
    result = run("demand", calls, "--out", tmp_path / "demand.csv")
    assert result.exit_code == 2
    assert "calls.csv, row 2, column aht:" in result.stderr
    assert "--aht" in result.stderr


def test_out_may_not_overwrite_the_forecast(calls: Path) -> None:
    """--out pointing at CALLS is refused (exit 2) and the forecast is left alone."""
    before = calls.read_bytes()
    result = run("demand", calls, "--aht", "240", "--out", calls)
    assert result.exit_code == 2
    assert "must not be the forecast itself" in result.stderr
    assert calls.read_bytes() == before


@pytest.mark.parametrize(
    "option",
    [
        ("--service-level", "80"),
        ("--shrinkage", "1"),
        ("--max-occupancy", "0"),
        ("--interval-minutes", "7"),
    ],
)
def test_out_of_range_option_exits_2(tmp_path: Path, calls: Path, option: tuple[str, str]) -> None:
    """An option outside its range is a usage error with exit 2 and nothing written."""
    out = tmp_path / "demand.csv"
    result = run("demand", calls, "--aht", "240", *option, "--out", out)
    assert result.exit_code == 2
    assert option[0] in result.stderr
    assert not out.exists()


def test_coarser_grid_writes_longer_rows(tmp_path: Path) -> None:
    """--interval-minutes 60 makes hour-long rows from an hourly forecast."""
    path = tmp_path / "calls.csv"
    path.write_text("date,start,calls,aht\n2026-12-07,08:00,90,200\n", encoding="utf-8")
    out = tmp_path / "demand.csv"
    result = run("demand", path, "--interval-minutes", "60", "--out", out)
    assert result.exit_code == 0, result.output
    written = pd.read_csv(out, keep_default_na=False)
    assert written[["date", "start", "end"]].values.tolist() == [["2026-12-07", "08:00", "09:00"]]
    assert written["required"].tolist() == [erlang_c(90, 200, interval_minutes=60)]
