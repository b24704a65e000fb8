"""The independent verifier: the referee of the solver.

It re-reads a roster (as built by :func:`scheduler.io.roster.roster_frame` or read from a
``roster.csv``) and recomputes every hard rule, the coverage and the objective from the
roster rows alone. It deliberately shares no code with the model: it imports neither OR-Tools
nor :mod:`scheduler.model`.

A row with activity ``flex`` is a back-office day. Its ``start`` and ``end`` are exactly its day's
flex band (the roster does not fix start times inside the band), it is worked ``onsite`` or
``remote``, and it pays ``back_office.daily_minutes``. For rest, consecutive days, hours, days
and availability it counts as work over its whole band; it never counts on the floor.

A roster row covers interval ``t`` in two senses. A *shift* covers ``t`` when it spans the whole
interval; a *break* covers ``t`` when it touches any part of it. So a person counts on the floor
in ``t`` only when working all of ``t`` and not on a break at any moment of it. Rosters on the
interval grid never tell the two senses apart.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from itertools import pairwise
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from scheduler.data import (
    MINUTES_PER_DAY,
    WEEKDAYS,
    WEEKEND,
    AvailabilityKind,
    BreakRule,
    Employee,
    Horizon,
    Location,
    Office,
    Rules,
    Scenario,
    ShiftTemplate,
    break_cap,
    fairness_categories,
    fairness_factor,
    fairness_group,
    is_preferred,
    scale_to_block,
)
from scheduler.io.roster import (
    FLEX_ACTIVITY,
    SHIFT_ACTIVITY,
    RosterRow,
    read_roster,
    roster_rows,
)

RULES = (
    "unknown-employee",
    "office",
    "flex",
    "template",
    "forbidden-shift",
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
    "not-followed-by",
    "max-shifts",
    "total-hours",
    "min-consecutive-days",
    "min-days-off",
    "max-weekends",
    "desks",
    "anchor",
    "cover",
    "onsite-days",
    "remote-days",
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
    "flex_days",
    "onsite_days",
    "remote_days",
]
DAY_COVER_COLUMNS = ["date", "shift_id", "skill", "required", "assigned", "short", "over"]
"""Columns of :attr:`Report.day_cover`, one row per day-level cover line."""
DAYS_COLUMNS = ["date", "onsite", "remote", "desks"]
"""Leading columns of :attr:`Report.days`; one ``cover_<skill>`` column per cover skill follows."""
LOCATIONS = frozenset(location.value for location in Location)
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
        Local wall-clock time it happens, like ``2026-12-08 07:00``, or just the date, like
        ``2026-12-08``, for a rule about a whole day (``desks``, ``anchor``, ``cover``).
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
        Sum over every person and block of ``|paid - scaled contract|``, flex days included.
    preference_penalty
        Weight of prefer/avoid requests not granted, plus one for each on-site flex day of a
        ``remote_ok`` person on one of their ``remote_days``, each flex day of a ``both`` person
        who prefers the front office, each shift of a ``both`` person who prefers the back and
        each shift outside a person's ``preferred_shifts``.
    objective
        The weighted sum of the tiers.
    fairness_spread
        Sum over fairness categories and groups of max minus min load (see
        :func:`scheduler.data.fairness_categories`).
    tiers
        Each tier's weighted cost (:data:`scheduler.data.TIERS`); shortfall is weighted per line.
    day_short, day_over
        People short of and above the day-level cover lines, summed over the lines. Their
        weighted cost (see :meth:`Scenario.cover_weights`) is in the shortfall and surplus tiers;
        refused shift requests are in ``preference_penalty``.
    """

    shortfall_minutes: int
    surplus_minutes: int
    contract_deviation_minutes: int
    preference_penalty: int
    objective: int
    fairness_spread: int = 0
    tiers: dict[str, int] = field(default_factory=dict)
    day_short: int = 0
    day_over: int = 0


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
        One row per person and block: ``employee_id, block`` (1-based), ``paid_hours,
        contract_hours, min_hours`` (scaled to the block), ``max_hours, days`` (shifts and flex
        days), ``flex_days, onsite_days, remote_days``.
    days
        One row per horizon day: ``date``, ``onsite`` and ``remote`` (people on a flex day there),
        ``desks`` (the limit or None), then ``cover_<skill>`` per cover skill: people with that
        skill on a flex day (on site or remote).
    people
        One row per person: ``employee_id, group`` (fairness group), ``weekend_days``,
        ``<tag>_shifts`` per shift tag, ``unwanted_shifts`` (outside ``preferred_shifts``),
        ``requests_granted`` and ``requests_refused`` (prefer/avoid rows and shift requests).
    day_cover
        One row per day-level cover line: ``date, shift_id, skill, required, assigned`` (people
        on that shift that day, with the skill if one is named), ``short, over``.
    """

    violations: tuple[Violation, ...]
    coverage: pd.DataFrame
    costs: Costs
    hours: pd.DataFrame
    days: pd.DataFrame
    people: pd.DataFrame = field(default_factory=pd.DataFrame)
    day_cover: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=DAY_COVER_COLUMNS))

    @property
    def ok(self) -> bool:
        """Whether the roster breaks no hard rule."""
        return not self.violations

    def summary_lines(self) -> list[str]:
        """One readable line per violation."""
        return [str(v) for v in self.violations]


class _Span:
    """A roster row's span and day; subclasses hold the row."""

    row: RosterRow

    @property
    def start(self) -> int:
        return self.row.start

    @property
    def end(self) -> int:
        return self.row.end

    @property
    def day(self) -> int:
        return self.row.start // MINUTES_PER_DAY


@dataclass
class _Shift(_Span):
    """A shift row with the break rows lying inside it."""

    row: RosterRow
    breaks: list[RosterRow] = field(default_factory=list)

    @property
    def length(self) -> int:
        return self.row.end - self.row.start


Shifts = dict[str, list[_Shift]]


@dataclass(frozen=True)
class _Flex(_Span):
    """A flex row: a back-office day."""

    row: RosterRow

    @property
    def location(self) -> str | None:
        return self.row.location

    @property
    def onsite(self) -> bool:
        return self.row.location == Location.ONSITE.value

    @property
    def remote(self) -> bool:
        return self.row.location == Location.REMOTE.value


Flexes = dict[str, list[_Flex]]


@dataclass(frozen=True)
class _Work:
    """A span a person works: a shift or a flex day (over the row's span)."""

    kind: str
    start: int
    end: int

    @property
    def day(self) -> int:
        return self.start // MINUTES_PER_DAY


Work = dict[str, list[_Work]]
SHIFT_KIND = "shift"
FLEX_KIND = "flex day"


class _Issues:
    """Collects violations with a sort key (rule, minute, person)."""

    def __init__(self, scenario: Scenario) -> None:
        self.horizon = scenario.horizon
        self.found: list[tuple[int, int, str, Violation]] = []

    def add(
        self,
        rule: str,
        employee_id: str | None,
        minute: int,
        message: str,
        *,
        whole_day: bool = False,
    ) -> None:
        """Record a violation at ``minute``; with ``whole_day`` its ``when`` is just the date."""
        moment = self.horizon.to_datetime(minute)
        when = moment.strftime("%Y-%m-%d" if whole_day else WHEN_FORMAT)
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


def _count(number: int, singular: str, plural: str | None = None) -> str:
    """``1 shift``, ``2 shifts``."""
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


def _date(scenario: Scenario, day: int) -> str:
    """ISO date of horizon day ``day``."""
    return scenario.horizon.date_of(day).isoformat()


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
    """Every row names a known person working in the row's office.

    Shifts and breaks are front-office rows (for ``front`` and ``both`` people), flex rows are
    back-office rows (for ``back`` and ``both`` people). Rows breaking this are reported and
    dropped, so they count for no other rule.
    """
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
            continue
        if row.activity == FLEX_ACTIVITY:
            allowed, what = person.works_back, "a flex day (back office)"
        else:
            kind = "a shift" if row.activity == SHIFT_ACTIVITY else f"break {row.activity!r}"
            allowed, what = person.works_front, f"{kind} (front office)"
        if allowed:
            kept.append(row)
        else:
            issues.add(
                "office",
                row.employee_id,
                row.start,
                f"row {row.row}: {row.employee_id} works in the {person.office.value} office "
                f"only, not {what}",
            )
    return kept


def _check_break_inside_shift(
    scenario: Scenario, rows: list[RosterRow], issues: _Issues
) -> tuple[Shifts, list[RosterRow]]:
    """A break lies inside one of the same person's shifts.

    Returns the shifts per person (in start order, breaks attached to the first shift
    containing them) and every break row. Flex rows are left out.
    """
    shifts: Shifts = {e.employee_id: [] for e in scenario.employees}
    breaks = []
    for row in rows:
        if row.activity == SHIFT_ACTIVITY:
            shifts[row.employee_id].append(_Shift(row))
        elif row.activity != FLEX_ACTIVITY:
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


def _rules_by_id(scenario: Scenario) -> dict[str, Rules]:
    """Each person's rules, resolved once (see `Scenario.rules_for`)."""
    return {e.employee_id: scenario.rules_for(e) for e in scenario.employees}


def _check_template(scenario: Scenario, shifts: Shifts, issues: _Issues) -> None:
    """A shift starts on a horizon day and matches an offered template (its shift_id's if set)
    that the person's rules allow."""
    horizon = scenario.horizon
    templates = {t.shift_id: t for t in scenario.shifts}
    rules = _rules_by_id(scenario)
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
                forbidden = rules[employee_id].forbidden_shifts
                if not rules[employee_id].allows(template):
                    issues.add(
                        "forbidden-shift",
                        employee_id,
                        s.start,
                        f"{what}: shift {shift_id} is forbidden by the person's rules "
                        f"(forbidden_shifts {', '.join(sorted(forbidden))})",
                    )
                problems = _template_problems(template, minute_of_day, s.length, weekday)
                if problems:
                    issues.add(
                        "template",
                        employee_id,
                        s.start,
                        f"{what} does not match its shift_id {shift_id} ({'; '.join(problems)})",
                    )
            else:
                matching = [
                    t
                    for t in scenario.shifts
                    if not _template_problems(t, minute_of_day, s.length, weekday)
                ]
                if not matching:
                    issues.add(
                        "template", employee_id, s.start, f"{what} matches no shift template"
                    )
                elif not any(rules[employee_id].allows(t) for t in matching):
                    issues.add(
                        "forbidden-shift",
                        employee_id,
                        s.start,
                        f"{what} matches only shifts the person's rules forbid "
                        f"({', '.join(t.shift_id for t in matching)})",
                    )


def _flexes(scenario: Scenario, rows: list[RosterRow]) -> Flexes:
    """The flex rows per person, in start order."""
    flexes: Flexes = {e.employee_id: [] for e in scenario.employees}
    for row in rows:
        if row.activity == FLEX_ACTIVITY:
            flexes[row.employee_id].append(_Flex(row))
    for own in flexes.values():
        own.sort(key=lambda f: (f.start, f.end, f.row.row))
    return flexes


def _check_flex(scenario: Scenario, flexes: Flexes, issues: _Issues) -> None:
    """A flex row lies on its day's band, on a back-office working day of the horizon, on site
    or remote if allowed."""
    horizon = scenario.horizon
    people = {e.employee_id: e for e in scenario.employees}
    for employee_id, own in flexes.items():
        for f in own:
            what = f"row {f.row.row}: flex day {_span(scenario, f.start, f.end)}"
            if not 0 <= f.day < horizon.days:
                issues.add(
                    "flex",
                    employee_id,
                    f.start,
                    f"{what} on {_date(scenario, f.day)} lies outside the horizon "
                    f"{horizon.start.isoformat()} to {_date(scenario, horizon.days - 1)}",
                )
            elif horizon.weekday_of(f.day) not in scenario.back_office.weekdays:
                issues.add(
                    "flex",
                    employee_id,
                    f.start,
                    f"{what} falls on a {WEEKDAYS[horizon.weekday_of(f.day)]}, "
                    "when the back office does not work",
                )
            band_start, band_end = scenario.back_office.band_on(f.day)
            if (f.start, f.end) != (band_start, band_end):
                issues.add(
                    "flex",
                    employee_id,
                    f.start,
                    f"{what} is not its day's flex band {_span(scenario, band_start, band_end)}"
                    f" on {_date(scenario, f.day)}",
                )
            if f.location not in LOCATIONS:
                found = "no location" if f.location is None else f"location {f.location!r}"
                issues.add(
                    "flex",
                    employee_id,
                    f.start,
                    f"{what} has {found}, expected onsite or remote",
                )
            elif f.remote and not people[employee_id].remote_ok:
                issues.add(
                    "flex",
                    employee_id,
                    f.start,
                    f"{what} is remote, but {employee_id} may not work remotely",
                )


def _work(shifts: Shifts, flexes: Flexes) -> Work:
    """Shifts and flex days per person, in start order."""
    work: Work = {}
    for employee_id, own in shifts.items():
        spans = [_Work(SHIFT_KIND, s.start, s.end) for s in own]
        spans += [_Work(FLEX_KIND, f.start, f.end) for f in flexes[employee_id]]
        work[employee_id] = sorted(spans, key=lambda w: (w.start, w.end, w.kind))
    return work


def _kinds_text(kinds: Iterable[str]) -> str:
    """``2 shifts``, ``1 shift and 1 flex day``."""
    listed = list(kinds)
    parts = [
        _count(listed.count(kind), kind, plural)
        for kind, plural in ((SHIFT_KIND, "shifts"), (FLEX_KIND, "flex days"))
        if kind in listed
    ]
    return " and ".join(parts)


def _check_one_shift_per_day(scenario: Scenario, work: Work, issues: _Issues) -> None:
    """A person starts at most one activity (shift or flex day) per day."""
    for employee_id, own in work.items():
        by_day: dict[int, list[_Work]] = defaultdict(list)
        for w in own:
            by_day[w.day].append(w)
        for day, same in by_day.items():
            if len(same) > 1:
                issues.add(
                    "one-shift-per-day",
                    employee_id,
                    same[1].start,
                    f"{_kinds_text(w.kind for w in same)} start on {_date(scenario, day)}, "
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


def _check_min_rest(scenario: Scenario, work: Work, issues: _Issues) -> None:
    """Consecutive shifts and flex days of a person are at least ``min_rest_minutes`` apart."""
    rules = _rules_by_id(scenario)
    for employee_id, own in work.items():
        required = rules[employee_id].min_rest_minutes
        for previous, following in pairwise(own):
            gap = following.start - previous.end
            if gap >= required:
                continue
            if previous.kind == following.kind == SHIFT_KIND:
                pair, between = "shifts", "shifts"
            else:
                pair = between = f"{previous.kind} and {following.kind}"
            if gap < 0:
                found = f"{pair} overlap by {_duration(-gap)}"
            else:
                found = f"{_duration(gap)} between {between}"
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


def _check_weekly_rest(scenario: Scenario, work: Work, issues: _Issues) -> None:
    """Every complete 7-day block holds one rest of at least ``weekly_rest_minutes``."""
    rules = _rules_by_id(scenario)
    for first_day, num_days in scenario.horizon.blocks():
        if num_days != 7:
            continue
        begin = first_day * MINUTES_PER_DAY
        end = begin + 7 * MINUTES_PER_DAY
        for employee_id, own in work.items():
            required = rules[employee_id].weekly_rest_minutes
            rest = _longest_rest(((w.start, w.end) for w in own), begin, end)
            if rest < required:
                issues.add(
                    "weekly-rest",
                    employee_id,
                    begin,
                    f"longest rest in {_block_text(scenario, first_day, num_days)} is "
                    f"{_duration(rest)}, at least {_duration(required)} required",
                )


def _check_consecutive_days(scenario: Scenario, work: Work, issues: _Issues) -> None:
    """A person works at most ``max_consecutive_days`` days in a row (by start day)."""
    rules = _rules_by_id(scenario)
    for employee_id, own in work.items():
        limit = rules[employee_id].max_consecutive_days
        days = sorted({w.day for w in own})
        run_start = 0
        for i in range(1, len(days) + 1):
            if i < len(days) and days[i] == days[i - 1] + 1:
                continue
            run = days[run_start:i]
            if len(run) > limit:
                first = next(w for w in own if w.day == run[0])
                flex = any(w.kind == FLEX_KIND for w in own if run[0] <= w.day <= run[-1])
                what = "a shift or flex day" if flex else "a shift"
                issues.add(
                    "max-consecutive-days",
                    employee_id,
                    first.start,
                    f"{len(run)} consecutive days with {what} ({_date(scenario, run[0])} to "
                    f"{_date(scenario, run[-1])}), at most {limit} allowed",
                )
            run_start = i


def _paid_minutes(shift: _Shift, unpaid: set[str]) -> int:
    """Shift length less its unpaid breaks (``unpaid`` names the scenario's unpaid breaks)."""
    return shift.length - sum(b.end - b.start for b in shift.breaks if b.activity in unpaid)


@dataclass(frozen=True)
class _BlockTotals:
    """Paid minutes, shifts and flex days of one person in one block."""

    employee: Employee
    horizon: Horizon
    block: int
    first_day: int
    num_days: int
    paid: int
    shifts: int
    flex: int
    onsite: int
    remote: int

    @property
    def days(self) -> int:
        return self.shifts + self.flex

    @property
    def contract(self) -> int:
        return self.horizon.scale(self.employee.contract_minutes, self.first_day, self.num_days)

    @property
    def minimum(self) -> int:
        return self.horizon.scale(self.employee.min_minutes, self.first_day, self.num_days)

    @property
    def text(self) -> str:
        """``2 shifts`` or ``3 working days (1 shift and 2 flex days)``."""
        if not self.flex:
            return _count(self.shifts, "shift")
        kinds = [SHIFT_KIND] * self.shifts + [FLEX_KIND] * self.flex
        return f"{_count(self.days, 'working day')} ({_kinds_text(kinds)})"


def _block_totals(scenario: Scenario, shifts: Shifts, flexes: Flexes) -> list[_BlockTotals]:
    """Totals per person and block; an activity counts at its start day, in the horizon only.

    A shift pays its length less unpaid breaks, a flex day ``back_office.daily_minutes``.
    """
    horizon = scenario.horizon
    blocks = horizon.blocks()
    unpaid = {rule.name for rule in scenario.breaks if not rule.paid}
    daily = scenario.back_office.daily_minutes
    totals = []
    for employee in scenario.employees:
        paid = [0] * len(blocks)
        count = [0] * len(blocks)
        flex = [0] * len(blocks)
        onsite = [0] * len(blocks)
        remote = [0] * len(blocks)
        for s in shifts[employee.employee_id]:
            if 0 <= s.day < horizon.days:
                index = s.day // 7
                paid[index] += _paid_minutes(s, unpaid)
                count[index] += 1
        for f in flexes[employee.employee_id]:
            if 0 <= f.day < horizon.days:
                index = f.day // 7
                paid[index] += daily
                flex[index] += 1
                onsite[index] += f.onsite
                remote[index] += f.remote
        for index, (first_day, num_days) in enumerate(blocks):
            totals.append(
                _BlockTotals(
                    employee,
                    scenario.horizon,
                    index + 1,
                    first_day,
                    num_days,
                    paid[index],
                    count[index],
                    flex[index],
                    onsite[index],
                    remote[index],
                )
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
    """A person works at most ``max_days`` shifts and flex days per block, when set (their own
    or their rules', the tighter)."""
    rules = _rules_by_id(scenario)
    for total in totals:
        limit = rules[total.employee.employee_id].max_days_of(total.employee)
        if limit is not None and total.days > limit:
            issues.add(
                "max-days",
                total.employee.employee_id,
                total.first_day * MINUTES_PER_DAY,
                f"{total.text} in {_block_text(scenario, total.first_day, total.num_days)}"
                f", at most {limit} allowed",
            )


def _overlaps(start: int, end: int, other_start: int, other_end: int) -> bool:
    """Whether half-open spans ``[start, end)`` and ``[other_start, other_end)`` overlap."""
    return start < other_end and other_start < end


def _check_availability(
    scenario: Scenario, shifts: Shifts, flexes: Flexes, issues: _Issues
) -> None:
    """No shift or flex day (over its band) overlaps a span the person is unavailable."""
    for span in scenario.availability:
        if span.kind != AvailabilityKind.UNAVAILABLE:
            continue
        rows = [(s.row, "shift") for s in shifts[span.employee_id]]
        rows += [(f.row, "flex day") for f in flexes[span.employee_id]]
        for row, kind in sorted(rows, key=lambda item: (item[0].start, item[0].row)):
            if _overlaps(row.start, row.end, span.start, span.end):
                issues.add(
                    "availability",
                    span.employee_id,
                    row.start,
                    f"row {row.row}: {kind} {_span(scenario, row.start, row.end)} overlaps "
                    f"unavailable time {_stamp(scenario, span.start)} to "
                    f"{_stamp(scenario, span.end)}",
                )


# --------------------------------------------------------------------------- day-level rules


def _templates_by_day(
    scenario: Scenario, shifts: Shifts
) -> dict[str, dict[int, list[tuple[_Shift, ShiftTemplate]]]]:
    """Each person's shifts in the horizon with their templates, per start day.

    A shift that matches no template is left out (it is reported as ``template``).
    """
    horizon = scenario.horizon
    result: dict[str, dict[int, list[tuple[_Shift, ShiftTemplate]]]] = {}
    for employee_id, own in shifts.items():
        by_day: dict[int, list[tuple[_Shift, ShiftTemplate]]] = defaultdict(list)
        for s in own:
            template = _template_of(scenario, s)
            if template is not None and 0 <= s.day < horizon.days:
                by_day[s.day].append((s, template))
        result[employee_id] = by_day
    return result


def _check_successions(
    scenario: Scenario,
    by_day: dict[str, dict[int, list[tuple[_Shift, ShiftTemplate]]]],
    issues: _Issues,
) -> None:
    """No shift starts the day after a shift whose template's ``not_followed_by`` names it."""
    for employee_id, days in by_day.items():
        for day, items in sorted(days.items()):
            for _, before in items:
                for s, after in days.get(day + 1, []):
                    if before.bars_next(after):
                        issues.add(
                            "not-followed-by",
                            employee_id,
                            s.start,
                            f"row {s.row.row}: shift {after.shift_id} on "
                            f"{_date(scenario, day + 1)} follows shift {before.shift_id} on "
                            f"{_date(scenario, day)}, which may not be followed by "
                            f"{', '.join(sorted(before.not_followed_by))}",
                        )


def _check_shift_limits(
    scenario: Scenario,
    by_day: dict[str, dict[int, list[tuple[_Shift, ShiftTemplate]]]],
    issues: _Issues,
) -> None:
    """At most ``max_shifts`` shifts of each listed shift id or tag per person over the horizon."""
    rules = _rules_by_id(scenario)
    for employee_id, days in by_day.items():
        ordered = [item for _, items in sorted(days.items()) for item in items]
        for key, limit in rules[employee_id].max_shifts:
            counted = [s for s, t in ordered if key == t.shift_id or key in t.tags]
            if len(counted) > limit:
                issues.add(
                    "max-shifts",
                    employee_id,
                    counted[limit].start,
                    f"{_count(len(counted), 'shift')} of {key} over the horizon, "
                    f"at most {limit} allowed",
                )


def _check_total_hours(scenario: Scenario, totals: list[_BlockTotals], issues: _Issues) -> None:
    """Paid minutes over the horizon lie within ``min_total_minutes`` and ``max_total_minutes``."""
    rules = _rules_by_id(scenario)
    paid: dict[str, int] = defaultdict(int)
    for total in totals:
        paid[total.employee.employee_id] += total.paid
    horizon = _block_text(scenario, 0, scenario.horizon.days).replace("the ", "", 1)
    for employee in scenario.employees:
        mine = rules[employee.employee_id]
        worked = paid[employee.employee_id]
        if mine.min_total_minutes is not None and worked < mine.min_total_minutes:
            issues.add(
                "total-hours",
                employee.employee_id,
                0,
                f"{_duration(worked)} paid over the {horizon}, "
                f"at least {_duration(mine.min_total_minutes)} required",
            )
        if mine.max_total_minutes is not None and worked > mine.max_total_minutes:
            issues.add(
                "total-hours",
                employee.employee_id,
                0,
                f"{_duration(worked)} paid over the {horizon}, "
                f"at most {_duration(mine.max_total_minutes)} allowed",
            )


def _runs(days: list[bool]) -> list[tuple[bool, int, int]]:
    """Maximal runs of equal flags as ``(flag, first, last)``."""
    runs: list[tuple[bool, int, int]] = []
    for day, flag in enumerate(days):
        if runs and runs[-1][0] == flag:
            runs[-1] = (flag, runs[-1][1], day)
        else:
            runs.append((flag, day, day))
    return runs


def _check_runs(scenario: Scenario, work: Work, issues: _Issues) -> None:
    """Runs of working days and of days off that touch neither end of the horizon last at
    least ``min_consecutive_days`` and ``min_days_off``."""
    rules = _rules_by_id(scenario)
    last = scenario.horizon.days - 1
    for employee_id, own in work.items():
        mine = rules[employee_id]
        if mine.min_consecutive_days is None and mine.min_days_off is None:
            continue
        worked = {w.day for w in own}
        for flag, first, final in _runs([day in worked for day in range(last + 1)]):
            if first == 0 or final == last:
                continue  # runs at the horizon's ends are not judged
            length = final - first + 1
            span = f"{_date(scenario, first)} to {_date(scenario, final)}"
            if flag and mine.min_consecutive_days and length < mine.min_consecutive_days:
                start = min(w.start for w in own if w.day == first)
                issues.add(
                    "min-consecutive-days",
                    employee_id,
                    start,
                    f"{_count(length, 'working day')} in a row ({span}), "
                    f"at least {mine.min_consecutive_days} required",
                )
            if not flag and mine.min_days_off and length < mine.min_days_off:
                issues.add(
                    "min-days-off",
                    employee_id,
                    first * MINUTES_PER_DAY,
                    f"{_count(length, 'day')} off in a row ({span}), "
                    f"at least {mine.min_days_off} required",
                    whole_day=True,
                )


def _check_weekends(scenario: Scenario, work: Work, issues: _Issues) -> None:
    """At most ``max_weekends`` weekends with work: anything starting on a Saturday or Sunday."""
    rules = _rules_by_id(scenario)
    weekends = scenario.horizon.weekends()
    for employee_id, own in work.items():
        limit = rules[employee_id].max_weekends
        if limit is None:
            continue
        worked = {w.day for w in own}
        busy = [days for days in weekends if worked & set(days)]
        if len(busy) > limit:
            dates = ", ".join(_date(scenario, days[0]) for days in busy)
            issues.add(
                "max-weekends",
                employee_id,
                busy[limit][0] * MINUTES_PER_DAY,
                f"works {len(busy)} weekends (from {dates}), at most {limit} allowed",
                whole_day=True,
            )


def _check_shift_availability(
    scenario: Scenario,
    by_day: dict[str, dict[int, list[tuple[_Shift, ShiftTemplate]]]],
    issues: _Issues,
) -> None:
    """Nobody works a shift on a day they are unavailable for it (a shift request)."""
    for request in scenario.shift_requests:
        if request.kind != AvailabilityKind.UNAVAILABLE:
            continue
        for s, template in by_day[request.employee_id].get(request.day, []):
            if template.shift_id == request.shift_id:
                issues.add(
                    "availability",
                    request.employee_id,
                    s.start,
                    f"row {s.row.row}: shift {template.shift_id} on "
                    f"{_date(scenario, request.day)}, for which the person is unavailable",
                )


def _works_shift(
    by_day: dict[str, dict[int, list[tuple[_Shift, ShiftTemplate]]]],
    employee_id: str,
    day: int,
    shift_id: str,
) -> bool:
    """Whether a person starts a shift of ``shift_id`` on ``day``."""
    return any(t.shift_id == shift_id for _, t in by_day[employee_id].get(day, []))


def _shift_request_penalty(
    scenario: Scenario, by_day: dict[str, dict[int, list[tuple[_Shift, ShiftTemplate]]]]
) -> dict[str, tuple[int, int, int]]:
    """Per person: refused shift-request weight, requests granted, requests refused."""
    result: dict[str, tuple[int, int, int]] = {}
    for request in scenario.shift_requests:
        if request.kind == AvailabilityKind.UNAVAILABLE:
            continue
        worked = _works_shift(by_day, request.employee_id, request.day, request.shift_id)
        refused = worked != (request.kind == AvailabilityKind.PREFER)
        weight, granted, refusals = result.get(request.employee_id, (0, 0, 0))
        result[request.employee_id] = (
            weight + request.weight * refused,
            granted + (not refused),
            refusals + refused,
        )
    return result


def _day_cover(
    scenario: Scenario, by_day: dict[str, dict[int, list[tuple[_Shift, ShiftTemplate]]]]
) -> pd.DataFrame:
    """People on each day-level cover line's shift against its requirement."""
    skills = {e.employee_id: e.skills for e in scenario.employees}
    records = []
    for line in scenario.shift_demand:
        assigned = sum(
            _works_shift(by_day, employee_id, line.day, line.shift_id)
            for employee_id in by_day
            if line.skill is None or line.skill in skills[employee_id]
        )
        records.append(
            {
                "date": _date(scenario, line.day),
                "shift_id": line.shift_id,
                "skill": line.skill or "",
                "required": line.required,
                "assigned": assigned,
                "short": max(0, line.required - assigned),
                "over": max(0, assigned - line.required),
            }
        )
    return pd.DataFrame.from_records(records, columns=DAY_COVER_COLUMNS)


# --------------------------------------------------------------------------- back office


@dataclass(frozen=True)
class _BackOfficeDays:
    """Who works a flex day where, per horizon day (people, not rows)."""

    onsite: list[set[str]]
    remote: list[set[str]]

    def working(self, day: int) -> set[str]:
        """People on a flex day on ``day``, on site or remote."""
        return self.onsite[day] | self.remote[day]


def _back_office_days(scenario: Scenario, flexes: Flexes) -> _BackOfficeDays:
    """People on site and remote per horizon day; rows without a valid location count nowhere."""
    days = scenario.horizon.days
    onsite: list[set[str]] = [set() for _ in range(days)]
    remote: list[set[str]] = [set() for _ in range(days)]
    for employee_id, own in flexes.items():
        for f in own:
            if 0 <= f.day < days:
                if f.onsite:
                    onsite[f.day].add(employee_id)
                elif f.remote:
                    remote[f.day].add(employee_id)
    return _BackOfficeDays(onsite, remote)


def _check_desks(scenario: Scenario, present: _BackOfficeDays, issues: _Issues) -> None:
    """At most ``back_office.desks`` people on site per day, when set."""
    desks = scenario.back_office.desks
    if desks is None:
        return
    for day, people in enumerate(present.onsite):
        if len(people) > desks:
            issues.add(
                "desks",
                None,
                day * MINUTES_PER_DAY,
                f"{_count(len(people), 'person', 'people')} on site, {_count(desks, 'desk')} "
                f"({', '.join(sorted(people))})",
                whole_day=True,
            )


def _check_anchors(scenario: Scenario, shifts: Shifts, flexes: Flexes, issues: _Issues) -> None:
    """Each back-office member of an anchored team works on site on every anchor weekday.

    An unavailable span overlapping the day's flex band excuses the day.
    """
    horizon = scenario.horizon
    back_office = scenario.back_office
    anchors = sorted({(a.team, a.weekday) for a in back_office.anchors})
    for team, weekday in anchors:
        members = [e for e in scenario.employees if e.works_back and e.team == team]
        for day in range(horizon.days):
            if horizon.weekday_of(day) != weekday:
                continue
            band_start, band_end = back_office.band_on(day)
            for member in members:
                own = [f for f in flexes[member.employee_id] if f.day == day]
                if any(f.onsite for f in own):
                    continue
                if any(
                    _overlaps(span.start, span.end, band_start, band_end)
                    for span in scenario.spans_of(member.employee_id, AvailabilityKind.UNAVAILABLE)
                ):
                    continue
                if any(f.remote for f in own):
                    found = "a remote flex day"
                elif any(s.day == day for s in shifts[member.employee_id]):
                    found = "a shift"
                elif own:
                    found = "a flex day without a location"
                else:
                    found = "no flex day"
                issues.add(
                    "anchor",
                    member.employee_id,
                    day * MINUTES_PER_DAY,
                    f"{found}, but team {team} works on site on {WEEKDAY_NAMES[weekday]}s",
                    whole_day=True,
                )


def _check_covers(scenario: Scenario, present: _BackOfficeDays, issues: _Issues) -> None:
    """Enough back-office people with each cover skill work on each of its weekdays."""
    horizon = scenario.horizon
    skills_of = {e.employee_id: e.skills for e in scenario.employees}
    for cover in scenario.back_office.covers:
        for day in range(horizon.days):
            if horizon.weekday_of(day) not in cover.weekdays:
                continue
            count = sum(cover.skill in skills_of[e] for e in present.working(day))
            if count < cover.min:
                issues.add(
                    "cover",
                    None,
                    day * MINUTES_PER_DAY,
                    f"{_count(count, 'back-office person', 'back-office people')} with skill "
                    f"{cover.skill!r} working, at least {cover.min} required",
                    whole_day=True,
                )


def _check_telework(scenario: Scenario, totals: list[_BlockTotals], issues: _Issues) -> None:
    """On-site days per block of ``remote_ok`` people, and remote days of everyone per block.

    ``min_onsite_days`` is scaled to a short block and capped by the flex days worked in it.
    """
    back_office = scenario.back_office
    for total in totals:
        employee = total.employee
        block = _block_text(scenario, total.first_day, total.num_days)
        begin = total.first_day * MINUTES_PER_DAY
        if employee.remote_ok:
            scaled = scale_to_block(back_office.min_onsite_days, total.num_days)
            required = min(scaled, total.flex)
            if total.onsite < required:
                issues.add(
                    "onsite-days",
                    employee.employee_id,
                    begin,
                    f"{_count(total.onsite, 'on-site day')} of "
                    f"{_count(total.flex, 'flex day')} in {block}, at least {required} required",
                )
        limit = back_office.max_remote_days
        if limit is not None and total.remote > limit:
            issues.add(
                "remote-days",
                employee.employee_id,
                begin,
                f"{_count(total.remote, 'remote day')} in {block}, at most {limit} allowed",
            )


def _days(scenario: Scenario, present: _BackOfficeDays) -> pd.DataFrame:
    """Per horizon day: people on site and remote, the desk limit and each cover skill's count."""
    horizon = scenario.horizon
    skills_of = {e.employee_id: e.skills for e in scenario.employees}
    cover_skills = list(dict.fromkeys(c.skill for c in scenario.back_office.covers))
    records = []
    for day in range(horizon.days):
        record: dict[str, object] = {
            "date": _date(scenario, day),
            "onsite": len(present.onsite[day]),
            "remote": len(present.remote[day]),
            "desks": scenario.back_office.desks,
        }
        for skill in cover_skills:
            record[f"cover_{skill}"] = sum(skill in skills_of[e] for e in present.working(day))
        records.append(record)
    columns = DAYS_COLUMNS + [f"cover_{skill}" for skill in cover_skills]
    return pd.DataFrame.from_records(records, columns=columns)


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
    """Shift cover (whole intervals) and break cover (any touched interval) of every person."""
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
    # A day either side of the horizon holds every shift that starts in it; rows further out
    # (a year's typo) are reported by the shift rules and must not size the arrays.
    day = MINUTES_PER_DAY // step
    low, high = -day, scenario.horizon.num_intervals + 2 * day
    s_begin, s_stop, b_begin, b_stop = (
        np.clip(a, low, high) for a in (s_begin, s_stop, b_begin, b_stop)
    )
    first = int(np.concatenate(([0], s_begin, b_begin)).min())
    last = int(np.concatenate(([scenario.horizon.num_intervals], s_stop, b_stop)).max())
    working = _cover(len(ids), first, last, s_person, s_begin, s_stop)
    on_break = _cover(len(ids), first, last, b_person, b_begin, b_stop) & working
    return _Presence(ids, first, working, on_break)


def _check_max_on_break(scenario: Scenario, presence: _Presence, issues: _Issues) -> None:
    """At most ``break_cap(max_on_break, working)`` people are on a break in any interval,
    counted among the people whose rules share a ``max_on_break``."""
    shares = {e.employee_id: scenario.rules_for(e).max_on_break for e in scenario.employees}
    for share in sorted(s for s in set(shares.values()) if s is not None):
        mine = np.array([shares.get(e) == share for e in presence.employee_ids], dtype=bool)
        _check_break_group(scenario, presence, mine, share, issues)


def _check_break_group(
    scenario: Scenario,
    presence: _Presence,
    mine: BoolMatrix,
    share: Fraction,
    issues: _Issues,
) -> None:
    """The staggering cap among the people ``mine`` marks."""
    step = scenario.horizon.interval_minutes
    working = presence.working[mine].sum(axis=0)
    on_break = (presence.on_break & mine[:, None]).sum(axis=0)
    # runs of consecutive intervals with the same people on a break: first, last, who, busy
    runs: list[tuple[int, int, tuple[str, ...], int]] = []
    for column in (int(c) for c in np.flatnonzero(on_break)):
        busy = int(working[column])
        if int(on_break[column]) <= break_cap(share, busy):
            continue
        flags = presence.on_break[:, column] & mine
        who = tuple(presence.employee_ids[p] for p in np.flatnonzero(flags))
        if runs and runs[-1][1] == column - 1 and runs[-1][2:] == (who, busy):
            runs[-1] = (runs[-1][0], column, who, busy)
        else:
            runs.append((column, column, who, busy))
    among = "" if share == scenario.rules.max_on_break else f" under max_on_break {float(share):g}"
    for first, last, who, busy in runs:
        begin = (first + presence.first) * step
        end = (last + 1 + presence.first) * step
        issues.add(
            "max-on-break",
            None,
            begin,
            f"{len(who)} of {busy} working people{among} on a break until "
            f"{_clock(scenario, end)} ({', '.join(who)}), at most {break_cap(share, busy)} allowed",
        )


# --------------------------------------------------------------------------- coverage and costs


@functools.lru_cache(maxsize=4)
def _interval_text(start: date, count: int, step: int) -> tuple[np.ndarray, ...]:
    """Each interval's date, start and end as ISO text, kept for the next call: the start
    verifies every person's path over a year of intervals (Curtois Instance24), where pandas'
    ``strftime`` took 31 ms a call and numpy's formatting 9 ms."""
    starts = np.datetime64(start, "s") + np.arange(count, dtype=np.int64) * np.timedelta64(
        step * 60, "s"
    )
    ends = starts + np.timedelta64(step * 60, "s")
    texts = (
        np.datetime_as_string(starts, unit="D").astype(object),
        np.datetime_as_string(starts, unit="s").astype(object),
        np.datetime_as_string(ends, unit="s").astype(object),
    )
    # Shared by every call: read-only, so no caller can change another's.
    for text in texts:
        text.flags.writeable = False
    return texts


def _coverage(scenario: Scenario, presence: _Presence) -> pd.DataFrame:
    """Required, on-floor, shortfall and surplus per demand line (total first) and interval."""
    horizon = scenario.horizon
    count = horizon.num_intervals
    step = horizon.interval_minutes
    columns = presence.horizon_slice(count)
    on_floor_people = presence.working[:, columns] & ~presence.on_break[:, columns]
    skills_of = {e.employee_id: e.skills for e in scenario.employees}
    # Copies: pandas builds a lone part's columns on the kept arrays themselves.
    date_text, start_text, end_text = (
        text.copy() for text in _interval_text(horizon.start, count, step)
    )
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


def _preference_penalty(scenario: Scenario, work: Work, shifts: Shifts, flexes: Flexes) -> int:
    """Refused prefer/avoid weight plus one per day worked against an office or remote wish.

    A prefer/avoid span is judged against shifts and flex days (over their bands) alike.
    The office and remote wishes count horizon days only.
    """
    penalty = 0
    for span in scenario.availability:
        if span.kind == AvailabilityKind.UNAVAILABLE:
            continue
        worked = any(
            _overlaps(w.start, w.end, span.start, span.end) for w in work[span.employee_id]
        )
        refused = worked if span.kind == AvailabilityKind.AVOID else not worked
        penalty += span.weight * refused
    horizon = scenario.horizon

    def inside(day: int) -> bool:
        return 0 <= day < horizon.days

    for employee in scenario.employees:
        own_flex = [f for f in flexes[employee.employee_id] if inside(f.day)]
        own_shifts = [s for s in shifts[employee.employee_id] if inside(s.day)]
        if employee.remote_ok:
            penalty += sum(
                f.onsite and horizon.weekday_of(f.day) in employee.remote_days for f in own_flex
            )
        if employee.office == Office.BOTH and employee.prefers == Office.FRONT:
            penalty += len(own_flex)
        if employee.office == Office.BOTH and employee.prefers == Office.BACK:
            penalty += len(own_shifts)
    return penalty


def _costs(
    scenario: Scenario,
    coverage: pd.DataFrame,
    totals: list[_BlockTotals],
    preference: int,
    fairness: int,
    day_cover: pd.DataFrame | None = None,
) -> Costs:
    """The objective terms, per tier, and their weighted sum."""
    step = scenario.horizon.interval_minutes
    weights = scenario.weights
    short_per_line = coverage.groupby("skill")["shortfall"].sum()
    shortfall = step * int(short_per_line.sum())
    surplus = step * int(coverage.loc[coverage["skill"] == "", "surplus"].sum())
    deviation = sum(abs(t.paid - t.contract) for t in totals)
    day_under = day_extra = day_short = day_over = 0
    if day_cover is not None:
        for line, short, over in zip(
            scenario.shift_demand, day_cover["short"], day_cover["over"], strict=True
        ):
            under_weight, over_weight = scenario.cover_weights(line)
            day_under += under_weight * int(short)
            day_extra += over_weight * int(over)
            day_short += int(short)
            day_over += int(over)
    tiers = {
        "shortfall": sum(
            weights.shortfall_of(str(line) or None) * step * int(minutes)
            for line, minutes in short_per_line.items()
        )
        + day_under,
        "contract": weights.contract * deviation,
        "preference": weights.preference * preference,
        "fairness": weights.fairness * fairness,
        "surplus": weights.surplus * surplus + day_extra,
    }
    objective = sum(tiers.values())
    return Costs(
        shortfall,
        surplus,
        deviation,
        preference,
        objective,
        fairness,
        tiers,
        day_short=day_short,
        day_over=day_over,
    )


def _template_of(scenario: Scenario, shift: _Shift) -> ShiftTemplate | None:
    """The template a shift row names, else the first it matches."""
    for template in scenario.shifts:
        if template.shift_id == shift.row.shift_id:
            return template
    day, minute_of_day = divmod(shift.start, MINUTES_PER_DAY)
    weekday = scenario.horizon.weekday_of(day)
    for template in scenario.shifts:
        if not _template_problems(template, minute_of_day, shift.length, weekday):
            return template
    return None


def _people(
    scenario: Scenario,
    work: Work,
    shifts: Shifts,
    flexes: Flexes,
    requests: dict[str, tuple[int, int, int]] | None = None,
) -> tuple[pd.DataFrame, int, int]:
    """Per person: fairness counts and requests granted or refused.

    Returns the table, the fairness spread and the number of shifts outside people's
    ``preferred_shifts`` (a preference cost).
    """
    horizon = scenario.horizon
    tags = sorted({tag for s in scenario.shifts for tag in s.tags})
    records = []
    counts: dict[str, dict[str, int]] = {}
    unwanted_total = 0
    for employee in scenario.employees:
        employee_id = employee.employee_id
        own = [s for s in shifts[employee_id] if 0 <= s.day < horizon.days]
        days = [s.day for s in own] + [
            f.day for f in flexes[employee_id] if 0 <= f.day < horizon.days
        ]
        templates = [_template_of(scenario, s) for s in own]
        unwanted = sum(t is not None and not is_preferred(employee, t) for t in templates)
        unwanted_total += unwanted
        mine = {
            "weekend": sum(horizon.weekday_of(d) in WEEKEND for d in days),
            "unwanted": unwanted,
        }
        for tag in tags:
            mine[f"tag:{tag}"] = sum(t is not None and tag in t.tags for t in templates)
        counts[employee_id] = mine
        granted = refused = 0
        for span in scenario.availability:
            if span.employee_id != employee_id or span.kind == AvailabilityKind.UNAVAILABLE:
                continue
            worked = any(_overlaps(w.start, w.end, span.start, span.end) for w in work[employee_id])
            if worked == (span.kind == AvailabilityKind.PREFER):
                granted += 1
            else:
                refused += 1
        _, more_granted, more_refused = (requests or {}).get(employee_id, (0, 0, 0))
        granted += more_granted
        refused += more_refused
        record: dict[str, object] = {
            "employee_id": employee_id,
            "group": fairness_group(employee),
            "weekend_days": mine["weekend"],
        }
        record.update({f"{tag}_shifts": mine[f"tag:{tag}"] for tag in tags})
        record.update(
            {"unwanted_shifts": unwanted, "requests_granted": granted, "requests_refused": refused}
        )
        records.append(record)
    spread = 0
    people = {e.employee_id: e for e in scenario.employees}
    for category, eligible in fairness_categories(scenario).items():
        loads: dict[str, list[int]] = defaultdict(list)
        for employee_id in sorted(eligible):
            person = people[employee_id]
            load = fairness_factor(person) * counts[employee_id][category]
            loads[fairness_group(person)].append(load)
        spread += sum(max(group) - min(group) for group in loads.values() if len(group) > 1)
    return pd.DataFrame.from_records(records), spread, unwanted_total


def _hours(totals: list[_BlockTotals]) -> pd.DataFrame:
    """Per-person, per-block paid hours against the scaled contract and limits, and days."""
    records = [
        {
            "employee_id": t.employee.employee_id,
            "block": t.block,
            "paid_hours": t.paid / 60,
            "contract_hours": t.contract / 60,
            "min_hours": t.minimum / 60,
            "max_hours": t.employee.weekly_max_minutes / 60,
            "days": t.days,
            "flex_days": t.flex,
            "onsite_days": t.onsite,
            "remote_days": t.remote,
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
        Every violation with who and when, the coverage table, the costs, hours per block and
        the back office per day.

    Raises
    ------
    InputError
        When the file is missing or unreadable, or a cell cannot be parsed.
    """
    frame, file = _load(roster)
    issues = _Issues(scenario)
    rows = _check_people(scenario, roster_rows(scenario, frame, file), issues)
    shifts, breaks = _check_break_inside_shift(scenario, rows, issues)
    flexes = _flexes(scenario, rows)
    work = _work(shifts, flexes)
    _check_flex(scenario, flexes, issues)
    _check_template(scenario, shifts, issues)
    _check_one_shift_per_day(scenario, work, issues)
    _check_breaks(scenario, shifts, issues)
    presence = _presence(scenario, shifts, breaks)
    _check_max_on_break(scenario, presence, issues)
    _check_min_rest(scenario, work, issues)
    _check_weekly_rest(scenario, work, issues)
    _check_consecutive_days(scenario, work, issues)
    totals = _block_totals(scenario, shifts, flexes)
    _check_hours(scenario, totals, issues)
    _check_max_days(scenario, totals, issues)
    _check_availability(scenario, shifts, flexes, issues)
    present = _back_office_days(scenario, flexes)
    _check_desks(scenario, present, issues)
    _check_anchors(scenario, shifts, flexes, issues)
    _check_covers(scenario, present, issues)
    _check_telework(scenario, totals, issues)
    by_day = _templates_by_day(scenario, shifts)
    _check_shift_availability(scenario, by_day, issues)
    _check_successions(scenario, by_day, issues)
    _check_shift_limits(scenario, by_day, issues)
    _check_total_hours(scenario, totals, issues)
    _check_runs(scenario, work, issues)
    _check_weekends(scenario, work, issues)
    coverage = _coverage(scenario, presence)
    requests = _shift_request_penalty(scenario, by_day)
    people, spread, unwanted = _people(scenario, work, shifts, flexes, requests)
    preference = _preference_penalty(scenario, work, shifts, flexes) + unwanted
    preference += sum(weight for weight, _, _ in requests.values())
    day_cover = _day_cover(scenario, by_day)
    return Report(
        violations=issues.sorted(),
        coverage=coverage,
        costs=_costs(scenario, coverage, totals, preference, spread, day_cover),
        hours=_hours(totals),
        days=_days(scenario, present),
        people=people,
        day_cover=day_cover,
    )
