"""The search's phases (`scheduler.model.search`): what each hands the next, and when each runs.

Every solve is checked by the verifier; search internals are driven directly on tiny
scenarios where a phase's choice can be seen.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from fractions import Fraction
from typing import Any

import pytest
from conftest import START, assign, at, employee, make_scenario, pieces, shift
from ortools.sat.python import cp_model

import scheduler.model.search as search_module
from scheduler.data import (
    Assignment,
    BreakRule,
    DemandSpan,
    Horizon,
    Location,
    Office,
    Rules,
)
from scheduler.io.roster import roster_frame
from scheduler.model.linear import Relaxation
from scheduler.model.neighbourhood import fix_domains, restore_domains
from scheduler.model.roster import RosterModel
from scheduler.model.search import _Recorder, _settled
from scheduler.model.staffing import StaffingModel
from scheduler.verify import verify

DAY = shift("DAY", "09:00", "17:00")


def test_a_bound_below_zero_is_recorded_as_zero() -> None:
    """Every cost is non-negative, so an early negative bound from the solver reports 0."""
    recorder = _Recorder(None)
    recorder.on_bound(-353_180.0)
    assert recorder.bound == 0
    recorder.on_bound(42.4)
    assert recorder.bound == 42


def test_the_repair_keeps_the_shifts_and_re_places_the_back_office_days() -> None:
    """The repair on the exact model keeps the start's shifts and re-places its back-office days."""
    # The start has B1 on site all week against five telework wishes (3,000) and F1 on the Monday
    # shift: the repair keeps F1's shift, sends B1 home (0), leaves the best roster a complete
    # solution of that model and the model as it was; verified.
    day = shift("DAY", "09:00", "17:00")
    people = (
        employee("F1", 8),
        employee("B1", 40, office=Office.BACK, remote_ok=True, remote_days=frozenset(range(5))),
    )
    scenario = make_scenario(
        employees=people,
        shifts=(day,),
        breaks=(),
        demand=(DemandSpan(at(0, "09:00"), at(0, "17:00"), 1),),
    )
    start = RosterModel(scenario)
    for (employee_id, index), var in start.x.items():
        option = start.work[index]
        if employee_id == "B1" and getattr(option, "location", None) == Location.REMOTE:
            start.model.add(var == 0)
    search = search_module._Search(scenario, "aggregated", 10.0, 2, 0, 0.0)
    search.run(start, 5.0, phase="start")
    assert search.best_objective == 3000
    exact = RosterModel(scenario)
    domains = [list(v.domain) for v in exact.model.proto.variables]
    search.repair(exact)
    assert search.best_solution is not None and search.best_solution[0] is exact
    assert search.best_objective == 0
    assert [list(v.domain) for v in exact.model.proto.variables] == domains
    assert not exact.model.proto.solution_hint.vars
    result = search_module._best_result(search, exact)
    assert result.report is not None and result.report.ok, result.report
    assert result.objective == 0
    assert [(a.employee_id, a.day, a.shift_id) for a in result.assignments] == [("F1", 0, "DAY")]
    assert {(f.day, f.location) for f in result.flex_days} == {
        (d, Location.REMOTE) for d in range(5)
    }


def test_the_repair_of_a_relaxed_roster_staggers_its_breaks_on_the_exact_model() -> None:
    """A relaxed roster repaired on the exact model keeps its shifts and staggers its breaks."""
    # F1's and F2's breaks are at the same time in the relaxed roster (over the exact cap of one, so
    # not recorded, and 15 minutes short). Repaired: the same two shifts, the breaks apart, nothing
    # short (objective 450, the surplus); verified.
    day = shift("DAY", "09:00", "17:00")
    scenario = make_scenario(
        employees=(employee("F1", 8), employee("F2", 8)),
        shifts=(day,),
        breaks=(BreakRule("break1", 15, 90, 150, min_shift_minutes=360, paid=True),),
        demand=(DemandSpan(at(0, "09:00"), at(0, "17:00"), 1),),
        rules=Rules(max_on_break=Fraction(1, 2)),
    )
    relaxed = RosterModel(scenario, relax_break_cap=True)
    together = at(0, "11:00") // 15
    relaxed.model.add(sum(var for var, _ in relaxed.break_terms[together]) == 2)
    search = search_module._Search(scenario, "aggregated", 10.0, 2, 0, 0.0)
    search.run(relaxed, 5.0, check=True, phase="relaxed")
    assert search.best is None and not search.last_valid
    exact = RosterModel(scenario)
    domains = [list(v.domain) for v in exact.model.proto.variables]
    search.repair(exact, (relaxed, search.last))
    assert search.best_solution is not None and search.best_solution[0] is exact
    assert [list(v.domain) for v in exact.model.proto.variables] == domains
    assert not exact.model.proto.solution_hint.vars
    result = search_module._best_result(search, exact)
    assert result.report is not None and result.report.ok, result.report
    assert result.objective == 450
    assert result.report.costs.shortfall_minutes == 0
    assert sorted((a.employee_id, a.shift_id) for a in result.assignments) == [
        ("F1", "DAY"),
        ("F2", "DAY"),
    ]
    starts = {a.employee_id: [b.start for b in a.breaks] for a in result.assignments}
    assert starts["F1"] != starts["F2"]


def test_the_best_roster_becomes_a_complete_hint_for_the_next_model() -> None:
    """A roster found on the relaxed model becomes a complete hint for the exact one."""
    # It is solved again on the exact model with its assignments and breaks fixed: every variable
    # then has a hinted value, CP-SAT held to the hint finds that very roster, and the verifier
    # accepts it.
    scenario = make_scenario(rules=Rules(max_on_break=Fraction(1, 2)))
    search = search_module._Search(scenario, "aggregated", 10.0, 2, 0, 0.0)
    relaxed = RosterModel(scenario, relax_break_cap=True)
    search.run(relaxed, 5.0, check=True, phase="relaxed")
    assert search.best is not None and search.best_solution is not None
    found = search.best_objective
    exact = RosterModel(scenario)
    search._complete_on(exact, "neighbourhood")
    assert search.best_solution[0] is exact
    assert search.best_objective == found
    search._hint(exact)
    hint = exact.model.proto.solution_hint
    assert sorted(hint.vars) == list(range(len(exact.model.proto.variables)))
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.num_workers = 1
    assert solver.solve(exact.model) == cp_model.OPTIMAL
    assert solver.objective_value == found
    result = search_module._best_result(search, exact)
    assert result.report is not None and result.report.ok, result.report
    assert result.objective == found


def test_the_lp_bound_runs_unless_the_bound_is_already_close() -> None:
    """The LP runs beside the neighbourhoods unless the bound is close or the model too large."""
    # Close is within 1 % of the best roster; the figures used are Curtois Instance10's at 600 s
    # (CP-SAT's 2,599 against 4,631).
    pays = search_module._relaxed_bound_pays
    assert pays(2_599, 4_631, 20_000)
    assert pays(None, 4_631, 20_000) and pays(None, None, 20_000)
    assert not pays(4_616, 4_631, 20_000)
    assert not pays(0, 4_631, search_module.RELAXED_MOST + 1)


def test_the_integer_bound_follows_the_lp_beside_a_long_search() -> None:
    """Beside the search the LP's bound comes first and the branch and cut's after it."""
    # The recorder takes the higher (8 against 7 on the pieces of conftest), and the search's end
    # stops what still runs.
    search = search_module._Search(make_scenario(), "aggregated", 10.0, 2, 0, 0.0)
    search.bound_beside(Relaxation(pieces(), integral=True), 5.0, 5.0)
    for _ in range(100):
        if len(search.relaxed_bound) >= 2:
            break
        threading.Event().wait(0.05)
    search.take_relaxed_bound()
    assert search.recorder.bound == 8
    search.result(RosterModel(make_scenario()), "unknown")
    assert search.finished.is_set()


@pytest.mark.parametrize(
    ("gap", "bound", "proven"),
    [(0.0, 995, False), (0.01, 995, True), (0.01, 980, False), (0.0, 1000, True)],
)
def test_a_search_is_proven_within_its_relative_gap_limit(
    gap: float, bound: int, proven: bool
) -> None:
    """A roster of 1,000 is proven where the bound lies within the relative gap limit of it."""
    search = search_module._Search(make_scenario(), "aggregated", 10.0, 2, 0, gap)
    assert not search.proven()
    search.best = (RosterModel(make_scenario()), lambda var: 0)
    search.best_objective = 1000
    search.recorder.on_bound(bound)
    assert search.proven() == proven


def test_settled_pays_a_shift_without_breaks_less_its_unpaid_lunch() -> None:
    """Monday's EARLY pays its length less its unpaid lunch, so it settles E2 at min_hours 8 h."""
    # The EARLY is 8.5 h with a 30-minute unpaid lunch. It does not settle E2 with min_hours of 8 h
    # 15 min, whose shift the start must leave open.
    for min_minutes, settled in ((480, {"E2"}), (495, set())):
        scenario = make_scenario(employees=(employee("E2", min_minutes=min_minutes),))
        early = Assignment("E2", 0, "EARLY", at(0, "07:00"), at(0, "15:30"))
        assert _settled(scenario, [early]) == settled


@pytest.mark.parametrize(
    ("days", "placed", "first", "by_days"),
    [
        (7, False, False, False),
        (8, False, True, True),
        (14, False, True, True),
        (14, True, False, True),
    ],
)
def test_the_start_places_breaks_a_day_at_a_time_past_a_week(
    days: int, placed: bool, first: bool, by_days: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The starting roster's breaks are placed whole, then, past a week, a day at a time (the
    whole placement then only till its first roster, unless the roster brings its own breaks:
    those are the hint)."""
    # Whole for `REPAIR_SECONDS`, then a day at a time (every day once, the rest of the start's
    # share for the days not proven): one CP-SAT solve over four weeks stalled.
    scenario = make_scenario(horizon=Horizon(START, days=days, interval_minutes=15))
    search = search_module._Search(scenario, "aggregated", 1000.0, 2, 0, 0.0)
    given: list[float | None] = []
    until: list[float] = []
    firsts: list[bool] = []

    def place(
        fixed: RosterModel, seconds: float, most: float | None = None, first: bool = False, **_: Any
    ) -> Any:
        given.append(most)
        firsts.append(first)
        return lambda var: 0

    hinted: list[Any] = []
    monkeypatch.setattr(search, "_place", place)
    monkeypatch.setattr(search, "_place_by_days", lambda start, end: until.append(end))
    monkeypatch.setattr(RosterModel, "hint_breaks", lambda built, plan: hinted.append(plan))
    began = time.perf_counter()
    search._start_from([assign(scenario, "E2", 0, "EARLY")] if placed else [])
    assert given == [search_module.REPAIR_SECONDS]
    assert firsts == [first]
    assert len(hinted) == placed
    share = search_module.WARM_START_SHARE * 1000.0
    assert len(until) == by_days
    assert all(began + share <= end <= time.perf_counter() + share for end in until)


WORKED = (0, 1, 2, 3, 4, 7)
"""The days E1 and E2 work in the day-at-a-time placement test: Monday to Friday of the first
week and the second week's Monday."""


def test_placing_breaks_a_day_at_a_time_reaches_the_whole_placement_optimum() -> None:
    """Placing breaks a day at a time reaches the optimum of placing them all at once."""
    # Two people where one is wanted, from breaks placed as dearly as the rules allow (taken
    # together, the floor empty): every day's placement re-solved with the others fixed reaches the
    # optimum (staggered), and the verifier agrees.
    scenario = make_scenario(
        horizon=Horizon(START, days=8, interval_minutes=15),
        demand=tuple(DemandSpan(at(day, "07:00"), at(day, "15:30"), 1) for day in WORKED),
    )
    roster = [
        Assignment(e, day, "EARLY", at(day, "07:00"), at(day, "15:30"))
        for day in WORKED
        for e in ("E1", "E2")
    ]
    whole = RosterModel(scenario)
    whole.fix_shifts(roster)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(whole.model) == cp_model.OPTIMAL
    optimum = round(solver.objective_value)
    search = search_module._Search(scenario, "aggregated", 60.0, 1, 0, 0.0)
    start = RosterModel(scenario)
    start.fix_shifts(roster)
    # The dearest placement the rules allow, then costed as it is: the slack of the maximised
    # model says nothing of the roster's cost.
    worst = start.model.clone()
    objective = start.model.proto.objective
    worst.maximize(
        cp_model.LinearExpr.weighted_sum(
            [worst.get_int_var_from_proto_index(v) for v in objective.vars], list(objective.coeffs)
        )
    )
    dearest = cp_model.CpSolver()
    dearest.parameters.num_workers = 1
    assert dearest.solve(worst) == cp_model.OPTIMAL
    placed_breaks = {
        var.index: int(dearest.value(var))
        for slots in start.break_vars.values()
        for _, var in slots
    }
    saved = fix_domains(start.model, placed_breaks)
    costed = cp_model.CpSolver()
    costed.parameters.num_workers = 1
    assert costed.solve(start.model) == cp_model.OPTIMAL
    restore_domains(start.model, saved)
    solution = list(costed.response_proto.solution)
    first = start.assignments(search_module._solution_lookup(solution))
    report = verify(scenario, roster_frame(scenario, first))
    assert report.ok and report.costs.objective == round(costed.objective_value)
    search.best = (start, search_module._solution_lookup(solution))
    search.best_solution = (start, solution)
    search.best_objective = round(costed.objective_value)
    assert search.best_objective > optimum
    search._place_by_days(start, time.perf_counter() + 30.0)
    assert search.best_objective == optimum
    placed = start.assignments(search.best[1])
    report = verify(scenario, roster_frame(scenario, placed))
    assert report.ok and report.costs.objective == optimum
    # Each day is a sub-problem of its own; its rosters' shortfall is read through it.
    assert search.recorder.history[-1].shortfall_minutes == report.costs.shortfall_minutes


def _held_proof_asks(
    search: Any, bound: int, best: int, proven: bool, monkeypatch: pytest.MonkeyPatch
) -> list[dict[str, Any]]:
    """Run ``search.prove_held`` on its scenario's held counts (``proven`` or not) with
    ``bound`` recorded and a best roster costing ``best``, as if some weekend spread were
    priced (else proven counts are not proven again); the arguments of each counts solve it
    asked for (none is run)."""
    scenario = search.scenario
    staffing = StaffingModel(scenario, relax_break_cap=True)
    search.recorder.on_bound(bound)
    search.best = (RosterModel(scenario), lambda var: 0)
    search.best_objective = best
    search.held_proof = (staffing, [0] * len(staffing.model.proto.variables), None, proven)
    asked: list[dict[str, Any]] = []

    def solve_counts(*_: Any, **given: Any) -> None:
        asked.append(given)

    monkeypatch.setattr(search, "_solve_counts", solve_counts)
    monkeypatch.setattr(staffing, "add_weekend_fairness", lambda: True)
    search.prove_held(RosterModel(scenario))
    return asked


@pytest.mark.parametrize(
    ("proven", "best", "runs"), [(True, 1000, True), (False, 1000, False), (False, 520, True)]
)
def test_the_proof_of_unproven_held_counts_goes_without_highs_and_ends_on_a_stall(
    proven: bool, best: int, runs: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Held counts HiGHS did not prove in their time get a proof without it, ended on a stall."""
    # The proof ends once its bound stalls for `UNPROVEN_BOUND_PATIENCE` of the limit, and there is
    # none where the best roster is `FAR_GAP` above the recorded bound (500); proven ones keep both
    # as they were.
    search = search_module._Search(make_scenario(), "aggregated", 100.0, 2, 0, 0.0)
    search.linear_held = True
    asked = _held_proof_asks(search, 500, best, proven, monkeypatch)
    patience = search_module.UNPROVEN_BOUND_PATIENCE * 100.0
    if not runs:
        assert asked == []
        return
    assert (asked[0]["linear"], asked[0]["stall"]) == (
        (True, None) if proven else (False, patience)
    )


@pytest.mark.parametrize(
    ("decomposed", "bound", "led"), [(True, 500, True), (True, 950, False), (False, 500, False)]
)
def test_the_relaxed_phase_is_bound_led_after_a_counts_first_start_far_from_its_bound(
    decomposed: bool, bound: int, led: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The relaxed phase is bound-led after a counts-first start far from its bound."""
    # Far: the start's roster (1000) is more than `BOUND_LED_GAP` above the bound, and CP-SAT's
    # bound-led tree search then leads its workers; a start near its bound, or not counts first,
    # keeps CP-SAT's default lead.
    scenario = make_scenario(rules=Rules(max_on_break=Fraction(1, 2)))
    search = search_module._Search(scenario, "aggregated", 100.0, 2, 0, 0.0)
    asked: list[tuple[str, tuple[str, ...]]] = []

    def warm_start(first: RosterModel, hint: Any) -> None:
        search.decomposed = decomposed
        search.best = (first, lambda var: 0)
        search.best_objective = 1000
        search.recorder.on_bound(bound)

    def run(built: RosterModel, seconds: float, *_: Any, **given: Any) -> int:
        asked.append((given["phase"], given.get("subsolvers", ())))
        return int(cp_model.UNKNOWN)

    monkeypatch.setattr(search, "warm_start", warm_start)
    monkeypatch.setattr(search, "prove_held", lambda first: None)
    monkeypatch.setattr(search, "run", run)
    monkeypatch.setattr(search, "improve_by_neighbourhoods", lambda *_, **__: None)
    monkeypatch.setattr(search_module, "_best_result", lambda *_: None)
    search_module._solve_in_phases(search, None)
    assert asked[0] == ("relaxed", search_module.BOUND_LED_SUBSOLVERS if led else ())


@pytest.mark.parametrize(
    ("days", "short", "back", "windows"),
    [
        (7, True, False, False),
        (14, True, False, True),
        (14, False, False, False),
        (14, True, True, False),
    ],
)
def test_past_a_week_one_day_windows_join_the_decomposed_neighbourhoods(
    days: int, short: bool, back: bool, windows: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past a week, on a front office alone where the start leaves demand short, the
    decomposed search's people neighbourhoods share the time with windows of everyone, one
    day at first, from a random day or drawn by what is short."""
    # A people neighbourhood there frees a whole week's breaks and was cut short at any size;
    # a day's window is proven in well under a second.
    staff = [employee("E1", skills=frozenset({"lead"})), employee("E2"), employee("E3")]
    if back:
        staff[2] = dataclasses.replace(staff[2], office=Office.BOTH)
    scenario = make_scenario(
        horizon=Horizon(START, days=days, interval_minutes=15),
        rules=Rules(max_on_break=Fraction(1, 2)),
        employees=tuple(staff),
    )
    search = search_module._Search(scenario, "aggregated", 100.0, 2, 0, 0.0)
    asked: list[tuple[tuple[str, ...], int, int]] = []

    def warm_start(first: RosterModel, hint: Any) -> None:
        search.decomposed = True
        search.best = (first, lambda var: int(short))
        search.best_objective = 1000

    def neighbourhoods(built: RosterModel, hood: Any, *_: Any) -> None:
        asked.append((hood.kinds, hood.size["days"], hood.size["costly"]))

    monkeypatch.setattr(search, "warm_start", warm_start)
    monkeypatch.setattr(search, "prove_held", lambda first: None)
    monkeypatch.setattr(search, "run", lambda *_, **__: int(cp_model.UNKNOWN))
    monkeypatch.setattr(search, "_complete_on", lambda *_, **__: None)
    monkeypatch.setattr(search, "_neighbourhoods", neighbourhoods)
    monkeypatch.setattr(search, "improve", lambda exact: None)
    monkeypatch.setattr(search_module, "_best_result", lambda *_: None)
    search_module._solve_in_phases(search, None)
    people = search_module._people_kinds(search)
    assert people == (("people",) if short else ("people", "costly_people"))
    expected = (*people, "days", "costly") if windows else people
    size = 1 if windows else 7
    assert asked == [(expected, size, size)]


@pytest.mark.parametrize(("workers", "given"), [(2, ["lb_tree_search"]), (1, [])])
def test_a_phase_hands_its_subsolvers_to_cp_sat_where_it_has_several_workers(
    workers: int, given: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`_Search.run` passes its ``subsolvers`` to CP-SAT's portfolio with two workers."""
    # One worker has no portfolio to lead.
    scenario = make_scenario()
    search = search_module._Search(scenario, "aggregated", 10.0, workers, 0, 0.0)
    seen: list[list[str]] = []

    def solve(solver: cp_model.CpSolver, *_: Any) -> int:
        seen.append(list(solver.parameters.subsolvers))
        return int(cp_model.UNKNOWN)

    monkeypatch.setattr(search_module, "_solve_interruptibly", solve)
    search.run(RosterModel(scenario), 1.0, subsolvers=("lb_tree_search",))
    assert seen == [given]


@pytest.mark.parametrize(
    ("short", "bound", "runs"), [(True, 500, False), (True, 950, True), (False, 500, True)]
)
def test_the_back_office_proof_leaves_a_short_floor_far_from_its_bound_to_the_relaxed_phase(
    short: bool, bound: int, runs: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a back office the held proof does not run where the best roster is short and far off."""
    # The held proof prices the weekend spread. It does not run where the best roster (1000) leaves
    # demand short and is more than `BOUND_LED_GAP` above the bound; near the bound, or with nothing
    # short, it runs.
    scenario = make_scenario(employees=(employee("E1"), employee("B1", 40, office=Office.BACK)))
    search = search_module._Search(scenario, "aggregated", 100.0, 2, 0, 0.0)
    monkeypatch.setattr(search_module, "_leaves_demand_short", lambda _: short)
    assert bool(_held_proof_asks(search, bound, 1000, True, monkeypatch)) == runs
