"""Calendars of a roster: round trip, stable UIDs, time zones, safe file names."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from conftest import START, assign, flex, flex_roster, make_scenario
from icalendar import Calendar

from scheduler.data import Horizon
from scheduler.export.folder import Output, read_output
from scheduler.export.ics import calendar_file_names, write_ics
from scheduler.export.outputs import write_result
from scheduler.solve import solve

WARSAW = "Europe/Warsaw"
MONDAY = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
TUESDAY = datetime(2026, 12, 8, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> Output:
    """The tiny scenario in Warsaw time, solved, verified and written to a folder."""
    scenario = make_scenario(horizon=Horizon(START, 7, 15, WARSAW))
    result = solve(scenario, time_limit=5, workers=1, seed=0)
    assert result.report is not None and result.report.ok
    folder = tmp_path_factory.mktemp("solved")
    write_result(result, folder)
    return read_output(folder)


def events(path: Path) -> list[Any]:
    """The VEVENTs of a calendar file, parsed back with icalendar."""
    calendar = Calendar.from_ical(path.read_bytes())
    return list(calendar.walk("VEVENT"))


def spans(rows: pd.DataFrame, zone: str | None) -> set[tuple[datetime, datetime]]:
    """Start and end of roster rows as (aware, when a zone is given) date-times."""
    tz = ZoneInfo(zone) if zone else None
    return {
        (s.to_pydatetime().replace(tzinfo=tz), e.to_pydatetime().replace(tzinfo=tz))
        for s, e in zip(rows["start"], rows["end"], strict=True)
    }


def uids(path: Path) -> list[str]:
    """The UIDs of a calendar file in order."""
    return [str(event["uid"]) for event in events(path)]


def test_person_calendars_round_trip_the_roster(solved: Output, tmp_path: Path) -> None:
    """Each person's calendar parsed back holds exactly their shifts and breaks of roster.csv."""
    files = write_ics(solved, tmp_path, revision=MONDAY)
    roster = solved.roster
    people = sorted(roster["employee_id"].unique())
    assert people, "the solve rostered nobody"
    assert [f.name for f in files] == [*(f"{p}.ics" for p in people), "team.ics"]
    for person in people:
        parsed = events(tmp_path / "ics" / f"{person}.ics")
        mine = roster[roster["employee_id"] == person]
        shifts = {
            (e.decoded("dtstart"), e.decoded("dtend"))
            for e in parsed
            if "shift" in str(e["categories"].to_ical())
        }
        assert shifts == spans(mine[mine["activity"] == "shift"], WARSAW)
        assert {(e.decoded("dtstart"), e.decoded("dtend")) for e in parsed} == spans(mine, WARSAW)
        assert len(parsed) == len(mine)


def test_team_calendar_holds_every_shift_without_breaks(solved: Output, tmp_path: Path) -> None:
    """team.ics has one event per shift of anyone, named after the person, and no breaks."""
    write_ics(solved, tmp_path, revision=MONDAY)
    parsed = events(tmp_path / "ics" / "team.ics")
    shifts = solved.roster[solved.roster["activity"] == "shift"]
    assert {(e.decoded("dtstart"), e.decoded("dtend")) for e in parsed} == spans(shifts, WARSAW)
    assert len(parsed) == len(shifts)
    assert all(str(e["summary"]).startswith("Person E") for e in parsed)


def test_uids_are_stable_across_exports_and_unique(solved: Output, tmp_path: Path) -> None:
    """Two exports at different times give the same UIDs; none repeats within or across files."""
    first = write_ics(solved, tmp_path / "a", revision=MONDAY)
    second = write_ics(solved, tmp_path / "b", revision=TUESDAY)
    everything = []
    for old, new in zip(first, second, strict=True):
        assert uids(old) == uids(new)
        assert len(set(uids(old))) == len(uids(old))
        everything += uids(old)
    # Person and team calendars never share a UID: importing both must not merge events.
    assert len(set(everything)) == len(everything)


def test_a_later_roster_has_a_higher_sequence_and_stamp(solved: Output, tmp_path: Path) -> None:
    """SEQUENCE and DTSTAMP grow with the revision time, so clients replace the old events."""
    old = events(write_ics(solved, tmp_path / "a", revision=MONDAY)[0])
    new = events(write_ics(solved, tmp_path / "b", revision=TUESDAY)[0])
    assert all(int(n["sequence"]) > int(o["sequence"]) for o, n in zip(old, new, strict=True))
    assert {n.decoded("dtstamp") for n in new} == {TUESDAY}


def test_same_folder_exports_the_same_bytes(solved: Output, tmp_path: Path) -> None:
    """Without a revision the roster file's time is used: exporting twice gives equal files."""
    first = write_ics(solved, tmp_path / "a")
    second = write_ics(solved, tmp_path / "b")
    assert [f.read_bytes() for f in first] == [f.read_bytes() for f in second]


def test_moved_shift_keeps_its_uid(solved: Output, tmp_path: Path) -> None:
    """A shift moved to other times, or swapped for a back-office day, keeps its UID."""
    before = uids(write_ics(solved, tmp_path / "a", revision=MONDAY)[-1])
    roster = solved.roster.copy()
    shift = roster.index[roster["activity"] == "shift"][0]
    roster.loc[shift, "start"] += pd.Timedelta(hours=1)
    roster.loc[shift, "activity"] = "flex"
    roster.loc[shift, "location"] = "remote"
    moved = dataclasses.replace(solved, roster=roster)
    after = uids(write_ics(moved, tmp_path / "b", revision=TUESDAY)[-1])
    assert after == before


def test_timezone_is_named_and_defined(solved: Output, tmp_path: Path) -> None:
    """Events carry TZID Europe/Warsaw and the calendar defines it in a VTIMEZONE."""
    path = write_ics(solved, tmp_path, revision=MONDAY)[-1]
    calendar = Calendar.from_ical(path.read_bytes())
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == [WARSAW]
    assert b"DTSTART;TZID=Europe/Warsaw:" in path.read_bytes()
    assert all(str(e.decoded("dtstart").tzinfo) == WARSAW for e in calendar.walk("VEVENT"))


def back_office_output(folder: Path, timezone: str | None) -> Output:
    """An output folder by hand: E1 on an early shift, E2 remote and E3 on site in the back."""
    scenario = make_scenario(horizon=Horizon(START, 7, 15, timezone))
    roster = flex_roster(
        scenario,
        assign(scenario, "E1", 0, "EARLY"),
        flex_rows=(flex(scenario, "E2", 0, "remote"), flex(scenario, "E3", 1, "onsite")),
    )
    summary = {"scenario": "tiny", "horizon": {"start": START.isoformat(), "timezone": timezone}}
    return Output(folder, roster, pd.DataFrame(), summary)


def test_back_office_days_span_the_band_and_say_where(tmp_path: Path) -> None:
    """A flex day is an event over the flex band, located Remote or On site."""
    write_ics(back_office_output(tmp_path, WARSAW), tmp_path, revision=MONDAY)
    remote = events(tmp_path / "ics" / "E2.ics")
    onsite = events(tmp_path / "ics" / "E3.ics")
    assert [str(e["location"]) for e in remote + onsite] == ["Remote", "On site"]
    zone = ZoneInfo(WARSAW)
    assert remote[0].decoded("dtstart") == datetime(2026, 12, 7, 7, tzinfo=zone)
    assert remote[0].decoded("dtend") == datetime(2026, 12, 7, 19, tzinfo=zone)
    assert "remote" in str(remote[0]["summary"])


def test_without_timezone_times_float(tmp_path: Path) -> None:
    """A scenario without a time zone gives floating local times and no VTIMEZONE."""
    path = write_ics(back_office_output(tmp_path, None), tmp_path, revision=MONDAY)[0]
    calendar = Calendar.from_ical(path.read_bytes())
    assert not calendar.walk("VTIMEZONE")
    starts = [e.decoded("dtstart") for e in calendar.walk("VEVENT")]
    assert starts and all(s.tzinfo is None for s in starts)
    assert datetime(2026, 12, 7, 7, 0) in starts


def test_file_names_are_safe_and_distinct() -> None:
    """Ids with path characters, the team name, device names or case clashes get distinct stems."""
    ids = ["E1", "../etc/passwd", "a/b", "a_b", "team", "CON", "x", "X", ""]
    stems = calendar_file_names(ids)
    assert stems["E1"] == "E1"
    assert stems["a_b"] == "a_b"
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", stem) for stem in stems.values())
    assert len({stem.lower() for stem in stems.values()} | {"team"}) == len(ids) + 1
