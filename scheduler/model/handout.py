"""Handing a staffing solution's counts to named people exactly, twenty at a time.

The greedy hand-out and its ejection chains (`assign_to_targets`) are fast but can paint
themselves into a corner: at N=800 they left 2 of 3,905 counted shifts with nobody who could
take them without a longer chain of moves. A small CP-SAT model over some people of a skill
class, the others' shifts fixed, finds such moves under every per-person rule.
"""

from __future__ import annotations

import math
import random
import time
from collections import defaultdict
from collections.abc import Callable, Mapping

from ortools.sat.python import cp_model

from scheduler.data import (
    Assignment,
    AvailabilityKind,
    Employee,
    Office,
    Scenario,
    fairness_factor,
)
from scheduler.model.construct import Group
from scheduler.model.neighbourhood import completed_hint
from scheduler.model.options import ShiftOption, shift_options
from scheduler.model.params import configure
from scheduler.model.roster import RosterModel


class HandOutModel(RosterModel):
    """Some people of one group working at most the counted shifts, missing as few as possible.

    Every per-person rule of the roster model holds; coverage, breaks and the rules that
    compare people (day-level cover) belong to the whole roster and are left out. The weekend
    spread is priced per person against ``weekend`` (see `add_fairness`).
    """

    def __init__(
        self,
        scenario: Scenario,
        group: list[Employee],
        counts: Mapping[int, int],
        weekend: Mapping[str, tuple[int, int]] | None = None,
    ):
        self.counts = counts
        self.weekend = weekend or {}
        super().__init__(scenario.with_people([e.employee_id for e in group]))

    def add_fairness(self) -> None:
        """Soft: each person's weekend load lies within the highest and lowest that the counts
        priced for their fairness group (``weekend``, by person); each unit outside costs as a
        unit of spread."""
        weight = self.scenario.weights.fairness
        weekend = self.scenario.horizon.weekend_days()
        for employee in self.people:
            loads = self.weekend.get(employee.employee_id)
            if not weight or loads is None:
                continue
            high, low = loads
            factor = fairness_factor(employee)
            counted = [v for o, v in self._person_options(employee) if o.day in weekend]
            load = factor * cp_model.LinearExpr.sum(counted)
            outside = self.model.new_int_var(0, max(low, factor * len(counted)), "outside")
            self.model.add(outside >= load - high)
            self.model.add(outside >= low - load)
            self.tier_terms["fairness"].append((outside, weight))

    def add_day_cover(self) -> None:
        """Left to the roster model."""

    def add_desks(self) -> None:
        """Left to the roster model."""

    def add_back_office_cover(self) -> None:
        """Left to the roster model (a few people of a group may hold no one of the skill)."""

    def add_breaks_aggregated(self) -> None:
        """Left to the roster model."""

    def add_breaks_individual(self) -> None:
        """Left to the roster model."""

    def add_break_staggering(self) -> None:
        """Left to the roster model."""

    def add_coverage(self) -> None:
        """At most the counted people work each option; each one missing costs as much as
        the shortfall its paid minutes could leave."""
        taken: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for _, option, var in self._shift_vars():
            taken[option.index].append(var)
        weight = self.scenario.weights.shortfall
        for index, held in taken.items():
            wanted = self.counts.get(index, 0)
            self.model.add(cp_model.LinearExpr.sum(held) <= wanted)
            if wanted:
                missed = wanted - cp_model.LinearExpr.sum(held)
                self.tier_terms["shortfall"].append(
                    (missed, weight * self.options[index].paid_minutes)
                )

    def add_objective(self) -> None:
        """Minimise missed counts, then contract deviation, refused requests and office
        wishes."""
        self._minimize()


HAND_OUT_PEOPLE = 10
HAND_OUT_SECONDS = 0.25
"""Most people of a group re-handed at once (the others keep their shifts), and most time for
one such re-hand.

Many small re-hands beat a few large ones. From the same greedy hand-outs (counts missed, then
left, seconds): 60 people for 2 s: N=400 4 -> 2 after 15 s, 1 -> 1 after 15 s, N=800 10 -> 1
after 20 s, and at N=200 one count still missed after 9 s in four of six tries; 30 for 1 s:
N=200 4 -> 0 in 2.8 s, 2 -> 0 in 1.6 s, N=400 4 -> 0 in 3.7 s, 1 -> 0 in 0.4 s, N=800
10 -> 0 in 7.5 s; 20 for 0.5 s: 2.6 s, 0.9 s, 1.9 s, 0.2 s and 3.6 s; 10 for 0.25 s: within
1 s, 1 s, 2 s, 0.5 s and 4 s. A whole group of 429 (N=1600) did not get past CP-SAT's presolve
in 13 s.

Once the counts are met, re-hands bring people's hours to their contracts: from the same hand-out
(hours off the contracts after 3 s and 9 s), 10 for 0.25 s: N=400 with a back office 333 ->
110 -> 3 (the staffing model's patterns: 0), front office only 390.5 -> 354.5 -> 348.5 (348.5);
20 for 0.5 s: 333 -> 225 -> 91 and 390.5 -> 371.5 -> 349.5; 40 for 1 s: 333 -> 272 -> 130.

Each re-hand starts from a complete solution (`completed_hint`, 0.01-0.02 s): twelve re-hands of
ten that ran out of time (N=400 with a back office), replayed for 0.25 s at three solver seeds,
ended at 86,400, 101,100 and 95,700 in all against 113,770, 133,800 and 105,600 hinted with the
shifts alone, and in whole solves the hand-out's cost fell from 112,800 to 20,700-22,200 in 4.2 s
against 30,600."""
STALLED_RE_HANDS = 3
"""Least re-hands in a row that bring a group's hours no closer to its contracts, after which
the group (missing no count) is left as it is; a large group gets as many as it takes to choose
about all its people (10 for 0.25 s stopped after 0.2 s at N=400 with three for any group)."""
STALLED_MISSING = 3
"""How many times over a group still missing counts is stalled before it is left to the search,
which meets what the re-hands cannot (the sample week: a group of 14 missed one count through
18 s of re-hands without gain, till the deadline, delaying the first roster from 22 s to 37 s)."""


def hand_out_exactly(
    scenario: Scenario,
    roster: list[Assignment],
    targets: Mapping[tuple[int, Group], int],
    group_of: Mapping[str, Group],
    deadline: float,
    workers: int | None,
    seed: int,
    stopped: Callable[[], bool] = lambda: False,
    weekend: Mapping[str, tuple[int, int]] | None = None,
) -> list[Assignment]:
    """Meet the counts ``roster`` misses, then bring its people's hours closer to their
    contracts, their weekend loads within ``weekend`` (see `HandOutModel`) and the
    cross-trained to the office they prefer, by re-handing its front-office groups' shifts
    with `HandOutModel`, up to `HAND_OUT_PEOPLE` people at a time, until ``deadline`` (a
    `time.perf_counter` value) or until ``stopped()`` (Ctrl-C) says so.

    A re-hand is kept only where the group then misses fewer counted minutes, or as few at
    less cost (see `_cost`). Who is chosen: see `_choose`.
    """
    options = shift_options(scenario)
    handing = scenario
    members: dict[Group, list[Employee]] = defaultdict(list)
    for employee in handing.employees:
        if employee.employee_id in group_of and employee.works_front:
            members[group_of[employee.employee_id]].append(employee)
    counts: dict[Group, dict[int, int]] = defaultdict(dict)
    for (index, group), wanted in targets.items():
        if wanted:
            counts[group][index] = wanted
    by_person: dict[str, list[Assignment]] = defaultdict(list)
    for a in roster:
        by_person[a.employee_id].append(a)
    option_at = {(o.day, o.template.shift_id): o for o in options}
    rng = random.Random(seed)
    weekend = weekend or {}

    def cost(group: Group, shifts: Mapping[str, list[Assignment]]) -> tuple[int, int]:
        return _cost(scenario, option_at, members[group], counts[group], shifts, weekend)

    # Group -> re-hands in a row without gain.
    pending = {g: 0 for g in sorted(members, key=str) if cost(g, by_person) != (0, 0)}
    while pending and time.perf_counter() < deadline and not stopped():
        # Missed counts first: each costs shortfall, where deviation costs far less.
        missing = [g for g in pending if cost(g, by_person)[0] > 0]
        for group in missing or list(pending):
            left = deadline - time.perf_counter()
            if left <= 0 or stopped():
                return _listed(by_person)
            chosen = _choose(
                scenario, members[group], counts[group], by_person, option_at, rng, weekend
            )
            ids = {e.employee_id for e in chosen}
            residual = dict(counts[group])
            for employee in members[group]:
                if employee.employee_id not in ids:
                    for a in by_person[employee.employee_id]:
                        index = option_at[a.day, a.shift_id].index
                        residual[index] = residual.get(index, 0) - 1
            residual = {i: max(0, n) for i, n in residual.items()}
            seconds = min(HAND_OUT_SECONDS, left)
            code, tried = _re_hand(
                handing, chosen, residual, weekend, by_person, seconds, workers, seed
            )
            gained = False
            if tried is not None and cost(group, tried) < cost(group, by_person):
                by_person.update((e, tried[e]) for e in ids)
                gained = True
            missed, rest = cost(group, by_person)
            pending[group] = 0 if gained else pending[group] + 1
            whole = len(chosen) == len(members[group])
            # A group is stalled once re-hands without gain have chosen about all its people;
            # one still missing counts, once they have done so `STALLED_MISSING` times over.
            rounds = max(STALLED_RE_HANDS, len(members[group]) / len(chosen))
            stalled = pending[group] >= rounds * (STALLED_MISSING if missed else 1)
            settled = stalled or (missed == 0 and rest == 0)
            if settled or (whole and code == cp_model.OPTIMAL):
                del pending[group]
    return _listed(by_person)


WHOLE_GROUP_MOST = 50
"""Most people of a profile group whose shifts `rehand_whole_groups` re-hands at once."""


def rehand_whole_groups(
    scenario: Scenario,
    roster: list[Assignment],
    group_of: Mapping[str, Group],
    deadline: float,
    workers: int | None,
    seed: int,
    weekend: Mapping[str, tuple[int, int]] | None = None,
    stopped: Callable[[], bool] = lambda: False,
) -> list[Assignment]:
    """Re-hand the shifts each profile group of at most `WHOLE_GROUP_MOST` people holds in
    ``roster`` among its members at once, toward their contracts, weekend loads and requests
    (see `HandOutModel`), each group for its share of the time left until ``deadline`` or
    until ``stopped()`` (Ctrl-C) says so; a group keeps its re-hand where it costs less.

    Ten people at a time stalled 40 % above the contracts' least deviation that the whole
    group reaches (N=100: 34 full-timers, optimal in 6 s).
    """
    options = shift_options(scenario)
    option_at = {(o.day, o.template.shift_id): o for o in options}
    members: dict[Group, list[Employee]] = defaultdict(list)
    for employee in scenario.employees:
        if employee.employee_id in group_of and employee.works_front and not employee.works_back:
            members[group_of[employee.employee_id]].append(employee)
    by_person: dict[str, list[Assignment]] = defaultdict(list)
    for a in roster:
        by_person[a.employee_id].append(a)
    weekend = weekend or {}
    counts: dict[Group, dict[int, int]] = {}
    for group, people in members.items():
        held: dict[int, int] = defaultdict(int)
        for employee in people:
            for a in by_person[employee.employee_id]:
                held[option_at[a.day, a.shift_id].index] += 1
        counts[group] = held
    costly = sorted(
        (
            g
            for g, people in members.items()
            if len(people) <= WHOLE_GROUP_MOST
            and _cost(scenario, option_at, people, counts[g], by_person, weekend) != (0, 0)
        ),
        key=lambda g: len(members[g]),
    )
    for number, group in enumerate(costly):
        people = members[group]
        before = _cost(scenario, option_at, people, counts[group], by_person, weekend)
        # Larger groups last, with the time the smaller ones left.
        size = sum(len(members[g]) for g in costly[number:])
        seconds = (deadline - time.perf_counter()) * len(people) / size
        if seconds <= 0 or stopped():
            break
        _, tried = _re_hand(
            scenario, people, counts[group], weekend, by_person, seconds, workers, seed
        )
        if tried is not None and (
            _cost(scenario, option_at, people, counts[group], tried, weekend) < before
        ):
            by_person.update((e.employee_id, tried[e.employee_id]) for e in people)
    return _listed(by_person)


def _re_hand(
    scenario: Scenario,
    people: list[Employee],
    counts: Mapping[int, int],
    weekend: Mapping[str, tuple[int, int]],
    by_person: Mapping[str, list[Assignment]],
    seconds: float,
    workers: int | None,
    seed: int,
) -> tuple[int, dict[str, list[Assignment]] | None]:
    """Solve `HandOutModel` for ``people`` and ``counts`` from their shifts in ``by_person``
    for at most ``seconds``: CP-SAT's status, and everyone's shifts with theirs re-handed
    (None if CP-SAT found none)."""
    started = time.perf_counter()
    model = HandOutModel(scenario, people, counts, weekend)
    model.hint([a for e in people for a in by_person.get(e.employee_id, [])])
    # Hinted with the shifts alone (about half the variables), CP-SAT often ended its 0.25 s
    # above the hinted shifts' own cost; from every variable's value it starts there (see
    # HAND_OUT_SECONDS).
    values = completed_hint(model.model, seconds / 2, workers, seed)
    if values is not None:
        model.hint_solution(values)
    solver = cp_model.CpSolver()
    configure(solver, max(seconds - (time.perf_counter() - started), 0.01), workers, seed)
    code = solver.solve(model.model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return int(code), None
    tried = {**by_person, **{e.employee_id: [] for e in people}}
    for a in model.shifts(solver.value):
        tried[a.employee_id].append(a)
    return int(code), tried


def _listed(by_person: Mapping[str, list[Assignment]]) -> list[Assignment]:
    return [a for shifts in by_person.values() for a in shifts]


def _choose(
    scenario: Scenario,
    group: list[Employee],
    counts: Mapping[int, int],
    by_person: Mapping[str, list[Assignment]],
    option_at: Mapping[tuple[int, str], ShiftOption],
    rng: random.Random,
    weekend: Mapping[str, tuple[int, int]],
) -> list[Employee]:
    """Up to `HAND_OUT_PEOPLE` of a group, a third at a time while any are left: free on a day
    with a missed count; under their contract; off their contract, weekend range or office
    wish, or refused a prefer or avoid span; with room for another shift (to take over one of
    theirs); the rest at random.

    From a greedy hand-out that missed 148 counts (N=800), 16 s of re-handing the skill class
    left 5 missed with these thirds, 77 with half free on a missed day and half at random.
    A third under their contract, apart from the other costly, took 18 s of re-handing a group
    of 280 (N=400 with a back office, solver seeds 0-5) from 153,000 to 3,000-11,100, against
    8,700-23,100 without it. Without the refused spans among the costly, a refused request was
    granted only when chance chose its person (N=400 with a back office, generator seed 2, 60 s:
    six runs at 86,495-88,955, 11-15 requests refused; with them no span refused in fourteen of
    fifteen runs, and the median run 86,075 against 87,500).
    """
    if len(group) <= HAND_OUT_PEOPLE:
        return group
    held: dict[int, int] = defaultdict(int)
    shifts: dict[str, list[ShiftOption]] = {}
    for employee in group:
        mine = [option_at[a.day, a.shift_id] for a in by_person.get(employee.employee_id, [])]
        shifts[employee.employee_id] = mine
        for option in mine:
            held[option.index] += 1
    missed_days = {o.day for o in option_at.values() if counts.get(o.index, 0) > held[o.index]}
    shortest = min((o.paid_minutes for o in option_at.values()), default=0)

    def has_room(employee: Employee) -> bool:
        """Room for one more shift in some 7-day block."""
        limit = scenario.rules_for(employee).max_days_of(employee)
        for first_day, num_days in scenario.horizon.blocks():
            mine = [o for o in shifts[employee.employee_id] if 0 <= o.day - first_day < num_days]
            if (limit is None or len(mine) < limit) and (
                sum(o.paid_minutes for o in mine) + shortest <= employee.weekly_max_minutes
            ):
                return True
        return False

    def costly(employee: Employee) -> bool:
        """With a cost of their own in the group's cost (see `_own_cost`)."""
        return _own_cost(scenario, employee, shifts[employee.employee_id], weekend) > 0

    def under(employee: Employee) -> bool:
        """Front-office only and paid less than the contract in some 7-day block."""
        mine = shifts[employee.employee_id]
        return not employee.works_back and any(
            m > 0 for m in _below_contract(scenario, employee, mine)
        )

    third = (HAND_OUT_PEOPLE + 2) // 3
    chosen: list[Employee] = []
    for pool in (
        [e for e in group if missed_days - {o.day for o in shifts[e.employee_id]}],
        # Those under their contract apart, so that hours have somewhere to go: most of the
        # costly are over theirs.
        [e for e in group if under(e)],
        [e for e in group if costly(e)],
        [e for e in group if has_room(e)],
    ):
        pool = [e for e in pool if e not in chosen]
        chosen += rng.sample(pool, min(len(pool), third, HAND_OUT_PEOPLE - len(chosen)))
    rest = [e for e in group if e not in chosen]
    chosen += rng.sample(rest, min(len(rest), HAND_OUT_PEOPLE - len(chosen)))
    return chosen


def _cost(
    scenario: Scenario,
    option_at: Mapping[tuple[int, str], ShiftOption],
    group: list[Employee],
    counts: Mapping[int, int],
    shifts: Mapping[str, list[Assignment]],
    weekend: Mapping[str, tuple[int, int]],
) -> tuple[int, int]:
    """Paid minutes of the counted shifts a group's people miss, and the sum of its people's
    own costs (`_own_cost`)."""
    held: dict[int, int] = defaultdict(int)
    own = 0
    for employee in group:
        mine = [option_at[a.day, a.shift_id] for a in shifts.get(employee.employee_id, [])]
        for option in mine:
            held[option.index] += 1
        own += _own_cost(scenario, employee, mine, weekend)
    minutes = {o.index: o.paid_minutes for o in option_at.values()}
    missed = sum(max(0, wanted - held[index]) * minutes[index] for index, wanted in counts.items())
    return missed, own


def _own_cost(
    scenario: Scenario,
    employee: Employee,
    shifts: list[ShiftOption],
    weekend: Mapping[str, tuple[int, int]],
) -> int:
    """The person's part of a group's cost under these shifts, weighted as in the objective:
    contract deviation (front office only), weekend load outside their range, prefer and avoid
    spans refused and, for the cross-trained, office wishes refused."""
    weights = scenario.weights
    cost = weights.fairness * _off_weekend_range(scenario, employee, shifts, weekend)
    cost += weights.preference * _refused_spans(scenario, employee, shifts)
    if employee.works_back:
        return cost + weights.preference * _refused_office(scenario, employee, shifts)
    return cost + weights.contract * _off_contract(scenario, employee, shifts)


def _refused_spans(scenario: Scenario, employee: Employee, shifts: list[ShiftOption]) -> int:
    """The weights of the person's avoid spans these shifts touch and of their prefer spans
    none touches (see `RosterModel.add_preferences`)."""
    refused = 0
    for kind, touched in ((AvailabilityKind.AVOID, True), (AvailabilityKind.PREFER, False)):
        for span in scenario.spans_of(employee.employee_id, kind):
            if any(o.overlaps(span.start, span.end) for o in shifts) == touched:
                refused += span.weight
    return refused


def _off_weekend_range(
    scenario: Scenario,
    employee: Employee,
    shifts: list[ShiftOption],
    weekend: Mapping[str, tuple[int, int]],
) -> int:
    """How far the person's weekend load lies outside their range (see
    `HandOutModel.add_fairness`), 0 where they have none."""
    loads = weekend.get(employee.employee_id)
    if loads is None:
        return 0
    high, low = loads
    days = scenario.horizon.weekend_days()
    load = fairness_factor(employee) * sum(1 for o in shifts if o.day in days)
    return max(0, load - high, low - load)


def _refused_office(scenario: Scenario, employee: Employee, shifts: list[ShiftOption]) -> int:
    """Office wishes a cross-trained person is refused: each shift for one who prefers the back
    office; for one who prefers the front, the flex days their contract still asks for."""
    if employee.office != Office.BOTH or employee.prefers is None:
        return 0
    if employee.prefers == Office.BACK:
        return len(shifts)
    daily = scenario.back_office.daily_minutes
    return sum(math.ceil(max(0, m) / daily) for m in _below_contract(scenario, employee, shifts))


def _off_contract(scenario: Scenario, employee: Employee, shifts: list[ShiftOption]) -> int:
    """Paid minutes of these shifts away from the person's contract, summed over 7-day blocks."""
    return sum(abs(m) for m in _below_contract(scenario, employee, shifts))


def _below_contract(scenario: Scenario, employee: Employee, shifts: list[ShiftOption]) -> list[int]:
    """Per 7-day block, the person's contract less the paid minutes of these shifts."""
    horizon = scenario.horizon
    return [
        horizon.scale(employee.contract_minutes, first_day, num_days)
        - sum(o.paid_minutes for o in shifts if 0 <= o.day - first_day < num_days)
        for first_day, num_days in horizon.blocks()
    ]
