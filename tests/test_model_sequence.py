"""One person's schedule by shortest paths over days (scheduler.model.sequence): exact optima of
tiny priced scenarios, each rule binding in turn, agreement with CP-SAT's optimum of the same
person's model, and None where the verifier finds a rule the paths do not know broken."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model
from test_day_level import D, E, L, person, scenario

from scheduler.data import Assignment, Scenario
from scheduler.io.roster import roster_frame
from scheduler.model.roster import RosterModel
from scheduler.model.sequence import Sequencer, _Runs, schedule_alone
from scheduler.verify import verify

Prices = dict[tuple[int, str], int]


def paid(days: int, amount: int = 10, shift_id: str = "D") -> Prices:
    """Working ``shift_id`` on any of ``days`` saves ``amount``."""
    return {(day, shift_id): -amount for day in range(days)}


def cost_of(shifts: list[Assignment], prices: Prices) -> int:
    """What a schedule's shifts cost under ``prices``."""
    return sum(prices.get((a.day, a.shift_id), 0) for a in shifts)


def scheduled(problem: Scenario, prices: Prices) -> list[Assignment]:
    """The path's schedule, which must exist and break no rule."""
    shifts = schedule_alone(problem, prices)
    assert shifts is not None
    assert verify(problem, roster_frame(problem, shifts)).ok
    return shifts


def test_runs_keep_their_lengths() -> None:
    """Nine days paid 10 each, at most 3 in a row, runs of 2 days off: 6 shifts, -60."""
    problem = scenario(
        days=9,
        employees=(person(max_consecutive_days=3, min_consecutive_days=2, min_days_off=2),),
    )
    shifts = scheduled(problem, paid(9))
    assert cost_of(shifts, paid(9)) == -60


def test_first_and_last_runs_may_be_short() -> None:
    """Day 0 and day 4 paid, days 1-3 cost 1, runs of at least 3: the first and last runs,
    one day each, are allowed short (-20)."""
    prices = {(0, "D"): -10, (1, "D"): 1, (2, "D"): 1, (3, "D"): 1, (4, "D"): -10}
    problem = scenario(days=5, employees=(person(min_consecutive_days=3, min_days_off=3),))
    shifts = scheduled(problem, prices)
    assert sorted(a.day for a in shifts) == [0, 4]


def test_weekends_are_capped() -> None:
    """Two weeks from a Monday paid every day, one weekend at most: 12 shifts, one weekend off."""
    problem = scenario(days=14, employees=(person(max_weekends=1),))
    shifts = scheduled(problem, paid(14))
    days = {a.day for a in shifts}
    assert len(days) == 12
    assert {5, 6}.isdisjoint(days) or {12, 13}.isdisjoint(days)


def test_successions_are_kept() -> None:
    """L bars E the next day; L pays 12 on day 0, E 10 on days 1-3 and 5 on day 0, L 1 on
    days 1-3: E every day (-35) beats L then E (-42 without the rule)."""
    prices = {(0, "L"): -12, (0, "E"): -5}
    for day in (1, 2, 3):
        prices[day, "E"] = -10
        prices[day, "L"] = -1
    problem = scenario(days=4, shifts=(E, L))
    shifts = scheduled(problem, prices)
    assert cost_of(shifts, prices) == -35
    assert [a.shift_id for a in shifts] == ["E"] * 4


def test_total_minutes_fit_their_window() -> None:
    """Seven days of 8 h: paid every day with at most 24 h, 3 shifts (-30); costing 1 each
    with at least 40 h, 5 shifts (5)."""
    most = scenario(employees=(person(max_total_minutes=3 * 480),))
    assert cost_of(scheduled(most, paid(7)), paid(7)) == -30
    dear = paid(7, amount=-1)
    least = scenario(employees=(person(min_total_minutes=5 * 480),))
    assert cost_of(scheduled(least, dear), dear) == 5


def test_template_limits_are_kept() -> None:
    """Five days: E pays 10, D 5, E at most twice: 2 E and 3 D (-35)."""
    prices = paid(5, 10, "E") | paid(5, 5, "D")
    problem = scenario(days=5, shifts=(D, E), employees=(person(max_shifts=(("E", 2),)),))
    shifts = scheduled(problem, prices)
    assert cost_of(shifts, prices) == -35
    assert sum(a.shift_id == "E" for a in shifts) == 2


def test_rule_the_paths_do_not_know_gives_none() -> None:
    """At most 2 days a week (which the paths leave to the verifier), paid every day: the
    path works more, the verifier finds it, and no schedule is returned."""
    problem = scenario(employees=(person(max_days=2),))
    assert schedule_alone(problem, paid(7)) is None


def model_optimum(problem: Scenario, prices: Prices) -> int:
    """CP-SAT's optimum of the person's own model under ``prices``, its roster checked by the
    verifier."""
    built = RosterModel(problem)
    built.minimize_with(
        [
            (var, price)
            for (day, shift_id), price in prices.items()
            for var in built.on_shift(day, shift_id)
        ]
    )
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_time_in_seconds = 10.0
    assert solver.solve(built.model) == cp_model.OPTIMAL
    roster = built.shifts(solver.value)
    assert verify(problem, roster_frame(problem, roster)).ok
    assert cost_of(roster, prices) == round(solver.objective_value)
    return round(solver.objective_value)


@settings(max_examples=25, deadline=None)
@given(
    days=st.integers(5, 16),
    longest=st.integers(2, 5),
    shortest=st.integers(1, 3),
    rest=st.integers(1, 3),
    weekends=st.one_of(st.none(), st.integers(0, 2)),
    costs=st.lists(st.integers(-10, 10), min_size=32, max_size=32),
)
def test_paths_match_the_person_model(
    days: int, longest: int, shortest: int, rest: int, weekends: Any, costs: list[int]
) -> None:
    """Without totals, the path's cost is CP-SAT's optimum of the same person's model, for runs,
    days off, weekends and successions drawn at random."""
    rules: dict[str, Any] = {
        "max_consecutive_days": longest,
        "min_consecutive_days": min(shortest, longest),
        "min_days_off": rest,
    }
    if weekends is not None:
        rules["max_weekends"] = weekends
    problem = scenario(days=days, shifts=(E, L), employees=(person(**rules),))
    prices = {(day, s): costs[2 * day + (s == "L")] for day in range(days) for s in "EL"}
    shifts = scheduled(problem, prices)
    assert cost_of(shifts, prices) == model_optimum(problem, prices)


def test_runs_near_a_changed_day_keep_their_lengths() -> None:
    """The swaps' check: a run of one working day or one day off inside the horizon, or of
    four working days, is refused; a short first or last run is not."""
    runs = _Runs(longest=3, shortest=2, rest=2, max_weekends=None, weekend_of=(-1,) * 8)
    assert runs.fine_near([0, 0, -1, -1, 0, 0, -1, -1], 3)
    assert runs.fine_near([0, -1, -1, 0, 0, -1, -1, 0], 0)
    assert runs.fine_near([0, -1, -1, 0, 0, -1, -1, 0], 7)
    assert not runs.fine_near([0, 0, -1, -1, 0, -1, -1, -1], 4)
    assert not runs.fine_near([0, 0, -1, 0, 0, 0, -1, -1], 2)
    assert not runs.fine_near([0, 0, 0, 0, -1, -1, 0, 0], 1)


def test_a_kept_schedule_stays_unless_the_path_costs_less() -> None:
    """Nine days as in the runs test: a kept schedule of 6 shifts (-60) stays, one of 2 shifts
    (-20) gives way to the path's (-60)."""
    problem = scenario(
        days=9,
        employees=(person(max_consecutive_days=3, min_consecutive_days=2, min_days_off=2),),
    )
    best = scheduled(problem, paid(9))
    assert Sequencer().schedule(problem, paid(9), keep=best) is best
    fewer = best[:2]
    assert cost_of(fewer, paid(9)) == -20
    shifts = Sequencer().schedule(problem, paid(9), keep=fewer)
    assert shifts is not None
    assert cost_of(shifts, paid(9)) == -60
