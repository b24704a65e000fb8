"""Infeasible scenarios whose conflicting rule groups are known, and how they are worded."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from conftest import START, at, employee, make_scenario, shift

from scheduler.conflicts import Conflict
from scheduler.data import (
    Anchor,
    AvailabilityKind,
    AvailabilitySpan,
    BackOffice,
    BreakRule,
    Horizon,
    Office,
    Rules,
    Scenario,
)
from scheduler.model.roster import Guard
from scheduler.solve import describe_guard, find_conflicts, solve

FULL = 56 * 60
"""min_hours of 56 h: a shift of 8 paid hours on every day of the horizon."""


def scenario_of(days: int = 7, **changes: Any) -> Scenario:
    """The tiny default scenario over ``days`` days without demand; fields replaced."""
    return make_scenario(horizon=Horizon(START, days=days), demand=(), **changes)


def rules_of(conflicts: list[Conflict]) -> list[tuple[str, str | None]]:
    """``(rule, employee_id)`` of each conflict, in order."""
    return [(c.rule, c.employee_id) for c in conflicts]


def test_min_hours_beyond_the_available_days_names_the_numbers() -> None:
    """E1 needs 32 h but is away Thursday to Sunday: 3 days of at most 8 h."""
    away = tuple(
        AvailabilitySpan("E1", at(d, "00:00"), at(d + 1, "00:00"), AvailabilityKind.UNAVAILABLE)
        for d in range(3, 7)
    )
    people = (employee("E1", 40, min_minutes=32 * 60), employee("E2"), employee("E3"))
    conflicts = find_conflicts(scenario_of(employees=people, availability=away), time_limit=5)
    assert [str(c) for c in conflicts] == [
        "E1 (Person E1): min_hours 32 h in week 1 (2026-12-07..2026-12-13), but available on "
        "only 3 days of at most 8 h (24 h)"
    ]
    assert conflicts[0].when == "2026-12-07..2026-12-13"


def test_the_core_is_shrunk_to_the_groups_that_clash() -> None:
    """min_hours 32 h with max_days 3: only those two, not rest rules the raw core dragged in."""
    people = (employee("E1", 40, min_minutes=32 * 60, max_days=3), employee("E2"))
    conflicts = find_conflicts(scenario_of(employees=people), time_limit=5)
    assert rules_of(conflicts) == [("max_days", "E1"), ("min_hours", "E1")]
    assert str(conflicts[1]).endswith("but max_days 3 of at most 8 h give 24 h")


def test_min_rest_names_the_template_pair_it_rules_out() -> None:
    """LATE on Monday and EARLY on Tuesday are both needed but only 9 h apart."""
    scenario = scenario_of(
        days=2,
        employees=(employee("E1", 56, min_minutes=FULL),),
        shifts=(
            shift("LATE", "13:30", "22:00", frozenset({0})),
            shift("EARLY", "07:00", "15:30", frozenset({1})),
        ),
    )
    conflicts = find_conflicts(scenario, time_limit=5)
    assert rules_of(conflicts) == [("min_hours", "E1"), ("min_rest", "E1")]
    assert str(conflicts[0]).endswith(
        "16 h for its 2 days, needs at least 2 days of at most 8 h (available on 2)"
    )
    assert str(conflicts[1]) == (
        "E1 (Person E1): min_rest_hours 11 h between shifts rules out LATE ending 22:00 then "
        "EARLY at 07:00 (9 h)"
    )


def test_weekly_rest_against_a_shift_every_day() -> None:
    """56 h needs all 7 days, which leaves no 35 h rest."""
    scenario = scenario_of(
        employees=(employee("E1", 56, min_minutes=FULL),), rules=Rules(max_consecutive_days=7)
    )
    conflicts = find_conflicts(scenario, time_limit=5)
    assert rules_of(conflicts) == [("min_hours", "E1"), ("weekly_rest", "E1")]
    assert "needs at least 7 days of at most 8 h (available on 7)" in str(conflicts[0])


def test_max_consecutive_days_against_a_shift_every_day() -> None:
    """Without weekly rest, 7 shifts break max_consecutive_days 6."""
    scenario = scenario_of(
        employees=(employee("E1", 56, min_minutes=FULL),), rules=Rules(weekly_rest_minutes=0)
    )
    conflicts = find_conflicts(scenario, time_limit=5)
    assert rules_of(conflicts) == [("max_consecutive_days", "E1"), ("min_hours", "E1")]
    assert str(conflicts[0]).endswith(
        "max_consecutive_days 6: a day off after at most 6 days in a row"
    )


def test_night_shift_staggering_leaves_nobody_to_relieve_the_break() -> None:
    """Two must work the night, whose break can only start at 00:00: one at a time is allowed."""
    scenario = scenario_of(
        days=1,
        employees=(employee("E1", 56, min_minutes=FULL), employee("E2", 56, min_minutes=FULL)),
        shifts=(shift("NIGHT", "22:00", "06:00"),),
        breaks=(BreakRule("rest", 15, 120, 120),),
        rules=Rules(max_on_break=Fraction(1, 2)),
    )
    conflicts = find_conflicts(scenario, time_limit=5)
    assert rules_of(conflicts) == [("max_on_break", None), ("min_hours", "E1"), ("min_hours", "E2")]
    assert str(conflicts[0]) == (
        "max_on_break 50 % on 2026-12-08: at most max(1, 50 % of those on shift) on a break at "
        "once; break windows: NIGHT 22:00-06:00 'rest' at 00:00 (1 start)"
    )


def test_desks_against_an_anchored_team() -> None:
    """Three of team fin anchored on site on Tuesday, two desks: desks and the three anchors."""
    team = tuple(employee(f"B{i}", 40, office=Office.BACK, team="fin") for i in range(3))
    policy = BackOffice(desks=2, anchors=(Anchor("fin", 1),))
    scenario = scenario_of(employees=team, back_office=policy)
    result = solve(scenario, time_limit=5, workers=1)
    assert result.status == "infeasible"
    assert rules_of(result.conflict_groups) == [
        ("desks", None),
        ("anchor", "B0"),
        ("anchor", "B1"),
        ("anchor", "B2"),
    ]
    assert (
        result.conflicts[0]
        == "desks: at most 2 on site on 2026-12-08, but anchors put 3 there (team fin)"
    )


def test_describe_guard_keeps_its_one_line_form() -> None:
    """describe_guard words a single group as before: person, rule, week."""
    scenario = scenario_of(employees=(employee("E1", 40, max_days=5),))
    text = describe_guard(scenario, Guard("max_days", "E1", "block1"))
    assert text == "E1 (Person E1): max_days 5 in week 1 (2026-12-07..2026-12-13)"
