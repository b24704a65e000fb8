"""Fairness, preferred shifts and the objective's tiers."""

from __future__ import annotations

import dataclasses
from typing import Any

from conftest import START, assign, at, employee, make_scenario, roster, shift

from scheduler.data import DemandSpan, Horizon, Scenario, Weights
from scheduler.solve import solve
from scheduler.verify import verify

SATURDAY, SUNDAY = 5, 6


def weekend_scenario(**changes: Any) -> Scenario:
    """Two full-timers; one person wanted 07:00-15:30 on Saturday and on Sunday, nothing else."""
    demand = tuple(DemandSpan(at(day, "07:00"), at(day, "15:30"), 1) for day in (SATURDAY, SUNDAY))
    fields: dict[str, Any] = {"employees": (employee("E1"), employee("E2")), "demand": demand}
    return make_scenario(**(fields | changes))


def test_spread_of_weekend_days_is_max_minus_min_per_contract() -> None:
    """One person on both weekend days and the other on none is a spread of 2 x 100."""
    scenario = weekend_scenario()
    both = [assign(scenario, "E1", d, "EARLY") for d in (SATURDAY, SUNDAY)]
    report = verify(scenario, roster(scenario, *both))
    assert report.costs.fairness_spread == 200
    assert report.costs.tiers["fairness"] == 200 * scenario.weights.fairness
    people = report.people.set_index("employee_id")
    assert people.loc["E1", "weekend_days"] == 2 and people.loc["E2", "weekend_days"] == 0
    split = [assign(scenario, "E1", SATURDAY, "EARLY"), assign(scenario, "E2", SUNDAY, "EARLY")]
    assert verify(scenario, roster(scenario, *split)).costs.fairness_spread == 0


def test_spread_is_per_hour_of_contract() -> None:
    """A half-timer's one weekend day weighs as much as a full-timer's two."""
    scenario = weekend_scenario(employees=(employee("E1"), employee("E2", contract_hours=20)))
    days = [
        assign(scenario, "E1", SATURDAY, "EARLY"),
        assign(scenario, "E1", SUNDAY, "EARLY"),
        assign(scenario, "E2", SATURDAY, "LATE"),
    ]
    assert verify(scenario, roster(scenario, *days)).costs.fairness_spread == 0


def test_groups_are_compared_apart() -> None:
    """People of different groups are not compared with each other."""
    scenario = weekend_scenario(employees=(employee("E1", group="a"), employee("E2", group="b")))
    both = [assign(scenario, "E1", d, "EARLY") for d in (SATURDAY, SUNDAY)]
    assert verify(scenario, roster(scenario, *both)).costs.fairness_spread == 0


def test_tagged_shifts_are_spread_too() -> None:
    """Two late shifts for one person and none for the other: a spread of 200 for tag late."""
    tagged = (
        shift("EARLY", "07:00", "15:30"),
        dataclasses.replace(shift("LATE", "13:30", "22:00"), tags=frozenset({"late"})),
    )
    scenario = weekend_scenario(shifts=tagged)
    lates = [assign(scenario, "E1", d, "LATE") for d in (0, 1)]
    report = verify(scenario, roster(scenario, *lates))
    assert report.costs.fairness_spread == 200
    assert report.people.set_index("employee_id").loc["E1", "late_shifts"] == 2


def test_solver_splits_the_weekend() -> None:
    """Two 16-hour people share Monday, Tuesday, Saturday, Sunday: one weekend day each."""
    demand = tuple(
        DemandSpan(at(day, "07:00"), at(day, "15:30"), 1) for day in (0, 1, SATURDAY, SUNDAY)
    )
    people = tuple(employee(e, contract_hours=16, max_minutes=16 * 60) for e in ("E1", "E2"))
    scenario = weekend_scenario(employees=people, demand=demand)
    result = solve(scenario, time_limit=5, workers=1)
    assert result.status == "optimal"
    assert result.report is not None and result.report.ok
    assert result.report.costs.objective == result.objective
    weekend = sorted(a.employee_id for a in result.assignments if a.day in (SATURDAY, SUNDAY))
    assert weekend == ["E1", "E2"]
    assert result.report.costs.fairness_spread == 0


def test_preferred_shifts_refuse_the_others() -> None:
    """A LATE shift for someone who prefers EARLY costs one preference unit, EARLY none."""
    scenario = weekend_scenario(
        employees=(employee("E1", preferred_shifts=frozenset({"EARLY"})), employee("E2"))
    )
    late = verify(scenario, roster(scenario, assign(scenario, "E1", 0, "LATE")))
    early = verify(scenario, roster(scenario, assign(scenario, "E1", 0, "EARLY")))
    assert late.costs.preference_penalty == 1 and early.costs.preference_penalty == 0
    assert late.people.set_index("employee_id").loc["E1", "unwanted_shifts"] == 1


def test_solver_grants_preferred_shifts() -> None:
    """One day, demand all day: the person who prefers LATE gets it, the other EARLY."""
    demand = (DemandSpan(at(0, "07:00"), at(0, "22:00"), 1),)
    scenario = make_scenario(
        horizon=Horizon(START, days=1),
        employees=(employee("E1", preferred_shifts=frozenset({"LATE"})), employee("E2")),
        demand=demand,
    )
    result = solve(scenario, time_limit=5, workers=1)
    assert result.report is not None and result.report.ok
    assert {a.employee_id: a.shift_id for a in result.assignments} == {"E1": "LATE", "E2": "EARLY"}
    assert result.report.costs.preference_penalty == 0


def test_skill_weight_prices_its_line() -> None:
    """A lead shortfall costs the lead line's own weight per person-minute."""
    scenario = make_scenario(weights=Weights(skill=(("lead", 5000),)))
    report = verify(scenario, roster(scenario))
    step = scenario.horizon.interval_minutes
    coverage = report.coverage
    lead = int(coverage.loc[coverage["skill"] == "lead", "shortfall"].sum()) * step
    total = int(coverage.loc[coverage["skill"] == "", "shortfall"].sum()) * step
    assert lead == 7 * 180
    assert report.costs.tiers["shortfall"] == 5000 * lead + 1000 * total
    assert report.costs.objective == sum(report.costs.tiers.values())


def test_lexicographic_puts_coverage_first_whatever_the_weights() -> None:
    """With shortfall weighted below contract, the weighted solve idles; tier by tier covers."""
    demand = (DemandSpan(at(0, "07:00"), at(0, "15:30"), 1),)
    scenario = make_scenario(
        horizon=Horizon(START, days=1),
        employees=(employee("E1", contract_hours=0, max_minutes=8 * 60),),
        demand=demand,
        weights=Weights(shortfall=1, contract=10, preference=0, fairness=0, surplus=0),
    )
    weighted = solve(scenario, time_limit=5, workers=1)
    assert weighted.report is not None and weighted.report.ok
    assert weighted.assignments == []
    ranked = solve(scenario, time_limit=5, workers=1, lexicographic=True)
    assert ranked.status == "optimal"
    assert ranked.report is not None and ranked.report.ok
    assert [a.shift_id for a in ranked.assignments] == ["EARLY"]
    assert ranked.report.costs.shortfall_minutes == 45  # the break and the lunch
    assert ranked.objective == ranked.report.costs.objective == 45 + 10 * 480
