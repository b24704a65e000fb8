"""Solving linear CP-SAT models with HiGHS (scheduler/model/linear.py)."""

from __future__ import annotations

from conftest import at, employee, make_scenario, pieces, shift
from ortools.sat.python import cp_model

from scheduler.data import DemandSpan, Horizon, Weights
from scheduler.model.linear import Relaxation, is_linear, solve_linear
from scheduler.model.staffing import StaffingModel


def knapsack() -> tuple[cp_model.CpModel, list[cp_model.IntVar]]:
    """Cover 10 with pieces of 3 (cost 4) and 4 (cost 5), at most 3 of each: 3 + 3 + 4 is
    the cheapest (13), where the LP alone would say 12.5."""
    model = cp_model.CpModel()
    x, y = model.new_int_var(0, 3, "x"), model.new_int_var(0, 3, "y")
    model.add(3 * x + 4 * y >= 10)
    model.minimize(4 * x + 5 * y + 1)
    return model, [x, y]


def test_solve_linear_proves_the_integer_optimum() -> None:
    """The optimum 13 + 1 with its values, proven."""
    model, (x, y) = knapsack()
    solution = solve_linear(model, 5.0)
    assert solution is not None
    assert (solution.values[x.index], solution.values[y.index]) == (2, 1)
    assert (solution.objective, solution.bound, solution.optimal) == (14, 14, True)


def test_relaxation_bounds_with_the_lp_and_drops_what_is_not_a_row() -> None:
    """The relaxation bounds with the LP and drops what is not a row."""
    # The knapsack's LP gives 12.5 + 1, rounded up to 14; the bound stays 14 once an element
    # constraint and a conditional row join (dropped: a weaker bound, never a wrong one), and a
    # change to the model after the relaxation is taken does not reach it.
    model, (x, y) = knapsack()
    assert Relaxation(model).bound(5.0) == 14
    flag = model.new_bool_var("flag")
    model.add(x <= 1).only_enforce_if(flag)
    model.add_element(y, [0, 1, 2, 3], x)
    relaxation = Relaxation(model)
    model.add(x >= 3)
    assert relaxation.bound(5.0) == 14
    assert Relaxation(model).bound(5.0) == 15
    assert relaxation.bound(0.0) is None
    model.maximize(x)
    assert Relaxation(model).bound(5.0) is None


def test_only_plain_linear_models_are_linear() -> None:
    """A condition or a domain with holes is not solved as a linear program."""
    model, (x, _) = knapsack()
    assert is_linear(model)
    flag = model.new_bool_var("flag")
    model.add(x <= 1).only_enforce_if(flag)
    assert not is_linear(model)
    assert solve_linear(model, 5.0) is None
    holes, _ = knapsack()
    holes.new_int_var_from_domain(cp_model.Domain.from_values([0, 2]), "even")
    assert not is_linear(holes)


def test_clauses_and_at_most_ones_are_rows() -> None:
    """A clause, an at-most-one and an exactly-one over literals, some negated, solve as rows."""
    # The cheapest choice keeps each exactly, as CP-SAT finds.
    model = cp_model.CpModel()
    a, b, c, d = (model.new_bool_var(name) for name in "abcd")
    model.add_bool_or([a, b.Not()])
    model.add_at_most_one([a, c, d.Not()])
    model.add_exactly_one([b, c])
    model.minimize(3 * a + 2 * b + 2 * c + 5 * (1 - d))
    assert is_linear(model)
    solution = solve_linear(model, 5.0)
    assert solution is not None and solution.optimal
    values = [solution.values[v.index] for v in (a, b, c, d)]
    assert (values, solution.objective) == ([0, 0, 1, 1], 2)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(model) == cp_model.OPTIMAL
    assert round(solver.objective_value) == solution.objective


def test_an_infeasible_program_has_no_solution() -> None:
    """x + y >= 7 with both at most 3: nothing to return."""
    model, (x, y) = knapsack()
    model.add(x + y >= 7)
    assert solve_linear(model, 5.0) is None


def test_the_staffing_model_solves_alike_with_both_solvers() -> None:
    """A day of two-shift demand: HiGHS and CP-SAT agree on the staffing optimum."""
    demand = (
        DemandSpan(at(0, "07:00"), at(0, "15:30"), 2),
        DemandSpan(at(0, "15:30"), at(0, "22:00"), 1),
    )
    scenario = make_scenario(
        horizon=Horizon(make_scenario().horizon.start, days=1),
        employees=tuple(employee(e, 8) for e in ("A", "B", "C", "D")),
        demand=demand,
        shifts=(shift("EARLY", "07:00", "15:30"), shift("LATE", "13:30", "22:00")),
        weights=Weights(shortfall=100, contract=1, preference=10, surplus=1),
    )
    staffing = StaffingModel(scenario, relax_break_cap=True)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(staffing.model) == cp_model.OPTIMAL
    solution = solve_linear(staffing.model, 10.0)
    assert solution is not None and solution.optimal
    assert solution.objective == round(solver.objective_value)


def test_integer_bound_closes_what_the_lp_leaves_open() -> None:
    """Branch and cut over the rows bounds the pieces at 8 where the LP gives 7."""
    # Without the integral rows taken, or with no time, it reports nothing.
    assert Relaxation(pieces()).bound(5.0) == 7
    found: list[int] = []
    Relaxation(pieces(), integral=True).integer_bound(5.0, found.append, lambda: False)
    assert found and found[-1] == 8 and found == sorted(found)
    nothing: list[int] = []
    Relaxation(pieces()).integer_bound(5.0, nothing.append, lambda: False)
    Relaxation(pieces(), integral=True).integer_bound(0.0, nothing.append, lambda: False)
    assert nothing == []
