"""A solve in a notebook: an HTML summary, the coverage plot and the Excel workbook.

The plot and the workbook are those of ``scheduler export`` (png, xlsx), built from the result
in memory; matplotlib and openpyxl are imported only when one is asked for.
"""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import pandas as pd

from scheduler.export.folder import Output
from scheduler.export.kpis import hours_per_person, kpis
from scheduler.export.outputs import summary
from scheduler.io.files import write_atomic
from scheduler.result import Result

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["as_output", "coverage_frame", "plot_coverage", "result_html", "write_excel"]

MAX_HTML_PEOPLE = 20
"""Rows of the hours table shown in full; longer tables show their head and tail."""


def coverage_frame(result: Result) -> pd.DataFrame:
    """The coverage table with ``start`` and ``end`` as Timestamps (``skill`` "" = total)."""
    frame = result.coverage.copy()
    for column in ("start", "end"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def result_html(result: Result) -> str:
    """A readable summary: the status line, the KPIs and hours per person."""
    scenario = result.scenario
    title = html.escape(scenario.name or "scenario")
    gap = "" if result.gap is None else f", gap {100 * result.gap:.2f} %"
    parts = [
        f"<div><strong>{title}</strong>: {html.escape(result.status)}{gap}, "
        f"{scenario.num_employees} people, {scenario.horizon.days} days from "
        f"{scenario.horizon.start}</div>"
    ]
    if result.conflicts:
        items = "".join(f"<li>{html.escape(line)}</li>" for line in result.conflicts)
        parts.append(f"<div>Conflicting rule groups:<ul>{items}</ul></div>")
    if result.report is not None and not result.report.ok:
        items = "".join(f"<li>{html.escape(str(v))}</li>" for v in result.report.violations)
        parts.append(f"<div>The verifier found broken rules:<ul>{items}</ul></div>")
    table = kpis(result).to_frame("value")
    tables = ["<div><em>KPIs</em>" + table.to_html(na_rep="", float_format=_number) + "</div>"]
    people = hours_per_person(result)
    if not people.empty:
        hours = people.to_html(index=False, max_rows=MAX_HTML_PEOPLE, float_format=_number)
        tables.append(f"<div><em>Hours per person</em>{hours}</div>")
    parts.append(
        '<div style="display: flex; gap: 2em; align-items: flex-start">'
        + "".join(tables)
        + "</div>"
    )
    return "\n".join(parts)


def _number(value: float) -> str:
    return f"{value:,.2f}"


def plot_coverage(result: Result, day: int | str | date | None = None) -> Figure:
    """Required people against people on the floor, one panel per demand line (total first).

    The figure of ``scheduler export --format png`` (see :mod:`scheduler.export.png`).

    Parameters
    ----------
    result
        A solve with a roster.
    day
        A horizon day (index from 0, a date or ``"YYYY-MM-DD"``); None plots the horizon.

    Returns
    -------
    matplotlib.figure.Figure
        Shown once as a notebook cell's value.
    """
    import matplotlib.pyplot as plt

    from scheduler.export.png import coverage_figure

    when = None if day is None else _day_date(result, day)
    figure = coverage_figure(as_output(result), when)
    if figure is None:
        raise ValueError(f"no coverage to plot: status {result.status}")
    # A pyplot figure loads the notebook's matplotlib backend, which is what teaches IPython to
    # show Figure objects; closing it at once keeps it from being shown itself.
    plt.close(plt.figure())
    return figure


def _day_date(result: Result, day: int | str | date) -> date:
    horizon = result.scenario.horizon
    when = horizon.date_of(day) if isinstance(day, int) else pd.Timestamp(day).date()
    if horizon.day_of(when) is None:
        last = horizon.date_of(horizon.days - 1)
        raise ValueError(f"day {day} lies outside the horizon {horizon.start}..{last}")
    return when


def write_excel(result: Result, path: str | Path) -> Path:
    """Write the workbook of ``scheduler export --format xlsx`` to ``path`` atomically.

    Without a roster (infeasible, no roster in time) the workbook has one sheet, ``kpis``.
    """
    target = Path(path)
    if result.report is not None:
        from scheduler.export.xlsx import build_workbook

        write_atomic(target, build_workbook(as_output(result)).save)
        return target
    values = kpis(result).to_frame("value")
    values["value"] = values["value"].map(lambda v: "" if v is None else v)

    def write(stream: BinaryIO) -> None:
        with pd.ExcelWriter(stream, engine="openpyxl") as writer:
            values.reset_index(names="kpi").to_excel(writer, sheet_name="kpis", index=False)

    write_atomic(target, write)
    return target


def as_output(result: Result) -> Output:
    """The result as the exports see a solve's output folder, without writing one."""
    coverage = coverage_frame(result) if result.report is not None else pd.DataFrame()
    return Output(Path("."), result.roster, coverage, summary(result))
