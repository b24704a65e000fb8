"""What a solve returns: the roster, its cost and bound, and how the search got there.

No solver here: `scheduler.solve` builds these, and the exports and notebooks read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pandas as pd

from scheduler.conflicts import Conflict
from scheduler.data import Assignment, FlexDay, Scenario
from scheduler.io.roster import roster_frame
from scheduler.verify import Report

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class Progress:
    """One improving roster found during the search.

    ``shortfall_minutes`` is the roster's person-minutes below demand, when known; ``phase``
    names the search phase that found the roster or bound (see `PHASES`).
    """

    seconds: float
    objective: float
    bound: float
    shortfall_minutes: int | None = None
    phase: str = ""

    @property
    def gap(self) -> float:
        """Relative gap between the roster and the bound."""
        return relative_gap(self.objective, self.bound)


Phase = Literal["start", "relaxed", "repair", "whole", "neighbourhood", "exact"]
PHASES: dict[Phase, str] = {
    "start": "the starting roster's breaks and back-office days placed around its shifts",
    "relaxed": "the whole model with the staggering cap relaxed",
    "repair": "a roster's breaks and back-office days re-placed around its shifts, exact cap",
    "whole": "the whole model",
    "neighbourhood": "part of the best roster re-solved, the rest fixed",
    "exact": "the exact model from the best roster",
}
"""The search phases a `Progress` may name, and what each solves."""


def relative_gap(objective: float, bound: float) -> float:
    """``(objective - bound) / objective``, 0 when both are 0."""
    if objective == bound:
        return 0.0
    return abs(objective - bound) / max(abs(objective), 1e-9)


@dataclass(repr=False)
class Result:
    """The outcome of a solve.

    ``status`` is ``optimal`` or ``feasible`` when a roster was found, ``infeasible`` when
    the hard rules allow none (see ``conflicts``, and ``conflict_groups`` for the same as data),
    ``unknown`` when time ran out first.
    """

    scenario: Scenario
    status: str
    assignments: list[Assignment] = field(default_factory=list)
    flex_days: list[FlexDay] = field(default_factory=list)
    objective: int | None = None
    best_bound: int | None = None
    solve_seconds: float = 0.0
    num_variables: int = 0
    num_constraints: int = 0
    history: list[Progress] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    conflict_groups: list[Conflict] = field(default_factory=list)
    interrupted: bool = False
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
        return roster_frame(self.scenario, self.assignments, self.flex_days)

    @property
    def coverage(self) -> pd.DataFrame:
        """Required, on floor, shortfall and surplus per interval and skill line."""
        if self.report is None:
            raise ValueError(f"no roster: status {self.status}")
        return self.report.coverage

    # Notebook conveniences. scheduler.export imports this module, so they import it on use.

    @property
    def kpis(self) -> pd.Series:
        """Status, objective, bound, gap, hours short and over, people, shifts, ... as a Series.

        See :data:`scheduler.export.kpis.KPI_NAMES`.
        """
        from scheduler.export.kpis import kpis

        return kpis(self)

    def plot_coverage(self, day: int | str | date | None = None) -> Figure:
        """Required against on-floor people per interval; ``day`` limits it to one day."""
        from scheduler.export.notebook import plot_coverage

        return plot_coverage(self, day)

    def to_excel(self, path: str | Path) -> Path:
        """Write the roster workbook (as `scheduler export --format xlsx`) to ``path``."""
        from scheduler.export.notebook import write_excel

        return write_excel(self, path)

    def _repr_html_(self) -> str:
        from scheduler.export.notebook import result_html

        return result_html(self)

    def __repr__(self) -> str:
        parts = [f"Result({self.scenario.name!r}", f"status={self.status!r}"]
        if self.found:
            gap = "n/a" if self.gap is None else f"{100 * self.gap:.2f} %"
            parts += [f"objective={self.objective:,}", f"gap={gap}"]
            parts.append(f"shifts={len(self.assignments)}, flex_days={len(self.flex_days)}")
        if self.report is not None:
            parts.append(f"shortfall_hours={self.report.costs.shortfall_minutes / 60:g}")
            parts.append(f"violations={len(self.report.violations)}")
        parts.append(f"solve_seconds={self.solve_seconds:.1f})")
        return ", ".join(parts)
