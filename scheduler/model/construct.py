"""A fast greedy roster to start the search from.

It hands out shifts one at a time: the option whose on-floor time meets the most unmet demand
goes to the person who is furthest below contract and may still take it under every hard
rule; then anyone still below min_hours gets the most useful shifts they may take. Breaks are
left to the solver. The result satisfies the per-person rules whenever it completes; the
solver repairs anything it misses.
"""

from __future__ import annotations

import itertools
import time
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TypeVar

import numpy as np
from ortools.graph.python import min_cost_flow

from scheduler.data import (
    MINUTES_PER_DAY,
    Assignment,
    AvailabilityKind,
    Employee,
    Scenario,
)
from scheduler.model.options import (
    FLEX_DAY,
    ShiftOption,
    anchored_days,
    flex_days_open,
    run_from,
    shift_options,
)

Group = TypeVar("Group", bound=Hashable)

MIN_DENSITY = 0.5
"""A shift is added only while at least this share of its on-floor time meets unmet demand."""

FIT_SPAN = 10**6
"""Bound on the minutes of fit and requests in a hand-out cost (see `_flow_cost`)."""


@dataclass
class _Person:
    """What one person holds so far."""

    employee: Employee
    allowed: set[int]
    shifts: list[ShiftOption] = field(default_factory=list)
    # Shifts per paid length still to hand out, per block (a staffing pattern), if any.
    quota: dict[int, dict[int, int]] = field(default_factory=dict)
    # The days to work, per block (a staffing set of days), if any.
    days: dict[int, set[int]] = field(default_factory=dict)
    # The paid lengths of the shifts the person may take, per day (with sets of days only).
    offered: dict[int, set[int]] = field(default_factory=dict)
    # Per option: the person's requests it refuses less those it grants, in minutes of
    # contract deviation that cost as much (see `_request_minutes`).
    requests: dict[int, int] = field(default_factory=dict)
    # The flex bands (day, start, end) of the days an anchor holds the person on site.
    anchored: list[tuple[int, int, int]] = field(default_factory=list)
    # Per day the person may work (with sets of days only): the latest start and the earliest
    # end of what they may work that day, a shift or a flex day.
    reach: dict[int, tuple[int, int]] = field(default_factory=dict)

    def paid_in(self, first_day: int, num_days: int) -> int:
        return sum(s.paid_minutes for s in self.shifts if first_day <= s.day < first_day + num_days)

    def days_in(self, first_day: int, num_days: int) -> int:
        return sum(1 for s in self.shifts if first_day <= s.day < first_day + num_days)


def _may_take(scenario: Scenario, person: _Person, option: ShiftOption) -> bool:
    """Whether adding the option keeps every hard per-person rule."""
    if option.index not in person.allowed or any(s.day == option.day for s in person.shifts):
        return False
    employee = person.employee
    rules = scenario.rules_for(employee)
    # An anchor day is a flex day the person must work: it counts, band and all, as the roster
    # model counts it (without it, cross-trained people handed five shifts and an anchor day
    # had to drop a shift in the start, N=400: 90 minutes short).
    held = [(s.day, s.start, s.end) for s in person.shifts] + person.anchored
    for _, start, end in held:
        before = option.start - end if start < option.start else start - option.end
        if before < rules.min_rest_minutes:
            return False
    days = sorted({day for day, _, _ in held} | {option.day})
    run = longest = 1
    for before, after in itertools.pairwise(days):
        run = run + 1 if after == before + 1 else 1
        longest = max(longest, run)
    if longest > rules.max_consecutive_days:
        return False
    shifts = [*person.shifts, option]
    max_days = rules.max_days_of(employee)
    for first_day, num_days in scenario.horizon.blocks():
        if not first_day <= option.day < first_day + num_days:
            continue
        paid = person.paid_in(first_day, num_days) + option.paid_minutes
        if paid > employee.weekly_max_minutes:
            return False
        anchored = sum(first_day <= day < first_day + num_days for day, _, _ in person.anchored)
        if max_days is not None and person.days_in(first_day, num_days) + anchored >= max_days:
            return False
    spans = [(s.start, s.end) for s in shifts] + [(start, end) for _, start, end in person.anchored]
    for first_day, num_days in scenario.horizon.blocks():
        if num_days == 7 and not _has_weekly_rest(rules.weekly_rest_minutes, spans, first_day):
            return False
    return True


def _has_weekly_rest(rest: int, worked: list[tuple[int, int]], first_day: int) -> bool:
    begin, finish = first_day * MINUTES_PER_DAY, (first_day + 7) * MINUTES_PER_DAY
    spans = sorted(
        (max(start, begin), min(end, finish))
        for start, end in worked
        if start < finish and begin < end
    )
    edge, longest = begin, 0
    for start, end in spans:
        longest = max(longest, start - edge)
        edge = max(edge, end)
    longest = max(longest, finish - edge)
    return longest >= rest


def greedy_roster(scenario: Scenario, options: list[ShiftOption]) -> list[Assignment]:
    """A quick roster that keeps every per-person rule; its shifts carry no breaks yet."""
    step = scenario.horizon.interval_minutes
    num_intervals = scenario.horizon.num_intervals
    required = scenario.required()
    residual = np.array(required[None], dtype=float)
    skill_residual = {s: np.array(v, dtype=float) for s, v in required.items() if s is not None}
    people = _front_people(scenario, options)
    spans = []
    floor_share = []
    for option in options:
        first = option.start // step
        last = min(option.end // step, num_intervals)
        spans.append((first, last))
        on_break = sum(b.rule.minutes for b in option.breaks)
        floor_share.append(1 - on_break / (option.end - option.start))
    exhausted: set[int] = set()

    def gain(index: int, line: np.ndarray) -> float:
        first, last = spans[index]
        if last <= first:
            return 0.0
        share = floor_share[index]
        return float(np.minimum(np.clip(line[first:last], 0, None), share).sum())

    while True:
        best, best_density = -1, MIN_DENSITY
        for option in options:
            if option.index in exhausted:
                continue
            first, last = spans[option.index]
            length = max(1, last - first)
            density = gain(option.index, residual) / (length * floor_share[option.index])
            if density > best_density:
                best, best_density = option.index, density
        if best < 0:
            break
        option = options[best]
        takers = [p for p in people if _may_take(scenario, p, option)]
        if not takers:
            exhausted.add(best)
            continue
        taker = max(takers, key=lambda p: _appeal(scenario, p, option, skill_residual, gain))
        _assign(taker, option, spans, floor_share, residual, skill_residual)
    for person in people:
        for first_day, num_days in scenario.horizon.blocks():
            low = scenario.horizon.scale(person.employee.min_minutes, first_day, num_days)
            while person.paid_in(first_day, num_days) < low:
                candidates = [
                    o
                    for o in options
                    if first_day <= o.day < first_day + num_days and _may_take(scenario, person, o)
                ]
                if not candidates:
                    break
                pick = max(candidates, key=lambda o: gain(o.index, residual))
                _assign(person, pick, spans, floor_share, residual, skill_residual)
    return _roster(people)


def assign_to_targets(
    scenario: Scenario,
    options: list[ShiftOption],
    targets: Mapping[tuple[int, Group], int],
    group_of: Mapping[str, Group],
    patterns: Mapping[tuple[Group, int], list[dict[int, int]]] | None = None,
    class_of: Mapping[str, Hashable] | None = None,
    deadline: float | None = None,
    masks: Mapping[tuple[Group, int], list[tuple[int, ...]]] | None = None,
    balance: bool = True,
) -> list[Assignment]:
    """Hand out, day by day, as many shifts per option and group of people as targeted.

    With ``patterns`` each person works one of their group's patterns (shifts per paid
    length), and with ``masks`` on one of its sets of days.

    Each day's counts of a group go out together (`_hand_out_day`), each to a person of the
    group who may take it under every per-person rule, in `_hand_out_order`. Counts that
    cannot be met are left short; a missed count is looked after (`_hand_out_misses`) until
    ``deadline`` (a `time.perf_counter` value), if given. With ``balance``, shifts then move
    toward people's contracts (`_balance_hours`).
    """
    people = _front_people(scenario, options)
    days_open = {p.employee.employee_id: {options[i].day for i in p.allowed} for p in people}
    if patterns:
        for person in people:
            # A cross-trained person's pattern and days hold flex days too.
            flex_open = flex_days_open(scenario, person.employee)
            days_open[person.employee.employee_id].update(flex_open)
            if not masks:
                continue
            spans = [(options[i].day, options[i].start, options[i].end) for i in person.allowed]
            for index in person.allowed:
                option = options[index]
                person.offered.setdefault(option.day, set()).add(option.paid_minutes)
            for day in flex_open:
                person.offered.setdefault(day, set()).add(FLEX_DAY)
                spans.append((day, *scenario.back_office.band_on(day)))
            for day, start, end in spans:
                latest, earliest = person.reach.get(day, (start, end))
                person.reach[day] = (max(latest, start), min(earliest, end))
        _share_patterns(scenario, people, group_of, patterns, days_open, masks or {})
    members: dict[Group, list[_Person]] = defaultdict(list)
    for person in people:
        if person.employee.employee_id in group_of:
            members[group_of[person.employee.employee_id]].append(person)
    wanted_on: dict[tuple[int, Group], dict[int, int]] = defaultdict(dict)
    for (index, group), wanted in targets.items():
        if wanted > 0 and group in members:
            wanted_on[options[index].day, group][index] = wanted
    for (_, group), counts in sorted(wanted_on.items(), key=lambda item: item[0][0]):
        _hand_out_day(scenario, options, counts, members[group], days_open)
    _hand_out_misses(scenario, options, targets, group_of, class_of or group_of, people, deadline)
    if balance:
        _balance_hours(scenario, people, class_of or group_of, deadline)
    return _roster(people)


def _hand_out_day(
    scenario: Scenario,
    options: list[ShiftOption],
    wanted: Mapping[int, int],
    group: list[_Person],
    days_open: dict[str, set[int]],
) -> None:
    """Give a group's counts of one day's options (option index -> count) to its people, one
    shift each: as many as may be met, each to whom it suits best in `_hand_out_order`.

    A min-cost flow over the whole day: handed out option by option, the day's first options
    took the people its later ones needed (N=400: 30 of 95 counts missed were 6-hour shifts on
    weekdays, while 30 people were left with a 6-hour shift in their pattern and no day for it).
    """
    flow = min_cost_flow.SimpleMinCostFlow()
    # Nodes: 0 source, 1 sink, then the options, then the people.
    indices = sorted(wanted)
    first_person = 2 + len(indices)
    arcs = []
    for slot, index in enumerate(indices):
        option = options[index]
        flow.add_arc_with_capacity_and_unit_cost(0, 2 + slot, wanted[index], 0)
        for at, person in enumerate(group):
            if _fits_pattern(person, option) and _may_hold(scenario, person, option):
                cost = _flow_cost(_hand_out_order(scenario, person, option, days_open))
                arc = flow.add_arc_with_capacity_and_unit_cost(2 + slot, first_person + at, 1, cost)
                arcs.append((arc, person, option))
    for at in range(len(group)):
        flow.add_arc_with_capacity_and_unit_cost(first_person + at, 1, 1, 0)
    if not arcs:
        return
    flow.set_node_supply(0, sum(wanted.values()))
    flow.set_node_supply(1, -sum(wanted.values()))
    if flow.solve_max_flow_with_min_cost() != flow.OPTIMAL:
        return
    for arc, person, option in arcs:
        if flow.flow(arc):
            person.shifts.append(option)
            if person.quota:
                person.quota[option.day // 7][option.paid_minutes] -= 1


def _flow_cost(order: tuple[float, ...]) -> int:
    """`_hand_out_order`'s key as one integer cost in the same order: each part but the last
    (small integers) in a tier of its own, the last (minutes of fit) within `FIT_SPAN`."""
    cost = 0
    for part in order[:-1]:
        cost = (cost + int(part)) * 100
    return cost * 2 * FIT_SPAN + min(max(round(order[-1]), 1 - FIT_SPAN), FIT_SPAN - 1)


def balance_hours(
    scenario: Scenario,
    options: list[ShiftOption],
    roster: list[Assignment],
    class_of: Mapping[str, Hashable],
    deadline: float | None = None,
) -> list[Assignment]:
    """``roster`` with shifts moved or swapped within each skill class toward people's
    contracts (`_balance_hours`)."""
    people = _front_people(scenario, options)
    option_at = {(o.day, o.template.shift_id): o for o in options}
    by_id = {p.employee.employee_id: p for p in people}
    kept = []
    for a in roster:
        if a.employee_id in by_id:
            by_id[a.employee_id].shifts.append(option_at[a.day, a.shift_id])
        else:
            kept.append(a)
    _balance_hours(scenario, people, class_of, deadline)
    return kept + _roster(people)


def _balance_hours(
    scenario: Scenario,
    people: list[_Person],
    class_of: Mapping[str, Hashable],
    deadline: float | None,
) -> None:
    """Move shifts from people above their contract to people of the same skill class below
    theirs, while a move brings the two closer to their contracts (requests counted as
    `_request_minutes`).

    A skill class covers alike, so the counts stay met. Cross-trained people keep their weeks,
    whose flex days this does not see.
    """
    by_class: dict[Hashable, list[_Person]] = defaultdict(list)
    for person in people:
        if not person.employee.works_back:
            by_class[class_of.get(person.employee.employee_id)].append(person)
    horizon = scenario.horizon
    for members in by_class.values():
        moved = True
        while moved:
            moved = False
            # Few are below their contract: looking only at them took N=800 from 5.7 s a
            # round of the whole class.
            below = [
                p
                for p in members
                if any(_below_contract(scenario, p, first) > 0 for first, _ in horizon.blocks())
            ]
            for giver in members:
                for shift in list(giver.shifts):
                    if deadline is not None and time.perf_counter() > deadline:
                        return
                    over = -_below_contract(scenario, giver, shift.day)
                    if over <= 0:
                        continue
                    first_day = shift.day - shift.day % 7
                    num_days = min(7, horizon.days - first_day)
                    least = horizon.scale(giver.employee.min_minutes, first_day, num_days)
                    for taker in below:
                        under = _below_contract(scenario, taker, shift.day)
                        if taker is giver or under <= 0:
                            continue
                        if _moves_closer(scenario, giver, taker, shift, over, under, least):
                            moved = True
                            break


def _moves_closer(
    scenario: Scenario,
    giver: _Person,
    taker: _Person,
    shift: ShiftOption,
    over: int,
    under: int,
    least: int,
) -> bool:
    """Hand ``shift`` from ``giver`` (``over`` minutes above contract in its block) to
    ``taker`` (``under`` below), or swap it for a shorter shift the taker works that day, if
    that brings both closer to their contracts and keeps their rules; whether it did."""
    mine = next((s for s in taker.shifts if s.day == shift.day), None)
    back = 0 if mine is None else mine.paid_minutes
    moved = shift.paid_minutes - back
    if moved <= 0 or giver.paid_in(shift.day - shift.day % 7, 7) - moved < least:
        return False
    requests = taker.requests.get(shift.index, 0) - giver.requests.get(shift.index, 0)
    if mine is not None:
        requests += giver.requests.get(mine.index, 0) - taker.requests.get(mine.index, 0)
    change = abs(over - moved) - over + abs(under - moved) - under + requests
    if change >= 0:
        return False
    giver.shifts.remove(shift)
    if mine is not None:
        taker.shifts.remove(mine)
    if _may_hold(scenario, taker, shift) and (mine is None or _may_hold(scenario, giver, mine)):
        taker.shifts.append(shift)
        if mine is not None:
            giver.shifts.append(mine)
        return True
    giver.shifts.append(shift)
    if mine is not None:
        taker.shifts.append(mine)
    return False


def _hand_out_misses(
    scenario: Scenario,
    options: list[ShiftOption],
    targets: Mapping[tuple[int, Group], int],
    group_of: Mapping[str, Group],
    class_of: Mapping[str, Hashable],
    people: list[_Person],
    deadline: float | None,
) -> None:
    """Meet missed counts within each skill class, whose people cover alike.

    A missed shift goes to anyone of the class who may take it; else to someone free that
    day who could but for one of their other shifts (days, hours or rest), which moves on
    to a third person who may take it: an ejection chain of length two.
    """
    held: dict[tuple[int, Hashable], int] = defaultdict(int)
    for person in people:
        for shift in person.shifts:
            held[shift.index, group_of.get(person.employee.employee_id)] += 1
    class_of_group = {group: class_of.get(e) for e, group in group_of.items()}
    same_class: dict[Hashable, list[_Person]] = defaultdict(list)
    for person in people:
        same_class[class_of.get(person.employee.employee_id)].append(person)
    for (index, group), wanted in targets.items():
        option = options[index]
        for _ in range(wanted - held[index, group]):
            if deadline is not None and time.perf_counter() > deadline:
                return
            if not _eject_for(scenario, option, same_class[class_of_group.get(group)], deadline):
                break


def _eject_for(
    scenario: Scenario,
    option: ShiftOption,
    group: list[_Person],
    deadline: float | None,
    keep_minimum: bool = False,
) -> bool:
    """Give ``option`` to someone of ``group``, directly or by an ejection chain; with
    ``keep_minimum``, the one who hands a shift on keeps their minimum hours (the hand-out,
    which fills them in later, does not ask it)."""
    direct = next((p for p in group if _may_hold(scenario, p, option)), None)
    if direct is not None:
        direct.shifts.append(option)
        return True
    # Who else may take a shift does not change while people only try shifts on and off,
    # so the search for a third person is done once per option (N=1600: 25 of 29 s).
    takers: dict[int, list[_Person]] = {}
    for person in group:
        if deadline is not None and time.perf_counter() > deadline:
            return False
        if option.index not in person.allowed or any(s.day == option.day for s in person.shifts):
            continue
        for shift in list(person.shifts):
            person.shifts.remove(shift)
            if _may_hold(scenario, person, option) and (
                not keep_minimum or _keeps_minimum(scenario, person, option)
            ):
                if shift.index not in takers:
                    takers[shift.index] = list(
                        itertools.islice(
                            (q for q in group if q is not person and _may_hold(scenario, q, shift)),
                            2,
                        )
                    )
                taker = next((q for q in takers[shift.index] if q is not person), None)
                if taker is not None:
                    taker.shifts.append(shift)
                    person.shifts.append(option)
                    return True
            person.shifts.append(shift)
    return False


def _keeps_minimum(scenario: Scenario, person: _Person, option: ShiftOption) -> bool:
    """Whether the person's shifts and ``option`` pay at least their minimum hours in every
    block."""
    employee = person.employee
    return all(
        person.paid_in(first, num_days)
        + option.paid_minutes * (first <= option.day < first + num_days)
        >= scenario.horizon.scale(employee.min_minutes, first, num_days)
        for first, num_days in scenario.horizon.blocks()
    )


def _share_patterns(
    scenario: Scenario,
    people: list[_Person],
    group_of: Mapping[str, Group],
    patterns: Mapping[tuple[Group, int], list[dict[int, int]]],
    days_open: dict[str, set[int]],
    masks: Mapping[tuple[Group, int], list[tuple[int, ...]]],
) -> None:
    """Give each person a pattern of their group, the fewest shifts to the fewest open days,
    and a set of days of as many days that they may work, if the group has them.

    Block by block, a set of days joins the run its holder ends the block before on within
    the consecutive-days limit where one can: among people with as many open days, those
    ending the block before on the longest runs choose first, each taking the set with the
    longest opening run that still fits. Handed out block by block alone, 19
    of 300 joins over four weeks broke the limit (N=100) and left shifts no one could take.
    """
    for (group, block), chosen in sorted(patterns.items(), key=lambda item: item[0][1]):
        first_day, num_days = scenario.horizon.blocks()[block]
        members = [p for p in people if group_of.get(p.employee.employee_id) == group]
        tails = {id(p): run_from(p.days.get(block - 1, set()), first_day - 1, -1) for p in members}
        members.sort(
            key=lambda p: (
                sum(
                    first_day <= d < first_day + num_days for d in days_open[p.employee.employee_id]
                ),
                -tails[id(p)],
            )
        )
        by_size: dict[int, list[tuple[int, ...]]] = defaultdict(list)
        for days in masks.get((group, block), []):
            by_size[len(days)].append(days)
        for person, pattern in zip(
            members, sorted(chosen, key=lambda q: sum(q.values())), strict=False
        ):
            person.quota[block] = dict(pattern)
            offered = by_size.get(sum(pattern.values()))
            if offered:
                open_days = days_open[person.employee.employee_id]
                # Someone whose open days hold none of the sets keeps no set: one with a
                # closed day would keep them from their shifts.
                fitting = [m for m in offered if open_days.issuperset(m)]
                if not fitting:
                    continue
                tail = tails[id(person)]
                room = scenario.rules_for(person.employee).max_consecutive_days - tail
                joining = [m for m in fitting if run_from(m, first_day, 1) <= room]
                candidates = joining or fitting
                if tail:
                    candidates.sort(key=lambda m: -run_from(m, first_day, 1))
                # Lazily: a large group's list holds a set per member (hundreds at N=1600).
                pick = next(
                    (m for m in candidates if _can_hold(pattern, m, person.offered)),
                    candidates[0],
                )
                offered.remove(pick)
                person.days[block] = set(pick)
                open_days.difference_update(
                    set(range(first_day, first_day + num_days)).difference(pick)
                )


def _can_hold(
    pattern: Mapping[int, int], days: Iterable[int], offered: dict[int, set[int]]
) -> bool:
    """Whether a pattern's shifts (count per paid length) fit on ``days``, one a day, each
    on a day that offers its length (Hall's condition over the sets of lengths)."""
    lengths = [length for length, n in pattern.items() if n]
    for size in range(1, len(lengths) + 1):
        for chosen in itertools.combinations(lengths, size):
            room = sum(1 for d in days if offered.get(d, set()).intersection(chosen))
            if sum(pattern[length] for length in chosen) > room:
                return False
    return True


def _may_hold(scenario: Scenario, person: _Person, option: ShiftOption) -> bool:
    """Whether the person may take the option and still work their flex days, if any."""
    return _may_take(scenario, person, option) and _leaves_flex_room(scenario, person, option)


def _leaves_flex_room(scenario: Scenario, person: _Person, option: ShiftOption) -> bool:
    """Whether, with the option taken, the rest of a cross-trained person's pattern still fits
    on their set of days, each flex day on a day whose band keeps the rest from their shifts.

    A shift ending late leaves no rest before the next day's band: handed such shifts,
    cross-trained people could not complete their weeks and the start dropped them.
    """
    block = option.day // 7
    quota = dict(person.quota.get(block, {}))
    if not quota.get(FLEX_DAY) or block not in person.days:
        return True
    quota[option.paid_minutes] = quota.get(option.paid_minutes, 0) - 1
    shifts = [*person.shifts, option]
    rest = scenario.rules_for(person.employee).min_rest_minutes
    taken = {s.day for s in shifts}
    free = [d for d in person.days[block] if d not in taken]
    offered = {}
    for day in free:
        lengths = set(person.offered.get(day, set()))
        start, end = scenario.back_office.band_on(day)
        if any(s.start < end + rest and start < s.end + rest for s in shifts):
            lengths.discard(FLEX_DAY)
        offered[day] = lengths
    return _can_hold(quota, free, offered)


def _fits_pattern(person: _Person, option: ShiftOption) -> bool:
    """Whether the person's pattern (if any) still has a shift of the option's length, on
    one of their set of days (if any)."""
    if not person.quota:
        return True
    block = option.day // 7
    if block in person.days and option.day not in person.days[block]:
        return False
    return person.quota.get(block, {}).get(option.paid_minutes, 0) > 0


def _hand_out_order(
    scenario: Scenario, person: _Person, option: ShiftOption, days_open: dict[str, set[int]]
) -> tuple[float, ...]:
    """Who gets a shift first: those with the fewest spare days, then the best fit.

    Spare days are the days still open to the person in the block beyond the shifts they may
    still work: those with none must work every day left, or the block's demand will find
    everyone else used up (Gale and Ryser's order). The fit is how close the shift's paid
    minutes are to the person's hours left per shift left, so part-timers' days go to short
    shifts, plus the requests the shift refuses less those it grants, in minutes of the same
    cost. At N=200 this missed 17-20 of 981 targeted shifts where furthest-below-contract
    first missed 49.
    """
    employee = person.employee
    first_day = option.day - option.day % 7
    num_days = min(7, scenario.horizon.days - first_day)
    limit = scenario.rules_for(employee).max_days_of(employee)
    days_left = (num_days if limit is None else limit) - person.days_in(first_day, num_days)
    still_open = sum(
        1 for d in days_open[employee.employee_id] if option.day <= d < first_day + num_days
    )
    minutes_left = employee.weekly_max_minutes - person.paid_in(first_day, num_days)
    fit = abs(minutes_left / max(days_left, 1) - option.paid_minutes)
    requests = person.requests.get(option.index, 0)
    return (*_length_urgency(scenario, person, option), still_open - days_left, fit + requests)


def _length_urgency(scenario: Scenario, person: _Person, option: ShiftOption) -> tuple[int, int]:
    """With a set of days: whether the person's other shifts would no longer fit on their
    days left after taking this one (1 if so), and minus how many of this length they must
    still take beyond the days left that offer it."""
    block = option.day // 7
    if block not in person.days or not person.offered:
        return 0, 0
    quota = dict(person.quota.get(block, {}))
    later = [d for d in person.days[block] if d > option.day]
    need = quota.get(option.paid_minutes, 0) - sum(
        1 for d in later if option.paid_minutes in person.offered.get(d, set())
    )
    quota[option.paid_minutes] = quota.get(option.paid_minutes, 0) - 1
    stuck = not _can_hold(quota, later, person.offered) or not _may_rest(scenario, person, option)
    return int(stuck), -need


def _may_rest(scenario: Scenario, person: _Person, option: ShiftOption) -> bool:
    """Whether, with the option taken, the person's set of days may still keep the weekly rest:
    some gap reaches it with each day still to work started as late and ended as early as it
    may be.

    The pass fixes the weekdays first: Wednesday's shift to 22:00 and Friday's from 08:00
    leave 34 h, under a weekly rest of 35 h, once the Saturday in the set is worked too.
    """
    days = person.days.get(option.day // 7)
    if days is None or scenario.horizon.blocks()[option.day // 7][1] < 7:
        return True
    held = [(s.day, s.start, s.end) for s in person.shifts] + person.anchored
    held.append((option.day, option.start, option.end))
    worked = [(start, end) for _, start, end in held]
    taken = {day for day, _, _ in held}
    # A day still to work counts as (latest start, earliest end): its two gaps at their longest.
    worked += [person.reach[d] for d in days if d not in taken and d in person.reach]
    rest = scenario.rules_for(person.employee).weekly_rest_minutes
    return _has_weekly_rest(rest, worked, option.day - option.day % 7)


def _below_contract(scenario: Scenario, person: _Person, day: int) -> int:
    """Paid minutes still missing to the contract in the block of ``day``."""
    first_day = day - day % 7
    num_days = min(7, scenario.horizon.days - first_day)
    target = scenario.horizon.scale(person.employee.contract_minutes, first_day, num_days)
    return target - person.paid_in(first_day, num_days)


def _front_people(scenario: Scenario, options: list[ShiftOption]) -> list[_Person]:
    """Everyone who may take front-office shifts, with the options their availability and rules
    allow."""
    people = []
    for employee in scenario.employees:
        if not employee.works_front:
            continue
        blocked = scenario.spans_of(employee.employee_id, AvailabilityKind.UNAVAILABLE)
        rules = scenario.rules_for(employee)
        anchored = anchored_days(scenario, employee)
        allowed = {
            o.index
            for o in options
            if rules.allows(o.template)
            and o.day not in anchored
            and not any(o.overlaps(b.start, b.end) for b in blocked)
        }
        bands = [(day, *scenario.back_office.band_on(day)) for day in sorted(anchored)]
        requests = _request_minutes(scenario, employee, options, allowed)
        people.append(_Person(employee, allowed, requests=requests, anchored=bands))
    return people


def _request_minutes(
    scenario: Scenario, employee: Employee, options: list[ShiftOption], allowed: set[int]
) -> dict[int, int]:
    """Per allowed option touching a prefer or avoid span of the person: the weight of the
    avoid spans it touches less that of the prefer spans, in minutes of contract deviation
    of the same cost."""
    avoid = scenario.spans_of(employee.employee_id, AvailabilityKind.AVOID)
    prefer = scenario.spans_of(employee.employee_id, AvailabilityKind.PREFER)
    if not avoid and not prefer:
        return {}
    weights = scenario.weights
    per_request = weights.preference / max(weights.contract, 1)
    requests = {}
    for index in allowed:
        option = options[index]
        weight = sum(a.weight for a in avoid if option.overlaps(a.start, a.end)) - sum(
            a.weight for a in prefer if option.overlaps(a.start, a.end)
        )
        if weight:
            requests[index] = round(weight * per_request)
    return requests


def _roster(people: list[_Person]) -> list[Assignment]:
    return [
        Assignment(p.employee.employee_id, s.day, s.template.shift_id, s.start, s.end)
        for p in people
        for s in p.shifts
    ]


def _appeal(
    scenario: Scenario,
    person: _Person,
    option: ShiftOption,
    skill_residual: dict[str, np.ndarray],
    gain: object,
) -> tuple[float, int]:
    """Prefer people whose skills are short during the shift, then those furthest below contract."""
    assert callable(gain)
    skill_gain = sum(
        gain(option.index, skill_residual[s]) for s in person.employee.skills if s in skill_residual
    )
    return skill_gain, _below_contract(scenario, person, option.day)


def _assign(
    person: _Person,
    option: ShiftOption,
    spans: list[tuple[int, int]],
    floor_share: list[float],
    residual: np.ndarray,
    skill_residual: dict[str, np.ndarray],
) -> None:
    person.shifts.append(option)
    first, last = spans[option.index]
    share = floor_share[option.index]
    residual[first:last] -= share
    for skill in person.employee.skills:
        if skill in skill_residual:
            skill_residual[skill][first:last] -= share


def give_dropped(
    scenario: Scenario, roster: list[Assignment], dropped: list[Assignment]
) -> list[Assignment]:
    """The roster with as many of the ``dropped`` shifts as can be given back: each to someone
    with the same skills (so the cover is the same) who may take it under every hard rule, or
    to someone who may once they hand one of their shifts to a third person who may take it,
    keeping their minimum hours (`_eject_for`). Shifts keep their breaks when they change
    hands."""
    options = shift_options(scenario)
    option_of = {(o.day, o.template.shift_id): o for o in options}
    people = {p.employee.employee_id: p for p in _front_people(scenario, options)}
    # Each (day, template) pool holds the shifts of that key, breaks and all, to hand back out.
    pools: dict[tuple[int, str], list[Assignment]] = defaultdict(list)
    for a in roster:
        people[a.employee_id].shifts.append(option_of[a.day, a.shift_id])
        pools[a.day, a.shift_id].append(a)
    for a in dropped:
        owner = people[a.employee_id]
        same = [p for p in people.values() if p.employee.skills == owner.employee.skills]
        option = option_of[a.day, a.shift_id]
        ranked = sorted(same, key=lambda p: -_below_contract(scenario, p, option.day))
        if _eject_for(scenario, option, ranked, None, keep_minimum=True):
            pools[a.day, a.shift_id].append(a)
    holders: dict[tuple[int, str], list[str]] = defaultdict(list)
    for person in people.values():
        for option in person.shifts:
            holders[option.day, option.template.shift_id].append(person.employee.employee_id)
    mended = []
    for key, pool in pools.items():
        own = {a.employee_id: a for a in pool}
        spare = [a for a in pool if a.employee_id not in holders[key]]
        newcomers = [who for who in holders[key] if who not in own]
        mended += [own[who] for who in holders[key] if who in own]
        mended += [replace(a, employee_id=who) for who, a in zip(newcomers, spare, strict=True)]
    return mended
