"""What changed per person between two rosters: hand-made rosters with known changes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from conftest import assign, flex, flex_roster, make_scenario

from scheduler.diff import (
    ChangeKind,
    change_records,
    changes_text,
    diff_files,
    diff_rosters,
    roster_work,
)
from scheduler.errors import InputError
from scheduler.io.files import write_csv
from scheduler.io.roster import format_roster

MON, TUE, WED, THU = (date(2026, 12, d) for d in (7, 8, 9, 10))


def old_and_new() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two rosters differing in one move, one break, one removal, one addition, one location."""
    s = make_scenario()
    old = flex_roster(
        s,
        assign(s, "E1", 0, "EARLY"),
        assign(s, "E1", 1, "EARLY"),
        assign(s, "E2", 0, "LATE"),
        assign(s, "E3", 2, "EARLY"),
        flex_rows=(flex(s, "B1", 0, "onsite"),),
    )
    new = flex_roster(
        s,
        assign(s, "E1", 0, "LATE"),
        assign(s, "E1", 1, "EARLY", {"break1": 90, "lunch": 240}),
        assign(s, "E2", 3, "EARLY"),
        assign(s, "E3", 2, "EARLY"),
        flex_rows=(flex(s, "B1", 0, "remote"),),
    )
    return old, new


def test_diff_finds_exactly_the_changes_made() -> None:
    """Each hand-made change comes out once, in person and day order; E3's same day does not."""
    changes = diff_rosters(*old_and_new())
    found = [(c.employee_id, c.day, c.kind) for c in changes]
    assert found == [
        ("B1", MON, ChangeKind.LOCATION),
        ("E1", MON, ChangeKind.MOVED),
        ("E1", TUE, ChangeKind.BREAKS),
        ("E2", MON, ChangeKind.REMOVED),
        ("E2", THU, ChangeKind.ADDED),
    ]
    assert [str(c) for c in changes] == [
        "ONSITE 8h -> REMOTE 8h",
        "EARLY 07:00-15:30 (break1 08:30-08:45, lunch 10:00-10:30) -> "
        "LATE 13:30-22:00 (break1 15:00-15:15, lunch 16:30-17:00)",
        "EARLY 07:00-15:30: lunch 10:00-10:30 -> lunch 11:00-11:30",
        "LATE 13:30-22:00 (break1 15:00-15:15, lunch 16:30-17:00)",
        "EARLY 07:00-15:30 (break1 08:30-08:45, lunch 10:00-10:30)",
    ]
    assert changes[0].name == "Person B1"


def test_identical_rosters_have_no_changes() -> None:
    """A roster compared with itself gives no change and the text says so."""
    old, _ = old_and_new()
    assert diff_rosters(old, old.copy()) == []
    assert changes_text([]) == "no changes"


def test_break_after_midnight_belongs_to_the_night_shift() -> None:
    """Moving the lunch of a night shift past midnight is one `breaks` change on its start day."""
    s = make_scenario()
    old = flex_roster(s, assign(s, "E1", 0, "NIGHT", {"break1": 90, "lunch": 120}))
    new = flex_roster(s, assign(s, "E1", 0, "NIGHT", {"break1": 90, "lunch": 180}))
    (change,) = diff_rosters(old, new)
    assert (change.day, change.kind) == (MON, ChangeKind.BREAKS)
    assert str(change) == "NIGHT 22:00-06:00: lunch 00:00-00:30 -> lunch 01:00-01:30"


def test_flex_day_turned_into_a_shift_is_moved() -> None:
    """A back-office day replaced by a front-office shift on the same day is one `moved`."""
    s = make_scenario()
    old = flex_roster(s, flex_rows=(flex(s, "E1", 2, "remote"),))
    new = flex_roster(s, assign(s, "E1", 2, "EARLY", {}))
    (change,) = diff_rosters(old, new)
    assert (change.day, change.kind) == (WED, ChangeKind.MOVED)
    assert str(change) == "REMOTE 8h -> EARLY 07:00-15:30"


def test_a_break_outside_any_shift_is_work_of_its_own() -> None:
    """A stray break row is listed as added rather than dropped or attached to another day."""
    s = make_scenario()
    old = flex_roster(s, assign(s, "E1", 0, "EARLY"))
    stray = old.iloc[[1]].copy()
    stray["start"] += pd.Timedelta(days=1)
    stray["end"] += pd.Timedelta(days=1)
    new = pd.concat([old, stray], ignore_index=True)
    (change,) = diff_rosters(old, new)
    assert (change.employee_id, change.day, change.kind) == ("E1", TUE, ChangeKind.ADDED)
    assert str(change) == "break1 08:30-08:45"


def test_roster_work_puts_breaks_inside_their_shift() -> None:
    """Grouping gives one piece of work per person and day with its breaks in time order."""
    old, _ = old_and_new()
    work = roster_work(old)
    assert sorted(work) == [("B1", MON), ("E1", MON), ("E1", TUE), ("E2", MON), ("E3", WED)]
    (early,) = work["E1", MON]
    assert [b.name for b in early.breaks] == ["break1", "lunch"]
    assert early.hours == 8.0


def test_diff_files_reads_written_rosters(tmp_path: Path) -> None:
    """Rosters written as CSV diff the same as the frames they came from."""
    old, new = old_and_new()
    write_csv(tmp_path / "old.csv", format_roster(old))
    write_csv(tmp_path / "new.csv", format_roster(new))
    from_files = diff_files(tmp_path / "old.csv", tmp_path / "new.csv")
    assert from_files == diff_rosters(old, new)
    assert len(from_files) == 5


def test_change_records_are_plain_data() -> None:
    """The JSON form names the change, the date and both sides with ISO times and breaks."""
    records = change_records(diff_rosters(*old_and_new()))
    moved = records[1]
    assert moved["change"] == "moved"
    assert moved["date"] == "2026-12-07"
    assert moved["old"]["start"] == "2026-12-07T07:00:00"
    assert moved["new"]["shift_id"] == "LATE"
    assert moved["new"]["breaks"][0] == {
        "name": "break1",
        "start": "2026-12-07T15:00:00",
        "end": "2026-12-07T15:15:00",
    }
    assert records[3]["new"] is None and records[4]["old"] is None


def test_changes_text_groups_lines_by_person() -> None:
    """The text has a header per person, an indented line per change and a closing count."""
    lines = changes_text(diff_rosters(*old_and_new())).splitlines()
    assert lines[0] == "B1 Person B1"
    assert lines[1] == "  Mon 2026-12-07  location  ONSITE 8h -> REMOTE 8h"
    assert lines[2] == "E1 Person E1"
    assert lines[-1] == "5 changes for 3 people"


def test_unreadable_roster_is_input_error(tmp_path: Path) -> None:
    """A bad time names the file's path, the row and the column."""
    good, _ = old_and_new()
    write_csv(tmp_path / "old.csv", format_roster(good))
    (tmp_path / "new.csv").write_text(
        "employee_id,activity,start,end\nE1,shift,2026-12-07T07:00:00,soon\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match=r"new\.csv, row 2, column end: expected an ISO"):
        diff_files(tmp_path / "old.csv", tmp_path / "new.csv")
