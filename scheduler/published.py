"""A published roster (a ``roster.csv``) read back as assignments and flex days.

``replan`` needs every row of the published roster to match the scenario (``strict``): a row
naming an unknown person or shift is bad input. ``solve --hint`` takes last week's roster as a
starting point, so it skips what no longer fits (with a warning per row) and moves a roster of
another week onto the horizon by whole weeks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from scheduler.data import (
    MINUTES_PER_DAY,
    Assignment,
    AvailabilityKind,
    Employee,
    FlexDay,
    Location,
    PlacedBreak,
    Scenario,
)
from scheduler.errors import InputError
from scheduler.io.roster import FLEX_ACTIVITY, SHIFT_ACTIVITY, RosterRow, read_roster, roster_rows

WORK_ACTIVITIES = (SHIFT_ACTIVITY, FLEX_ACTIVITY)


@dataclass(frozen=True)
class Published:
    """The shifts (with their breaks) and flex days of a roster, on the scenario's horizon.

    ``skipped`` holds one warning per row left out (tolerant reading only); ``shift_days`` is
    how many days the rows were moved to land on the horizon (a multiple of 7).
    """

    assignments: list[Assignment] = field(default_factory=list)
    flex_days: list[FlexDay] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    shift_days: int = 0


def read_published(scenario: Scenario, path: Path, strict: bool = True) -> Published:
    """Read a roster.csv as a :class:`Published` roster of ``scenario``.

    Parameters
    ----------
    scenario
        The scenario the roster is read against.
    path
        The roster file.
    strict
        Raise :class:`InputError` on the first row that does not fit the scenario; otherwise
        skip it with a warning and move a roster of another week onto the horizon.
    """
    return published_roster(scenario, read_roster(path), path.name, strict)


def published_roster(
    scenario: Scenario, frame: pd.DataFrame, file: str = "roster", strict: bool = True
) -> Published:
    """A roster table (as read from CSV or built) as a :class:`Published` roster."""
    rows = roster_rows(scenario, frame, file)
    offset = 0 if strict else _week_offset(scenario, rows)
    reader = _Reader(scenario, file, strict, offset)
    for row in rows:
        moved = RosterRow(
            row.row,
            row.employee_id,
            row.activity,
            row.start + offset,
            row.end + offset,
            row.shift_id,
            row.location,
        )
        reader.add(moved)
    return reader.result()


def _week_offset(scenario: Scenario, rows: list[RosterRow]) -> int:
    """Minutes that move rows starting outside the horizon onto it by whole weeks."""
    work = [
        r.start // MINUTES_PER_DAY for r in rows if r.activity in (SHIFT_ACTIVITY, FLEX_ACTIVITY)
    ]
    if not work:
        return 0
    first = min(work)
    if 0 <= first < scenario.horizon.days:
        return 0
    return -(first // 7) * 7 * MINUTES_PER_DAY


class _Reader:
    """Collects assignments and flex days row by row, raising or skipping what does not fit."""

    def __init__(self, scenario: Scenario, file: str, strict: bool, offset: int) -> None:
        self.scenario = scenario
        self.file = file
        self.strict = strict
        self.offset = offset
        self.people = {e.employee_id: e for e in scenario.employees}
        self.templates = {t.shift_id: t for t in scenario.shifts}
        self.rules = {b.name: b for b in scenario.breaks}
        self.shifts: dict[str, list[tuple[RosterRow, Assignment]]] = defaultdict(list)
        self.breaks: list[RosterRow] = []
        self.flex_days: list[FlexDay] = []
        self.skipped: list[str] = []
        self.busy: set[tuple[str, int]] = set()

    def problem(self, row: RosterRow, column: str, message: str) -> None:
        """Raise (strict) or note a skipped row."""
        if self.strict:
            raise InputError(self.file, message, row.row, column)
        self.skipped.append(f"{self.file}, row {row.row}: {message}; skipped")

    def person(self, row: RosterRow, front: bool) -> Employee | None:
        person = self.people.get(row.employee_id)
        if person is None:
            self.problem(row, "employee_id", f"employee {row.employee_id!r} is not in the scenario")
            return None
        if not (person.works_front if front else person.works_back):
            office = "front" if front else "back"
            self.problem(
                row,
                "activity",
                f"{row.employee_id} works in the {person.office.value} office, not the {office}",
            )
            return None
        return person

    def day(self, row: RosterRow) -> int | None:
        day = row.start // MINUTES_PER_DAY
        if not 0 <= day < self.scenario.horizon.days:
            horizon = self.scenario.horizon
            self.problem(
                row,
                "start",
                f"expected a start within the horizon {horizon.start} to "
                f"{horizon.date_of(horizon.days - 1)}",
            )
            return None
        return day

    def free(self, row: RosterRow, day: int) -> bool:
        """Whether the person has no shift or flex day yet on ``day`` (then it is taken)."""
        if (row.employee_id, day) in self.busy:
            self.problem(row, "start", f"{row.employee_id} already works on that day")
            return False
        self.busy.add((row.employee_id, day))
        return True

    def available(self, row: RosterRow) -> bool:
        """Tolerant reading only: whether the row keeps clear of the person's unavailable spans.

        A hint of another week meets this week's availability; a shift it rules out is
        dropped, so the rest of the hint still reaches the person's min_hours honestly.
        """
        if self.strict:
            return True
        away = self.scenario.spans_of(row.employee_id, AvailabilityKind.UNAVAILABLE)
        if any(s.start < row.end and row.start < s.end for s in away):
            self.problem(row, "start", f"{row.employee_id} is unavailable then")
            return False
        return True

    def add(self, row: RosterRow) -> None:
        if row.activity == SHIFT_ACTIVITY:
            self.add_shift(row)
        elif row.activity == FLEX_ACTIVITY:
            self.add_flex(row)
        else:
            self.breaks.append(row)

    def add_shift(self, row: RosterRow) -> None:
        if self.person(row, front=True) is None or (day := self.day(row)) is None:
            return
        minute = row.start % MINUTES_PER_DAY
        weekday = self.scenario.horizon.weekday_of(day)
        if row.shift_id is not None:
            template = self.templates.get(row.shift_id)
            if template is None:
                self.problem(row, "shift_id", f"unknown shift_id {row.shift_id!r}")
                return
        else:
            template = next(
                (
                    t
                    for t in self.scenario.shifts
                    if t.start == minute and t.duration == row.end - row.start
                ),
                None,
            )
            if template is None:
                self.problem(row, "start", "expected the times of a shift template")
                return
        if (template.start, template.duration) != (minute, row.end - row.start):
            self.problem(row, "start", f"expected the times of shift {template.shift_id}")
            return
        if weekday not in template.weekdays:
            self.problem(row, "start", f"shift {template.shift_id} is not offered on that weekday")
            return
        if not self.available(row) or not self.free(row, day):
            return
        assignment = Assignment(row.employee_id, day, template.shift_id, row.start, row.end)
        self.shifts[row.employee_id].append((row, assignment))

    def add_flex(self, row: RosterRow) -> None:
        if self.person(row, front=False) is None or (day := self.day(row)) is None:
            return
        policy = self.scenario.back_office
        if self.scenario.horizon.weekday_of(day) not in policy.weekdays:
            self.problem(row, "start", "the back office does not work on that weekday")
            return
        try:
            location = Location(row.location or Location.ONSITE.value)
        except ValueError:
            self.problem(row, "location", f"expected onsite or remote, got {row.location!r}")
            return
        start, end = policy.band_on(day)
        band = RosterRow(row.row, row.employee_id, row.activity, start, end)
        if not self.available(band) or not self.free(row, day):
            return
        self.flex_days.append(
            FlexDay(row.employee_id, day, location, start, end, policy.daily_minutes)
        )

    def result(self) -> Published:
        placed: dict[int, list[PlacedBreak]] = defaultdict(list)
        for row in self.breaks:
            home = next(
                (
                    (shift_row, a)
                    for shift_row, a in self.shifts.get(row.employee_id, [])
                    if a.start <= row.start and row.end <= a.end
                ),
                None,
            )
            if home is None:
                # Tolerant reading has already named the shift it skipped.
                if self.strict:
                    self.problem(row, "start", "expected a break inside one of the person's shifts")
                continue
            rule = self.rules.get(row.activity)
            if rule is None:
                self.problem(row, "activity", f"unknown break {row.activity!r}")
                continue
            placed[home[0].row].append(PlacedBreak(rule.name, row.start, row.end, rule.paid))
        assignments = [
            Assignment(
                a.employee_id,
                a.day,
                a.shift_id,
                a.start,
                a.end,
                tuple(sorted(placed[shift_row.row], key=lambda b: b.start)),
            )
            for own in self.shifts.values()
            for shift_row, a in own
        ]
        assignments.sort(key=lambda a: (a.employee_id, a.start))
        return Published(
            assignments,
            sorted(self.flex_days, key=lambda f: (f.employee_id, f.day)),
            self.skipped,
            self.offset // MINUTES_PER_DAY,
        )
