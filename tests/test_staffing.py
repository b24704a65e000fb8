"""Counts first, names second: the staffing model and the assignment to its counts."""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from conftest import at, employee, make_scenario, shift
from ortools.sat.python import cp_model

import scheduler.solve as solve_module
from scheduler.data import BreakRule, DemandSpan, Employee, Horizon, Rules, Scenario, Weights
from scheduler.model.construct import assign_to_targets
from scheduler.model.roster import RosterModel
from scheduler.model.staffing import StaffingModel, week_patterns
from scheduler.solve import solve

DAY = shift("DAY", "09:00", "17:00")


def two_day_scenario() -> Scenario:
    """Three people, one template, demand for two on Monday and one on Tuesday."""
    demand = (
        DemandSpan(at(0, "09:00"), at(0, "17:00"), 2),
        DemandSpan(at(1, "09:00"), at(1, "17:00"), 1),
    )
    return make_scenario(
        horizon=Horizon(make_scenario().horizon.start, days=2),
        employees=tuple(employee(f"E{i}", 56) for i in (1, 2, 3)),
        shifts=(DAY,),
        breaks=(),
        demand=demand,
        weights=Weights(shortfall=100, contract=0, preference=10, surplus=1),
    )


def solved(model: cp_model.CpModel) -> cp_model.CpSolver:
    """Solve a small model to optimality."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = 10
    assert solver.solve(model) == cp_model.OPTIMAL
    return solver


def test_staffing_counts_match_demand_exactly() -> None:
    """Two people on Monday's option, one on Tuesday's: no shortfall, no surplus."""
    staffing = StaffingModel(two_day_scenario())
    solver = solved(staffing.model)
    assert solver.objective_value == 0
    assert sorted(staffing.targets(solver).values()) == [1, 2]


def without_breaks(
    days: int, employees: tuple[Employee, ...], demand: tuple[DemandSpan, ...], **changes: Any
) -> Scenario:
    """A scenario of ``days`` days without breaks or contract costs."""
    return make_scenario(
        horizon=Horizon(make_scenario().horizon.start, days=days),
        employees=employees,
        breaks=(),
        demand=demand,
        weights=Weights(shortfall=100, contract=0, preference=10, surplus=1),
        **changes,
    )


def staffed_then_short(scenario: Scenario, staffed: int) -> int:
    """Check the staffing optimum staffs ``staffed`` shifts and the roster optimum verifies;
    return the roster's shortfall minutes."""
    staffing = StaffingModel(scenario)
    assert sum(staffing.targets(solved(staffing.model)).values()) == staffed
    roster = solve(scenario, time_limit=10.0, workers=2, seed=0)
    assert roster.status == "optimal"
    assert roster.report is not None and roster.report.ok
    return roster.report.costs.shortfall_minutes


def test_hand_out_meets_the_counts_with_named_people() -> None:
    """Named shifts meet the staffing counts: three shifts, two on Monday."""
    scenario = two_day_scenario()
    staffing = StaffingModel(scenario)
    solver = solved(staffing.model)
    shifts = assign_to_targets(
        scenario,
        staffing.options,
        staffing.group_targets(solver),
        staffing.group_of,
        staffing.patterns_of(solver),
        staffing.skill_class,
    )
    assert sorted(a.day for a in shifts) == [0, 0, 1]


def test_week_patterns_lists_every_count_per_length() -> None:
    """Shifts of 4 h and 6 h, at most five, 16-26 h: the eleven patterns by hand."""
    assert week_patterns([240, 360], 5, 960, 1560) == [
        (0, 3),
        (0, 4),
        (1, 2),
        (1, 3),
        (2, 2),
        (2, 3),
        (3, 1),
        (3, 2),
        (4, 0),
        (4, 1),
        (5, 0),
    ]


def test_staffing_counts_hold_for_each_person_not_only_for_the_class() -> None:
    """20 h and 12 h people hold two and one 8-hour shifts, not the four their 32 h sum allows."""
    scenario = without_breaks(
        3,
        (employee("A", 20, max_minutes=1200), employee("B", 12, max_minutes=720)),
        tuple(DemandSpan(at(d, "09:00"), at(d, "17:00"), 2) for d in range(3)),
        shifts=(DAY,),
    )
    assert staffed_then_short(scenario, staffed=3) == 3 * 480


def test_staffing_never_staffs_more_people_than_are_available() -> None:
    """With demand for five and three people, a day's counts stop at three."""
    scenario = two_day_scenario()
    busy = (DemandSpan(at(0, "09:00"), at(0, "17:00"), 5),)
    staffing = StaffingModel(dataclasses.replace(scenario, demand=busy))
    solver = solved(staffing.model)
    assert sum(staffing.targets(solver).values()) == 3


def test_solve_through_the_staffing_warm_start_is_verified(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the decomposition switched on for a small centre, the roster still verifies."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from generate import write_contact_centre

    from scheduler.io.scenario import read_scenario

    monkeypatch.setattr(solve_module, "DECOMPOSE_FROM", 1)
    write_contact_centre(tmp_path, 20, seed=2)
    result = solve(read_scenario(tmp_path), time_limit=8.0, workers=2, seed=0)
    assert result.report is not None and result.report.ok
    assert result.objective == result.report.costs.objective


def test_staffing_optimum_bounds_the_roster_optimum() -> None:
    """Without a back office the staffing model relaxes the roster model: its optimum is lower."""
    scenario = make_scenario(
        horizon=Horizon(make_scenario().horizon.start, days=3),
        weights=Weights(shortfall=100, contract=10, preference=10, surplus=1),
    )
    staffing = solved(StaffingModel(scenario, relax_break_cap=True).model)
    roster = solve(scenario, time_limit=20.0, workers=2, seed=0)
    assert roster.status == "optimal"
    assert roster.report is not None and roster.report.ok
    assert staffing.objective_value <= roster.objective


def test_staffing_counts_leave_each_person_their_rest() -> None:
    """One person cannot work Monday's LATE and Tuesday's EARLY (9 h apart): one is staffed,
    the LATE, and Tuesday's 390 minutes stay short."""
    demand = (
        DemandSpan(at(0, "13:30"), at(0, "22:00"), 1),
        DemandSpan(at(1, "07:00"), at(1, "13:30"), 1),
    )
    scenario = without_breaks(2, (employee("E2"),), demand)
    assert staffed_then_short(scenario, staffed=1) == 390


def on_one_break_slot(
    people: int, working: int, at_ten: int, share: Fraction = Fraction(1, 2)
) -> StaffingModel:
    """``people`` who may work one 09:00-17:00 shift with a break at 10:00 or 10:15, demand 4;
    ``working`` of them on the shift and ``at_ten`` of those on a break at 10:00."""
    scenario = make_scenario(
        horizon=Horizon(make_scenario().horizon.start, days=1),
        employees=tuple(employee(f"E{i}") for i in range(1, people + 1)),
        shifts=(DAY,),
        breaks=(BreakRule("break1", 15, 60, 75, min_shift_minutes=360, paid=True),),
        demand=(DemandSpan(at(0, "09:00"), at(0, "17:00"), 4),),
        rules=Rules(max_on_break=share),
        weights=Weights(shortfall=100, contract=0, preference=10, surplus=1),
    )
    staffing = StaffingModel(scenario, relax_break_cap=True)
    staffing.model.add(cp_model.LinearExpr.sum(list(staffing.count.values())) == working)
    at_ten_vars = [
        var for slots in staffing.break_vars.values() for offset, var in slots if offset == 60
    ]
    staffing.model.add(cp_model.LinearExpr.sum(at_ten_vars) == at_ten)
    return staffing


def status_of(model: cp_model.CpModel) -> int:
    """CP-SAT's status for a small model."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = 10
    return int(solver.solve(model))


@pytest.mark.parametrize("people", [4, 9])
@pytest.mark.parametrize("share", [Fraction(1, 2), Fraction(1, 3)])
def test_relaxed_cap_keeps_every_roster_of_the_exact_cap(people: int, share: Fraction) -> None:
    """With any number at work, as many on a break as the exact cap allows stays feasible."""
    for working in range(1, people + 1):
        allowed = min(working, max(1, int(share * working)))
        if working > 2 * allowed:
            continue  # the two slots cannot hold everyone's break under the exact cap
        model = on_one_break_slot(people, working, allowed, share).model
        assert status_of(model) == cp_model.OPTIMAL, working


def test_relaxed_cap_is_exact_for_a_full_team() -> None:
    """All four of four at work: the cap of floor(4 / 2) = 2 holds, not the old 2 + 1."""
    assert status_of(on_one_break_slot(4, 4, 3).model) == cp_model.INFEASIBLE
    assert status_of(on_one_break_slot(4, 4, 2).model) == cp_model.OPTIMAL


def test_relaxed_staffing_lets_two_of_three_break_at_once() -> None:
    """Three of nine at work: the relaxed cap 1 + 1.5 x (1 - 1/4) allows two on a break, the
    exact cap max(1, floor(1.5)) one."""
    staffing = on_one_break_slot(9, 3, 2)
    solver = solved(staffing.model)
    assert staffing.break_cap_violations(solver.value) == [at(0, "10:00") // 15]


def test_staffing_held_where_busy_keeps_the_real_break_cap() -> None:
    """Held to floor(share x working) where demand is high, two on a break is infeasible."""
    staffing = on_one_break_slot(9, 3, 2)
    staffing.hold_breaks_where_busy()
    assert status_of(staffing.model) == cp_model.INFEASIBLE


def test_the_counts_break_plan_hints_every_break_of_the_roster_model() -> None:
    """The staffing solution's breaks, keyed by option, class and break, hint the roster's."""
    scenario = make_scenario(horizon=Horizon(make_scenario().horizon.start, days=2))
    staffing = StaffingModel(scenario, relax_break_cap=True)
    plan = staffing.break_plan(solved(staffing.model).value)
    roster = RosterModel(scenario)
    roster.hint_breaks(plan)
    hint = roster.model.proto.solution_hint
    hinted = dict(zip(hint.vars, hint.values, strict=True))
    expected = {
        var.index: planned
        for key, slots in roster.break_vars.items()
        for (_, var), planned in zip(slots, plan[key], strict=True)
    }
    assert expected and hinted == expected
    assert sum(expected.values()) > 0


def test_day_cuts_refuse_counts_no_one_could_work() -> None:
    """Four-hour shifts only on Monday cannot go to a person whose pattern holds two of them."""
    short, long = shift("SHORT", "09:00", "13:00"), shift("LONG", "09:00", "17:00")
    scenario = without_breaks(
        2,
        tuple(employee(e, 8, min_minutes=480, max_minutes=960) for e in ("A", "B")),
        (),
        shifts=(short, long),
    )
    staffing = StaffingModel(scenario)
    ((lengths, patterns, chosen),) = staffing.patterns.values()
    assert lengths == [240, 480]
    staffing.model.add(chosen[patterns.index((2, 0))] == 1)
    staffing.model.add(chosen[patterns.index((0, 2))] == 1)
    for (index, _), count in staffing.group_count.items():
        option = staffing.options[index]
        wanted = {(0, "SHORT"): 2, (1, "LONG"): 2}.get((option.day, option.template.shift_id), 0)
        staffing.model.add(count == wanted)
    solved(staffing.model)  # feasible without the cuts
    staffing.add_day_cuts()
    solver = cp_model.CpSolver()
    assert solver.solve(staffing.model) == cp_model.INFEASIBLE
