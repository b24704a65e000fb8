"""Why a scenario has no roster: a small set of rule groups that cannot all hold."""

from __future__ import annotations

import time

from ortools.sat.python import cp_model

from scheduler.conflicts import Conflict, describe_conflicts
from scheduler.data import Scenario
from scheduler.model.params import configure
from scheduler.model.roster import RosterModel


def explain_infeasible(scenario: Scenario, time_limit: float = 30.0, seed: int = 0) -> list[str]:
    """Name a set of rule groups that cannot all hold, from the solver's assumption core."""
    return [str(c) for c in find_conflicts(scenario, time_limit, seed)]


NO_CORE = "the hard rules conflict, but no smaller set of rule groups was isolated"
NO_GROUP = "the shift templates, availability and break rules leave no roster at all"
SHRINK_SHARE = 0.5
"""Share of the explaining time for dropping rule groups the core does not need."""


def find_conflicts(scenario: Scenario, time_limit: float = 30.0, seed: int = 0) -> list[Conflict]:
    """A small set of rule groups that cannot all hold, each with its numbers.

    The solver's core over the assumption literals (one per rule group) is sufficient but not
    always minimal, so each of its groups is then dropped in turn and kept out when the rest
    is still infeasible, while the time lasts.
    """
    started = time.perf_counter()
    built = RosterModel(scenario, explain=True)
    literals = {i: built.model.get_bool_var_from_proto_index(i) for i in built.guards}

    def core_of(assumed: list[int], seconds: float) -> list[int] | None:
        """The core of these assumptions, or None when they hold (or time ran out)."""
        built.model.clear_assumptions()
        built.model.add_assumptions([literals[i] for i in assumed])
        solver = cp_model.CpSolver()
        # Cores over assumptions need a single worker.
        configure(solver, max(seconds, 0.1), 1, seed)
        if solver.solve(built.model) != cp_model.INFEASIBLE:
            return None
        return [i for i in solver.sufficient_assumptions_for_infeasibility() if i in literals]

    core = core_of(list(literals), time_limit)
    if core is None:
        return [Conflict("unknown", None, "", NO_CORE)]
    budget = SHRINK_SHARE * time_limit
    for index in list(core):
        left = budget - (time.perf_counter() - started)
        if index not in core or len(core) == 1 or left <= 0:
            continue
        smaller = core_of([i for i in core if i != index], left)
        if smaller is not None:
            core = smaller
    if not core:
        return [Conflict("structure", None, "", NO_GROUP)]
    return describe_conflicts(scenario, [built.guards[i] for i in core])
