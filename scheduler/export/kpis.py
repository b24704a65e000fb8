"""Key figures of a solve for notebooks and sweeps, and solves side by side.

The figures come from :func:`scheduler.export.outputs.summary` (the verifier's recount), so
they are the numbers ``summary.json`` holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from scheduler.export.outputs import summary
from scheduler.result import Result

__all__ = ["KPI_NAMES", "compare", "hours_per_person", "kpi_values", "kpis"]

KPI_NAMES = (
    "status",
    "objective",
    "bound",
    "gap",
    "shortfall_hours",
    "surplus_hours",
    "contract_deviation_hours",
    "preference_penalty",
    "fairness_spread",
    "people",
    "shifts",
    "flex_days",
    "solve_seconds",
    "verified",
)
"""The KPIs in order. ``people`` counts people with at least one shift or flex day;
``verified`` is the verifier's verdict on the roster (None without a roster)."""


def kpi_values(result: Result) -> dict[str, Any]:
    """The KPIs of a solve as a plain dict (None where there is no roster)."""
    data = summary(result)
    report = result.report
    working = {a.employee_id for a in result.assignments} | {
        f.employee_id for f in result.flex_days
    }
    return {
        "status": data["status"],
        "objective": data["objective"],
        "bound": data["best_bound"],
        "gap": data["gap"],
        "shortfall_hours": data.get("shortfall_hours"),
        "surplus_hours": data.get("surplus_hours"),
        "contract_deviation_hours": data.get("contract_deviation_hours"),
        "preference_penalty": data.get("preference_penalty"),
        "fairness_spread": data.get("fairness_spread"),
        "people": len(working) if report is not None else None,
        "shifts": len(result.assignments) if report is not None else None,
        "flex_days": len(result.flex_days) if report is not None else None,
        "solve_seconds": data["solve_seconds"],
        "verified": None if report is None else report.ok,
    }


def kpis(result: Result) -> pd.Series:
    """The KPIs of a solve as a Series named after the scenario (see :data:`KPI_NAMES`)."""
    values = kpi_values(result)
    return pd.Series(values, index=list(KPI_NAMES), dtype=object, name=result.scenario.name)


def compare(results: Mapping[str, Result] | Iterable[Result]) -> pd.DataFrame:
    """The KPIs of several solves side by side: one row per KPI, one column per solve.

    Parameters
    ----------
    results
        Solves by name, e.g. ``{"base": r0, "+10 %": r1}``; a plain list is named by each
        scenario's name.

    Returns
    -------
    pandas.DataFrame
        Index :data:`KPI_NAMES`, a column per name in the given order (``.T`` gives one row
        per solve, as :func:`scheduler.sweep.sweep` returns them).
    """
    if isinstance(results, Mapping):
        named = list(results.items())
    else:
        named = [(result.scenario.name, result) for result in results]
    names = [name for name, _ in named]
    if len(set(names)) != len(names):
        raise ValueError(f"expected distinct names, got {names}; pass a dict of name to result")
    columns = {name: kpis(result) for name, result in named}
    frame = pd.DataFrame(columns, index=list(KPI_NAMES))
    frame.index.name = "kpi"
    return frame


def hours_per_person(result: Result) -> pd.DataFrame:
    """Paid hours against contract per person over the horizon, with days worked.

    Columns ``employee_id, name, paid_hours, contract_hours, deviation_hours, days``; empty
    without a roster.
    """
    columns = ["employee_id", "name", "paid_hours", "contract_hours", "deviation_hours", "days"]
    if result.report is None:
        return pd.DataFrame(columns=columns)
    hours = result.report.hours
    totals = hours.groupby("employee_id", sort=False)[["paid_hours", "contract_hours", "days"]]
    frame = totals.sum().reset_index()
    names = {e.employee_id: e.name for e in result.scenario.employees}
    frame["name"] = frame["employee_id"].map(names)
    frame["deviation_hours"] = frame["paid_hours"] - frame["contract_hours"]
    return frame[columns]
