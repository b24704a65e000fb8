"""Why a roster is short: one hand-made scenario per reason, no solver needed."""

from __future__ import annotations

from typing import Any

from conftest import START, assign, at, employee, make_scenario, roster, shift

from scheduler.data import (
    AvailabilityKind,
    AvailabilitySpan,
    BreakRule,
    DemandSpan,
    Horizon,
    RuleOverride,
    Rules,
    Scenario,
)
from scheduler.explain import REASONS, Shortage, explain_shortages

DAY = shift("DAY", "09:00", "17:00")
EARLY = shift("EARLY", "07:00", "15:00")
LATE = shift("LATE", "14:00", "22:00")


def scenario_of(days: int = 1, **changes: Any) -> Scenario:
    """E1..E3 (56 h contracts), template DAY, no breaks, demand one person 09-17 on day 0."""
    fields: dict[str, Any] = {
        "horizon": Horizon(START, days=days),
        "employees": (employee("E1", 56), employee("E2", 56), employee("E3", 56)),
        "shifts": (DAY,),
        "demand": (DemandSpan(at(0, "09:00"), at(0, "17:00"), 1),),
        "breaks": (),
        "name": "explain",
    }
    fields.update(changes)
    return make_scenario(**fields)


def away(employee_id: str, day: int) -> AvailabilitySpan:
    """``employee_id`` unavailable all of ``day``."""
    return AvailabilitySpan(
        employee_id, at(day, "00:00"), at(day + 1, "00:00"), AvailabilityKind.UNAVAILABLE
    )


def only(scenario: Scenario, *assignments: Any) -> Shortage:
    """The single shortage run of this roster."""
    shortages = explain_shortages(scenario, roster(scenario, *assignments))
    assert len(shortages) == 1, [str(s) for s in shortages]
    return shortages[0]


def test_no_template_covers_the_early_morning() -> None:
    """Demand at 05:00 with only a 09:00 template: no-template."""
    scenario = scenario_of(demand=(DemandSpan(at(0, "05:00"), at(0, "06:00"), 1),))
    shortage = only(scenario)
    assert shortage.reason == "no-template"
    assert shortage.message == "2026-12-07 05:00-06:00 total: short 1: no shift template covers it"
    assert (shortage.short_minutes, shortage.most_short) == (60, 1)


def test_a_skill_nobody_has_is_missing() -> None:
    """A lead is demanded but nobody is a lead: skills, on the lead line only."""
    scenario = scenario_of(demand=(DemandSpan(at(0, "09:00"), at(0, "17:00"), 1, "lead"),))
    shortage = only(scenario, assign(scenario, "E1", 0, "DAY"))
    assert (shortage.skill, shortage.reason) == ("lead", "skills")
    assert "nobody in the front office has lead" in shortage.message


def test_nobody_available() -> None:
    """Two needed, E1 works, E2 and E3 are away that day: unavailable, nobody available."""
    scenario = scenario_of(
        demand=(DemandSpan(at(0, "09:00"), at(0, "17:00"), 2),),
        availability=(away("E2", 0), away("E3", 0)),
    )
    shortage = only(scenario, assign(scenario, "E1", 0, "DAY"))
    assert shortage.reason == "unavailable"
    assert "nobody available (all 2 who could cover it are unavailable)" in shortage.message
    assert shortage.blocked == {"unavailable": ["E2", "E3"]}


def test_everyone_at_max_hours() -> None:
    """8 h contracts already worked on Monday and Tuesday: Thursday's hole is max-hours."""
    people = (employee("E1", 8), employee("E2", 8))
    scenario = scenario_of(
        days=7, employees=people, demand=(DemandSpan(at(3, "09:00"), at(3, "17:00"), 1),)
    )
    shortage = only(scenario, assign(scenario, "E1", 0, "DAY"), assign(scenario, "E2", 1, "DAY"))
    assert shortage.reason == "max-hours"
    assert "everyone able (2) is at max hours (E1: 8 h of 8 h)" in shortage.message


def test_everyone_at_max_days() -> None:
    """max_days 1, each has worked a day: max-days."""
    people = (employee("E1", 56, max_days=1), employee("E2", 56, max_days=1))
    scenario = scenario_of(
        days=7, employees=people, demand=(DemandSpan(at(3, "09:00"), at(3, "17:00"), 1),)
    )
    shortage = only(scenario, assign(scenario, "E1", 0, "DAY"), assign(scenario, "E2", 1, "DAY"))
    assert shortage.reason == "max-days"
    assert shortage.blocked == {"max-days": ["E1", "E2"]}


def test_min_rest_after_a_late_shift() -> None:
    """E1 worked until 22:00: Tuesday's 07:00 EARLY is only 9 h later, min-rest."""
    scenario = scenario_of(
        days=2,
        employees=(employee("E1", 56),),
        shifts=(EARLY, LATE),
        demand=(DemandSpan(at(1, "07:00"), at(1, "14:00"), 1),),
    )
    shortage = only(scenario, assign(scenario, "E1", 0, "LATE"))
    assert shortage.reason == "min-rest"
    assert "(E1: LATE 14:00-22:00 on 2026-12-07)" in shortage.message


def test_max_consecutive_days() -> None:
    """At most 3 days in a row and E1 worked Monday to Wednesday: Thursday is refused."""
    scenario = scenario_of(
        days=7,
        employees=(employee("E1", 56),),
        rules=Rules(max_consecutive_days=3),
        demand=(DemandSpan(at(3, "09:00"), at(3, "17:00"), 1),),
    )
    shortage = only(scenario, *(assign(scenario, "E1", d, "DAY") for d in range(3)))
    assert shortage.reason == "max-consecutive-days"
    assert "(E1: 4 days in a row)" in shortage.message


def test_weekly_rest() -> None:
    """E1 worked Monday to Friday: a Saturday shift leaves 31 h of rest, under 35 h."""
    scenario = scenario_of(
        days=7,
        employees=(employee("E1", 56),),
        demand=(DemandSpan(at(5, "09:00"), at(5, "17:00"), 1),),
    )
    shortage = only(scenario, *(assign(scenario, "E1", d, "DAY") for d in range(5)))
    assert shortage.reason == "weekly-rest"
    assert "everyone able (1) is kept off by the weekly rest rule" in shortage.message


def test_busy_on_another_shift_that_day() -> None:
    """The evening is short and the only person works the day shift: busy."""
    scenario = scenario_of(
        employees=(employee("E1", 56),),
        shifts=(DAY, LATE),
        demand=(DemandSpan(at(0, "18:00"), at(0, "22:00"), 1),),
    )
    shortage = only(scenario, assign(scenario, "E1", 0, "DAY"))
    assert shortage.reason == "busy"
    assert shortage.message.startswith("2026-12-07 18:00-22:00 total: short 1: everyone able (1)")
    assert "works DAY 09:00-17:00" in shortage.message


def test_breaks_leave_the_floor_short() -> None:
    """The one person on shift takes a 30-minute break: 11:00-11:30 is short for breaks."""
    rule = BreakRule("rest", 30, 120, 120, min_shift_minutes=0)
    scenario = scenario_of(
        employees=(employee("E1", 56),), breaks=(rule,), rules=Rules(max_on_break=None)
    )
    shortage = only(scenario, assign(scenario, "E1", 0, "DAY"))
    assert (shortage.start, shortage.end, shortage.reason) == ("11:00", "11:30", "breaks")
    assert "1 on shift at 11:00 but 1 on a break" in shortage.message
    assert shortage.on_break == 1


def test_someone_free_was_not_chosen() -> None:
    """Two needed, E2 could work under every rule: not-chosen names E2."""
    scenario = scenario_of(
        demand=(DemandSpan(at(0, "09:00"), at(0, "17:00"), 2),), availability=(away("E3", 0),)
    )
    shortage = only(scenario, assign(scenario, "E1", 0, "DAY"))
    assert shortage.reason == "not-chosen"
    assert shortage.could_cover == ["E2"]
    assert shortage.blocked == {"unavailable": ["E3"]}
    assert "unavailable: E3" in shortage.message


def test_runs_split_by_day_and_line_and_a_full_roster_has_none() -> None:
    """Runs are consecutive short intervals per day and line; no shortfall, no run."""
    scenario = scenario_of(
        days=2,
        employees=(employee("E1", 56, skills=frozenset({"lead"})),),
        demand=(
            DemandSpan(at(0, "09:00"), at(0, "17:00"), 1),
            DemandSpan(at(0, "09:00"), at(0, "10:00"), 1, "lead"),
            DemandSpan(at(1, "09:00"), at(1, "17:00"), 1),
        ),
    )
    shortages = explain_shortages(scenario, roster(scenario))
    assert [(s.date, s.skill, s.start, s.end) for s in shortages] == [
        ("2026-12-07", "", "09:00", "17:00"),
        ("2026-12-07", "lead", "09:00", "10:00"),
        ("2026-12-08", "", "09:00", "17:00"),
    ]
    assert all(s.reason == "not-chosen" for s in shortages)
    full = roster(scenario, assign(scenario, "E1", 0, "DAY"), assign(scenario, "E1", 1, "DAY"))
    assert explain_shortages(scenario, full) == []
    assert set(REASONS) >= {"no-template", "skills", "unavailable", "max-hours", "min-rest"}


def test_a_shift_their_rules_forbid() -> None:
    """The night group may not work DAY: forbidden, named as their rules barring it."""
    night = RuleOverride("night", (("forbidden_shifts", frozenset({"DAY"})),))
    scenario = scenario_of(
        employees=(employee("E1", 56, group="night"), employee("E2", 56, group="night")),
        rule_overrides=(night,),
    )
    shortage = only(scenario)
    assert shortage.reason == "forbidden"
    assert "everyone able (2) is barred from the covering shifts by their rules" in shortage.message
    assert "(E1: DAY is not for them)" in shortage.message
