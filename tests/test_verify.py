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
from conftest import assign, at, employee, flex, flex_roster, make_scenario, roster, shift

from scheduler.data import (
    WORKING_WEEKDAYS,
    Anchor,
    AvailabilityKind,
    AvailabilitySpan,
    BackOffice,
    BreakRule,
    Cover,
    DemandSpan,
    FlexDay,
    Horizon,
    Location,
    Office,
    Rules,
    Scenario,
)
from scheduler.errors import InputError
from scheduler.io.roster import format_roster, roster_frame
from scheduler.verify import (
    COVERAGE_COLUMNS,
    DAYS_COLUMNS,
    HOURS_COLUMNS,
    RULES,
    Report,
    Violation,
    verify,
)


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


@pytest.mark.parametrize("year", ["0001", "9999"])
def test_a_shift_in_a_far_year_is_outside_the_horizon(year: str) -> None:
    """A year's typo in a roster row is reported as outside the horizon."""
    # It is reported without sizing the presence arrays to the millennia in between, which ran out
    # of memory.
    scenario = make_scenario()
    frame = format_roster(roster(scenario, assign(scenario, "E1", 0, "EARLY")))
    for column in ("start", "end"):
        frame.loc[0, column] = year + frame.loc[0, column][4:]
    report = verify(scenario, frame)
    [outside] = only(report, "template")
    assert f"starts on {year}-12-07, outside the horizon 2026-12-07" in str(outside)


def test_a_reports_coverage_is_its_own_to_edit() -> None:
    """A report's coverage table can be edited, and the next report's is not changed by it."""
    # The intervals' texts are kept per horizon between calls (the start verifies hundreds of
    # paths): each report must get copies of them.
    scenario = solo_scenario()
    frame = roster(scenario, assign(scenario, "E1", 0, "EARLY"))
    first = verify(scenario, frame).coverage
    first.loc[0, "date"] = "edited"
    first.loc[0, "start"] = "edited"
    second = verify(scenario, frame).coverage
    assert (second.loc[0, "date"], second.loc[0, "start"]) == ("2026-12-07", "2026-12-07T00:00:00")


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


def test_office_shift_of_back_person() -> None:
    """A shift row of a back-office person is an office violation and counts for nothing else."""
    scenario = make_scenario(
        employees=(employee("E1"), employee("E2", office=Office.BACK)),
    )
    report = verify(scenario, roster(scenario, assign(scenario, "E2", 1, "LATE")))
    assert rules_of(report) == {"office"}
    shift_row, break1, lunch = report.violations
    assert {v.employee_id for v in report.violations} == {"E2"}
    assert shift_row.when == "2026-12-08 13:30"
    assert "E2 works in the back office only, not a shift (front office)" in shift_row.message
    assert "not break 'break1' (front office)" in break1.message
    assert "not break 'lunch' (front office)" in lunch.message
    assert list(report.hours["employee_id"]) == ["E1", "E2"]
    assert list(report.hours["paid_hours"]) == [0, 0]
    assert report.coverage["on_floor"].sum() == 0
    assert report.costs.contract_deviation_minutes == 2 * 2400


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


# --------------------------------------------------------------------------- back office


def office_scenario(**policy: Any) -> Scenario:
    """F1 front; B1 back (remote_ok, team ops, payroll); B2 back (team ops); X1 both (payroll).

    All on 40 h contracts without a minimum, no demand; ``policy`` sets BackOffice fields
    (band 07:00-19:00, 8 paid hours a day by default).
    """
    payroll = frozenset({"payroll"})
    return make_scenario(
        employees=(
            employee("F1"),
            employee("B1", office=Office.BACK, remote_ok=True, team="ops", skills=payroll),
            employee("B2", office=Office.BACK, team="ops"),
            employee("X1", office=Office.BOTH, skills=payroll),
        ),
        demand=(),
        back_office=BackOffice(**policy),
    )


def changed(scenario: Scenario, employee_id: str, **changes: Any) -> Scenario:
    """The scenario with one person's fields changed."""
    people = tuple(
        dataclasses.replace(e, **changes) if e.employee_id == employee_id else e
        for e in scenario.employees
    )
    return dataclasses.replace(scenario, employees=people)


def hours_of(report: Report, employee_id: str, block: int = 1) -> dict[str, Any]:
    """The hours row of one person and block."""
    table = report.hours
    rows = table[(table["employee_id"] == employee_id) & (table["block"] == block)]
    (record,) = rows.to_dict("records")
    return {str(key): value for key, value in record.items()}


def test_rule_ids_include_back_office_rules() -> None:
    """The back-office rule ids are part of the public list, in report order."""
    assert RULES[RULES.index("office") + 1] == "flex"
    assert RULES[-5:] == ("desks", "anchor", "cover", "onsite-days", "remote-days")


def test_flex_days_verify_cleanly() -> None:
    """Back-office and both people on flex days beside front shifts break no rule."""
    scenario = office_scenario()
    frame = flex_roster(
        scenario,
        *(assign(scenario, "F1", d, "LATE") for d in range(5)),
        assign(scenario, "X1", 0, "EARLY"),
        flex_rows=(
            flex(scenario, "B1", 0, "remote"),
            flex(scenario, "B1", 1),
            *(flex(scenario, "B2", d) for d in range(5)),
            flex(scenario, "X1", 2),
        ),
    )
    frame.loc[frame["activity"] == "flex", "hours"] = 99  # paid time comes from the scenario
    report = verify(scenario, frame)
    assert report.ok, report.summary_lines()
    assert list(report.hours.columns) == HOURS_COLUMNS
    b1 = hours_of(report, "B1")
    assert (b1["paid_hours"], b1["days"], b1["flex_days"]) == (16, 2, 2)
    assert (b1["onsite_days"], b1["remote_days"]) == (1, 1)
    b2 = hours_of(report, "B2")
    assert (b2["paid_hours"], b2["days"], b2["onsite_days"], b2["remote_days"]) == (40, 5, 5, 0)
    x1 = hours_of(report, "X1")
    assert (x1["paid_hours"], x1["days"], x1["flex_days"]) == (16, 2, 1)
    f1 = hours_of(report, "F1")
    assert (f1["paid_hours"], f1["days"], f1["flex_days"]) == (40, 5, 0)
    by_start = report.coverage.set_index("start")
    assert by_start.loc["2026-12-08T08:00:00", "on_floor"] == 0  # flex days are not on the floor
    assert by_start.loc["2026-12-07T08:00:00", "on_floor"] == 1
    assert report.costs.contract_deviation_minutes == 0 + 1440 + 0 + 1440  # F1, B1, B2, X1


def test_office_flex_of_front_person_and_break_of_back_person() -> None:
    """A flex row of a front person and a break row of a back person are office violations."""
    scenario = office_scenario()
    frame = flex_roster(scenario, flex_rows=(flex(scenario, "F1", 1),))
    frame = pd.concat(
        [
            frame,
            pd.DataFrame(
                {
                    "employee_id": ["B1"],
                    "activity": ["lunch"],
                    "start": [stamp(2, "12:00")],
                    "end": [stamp(2, "12:30")],
                }
            ),
        ],
        ignore_index=True,
    )
    report = verify(scenario, frame)
    assert report.summary_lines() == [
        "office: F1 on 2026-12-08 07:00: row 2: F1 works in the front office only, "
        "not a flex day (back office)",
        "office: B1 on 2026-12-09 12:00: row 3: B1 works in the back office only, "
        "not break 'lunch' (front office)",
    ]
    assert hours_of(report, "F1")["paid_hours"] == 0
    assert report.days["onsite"].sum() == 0


def test_flex_off_band() -> None:
    """A flex row not exactly on its day's band is a flex violation at its start."""
    scenario = office_scenario()
    report = verify(
        scenario,
        flex_roster(
            scenario,
            flex_rows=(
                flex(scenario, "B1", 1, start="07:30"),
                flex(scenario, "B2", 2, start="09:00", end="17:00"),
                flex(scenario, "X1", 3),
            ),
        ),
    )
    assert rules_of(report) == {"flex"}
    first, second = report.violations
    assert str(first) == (
        "flex: B1 on 2026-12-08 07:30: row 2: flex day 07:30-19:00 is not its day's flex band "
        "07:00-19:00 on 2026-12-08"
    )
    assert second.employee_id == "B2"
    assert second.when == "2026-12-09 09:00"
    assert hours_of(report, "B2")["paid_hours"] == 8  # still a paid flex day


def test_flex_band_from_policy() -> None:
    """The band comes from back_office; the default band is then off it."""
    scenario = office_scenario(flex_start=8 * 60, flex_end=18 * 60, daily_minutes=7 * 60)
    good = verify(scenario, flex_roster(scenario, flex_rows=(flex(scenario, "B2", 0),)))
    assert good.ok
    assert hours_of(good, "B2")["paid_hours"] == 7
    bad = verify(
        scenario,
        flex_roster(scenario, flex_rows=(flex(scenario, "B2", 0, start="07:00", end="19:00"),)),
    )
    (violation,) = bad.violations
    assert violation.rule == "flex"
    assert "flex band 08:00-18:00" in violation.message


def test_flex_outside_horizon() -> None:
    """A flex day after the horizon is a flex violation and pays nothing in any block."""
    scenario = office_scenario()
    report = verify(scenario, flex_roster(scenario, flex_rows=(flex(scenario, "B2", 7),)))
    (violation,) = report.violations
    assert violation.rule == "flex"
    assert violation.when == "2026-12-14 07:00"
    assert "on 2026-12-14 lies outside the horizon 2026-12-07 to 2026-12-13" in violation.message
    assert hours_of(report, "B2")["paid_hours"] == 0
    assert hours_of(report, "B2")["flex_days"] == 0


def test_flex_location() -> None:
    """A flex row needs onsite or remote, and remote only for a remote_ok person."""
    scenario = office_scenario()
    report = verify(
        scenario,
        flex_roster(
            scenario,
            flex_rows=(
                flex(scenario, "B1", 0, "home"),
                flex(scenario, "B1", 1, ""),
                flex(scenario, "B2", 2, "remote"),
                flex(scenario, "B1", 3, "remote"),
                flex(scenario, "B2", 4, "onsite"),
            ),
        ),
    )
    assert rules_of(report) == {"flex"}
    messages = [(v.employee_id, v.when, v.message) for v in report.violations]
    assert messages == [
        (
            "B1",
            "2026-12-07 07:00",
            "row 2: flex day 07:00-19:00 has location 'home', expected onsite or remote",
        ),
        (
            "B1",
            "2026-12-08 07:00",
            "row 3: flex day 07:00-19:00 has no location, expected onsite or remote",
        ),
        (
            "B2",
            "2026-12-09 07:00",
            "row 4: flex day 07:00-19:00 is remote, but B2 may not work remotely",
        ),
    ]
    b1 = hours_of(report, "B1")
    assert (b1["flex_days"], b1["onsite_days"], b1["remote_days"]) == (3, 0, 1)


def test_one_shift_per_day_shift_and_flex() -> None:
    """A shift and a flex day on one day, or two flex days, break one-shift-per-day."""
    scenario = office_scenario()
    report = verify(
        scenario,
        flex_roster(
            scenario,
            assign(scenario, "X1", 0, "EARLY"),
            flex_rows=(flex(scenario, "X1", 0), flex(scenario, "B1", 2), flex(scenario, "B1", 2)),
        ),
    )
    assert rules_of(report) == {"one-shift-per-day", "min-rest"}
    x1, b1 = only(report, "one-shift-per-day")
    assert str(x1) == (
        "one-shift-per-day: X1 on 2026-12-07 07:00: 1 shift and 1 flex day start on 2026-12-07, "
        "at most 1 allowed"
    )
    assert b1.employee_id == "B1"
    assert "2 flex days start on 2026-12-09" in b1.message
    rest = {v.employee_id: v.message for v in only(report, "min-rest")}
    assert rest["X1"].startswith("shift and flex day overlap by 8 h 30 min")
    assert rest["B1"].startswith("flex day and flex day overlap by 12 h")


def test_min_rest_with_flex_day() -> None:
    """A flex day's whole band counts: flex then EARLY is fine, LATE then flex is not."""
    scenario = office_scenario()
    fine = flex_roster(
        scenario, assign(scenario, "X1", 1, "EARLY"), flex_rows=(flex(scenario, "X1", 0),)
    )
    assert verify(scenario, fine).ok  # 19:00 to 07:00 is 12 h
    short = flex_roster(
        scenario, assign(scenario, "X1", 0, "LATE"), flex_rows=(flex(scenario, "X1", 1),)
    )
    assert verify(scenario, short).summary_lines() == [
        "min-rest: X1 on 2026-12-07 22:00: 9 h between shift and flex day, at least 11 h required"
    ]
    night = flex_roster(
        scenario, assign(scenario, "X1", 0, "NIGHT"), flex_rows=(flex(scenario, "X1", 1),)
    )
    (violation,) = verify(scenario, night).violations
    assert violation.message.startswith("1 h between shift and flex day")


def test_weekly_rest_with_flex_days() -> None:
    """Six flex days leave 29 h rest in the week; five leave 53 h."""
    scenario = changed(office_scenario(), "B2", max_minutes=3000)
    every_day = dataclasses.replace(scenario.back_office, weekdays=frozenset(range(7)))
    scenario = dataclasses.replace(scenario, back_office=every_day)
    six = verify(
        scenario, flex_roster(scenario, flex_rows=tuple(flex(scenario, "B2", d) for d in range(6)))
    )
    assert six.summary_lines() == [
        "weekly-rest: B2 on 2026-12-07 00:00: longest rest in the 7-day block 2026-12-07 to "
        "2026-12-13 is 29 h, at least 35 h required"
    ]
    five = flex_roster(scenario, flex_rows=tuple(flex(scenario, "B2", d) for d in range(5)))
    assert verify(scenario, five).ok


def test_flex_day_outside_the_back_office_week() -> None:
    """A flex day on a Saturday breaks the flex rule when the back office works Monday-Friday."""
    scenario = office_scenario()
    frame = flex_roster(scenario, flex_rows=(flex(scenario, "B2", 5),))
    assert [v.rule for v in verify(scenario, frame).violations] == ["flex"]


def test_max_consecutive_days_with_flex_days() -> None:
    """Shifts and flex days together make a run of consecutive working days."""
    scenario = dataclasses.replace(office_scenario(), rules=Rules(max_consecutive_days=3))
    frame = flex_roster(
        scenario,
        assign(scenario, "X1", 0, "EARLY"),
        assign(scenario, "X1", 3, "EARLY"),
        flex_rows=(flex(scenario, "X1", 1), flex(scenario, "X1", 2)),
    )
    assert verify(scenario, frame).summary_lines() == [
        "max-consecutive-days: X1 on 2026-12-07 07:00: 4 consecutive days with a shift or flex "
        "day (2026-12-07 to 2026-12-10), at most 3 allowed"
    ]
    three = flex_roster(
        scenario,
        assign(scenario, "X1", 0, "EARLY"),
        flex_rows=(flex(scenario, "X1", 1), flex(scenario, "X1", 2)),
    )
    assert verify(scenario, three).ok


def test_hours_with_flex_days() -> None:
    """Flex days pay daily_minutes toward the minimum and the maximum."""
    scenario = changed(office_scenario(), "B2", min_minutes=2400)
    scenario = changed(scenario, "B1", contract_minutes=1200)
    scenario = changed(scenario, "X1", min_minutes=960)
    frame = flex_roster(
        scenario,
        assign(scenario, "X1", 0, "EARLY"),
        flex_rows=(
            *(flex(scenario, "B2", d) for d in range(4)),
            *(flex(scenario, "B1", d) for d in range(3)),
            flex(scenario, "X1", 1),
        ),
    )
    report = verify(scenario, frame)
    assert report.summary_lines() == [
        "hours: B1 on 2026-12-07 00:00: 24 h paid in the 7-day block 2026-12-07 to 2026-12-13, "
        "at most 20 h allowed",
        "hours: B2 on 2026-12-07 00:00: 32 h paid in the 7-day block 2026-12-07 to 2026-12-13, "
        "at least 40 h required",
    ]
    assert hours_of(report, "X1")["paid_hours"] == 16


def test_max_days_with_flex_days() -> None:
    """A shift and two flex days are three working days against a limit of two."""
    scenario = changed(office_scenario(), "X1", max_days=2)
    frame = flex_roster(
        scenario,
        assign(scenario, "X1", 0, "EARLY"),
        flex_rows=(flex(scenario, "X1", 1), flex(scenario, "X1", 2)),
    )
    assert verify(scenario, frame).summary_lines() == [
        "max-days: X1 on 2026-12-07 00:00: 3 working days (1 shift and 2 flex days) in the 7-day "
        "block 2026-12-07 to 2026-12-13, at most 2 allowed"
    ]
    two = flex_roster(
        scenario, assign(scenario, "X1", 0, "EARLY"), flex_rows=(flex(scenario, "X1", 1),)
    )
    assert verify(scenario, two).ok


def test_availability_over_flex_band() -> None:
    """Unavailable time inside the band breaks availability; touching the band's end does not."""
    unavailable = AvailabilityKind.UNAVAILABLE
    scenario = dataclasses.replace(
        office_scenario(),
        availability=(
            AvailabilitySpan("B1", at(1, "18:00"), at(1, "20:00"), unavailable),
            AvailabilitySpan("B1", at(2, "19:00"), at(2, "23:00"), unavailable),
        ),
    )
    frame = flex_roster(scenario, flex_rows=(flex(scenario, "B1", 1), flex(scenario, "B1", 2)))
    assert verify(scenario, frame).summary_lines() == [
        "availability: B1 on 2026-12-08 07:00: row 2: flex day 07:00-19:00 overlaps unavailable "
        "time 2026-12-08 18:00 to 2026-12-08 20:00"
    ]


def test_desks() -> None:
    """More people on site than desks is reported per day; remote people need no desk."""
    scenario = office_scenario(desks=1)
    crowded = flex_roster(scenario, flex_rows=(flex(scenario, "B1", 1), flex(scenario, "B2", 1)))
    report = verify(scenario, crowded)
    (violation,) = report.violations
    assert violation.employee_id is None
    assert violation.when == "2026-12-08"
    assert str(violation) == "desks: 2026-12-08: 2 people on site, 1 desk (B1, B2)"
    spread = flex_roster(
        scenario, flex_rows=(flex(scenario, "B1", 1, "remote"), flex(scenario, "B2", 1))
    )
    assert verify(scenario, spread).ok
    unlimited = office_scenario()
    assert verify(unlimited, crowded).ok


def test_anchor() -> None:
    """Every member of an anchored team is on site on each anchor weekday of the horizon."""
    scenario = changed(office_scenario(anchors=(Anchor("ops", 1),)), "X1", team="ops")
    scenario = dataclasses.replace(scenario, horizon=Horizon(date(2026, 12, 7), days=14))
    frame = flex_roster(
        scenario,
        assign(scenario, "X1", 1, "EARLY"),
        flex_rows=(
            flex(scenario, "B1", 1, "remote"),
            flex(scenario, "B2", 1),
            flex(scenario, "B1", 8),
            flex(scenario, "X1", 8),
        ),
    )
    report = verify(scenario, frame)
    assert rules_of(report) == {"anchor"}
    assert report.summary_lines() == [
        "anchor: B1 on 2026-12-08: a remote flex day, but team ops works on site on Tuesdays",
        "anchor: X1 on 2026-12-08: a shift, but team ops works on site on Tuesdays",
        "anchor: B2 on 2026-12-15: no flex day, but team ops works on site on Tuesdays",
    ]
    on_site = flex_roster(
        scenario,
        flex_rows=tuple(flex(scenario, e, d) for e in ("B1", "B2", "X1") for d in (1, 8)),
    )
    assert verify(scenario, on_site).ok


def test_anchor_excused_by_unavailability() -> None:
    """Unavailable time overlapping the anchor day's band excuses it; outside the band does not."""
    unavailable = AvailabilityKind.UNAVAILABLE
    scenario = dataclasses.replace(
        office_scenario(anchors=(Anchor("ops", 1),)),
        availability=(
            AvailabilitySpan("B1", at(1, "18:00"), at(1, "20:00"), unavailable),
            AvailabilitySpan("B2", at(1, "19:00"), at(1, "23:00"), unavailable),
        ),
    )
    report = verify(scenario, roster(scenario))
    (violation,) = report.violations
    assert (violation.rule, violation.employee_id) == ("anchor", "B2")


def test_cover() -> None:
    """Each covered weekday needs enough back-office people with the skill, remote counting."""
    scenario = office_scenario(covers=(Cover("payroll", frozenset({0, 1}), 1),))
    frame = flex_roster(
        scenario,
        assign(scenario, "X1", 1, "EARLY"),  # payroll, but on the front floor
        flex_rows=(flex(scenario, "B1", 0, "remote"), flex(scenario, "B2", 1)),
    )
    report = verify(scenario, frame)
    assert report.summary_lines() == [
        "cover: 2026-12-08: 0 back-office people with skill 'payroll' working, at least 1 required"
    ]
    two = office_scenario(covers=(Cover("payroll", WORKING_WEEKDAYS, 2),))
    pair = flex_roster(two, flex_rows=(flex(two, "B1", 0), flex(two, "X1", 0)))
    violations = verify(two, pair).violations
    assert [v.when for v in violations] == [f"2026-12-{d:02d}" for d in range(8, 12)]
    assert violations[0].message.startswith("0 back-office people")


def test_onsite_days() -> None:
    """A remote_ok person is on site min_onsite_days per block, or every flex day if fewer."""
    scenario = office_scenario(min_onsite_days=2)

    def check(*rows: dict[str, Any]) -> list[str]:
        """The violation lines of B1's flex rows."""
        return verify(scenario, flex_roster(scenario, flex_rows=rows)).summary_lines()

    assert check(
        flex(scenario, "B1", 0, "remote"),
        flex(scenario, "B1", 1, "remote"),
        flex(scenario, "B1", 2),
    ) == [
        "onsite-days: B1 on 2026-12-07 00:00: 1 on-site day of 3 flex days in the 7-day block "
        "2026-12-07 to 2026-12-13, at least 2 required"
    ]
    (single,) = check(flex(scenario, "B1", 0, "remote"))
    assert "0 on-site days of 1 flex day" in single
    assert "at least 1 required" in single
    assert check(flex(scenario, "B1", 0)) == []
    assert (
        check(flex(scenario, "B1", 0), flex(scenario, "B1", 1), flex(scenario, "B1", 2, "remote"))
        == []
    )
    assert check() == []


def test_onsite_days_scaled_in_short_block() -> None:
    """A 3-day final block needs floor(3 x 3 / 7) = 1 on-site day of a weekly 3."""
    scenario = dataclasses.replace(
        office_scenario(min_onsite_days=3), horizon=Horizon(date(2026, 12, 7), days=10)
    )
    first_block = [flex(scenario, "B1", d) for d in range(3)]
    remote = flex_roster(
        scenario,
        flex_rows=(
            *first_block,
            flex(scenario, "B1", 7, "remote"),
            flex(scenario, "B1", 8, "remote"),
        ),
    )
    (violation,) = verify(scenario, remote).violations
    assert str(violation) == (
        "onsite-days: B1 on 2026-12-14 00:00: 0 on-site days of 2 flex days in the 3-day block "
        "2026-12-14 to 2026-12-16, at least 1 required"
    )
    mixed = flex_roster(
        scenario,
        flex_rows=(*first_block, flex(scenario, "B1", 7), flex(scenario, "B1", 8, "remote")),
    )
    assert verify(scenario, mixed).ok


def test_remote_days() -> None:
    """Remote flex days per block are at most max_remote_days."""
    scenario = office_scenario(max_remote_days=1)
    two = flex_roster(
        scenario, flex_rows=(flex(scenario, "B1", 0, "remote"), flex(scenario, "B1", 1, "remote"))
    )
    assert verify(scenario, two).summary_lines() == [
        "remote-days: B1 on 2026-12-07 00:00: 2 remote days in the 7-day block 2026-12-07 to "
        "2026-12-13, at most 1 allowed"
    ]
    one = flex_roster(
        scenario, flex_rows=(flex(scenario, "B1", 0, "remote"), flex(scenario, "B1", 1))
    )
    assert verify(scenario, one).ok


def test_costs_of_mixed_roster() -> None:
    """Exact costs: contract deviation with flex hours, office and telework wishes, requests."""
    scenario = make_scenario(
        employees=(
            employee("X1", office=Office.BOTH, prefers=Office.BACK),
            employee("B1", 20, office=Office.BACK, remote_ok=True, remote_days=frozenset({0})),
            employee("X2", 10, office=Office.BOTH, prefers=Office.FRONT),
        ),
        demand=(),
        availability=(
            AvailabilitySpan("B1", at(1, "12:00"), at(1, "13:00"), AvailabilityKind.AVOID, 2),
            AvailabilitySpan("B1", at(1, "18:00"), at(1, "20:00"), AvailabilityKind.PREFER, 4),
        ),
    )
    frame = flex_roster(
        scenario,
        assign(scenario, "X1", 0, "EARLY"),  # prefers back: 1
        flex_rows=(
            flex(scenario, "X1", 1),
            flex(scenario, "B1", 0),  # on site on a remote day: 1
            flex(scenario, "B1", 1, "remote"),  # avoid refused: 2, prefer granted
            flex(scenario, "X2", 2),  # prefers front: 1
        ),
    )
    report = verify(scenario, frame)
    assert report.ok, report.summary_lines()
    costs = report.costs
    assert costs.shortfall_minutes == 0
    assert costs.surplus_minutes == 510 - 15 - 30  # X1's EARLY less its breaks
    # X1 |960 - 2400|, B1 |960 - 1200|, X2 |480 - 600|
    assert costs.contract_deviation_minutes == 1440 + 240 + 120
    assert costs.preference_penalty == 1 + 1 + 2 + 1
    assert costs.objective == 465 + 10 * 1800 + 600 * 5
    x1 = hours_of(report, "X1")
    assert (x1["paid_hours"], x1["days"], x1["flex_days"], x1["onsite_days"]) == (16, 2, 1, 1)
    b1 = hours_of(report, "B1")
    assert (b1["paid_hours"], b1["onsite_days"], b1["remote_days"]) == (16, 1, 1)


def test_office_wishes_apply_only_where_set() -> None:
    """Remote days count only for remote_ok people and office preference only for both people."""
    scenario = make_scenario(
        employees=(
            employee("B2", office=Office.BACK, remote_days=frozenset({0}), prefers=Office.FRONT),
            employee("F1", prefers=Office.BACK),
            employee("X1", office=Office.BOTH),
        ),
        demand=(),
    )
    frame = flex_roster(
        scenario,
        assign(scenario, "F1", 0, "EARLY"),
        assign(scenario, "X1", 0, "LATE"),
        flex_rows=(flex(scenario, "B2", 0), flex(scenario, "X1", 2)),
    )
    report = verify(scenario, frame)
    assert report.ok, report.summary_lines()
    assert report.costs.preference_penalty == 0


def test_days_table() -> None:
    """report.days counts people on site and remote, the desk limit and each cover skill."""
    covers = (
        Cover("payroll", frozenset({0}), 1),
        Cover("payroll", frozenset({1}), 1),
        Cover("audit", WORKING_WEEKDAYS, 0),
    )
    scenario = office_scenario(desks=3, covers=covers)
    frame = flex_roster(
        scenario,
        flex_rows=(
            flex(scenario, "B1", 0),
            flex(scenario, "B2", 0),
            flex(scenario, "X1", 0),
            flex(scenario, "B1", 1, "remote"),
        ),
    )
    report = verify(scenario, frame)
    assert report.ok, report.summary_lines()
    days = report.days
    assert list(days.columns) == [*DAYS_COLUMNS, "cover_payroll", "cover_audit"]
    assert list(days["date"]) == [f"2026-12-{d:02d}" for d in range(7, 14)]
    assert list(days["onsite"]) == [3, 0, 0, 0, 0, 0, 0]
    assert list(days["remote"]) == [0, 1, 0, 0, 0, 0, 0]
    assert list(days["desks"]) == [3] * 7
    assert list(days["cover_payroll"]) == [2, 1, 0, 0, 0, 0, 0]
    assert list(days["cover_audit"]) == [0] * 7
    no_limit = verify(office_scenario(), frame).days
    assert list(no_limit.columns) == DAYS_COLUMNS
    assert list(no_limit["desks"]) == [None] * 7


def test_flex_rows_read_from_csv(tmp_path: Path) -> None:
    """A roster.csv with flex rows gives the same report as the table."""
    scenario = office_scenario(desks=1)
    frame = flex_roster(
        scenario,
        assign(scenario, "X1", 0, "LATE"),
        flex_rows=(
            flex(scenario, "X1", 1),
            flex(scenario, "B1", 1),
            flex(scenario, "B1", 2, "remote"),
        ),
    )
    path = tmp_path / "roster.csv"
    format_roster(frame).to_csv(path, index=False)
    from_table = verify(scenario, frame)
    from_file = verify(scenario, path)
    assert rules_of(from_table) == {"min-rest", "desks"}
    assert from_file.violations == from_table.violations
    assert from_file.costs == from_table.costs
    pd.testing.assert_frame_equal(from_file.hours, from_table.hours)
    pd.testing.assert_frame_equal(from_file.days, from_table.days)


def test_roster_frame_flex_days_verify() -> None:
    """Flex days written by roster_frame verify cleanly and pay daily_minutes."""
    scenario = office_scenario()
    start, end = scenario.back_office.band_on(2)
    frame = roster_frame(
        scenario,
        [assign(scenario, "X1", 0, "EARLY")],
        flex_days=[FlexDay("B1", 2, Location.REMOTE, start, end, 480)],
    )
    report = verify(scenario, frame)
    assert report.ok, report.summary_lines()
    assert hours_of(report, "B1")["remote_days"] == 1
    assert hours_of(report, "B1")["paid_hours"] == 8


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
