"""The roster as a people-by-days grid in the terminal, with the solve's status line."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table
from rich.text import Text

from scheduler.export.folder import Output
from scheduler.io.roster import FLEX_ACTIVITY, SHIFT_ACTIVITY

OFF = "OFF"
DAYS_PER_TABLE = 7
STYLES = {OFF: "dim", "REMOTE": "cyan", "ONSITE": "green"}


def horizon_days(output: Output) -> list[date]:
    """The days of the solve's horizon; those the roster spans when the summary lacks it."""
    horizon = output.summary.get("horizon") or {}
    if horizon.get("start") and horizon.get("days"):
        first = date.fromisoformat(str(horizon["start"]))
        return [first + timedelta(days=d) for d in range(int(horizon["days"]))]
    if output.roster.empty:
        return []
    first, last = output.roster["start"].min().date(), output.roster["start"].max().date()
    return [first + timedelta(days=d) for d in range((last - first).days + 1)]


def cell_text(work: pd.DataFrame) -> str:
    """A person's day: ``07:00-15:30`` for a shift, ``REMOTE 8h`` for a flex day, else OFF."""
    parts = []
    for record in work.sort_values("start").to_dict("records"):
        if record["activity"] == SHIFT_ACTIVITY:
            parts.append(f"{record['start']:%H:%M}-{record['end']:%H:%M}")
        elif record["activity"] == FLEX_ACTIVITY:
            location = str(record.get("location") or "flex").upper()
            hours = record.get("hours")
            parts.append(location if pd.isna(hours) else f"{location} {hours:g}h")
    return " + ".join(parts) or OFF


def roster_grid(output: Output) -> pd.DataFrame:
    """People by days: ``employee_id``, ``name``, then one column of cells per ISO date.

    Everyone the summary lists appears, in its order (those without work as OFF all week),
    then anyone else the roster names.
    """
    roster = output.roster
    days = horizon_days(output)
    people: dict[str, str] = {}
    for record in output.summary.get("employees") or []:
        people.setdefault(str(record.get("employee_id", "")), "")
    names = roster.get("name", pd.Series([""] * len(roster), index=roster.index))
    for employee_id, name in zip(roster["employee_id"], names, strict=True):
        if not people.get(str(employee_id)):
            people[str(employee_id)] = str(name)
    people.pop("", None)
    by_day = roster.assign(day=roster["start"].dt.date)
    groups = dict(tuple(by_day.groupby(["employee_id", "day"])))
    empty = by_day.iloc[0:0]
    rows: list[dict[str, Any]] = []
    for employee_id, name in people.items():
        row: dict[str, Any] = {"employee_id": employee_id, "name": name}
        for day in days:
            row[day.isoformat()] = cell_text(groups.get((employee_id, day), empty))
        rows.append(row)
    columns = ["employee_id", "name", *(d.isoformat() for d in days)]
    return pd.DataFrame.from_records(rows, columns=columns)


def status_line(summary: dict[str, Any]) -> str:
    """Status, objective, bound, gap, shortfall and surplus hours of the solve."""
    parts = [str(summary.get("status", "unknown"))]

    def add(label: str, key: str, form: str) -> None:
        value = summary.get(key)
        if value is not None:
            parts.append(f"{label} {value:{form}}")

    add("objective", "objective", ",")
    add("bound", "best_bound", ",")
    gap = summary.get("gap")
    if gap is not None:
        parts.append(f"gap {100 * gap:.2f} %")
    add("shortfall", "shortfall_hours", ",.1f")
    if summary.get("shortfall_hours") is not None:
        parts[-1] += " h"
    add("surplus", "surplus_hours", ",.1f")
    if summary.get("surplus_hours") is not None:
        parts[-1] += " h"
    add("after", "solve_seconds", ".1f")
    if summary.get("solve_seconds") is not None:
        parts[-1] += " s"
    if summary.get("interrupted"):
        parts.append("interrupted")
    return ", ".join(parts)


def grid_tables(output: Output) -> list[Table]:
    """The grid as rich tables of at most a week each, so long horizons stay readable."""
    grid = roster_grid(output)
    days = horizon_days(output)
    title = str(output.summary.get("scenario") or output.folder)
    tables = []
    for first in range(0, max(len(days), 1), DAYS_PER_TABLE):
        week = days[first : first + DAYS_PER_TABLE]
        heading = title if len(days) <= DAYS_PER_TABLE else f"{title}, week {first // 7 + 1}"
        # Names come from input data: Text keeps a "[" in them from being read as markup.
        table = Table(title=Text(heading), title_justify="left")
        table.add_column("person", no_wrap=True)
        for day in week:
            table.add_column(f"{day:%a}\n{day.isoformat()}", no_wrap=True)
        for row in grid.to_dict("records"):
            label = f"{row['employee_id']} {row['name']}".rstrip()
            cells = [_styled(str(row[day.isoformat()])) for day in week]
            table.add_row(Text(label), *cells)
        tables.append(table)
    return tables


def _styled(cell: str) -> Text:
    return Text(cell, style=STYLES.get(cell.split(" ")[0], ""))


def print_output(output: Output, console: Console | None = None) -> None:
    """Print the roster grid and the status line; off a terminal, wide enough not to wrap."""
    console = console or Console(highlight=False)
    tables = grid_tables(output)
    if not console.is_terminal:
        unbounded = console.options.update_width(10_000)
        widest = max(console.measure(t, options=unbounded).maximum for t in tables)
        console.width = max(80, widest)
    for table in tables:
        console.print(table)
    console.print(Text(status_line(output.summary)))
