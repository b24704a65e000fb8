"""roster.xlsx: the roster grid, the coverage with a chart, the KPIs and a timeline per day.

Built from a solve's output folder alone (:class:`~scheduler.export.folder.Output`). Every text
cell goes through :func:`~scheduler.io.escape.escape_cell`, so a name taken from staff.csv
never runs as a formula.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from scheduler.data import MINUTES_PER_DAY
from scheduler.export.folder import Output
from scheduler.io.escape import escape_cell
from scheduler.io.files import write_atomic
from scheduler.io.roster import FLEX_ACTIVITY, SHIFT_ACTIVITY

Row = dict[str, Any]
"""One roster row as plain Python values (see ``_row``)."""

XLSX_FILE = "roster.xlsx"
ROSTER_SHEET = "Roster"
COVERAGE_SHEET = "Coverage"
SUMMARY_SHEET = "Summary"
OFF = "OFF"
TOTAL_LINE = "total"
"""Label of the coverage line that counts everyone (a blank ``skill`` in coverage.csv)."""

SHIFT_MARK = "S"
ONSITE_MARK = "O"
REMOTE_MARK = "R"

_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_SHIFT_FILL = PatternFill("solid", fgColor="BDD7EE")
_ONSITE_FILL = PatternFill("solid", fgColor="C6E0B4")
_REMOTE_FILL = PatternFill("solid", fgColor="D9D2E9")
_OFF_FILL = PatternFill("solid", fgColor="F2F2F2")
_OTHER_FILL = PatternFill("solid", fgColor="FFF2CC")
_SHORT_FILL = PatternFill("solid", fgColor="FFC7CE")
_SHORT_FONT = Font(color="9C0006", bold=True)
_BREAK_COLOURS = ("FFC000", "F4B084", "FFE699", "F8CBAD", "A9D08E", "9BC2E6", "C9C9C9")
_DAY_ACTIVITIES = (SHIFT_ACTIVITY, FLEX_ACTIVITY)
_BOLD = Font(bold=True)
_SMALL = Font(size=8)
_CENTER = Alignment(horizontal="center", vertical="center")
_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def write_xlsx(output: Output, folder: Path) -> list[Path]:
    """Write ``roster.xlsx`` into ``folder`` atomically; return its path.

    Sheets: "Roster" (people x days), "Coverage" (required, on floor and shortfall per
    interval and demand line, with a line chart), "Summary" (the KPIs, hours per person and
    shortfall per day with a bar chart), then one timeline sheet per day.
    """
    workbook = build_workbook(output)
    path = folder / XLSX_FILE
    write_atomic(path, workbook.save)
    return [path]


def build_workbook(output: Output) -> Workbook:
    """The workbook of :func:`write_xlsx`, not yet saved."""
    data = _Data.of(output)
    workbook = Workbook()
    roster_sheet = workbook.active
    assert roster_sheet is not None
    roster_sheet.title = ROSTER_SHEET
    _add_roster(roster_sheet, data)
    _add_coverage(workbook.create_sheet(COVERAGE_SHEET), data)
    _add_summary(workbook.create_sheet(SUMMARY_SHEET), data)
    for day in data.days:
        _add_day(workbook.create_sheet(day_sheet_title(day)), data, day)
    return workbook


def day_sheet_title(day: date) -> str:
    """Title of a day's timeline sheet, e.g. ``Mon 2026-12-07``."""
    return f"{day:%a} {day.isoformat()}"


def roster_cell(rows: Iterable[Mapping[str, Any]]) -> str:
    """What the Roster grid shows for one person's rows on one day.

    ``07:00-15:30`` for a shift, ``REMOTE 8h`` or ``ONSITE 8h`` for a back-office day, another
    activity (such as leave) by its name, ``OFF`` without rows. Break rows are not shown.
    """
    parts = []
    for record in rows:
        activity = str(record["activity"])
        if activity == SHIFT_ACTIVITY:
            parts.append(f"{record['start']:%H:%M}-{record['end']:%H:%M}")
        elif activity == FLEX_ACTIVITY:
            location = str(record.get("location") or "onsite").upper()
            parts.append(f"{location} {_hours_text(record.get('hours'))}".strip())
        elif not _is_break(record):
            parts.append(activity)
    return ", ".join(parts) if parts else OFF


# --------------------------------------------------------------------------- the data


@dataclass(frozen=True)
class _Data:
    """The output folder in the shapes the sheets need."""

    output: Output
    days: list[date]
    people: list[tuple[str, str]]
    """``(employee_id, name)`` in the summary's order, then anyone only the roster names."""
    rows: list[Row]
    """The roster's rows with ``day`` (the date in the roster) and numeric ``hours``."""
    by_person_day: dict[tuple[str, date], list[Row]]
    """Each person's rows on each day."""
    lines: list[str]
    """Coverage lines: ``""`` (the total) first, then the skills."""
    coverage: dict[str, pd.DataFrame]
    """Each line's coverage rows, indexed by the interval's start."""
    counts: dict[str, dict[pd.Timestamp, tuple[int, int]]]
    """Each line's ``(required, on_floor)`` by the interval's start."""
    codes: dict[str, tuple[str, PatternFill]]
    """A timeline mark and colour per break name, the same on every day's sheet."""

    @classmethod
    def of(cls, output: Output) -> _Data:
        # Plain records: the sheets look rows up one person and day at a time, which small
        # DataFrames make slow (seconds at a few hundred people).
        rows = [_row(record) for record in output.roster.to_dict("records")]
        by_person_day: dict[tuple[str, date], list[Row]] = {}
        for row in rows:
            by_person_day.setdefault((row["employee_id"], row["day"]), []).append(row)
        coverage = output.coverage.copy()
        if "skill" not in coverage.columns:
            coverage["skill"] = ""
        coverage["skill"] = coverage["skill"].astype(str)
        lines = ["", *sorted({s for s in coverage["skill"] if s})]
        by_line = {
            line: coverage[coverage["skill"] == line].set_index("start").sort_index()
            for line in lines
        }
        counts = {
            line: {
                pd.Timestamp(start): (int(required), int(on_floor))
                for start, required, on_floor in zip(
                    frame.index, frame["required"], frame["on_floor"], strict=True
                )
            }
            for line, frame in by_line.items()
        }
        days, people = _days(output, rows), _people(output, rows)
        codes = _break_codes(rows)
        return cls(output, days, people, rows, by_person_day, lines, by_line, counts, codes)

    @property
    def step(self) -> int:
        """Interval length in minutes."""
        return self.output.interval_minutes


def _row(record: Mapping[Any, Any]) -> Row:
    """A roster record with text ids, Python date-times, its ``day`` and numeric ``hours``."""
    row = {str(key): value for key, value in record.items()}
    row["employee_id"] = str(row["employee_id"])
    row["activity"] = str(row["activity"])
    row["start"] = pd.Timestamp(row["start"]).to_pydatetime()
    row["end"] = pd.Timestamp(row["end"]).to_pydatetime()
    text = str(row.get("date") or "")
    row["day"] = date.fromisoformat(text) if text else row["start"].date()
    row["hours"] = _number(row.get("hours"))
    return row


def _number(value: Any) -> float | None:
    """``value`` as a float; None for a blank, NaN or text that is not a number."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _days(output: Output, rows: list[Row]) -> list[date]:
    horizon = output.summary.get("horizon") or {}
    if horizon.get("start") and horizon.get("days"):
        first = date.fromisoformat(str(horizon["start"]))
        return [first + timedelta(days=d) for d in range(int(horizon["days"]))]
    seen = {row["day"] for row in rows}
    if not output.coverage.empty:
        seen |= set(output.coverage["start"].dt.date)
    return sorted(seen)


def _people(output: Output, rows: list[Row]) -> list[tuple[str, str]]:
    names: dict[str, str] = {}
    for row in rows:
        names.setdefault(row["employee_id"], str(row.get("name") or ""))
    order = []
    for record in output.summary.get("employees") or []:
        order.append(str(record["employee_id"]))
        if record.get("name"):
            names.setdefault(order[-1], str(record["name"]))
    order += sorted(names)
    seen: dict[str, str] = {}
    for employee_id in order:
        seen.setdefault(employee_id, names.get(employee_id, ""))
    return list(seen.items())


def _is_break(record: Mapping[Any, Any]) -> bool:
    """A break row: not a shift or flex day, and says whether it is paid."""
    activity = str(record["activity"])
    if activity in (SHIFT_ACTIVITY, FLEX_ACTIVITY):
        return False
    return str(record.get("paid") or "").strip().lower() in ("true", "false")


def _hours_text(hours: Any) -> str:
    number = _number(hours)
    return "" if number is None else f"{number:g}h"


def _line_label(line: str) -> str:
    return line or TOTAL_LINE


# --------------------------------------------------------------------------- cells


def _put(sheet: Worksheet, row: int, column: int, value: Any, **style: Any) -> Any:
    """Write one cell: text guarded against formulas, numpy and NaN made plain."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        value = None
    elif isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    elif isinstance(value, str):
        value = escape_cell(ILLEGAL_CHARACTERS_RE.sub("", value))
    elif value is not None and not isinstance(value, int | float | datetime | date | bool):
        value = escape_cell(str(value))
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        # Never let openpyxl read a text as a formula, whatever escape_cell decided.
        cell.data_type = "s"
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _header(sheet: Worksheet, row: int, column: int, titles: Sequence[Any]) -> None:
    for offset, title in enumerate(titles):
        _put(sheet, row, column + offset, title, font=_BOLD, fill=_HEADER_FILL)


def _table(
    sheet: Worksheet, row: int, titles: Sequence[str], records: Iterable[Sequence[Any]]
) -> int:
    """A header and its rows from ``row`` in column A; returns the next free row."""
    _header(sheet, row, 1, titles)
    for record in records:
        row += 1
        for offset, value in enumerate(record):
            _put(sheet, row, 1 + offset, value)
    return row + 1


def _fit_widths(sheet: Worksheet, minimum: int = 6, maximum: int = 40) -> None:
    """Set each column's width from its longest value."""
    widths: dict[int, int] = {}
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            text = (
                cell.value.strftime("%Y-%m-%d %H:%M")
                if isinstance(cell.value, datetime)
                else str(cell.value)
            )
            column = cell.column
            assert isinstance(column, int)
            widths[column] = max(widths.get(column, 0), len(text))
    for column, width in widths.items():
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = min(maximum, max(minimum, width + 2))


# --------------------------------------------------------------------------- roster grid


def _add_roster(sheet: Worksheet, data: _Data) -> None:
    """People x days; a cell reads ``07:00-15:30``, ``ONSITE 8h``, ``REMOTE 8h`` or ``OFF``."""
    titles = ["employee_id", "name", "office"]
    titles += [f"{day:%a} {day.isoformat()}" for day in data.days]
    titles += ["paid hours", "contract hours"]
    _header(sheet, 1, 1, titles)
    contract = _contract_hours(data.output)
    first_day = 4
    for index, (employee_id, name) in enumerate(data.people):
        row = 2 + index
        rows = [r for day in data.days for r in data.by_person_day.get((employee_id, day), [])]
        _put(sheet, row, 1, employee_id)
        _put(sheet, row, 2, name)
        _put(sheet, row, 3, _office(rows))
        for offset, day in enumerate(data.days):
            day_rows = data.by_person_day.get((employee_id, day), [])
            text = roster_cell(day_rows)
            cell = _put(sheet, row, first_day + offset, text, alignment=_CENTER)
            cell.fill = _roster_fill(day_rows, text)
            if text == OFF:
                cell.font = Font(color="808080")
        worked = [r["hours"] or 0.0 for r in rows if r["activity"] in _DAY_ACTIVITIES]
        _put(sheet, row, first_day + len(data.days), float(sum(worked)))
        _put(sheet, row, first_day + len(data.days) + 1, contract.get(employee_id))
    _fit_widths(sheet)
    for offset in range(len(data.days)):
        sheet.column_dimensions[get_column_letter(first_day + offset)].width = 15
    sheet.freeze_panes = sheet.cell(row=2, column=first_day)
    last = get_column_letter(len(titles))
    sheet.auto_filter.ref = f"A1:{last}{1 + len(data.people)}"


def _contract_hours(output: Output) -> dict[str, float]:
    hours: dict[str, float] = {}
    for record in output.summary.get("employees") or []:
        value = record.get("contract_hours")
        if value is not None:
            key = str(record["employee_id"])
            hours[key] = hours.get(key, 0.0) + float(value)
    return hours


def _office(rows: list[Row]) -> str:
    offices = {str(r.get("office") or "") for r in rows} - {""}
    if len(offices) > 1:
        return "both"
    return offices.pop() if offices else ""


def _roster_fill(rows: list[Row], text: str) -> PatternFill:
    if text == OFF:
        return _OFF_FILL
    activities = {r["activity"] for r in rows}
    if SHIFT_ACTIVITY in activities:
        return _SHIFT_FILL
    if FLEX_ACTIVITY in activities:
        remote = any(r["activity"] == FLEX_ACTIVITY and r.get("location") == "remote" for r in rows)
        return _REMOTE_FILL if remote else _ONSITE_FILL
    return _OTHER_FILL


# --------------------------------------------------------------------------- coverage


def _add_coverage(sheet: Worksheet, data: _Data) -> None:
    """Required, on floor and shortfall per interval and line; shortfalls in red; a chart."""
    starts = data.coverage[""].index
    titles: list[str] = ["start", "end"]
    for line in data.lines:
        label = _line_label(line)
        titles += [f"required {label}", f"on floor {label}", f"shortfall {label}"]
    _header(sheet, 1, 1, titles)
    step = timedelta(minutes=data.step)
    for index, start in enumerate(starts):
        row = 2 + index
        _put(sheet, row, 1, start, number_format=_DATETIME_FORMAT)
        _put(sheet, row, 2, start + step, number_format=_DATETIME_FORMAT)
        for number, line in enumerate(data.lines):
            counts = data.counts[line]
            required, on_floor = counts.get(pd.Timestamp(start), (0, 0))
            short = max(0, required - on_floor)
            column = 3 + 3 * number
            _put(sheet, row, column, required)
            floor_cell = _put(sheet, row, column + 1, on_floor)
            short_cell = _put(sheet, row, column + 2, short)
            if short:
                for cell in (floor_cell, short_cell):
                    cell.fill = _SHORT_FILL
                    cell.font = _SHORT_FONT
    _fit_widths(sheet, minimum=8)
    sheet.column_dimensions["A"].width = sheet.column_dimensions["B"].width = 17
    sheet.freeze_panes = "C2"
    if len(starts):
        _add_coverage_chart(sheet, len(starts), len(titles))


def _add_coverage_chart(sheet: Worksheet, num_rows: int, num_columns: int) -> None:
    chart = LineChart()
    chart.title = "Required vs on floor (everyone)"
    chart.y_axis.title = "people"
    chart.x_axis.title = "interval start"
    chart.x_axis.number_format = "ddd hh:mm"
    # openpyxl 3.1 hides axes unless told otherwise.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.height, chart.width = 10, 32
    values = Reference(sheet, min_col=3, max_col=4, min_row=1, max_row=1 + num_rows)
    chart.add_data(values, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=1 + num_rows))
    required, on_floor = chart.series
    required.graphicalProperties.line.solidFill = "7F7F7F"
    required.graphicalProperties.line.dashStyle = "dash"
    on_floor.graphicalProperties.line.solidFill = "2F5597"
    for series in chart.series:
        series.smooth = False
        series.graphicalProperties.line.width = 15000
    sheet.add_chart(chart, f"{get_column_letter(num_columns + 2)}2")


# --------------------------------------------------------------------------- summary


_LIST_COUNTS = ("violations", "conflicts")
"""Lists of summary.json shown as a count among the KPIs and in full below them."""
_TABLES = ("employees", "people", "back_office_days")
"""Lists of summary.json shown as tables of their own."""


def _add_summary(sheet: Worksheet, data: _Data) -> None:
    """The KPIs of summary.json, shortfall per day (with a chart) and hours per person."""
    summary = data.output.summary
    row = _table(sheet, 1, ["KPI", "value"], _flatten(summary))
    for cells in sheet.iter_rows(min_row=2, max_row=row - 1, min_col=1, max_col=2):
        key, value = cells
        if key.value == "gap":
            value.number_format = "0.00%"
        elif isinstance(value.value, float):
            value.number_format = "#,##0.00"
        elif isinstance(value.value, int) and not isinstance(value.value, bool):
            value.number_format = "#,##0"
    for key in _LIST_COUNTS:
        items = summary.get(key) or []
        if items:
            row = _table(sheet, row + 1, [key], [[item] for item in items])

    day_top = row + 1
    per_day = _per_day(data)
    row = _table(sheet, day_top, list(per_day.columns), per_day.itertuples(index=False))
    if len(per_day):
        _add_shortfall_chart(sheet, day_top, len(per_day))

    names = dict(data.people)
    employees = summary.get("employees") or []
    if employees:
        keys = [k for k in employees[0] if k not in ("employee_id", "name")]
        rows = [
            [r.get("employee_id"), names.get(str(r.get("employee_id")), "")]
            + [r.get(k) for k in keys]
            for r in employees
        ]
        row = _table(sheet, row + 1, ["employee_id", "name", *keys], rows)
    for table in ("people", "back_office_days"):
        records = summary.get(table) or []
        if records:
            keys = list(records[0])
            row = _table(sheet, row + 1, keys, [[r.get(k) for k in keys] for r in records])
    _fit_widths(sheet, minimum=10, maximum=60)
    sheet.freeze_panes = "A2"


def _flatten(data: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """``(key, value)`` KPI rows: nested keys joined by a space, lists by their length."""
    items: list[tuple[str, Any]] = []
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            items += _flatten(value, f"{name} ")
        elif key in _TABLES:
            continue
        elif isinstance(value, list):
            items.append((name, len(value)) if key in _LIST_COUNTS else (name, str(value)))
        else:
            items.append((name, value))
    return items


def _per_day(data: _Data) -> pd.DataFrame:
    """Per day: demand and on-floor person-hours and the hours short, on every line."""
    hours = data.step / 60
    columns: dict[str, list[Any]] = {"date": [d.isoformat() for d in data.days]}
    for line in data.lines:
        frame = data.coverage[line]
        day_of = pd.Series(frame.index, index=frame.index).dt.date
        required = frame["required"].groupby(day_of).sum()
        short = (frame["required"] - frame["on_floor"]).clip(lower=0).groupby(day_of).sum()
        label = _line_label(line)
        if not line:
            on_floor = frame["on_floor"].groupby(day_of).sum()
            columns["required hours"] = [float(required.get(d, 0)) * hours for d in data.days]
            columns["on floor hours"] = [float(on_floor.get(d, 0)) * hours for d in data.days]
        columns[f"shortfall hours {label}"] = [float(short.get(d, 0)) * hours for d in data.days]
    return pd.DataFrame(columns)


def _add_shortfall_chart(sheet: Worksheet, header_row: int, num_days: int) -> None:
    chart = BarChart()
    chart.type = "col"
    chart.title = "Shortfall hours per day"
    chart.y_axis.title = "hours"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.height, chart.width = 8, 18
    # Column D is the total line's shortfall (date, required, on floor come first).
    values = Reference(sheet, min_col=4, min_row=header_row, max_row=header_row + num_days)
    chart.add_data(values, titles_from_data=True)
    chart.set_categories(
        Reference(sheet, min_col=1, min_row=header_row + 1, max_row=header_row + num_days)
    )
    chart.series[0].graphicalProperties.solidFill = "C00000"
    sheet.add_chart(chart, "E2")


# --------------------------------------------------------------------------- a day's timeline


def _add_day(sheet: Worksheet, data: _Data, day: date) -> None:
    """People working on ``day`` against the day's intervals, then coverage and a legend.

    The day's rows are those starting on it (a night shift runs on past midnight) and an
    earlier night shift's part after midnight.
    """
    midnight = datetime.combine(day, datetime.min.time())
    rows = [r for r in data.rows if r["day"] == day or (r["day"] < day and r["end"] > midnight)]
    step = data.step
    span = _day_span(data, rows, midnight)
    titles = ["employee_id", "name", "shift"]
    if span is None:
        _header(sheet, 1, 1, titles)
        _put(sheet, 2, 1, "nobody works and nothing is required on this day")
        _fit_widths(sheet)
        return
    first, last = span
    minutes = list(range(first, last, step))
    _header(sheet, 1, 1, titles)
    first_column = len(titles) + 1
    for offset, minute in enumerate(minutes):
        moment = midnight + timedelta(minutes=minute)
        label = f"{moment:%H:%M}" + ("+1" if minute >= MINUTES_PER_DAY else "")
        cell = _put(sheet, 1, first_column + offset, label, font=_BOLD)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(text_rotation=90, horizontal="center")
    codes = data.codes
    by_person: dict[str, list[Row]] = {}
    for record in rows:
        by_person.setdefault(record["employee_id"], []).append(record)
    row = 1
    for employee_id, name in data.people:
        person = by_person.get(employee_id)
        if person is None:
            continue
        row += 1
        _put(sheet, row, 1, employee_id)
        _put(sheet, row, 2, name)
        _put(sheet, row, 3, roster_cell(person))
        marks = _marks(person, midnight, minutes, step, codes)
        for offset, mark in enumerate(marks):
            if mark is None:
                continue
            text, fill = mark
            cell = _put(sheet, row, first_column + offset, text, fill=fill)
            cell.font, cell.alignment = _SMALL, _CENTER
    row = _day_coverage(sheet, data, row + 2, midnight, minutes, first_column)
    used = {r["activity"] for r in rows}
    _legend(sheet, row + 1, {name: code for name, code in codes.items() if name in used})
    _fit_widths(sheet)
    sheet.column_dimensions["A"].width = max(12, sheet.column_dimensions["A"].width or 0)
    for offset in range(len(minutes)):
        sheet.column_dimensions[get_column_letter(first_column + offset)].width = 3.5
    sheet.row_dimensions[1].height = 40
    sheet.freeze_panes = sheet.cell(row=2, column=first_column)


def _day_span(data: _Data, rows: list[Row], midnight: datetime) -> tuple[int, int] | None:
    """Minutes after ``midnight`` the timeline spans, on whole hours; None if nothing happens."""
    starts, ends = [], []
    if rows:
        starts.append(max(0, min(_minutes(r["start"], midnight) for r in rows)))
        ends.append(max(_minutes(r["end"], midnight) for r in rows))
    for line in data.lines:
        frame = data.coverage[line]
        if frame.empty:
            continue
        busy = frame[
            (frame["required"] > 0) & (pd.DatetimeIndex(frame.index).date == midnight.date())
        ]
        if len(busy):
            starts.append(_minutes(busy.index.min(), midnight))
            ends.append(_minutes(busy.index.max(), midnight) + data.step)
    if not starts:
        return None
    first = min(starts) // 60 * 60
    last = -(-max(ends) // 60) * 60
    return first, last


def _minutes(when: datetime, midnight: datetime) -> int:
    return int((when - midnight).total_seconds() // 60)


def _break_codes(rows: list[Row]) -> dict[str, tuple[str, PatternFill]]:
    """A short mark and a colour for each break name, in order of first appearance."""
    taken = {SHIFT_MARK, ONSITE_MARK, REMOTE_MARK}
    codes: dict[str, tuple[str, PatternFill]] = {}
    for record in sorted(rows, key=lambda r: r["start"]):
        name = str(record["activity"])
        if name in codes or not _is_break(record):
            continue
        letters = re.sub(r"[^0-9A-Za-z]", "", name)
        digits = re.search(r"\d+$", letters)
        candidates = []
        if letters:
            candidates.append(letters[0].upper() + (digits.group() if digits else ""))
            candidates.append(letters[:2].capitalize())
        candidates += [f"B{n}" for n in range(1, len(rows) + 2)]
        code = next(c for c in candidates if c not in taken)
        taken.add(code)
        colour = _BREAK_COLOURS[len(codes) % len(_BREAK_COLOURS)]
        codes[name] = (code, PatternFill("solid", fgColor=colour))
    return codes


def _marks(
    person: list[Row],
    midnight: datetime,
    minutes: list[int],
    step: int,
    codes: dict[str, tuple[str, PatternFill]],
) -> list[tuple[str, PatternFill] | None]:
    """The mark of each interval: a break's code over its shift, the shift or flex day, or None."""
    marks: list[tuple[str, PatternFill] | None] = [None] * len(minutes)
    first = minutes[0] if minutes else 0

    def paint(start: Any, end: Any, mark: tuple[str, PatternFill]) -> None:
        begin = max(0, -(-(_minutes(start, midnight) - first) // step))
        finish = min(len(minutes), -(-(_minutes(end, midnight) - first) // step))
        for index in range(begin, finish):
            marks[index] = mark

    # Breaks last, so they cut into the shift they lie in.
    for record in sorted(person, key=_is_break):
        activity = str(record["activity"])
        if activity == SHIFT_ACTIVITY:
            paint(record["start"], record["end"], (SHIFT_MARK, _SHIFT_FILL))
        elif activity == FLEX_ACTIVITY:
            remote = str(record.get("location")) == "remote"
            mark = (REMOTE_MARK, _REMOTE_FILL) if remote else (ONSITE_MARK, _ONSITE_FILL)
            paint(record["start"], record["end"], mark)
        elif activity in codes:
            paint(record["start"], record["end"], codes[activity])
        else:
            paint(record["start"], record["end"], (activity[:2].upper(), _OTHER_FILL))
    return marks


def _day_coverage(
    sheet: Worksheet,
    data: _Data,
    row: int,
    midnight: datetime,
    minutes: list[int],
    first_column: int,
) -> int:
    """Required and on floor per line under the timeline, shortfalls in red; next free row."""
    for line in data.lines:
        counts = data.counts[line]
        label = _line_label(line)
        _put(sheet, row, 2, f"required ({label})", font=_BOLD)
        _put(sheet, row + 1, 2, f"on floor ({label})", font=_BOLD)
        for offset, minute in enumerate(minutes):
            start = pd.Timestamp(midnight + timedelta(minutes=minute))
            required, on_floor = counts.get(pd.Timestamp(start), (0, 0))
            column = first_column + offset
            _put(sheet, row, column, required, font=_SMALL, alignment=_CENTER)
            cell = _put(sheet, row + 1, column, on_floor, font=_SMALL, alignment=_CENTER)
            if on_floor < required:
                cell.fill = _SHORT_FILL
                cell.font = Font(size=8, color="9C0006", bold=True)
        row += 2
    return row


def _legend(sheet: Worksheet, row: int, codes: dict[str, tuple[str, PatternFill]]) -> None:
    entries = [
        (SHIFT_MARK, _SHIFT_FILL, "front-office shift"),
        (ONSITE_MARK, _ONSITE_FILL, "back-office day on site (flex band)"),
        (REMOTE_MARK, _REMOTE_FILL, "back-office day remote (flex band)"),
    ]
    entries += [(code, fill, f"break: {name}") for name, (code, fill) in codes.items()]
    _put(sheet, row, 2, "legend", font=_BOLD)
    for offset, (code, fill, meaning) in enumerate(entries):
        _put(sheet, row + 1 + offset, 1, code, fill=fill, alignment=_CENTER)
        _put(sheet, row + 1 + offset, 2, meaning)
