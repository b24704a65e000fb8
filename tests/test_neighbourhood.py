"""The day-level search helpers (scheduler.model.neighbourhood): the person-by-person start
and the neighbourhoods fixed on a built model."""

from __future__ import annotations

import dataclasses
import itertools
import random
import time
from collections import Counter
from collections.abc import Sequence
from typing import Any

import pytest
from conftest import START, employee, make_scenario
from ortools.sat.python import cp_model
from test_day_level import DAY_WEIGHTS, OVER, UNDER, D, E, L, line, person, scenario

import scheduler.model.search as search_module
from scheduler.data import (
    Assignment,
    AvailabilityKind,
    Horizon,
    Office,
    Scenario,
    ShiftRequest,
    fairness_factor,
)
from scheduler.io.roster import roster_frame
from scheduler.model import neighbourhood
from scheduler.model.neighbourhood import (
    PEOPLE_WHOLE_HORIZON_DAYS,
    PEOPLE_WINDOW_DAYS,
    FirstAfter,
    Neighbourhood,
    Neighbourhoods,
    StopOnStalledBound,
    can_build_by_person,
    completed_hint,
    fix_domains,
    person_by_person,
    restore_domains,
    roster_values,
)
from scheduler.model.roster import RosterModel
from scheduler.model.sequence import Sequencer
from scheduler.solve import solve
from scheduler.verify import verify


def two_people() -> Scenario:
    """E1 (at most 2 shifts) and E2, D wanted by one person on each of 3 days."""
    return scenario(
        days=3,
        employees=(person("E1", max_shifts=(("D", 2),)), person("E2")),
        shift_demand=tuple(line(d, 1) for d in range(3)),
    )


def test_person_by_person_fills_what_the_first_leaves() -> None:
    """E1 (the less flexible) takes two days, E2 the third: valid, nothing short."""
    problem = two_people()
    roster = person_by_person(problem, seconds_each=1.0)
    assert roster is not None
    report = verify(problem, roster_frame(problem, roster))
    assert report.ok
    assert report.costs.objective == 0
    assert sorted(a.employee_id for a in roster) == ["E1", "E1", "E2"]


def both_prefer_d(on_l: int) -> Scenario:
    """One day: E1 (weight 1) and E2 (weight 50) prefer D, E2 may not work L; D needs one
    person, L ``on_l``."""
    asks = (
        ShiftRequest("E1", 0, "D", AvailabilityKind.PREFER, 1),
        ShiftRequest("E2", 0, "D", AvailabilityKind.PREFER, 50),
        ShiftRequest("E2", 0, "L", AvailabilityKind.UNAVAILABLE),
    )
    return scenario(
        days=1,
        shifts=(D, L),
        employees=(person("E1"), person("E2")),
        shift_demand=(line(0, 1, "D"), line(0, on_l, "L")),
        shift_requests=asks,
    )


def _solved_by_person(problem: Scenario) -> int:
    """The verified objective of the person-by-person roster, which puts E1 on L and E2 on D."""
    roster = person_by_person(problem, seconds_each=1.0)
    assert roster is not None
    report = verify(problem, roster_frame(problem, roster))
    assert report.ok
    assert sorted((a.employee_id, a.shift_id) for a in roster) == [("E1", "L"), ("E2", "D")]
    return report.costs.objective


def test_person_by_person_re_solves_the_first_against_the_others() -> None:
    """Person by person re-solves the first against the others and so reaches the optimum."""
    # E1 first takes D, which both prefer; E2, barred from L, then takes D too (1 extra, where
    # refusing costs 50), and L is short: 101. Re-solved against E2, E1 moves to L: 1, the optimum.
    problem = both_prefer_d(on_l=1)
    assert _solved_by_person(problem) == 1
    first_pass_only = person_by_person(problem, seconds_each=1.0, budget=0.0)
    assert first_pass_only is not None
    assert verify(problem, roster_frame(problem, first_pass_only)).costs.objective == 101


def test_person_by_person_skips_a_re_solve_at_the_prices_of_the_last(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Person by person skips a re-solve where nobody's prices have moved since their last solve."""
    # L needs two and only E1 may work it. The first pass moves E1 to L (201 -> 100 in cover), so a
    # second pass runs, where nobody's prices have moved: four solves in all, not six, and the
    # optimum (one short on L, E1's D refused).
    solvers: list[cp_model.CpSolver] = []

    def counted(seed: int) -> cp_model.CpSolver:
        solvers.append(person_solver(seed))
        return solvers[-1]

    person_solver = neighbourhood._person_solver
    monkeypatch.setattr(neighbourhood, "_person_solver", counted)
    assert _solved_by_person(both_prefer_d(on_l=2)) == 101
    assert len(solvers) == 4


def test_person_by_person_solves_side_by_side_when_the_budget_is_short() -> None:
    """Out of time after E1, E2 and E3 are solved together against the same cover."""
    # Both take the day E1 left (valid, one over), where one at a time E3 would take nothing.
    problem = dataclasses.replace(two_people(), employees=(*two_people().employees, person("E3")))
    roster = person_by_person(problem, seconds_each=1.0, workers=2, budget=0.0)
    assert roster is not None
    report = verify(problem, roster_frame(problem, roster))
    assert report.ok
    days = {e: sorted(a.day for a in roster if a.employee_id == e) for e in ("E1", "E2", "E3")}
    assert len(days["E1"]) == 2
    assert days["E2"] == days["E3"] == sorted({0, 1, 2} - set(days["E1"]))
    assert report.costs.objective == OVER
    alone = person_by_person(problem, seconds_each=1.0, workers=1, budget=None)
    assert alone is not None
    assert verify(problem, roster_frame(problem, alone)).ok
    assert not [a for a in alone if a.employee_id == "E3"]


@pytest.mark.parametrize("required", [1, 2])
def test_person_by_person_takes_paths_past_twelve_weeks(
    monkeypatch: pytest.MonkeyPatch, required: int
) -> None:
    """Over 91 days each first schedule is a shortest path, the first pass alone is valid, and
    the re-solves by paths, with no CP-SAT solve, reach the optimum (5 on and 2 off at most)."""
    # One a day: someone on D every day. Two a day: both work 65 days, 13 runs of 5 (the passes
    # stop paying while the cover is short, and the start ends there).
    paths: list[bool] = []
    schedule = Sequencer.schedule
    person_solver = neighbourhood._person_solver
    cp_sat: list[int] = []

    def counted(seed: int) -> cp_model.CpSolver:
        cp_sat.append(seed)
        return person_solver(seed)

    monkeypatch.setattr(neighbourhood, "_person_solver", counted)

    def spied(self: Sequencer, *args: Any, **kwargs: Any) -> list[Assignment] | None:
        shifts = schedule(self, *args, **kwargs)
        if kwargs.get("keep") is None:
            paths.append(shifts is not None)
        return shifts

    monkeypatch.setattr(Sequencer, "schedule", spied)
    rules = {"max_consecutive_days": 5, "min_days_off": 2}
    days = neighbourhood.SEQUENCE_AFTER_DAYS + 7
    problem = scenario(
        days=days,
        employees=(person("E1", **rules), person("E2", **rules)),
        shift_demand=tuple(line(d, required) for d in range(days)),
    )
    first_pass = person_by_person(problem, seconds_each=1.0, budget=0.0)
    assert first_pass is not None
    assert paths == [True, True]
    assert verify(problem, roster_frame(problem, first_pass)).ok
    roster = person_by_person(problem, seconds_each=1.0)
    assert roster is not None
    report = verify(problem, roster_frame(problem, roster))
    assert report.ok
    if required == 1:
        assert report.costs.objective == 0
    else:
        assert Counter(a.employee_id for a in roster) == {"E1": 65, "E2": 65}
    assert cp_sat == []


class _SlowModel(RosterModel):
    """A person's model with a largest independent set beside it (200 nodes, a random graph):
    CP-SAT finds sets at once but cannot prove the largest in seconds."""

    def __init__(self, scenario: Scenario) -> None:
        self.nodes: list[cp_model.IntVar] = []
        super().__init__(scenario)
        chance = random.Random(0)
        self.nodes = [self.model.new_bool_var(f"node{i}") for i in range(200)]
        for i, j in itertools.combinations(range(200), 2):
            if chance.random() < 0.08:
                self.model.add_bool_or([self.nodes[i].Not(), self.nodes[j].Not()])
        self.model.maximize(sum(self.nodes))

    def minimize_with(self, extra: Sequence[tuple[cp_model.LinearExprT, int]]) -> None:
        """The largest set, whatever the shifts' prices."""
        self.model.maximize(sum(self.nodes))


def test_person_by_person_stop_ends_the_solves_under_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stop after 0.3 s ends two person solves that had 30 s each, within a second."""
    monkeypatch.setattr(neighbourhood, "RosterModel", _SlowModel)
    began = time.perf_counter()
    roster = person_by_person(
        two_people(),
        seconds_each=30.0,
        stop=lambda: time.perf_counter() - began > 0.3,
        workers=2,
        budget=0.0,
    )
    assert roster is None
    assert time.perf_counter() - began < 1.5


def test_first_after_stops_at_its_time_with_a_solution() -> None:
    """A solve that cannot prove its optimum in seconds ends at 0.2 s with a solution."""
    built = _SlowModel(two_people())
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    until = FirstAfter(solver, 0.2, 30.0)
    began = time.perf_counter()
    code = solver.solve(built.model, until)
    until.cancel()
    assert code == cp_model.FEASIBLE
    assert time.perf_counter() - began < 1.5


def test_first_after_waits_past_its_time_for_a_solution_within_its_gap() -> None:
    """A solve whose solution is outside its gap goes on past its time to its patience."""
    # No solution meets the gap (the largest set cannot be proven), so a solve with a solution at
    # 0.2 s goes on to its patience (1 s more) rather than stopping at 0.2 s.
    built = _SlowModel(two_people())
    # Minimised, so that a solution's gap to the bound is positive.
    built.model.minimize(-sum(built.nodes))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    until = FirstAfter(solver, 0.2, 1.0, gap=0.0)
    began = time.perf_counter()
    code = solver.solve(built.model, until)
    until.cancel()
    assert code == cp_model.FEASIBLE
    assert time.perf_counter() - began > 1.0


class _Stoppable:
    """Stands in for a solver: counts the stops asked of it."""

    best_bound_callback: Any = None

    def __init__(self) -> None:
        self.stops = 0

    def stop_search(self) -> None:
        self.stops += 1


def test_a_stalled_bound_stops_the_solve_and_a_rising_one_does_not() -> None:
    """The solve is stopped once its bound has not risen for the patience, not while it rises."""
    # Nor is it stopped after the watch is cancelled.
    solver = _Stoppable()
    watch = StopOnStalledBound(solver, patience=0.5)  # type: ignore[arg-type]
    for bound in range(8):
        solver.best_bound_callback(bound)
        time.sleep(0.1)
    assert solver.stops == 0
    time.sleep(1.5)
    assert solver.stops == 1
    cancelled = _Stoppable()
    StopOnStalledBound(cancelled, patience=0.3).cancel()  # type: ignore[arg-type]
    time.sleep(0.5)
    assert cancelled.stops == 0
    watch.cancel()


def test_person_by_person_gives_up_on_impossible_rules() -> None:
    """Someone who must work 24 h in a 2-day horizon has no schedule: None."""
    problem = scenario(days=2, employees=(person("E1", min_total_minutes=24 * 60),))
    assert person_by_person(problem, seconds_each=1.0) is None


def test_person_by_person_stops_when_told() -> None:
    """A stop that says give up ends the start with no roster, side by side or not."""
    # Time up and Ctrl-C are such stops.
    for workers in (1, 2):
        roster = person_by_person(two_people(), 1.0, stop=lambda: True, workers=workers, budget=0.5)
        assert roster is None


def test_only_front_office_day_level_scenarios_are_built_by_person() -> None:
    """Back-office people (desks tie them together) or interval demand rule it out."""
    assert can_build_by_person(two_people())
    back = dataclasses.replace(employee("B1", 0), office=Office.BACK)
    assert not can_build_by_person(scenario(employees=(person(), back)))


def test_fixed_neighbourhood_keeps_the_roster_and_release_restores_domains() -> None:
    """Fixing everyone to a roster leaves only that roster; release frees the literals again."""
    problem = two_people()
    built = RosterModel(problem)
    roster = person_by_person(problem, seconds_each=1.0)
    assert roster is not None
    hood = Neighbourhoods(built)
    hood.fix(roster_values(built, roster))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(built.model) == cp_model.OPTIMAL
    assert sorted(built.shifts(solver.value), key=str) == sorted(roster, key=str)
    hood.release()
    domains = {tuple(built.model.proto.variables[v.index].domain) for v in built.x.values()}
    assert domains == {(0, 1)}


def test_completed_hint_gives_every_value_with_the_hinted_ones_held_and_restores_domains() -> None:
    """x hinted 1 forces y = 1 - x and the cheapest z >= 3x; domains come back as they were."""
    model = cp_model.CpModel()
    x, y = model.new_bool_var("x"), model.new_bool_var("y")
    z = model.new_int_var(0, 10, "z")
    model.add(x + y == 1)
    model.add(z >= 3 * x)
    model.minimize(z - 5 * x)
    model.add_hint(x, 1)
    assert completed_hint(model, 5.0, 1, 0) == [1, 0, 3]
    assert [list(v.domain) for v in model.proto.variables] == [[0, 1], [0, 1], [0, 10]]
    assert list(model.proto.solution_hint.vars) == [x.index]


def test_completed_hint_is_none_where_the_hinted_values_break_the_model() -> None:
    """Two variables hinted 1 under an at-most-one leave no solution to complete."""
    model = cp_model.CpModel()
    x, y = model.new_bool_var("x"), model.new_bool_var("y")
    model.add_at_most_one(x, y)
    model.add_hint(x, 1)
    model.add_hint(y, 1)
    assert completed_hint(model, 5.0, 1, 0) is None
    assert [list(v.domain) for v in model.proto.variables] == [[0, 1], [0, 1]]


def test_a_neighbourhood_fixed_after_another_frees_and_fixes_only_its_own() -> None:
    """A second fix without a release frees its literals and fixes the ones the first left free."""
    # Release then gives every literal its 0..1 domain back.
    problem = two_people()
    built = RosterModel(problem)
    roster = person_by_person(problem, seconds_each=1.0)
    assert roster is not None
    value = roster_values(built, roster)
    hood = Neighbourhoods(built)

    def free_days() -> set[int]:
        proto = built.model.proto.variables
        return {
            built.work[index].day
            for (_, index), var in built.x.items()
            if tuple(proto[var.index].domain) == (0, 1)
        }

    hood.fix(value, Neighbourhood("days", days=frozenset({0, 1})))
    assert free_days() == {0, 1}
    hood.fix(value, Neighbourhood("days", days=frozenset({1, 2})))
    assert free_days() == {1, 2}
    fixed = [
        (tuple(built.model.proto.variables[var.index].domain), value(var))
        for (_, index), var in built.x.items()
        if built.work[index].day == 0
    ]
    assert fixed and all(domain == (on, on) for domain, on in fixed)
    hood.release()
    domains = {tuple(built.model.proto.variables[v.index].domain) for v in built.x.values()}
    assert domains == {(0, 1)}


def test_a_fix_told_the_roster_changed_only_inside_the_last_neighbourhood_matches_a_full_one() -> (
    None
):
    """With ``same_outside`` a fix leaves every domain as a fix of the whole model does."""
    # It visits only the last and the new neighbourhood's literals; the fix of the whole model
    # starts from scratch.
    problem = two_people()
    built = RosterModel(problem)
    roster = person_by_person(problem, seconds_each=1.0)
    assert roster is not None
    value = roster_values(built, roster)
    day = {var.index: built.work[index].day for (_, index), var in built.x.items()}

    def changed(var: Any) -> int:
        """The roster with every literal of days 0 and 1 flipped: a sub-problem's solution."""
        return 1 - value(var) if day[var.index] in (0, 1) else value(var)

    second = Neighbourhood("days", days=frozenset({1, 2}))
    hood = Neighbourhoods(built)
    hood.fix(value, Neighbourhood("days", days=frozenset({0, 1})))
    hood.fix(changed, second, same_outside=True)
    domains = [tuple(v.domain) for v in built.model.proto.variables]
    hood.release()
    fresh = Neighbourhoods(built)
    fresh.fix(changed, second)
    assert domains == [tuple(v.domain) for v in built.model.proto.variables]
    assert any(d == (1, 1) for d in domains) and any(d == (0, 0) for d in domains)
    fresh.release()


def test_neighbourhoods_take_turns_and_grow_and_shrink() -> None:
    """People then days; a proven sub-problem grows its kind, a cut-short one shrinks it."""
    built = RosterModel(dataclasses.replace(two_people(), shifts=(D,)))
    hood = Neighbourhoods(built, seed=0)
    people, days = hood.choose(), hood.choose()
    assert (people.kind, days.kind) == ("people", "days")
    assert people.days is None and days.people is None
    hood.adapt(people, proven=True)
    assert hood.size["people"] == 2  # both people: the whole model
    assert hood.is_whole(Neighbourhood("people", people=frozenset({"E1", "E2"})))
    hood.adapt(days, proven=False)
    assert hood.size["days"] == 2


def test_each_kind_grows_and_shrinks_its_own_size() -> None:
    """A window's outcome sizes the windows alone, a costly draw's the costly kind alone."""
    built = RosterModel(scenario(days=14, employees=two_people().employees))
    hood = Neighbourhoods(built, seed=0)
    kinds = [hood.choose() for _ in range(3)]
    assert [free.kind for free in kinds] == ["people", "days", "costly"]
    assert hood.size["days"] == hood.size["costly"] == 7
    hood.adapt(kinds[2], proven=True)
    hood.adapt(kinds[2], proven=True)
    hood.adapt(kinds[1], proven=False)
    assert (hood.size["days"], hood.size["costly"]) == (6, 9)
    sizes = {free.kind: len(free.days or ()) for free in (hood.choose() for _ in range(30))}
    assert (sizes["days"], sizes["costly"]) == (6, 9)


def test_kinds_take_a_turn_each_then_are_drawn_by_their_rate() -> None:
    """Kinds take a turn each, then are drawn by their gain per second."""
    # A kind gaining ten times as much per second is drawn about ten times as often, and a kind
    # gaining nothing still gets its floor's share.
    built = RosterModel(scenario(days=14, employees=two_people().employees))
    hood = Neighbourhoods(built, seed=0)
    first = [hood.choose() for _ in range(3)]
    # One template: no types kind.
    assert [free.kind for free in first] == [k for k in neighbourhood.KINDS if k != "types"]
    for free, gain_rate in zip(first, (0.01, 0.1, 0.0), strict=True):
        hood.adapt(free, proven=False, improved=gain_rate > 0, gain_rate=gain_rate)
    assert hood.rate == pytest.approx({"people": 0.003, "days": 0.03, "costly": 0.0})
    drawn = Counter(hood.choose().kind for _ in range(1_200))
    # Weights 0.003, 0.03 and the floor 0.003: 1/12, 10/12 and 1/12 of the draws.
    assert 800 <= drawn["days"] <= 1_200 and 60 <= drawn["people"] <= 140
    assert 60 <= drawn["costly"] <= 140


def test_kinds_share_the_time_not_the_draws_by_their_rate() -> None:
    """Kinds share the time, not the draws, by their rate of gain per second."""
    # Of two kinds gaining alike per second, one whose sub-problems take ten times as long is drawn
    # a tenth as often, so that each gets about half the time; a kind gaining nothing keeps its
    # floor's share of the time, not of the draws.
    built = RosterModel(scenario(days=14, employees=two_people().employees))
    hood = Neighbourhoods(built, seed=0)
    first = [hood.choose() for _ in range(3)]
    for free, gain_rate, seconds in zip(first, (0.1, 0.1, 0.0), (3.0, 0.3, 3.0), strict=True):
        hood.adapt(free, proven=False, improved=gain_rate > 0, gain_rate=gain_rate, seconds=seconds)
    assert hood.seconds == pytest.approx({"people": 3.0, "days": 0.3, "costly": 3.0})
    drawn = Counter(hood.choose().kind for _ in range(1_200))
    # Weights 0.03 / 3, 0.03 / 0.3 and the floor 0.003 / 3: 10/111, 100/111 and 1/111.
    assert 70 <= drawn["people"] <= 150 and 1_000 <= drawn["days"] <= 1_150
    assert drawn["costly"] <= 30
    # Folded in as the rate is: 0.7 of the old time kept.
    hood.adapt(first[1], proven=False, seconds=1.3)
    assert hood.seconds["days"] == pytest.approx(0.6)


def test_a_neighbourhood_that_improved_keeps_its_size() -> None:
    """A proven sub-problem that found a better roster keeps its kind's size."""
    # One that found nothing grows it.
    built = RosterModel(scenario(days=7, employees=two_people().employees))
    hood = Neighbourhoods(built, seed=0)
    hood.choose()
    days = hood.choose()
    assert days.kind == "days" and hood.size["days"] == 7
    hood.adapt(days, proven=False)
    hood.adapt(days, proven=True, improved=True)
    assert hood.size["days"] == 6
    hood.adapt(days, proven=True)
    assert hood.size["days"] == 7


def test_past_twelve_weeks_a_kind_halves_its_size_until_first_proven() -> None:
    """Past twelve weeks a cut-short kind halves its size until one of it is proven."""
    # Then it steps by one, as on a shorter horizon, where a cut-short one steps down by one.
    employees = two_people().employees
    long = Neighbourhoods(
        RosterModel(scenario(days=PEOPLE_WHOLE_HORIZON_DAYS + 1, employees=employees)), seed=0
    )
    long.choose()
    days = long.choose()
    assert days.kind == "days" and long.size["days"] == 7
    long.adapt(days, proven=False)
    assert long.size["days"] == 3
    long.adapt(days, proven=True)
    assert long.size["days"] == 4
    long.adapt(days, proven=False)
    assert long.size["days"] == 3
    short = Neighbourhoods(
        RosterModel(scenario(days=PEOPLE_WHOLE_HORIZON_DAYS, employees=employees)), seed=0
    )
    short.choose()
    days = short.choose()
    short.adapt(days, proven=False)
    assert short.size["days"] == 6


def test_windows_of_days_free_every_day_as_often() -> None:
    """Windows of days free every day, the horizon's ends too, in about the same share."""
    # A window of days wraps round from the last day to the first; each window is of the kind's
    # size.
    built = RosterModel(scenario(days=14, employees=two_people().employees))
    hood = Neighbourhoods(built, seed=0, kinds=("days",))
    windows = [hood.choose() for _ in range(1_400)]
    assert all(free.days is not None and len(free.days) == 7 for free in windows)
    freed = Counter(day for free in windows for day in free.days or ())
    assert sorted(freed) == list(range(14))
    # Kept inside the horizon, day 0 would be free in 1 window of 8 and day 7 in 7 of 8.
    assert min(freed.values()) > 0.8 * max(freed.values())
    assert any({0, 13} <= (free.days or set()) for free in windows)


def _ones_on(problem: Scenario, days: Sequence[int], employee_id: str = "E1") -> list[Assignment]:
    """``employee_id`` on the scenario's first template on each of ``days``."""
    template = problem.shifts[0]
    return [Assignment(employee_id, day, template.shift_id, *template.span_on(day)) for day in days]


def test_costly_neighbourhoods_draw_days_by_their_cover_cost() -> None:
    """The costly kind draws the days left short or over by their cost, then random days."""
    # Chances are in proportion to the cost, random days fill it up to its size, and the days' costs
    # sum to the verifier's objective.
    problem = scenario(
        days=7,
        employees=(person("E1"), person("E2")),
        shift_demand=tuple(line(d, 2 if d == 3 else 1) for d in range(7)),
    )
    built = RosterModel(problem)
    roster = _ones_on(problem, [0, 1, 4]) + _ones_on(problem, [1], "E2")
    value = roster_values(built, roster)
    costs = built.day_cover_costs(value)
    # Day 1 one over, days 2, 5 and 6 one short, day 3 two short.
    assert {day: cost for day, cost in costs.items() if cost} == {
        1: OVER,
        2: UNDER,
        3: 2 * UNDER,
        5: UNDER,
        6: UNDER,
    }
    assert sum(costs.values()) == verify(problem, roster_frame(problem, roster)).costs.objective
    hood = Neighbourhoods(built, seed=0, kinds=("costly",))
    hood.size["costly"] = 6
    chosen = hood.choose(value).days
    assert chosen is not None and len(chosen) == 6 and {1, 2, 3, 5, 6} < chosen
    # One day at a time: day 3 in about two fifths of the draws (200 of 501), the other short
    # days a fifth each, the day one over hardly ever; never a day that costs nothing.
    hood.size["costly"] = 1
    drawn = Counter(day for _ in range(600) for day in hood.choose(value).days or ())
    assert set(drawn) <= {1, 2, 3, 5, 6}
    assert 190 <= drawn[3] <= 290
    assert all(80 <= drawn[day] <= 160 for day in (2, 5, 6))
    assert drawn[1] <= 10


def _own_cost_roster() -> tuple[Scenario, RosterModel, Any]:
    """E1 asked day 2 off (weight 3) and works it, E2 asked for day 5 (weight 2) and works day
    1, both on their 8 h contracts; E3 has a 2 h contract and works nothing, E4 none and works
    nothing. Solved with that roster fixed: the built model and a value per variable."""
    eight = [dataclasses.replace(person(e), contract_minutes=480) for e in ("E1", "E2")]
    problem = scenario(
        days=7,
        employees=(*eight, employee("E3", 2), employee("E4", 0)),
        shift_demand=tuple(line(d, 1) for d in range(7)),
        shift_requests=(
            ShiftRequest("E1", 2, "D", AvailabilityKind.AVOID, 3),
            ShiftRequest("E2", 5, "D", AvailabilityKind.PREFER, 2),
        ),
        weights=dataclasses.replace(scenario().weights, contract=1),
    )
    roster = _ones_on(problem, [2]) + _ones_on(problem, [1], "E2")
    return (problem, *_solved_with(problem, roster))


def _solved_with(problem: Scenario, roster: list[Assignment]) -> tuple[RosterModel, Any]:
    """The model of ``problem`` solved with ``roster`` fixed, and a value per variable; the
    verifier finds the roster valid at the solver's objective."""
    built = RosterModel(problem)
    Neighbourhoods(built).fix(roster_values(built, roster))
    solver = cp_model.CpSolver()
    assert solver.solve(built.model) == cp_model.OPTIMAL
    values = list(solver.response_proto.solution)
    report = verify(problem, roster_frame(problem, roster))
    assert report.ok and report.costs.objective == round(solver.objective_value)
    return built, lambda var: values[var.index]


def test_own_costs_are_each_persons_part_of_the_objective() -> None:
    """Own costs are each person's refused requests and time off contract, weighted."""
    # With the days' cover costs they sum to the verifier's objective.
    problem, built, value = _own_cost_roster()
    own = built.own_costs(value)
    assert own == {"E1": 3, "E2": 2, "E3": 120, "E4": 0}
    roster = built.assignments(value)
    objective = verify(problem, roster_frame(problem, roster)).costs.objective
    assert sum(own.values()) + sum(built.day_cover_costs(value).values()) == objective


def test_own_costs_charge_the_top_of_a_fairness_group() -> None:
    """Own costs charge only those at the top of a group's weekend loads."""
    # Each is charged what the spread would lose were the top brought down to the next load; one
    # load charges no one.
    eight = tuple(dataclasses.replace(person(e), contract_minutes=480) for e in ("E1", "E2", "E3"))
    problem = scenario(
        days=7, employees=eight, weights=dataclasses.replace(DAY_WEIGHTS, fairness=3)
    )
    saturday, sunday = sorted(problem.horizon.weekend_days())
    load = fairness_factor(eight[0])
    both_days = _ones_on(problem, [saturday, sunday])
    built, value = _solved_with(problem, both_days + _ones_on(problem, [saturday], "E2"))
    assert built.own_costs(value) == {"E1": 3 * load, "E2": 0, "E3": 0}
    built, value = _solved_with(problem, both_days + _ones_on(problem, [saturday, sunday], "E2"))
    assert built.own_costs(value) == {"E1": 6 * load, "E2": 6 * load, "E3": 0}
    built, value = _solved_with(problem, [])
    assert built.own_costs(value) == {"E1": 0, "E2": 0, "E3": 0}


def test_costly_people_neighbourhoods_draw_half_by_own_cost() -> None:
    """Half a costly-people neighbourhood is drawn by own cost, the rest at random."""
    # The half is drawn from the people with an own cost, with chances in proportion to it; without
    # a whole solution, all are drawn at random.
    _, built, value = _own_cost_roster()
    hood = Neighbourhoods(built, seed=0, kinds=("costly_people",))
    hood.size["costly_people"] = 1
    drawn = Counter(p for _ in range(500) for p in hood.choose(value, complete=True).people or ())
    # E3 costs 120 of 125: nearly always; never E4, who costs nothing.
    assert drawn["E3"] >= 470 and drawn["E4"] == 0
    hood.size["costly_people"] = 4
    free = hood.choose(value, complete=True)
    assert free.kind == "costly_people" and free.people == {"E1", "E2", "E3", "E4"}
    hood.size["costly_people"] = 2
    halves = Counter(p for _ in range(400) for p in hood.choose(value, complete=True).people or ())
    assert halves["E3"] >= 390 and 50 <= halves["E4"] <= 220
    guessed = Counter(p for _ in range(400) for p in hood.choose(value).people or ())
    assert all(150 <= guessed[p] <= 250 for p in ("E1", "E2", "E3", "E4"))


def test_costly_people_join_the_decomposed_search_only_where_nothing_is_short() -> None:
    """The decomposed search adds costly people only where the best roster leaves nothing short."""
    # They join its people neighbourhoods where the best roster meets every cover line; where one is
    # short it keeps to random people.
    _, built, value = _own_cost_roster()
    search = search_module._Search(built.scenario, "aggregated", 1.0, 1, 0, 0.0)
    assert search_module._people_kinds(search) == ("people",)
    search.best = (built, value)
    assert search_module._people_kinds(search) == ("people",)  # five days short
    roster = _ones_on(built.scenario, range(7))
    assert verify(built.scenario, roster_frame(built.scenario, roster)).costs.day_short == 0
    search.best = _solved_with(built.scenario, roster)
    assert search_module._people_kinds(search) == ("people", "costly_people")


def test_people_neighbourhoods_free_a_window_of_a_long_horizon() -> None:
    """Over 16 weeks a people neighbourhood frees its people on 4 weeks, not the whole horizon."""
    built = RosterModel(scenario(days=112, employees=two_people().employees))
    hood = Neighbourhoods(built, seed=0)
    for _ in range(4):
        free = hood.choose()
        if free.kind == "people":
            assert free.days is not None and len(free.days) == PEOPLE_WINDOW_DAYS
            assert max(free.days) < 112
            assert not hood.is_whole(free)


def _solved(built: RosterModel) -> Any:
    """A solution of ``built`` as a value per variable, its roster checked by the verifier."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(built.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    roster = built.assignments(solver.value)
    report = verify(built.scenario, roster_frame(built.scenario, roster))
    assert report.ok and report.costs.objective == round(solver.objective_value)
    return lambda var: int(solver.value(var))


@pytest.mark.parametrize("breaks", [True, False])
def test_neighbourhoods_fix_the_breaks_of_the_days_they_fix_if_told(breaks: bool) -> None:
    """With ``breaks``, a window of days fixes the other days' breaks and leaves its own free."""
    # Every break variable of the other days is fixed to its value; without ``breaks`` every break
    # stays free; release frees them all.
    built = RosterModel(make_scenario(horizon=Horizon(START, days=3, interval_minutes=15)))
    value = _solved(built)
    proto = built.model.proto.variables
    before = [tuple(v.domain) for v in proto]
    hood = Neighbourhoods(built, breaks=breaks)
    hood.fix(value, Neighbourhood("days", days=frozenset({1})))
    for (index, _, _), slots in built.break_vars.items():
        for _, var in slots:
            fixed = breaks and built.work[index].day != 1
            domain = tuple(proto[var.index].domain)
            assert domain == ((value(var),) * 2 if fixed else before[var.index])
    hood.release()
    assert [tuple(v.domain) for v in proto] == before


def test_people_neighbourhoods_with_breaks_free_one_week_past_a_week() -> None:
    """Past a week, a people neighbourhood frees the breaks of one 7-day block, not every day's."""
    # This is where breaks are fixed by day; the neighbourhood frees its people and the breaks on
    # that block.
    built = RosterModel(make_scenario(horizon=Horizon(START, days=10, interval_minutes=15)))
    hood = Neighbourhoods(built, seed=0, kinds=("people",), breaks=True)
    windows = {hood.choose().days for _ in range(12)}
    assert windows == {frozenset(range(7)), frozenset(range(7, 10))}
    week = Neighbourhoods(RosterModel(make_scenario()), kinds=("people",), breaks=True)
    assert week.choose().days is None


def test_costly_kind_only_up_to_twelve_weeks() -> None:
    """The costly kind takes its turn up to 12 weeks and is left out past them."""
    employees = two_people().employees
    days = PEOPLE_WHOLE_HORIZON_DAYS
    short = Neighbourhoods(RosterModel(scenario(days=days, employees=employees)))
    long = Neighbourhoods(RosterModel(scenario(days=days + 1, employees=employees)))
    assert {short.choose().kind for _ in range(3)} == {"people", "days", "costly"}
    assert {long.choose().kind for _ in range(6)} == {"people", "days"}


def three_templates(days: int = 3) -> Scenario:
    """Two people, templates D, E and L, one person wanted on each every day."""
    return scenario(
        days=days,
        employees=two_people().employees,
        shifts=(D, E, L),
        shift_demand=tuple(line(d, 1, s) for d in range(days) for s in ("D", "E", "L")),
    )


def test_types_neighbourhoods_free_everyones_shifts_of_their_templates() -> None:
    """A types neighbourhood frees every person's shifts of its templates on every day, no other."""
    built = RosterModel(three_templates())
    hood = Neighbourhoods(built, seed=0, kinds=("types",))
    assert hood.size["types"] == 1  # half of three templates, rounded down
    hood.size["types"] = 2
    free = hood.choose()
    assert free.kind == "types" and free.templates is not None and len(free.templates) == 2
    assert free.people is None and free.days is None and not hood.is_whole(free)
    hood.fix(lambda var: 0, free)
    proto = built.model.proto.variables
    open_cells = {
        (employee_id, built.work[index].day, built.work[index].template.shift_id)
        for (employee_id, index), var in built.x.items()
        if tuple(proto[var.index].domain) == (0, 1)
    }
    assert open_cells == set(itertools.product(("E1", "E2"), range(3), free.templates))
    hood.release()


def d_and_e_every_day(days: int) -> list[Assignment]:
    """E1 on template D and E2 on E on each of ``days`` days."""
    return [
        Assignment(employee_id, day, template.shift_id, *template.span_on(day))
        for employee_id, template in (("E1", D), ("E2", E))
        for day in range(days)
    ]


def test_types_neighbourhoods_draw_half_their_templates_by_cover_cost() -> None:
    """A types neighbourhood draws up to half its templates by cover cost, the rest at random."""
    problem = three_templates()
    built = RosterModel(problem)
    # E1 on D and E2 on E every day: L is one short on each of the three days.
    roster = d_and_e_every_day(3)
    value = roster_values(built, roster)
    costs = built.template_cover_costs(value)
    assert {shift_id: cost for shift_id, cost in costs.items() if cost} == {"L": 3 * UNDER}
    assert sum(costs.values()) == verify(problem, roster_frame(problem, roster)).costs.objective
    hood = Neighbourhoods(built, seed=0, kinds=("types",))
    assert all(hood.choose(value).templates == {"L"} for _ in range(20))
    hood.size["types"] = 2
    pairs = [hood.choose(value).templates or frozenset() for _ in range(40)]
    assert all("L" in pair and len(pair) == 2 for pair in pairs)
    assert {frozenset({"L", "D"}), frozenset({"L", "E"})} == set(pairs)


def test_types_neighbourhoods_past_twelve_weeks_draw_by_their_windows_cover_cost() -> None:
    """Past twelve weeks a types neighbourhood draws its templates by the cost in its window."""
    days = PEOPLE_WHOLE_HORIZON_DAYS + 7
    # D and E wanted every day, L only on day 0: E1 on D and E2 on E leave L short on day 0.
    lines = [line(d, 1, s) for d in range(days) for s in ("D", "E")] + [line(0, 1, "L")]
    problem = dataclasses.replace(three_templates(days), shift_demand=tuple(lines))
    built = RosterModel(problem)
    value = roster_values(built, d_and_e_every_day(days))
    assert {k: c for k, c in built.template_cover_costs(value, range(7)).items() if c} == {
        "L": UNDER
    }
    assert not any(built.template_cover_costs(value, range(7, days)).values())
    hood = Neighbourhoods(built, seed=0, kinds=("types",))
    drawn: dict[bool, set[frozenset[str]]] = {True: set(), False: set()}
    for _ in range(60):
        free = hood.choose(value)
        assert free.days is not None and len(free.days) == PEOPLE_WINDOW_DAYS
        assert free.templates is not None
        drawn[0 in free.days].add(free.templates)
    # With day 0 in the window L is always drawn; without it the draw is at random.
    assert drawn[True] == {frozenset({"L"})}
    assert drawn[False] == {frozenset({"D"}), frozenset({"E"}), frozenset({"L"})}


def test_types_kind_needs_two_templates_and_grows_to_the_whole_model() -> None:
    """With one template there is no types kind; with three it grows to all, the whole model."""
    one = Neighbourhoods(RosterModel(scenario(days=3, employees=two_people().employees)))
    assert "types" not in one.kinds
    hood = Neighbourhoods(RosterModel(three_templates()), kinds=("types",))
    for _ in range(4):
        hood.adapt(hood.choose(), proven=True)
    assert hood.size["types"] == 3
    assert hood.is_whole(hood.choose())
    hood.adapt(hood.choose(), proven=False)
    assert hood.size["types"] == 2


def test_every_template_is_not_the_whole_model_beside_flex_days() -> None:
    """With a back-office person, all templates free still leave the flex days fixed."""
    back = dataclasses.replace(employee("B1", 0), office=Office.BACK)
    problem = dataclasses.replace(three_templates(), employees=(person(), back))
    hood = Neighbourhoods(RosterModel(problem), kinds=("types",))
    every = Neighbourhood("types", templates=frozenset({"D", "E", "L"}))
    assert not hood.is_whole(every)
    assert len(hood.literals(every)) < len(hood.built.x)
    front = Neighbourhoods(RosterModel(three_templates()), kinds=("types",))
    assert front.is_whole(every) and len(front.literals(every)) == len(front.built.x)


def test_types_neighbourhoods_free_a_window_of_a_long_horizon() -> None:
    """Past 12 weeks a types neighbourhood frees its templates on 4 weeks, not the whole horizon."""
    built = RosterModel(three_templates(days=PEOPLE_WHOLE_HORIZON_DAYS + 1))
    free = Neighbourhoods(built, seed=0, kinds=("types",)).choose()
    assert free.days is not None and len(free.days) == PEOPLE_WINDOW_DAYS


def test_people_neighbourhoods_free_every_day_of_twelve_weeks() -> None:
    """Up to 12 weeks a people neighbourhood frees its people on every day of the horizon."""
    built = RosterModel(scenario(days=PEOPLE_WHOLE_HORIZON_DAYS, employees=two_people().employees))
    hood = Neighbourhoods(built, seed=0)
    people = [free for free in (hood.choose() for _ in range(4)) if free.kind == "people"]
    assert people and all(free.days is None for free in people)


def test_day_level_solve_takes_a_hint() -> None:
    """A given roster seeds the day-level search; the result is still the proven optimum."""
    problem = two_people()
    start = person_by_person(problem, seconds_each=1.0)
    result = solve(problem, time_limit=5.0, workers=1, seed=0, hint=start)
    assert result.status == "optimal"
    assert result.report is not None and result.report.ok
    assert result.objective == 0


@pytest.mark.parametrize(
    ("most", "relaxed_most", "started", "shares"),
    [
        (1_000, search_module.RELAXED_MOST, True, [search_module.SMALL_WHOLE_MODEL_SHARE]),
        (0, search_module.RELAXED_MOST, True, []),
        (0, 0, True, []),
        (0, search_module.RELAXED_MOST, False, [search_module.WHOLE_MODEL_SHARE]),
    ],
)
def test_the_whole_day_level_model_runs_where_it_is_needed(
    monkeypatch: pytest.MonkeyPatch,
    most: int,
    relaxed_most: int,
    started: bool,
    shares: list[float],
) -> None:
    """The whole day-level model's share of the time follows the model's size and the start."""
    # Up to SMALL_MODEL_ASSIGNMENTS literals it gets SMALL_WHOLE_MODEL_SHARE of the time after the
    # start; past them WHOLE_MODEL_SHARE only where there is no start, with or without the LP
    # beside; the roster is the optimum in each case.
    monkeypatch.setattr(search_module, "SMALL_MODEL_ASSIGNMENTS", most)
    monkeypatch.setattr(search_module, "RELAXED_MOST", relaxed_most)
    if not started:
        monkeypatch.setattr(search_module, "can_build_by_person", lambda scenario: False)
    seen: list[float] = []
    run = search_module._Search.run

    def recording(self: Any, built: RosterModel, seconds: float, *args: Any, **kwargs: Any) -> int:
        if kwargs.get("phase") == "whole":
            seen.append(seconds / self.remaining())
        return run(self, built, seconds, *args, **kwargs)

    monkeypatch.setattr(search_module._Search, "run", recording)
    result = solve(two_people(), time_limit=5.0, workers=1, seed=0)
    assert result.report is not None and result.report.ok
    assert result.objective == 0
    assert seen == [pytest.approx(share, abs=0.01) for share in shares]


def test_fixed_domains_come_back_as_they_were() -> None:
    """A variable fixed twice over gets its first domain back, last fixing undone first."""
    model = cp_model.CpModel()
    x = model.new_int_var(0, 5, "x")
    model.maximize(x)
    saved = fix_domains(model, {x.index: 2})
    saved += fix_domains(model, {x.index: 4})
    solver = cp_model.CpSolver()
    assert solver.solve(model) == cp_model.OPTIMAL and solver.value(x) == 4
    restore_domains(model, saved)
    assert list(model.proto.variables[x.index].domain) == [0, 5]
    assert solver.solve(model) == cp_model.OPTIMAL and solver.value(x) == 5
