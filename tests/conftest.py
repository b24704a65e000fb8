"""Shared test helpers: a tiny default scenario and assignments built from its templates.

Import them in test files with ``from conftest import make_scenario, assign, ...``.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import sys
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd
from hypothesis import settings
from ortools.sat.python import cp_model

from scheduler.data import (
    MINUTES_PER_DAY,
    Assignment,
    BreakRule,
    DemandSpan,
    Employee,
    Horizon,
    PlacedBreak,
    Scenario,
    ShiftTemplate,
)
from scheduler.io.roster import FLEX_ACTIVITY, ROSTER_COLUMNS, roster_frame

# CI runs the property tests on a fixed sequence of examples (HYPOTHESIS_PROFILE=ci in .ci/run),
# so a red run is reproducible; a developer's run keeps exploring new examples.
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parents[1]
"""The project root."""


def load_script(name: str) -> ModuleType:
    """Import ``benchmarks/<name>.py``, a script rather than a package module, once per run."""
    module_name = f"benchmarks_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


START = date(2026, 12, 7)
"""First day of the default horizon, a Monday."""


def clock(text: str) -> int:
    """Minute of the day of a ``HH:MM`` text."""
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def at(day: int, text: str) -> int:
    """Horizon minute of ``HH:MM`` on horizon day ``day``."""
    return day * MINUTES_PER_DAY + clock(text)


def shift(
    shift_id: str, start: str, end: str, weekdays: frozenset[int] | None = None
) -> ShiftTemplate:
    """A shift template from ``HH:MM`` texts (an end at or before the start is the next day)."""
    days = frozenset(range(7)) if weekdays is None else weekdays
    return ShiftTemplate(shift_id, clock(start), clock(end), days)


def employee(employee_id: str, contract_hours: float = 40, **changes: Any) -> Employee:
    """A front-office person with a contract of ``contract_hours`` a week."""
    minutes = round(contract_hours * 60)
    person = Employee(employee_id, f"Person {employee_id}", contract_minutes=minutes)
    return dataclasses.replace(person, **changes)


def make_scenario(**changes: Any) -> Scenario:
    """A tiny scenario; keyword arguments replace its fields.

    Horizon 2026-12-07 (Monday), 7 days, 15-minute intervals; E1..E3 in the front office with
    40 h contracts (E1 has skill ``lead``); templates EARLY 07:00-15:30, LATE 13:30-22:00 and
    NIGHT 22:00-06:00; breaks ``break1`` (15 min paid, 90..150 min after the start, shifts from
    6 h) and ``lunch`` (30 min unpaid, 180..300 min, shifts from 8 h); demand of one person
    07:00-22:00 and one lead 09:00-12:00 every day.
    """
    demand = []
    for day in range(7):
        demand.append(DemandSpan(at(day, "07:00"), at(day, "22:00"), 1))
        demand.append(DemandSpan(at(day, "09:00"), at(day, "12:00"), 1, "lead"))
    scenario = Scenario(
        horizon=Horizon(START, days=7, interval_minutes=15),
        employees=(
            employee("E1", skills=frozenset({"lead"})),
            employee("E2"),
            employee("E3"),
        ),
        shifts=(
            shift("EARLY", "07:00", "15:30"),
            shift("LATE", "13:30", "22:00"),
            shift("NIGHT", "22:00", "06:00"),
        ),
        demand=tuple(demand),
        breaks=(
            BreakRule("break1", 15, 90, 150, min_shift_minutes=360, paid=True),
            BreakRule("lunch", 30, 180, 300, min_shift_minutes=480, paid=False),
        ),
        name="tiny",
    )
    return dataclasses.replace(scenario, **changes)


def template(scenario: Scenario, shift_id: str) -> ShiftTemplate:
    """The scenario's template with this id."""
    for candidate in scenario.shifts:
        if candidate.shift_id == shift_id:
            return candidate
    raise KeyError(shift_id)


def assign(
    scenario: Scenario,
    employee_id: str,
    day: int,
    shift_id: str,
    breaks: dict[str, int] | None = None,
) -> Assignment:
    """``employee_id`` working template ``shift_id`` starting on ``day``.

    ``breaks`` maps break names to their start offset in minutes after the shift start and
    lists exactly the breaks placed; by default each applicable break starts at its earliest.
    """
    start, end = template(scenario, shift_id).span_on(day)
    rules = {rule.name: rule for rule in scenario.breaks}
    if breaks is None:
        due = [rule for rule in scenario.breaks if rule.applies_to(end - start)]
        breaks = {rule.name: rule.earliest for rule in due}
    placed = tuple(
        PlacedBreak(
            name,
            start + offset,
            start + offset + rules[name].minutes,
            rules[name].paid,
        )
        for name, offset in breaks.items()
    )
    return Assignment(employee_id, day, shift_id, start, end, placed)


def roster(scenario: Scenario, *assignments: Assignment) -> pd.DataFrame:
    """The roster table of these assignments."""
    return roster_frame(scenario, list(assignments))


def flex(
    scenario: Scenario,
    employee_id: str,
    day: int,
    location: str = "onsite",
    start: str | None = None,
    end: str | None = None,
) -> dict[str, Any]:
    """A roster row of ``employee_id`` on a back-office (flex) day ``day``.

    The row spans the day's flex band unless ``start``/``end`` (``HH:MM`` on ``day``) move it.
    """
    horizon = scenario.horizon
    band_start, band_end = scenario.back_office.band_on(day)
    begin = band_start if start is None else at(day, start)
    finish = band_end if end is None else at(day, end)
    return {
        "employee_id": employee_id,
        "name": f"Person {employee_id}",
        "date": horizon.date_of(day).isoformat(),
        "office": "back",
        "location": location,
        "activity": FLEX_ACTIVITY,
        "shift_id": "",
        "start": pd.Timestamp(horizon.to_datetime(begin)),
        "end": pd.Timestamp(horizon.to_datetime(finish)),
        "hours": scenario.back_office.daily_minutes / 60,
        "paid": "",
    }


def with_flex(frame: pd.DataFrame, *rows: dict[str, Any]) -> pd.DataFrame:
    """The roster table ``frame`` with these flex rows (from :func:`flex`) appended."""
    extra = pd.DataFrame.from_records(list(rows), columns=ROSTER_COLUMNS)
    if frame.empty:
        return extra
    if extra.empty:
        return frame
    return pd.concat([frame, extra], ignore_index=True)


def flex_roster(
    scenario: Scenario, *assignments: Assignment, flex_rows: tuple[dict[str, Any], ...] = ()
) -> pd.DataFrame:
    """The roster table of these assignments and flex rows."""
    return with_flex(roster(scenario, *assignments), *flex_rows)


def pieces() -> cp_model.CpModel:
    """Cover 5 with pieces of 2 (cost 3) and 4 (cost 5): the LP takes 1.25 pieces of 4 (6.25,
    rounded up to 7), where the cheapest whole cover is one of each (8)."""
    model = cp_model.CpModel()
    x, y = model.new_int_var(0, 3, "x"), model.new_int_var(0, 3, "y")
    model.add(2 * x + 4 * y >= 5)
    model.minimize(3 * x + 5 * y)
    return model
