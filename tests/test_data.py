"""The problem's dataclasses refuse values the model and the verifier cannot hold."""

from __future__ import annotations

from datetime import date

import pytest

from scheduler.data import START_YEARS, Horizon


@pytest.mark.parametrize(
    ("start", "days", "interval", "phrase"),
    [
        (date(START_YEARS[0] - 1, 12, 31), 7, 15, "start must lie in the years 1900..2198"),
        (date(START_YEARS[1] + 1, 1, 1), 7, 15, "start must lie in the years"),
        (date(9999, 12, 30), 7, 15, "start must lie in the years"),
        (date(2026, 12, 7), 0, 15, "days must lie in 1..371"),
        (date(2026, 12, 7), 7, 20, "interval_minutes must be one of"),
    ],
)
def test_horizon_refuses_what_dates_and_grids_cannot_hold(
    start: date, days: int, interval: int, phrase: str
) -> None:
    """A start year outside START_YEARS, no days or an interval off the choices is a ValueError."""
    # Date arithmetic and pandas overflow past START_YEARS.
    with pytest.raises(ValueError, match=phrase):
        Horizon(start, days, interval)


def test_horizon_at_the_last_start_year_reaches_its_last_day() -> None:
    """A year-long horizon from the last start year still has dates and wall-clock times."""
    horizon = Horizon(date(START_YEARS[1], 12, 31), days=371)
    assert horizon.date_of(370) == date(START_YEARS[1] + 2, 1, 5)
    assert horizon.to_datetime(horizon.num_minutes).year == START_YEARS[1] + 2
