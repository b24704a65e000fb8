"""A neighbourhood's sub-problem as a model of its own (`scheduler.model.subproblem`)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from ortools.sat.python import cp_model
from test_day_level import D, E, L, line, person, scenario

import scheduler.model.search as search_module
from scheduler.data import AvailabilityKind, Scenario, ShiftRequest
from scheduler.io.roster import roster_frame
from scheduler.model.neighbourhood import (
    Neighbourhood,
    Neighbourhoods,
    fix_domains,
    person_by_person,
    restore_domains,
    roster_values,
)
from scheduler.model.roster import RosterModel
from scheduler.model.subproblem import SubProblems
from scheduler.solve import solve
from scheduler.verify import verify


def fortnight() -> Scenario:
    """Three people over 14 days on D, E and L (no E after L): runs of 2-5 days, 2 days off
    or more, one weekend each, at most six L shifts, cover short and over, and requests."""
    rules: dict[str, Any] = {
        "min_consecutive_days": 2,
        "max_consecutive_days": 5,
        "min_days_off": 2,
        "max_weekends": 1,
        "max_shifts": (("L", 6),),
    }
    people = tuple(person(f"E{n}", **rules) for n in range(1, 4))
    lines = (
        *(line(d, 1, "D") for d in range(14)),
        *(line(d, 1, "L") for d in range(14) if d % 7 < 5),
        *(line(d, 1 + (d == 3), "E") for d in (1, 3, 8, 10)),
    )
    asks = (
        ShiftRequest("E1", 2, "E", AvailabilityKind.AVOID, 3),
        ShiftRequest("E2", 5, "D", AvailabilityKind.PREFER, 2),
        ShiftRequest("E3", 9, "L", AvailabilityKind.AVOID, 4),
    )
    return scenario(
        days=14, employees=people, shifts=(D, E, L), shift_demand=lines, shift_requests=asks
    )


def optimum(built: RosterModel) -> tuple[int, list[int]]:
    """The objective and values of ``built`` solved to optimality as its domains stand."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_time_in_seconds = 20
    solver.parameters.linearization_level = 2
    assert solver.solve(built.model) == cp_model.OPTIMAL
    return round(solver.objective_value), list(solver.response_proto.solution)


def started(problem: Scenario) -> tuple[RosterModel, list[int], int]:
    """The model, and a complete solution of it and its cost: each person's own best schedule
    without the cover, which leaves the neighbourhoods much to gain."""
    built = RosterModel(problem)
    roster = person_by_person(dataclasses.replace(problem, shift_demand=()), seconds_each=1.0)
    assert roster is not None
    hood = Neighbourhoods(built)
    hood.fix(roster_values(built, roster))
    cost, solution = optimum(built)
    hood.release()
    return built, solution, cost


NEIGHBOURHOODS = [
    Neighbourhood("days", days=frozenset({0, 1, 2})),
    Neighbourhood("days", days=frozenset({5, 6, 12, 13})),
    Neighbourhood("people", people=frozenset({"E1", "E3"})),
    Neighbourhood("types", templates=frozenset({"L"})),
]


def test_a_sub_problem_finds_what_the_fixed_whole_model_finds() -> None:
    """Each neighbourhood's sub-problem has the optimum of the whole model with the rest fixed,
    and its solution, completed, is a roster of the whole model the verifier passes."""
    problem = fortnight()
    built, start, start_cost = started(problem)
    subs = SubProblems(built.model, Neighbourhoods(built).decisions, built.redundant)
    gains = 0
    for free in NEIGHBOURHOODS:
        hood = Neighbourhoods(built)
        hood.fix(roster_values(built, _shifts(built, start)), free)
        expected, _ = optimum(built)
        hood.release()
        sub = subs.build(hood.literals(free), start)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.linearization_level = 2
        assert solver.solve(sub.model) == cp_model.OPTIMAL
        assert round(solver.objective_value) == expected
        whole = sub.complete(solver.response_proto.solution)
        saved = fix_domains(built.model, dict(enumerate(whole)))
        assert optimum(built)[0] == expected
        restore_domains(built.model, saved)
        roster = built.shifts(lambda var, whole=whole: whole[var.index])
        report = verify(problem, roster_frame(problem, roster))
        assert report.ok and report.costs.objective == expected
        gains += expected < start_cost
    assert gains == len(NEIGHBOURHOODS), "each neighbourhood should gain from the start"


def test_a_sub_problems_lookup_reads_the_whole_models_variables_and_sums() -> None:
    """Through a sub-problem's lookup, the whole model's variables and linear sums have the
    values of its completed solution, free or fixed."""
    problem = fortnight()
    built, start, _ = started(problem)
    hood = Neighbourhoods(built)
    subs = SubProblems(built.model, hood.decisions, built.redundant)
    sub = subs.build(hood.literals(NEIGHBOURHOODS[2]), start)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(sub.model) == cp_model.OPTIMAL
    value = sub.lookup(list(solver.response_proto.solution))
    whole = sub.complete(solver.response_proto.solution)
    saved = fix_domains(built.model, dict(enumerate(whole)))
    fixed = cp_model.CpSolver()
    fixed.parameters.num_workers = 1
    assert fixed.solve(built.model) == cp_model.OPTIMAL
    restore_domains(built.model, saved)
    report = verify(problem, roster_frame(problem, _shifts(built, whole)))
    assert report.ok and report.costs.objective == round(fixed.objective_value)
    sums = [expr for terms in built.tier_terms.values() for expr, _ in terms]
    variables = list(built.x.values())
    assert len(sums) > 10 and any(fixed.value(s) for s in sums)
    assert [value(s) for s in sums] == [fixed.value(s) for s in sums]
    assert [value(v) for v in variables] == [whole[v.index] for v in variables]
    assert value(3) == 3


def _shifts(built: RosterModel, solution: list[int]) -> list[Any]:
    """The roster of a complete solution of ``built``."""
    return built.shifts(lambda var: solution[var.index])


def test_a_sub_problem_holds_only_the_constraints_near_its_free_literals() -> None:
    """A three-day window's sub-problem is a fraction of the model, without the automata the
    clauses imply; the whole horizon's is every other constraint."""
    problem = fortnight()
    built, start, _ = started(problem)
    hood = Neighbourhoods(built)
    subs = SubProblems(built.model, hood.decisions, built.redundant)
    window = subs.build(hood.literals(NEIGHBOURHOODS[0]), start).model.proto
    every = subs.build(hood.decisions, start).model.proto
    num_constraints = len(built.model.proto.constraints)
    assert len(built.redundant) == 3
    assert len(every.constraints) == num_constraints - 3
    assert len(window.constraints) < num_constraints / 2
    assert len(window.variables) < len(built.model.proto.variables) / 2
    assert not any(c.has_automaton() for c in window.constraints)


def test_sub_problems_refuse_a_constraint_kind_they_cannot_copy() -> None:
    """A model with a constraint sub-problems do not copy is refused when they are set up."""
    model = cp_model.CpModel()
    x = model.new_int_var(0, 3, "x")
    model.add_multiplication_equality(x, [x, x])
    with pytest.raises(ValueError, match="constraint 0"):
        SubProblems(model, [0])


def test_fixed_terms_shift_every_kind_of_bound() -> None:
    """Fixed terms shift a domain of several intervals and a bounded side, leave an unbounded
    side and an enforcement as they are: each sub-problem has the fixed whole model's optimum."""
    model = cp_model.CpModel()
    x = model.new_int_var(0, 6, "x")
    y = model.new_int_var(0, 4, "y")
    b = model.new_bool_var("b")
    gaps = cp_model.Domain.from_intervals([[0, 2], [5, 5], [9, 10]])
    model.add_linear_expression_in_domain(x + 2 * y, gaps)
    model.add(x - y >= 1).only_enforce_if(b)
    model.add(x + y <= 8)
    model.minimize(-x - 4 * b + y)
    subs = SubProblems(model, [x.index, y.index, b.index])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    optima = []
    for value in range(5):
        fixed = model.clone()
        fixed.add(fixed.get_int_var_from_proto_index(y.index) == value)
        assert solver.solve(fixed) == cp_model.OPTIMAL
        expected = round(solver.objective_value)
        sub = subs.build([x.index, b.index], [0, value, 0])
        assert len(sub.model.proto.variables) == 2
        assert solver.solve(sub.model) == cp_model.OPTIMAL
        assert round(solver.objective_value) == expected
        optima.append(expected)
    # By hand: x = 5, 3, 6, 4 with b, and x = 2 without (x + 8 in 9-10 leaves x < y + 1).
    assert optima == [-9, -6, -8, -5, 2]


def test_a_solve_by_sub_problems_reaches_the_optimum(monkeypatch: pytest.MonkeyPatch) -> None:
    """With every model counted large, the neighbourhoods are sub-problems of their own and
    the solve ends at the whole model's optimum, which the verifier confirms."""
    problem = fortnight()
    best, _ = optimum(RosterModel(problem))
    built_subs: list[SubProblems] = []
    original = search_module.SubProblems

    def spied(*args: Any) -> SubProblems:
        built_subs.append(original(*args))
        return built_subs[-1]

    monkeypatch.setattr(search_module, "SubProblems", spied)
    monkeypatch.setattr(search_module, "SUB_PROBLEM_VARIABLES", 0)
    monkeypatch.setattr(search_module, "SMALL_MODEL_ASSIGNMENTS", 0)
    result = solve(problem, time_limit=10.0, workers=1, seed=0)
    assert built_subs
    assert result.report is not None and result.report.ok
    assert result.objective == result.report.costs.objective == best


def test_a_model_sub_problems_refuse_is_searched_fixed_in_the_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where sub-problems refuse the model, the neighbourhoods fix it in the whole model as
    below the size, and the solve still ends at the optimum."""
    problem = fortnight()
    best, _ = optimum(RosterModel(problem))

    def refused(*args: Any) -> SubProblems:
        raise ValueError("constraint 0 is of a kind sub-problems do not copy")

    monkeypatch.setattr(search_module, "SubProblems", refused)
    monkeypatch.setattr(search_module, "SUB_PROBLEM_VARIABLES", 0)
    monkeypatch.setattr(search_module, "SMALL_MODEL_ASSIGNMENTS", 0)
    result = solve(problem, time_limit=10.0, workers=1, seed=0)
    assert result.report is not None and result.report.ok
    assert result.objective == result.report.costs.objective == best
