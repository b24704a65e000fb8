"""Solve a scenario and return a verified `Result`."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from ortools.sat.python import cp_model

from scheduler.data import Assignment, Scenario
from scheduler.io.roster import roster_frame
from scheduler.model.roster import Formulation, Guard, RosterModel
from scheduler.verify import Report, verify


def default_workers() -> int:
    """CP-SAT workers for this machine: one per core available to the process."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Progress:
    """One improving roster found during the search."""

    seconds: float
    objective: float
    bound: float

    @property
    def gap(self) -> float:
        """Relative gap between the roster and the bound."""
        return relative_gap(self.objective, self.bound)


def relative_gap(objective: float, bound: float) -> float:
    """``(objective - bound) / objective``, 0 when both are 0."""
    if objective == bound:
        return 0.0
    return abs(objective - bound) / max(abs(objective), 1e-9)


@dataclass
class Result:
    """The outcome of a solve.

    ``status`` is ``optimal`` or ``feasible`` when a roster was found, ``infeasible`` when
    the hard rules allow none (see ``conflicts``), ``unknown`` when time ran out first.
    """

    scenario: Scenario
    status: str
    assignments: list[Assignment] = field(default_factory=list)
    objective: int | None = None
    best_bound: int | None = None
    solve_seconds: float = 0.0
    num_variables: int = 0
    num_constraints: int = 0
    history: list[Progress] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    report: Report | None = None

    @property
    def found(self) -> bool:
        """Whether a roster came out."""
        return self.status in ("optimal", "feasible")

    @property
    def gap(self) -> float | None:
        """Relative optimality gap of the roster, if one was found."""
        if self.objective is None or self.best_bound is None:
            return None
        return relative_gap(self.objective, self.best_bound)

    @property
    def roster(self) -> pd.DataFrame:
        """One row per shift and break."""
        return roster_frame(self.scenario, self.assignments)

    @property
    def coverage(self) -> pd.DataFrame:
        """Required, on floor, shortfall and surplus per interval and skill line."""
        if self.report is None:
            raise ValueError(f"no roster: status {self.status}")
        return self.report.coverage


class _Recorder(cp_model.CpSolverSolutionCallback):
    """Records each improving roster and optionally reports it."""

    def __init__(self, on_progress: Callable[[Progress], None] | None) -> None:
        super().__init__()
        self.history: list[Progress] = []
        self.on_progress = on_progress
        self.started = time.perf_counter()

    def on_solution_callback(self) -> None:
        self._record(round(self.objective_value), round(self.best_objective_bound))

    def on_bound(self, bound: float) -> None:
        """Called by the solver when the lower bound improves."""
        if self.history:
            self._record(self.history[-1].objective, round(bound))

    def _record(self, objective: float, bound: float) -> None:
        progress = Progress(time.perf_counter() - self.started, objective, bound)
        self.history.append(progress)
        if self.on_progress is not None:
            self.on_progress(progress)


@contextmanager
def _stop_on_interrupt(solver: cp_model.CpSolver) -> Iterator[None]:
    """Turn Ctrl-C into a clean stop that keeps the best roster found so far."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)

    def handler(signum: int, frame: Any) -> None:
        solver.stop_search()

    signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _configure(
    solver: cp_model.CpSolver, time_limit: float, workers: int | None, seed: int
) -> None:
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers or default_workers()
    solver.parameters.random_seed = seed


def solve(
    scenario: Scenario,
    time_limit: float = 60.0,
    workers: int | None = None,
    seed: int = 0,
    formulation: Formulation = "aggregated",
    hint: list[Assignment] | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    relative_gap_limit: float = 0.0,
) -> Result:
    """Build and solve the roster model, then check the roster with the verifier.

    Parameters
    ----------
    scenario
        The problem.
    time_limit
        Seconds before the best roster found so far is returned.
    workers
        CP-SAT worker threads; default one per available core.
    seed
        Random seed, for repeatable runs.
    formulation
        How breaks are modelled: ``"aggregated"`` (default) or ``"individual"``.
    hint
        A roster to start the search from.
    on_progress
        Called with each improving roster.
    relative_gap_limit
        Stop once the roster is proven within this relative gap.
    """
    built = RosterModel(scenario, formulation)
    if hint:
        built.hint(hint)
    solver = cp_model.CpSolver()
    _configure(solver, time_limit, workers, seed)
    solver.parameters.relative_gap_limit = relative_gap_limit
    recorder = _Recorder(on_progress)
    solver.best_bound_callback = recorder.on_bound
    with _stop_on_interrupt(solver):
        code = solver.solve(built.model, recorder)
    proto = built.model.proto
    result = Result(
        scenario,
        status=_STATUS.get(code, "unknown"),
        solve_seconds=solver.wall_time,
        num_variables=len(proto.variables),
        num_constraints=len(proto.constraints),
        history=recorder.history,
    )
    if result.found:
        result.assignments = built.assignments(solver.value)
        # Every objective term is integral; presolve's rescaling leaves float noise.
        result.objective = round(solver.objective_value)
        result.best_bound = round(solver.best_objective_bound)
        result.report = verify(scenario, result.roster)
    elif code == cp_model.INFEASIBLE:
        result.conflicts = explain_infeasible(scenario, time_limit, seed)
    elif code == cp_model.MODEL_INVALID:
        raise RuntimeError(f"CP-SAT rejected the model: {built.model.validate()}")
    return result


_STATUS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
}


def explain_infeasible(scenario: Scenario, time_limit: float = 30.0, seed: int = 0) -> list[str]:
    """Name a set of rule groups that cannot all hold, from the solver's assumption core."""
    built = RosterModel(scenario, explain=True)
    built.model.add_assumptions(
        [built.model.get_bool_var_from_proto_index(i) for i in built.guards]
    )
    solver = cp_model.CpSolver()
    # Cores over assumptions need a single worker.
    _configure(solver, time_limit, 1, seed)
    code = solver.solve(built.model)
    if code != cp_model.INFEASIBLE:
        return ["the hard rules conflict, but no smaller set of rule groups was isolated"]
    core = solver.sufficient_assumptions_for_infeasibility()
    guards = [built.guards[i] for i in core if i in built.guards]
    if not guards:
        return ["the shift templates, availability and break rules leave no roster at all"]
    return [describe_guard(scenario, g) for g in sorted(guards, key=_guard_key)]


def _guard_key(guard: Guard) -> tuple[str, str, str]:
    return guard.employee_id, guard.family, guard.detail


def describe_guard(scenario: Scenario, guard: Guard) -> str:
    """A rule group in the planner's words."""
    person = scenario.employee(guard.employee_id)
    rules = scenario.rules
    where = f" in {guard.detail.replace('block', 'week ')}" if guard.detail else ""
    texts = {
        "min_hours": f"min_hours {person.min_minutes / 60:g} h{where}",
        "max_hours": f"max_hours {person.weekly_max_minutes / 60:g} h{where}",
        "max_days": f"max_days {person.max_days}{where}",
        "min_rest": f"min_rest_hours {rules.min_rest_minutes / 60:g} between shifts",
        "weekly_rest": f"weekly_rest_hours {rules.weekly_rest_minutes / 60:g}{where}",
        "max_consecutive_days": f"max_consecutive_days {rules.max_consecutive_days}",
    }
    return f"{guard.employee_id} ({person.name}): {texts.get(guard.family, guard.family)}"
