"""Reading a roster.csv with its times parsed, as diff needs it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from scheduler.errors import InputError
from scheduler.io.roster import read_roster_times

HEADER = "employee_id,name,activity,shift_id,start,end\n"


def write(tmp_path: Path, body: str) -> Path:
    """A roster.csv with the usual header and these rows."""
    path = tmp_path / "roster.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_times_become_timestamps_and_ids_stay_text(tmp_path: Path) -> None:
    """Start and end are Timestamps (an offset is dropped); an id like 007 keeps its zeros."""
    path = write(
        tmp_path,
        "007,Ann,shift,EARLY,2026-12-07T07:00:00,2026-12-07T15:30:00+01:00\n",
    )
    frame = read_roster_times(path)
    assert frame["start"].dtype.kind == "M"
    assert frame.loc[0, "end"] == pd.Timestamp("2026-12-07T15:30")
    assert frame.loc[0, "employee_id"] == "007"


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ("E1,Ann,shift,EARLY,2026-12-07T07:00,2026-12-07T07:00\n", "row 2, column end"),
        ("E1,Ann,shift,EARLY,monday,2026-12-07T15:30\n", "row 2, column start"),
        (",Ann,shift,EARLY,2026-12-07T07:00,2026-12-07T15:30\n", "row 2, column employee_id"),
    ],
)
def test_bad_rows_name_path_row_and_column(tmp_path: Path, body: str, where: str) -> None:
    """An empty id, an unreadable time or an end not after the start is an InputError."""
    path = write(tmp_path, body)
    with pytest.raises(InputError) as caught:
        read_roster_times(path)
    assert str(caught.value).startswith(f"{path}, {where}: ")


def test_missing_column_names_the_whole_path(tmp_path: Path) -> None:
    """Without `end` the error names the full path and the column."""
    path = tmp_path / "old" / "roster.csv"
    path.parent.mkdir()
    path.write_text("employee_id,activity,start\nE1,shift,2026-12-07T07:00\n", encoding="utf-8")
    with pytest.raises(InputError, match="column end: missing column") as caught:
        read_roster_times(path)
    assert caught.value.file == str(path)


def test_a_bad_byte_names_its_row(tmp_path: Path) -> None:
    """A byte that is not UTF-8 in a UTF-8 roster is reported by its line, not its offset."""
    path = tmp_path / "roster.csv"
    body = "Zoë,Zoë,shift,EARLY,2026-12-07T07:00,2026-12-07T15:30\n"
    bad = b"E2,Ren\xe9,shift,LATE,2026-12-07T13:00,2026-12-07T21:30\n"
    path.write_bytes((HEADER + body).encode() + bad)
    with pytest.raises(InputError, match="UTF-8") as caught:
        read_roster_times(path)
    assert (caught.value.file, caught.value.row) == (str(path), 3)


def test_a_windows_1252_roster_reads(tmp_path: Path) -> None:
    """A roster saved by Excel on Windows reads as the scenario's tables do."""
    # Such a file is cp1252, no UTF-8 at all.
    path = tmp_path / "roster.csv"
    body = "E2,René,shift,LATE,2026-12-07T13:00,2026-12-07T21:30\n"
    path.write_bytes((HEADER + body).encode("cp1252"))
    assert read_roster_times(path).loc[0, "name"] == "René"
