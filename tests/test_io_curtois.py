"""Reading Curtois & Qu instance files (scheduler.io.curtois) from small hand-written ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from scheduler.data import AvailabilityKind, ShiftDemand, ShiftRequest
from scheduler.errors import InputError
from scheduler.io.curtois import START, read_curtois
from scheduler.solve import solve

# Three days; shifts E and L (L may not be followed by E); two people.
TINY = """\
# A comment line
SECTION_HORIZON
# days
3

SECTION_SHIFTS
E,480,
L,600,E

SECTION_STAFF
A,E=3|L=0,1440,480,3,1,1,1
B,E=3|L=3,960,0,2,2,2,0

SECTION_DAYS_OFF
A,2

SECTION_SHIFT_ON_REQUESTS
B,1,L,4

SECTION_SHIFT_OFF_REQUESTS
A,0,E,2

SECTION_COVER
0,E,1,100,1
1,L,1,100,1
2,E,2,100,1
"""


def write(tmp_path: Path, text: str = TINY) -> Path:
    """The instance text as ``Instance0.txt`` with the format's CRLF line endings."""
    path = tmp_path / "Instance0.txt"
    path.write_bytes(text.replace("\n", "\r\n").encode())
    return path


def test_tiny_instance_maps_onto_the_scenario(tmp_path: Path) -> None:
    """Shifts from 00:00 with their lengths, people's limits as their rules, requests, cover."""
    scenario = read_curtois(write(tmp_path))
    assert scenario.name == "Instance0"
    assert (scenario.horizon.start, scenario.horizon.days) == (START, 3)
    assert scenario.horizon.weekday_of(0) == 0
    shifts = {s.shift_id: s for s in scenario.shifts}
    assert (shifts["L"].start, shifts["L"].duration) == (0, 600)
    assert shifts["L"].not_followed_by == frozenset({"E"})
    rules = scenario.rules_for(scenario.employee("B"))
    assert rules.max_shifts == (("E", 3), ("L", 3))
    assert (rules.min_total_minutes, rules.max_total_minutes) == (0, 960)
    assert (rules.max_consecutive_days, rules.min_consecutive_days) == (2, 2)
    assert (rules.min_days_off, rules.max_weekends) == (2, 0)
    assert (rules.min_rest_minutes, rules.weekly_rest_minutes) == (0, 0)
    [off] = scenario.availability
    assert (off.employee_id, off.start, off.end, off.kind) == (
        "A",
        2 * 1440,
        3 * 1440,
        AvailabilityKind.UNAVAILABLE,
    )
    assert scenario.shift_requests == (
        ShiftRequest("B", 1, "L", AvailabilityKind.PREFER, 4),
        ShiftRequest("A", 0, "E", AvailabilityKind.AVOID, 2),
    )
    assert scenario.shift_demand[2] == ShiftDemand(2, "E", 2, 100, 1)
    assert scenario.demand == ()


def test_tiny_instance_optimum(tmp_path: Path) -> None:
    """The tiny instance solves to its optimum, 206, checked by hand."""
    # B can never work L on day 1: alone it is a 1-day run inside the horizon (B needs 2), with E on
    # day 0 or L on day 2 it passes B's 16 h, and E may not follow L. A may not work L, so day 1's L
    # is always short (100) and B's request for it refused (4). Day 2 wants 2 on E with A off: B
    # works it, one short (100); B then cannot work day 0 (a 1-day break, B needs 2 days off), so A
    # works E on day 0 against A's request off (2). 104 + 100 + 2 = 206.
    result = solve(read_curtois(write(tmp_path)), time_limit=5.0, workers=1, seed=0)
    assert result.status == "optimal"
    assert result.report is not None and result.report.ok
    assert result.objective == result.report.costs.objective == 206


@pytest.mark.parametrize(
    ("old", "new", "line", "column", "phrase"),
    [
        ("B,E=3|L=3,960,0,2,2,2,0", "B,E=3|L=3,960,0,2,2,2", 12, None, "expected 8 fields"),
        ("A,E=3|L=0,1440", "A,E=3|Q=0,1440", 11, "MaxShifts", "'Q'"),
        ("A,E=3|L=0,1440", "A,E=3|L,1440", 11, "MaxShifts", "SHIFT=N"),
        ("B,E=3|L=3,960,0", "B,E=3|L=3,960,1000", 12, "MinTotalMinutes", "<= MaxTotalMinutes"),
        ("2,E,2,100,1", "2,X,2,100,1", 26, "ShiftID", "shift id"),
        ("2,E,2,100,1", "3,E,2,100,1", 26, "Day", "from 0 to 2"),
        ("2,E,2,100,1", "1,L,2,100,1", 26, "ShiftID", "one cover line"),
        ("B,1,L,4", "C,1,L,4", 18, "EmployeeID", "'C'"),
        ("B,1,L,4", "B,1,L,x", 18, "Weight", "whole number"),
        ("L,600,E", "L,600,N", 8, "ShiftsWhichCannotFollow", "'N'"),
        ("L,600,E", "E,600,E", 8, "ShiftID", "unique shift id, got 'E' again (line 7)"),
        ("B,E=3|L=3,960,0,2,2,2,0", "A,E=3|L=3,960,0,2,2,2,0", 12, "ID", "unique employee id"),
        ("B,E=3|L=3,960,0,2,2,2,0", ",E=3|L=3,960,0,2,2,2,0", 12, "ID", "an employee id"),
        ("A,2\n", "A,two\n", 15, "DayIndexes", "whole number"),
        ("SECTION_COVER", "SECTION_COVERS", 23, None, "unknown section"),
    ],
)
def test_bad_line_names_file_and_line(
    tmp_path: Path, old: str, new: str, line: int, column: str | None, phrase: str
) -> None:
    """Each malformed line is one InputError naming the file, the line and the field."""
    assert old in TINY
    with pytest.raises(InputError) as caught:
        read_curtois(write(tmp_path, TINY.replace(old, new)))
    error = caught.value
    assert (error.file, error.row, error.column) == ("Instance0.txt", line, column)
    assert phrase in error.message


def test_missing_section_and_file(tmp_path: Path) -> None:
    """A file without SECTION_COVER, and a missing file, are InputErrors naming the file."""
    with pytest.raises(InputError, match=r"^Instance0.txt: missing section SECTION_COVER"):
        read_curtois(write(tmp_path, TINY.split("SECTION_COVER")[0]))
    with pytest.raises(InputError, match=r"^nowhere.txt: missing instance file"):
        read_curtois(tmp_path / "nowhere.txt")
