"""CP-SAT parameters shared by every phase of a solve."""

from __future__ import annotations

import os

from ortools.sat.python import cp_model


def default_workers() -> int:
    """CP-SAT workers for this machine: one per core available to the process."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def configure(solver: cp_model.CpSolver, time_limit: float, workers: int | None, seed: int) -> None:
    """Set the time limit, workers (None: `default_workers`) and seed of one solve."""
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers or default_workers()
    solver.parameters.random_seed = seed
    # Ctrl-C is ours: it must end every phase of the search, not just the running solve.
    solver.parameters.catch_sigint_signal = False
