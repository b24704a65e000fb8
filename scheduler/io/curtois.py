"""Read an instance of the Curtois & Qu shift scheduling benchmark into a :class:`Scenario`.

The format (schedulingbenchmarks.org, "Instance1.txt" .. "Instance24.txt") has sections
``SECTION_HORIZON``, ``SECTION_SHIFTS``, ``SECTION_STAFF``, ``SECTION_DAYS_OFF``,
``SECTION_SHIFT_ON_REQUESTS``, ``SECTION_SHIFT_OFF_REQUESTS`` and ``SECTION_COVER`` of
comma-separated lines; ``#`` starts a comment line. Its rules map onto the scenario's:

- shifts give only a length, so every template starts at 00:00 (no shift crosses midnight) and
  rest between shifts and weekly rest are off: the successions the instance forbids
  (``not_followed_by``) are its only rules between days;
- each person's limits become their own rule values (``max_shifts``, ``min_total_minutes``,
  ``max_total_minutes``, ``max_consecutive_days``, ``min_consecutive_days``, ``min_days_off``,
  ``max_weekends``), days off whole-day ``unavailable`` spans, shift on and off requests
  ``prefer`` and ``avoid`` shift requests, cover lines day-level demand with their weights;
- there is no interval demand, contract, surplus or fairness term: weights ``preference`` 1
  and every other weight 0 except ``shortfall`` 1 (unused: each cover line has its weights),
  so the verifier's objective is the benchmark's.

Day 0 is a Monday; the horizon starts on :data:`START`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from scheduler.data import (
    MAX_HORIZON_DAYS,
    MINUTES_PER_DAY,
    AvailabilityKind,
    AvailabilitySpan,
    Employee,
    Horizon,
    Rules,
    Scenario,
    ShiftDemand,
    ShiftRequest,
    ShiftTemplate,
    Weights,
)
from scheduler.errors import InputError

__all__ = ["START", "read_curtois"]

START = date(2024, 1, 1)
"""The first day of every instance: a Monday, as the format says day 0 is."""
WEEKLY_CAP_MINUTES = 7 * MINUTES_PER_DAY
"""The scenario's weekly hour limits are left wide open: the instance limits whole horizons."""
SECTIONS = (
    "SECTION_HORIZON",
    "SECTION_SHIFTS",
    "SECTION_STAFF",
    "SECTION_DAYS_OFF",
    "SECTION_SHIFT_ON_REQUESTS",
    "SECTION_SHIFT_OFF_REQUESTS",
    "SECTION_COVER",
)
STAFF_FIELDS = (
    "ID",
    "MaxShifts",
    "MaxTotalMinutes",
    "MinTotalMinutes",
    "MaxConsecutiveShifts",
    "MinConsecutiveShifts",
    "MinConsecutiveDaysOff",
    "MaxWeekends",
)
REQUEST_FIELDS = ("EmployeeID", "Day", "ShiftID", "Weight")
COVER_FIELDS = ("Day", "ShiftID", "Requirement", "WeightForUnder", "WeightForOver")


@dataclass(frozen=True)
class _Line:
    """One data line of a section: its file, line number and comma-separated fields."""

    file: str
    number: int
    fields: tuple[str, ...]

    def error(self, message: str, column: str | None = None) -> InputError:
        """An InputError at this line."""
        return InputError(self.file, message, self.number, column)

    def expect(self, names: tuple[str, ...], at_least: bool = False) -> None:
        """Require the named fields (exactly, or at least that many)."""
        count = len(self.fields)
        if count < len(names) or (count > len(names) and not at_least):
            message = f"expected {len(names)} fields ({', '.join(names)}), got {count}"
            raise self.error(message)

    def integer(self, index: int, name: str, low: int = 0, high: int | None = None) -> int:
        """Field ``index`` as a whole number in ``low..high``."""
        text = self.fields[index]
        bounds = f">= {low}" if high is None else f"from {low} to {high}"
        try:
            value = int(text)
        except ValueError:
            raise self.error(f"expected a whole number {bounds}, got {text!r}", name) from None
        if value < low or (high is not None and value > high):
            raise self.error(f"expected a whole number {bounds}, got {text!r}", name)
        return value


def _sections(path: Path) -> dict[str, list[_Line]]:
    """The data lines of each section, comments and blank lines dropped."""
    file = path.name
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise InputError(file, f"missing instance file: expected {path}") from None
    except OSError as error:
        raise InputError(file, f"cannot read the file: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise InputError(file, f"expected UTF-8 text: {error.reason}") from None
    sections: dict[str, list[_Line]] = {}
    current: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            if line not in SECTIONS:
                message = f"unknown section {line!r}; expected one of {', '.join(SECTIONS)}"
                raise InputError(file, message, number)
            if line in sections:
                raise InputError(file, f"expected each section once, got {line} again", number)
            current = line
            sections[current] = []
            continue
        if current is None:
            raise InputError(file, f"expected a SECTION_ line first, got {line!r}", number)
        fields = tuple(field.strip() for field in line.split(","))
        sections[current].append(_Line(file, number, fields))
    for name in SECTIONS[:3] + SECTIONS[-1:]:
        if name not in sections:
            raise InputError(file, f"missing section {name}")
    return sections


def _horizon_days(lines: list[_Line], file: str) -> int:
    if len(lines) != 1 or len(lines[0].fields) != 1:
        where = lines[0].number if lines else None
        raise InputError(file, "expected one line with the number of days", where)
    return lines[0].integer(0, "days", 1, MAX_HORIZON_DAYS)


def _shifts(lines: list[_Line]) -> tuple[ShiftTemplate, ...]:
    """Templates starting at 00:00 with the instance's lengths and forbidden successions."""
    rows: dict[str, _Line] = {}
    numbers: dict[str, int] = {}
    lengths: dict[str, int] = {}
    after: dict[str, frozenset[str]] = {}
    for line in lines:
        # A shift that anything may follow ends in an empty field: "D,480,".
        if len(line.fields) == 2:
            line = _Line(line.file, line.number, (*line.fields, ""))
        line.expect(("ShiftID", "LengthInMinutes", "ShiftsWhichCannotFollow"))
        shift_id = _new_id(line, numbers, "a shift id", "ShiftID")
        rows[shift_id] = line
        numbers[shift_id] = line.number
        lengths[shift_id] = line.integer(1, "LengthInMinutes", 1, MINUTES_PER_DAY)
        after[shift_id] = frozenset(s.strip() for s in line.fields[2].split("|") if s.strip())
    for shift_id, banned in after.items():
        for other in sorted(banned - set(rows)):
            message = f"expected shift ids of SECTION_SHIFTS, got {other!r}"
            raise rows[shift_id].error(message, "ShiftsWhichCannotFollow")
    return tuple(
        ShiftTemplate(
            shift_id, 0, lengths[shift_id] % MINUTES_PER_DAY, not_followed_by=after[shift_id]
        )
        for shift_id in rows
    )


def _new_id(line: _Line, seen: dict[str, int], what: str, column: str) -> str:
    """The line's first field, which must be non-empty and not among ``seen`` (id -> line);
    ``what`` names it with its article ("a shift id")."""
    value = line.fields[0]
    if not value:
        raise line.error(f"expected {what}, got an empty field", column)
    if value in seen:
        noun = what.split(" ", 1)[1]
        message = f"expected a unique {noun}, got {value!r} again (line {seen[value]})"
        raise line.error(message, column)
    return value


def _staff(lines: list[_Line], shift_ids: set[str]) -> tuple[Employee, ...]:
    """People with their own limits as rule values."""
    seen: dict[str, int] = {}
    people = []
    for line in lines:
        line.expect(STAFF_FIELDS)
        employee_id = _new_id(line, seen, "an employee id", "ID")
        seen[employee_id] = line.number
        limits = _max_shifts(line, shift_ids)
        high = line.integer(2, "MaxTotalMinutes")
        low = line.integer(3, "MinTotalMinutes")
        if low > high:
            message = f"expected MinTotalMinutes <= MaxTotalMinutes = {high}, got {low}"
            raise line.error(message, "MinTotalMinutes")
        changes: dict[str, Any] = {
            "max_shifts": limits,
            "max_total_minutes": high,
            "min_total_minutes": low,
            "max_consecutive_days": line.integer(4, "MaxConsecutiveShifts", 1),
            "min_consecutive_days": line.integer(5, "MinConsecutiveShifts", 1),
            "min_days_off": line.integer(6, "MinConsecutiveDaysOff", 1),
            "max_weekends": line.integer(7, "MaxWeekends"),
        }
        people.append(
            Employee(
                employee_id,
                employee_id,
                max_minutes=WEEKLY_CAP_MINUTES,
                rule_changes=tuple(sorted(changes.items())),
            )
        )
    return tuple(people)


def _max_shifts(line: _Line, shift_ids: set[str]) -> tuple[tuple[str, int], ...]:
    """The MaxShifts field: ``SHIFT=N`` items separated by ``|``."""
    limits: dict[str, int] = {}
    for item in (part.strip() for part in line.fields[1].split("|")):
        if not item:
            continue
        key, equals, number = (part.strip() for part in item.partition("="))
        if not equals or not number.isdigit():
            raise line.error(
                f"expected SHIFT=N items such as 'D=14|N=3', got {item!r}", "MaxShifts"
            )
        if key not in shift_ids:
            raise line.error(f"expected shift ids of SECTION_SHIFTS, got {key!r}", "MaxShifts")
        limits[key] = int(number)
    return tuple(sorted(limits.items()))


def _days_off(lines: list[_Line], days: int, people: set[str]) -> Iterator[AvailabilitySpan]:
    """Whole-day unavailable spans."""
    for line in lines:
        line.expect(("EmployeeID", "DayIndexes"), at_least=True)
        employee_id = _person(line, people)
        for index in range(1, len(line.fields)):
            if not line.fields[index]:
                continue
            day = line.integer(index, "DayIndexes", 0, days - 1)
            yield AvailabilitySpan(
                employee_id,
                day * MINUTES_PER_DAY,
                (day + 1) * MINUTES_PER_DAY,
                AvailabilityKind.UNAVAILABLE,
            )


def _person(line: _Line, people: set[str]) -> str:
    employee_id = line.fields[0]
    if employee_id not in people:
        raise line.error(f"expected an id of SECTION_STAFF, got {employee_id!r}", "EmployeeID")
    return employee_id


def _shift(line: _Line, index: int, shift_ids: set[str]) -> str:
    shift_id = line.fields[index]
    if shift_id not in shift_ids:
        raise line.error(f"expected a shift id of SECTION_SHIFTS, got {shift_id!r}", "ShiftID")
    return shift_id


def _requests(
    lines: list[_Line], kind: AvailabilityKind, days: int, people: set[str], shift_ids: set[str]
) -> Iterator[ShiftRequest]:
    for line in lines:
        line.expect(REQUEST_FIELDS)
        employee_id = _person(line, people)
        day = line.integer(1, "Day", 0, days - 1)
        shift_id = _shift(line, 2, shift_ids)
        yield ShiftRequest(employee_id, day, shift_id, kind, line.integer(3, "Weight", 1))


def _cover(lines: list[_Line], days: int, shift_ids: set[str]) -> tuple[ShiftDemand, ...]:
    seen: dict[tuple[int, str], int] = {}
    result = []
    for line in lines:
        line.expect(COVER_FIELDS)
        day = line.integer(0, "Day", 0, days - 1)
        shift_id = _shift(line, 1, shift_ids)
        if (day, shift_id) in seen:
            message = (
                f"expected one cover line per day and shift (first on line {seen[day, shift_id]})"
            )
            raise line.error(message, "ShiftID")
        seen[day, shift_id] = line.number
        result.append(
            ShiftDemand(
                day,
                shift_id,
                line.integer(2, "Requirement"),
                line.integer(3, "WeightForUnder"),
                line.integer(4, "WeightForOver"),
            )
        )
    return tuple(result)


CURTOIS_RULES = Rules(min_rest_minutes=0, weekly_rest_minutes=0)
"""No intraday rule: each person's limits come from their own rule values."""
CURTOIS_WEIGHTS = Weights(shortfall=1, contract=0, preference=1, surplus=0, fairness=0)
"""Only the cover lines' own weights and the request weights count."""


def read_curtois(path: str | Path) -> Scenario:
    """Read a Curtois & Qu instance file.

    Parameters
    ----------
    path
        The instance, e.g. ``Instance1.txt``.

    Returns
    -------
    Scenario
        Named by the file's stem; solving it minimises the benchmark's objective.

    Raises
    ------
    InputError
        For the first problem found, naming the file, line and field.
    """
    file = Path(path)
    sections = _sections(file)
    days = _horizon_days(sections["SECTION_HORIZON"], file.name)
    shifts = _shifts(sections["SECTION_SHIFTS"])
    shift_ids = {s.shift_id for s in shifts}
    people = _staff(sections["SECTION_STAFF"], shift_ids)
    ids = {p.employee_id for p in people}
    requests = [
        *_requests(
            sections.get("SECTION_SHIFT_ON_REQUESTS", []),
            AvailabilityKind.PREFER,
            days,
            ids,
            shift_ids,
        ),
        *_requests(
            sections.get("SECTION_SHIFT_OFF_REQUESTS", []),
            AvailabilityKind.AVOID,
            days,
            ids,
            shift_ids,
        ),
    ]
    return Scenario(
        horizon=Horizon(START, days=days, interval_minutes=60),
        employees=people,
        shifts=shifts,
        availability=tuple(_days_off(sections.get("SECTION_DAYS_OFF", []), days, ids)),
        rules=CURTOIS_RULES,
        weights=CURTOIS_WEIGHTS,
        name=file.stem,
        shift_demand=_cover(sections["SECTION_COVER"], days, shift_ids),
        shift_requests=tuple(requests),
    )
