"""Write a :class:`Scenario` as a scenario folder that :func:`read_scenario` reads back equal.

Demand is written as date rows (one per span, in day order), availability one row per span,
whole days with blank ``start``/``end``. A span longer than a day is split into days, which
reads back as the same requirement but not as the same tuple of spans.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import fields
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd

from scheduler.data import MINUTES_PER_DAY, WEEKDAYS, Rules, Scenario
from scheduler.io.files import write_csv, write_text_atomic
from scheduler.io.scenario import (
    AVAILABILITY_FILE,
    DEMAND_FILE,
    PERSON_RULE_COLUMNS,
    POLICY_FILE,
    SHIFTS_FILE,
    STAFF_COLUMNS,
    STAFF_FILE,
)

__all__ = ["policy_toml", "policy_values", "scenario_tables", "write_scenario"]

SHIFT_COLUMNS = ["shift_id", "start", "end", "weekdays", "tags"]
DEMAND_COLUMNS = ["date", "start", "end", "required", "skill"]
AVAILABILITY_COLUMNS = ["employee_id", "date", "start", "end", "kind", "weight"]
DAY_LEVEL_DEMAND_COLUMNS = ["shift_id", "under_weight", "over_weight"]
"""Columns ``demand.csv`` gains when the scenario has day-level cover lines (and
``availability.csv`` gains ``shift_id`` with shift requests, ``shifts.csv``
``not_followed_by``, staff.csv the person rule columns in use)."""
_COUNT_RULES = (
    "max_consecutive_days",
    "max_days",
    "min_consecutive_days",
    "min_days_off",
    "max_weekends",
)
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def write_scenario(scenario: Scenario, folder: str | Path) -> list[Path]:
    """Write ``scenario.toml`` and the four CSV tables into ``folder``, each atomically.

    ``availability.csv`` is always written (header only when there is none), so an older
    file in the folder cannot outlive the scenario. Other files in the folder are left alone.

    Returns
    -------
    list[Path]
        The files written.
    """
    out = Path(folder)
    tables = scenario_tables(scenario)
    toml = policy_toml(scenario)
    files = {
        STAFF_FILE: tables["staff"],
        SHIFTS_FILE: tables["shifts"],
        DEMAND_FILE: tables["demand"],
        AVAILABILITY_FILE: tables["availability"],
    }
    written = []
    for name, frame in files.items():
        write_csv(out / name, frame)
        written.append(out / name)
    write_text_atomic(out / POLICY_FILE, toml)
    return [*written, out / POLICY_FILE]


def scenario_tables(scenario: Scenario) -> dict[str, pd.DataFrame]:
    """The scenario's ``staff``, ``shifts``, ``demand`` and ``availability`` tables as CSV text.

    Raises
    ------
    ValueError
        For a value the CSV files cannot hold (hours that are not a finite decimal, a shift
        allowed on no weekday).
    """
    staff = [
        {
            "employee_id": e.employee_id,
            "name": e.name,
            "office": e.office.value,
            "skills": ";".join(sorted(e.skills)),
            "contract_hours": _hours(e.contract_minutes, f"{e.employee_id} contract"),
            "min_hours": _hours(e.min_minutes, f"{e.employee_id} min_hours"),
            "max_hours": "" if e.max_minutes is None else _hours(e.max_minutes, e.employee_id),
            "max_days": "" if e.max_days is None else str(e.max_days),
            "remote_ok": "true" if e.remote_ok else "false",
            "team": e.team or "",
            "remote_days": _weekday_text(e.remote_days),
            "prefers": "" if e.prefers is None else e.prefers.value,
            "group": e.group or "",
            "preferred_shifts": ";".join(sorted(e.preferred_shifts)),
            **_person_rule_cells(dict(e.rule_changes)),
        }
        for e in scenario.employees
    ]
    staff_columns = list(STAFF_COLUMNS) + [
        c for c in PERSON_RULE_COLUMNS if any(row.get(c, "") != "" for row in staff)
    ]
    shifts = []
    for s in scenario.shifts:
        if not s.weekdays:
            raise ValueError(
                f"shift {s.shift_id} is allowed on no weekday: shifts.csv cannot say so"
            )
        every_day = s.weekdays == frozenset(range(7))
        shifts.append(
            {
                "shift_id": s.shift_id,
                "start": _hhmm(s.start),
                "end": _hhmm(s.end),
                "weekdays": "" if every_day else _weekday_text(s.weekdays),
                "tags": ";".join(sorted(s.tags)),
                "not_followed_by": ";".join(sorted(s.not_followed_by)),
            }
        )
    shift_columns = SHIFT_COLUMNS + (
        ["not_followed_by"] if any(s.not_followed_by for s in scenario.shifts) else []
    )
    horizon = scenario.horizon
    demand = [
        {
            "date": horizon.date_of(day).isoformat(),
            "start": _hhmm(start),
            "end": _hhmm(end),
            "required": str(span.required),
            "skill": span.skill or "",
        }
        for span in sorted(scenario.demand, key=lambda span: span.start // MINUTES_PER_DAY)
        for day, start, end in _day_pieces(span.start, span.end, horizon.days)
    ]
    demand += [
        {
            "date": horizon.date_of(line.day).isoformat(),
            "start": "",
            "end": "",
            "required": str(line.required),
            "skill": line.skill or "",
            "shift_id": line.shift_id,
            "under_weight": "" if line.under_weight is None else str(line.under_weight),
            "over_weight": "" if line.over_weight is None else str(line.over_weight),
        }
        for line in scenario.shift_demand
    ]
    demand_columns = DEMAND_COLUMNS + (DAY_LEVEL_DEMAND_COLUMNS if scenario.shift_demand else [])
    availability = []
    for a in scenario.availability:
        for day, start, end in _day_pieces(a.start, a.end, horizon.days):
            whole = start == 0 and end == MINUTES_PER_DAY
            availability.append(
                {
                    "employee_id": a.employee_id,
                    "date": horizon.date_of(day).isoformat(),
                    "start": "" if whole else _hhmm(start),
                    "end": "" if whole else _hhmm(end),
                    "kind": a.kind.value,
                    "weight": str(a.weight),
                }
            )
    availability += [
        {
            "employee_id": r.employee_id,
            "date": horizon.date_of(r.day).isoformat(),
            "start": "",
            "end": "",
            "kind": r.kind.value,
            "weight": str(r.weight),
            "shift_id": r.shift_id,
        }
        for r in scenario.shift_requests
    ]
    availability_columns = AVAILABILITY_COLUMNS + (["shift_id"] if scenario.shift_requests else [])
    return {
        "staff": pd.DataFrame(staff, columns=staff_columns, dtype=object),
        "shifts": pd.DataFrame(shifts, columns=shift_columns, dtype=object),
        "demand": pd.DataFrame(demand, columns=demand_columns, dtype=object),
        "availability": pd.DataFrame(availability, columns=availability_columns, dtype=object),
    }


def _person_rule_cells(changes: Mapping[str, Any]) -> dict[str, str]:
    """A person's own rule values as staff.csv cells (see PERSON_RULE_COLUMNS)."""
    cells = {}
    for name, value in changes.items():
        if name == "max_shifts":
            cells[name] = ";".join(f"{key}={limit}" for key, limit in value)
        elif name in ("min_total_minutes", "max_total_minutes"):
            column = name.replace("_minutes", "_hours")
            cells[column] = str(_hours_number(value, column))
        elif name in PERSON_RULE_COLUMNS:
            cells[name] = str(value)
        else:
            raise ValueError(f"rule {name} has no staff.csv column that this writer knows")
    return cells


def policy_values(scenario: Scenario) -> dict[str, Any]:
    """``scenario.toml`` as the dict :mod:`tomllib` would parse (the inverse of read_policy)."""
    horizon = scenario.horizon
    rules = scenario.rules
    values: dict[str, Any] = {}
    if scenario.name:
        values["name"] = scenario.name
    values["horizon"] = {
        "start": horizon.start,
        "days": horizon.days,
        "interval_minutes": horizon.interval_minutes,
    }
    if horizon.timezone is not None:
        values["horizon"]["timezone"] = horizon.timezone
    if horizon.country is not None:
        values["horizon"]["country"] = horizon.country
        if horizon.subdivision is not None:
            values["horizon"]["subdivision"] = horizon.subdivision
    elif horizon.holidays:
        raise ValueError("holidays without [horizon] country: scenario.toml cannot name them")
    values["rules"] = _rule_keys({f.name: getattr(rules, f.name) for f in fields(Rules)})
    for override in scenario.rule_overrides:
        table = _rule_keys(dict(override.changes))
        if override.office is not None:
            values["rules"][override.office.value] = table
        else:
            values["rules"].setdefault("group", {})[override.scope] = table
    breaks = [
        {
            "name": b.name,
            "minutes": b.minutes,
            "earliest": b.earliest,
            "latest": b.latest,
            "min_shift_minutes": b.min_shift_minutes,
            "paid": b.paid,
        }
        for b in scenario.breaks
    ]
    if breaks:
        values["breaks"] = breaks
    weights = scenario.weights
    values["weights"] = {
        "shortfall": weights.shortfall,
        "contract": weights.contract,
        "preference": weights.preference,
        "surplus": weights.surplus,
        "fairness": weights.fairness,
    }
    if weights.skill:
        values["weights"]["skill"] = dict(weights.skill)
    policy = scenario.back_office
    core = (policy.core_start, policy.core_end)
    back_office: dict[str, Any] = {
        "flex_band": f"{_hhmm(policy.flex_start)}-{_hhmm(policy.flex_end)}",
        "core_hours": "" if None in core else f"{_hhmm(core[0] or 0)}-{_hhmm(core[1] or 0)}",
        "daily_hours": _hours_number(policy.daily_minutes, "daily_hours"),
        "weekdays": _weekday_text(policy.weekdays),
        "min_onsite_days": policy.min_onsite_days,
    }
    if policy.max_remote_days is not None:
        back_office["max_remote_days"] = policy.max_remote_days
    if policy.desks is not None:
        back_office["desks"] = policy.desks
    if policy.anchors:
        back_office["anchor"] = [
            {"team": a.team, "weekday": WEEKDAYS[a.weekday]} for a in policy.anchors
        ]
    if policy.covers:
        back_office["cover"] = [
            {"skill": c.skill, "weekdays": _weekday_text(c.weekdays), "min": c.min}
            for c in policy.covers
        ]
    values["back_office"] = back_office
    return values


def policy_toml(scenario: Scenario) -> str:
    """The text of ``scenario.toml`` for this scenario."""
    return _toml(policy_values(scenario))


# --------------------------------------------------------------------------------------------


def _rule_keys(changes: Mapping[str, Any]) -> dict[str, Any]:
    """`Rules` field values as ``[rules]`` keys; None and empty values are left out."""
    keys: dict[str, Any] = {}
    for name, value in changes.items():
        if value is None or value == frozenset():
            continue
        if name in ("min_rest_minutes", "weekly_rest_minutes"):
            key = name.replace("_minutes", "_hours")
            keys[key] = _hours_number(value, key)
        elif name in _COUNT_RULES:
            keys[name] = value
        elif name in ("min_total_minutes", "max_total_minutes"):
            key = name.replace("_minutes", "_hours")
            keys[key] = _hours_number(value, key)
        elif name == "max_shifts":
            if value:
                keys[name] = dict(value)
        elif name == "max_on_break":
            # The reader limits the denominator to 1000, so the float reads back exactly.
            keys[name] = float(value)
        elif name == "forbidden_shifts":
            keys[name] = sorted(value)
        elif value != getattr(Rules(), name):
            raise ValueError(f"rule {name} has no key in scenario.toml that this writer knows")
    return keys


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _weekday_text(days: frozenset[int]) -> str:
    return ";".join(WEEKDAYS[d] for d in sorted(days))


def _hours_number(minutes: int, what: str) -> int | float:
    """Minutes as a number of hours that reads back exactly."""
    hours = Fraction(minutes, 60)
    if hours.denominator == 1:
        return int(hours)
    number = float(hours)
    if Fraction(repr(number)) != hours:
        raise ValueError(f"{what}: {minutes} minutes is no finite decimal number of hours")
    return number


def _hours(minutes: int, what: str) -> str:
    return str(_hours_number(minutes, what))


def _day_pieces(start: int, end: int, days: int) -> list[tuple[int, int, int]]:
    """``(day, start, end)`` in minutes of the day for the horizon days a span starts on.

    A piece ends at most a day after it starts; an end of 1440 means midnight.
    """
    pieces = []
    while end > start:
        day = start // MINUTES_PER_DAY
        length = min(end - start, MINUTES_PER_DAY)
        if 0 <= day < days:
            first = start - day * MINUTES_PER_DAY
            pieces.append((day, first, (first + length) % MINUTES_PER_DAY or MINUTES_PER_DAY))
        start += length
    return pieces


def _toml(values: Mapping[str, Any]) -> str:
    """TOML text for nested dicts, lists of dicts (arrays of tables) and scalars."""
    lines: list[str] = []
    _toml_table(lines, "", values)
    return "\n".join(lines).strip() + "\n"


def _toml_table(lines: list[str], prefix: str, values: Mapping[str, Any]) -> None:
    tables = {}
    for key, value in values.items():
        if isinstance(value, Mapping) or (
            isinstance(value, list) and any(isinstance(item, Mapping) for item in value)
        ):
            tables[key] = value
        else:
            lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    for key, value in tables.items():
        name = f"{prefix}.{_toml_key(key)}" if prefix else _toml_key(key)
        if isinstance(value, Mapping):
            lines += ["", f"[{name}]"]
            _toml_table(lines, name, value)
        else:
            for item in value:
                lines += ["", f"[[{name}]]"]
                _toml_table(lines, name, item)


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else json.dumps(key, ensure_ascii=False)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    # A JSON string is a valid TOML basic string.
    return json.dumps(str(value), ensure_ascii=False)
