"""The solve's output folder: roster.csv, coverage.csv and summary.json."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scheduler.data import TIERS
from scheduler.io.escape import escape_frame
from scheduler.io.files import write_csv, write_json
from scheduler.io.roster import format_roster
from scheduler.result import Result


def summary(result: Result) -> dict[str, Any]:
    """KPIs of a solve as plain data: status, objective and bound, hours against contract."""
    horizon = result.scenario.horizon
    data: dict[str, Any] = {
        "scenario": result.scenario.name,
        # Exports read an output folder alone, so it carries the calendar it was built on.
        "horizon": {
            "start": horizon.start.isoformat(),
            "days": horizon.days,
            "interval_minutes": horizon.interval_minutes,
            "timezone": horizon.timezone,
        },
        "status": result.status,
        "objective": result.objective,
        "best_bound": result.best_bound,
        "gap": result.gap,
        "solve_seconds": round(result.solve_seconds, 3),
        "interrupted": result.interrupted,
        "num_variables": result.num_variables,
        "num_constraints": result.num_constraints,
        # Who is who beyond roster.csv, so the HTML report can filter by team, office and skill.
        "staff": [
            {
                "employee_id": e.employee_id,
                "name": e.name,
                "office": e.office.value,
                "team": e.team or "",
                "skills": sorted(e.skills),
            }
            for e in result.scenario.employees
        ],
    }
    if result.report is None:
        data["conflicts"] = result.conflicts
        data["conflict_groups"] = [c.to_dict() for c in result.conflict_groups]
        return data
    costs = result.report.costs
    names = {e.employee_id: e.name for e in result.scenario.employees}
    data.update(
        {
            "shortfall_hours": costs.shortfall_minutes / 60,
            "surplus_hours": costs.surplus_minutes / 60,
            "contract_deviation_hours": costs.contract_deviation_minutes / 60,
            "preference_penalty": costs.preference_penalty,
            "fairness_spread": costs.fairness_spread,
            # Tier by tier, most important first: what each costs in the objective.
            "objective_tiers": {
                f"{rank}_{tier}": costs.tiers[tier] for rank, tier in enumerate(TIERS, start=1)
            },
            "violations": [str(v) for v in result.report.violations],
            # Names too, so that exports can list people who have no roster row.
            "employees": [
                {
                    "employee_id": row["employee_id"],
                    "name": names.get(row["employee_id"], ""),
                    **row,
                }
                for row in result.report.hours.to_dict("records")
            ],
            # Weekend days, tagged shifts, unwanted shifts, requests granted and refused.
            "people": result.report.people.to_dict("records"),
        }
    )
    if any(e.works_back for e in result.scenario.employees):
        # Desk use, remote days and back-office cover per day, as the verifier counted them.
        data["back_office_days"] = result.report.days.to_dict("records")
    if result.scenario.shift_demand:
        # Day-level cover: people per shift and day against the requirement.
        data["day_short"] = costs.day_short
        data["day_over"] = costs.day_over
        data["day_cover"] = result.report.day_cover.to_dict("records")
    return data


def write_result(result: Result, out: Path) -> list[Path]:
    """Write the roster, coverage and summary of a solve into ``out``; return the files.

    Text cells of the CSV files are guarded against formula injection (see
    :mod:`scheduler.io.escape`); ``read_roster`` and ``read_output`` take the guard off.
    """
    written = []
    if result.report is not None:
        roster_path, coverage_path = out / "roster.csv", out / "coverage.csv"
        write_csv(roster_path, escape_frame(format_roster(result.roster)))
        write_csv(coverage_path, escape_frame(result.report.coverage))
        written += [roster_path, coverage_path]
    summary_path = out / "summary.json"
    write_json(summary_path, summary(result))
    return [*written, summary_path]
