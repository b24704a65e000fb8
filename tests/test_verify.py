"""The independent verifier: every hard rule, coverage and costs, computed by hand."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections.abc import Iterable
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from conftest import assign, at, employee, make_scenario, roster, shift

from scheduler.data import (
    AvailabilityKind,
    AvailabilitySpan,
    BreakRule,
    DemandSpan,
    Horizon,
    Office,
    Rules,
    Scenario,
)
from scheduler.errors import InputError
from scheduler.io.roster import format_roster
from scheduler.verify import COVERAGE_COLUMNS, HOURS_COLUMNS, Report, Violation, verify


def rules_of(report: Report) -> set[str]:
    """The rule ids a report names."""
    return {v.rule for v in report.violations}


def only(report: Report, rule: str) -> list[Violation]:
    """The violations of one rule."""
    return [v for v in report.violations if v.rule == rule]


def add_row(frame: pd.DataFrame, **cells: Any) -> pd.DataFrame:
    """The frame with one more row copied from the first and changed by ``cells``."""
    row = frame.iloc[[0]].copy()
    for column, value in cells.items():
        row[column] = [value]
    return pd.concat([frame, row], ignore_index=True)


def series(scenario: Scenario, person: str, shift_id: str, days: Iterable[int]) -> pd.DataFrame:
    """The roster of one person working one template on each of ``days``."""
    return roster(scenario, *(assign(scenario, person, d, shift_id) for d in days))


def stamp(day: int, text: str) -> pd.Timestamp:
    """Wall-clock Timestamp of ``HH:MM`` on day ``day`` of the default horizon."""
    return pd.Timestamp(date(2026, 12, 7)) + pd.Timedelta(minutes=at(day, text))


def solo_scenario(**changes: Any) -> Scenario:
    """One person E1 (10 h contract) and demand of one 07:00-15:30 on the first day."""
    base = make_scenario(
        employees=(employee("E1", 10),),
        demand=(DemandSpan(at(0, "07:00"), at(0, "15:30"), 1),),
    )
    return dataclasses.replace(base, **changes)


# --------------------------------------------------------------------------- clean rosters


def test_clean_week_has_no_violations() -> None:
    """Three people on EARLY, LATE and NIGHT Monday to Friday break no rule."""
    scenario = make_scenario()
    assignments = [
        assign(scenario, person, day, shift_id)
        for person, shift_id in (("E1", "EARLY"), ("E2", "LATE"), ("E3", "NIGHT"))
        for day in range(5)
    ]
    report = verify(scenario, roster(scenario, *assignments))
    assert report.ok
    assert report.violations == ()
    assert report.summary_lines() == []


def test_single_early_shift_coverage_and_costs() -> None:
    """One person on EARLY against demand of one leaves exactly the break minutes short."""
    scenario = solo_scenario()
    report = verify(scenario, roster(scenario, assign(scenario, "E1", 0, "EARLY")))
    assert report.ok
    coverage = report.coverage
    assert list(coverage.columns) == COVERAGE_COLUMNS
    assert len(coverage) == scenario.horizon.num_intervals
    by_start = coverage.set_index("start")
    assert by_start.loc["2026-12-07T07:00:00", "on_floor"] == 1
    assert by_start.loc["2026-12-07T07:00:00", "end"] == "2026-12-07T07:15:00"
    assert by_start.loc["2026-12-07T07:00:00", "date"] == "2026-12-07"
    for start in ("2026-12-07T08:30:00", "2026-12-07T10:00:00", "2026-12-07T10:15:00"):
        row = by_start.loc[start]
        assert (row["required"], row["on_floor"], row["shortfall"], row["surplus"]) == (1, 0, 1, 0)
    assert by_start.loc["2026-12-07T10:30:00", "on_floor"] == 1
    assert by_start.loc["2026-12-07T15:30:00", "on_floor"] == 0
    assert coverage["shortfall"].sum() == 3
    assert coverage["surplus"].sum() == 0
    costs = report.costs
    assert costs.shortfall_minutes == 15 + 30
    assert costs.surplus_minutes == 0
    assert costs.contract_deviation_minutes == abs(480 - 600)
    assert costs.preference_penalty == 0
    assert costs.objective == 1000 * 45 + 10 * 120


def test_staggered_pair_surplus_and_objective() -> None:
    """Two people on EARLY with staggered breaks: no shortfall, surplus while both are in."""
    scenario = make_scenario(demand=(DemandSpan(at(0, "07:00"), at(0, "15:30"), 1),))
    report = verify(
        scenario,
        roster(
            scenario,
            assign(scenario, "E1", 0, "EARLY"),
            assign(scenario, "E2", 0, "EARLY", {"break1": 105, "lunch": 210}),
        ),
    )
    assert report.ok
    costs = report.costs
    assert costs.shortfall_minutes == 0
    assert costs.surplus_minutes == 510 - 90
    # E1 and E2 work 480 paid minutes of 2400; E3 works none.
    assert costs.contract_deviation_minutes == 2 * (2400 - 480) + 2400
    assert costs.objective == 1 * 420 + 10 * 6240


def test_skill_line_shortfall_when_only_lead_is_on_break() -> None:
    """The lead line is short whenever its only lead is on a break, though the total is met."""
    scenario = make_scenario(
        demand=(
            DemandSpan(at(0, "07:00"), at(0, "15:30"), 1),
            DemandSpan(at(0, "07:00"), at(0, "15:30"), 1, "lead"),
        )
    )
    report = verify(
        scenario,
        roster(
            scenario,
            assign(scenario, "E1", 0, "EARLY"),
            assign(scenario, "E2", 0, "EARLY", {"break1": 105, "lunch": 210}),
        ),
    )
    coverage = report.coverage
    total = coverage[coverage["skill"] == ""]
    lead = coverage[coverage["skill"] == "lead"]
    assert list(coverage["skill"].unique()) == ["", "lead"]
    assert len(total) == len(lead) == scenario.horizon.num_intervals
    assert total["shortfall"].sum() == 0
    assert lead["shortfall"].sum() == 3
    assert list(lead.loc[lead["shortfall"] > 0, "start"]) == [
        "2026-12-07T08:30:00",
        "2026-12-07T10:00:00",
        "2026-12-07T10:15:00",
    ]
    assert report.costs.shortfall_minutes == 45
    assert report.costs.surplus_minutes == 420  # lead surplus does not count


def test_preference_penalty() -> None:
    """Avoid spans worked into and prefer spans without a shift cost their weight."""
    scenario = make_scenario(
        availability=(
            AvailabilitySpan("E1", at(0, "12:00"), at(0, "13:00"), AvailabilityKind.AVOID, 3),
            AvailabilitySpan("E2", at(1, "07:00"), at(1, "15:30"), AvailabilityKind.PREFER, 2),
            AvailabilitySpan("E3", at(0, "13:00"), at(0, "14:00"), AvailabilityKind.PREFER, 5),
            AvailabilitySpan("E2", at(2, "07:00"), at(2, "15:30"), AvailabilityKind.AVOID, 7),
        )
    )
    report = verify(
        scenario,
        roster(scenario, assign(scenario, "E1", 0, "EARLY"), assign(scenario, "E3", 0, "LATE")),
    )
    assert report.ok
    assert report.costs.preference_penalty == 3 + 2
    costs = report.costs
    assert costs.objective == (
        1000 * costs.shortfall_minutes
        + costs.surplus_minutes
        + 10 * costs.contract_deviation_minutes
        + 600 * 5
    )


def test_hours_table() -> None:
    """The hours table lists paid, scaled contract and minimum, maximum and days per block."""
    scenario = make_scenario(employees=(employee("E1", 40, min_minutes=1200, max_minutes=2700),))
    report = verify(scenario, roster(scenario, assign(scenario, "E1", 0, "EARLY")))
    assert list(report.hours.columns) == HOURS_COLUMNS
    row = report.hours.iloc[0]
    assert row["employee_id"] == "E1"
    assert row["block"] == 1
    assert row["paid_hours"] == 8
    assert row["contract_hours"] == 40
    assert row["min_hours"] == 20
    assert row["max_hours"] == 45
    assert row["days"] == 1


# --------------------------------------------------------------------------- one test per rule


def test_unknown_employee() -> None:
    """Rows for a person not in the scenario are reported with row and time."""
    scenario = make_scenario()
    frame = roster(scenario, assign(scenario, "E1", 0, "EARLY"))
    frame["employee_id"] = "E9"
    report = verify(scenario, frame)
    assert rules_of(report) == {"unknown-employee"}
    first = only(report, "unknown-employee")[0]
    assert first.employee_id == "E9"
    assert first.when == "2026-12-07 07:00"
    assert "row 2" in first.message
    assert "E9" in str(first)
    assert len(report.violations) == 3


def test_back_office_person_is_not_rostered() -> None:
    """Any row for a back-office person is an office violation; they get no hours row."""
    scenario = make_scenario(
        employees=(employee("E1"), employee("E2", office=Office.BACK)),
    )
    report = verify(scenario, roster(scenario, assign(scenario, "E2", 1, "LATE")))
    assert rules_of(report) == {"office"}
    assert {v.employee_id for v in report.violations} == {"E2"}
    assert only(report, "office")[0].when == "2026-12-08 13:30"
    assert list(report.hours["employee_id"]) == ["E1"]
    assert report.coverage["on_floor"].sum() == 0
    assert report.costs.contract_deviation_minutes == 2400


def test_template_shift_id_mismatch() -> None:
    """A shift whose times differ from its shift_id's template is reported."""
    scenario = make_scenario()
    frame = roster(scenario, assign(scenario, "E1", 0, "LATE"))
    frame["shift_id"] = "EARLY"
    report = verify(scenario, frame)
    assert rules_of(report) == {"template"}
    (violation,) = report.violations
    assert violation.employee_id == "E1"
    assert violation.when == "2026-12-07 13:30"
    assert "EARLY" in violation.message
    assert "template starts at 07:00" in violation.message


def test_template_unknown_shift_id() -> None:
    """A shift naming a template that does not exist is reported."""
    scenario = make_scenario()
    frame = roster(scenario, assign(scenario, "E1", 0, "EARLY"))
    frame["shift_id"] = "MID"
    report = verify(scenario, frame)
    assert rules_of(report) == {"template"}
    assert "unknown shift_id 'MID'" in report.violations[0].message


def test_template_no_match_without_shift_id() -> None:
    """A shift without shift_id at a time no template offers is reported."""
    scenario = make_scenario()
    frame = roster(scenario, assign(scenario, "E1", 0, "EARLY"))
    frame = frame[frame["activity"] == "shift"].copy()
    frame["shift_id"] = ""
    frame["start"] = [stamp(0, "07:10")]
    frame["end"] = [stamp(0, "15:40")]
    report = verify(scenario, frame)
    (violation,) = only(report, "template")
    assert violation.when == "2026-12-07 07:10"
    assert "matches no shift template" in violation.message


def test_template_weekday_not_offered() -> None:
    """A weekday-only template worked on a Saturday is reported."""
    scenario = make_scenario(
        shifts=(shift("EARLY", "07:00", "15:30", frozenset(range(5))),),
    )
    report = verify(scenario, roster(scenario, assign(scenario, "E1", 5, "EARLY")))
    assert rules_of(report) == {"template"}
    (violation,) = report.violations
    assert violation.when == "2026-12-12 07:00"
    assert "Saturdays" in violation.message


def test_template_outside_horizon() -> None:
    """A shift starting after the last horizon day is reported."""
    scenario = make_scenario()
    report = verify(scenario, roster(scenario, assign(scenario, "E1", 7, "EARLY")))
    assert rules_of(report) == {"template"}
    assert "outside the horizon" in report.violations[0].message
    assert report.violations[0].when == "2026-12-14 07:00"


def test_one_shift_per_day() -> None:
    """Two shifts starting on the same day are reported."""
    scenario = make_scenario()
    report = verify(
        scenario,
        roster(scenario, assign(scenario, "E1", 0, "EARLY"), assign(scenario, "E1", 0, "NIGHT")),
    )
    assert {"one-shift-per-day", "min-rest"} == rules_of(report)
    (violation,) = only(report, "one-shift-per-day")
    assert violation.employee_id == "E1"
    assert violation.when == "2026-12-07 22:00"
    assert "2 shifts start on 2026-12-07" in violation.message


def test_break_outside_shift() -> None:
    """A break after the shift's end is reported, and the shift then lacks that break."""
    scenario = make_scenario()
    frame = roster(scenario, assign(scenario, "E1", 0, "EARLY", {"break1": 90}))
    frame = add_row(frame, activity="lunch", start=stamp(0, "16:00"), end=stamp(0, "16:30"))
    report = verify(scenario, frame)
    assert rules_of(report) == {"break-outside-shift", "breaks"}
    (outside,) = only(report, "break-outside-shift")
    assert outside.employee_id == "E1"
    assert outside.when == "2026-12-07 16:00"
    assert "'lunch'" in outside.message
    (missing,) = only(report, "breaks")
    assert "lacks its break 'lunch'" in missing.message


def test_breaks_missing() -> None:
    """A shift without one of its applicable breaks is reported at the shift start."""
    scenario = make_scenario()
    report = verify(scenario, roster(scenario, assign(scenario, "E2", 3, "LATE", {"lunch": 180})))
    (violation,) = report.violations
    assert violation.rule == "breaks"
    assert violation.employee_id == "E2"
    assert violation.when == "2026-12-10 13:30"
    assert "lacks its break 'break1'" in violation.message


def test_breaks_unknown_and_duplicate() -> None:
    """An unknown break name and a second copy of a break are each reported."""
    scenario = make_scenario()
    frame = roster(scenario, assign(scenario, "E1", 0, "EARLY"))
    frame = add_row(frame, activity="coffee", start=stamp(0, "12:00"), end=stamp(0, "12:15"))
    frame = add_row(frame, activity="break1", start=stamp(0, "13:00"), end=stamp(0, "13:15"))
    report = verify(scenario, frame)
    messages = [v.message for v in only(report, "breaks")]
    assert len(messages) == 2
    assert any("unknown break 'coffee'" in m for m in messages)
    assert any("'break1' appears more than once" in m for m in messages)


def test_breaks_not_due_on_short_shift() -> None:
    """A lunch on a 6-hour shift, which carries only break1, is reported as extra."""
    scenario = make_scenario(shifts=(shift("SHORT", "09:00", "15:00"),))
    report = verify(
        scenario,
        roster(scenario, assign(scenario, "E1", 0, "SHORT", {"break1": 90, "lunch": 180})),
    )
    (violation,) = report.violations
    assert violation.rule == "breaks"
    assert violation.when == "2026-12-07 12:00"
    assert "'lunch' is not due" in violation.message


def test_breaks_wrong_length() -> None:
    """A break longer than its rule is reported."""
    scenario = make_scenario()
    frame = roster(scenario, assign(scenario, "E1", 0, "EARLY"))
    is_break1 = frame["activity"] == "break1"
    frame.loc[is_break1, "end"] = stamp(0, "09:00")
    report = verify(scenario, frame)
    (violation,) = report.violations
    assert violation.rule == "breaks"
    assert "lasts 30 min, must last 15 min" in violation.message


def test_breaks_outside_window() -> None:
    """A break starting before its earliest offset is reported."""
    scenario = make_scenario()
    report = verify(
        scenario, roster(scenario, assign(scenario, "E1", 0, "EARLY", {"break1": 60, "lunch": 180}))
    )
    (violation,) = report.violations
    assert violation.rule == "breaks"
    assert violation.when == "2026-12-07 08:00"
    assert "starts 1 h after the shift start, must start 1 h 30 min to 2 h 30 min" in (
        violation.message
    )


def test_breaks_off_grid() -> None:
    """A break starting between interval boundaries is reported."""
    scenario = make_scenario()
    report = verify(
        scenario, roster(scenario, assign(scenario, "E1", 0, "EARLY", {"break1": 95, "lunch": 180}))
    )
    (violation,) = report.violations
    assert violation.rule == "breaks"
    assert "off the 15-minute grid" in violation.message


def test_breaks_order_and_overlap() -> None:
    """A later-listed break starting before the earlier one ends is reported."""
    scenario = make_scenario(
        breaks=(
            BreakRule("break1", 15, 90, 240, min_shift_minutes=360),
            BreakRule("lunch", 30, 180, 300, min_shift_minutes=480, paid=False),
        )
    )
    report = verify(
        scenario,
        roster(scenario, assign(scenario, "E1", 0, "EARLY", {"break1": 195, "lunch": 180})),
    )
    (violation,) = report.violations
    assert violation.rule == "breaks"
    assert violation.when == "2026-12-07 10:00"
    assert "before break 'break1' ends at 10:30" in violation.message


def test_breaks_each_problem_reported_separately() -> None:
    """A break that is off grid, too long and outside its window gives three violations."""
    scenario = make_scenario()
    frame = roster(scenario, assign(scenario, "E1", 0, "EARLY", {"break1": 95, "lunch": 180}))
    is_break1 = frame["activity"] == "break1"
    frame.loc[is_break1, "start"] = stamp(0, "07:05")
    report = verify(scenario, frame)
    assert len(only(report, "breaks")) == 3


def test_max_on_break_share() -> None:
    """With a third allowed on break, three working people may not break together."""
    scenario = make_scenario(rules=Rules(max_on_break=Fraction(1, 3)))
    together = [assign(scenario, e, 0, "EARLY") for e in ("E1", "E2", "E3")]
    report = verify(scenario, roster(scenario, *together))
    assert rules_of(report) == {"max-on-break"}
    breaks = only(report, "max-on-break")
    assert [v.when for v in breaks] == ["2026-12-07 08:30", "2026-12-07 10:00"]
    assert breaks[0].employee_id is None
    assert "3 of 3 working people on a break until 08:45 (E1, E2, E3), at most 1 allowed" in (
        breaks[0].message
    )
    assert "until 10:30" in breaks[1].message
    staggered = [
        assign(scenario, "E1", 0, "EARLY"),
        assign(scenario, "E2", 0, "EARLY", {"break1": 105, "lunch": 210}),
        assign(scenario, "E3", 0, "EARLY", {"break1": 120, "lunch": 240}),
    ]
    assert verify(scenario, roster(scenario, *staggered)).ok


def test_max_on_break_at_least_one() -> None:
    """With two working and a third share, floor gives 0, but one person may still break."""
    scenario = make_scenario(rules=Rules(max_on_break=Fraction(1, 3)))
    staggered = [
        assign(scenario, "E1", 0, "EARLY"),
        assign(scenario, "E2", 0, "EARLY", {"break1": 105, "lunch": 210}),
    ]
    assert verify(scenario, roster(scenario, *staggered)).ok
    together = [assign(scenario, e, 0, "EARLY") for e in ("E1", "E2")]
    assert rules_of(verify(scenario, roster(scenario, *together))) == {"max-on-break"}


def test_max_on_break_half_of_four() -> None:
    """With half allowed and four working, two may break together but not three."""
    people = tuple(employee(f"E{i}") for i in range(1, 5))
    scenario = make_scenario(employees=people, rules=Rules(max_on_break=Fraction(1, 2)))
    pairs = [
        assign(scenario, "E1", 0, "EARLY"),
        assign(scenario, "E2", 0, "EARLY"),
        assign(scenario, "E3", 0, "EARLY", {"break1": 105, "lunch": 210}),
        assign(scenario, "E4", 0, "EARLY", {"break1": 105, "lunch": 210}),
    ]
    assert verify(scenario, roster(scenario, *pairs)).ok
    three = [*pairs[:3], assign(scenario, "E4", 0, "EARLY")]
    report = verify(scenario, roster(scenario, *three))
    assert rules_of(report) == {"max-on-break"}
    assert "3 of 4 working people" in report.violations[0].message
    assert "at most 2 allowed" in report.violations[0].message


def test_max_on_break_past_horizon_end() -> None:
    """Breaks of overnight shifts are judged past the horizon's end too."""
    scenario = make_scenario(rules=Rules(max_on_break=Fraction(1, 3)))
    together = [assign(scenario, e, 6, "NIGHT") for e in ("E1", "E2")]
    report = verify(scenario, roster(scenario, *together))
    assert [v.when for v in only(report, "max-on-break")] == [
        "2026-12-13 23:30",
        "2026-12-14 01:00",
    ]


def test_min_rest() -> None:
    """A LATE followed by an EARLY leaves 9 h rest, below the 11 h required."""
    scenario = make_scenario()
    report = verify(
        scenario,
        roster(scenario, assign(scenario, "E1", 0, "LATE"), assign(scenario, "E1", 1, "EARLY")),
    )
    assert report.summary_lines() == [
        "min-rest: E1 on 2026-12-07 22:00: 9 h between shifts, at least 11 h required"
    ]


def test_min_rest_overlapping_shifts() -> None:
    """Overlapping shifts of one person break min-rest."""
    scenario = make_scenario()
    report = verify(
        scenario,
        roster(scenario, assign(scenario, "E1", 0, "EARLY"), assign(scenario, "E1", 0, "LATE")),
    )
    (violation,) = only(report, "min-rest")
    assert "shifts overlap by 2 h" in violation.message


def test_weekly_rest() -> None:
    """Six EARLY shifts leave at most 32 h 30 min rest in the week, below 35 h."""
    scenario = make_scenario(employees=(employee("E1", max_minutes=3000),))
    report = verify(scenario, series(scenario, "E1", "EARLY", range(6)))
    (violation,) = report.violations
    assert str(violation) == (
        "weekly-rest: E1 on 2026-12-07 00:00: longest rest in the 7-day block 2026-12-07 to "
        "2026-12-13 is 32 h 30 min, at least 35 h required"
    )


def test_weekly_rest_counts_night_running_into_block() -> None:
    """A Sunday NIGHT runs into the next block and shortens the rest there."""
    scenario = make_scenario(
        horizon=Horizon(date(2026, 12, 7), days=14),
        employees=(employee("E1", max_minutes=3000),),
    )
    assignments = [assign(scenario, "E1", 6, "NIGHT")]
    assignments += [assign(scenario, "E1", d, "LATE") for d in range(8, 14)]
    report = verify(scenario, roster(scenario, *assignments))
    (violation,) = report.violations
    assert violation.rule == "weekly-rest"
    assert violation.when == "2026-12-14 00:00"
    assert "is 31 h 30 min" in violation.message


def test_weekly_rest_only_complete_blocks() -> None:
    """A 10-day horizon's 3-day second block is not judged on weekly rest."""
    scenario = make_scenario(horizon=Horizon(date(2026, 12, 7), days=10))
    days = [0, 1, 2, 3, 4, 7, 8, 9]
    report = verify(scenario, series(scenario, "E1", "EARLY", days))
    assert report.ok
    e1 = report.hours[report.hours["employee_id"] == "E1"]
    assert list(e1["block"]) == [1, 2]
    assert list(e1["paid_hours"]) == [40, 24]
    assert list(e1["contract_hours"]) == [40, 2400 * 3 // 7 / 60]


def test_max_consecutive_days() -> None:
    """Four days in a row break a limit of three."""
    scenario = make_scenario(rules=Rules(max_consecutive_days=3))
    report = verify(scenario, series(scenario, "E1", "EARLY", range(4)))
    (violation,) = report.violations
    assert str(violation) == (
        "max-consecutive-days: E1 on 2026-12-07 07:00: 4 consecutive days with a shift "
        "(2026-12-07 to 2026-12-10), at most 3 allowed"
    )


def test_hours_below_minimum() -> None:
    """32 paid hours in a week fall below a 40 h minimum."""
    scenario = make_scenario(employees=(employee("E1", min_minutes=2400),))
    report = verify(scenario, series(scenario, "E1", "EARLY", range(4)))
    (violation,) = report.violations
    assert violation.rule == "hours"
    assert violation.when == "2026-12-07 00:00"
    assert "32 h paid in the 7-day block 2026-12-07 to 2026-12-13" in violation.message
    assert "at least 40 h required" in violation.message


def test_hours_above_maximum() -> None:
    """32 paid hours exceed a 24 h maximum."""
    scenario = make_scenario(employees=(employee("E1", 20, max_minutes=1440),))
    report = verify(scenario, series(scenario, "E1", "EARLY", range(4)))
    (violation,) = report.violations
    assert violation.rule == "hours"
    assert "at most 24 h allowed" in violation.message


def test_hours_minimum_scaled_on_short_horizon() -> None:
    """On a 3-day horizon the weekly minimum is scaled by 3/7; the maximum is not."""
    scenario = make_scenario(
        horizon=Horizon(date(2026, 12, 7), days=3),
        employees=(employee("E1", min_minutes=2400),),
    )
    two = verify(scenario, series(scenario, "E1", "EARLY", range(2)))
    (violation,) = two.violations
    assert violation.rule == "hours"
    assert "16 h paid in the 3-day block 2026-12-07 to 2026-12-09" in violation.message
    assert "at least 17 h 8 min required" in violation.message  # 2400 * 3 // 7 = 1028
    assert two.hours.iloc[0]["min_hours"] == 1028 / 60
    assert two.hours.iloc[0]["max_hours"] == 40
    three = verify(scenario, series(scenario, "E1", "EARLY", range(3)))
    assert three.ok
    assert three.costs.contract_deviation_minutes == abs(3 * 480 - 1028)


def test_hours_use_scenario_paid_flag() -> None:
    """Paid-ness comes from the scenario's break rules, not the roster's paid column."""
    scenario = make_scenario()
    frame = roster(scenario, assign(scenario, "E1", 0, "EARLY"))
    frame["paid"] = "true"
    report = verify(scenario, frame)
    assert report.hours.iloc[0]["paid_hours"] == 8


def test_max_days() -> None:
    """Four shifts in a block break a limit of three days."""
    scenario = make_scenario(employees=(employee("E1", max_days=3),))
    report = verify(scenario, series(scenario, "E1", "EARLY", range(4)))
    (violation,) = report.violations
    assert str(violation) == (
        "max-days: E1 on 2026-12-07 00:00: 4 shifts in the 7-day block 2026-12-07 to "
        "2026-12-13, at most 3 allowed"
    )


def test_availability() -> None:
    """A shift over unavailable time is reported; touching its end is not an overlap."""
    scenario = make_scenario(
        availability=(
            AvailabilitySpan("E1", at(0, "12:00"), at(0, "13:00"), AvailabilityKind.UNAVAILABLE),
            AvailabilitySpan("E1", at(0, "15:30"), at(0, "18:00"), AvailabilityKind.UNAVAILABLE),
        )
    )
    report = verify(scenario, roster(scenario, assign(scenario, "E1", 0, "EARLY")))
    (violation,) = report.violations
    assert violation.rule == "availability"
    assert violation.employee_id == "E1"
    assert violation.when == "2026-12-07 07:00"
    assert "2026-12-07 12:00 to 2026-12-07 13:00" in violation.message


# --------------------------------------------------------------------------- overnight


def test_night_shift_across_midnight_covers_next_day() -> None:
    """A NIGHT shift is on the floor after midnight except during its lunch."""
    scenario = make_scenario(demand=())
    report = verify(scenario, roster(scenario, assign(scenario, "E1", 0, "NIGHT")))
    assert report.ok
    by_start = report.coverage.set_index("start")
    assert by_start.loc["2026-12-07T22:00:00", "on_floor"] == 1
    assert by_start.loc["2026-12-07T23:30:00", "on_floor"] == 0
    assert by_start.loc["2026-12-08T00:45:00", "on_floor"] == 1
    assert by_start.loc["2026-12-08T01:00:00", "on_floor"] == 0
    assert by_start.loc["2026-12-08T05:45:00", "on_floor"] == 1
    assert by_start.loc["2026-12-08T06:00:00", "on_floor"] == 0
    assert report.costs.surplus_minutes == 480 - 45


def test_night_shift_on_last_day_runs_past_horizon() -> None:
    """A NIGHT on the last day is fine and its paid hours count in the last block."""
    scenario = make_scenario(demand=())
    report = verify(scenario, roster(scenario, assign(scenario, "E1", 6, "NIGHT")))
    assert report.ok
    assert report.hours.iloc[0]["paid_hours"] == 7.5
    assert report.hours.iloc[0]["days"] == 1
    assert report.coverage["start"].iloc[-1] == "2026-12-13T23:45:00"
    assert report.coverage["on_floor"].iloc[-1] == 1
    assert report.costs.surplus_minutes == 2 * 60 - 15


# --------------------------------------------------------------------------- files and API


def test_verify_reads_roster_csv(tmp_path: Path) -> None:
    """A roster.csv written with format_roster gives the same report as the table."""
    scenario = make_scenario()
    frame = roster(scenario, assign(scenario, "E1", 0, "LATE"), assign(scenario, "E1", 1, "EARLY"))
    path = tmp_path / "roster.csv"
    format_roster(frame).to_csv(path, index=False)
    from_table = verify(scenario, frame)
    for source in (path, str(path)):
        from_file = verify(scenario, source)
        assert from_file.violations == from_table.violations
        assert from_file.costs == from_table.costs
        pd.testing.assert_frame_equal(from_file.coverage, from_table.coverage)
    assert rules_of(from_table) == {"min-rest"}


def test_verify_accepts_iso_text_times() -> None:
    """A hand-made table with ISO text times is accepted."""
    scenario = make_scenario()
    frame = format_roster(roster(scenario, assign(scenario, "E1", 0, "EARLY")))
    assert verify(scenario, frame).ok


def test_malformed_roster_cell(tmp_path: Path) -> None:
    """An unparsable start cell raises InputError naming file, row and column."""
    scenario = make_scenario()
    frame = format_roster(roster(scenario, assign(scenario, "E1", 0, "EARLY")))
    frame.loc[1, "start"] = "tomorrow"
    path = tmp_path / "roster.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(InputError, match=r"roster\.csv, row 3, column start") as caught:
        verify(scenario, path)
    assert caught.value.row == 3
    assert caught.value.column == "start"


def test_missing_roster_file(tmp_path: Path) -> None:
    """A roster path that does not exist raises InputError."""
    with pytest.raises(InputError, match="file not found"):
        verify(make_scenario(), tmp_path / "roster.csv")


def test_violation_text_without_person() -> None:
    """A violation without a person reads rule, time and message."""
    violation = Violation("max-on-break", None, "2026-12-07 08:30", "too many")
    assert str(violation) == "max-on-break: 2026-12-07 08:30: too many"


def test_violations_sorted_by_rule_then_time() -> None:
    """The report lists violations grouped by rule, then in time order."""
    scenario = make_scenario(employees=(employee("E1", max_minutes=3000, max_days=5),))
    days = [0, 1, 2, 3, 4, 5]
    frame = roster(scenario, *(assign(scenario, "E1", d, "LATE") for d in days))
    frame = add_row(frame, employee_id="E7")
    report = verify(scenario, frame)
    assert [v.rule for v in report.violations] == ["unknown-employee", "weekly-rest", "max-days"]


def test_verifier_does_not_import_the_solver() -> None:
    """The verifier is independent: importing it loads neither OR-Tools nor the model."""
    code = (
        "import sys, scheduler.verify; "
        "bad = [m for m in sys.modules if m.startswith(('ortools', 'scheduler.model'))]; "
        "sys.exit(1 if bad else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_large_roster_verifies_cleanly() -> None:
    """400 people over 56 days on a 5-minute grid verify without a violation."""
    people = tuple(employee(f"P{i:03d}") for i in range(400))
    scenario = make_scenario(
        horizon=Horizon(date(2026, 12, 7), days=56, interval_minutes=5), employees=people
    )
    kinds = ("EARLY", "LATE", "NIGHT")
    assignments = [
        assign(scenario, p.employee_id, day, kinds[i % 3])
        for i, p in enumerate(people)
        for day in range(56)
        if day % 7 < 5
    ]
    frame = roster(scenario, *assignments)
    report = verify(scenario, frame)
    assert report.ok
    assert len(report.coverage) == 2 * scenario.horizon.num_intervals
