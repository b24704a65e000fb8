"""Reading a published roster back: strict for replan, tolerant (and week-moving) for hints."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest
from conftest import assign, at, employee, flex, flex_roster, make_scenario, roster

from scheduler.data import AvailabilityKind, AvailabilitySpan, Location, Office
from scheduler.errors import InputError
from scheduler.published import published_roster


def test_strict_reading_gives_back_shifts_breaks_and_flex_days() -> None:
    """A roster built from assignments reads back to the same assignments and flex days."""
    scenario = make_scenario(
        employees=(employee("E1"), employee("B1", office=Office.BACK, remote_ok=True))
    )
    shifts = [
        assign(scenario, "E1", 0, "EARLY"),
        assign(scenario, "E1", 2, "LATE", {"break1": 120, "lunch": 240}),
    ]
    frame = flex_roster(scenario, *shifts, flex_rows=(flex(scenario, "B1", 1, "remote"),))
    published = published_roster(scenario, frame)
    assert published.assignments == shifts
    assert [(f.employee_id, f.day, f.location) for f in published.flex_days] == [
        ("B1", 1, Location.REMOTE)
    ]
    assert (published.skipped, published.shift_days) == ([], 0)


@pytest.mark.parametrize(
    ("change", "column", "message"),
    [
        ({"shift_id": "LUNCH"}, "shift_id", "unknown shift_id 'LUNCH'"),
        ({"start": "2026-12-07T08:00:00"}, "start", "expected the times of shift EARLY"),
        ({"employee_id": "E7"}, "employee_id", "employee 'E7' is not in the scenario"),
    ],
)
def test_strict_reading_names_the_row_that_does_not_fit(
    change: dict[str, str], column: str, message: str
) -> None:
    """A shift row with an unknown template, wrong times or person is bad input, row 2."""
    scenario = make_scenario()
    frame = roster(scenario, assign(scenario, "E1", 0, "EARLY"))
    for key, value in change.items():
        frame[key] = frame[key].astype(object)
        frame.loc[0, key] = value
    with pytest.raises(InputError) as error:
        published_roster(scenario, frame, "roster.csv")
    assert str(error.value).startswith(f"roster.csv, row 2, column {column}: {message}")


def test_strict_reading_refuses_two_shifts_on_one_day() -> None:
    """A person with two shifts starting the same day is bad input."""
    scenario = make_scenario()
    frame = roster(scenario, assign(scenario, "E1", 0, "EARLY"), assign(scenario, "E1", 0, "NIGHT"))
    with pytest.raises(InputError, match="E1 already works on that day"):
        published_roster(scenario, frame)


def test_tolerant_reading_moves_last_week_and_skips_what_no_longer_fits() -> None:
    """Last week's roster lands on this week; a leaver and an unavailable day are skipped."""
    scenario = make_scenario(
        availability=(
            AvailabilitySpan("E2", at(1, "00:00"), at(2, "00:00"), AvailabilityKind.UNAVAILABLE),
        )
    )
    this_week = roster(
        scenario,
        assign(scenario, "E1", 0, "EARLY"),
        assign(scenario, "E2", 1, "LATE"),
        assign(scenario, "E3", 6, "NIGHT"),
    )
    last_week = this_week.copy()
    for column in ("start", "end"):
        last_week[column] = last_week[column] - timedelta(days=7)
    leaver = last_week.iloc[[0]].assign(employee_id="E9")
    frame = pd.concat([last_week, leaver], ignore_index=True)
    published = published_roster(scenario, frame, "last.csv", strict=False)
    assert published.shift_days == 7
    assert [(a.employee_id, a.day, a.shift_id) for a in published.assignments] == [
        ("E1", 0, "EARLY"),
        ("E3", 6, "NIGHT"),
    ]
    assert len(published.skipped) == 2
    assert any("row 5: E2 is unavailable then; skipped" in s for s in published.skipped)
    assert any("employee 'E9' is not in the scenario; skipped" in s for s in published.skipped)
    assert published.assignments[0].breaks == assign(scenario, "E1", 0, "EARLY").breaks
