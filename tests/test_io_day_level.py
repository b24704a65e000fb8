"""Reading day-level demand, the day-level rule columns and keys, and shift requests
(scheduler.io.scenario), writing them back, and `scheduler solve` on such a folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scheduler.cli import main
from scheduler.data import AvailabilityKind, Scenario, ShiftDemand, ShiftRequest
from scheduler.errors import InputError
from scheduler.io.scenario import read_scenario

# 2026-12-07 is a Monday; three days.
TOML = """\
name = "wards"

[horizon]
start = 2026-12-07
days = 3
interval_minutes = 60

[rules]
min_rest_hours = 0
weekly_rest_hours = 0
min_consecutive_days = 2
max_weekends = 1

[rules.max_shifts]
L = 2

[rules.group.nights]
min_days_off = 2
max_total_hours = 16

[weights]
shortfall = 2
contract = 0
preference = 1
surplus = 0
fairness = 0
"""

STAFF = """\
employee_id,name,office,skills,contract_hours,max_hours,group,max_shifts,min_total_hours,max_total_hours,min_consecutive_days,max_consecutive_days,min_days_off,max_weekends
A,Ann,front,,0,168,,E=1;L=3,8,,,,,
B,Ben,front,,0,168,nights,,,,1,2,,0
"""

SHIFTS = """\
shift_id,start,end,not_followed_by
E,06:00,14:00,
L,14:00,22:00,E
"""

DEMAND = """\
date,weekday,shift_id,required,under_weight,over_weight
2026-12-07,,E,1,100,1
,tue,L,1,100,
,wed,L,3,,
"""

AVAILABILITY = """\
employee_id,date,start,end,kind,weight,shift_id
A,2026-12-08,,,avoid,3,L
B,2026-12-09,,,prefer,2,L
B,2026-12-07,,,unavailable,,E
"""

FILES = {
    "scenario.toml": TOML,
    "staff.csv": STAFF,
    "shifts.csv": SHIFTS,
    "demand.csv": DEMAND,
    "availability.csv": AVAILABILITY,
}


def folder_with(tmp_path: Path, **changes: str) -> Path:
    """The day-level scenario folder, with some files' text replaced (key: file name)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    for name, text in {**FILES, **changes}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def error_of(tmp_path: Path, **changes: str) -> InputError:
    """The InputError reading the folder raises."""
    with pytest.raises(InputError) as caught:
        read_scenario(folder_with(tmp_path, **changes))
    return caught.value


def test_day_level_rows_become_cover_lines(tmp_path: Path) -> None:
    """Shift rows give one line per day (date or weekday), weights blank meaning the default."""
    scenario = read_scenario(folder_with(tmp_path))
    assert scenario.demand == ()
    assert scenario.shift_demand == (
        ShiftDemand(0, "E", 1, 100, 1),
        ShiftDemand(1, "L", 1, 100, None),
        ShiftDemand(2, "L", 3, None, None),
    )
    assert scenario.cover_weights(scenario.shift_demand[2]) == (2 * 480, 0)


def test_shift_rows_of_availability_become_requests(tmp_path: Path) -> None:
    """availability.csv rows with a shift_id are shift requests of kind and weight."""
    scenario = read_scenario(folder_with(tmp_path))
    assert scenario.availability == ()
    assert scenario.shift_requests == (
        ShiftRequest("A", 1, "L", AvailabilityKind.AVOID, 3),
        ShiftRequest("B", 2, "L", AvailabilityKind.PREFER, 2),
        ShiftRequest("B", 0, "E", AvailabilityKind.UNAVAILABLE, 1),
    )


def test_rules_resolve_rule_book_group_then_the_person(tmp_path: Path) -> None:
    """[rules], then [rules.group.NAME], then staff.csv's own columns, the last winning."""
    scenario = read_scenario(folder_with(tmp_path))
    shifts = {s.shift_id: s for s in scenario.shifts}
    assert shifts["L"].not_followed_by == frozenset({"E"})
    assert shifts["E"].not_followed_by == frozenset()
    ann = scenario.rules_for(scenario.employee("A"))
    assert ann.max_shifts == (("E", 1), ("L", 3))
    assert (ann.min_total_minutes, ann.max_total_minutes) == (480, None)
    assert (ann.min_consecutive_days, ann.max_weekends, ann.min_days_off) == (2, 1, None)
    ben = scenario.rules_for(scenario.employee("B"))
    assert ben.max_shifts == (("L", 2),)
    assert (ben.min_consecutive_days, ben.max_consecutive_days) == (1, 2)
    assert (ben.min_days_off, ben.max_total_minutes, ben.max_weekends) == (2, 16 * 60, 0)


def test_saved_day_level_scenario_reads_back_equal(tmp_path: Path) -> None:
    """save() writes the day-level columns, keys and rows so that load() gives the same."""
    original = read_scenario(folder_with(tmp_path / "in"))
    original.save(tmp_path / "out")
    assert Scenario.load(tmp_path / "out") == original


@pytest.mark.parametrize(
    ("file", "old", "new", "row", "column", "phrase"),
    [
        ("demand.csv", ",tue,L,1,100,", ",tue,X,1,100,", 3, "shift_id", "shift id of shifts.csv"),
        ("demand.csv", ",tue,L,1,100,", ",tue,L,1,-1,", 3, "under_weight", "whole number >= 0"),
        ("demand.csv", ",wed,L,3,,", ",wed,L,3,,\n,wed,L,1,,", 5, "shift_id", "first on row 4"),
        ("staff.csv", "E=1;L=3", "E=1;L", 2, "max_shifts", "SHIFT=N"),
        ("staff.csv", "E=1;L=3", "E=1;Q=3", 2, "max_shifts", "'Q'"),
        ("staff.csv", "E=1;L=3,8,", "E=1;L=3,8,4", 2, "min_total_hours", "<= max_total_hours"),
        ("staff.csv", ",1,2,,0", ",0,2,,0", 3, "min_consecutive_days", ">= 1"),
        ("shifts.csv", "22:00,E", "22:00,E;N", 3, "not_followed_by", "'N'"),
        ("availability.csv", ",prefer,2,L", ",prefer,2,Z", 3, "shift_id", "shift id"),
        ("availability.csv", "B,2026-12-09,,", "B,2026-12-09,08:00,09:00", 3, "start", "blank"),
    ],
)
def test_bad_day_level_cells_name_file_row_and_column(
    tmp_path: Path, file: str, old: str, new: str, row: int, column: str, phrase: str
) -> None:
    """Each malformed day-level cell is one InputError naming its file, row and column."""
    text = FILES[file]
    assert old in text
    error = error_of(tmp_path, **{file: text.replace(old, new)})
    assert (error.file, error.row, error.column) == (file, row, column)
    assert phrase in error.message


def test_interval_row_rejects_cover_weights(tmp_path: Path) -> None:
    """An under_weight on an interval row (no shift_id) is an error at that cell."""
    demand = "date,start,end,required,shift_id,under_weight\n2026-12-07,08:00,12:00,1,,5\n"
    error = error_of(tmp_path, **{"demand.csv": demand})
    assert (error.file, error.row, error.column) == ("demand.csv", 2, "under_weight")


def test_shift_row_rejects_start_and_end(tmp_path: Path) -> None:
    """A day-level row with a start time is an error: it names a shift, not a span."""
    demand = "date,start,end,required,shift_id\n2026-12-07,08:00,,1,E\n"
    error = error_of(tmp_path, **{"demand.csv": demand})
    assert (error.row, error.column) == (2, "start")


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("L = 2", "Q = 2", "rules.max_shifts.Q"),
        ("max_weekends = 1", "max_weekends = -1", "rules.max_weekends"),
        ("max_total_hours = 16", "max_total_hours = 16\nmin_total_hours = 20", "min_total_hours"),
    ],
)
def test_bad_day_level_rule_keys_name_the_key(tmp_path: Path, old: str, new: str, key: str) -> None:
    """A bad rule key is an InputError naming scenario.toml and the key."""
    error = error_of(tmp_path, **{"scenario.toml": TOML.replace(old, new)})
    assert error.file == "scenario.toml"
    assert error.column is not None and error.column.endswith(key)


def test_cli_solves_a_day_level_folder(tmp_path: Path) -> None:
    """`scheduler solve` on day-level demand writes a verified optimal roster."""
    # Monday E (1 wanted): B may not work E that day, so A works it. Tuesday L (1 wanted): A asks it
    # off, so B works it. Wednesday L (3 wanted, by default 2 x 480 per person short): A and B work
    # it; nobody else exists, one short costs 960. A's lone day off (Tuesday) is allowed (only B's
    # group needs 2 days off in a row), B's 16 h are its maximum, A cannot take a second E
    # (max_shifts E=1), so no other roster does better.
    folder = folder_with(tmp_path / "in")
    out = tmp_path / "out"
    args = ["solve", str(folder), "--out", str(out), "--time-limit", "5", "--workers", "1"]
    result = CliRunner().invoke(main, [*args, "--seed", "0", "--quiet"])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "optimal"
    assert summary["objective"] == 960
    assert (summary["day_short"], summary["day_over"]) == (1, 0)
    wednesday = summary["day_cover"][2]
    assert (wednesday["shift_id"], wednesday["required"], wednesday["assigned"]) == ("L", 3, 2)
    roster = (out / "roster.csv").read_text()
    assert roster.count(",shift,") == 4
