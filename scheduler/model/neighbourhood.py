"""Search helpers for day-level scenarios: a person-by-person start and people neighbourhoods.

With demand stated per shift and day, the hard rules bind each person alone; only the soft
cover lines tie people together. So a roster is built one person at a time, each getting
the best schedule under their own rules given everyone placed before (what the cover lines
still lack), and then improved by re-solving a few people at a time with everyone else
fixed.
"""

from __future__ import annotations

import dataclasses
import math
import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, TypeVar

from ortools.sat.python import cp_model

from scheduler.data import Assignment, Scenario
from scheduler.model.options import ShiftOption
from scheduler.model.params import configure
from scheduler.model.roster import RosterModel
from scheduler.model.sequence import Sequencer

__all__ = [
    "FIXED",
    "KINDS",
    "FirstAfter",
    "Neighbourhood",
    "Neighbourhoods",
    "StopOnStalledBound",
    "can_build_by_person",
    "completed_hint",
    "fix_domains",
    "person_by_person",
    "restore_domains",
    "roster_values",
]

T = TypeVar("T")

KINDS = ("people", "days", "costly", "types")
"""The neighbourhood kinds: some people over the horizon, a window of days, days drawn by
what the best roster's cover costs on them, and everyone's shifts of some templates over the
horizon, up to half of them drawn by what the best roster's cover costs on them (see
`Neighbourhoods`).

The fourth kind moves a shift between people and days at once, which neither people nor
windows do on a plateau (Curtois at 60 s, seeds 0-3, against the first three: Instance12
4,082, 4,090, 4,178, 4,186 against 4,191, 4,275, 4,177, 4,300; 9 446-451 with no stall against
448-454 and a stall at 558; 8 1,317-1,333 against 1,313-1,331). Drawing up to half its
templates by their cover cost, rather than all at random, took six runs of twelve within 1 %
against one (seeds 0-3 at 60 s: 12 4,072, 4,181, 4,070, 4,095 against 4,166, 4,085, 4,082,
4,192; 8 1,334, 1,310, 1,311, 1,321 against 1,324, 1,330, 1,334, 1,314; 9 441, 455, 447, 442
against 442, 448, 450, 452; 12 over seeds 4-7 4,086, 4,103, 4,205, 4,098 against 4,170, 4,126,
4,092, 4,183).

The third kind frees together days a window does not, such as weekends a week apart (Curtois
Instance8 at 60 s, seeds 0-11: mean gap 7.0 % against 14.3 % with the first two kinds alone;
8-12, seeds 0-5: mean gaps summed 25.9 points against 33.2). Taking the costliest days first,
ties in random order, did as well on 8 (7.0 %), and 29.0 points summed on 8-12: within the spread.

Aiming every other one at a cover line the best roster leaves short (its day in the window,
half the people able to work it) did no better at 60 s (Instances 8, 10, 11, 12, seeds 0 and 1:
1418/1319, 4735/4750, 3648/3446, 4726/4719 against 1421/1434, 4648/4740, 3444/3452, 4627/4907).
"""

RATE_KEPT = 0.7
"""The share of a kind's rate (relative gain per second) kept at each of its outcomes; the rest
is the outcome's. Kinds are drawn by their rate after one turn each, so that the time goes where
it gains: on Instance12 a people sub-problem took 3 s to gain what a costly one did in 0.2 s
(Curtois at 60 s, seeds 0-5: mean gaps on 8-12 summed 13.6 points against 19.4 with the kinds
in turn; 8 at 1,327-1,352 against 1,332-1,431; 12 over seeds 0-11 7.6 % against 8.8 %)."""
RATE_FLOOR = 0.1
"""In the draw, each kind's rate counts as at least this share of the best kind's, so that a
kind whose last sub-problems gained nothing still gets some of the time to gain again."""

PEOPLE_WHOLE_HORIZON_DAYS = 84
"""Up to this horizon a people neighbourhood frees its people on every day: their totals over
the horizon (minutes, weekends, shifts per template) tie the days together, and on a window
they could only trade work within it (Curtois at 600 s: 14, 15, 17, 18 and 19 at 1,290, 3,995,
5,764-5,777, 4,981 and 3,554 against 1,312-1,399, 4,616, 6,186-6,373, 5,371 and 3,782-3,915 on
a 4-week window)."""
PEOPLE_WINDOW_DAYS = 28
"""Days a people neighbourhood frees beyond that: on a year's horizon a few people's whole year
was too much to re-solve at once, and on 26 weeks 12 did worse than 4 (Curtois Instances 20 and
21 at 300 s: 6,356 and 34,933 against 5,797 and 33,388)."""


def can_build_by_person(scenario: Scenario) -> bool:
    """Whether every hard rule binds one person alone: front office only, no interval demand
    or breaks (whose staggering ties people together)."""
    return (
        all(e.works_front and not e.works_back for e in scenario.employees)
        and not scenario.demand
        and not scenario.breaks
    )


def person_by_person(
    scenario: Scenario,
    seconds_each: float,
    seed: int = 0,
    stop: Callable[[], bool] | None = None,
    workers: int = 1,
    budget: float | None = None,
) -> list[Assignment] | None:
    """A roster built one person at a time, each solved alone against the residual cover.

    People with the fewest shift options go first, each for up to ``seconds_each`` per four
    weeks of horizon. When the pace so far says the rest will not fit in ``budget`` seconds,
    ``workers`` people are solved side by side, each with a share of the time left. Then, while
    the budget lasts, everyone is re-solved in the same order against all the others, in passes
    while a pass pays (see `REPASS_GAIN`). On a horizon past `SEQUENCE_AFTER_DAYS` a person is
    solved by a shortest path over their days (`Sequencer`), one at a time, in the first pass
    and the passes after it alike; CP-SAT takes only a person whose path breaks a rule. Returns
    None when some person's own rules allow no schedule (the scenario is infeasible), none was
    found in a hundred times their time, or ``stop`` says to give up.
    """
    lines = scenario.shift_demand
    # A year's schedule takes 1.7 s to presolve alone.
    own = seconds_each * max(1.0, scenario.horizon.days / 28)
    placed: dict[int, int] = {}
    alone = [scenario.with_people([e.employee_id]) for e in scenario.employees]
    order = sorted(
        range(len(alone)),
        key=lambda i: (_num_options(alone[i]), scenario.employees[i].employee_id),
    )
    solving: set[cp_model.CpSolver] = set()
    stopping = threading.Event()
    weights = [scenario.cover_weights(line) for line in lines]
    # Each person's own rules are built once. The others' cover enters each solve as a price
    # on the person's shifts: taking a line still short saves its under weight, taking one
    # already met costs its over weight (building the model anew with the residual lines took
    # 24 of each solve's 57 ms on Curtois Instance12).
    models: dict[int, RosterModel] = {}
    # The prices of each person's last solve, when it was proven optimal: a re-solve at the
    # same prices from that schedule would find nothing better (the last pass of a start found
    # nothing in 1.7 s on Instance12), so it is skipped.
    solved_at: dict[int, tuple[int, ...]] = {}
    by_path = scenario.horizon.days > SEQUENCE_AFTER_DAYS
    sequencer = Sequencer(seed)

    def solve_one(
        index: int, so_far: dict[int, int], seconds: float, hint: list[Assignment] | None = None
    ) -> tuple[list[Assignment], list[int]] | None:
        person = scenario.employees[index]
        numbers = [
            n for n, line in enumerate(lines) if line.skill is None or line.skill in person.skills
        ]
        # Taking a line still short saves its under weight; one already met costs its over.
        line_prices = {
            n: -weights[n][0] if lines[n].required > so_far.get(n, 0) else weights[n][1]
            for n in numbers
        }
        if by_path:
            by_shift: dict[tuple[int, str], int] = defaultdict(int)
            for n, price in line_prices.items():
                by_shift[lines[n].day, lines[n].shift_id] += price
            shifts = sequencer.schedule(alone[index], by_shift, keep=hint)
            if shifts is not None:
                solved_at.pop(index, None)
                return shifts, numbers
        built = models.get(index)
        if built is None:
            built = models[index] = RosterModel(dataclasses.replace(alone[index], shift_demand=()))
        prices: list[tuple[cp_model.LinearExprT, int]] = []
        for n, price in line_prices.items():
            line = lines[n]
            prices += [(var, price) for var in built.on_shift(line.day, line.shift_id, line.skill)]
        key = tuple(price for _, price in prices)
        if hint is not None and solved_at.get(index) == key:
            return hint, numbers
        built.minimize_with(prices)
        built.model.clear_hints()
        if hint is not None:
            # From their schedule, a re-solve ends no worse than it began.
            built.hint(hint)
        solver = _person_solver(seed)
        solving.add(solver)
        # Checked after joining ``solving``: a stop from then on reaches this solve.
        if stopping.is_set():
            return None
        # Most people solve in a few hundredths of a second; a hard one gets more time only
        # until it has some schedule (the neighbourhoods improve it later).
        until = FirstAfter(solver, seconds, FIRST_SCHEDULE_PATIENCE * own)
        try:
            code = solver.solve(built.model, until)
        finally:
            until.cancel()
            solving.discard(solver)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        if code == cp_model.OPTIMAL:
            solved_at[index] = key
        else:
            solved_at.pop(index, None)
        return built.shifts(solver.value), numbers

    schedules: dict[int, tuple[list[Assignment], list[int]]] = {}

    def place(index: int, shifts: list[Assignment], numbers: list[int], sign: int = 1) -> None:
        schedules[index] = (shifts, numbers)
        worked = _worked_of(shifts)
        for n in numbers:
            if (lines[n].day, lines[n].shift_id) in worked:
                placed[n] = placed.get(n, 0) + sign

    # CP-SAT lets go of the interpreter while it solves, so threads solve people side by side;
    # each next person starts as soon as a thread is free, against the cover placed by then.
    waiting = list(reversed(order))
    at_once, seconds, finished = 1, own, 0
    started = time.perf_counter()
    running: dict[Future[tuple[list[Assignment], list[int]] | None], int] = {}
    pool = ThreadPoolExecutor(max(1, workers))
    try:
        while waiting or running:
            while waiting and len(running) < at_once:
                index = waiting.pop()
                running[pool.submit(solve_one, index, dict(placed), seconds)] = index
            # Waits in steps, so a stop (the time limit, Ctrl-C) ends the solves under way.
            done, _ = wait(running, timeout=0.1, return_when=FIRST_COMPLETED)
            if stop is not None and stop():
                return None
            for future in done:
                solved = future.result()
                if solved is None:
                    return None
                place(running.pop(future), *solved)
                finished += 1
            if budget is not None and done and waiting:
                elapsed = time.perf_counter() - started
                left = budget - elapsed
                # The paths serve a long horizon's people one by one in well under a second
                # each; side by side they would only share the interpreter.
                if elapsed / finished * len(waiting) > left and not by_path:
                    # Side by side the starts were 10 % worse on Instances 1-12 (the second
                    # person of a pair does not see the first): only when needed.
                    at_once = max(1, workers)
                    seconds = min(own, max(0.0, left) * at_once / len(waiting))
        # Everyone again in the same order, each against all the others: the first placed
        # chose before anyone else was known (Curtois Instance8: 5,796 -> 3,571 in a pass).

        def cover_cost() -> int:
            cost = 0
            for n, line in enumerate(lines):
                under, over = weights[n]
                on = placed.get(n, 0)
                cost += under * max(0, line.required - on) + over * max(0, on - line.required)
            return cost

        before = cover_cost()
        while True:
            changed = False
            for index in order:
                if stop is not None and stop():
                    return None
                if budget is not None and time.perf_counter() - started > budget:
                    break
                shifts, numbers = schedules[index]
                place(index, shifts, numbers, -1)
                solved = solve_one(index, dict(placed), seconds, hint=shifts)
                if solved is not None:
                    changed = changed or _worked_of(solved[0]) != _worked_of(shifts)
                    shifts, numbers = solved
                place(index, shifts, numbers)
            after = cover_cost()
            if not changed or after == 0 or before - after < REPASS_GAIN * before:
                # Past the paths' passes, CP-SAT's re-solves gained 4 a second (Curtois
                # Instance21: 24,051 -> 23,720 in 76 s), the neighbourhoods after the start 26.
                break
            before = after
    finally:
        stopping.set()
        while not all(future.done() for future in running):
            for solver in list(solving):
                solver.stop_search()
            wait(running, timeout=0.1)
        pool.shutdown()
    return [a for index in order for a in schedules[index][0]]


def _worked_of(shifts: Iterable[Assignment]) -> set[tuple[int, str]]:
    """The (day, shift id) pairs of a schedule."""
    return {(a.day, a.shift_id) for a in shifts}


SEQUENCE_AFTER_DAYS = 84
"""On a horizon longer than this, each person's first schedule is the shortest path over their
days (`Sequencer`), with CP-SAT only where that breaks a rule, and the passes after it re-solve
by paths while a pass pays; then the start ends. A year took CP-SAT 2.4-20 s per person to a
first schedule (Curtois Instance24), a path 0.36 s. Instance24 at 600 s (seed 0): 191,934 and
273,465 before, and once no roster (the start ran past the time limit); with paths for the
first schedules 84,508 and 86,194 (CP-SAT re-solves after, 35 in the budget, or none); with
path passes after them 69,836 (the start's roster 77,610, against 104,751)."""
REPASS_GAIN = 0.05
"""Passes of re-solving each person against everyone else go on while a pass cuts the cover's
cost by this share (and the budget lasts): later passes gain little, which the neighbourhoods
gain faster (Curtois Instance8: 5,796 -> 3,571 in the first pass of 2 s, then 100 a pass;
Instance12: 10,065 -> 8,536 in 3 s, then 8,328 after 14 s more)."""
FIRST_SCHEDULE_PATIENCE = 100
"""How many times a person's own time their solve waits at most for a first schedule."""


class FirstAfter(cp_model.CpSolverSolutionCallback):
    """Ends a solve at ``seconds`` if it has a solution by then (within ``gap`` of the bound,
    relative to the solution), else at its first such one (or at ``seconds + patience``)."""

    def __init__(
        self, solver: cp_model.CpSolver, seconds: float, patience: float, gap: float = math.inf
    ) -> None:
        super().__init__()
        self.found = False
        self.late = False
        self.gap = gap
        solver.parameters.max_time_in_seconds = seconds + patience
        self.timer = threading.Timer(seconds, self._time_up, (solver,))
        self.timer.start()

    def _time_up(self, solver: cp_model.CpSolver) -> None:
        self.late = True
        if self.found:
            solver.stop_search()

    def on_solution_callback(self) -> None:
        objective = self.objective_value
        gap = (objective - self.best_objective_bound) / max(abs(objective), 1)
        self.found = self.found or gap <= self.gap
        if self.late and self.found:
            self.stop_search()

    def cancel(self) -> None:
        """Stop the timer (the solve ended on its own)."""
        self.timer.cancel()


class StopOnStalledBound:
    """Ends a solve once its best bound has not risen for ``patience`` seconds."""

    def __init__(self, solver: cp_model.CpSolver, patience: float) -> None:
        self.solver = solver
        self.patience = patience
        self.bound = -math.inf
        self.risen = time.perf_counter()
        self.done = threading.Event()
        solver.best_bound_callback = self.on_bound
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def on_bound(self, bound: float) -> None:
        """Note a new best bound."""
        if bound > self.bound:
            self.bound = bound
            self.risen = time.perf_counter()

    def _watch(self) -> None:
        while not self.done.wait(STALL_CHECK_SECONDS):
            if time.perf_counter() - self.risen > self.patience:
                self.solver.stop_search()
                return

    def cancel(self) -> None:
        """Stop watching (the solve ended)."""
        self.done.set()


STALL_CHECK_SECONDS = 0.1
"""How often `StopOnStalledBound` looks at the bound's age."""


def _person_solver(seed: int) -> cp_model.CpSolver:
    """A one-worker solver tuned for one person's schedule."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.catch_sigint_signal = False
    # The automaton's flow relaxation: without it no schedule at all was found in 20 s for
    # a person of Curtois Instance22 (232-234 shifts in 364 days, at most 5 in a row); with
    # it, the optimum in 5-7 s.
    solver.parameters.linearization_level = 2
    # Probing took half of a year's first schedule (Instance24: 1.3 s against 2.8 s). On
    # Instances 1-12 the starts took 12 s in all against 15 s, and summed to 53,385 against
    # 52,512 (mixed: 6 of 12 better); the neighbourhoods at 60 s ended as before.
    solver.parameters.cp_model_probing_level = 0
    return solver


def _num_options(scenario: Scenario) -> int:
    """Shift options one person's rules leave (fewer first: the least flexible choose first)."""
    person = scenario.employees[0]
    rules = scenario.rules_for(person)
    allowed = [t for t in scenario.shifts if rules.allows(t)]
    limits = dict(rules.max_shifts)
    return sum(
        min(limits.get(t.shift_id, scenario.horizon.days), scenario.horizon.days) for t in allowed
    )


def roster_values(built: RosterModel, roster: Iterable[Assignment]) -> Callable[[Any], int]:
    """The values of ``built``'s assignment literals in a roster (1 for its shifts, else 0)."""
    chosen = {(a.employee_id, a.day, a.shift_id) for a in roster}
    values = {}
    for (employee_id, index), var in built.x.items():
        option = built.work[index]
        on = isinstance(option, ShiftOption) and (
            (employee_id, option.day, option.template.shift_id) in chosen
        )
        values[var.index] = int(on)
    return lambda var: values[var.index]


Domains = list[tuple[int, list[int]]]
"""Variables' former domains, by index, as `fix_domains` saves them."""


def _set_domain(domain: Any, bounds: list[int]) -> None:
    """Overwrite a variable's domain (a repeated field of its proto) with ``bounds``."""
    domain.clear()
    domain.extend(bounds)


def fix_domains(model: cp_model.CpModel, values: dict[int, int]) -> Domains:
    """Narrow each variable (by index) to its value in ``model`` itself; returns their former
    domains for `restore_domains`, so one model serves many sub-problems."""
    variables = model.proto.variables
    saved = []
    for index, value in values.items():
        domain = variables[index].domain
        saved.append((index, list(domain)))
        _set_domain(domain, [value, value])
    return saved


def completed_hint(
    model: cp_model.CpModel, seconds: float, workers: int | None, seed: int
) -> list[int] | None:
    """Every variable's value in a solution of ``model`` with its hinted variables held to
    their hints, found within ``seconds`` (None if none was)."""
    hint = model.proto.solution_hint
    saved = fix_domains(model, dict(zip(hint.vars, hint.values, strict=True)))
    solver = cp_model.CpSolver()
    configure(solver, seconds, workers, seed)
    code = solver.solve(model)
    restore_domains(model, saved)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return [int(v) for v in solver.response_proto.solution]


def restore_domains(model: cp_model.CpModel, saved: Domains) -> None:
    """Give the variables fixed by `fix_domains` their former domains back."""
    variables = model.proto.variables
    # Last saved first: a variable fixed twice gets its first domain back.
    for index, domain in reversed(saved):
        _set_domain(variables[index].domain, domain)


@dataclass(frozen=True)
class Neighbourhood:
    """The part of a roster left free: some people's shifts of some templates on some days
    (None: all of them)."""

    kind: str
    people: frozenset[str] | None = None
    days: frozenset[int] | None = None
    templates: frozenset[str] | None = None


FIXED = Neighbourhood("fixed", frozenset(), frozenset())
"""Nothing free: a complete roster evaluated as it is."""


class Neighbourhoods:
    """Fix a roster outside a neighbourhood on a built model, and release it again.

    Four kinds by default (`KINDS`): a few people over the whole horizon (over four weeks of
    one past twelve weeks), everyone over a window of days (which may wrap round from the
    horizon's last day to its first), everyone over some days wherever they lie, drawn with
    chances in proportion to what the best roster's cover costs on them (up to twelve weeks;
    past them not), and everyone's shifts of some templates, up to half of them drawn by what
    the best roster's cover costs on them (with two or more templates; past twelve weeks over
    four, drawn by the cost on those). Another, ``costly_people``, is people of whom half are
    drawn with chances in proportion to their own cost in the best roster
    (`RosterModel.own_costs`). They take one turn each, then are drawn so that each kind's
    share of the time follows what it has lately gained per second (:data:`RATE_KEPT`). Each
    kind has a size of its own, which grows after a sub-problem solved to optimality that found
    no better roster, stays after one that did, and shrinks after one cut short (past twelve
    weeks, halves, until the kind's first proven sub-problem). The domains of
    the fixed assignment literals are narrowed in the model itself and restored by
    :meth:`release`, so one model serves every neighbourhood.

    With ``breaks``, the break variables of the days a neighbourhood does not free are fixed
    too (the values given to `fix` must cover them), and past a week a people neighbourhood
    frees its people on one block of the horizon (7 days, weekly rules whole) rather than on
    every day.
    """

    def __init__(
        self,
        built: RosterModel,
        seed: int = 0,
        kinds: tuple[str, ...] = KINDS,
        breaks: bool = False,
    ) -> None:
        self.built = built
        self.random = random.Random(seed)
        self.people = [e.employee_id for e in built.people]
        self.num_days = built.scenario.horizon.days
        # Past twelve weeks scattered days free too little: Curtois Instance20 (26 weeks) at
        # 300 s ended at 6,255 with the costly kind and 5,642 without.
        long = self.num_days > PEOPLE_WHOLE_HORIZON_DAYS
        day = {o.index: o.day for o in built.work}
        template = {o.index: o.template.shift_id for o in built.options}
        self.templates = sorted(set(template.values()))
        self.kinds = tuple(
            k
            for k in kinds
            if not (long and k == "costly") and not (k == "types" and len(self.templates) < 2)
        )
        # The costly kind has a size of its own: its sub-problems are proven in a tenth of a
        # second and grew the size the windows shared, to windows cut short (Curtois at 60 s,
        # seeds 0-5: Instance10 within 1 % in six runs of six against two, 12 mean gap
        # 10.5 % against 15.5 %).
        people = max(2, len(self.people) // 6)
        self.size = {
            "people": people,
            "costly_people": people,
            "days": min(7, self.num_days),
            "costly": min(7, self.num_days),
            "types": max(1, len(self.templates) // 2),
        }
        # The kinds with a sub-problem proven so far (see `adapt`).
        self._proven: set[str] = set()
        self.turn = 0
        self.rate = dict.fromkeys(self.kinds, 0.0)
        # What each kind's sub-problems take, folded in as the rate is.
        self.seconds: dict[str, float] = {}
        # The value each fixed literal's domain now holds, and the domain it had before: a
        # neighbourhood rewrites only the literals whose state differs from the last one's.
        self._fixed: dict[int, int] = {}
        self._former: dict[int, list[int]] = {}
        # The literals the last call left free (None: no call since a release).
        self._free: set[int] | None = None
        self._var = {var.index: var for var in built.x.values()}
        self._by_person: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self._by_day: dict[int, list[int]] = defaultdict(list)
        self._by_template: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for (employee_id, index), var in built.x.items():
            self._by_person[employee_id].append((day[index], var.index))
            self._by_day[day[index]].append(var.index)
            if index in template:
                self._by_template[template[index]].append((day[index], var.index))
        # Flex days have no template: a types neighbourhood never frees them.
        self._untemplated = any(index not in template for _, index in built.x)
        # The break variables by day. Left free, every sub-problem placed the whole horizon's
        # breaks again: on four weeks (N=100, 120 s) people neighbourhoods of 1-10 people found
        # nothing in 35 s, each cut short at 2 s; on a block with that block's breaks they took
        # the roster from 821,925 to 683,910.
        self._breaks_by_day: dict[int, list[int]] = defaultdict(list)
        if breaks:
            for (index, _, _), slots in built.break_vars.items():
                for _, var in slots:
                    self._var[var.index] = var
                    self._breaks_by_day[day[index]].append(var.index)

    def choose(
        self, value: Callable[[Any], int] | None = None, complete: bool = False
    ) -> Neighbourhood:
        """The next neighbourhood, of a kind in turn or drawn by rate: random people, people
        drawn by their own cost, a window from a random day, or days drawn by their cover's
        cost in the roster ``value`` gives, or templates partly drawn by theirs (a value per
        assignment literal, and per variable if ``complete``)."""
        kind = self._next_kind()
        self.turn += 1
        size = self.size[kind]
        if kind == "costly":
            return Neighbourhood(kind, days=self._costly_days(size, value, complete))
        if kind == "types":
            if self.num_days <= PEOPLE_WHOLE_HORIZON_DAYS:
                return Neighbourhood(kind, templates=self._costly_templates(size, value))
            window = self._window(PEOPLE_WINDOW_DAYS)
            templates = self._costly_templates(size, value, window)
            return Neighbourhood(kind, days=window, templates=templates)
        if kind in ("people", "costly_people"):
            own = {}
            if kind == "costly_people" and value is not None and complete:
                own = self.built.own_costs(value)
            chosen = self._people_by_cost(size, own)
            if self._breaks_by_day and self.num_days > 7:
                # Whole blocks keep a week's hours within the sub-problem.
                first, num_days = self.random.choice(self.built.scenario.horizon.blocks())
                block = frozenset(range(first, first + num_days))
                return Neighbourhood(kind, people=frozenset(chosen), days=block)
            if self.num_days <= PEOPLE_WHOLE_HORIZON_DAYS:
                return Neighbourhood(kind, people=frozenset(chosen))
            window = self._window(PEOPLE_WINDOW_DAYS)
            return Neighbourhood(kind, people=frozenset(chosen), days=window)
        return Neighbourhood(kind, days=self._window(size))

    def _next_kind(self) -> str:
        """Each kind in turn once, then a kind drawn so that each kind's share of the time
        follows its rate, none below :data:`RATE_FLOOR` of the best: chances in proportion to
        its rate over what its sub-problems take."""
        if self.turn < len(self.kinds) or len(self.kinds) == 1:
            return self.kinds[self.turn % len(self.kinds)]
        floor = max(RATE_FLOOR * max(self.rate.values()), 1e-9)
        # Drawn by rate alone, a kind whose sub-problems run to their cap took time in
        # proportion to their length: on Curtois Instance12 (60 s) people neighbourhoods of
        # 3 s gained 8 in 16 s at the floor's tenth of the draws, where windows of 0.7 s gained
        # 2,610 in 17 s. Kept for that trace: its runs (12 over seeds 0-11: 4.7 % against
        # 7.6 %) differ by about what other random numbers alone moved 12's mean (2.7 %
        # against 4.7 %; benchmarks/HISTORY.md, thirty-second session).
        usual = sum(self.seconds.values()) / len(self.seconds) if self.seconds else 1.0
        weights = [max(self.rate[k], floor) / self.seconds.get(k, usual) for k in self.kinds]
        return self.random.choices(self.kinds, weights)[0]

    def _costly_days(
        self, size: int, value: Callable[[Any], int] | None, complete: bool = False
    ) -> frozenset[int]:
        """``size`` days whose cover (day-level lines, and interval demand where ``value`` is
        ``complete``) costs something under ``value``, drawn with chances in proportion to
        their cost, made up with random days where fewer cost anything."""
        costs = {} if value is None else self.built.day_cover_costs(value)
        if value is not None and complete:
            for day, cost in self.built.day_short_costs(value).items():
                costs[day] = costs.get(day, 0) + cost
        return frozenset(self._draw_by_cost(list(range(self.num_days)), costs, size, size))

    def _costly_templates(
        self,
        size: int,
        value: Callable[[Any], int] | None,
        days: frozenset[int] | None = None,
    ) -> frozenset[str]:
        """``size`` templates, up to half of them drawn from those whose cover on ``days``
        (None: every day) costs something under ``value``, with chances in proportion to it,
        the rest at random."""
        # Only the freed days' cost: a template short on days outside the window gains
        # nothing from freeing its shifts inside it (Curtois at 300 s: Instance20 5,393 and
        # 5,647 at seeds 0 and 1 against 5,502 and 5,957 by the whole horizon's cost, 21
        # 25,077 against 26,050 at seed 0).
        costs = {} if value is None else self.built.template_cover_costs(value, days)
        return frozenset(self._draw_by_cost(self.templates, costs, (size + 1) // 2, size))

    def _people_by_cost(self, size: int, costs: Mapping[str, int]) -> list[str]:
        """``size`` people, up to half of them drawn from those with an own cost in ``costs``
        with chances in proportion to it, the rest at random."""
        return self._draw_by_cost(self.people, costs, (size + 1) // 2, size)

    def _draw_by_cost(
        self, items: list[T], costs: Mapping[T, int], most: int, size: int
    ) -> list[T]:
        """``size`` of ``items``: up to ``most`` drawn from those costing something in
        ``costs``, with chances in proportion to their cost, then random ones."""
        costly = [item for item, cost in costs.items() if cost > 0]
        # Drawn rather than the costliest first, so that a draw proven to hold nothing better
        # is not drawn again (a key u ** (1 / cost) per item: the largest keys are a weighted
        # draw without replacement).
        keys = {item: self.random.random() ** (1 / costs[item]) for item in costly}
        costly.sort(key=lambda item: -keys[item])
        chosen = costly[:most]
        taken = set(chosen)
        rest = [item for item in items if item not in taken]
        return chosen + self.random.sample(rest, max(0, min(len(rest), size - len(chosen))))

    def _window(self, size: int) -> frozenset[int]:
        """``size`` days in a row from a random day, wrapping round from the horizon's last day
        to its first."""
        # Every day is free as often: windows kept inside the horizon freed the first and last
        # days a seventh as often as the middle ones at 7 days of 28 (Curtois at 60 s, seeds
        # 0-5: Instance12 4,326-5,046, mean gap 12.7 %, against 4,704-5,253 and 20.3 %).
        first = self.random.randrange(self.num_days)
        return frozenset((first + offset) % self.num_days for offset in range(size))

    def is_whole(self, free: Neighbourhood) -> bool:
        """Whether ``free`` leaves every assignment free (the whole model)."""
        people = free.people is None or len(free.people) >= len(self.people)
        templates = free.templates is None or (
            len(free.templates) >= len(self.templates) and not self._untemplated
        )
        return people and templates and (free.days is None or len(free.days) >= self.num_days)

    def fix(
        self, value: Callable[[Any], int], free: Neighbourhood = FIXED, same_outside: bool = False
    ) -> None:
        """Fix every assignment outside ``free`` to its value in a solution, and free those
        inside it that an earlier call fixed. ``same_outside``: ``value`` agrees with the last
        call's on every literal that call fixed (a solution of its sub-problem), so only the
        literals free then or now can change."""
        freed = self.literals(free)
        # Rewriting every literal's domain took 0.77 s a neighbourhood on Curtois Instance21
        # (145 k literals), 42 % of the search's time; between two neighbourhoods most keep
        # their value. Looking each one up again still took 0.1 s, where the two
        # neighbourhoods' literals are a few thousand.
        touched = self._free | freed if same_outside and self._free is not None else self._var
        variables = self.built.model.proto.variables
        for index in touched:
            if index in freed:
                if index in self._fixed:
                    _set_domain(variables[index].domain, self._former.pop(index))
                    del self._fixed[index]
                continue
            fixed = value(self._var[index])
            if self._fixed.get(index) != fixed:
                domain = variables[index].domain
                self._former.setdefault(index, list(domain))
                _set_domain(domain, [fixed, fixed])
                self._fixed[index] = fixed
        self._free = freed

    def literals(self, free: Neighbourhood) -> set[int]:
        """The assignment literals (by variable index) that ``free`` leaves free, and the
        break variables of its days (every day's if it has none) if breaks are fixed too."""
        days = range(self.num_days) if free.days is None else free.days
        placed = {index for day in days for index in self._breaks_by_day.get(day, ())}
        # A neighbourhood frees some people or some templates (never both), on its days.
        by_key, keys = (
            (self._by_template, free.templates)
            if free.templates is not None
            else (self._by_person, free.people)
        )
        if keys is not None:
            return placed | {
                index
                for key in keys
                for day, index in by_key.get(key, ())
                if free.days is None or day in free.days
            }
        if free.days is not None:
            return placed | {index for day in free.days for index in self._by_day.get(day, ())}
        return self.decisions

    @property
    def decisions(self) -> set[int]:
        """Every variable (by index) a neighbourhood frees or fixes: the assignment literals,
        and the break variables if breaks are fixed too."""
        return set(self._var)

    def release(self) -> None:
        """Give the fixed literals their former domains back."""
        variables = self.built.model.proto.variables
        for index, domain in self._former.items():
            _set_domain(variables[index].domain, domain)
        self._fixed.clear()
        self._former.clear()
        self._free = None

    def adapt(
        self,
        free: Neighbourhood,
        proven: bool,
        improved: bool = False,
        gain_rate: float = 0.0,
        seconds: float = 1.0,
    ) -> None:
        """Grow a kind after a sub-problem solved to optimality that found nothing better,
        keep its size after one that did, shrink it after one cut short (halve it, past twelve
        weeks, until one of the kind is proven); fold ``gain_rate``
        (the share of the objective gained per second) into its rate, and ``seconds`` (what
        the sub-problem took) into its time."""
        kind = free.kind
        if kind in self.rate:
            self.rate[kind] = RATE_KEPT * self.rate[kind] + (1 - RATE_KEPT) * gain_rate
            took = self.seconds.get(kind, seconds)
            self.seconds[kind] = RATE_KEPT * took + (1 - RATE_KEPT) * seconds
        if kind not in self.size:
            return
        if proven:
            self._proven.add(kind)
        elif self.num_days > PEOPLE_WHOLE_HORIZON_DAYS and kind not in self._proven:
            # Past twelve weeks the first sizes are guesses for a four-week window of a horizon
            # unlike those they were tuned on: Curtois Instance24's (600 s) took 130 s of
            # neighbourhoods cut short, one step down each, to reach sizes that were proven.
            # From the same start, 200 s of neighbourhoods that halve reached 70,807 and 70,381
            # against 71,653 and 70,700 (seeds 0 and 1).
            self.size[kind] = max(1, self.size[kind] // 2)
            return
        # A size that still finds better rosters is kept: growing after every proven one took
        # the windows to 13-16 days, each near its time cap (Curtois at 60 s, seeds 0-5:
        # Instance10 within 1 % in six runs of six, against three, and 11 in five against three).
        if proven and improved:
            return
        # Costly people stay at most the horizon's days in number too: letting them grow to
        # everyone, as random people do, was no better on the whole (back office at 60 s,
        # seeds 0-2: N = 100 1.74, 0.77, 0.44 % against 0.33, 0.51, 0.42 %; N = 200 0.06,
        # 1.02, 0.17 % against 0.20, 1.18, 0.29 %; benchmarks/HISTORY.md, fifty-eighth session).
        limits = {"people": len(self.people), "types": len(self.templates)}
        limit = limits.get(kind, self.num_days)
        step = 1 if proven else -1
        self.size[kind] = max(1, min(limit, self.size[kind] + step))
