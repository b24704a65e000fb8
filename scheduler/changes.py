"""What-if copies of a scenario: scaled demand, people absent, other rules, weights or breaks.

:meth:`Scenario.with_changes <scheduler.data.Scenario.with_changes>` calls
:func:`apply_changes`. Policy changes use the keys of ``scenario.toml`` and go through the same
checks as the file, so a bad value is an :class:`~scheduler.errors.InputError` naming the key.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeVar

from scheduler.data import (
    MINUTES_PER_DAY,
    AvailabilityKind,
    AvailabilitySpan,
    DemandSpan,
    Scenario,
    ShiftDemand,
)
from scheduler.errors import InputError
from scheduler.io.scenario import _check_anchor_teams, _check_rule_names, read_policy
from scheduler.io.scenario_writer import policy_values

__all__ = ["CHANGES", "apply_changes"]

CHANGES = "with_changes"
"""What errors from a change name as their source."""

_POLICY_SECTIONS = ("rules", "weights", "back_office")


def apply_changes(
    scenario: Scenario,
    *,
    demand_scale: float | Fraction | Decimal | None = None,
    absent: Mapping[str, Any] | None = None,
    rules: Mapping[str, Any] | None = None,
    weights: Mapping[str, Any] | None = None,
    breaks: Mapping[str, Mapping[str, Any] | None] | None = None,
    back_office: Mapping[str, Any] | None = None,
    name: str | None = None,
) -> Scenario:
    """A copy of ``scenario`` with some things changed; ``scenario`` itself is left alone.

    Parameters
    ----------
    demand_scale
        Multiplies every demand span's ``required``, rounded up per span (a span is one row
        of ``demand.csv`` on one day; day-level lines too): ``1.1`` turns 1 person into 2
        and 10 into 11. The scale is taken as written (``1.1`` is exactly 11/10), so no
        float error rounds up.
    absent
        Employee id to the days they are away: a date, ``"YYYY-MM-DD"``, a range
        ``"YYYY-MM-DD..YYYY-MM-DD"`` or a ``(first, last)`` tuple (both inclusive), or a list
        of these. Each day becomes a whole-day ``unavailable`` span; days outside the horizon
        are dropped, but an entry with no day in the horizon is an error (likely a typo).
    rules, weights, back_office
        Keys of the ``[rules]``, ``[weights]`` and ``[back_office]`` tables of
        ``scenario.toml`` (e.g. ``{"max_on_break": 0.2, "min_rest_hours": 12}``); ``None``
        as a value removes the key (its default applies). A sub-table such as
        ``rules={"front": {...}}`` or ``weights={"skill": {...}}`` is replaced whole.
    breaks
        Break name to the keys of its ``[[breaks]]`` table to change (e.g.
        ``{"lunch": {"latest": 240}}``); ``None`` in place of the keys drops the break.
    name
        The new scenario's name (default: unchanged).

    Raises
    ------
    InputError
        Naming ``with_changes`` and the argument or key, e.g. an unknown employee or break,
        or a policy value ``scenario.toml`` would not accept.
    """
    changed = scenario
    if demand_scale is not None:
        changed = dataclasses.replace(
            changed,
            demand=_scaled(changed.demand, demand_scale),
            shift_demand=_scaled(changed.shift_demand, demand_scale),
        )
    if absent:
        changed = dataclasses.replace(
            changed, availability=changed.availability + _absences(changed, absent)
        )
    sections = {"rules": rules, "weights": weights, "back_office": back_office}
    if any(sections.values()) or breaks:
        changed = _with_policy(changed, sections, breaks)
    if name is not None:
        changed = dataclasses.replace(changed, name=name)
    return changed


def _error(message: str, column: str) -> InputError:
    return InputError(CHANGES, message, column=column)


_Line = TypeVar("_Line", DemandSpan, ShiftDemand)


def _scaled(demand: tuple[_Line, ...], scale: float | Fraction | Decimal) -> tuple[_Line, ...]:
    """Demand (spans or day-level lines) with every ``required`` scaled and rounded up."""
    if isinstance(scale, bool) or not isinstance(scale, int | float | Fraction | Decimal):
        raise _error(f"expected a number >= 0, got {scale!r}", "demand_scale")
    if isinstance(scale, float) and not math.isfinite(scale):
        raise _error(f"expected a finite number >= 0, got {scale!r}", "demand_scale")
    # str() of a float is its shortest decimal: 1.1 is read as 11/10, not 1.100000000000000088.
    exact = Fraction(str(scale)) if isinstance(scale, float) else Fraction(scale)
    if exact < 0:
        raise _error(f"expected a number >= 0, got {scale!r}", "demand_scale")
    return tuple(
        dataclasses.replace(span, required=math.ceil(span.required * exact)) for span in demand
    )


def _absences(scenario: Scenario, absent: Mapping[str, Any]) -> tuple[AvailabilitySpan, ...]:
    """Whole-day unavailable spans for each person's days away."""
    known = {e.employee_id for e in scenario.employees}
    horizon = scenario.horizon
    last = horizon.date_of(horizon.days - 1)
    spans = []
    for employee_id, when in absent.items():
        column = f"absent[{employee_id!r}]"
        if employee_id not in known:
            sample = ", ".join(sorted(known)[:5]) + (", ..." if len(known) > 5 else "")
            raise _error(f"unknown employee {employee_id!r}; expected one of {sample}", column)
        days: set[int] = set()
        for first, final in _ranges(when, column):
            inside = [
                day
                for offset in range((final - first).days + 1)
                if (day := horizon.day_of(first + timedelta(days=offset))) is not None
            ]
            if not inside:
                span = str(first) if first == final else f"{first}..{final}"
                message = f"{span} lies outside the horizon {horizon.start}..{last}"
                raise _error(message, column)
            days.update(inside)
        spans += [
            AvailabilitySpan(
                employee_id,
                day * MINUTES_PER_DAY,
                (day + 1) * MINUTES_PER_DAY,
                AvailabilityKind.UNAVAILABLE,
            )
            for day in sorted(days)
        ]
    return tuple(spans)


def _ranges(when: Any, column: str) -> list[tuple[date, date]]:
    """Inclusive date ranges from a date, a text, a ``(first, last)`` tuple or a list."""
    if isinstance(when, str | date):
        items: Iterable[Any] = [when]
    elif isinstance(when, tuple) and len(when) == 2:
        items = [when]
    elif isinstance(when, Iterable):
        items = when
    else:
        raise _error(f"expected dates, a range or a list of them, got {when!r}", column)
    ranges = []
    for item in items:
        if isinstance(item, tuple) and len(item) == 2:
            first, final = _day(item[0], column), _day(item[1], column)
        elif isinstance(item, str) and ".." in item:
            left, _, right = item.partition("..")
            first, final = _day(left, column), _day(right, column)
        else:
            first = final = _day(item, column)
        if final < first:
            raise _error(f"expected a range from its first to its last day, got {item!r}", column)
        ranges.append((first, final))
    return ranges


def _day(value: Any, column: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _error(f"expected a date YYYY-MM-DD, got {value!r}", column)


def _with_policy(
    scenario: Scenario,
    sections: Mapping[str, Mapping[str, Any] | None],
    breaks: Mapping[str, Mapping[str, Any] | None] | None,
) -> Scenario:
    """The scenario with changed policy tables, checked as ``scenario.toml`` would be."""
    values = policy_values(scenario)
    for section, change in sections.items():
        if change:
            values[section] = _merged(values.get(section, {}), change)
    if breaks:
        values["breaks"] = _changed_breaks(values.get("breaks", []), breaks)
    policy = read_policy(CHANGES, values)
    _check_anchor_teams(CHANGES, policy.back_office, scenario.employees)
    # Only the sections asked for are replaced, so fields the writer does not know survive.
    replaced: dict[str, Any] = {
        section: getattr(policy, section) for section in _POLICY_SECTIONS if sections[section]
    }
    if sections["rules"]:
        replaced["rule_overrides"] = policy.rule_overrides
        _check_rule_names(
            CHANGES, policy.rule_overrides, policy.rules, scenario.employees, scenario.shifts
        )
    if breaks:
        replaced["breaks"] = policy.breaks
    return dataclasses.replace(scenario, **replaced)


def _merged(table: Mapping[str, Any], change: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(table)
    for key, value in change.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def _changed_breaks(
    tables: list[dict[str, Any]], changes: Mapping[str, Mapping[str, Any] | None]
) -> list[dict[str, Any]]:
    names = [table["name"] for table in tables]
    for name in changes:
        if name not in names:
            message = f"unknown break {name!r}; expected one of {', '.join(names) or 'none'}"
            raise _error(message, f"breaks[{name!r}]")
    result = []
    for table in tables:
        change = changes.get(table["name"], {})
        if change is not None:
            result.append(_merged(table, change))
    return result
