"""A self-contained HTML roster report: Gantt per day, coverage chart, KPIs, filters.

The page carries its data as JSON and draws itself with a small inline script; it loads
nothing from the network (no CDN, no fonts, no images), so it opens the same from a mail
attachment as from a file share. Text from the input is escaped on the way in: the tables built
here go through :func:`html.escape`, the embedded JSON cannot close its ``<script>`` element,
and the script only ever sets ``textContent``.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from scheduler.export.folder import Output
from scheduler.export.html_assets import SCRIPT, STYLE
from scheduler.io.files import write_text_atomic
from scheduler.io.roster import FLEX_ACTIVITY, SHIFT_ACTIVITY

HTML_FILE = "roster.html"
MINUTES_PER_DAY = 1440


def write_html(output: Output, folder: Path) -> list[Path]:
    """Write ``roster.html`` into ``folder``; return it as a one-element list.

    Parameters
    ----------
    output
        A solve's output folder as read by :func:`scheduler.export.folder.read_output`.
    folder
        Where the page goes.
    """
    path = Path(folder) / HTML_FILE
    write_text_atomic(path, render_html(output))
    return [path]


def render_html(output: Output) -> str:
    """The report page as one string."""
    data = report_data(output)
    title = f"Roster: {data['scenario']}" if data["scenario"] else "Roster"
    subtitle = _subtitle(output, data)
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            # Nothing may be fetched: the page works offline and leaks nothing when opened.
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">",
            f"<title>{_text(title)}</title>",
            f"<style>{STYLE}</style>",
            "</head>",
            "<body>",
            "<header>",
            f"<h1>{_text(title)}</h1>",
            f'<p class="subtitle">{_text(subtitle)}</p>',
            _filters(data),
            _legend(),
            "</header>",
            "<main>",
            "<noscript><p>The day charts need JavaScript; the tables below do not.</p></noscript>",
            '<div id="days"></div>',
            '<section class="tables">',
            _kpi_table(output),
            _hours_table(output, data),
            _people_table(output, data),
            _back_office_table(output),
            "</section>",
            "</main>",
            f'<script id="roster-data" type="application/json">{_json(data)}</script>',
            f"<script>{SCRIPT}</script>",
            "</body>",
            "</html>",
            "",
        ]
    )


def report_data(output: Output) -> dict[str, Any]:
    """What the page's script draws, as plain JSON-ready data.

    ``work`` holds one entry per shift or back-office day with minutes from its date's
    midnight (an overnight shift ends after 1440); ``coverage`` maps a skill (``""`` for the
    whole floor) to ``[start, end, required, on_floor]`` in minutes from the first day.
    """
    first, num_days = _days(output)
    people = _people(output)
    work = _work(output.roster)
    coverage = _coverage(output.coverage, first)
    days = [
        {"date": day.isoformat(), "label": f"{day:%a} {day.day} {day:%b %Y}", "offset": i * 1440}
        for i, day in enumerate(first + timedelta(days=n) for n in range(num_days))
    ]
    for day in days:
        day["axis"] = _axis(day, work, coverage)
    return {
        "scenario": str(output.summary.get("scenario") or ""),
        "interval": output.interval_minutes,
        "days": days,
        "people": people,
        "teams": sorted({p["team"] for p in people if p["team"]}),
        "skills": sorted({s for p in people for s in p["skills"]}),
        "work": work,
        "coverage": coverage,
    }


def _text(value: object) -> str:
    return html.escape(str(value), quote=True)


def _json(data: Any) -> str:
    # "</script>" or "<!--" inside a name must not end the data block early.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(raw, escaped)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _days(output: Output) -> tuple[date, int]:
    horizon = output.summary.get("horizon") or {}
    try:
        first = date.fromisoformat(str(horizon.get("start")))
        return first, int(horizon.get("days") or 7)
    except (TypeError, ValueError):
        pass
    # An older summary without its horizon: the span the rows and coverage cover.
    stamps = [*output.roster["start"].dropna(), *output.coverage["start"].dropna()]
    if not stamps:
        return date.today(), 1
    low, high = min(stamps).date(), max(stamps).date()
    return low, (high - low).days + 1


def _people(output: Output) -> list[dict[str, Any]]:
    """Everyone with office, team and skills; staff from summary.json, else from the rows."""
    worked: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    for record in output.roster.to_dict("records"):
        employee_id = str(record["employee_id"])
        names.setdefault(employee_id, str(record.get("name", "")))
        worked.setdefault(employee_id, set()).add(str(record.get("office", "")) or "front")
    people = []
    for person in output.summary.get("staff") or []:
        employee_id = str(person["employee_id"])
        people.append(
            {
                "id": employee_id,
                "name": str(person.get("name") or names.get(employee_id, "")),
                "office": str(person.get("office") or "front"),
                "team": str(person.get("team") or ""),
                "skills": sorted(str(s) for s in person.get("skills") or []),
            }
        )
    known = {p["id"] for p in people}
    for employee_id, offices in worked.items():
        if employee_id in known:
            continue
        office = "both" if {"front", "back"} <= offices else min(offices)
        people.append(
            {"id": employee_id, "name": names[employee_id], "office": office, "team": ""}
            | {"skills": []}
        )
    return people


def _minute_of_day(stamp: pd.Timestamp, day: date) -> int:
    return int((stamp - pd.Timestamp(day)).total_seconds() // 60)


def _work(roster: pd.DataFrame) -> list[dict[str, Any]]:
    """Shifts with their breaks, and back-office days, in minutes from their date's midnight."""
    rows = [r for r in roster.to_dict("records") if not pd.isna(r["start"])]
    pauses: dict[str, list[dict[Any, Any]]] = {}
    for record in rows:
        if str(record["activity"]) not in (SHIFT_ACTIVITY, FLEX_ACTIVITY):
            pauses.setdefault(str(record["employee_id"]), []).append(record)
    work: list[dict[str, Any]] = []
    for record in rows:
        activity = str(record["activity"])
        if activity not in (SHIFT_ACTIVITY, FLEX_ACTIVITY):
            continue
        start, end = record["start"], record["end"]
        day = date.fromisoformat(str(record.get("date") or start.date().isoformat()))
        is_flex = activity == FLEX_ACTIVITY
        breaks = [
            {
                "name": str(b["activity"]),
                "start": _minute_of_day(b["start"], day),
                "end": _minute_of_day(b["end"], day),
                "paid": str(b.get("paid", "")) != "false",
            }
            for b in pauses.get(str(record["employee_id"]), [])
            if not is_flex and start <= b["start"] < end
        ]
        work.append(
            {
                "p": str(record["employee_id"]),
                "date": day.isoformat(),
                "kind": activity,
                "office": "back" if is_flex else str(record.get("office") or "front"),
                "remote": str(record.get("location", "")) == "remote",
                "label": str(record.get("shift_id", "")),
                "start": _minute_of_day(start, day),
                "end": _minute_of_day(end, day),
                "hours": _float(record.get("hours")),
                "breaks": sorted(breaks, key=lambda b: b["start"]),
            }
        )
    return work


def _float(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number  # NaN is a blank cell


def _coverage(coverage: pd.DataFrame, first: date) -> dict[str, list[list[int]]]:
    lines: dict[str, list[list[int]]] = {}
    skills = coverage["skill"] if "skill" in coverage.columns else [""] * len(coverage)
    for skill, start, end, required, on_floor in zip(
        skills,
        coverage["start"],
        coverage["end"],
        coverage["required"],
        coverage["on_floor"],
        strict=True,
    ):
        if pd.isna(start) or pd.isna(end):
            continue
        lines.setdefault(str(skill), []).append(
            [
                _minute_of_day(start, first),
                _minute_of_day(end, first),
                0 if pd.isna(required) else int(required),
                0 if pd.isna(on_floor) else int(on_floor),
            ]
        )
    return lines


def _axis(
    day: dict[str, Any], work: list[dict[str, Any]], coverage: dict[str, list[list[int]]]
) -> list[int]:
    """A day's time axis in minutes from its midnight, on whole hours.

    It spans the day's shifts and back-office days (an overnight shift runs past 24:00) and
    the intervals of that date where someone is required.
    """
    starts = [w["start"] for w in work if w["date"] == day["date"]]
    ends = [w["end"] for w in work if w["date"] == day["date"]]
    offset = day["offset"]
    for start, end, required, _ in coverage.get("", []):
        if required and offset <= start < offset + MINUTES_PER_DAY:
            starts.append(start - offset)
            ends.append(end - offset)
    if not starts:
        return [6 * 60, 22 * 60]
    low = max(0, min(starts)) // 60 * 60
    high = -(-max(ends) // 60) * 60
    return [low, max(high, low + 60)]


def _subtitle(output: Output, data: dict[str, Any]) -> str:
    days = data["days"]
    span = f"{days[0]['label']} to {days[-1]['label']}" if days else ""
    zone = output.timezone or "local time"
    status = output.summary.get("status", "")
    return f"{span} · {zone} · {len(data['people'])} people · status {status}"


def _filters(data: dict[str, Any]) -> str:
    def select(name: str, label: str, options: Iterable[tuple[str, str]]) -> str:
        items = "".join(
            f'<option value="{_text(value)}">{_text(text)}</option>' for value, text in options
        )
        return (
            f'<label>{label} <select id="filter-{name}" name="{name}">'
            f'<option value="">all</option>{items}</select></label>'
        )

    parts = [
        select("day", "Day", [(d["date"], d["label"]) for d in data["days"]]),
        select("office", "Office", [("front", "front"), ("back", "back")]),
    ]
    if data["teams"]:
        parts.append(select("team", "Team", [(t, t) for t in data["teams"]]))
    if data["skills"]:
        parts.append(select("skill", "Skill", [(s, s) for s in data["skills"]]))
    parts.append('<span id="shown" class="shown"></span>')
    return f'<form class="filters">{"".join(parts)}</form>'


def _legend() -> str:
    items = [
        ("swatch front", "front office shift"),
        ("swatch back", "back office on site (flex band)"),
        ("swatch back remote", "back office remote"),
        ("swatch pause", "break"),
        ("swatch required", "required"),
        ("swatch onfloor", "on floor"),
        ("swatch short", "shortfall"),
    ]
    spans = "".join(f'<span><i class="{c}"></i>{_text(t)}</span>' for c, t in items)
    return f'<div class="legend">{spans}</div>'


def _table(caption: str, header: list[str], rows: list[tuple[list[str], str]], css: str) -> str:
    """A table of already formatted cells; each row may carry an employee id to filter on."""
    head = "".join(f"<th>{_text(h)}</th>" for h in header)
    body = []
    for cells, employee_id in rows:
        attribute = f' data-employee="{_text(employee_id)}"' if employee_id else ""
        body.append(f"<tr{attribute}>" + "".join(f"<td>{_text(c)}</td>" for c in cells) + "</tr>")
    return (
        f'<table class="{css}"><caption>{_text(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def _number(value: Any, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def _kpi_table(output: Output) -> str:
    summary = output.summary
    roster = output.roster
    activity = roster["activity"].astype(str)
    location = roster["location"].astype(str) if "location" in roster.columns else activity
    flex = activity == FLEX_ACTIVITY
    gap = summary.get("gap")
    rows: list[tuple[list[str], str]] = [
        (["Status", str(summary.get("status", "-"))], ""),
        (["Objective", _number(summary.get("objective"))], ""),
        (["Best bound", _number(summary.get("best_bound"))], ""),
        (["Gap", "-" if gap is None else f"{100 * float(gap):.2f} %"], ""),
        (["Solve time (s)", _number(summary.get("solve_seconds"), 1)], ""),
        (["Shortfall (h)", _number(summary.get("shortfall_hours"))], ""),
        (["Surplus (h)", _number(summary.get("surplus_hours"))], ""),
        (["Contract deviation (h)", _number(summary.get("contract_deviation_hours"))], ""),
        (["Preference penalty", _number(summary.get("preference_penalty"))], ""),
        (["Shifts", _number(int((activity == SHIFT_ACTIVITY).sum()))], ""),
        (["Back-office days on site", _number(int((flex & (location != "remote")).sum()))], ""),
        (["Back-office days remote", _number(int((flex & (location == "remote")).sum()))], ""),
        (["Broken rules", _number(len(summary.get("violations") or []))], ""),
    ]
    rows.insert(9, (["Fairness spread", _number(summary.get("fairness_spread"))], ""))
    for tier, value in (summary.get("objective_tiers") or {}).items():
        rows.append(([f"Objective tier {tier.replace('_', ' ', 1)}", _number(value)], ""))
    return _table("Key figures", ["KPI", "value"], rows, "kpi")


def _people_table(output: Output, data: dict[str, Any]) -> str:
    """Per person: fairness group, weekend days, tagged and unwanted shifts, requests."""
    records = output.summary.get("people") or []
    if not records:
        return ""
    names = {p["id"]: p["name"] for p in data["people"]}
    counts = [k for k in records[0] if k not in ("employee_id", "group")]
    rows = []
    for r in records:
        employee_id = str(r.get("employee_id", ""))
        cells = [employee_id, names.get(employee_id, ""), str(r.get("group", ""))]
        rows.append((cells + [_number(r.get(k)) for k in counts], employee_id))
    header = ["id", "name", "group", *(k.replace("_", " ") for k in counts)]
    return _table("Fairness and requests per person", header, rows, "people")


def _hours_table(output: Output, data: dict[str, Any]) -> str:
    records = output.summary.get("employees") or []
    if not records:
        return ""
    names = {p["id"]: p["name"] for p in data["people"]}
    rows = []
    for r in records:
        employee_id = str(r.get("employee_id", ""))
        paid, contract = r.get("paid_hours"), r.get("contract_hours")
        deviation = None if paid is None or contract is None else float(paid) - float(contract)
        cells = [
            employee_id,
            names.get(employee_id, ""),
            _number(r.get("block")),
            _number(paid),
            _number(contract),
            _number(deviation),
            _number(r.get("days")),
            _number(r.get("onsite_days")),
            _number(r.get("remote_days")),
        ]
        rows.append((cells, employee_id))
    header = ["id", "name", "week", "paid h", "contract h", "+/- h", "days", "on site", "remote"]
    return _table("Hours per person and week", header, rows, "hours")


def _back_office_table(output: Output) -> str:
    records = output.summary.get("back_office_days") or []
    if not records:
        return ""
    header = list(records[0])
    rows = [([_number(r.get(column)) for column in header], "") for r in records]
    return _table("Back office per day", header, rows, "backoffice")
