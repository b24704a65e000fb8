"""Solve a CP-SAT model that is a plain integer linear program with a MIP solver.

The staffing model (counts per shift option, patterns, sets of days) has only linear
constraints. On such covering programs an LP-based branch and bound proves in seconds what
CP-SAT's two workers leave open (N=400: the held counts' optimum proven in 6 s; the 60-person
front office of N=100 with a back office: 28,230 proven in 23 s, where CP-SAT's best after 18 s
was 100,380). These, and the branch and cut that bounds a long day-level search, go through
HiGHS's own binding (highspy), which reports the solution and bound of a solve stopped by its
limit, where OR-Tools' `model_builder` reports neither; the LP relaxation goes through the HiGHS
that ships with OR-Tools.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np
from highspy._core import _Highs
from ortools.linear_solver.python import model_builder
from ortools.sat.python import cp_model

__all__ = ["LinearSolution", "Relaxation", "is_linear", "solve_linear"]

MIP_SOLVER = "HIGHS"
"""OR-Tools' solver for the LP relaxation (`Relaxation.bound`). HiGHS, which also solves the
MIPs, found the back office's counts where SCIP's heuristics did not (N=100 with a back
office, first staffing model: optimal in 1.6 s against no counts near it in 30 s)."""

_UNBOUNDED = 2**62
"""Beyond this a CP-SAT domain end is open."""


@dataclass(frozen=True)
class LinearSolution:
    """A solution of a CP-SAT model (found by HiGHS or by CP-SAT itself).

    Attributes
    ----------
    values
        The value of every variable, by its index in the CP-SAT model.
    objective
        The CP-SAT objective of ``values``.
    bound
        A lower bound on every solution's objective.
    """

    values: list[int]
    objective: int
    bound: int

    @property
    def optimal(self) -> bool:
        """Whether the bound proves ``values`` optimal."""
        return self.objective <= self.bound


def is_linear(model: cp_model.CpModel) -> bool:
    """Whether every constraint of ``model`` is an unconditional linear one, clause,
    at-most-one or exactly-one over integer variables without holes in their domains, and its
    objective is integral and linear."""
    proto = model.proto
    if proto.has_floating_point_objective() or len(proto.objective.domain) > 0:
        return False
    if any(len(variable.domain) != 2 for variable in proto.variables):
        return False
    return (
        all(_row(c) is not None and not c.enforcement_literal for c in proto.constraints)
        and min(proto.objective.vars, default=0) >= 0
    )


Row = tuple[list[int], list[int], int, int]
"""A linear row: variable indices, coefficients, lowest and highest sum."""


def _row(constraint: Any) -> Row | None:
    """The constraint as a linear row (a literal ``-i - 1`` is ``1 - x_i``), or None if it is
    not a linear constraint, clause, at-most-one or exactly-one."""
    if constraint.has_linear():
        linear = constraint.linear
        if min(linear.vars, default=0) < 0:
            return None
        low, high = linear.domain[0], linear.domain[len(linear.domain) - 1]
        return list(linear.vars), list(linear.coeffs), low, high
    if constraint.has_bool_or():
        literals, low, high = list(constraint.bool_or.literals), 1, len(constraint.bool_or.literals)
    elif constraint.has_at_most_one():
        literals, low, high = list(constraint.at_most_one.literals), 0, 1
    elif constraint.has_exactly_one():
        literals, low, high = list(constraint.exactly_one.literals), 1, 1
    else:
        return None
    negated = sum(1 for literal in literals if literal < 0)
    indices = [literal if literal >= 0 else -literal - 1 for literal in literals]
    coefficients = [1 if literal >= 0 else -1 for literal in literals]
    return indices, coefficients, low - negated, high - negated


def _relaxed_program(model: cp_model.CpModel) -> model_builder.Model:
    """The LP relaxation of the model's plain rows (the other constraints dropped), over the
    same variables (same indices), with the same objective."""
    proto = model.proto
    program = model_builder.Model()
    helper = program.helper
    for variable in proto.variables:
        index = helper.add_var()
        helper.set_var_lower_bound(index, variable.domain[0])
        helper.set_var_upper_bound(index, variable.domain[len(variable.domain) - 1])
        helper.set_var_integrality(index, False)
    for constraint in proto.constraints:
        parts = _row(constraint)
        if parts is None or constraint.enforcement_literal:
            continue
        indices, coefficients, low, high = parts
        row = helper.add_linear_constraint()
        if low > -_UNBOUNDED:
            helper.set_constraint_lower_bound(row, low)
        if high < _UNBOUNDED:
            helper.set_constraint_upper_bound(row, high)
        for index, coefficient in zip(indices, coefficients, strict=True):
            helper.safe_add_term_to_constraint(row, index, float(coefficient))
    objective = proto.objective
    helper.set_objective_coefficients(list(objective.vars), [float(c) for c in objective.coeffs])
    helper.set_objective_offset(objective.offset)
    return program


def _objective(model: cp_model.CpModel, values: list[int]) -> int:
    """The CP-SAT objective of ``values``."""
    objective = model.proto.objective
    total = sum(c * values[i] for i, c in zip(objective.vars, objective.coeffs, strict=True))
    return round((total + objective.offset) * (objective.scaling_factor or 1))


def _feasible(model: cp_model.CpModel, values: list[int]) -> bool:
    """Whether ``values`` keep every domain and constraint of ``model`` exactly (the MIP's
    tolerances allow near-misses that rounding may not repair)."""
    proto = model.proto
    for variable, value in zip(proto.variables, values, strict=True):
        if not variable.domain[0] <= value <= variable.domain[1]:
            return False
    for constraint in proto.constraints:
        indices, coefficients, low, high = _row(constraint) or ([], [], 0, 0)
        total = sum(c * values[i] for i, c in zip(indices, coefficients, strict=True))
        if not low <= total <= high:
            return False
    return True


class Relaxation:
    """The LP relaxation of a model's linear rows (the other constraints dropped), taken when
    built so that the model may change while HiGHS solves it (in another thread).

    On day-level cover this LP is tight where CP-SAT's own LP takes long to get anywhere
    (Curtois Instance12: 3,628 in 8 s against an optimum of 4,040; CP-SAT's bound still 0
    after 60 s).
    """

    def __init__(self, model: cp_model.CpModel, integral: bool = False) -> None:
        """``integral``: also take the rows over integer variables, for `integer_bound`."""
        proto = model.proto
        objective = proto.objective
        self.scale = objective.scaling_factor or 1
        # A maximisation's LP bounds it from above; a floating or restricted objective is not
        # modelled here.
        usable = not (
            proto.has_floating_point_objective() or len(objective.domain) > 0 or self.scale < 0
        )
        self.program = _relaxed_program(model) if usable else None
        self.integral = _integral_rows(model) if usable and integral else None

    def bound(self, seconds: float) -> int | None:
        """A lower bound on the objective within ``seconds``, or None if none in time."""
        if self.program is None or seconds <= 0:
            return None
        solver = model_builder.Solver(MIP_SOLVER)
        solver.enable_output(False)
        solver.set_time_limit_in_seconds(seconds)
        # The interior point method (with its crossover) took half the time of HiGHS's choice
        # on Curtois Instances 8, 10, 11 and 12 (12: 3.1 s against 5.5 s), and 25 s on
        # Instance13, whose LP was not solved in 60 s before; the same values on each.
        solver.set_solver_specific_parameters("output_flag = false\nthreads = 1\nsolver = ipm")
        if solver.solve(self.program) != model_builder.SolveStatus.OPTIMAL:
            return None
        value = solver.objective_value * self.scale
        # The LP's value is a float: round up to an integer only past a tolerance.
        return math.ceil(value - 1e-6 * max(1.0, abs(value)))

    def integer_bound(
        self,
        seconds: float,
        on_bound: Callable[[int], None],
        stop: Callable[[], bool],
    ) -> None:
        """Raise a lower bound by HiGHS's branch and cut over the same rows, integral, for up to
        ``seconds``, calling ``on_bound`` with each higher bound as it comes, until ``stop``.

        Its cuts close what the LP leaves open: on Curtois Instance12 the root reached 4,040
        (the proven optimum) at 75 s on one core, where the LP gives 3,628; on 14 and 17
        1,269 and 5,731 in 300 s (optima 1,278 and 5,746; CP-SAT's bounds 1,240 and 5,707).
        """
        if self.integral is None or seconds <= 0:
            return
        best = [-math.inf]

        def report(value: float) -> None:
            if math.isfinite(value) and value > best[0] + 0.5:
                best[0] = value
                # A float from the LP: rounded up to an integer only past a tolerance.
                on_bound(math.ceil(value * self.scale - 1e-6 * max(1.0, abs(value))))

        def interrupt(kind: Any, message: str, out: Any, into: Any, data: Any) -> None:
            report(out.mip_dual_bound)
            if into is not None and stop():
                into.user_interrupt = True

        # The core class: `highspy.Highs` prints a banner on its first use that no option
        # silences, which would land in the middle of the command line's output.
        solver = _Highs()
        solver.setOptionValue("output_flag", False)
        solver.setOptionValue("threads", 1)
        solver.setOptionValue("time_limit", float(seconds))
        solver.passModel(self.integral)
        solver.setCallback(interrupt, None)
        # Asked between nodes and rounds of cuts: while the root's cuts ran on Instance12, every
        # 6-12 s (HiGHS asks nothing within the LP solves of a MIP).
        solver.startCallback(highspy.cb.HighsCallbackType.kCallbackMipInterrupt)
        solver.run()
        report(solver.getInfo().mip_dual_bound)


def _integral_rows(model: cp_model.CpModel) -> highspy.HighsLp:
    """The model's unconditional rows (the other constraints dropped), over integer variables,
    as a HiGHS program."""
    proto = model.proto
    num_vars = len(proto.variables)
    starts, columns, coefficients, lows, highs = [0], [], [], [], []
    for constraint in proto.constraints:
        parts = _row(constraint)
        if parts is None or constraint.enforcement_literal:
            continue
        indices, row_coefficients, low, high = parts
        columns += indices
        coefficients += row_coefficients
        starts.append(len(columns))
        lows.append(low if low > -_UNBOUNDED else -highspy.kHighsInf)
        highs.append(high if high < _UNBOUNDED else highspy.kHighsInf)
    cost = np.zeros(num_vars)
    np.add.at(cost, list(proto.objective.vars), [float(c) for c in proto.objective.coeffs])
    program = highspy.HighsLp()
    program.num_col_ = num_vars
    program.num_row_ = len(lows)
    program.col_cost_ = cost
    program.offset_ = proto.objective.offset
    program.col_lower_ = np.array([v.domain[0] for v in proto.variables], dtype=np.float64)
    program.col_upper_ = np.array(
        [v.domain[len(v.domain) - 1] for v in proto.variables], dtype=np.float64
    )
    program.row_lower_ = np.array(lows, dtype=np.float64)
    program.row_upper_ = np.array(highs, dtype=np.float64)
    program.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    program.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    program.a_matrix_.index_ = np.array(columns, dtype=np.int32)
    program.a_matrix_.value_ = np.array(coefficients, dtype=np.float64)
    program.integrality_ = [highspy.HighsVarType.kInteger] * num_vars
    return program


def solve_linear(
    model: cp_model.CpModel, seconds: float, on_bound: Callable[[int], None] | None = None
) -> LinearSolution | None:
    """Solve ``model`` (see `is_linear`) with HiGHS for at most ``seconds``; None when it is not
    linear or no solution was found in time. ``on_bound`` gets HiGHS's bound at the end,
    found solution or not.

    Through HiGHS's own binding, which keeps a solve stopped by its limit: OR-Tools'
    `model_builder` returned neither solution nor bound then, and on four weeks (N=100) the
    held counts' solve always stopped so, while its bound had reached 360,864 where CP-SAT's
    was 346,140 (a dumped held model: 355,366 at 9 s, 359,641 at 11 s, its first solution at
    41 s). HiGHS lets go of the interpreter while it solves, so another thread can go on;
    it cannot be interrupted.
    """
    if seconds <= 0 or not is_linear(model):
        return None
    solver = _Highs()
    solver.setOptionValue("output_flag", False)
    solver.setOptionValue("threads", 1)
    solver.setOptionValue("time_limit", float(seconds))
    # A zero gap: the default stops within 0.01 % of the bound, short of a proof.
    solver.setOptionValue("mip_rel_gap", 0.0)
    solver.passModel(_integral_rows(model))
    # No callback to interrupt it: called between nodes, each call takes the interpreter from
    # the thread beside.
    solver.run()
    info = solver.getInfo()
    # The bound is a float from the LP: round up to an integer only past a tolerance.
    bound = info.mip_dual_bound
    if math.isfinite(bound):
        bound = math.ceil(bound - 1e-6 * max(1.0, abs(bound)))
        if on_bound is not None:
            on_bound(bound)
    if info.primal_solution_status != highspy.SolutionStatus.kSolutionStatusFeasible:
        return None
    values = [round(v) for v in solver.getSolution().col_value]
    if not _feasible(model, values):
        return None
    objective = _objective(model, values)
    if not math.isfinite(bound):
        bound = -_UNBOUNDED
    return LinearSolution(values, objective, min(int(bound), objective))
