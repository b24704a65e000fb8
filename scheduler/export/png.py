"""Coverage plots as PNG: required against on floor, shortfall shaded red, per day and overall.

Drawn with matplotlib's Agg canvas directly (no pyplot, so no global figure state and no
display needed) from a solve's output folder alone.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path
from typing import BinaryIO

import matplotlib as mpl
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from scheduler.export.folder import Output
from scheduler.io.files import write_atomic

WEEK_FILE = "coverage.png"
DAY_FILE = "coverage-{date}.png"
"""Per-day file name; ``{date}`` is the ISO date."""
TOTAL_LINE = "everyone"

_REQUIRED_COLOUR = "#595959"
_ON_FLOOR_COLOUR = "#2f5597"
_SHORT_COLOUR = "#d62728"


def write_png(output: Output, folder: Path) -> list[Path]:
    """Write ``coverage.png`` (the whole horizon) and ``coverage-<date>.png`` per day.

    Each figure has one panel per demand line (everyone, then each skill) with the required
    people and those on the floor per interval; intervals short of demand are shaded red.
    """
    lines = _lines(output.coverage)
    if lines is None:
        return []
    step = pd.Timedelta(minutes=output.interval_minutes)
    title = str(output.summary.get("scenario") or "")
    paths = []
    whole = folder / WEEK_FILE
    _save(_figure(lines, step, title, None), whole)
    paths.append(whole)
    for day in _days(lines):
        path = folder / DAY_FILE.format(date=day.isoformat())
        _save(_figure(lines, step, title, day), path)
        paths.append(path)
    return paths


def _lines(coverage: pd.DataFrame) -> dict[str, pd.DataFrame] | None:
    """Coverage rows per line (``""`` is everyone), sorted by start; None without coverage."""
    if coverage.empty:
        return None
    coverage = coverage.copy()
    if "skill" not in coverage.columns:
        coverage["skill"] = ""
    coverage["skill"] = coverage["skill"].astype(str)
    names = ["", *sorted({s for s in coverage["skill"] if s})]
    return {
        name: coverage[coverage["skill"] == name].sort_values("start", ignore_index=True)
        for name in names
    }


def _days(lines: dict[str, pd.DataFrame]) -> list[date]:
    return sorted(set(lines[""]["start"].dt.date))


def _figure(
    lines: dict[str, pd.DataFrame], step: pd.Timedelta, title: str, day: date | None
) -> Figure:
    """One panel per line; ``day`` None plots every interval."""
    figure = Figure(figsize=(14 if day is None else 10, 1.0 + 2.4 * len(lines)), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.subplots(len(lines), 1, sharex=True, squeeze=False)[:, 0]
    total_short = 0.0
    for ax, (name, frame) in zip(axes, lines.items(), strict=True):
        if day is not None:
            frame = frame[frame["start"].dt.date == day]
        total_short += _panel(ax, frame, step, name or TOTAL_LINE)
    last = axes[-1]
    if day is None:
        first_day = lines[""]["start"].min().normalize()
        last.set_xlim(first_day, lines[""]["start"].max().normalize() + timedelta(days=1))
        last.xaxis.set_major_locator(mdates.DayLocator())
        last.xaxis.set_major_formatter(mdates.DateFormatter("%a %d %b"))
        last.xaxis.set_minor_locator(mdates.HourLocator(byhour=[6, 12, 18]))
        when = "all days"
    else:
        start = pd.Timestamp(day)
        last.set_xlim(start, start + timedelta(days=1))
        last.xaxis.set_major_locator(mdates.HourLocator(interval=2))
        last.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M"))
        when = f"{day:%A} {day.isoformat()}"
    hours = total_short * step.total_seconds() / 3600
    heading = f"Coverage, {when}: {hours:g} person-hours short over all lines"
    with mpl.rc_context({"text.parse_math": False}):
        # A scenario name is input data: a "$" in it must not start mathtext.
        figure.suptitle(f"{title}\n{heading}" if title else heading, fontsize=11)
    figure.tight_layout()
    return figure


def _panel(ax: Axes, frame: pd.DataFrame, step: pd.Timedelta, label: str) -> float:
    """Required and on floor as steps, shortfall shaded; returns the person-intervals short."""
    ax.set_title(label, loc="left", fontsize=9, parse_math=False)
    ax.set_ylabel("people")
    ax.grid(True, axis="y", alpha=0.3)
    if frame.empty:
        return 0.0
    starts = frame["start"].to_numpy()
    # A closing point so the last interval is drawn to its end.
    x = np.append(starts, starts[-1] + step.to_timedelta64())
    required = np.append(frame["required"].to_numpy(dtype=float), frame["required"].iloc[-1])
    on_floor = np.append(frame["on_floor"].to_numpy(dtype=float), frame["on_floor"].iloc[-1])
    ax.step(x, required, where="post", color=_REQUIRED_COLOUR, linestyle="--", label="required")
    ax.step(x, on_floor, where="post", color=_ON_FLOOR_COLOUR, label="on floor")
    # Filled up to max(required, on floor): zero height where nobody is short. (A `where=`
    # mask would stop each red region one interval early in a step plot.)
    ax.fill_between(
        x,
        on_floor,
        np.maximum(on_floor, required),
        step="post",
        color=_SHORT_COLOUR,
        alpha=0.35,
        linewidth=0,
        label="shortfall",
    )
    ax.set_ylim(bottom=0, top=max(1.0, float(required.max()), float(on_floor.max())) * 1.15)
    ax.legend(loc="upper right", fontsize=8, ncols=3)
    return float(np.clip(required[:-1] - on_floor[:-1], 0, None).sum())


def _save(figure: Figure, path: Path) -> None:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    data = buffer.getvalue()

    def write(stream: BinaryIO) -> None:
        stream.write(data)

    write_atomic(path, write)


def coverage_figure(output: Output, day: date | None = None) -> Figure | None:
    """The figure of ``coverage.png`` (``day`` None) or of one day's file; None without coverage.

    For callers that show the figure rather than write it, e.g. a notebook.
    """
    lines = _lines(output.coverage)
    if lines is None:
        return None
    step = pd.Timedelta(minutes=output.interval_minutes)
    return _figure(lines, step, str(output.summary.get("scenario") or ""), day)
