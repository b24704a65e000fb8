"""Read a scenario folder (four CSV tables and ``scenario.toml``) into a :class:`Scenario`.

The folder holds ``staff.csv``, ``shifts.csv``, ``demand.csv``, an optional
``availability.csv`` and ``scenario.toml``. Every problem with the input is raised as one
:class:`~scheduler.errors.InputError` naming the file, the line (``row``; a CSV header is
line 1) and the column or TOML key, and saying what was expected and what was found.
Files are only read, never written. Unknown CSV columns are ignored; unknown TOML keys are
an error.
"""

from __future__ import annotations

import io
import math
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from scheduler.data import (
    INTERVAL_CHOICES,
    MINUTES_PER_DAY,
    WEEKDAYS,
    AvailabilityKind,
    AvailabilitySpan,
    BreakRule,
    DemandSpan,
    Employee,
    Horizon,
    Office,
    Rules,
    Scenario,
    ShiftTemplate,
    Weights,
)
from scheduler.errors import InputError

__all__ = [
    "AVAILABILITY_FILE",
    "DEMAND_FILE",
    "POLICY_FILE",
    "SHIFTS_FILE",
    "STAFF_FILE",
    "parse_hhmm",
    "read_scenario",
]

STAFF_FILE = "staff.csv"
SHIFTS_FILE = "shifts.csv"
DEMAND_FILE = "demand.csv"
AVAILABILITY_FILE = "availability.csv"
POLICY_FILE = "scenario.toml"

MAX_WEEKLY_HOURS = 7 * 24
"""Weekly hours above this cannot be meant and are rejected."""

_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_TOML_WHERE = re.compile(r"\s*\((?:at line (\d+), column (\d+)|at end of document)\)$")
_PANDAS_WHERE = re.compile(r"\b(line|row) (\d+)")

_E = TypeVar("_E", bound=StrEnum)


def parse_hhmm(text: str, file: str, row: int, column: str) -> int:
    """Minutes after midnight of a time written ``H:MM``, ``HH:MM`` or ``HH:MM:00``.

    Parameters
    ----------
    text
        The cell's text; surrounding whitespace is ignored.
    file, row, column
        Where the text came from, for the error.

    Returns
    -------
    int
        Minutes in ``0..1439``.

    Raises
    ------
    InputError
        For anything else, including ``24:00`` (midnight is written ``00:00``).
    """
    match = _TIME.fullmatch(text.strip())
    if match is None:
        raise InputError(file, f"expected a time HH:MM, got {text!r}", row, column)
    hours, minutes, seconds = int(match[1]), int(match[2]), int(match[3] or 0)
    if hours > 23 or minutes > 59 or seconds > 59:
        hint = " (write midnight as 00:00)" if hours == 24 else ""
        message = f"expected a time from 00:00 to 23:59, got {text!r}{hint}"
        raise InputError(file, message, row, column)
    if seconds:
        raise InputError(file, f"expected whole minutes (seconds 00), got {text!r}", row, column)
    return hours * 60 + minutes


def _span_minutes(start: int, end: int) -> int:
    """Length of a time-of-day span; an end at or before the start means the next day."""
    return (end - start) % MINUTES_PER_DAY or MINUTES_PER_DAY


def _minutes_from_hours(hours: Fraction) -> int | None:
    """Whole minutes in ``hours``, or None when it is not a whole number of minutes."""
    minutes = hours * 60
    return int(minutes) if minutes.denominator == 1 else None


# --------------------------------------------------------------------------------------------
# CSV tables


@dataclass(frozen=True)
class _Cells:
    """One CSV data row: its file, line number and stripped cells by column name.

    Parse methods require a non-blank cell; callers test :meth:`blank` for optional cells.
    """

    file: str
    row: int
    cells: Mapping[str, str]

    def error(self, column: str, message: str) -> InputError:
        """An InputError at this row and ``column``."""
        return InputError(self.file, message, self.row, column)

    def text(self, column: str) -> str:
        """The cell's stripped text ("" when blank or the column is absent)."""
        return self.cells.get(column, "")

    def blank(self, column: str) -> bool:
        """Whether the cell is empty (or the column absent)."""
        return not self.text(column)

    def required(self, column: str, what: str = "a value") -> str:
        """The cell's text, which must not be blank."""
        value = self.text(column)
        if not value:
            raise self.error(column, f"expected {what}, got an empty cell")
        return value

    def integer(self, column: str, low: int, high: int | None = None) -> int:
        """A whole number in ``low..high``."""
        bounds = f">= {low}" if high is None else f"from {low} to {high}"
        text = self.required(column, f"a whole number {bounds}")
        if _INTEGER.fullmatch(text) is None:
            raise self.error(column, f"expected a whole number {bounds}, got {text!r}")
        value = int(text)
        if value < low or (high is not None and value > high):
            raise self.error(column, f"expected a whole number {bounds}, got {text!r}")
        return value

    def hours(self, column: str) -> int:
        """Weekly hours (``0..168``, may be fractional) as whole minutes."""
        text = self.required(column, "a number of hours")
        if _DECIMAL.fullmatch(text) is None:
            raise self.error(column, f"expected a number of hours, got {text!r}")
        value = Fraction(text)
        if not 0 <= value <= MAX_WEEKLY_HOURS:
            expected = f"a number of hours from 0 to {MAX_WEEKLY_HOURS}"
            raise self.error(column, f"expected {expected}, got {text!r}")
        minutes = _minutes_from_hours(value)
        if minutes is None:
            raise self.error(column, f"expected a whole number of minutes, got {text!r} hours")
        return minutes

    def time(self, column: str, grid: int | None = None) -> int:
        """A time of day in minutes, on the ``grid``-minute interval grid when given."""
        text = self.required(column, "a time HH:MM")
        minutes = parse_hhmm(text, self.file, self.row, column)
        if grid is not None and minutes % grid:
            message = (
                f"expected a time on a multiple of {grid} minutes, got {text!r}, "
                f"which is off the {grid}-minute interval grid"
            )
            raise self.error(column, message)
        return minutes

    def day(self, column: str) -> date:
        """A calendar date written ``YYYY-MM-DD``."""
        text = self.required(column, "a date YYYY-MM-DD")
        if _DATE.fullmatch(text) is None:
            raise self.error(column, f"expected a date YYYY-MM-DD, got {text!r}")
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise self.error(column, f"expected a valid date YYYY-MM-DD, got {text!r}") from None

    def choice(self, column: str, kind: type[_E]) -> _E:
        """One of an enumeration's values, case-insensitive."""
        allowed = " | ".join(member.value for member in kind)
        text = self.required(column, f"one of {allowed}")
        try:
            return kind(text.lower())
        except ValueError:
            raise self.error(column, f"expected one of {allowed}, got {text!r}") from None

    def weekday(self, column: str, text: str | None = None) -> int:
        """A weekday name ``mon``..``sun`` (case-insensitive) as 0 = Monday."""
        word = self.required(column, "a weekday") if text is None else text
        if word.lower() not in WEEKDAYS:
            allowed = ", ".join(WEEKDAYS)
            raise self.error(column, f"unknown weekday {word!r}; expected one of {allowed}")
        return WEEKDAYS.index(word.lower())

    def weekdays(self, column: str) -> frozenset[int]:
        """A ``;``-separated weekday list; blank means every day."""
        words = [word.strip() for word in self.text(column).split(";") if word.strip()]
        if not words:
            return frozenset(range(7))
        return frozenset(self.weekday(column, word) for word in words)


@dataclass(frozen=True)
class _Table:
    """A CSV file's (normalised) column names and its non-blank data rows."""

    columns: tuple[str, ...]
    rows: tuple[_Cells, ...]


def _read_text(path: Path) -> str:
    """A file's text (UTF-8, an optional byte-order mark dropped)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(path.name, f"missing required file: expected {path}") from None
    except OSError as error:
        raise InputError(path.name, f"cannot read the file: {error.strerror}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        message = f"expected UTF-8 text, got the byte {raw[error.start]:#04x}"
        raise InputError(path.name, message, line) from None


def _read_table(path: Path, required: Sequence[str]) -> _Table:
    """Read a CSV file whose header is line 1, requiring some columns.

    Header names are stripped and lower-cased; blank header names and unknown columns are
    kept but never used. Blank lines are skipped.
    """
    file = path.name
    text = _read_text(path)
    if not text.strip():
        raise InputError(file, "expected a header row, got an empty file", 1)
    if not text.splitlines()[0].strip():
        raise InputError(file, "expected a header row on line 1, got a blank line", 1)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        found = _PANDAS_WHERE.search(str(error))
        line = None if found is None else int(found[2]) + (found[1] == "row")
        detail = str(error).removeprefix("Error tokenizing data. C error: ").strip()
        raise InputError(file, f"expected a well-formed CSV table: {detail}", line) from None
    table = frame.fillna("").map(lambda cell: str(cell).strip()).values.tolist()
    columns = tuple(name.lower() for name in table[0])
    seen: set[str] = set()
    for name in columns:
        if name and name in seen:
            raise InputError(file, f"expected unique column names, got {name!r} twice", 1, name)
        seen.add(name)
    for name in required:
        if name not in seen:
            found_names = ", ".join(c for c in columns if c) or "none"
            message = f"missing required column {name!r}; found columns: {found_names}"
            raise InputError(file, message, 1, name)
    rows = []
    for index, values in enumerate(table[1:], start=2):
        if not any(values):
            continue
        for name, value in zip(columns, values, strict=True):
            if "\n" in value or "\r" in value:
                message = f"expected a single-line cell, got a line break in {value!r}"
                raise InputError(file, message, index, name or None)
        cells = {name: value for name, value in zip(columns, values, strict=True) if name}
        rows.append(_Cells(file, index, cells))
    return _Table(columns, tuple(rows))


def _read_staff(path: Path) -> tuple[Employee, ...]:
    """Employees from ``staff.csv``."""
    table = _read_table(path, ("employee_id", "name", "office", "skills", "contract_hours"))
    table_rows: dict[str, int] = {}
    employees = []
    for cells in table.rows:
        employee_id = cells.required("employee_id", "an employee id")
        if employee_id in table_rows:
            first = table_rows[employee_id]
            message = (
                f"expected a unique employee_id, got {employee_id!r} again (first on row {first})"
            )
            raise cells.error("employee_id", message)
        table_rows[employee_id] = cells.row
        office = cells.choice("office", Office)
        skills = frozenset(s.strip() for s in cells.text("skills").split(";") if s.strip())
        contract = cells.hours("contract_hours")
        minimum = 0 if cells.blank("min_hours") else cells.hours("min_hours")
        maximum = None if cells.blank("max_hours") else cells.hours("max_hours")
        max_days = None if cells.blank("max_days") else cells.integer("max_days", 0, 7)
        ceiling = "contract_hours" if maximum is None else "max_hours"
        if minimum > (contract if maximum is None else maximum):
            message = (
                f"expected min_hours <= {ceiling} = {cells.text(ceiling)}, "
                f"got {cells.text('min_hours')!r}"
            )
            raise cells.error("min_hours", message)
        employees.append(
            Employee(
                employee_id=employee_id,
                name=cells.text("name") or employee_id,
                office=office,
                skills=skills,
                contract_minutes=contract,
                min_minutes=minimum,
                max_minutes=maximum,
                max_days=max_days,
            )
        )
    return tuple(employees)


def _read_shifts(path: Path, horizon: Horizon) -> tuple[ShiftTemplate, ...]:
    """Shift templates from ``shifts.csv``; start == end means a 24-hour shift."""
    table = _read_table(path, ("shift_id", "start", "end"))
    table_rows: dict[str, int] = {}
    shifts = []
    grid = horizon.interval_minutes
    for cells in table.rows:
        shift_id = cells.required("shift_id", "a shift id")
        if shift_id in table_rows:
            first = table_rows[shift_id]
            message = f"expected a unique shift_id, got {shift_id!r} again (first on row {first})"
            raise cells.error("shift_id", message)
        table_rows[shift_id] = cells.row
        start = cells.time("start", grid)
        end = cells.time("end", grid)
        shifts.append(ShiftTemplate(shift_id, start, end, cells.weekdays("weekdays")))
    return tuple(shifts)


@dataclass(frozen=True)
class _DemandRow:
    """A parsed demand row: either a horizon day (date row) or a weekday (weekday row)."""

    day: int | None
    weekday: int | None
    start: int
    end: int
    required: int
    skill: str | None

    def span_on(self, day: int) -> DemandSpan:
        """The row as a demand span on horizon day ``day``."""
        begin = day * MINUTES_PER_DAY + self.start
        return DemandSpan(
            begin, begin + _span_minutes(self.start, self.end), self.required, self.skill
        )


def _read_demand(path: Path, horizon: Horizon) -> tuple[DemandSpan, ...]:
    """Demand spans from ``demand.csv``, resolved to horizon minutes.

    A date row applies to its date; a weekday row applies to every horizon day of that weekday
    without any date row. Spans are ordered by day, then by file order.
    """
    table = _read_table(path, ("start", "end", "required"))
    keys = tuple(c for c in ("date", "weekday") if c in table.columns)
    if not keys:
        message = "missing required column: expected a 'date' or a 'weekday' column (or both)"
        raise InputError(path.name, message, 1, "date")
    either = "/".join(keys)
    rows = []
    for cells in table.rows:
        filled = [key for key in keys if not cells.blank(key)]
        if len(filled) != 1:
            found = "both" if filled else "neither"
            message = f"expected exactly one of date and weekday filled in, got {found}"
            raise cells.error(either, message)
        day = weekday = None
        if filled == ["date"]:
            when = cells.day("date")
            day = horizon.day_of(when)
            if day is None:
                last = horizon.date_of(horizon.days - 1)
                message = f"date {when} lies outside the horizon {horizon.start}..{last}"
                raise cells.error("date", message)
        else:
            weekday = cells.weekday("weekday")
        grid = horizon.interval_minutes
        start, end = cells.time("start", grid), cells.time("end", grid)
        required = cells.integer("required", 0)
        skill = cells.text("skill") or None
        rows.append(_DemandRow(day, weekday, start, end, required, skill))
    dated = {row.day for row in rows if row.day is not None}
    spans = []
    for day in range(horizon.days):
        if day in dated:
            spans += [row.span_on(day) for row in rows if row.day == day]
        else:
            weekday = horizon.weekday_of(day)
            spans += [row.span_on(day) for row in rows if row.weekday == weekday]
    return tuple(spans)


def _read_availability(
    path: Path, horizon: Horizon, employee_ids: set[str]
) -> tuple[AvailabilitySpan, ...]:
    """Availability spans from ``availability.csv`` (an optional file).

    Rows dated outside the horizon are checked for well-formed cells and then dropped; the
    employee must be known only for rows that are kept.
    """
    if not path.exists():
        return ()
    table = _read_table(path, ("employee_id", "date", "kind"))
    for column, other in (("start", "end"), ("end", "start")):
        if other in table.columns and column not in table.columns:
            message = f"missing column {column!r}: expected both start and end columns, or neither"
            raise InputError(path.name, message, 1, column)
    spans = []
    for cells in table.rows:
        employee_id = cells.required("employee_id", "an employee id")
        day = horizon.day_of(cells.day("date"))
        if cells.blank("start") and cells.blank("end"):
            start, length = 0, MINUTES_PER_DAY
        else:
            for column in ("start", "end"):
                cells.required(column, "a time HH:MM (or both start and end blank)")
            start, end = cells.time("start"), cells.time("end")
            if start == end:
                message = (
                    f"expected a span of some length, got start = end = {cells.text('end')!r} "
                    "(leave both blank for the whole day)"
                )
                raise cells.error("end", message)
            length = _span_minutes(start, end)
        kind = cells.choice("kind", AvailabilityKind)
        weight = 1 if cells.blank("weight") else cells.integer("weight", 1)
        if day is None:
            continue
        if employee_id not in employee_ids:
            raise cells.error("employee_id", f"unknown employee {employee_id!r}")
        begin = day * MINUTES_PER_DAY + start
        spans.append(AvailabilitySpan(employee_id, begin, begin + length, kind, weight))
    return tuple(spans)


# --------------------------------------------------------------------------------------------
# scenario.toml


def _describe(value: Any) -> str:
    """A TOML value's type and value, for an error message."""
    if isinstance(value, bool):
        return f"a boolean {str(value).lower()}"
    if isinstance(value, int):
        return f"an integer {value}"
    if isinstance(value, float):
        return f"a float {value}"
    if isinstance(value, str):
        return f"a string {value!r}"
    if isinstance(value, datetime):
        return f"a date-time {value.isoformat()}"
    if isinstance(value, date | time):
        return f"a {type(value).__name__} {value.isoformat()}"
    if isinstance(value, dict):
        return "a table"
    return "an array"


@dataclass(frozen=True)
class _Keys:
    """One TOML table: its file, dotted key prefix and values.

    Typed getters return ``default`` for a missing key; a missing key without a default is an
    error.
    """

    file: str
    prefix: str
    values: Mapping[str, Any]

    def key(self, name: str) -> str:
        """The dotted path of ``name``."""
        return f"{self.prefix}.{name}" if self.prefix else name

    def error(self, name: str, message: str) -> InputError:
        """An InputError at key ``name``."""
        return InputError(self.file, message, column=self.key(name))

    def only(self, allowed: Sequence[str]) -> None:
        """Reject keys other than ``allowed``."""
        for name in self.values:
            if name not in allowed:
                message = f"unknown key {name!r}; expected one of {', '.join(allowed)}"
                raise self.error(name, message)

    def get(self, name: str, expected: str, default: Any) -> Any:
        """The raw value, ``default`` when missing; an error when missing without default."""
        if name in self.values:
            return self.values[name]
        if default is None:
            raise self.error(name, f"missing required key: expected {expected}")
        return default

    def table(self, name: str) -> _Keys:
        """A sub-table (empty when missing)."""
        value = self.get(name, "a table", {})
        if not isinstance(value, dict):
            raise self.error(name, f"expected a table [{self.key(name)}], got {_describe(value)}")
        return _Keys(self.file, self.key(name), value)

    def integer(
        self, name: str, default: int | None = None, low: int = 0, high: int | None = None
    ) -> int:
        """An integer in ``low..high``."""
        bounds = f">= {low}" if high is None else f"from {low} to {high}"
        value = self.get(name, f"an integer {bounds}", default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(name, f"expected an integer {bounds}, got {_describe(value)}")
        if value < low or (high is not None and value > high):
            raise self.error(name, f"expected an integer {bounds}, got {value}")
        return value

    def number(self, name: str, default: Fraction | None = None) -> Fraction:
        """A finite integer or float, exactly as written."""
        value = self.get(name, "a number", default)
        if isinstance(value, Fraction):
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(name, f"expected a number, got {_describe(value)}")
        if not math.isfinite(value):
            raise self.error(name, f"expected a finite number, got {value}")
        return Fraction(str(value))

    def hours(self, name: str, default_minutes: int) -> int:
        """Hours >= 0 (may be fractional) as whole minutes."""
        value = self.number(name, Fraction(default_minutes, 60))
        minutes = _minutes_from_hours(value)
        if value < 0 or minutes is None:
            raise self.error(name, f"expected hours >= 0 in whole minutes, got {float(value)}")
        return minutes

    def boolean(self, name: str, default: bool) -> bool:
        """A boolean."""
        value = self.values.get(name, default)
        if not isinstance(value, bool):
            raise self.error(name, f"expected a boolean true or false, got {_describe(value)}")
        return value

    def string(self, name: str, default: str | None = None) -> str:
        """A non-empty string."""
        value = self.get(name, "a string", default)
        if not isinstance(value, str) or not value.strip():
            raise self.error(name, f"expected a non-empty string, got {_describe(value)}")
        return value.strip()


@dataclass(frozen=True)
class _Policy:
    """What ``scenario.toml`` says."""

    horizon: Horizon
    rules: Rules
    breaks: tuple[BreakRule, ...]
    weights: Weights
    name: str | None


_TOP_KEYS = ("name", "horizon", "rules", "breaks", "weights")
_HORIZON_KEYS = ("start", "days", "interval_minutes", "timezone")
_RULES_KEYS = ("min_rest_hours", "weekly_rest_hours", "max_consecutive_days", "max_on_break")
_BREAK_KEYS = ("name", "minutes", "earliest", "latest", "min_shift_minutes", "paid")
_WEIGHT_KEYS = ("shortfall", "contract", "preference", "surplus")


def _load_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file, turning syntax errors into InputError with the line."""
    text = _read_text(path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = _TOML_WHERE.search(message)
        line = None
        if found is not None:
            message = message[: found.start()]
            line = int(found[1]) if found[1] else max(1, len(text.splitlines()))
        raise InputError(path.name, f"expected valid TOML: {message}", line) from None


def _read_horizon(keys: _Keys) -> Horizon:
    """The ``[horizon]`` table."""
    keys.only(_HORIZON_KEYS)
    expected = "the first day as a date, e.g. start = 2026-12-07"
    start = keys.get("start", expected, None)
    if isinstance(start, str) and _DATE.fullmatch(start.strip()):
        try:
            start = date.fromisoformat(start.strip())
        except ValueError:
            raise keys.error("start", f"expected a valid date, got {start!r}") from None
    if isinstance(start, datetime) or not isinstance(start, date):
        raise keys.error("start", f"expected a date YYYY-MM-DD, got {_describe(start)}")
    days = keys.integer("days", 7, 1, 56)
    interval = keys.integer("interval_minutes", 15, 1)
    if interval not in INTERVAL_CHOICES:
        choices = ", ".join(map(str, INTERVAL_CHOICES))
        raise keys.error("interval_minutes", f"expected one of {choices}, got {interval}")
    timezone = None
    if "timezone" in keys.values:
        timezone = keys.string("timezone")
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            message = f"expected an IANA time zone such as 'Europe/Berlin', got {timezone!r}"
            raise keys.error("timezone", message) from None
    return Horizon(start, days, interval, timezone)


def _read_rules(keys: _Keys) -> Rules:
    """The ``[rules]`` table."""
    keys.only(_RULES_KEYS)
    defaults = Rules()
    share = None
    if "max_on_break" in keys.values:
        value = keys.number("max_on_break")
        share = value.limit_denominator(1000)
        if not 0 < value <= 1 or share == 0:
            message = f"expected a share with 0 < share <= 1, got {float(value)}"
            raise keys.error("max_on_break", message)
    return Rules(
        min_rest_minutes=keys.hours("min_rest_hours", defaults.min_rest_minutes),
        weekly_rest_minutes=keys.hours("weekly_rest_hours", defaults.weekly_rest_minutes),
        max_consecutive_days=keys.integer("max_consecutive_days", defaults.max_consecutive_days, 1),
        max_on_break=share,
    )


def _read_breaks(keys: _Keys, horizon: Horizon) -> tuple[BreakRule, ...]:
    """The ``[[breaks]]`` array of tables; ``breaks[1]`` is the first."""
    value = keys.get("breaks", "an array of tables", [])
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        message = f"expected an array of tables [[breaks]], got {_describe(value)}"
        raise keys.error("breaks", message)
    grid = horizon.interval_minutes
    names: dict[str, str] = {}
    rules = []
    for number, item in enumerate(value, start=1):
        table = _Keys(keys.file, f"breaks[{number}]", item)
        table.only(_BREAK_KEYS)
        name = table.string("name")
        if name in names:
            raise table.error("name", f"expected a unique name, got {name!r} (also {names[name]})")
        names[name] = table.prefix
        minutes = table.integer("minutes", None, 1)
        if minutes % grid:
            message = f"expected a multiple of interval_minutes = {grid}, got {minutes}"
            raise table.error("minutes", message)
        earliest = table.integer("earliest")
        latest = table.integer("latest")
        if latest < earliest:
            raise table.error("latest", f"expected latest >= earliest = {earliest}, got {latest}")
        rules.append(
            BreakRule(
                name=name,
                minutes=minutes,
                earliest=earliest,
                latest=latest,
                min_shift_minutes=table.integer("min_shift_minutes", 0),
                paid=table.boolean("paid", True),
            )
        )
    return tuple(rules)


def _read_weights(keys: _Keys) -> Weights:
    """The ``[weights]`` table; shortfall must outweigh every other weight."""
    keys.only(_WEIGHT_KEYS)
    defaults = Weights()
    weights = Weights(
        **{name: keys.integer(name, getattr(defaults, name)) for name in _WEIGHT_KEYS}
    )
    for name in _WEIGHT_KEYS[1:]:
        other = getattr(weights, name)
        if weights.shortfall <= other:
            message = (
                f"shortfall must dominate: expected shortfall > {name} = {other}, "
                f"got {weights.shortfall}"
            )
            raise keys.error("shortfall", message)
    return weights


def _read_policy(path: Path) -> _Policy:
    """Horizon, rules, breaks, weights and name from ``scenario.toml``."""
    top = _Keys(path.name, "", _load_toml(path))
    top.only(_TOP_KEYS)
    if "horizon" not in top.values:
        raise top.error("horizon.start", "missing required key: expected a [horizon] start date")
    horizon = _read_horizon(top.table("horizon"))
    return _Policy(
        horizon=horizon,
        rules=_read_rules(top.table("rules")),
        breaks=_read_breaks(top, horizon),
        weights=_read_weights(top.table("weights")),
        name=top.string("name") if "name" in top.values else None,
    )


# --------------------------------------------------------------------------------------------


def read_scenario(path: str | Path) -> Scenario:
    """Read a scenario folder.

    Parameters
    ----------
    path
        The folder holding ``scenario.toml``, ``staff.csv``, ``shifts.csv``, ``demand.csv``
        and optionally ``availability.csv``.

    Returns
    -------
    Scenario
        Named by ``name`` in ``scenario.toml``, else by the folder's name.

    Raises
    ------
    InputError
        For the first problem found, naming the file, row and column or key.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise InputError(folder.name or str(folder), f"expected a scenario folder at {folder}")
    policy = _read_policy(folder / POLICY_FILE)
    employees = _read_staff(folder / STAFF_FILE)
    known = {employee.employee_id for employee in employees}
    return Scenario(
        horizon=policy.horizon,
        employees=employees,
        shifts=_read_shifts(folder / SHIFTS_FILE, policy.horizon),
        demand=_read_demand(folder / DEMAND_FILE, policy.horizon),
        breaks=policy.breaks,
        availability=_read_availability(folder / AVAILABILITY_FILE, policy.horizon, known),
        rules=policy.rules,
        weights=policy.weights,
        name=policy.name or folder.resolve().name,
    )
