"""Read a call forecast (``CALLS.csv``) and write the demand.csv that staffs it.

``CALLS.csv`` has a ``date`` (YYYY-MM-DD) and/or a ``weekday`` (mon..sun) column, each row
filling exactly one; ``start`` (HH:MM on the interval grid), ``calls`` (a number >= 0, may be
fractional), an optional ``end`` (HH:MM; blank or absent means ``start`` plus one interval; an
end at or before the start is the next day) and an optional ``aht`` (seconds; blank means the
default). Rows of one date or weekday must not overlap. Unknown columns are ignored. Every
problem is one :class:`~scheduler.errors.InputError` naming the file, row and column, and the
file is only read.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from scheduler.data import INTERVAL_CHOICES, WEEKDAYS
from scheduler.errors import InputError
from scheduler.io.files import write_csv
from scheduler.io.scenario import _DECIMAL, _Cells, _hhmm, _read_table, _span_minutes

__all__ = ["CALLS_COLUMNS", "read_calls", "write_demand"]

CALLS_COLUMNS = ("date", "weekday", "start", "end", "minutes", "calls", "aht")
"""Columns of :func:`read_calls`' table: ``start`` and ``end`` in minutes of the day."""

_KEYS = ("date", "weekday")

_DETAIL_COLUMNS = (
    "calls",
    "aht",
    "erlangs",
    "agents",
    "service_level",
    "wait_probability",
    "asa_seconds",
    "abandon_probability",
    "occupancy",
)
"""Columns written after ``required``; the scenario loader ignores them."""


def read_calls(
    path: str | Path, interval_minutes: int = 15, aht: float | None = None
) -> pd.DataFrame:
    """Read a call forecast, one row per interval.

    Parameters
    ----------
    path
        The CSV file.
    interval_minutes
        The grid that ``start`` and ``end`` lie on, and the length of a row without ``end``.
    aht
        Average handling time in seconds for rows whose ``aht`` is blank or absent; None makes
        such a row an error.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CALLS_COLUMNS`, in file order: ``date`` (ISO text or "") and ``weekday``
        (mon..sun or ""), exactly one filled; ``start`` and ``end`` (minutes of the day),
        ``minutes`` (the row's length), ``calls`` and ``aht`` (floats).

    Raises
    ------
    InputError
        For the first problem found.
    """
    if interval_minutes not in INTERVAL_CHOICES:
        choices = ", ".join(map(str, INTERVAL_CHOICES))
        raise ValueError(f"interval_minutes must be one of {choices}, got {interval_minutes}")
    if aht is not None and not 0 < aht < math.inf:
        raise ValueError(f"aht must be finite and > 0, got {aht}")
    file = Path(path)
    table = _read_table(file, ("start", "calls"))
    keys = tuple(key for key in _KEYS if key in table.columns)
    if not keys:
        message = "missing required column: expected a 'date' or a 'weekday' column (or both)"
        raise InputError(file.name, message, 1, "date")
    if not table.rows:
        raise InputError(file.name, "expected at least one row of calls, got none", 2)
    either = "/".join(keys)
    records = []
    taken: dict[str, list[tuple[int, int, int]]] = {}
    for cells in table.rows:
        filled = [key for key in keys if not cells.blank(key)]
        if len(filled) != 1:
            found = "both" if filled else "neither"
            message = f"expected exactly one of date and weekday filled in, got {found}"
            raise cells.error(either, message)
        day = weekday = ""
        if filled == ["date"]:
            day = cells.day("date").isoformat()
        else:
            weekday = WEEKDAYS[cells.weekday("weekday")]
        start = cells.time("start", interval_minutes)
        if cells.blank("end"):
            length = interval_minutes
        else:
            length = _span_minutes(start, cells.time("end", interval_minutes))
        _check_overlap(cells, taken.setdefault(day or weekday, []), start, length)
        records.append(
            {
                "date": day,
                "weekday": weekday,
                "start": start,
                "end": (start + length) % (24 * 60),
                "minutes": length,
                "calls": _number(cells, "calls", "a number of calls >= 0", positive=False),
                "aht": _handling_time(cells, aht),
            }
        )
    return pd.DataFrame.from_records(records, columns=list(CALLS_COLUMNS))


def _number(cells: _Cells, column: str, what: str, positive: bool) -> float:
    """A decimal number ``>= 0`` (``> 0`` when ``positive``), without exponent, NaN or inf."""
    text = cells.required(column, what)
    if _DECIMAL.fullmatch(text) is None:
        raise cells.error(column, f"expected {what}, got {text!r}")
    value = float(text)
    if value < 0 or (positive and value == 0):
        raise cells.error(column, f"expected {what}, got {text!r}")
    return value


def _handling_time(cells: _Cells, default: float | None) -> float:
    """The row's average handling time in seconds, else ``default``."""
    what = "an average handling time in seconds > 0"
    if cells.blank("aht"):
        if default is None:
            message = f"expected {what} (or a default such as --aht 240), got an empty cell"
            raise cells.error("aht", message)
        return default
    return _number(cells, "aht", what, positive=True)


def _check_overlap(
    cells: _Cells, taken: list[tuple[int, int, int]], start: int, length: int
) -> None:
    """A row must not overlap an earlier row of the same date or weekday."""
    for other_start, other_length, row in taken:
        if start < other_start + other_length and other_start < start + length:
            span = f"{_hhmm(other_start)}-{_hhmm((other_start + other_length) % (24 * 60))}"
            message = (
                f"expected one row per interval, got {_hhmm(start)} inside row {row}'s {span} "
                "of the same day"
            )
            raise cells.error("start", message)
    taken.append((start, length, cells.row))


def write_demand(path: Path, table: pd.DataFrame) -> None:
    """Write a staffed forecast (``read_calls`` + ``staffing_table``) as a demand.csv.

    Columns: those of ``date`` and ``weekday`` that any row fills, ``start``, ``end``
    (HH:MM), ``required``, then the details (calls, aht, erlangs, agents on the phones,
    service_level, wait_probability, asa_seconds, abandon_probability, occupancy), which the
    scenario loader ignores. Written atomically.
    """
    keys = [key for key in ("weekday", "date") if (table[key] != "").any()] or ["weekday"]
    frame = table[keys].copy()
    frame["start"] = table["start"].map(_hhmm)
    frame["end"] = table["end"].map(_hhmm)
    frame["required"] = table["required"].astype(int)
    for column in _DETAIL_COLUMNS:
        frame[column] = table[column] if column == "agents" else table[column].round(4)
    write_csv(path, frame)
