"""The contact-centre benchmark script: sizes with their own limits, runs per seed and process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, load_script

benchmark = load_script("contact_centre")


def test_sizes_take_the_default_limit_or_their_own() -> None:
    """``100,800:120`` gives 100 the default limit and 800 its own 120 s."""
    assert benchmark.parse_sizes("100, 800:120", 60.0) == [(100, 60.0), (800, 120.0)]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--sizes", "100:x"], "expected --sizes like 100,800:120, got '100:x'"),
        (["--days", "0"], "expected --days from 1 to 56, got 0"),
    ],
)
def test_a_malformed_option_stops_with_a_usage_error(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A non-numeric size or an out-of-range horizon exits 2 with one line, before any solve."""
    # The line names what was expected.
    with pytest.raises(SystemExit) as stopped:
        benchmark.main(argv)
    assert stopped.value.code == 2
    assert expected in capsys.readouterr().err


def test_runs_by_seed_give_one_column_per_seed() -> None:
    """Objective / bound (gap) per size and seed; a run without a roster says so."""
    table = pd.DataFrame(
        {
            "seed": [0, 0, 1, 1],
            "N": [200, 100, 200, 100],
            "formulation": ["aggregated"] * 4,
            "objective": [42_694, 29_914, 44_374, None],
            "bound": [42_639, 29_785, 44_198.0, None],
            "gap_at_limit_pct": [0.13, 0.43, None, None],
        }
    )
    wide = benchmark.by_seed(table)
    assert wide.columns.tolist() == ["N", "formulation", "seed 0", "seed 1"]
    assert wide["N"].tolist() == [200, 100]
    assert wide["seed 0"].tolist() == ["42,694 / 42,639 (0.13 %)", "29,914 / 29,785 (0.43 %)"]
    assert wide["seed 1"].tolist() == ["44,374 / 44,198", "no roster"]


def test_script_solves_each_seed_in_a_process_of_its_own(tmp_path: Path) -> None:
    """``--seeds 0-1`` on a floor of 20 writes a verified run per seed, each with its own limit."""
    script = ROOT / "benchmarks" / "contact_centre.py"
    command = [sys.executable, str(script), "--sizes", "20:2", "--time-limit", "30"]
    command += ["--formulations", "aggregated", "--seeds", "0-1", "--out", str(tmp_path)]
    # The script stops with the verifier's complaint if a roster breaks a rule.
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    runs = pd.read_csv(tmp_path / "contact_centre.csv")
    assert runs["seed"].tolist() == [0, 1]
    assert runs["time_limit_s"].tolist() == [2.0, 2.0]
    assert runs["objective"].notna().all()
    assert (runs["wall_s"] < 10).all()
    assert "seed 0" in done.stdout and "seed 1" in done.stdout
