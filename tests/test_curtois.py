"""The Curtois & Qu benchmark: the model and verifier reproduce a proven optimum.

The instance files are benchmark data kept outside the project (see the README); these tests
read them from ``/work/shared/benchmarks/curtois-qu`` (or ``$CURTOIS_QU``) and skip, saying
why, where they are absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scheduler.io.curtois import read_curtois
from scheduler.solve import solve

DATA = Path(os.environ.get("CURTOIS_QU", "/work/shared/benchmarks/curtois-qu"))

needs_instances = pytest.mark.skipif(
    not (DATA / "Instance1.txt").is_file(),
    reason=f"the Curtois-Qu instances are not at {DATA} (set CURTOIS_QU to their folder)",
)


@needs_instances
def test_instance1_reaches_its_proven_optimum() -> None:
    """Instance1 (14 days, 8 people, one shift) solves to 607, proven, within 5 s on one worker.

    The verifier's objective is the benchmark's (cover and request penalties), so the
    agreement of solver, verifier and published optimum checks the rules' semantics:
    weekends, runs at the horizon's ends, totals and requests.
    """
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
