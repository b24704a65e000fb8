"""Skills on the floor: a skill line is covered across breaks by another skilled person."""

from __future__ import annotations

from conftest import START, at, employee, make_scenario

from scheduler.data import DemandSpan, Horizon
from scheduler.solve import solve


def test_lead_on_the_floor_at_every_open_interval() -> None:
    """Four leads keep a lead on the floor 07:00-22:00 though each takes a break and a lunch."""
    leads = tuple(employee(f"L{i}", skills=frozenset({"lead"})) for i in range(1, 5))
    demand = (
        DemandSpan(at(0, "07:00"), at(0, "22:00"), 1),
        DemandSpan(at(0, "07:00"), at(0, "22:00"), 1, "lead"),
    )
    scenario = make_scenario(horizon=Horizon(START, days=1), employees=leads, demand=demand)
    result = solve(scenario, time_limit=5, workers=1)
    assert result.report is not None and result.report.ok
    coverage = result.coverage
    lead = coverage[(coverage["skill"] == "lead") & (coverage["required"] > 0)]
    assert len(lead) == 60  # 15 hours of quarter-hours
    assert (lead["on_floor"] >= 1).all()
    assert result.report.costs.shortfall_minutes == 0
    # Each lead's breaks are placed while another lead is on the floor.
    assert len(result.assignments) == 4


def test_a_lone_lead_leaves_the_line_short_during_breaks() -> None:
    """One lead on EARLY: the lead line is short just during the lead's 45 break minutes."""
    people = (employee("L1", skills=frozenset({"lead"})), employee("E2"))
    demand = (DemandSpan(at(0, "07:00"), at(0, "15:30"), 1, "lead"),)
    scenario = make_scenario(horizon=Horizon(START, days=1), employees=people, demand=demand)
    result = solve(scenario, time_limit=5, workers=1)
    assert result.report is not None and result.report.ok
    coverage = result.coverage
    short = coverage[(coverage["skill"] == "lead") & (coverage["shortfall"] > 0)]
    assert int(short["shortfall"].sum()) * 15 == 45
    assert result.report.costs.shortfall_minutes == 45
