"""Day-level demand and the day-level rules: exact optima of tiny scenarios, and the verifier
catching each rule's violation.

Every scenario here is hand-checkable: templates ``D`` (09:00-17:00) and, where successions
matter, ``E`` (06:00-14:00) and ``L`` (14:00-22:00); no interval demand; intraday rules off
(no rest between shifts, no weekly rest); weights count only the day-level lines and requests
(preference 1, contract, surplus and fairness 0). A cover line costs ``UNDER`` = 100 per person
short and ``OVER`` = 1 per person extra unless a test says otherwise, so an objective reads
``100 * people short + people extra + refused request weight``.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest
from conftest import START, assign, employee, roster, shift

from scheduler.data import (
    MINUTES_PER_DAY,
    AvailabilityKind,
    AvailabilitySpan,
    Horizon,
    Rules,
    Scenario,
    ShiftDemand,
    ShiftRequest,
    Weights,
)
from scheduler.model.roster import RosterModel, run_automaton
from scheduler.solve import Result, solve
from scheduler.verify import RULES, verify

UNDER, OVER = 100, 1
D = shift("D", "09:00", "17:00")
E = shift("E", "06:00", "14:00")
L = dataclasses.replace(shift("L", "14:00", "22:00"), not_followed_by=frozenset({"E"}))
DAY_WEIGHTS = Weights(shortfall=1, contract=0, preference=1, surplus=0, fairness=0)
OPEN = Rules(min_rest_minutes=0, weekly_rest_minutes=0, max_consecutive_days=14)
"""No intraday rule and room for a fortnight in a row: only the rule under test binds."""


def person(employee_id: str = "E1", **rules: Any) -> Any:
    """A front-office person without a contract whose own rule values are ``rules``."""
    return employee(
        employee_id, 0, max_minutes=7 * MINUTES_PER_DAY, rule_changes=tuple(sorted(rules.items()))
    )


def line(day: int, required: int, shift_id: str = "D", **weights: Any) -> ShiftDemand:
    """A cover line with the module's weights unless given."""
    under = weights.get("under", UNDER)
    over = weights.get("over", OVER)
    return ShiftDemand(day, shift_id, required, under, over)


def scenario(days: int = 7, **changes: Any) -> Scenario:
    """E1 alone on template D, no demand; keyword arguments replace fields."""
    base = Scenario(
        horizon=Horizon(START, days=days, interval_minutes=60),
        employees=(person(),),
        shifts=(D,),
        rules=OPEN,
        weights=DAY_WEIGHTS,
        name="day level",
    )
    return dataclasses.replace(base, **changes)


def solved(problem: Scenario) -> Result:
    """Solve to optimality; the verifier finds no violation and the same objective."""
    result = solve(problem, time_limit=5.0, workers=1, seed=0)
    assert result.status == "optimal", f"status {result.status}, conflicts {result.conflicts}"
    assert result.report is not None
    assert result.report.ok, "\n".join(result.report.summary_lines())
    assert result.objective == result.report.costs.objective
    return result


def worked(result: Result, employee_id: str = "E1") -> list[tuple[int, str]]:
    """A person's (day, shift) pairs, sorted."""
    return sorted((a.day, a.shift_id) for a in result.assignments if a.employee_id == employee_id)


def rules_broken(problem: Scenario, *shifts: tuple[str, int, str]) -> list[str]:
    """The rule ids the verifier reports for a roster of ``(person, day, shift)``."""
    frame = roster(problem, *(assign(problem, e, d, s) for e, d, s in shifts))
    return [v.rule for v in verify(problem, frame).violations]


# --------------------------------------------------------------------------- day-level cover


def test_cover_line_short_costs_its_under_weight() -> None:
    """Two wanted on D on Monday, one person: one short, objective 100."""
    result = solved(scenario(shift_demand=(line(0, 2),)))
    assert worked(result) == [(0, "D")]
    assert result.objective == UNDER
    assert result.report is not None
    assert result.report.costs.day_short == 1
    assert result.report.day_cover.loc[0, "assigned"] == 1


def test_cover_line_extra_costs_its_over_weight() -> None:
    """One wanted, two people who each ask for the shift (weight 5): both work, 1 extra, cost 1."""
    asks = tuple(ShiftRequest(e, 0, "D", AvailabilityKind.PREFER, 5) for e in ("E1", "E2"))
    problem = scenario(
        employees=(person("E1"), person("E2")), shift_demand=(line(0, 1),), shift_requests=asks
    )
    result = solved(problem)
    assert worked(result, "E1") == worked(result, "E2") == [(0, "D")]
    assert result.objective == OVER
    assert result.report is not None
    assert (result.report.costs.day_short, result.report.costs.day_over) == (0, 1)


def test_default_cover_weights_follow_the_interval_weights() -> None:
    """Without weights a line costs shortfall x 480 per person short, surplus x 480 per extra."""
    problem = scenario(
        weights=Weights(shortfall=1000, contract=10, preference=600, surplus=2, fairness=0)
    )
    assert problem.cover_weights(ShiftDemand(0, "D", 1)) == (1000 * 480, 2 * 480)
    assert problem.cover_weights(ShiftDemand(0, "D", 1, 7, 0)) == (7, 0)


def test_cover_line_with_a_skill_counts_only_skilled_people() -> None:
    """A lead is wanted; the only lead is unavailable, so the line stays short whoever works."""
    lead = dataclasses.replace(person("E2"), skills=frozenset({"lead"}))
    away = AvailabilitySpan("E2", 0, MINUTES_PER_DAY, AvailabilityKind.UNAVAILABLE)
    wanted = dataclasses.replace(line(0, 1), skill="lead")
    result = solved(
        scenario(employees=(person("E1"), lead), shift_demand=(wanted,), availability=(away,))
    )
    assert result.assignments == []
    assert result.objective == UNDER


# --------------------------------------------------------------------------- max shifts


def test_max_shifts_per_template_leaves_the_third_day_short() -> None:
    """D wanted on three days, at most 2 D shifts: one day short, objective 100."""
    problem = scenario(
        employees=(person(max_shifts=(("D", 2),)),),
        shift_demand=tuple(line(d, 1) for d in range(3)),
    )
    result = solved(problem)
    assert len(worked(result)) == 2
    assert result.objective == UNDER


def test_max_shifts_counts_a_tag_too() -> None:
    """A limit on a tag counts every template carrying it."""
    tagged = dataclasses.replace(D, tags=frozenset({"day"}))
    problem = scenario(
        shifts=(tagged,),
        rules=dataclasses.replace(OPEN, max_shifts=(("day", 1),)),
        shift_demand=(line(0, 1), line(1, 1)),
    )
    assert solved(problem).objective == UNDER


def test_a_limit_of_zero_leaves_the_template_no_literal() -> None:
    """Under D=0 (by id or by tag) E1 has no D literal at all, and the verifier catches E1 on D."""
    # E2 works both days' D while E1 may not: one day short of two people wanted, objective 100.
    tagged = dataclasses.replace(D, tags=frozenset({"day"}))
    for limit in ("D", "day"):
        problem = scenario(
            shifts=(tagged,),
            employees=(person("E1", max_shifts=((limit, 0),)), person("E2")),
            shift_demand=(line(0, 2), line(1, 1)),
        )
        assert {employee_id for employee_id, _ in RosterModel(problem).x} == {"E2"}
        result = solved(problem)
        assert {a.employee_id for a in result.assignments} == {"E2"}
        assert result.objective == UNDER
        assert rules_broken(problem, ("E1", 0, "D")) == ["max-shifts"]


def test_verifier_catches_too_many_shifts_of_a_template() -> None:
    """Three D shifts under max_shifts D=2 break max-shifts."""
    problem = scenario(employees=(person(max_shifts=(("D", 2),)),))
    assert rules_broken(problem, ("E1", 0, "D"), ("E1", 1, "D")) == []
    assert rules_broken(problem, ("E1", 0, "D"), ("E1", 1, "D"), ("E1", 2, "D")) == ["max-shifts"]


# --------------------------------------------------------------------------- total hours


def test_min_total_minutes_make_a_second_shift() -> None:
    """At least 16 h over the horizon: a second shift on a day wanting nobody (1 extra): 1."""
    problem = scenario(
        days=2,
        employees=(person(min_total_minutes=16 * 60),),
        shift_demand=(line(0, 1), line(1, 0)),
    )
    result = solved(problem)
    assert worked(result) == [(0, "D"), (1, "D")]
    assert result.objective == OVER


def test_max_total_minutes_leave_a_day_short() -> None:
    """At most 16 h over the horizon and D wanted on three days: objective 100."""
    problem = scenario(
        employees=(person(max_total_minutes=16 * 60),),
        shift_demand=tuple(line(d, 1) for d in range(3)),
    )
    assert solved(problem).objective == UNDER


def test_verifier_catches_total_hours_both_ways() -> None:
    """8 h against a minimum of 16 h, and 24 h against a maximum of 16 h, break total-hours."""
    low = scenario(employees=(person(min_total_minutes=16 * 60),))
    high = scenario(employees=(person(max_total_minutes=16 * 60),))
    assert rules_broken(low, ("E1", 0, "D")) == ["total-hours"]
    assert rules_broken(high, ("E1", 0, "D"), ("E1", 1, "D"), ("E1", 2, "D")) == ["total-hours"]
    assert rules_broken(high, ("E1", 0, "D"), ("E1", 1, "D")) == []


# --------------------------------------------------------------------------- runs


@pytest.mark.parametrize(("wanted_day", "expected"), [(2, OVER), (0, 0), (4, 0)])
def test_min_consecutive_days_inside_the_horizon_only(wanted_day: int, expected: int) -> None:
    """A minimum of consecutive working days is judged inside the horizon only."""
    # At least 2 working days in a row: a lone day mid-horizon takes a neighbour (1 extra); a lone
    # day on the first or last horizon day is not judged (0).
    lines = tuple(line(d, int(d == wanted_day)) for d in range(5))
    problem = scenario(days=5, employees=(person(min_consecutive_days=2),), shift_demand=lines)
    result = solved(problem)
    assert result.objective == expected
    assert (wanted_day, "D") in worked(result)


def test_verifier_catches_a_short_run_of_work() -> None:
    """One working day between days off breaks min-consecutive-days; at the ends it does not."""
    problem = scenario(days=5, employees=(person(min_consecutive_days=2),))
    assert rules_broken(problem, ("E1", 2, "D")) == ["min-consecutive-days"]
    assert rules_broken(problem, ("E1", 0, "D"), ("E1", 4, "D")) == []
    assert rules_broken(problem, ("E1", 1, "D"), ("E1", 2, "D")) == []


@pytest.mark.parametrize(("wanted", "expected"), [((0, 1, 3, 4), OVER), ((1, 2, 3, 4), 0)])
def test_min_days_off_inside_the_horizon_only(wanted: tuple[int, ...], expected: int) -> None:
    """A minimum of consecutive days off is judged inside the horizon only."""
    # At least 2 days off in a row: a lone day off mid-horizon is worked instead (1 extra); a lone
    # day off on the first horizon day is not judged (0).
    lines = tuple(line(d, int(d in wanted)) for d in range(5))
    problem = scenario(days=5, employees=(person(min_days_off=2),), shift_demand=lines)
    result = solved(problem)
    assert result.objective == expected
    assert {d for d, _ in worked(result)} >= set(wanted)


def test_verifier_catches_a_short_run_of_days_off() -> None:
    """One day off between working days breaks min-days-off; at the ends it does not."""
    problem = scenario(days=5, employees=(person(min_days_off=2),))
    assert rules_broken(problem, *(("E1", d, "D") for d in (0, 1, 3, 4))) == ["min-days-off"]
    assert rules_broken(problem, *(("E1", d, "D") for d in (1, 2, 3))) == []


def test_max_consecutive_days_reads_the_person_s_own_value() -> None:
    """A staff value of 2 consecutive days overrides the rule book's 14: 3 days wanted, 1 short."""
    problem = scenario(
        days=3,
        employees=(person(max_consecutive_days=2),),
        shift_demand=tuple(line(d, 1) for d in range(3)),
    )
    assert solved(problem).objective == UNDER


# --------------------------------------------------------------------------- weekends


def test_weekends_group_saturday_and_sunday_cut_at_the_horizon() -> None:
    """From a Monday: (5, 6) and (12, 13); from a Sunday the first weekend is that Sunday alone."""
    assert Horizon(START, days=14).weekends() == [(5, 6), (12, 13)]
    assert Horizon(date(2026, 12, 6), days=8).weekends() == [(0,), (6, 7)]


def test_max_weekends_leaves_the_second_weekend_short() -> None:
    """Someone wanted on both Saturdays, at most one weekend: objective 100."""
    problem = scenario(
        days=14, employees=(person(max_weekends=1),), shift_demand=(line(5, 1), line(12, 1))
    )
    result = solved(problem)
    assert len(worked(result)) == 1
    assert result.objective == UNDER


def test_verifier_catches_too_many_weekends() -> None:
    """Saturday and Sunday of one weekend count once; a second weekend breaks max-weekends."""
    problem = scenario(days=14, employees=(person(max_weekends=1),))
    assert rules_broken(problem, ("E1", 5, "D"), ("E1", 6, "D")) == []
    assert rules_broken(problem, ("E1", 6, "D"), ("E1", 12, "D")) == ["max-weekends"]


# --------------------------------------------------------------------------- successions


def test_forbidden_succession_leaves_one_line_short() -> None:
    """L then E on the next day is forbidden, leaving one line short; E then L is allowed."""
    # One person wanted on L Monday and E Tuesday: objective 100. E Monday then L Tuesday: 0.
    problem = scenario(days=2, shifts=(E, L))
    blocked = dataclasses.replace(problem, shift_demand=(line(0, 1, "L"), line(1, 1, "E")))
    allowed = dataclasses.replace(problem, shift_demand=(line(0, 1, "E"), line(1, 1, "L")))
    assert solved(blocked).objective == UNDER
    assert worked(solved(allowed)) == [(0, "E"), (1, "L")]


def test_verifier_catches_a_forbidden_succession() -> None:
    """L on Monday followed by E on Tuesday breaks not-followed-by; E then L does not."""
    problem = scenario(days=2, shifts=(E, L))
    assert rules_broken(problem, ("E1", 0, "L"), ("E1", 1, "E")) == ["not-followed-by"]
    assert rules_broken(problem, ("E1", 0, "E"), ("E1", 1, "L")) == []


# --------------------------------------------------------------------------- shift requests


def test_avoid_request_is_refused_when_the_cover_needs_it() -> None:
    """E1 asks D off on Monday (weight 3), but D needs one person: works, objective 3."""
    off = ShiftRequest("E1", 0, "D", AvailabilityKind.AVOID, 3)
    result = solved(scenario(shift_demand=(line(0, 1),), shift_requests=(off,)))
    assert worked(result) == [(0, "D")]
    assert result.objective == 3
    assert result.report is not None
    assert result.report.people.loc[0, "requests_refused"] == 1


def test_prefer_request_of_another_shift_is_refused() -> None:
    """E1 asks for E on Monday (weight 2) but the cover wants D: D is worked, objective 2."""
    ask = ShiftRequest("E1", 0, "E", AvailabilityKind.PREFER, 2)
    result = solved(scenario(shifts=(D, E), shift_demand=(line(0, 1),), shift_requests=(ask,)))
    assert worked(result) == [(0, "D")]
    assert result.objective == 2


def test_unavailable_shift_is_never_worked() -> None:
    """E1 is unavailable for D on Monday (other shifts allowed): the D line is short, 100."""
    barred = ShiftRequest("E1", 0, "D", AvailabilityKind.UNAVAILABLE)
    result = solved(scenario(shift_demand=(line(0, 1),), shift_requests=(barred,)))
    assert result.assignments == []
    assert result.objective == UNDER
    assert rules_broken(result.scenario, ("E1", 0, "D")) == ["availability"]


def test_new_rule_ids_are_listed() -> None:
    """Every day-level rule has a verifier id."""
    for rule in (
        "not-followed-by",
        "max-shifts",
        "total-hours",
        "min-consecutive-days",
        "min-days-off",
        "max-weekends",
    ):
        assert rule in RULES


def test_unused_day_rules_add_nothing_to_the_model() -> None:
    """Without day-level lines or rules the model has no day-level variable."""
    # With them it has a day literal per day, a weekend flag, a short and an extra count.
    names = ("w_", "weekend_", "day_short_", "day_over_")

    def day_level_variables(problem: Scenario) -> list[str]:
        built = RosterModel(problem)
        return [v.name for v in built.model.proto.variables if v.name.startswith(names)]

    assert day_level_variables(scenario()) == []
    used = scenario(employees=(person(max_weekends=0),), shift_demand=(line(0, 0),))
    assert len(day_level_variables(used)) == 7 + 1 + 2


@pytest.mark.parametrize(
    ("least_work", "most_work", "least_off"), [(2, 4, 2), (3, 5, 1), (1, 3, 3)]
)
def test_run_automaton_accepts_exactly_the_allowed_sequences(
    least_work: int, most_work: int, least_off: int
) -> None:
    """Over every work/off sequence of 8 days the automaton agrees with the rules as stated."""
    # The rules: runs inside the horizon within the minimums, every run of work within the maximum.
    start, transitions = run_automaton(least_work, most_work, least_off)
    step = {(here, label): after for here, label, after in transitions}
    for number in range(2**8):
        days = [(number >> d) & 1 for d in range(8)]
        state: int | None = start
        for label in days:
            state = step.get((state, label)) if state is not None else None
        runs = []
        for day, label in enumerate(days):
            if runs and runs[-1][0] == label:
                runs[-1][2] = day
            else:
                runs.append([label, day, day])
        allowed = all(
            (last - first + 1 <= most_work if label else True)
            and (
                first == 0 or last == 7 or last - first + 1 >= (least_work if label else least_off)
            )
            for label, first, last in runs
        )
        assert (state is not None) == allowed, days


def test_forbidden_succession_by_tag() -> None:
    """not_followed_by may name a tag: L bars every shift tagged early the next day."""
    early = dataclasses.replace(E, tags=frozenset({"early"}))
    late = dataclasses.replace(L, not_followed_by=frozenset({"early"}))
    problem = scenario(
        days=2, shifts=(early, late), shift_demand=(line(0, 1, "L"), line(1, 1, "E"))
    )
    assert solved(problem).objective == UNDER
    assert rules_broken(problem, ("E1", 0, "L"), ("E1", 1, "E")) == ["not-followed-by"]
