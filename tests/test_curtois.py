"""The Curtois & Qu benchmark: the model and verifier reproduce a proven optimum.

The instance files are benchmark data kept outside the project (see the README); these tests
read them from ``/work/shared/benchmarks/curtois-qu`` (or ``$CURTOIS_QU``) and skip, saying
why, where they are absent.
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import load_script

from scheduler.io.curtois import read_curtois
from scheduler.solve import Progress, solve
from scheduler.verify import Costs

DATA = Path(os.environ.get("CURTOIS_QU", "/work/shared/benchmarks/curtois-qu"))

needs_instances = pytest.mark.skipif(
    not (DATA / "Instance1.txt").is_file(),
    reason=f"the Curtois-Qu instances are not at {DATA} (set CURTOIS_QU to their folder)",
)


@needs_instances
def test_instance1_reaches_its_proven_optimum() -> None:
    """Instance1 (14 days, 8 people, one shift) solves to 607, proven, within 5 s on one worker."""
    # The verifier's objective is the benchmark's (cover and request penalties), so the agreement of
    # solver, verifier and published optimum checks the rules' semantics: weekends, runs at the
    # horizon's ends, totals and requests.
    result = solve(read_curtois(DATA / "Instance1.txt"), time_limit=5.0, workers=1, seed=0)
    assert result.status == "optimal"
    assert result.report is not None and result.report.ok, result.report
    assert result.objective == result.report.costs.objective == 607
    assert result.best_bound == 607


@needs_instances
def test_instance2_objective_of_a_roster_is_the_benchmark_s() -> None:
    """Instance2's optimum 828 within 5 s on one worker, its costs only cover and requests."""
    result = solve(read_curtois(DATA / "Instance2.txt"), time_limit=5.0, workers=1, seed=0)
    assert result.report is not None and result.report.ok
    costs = result.report.costs
    assert costs.objective == 828
    assert costs.tiers["contract"] == costs.tiers["fairness"] == 0
    assert costs.objective == costs.tiers["shortfall"] + costs.tiers["surplus"] + (
        costs.preference_penalty
    )


def test_benchmark_summary_gives_each_instance_its_spread_over_seeds() -> None:
    """The summary gives each instance its runs over seeds and their spread."""
    # It gives runs, least, mean and most objective, mean gap, and the mean people short and
    # requests' cost.
    benchmark = load_script("curtois")
    table = pd.DataFrame(
        {
            "instance": ["Instance8", "Instance8", "Instance9", "Instance9", "Instance9"],
            "seed": [0, 1, 0, 1, 2],
            "objective": [1_430, 1_365, 450, 451, 561],
            "best_known": [1_300, 1_300, 439, 439, 439],
            "gap_pct": [10.0, 5.0, 2.51, 2.73, 27.79],
            "to_1pct_s": [None, None, 30.5, 41.5, None],
            "short": [13, 12, 4, 4, 5],
            "requests": [130, 165, 50, 51, 61],
        }
    )
    summary = benchmark.summarise(table)
    assert summary["instance"].tolist() == ["Instance8", "Instance9"]
    assert summary["runs"].tolist() == [2, 3]
    assert summary["least"].tolist() == [1_365, 450]
    assert summary["most"].tolist() == [1_430, 561]
    assert summary["mean"].tolist() == [1_397.5, 487.3]
    assert summary["mean_gap_pct"].tolist() == [7.5, 11.01]
    assert summary["within_1pct"].tolist() == [0, 2]
    assert summary["mean_to_1pct_s"].tolist()[1] == 36.0
    assert math.isnan(summary["mean_to_1pct_s"].tolist()[0])
    assert summary["mean_short"].tolist() == [12.5, 4.33]
    assert summary["mean_requests"].tolist() == [147.5, 54.0]


def test_benchmark_times_the_first_roster_within_the_target_gap() -> None:
    """The first roster within 1 % of the best known is timed; none within it gives None."""
    benchmark = load_script("curtois")
    history = [Progress(2.0, 1_400, 0), Progress(9.04, 1_313, 0), Progress(20.0, 1_300, 0)]
    assert benchmark.seconds_to_within(history, 1_300, 0.01) == 9.0
    assert benchmark.seconds_to_within(history, 1_300, 0.0) == 20.0
    assert benchmark.seconds_to_within(history[:1], 1_300, 0.01) is None
    assert benchmark.seconds_to_within(history, None, 0.01) is None


def test_benchmark_splits_an_objective_into_cover_and_requests() -> None:
    """A run's objective splits into people short and above, and the cover's and requests' cost."""
    # Each cost is weighted as the objective weighs it: here two a refused request.
    benchmark = load_script("curtois")
    costs = Costs(
        shortfall_minutes=0,
        surplus_minutes=0,
        contract_deviation_minutes=0,
        preference_penalty=61,
        objective=1_323,
        tiers={"shortfall": 1_200, "surplus": 1, "contract": 0, "preference": 122},
        day_short=12,
        day_over=1,
    )
    parts = benchmark.objective_parts(costs)
    assert parts == {"short": 12, "over": 1, "cover": 1_201, "requests": 122}
    assert benchmark.objective_parts(None) == dict.fromkeys(parts)


def test_benchmark_parses_ranges_of_instances_and_seeds() -> None:
    """``1-3,8`` lists 1, 2, 3 and 8; a single number lists itself."""
    benchmark = load_script("curtois")
    assert benchmark.parse_numbers("1-3,8") == [1, 2, 3, 8]
    assert benchmark.parse_numbers("0") == [0]


@needs_instances
def test_benchmark_runs_each_instance_once_per_seed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--seeds 0-1`` on Instance1 writes a row per seed (both 607) and a one-row summary."""
    benchmark = load_script("curtois")
    out = tmp_path / "runs.csv"
    argv = ["curtois.py", "--time-limit", "5", "--instances", "1", "--seeds", "0-1"]
    argv += ["--workers", "1", "--data", str(DATA), "--out", str(out)]
    monkeypatch.setattr(sys, "argv", argv)
    benchmark.main()
    runs = pd.read_csv(out)
    assert runs["seed"].tolist() == [0, 1]
    assert runs["objective"].tolist() == [607, 607]
    assert (runs["cover"] + runs["requests"] == runs["objective"]).all()
    summary = pd.read_csv(tmp_path / "runs-summary.csv")
    assert summary.to_dict("records") == [
        {
            "instance": "Instance1",
            "best_known": 607,
            "runs": 2,
            "least": 607,
            "mean": 607.0,
            "most": 607,
            "mean_gap_pct": 0.0,
            "within_1pct": 2,
            "mean_to_1pct_s": runs["to_1pct_s"].mean().round(1),
            "mean_short": runs["short"].mean().round(2),
            "mean_requests": runs["requests"].mean().round(1),
        }
    ]
    assert (runs["to_1pct_s"] <= runs["seconds"]).all()
