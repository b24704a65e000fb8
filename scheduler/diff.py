"""What changed for each person between two rosters, for re-publishing an updated one."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import pandas as pd

from scheduler.io.roster import FLEX_ACTIVITY, SHIFT_ACTIVITY, read_roster_times

WORK_ACTIVITIES = (SHIFT_ACTIVITY, FLEX_ACTIVITY)


class ChangeKind(StrEnum):
    """How one person's day changed."""

    ADDED = "added"
    REMOVED = "removed"
    MOVED = "moved"
    BREAKS = "breaks"
    LOCATION = "location"


@dataclass(frozen=True)
class RosterBreak:
    """A break (or lunch) inside a piece of work, local wall-clock times."""

    name: str
    start: datetime
    end: datetime

    def __str__(self) -> str:
        return f"{self.name} {_span(self.start, self.end)}"


@dataclass(frozen=True)
class Work:
    """A shift or flex day of one person with its breaks, as a roster lists it.

    ``hours`` (paid hours) is shown but not compared: it follows from the times and breaks.
    A break row that lies in no shift of its person is kept as work of its own.
    """

    activity: str
    start: datetime
    end: datetime
    shift_id: str = ""
    location: str = ""
    breaks: tuple[RosterBreak, ...] = ()
    hours: float | None = field(default=None, compare=False)

    @property
    def slot(self) -> tuple[str, datetime, datetime, str]:
        """What makes two pieces of work the same one, apart from breaks and location."""
        return self.activity, self.start, self.end, self.shift_id

    def __str__(self) -> str:
        if self.activity == FLEX_ACTIVITY:
            hours = "" if self.hours is None else f" {self.hours:g}h"
            return f"{(self.location or 'flex').upper()}{hours}"
        label = f"{self.shift_id} " if self.shift_id else ""
        if self.activity != SHIFT_ACTIVITY:
            label = f"{self.activity} "
        text = f"{label}{_span(self.start, self.end)}"
        if self.breaks:
            text += " (" + ", ".join(str(b) for b in self.breaks) + ")"
        return text


@dataclass(frozen=True)
class Change:
    """One change of one person's day; ``old`` or ``new`` is None when added or removed.

    For ``breaks``, ``old`` and ``new`` are the same shift with its old and new breaks.
    """

    employee_id: str
    name: str
    day: date
    kind: ChangeKind
    old: Work | None
    new: Work | None

    def __str__(self) -> str:
        if self.kind == ChangeKind.ADDED:
            return str(self.new)
        if self.kind == ChangeKind.REMOVED:
            return str(self.old)
        assert self.old is not None and self.new is not None
        if self.kind == ChangeKind.BREAKS:
            before = ", ".join(str(b) for b in self.old.breaks if b not in self.new.breaks)
            after = ", ".join(str(b) for b in self.new.breaks if b not in self.old.breaks)
            shift = f"{self.new.shift_id} {_span(self.new.start, self.new.end)}".strip()
            return f"{shift}: {before or 'no break'} -> {after or 'no break'}"
        return f"{self.old} -> {self.new}"


def _span(start: datetime, end: datetime) -> str:
    return f"{start:%H:%M}-{end:%H:%M}"


def roster_work(frame: pd.DataFrame) -> dict[tuple[str, date], list[Work]]:
    """Group a roster table's rows into work per person and start day, breaks inside.

    Parameters
    ----------
    frame
        A roster with ``employee_id``, ``activity``, ``start`` and ``end`` (Timestamps), as
        built by :func:`scheduler.io.roster.roster_frame` or read by ``read_roster_times``.
    """
    records: list[dict[str, Any]] = [
        {str(column): value for column, value in row.items()} for row in frame.to_dict("records")
    ]
    spans: dict[str, list[dict[str, Any]]] = defaultdict(list)
    loose: list[dict[str, Any]] = []
    for record in records:
        if str(record["activity"]) in WORK_ACTIVITIES:
            spans[str(record["employee_id"])].append(record)
        else:
            loose.append(record)
    breaks: dict[int, list[RosterBreak]] = defaultdict(list)
    for record in loose:
        start, end = _time(record["start"]), _time(record["end"])
        around = [
            w
            for w in spans[str(record["employee_id"])]
            if w["activity"] == SHIFT_ACTIVITY
            and _time(w["start"]) <= start
            and end <= _time(w["end"])
        ]
        if around:
            breaks[id(around[0])].append(RosterBreak(str(record["activity"]), start, end))
        else:
            spans[str(record["employee_id"])].append(record)
    work: dict[tuple[str, date], list[Work]] = defaultdict(list)
    for employee_id, own in spans.items():
        for record in own:
            piece = Work(
                activity=str(record["activity"]),
                start=_time(record["start"]),
                end=_time(record["end"]),
                shift_id=_text(record.get("shift_id")),
                location=_text(record.get("location")),
                breaks=tuple(sorted(breaks[id(record)], key=lambda b: (b.start, b.name))),
                hours=_hours(record.get("hours")),
            )
            work[employee_id, piece.start.date()].append(piece)
    return {key: sorted(pieces, key=lambda w: w.start) for key, pieces in work.items()}


def _time(value: Any) -> datetime:
    return pd.Timestamp(value).to_pydatetime()


def _text(value: Any) -> str:
    return "" if value is None or pd.isna(value) else str(value).strip()


def _hours(value: Any) -> float | None:
    try:
        return float(_text(value))
    except ValueError:
        return None


def _names(frame: pd.DataFrame) -> dict[str, str]:
    if "name" not in frame.columns:
        return {}
    return {
        str(employee_id): _text(name)
        for employee_id, name in zip(frame["employee_id"], frame["name"], strict=True)
        if _text(name)
    }


def diff_rosters(old: pd.DataFrame, new: pd.DataFrame) -> list[Change]:
    """The changes from ``old`` to ``new``, by person, day and time.

    Per person and day, identical work is left out; work in the same slot (activity, times
    and template) that differs in location or breaks gives ``location`` or ``breaks``; other
    work is paired in time order as ``moved``; what is left is ``removed`` or ``added``.
    """
    before, after = roster_work(old), roster_work(new)
    names = {**_names(old), **_names(new)}
    changes: list[Change] = []
    for key in sorted(set(before) | set(after)):
        employee_id, day = key
        olds = list(before.get(key, []))
        news = list(after.get(key, []))
        for piece in list(olds):
            if piece in news:
                olds.remove(piece)
                news.remove(piece)
        found: list[tuple[ChangeKind, Work | None, Work | None]] = []
        for piece in list(olds):
            same = next((w for w in news if w.slot == piece.slot), None)
            if same is None:
                continue
            olds.remove(piece)
            news.remove(same)
            if piece.location != same.location:
                found.append((ChangeKind.LOCATION, piece, same))
            if piece.breaks != same.breaks:
                found.append((ChangeKind.BREAKS, piece, same))
        for piece, other in zip(olds, news, strict=False):
            found.append((ChangeKind.MOVED, piece, other))
        found += [(ChangeKind.REMOVED, piece, None) for piece in olds[len(news) :]]
        found += [(ChangeKind.ADDED, None, piece) for piece in news[len(olds) :]]
        name = names.get(employee_id, "")
        changes += [Change(employee_id, name, day, *item) for item in found]
    return changes


def diff_files(old: Path, new: Path) -> list[Change]:
    """The changes from roster.csv ``old`` to roster.csv ``new`` (InputError if unreadable)."""
    return diff_rosters(read_roster_times(old), read_roster_times(new))


def change_records(changes: list[Change]) -> list[dict[str, Any]]:
    """Changes as plain data: ISO times, breaks as lists, and the line the text output shows."""
    return [
        {
            "employee_id": c.employee_id,
            "name": c.name,
            "date": c.day.isoformat(),
            "change": str(c.kind),
            "old": _work_record(c.old),
            "new": _work_record(c.new),
            "text": str(c),
        }
        for c in changes
    ]


def _work_record(work: Work | None) -> dict[str, Any] | None:
    if work is None:
        return None
    return {
        "activity": work.activity,
        "shift_id": work.shift_id,
        "location": work.location,
        "start": work.start.isoformat(),
        "end": work.end.isoformat(),
        "hours": work.hours,
        "breaks": [
            {"name": b.name, "start": b.start.isoformat(), "end": b.end.isoformat()}
            for b in work.breaks
        ],
    }


def changes_text(changes: list[Change]) -> str:
    """The changes per person as indented lines, then a count."""
    if not changes:
        return "no changes"
    lines: list[str] = []
    current = None
    for change in changes:
        if change.employee_id != current:
            current = change.employee_id
            lines.append(f"{change.employee_id} {change.name}".rstrip())
        lines.append(f"  {change.day:%a %Y-%m-%d}  {change.kind.value:<8}  {change}".rstrip())
    people = len({c.employee_id for c in changes})
    lines.append(f"{len(changes)} changes for {people} {'person' if people == 1 else 'people'}")
    return "\n".join(lines)
