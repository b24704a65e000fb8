"""Counts first, names second: the staffing model and the assignment to its counts."""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from conftest import at, employee, make_scenario, roster, shift
from ortools.sat.python import cp_model

import scheduler.model.search as search_module
from scheduler.data import (
    Anchor,
    Assignment,
    AvailabilityKind,
    AvailabilitySpan,
    BackOffice,
    BreakRule,
    DemandSpan,
    Employee,
    Horizon,
    Office,
    Rules,
    Scenario,
    ShiftDemand,
    ShiftRequest,
    Weights,
)
from scheduler.model.construct import _can_hold, assign_to_targets
from scheduler.model.linear import LinearSolution
from scheduler.model.neighbourhood import fix_domains, restore_domains
from scheduler.model.options import ShiftOption
from scheduler.model.roster import RosterModel
from scheduler.model.staffing import StaffingModel, _keeps_weekly_rest, week_patterns
from scheduler.solve import Result, solve
from scheduler.verify import verify

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
    assert sorted(staffing.targets(solver.value).values()) == [1, 2]


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


def optimal_roster(scenario: Scenario, seconds: float = 20.0) -> Result:
    """The roster optimum, proven and checked by the verifier."""
    roster = solve(scenario, time_limit=seconds, workers=2, seed=0)
    assert roster.status == "optimal"
    assert roster.report is not None and roster.report.ok
    return roster


def staffed_then_short(scenario: Scenario, staffed: int) -> int:
    """Check the staffing optimum staffs ``staffed`` shifts and the roster optimum verifies;
    return the roster's shortfall minutes."""
    staffing = StaffingModel(scenario)
    assert sum(staffing.targets(solved(staffing.model).value).values()) == staffed
    report = optimal_roster(scenario, 10.0).report
    assert report is not None
    return report.costs.shortfall_minutes


def test_hand_out_meets_the_counts_with_named_people() -> None:
    """Named shifts meet the staffing counts: three shifts, two on Monday."""
    scenario = two_day_scenario()
    staffing = StaffingModel(scenario)
    solver = solved(staffing.model)
    shifts = assign_to_targets(
        scenario,
        staffing.options,
        staffing.group_targets(solver.value),
        staffing.group_of,
        staffing.patterns_of(solver.value),
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
    assert sum(staffing.targets(solver.value).values()) == 3


@pytest.mark.parametrize("back_share", [0.0, 0.4])
def test_solve_through_the_staffing_warm_start_is_verified(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, back_share: float
) -> None:
    """With the decomposition on for a small centre, the roster still verifies."""
    # This holds with or without a back office (a quarter of it cross-trained; its start is staged).
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from generate import write_contact_centre

    from scheduler.io.scenario import read_scenario

    monkeypatch.setattr(search_module, "DECOMPOSE_FROM", 1)
    write_contact_centre(tmp_path, 20, seed=2, back_share=back_share, cross_share=back_share / 4)
    result = solve(read_scenario(tmp_path), time_limit=8.0, workers=2, seed=0)
    assert result.report is not None and result.report.ok
    assert result.objective == result.report.costs.objective
    assert result.history and result.history[0].phase == "start"


def watch_phases(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The phases every solve runs from now on, in order (see `scheduler.solve.PHASES`)."""
    phases: list[str] = []
    run = search_module._Search.run

    def watched(search: search_module._Search, *args: Any, **kwargs: Any) -> int:
        phases.append(kwargs.get("phase", "whole"))
        return run(search, *args, **kwargs)

    monkeypatch.setattr(search_module._Search, "run", watched)
    return phases


@pytest.mark.parametrize("short", [False, True])
def test_the_decomposed_search_with_a_back_office_skips_the_relaxed_phase(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, short: bool
) -> None:
    """With a back office and nothing short, the decomposed search skips the relaxed phase."""
    # From a start that leaves nothing short it re-places the start's breaks and back-office days
    # around its shifts and goes on to people neighbourhoods; with demand short the relaxed phase
    # runs after the start; the roster verifies either way.
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from generate import write_contact_centre

    from scheduler.io.scenario import read_scenario

    monkeypatch.setattr(search_module, "DECOMPOSE_FROM", 1)
    monkeypatch.setattr(search_module, "_leaves_demand_short", lambda search: short)
    phases = watch_phases(monkeypatch)
    # A later hand-out (the priced counts') begins only with the time the first one and its start
    # took left: at 83 % of the limit, it once took the neighbourhoods' time and ended past it.
    late: list[tuple[float, float]] = []
    hand_out = search_module._Search._hand_out

    def watched(search: search_module._Search, *args: Any, **kwargs: Any) -> Any:
        if search.best is not None:
            late.append((search.remaining(), search.hand_out_seconds))
        return hand_out(search, *args, **kwargs)

    monkeypatch.setattr(search_module._Search, "_hand_out", watched)
    # Whether the search had time left when its repair ended (the start's shares of the limit
    # may take it all: late in a whole suite run its phases ended at 20.3 s of 20).
    left_after_repair: list[bool] = []
    repair = search_module._Search.repair

    def repaired(search: search_module._Search, *args: Any, **kwargs: Any) -> None:
        repair(search, *args, **kwargs)
        left_after_repair.append(not search.out_of_time())

    monkeypatch.setattr(search_module._Search, "repair", repaired)
    write_contact_centre(tmp_path, 20, seed=2, back_share=0.4, cross_share=0.1)
    # The first counts take about 1.3 s here; at 8 s they had 1.2 s and in one run of three
    # found none, so the start fell back to the greedy roster and the search was not
    # decomposed. At 15 s, late in the whole suite, the repair once took the rest of the time.
    result = solve(read_scenario(tmp_path), time_limit=20.0, workers=2, seed=0)
    assert all(left >= needed + search_module.MIN_REPAIR_SECONDS for left, needed in late)
    assert result.report is not None and result.report.ok
    assert result.objective == result.report.costs.objective
    if short:
        assert phases[phases.index("relaxed") - 1] == "start"
        return
    assert "relaxed" not in phases
    after_start = phases[phases.index("repair") :]
    assert set(phases[: phases.index("repair")]) == {"start"}
    # People neighbourhoods follow the repair whenever time is left for them.
    assert left_after_repair == ([True] if "neighbourhood" in after_start else [False])


@pytest.mark.parametrize("days", [3, 7])
def test_staffing_optimum_bounds_the_roster_optimum(days: int) -> None:
    """Without a back office the staffing model relaxes the roster model: its optimum is lower."""
    # This holds with day cuts and sets of days too.
    assert_staffing_bounds(bound_scenario(days))


@pytest.mark.parametrize("prefers", [None, Office.FRONT, Office.BACK])
@pytest.mark.parametrize("days", [3, 7])
def test_staffing_optimum_bounds_the_roster_optimum_with_a_back_office(
    days: int, prefers: Office | None
) -> None:
    """With a back office too, the staffing model and its held form relax the roster model."""
    # The back office: cross-trained X1, whose week patterns hold flex days and who may wish for
    # either office, and B1 in the back office.
    scenario = bound_scenario(days)
    crossed = employee("X1", 40, office=Office.BOTH, min_minutes=32 * 60, prefers=prefers)
    people = (*scenario.employees, crossed, employee("B1", 40, office=Office.BACK))
    assert_staffing_bounds(dataclasses.replace(scenario, employees=people))


@pytest.mark.parametrize(("prefers", "refused"), [(Office.BACK, 2), (Office.FRONT, 1)])
def test_staffing_prices_the_office_wish_of_the_cross_trained(
    prefers: Office, refused: int
) -> None:
    """The staffing optimum prices a cross-trained office wish as the roster optimum does."""
    # Over three days E1 works one of the three DAY shifts; X1 (cross-trained, at least 40 h x 3/7)
    # takes the other two and one flex day: wishing for the back office refuses two shifts, for the
    # front one flex day.
    base = dataclasses.replace(
        two_day_scenario(),
        horizon=Horizon(make_scenario().horizon.start, days=3),
        employees=(
            employee("E1", 8, min_minutes=8 * 60, max_minutes=8 * 60),
            employee("X1", 40, office=Office.BOTH, min_minutes=40 * 60),
        ),
        demand=tuple(DemandSpan(at(day, "09:00"), at(day, "17:00"), 1) for day in range(3)),
        weights=Weights(shortfall=100, contract=0, preference=10, surplus=1),
    )
    wishing = dataclasses.replace(
        base, employees=(base.employees[0], dataclasses.replace(base.employees[1], prefers=prefers))
    )
    costs = []
    for scenario in (base, wishing):
        staffing = StaffingModel(scenario, relax_break_cap=True)
        costs.append((solved(staffing.model).objective_value, optimal_roster(scenario).objective))
    (staffed, rostered), (staffed_wish, rostered_wish) = costs
    assert staffed_wish - staffed == rostered_wish - rostered == 10 * refused


def test_staffing_prices_the_whole_days_of_the_back_office() -> None:
    """The staffing optimum counts B1's minutes off contract, though B1 is not in its counts."""
    # B1 is back office only, 37.5 h a week, so 642 minutes over two days, in 8 h days: 162 minutes
    # off contract in the best roster.
    base = dataclasses.replace(
        two_day_scenario(), weights=Weights(shortfall=100, contract=10, preference=10, surplus=1)
    )
    with_back = dataclasses.replace(
        base, employees=(*base.employees, employee("B1", 37.5, office=Office.BACK))
    )
    costs = []
    for scenario in (base, with_back):
        staffing = StaffingModel(scenario, relax_break_cap=True)
        costs.append((solved(staffing.model).objective_value, optimal_roster(scenario).objective))
    (staffed, rostered), (staffed_back, rostered_back) = costs
    assert staffed_back - staffed == rostered_back - rostered == 10 * 162


def test_staffing_prices_a_telework_wish_on_an_anchor_day() -> None:
    """The staffing optimum refuses a telework wish on an anchor day as the roster does."""
    # B1 (back office, may telework) wishes to on Tuesdays, when team fin works on site: both refuse
    # it once (10), though B1 is not in the counts; B2 of another team keeps the wish in both.
    base = dataclasses.replace(
        two_day_scenario(),
        back_office=BackOffice(anchors=(Anchor("fin", 1),)),
        weights=Weights(shortfall=100, contract=0, preference=10, surplus=1),
    )
    wish = frozenset({1})
    people = (
        employee("B1", 40, office=Office.BACK, remote_ok=True, team="fin", remote_days=wish),
        employee("B2", 40, office=Office.BACK, remote_ok=True, team="ops", remote_days=wish),
    )
    with_back = dataclasses.replace(base, employees=(*base.employees, *people))
    costs = []
    for scenario in (base, with_back):
        staffing = StaffingModel(scenario, relax_break_cap=True)
        costs.append((solved(staffing.model).objective_value, optimal_roster(scenario).objective))
    (staffed, rostered), (staffed_back, rostered_back) = costs
    assert round(staffed_back - staffed) == rostered_back - rostered == 10


def bound_scenario(days: int) -> Scenario:
    """The tiny scenario over ``days`` days, with weights that let every tier show."""
    return make_scenario(
        horizon=Horizon(make_scenario().horizon.start, days=days),
        weights=Weights(shortfall=100, contract=10, preference=10, surplus=1),
    )


def assert_staffing_bounds(scenario: Scenario) -> None:
    """The staffing optimum, first and held, is at most the roster optimum."""
    relaxed = StaffingModel(scenario, relax_break_cap=True)
    first = solved(relaxed.model).objective_value
    relaxed.add_day_cuts()
    relaxed.add_day_masks()
    assert relaxed.masks
    held = solved(relaxed.model).objective_value
    assert first <= held <= optimal_roster(scenario).objective


@pytest.mark.parametrize(
    "extra",
    [
        {"shift_requests": (ShiftRequest("E1", 0, "LATE", AvailabilityKind.PREFER, 10_000),)},
        {"shift_demand": (ShiftDemand(1, "EARLY", 2),)},
        {"rules": Rules(min_total_minutes=480)},
    ],
    ids=["prefer", "day-cover", "min-total"],
)
def test_staffing_drops_requests_day_cover_and_day_level_limits(extra: dict[str, Any]) -> None:
    """The staffing model leaves out requests, day cover and day-level limits, which bind people."""
    # Here a prefer request, a day-cover line and a minimum of total minutes bind people, whom the
    # staffing model does not have: it leaves them out and stays below the roster optimum (with them
    # it counted the request refused or the line short, or had no solution at all).
    scenario = make_scenario(
        horizon=Horizon(make_scenario().horizon.start, days=3),
        weights=Weights(shortfall=100, contract=10, preference=10, surplus=1),
        **extra,
    )
    staffing = StaffingModel(scenario, relax_break_cap=True)
    relaxed = solved(staffing.model).objective_value
    assert relaxed <= optimal_roster(scenario).objective


def test_people_of_small_groups_modelled_one_by_one_keep_their_own_days() -> None:
    """People of a small group modelled one by one keep their own days, as in the roster optimum."""
    # A and B may work Monday only, C any day, each one day: summed, the group has a person for
    # Tuesday and one for Wednesday; one by one, C works one of them and the other stays short (480
    # minutes, 48,000).
    unavailable = tuple(
        AvailabilitySpan(e, at(1, "00:00"), at(3, "00:00"), AvailabilityKind.UNAVAILABLE)
        for e in ("A", "B")
    )
    demand = tuple(DemandSpan(at(d, "09:00"), at(d, "17:00"), 1) for d in (1, 2))
    scenario = without_breaks(
        3,
        tuple(employee(e, 8, max_days=1, min_minutes=0) for e in ("A", "B", "C")),
        demand,
        shifts=(DAY,),
        availability=unavailable,
    )
    grouped = StaffingModel(scenario, relax_break_cap=True)
    assert not grouped.people and solved(grouped.model).objective_value == 0
    exact = StaffingModel(scenario, relax_break_cap=True, one_by_one_most=3)
    assert [e.employee_id for e in exact.people] == ["A", "B", "C"] and not exact.groups
    assert solved(exact.model).objective_value == 48_000
    assert optimal_roster(scenario).objective == 48_000


def test_staffing_counts_leave_each_person_their_rest() -> None:
    """One person is staffed on Monday's LATE or Tuesday's EARLY, 9 h apart, not both."""
    # The LATE is staffed, and Tuesday's 390 minutes stay short.
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
    """With three of nine at work the relaxed cap lets two break at once, the exact cap one."""
    # The relaxed cap is 1 + 1.5 x (1 - 1/4), the exact cap max(1, floor(1.5)).
    staffing = on_one_break_slot(9, 3, 2)
    solver = solved(staffing.model)
    assert staffing.break_cap_violations(solver.value) == [at(0, "10:00") // 15]


def test_staffing_held_where_busy_keeps_the_real_break_cap() -> None:
    """Held to floor(share x working) where demand is high, two on a break is infeasible."""
    staffing = on_one_break_slot(9, 3, 2)
    staffing.hold_breaks_where_busy()
    assert status_of(staffing.model) == cp_model.INFEASIBLE


def test_held_staffing_bounds_the_roster_only_up_to_its_guard() -> None:
    """Held staffing bounds the roster only up to its guard."""
    # One person and demand for four: the roster gives them a break under max(1, ...) = 1 (145,500);
    # held at floor(share x 1) = 0 they cannot work (192,000), so only the guard, the shortfall of
    # three while one works (4,500), makes the held bound valid.
    scenario = on_one_break_slot(1, 1, 1).scenario
    optimum = optimal_roster(scenario).objective
    staffing = StaffingModel(scenario, relax_break_cap=True)
    assert staffing.hold_breaks_where_busy(4501) is None
    guard = staffing.hold_breaks_where_busy(4500)
    held = solved(staffing.model).objective_value
    assert (optimum, held, guard) == (145_500, 192_000, 4500)
    assert min(held, guard) <= optimum < held


def test_guard_counts_every_other_share_on_the_floor() -> None:
    """A guard counts every other share on the floor; the least guard bounds the roster."""
    # E1 breaks under 2/5, E2 and E3 under 1/2, demand 5: breaking the 2/5 hold leaves at most
    # ceil(5/2) - 1 = 2 of E1's share and both others on the floor (1 short, 1,500); the 1/2 hold, 1
    # and E1 (3 short, 4,500).
    scenario = make_scenario(
        horizon=Horizon(make_scenario().horizon.start, days=1),
        employees=(
            employee("E1", rule_changes=(("max_on_break", Fraction(2, 5)),)),
            employee("E2"),
            employee("E3"),
        ),
        shifts=(DAY,),
        breaks=(BreakRule("break1", 15, 60, 75, min_shift_minutes=360, paid=True),),
        demand=(DemandSpan(at(0, "09:00"), at(0, "17:00"), 5),),
        rules=Rules(max_on_break=Fraction(1, 2)),
        weights=Weights(shortfall=100, contract=0, preference=10, surplus=1),
    )
    optimum = optimal_roster(scenario).objective
    assert StaffingModel(scenario, relax_break_cap=True).hold_breaks_where_busy(1501) == 4500
    staffing = StaffingModel(scenario, relax_break_cap=True)
    guard = staffing.hold_breaks_where_busy()
    assert guard == 1500
    assert min(solved(staffing.model).objective_value, guard) <= optimum


def test_counts_first_records_the_held_bound_only_up_to_its_guard(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Counts first records a held bound above the roster optimum only up to its guard."""
    # Held everywhere, the scenario above's held bound (192,000) is above the roster optimum
    # (145,500): the search records at most the guard's 4,500 from it (CP-SAT alone).
    monkeypatch.setattr(search_module, "HOLD_ABOVE", 0)
    monkeypatch.setattr(search_module, "is_linear", lambda model: False)
    scenario = on_one_break_slot(1, 1, 1).scenario
    search = search_module._Search(scenario, "aggregated", 10.0, 2, 0, 0.0)
    assert search.staff_then_assign() is not None
    search.prove_held(RosterModel(scenario, relax_break_cap=True))
    assert search.recorder.bound is not None and search.recorder.bound <= 145_500


def test_counts_first_proves_the_held_counts_once_the_start_is_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The held counts' proof waits for the starting roster, and the solve ends optimal."""
    # A long proof thus does not delay the first roster; the solve is optimal once the bound meets
    # it, and verified (the held solve cut short: its bound one below its counts).
    monkeypatch.setattr(search_module, "DECOMPOSE_FROM", 1)
    solve_counts = search_module._Search._solve_counts

    def cut_short(search: search_module._Search, *args: Any, **kwargs: Any) -> Any:
        counts = solve_counts(search, *args, **kwargs)
        held = "first_after" in kwargs and "linear" in kwargs
        return dataclasses.replace(counts, bound=counts.bound - 1) if held else counts

    monkeypatch.setattr(search_module._Search, "_solve_counts", cut_short)
    proofs: list[bool] = []
    prove_held = search_module._Search.prove_held

    def watched(search: search_module._Search, first: RosterModel) -> None:
        if search.held_proof is not None:
            proofs.append(search.best is not None)
        prove_held(search, first)

    monkeypatch.setattr(search_module._Search, "prove_held", watched)
    scenario = on_one_break_slot(4, 4, 2).scenario
    result = solve(scenario, time_limit=10.0, workers=2, seed=0)
    assert proofs == [True]
    assert result.report is not None and result.report.ok
    assert (result.status, result.best_bound) == ("optimal", result.objective)


def test_the_counts_keep_the_bound_highs_reaches_without_counts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A bound HiGHS reaches without counts raises the counts' bound, never above the counts."""
    # HiGHS is stopped by its time with a bound and no counts (as on four weeks); its bound raises
    # the counts' bound above CP-SAT's.
    scenario = on_one_break_slot(1, 1, 1).scenario
    staffing = StaffingModel(scenario, relax_break_cap=True)
    assert search_module.is_linear(staffing.model)
    search = search_module._Search(scenario, "aggregated", 10.0, 2, 0, 0.0)
    optimum = search._solve_counts(staffing, 5.0, linear=False)
    assert optimum is not None and optimum.optimal
    for reported, expected in ((optimum.objective - 5, optimum.objective - 5), (10**9 + 7, 10**9)):

        def highs(_: Any, __: float, on_bound: Callable[[int], None], told: int = reported) -> None:
            on_bound(told)

        monkeypatch.setattr(search_module, "solve_linear", highs)
        # The counts handed on cut short: CP-SAT's bound well below, the objective above.
        found = search._solve_counts(
            staffing,
            5.0,
            then=lambda counts, *_: dataclasses.replace(
                counts, objective=10**9, bound=counts.bound - 100
            ),
        )
        assert found is not None and found.objective == 10**9
        assert found.bound == expected


def test_counts_first_proves_the_held_counts_as_a_linear_program(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """HiGHS proves the held counts' optimum within the staffing time."""
    # Only the weekend spread is left to price later, and the bound it records stays at most the
    # roster optimum (see above).
    monkeypatch.setattr(search_module, "HOLD_ABOVE", 0)
    scenario = on_one_break_slot(1, 1, 1).scenario
    search = search_module._Search(scenario, "aggregated", 10.0, 2, 0, 0.0)
    assert search.staff_then_assign() is not None
    assert search.held_proof is not None and search.held_proof[3]
    assert search.recorder.bound is not None and search.recorder.bound <= 145_500


@pytest.mark.parametrize("inside", [True, False])
def test_staffing_prices_a_prefer_span_inside_an_avoid_span(inside: bool) -> None:
    """The staffing counts price a prefer span inside an avoid span as every roster does."""
    # A prefers Monday's afternoon but avoids all Monday (or only its small hours): every roster
    # refuses one of the two (10) where the prefer span lies inside the avoid span, and the counts,
    # which model no one person's shifts, price exactly that; otherwise nothing.
    avoid_end = at(1, "00:00") if inside else at(0, "06:00")
    spans = (
        AvailabilitySpan("A", at(0, "13:00"), at(0, "17:00"), AvailabilityKind.PREFER),
        AvailabilitySpan("A", at(0, "00:00"), avoid_end, AvailabilityKind.AVOID),
    )
    scenario = without_breaks(
        2,
        (employee("A", 8, max_minutes=480), employee("B", 8, max_minutes=480)),
        tuple(DemandSpan(at(d, "09:00"), at(d, "17:00"), 1) for d in (0, 1)),
        shifts=(shift("DAY", "09:00", "17:00"),),
        availability=spans,
    )
    expected = 10 if inside else 0
    assert optimal_roster(scenario).objective == expected
    assert round(solved(StaffingModel(scenario).model).objective_value) == expected


def weekend_of_three() -> Scenario:
    """Three 8-hour people, one 8-hour shift wanted on Monday, Tuesday and Saturday."""
    people = tuple(employee(e, 8, max_minutes=480) for e in ("A", "B", "C"))
    demand = tuple(DemandSpan(at(d, "09:00"), at(d, "17:00"), 1) for d in (0, 1, 5))
    return without_breaks(7, people, demand, shifts=(shift("DAY", "09:00", "17:00"),))


def test_staffing_prices_the_weekend_spread_from_the_sets_of_days() -> None:
    """The held counts price the weekend spread exactly once their sets of days are there."""
    # Whoever works the Saturday carries a weekend load of 500 and the others none: 2 x 500 in every
    # roster.
    scenario = weekend_of_three()
    staffing = StaffingModel(scenario)
    staffing.add_day_masks()
    assert solved(staffing.model).objective_value == 0
    staffing.add_weekend_fairness()
    assert solved(staffing.model).objective_value == 1000
    roster = optimal_roster(scenario)
    assert roster.report is not None and roster.report.costs.fairness_spread == 500
    assert roster.objective == 1000


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        (employee("B1", 40, office=Office.BACK), 1000),
        (employee("X", 16, office=Office.BOTH, max_minutes=960), 500),
    ],
)
def test_the_held_proof_prices_the_weekend_spread_with_a_back_office(
    person: Employee, expected: int
) -> None:
    """With a back office open every day the held counts' proof still prices the weekend spread."""
    # The spread is weekend_of_three's, with B1 in the back office only or X cross-trained (who
    # takes the Saturday, a load of 250 against 0): the bound rises from the counts' to the optimum.
    base = weekend_of_three()
    scenario = dataclasses.replace(
        base,
        employees=(*base.employees, person),
        back_office=dataclasses.replace(base.back_office, weekdays=frozenset(range(7))),
    )
    optimum = optimal_roster(scenario).objective
    assert optimum == expected
    search = search_module._Search(scenario, "aggregated", 10.0, 2, 0, 0.0)
    assert search.staff_then_assign() is not None
    unpriced = search.recorder.bound
    search.prove_held(RosterModel(scenario))
    assert unpriced is not None and unpriced < optimum
    assert search.recorder.bound == optimum


@pytest.mark.parametrize("short", [False, True])
def test_the_held_proof_hands_out_its_priced_counts_with_a_back_office(
    monkeypatch: pytest.MonkeyPatch, short: bool
) -> None:
    """The held proof hands out its spread-priced counts where the best roster so far costs more."""
    # With X cross-trained beside weekend_of_three the counts cost 500, the optimum; each person is
    # handed toward the weekend load they priced, and the roster they give is the best and verified.
    # Not where the best roster leaves demand short: its relaxed phase gets the time.
    monkeypatch.setattr(search_module, "DECOMPOSE_FROM", 1)
    base = weekend_of_three()
    person = employee("X", 16, office=Office.BOTH, max_minutes=960)
    scenario = dataclasses.replace(
        base,
        employees=(*base.employees, person),
        back_office=dataclasses.replace(base.back_office, weekdays=frozenset(range(7))),
    )
    search = search_module._Search(scenario, "aggregated", 10.0, 2, 0, 0.0)
    first = RosterModel(scenario)
    search.warm_start(first, None)
    assert search.best is not None
    # As if the first counts' hand-out had left a dearer roster than the priced counts.
    search.best_objective = 10**6
    weekends: list[object] = []
    hand_out = search_module._Search._hand_out

    def watched(self: search_module._Search, *args: Any, **kwargs: Any) -> Any:
        weekends.append(args[4] if len(args) > 4 else kwargs.get("weekend"))
        return hand_out(self, *args, **kwargs)

    monkeypatch.setattr(search_module._Search, "_hand_out", watched)
    if short:
        monkeypatch.setattr(search_module, "_leaves_demand_short", lambda _: True)
    search.prove_held(first)
    if short:
        assert (weekends, search.best_objective) == ([], 10**6)
        return
    assert len(weekends) == 1 and weekends[0]
    assert search.best_objective == 500
    result = search_module._best_result(search, first)
    assert result.report is not None and result.report.ok
    assert (result.status, result.objective) == ("optimal", 500)


@pytest.mark.parametrize(("back_office", "solves"), [(False, 1), (True, 0)])
def test_the_held_proof_needs_a_spread_to_price_with_a_back_office(
    monkeypatch: pytest.MonkeyPatch, back_office: bool, solves: int
) -> None:
    """With no spread to price, the held proof runs again only without a back office."""
    # Over two weeks no spread is priced: an unproven held model is proven again for its bound
    # without a back office, and with one (B1) the roster search keeps that time.
    base = weekend_of_three()
    people = base.employees + ((employee("B1", 40, office=Office.BACK),) if back_office else ())
    scenario = dataclasses.replace(
        base, horizon=Horizon(make_scenario().horizon.start, days=14), employees=people
    )
    search = search_module._Search(scenario, "aggregated", 10.0, 2, 0, 0.0)
    assert search.staff_then_assign() is not None and search.held_proof is not None
    staffing, solution, guard, _ = search.held_proof
    search.held_proof = (staffing, solution, guard, False)
    calls: list[float] = []
    monkeypatch.setattr(search, "_solve_counts", lambda _, seconds, **__: calls.append(seconds))
    search.prove_held(RosterModel(scenario))
    assert len(calls) == solves


def test_counts_first_ends_once_a_roster_meets_the_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """Counts first ends once the start's roster meets the bound: no phase after the start runs."""
    # The roster of the spread-priced counts meets their bound (1,000).
    monkeypatch.setattr(search_module, "DECOMPOSE_FROM", 1)
    phases = watch_phases(monkeypatch)
    result = solve(weekend_of_three(), time_limit=10.0, workers=2, seed=0)
    assert (result.status, result.objective, result.best_bound) == ("optimal", 1000, 1000)
    assert result.report is not None and result.report.ok
    assert phases and set(phases) == {"start"}


def test_small_groups_one_by_one_give_counts_people_can_work() -> None:
    """A small group re-solved one by one gives counts its people can work."""
    # The three people of weekend_of_three form one small group: re-solved one by one with the
    # spread priced, the counts cost the roster optimum (1,000) and each person works one of the
    # three shifts.
    scenario = weekend_of_three()
    search = search_module._Search(scenario, "aggregated", 10.0, 2, 0, 0.0)
    assert search.staff_then_assign() is not None and search.held_proof is not None
    staffing, values, _, _ = search.held_proof
    staffing.add_weekend_fairness()
    exact = search._exact_small_groups(staffing, LinearSolution(values, 0, 0))
    assert exact is not None
    model, found = exact
    assert [e.employee_id for e in model.people] == ["A", "B", "C"]
    assert found.objective == 1000
    shifts = model.shifts(lambda var: found.values[var.index])
    assert sorted(a.day for a in shifts) == [0, 1, 5]
    assert sorted(a.employee_id for a in shifts) == ["A", "B", "C"]


def test_staffing_leaves_the_spread_of_groups_sharing_a_profile_to_the_roster() -> None:
    """No spread is priced for groups that share a pattern group."""
    # A and B (group a) share their pattern group with C (group b): the sets of days in use are not
    # group a's alone.
    base = weekend_of_three()
    people = tuple(
        dataclasses.replace(e, group="a" if e.employee_id in ("A", "B") else "b")
        for e in base.employees
    )
    staffing = StaffingModel(dataclasses.replace(base, employees=people))
    staffing.add_day_masks()
    assert not staffing.add_weekend_fairness()
    assert not staffing.tier_terms["fairness"]


def test_staffing_leaves_the_spread_of_a_longer_horizon_to_the_roster() -> None:
    """Over two weeks the held counts price no spread, leaving it to the roster."""
    # A set of days is then one block of a person's horizon, not all of it; 0 stays a lower bound.
    scenario = dataclasses.replace(
        weekend_of_three(), horizon=Horizon(make_scenario().horizon.start, days=14)
    )
    staffing = StaffingModel(scenario)
    staffing.add_day_masks()
    staffing.add_weekend_fairness()
    assert not staffing.tier_terms["fairness"]


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


def six_days_of_seven() -> Scenario:
    """One person for six 8-hour days, demand for one 09:00-17:00 every day but Sunday's
    09:00-13:00: the cheapest day to leave short is Sunday, which leaves no weekly rest."""
    demand = tuple(
        DemandSpan(at(day, "09:00"), at(day, "13:00" if day == 6 else "17:00"), 1)
        for day in range(7)
    )
    person = employee("A", 48, min_minutes=6 * 480, max_minutes=6 * 480, max_days=6)
    return without_breaks(7, (person,), demand, shifts=(DAY,))


def staffed_days(staffing: StaffingModel, solver: cp_model.CpSolver) -> list[int]:
    """The days on which the solution staffs a shift."""
    return sorted(
        staffing.options[i].day for (i, _), n in staffing.targets(solver.value).items() if n
    )


def test_day_masks_keep_the_weekly_rest_the_counts_alone_miss() -> None:
    """With sets of days the day off moves into the week, keeping the weekly rest."""
    # Sunday off after a Saturday to 17:00 leaves 31 h of rest; the move costs 240 more minutes
    # short.
    staffing = StaffingModel(six_days_of_seven())
    solver = solved(staffing.model)
    assert staffed_days(staffing, solver) == [0, 1, 2, 3, 4, 5]
    assert solver.objective_value == 100 * 240
    staffing.add_day_masks()
    solver = solved(staffing.model)
    days = staffed_days(staffing, solver)
    assert len(days) == 6 and 6 in days and 0 in days
    assert solver.objective_value == 100 * 480 + 240  # and Sunday's 4 h over
    ((mask,),) = staffing.masks_of(solver.value).values()
    assert list(mask) == days


def test_run_joins_keep_the_run_limit_across_a_week_end() -> None:
    """Run joins keep the run limit across the end of a week, as the roster optimum does."""
    # One person for five days a week, asked for Wed-Sun then Mon-Fri: the sets of days alone allow
    # those ten days in a row, so the joins leave a demanded day short and a day over.
    demand = tuple(DemandSpan(at(day, "09:00"), at(day, "17:00"), 1) for day in range(2, 12))
    person = employee("A", 40, min_minutes=5 * 480, max_minutes=5 * 480, max_days=5)
    scenario = without_breaks(14, (person,), demand, shifts=(DAY,))
    staffing = StaffingModel(scenario)
    staffing.add_day_masks()
    assert solved(staffing.model).objective_value == 0
    staffing.add_run_joins(staffing.model)
    assert solved(staffing.model).objective_value == 100 * 480 + 480
    assert optimal_roster(scenario).objective == 100 * 480 + 480


def hand_out_one_group(
    scenario: Scenario,
    wanted: Callable[[ShiftOption], int],
    patterns: list[dict[int, int]],
    masks: list[tuple[int, ...]] | None,
) -> list[Assignment]:
    """Hand out the counts ``wanted`` per option to a scenario's one profile group, whose
    members work ``patterns`` on ``masks`` (sets of days), in the order given."""
    staffing = StaffingModel(scenario)
    (group,) = set(staffing.group_of.values())
    (key,) = staffing.patterns
    return assign_to_targets(
        scenario,
        staffing.options,
        {(o.index, group): wanted(o) for o in staffing.options},
        staffing.group_of,
        {key: patterns},
        staffing.skill_class,
        masks={key: masks} if masks else None,
    )


def hand_out_two_weeks_of_six(masks: list[tuple[int, ...]] | None) -> list[tuple[str, int]]:
    """Hand out A and B's six days each, one of them working Wednesday and one Thursday, with
    the given sets of days; (person, day) pairs."""
    people = tuple(employee(e, 48, max_minutes=6 * 480, max_days=6) for e in ("A", "B"))
    shifts = hand_out_one_group(
        without_breaks(7, people, (), shifts=(DAY,)),
        lambda o: 1 if o.day in (2, 3) else 2,
        [{480: 6}, {480: 6}],
        masks,
    )
    return sorted((a.employee_id, a.day) for a in shifts)


def test_hand_out_gives_each_person_their_set_of_days() -> None:
    """The hand-out follows the sets of days: A is off on Wednesday and B on Thursday."""
    # Without them A, first in line, takes Wednesday.
    held = hand_out_two_weeks_of_six([(0, 1, 3, 4, 5, 6), (0, 1, 2, 4, 5, 6)])
    assert held == [("A", d) for d in (0, 1, 3, 4, 5, 6)] + [("B", d) for d in (0, 1, 2, 4, 5, 6)]
    assert ("A", 2) in hand_out_two_weeks_of_six(None)


def test_hand_out_joins_sets_of_days_across_a_week_end_within_the_run_limit() -> None:
    """The hand-out joins sets of days across the end of a week within the run limit."""
    # Over two weeks of Mon-Fri and Wed-Sun for A and B (at most 6 days in a row), whoever works to
    # the first Sunday starts the second week on Wednesday: handed out week by week, the first in
    # line took Wed-Sun then Mon-Fri, ten days in a row.
    people = tuple(employee(e, 40, max_minutes=5 * 480, max_days=5) for e in ("A", "B"))
    scenario = without_breaks(14, people, (), shifts=(DAY,))
    staffing = StaffingModel(scenario)
    (group,) = set(staffing.group_of.values())
    weeks = {0: [(2, 3, 4, 5, 6), (0, 1, 2, 3, 4)], 1: [(7, 8, 9, 10, 11), (9, 10, 11, 12, 13)]}
    handed = assign_to_targets(
        scenario,
        staffing.options,
        {(o.index, group): sum(o.day in m for m in weeks[o.day // 7]) for o in staffing.options},
        staffing.group_of,
        {(group, block): [{480: 5}, {480: 5}] for block in weeks},
        staffing.skill_class,
        masks={(group, block): list(masks) for block, masks in weeks.items()},
    )
    days = {e: sorted(a.day for a in handed if a.employee_id == e) for e in ("A", "B")}
    assert sorted(days.values()) == [
        [0, 1, 2, 3, 4, 7, 8, 9, 10, 11],
        [2, 3, 4, 5, 6, 9, 10, 11, 12, 13],
    ]
    assert verify(scenario, roster(scenario, *handed)).violations == ()


def test_a_single_day_off_keeps_the_weekly_rest_only_with_the_right_shifts() -> None:
    """A single day off keeps the weekly rest only with the right shifts."""
    # Off on Wednesday, 07:00-15:30 on Tuesday then 13:30-22:00 on Thursday leaves 46 h; off on
    # Monday, Tuesday's latest start leaves 37.5 h; with 07:00-15:30 only, 31 h.
    spans = {
        day: (at(day, "07:00"), at(day, "13:30"), at(day, "15:30"), at(day, "22:00"))
        for day in range(7)
    }
    week = at(7, "00:00")
    assert _keeps_weekly_rest((0, 1, 3, 4, 5, 6), spans, 0, week, 35 * 60)
    assert _keeps_weekly_rest((1, 2, 3, 4, 5, 6), spans, 0, week, 35 * 60)
    early = {
        day: (at(day, "07:00"), at(day, "07:00"), at(day, "15:30"), at(day, "15:30"))
        for day in range(7)
    }
    assert not _keeps_weekly_rest((1, 2, 3, 4, 5, 6), early, 0, week, 35 * 60)
    assert not _keeps_weekly_rest((0, 1, 2, 3, 4, 5, 6), spans, 0, week, 35 * 60)


def test_a_pattern_fits_a_set_of_days_only_where_its_lengths_are_offered() -> None:
    """Two 7.5 h shifts offered only at the weekend fit Mon-Fri-Sat-Sun but not Mon-Tue-Wed-Sat."""
    # Mon-Tue-Wed-Sat has one weekend day.
    offered = {day: {480, 240} for day in range(5)} | {5: {450, 240}, 6: {450, 240}}
    pattern = {480: 2, 450: 2}
    assert _can_hold(pattern, (0, 4, 5, 6), offered)
    assert not _can_hold(pattern, (0, 1, 2, 5), offered)
    assert _can_hold({240: 4}, (0, 1, 2, 5), offered)


def test_hand_out_keeps_the_long_shift_for_whoever_needs_it_most() -> None:
    """Friday's 8 h shift goes to B, who needs it most, and the 7.5 h one to A."""
    # B's pattern holds two of them on two days; A first would leave B nothing of their length on
    # Friday.
    fri_sat = frozenset({4, 5})
    long, short = (
        shift("LONG", "08:00", "16:00", fri_sat),
        shift("SHORT", "12:00", "19:30", fri_sat),
    )
    people = tuple(employee(e, 15.5, max_minutes=960, max_days=2) for e in ("A", "B"))
    wanted = {(4, "LONG"): 1, (4, "SHORT"): 1, (5, "LONG"): 2}
    shifts = hand_out_one_group(
        without_breaks(7, people, (), shifts=(long, short)),
        lambda o: wanted.get((o.day, o.template.shift_id), 0),
        [{480: 1, 450: 1}, {480: 2}],
        [(4, 5), (4, 5)],
    )
    held = sorted((a.employee_id, a.day, a.shift_id) for a in shifts)
    assert held == [("A", 4, "SHORT"), ("A", 5, "LONG"), ("B", 4, "LONG"), ("B", 5, "LONG")]


def test_polishing_a_day_at_a_time_reaches_the_optimum() -> None:
    """Counts re-solved a day at a time, the other day fixed, come down to the optimum."""
    # They start with all three people on Monday (8 h surplus); the optimum is two on Monday, one on
    # Tuesday, no cost.
    scenario = two_day_scenario()
    staffing = StaffingModel(scenario)
    monday = staffing.day_decisions()[0]
    start, solution, objective = polish_from(scenario, staffing, {var.index: 3 for var in monday})
    assert start == 8 * 60
    assert objective == 0
    by_day = {
        staffing.options[i].day: n
        for (i, _), n in staffing.targets(lambda var: solution[var.index]).items()
    }
    assert by_day == {0: 2, 1: 1}


@pytest.mark.parametrize(("back_office", "left"), [(False, 3 * 8 * 60), (True, 0)])
def test_polishing_with_a_back_office_widens_to_two_days(back_office: bool, left: int) -> None:
    """With a back office the polish's windows widen to two days and reach 0."""
    # Over three days E1 and E2 (off from Tuesday) work one day each. Both on Monday, they leave 8 h
    # surplus there and Tuesday 8 h short; no one day's counts can move alone, so one-day windows
    # keep 480 + 2 x 480 (surplus 1, shortfall 2 a minute). The back office is B1.
    base = dataclasses.replace(
        two_day_scenario(), horizon=Horizon(make_scenario().horizon.start, days=3)
    )
    people = (
        employee("E1", 8, min_minutes=8 * 60, max_minutes=8 * 60),
        employee("E2", 8, min_minutes=8 * 60, max_minutes=8 * 60),
    )
    if back_office:
        people += (employee("B1", 40, office=Office.BACK),)
    scenario = dataclasses.replace(
        base,
        employees=people,
        demand=(
            DemandSpan(at(0, "09:00"), at(0, "17:00"), 1),
            DemandSpan(at(1, "09:00"), at(1, "17:00"), 1),
        ),
        availability=(
            AvailabilitySpan("E2", at(1, "00:00"), at(3, "00:00"), AvailabilityKind.UNAVAILABLE),
        ),
        weights=Weights(shortfall=2, contract=0, preference=0, surplus=1),
    )
    staffing = StaffingModel(scenario)
    decisions = staffing.day_decisions()
    later = [var for day in (1, 2) for var in decisions[day]]
    start, _, objective = polish_from(scenario, staffing, {var.index: 0 for var in later})
    assert start == 3 * 8 * 60
    assert objective == left


def test_polishing_stops_when_told() -> None:
    """The polish beside HiGHS stops once HiGHS has proven its counts."""
    # Told to stop at once, it leaves the 8 h surplus of all three people on Monday as it was.
    scenario = two_day_scenario()
    staffing = StaffingModel(scenario)
    monday = staffing.day_decisions()[0]
    fixed = {var.index: 3 for var in monday}
    start, _, objective = polish_from(scenario, staffing, fixed, stop=lambda: True)
    assert objective == start == 8 * 60


@pytest.mark.parametrize(("linear", "workers"), [(False, 2), (True, 1)])
def test_solving_counts_goes_on_from_cp_sat_beside_highs(linear: bool, workers: int) -> None:
    """``then`` gets CP-SAT's counts and workers; what it returns is among the counts compared."""
    # It has one worker fewer while HiGHS solves on a copy of the model.
    scenario = two_day_scenario()
    staffing = StaffingModel(scenario)
    search = search_module._Search(scenario, "aggregated", 10.0, 2, 0, 0.0)
    calls: list[tuple[int, int]] = []

    def then(counts: LinearSolution, given: int, stop: Callable[[], bool]) -> LinearSolution:
        calls.append((counts.objective, given))
        assert isinstance(stop(), bool)
        return counts

    found = search._solve_counts(staffing, 5.0, linear=linear, then=then)
    assert found is not None and found.objective == 0
    if linear:
        # HiGHS may prove the counts before CP-SAT has any; then there is nothing to go on from.
        assert calls in ([(0, workers)], [])
    else:
        assert calls == [(0, workers)]


@pytest.mark.parametrize(
    ("days", "back_office", "balanced"), [(7, False, True), (14, True, False), (21, True, True)]
)
def test_the_hand_out_balances_hours_with_a_back_office_only_beyond_two_weeks(
    monkeypatch: pytest.MonkeyPatch, days: int, back_office: bool, balanced: bool
) -> None:
    """The hand-out balances hours toward the contracts, with a back office only past two weeks."""
    # It balances before and after its re-hands, always for a front office alone and with a back
    # office (B1) only over more than `BACK_OFFICE_BALANCE_DAYS` days; the roster handed out breaks
    # no rule (verifier).
    base = weekend_of_three()
    people = base.employees + ((employee("B1", 40, office=Office.BACK),) if back_office else ())
    scenario = dataclasses.replace(
        base, horizon=Horizon(make_scenario().horizon.start, days=days), employees=people
    )
    asked: list[bool] = []
    assign = search_module.assign_to_targets
    balance = search_module.balance_hours

    def greedy(*args: Any, **options: Any) -> Any:
        asked.append(options["balance"])
        return assign(*args, **options)

    def balancing(*args: Any) -> Any:
        asked.append(True)
        return balance(*args)

    monkeypatch.setattr(search_module, "assign_to_targets", greedy)
    monkeypatch.setattr(search_module, "balance_hours", balancing)
    search = search_module._Search(scenario, "aggregated", 10.0, 2, 0, 0.0)
    started = search.staff_then_assign()
    assert started is not None
    assert asked == ([True, True] if balanced else [False])
    assert verify(scenario, roster(scenario, *started[0])).violations == ()


@pytest.mark.parametrize("late", [False, True])
def test_held_counts_that_come_late_are_still_polished(
    monkeypatch: pytest.MonkeyPatch, late: bool
) -> None:
    """Held counts that come late still get the polish's share of the held time from then."""
    # The held solve goes on past its time until its first counts (`HELD_GRACE_SHARE` of the limit
    # more); here a solve is made to start 0.8 s late, 0.5 s given. Counts on time get the rest of
    # the held time.
    scenario = two_day_scenario()
    staffing = StaffingModel(scenario)
    search = search_module._Search(scenario, "aggregated", 20.0, 2, 0, 0.0)
    quiet_solve = search_module._Search._quiet_solve
    polish_by_days = search_module._Search.polish_by_days
    given: list[float] = []
    deadlines: list[float] = []
    delay = 0.8 if late else 0.0

    def slow(searching: Any, built: Any, seconds: float, *args: Any, **options: Any) -> Any:
        if args and args[0] is not None:
            # The held solve (its first_after given): it spends ``delay`` before its search.
            given.append(seconds)
            time.sleep(delay)
            seconds -= delay
        return quiet_solve(searching, built, seconds, *args, **options)

    def polish(searching: Any, built: Any, *args: Any) -> Any:
        deadlines.append(args[3])
        return polish_by_days(searching, built, *args)

    monkeypatch.setattr(search_module._Search, "_quiet_solve", slow)
    monkeypatch.setattr(search_module._Search, "polish_by_days", polish)
    until = time.perf_counter() + 0.5
    value, _ = search._held_counts(staffing, None, until, math.inf)
    assert value is not None
    assert given == [pytest.approx(0.5 + search_module.HELD_GRACE_SHARE * 20.0, abs=0.1)]
    if late:
        # From counts at about 0.8 s: 80 % of the held 0.5 s more.
        assert deadlines[0] > until + 0.6
    else:
        assert deadlines == [until]


@pytest.mark.parametrize("first_capped", [False, True])
def test_polishing_presolves_after_a_window_runs_to_its_cap(
    monkeypatch: pytest.MonkeyPatch, first_capped: bool
) -> None:
    """Windows are solved without presolve until one runs to its cap unproven, then with it."""
    # Here the first window is made to find nothing; either way the polish reaches 0.
    scenario = two_day_scenario()
    staffing = StaffingModel(scenario)
    monday = staffing.day_decisions()[0]
    presolved: list[bool] = []
    quiet_solve = search_module._Search._quiet_solve

    def recorded(search: Any, built: Any, seconds: float, **options: Any) -> Any:
        presolved.append(options["presolve"])
        if first_capped and len(presolved) == 1:
            return None
        return quiet_solve(search, built, seconds, **options)

    monkeypatch.setattr(search_module._Search, "_quiet_solve", recorded)
    start, _, objective = polish_from(scenario, staffing, {var.index: 3 for var in monday})
    assert start == 8 * 60 and objective == 0
    if first_capped:
        assert presolved[0] is False and len(presolved) >= 2 and all(presolved[1:])
    else:
        assert not any(presolved)


def polish_from(
    scenario: Scenario,
    staffing: StaffingModel,
    fixed: dict[int, int],
    stop: Callable[[], bool] = lambda: False,
) -> tuple[float, list[int], float]:
    """Solve the staffing model with ``fixed`` variable values, then polish that solution by
    days with the fixing lifted: the start's objective, the polished solution and objective."""
    saved = fix_domains(staffing.model, fixed)
    start = solved(staffing.model)
    restore_domains(staffing.model, saved)
    search = search_module._Search(scenario, "aggregated", 10.0, 2, 0, 0.0)
    solution, objective = search.polish_by_days(
        staffing,
        list(start.response_proto.solution),
        start.objective_value,
        bound=0,
        until=time.perf_counter() + 10,
        stop=stop,
    )
    return start.objective_value, solution, objective
