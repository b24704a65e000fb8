"""The roster table: built from assignments, written as roster.csv, and read back for checking."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from scheduler.data import START_YEARS, Assignment, FlexDay, Scenario
from scheduler.errors import InputError
from scheduler.io.escape import unescape_frame
from scheduler.io.tables import read_text

ROSTER_COLUMNS = [
    "employee_id",
    "name",
    "date",
    "office",
    "location",
    "activity",
    "shift_id",
    "start",
    "end",
    "hours",
    "paid",
]
REQUIRED_COLUMNS = ["employee_id", "activity", "start", "end"]
SHIFT_ACTIVITY = "shift"
FLEX_ACTIVITY = "flex"
ISO_FORMAT = "%Y-%m-%dT%H:%M:%S"


@dataclass(frozen=True)
class RosterRow:
    """One roster row in horizon minutes; ``row`` is its line in the file (header = 1)."""

    row: int
    employee_id: str
    activity: str
    start: int
    end: int
    shift_id: str | None = None
    location: str | None = None


def roster_frame(
    scenario: Scenario, assignments: list[Assignment], flex_days: Iterable[FlexDay] = ()
) -> pd.DataFrame:
    """One row per activity: each shift then its breaks, and each flex day; by person and time.

    ``start`` and ``end`` are local wall-clock Timestamps; ``hours`` is a shift's or flex day's
    paid hours (a break row gives its own length). A flex row spans the day's flex band.
    """
    horizon = scenario.horizon
    people = {e.employee_id: e for e in scenario.employees}
    records = [
        {
            "employee_id": f.employee_id,
            "name": people[f.employee_id].name,
            "date": horizon.date_of(f.day).isoformat(),
            "office": "back",
            "location": f.location.value,
            "activity": FLEX_ACTIVITY,
            "shift_id": "",
            "start": horizon.to_datetime(f.start),
            "end": horizon.to_datetime(f.end),
            "hours": f.paid_minutes / 60,
            "paid": "",
        }
        for f in flex_days
    ]
    for a in sorted(assignments, key=lambda a: (a.employee_id, a.start)):
        person = people[a.employee_id]
        common = {
            "employee_id": a.employee_id,
            "name": person.name,
            "date": horizon.date_of(a.day).isoformat(),
            "office": "front",
            "location": "onsite",
            "shift_id": a.shift_id,
        }
        records.append(
            {
                **common,
                "activity": SHIFT_ACTIVITY,
                "start": horizon.to_datetime(a.start),
                "end": horizon.to_datetime(a.end),
                "hours": a.paid_minutes / 60,
                "paid": "",
            }
        )
        for b in a.breaks:
            records.append(
                {
                    **common,
                    "activity": b.name,
                    "start": horizon.to_datetime(b.start),
                    "end": horizon.to_datetime(b.end),
                    "hours": (b.end - b.start) / 60,
                    "paid": "true" if b.paid else "false",
                }
            )
    frame = pd.DataFrame.from_records(records, columns=ROSTER_COLUMNS)
    # Stable sort keeps each shift's breaks right after it.
    frame = frame.sort_values(["employee_id", "date"], kind="stable", ignore_index=True)
    frame["start"] = pd.to_datetime(frame["start"])
    frame["end"] = pd.to_datetime(frame["end"])
    return frame


def format_roster(frame: pd.DataFrame) -> pd.DataFrame:
    """The roster as written to CSV: ISO 8601 local date-times."""
    out = frame.copy()
    for column in ("start", "end"):
        out[column] = pd.to_datetime(out[column]).dt.strftime(ISO_FORMAT)
    return out


def read_roster(path: Path) -> pd.DataFrame:
    """Read a roster.csv as text cells, checking the required columns are there.

    The formula-injection guard that ``write_result`` puts on text cells is taken off, so an
    id written as ``'=E1`` names the person ``=E1`` again.
    """
    if not path.is_file():
        raise InputError(path.name, "file not found")
    # Decoded as the scenario's tables are, so a bad byte is reported by its line.
    text = read_text(path).removeprefix("\ufeff")
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(path.name, f"not a readable CSV file ({exc})") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    for column in REQUIRED_COLUMNS:
        if column not in frame.columns:
            raise InputError(path.name, "missing column", column=column)
    return unescape_frame(frame)


def _to_minute(scenario: Scenario, value: object, file: str, row: int, column: str) -> int:
    if isinstance(value, pd.Timestamp | datetime):
        when = pd.Timestamp(value).to_pydatetime()
    else:
        text = str(value).strip()
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            raise InputError(
                file, f"expected an ISO date-time like 2026-12-07T07:00, got {text!r}", row, column
            ) from None
    if when.tzinfo is not None:
        when = when.replace(tzinfo=None)
    if when.second or when.microsecond:
        raise InputError(file, "expected a whole minute", row, column)
    return scenario.horizon.to_minute(when)


def roster_rows(scenario: Scenario, frame: pd.DataFrame, file: str = "roster") -> list[RosterRow]:
    """Turn a roster table (as built or as read from CSV) into rows in horizon minutes."""
    for column in REQUIRED_COLUMNS:
        if column not in frame.columns:
            raise InputError(file, "missing column", column=column)
    has_shift_id = "shift_id" in frame.columns
    has_location = "location" in frame.columns
    rows = []
    for offset, record in enumerate(frame.to_dict("records")):
        line = offset + 2
        employee_id = str(record["employee_id"]).strip()
        activity = str(record["activity"]).strip()
        if not employee_id:
            raise InputError(file, "expected an employee_id", line, "employee_id")
        if not activity:
            raise InputError(
                file, "expected an activity (shift or a break's name)", line, "activity"
            )
        start = _to_minute(scenario, record["start"], file, line, "start")
        end = _to_minute(scenario, record["end"], file, line, "end")
        if end <= start:
            raise InputError(file, "expected end after start", line, "end")
        shift_id = str(record["shift_id"]).strip() if has_shift_id else ""
        location = str(record["location"]).strip() if has_location else ""
        rows.append(
            RosterRow(line, employee_id, activity, start, end, shift_id or None, location or None)
        )
    return rows


def read_roster_times(path: Path) -> pd.DataFrame:
    """Read a roster.csv with ``start`` and ``end`` as local wall-clock Timestamps.

    Every row needs an ``employee_id``, an ``activity`` and an ``end`` after its ``start``;
    other cells stay text. Errors name the whole path, as two rosters often share a file name.

    Raises
    ------
    InputError
        The file is missing or unreadable, lacks a column, or a row breaks the above.
    """
    file = str(path)
    try:
        frame = read_roster(path)
    except InputError as error:
        raise InputError(file, error.message, error.row, error.column) from None
    times: dict[str, list[datetime]] = {"start": [], "end": []}
    # A horizon starts by START_YEARS' last year and ends at most a year and a day later.
    first_year, last_year = START_YEARS[0], START_YEARS[1] + 2
    for offset, record in enumerate(frame.to_dict("records")):
        line = offset + 2
        for column in ("employee_id", "activity"):
            if not str(record[column]).strip():
                raise InputError(file, f"expected a value for {column}", line, column)
        for column in ("start", "end"):
            text = str(record[column]).strip()
            try:
                when = datetime.fromisoformat(text)
            except ValueError:
                raise InputError(
                    file,
                    f"expected an ISO date-time like 2026-12-07T07:00, got {text!r}",
                    line,
                    column,
                ) from None
            if not first_year <= when.year <= last_year:
                expected = f"expected a date-time in the years {first_year}-{last_year}"
                raise InputError(file, f"{expected}, got {text!r}", line, column)
            times[column].append(when.replace(tzinfo=None))
        if times["end"][-1] <= times["start"][-1]:
            raise InputError(file, "expected end after start", line, "end")
    for column in ("employee_id", "activity"):
        frame[column] = frame[column].str.strip()
    frame["start"] = pd.to_datetime(pd.Series(times["start"], dtype="datetime64[ns]"))
    frame["end"] = pd.to_datetime(pd.Series(times["end"], dtype="datetime64[ns]"))
    return frame
