"""A fast greedy roster to start the search from.

It hands out shifts one at a time: the option whose on-floor time meets the most unmet demand
goes to the person who is furthest below contract and may still take it under every hard
rule; then anyone still below min_hours gets the most useful shifts they may take. Breaks are
left to the solver. The result satisfies the per-person rules whenever it completes; the
solver repairs anything it misses.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

from scheduler.data import (
    MINUTES_PER_DAY,
    Assignment,
    AvailabilityKind,
    Employee,
    Scenario,
)
from scheduler.model.options import ShiftOption

MIN_DENSITY = 0.5
"""A shift is added only while at least this share of its on-floor time meets unmet demand."""


@dataclass
class _Person:
    """What one person holds so far."""

    employee: Employee
    allowed: set[int]
    shifts: list[ShiftOption] = field(default_factory=list)

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
    for s in person.shifts:
        first, second = (s, option) if s.start < option.start else (option, s)
        if second.start - first.end < rules.min_rest_minutes:
            return False
    days = sorted({s.day for s in person.shifts} | {option.day})
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
        if max_days is not None and person.days_in(first_day, num_days) >= max_days:
            return False
    for first_day, num_days in scenario.horizon.blocks():
        if num_days == 7 and not _has_weekly_rest(rules.weekly_rest_minutes, shifts, first_day):
            return False
    return True


def _has_weekly_rest(rest: int, shifts: list[ShiftOption], first_day: int) -> bool:
    begin, finish = first_day * MINUTES_PER_DAY, (first_day + 7) * MINUTES_PER_DAY
    spans = sorted(
        (max(s.start, begin), min(s.end, finish))
        for s in shifts
        if s.start < finish and begin < s.end
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
    targets: dict[tuple[int, frozenset[str]], int],
    skill_class: dict[str, frozenset[str]],
) -> list[Assignment]:
    """Hand out, day by day, as many shifts per option and skill class as targeted.

    Each goes to a person of the class who may take it under every per-person rule, furthest
    below contract first. Counts that cannot be met are left short.
    """
    people = _front_people(scenario, options)
    for option in sorted(options, key=lambda o: (o.start, o.index)):
        for (index, wanted_class), wanted in targets.items():
            if index != option.index or wanted <= 0:
                continue
            takers = [
                p
                for p in people
                if skill_class[p.employee.employee_id] == wanted_class
                and _may_take(scenario, p, option)
            ]
            takers.sort(key=lambda p: -_below_contract(scenario, p, option.day))
            for person in takers[:wanted]:
                person.shifts.append(option)
    return _roster(people)


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
        allowed = {
            o.index
            for o in options
            if rules.allows(o.template) and not any(o.overlaps(b.start, b.end) for b in blocked)
        }
        people.append(_Person(employee, allowed))
    return people


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
