"""Calendars (iCalendar, RFC 5545): one per person and one for the whole team.

Every event's UID is derived from the scenario's name, the calendar (a person's or the
team's), the person, the date and the activity, never from times or chance: re-importing the
calendars of an updated roster replaces each day's events instead of adding copies. A shift and
a back-office day share the activity key ``work``, so a day moved from one office to the other
is replaced too.

DTSTAMP and LAST-MODIFIED are the roster's revision time (by default when roster.csv was
written, so exporting the same folder twice gives the same files) and SEQUENCE counts whole
minutes from 2020-01-01 UTC to it: a later roster always carries a higher SEQUENCE, which is
what calendar clients compare before replacing an event they already hold.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd
from icalendar import Calendar, Event

from scheduler.errors import InputError
from scheduler.export.folder import ROSTER_FILE, SUMMARY_FILE, Output
from scheduler.io.files import write_atomic
from scheduler.io.roster import FLEX_ACTIVITY, SHIFT_ACTIVITY

ICS_FOLDER = "ics"
TEAM_CALENDAR = "team"
PRODID = "-//scheduler//roster calendars//EN"
WORK_KEY = "work"
"""Activity key of a day's shift or back-office day in the UID."""
UID_NAMESPACE = uuid.UUID("6f1d2c84-5a0e-4c8e-9d51-3b7e0a6c2f10")
SEQUENCE_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
_RESERVED = {"con", "prn", "aux", "nul"} | {f"{p}{n}" for p in ("com", "lpt") for n in range(10)}


@dataclass(frozen=True)
class _Item:
    """One roster row as a calendar event."""

    employee_id: str
    name: str
    date: str
    activity: str
    start: datetime
    end: datetime
    row: dict[str, Any]


def write_ics(output: Output, folder: Path, revision: datetime | None = None) -> list[Path]:
    """Write ``ics/<employee_id>.ics`` per person and ``ics/team.ics`` into ``folder``.

    Parameters
    ----------
    output
        A solve's output folder as read by :func:`scheduler.export.folder.read_output`.
    folder
        Where the ``ics`` folder goes.
    revision
        When this roster was made (DTSTAMP and SEQUENCE); default: roster.csv's modification
        time, else now.

    Returns
    -------
    list[Path]
        The person calendars in employee order, then the team calendar.
    """
    zone = _zone(output.timezone)
    span = None if zone is None else _span(output)
    stamp = _revision(output, revision)
    items = _items(output, zone)
    people = _people(output)
    scenario = str(output.summary.get("scenario") or "")
    files = calendar_file_names(list(people))
    out = Path(folder) / ICS_FOLDER
    written = []
    by_person: dict[str, list[_Item]] = {}
    for item in items:
        by_person.setdefault(item.employee_id, []).append(item)
    for employee_id, name in people.items():
        mine = by_person.get(employee_id, [])
        title = f"Roster: {name} ({employee_id})" if name else f"Roster: {employee_id}"
        calendar = _calendar(title, output.timezone)
        _add_events(calendar, mine, by_person, scenario, "person", stamp, team=False)
        path = out / f"{files[employee_id]}.ics"
        _write(path, calendar, span)
        written.append(path)
    calendar = _calendar(f"Roster: {scenario or 'team'}", output.timezone)
    _add_events(calendar, items, by_person, scenario, "team", stamp, team=True)
    path = out / f"{TEAM_CALENDAR}.ics"
    _write(path, calendar, span)
    written.append(path)
    return written


def calendar_file_names(employee_ids: list[str]) -> dict[str, str]:
    """A safe, distinct file stem per employee id.

    An id made only of letters, digits, ``-`` and ``_`` is its own stem. Any other id, an id
    that clashes with the team calendar or a name reserved on Windows, and ids that differ only
    in case get a short hash of the id appended, so no two people share a file on any system.
    """
    stems = {}
    for employee_id in employee_ids:
        stem = _UNSAFE.sub("_", employee_id)[:64] or "_"
        if stem != employee_id or stem.lower() in _RESERVED | {TEAM_CALENDAR}:
            stem = f"{stem}-{_digest(employee_id)}"
        stems[employee_id] = stem
    folded = Counter(stem.lower() for stem in stems.values())
    for employee_id, stem in stems.items():
        if folded[stem.lower()] > 1:
            stems[employee_id] = f"{stem}-{_digest(employee_id)}"
    return stems


def event_uid(scenario: str, scope: str, employee_id: str, date: str, key: str) -> str:
    """The UID of an event: a name-based UUID of everything that identifies it but its times."""
    name = "\x1f".join([scenario, scope, employee_id, date, key])
    return f"{uuid.uuid5(UID_NAMESPACE, name)}@scheduler"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def _zone(name: str | None) -> tzinfo | None:
    if name is None:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise InputError(
            SUMMARY_FILE, f"expected an IANA time zone, got {name!r}", column="horizon.timezone"
        ) from None


def _span(output: Output) -> tuple[date, date]:
    """Dates well before and after everything in the calendar."""
    times = [output.roster["start"].min(), output.roster["end"].max()]
    horizon = output.summary.get("horizon") or {}
    with contextlib.suppress(TypeError, ValueError):
        times.append(pd.Timestamp(str(horizon.get("start"))))
    known = [t.date() for t in times if not pd.isna(t)] or [datetime.now(UTC).date()]
    return min(known) - timedelta(days=366), max(known) + timedelta(days=366)


def _revision(output: Output, revision: datetime | None) -> datetime:
    if revision is None:
        try:
            seconds = (output.folder / ROSTER_FILE).stat().st_mtime
        except OSError:
            seconds = datetime.now(UTC).timestamp()
        revision = datetime.fromtimestamp(int(seconds), UTC)
    elif revision.tzinfo is None:
        revision = revision.replace(tzinfo=UTC)
    return revision.astimezone(UTC).replace(microsecond=0)


def _people(output: Output) -> dict[str, str]:
    """Everyone with a calendar, id to name: the roster's people, then the rest of the staff."""
    people: dict[str, str] = {}
    for record in output.roster.to_dict("records"):
        people.setdefault(str(record["employee_id"]), str(record.get("name", "")))
    for person in output.summary.get("staff") or []:
        people.setdefault(str(person["employee_id"]), str(person.get("name", "")))
    return people


def _items(output: Output, zone: tzinfo | None) -> list[_Item]:
    items = []
    for record in output.roster.to_dict("records"):
        start, end = record["start"], record["end"]
        if pd.isna(start) or pd.isna(end):
            continue
        items.append(
            _Item(
                employee_id=str(record["employee_id"]),
                name=str(record.get("name", "")),
                date=str(record.get("date", "")) or start.date().isoformat(),
                activity=str(record["activity"]),
                start=_local(start, zone),
                end=_local(end, zone),
                row={str(key): value for key, value in record.items()},
            )
        )
    return items


def _local(value: pd.Timestamp, zone: tzinfo | None) -> datetime:
    # roster.csv holds wall-clock times; with no zone they stay floating (RFC 5545 form 1).
    when = value.to_pydatetime().replace(tzinfo=None)
    return when if zone is None else when.replace(tzinfo=zone)


def _calendar(title: str, timezone: str | None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", title)
    if timezone:
        calendar.add("x-wr-timezone", timezone)
    return calendar


def _add_events(
    calendar: Calendar,
    items: list[_Item],
    by_person: dict[str, list[_Item]],
    scenario: str,
    scope: str,
    stamp: datetime,
    *,
    team: bool,
) -> None:
    """Add an event per item; the team calendar leaves breaks to each shift's description."""
    sequence = max(0, int((stamp - SEQUENCE_EPOCH).total_seconds()) // 60)
    seen: Counter[tuple[str, str, str]] = Counter()
    for item in items:
        is_work = item.activity in (SHIFT_ACTIVITY, FLEX_ACTIVITY)
        if team and not is_work:
            continue
        key = WORK_KEY if is_work else f"break:{item.activity}"
        seen[(item.employee_id, item.date, key)] += 1
        count = seen[(item.employee_id, item.date, key)]
        # A hand-edited roster could hold two shifts or two same-named breaks on a date.
        unique_key = key if count == 1 else f"{key}#{count}"
        event = Event()
        event.add("uid", event_uid(scenario, scope, item.employee_id, item.date, unique_key))
        event.add("dtstamp", stamp)
        event.add("last-modified", stamp)
        event.add("sequence", sequence)
        event.add("dtstart", item.start)
        event.add("dtend", item.end)
        summary, description, category, location = _describe(item, by_person[item.employee_id])
        if team:
            summary = f"{item.name or item.employee_id}: {summary}"
        event.add("summary", summary)
        event.add("description", description)
        event.add("categories", [category])
        if location:
            event.add("location", location)
        # A break frees its time inside a busy shift.
        event.add("transp", "OPAQUE" if is_work else "TRANSPARENT")
        calendar.add_component(event)


def _describe(item: _Item, mine: list[_Item]) -> tuple[str, str, str, str]:
    """Summary, description, category and location of an event; ``mine``: the person's items."""
    row = item.row
    who = f"{item.name} ({item.employee_id})" if item.name else item.employee_id
    hours = _hours(row.get("hours"))
    span = f"{item.start:%H:%M}-{item.end:%H:%M}"
    if item.activity == FLEX_ACTIVITY:
        remote = str(row.get("location", "")) == "remote"
        where = "remote" if remote else "on site"
        summary = f"Back office ({where})"
        description = f"{who}\nBack-office day {where}: {hours} within {span}"
        return summary, description, "back office", "Remote" if remote else "On site"
    if item.activity == SHIFT_ACTIVITY:
        shift_id = str(row.get("shift_id", ""))
        summary = f"Shift {shift_id}".strip()
        lines = [who, f"{summary} {span}, {hours} paid"]
        for other in mine:
            if (
                other.activity not in (SHIFT_ACTIVITY, FLEX_ACTIVITY)
                and item.start <= other.start < item.end
            ):
                note = " (unpaid)" if str(other.row.get("paid", "")) == "false" else ""
                lines.append(f"{other.activity} {other.start:%H:%M}-{other.end:%H:%M}{note}")
        return summary, "\n".join(lines), "shift", ""
    unpaid = str(row.get("paid", "")) == "false"
    summary = f"{item.activity} (unpaid)" if unpaid else item.activity
    description = f"{who}\n{'Unpaid' if unpaid else 'Paid'} break {item.activity} {span}"
    return summary, description, "break", ""


def _hours(value: Any) -> str:
    try:
        minutes = round(float(value) * 60)
    except (TypeError, ValueError):
        return "? h"
    whole, rest = divmod(minutes, 60)
    return f"{whole} h {rest:02d} min" if rest else f"{whole} h"


def _write(path: Path, calendar: Calendar, span: tuple[date, date] | None) -> None:
    if span is not None:
        # Transitions of the roster's own year or so keep the VTIMEZONE short.
        calendar.add_missing_timezones(first_date=span[0], last_date=span[1])
    data = calendar.to_ical()

    def write(stream: BinaryIO) -> None:
        stream.write(data)

    write_atomic(path, write)
