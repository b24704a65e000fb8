"""A neighbourhood's sub-problem as a model of its own, for models too large to solve whole.

A neighbourhood fixes most of a roster and re-solves the rest. Fixed in the whole model, every
sub-problem still costs CP-SAT a pass over every variable and constraint before it searches:
on Curtois Instance23 (364 days, 391 k variables, 360 k constraints) that took 0.55 s of a
three-day window's 0.85 s. `SubProblems` builds each sub-problem from the constraints that
touch its free variables alone, with the fixed variables' terms folded into the constraints'
bounds and the objective's offset, and numbered afresh, so that CP-SAT sees only what may move.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from ortools.sat import cp_model_pb2
from ortools.sat.python import cp_model, cp_model_helper

__all__ = ["SubProblem", "SubProblems"]

LITERAL_KINDS = ("at_most_one", "exactly_one", "bool_or", "bool_and", "bool_xor")
"""The constraint kinds over literals a sub-problem copies, fixed literals and all."""
UNBOUNDED = 2**62
"""Linear bounds at least this large stand for no bound: they are not shifted."""


def _variable(ref: int) -> int:
    """The variable of a literal reference (a negative one is a negated variable)."""
    return ref if ref >= 0 else -ref - 1


@dataclass(frozen=True)
class SubProblem:
    """One sub-problem: its model, and which variable of the whole model each of its own is."""

    model: cp_model.CpModel
    variables: np.ndarray
    solution: np.ndarray

    def lookup(self, values: Sequence[int]) -> Callable[[cp_model.LinearExprT], int]:
        """The value of a whole model's variable or linear expression, given this
        sub-problem's ``values``: their own for its variables, else the solution it was built
        from."""
        solution = self.solution

        def one(index: int) -> int:
            at = self._position.get(index)
            return int(solution[index]) if at is None else values[at]

        def value(expression: cp_model.LinearExprT) -> int:
            if not isinstance(expression, cp_model_helper.LinearExpr):
                return int(expression)
            flat = cp_model_helper.FlatIntExpr(expression)
            terms = zip(flat.vars, flat.coeffs, strict=True)
            return int(flat.offset) + sum(c * one(var.index) for var, c in terms)

        return value

    @cached_property
    def _position(self) -> dict[int, int]:
        """Where each whole-model variable of this sub-problem is among its own; built at the
        first lookup that needs it, as most sub-problems' rosters are never looked up."""
        return dict(zip(self.variables.tolist(), range(len(self.variables)), strict=True))

    def complete(self, values: Iterable[int]) -> list[int]:
        """The whole model's solution with this sub-problem's ``values`` in place."""
        whole = self.solution.copy()
        whole[self.variables] = np.fromiter(values, np.int64, len(self.variables))
        return whole.tolist()


def _message(model: cp_model.CpModel) -> cp_model_pb2.CpModelProto:
    """``model`` as a Python protocol buffer message, written and read back whole. The model's
    own proto reads its repeated fields an element at a time: indexing Instance23 through it
    took 19 s, against 7 s through this."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.pb"
        if not model.export_to_file(str(path)):
            raise OSError(f"CP-SAT could not write the model to {path}")
        return cp_model_pb2.CpModelProto.FromString(path.read_bytes())


def _ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Every index of the ranges ``starts[i]:ends[i]``, one range after another."""
    lengths = ends - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, np.int64)
    offsets = np.cumsum(lengths) - lengths
    return np.repeat(starts - offsets, lengths) + np.arange(total)


def _boundaries(rows: np.ndarray, num_rows: int) -> list[int]:
    """Where each of ``num_rows`` rows begins in a sorted array of row numbers, and the end."""
    return np.searchsorted(rows, np.arange(num_rows + 1)).tolist()


class SubProblems:
    """Builds sub-problems of ``model`` whose free ``decisions`` (variable indices) are chosen
    per call, the rest of them fixed at a solution's values.

    The other variables (sums, shortfalls, penalties) follow the decisions: one defined by an
    equality over decisions alone is free where one of those is; any other is free where it
    shares a constraint with a free variable. Every other variable keeps its value, so the
    constraints with no free variable hold as they are and are left out, as are the
    ``redundant`` ones (by index: implied by the others, kept in the whole model for its LP).
    """

    def __init__(
        self, model: cp_model.CpModel, decisions: Iterable[int], redundant: Collection[int] = ()
    ) -> None:
        proto = _message(model)
        if proto.HasField("floating_point_objective") or list(proto.objective.domain):
            raise ValueError("a sub-problem needs an integer objective without a domain")
        self.num_variables = len(proto.variables)
        self.domains = [list(variable.domain) for variable in proto.variables]
        self.is_decision = np.zeros(self.num_variables, bool)
        self.is_decision[np.fromiter(decisions, np.int64)] = True
        # Per constraint: its kind (None: left out), enforcement literals, and how many terms
        # (linear) or literals it has in the flat lists below; linear ones' domains.
        self.kinds: list[str | None] = []
        self.enforcement: list[list[int]] = []
        self.linear_domains: list[list[int]] = []
        num_terms: list[int] = []
        num_literals: list[int] = []
        term_variables: list[int] = []
        term_coefficients: list[int] = []
        literals: list[int] = []
        redundant = set(redundant)
        for index, constraint in enumerate(proto.constraints):
            kind = None if index in redundant else constraint.WhichOneof("constraint")
            domain: list[int] = []
            terms = found = 0
            if kind == "linear":
                linear = constraint.linear
                added = linear.vars
                term_variables += added
                term_coefficients += linear.coeffs
                terms = len(added)
                domain = list(linear.domain)
            elif kind in LITERAL_KINDS:
                added = getattr(constraint, kind).literals
                literals += added
                found = len(added)
            elif kind is not None:
                raise ValueError(f"constraint {index} is of a kind sub-problems do not copy")
            self.kinds.append(kind)
            self.enforcement.append(list(constraint.enforcement_literal) if kind else [])
            self.linear_domains.append(domain)
            num_terms.append(terms)
            num_literals.append(found)
        self.term_starts = np.concatenate([[0], np.cumsum(num_terms, dtype=np.int64)])
        self.literal_starts = np.concatenate([[0], np.cumsum(num_literals, dtype=np.int64)])
        num_constraints = len(self.kinds)
        self.term_variables = np.array(term_variables, np.int64)
        self.term_coefficients = np.array(term_coefficients, np.int64)
        self.literals = np.array(literals, np.int64)
        self.is_linear = np.array([k == "linear" for k in self.kinds], bool)
        # A linear domain that is one interval (nearly all of them) is shifted as an array.
        self.is_interval = np.array([len(d) == 2 for d in self.linear_domains], bool)
        self.linear_bounds = np.array(
            [d if len(d) == 2 else [0, 0] for d in self.linear_domains], np.int64
        ).reshape(-1, 2)
        # Each constraint's variables (linear terms, literals, enforcement), flat, by row.
        term_rows = np.repeat(np.arange(num_constraints), np.diff(self.term_starts))
        literal_rows = np.repeat(np.arange(num_constraints), np.diff(self.literal_starts))
        held = [(i, _variable(ref)) for i, refs in enumerate(self.enforcement) for ref in refs]
        rows = np.concatenate([term_rows, literal_rows, np.array([i for i, _ in held], np.int64)])
        variables = np.concatenate(
            [
                self.term_variables,
                np.where(self.literals >= 0, self.literals, -self.literals - 1),
                np.array([v for _, v in held], np.int64),
            ]
        )
        order = np.argsort(rows, kind="stable")
        rows, variables = rows[order], variables[order]
        self.row_starts = np.searchsorted(rows, np.arange(num_constraints + 1))
        self.row_variables = variables
        # Variable v's constraints are by_variable[starts[v]:starts[v + 1]].
        order = np.argsort(variables, kind="stable")
        self.by_variable = rows[order]
        self.starts = np.searchsorted(variables[order], np.arange(self.num_variables + 1))
        self._find_definitions(term_rows)
        objective = proto.objective
        self.objective_variables = np.array(list(objective.vars), np.int64)
        self.objective_coefficients = np.array(list(objective.coeffs), np.int64)
        self.objective_offset = objective.offset
        self.scaling_factor = objective.scaling_factor

    def _find_definitions(self, term_rows: np.ndarray) -> None:
        """The variables unconditional equalities define from decisions alone (their one other
        variable, with a coefficient of 1 or -1), and the decisions each is defined by;
        ``term_rows`` gives each linear term's constraint."""
        num_constraints = len(self.kinds)
        other = ~self.is_decision[self.term_variables]
        num_others = np.bincount(term_rows[other], minlength=num_constraints)
        num_terms = np.diff(self.term_starts)
        equality = self.is_interval & (self.linear_bounds[:, 0] == self.linear_bounds[:, 1])
        equality &= np.array([not e for e in self.enforcement], bool)
        rows = np.flatnonzero(self.is_linear & equality & (num_others == 1) & (num_terms > 1))
        defining = np.isin(term_rows, rows)
        unit = np.abs(self.term_coefficients) == 1
        targets = defining & other & unit
        # A definition whose other variable has another coefficient defines nothing.
        rows = term_rows[targets]
        self.defined = self.term_variables[targets]
        inputs = defining & ~other & np.isin(term_rows, rows)
        self.inputs = self.term_variables[inputs]
        input_rows = term_rows[inputs]
        self.input_starts = np.searchsorted(input_rows, rows)
        follows = ~self.is_decision
        follows[self.defined] = False
        self.follows = follows

    def _constraints_of(self, variables: np.ndarray) -> np.ndarray:
        """The constraints (by index) with one of ``variables`` in them."""
        marked = np.zeros(len(self.kinds), bool)
        marked[self.by_variable[_ranges(self.starts[variables], self.starts[variables + 1])]] = True
        return np.flatnonzero(marked)

    def _variables_of(self, constraints: np.ndarray) -> np.ndarray:
        """The variables of ``constraints`` (by index), with repeats."""
        spans = _ranges(self.row_starts[constraints], self.row_starts[constraints + 1])
        return self.row_variables[spans]

    def _free(self, decisions: Iterable[int]) -> np.ndarray:
        """Which variables a sub-problem with these free ``decisions`` leaves free."""
        free = np.zeros(self.num_variables, bool)
        free[np.fromiter(decisions, np.int64)] = True
        free &= self.is_decision
        if len(self.defined):
            counts = np.add.reduceat(free[self.inputs].astype(np.int64), self.input_starts)
            free[self.defined[counts > 0]] = True
        frontier = np.flatnonzero(free)
        while len(frontier):
            reached = self._variables_of(self._constraints_of(frontier))
            frontier = np.unique(reached[self.follows[reached] & ~free[reached]])
            free[frontier] = True
        return free

    def _shifted_domains(self, linear: np.ndarray, shifts: np.ndarray) -> list[list[int]]:
        """The domains of the ``linear`` constraints (by index), each less its shift."""
        bounds = self.linear_bounds[linear]
        finite = (bounds > -UNBOUNDED) & (bounds < UNBOUNDED)
        domains: list[list[int]] = np.where(finite, bounds - shifts[:, None], bounds).tolist()
        for row in np.flatnonzero(~self.is_interval[linear]).tolist():
            shift = int(shifts[row])
            domains[row] = [
                b - shift if -UNBOUNDED < b < UNBOUNDED else b
                for b in self.linear_domains[int(linear[row])]
            ]
        return domains

    def build(self, decisions: Iterable[int], solution: list[int] | np.ndarray) -> SubProblem:
        """The sub-problem with ``decisions`` free and everything else at its value in
        ``solution`` (a value per variable of the whole model), hinted with that solution."""
        values = np.asarray(solution, np.int64)
        free = self._free(decisions)
        kept = self._constraints_of(np.flatnonzero(free))
        linear = kept[self.is_linear[kept]]
        others = kept[~self.is_linear[kept]]
        used = free.copy()
        # Fixed literals stay in the constraints over literals; fixed terms leave linear ones.
        used[self._variables_of(others)] = True
        held = [ref for index in linear.tolist() for ref in self.enforcement[index]]
        used[[_variable(ref) for ref in held]] = True
        variables = np.flatnonzero(used)
        number = np.full(self.num_variables, -1, np.int64)
        number[variables] = np.arange(len(variables))

        def renumbered(refs: np.ndarray) -> np.ndarray:
            return np.where(refs >= 0, number[np.maximum(refs, 0)], -number[-refs - 1] - 1)

        sub = cp_model.CpModel()
        proto = sub.proto

        # Most constraints hold unconditionally: only the others' literals are renumbered.
        enforced = {
            index: renumbered(np.array(self.enforcement[index], np.int64)).tolist()
            for index in kept.tolist()
            if self.enforcement[index]
        }

        def enforced_as(index: int) -> Any:
            """A new constraint of the sub-problem, enforced as constraint ``index`` is."""
            added = proto.constraints.add()
            if index in enforced:
                added.enforcement_literal.extend(enforced[index])
            return added

        fixed_values = values[variables].tolist()
        for variable, is_free, value in zip(
            variables.tolist(), free[variables].tolist(), fixed_values, strict=True
        ):
            proto.variables.add().domain.extend(self.domains[variable] if is_free else [value] * 2)
        # The linear constraints' terms, by row: the free ones renumbered, the fixed ones summed
        # into a shift of the bounds.
        terms = _ranges(self.term_starts[linear], self.term_starts[linear + 1])
        rows = np.repeat(np.arange(len(linear)), np.diff(self.term_starts)[linear])
        term_variables = self.term_variables[terms]
        term_coefficients = self.term_coefficients[terms]
        moving = free[term_variables]
        shifts = np.zeros(len(linear), np.int64)
        np.add.at(
            shifts, rows[~moving], term_coefficients[~moving] * values[term_variables[~moving]]
        )
        at = _boundaries(rows[moving], len(linear))
        new_variables = number[term_variables[moving]].tolist()
        new_coefficients = term_coefficients[moving].tolist()
        for row, (index, domain) in enumerate(
            zip(linear.tolist(), self._shifted_domains(linear, shifts), strict=True)
        ):
            constraint = enforced_as(index).linear
            constraint.vars.extend(new_variables[at[row] : at[row + 1]])
            constraint.coeffs.extend(new_coefficients[at[row] : at[row + 1]])
            constraint.domain.extend(domain)
        spans = _ranges(self.literal_starts[others], self.literal_starts[others + 1])
        new_literals = renumbered(self.literals[spans]).tolist()
        at = np.concatenate([[0], np.cumsum(np.diff(self.literal_starts)[others])]).tolist()
        for row, index in enumerate(others.tolist()):
            added = enforced_as(index)
            kind = self.kinds[index]
            assert kind is not None
            getattr(added, kind).literals.extend(new_literals[at[row] : at[row + 1]])
        in_sub = used[self.objective_variables]
        objective = proto.objective
        objective.vars.extend(number[self.objective_variables[in_sub]].tolist())
        objective.coeffs.extend(self.objective_coefficients[in_sub].tolist())
        left = ~in_sub
        objective.offset = self.objective_offset + float(
            (self.objective_coefficients[left] * values[self.objective_variables[left]]).sum()
        )
        if self.scaling_factor:
            objective.scaling_factor = self.scaling_factor
        hint = proto.solution_hint
        hint.vars.extend(range(len(variables)))
        hint.values.extend(fixed_values)
        return SubProblem(sub, variables, values)
