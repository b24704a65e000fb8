"""The independent verifier: the referee of the solver.

It re-reads a roster (as built by :func:`scheduler.io.roster.roster_frame` or read from a
``roster.csv``) and recomputes every hard rule, the coverage and the objective from the
roster rows alone. It deliberately shares no code with the model: it imports neither OR-Tools
nor :mod:`scheduler.model`.

A roster row covers interval ``t`` in two senses. A *shift* covers ``t`` when it spans the whole
interval; a *break* covers ``t`` when it touches any part of it. So a person counts on the floor
in ``t`` only when working all of ``t`` and not on a break at any moment of it. Rosters on the
interval grid never tell the two senses apart.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from scheduler.data import (
    MINUTES_PER_DAY,
    AvailabilityKind,
    BreakRule,
    Employee,
    Scenario,
    ShiftTemplate,
    scale_to_block,
)
from scheduler.io.roster import ISO_FORMAT, SHIFT_ACTIVITY, RosterRow, read_roster, roster_rows

RULES = (
    "unknown-employee",
    "office",
    "template",
    "one-shift-per-day",
    "break-outside-shift",
    "breaks",
    "max-on-break",
    "min-rest",
    "weekly-rest",
    "max-consecutive-days",
    "hours",
    "max-days",
    "availability",
)
"""The rule ids a violation may carry, in the order the report lists them."""

COVERAGE_COLUMNS = [
    "date",
    "start",
    "end",
    "skill",
    "required",
    "on_floor",
    "shortfall",
    "surplus",
]
HOURS_COLUMNS = [
    "employee_id",
    "block",
    "paid_hours",
    "contract_hours",
    "min_hours",
    "max_hours",
    "days",
]
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WHEN_FORMAT = "%Y-%m-%d %H:%M"

BoolMatrix = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Violation:
    """One broken hard rule.

    Parameters
    ----------
    rule
        Rule id, one of :data:`RULES`.
    employee_id
        The person concerned, or None for a rule about the whole floor.
    when
        Local wall-clock time it happens, like ``2026-12-08 07:00``.
    message
        What was found and what the rule requires.
    """

    rule: str
    employee_id: str | None
    when: str
    message: str

    def __str__(self) -> str:
        who = f"{self.employee_id} on " if self.employee_id is not None else ""
        return f"{self.rule}: {who}{self.when}: {self.message}"


@dataclass(frozen=True)
class Costs:
    """The objective recomputed from the roster; the solver's objective must equal ``objective``.

    Parameters
    ----------
    shortfall_minutes
        Person-minutes below demand, over the total line and every skill line.
    surplus_minutes
        Person-minutes above demand on the total line.
    contract_deviation_minutes
        Sum over rostered people and blocks of ``|paid - scaled contract|``.
    preference_penalty
        Weight of prefer/avoid requests not granted.
    objective
        The weighted sum of the four terms above.
    """

    shortfall_minutes: int
    surplus_minutes: int
    contract_deviation_minutes: int
    preference_penalty: int
    objective: int


@dataclass(frozen=True, eq=False)
class Report:
    """What :func:`verify` found.

    Parameters
    ----------
    violations
        Every broken hard rule, grouped by rule (in :data:`RULES` order), then by time.
    coverage
        One row per demand line and interval: ``date, start, end, skill, required, on_floor,
        shortfall, surplus`` (``skill`` is ``""`` for the total line).
    costs
        The recomputed objective and its terms.
    hours
        One row per rostered person and block: ``employee_id, block`` (1-based),
        ``paid_hours, contract_hours, min_hours`` (scaled to the block), ``max_hours, days``.
    """

    violations: tuple[Violation, ...]
    coverage: pd.DataFrame
    costs: Costs
    hours: pd.DataFrame

    @property
    def ok(self) -> bool:
        """Whether the roster breaks no hard rule."""
        return not self.violations

    def summary_lines(self) -> list[str]:
        """One readable line per violation."""
        return [str(v) for v in self.violations]


@dataclass
class _Shift:
    """A shift row with the break rows lying inside it."""

    row: RosterRow
    breaks: list[RosterRow] = field(default_factory=list)

    @property
    def start(self) -> int:
        return self.row.start

    @property
    def end(self) -> int:
        return self.row.end

    @property
    def length(self) -> int:
        return self.row.end - self.row.start

    @property
    def day(self) -> int:
        return self.row.start // MINUTES_PER_DAY


Shifts = dict[str, list[_Shift]]


class _Issues:
    """Collects violations with a sort key (rule, minute, person)."""

    def __init__(self, scenario: Scenario) -> None:
        self.horizon = scenario.horizon
        self.found: list[tuple[int, int, str, Violation]] = []

    def add(self, rule: str, employee_id: str | None, minute: int, message: str) -> None:
        when = self.horizon.to_datetime(minute).strftime(WHEN_FORMAT)
        violation = Violation(rule, employee_id, when, message)
        self.found.append((RULES.index(rule), minute, employee_id or "", violation))

    def sorted(self) -> tuple[Violation, ...]:
        return tuple(v for *_, v in sorted(self.found, key=lambda item: item[:3]))


# --------------------------------------------------------------------------- formatting


def _duration(minutes: int) -> str:
    """``570`` -> ``9 h 30 min``."""
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    if hours and rest:
        return f"{sign}{hours} h {rest} min"
    if hours:
        return f"{sign}{hours} h"
    return f"{sign}{rest} min"


def _clock(scenario: Scenario, minute: int) -> str:
    """Wall-clock ``HH:MM`` of a horizon minute."""
    return scenario.horizon.to_datetime(minute).strftime("%H:%M")


def _stamp(scenario: Scenario, minute: int) -> str:
    """Wall-clock ``YYYY-MM-DD HH:MM`` of a horizon minute."""
    return scenario.horizon.to_datetime(minute).strftime(WHEN_FORMAT)


def _span(scenario: Scenario, start: int, end: int) -> str:
    """``shift 07:00-15:30`` style text of a row."""
    return f"{_clock(scenario, start)}-{_clock(scenario, end)}"


def _block_text(scenario: Scenario, first_day: int, num_days: int) -> str:
    """``the 7-day block 2026-12-07 to 2026-12-13``."""
    first = scenario.horizon.date_of(first_day).isoformat()
    last = scenario.horizon.date_of(first_day + num_days - 1).isoformat()
    return f"the {num_days}-day block {first} to {last}"


# --------------------------------------------------------------------------- loading


def _load(roster: pd.DataFrame | str | Path) -> tuple[pd.DataFrame, str]:
    """The roster table and the file name to use in errors."""
    if isinstance(roster, pd.DataFrame):
        return roster, "roster"
    path = Path(roster)
    return read_roster(path), path.name


def _check_people(scenario: Scenario, rows: list[RosterRow], issues: _Issues) -> list[RosterRow]:
    """Every row names a known person, and only front-office people are rostered."""
    people = {e.employee_id: e for e in scenario.employees}
    kept = []
    for row in rows:
        person = people.get(row.employee_id)
        if person is None:
            issues.add(
                "unknown-employee",
                row.employee_id,
                row.start,
                f"row {row.row}: employee {row.employee_id!r} is not in the scenario",
            )
        elif not person.works_front:
            issues.add(
                "office",
                row.employee_id,
                row.start,
                f"row {row.row}: {row.employee_id} works in the back office, "
                "which this version does not roster",
            )
        else:
            kept.append(row)
    return kept


def _check_break_inside_shift(
    scenario: Scenario, rows: list[RosterRow], issues: _Issues
) -> tuple[Shifts, list[RosterRow]]:
    """A break lies inside one of the same person's shifts.

    Returns the shifts per rostered person (in start order, breaks attached to the first shift
    containing them) and every break row of a rostered person.
    """
    shifts: Shifts = {e.employee_id: [] for e in scenario.employees if e.works_front}
    breaks = []
    for row in rows:
        if row.activity == SHIFT_ACTIVITY:
            shifts[row.employee_id].append(_Shift(row))
        else:
            breaks.append(row)
    for own in shifts.values():
        own.sort(key=lambda s: (s.start, s.end, s.row.row))
    for row in breaks:
        home = next(
            (s for s in shifts[row.employee_id] if s.start <= row.start and row.end <= s.end),
            None,
        )
        if home is None:
            issues.add(
                "break-outside-shift",
                row.employee_id,
                row.start,
                f"row {row.row}: break {row.activity!r} {_span(scenario, row.start, row.end)} "
                "does not lie inside one of the person's shifts",
            )
        else:
            home.breaks.append(row)
    for own in shifts.values():
        for s in own:
            s.breaks.sort(key=lambda b: (b.start, b.end, b.row))
    return shifts, breaks


# --------------------------------------------------------------------------- per-shift rules


def _template_problems(
    template: ShiftTemplate, minute_of_day: int, length: int, weekday: int
) -> list[str]:
    """How a shift differs from a template (empty when it matches)."""
    problems = []
    if minute_of_day != template.start:
        begin = f"{template.start // 60:02d}:{template.start % 60:02d}"
        problems.append(f"template starts at {begin}")
    if length != template.duration:
        problems.append(f"template lasts {_duration(template.duration)}")
    if weekday not in template.weekdays:
        problems.append(f"template not offered on {WEEKDAY_NAMES[weekday]}s")
    return problems


def _check_template(scenario: Scenario, shifts: Shifts, issues: _Issues) -> None:
    """A shift starts on a horizon day and matches an offered template (its shift_id's if set)."""
    horizon = scenario.horizon
    templates = {t.shift_id: t for t in scenario.shifts}
    for employee_id, own in shifts.items():
        for s in own:
            day, minute_of_day = divmod(s.start, MINUTES_PER_DAY)
            weekday = horizon.weekday_of(day)
            what = (
                f"row {s.row.row}: shift {_span(scenario, s.start, s.end)} "
                f"({_duration(s.length)}) on {WEEKDAY_NAMES[weekday]}"
            )
            if not 0 <= day < horizon.days:
                issues.add(
                    "template",
                    employee_id,
                    s.start,
                    f"{what} starts on {horizon.date_of(day).isoformat()}, outside the horizon "
                    f"{horizon.start.isoformat()} to {horizon.date_of(horizon.days - 1)}",
                )
            shift_id = s.row.shift_id
            if shift_id is not None:
                template = templates.get(shift_id)
                if template is None:
                    issues.add(
                        "template", employee_id, s.start, f"{what}: unknown shift_id {shift_id!r}"
                    )
                    continue
                problems = _template_problems(template, minute_of_day, s.length, weekday)
                if problems:
                    issues.add(
                        "template",
                        employee_id,
                        s.start,
                        f"{what} does not match its shift_id {shift_id} ({'; '.join(problems)})",
                    )
            elif not any(
                not _template_problems(t, minute_of_day, s.length, weekday) for t in scenario.shifts
            ):
                issues.add("template", employee_id, s.start, f"{what} matches no shift template")


def _check_one_shift_per_day(scenario: Scenario, shifts: Shifts, issues: _Issues) -> None:
    """A person starts at most one shift per day."""
    for employee_id, own in shifts.items():
        by_day: dict[int, list[_Shift]] = defaultdict(list)
        for s in own:
            by_day[s.day].append(s)
        for day, same in by_day.items():
            if len(same) > 1:
                issues.add(
                    "one-shift-per-day",
                    employee_id,
                    same[1].start,
                    f"{len(same)} shifts start on {scenario.horizon.date_of(day).isoformat()}, "
                    "at most 1 allowed",
                )


def _applicable_breaks(scenario: Scenario, length: int) -> list[BreakRule]:
    """The breaks a shift of this length carries, in listed order."""
    return [rule for rule in scenario.breaks if rule.applies_to(length)]


def _check_breaks(scenario: Scenario, shifts: Shifts, issues: _Issues) -> None:
    """A shift carries exactly its applicable breaks, each once, sized, windowed, on grid, in order.

    A break's end lies within its shift by construction: break rows outside every shift are
    reported as ``break-outside-shift`` and do not count for any shift.
    """
    step = scenario.horizon.interval_minutes
    known = {rule.name: rule for rule in scenario.breaks}
    for employee_id, own in shifts.items():
        for s in own:
            shift_text = f"shift {_span(scenario, s.start, s.end)}"
            due = _applicable_breaks(scenario, s.length)
            due_names = {rule.name for rule in due}
            placed: dict[str, RosterRow] = {}
            for b in s.breaks:
                if b.activity in placed:
                    message = f"break {b.activity!r} appears more than once in {shift_text}"
                elif b.activity in due_names:
                    placed[b.activity] = b
                    continue
                elif b.activity in known:
                    rule = known[b.activity]
                    message = (
                        f"break {b.activity!r} is not due in {shift_text} of "
                        f"{_duration(s.length)} (only from {_duration(rule.min_shift_minutes)})"
                    )
                else:
                    message = f"unknown break {b.activity!r} in {shift_text}"
                issues.add("breaks", employee_id, b.start, f"row {b.row}: {message}")
            previous: RosterRow | None = None
            for rule in due:
                b_or_none = placed.get(rule.name)
                if b_or_none is None:
                    issues.add(
                        "breaks",
                        employee_id,
                        s.start,
                        f"{shift_text} lacks its break {rule.name!r} ({_duration(rule.minutes)}, "
                        f"starting {_duration(rule.earliest)} to {_duration(rule.latest)} "
                        "after the shift start)",
                    )
                    continue
                b = b_or_none
                where = f"row {b.row}: break {rule.name!r}"
                length = b.end - b.start
                offset = b.start - s.start
                if length != rule.minutes:
                    issues.add(
                        "breaks",
                        employee_id,
                        b.start,
                        f"{where} lasts {_duration(length)}, must last {_duration(rule.minutes)}",
                    )
                if not rule.earliest <= offset <= rule.latest:
                    issues.add(
                        "breaks",
                        employee_id,
                        b.start,
                        f"{where} starts {_duration(offset)} after the shift start, must start "
                        f"{_duration(rule.earliest)} to {_duration(rule.latest)} after it",
                    )
                if b.start % step:
                    issues.add(
                        "breaks",
                        employee_id,
                        b.start,
                        f"{where} starts at {_clock(scenario, b.start)}, "
                        f"off the {step}-minute grid",
                    )
                if previous is not None and b.start < previous.end:
                    issues.add(
                        "breaks",
                        employee_id,
                        b.start,
                        f"{where} starts at {_clock(scenario, b.start)}, before break "
                        f"{previous.activity!r} ends at {_clock(scenario, previous.end)}",
                    )
                previous = b


# --------------------------------------------------------------------------- per-person rules


def _check_min_rest(scenario: Scenario, shifts: Shifts, issues: _Issues) -> None:
    """Consecutive shifts of a person are at least ``min_rest_minutes`` apart."""
    required = scenario.rules.min_rest_minutes
    for employee_id, own in shifts.items():
        for previous, following in pairwise(own):
            gap = following.start - previous.end
            if gap >= required:
                continue
            if gap < 0:
                found = f"shifts overlap by {_duration(-gap)}"
            else:
                found = f"{_duration(gap)} between shifts"
            issues.add(
                "min-rest",
                employee_id,
                previous.end,
                f"{found}, at least {_duration(required)} required",
            )


def _longest_rest(spans: Iterable[tuple[int, int]], begin: int, end: int) -> int:
    """Longest gap without work in ``[begin, end)`` given work spans (any order, may overlap)."""
    longest = 0
    cursor = begin
    for start, stop in sorted(spans):
        start, stop = max(start, begin), min(stop, end)
        if start >= stop:
            continue
        longest = max(longest, start - cursor)
        cursor = max(cursor, stop)
    return max(longest, end - cursor)


def _check_weekly_rest(scenario: Scenario, shifts: Shifts, issues: _Issues) -> None:
    """Every complete 7-day block holds one rest of at least ``weekly_rest_minutes``."""
    required = scenario.rules.weekly_rest_minutes
    for first_day, num_days in scenario.horizon.blocks():
        if num_days != 7:
            continue
        begin = first_day * MINUTES_PER_DAY
        end = begin + 7 * MINUTES_PER_DAY
        for employee_id, own in shifts.items():
            rest = _longest_rest(((s.start, s.end) for s in own), begin, end)
            if rest < required:
                issues.add(
                    "weekly-rest",
                    employee_id,
                    begin,
                    f"longest rest in {_block_text(scenario, first_day, num_days)} is "
                    f"{_duration(rest)}, at least {_duration(required)} required",
                )


def _check_consecutive_days(scenario: Scenario, shifts: Shifts, issues: _Issues) -> None:
    """A person works at most ``max_consecutive_days`` days in a row (by shift start day)."""
    limit = scenario.rules.max_consecutive_days
    horizon = scenario.horizon
    for employee_id, own in shifts.items():
        days = sorted({s.day for s in own})
        run_start = 0
        for i in range(1, len(days) + 1):
            if i < len(days) and days[i] == days[i - 1] + 1:
                continue
            run = days[run_start:i]
            if len(run) > limit:
                first_shift = next(s for s in own if s.day == run[0])
                issues.add(
                    "max-consecutive-days",
                    employee_id,
                    first_shift.start,
                    f"{len(run)} consecutive days with a shift ({horizon.date_of(run[0])} to "
                    f"{horizon.date_of(run[-1])}), at most {limit} allowed",
                )
            run_start = i


def _paid_minutes(shift: _Shift, unpaid: set[str]) -> int:
    """Shift length less its unpaid breaks (``unpaid`` names the scenario's unpaid breaks)."""
    return shift.length - sum(b.end - b.start for b in shift.breaks if b.activity in unpaid)


@dataclass(frozen=True)
class _BlockTotals:
    """Paid minutes and shift count of one person in one block."""

    employee: Employee
    block: int
    first_day: int
    num_days: int
    paid: int
    days: int

    @property
    def contract(self) -> int:
        return scale_to_block(self.employee.contract_minutes, self.num_days)

    @property
    def minimum(self) -> int:
        return scale_to_block(self.employee.min_minutes, self.num_days)


def _block_totals(scenario: Scenario, shifts: Shifts) -> list[_BlockTotals]:
    """Paid minutes and shifts per rostered person and block (a shift counts at its start day)."""
    blocks = scenario.horizon.blocks()
    unpaid = {rule.name for rule in scenario.breaks if not rule.paid}
    totals = []
    for employee in scenario.employees:
        if not employee.works_front:
            continue
        paid = [0] * len(blocks)
        count = [0] * len(blocks)
        for s in shifts[employee.employee_id]:
            if 0 <= s.day < scenario.horizon.days:
                index = s.day // 7
                paid[index] += _paid_minutes(s, unpaid)
                count[index] += 1
        for index, (first_day, num_days) in enumerate(blocks):
            totals.append(
                _BlockTotals(employee, index + 1, first_day, num_days, paid[index], count[index])
            )
    return totals


def _check_hours(scenario: Scenario, totals: list[_BlockTotals], issues: _Issues) -> None:
    """Paid minutes per block lie within the scaled minimum and the (unscaled) weekly maximum."""
    for total in totals:
        employee = total.employee
        block = _block_text(scenario, total.first_day, total.num_days)
        begin = total.first_day * MINUTES_PER_DAY
        if total.paid < total.minimum:
            issues.add(
                "hours",
                employee.employee_id,
                begin,
                f"{_duration(total.paid)} paid in {block}, "
                f"at least {_duration(total.minimum)} required",
            )
        if total.paid > employee.weekly_max_minutes:
            issues.add(
                "hours",
                employee.employee_id,
                begin,
                f"{_duration(total.paid)} paid in {block}, "
                f"at most {_duration(employee.weekly_max_minutes)} allowed",
            )


def _check_max_days(scenario: Scenario, totals: list[_BlockTotals], issues: _Issues) -> None:
    """A person works at most ``max_days`` shifts per block, when set."""
    for total in totals:
        limit = total.employee.max_days
        if limit is not None and total.days > limit:
            issues.add(
                "max-days",
                total.employee.employee_id,
                total.first_day * MINUTES_PER_DAY,
                f"{total.days} shifts in {_block_text(scenario, total.first_day, total.num_days)}"
                f", at most {limit} allowed",
            )


def _overlaps(start: int, end: int, other_start: int, other_end: int) -> bool:
    """Whether half-open spans ``[start, end)`` and ``[other_start, other_end)`` overlap."""
    return start < other_end and other_start < end


def _check_availability(scenario: Scenario, shifts: Shifts, issues: _Issues) -> None:
    """No shift overlaps a span the person is unavailable."""
    for span in scenario.availability:
        if span.kind != AvailabilityKind.UNAVAILABLE or span.employee_id not in shifts:
            continue
        for s in shifts[span.employee_id]:
            if _overlaps(s.start, s.end, span.start, span.end):
                issues.add(
                    "availability",
                    span.employee_id,
                    s.start,
                    f"row {s.row.row}: shift {_span(scenario, s.start, s.end)} overlaps "
                    f"unavailable time {_stamp(scenario, span.start)} to "
                    f"{_stamp(scenario, span.end)}",
                )


# --------------------------------------------------------------------------- floor presence


@dataclass(frozen=True)
class _Presence:
    """Who works and who is on a break, per person (rows) and interval (columns).

    Column ``j`` is interval ``first + j``; the columns span the horizon and every interval
    any row touches, also before its start or past its end.
    """

    employee_ids: list[str]
    first: int
    working: BoolMatrix
    on_break: BoolMatrix

    def horizon_slice(self, num_intervals: int) -> slice:
        """Columns of horizon intervals ``0 .. num_intervals - 1``."""
        return slice(-self.first, num_intervals - self.first)


def _cover(
    num_people: int, first: int, last: int, person: IntArray, begin: IntArray, end: IntArray
) -> BoolMatrix:
    """Boolean cover of intervals ``[begin, end)`` per person via a difference array."""
    diff = np.zeros((num_people, last - first + 1), dtype=np.int32)
    keep = begin < end
    np.add.at(diff, (person[keep], begin[keep] - first), 1)
    np.add.at(diff, (person[keep], end[keep] - first), -1)
    cover: BoolMatrix = np.cumsum(diff[:, :-1], axis=1) > 0
    return cover


def _presence(scenario: Scenario, shifts: Shifts, breaks: list[RosterRow]) -> _Presence:
    """Shift cover (whole intervals) and break cover (any touched interval) of rostered people."""
    step = scenario.horizon.interval_minutes
    ids = list(shifts)
    index = {employee_id: i for i, employee_id in enumerate(ids)}
    shift_rows = [s.row for own in shifts.values() for s in own]

    def arrays(rows: list[RosterRow]) -> tuple[IntArray, IntArray, IntArray]:
        person = np.array([index[r.employee_id] for r in rows], dtype=np.int64)
        start = np.array([r.start for r in rows], dtype=np.int64)
        end = np.array([r.end for r in rows], dtype=np.int64)
        return person, start, end

    s_person, s_start, s_end = arrays(shift_rows)
    b_person, b_start, b_end = arrays(breaks)
    s_begin, s_stop = -(-s_start // step), s_end // step  # whole intervals inside
    b_begin, b_stop = b_start // step, -(-b_end // step)  # intervals touched
    first = int(np.concatenate(([0], s_begin, b_begin)).min())
    last = int(np.concatenate(([scenario.horizon.num_intervals], s_stop, b_stop)).max())
    working = _cover(len(ids), first, last, s_person, s_begin, s_stop)
    on_break = _cover(len(ids), first, last, b_person, b_begin, b_stop) & working
    return _Presence(ids, first, working, on_break)


def _check_max_on_break(scenario: Scenario, presence: _Presence, issues: _Issues) -> None:
    """At most ``rules.break_cap(working)`` people are on a break in any interval."""
    if scenario.rules.max_on_break is None:
        return
    step = scenario.horizon.interval_minutes
    working = presence.working.sum(axis=0)
    on_break = presence.on_break.sum(axis=0)
    # runs of consecutive intervals with the same people on a break: first, last, who, busy
    runs: list[tuple[int, int, tuple[str, ...], int]] = []
    for column in (int(c) for c in np.flatnonzero(on_break)):
        busy = int(working[column])
        if int(on_break[column]) <= scenario.rules.break_cap(busy):
            continue
        who = tuple(presence.employee_ids[p] for p in np.flatnonzero(presence.on_break[:, column]))
        if runs and runs[-1][1] == column - 1 and runs[-1][2:] == (who, busy):
            runs[-1] = (runs[-1][0], column, who, busy)
        else:
            runs.append((column, column, who, busy))
    for first, last, who, busy in runs:
        begin = (first + presence.first) * step
        end = (last + 1 + presence.first) * step
        issues.add(
            "max-on-break",
            None,
            begin,
            f"{len(who)} of {busy} working people on a break until {_clock(scenario, end)} "
            f"({', '.join(who)}), at most {scenario.rules.break_cap(busy)} allowed",
        )


# --------------------------------------------------------------------------- coverage and costs


def _coverage(scenario: Scenario, presence: _Presence) -> pd.DataFrame:
    """Required, on-floor, shortfall and surplus per demand line (total first) and interval."""
    horizon = scenario.horizon
    count = horizon.num_intervals
    step = horizon.interval_minutes
    columns = presence.horizon_slice(count)
    on_floor_people = presence.working[:, columns] & ~presence.on_break[:, columns]
    skills_of = {e.employee_id: e.skills for e in scenario.employees}
    starts = pd.Timestamp(horizon.start) + pd.to_timedelta(np.arange(count) * step, unit="min")
    ends = starts + pd.Timedelta(minutes=step)
    date_text = np.asarray(starts.strftime("%Y-%m-%d"), dtype=object)
    start_text = np.asarray(starts.strftime(ISO_FORMAT), dtype=object)
    end_text = np.asarray(ends.strftime(ISO_FORMAT), dtype=object)
    parts = []
    for skill, line in scenario.required().items():
        if skill is None:
            on_floor = on_floor_people.sum(axis=0)
        else:
            mask = np.array([skill in skills_of[e] for e in presence.employee_ids], dtype=bool)
            on_floor = on_floor_people[mask].sum(axis=0) if mask.any() else np.zeros(count)
        required = np.asarray(line, dtype=np.int64)
        on_floor = on_floor.astype(np.int64)
        parts.append(
            pd.DataFrame(
                {
                    "date": date_text,
                    "start": start_text,
                    "end": end_text,
                    "skill": skill or "",
                    "required": required,
                    "on_floor": on_floor,
                    "shortfall": np.maximum(0, required - on_floor),
                    "surplus": np.maximum(0, on_floor - required),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)[COVERAGE_COLUMNS]


def _preference_penalty(scenario: Scenario, shifts: Shifts) -> int:
    """Weight of avoid spans worked into and prefer spans left without any shift."""
    penalty = 0
    for span in scenario.availability:
        if span.kind == AvailabilityKind.UNAVAILABLE or span.employee_id not in shifts:
            continue
        worked = any(
            _overlaps(s.start, s.end, span.start, span.end) for s in shifts[span.employee_id]
        )
        refused = worked if span.kind == AvailabilityKind.AVOID else not worked
        penalty += span.weight * refused
    return penalty


def _costs(
    scenario: Scenario, coverage: pd.DataFrame, totals: list[_BlockTotals], shifts: Shifts
) -> Costs:
    """The objective terms and their weighted sum."""
    step = scenario.horizon.interval_minutes
    weights = scenario.weights
    shortfall = step * int(coverage["shortfall"].sum())
    surplus = step * int(coverage.loc[coverage["skill"] == "", "surplus"].sum())
    deviation = sum(abs(t.paid - t.contract) for t in totals)
    preference = _preference_penalty(scenario, shifts)
    objective = (
        weights.shortfall * shortfall
        + weights.surplus * surplus
        + weights.contract * deviation
        + weights.preference * preference
    )
    return Costs(shortfall, surplus, deviation, preference, objective)


def _hours(totals: list[_BlockTotals]) -> pd.DataFrame:
    """Per-person, per-block paid hours against the scaled contract and limits."""
    records = [
        {
            "employee_id": t.employee.employee_id,
            "block": t.block,
            "paid_hours": t.paid / 60,
            "contract_hours": t.contract / 60,
            "min_hours": t.minimum / 60,
            "max_hours": t.employee.weekly_max_minutes / 60,
            "days": t.days,
        }
        for t in totals
    ]
    return pd.DataFrame.from_records(records, columns=HOURS_COLUMNS)


# --------------------------------------------------------------------------- entry point


def verify(scenario: Scenario, roster: pd.DataFrame | str | Path) -> Report:
    """Check a roster against every hard rule and recompute its coverage and costs.

    Parameters
    ----------
    scenario
        The problem the roster answers.
    roster
        A roster table (from :func:`scheduler.io.roster.roster_frame`, or hand-made with
        Timestamp or ISO text times), or the path of a ``roster.csv``.

    Returns
    -------
    Report
        Every violation with who and when, the coverage table, the costs and hours per block.

    Raises
    ------
    InputError
        When the file is missing or unreadable, or a cell cannot be parsed.
    """
    frame, file = _load(roster)
    issues = _Issues(scenario)
    rows = _check_people(scenario, roster_rows(scenario, frame, file), issues)
    shifts, breaks = _check_break_inside_shift(scenario, rows, issues)
    _check_template(scenario, shifts, issues)
    _check_one_shift_per_day(scenario, shifts, issues)
    _check_breaks(scenario, shifts, issues)
    presence = _presence(scenario, shifts, breaks)
    _check_max_on_break(scenario, presence, issues)
    _check_min_rest(scenario, shifts, issues)
    _check_weekly_rest(scenario, shifts, issues)
    _check_consecutive_days(scenario, shifts, issues)
    totals = _block_totals(scenario, shifts)
    _check_hours(scenario, totals, issues)
    _check_max_days(scenario, totals, issues)
    _check_availability(scenario, shifts, issues)
    coverage = _coverage(scenario, presence)
    return Report(
        violations=issues.sorted(),
        coverage=coverage,
        costs=_costs(scenario, coverage, totals, shifts),
        hours=_hours(totals),
    )
