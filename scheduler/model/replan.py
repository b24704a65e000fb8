"""The roster model of a re-plan: the published roster kept as far as the rules and holes allow.

On top of :class:`RosterModel` (every hard rule, the weighted objective):

- everything starting before ``from_minute`` is fixed as published, breaks included;
- each person-day that differs from the published roster costs: ``move`` when the person
  still works that day (another template, or the other location of a flex day), ``add`` for
  a day that had nothing, ``drop`` for a published day left empty;
- each published break start that is no longer used on its shift costs ``break_move``;
- the search starts from the published roster (less what the absences took away).
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.data import MINUTES_PER_DAY, TIERS, Assignment, FlexDay, Scenario
from scheduler.model.options import ShiftOption, WorkOption
from scheduler.model.params import default_workers
from scheduler.model.roster import Line, RosterModel, SkillClass
from scheduler.result import Progress


@dataclass(frozen=True)
class ChangeCosts:
    """Objective weights of changes to the published roster (same units as ``Weights``)."""

    move: int
    add: int
    drop: int
    break_move: int


class ReplanModel(RosterModel):
    """The aggregated roster model with the published roster fixed before ``from_minute``.

    Parameters
    ----------
    scenario
        The scenario with the absences as unavailable spans.
    assignments, flex_days
        The published roster.
    from_minute
        Horizon minute before which nothing changes.
    costs
        Weights of the changes.
    """

    def __init__(
        self,
        scenario: Scenario,
        assignments: list[Assignment],
        flex_days: list[FlexDay],
        from_minute: int,
        costs: ChangeCosts,
        accepted_shortfall: dict[tuple[Line, int], int] | None = None,
    ) -> None:
        # The change costs rank between shortfall and contract: a tier of their own, which
        # _minimize adds to the roster model's tiers (set before the base class minimises).
        self.change_terms: list[tuple[cp_model.LinearExprT, int]] = []
        self.change_offset = 0
        super().__init__(scenario, "aggregated")
        self.from_minute = from_minute
        self.costs = costs
        shift_index = {(o.day, o.template.shift_id): o.index for o in self.options}
        flex_index = {(o.day, o.location): o.index for o in self.flex_options}
        # Published option per person and day; a published day whose option the absences
        # removed is still a published day (it becomes a forced change).
        self.published: dict[tuple[str, int], int] = {}
        self.published_breaks: dict[tuple[str, int], Assignment] = {}
        for a in assignments:
            index = shift_index[a.day, a.shift_id]
            self.published[a.employee_id, a.day] = index
            self.published_breaks[a.employee_id, index] = a
        for f in flex_days:
            self.published[f.employee_id, f.day] = flex_index[f.day, f.location]
        self.missing: list[tuple[str, int]] = []
        """Published options before ``from_minute`` the scenario no longer allows."""
        self.add_frozen_past()
        self.add_accepted_shortfall(accepted_shortfall or {})
        self.add_change_costs()
        self.add_break_stability()
        self._minimize()
        self.add_published_hint()

    def kept(self, employee_id: str, option_index: int) -> bool:
        """Whether the person works this option in the published roster."""
        option = self.work[option_index]
        return self.published.get((employee_id, option.day)) == option_index

    def shift_vars(self) -> list[tuple[tuple[str, int], cp_model.IntVar]]:
        """``((employee_id, option index), x)`` of every shift option."""
        return [((e, o.index), var) for e, o, var in self._shift_vars()]

    def work_vars(self) -> list[tuple[tuple[str, int], cp_model.IntVar]]:
        """``((employee_id, option index), x)`` of every shift and flex option."""
        return list(self.x.items())

    def _gone(self) -> list[WorkOption]:
        """Published work the absences took away."""
        return [
            self.work[index]
            for (employee_id, _), index in self.published.items()
            if (employee_id, index) not in self.x
        ]

    def local_fixings(self) -> list[tuple[cp_model.IntVar, int]]:
        """Everything as published except on the days of the work the absences took away.

        ``(variable, value)``: work on other days as published, and the breaks of shifts that
        touch none of those days as published. The holes are filled by moves and new shifts
        on their own days; what this leaves out (a chain of changes over several days) the
        full re-plan may still find.
        """
        days = {d for g in self._gone() for d in range(g.day, (g.end - 1) // MINUTES_PER_DAY + 1)}
        result = [
            (var, int(self.kept(employee_id, index)))
            for (employee_id, index), var in self.x.items()
            if self.work[index].day not in days
        ]
        for index, skill_class in self.count:
            option = self.options[index]
            touched = range(option.day, (option.end - 1) // MINUTES_PER_DAY + 1)
            if option.day in days or any(d in days for d in touched):
                continue
            for b, starts in enumerate(self._published_starts(option, skill_class)):
                result.extend(
                    (var, starts[offset]) for offset, var in self.break_vars[index, skill_class, b]
                )
        return result

    def undisturbed_breaks(self) -> list[tuple[cp_model.IntVar, int]]:
        """Break counts that can stay as published when the published shifts are kept.

        ``(variable, published count)`` for every break slot of a shift option that overlaps
        no published work the absences took away: there the people at work, and so the
        staggering cap, are as published.
        """
        gone = self._gone()
        result: list[tuple[cp_model.IntVar, int]] = []
        for index, skill_class in self.count:
            option = self.options[index]
            if any(option.overlaps(g.start, g.end) for g in gone):
                continue
            for b, starts in enumerate(self._published_starts(option, skill_class)):
                result.extend(
                    (var, starts[offset]) for offset, var in self.break_vars[index, skill_class, b]
                )
        return result

    def _published_starts(self, option: ShiftOption, skill_class: SkillClass) -> list[Counter[int]]:
        """Per break of the option: how many of its published people start it at each offset."""
        starts: list[Counter[int]] = [Counter() for _ in option.breaks]
        for employee_id in self.members[option.index, skill_class]:
            published = self.published_breaks.get((employee_id, option.index))
            if published is None or (employee_id, option.index) not in self.x:
                continue
            for b, slot in enumerate(option.breaks):
                placed = next((p for p in published.breaks if p.name == slot.rule.name), None)
                if placed is not None:
                    starts[b][placed.start - option.start] += 1
        return starts

    def add_frozen_past(self) -> None:
        """Shifts and flex days starting before ``from_minute`` stay as published, with breaks."""
        for (employee_id, _), index in self.published.items():
            option = self.work[index]
            if option.start < self.from_minute and (employee_id, index) not in self.x:
                self.missing.append((employee_id, index))
        for (employee_id, index), var in self.x.items():
            if self.work[index].start < self.from_minute:
                self.model.add(var == int(self.kept(employee_id, index)))
        for (index, skill_class), _ in self.count.items():
            option = self.options[index]
            if option.start >= self.from_minute:
                continue
            for b, starts in enumerate(self._published_starts(option, skill_class)):
                for offset, var in self.break_vars[index, skill_class, b]:
                    self.model.add(var == starts[offset])

    def add_accepted_shortfall(self, accepted: dict[tuple[Line, int], int]) -> None:
        """Shortfall up to the published roster's, interval by interval, costs nothing.

        The re-plan fills the holes the absences make; holes the published roster already
        had were accepted when it was published, and chasing them would rework the week.
        """
        # Shortfall variable index -> (the variable, its upper bound, the accepted level).
        replaced: dict[int, tuple[cp_model.IntVar, int, int]] = {}
        for (line, t), short in self.shortfall.items():
            level = min(accepted.get((line, t), 0), self.required[line][t])
            if level > 0:
                replaced[short.index] = (short, self.required[line][t], level)
        if not replaced:
            return
        kept: list[tuple[cp_model.LinearExprT, int]] = []
        for expr, coefficient in self.tier_terms["shortfall"]:
            index = getattr(expr, "index", None)
            if index in replaced:
                short, most, level = replaced.pop(index)
                excess = self.model.new_int_var(0, most, f"new_short_{index}")
                self.model.add(excess >= short - level)
                kept.append((excess, coefficient))
            else:
                kept.append((expr, coefficient))
        self.tier_terms["shortfall"] = kept

    def add_change_costs(self) -> None:
        """Each person-day that differs from the published roster costs, moves least."""
        days: dict[tuple[str, int], list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
        for (employee_id, index), var in self.x.items():
            days[employee_id, self.work[index].day].append((index, var))
        for key in set(days) | set(self.published):
            published = self.published.get(key)
            options = days.get(key, [])
            if published is None:
                for _, var in options:
                    self.change_terms.append((var, self.costs.add))
                continue
            for index, var in options:
                if index != published:
                    self.change_terms.append((var, self.costs.move))
            # Working nothing that day: drop (1 - sum of the day's options).
            self.change_offset += self.costs.drop
            for _, var in options:
                self.change_terms.append((var, -self.costs.drop))

    def add_break_stability(self) -> None:
        """A published break start left unused on a shift that starts after ``from_minute``."""
        for (index, skill_class), _ in self.count.items():
            option = self.options[index]
            if option.start < self.from_minute:
                continue
            for b, starts in enumerate(self._published_starts(option, skill_class)):
                for offset, var in self.break_vars[index, skill_class, b]:
                    wanted = starts[offset]
                    if wanted:
                        left = self.model.new_int_var(0, wanted, f"break_left_{index}_{b}")
                        self.model.add(left >= wanted - var)
                        self.change_terms.append((left, self.costs.break_move))

    def _minimize(self) -> None:
        terms = [term for tier in TIERS for term in self.tier_terms[tier]] + self.change_terms
        self.model.minimize(
            cp_model.LinearExpr.weighted_sum([e for e, _ in terms], [c for _, c in terms])
            + sum(self.tier_offset.values())
            + self.change_offset
        )

    def add_published_hint(self) -> None:
        """Start from the published roster, less the days the absences took away."""
        for (employee_id, index), var in self.x.items():
            self.model.add_hint(var, self.kept(employee_id, index))
        for (index, skill_class), _ in self.count.items():
            starts = self._published_starts(self.options[index], skill_class)
            for b, counts in enumerate(starts):
                for offset, var in self.break_vars[index, skill_class, b]:
                    self.model.add_hint(var, counts[offset])


REPAIR_SHARE = 0.25
"""Most of the time limit for placing the breaks around the published shifts first."""
REPAIR_SECONDS = 3.0
LOCAL_SHARE = 0.35
"""Share of the time limit for filling the holes on the absences' own days first."""
POLISH_SHARE = 0.2
"""Share of the time limit kept for re-placing breaks around the re-plan's shifts at the end."""
POLISH_SECONDS = 2.0


def solve_from_published(
    built: ReplanModel, started: float, deadline: float, workers: int | None, seed: int
) -> tuple[str, list[int] | None, list[Progress]]:
    """Solve the re-plan in four steps by ``deadline``: its status (``optimal``, ``feasible``,
    ``infeasible`` or ``unknown``), the values of every variable, and each improving solution
    of the full re-plan, timed from ``started`` (both `time.perf_counter` times).

    1. The published roster less the absences often breaks the staggering cap (fewer people
       at work lower it), and a hint that breaks a rule is of little use to CP-SAT. So the
       published shifts are fixed first and only breaks (those near the work taken away, or
       else all) and back-office days placed: a complete, valid roster.
    2. From it, only the days of the work taken away are re-planned (a small model).
    3. From that, the full re-plan, until the time kept for step 4.
    4. Its shifts and flex days fixed, the breaks alone are placed again: a search stopped by
       the time limit leaves published breaks moved for nothing, which this small model puts
       back.
    """
    history = _History(started)
    status, values = _solve_in_steps(built, deadline, workers, seed, history)
    return status, values, history.progress


_STATUS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
}


def _solve_in_steps(
    built: ReplanModel, deadline: float, workers: int | None, seed: int, history: _History
) -> tuple[str, list[int] | None]:
    """The four steps of `solve_from_published`: the status and the values."""
    total = deadline - time.perf_counter()
    published = {key: int(built.kept(*key)) for key, _ in built.shift_vars()}
    repair_until = time.perf_counter() + min(REPAIR_SHARE * total, REPAIR_SECONDS)
    # Only the breaks around the work the absences took away need to move; trying that
    # small model first keeps the repair quick on a busy machine (a full re-placement of
    # 100 people's breaks took over 2 s there).
    repaired = _with_fixed_work(
        built,
        published,
        repair_until - time.perf_counter(),
        workers,
        seed,
        None,
        built.undisturbed_breaks(),
    )
    if repaired is None and repair_until > time.perf_counter():
        repaired = _with_fixed_work(
            built, published, repair_until - time.perf_counter(), workers, seed, None
        )
    if repaired is not None:
        _hint_all(built.model, repaired)
    # CP-SAT took 20 s to find three simple moves from the repaired roster at N=100 (2
    # workers); on the absences' own days alone it finds such moves within a second or two.
    local = _with_fixed_work(
        built, {}, LOCAL_SHARE * total, workers, seed, repaired, built.local_fixings()
    )
    if local is not None:
        _hint_all(built.model, local)
    polish = min(POLISH_SHARE * total, POLISH_SECONDS)
    solver = _configured(deadline - time.perf_counter() - polish, workers, seed)
    code = solver.solve(built.model, history)
    status = _STATUS.get(code, "unknown")
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return status, None
    values = list(solver.response_proto.solution)
    if code == cp_model.OPTIMAL:
        return status, values
    chosen = {key: values[var.index] for key, var in built.work_vars()}
    seconds = max(0.1, deadline - time.perf_counter())
    polished = _with_fixed_work(built, chosen, seconds, workers, seed, values)
    if polished is not None and _objective(built, polished) <= _objective(built, values):
        return status, polished
    return status, values


def _with_fixed_work(
    built: ReplanModel,
    chosen: dict[tuple[str, int], int],
    seconds: float,
    workers: int | None,
    seed: int,
    hint: list[int] | None,
    also: Iterable[tuple[cp_model.IntVar, int]] = (),
) -> list[int] | None:
    """The best values of the model with these work variables (and ``also``) fixed, if any."""
    fixed = built.model.clone()
    pairs = [(built.x[key], value) for key, value in chosen.items()] + list(also)
    for var, value in pairs:
        fixed.add(fixed.get_int_var_from_proto_index(var.index) == value)
    if hint is not None:
        _hint_all(fixed, hint)
    solver = _configured(seconds, workers, seed)
    if solver.solve(fixed) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return list(solver.response_proto.solution)
    return None


def _hint_all(model: cp_model.CpModel, values: list[int]) -> None:
    """Hint every variable of the model with a complete solution."""
    model.clear_hints()
    hint = model.proto.solution_hint
    hint.vars.extend(range(len(values)))
    hint.values.extend(values)


def _objective(built: ReplanModel, values: list[int]) -> int:
    """The re-plan's objective at these values."""
    objective = built.model.proto.objective
    return int(objective.offset) + sum(
        c * values[v] for v, c in zip(objective.vars, objective.coeffs, strict=True)
    )


def _configured(seconds: float, workers: int | None, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, seconds)
    solver.parameters.num_workers = workers or default_workers()
    solver.parameters.random_seed = seed
    return solver


class _History(cp_model.CpSolverSolutionCallback):
    """Records each improving solution's time and objective (change costs included)."""

    def __init__(self, started: float) -> None:
        super().__init__()
        self.started = started
        self.progress: list[Progress] = []

    def on_solution_callback(self) -> None:
        self.progress.append(
            Progress(
                time.perf_counter() - self.started, self.objective_value, self.best_objective_bound
            )
        )
