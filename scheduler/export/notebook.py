"""A solve in a notebook: an HTML summary, a coverage plot and a simple Excel workbook.

matplotlib and openpyxl are imported only when a plot or a workbook is asked for.
"""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import pandas as pd

from scheduler.export.kpis import hours_per_person, kpis
from scheduler.io.files import write_atomic
from scheduler.solve import Result

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["coverage_frame", "plot_coverage", "result_html", "write_excel"]

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

    Parameters
    ----------
    result
        A solve with a roster.
    day
        A horizon day (index from 0, a date or ``"YYYY-MM-DD"``); None plots the horizon.

    Returns
    -------
    matplotlib.figure.Figure
        Shortfall is shaded red. The figure is closed in pyplot, so a notebook shows it once,
        as the cell's value.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    frame = coverage_frame(result)
    if day is not None:
        when = _day_date(result, day)
        frame = frame[frame["start"].dt.date == when]
    lines = list(dict.fromkeys(frame["skill"]))
    figure, axes = plt.subplots(
        len(lines), 1, sharex=True, squeeze=False, figsize=(10, 1.2 + 2.2 * len(lines))
    )
    for ax, skill in zip(axes[:, 0], lines, strict=True):
        line = frame[frame["skill"] == skill]
        ax.step(line["start"], line["on_floor"], where="post", label="on floor", color="tab:blue")
        ax.step(line["start"], line["required"], where="post", label="required", color="black")
        ax.fill_between(
            line["start"],
            line["on_floor"],
            line["required"],
            where=line["required"] > line["on_floor"],
            step="post",
            color="tab:red",
            alpha=0.3,
            label="shortfall",
        )
        ax.set_ylabel("people")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(f"skill {skill}" if skill else "all front office", loc="left", fontsize=10)
    axes[0, 0].legend(loc="upper right", fontsize=8)
    when_text = "" if day is None else f", {_day_date(result, day)}"
    figure.suptitle(f"Coverage: {result.scenario.name}{when_text}")
    figure.autofmt_xdate()
    figure.tight_layout()
    plt.close(figure)
    return figure


def _day_date(result: Result, day: int | str | date) -> date:
    horizon = result.scenario.horizon
    when = horizon.date_of(day) if isinstance(day, int) else pd.Timestamp(day).date()
    if horizon.day_of(when) is None:
        last = horizon.date_of(horizon.days - 1)
        raise ValueError(f"day {day} lies outside the horizon {horizon.start}..{last}")
    return when


def write_excel(result: Result, path: str | Path) -> Path:
    """Write sheets ``kpis``, ``roster``, ``coverage`` and ``hours`` to an .xlsx atomically.

    A plain workbook of the tables; the formatted one of ``scheduler.export.xlsx`` can take
    its place once it is there.
    """
    target = Path(path)
    values = kpis(result).to_frame("value")
    values["value"] = values["value"].map(lambda v: "" if v is None else v)
    sheets = {"kpis": values.reset_index(names="kpi")}
    if result.report is not None:
        sheets["roster"] = result.roster
        sheets["coverage"] = coverage_frame(result)
        sheets["hours"] = hours_per_person(result)

    def write(stream: BinaryIO) -> None:
        with pd.ExcelWriter(stream, engine="openpyxl") as writer:
            for name, frame in sheets.items():
                frame.to_excel(writer, sheet_name=name, index=False)

    write_atomic(target, write)
    return target
