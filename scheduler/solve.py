"""Solve a scenario and return a verified `Result`.

The search itself (every CP-SAT solve) is in `scheduler.model.search`; this module is the
entry point and names what a solve returns.

The module itself is callable as :func:`solve`, so ``from scheduler import solve`` then
``solve(scenario, time_limit=10)`` works although the name is this module's.
"""

from __future__ import annotations

import inspect
import sys
import types
from collections.abc import Callable
from typing import Any

from scheduler.conflicts import describe_conflicts
from scheduler.data import Assignment, Scenario
from scheduler.model.infeasible import explain_infeasible, find_conflicts
from scheduler.model.params import default_workers
from scheduler.model.roster import Formulation, Guard
from scheduler.model.search import search_roster
from scheduler.model.size import check_model_size
from scheduler.result import PHASES, Phase, Progress, Result, relative_gap

__all__ = [
    "PHASES",
    "Phase",
    "Progress",
    "Result",
    "default_workers",
    "describe_guard",
    "explain_infeasible",
    "find_conflicts",
    "relative_gap",
    "solve",
]


def solve(
    scenario: Scenario,
    time_limit: float = 60.0,
    workers: int | None = None,
    seed: int = 0,
    formulation: Formulation = "aggregated",
    hint: list[Assignment] | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    relative_gap_limit: float = 0.0,
    lexicographic: bool = False,
    tier_tolerance: float = 0.0,
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
    lexicographic
        Solve tier by tier (see `scheduler.data.TIERS`) instead of the weighted sum.
    tier_tolerance
        With ``lexicographic``: how far above its best (relative) a tier may go while the
        later tiers are minimised.

    Raises
    ------
    InputError
        When the model would be too large to build (see :mod:`scheduler.model.size`).
    """
    # Refuse a model that could not be built in memory before building any of it.
    check_model_size(scenario, formulation)
    return search_roster(
        scenario,
        time_limit,
        workers,
        seed,
        formulation,
        hint,
        on_progress,
        relative_gap_limit,
        lexicographic,
        tier_tolerance,
    )


def describe_guard(scenario: Scenario, guard: Guard) -> str:
    """A rule group in the planner's words."""
    return str(describe_conflicts(scenario, [guard])[0])


class _CallableModule(types.ModuleType):
    """This module, callable as :func:`solve`.

    ``from scheduler import solve`` yields this module (Python binds a submodule to the
    package's attribute of the same name), so calling it must solve.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Result:
        return solve(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
__signature__ = inspect.signature(solve)
