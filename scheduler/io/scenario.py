"""Read a scenario folder (four CSV tables and ``scenario.toml``) into a :class:`Scenario`.

The folder holds ``staff.csv``, ``shifts.csv``, ``demand.csv``, an optional
``availability.csv`` and ``scenario.toml`` (whose ``[back_office]`` table is optional). Every
problem with the input is raised as one :class:`~scheduler.errors.InputError` naming the
file, the line (``row``; a CSV header is line 1) and the column or TOML key, and saying what
was expected and what was found.
Files are only read, never written. Unknown CSV columns are ignored; unknown TOML keys are
an error. :func:`read_frames` puts DataFrames shaped like the CSV tables through the same checks.
"""

from __future__ import annotations

import difflib
import math
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from enum import StrEnum
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from scheduler.data import (
    INTERVAL_CHOICES,
    MINUTES_PER_DAY,
    START_YEARS,
    WEEKDAYS,
    WORKING_WEEKDAYS,
    Anchor,
    AvailabilityKind,
    AvailabilitySpan,
    BackOffice,
    BreakRule,
    Cover,
    DemandSpan,
    Employee,
    Horizon,
    Office,
    RuleOverride,
    Rules,
    Scenario,
    ShiftDemand,
    ShiftRequest,
    ShiftTemplate,
    Weights,
)
from scheduler.errors import InputError, InputWarning
from scheduler.io.roster import FLEX_ACTIVITY, SHIFT_ACTIVITY
from scheduler.io.tables import (
    excel_text,
    find_file,
    find_table,
    missing_table_error,
    read_raw_table,
    read_text,
    read_toml,
)

__all__ = [
    "AVAILABILITY_FILE",
    "DEMAND_FILE",
    "POLICY_FILE",
    "SHIFTS_FILE",
    "STAFF_FILE",
    "Policy",
    "parse_hhmm",
    "read_frames",
    "read_policy",
    "read_scenario",
]

STAFF_FILE = "staff.csv"
SHIFTS_FILE = "shifts.csv"
DEMAND_FILE = "demand.csv"
AVAILABILITY_FILE = "availability.csv"
POLICY_FILE = "scenario.toml"

MAX_WEEKLY_HOURS = 7 * 24
"""Weekly hours above this cannot be meant and are rejected."""
MAX_TOML_NUMBER = 1_000_000_000
"""Numbers in ``scenario.toml`` beyond this cannot be meant; they would overflow the solver."""
MAX_CELL_INTEGER = 1_000_000
"""Whole numbers in a table (people required, request weights) above this cannot be meant;
they would only overflow the solver's arithmetic."""
_EXCEL_ERRORS = frozenset(
    {"#N/A", "#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"}
)

_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?(?:\s*([AaPp])\.?[Mm]\.?)?")
_DECIMAL_COMMA = re.compile(r"[+-]?[0-9]*,[0-9]{1,2}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INTEGER = re.compile(r"([+-]?[0-9]+)(?:[.,]0*)?")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_HEADER_GAP = re.compile(r"[\s-]+")

_TRUE = ("true", "yes", "1")
_FALSE = ("false", "no", "0")
_PREFERENCES = (Office.FRONT, Office.BACK)
_BAND = "a band HH:MM-HH:MM such as '07:00-19:00'"

_E = TypeVar("_E", bound=StrEnum)


def parse_hhmm(text: str, file: str, row: int | None, column: str) -> int:
    """Minutes after midnight of a time written ``H:MM``, ``HH:MM`` or ``HH:MM:00``.

    A 12-hour time with ``AM``/``PM`` (``7:00 PM``, ``12:30 am``), as some spreadsheets
    export times, is read too.

    Parameters
    ----------
    text
        The cell's text; surrounding whitespace is ignored.
    file, row, column
        Where the text came from, for the error (``row`` None for a TOML key).

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
    if match[4]:
        if not 1 <= hours <= 12 or minutes > 59:
            message = f"expected a 12-hour time from 1:00 to 12:59 with AM or PM, got {text!r}"
            raise InputError(file, message, row, column)
        hours = hours % 12 + (12 if match[4].lower() == "p" else 0)
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


def _hours_text(minutes: int) -> str:
    """Minutes written as hours for a message: 720 -> "12", 450 -> "7.5"."""
    return f"{minutes / 60:g}"


def _hhmm(minutes: int) -> str:
    """Minutes of the day written ``HH:MM``."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _unknown_weekday(word: str) -> str:
    """The message for a word that is not a weekday name."""
    return f"unknown weekday {word!r}; expected one of {', '.join(WEEKDAYS)}"


def _weekday_words(text: str) -> list[str]:
    """The non-blank, stripped items of a ``;``-separated list."""
    return [word.strip() for word in text.split(";") if word.strip()]


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
    note: str = ""
    """Appended to every error of the row (why its cells may have shifted)."""

    def error(self, column: str, message: str) -> InputError:
        """An InputError at this row and ``column``; says so when the cell holds a formula."""
        text = self.text(column)
        if text.startswith("="):
            message += " (a formula: the table needs its value)"
        elif text.startswith("#") and text.upper() in _EXCEL_ERRORS:
            message += " (a spreadsheet error value: fix the formula that gave it)"
        return InputError(self.file, message + self.note, self.row, column)

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
        # A spreadsheet may write a whole number as "5.0" (or "5,0" with a decimal comma).
        match = _INTEGER.fullmatch(text)
        if match is None:
            raise self.error(column, f"expected a whole number {bounds}, got {text!r}")
        if len(match[1]) > len(str(MAX_CELL_INTEGER)) + 1 or int(match[1]) > MAX_CELL_INTEGER:
            message = f"expected a whole number of at most {MAX_CELL_INTEGER:,}, got {text!r}"
            raise self.error(column, message)
        value = int(match[1])
        if value < low or (high is not None and value > high):
            raise self.error(column, f"expected a whole number {bounds}, got {text!r}")
        return value

    def hours(self, column: str) -> int:
        """Weekly hours (``0..168``, may be fractional) as whole minutes."""
        text = self.required(column, "a number of hours")
        # A decimal comma ("37,5") is what spreadsheets write in many locales. Three digits
        # after it could be a thousands separator, so only one or two are read.
        number = text.replace(",", ".") if _DECIMAL_COMMA.fullmatch(text) else text
        # Far longer than any number of hours: would only make Fraction() slow or fail.
        if _DECIMAL.fullmatch(number) is None or len(number) > 40:
            raise self.error(column, f"expected a number of hours, got {text!r}")
        value = Fraction(number)
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
            raise self.error(column, _unknown_weekday(word))
        return WEEKDAYS.index(word.lower())

    def weekday_set(self, column: str) -> frozenset[int]:
        """A ``;``-separated weekday list; blank means no day."""
        return frozenset(self.weekday(column, word) for word in _weekday_words(self.text(column)))

    def weekdays(self, column: str) -> frozenset[int]:
        """A ``;``-separated weekday list; blank means every day."""
        return self.weekday_set(column) or frozenset(range(7))

    def boolean(self, column: str) -> bool:
        """``true``/``yes``/``1`` or ``false``/``no``/``0`` (any case); blank means false."""
        text = self.text(column)
        if text.lower() in _TRUE:
            return True
        if not text or text.lower() in _FALSE:
            return False
        raise self.error(column, f"expected true or false (or yes/no, 1/0), got {text!r}")


@dataclass(frozen=True)
class _Table:
    """A table's name (file or frame), (normalised) column names and non-blank data rows.

    ``file`` is the file actually read (``staff.xlsx`` when it stood in for ``staff.csv``) or
    the frame's name; ``header_row`` is the header's row for errors (None for a DataFrame).
    """

    file: str
    columns: tuple[str, ...]
    rows: tuple[_Cells, ...]
    header_row: int | None = 1


Source = Path | tuple[str, pd.DataFrame]
"""Where a table comes from: a CSV (or ``.xlsx``) file, or a named DataFrame (see
:func:`read_frames`)."""


def _read_text(path: Path) -> str:
    """A text file's contents (see :func:`scheduler.io.tables.read_text` for the encodings)."""
    return read_text(find_file(path) or path)


def _column_name(header: str) -> str:
    """A header cell as a column name: ``" Contract Hours "`` -> ``contract_hours``."""
    return _HEADER_GAP.sub("_", header.strip().strip("\ufeff").strip().lower())


def _table(source: Source, required: Sequence[str]) -> _Table:
    """The table of a CSV or ``.xlsx`` file or of a named DataFrame, requiring some columns."""
    if isinstance(source, Path):
        return _read_table(source, required)
    name, frame = source
    rows = [
        (number, [_cell_text(value) for value in values])
        for number, values in enumerate(frame.itertuples(index=False))
    ]
    # A frame has no header line: row N is frame.iloc[N], and header problems have no row.
    return _make_table(name, [str(column) for column in frame.columns], None, rows, required)


def _cell_text(value: Any) -> str:
    """A DataFrame cell as the text a CSV file would hold.

    Missing values are blank and a list or set of words is ``;``-separated; numbers, dates,
    times and booleans are written as an Excel cell's are (see
    :func:`scheduler.io.tables.excel_text`: a column with blanks is float, so whole floats lose
    their ``.0``).
    """
    if isinstance(value, list | tuple | set | frozenset):
        words = [_cell_text(item) for item in value]
        return ";".join(sorted(words) if isinstance(value, set | frozenset) else words)
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return ""
    if isinstance(value, np.bool_ | np.number):
        value = value.item()
    return excel_text(value)


def _read_table(path: Path, required: Sequence[str]) -> _Table:
    """Read a table whose header is its first row, requiring some columns.

    ``path`` names the CSV file; its ``.xlsx`` twin is read in its place (see
    :mod:`scheduler.io.tables` for the accepted forms). Row numbers are the file's lines (CSV)
    or the sheet's rows (Excel); the header and the rows are checked by :func:`_make_table`.
    """
    found = find_table(path)
    if found is None:
        raise missing_table_error(path)
    raw = read_raw_table(found)
    file = raw.file
    row_word = "line" if raw.separator is not None else "row"
    if not any(any(cell.strip() for cell in cells) for _, cells in raw.rows):
        raise InputError(file, "expected a header row, got an empty file", 1)
    header_row, header = raw.rows[0]
    if not any(cell.strip() for cell in header):
        message = f"expected a header row on {row_word} {header_row}, got a blank {row_word}"
        raise InputError(file, message, header_row)
    return _make_table(file, header, header_row, raw.rows[1:], required, raw.separator)


def _make_table(
    file: str,
    header: Sequence[str],
    header_row: int | None,
    rows: Iterable[tuple[int, Sequence[str]]],
    required: Sequence[str],
    separator: str | None = None,
) -> _Table:
    """Check a header and raw ``(row number, cells)`` rows of a file or a DataFrame.

    Header names are stripped, lower-cased and have inner spaces turned into ``_``; blank
    header names and unknown columns are kept but never used. Blank rows are skipped, short rows
    are padded with blank cells. ``separator`` is a CSV file's: a row with more cells than its
    header then means a cell holding the separator was not quoted.
    """
    columns = tuple(_column_name(name) for name in header)
    seen: set[str] = set()
    for name in columns:
        if name and name in seen:
            message = f"expected unique column names, got {name!r} twice"
            raise InputError(file, message, header_row, name)
        seen.add(name)
    for name in required:
        if name not in seen:
            found_names = ", ".join(repr(h.strip()) for h in header if h.strip()) or "none"
            message = f"missing required column {name!r}; found columns: {found_names}"
            raise InputError(file, message, header_row, name)
    table_rows = []
    width = len(columns)
    for row, raw_cells in rows:
        values = [cell.strip() for cell in raw_cells]
        if not any(values):
            continue
        note = ""
        if separator is not None and len(values) > width:
            sep = "tab" if separator == "\t" else repr(separator)
            quoting = f"a cell holding the separator {sep} must be in double quotes"
            if any(values[width:]):
                message = (
                    f"expected a well-formed CSV table: {width} cells as in the header, got "
                    f"{len(values)}; {quoting}"
                )
                raise InputError(file, message, row)
            note = f" (the row has {len(values)} cells, the header {width}: {quoting})"
        values = values[:width] + [""] * (width - len(values))
        for name, value in zip(columns, values, strict=True):
            if "\n" in value or "\r" in value:
                message = f"expected a single-line cell, got a line break in {value!r}"
                if separator is not None:
                    message += ' (a quoted cell runs on: is a closing " missing?)'
                raise InputError(file, message, row, name or None)
        cells = {name: value for name, value in zip(columns, values, strict=True) if name}
        table_rows.append(_Cells(file, row, cells, note))
    return _Table(file, columns, tuple(table_rows), header_row)


def _warn_of_misspelt_columns(table: _Table, known: Sequence[str]) -> None:
    """Warn of each unknown column whose name is close to a known one: a typo in an optional
    column's name (``remote_okay``) would otherwise leave its cells unread without a word.
    Other unknown columns (``notes``) are the planner's own and pass in silence."""
    for name in table.columns:
        if not name or name in known:
            continue
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
        if close:
            message = f"unknown column {name!r}, its cells are ignored; did you mean {close[0]!r}?"
            warnings.warn(InputWarning(table.file, message, name), stacklevel=3)


def _read_staff(source: Source, shifts: Sequence[ShiftTemplate] = ()) -> tuple[Employee, ...]:
    """Employees from ``staff.csv``; ``preferred_shifts`` name ids or tags of ``shifts``."""
    known_shifts = {s.shift_id for s in shifts} | {tag for s in shifts for tag in s.tags}
    table = _table(source, ("employee_id", "name", "office", "skills", "contract_hours"))
    _warn_of_misspelt_columns(table, (*STAFF_COLUMNS, *PERSON_RULE_COLUMNS))
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
        skills = _words(cells.text("skills"))
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
        remote_ok = cells.boolean("remote_ok")
        remote_days = cells.weekday_set("remote_days")
        if remote_days and not remote_ok:
            message = (
                "expected blank remote_days for a person without remote_ok, "
                f"got {cells.text('remote_days')!r}"
            )
            raise cells.error("remote_days", message)
        prefers = _read_preference(cells, office)
        preferred = _words(cells.text("preferred_shifts"))
        for word in sorted(preferred - known_shifts):
            message = f"expected shift ids or tags of shifts.csv, got {word!r}"
            raise cells.error("preferred_shifts", message)
        rule_changes = _person_rules(cells, known_shifts)
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
                remote_ok=remote_ok,
                team=cells.text("team") or None,
                remote_days=remote_days,
                prefers=prefers,
                group=cells.text("group") or None,
                preferred_shifts=preferred,
                rule_changes=rule_changes,
            )
        )
    return tuple(employees)


PERSON_RULE_COLUMNS = (
    "max_shifts",
    "min_total_hours",
    "max_total_hours",
    "min_consecutive_days",
    "max_consecutive_days",
    "min_days_off",
    "max_weekends",
)
"""Optional staff.csv columns that set a person's own value of a rule key (blank: the rule
book's)."""
STAFF_COLUMNS = (
    "employee_id",
    "name",
    "office",
    "skills",
    "contract_hours",
    "min_hours",
    "max_hours",
    "max_days",
    "remote_ok",
    "team",
    "remote_days",
    "prefers",
    "group",
    "preferred_shifts",
)
SHIFTS_COLUMNS = ("shift_id", "start", "end", "weekdays", "tags", "not_followed_by")
DEMAND_COLUMNS = (
    "date",
    "weekday",
    "start",
    "end",
    "required",
    "skill",
    "shift_id",
    "under_weight",
    "over_weight",
)
AVAILABILITY_COLUMNS = ("employee_id", "date", "start", "end", "kind", "weight", "shift_id")
"""The columns each table's reader knows (staff.csv also `PERSON_RULE_COLUMNS`); see
:func:`_warn_of_misspelt_columns` for others."""


def _person_rules(cells: _Cells, known_shifts: set[str]) -> tuple[tuple[str, Any], ...]:
    """The day-level rule values a staff row sets, as `Rules` field values."""
    changes: dict[str, Any] = {}
    if not cells.blank("max_shifts"):
        changes["max_shifts"] = _shift_limits(cells, known_shifts)
    for column in ("min_total_hours", "max_total_hours"):
        if not cells.blank(column):
            changes[column.replace("_hours", "_minutes")] = _total_minutes(cells, column)
    for column in ("min_consecutive_days", "max_consecutive_days", "min_days_off"):
        if not cells.blank(column):
            changes[column] = cells.integer(column, 1)
    if not cells.blank("max_weekends"):
        changes["max_weekends"] = cells.integer("max_weekends", 0)
    low, high = changes.get("min_total_minutes"), changes.get("max_total_minutes")
    if low is not None and high is not None and low > high:
        message = (
            f"expected min_total_hours <= max_total_hours = {cells.text('max_total_hours')}, "
            f"got {cells.text('min_total_hours')!r}"
        )
        raise cells.error("min_total_hours", message)
    return tuple(sorted(changes.items()))


def _total_minutes(cells: _Cells, column: str) -> int:
    """Hours over the horizon (>= 0, may be fractional) as whole minutes."""
    text = cells.required(column, "a number of hours")
    if _DECIMAL.fullmatch(text) is None or Fraction(text) < 0:
        raise cells.error(column, f"expected a number of hours >= 0, got {text!r}")
    minutes = _minutes_from_hours(Fraction(text))
    if minutes is None:
        raise cells.error(column, f"expected a whole number of minutes, got {text!r} hours")
    return minutes


def _shift_limits(cells: _Cells, known_shifts: set[str]) -> tuple[tuple[str, int], ...]:
    """A ``max_shifts`` cell: ``;``-separated ``SHIFT=N`` (shift id or tag, N >= 0)."""
    limits: dict[str, int] = {}
    for item in _weekday_words(cells.text("max_shifts")):
        key, equals, number = (part.strip() for part in item.partition("="))
        if not equals or not key or _INTEGER.fullmatch(number) is None or int(number) < 0:
            message = f"expected SHIFT=N items such as 'D=14;N=3' (N >= 0), got {item!r}"
            raise cells.error("max_shifts", message)
        if key not in known_shifts:
            raise cells.error(
                "max_shifts", f"expected shift ids or tags of shifts.csv, got {key!r}"
            )
        if key in limits:
            raise cells.error("max_shifts", f"expected each shift once, got {key!r} twice")
        limits[key] = int(number)
    return tuple(sorted(limits.items()))


def _words(text: str) -> frozenset[str]:
    """A ``;``-separated list of words, blanks dropped."""
    return frozenset(word.strip() for word in text.split(";") if word.strip())


def _read_preference(cells: _Cells, office: Office) -> Office | None:
    """The ``prefers`` cell: front, back or blank; only office ``both`` people may choose."""
    if cells.blank("prefers"):
        return None
    text = cells.text("prefers")
    values = [choice.value for choice in _PREFERENCES]
    if text.lower() not in values:
        allowed = " | ".join(values)
        raise cells.error("prefers", f"expected one of {allowed} or blank, got {text!r}")
    if office != Office.BOTH:
        message = (
            f"expected a blank prefers for office {office.value!r} (only office both "
            f"chooses), got {text!r}"
        )
        raise cells.error("prefers", message)
    return Office(text.lower())


def _read_shifts(source: Source, horizon: Horizon) -> tuple[ShiftTemplate, ...]:
    """Shift templates from ``shifts.csv``; start == end means a 24-hour shift."""
    table = _table(source, ("shift_id", "start", "end"))
    _warn_of_misspelt_columns(table, SHIFTS_COLUMNS)
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
        tags = _words(cells.text("tags"))
        after = _words(cells.text("not_followed_by"))
        shifts.append(ShiftTemplate(shift_id, start, end, cells.weekdays("weekdays"), tags, after))
    known = set(table_rows) | {tag for s in shifts for tag in s.tags}
    for cells, template in zip(table.rows, shifts, strict=True):
        for word in sorted(template.not_followed_by - known):
            message = f"expected shift ids or tags of shifts.csv, got {word!r}"
            raise cells.error("not_followed_by", message)
    return tuple(shifts)


@dataclass(frozen=True)
class _DemandRow:
    """A parsed demand row: either a horizon day (date row) or a weekday (weekday row).

    An interval row has a ``start`` and ``end``; a day-level row has a ``shift_id`` instead.
    """

    day: int | None
    weekday: int | None
    start: int
    end: int
    required: int
    skill: str | None
    shift_id: str | None = None
    under_weight: int | None = None
    over_weight: int | None = None

    def span_on(self, day: int) -> DemandSpan:
        """The row as a demand span on horizon day ``day``."""
        begin = day * MINUTES_PER_DAY + self.start
        return DemandSpan(
            begin, begin + _span_minutes(self.start, self.end), self.required, self.skill
        )

    def line_on(self, day: int) -> ShiftDemand:
        """The row as a day-level cover line on horizon day ``day``."""
        assert self.shift_id is not None
        return ShiftDemand(
            day, self.shift_id, self.required, self.under_weight, self.over_weight, self.skill
        )


def _read_demand(
    source: Source,
    horizon: Horizon,
    on_holidays: str = "normal",
    shifts: Sequence[ShiftTemplate] = (),
) -> tuple[tuple[DemandSpan, ...], tuple[ShiftDemand, ...]]:
    """Demand spans and day-level cover lines from ``demand.csv``, resolved to horizon days.

    A row with a ``shift_id`` (and blank ``start``/``end``) asks for people on that shift;
    any other row for people on the floor from ``start`` to ``end``. A date row applies to its
    date; a weekday row applies to every horizon day of that weekday without any date row (of
    either kind). On a public holiday without date rows, ``on_holidays`` says what holds (see
    `HOLIDAY_DEMAND`). Spans and lines are ordered by day, then by file order.
    """
    probe = _table(source, ("required",))
    day_level = "shift_id" in probe.columns
    table = probe if day_level else _table(source, ("start", "end", "required"))
    _warn_of_misspelt_columns(table, DEMAND_COLUMNS)
    keys = tuple(c for c in ("date", "weekday") if c in table.columns)
    if not keys:
        message = "missing required column: expected a 'date' or a 'weekday' column (or both)"
        raise InputError(table.file, message, table.header_row, "date")
    either = "/".join(keys)
    known = {s.shift_id for s in shifts}
    seen: dict[tuple[int | None, int | None, str, str | None], int] = {}
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
        required = cells.integer("required", 0)
        skill = cells.text("skill") or None
        if cells.blank("shift_id"):
            for column in ("under_weight", "over_weight"):
                if not cells.blank(column):
                    message = f"expected a blank {column} on a row without shift_id"
                    raise cells.error(column, f"{message}, got {cells.text(column)!r}")
            grid = horizon.interval_minutes
            start, end = cells.time("start", grid), cells.time("end", grid)
            rows.append(_DemandRow(day, weekday, start, end, required, skill))
            continue
        shift_id = cells.text("shift_id")
        if shift_id not in known:
            raise cells.error("shift_id", f"expected a shift id of shifts.csv, got {shift_id!r}")
        for column in ("start", "end"):
            if not cells.blank(column):
                message = f"expected a blank {column} on a row with a shift_id (a day-level row)"
                raise cells.error(column, f"{message}, got {cells.text(column)!r}")
        key = (day, weekday, shift_id, skill)
        if key in seen:
            message = (
                f"expected one row per shift and day, got shift {shift_id!r} again "
                f"(first on row {seen[key]})"
            )
            raise cells.error("shift_id", message)
        seen[key] = cells.row
        under, over = (
            None if cells.blank(column) else cells.integer(column, 0)
            for column in ("under_weight", "over_weight")
        )
        rows.append(_DemandRow(day, weekday, 0, 0, required, skill, shift_id, under, over))
    dated = {row.day for row in rows if row.day is not None}
    holidays = {day for day, _ in horizon.holidays}
    chosen: list[tuple[int, _DemandRow]] = []
    for day in range(horizon.days):
        if day in dated:
            chosen += [(day, row) for row in rows if row.day == day]
            continue
        weekday = horizon.weekday_of(day)
        if day in holidays and on_holidays == "closed":
            continue
        if day in holidays and on_holidays == "sunday":
            weekday = WEEKDAYS.index("sun")
        chosen += [(day, row) for row in rows if row.weekday == weekday]
    spans = tuple(row.span_on(day) for day, row in chosen if row.shift_id is None)
    lines = tuple(row.line_on(day) for day, row in chosen if row.shift_id is not None)
    return spans, lines


def _read_availability(
    source: Source, horizon: Horizon, employee_ids: set[str], shift_ids: set[str] | None = None
) -> tuple[tuple[AvailabilitySpan, ...], tuple[ShiftRequest, ...]]:
    """Availability spans and shift requests from ``availability.csv`` (an optional file).

    A row with a ``shift_id`` (and blank ``start``/``end``) is about that shift starting on
    its date: a shift request. Rows dated outside the horizon are checked for well-formed
    cells and then dropped; the employee must be known only for rows that are kept.
    """
    table = _table(source, ("employee_id", "date", "kind"))
    _warn_of_misspelt_columns(table, AVAILABILITY_COLUMNS)
    for column, other in (("start", "end"), ("end", "start")):
        if other in table.columns and column not in table.columns:
            message = f"missing column {column!r}: expected both start and end columns, or neither"
            raise InputError(table.file, message, table.header_row, column)
    spans = []
    requests = []
    for cells in table.rows:
        employee_id = cells.required("employee_id", "an employee id")
        day = horizon.day_of(cells.day("date"))
        if not cells.blank("shift_id"):
            request = _shift_request(cells, shift_ids or set())
            if day is None:
                continue
            if employee_id not in employee_ids:
                raise cells.error("employee_id", f"unknown employee {employee_id!r}")
            requests.append(ShiftRequest(employee_id, day, *request))
            continue
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
    return tuple(spans), tuple(requests)


def _shift_request(cells: _Cells, shift_ids: set[str]) -> tuple[str, AvailabilityKind, int]:
    """The shift, kind and weight of an availability row with a ``shift_id``."""
    shift_id = cells.text("shift_id")
    if shift_id not in shift_ids:
        raise cells.error("shift_id", f"expected a shift id of shifts.csv, got {shift_id!r}")
    for column in ("start", "end"):
        if not cells.blank(column):
            message = f"expected a blank {column} on a row with a shift_id (a shift request)"
            raise cells.error(column, f"{message}, got {cells.text(column)!r}")
    kind = cells.choice("kind", AvailabilityKind)
    weight = 1 if cells.blank("weight") else cells.integer("weight", 1)
    return shift_id, kind, weight


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


def _huge(value: int | float) -> str:
    """A number for a message, shortened when it has very many digits."""
    text = str(value)
    return text if len(text) <= 20 else f"a number of {len(text.lstrip('-'))} digits"


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
        """An integer in ``low..high``, and never beyond :data:`MAX_TOML_NUMBER` either way."""
        bounds = f">= {low}" if high is None else f"from {low} to {high}"
        value = self.get(name, f"an integer {bounds}", default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(name, f"expected an integer {bounds}, got {_describe(value)}")
        if abs(value) > MAX_TOML_NUMBER:
            raise self.error(name, f"expected an integer {bounds}, got {_huge(value)}")
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
        if isinstance(value, float) and not math.isfinite(value):
            raise self.error(name, f"expected a finite number, got {value}")
        if abs(value) > MAX_TOML_NUMBER:
            # Callers print numbers as floats; far larger ones cannot be meant anyway.
            message = f"expected a number of at most {MAX_TOML_NUMBER:,}, got {_huge(value)}"
            raise self.error(name, message)
        return Fraction(str(value))

    def hours(self, name: str, default_minutes: int) -> int:
        """Hours from 0 to 168 (may be fractional) as whole minutes."""
        value = self.number(name, Fraction(default_minutes, 60))
        minutes = _minutes_from_hours(value)
        if value < 0 or minutes is None:
            raise self.error(name, f"expected hours >= 0 in whole minutes, got {float(value)}")
        if value > MAX_WEEKLY_HOURS:
            # A rest rule longer than a week cannot be met and would only slow the model down.
            message = f"expected hours from 0 to {MAX_WEEKLY_HOURS}, got {float(value):g}"
            raise self.error(name, message)
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

    def tables(self, name: str) -> list[_Keys]:
        """An array of tables (empty when missing); ``name[1]`` is the first."""
        value = self.get(name, "an array of tables", [])
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            message = f"expected an array of tables [[{self.key(name)}]], got {_describe(value)}"
            raise self.error(name, message)
        return [
            _Keys(self.file, f"{self.key(name)}[{number}]", item)
            for number, item in enumerate(value, start=1)
        ]

    def weekday(self, name: str) -> int:
        """A weekday name ``mon``..``sun`` (case-insensitive) as 0 = Monday."""
        word = self.string(name)
        if word.lower() not in WEEKDAYS:
            raise self.error(name, _unknown_weekday(word))
        return WEEKDAYS.index(word.lower())

    def weekdays(self, name: str, default: frozenset[int]) -> frozenset[int]:
        """A ``;``-separated weekday string such as ``"mon;wed"``; blank means ``default``."""
        value = self.values.get(name, "")
        if not isinstance(value, str):
            message = f"expected weekdays as a string such as 'mon;wed', got {_describe(value)}"
            raise self.error(name, message)
        words = _weekday_words(value)
        for word in words:
            if word.lower() not in WEEKDAYS:
                raise self.error(name, _unknown_weekday(word))
        return frozenset(WEEKDAYS.index(word.lower()) for word in words) or default

    def band(self, name: str, default: str, grid: int) -> tuple[int, int] | None:
        """A same-day span ``HH:MM-HH:MM`` on the ``grid``-minute grid; None for ``""``."""
        value = self.get(name, _BAND, default)
        if not isinstance(value, str):
            raise self.error(name, f"expected {_BAND}, got {_describe(value)}")
        text = value.strip()
        if not text:
            return None
        parts = text.split("-")
        if len(parts) != 2:
            raise self.error(name, f"expected {_BAND}, got {text!r}")
        try:
            start, end = (parse_hhmm(part, self.file, None, self.key(name)) for part in parts)
        except InputError:
            message = f"expected {_BAND} with times from 00:00 to 23:59, got {text!r}"
            raise self.error(name, message) from None
        if end <= start:
            message = (
                f"expected the end after the start on the same day (no overnight band), "
                f"got {text!r}"
            )
            raise self.error(name, message)
        if start % grid or end % grid:
            message = (
                f"expected times on a multiple of {grid} minutes, got {text!r}, "
                f"which is off the {grid}-minute interval grid"
            )
            raise self.error(name, message)
        return start, end


@dataclass(frozen=True)
class Policy:
    """What ``scenario.toml`` says."""

    horizon: Horizon
    holiday_demand: str
    rules: Rules
    rule_overrides: tuple[RuleOverride, ...]
    breaks: tuple[BreakRule, ...]
    weights: Weights
    back_office: BackOffice
    name: str | None


_TOP_KEYS = ("name", "horizon", "rules", "breaks", "weights", "back_office", "holidays")
_HORIZON_KEYS = ("start", "days", "interval_minutes", "timezone", "country", "subdivision")
_HOLIDAY_KEYS = ("demand",)
HOLIDAY_DEMAND = ("closed", "sunday", "normal")
"""What demand holds on a public holiday: none, Sunday's, or the weekday's as usual."""
_RULES_KEYS = (
    "min_rest_hours",
    "weekly_rest_hours",
    "max_consecutive_days",
    "max_on_break",
    "max_days",
    "forbidden_shifts",
    "min_consecutive_days",
    "min_days_off",
    "max_weekends",
    "max_shifts",
    "min_total_hours",
    "max_total_hours",
)
_RULE_SCOPES = ("front", "back", "group")
_BREAK_KEYS = ("name", "minutes", "earliest", "latest", "min_shift_minutes", "paid")
_WEIGHT_KEYS = ("shortfall", "contract", "preference", "surplus", "fairness")
_BACK_OFFICE_KEYS = (
    "flex_band",
    "core_hours",
    "daily_hours",
    "min_onsite_days",
    "max_remote_days",
    "desks",
    "anchor",
    "cover",
    "weekdays",
)
_ANCHOR_KEYS = ("team", "weekday")
_COVER_KEYS = ("skill", "weekdays", "min")


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
    first, last = START_YEARS
    if not first <= start.year <= last:
        raise keys.error("start", f"expected a date in the years {first}-{last}, got {start}")
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
        # A folder of the zone database ("Europe") or an overlong name is an OSError.
        except (ZoneInfoNotFoundError, ValueError, OSError):
            message = f"expected an IANA time zone such as 'Europe/Berlin', got {timezone!r}"
            raise keys.error("timezone", message) from None
    horizon = Horizon(start, days, interval, timezone)
    if "country" in keys.values:
        horizon = replace(
            horizon,
            holidays=_public_holidays(keys, horizon),
            country=keys.string("country").upper(),
            subdivision=keys.string("subdivision") if "subdivision" in keys.values else None,
        )
    elif "subdivision" in keys.values:
        raise keys.error("subdivision", "expected a country key beside subdivision")
    return horizon


def _public_holidays(keys: _Keys, horizon: Horizon) -> tuple[tuple[int, str], ...]:
    """The horizon's public holidays in ``country`` (and ``subdivision``) as ``(day, name)``."""
    import holidays

    country = keys.string("country").upper()
    subdivision = keys.string("subdivision") if "subdivision" in keys.values else None
    years = sorted({horizon.date_of(d).year for d in range(horizon.days)})
    if country not in holidays.list_supported_countries():
        message = f"expected a country code the holidays package knows, e.g. 'PL', got {country!r}"
        raise keys.error("country", message)
    try:
        calendar = holidays.country_holidays(country, subdiv=subdivision, years=years)
    except (NotImplementedError, ValueError):
        message = f"expected a subdivision of {country} the holidays package knows"
        raise keys.error("subdivision", f"{message}, got {subdivision!r}") from None
    found = []
    for day in range(horizon.days):
        name = calendar.get(horizon.date_of(day))
        if name is not None:
            found.append((day, str(name)))
    return tuple(found)


def _read_rules(keys: _Keys) -> tuple[Rules, tuple[RuleOverride, ...]]:
    """The ``[rules]`` table and its ``[rules.front]``, ``[rules.back]``, ``[rules.group.NAME]``."""
    keys.only((*_RULES_KEYS, *_RULE_SCOPES))
    base = replace(Rules(), **_rule_changes(keys))
    overrides = []
    for office in (Office.FRONT, Office.BACK):
        table = keys.table(office.value)
        table.only(_RULES_KEYS)
        overrides.append(RuleOverride(office.value, tuple(_rule_changes(table).items()), office))
    groups = keys.table("group")
    for name in groups.values:
        table = groups.table(name)
        table.only(_RULES_KEYS)
        overrides.append(RuleOverride(name, tuple(_rule_changes(table).items())))
    return base, tuple(o for o in overrides if o.changes)


def _rule_changes(keys: _Keys) -> dict[str, Any]:
    """The rule keys a table sets, as `Rules` field values."""
    changes: dict[str, Any] = {}
    if "min_rest_hours" in keys.values:
        changes["min_rest_minutes"] = keys.hours("min_rest_hours", 0)
    if "weekly_rest_hours" in keys.values:
        changes["weekly_rest_minutes"] = keys.hours("weekly_rest_hours", 0)
    if "max_consecutive_days" in keys.values:
        changes["max_consecutive_days"] = keys.integer("max_consecutive_days", None, 1)
    if "max_days" in keys.values:
        changes["max_days"] = keys.integer("max_days", None, 0, 7)
    if "max_on_break" in keys.values:
        value = keys.number("max_on_break")
        share = value.limit_denominator(1000)
        if not 0 < value <= 1 or share == 0:
            message = f"expected a share with 0 < share <= 1, got {float(value)}"
            raise keys.error("max_on_break", message)
        changes["max_on_break"] = share
    if "forbidden_shifts" in keys.values:
        value = keys.values["forbidden_shifts"]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            message = f"expected a list of shift ids or tags, got {_describe(value)}"
            raise keys.error("forbidden_shifts", message)
        changes["forbidden_shifts"] = frozenset(v.strip() for v in value if v.strip())
    for name in ("min_consecutive_days", "min_days_off"):
        if name in keys.values:
            changes[name] = keys.integer(name, None, 1)
    if "max_weekends" in keys.values:
        changes["max_weekends"] = keys.integer("max_weekends", None, 0)
    for name in ("min_total_hours", "max_total_hours"):
        if name in keys.values:
            changes[name.replace("_hours", "_minutes")] = keys.hours(name, 0)
    low, high = changes.get("min_total_minutes"), changes.get("max_total_minutes")
    if low is not None and high is not None and low > high:
        message = (
            f"expected min_total_hours <= max_total_hours = {keys.values['max_total_hours']}, "
            f"got {keys.values['min_total_hours']}"
        )
        raise keys.error("min_total_hours", message)
    if "max_shifts" in keys.values:
        table = keys.table("max_shifts")
        changes["max_shifts"] = tuple(
            (name, table.integer(name, None, 0)) for name in sorted(table.values)
        )
    return changes


def _check_rule_names(
    file: str,
    overrides: Sequence[RuleOverride],
    rules: Rules,
    employees: Sequence[Employee],
    shifts: Sequence[ShiftTemplate],
) -> None:
    """Group overrides name groups of staff.csv; forbidden shifts name shift ids or tags."""
    groups = {e.group for e in employees}
    known = {s.shift_id for s in shifts} | {tag for s in shifts for tag in s.tags}
    for override in overrides:
        prefix = f"rules.{override.scope}" if override.office else f"rules.group.{override.scope}"
        if override.office is None and override.scope not in groups:
            message = (
                f"expected a group named in staff.csv, got no staff in group {override.scope!r}"
            )
            raise InputError(file, message, column=prefix)
        changes = dict(override.changes)
        for word in sorted(changes.get("forbidden_shifts", ())):
            if word not in known:
                message = f"expected a shift id or tag of shifts.csv, got {word!r}"
                raise InputError(file, message, column=f"{prefix}.forbidden_shifts")
        for word, _ in changes.get("max_shifts", ()):
            if word not in known:
                message = f"expected a shift id or tag of shifts.csv, got {word!r}"
                raise InputError(file, message, column=f"{prefix}.max_shifts.{word}")
    for word in sorted(rules.forbidden_shifts - known):
        message = f"expected a shift id or tag of shifts.csv, got {word!r}"
        raise InputError(file, message, column="rules.forbidden_shifts")
    for word, _ in rules.max_shifts:
        if word not in known:
            message = f"expected a shift id or tag of shifts.csv, got {word!r}"
            raise InputError(file, message, column=f"rules.max_shifts.{word}")


def _read_breaks(keys: _Keys, horizon: Horizon) -> tuple[BreakRule, ...]:
    """The ``[[breaks]]`` array of tables; ``breaks[1]`` is the first."""
    grid = horizon.interval_minutes
    names: dict[str, str] = {}
    rules = []
    for table in keys.tables("breaks"):
        table.only(_BREAK_KEYS)
        name = table.string("name")
        if name in names:
            raise table.error("name", f"expected a unique name, got {name!r} (also {names[name]})")
        # A roster row's activity is a break's name or one of these: a break may not take one.
        if name.lower() in (SHIFT_ACTIVITY, FLEX_ACTIVITY):
            reserved = f"{SHIFT_ACTIVITY!r} or {FLEX_ACTIVITY!r}"
            raise table.error("name", f"expected a name other than {reserved}, got {name!r}")
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
    keys.only((*_WEIGHT_KEYS, "skill"))
    defaults = Weights()
    values = {name: keys.integer(name, getattr(defaults, name)) for name in _WEIGHT_KEYS}
    skill_keys = keys.table("skill")
    per_skill = tuple(
        (name, skill_keys.integer(name, None, 1)) for name in sorted(skill_keys.values)
    )
    weights = Weights(**values, skill=per_skill)
    lowest = min([weights.shortfall, *dict(per_skill).values()])
    for name in _WEIGHT_KEYS[1:]:
        other = getattr(weights, name)
        if lowest <= other:
            where = "shortfall" if lowest == weights.shortfall else "skill"
            message = (
                f"shortfall must dominate: expected every shortfall weight > {name} = {other}, "
                f"got {lowest}"
            )
            raise keys.error(where, message)
    return weights


def _read_back_office(keys: _Keys, horizon: Horizon) -> BackOffice:
    """The ``[back_office]`` table with its ``[[back_office.anchor]]`` and ``cover`` arrays.

    Anchor teams are checked against the staff later, by :func:`_check_anchor_teams`.
    """
    keys.only(_BACK_OFFICE_KEYS)
    defaults = BackOffice()
    grid = horizon.interval_minutes
    default_band = f"{_hhmm(defaults.flex_start)}-{_hhmm(defaults.flex_end)}"
    band = keys.band("flex_band", default_band, grid)
    if band is None:
        message = f"expected {_BAND}, got {keys.values['flex_band']!r}"
        raise keys.error("flex_band", message)
    flex_start, flex_end = band
    core = keys.band("core_hours", "", grid)
    if core is not None and not (flex_start <= core[0] and core[1] <= flex_end):
        band_text = f"{_hhmm(flex_start)}-{_hhmm(flex_end)}"
        message = (
            f"expected core hours inside the flex band {band_text}, "
            f"got {keys.values['core_hours'].strip()!r}"
        )
        raise keys.error("core_hours", message)
    hours = keys.number("daily_hours", Fraction(defaults.daily_minutes, 60))
    daily = _minutes_from_hours(hours)
    if hours <= 0 or daily is None:
        message = f"expected hours > 0 in whole minutes, got {float(hours):g}"
        raise keys.error("daily_hours", message)
    if daily > flex_end - flex_start:
        message = (
            f"expected daily_hours <= the flex band's {_hours_text(flex_end - flex_start)} hours "
            f"({_hhmm(flex_start)}-{_hhmm(flex_end)}), got {float(hours):g}"
        )
        raise keys.error("daily_hours", message)
    if core is not None and daily < core[1] - core[0]:
        message = (
            f"expected daily_hours >= the core hours' {_hours_text(core[1] - core[0])} hours "
            f"({_hhmm(core[0])}-{_hhmm(core[1])}), got {float(hours):g}"
        )
        raise keys.error("daily_hours", message)
    weekdays = keys.weekdays("weekdays", WORKING_WEEKDAYS)
    anchors: dict[Anchor, str] = {}
    for table in keys.tables("anchor"):
        table.only(_ANCHOR_KEYS)
        anchor = Anchor(table.string("team"), table.weekday("weekday"))
        if anchor.weekday not in weekdays:
            message = f"expected a back-office working day, got {WEEKDAYS[anchor.weekday]}"
            raise table.error("weekday", message)
        if anchor in anchors:
            message = (
                f"expected a unique anchor, got team {anchor.team!r} on "
                f"{WEEKDAYS[anchor.weekday]} again (also {anchors[anchor]})"
            )
            raise table.error("weekday", message)
        anchors[anchor] = table.prefix
    covers = []
    for table in keys.tables("cover"):
        table.only(_COVER_KEYS)
        covers.append(
            Cover(
                skill=table.string("skill"),
                weekdays=table.weekdays("weekdays", WORKING_WEEKDAYS),
                min=table.integer("min", None, 1),
            )
        )
    optional = {
        name: keys.integer(name, None, 0, high) if name in keys.values else None
        for name, high in (("max_remote_days", 7), ("desks", None))
    }
    return BackOffice(
        flex_start=flex_start,
        flex_end=flex_end,
        core_start=None if core is None else core[0],
        core_end=None if core is None else core[1],
        daily_minutes=daily,
        min_onsite_days=keys.integer("min_onsite_days", defaults.min_onsite_days, 0, 7),
        max_remote_days=optional["max_remote_days"],
        desks=optional["desks"],
        anchors=tuple(anchors),
        covers=tuple(covers),
        weekdays=weekdays,
    )


def _check_anchor_teams(file: str, policy: BackOffice, employees: Sequence[Employee]) -> None:
    """Every anchored team must be the team of at least one staff row."""
    teams = {employee.team for employee in employees}
    for number, anchor in enumerate(policy.anchors, start=1):
        if anchor.team not in teams:
            message = f"expected a team named in staff.csv, got no staff in team {anchor.team!r}"
            raise InputError(file, message, column=f"back_office.anchor[{number}].team")


def read_policy(file: str, values: Mapping[str, Any]) -> Policy:
    """Horizon, rules, breaks, weights, back-office policy and name from parsed TOML.

    Parameters
    ----------
    file
        What errors name as the source, e.g. ``scenario.toml``.
    values
        The tables and keys of ``scenario.toml`` as :mod:`tomllib` parses them (a date may
        also be given as ``"YYYY-MM-DD"`` text).
    """
    top = _Keys(file, "", values)
    top.only(_TOP_KEYS)
    if "horizon" not in top.values:
        raise top.error("horizon.start", "missing required key: expected a [horizon] start date")
    horizon = _read_horizon(top.table("horizon"))
    rules, overrides = _read_rules(top.table("rules"))
    holiday_keys = top.table("holidays")
    holiday_keys.only(_HOLIDAY_KEYS)
    holiday_demand = holiday_keys.string("demand", "sunday").lower()
    if holiday_demand not in HOLIDAY_DEMAND:
        message = f"expected one of {' | '.join(HOLIDAY_DEMAND)}, got {holiday_demand!r}"
        raise holiday_keys.error("demand", message)
    return Policy(
        horizon=horizon,
        holiday_demand=holiday_demand,
        rules=rules,
        rule_overrides=overrides,
        breaks=_read_breaks(top, horizon),
        weights=_read_weights(top.table("weights")),
        back_office=_read_back_office(top.table("back_office"), horizon),
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
    policy = read_policy(POLICY_FILE, read_toml(folder / POLICY_FILE))
    # availability.csv (or its .xlsx twin) is optional.
    availability = folder / AVAILABILITY_FILE
    return _assemble(
        (POLICY_FILE, policy),
        folder / STAFF_FILE,
        folder / SHIFTS_FILE,
        folder / DEMAND_FILE,
        availability if find_table(availability) is not None else None,
        policy.name or folder.resolve().name,
    )


def read_frames(
    staff: pd.DataFrame,
    shifts: pd.DataFrame,
    demand: pd.DataFrame,
    policy: Mapping[str, Any] | str | Path,
    availability: pd.DataFrame | None = None,
    name: str | None = None,
) -> Scenario:
    """Build a scenario from DataFrames shaped like the folder's CSV tables.

    Cells go through the same checks as the CSV files. A cell may hold text as in the CSV
    file or a natural Python value: a number, a date or Timestamp, a time, a bool, a list of
    skills or weekdays; blank and NaN mean an empty cell.

    Parameters
    ----------
    staff, shifts, demand, availability
        The tables; ``availability`` is optional.
    policy
        ``scenario.toml``'s content as a dict (as :mod:`tomllib` parses it), or the path of a
        TOML file.
    name
        The scenario's name; default the policy's ``name``, else ``"scenario"``.

    Raises
    ------
    InputError
        For the first problem found, naming the frame (``staff``, ``shifts``, ``demand``,
        ``availability``, ``policy``), the row (``frame.iloc[row]``) and the column or key.
    """
    if isinstance(policy, str | Path):
        path = Path(policy)
        policy_file, parsed = path.name, read_policy(path.name, read_toml(path))
    else:
        policy_file, parsed = "policy", read_policy("policy", policy)
    return _assemble(
        (policy_file, parsed),
        ("staff", staff),
        ("shifts", shifts),
        ("demand", demand),
        None if availability is None else ("availability", availability),
        name or parsed.name or "scenario",
    )


def _warn_of_unstaffed_skills(
    demand: Source,
    spans: Sequence[DemandSpan],
    lines: Sequence[ShiftDemand],
    employees: Sequence[Employee],
) -> None:
    """Warn of each skill demand asks for that no front-office person has: its demand can
    only be short, which is more likely a typo in one of the tables than the plan."""
    held = {skill for e in employees if e.works_front for skill in e.skills}
    asked = {d.skill for d in spans if d.skill is not None}
    asked |= {line.skill for line in lines if line.skill is not None}
    file = demand.name if isinstance(demand, Path) else demand[0]
    for skill in sorted(asked - held):
        message = (
            f"no one in staff.csv who works in the front office has skill {skill!r}: "
            "its demand will be short"
        )
        warnings.warn(InputWarning(file, message, "skill"), stacklevel=3)


def _assemble(
    named_policy: tuple[str, Policy],
    staff: Source,
    shifts: Source,
    demand: Source,
    availability: Source | None,
    name: str,
) -> Scenario:
    """A scenario from its policy (with its source name) and tables, in the folder's order."""
    policy_file, policy = named_policy
    templates = _read_shifts(shifts, policy.horizon)
    employees = _read_staff(staff, templates)
    _check_anchor_teams(policy_file, policy.back_office, employees)
    known = {employee.employee_id for employee in employees}
    _check_rule_names(policy_file, policy.rule_overrides, policy.rules, employees, templates)
    spans, lines = _read_demand(demand, policy.horizon, policy.holiday_demand, templates)
    _warn_of_unstaffed_skills(demand, spans, lines, employees)
    shift_ids = {t.shift_id for t in templates}
    spans_off, requests = (
        ((), ())
        if availability is None
        else _read_availability(availability, policy.horizon, known, shift_ids)
    )
    return Scenario(
        horizon=policy.horizon,
        employees=employees,
        shifts=templates,
        demand=spans,
        breaks=policy.breaks,
        availability=spans_off,
        rules=policy.rules,
        weights=policy.weights,
        back_office=policy.back_office,
        name=name,
        rule_overrides=policy.rule_overrides,
        shift_demand=lines,
        shift_requests=requests,
    )
