"""Tests of reading a call forecast and writing its demand.csv (scheduler.io.calls)."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.data import WEEKDAYS
from scheduler.errors import InputError
from scheduler.io.calls import CALLS_COLUMNS, read_calls, write_demand
from scheduler.io.scenario import read_scenario
from scheduler.staffing import agents_needed, staffing_table, with_shrinkage

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"

CALLS_CSV = """\
weekday,date,start,end,calls,aht,note
Mon,,08:00,,20,,busy
mon,,08:15,,12.5,300,
,2026-12-08,23:45,00:00,3,,
,2026-12-08,09:00,10:00,80,,an hourly row
sun,,7:00,,0,,
"""


def write(folder: Path, text: str, name: str = "calls.csv") -> Path:
    """``text`` written as ``folder/name``."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def load_error(path: Path, **options: object) -> InputError:
    """The InputError reading ``path`` raises, checking the file was left untouched."""
    before = path.read_bytes()
    with pytest.raises(InputError) as caught:
        read_calls(path, **options)  # type: ignore[arg-type]
    assert path.read_bytes() == before
    return caught.value


def test_reads_rows_with_defaults(tmp_path: Path) -> None:
    """Weekday and date rows, blank ends and AHTs filled from the defaults, in file order."""
    frame = read_calls(write(tmp_path, CALLS_CSV), interval_minutes=15, aht=240)
    assert list(frame.columns) == list(CALLS_COLUMNS)
    assert frame["weekday"].tolist() == ["mon", "mon", "", "", "sun"]
    assert frame["date"].tolist() == ["", "", "2026-12-08", "2026-12-08", ""]
    assert frame["start"].tolist() == [480, 495, 1425, 540, 420]
    assert frame["end"].tolist() == [495, 510, 0, 600, 435]
    assert frame["minutes"].tolist() == [15, 15, 15, 60, 15]
    assert frame["calls"].tolist() == [20.0, 12.5, 3.0, 80.0, 0.0]
    assert frame["aht"].tolist() == [240.0, 300.0, 240.0, 240.0, 240.0]


def test_only_a_date_column_and_a_coarser_grid(tmp_path: Path) -> None:
    """A forecast with dates only, on a 30-minute grid, makes 30-minute rows."""
    text = "date,start,calls,aht\n2026-12-07,08:30,10,180\n2026-12-07,09:00,11,180\n"
    frame = read_calls(write(tmp_path, text), interval_minutes=30)
    assert frame["minutes"].tolist() == [30, 30]
    assert frame["end"].tolist() == [540, 570]
    assert frame["weekday"].tolist() == ["", ""]


def test_file_is_only_read(tmp_path: Path) -> None:
    """Reading leaves the forecast byte for byte as it was."""
    path = write(tmp_path, CALLS_CSV)
    before = path.read_bytes()
    read_calls(path, aht=240)
    assert path.read_bytes() == before


HEADER = "weekday,date,start,end,calls,aht\n"


@pytest.mark.parametrize(
    ("text", "row", "column", "phrase"),
    [
        ("weekday,calls\nmon,3\n", 1, "start", "missing required column 'start'"),
        ("weekday,start\nmon,08:00\n", 1, "calls", "missing required column 'calls'"),
        ("start,calls\n08:00,3\n", 1, "date", "expected a 'date' or a 'weekday' column"),
        (HEADER, 2, None, "expected at least one row of calls"),
        (HEADER + "mon,2026-12-07,08:00,,3,\n", 2, "date/weekday", "got both"),
        (HEADER + ",,08:00,,3,\n", 2, "date/weekday", "got neither"),
        (HEADER + "monday,,08:00,,3,\n", 2, "weekday", "unknown weekday 'monday'"),
        (HEADER + ",2026-02-30,08:00,,3,\n", 2, "date", "expected a valid date"),
        (HEADER + ",07.12.2026,08:00,,3,\n", 2, "date", "expected a date YYYY-MM-DD"),
        (HEADER + "mon,,8am,,3,\n", 2, "start", "expected a time HH:MM"),
        (HEADER + "mon,,24:00,,3,\n", 2, "start", "write midnight as 00:00"),
        (HEADER + "mon,,08:10,,3,\n", 2, "start", "off the 15-minute interval grid"),
        (HEADER + "mon,,08:00,08:50,3,\n", 2, "end", "off the 15-minute interval grid"),
        (HEADER + "mon,,08:00,,,\n", 2, "calls", "expected a number of calls >= 0"),
        (HEADER + "mon,,08:00,,-1,\n", 2, "calls", "got '-1'"),
        (HEADER + "mon,,08:00,,many,\n", 2, "calls", "got 'many'"),
        (HEADER + "mon,,08:00,,nan,\n", 2, "calls", "got 'nan'"),
        (HEADER + "mon,,08:00,,1e3,\n", 2, "calls", "got '1e3'"),
        (HEADER + "mon,,08:00,,3,0\n", 2, "aht", "expected an average handling time"),
        (HEADER + "mon,,08:00,,3,fast\n", 2, "aht", "got 'fast'"),
        (HEADER + "mon,,08:00,,3,240\nmon,,08:15,,3,\n", 3, "aht", "(or a default"),
        (
            HEADER + "mon,,08:00,09:00,3,240\nmon,,08:30,,3,240\n",
            3,
            "start",
            "08:30 inside row 2's 08:00-09:00",
        ),
        (HEADER + ",2026-12-07,08:00,,3,240\n,2026-12-07,08:00,,4,240\n", 3, "start", "row 2"),
    ],
)
def test_bad_forecast(tmp_path: Path, text: str, row: int, column: str | None, phrase: str) -> None:
    """Each malformed forecast names the file, row and column, and what was expected."""
    error = load_error(write(tmp_path, text))
    assert error.file == "calls.csv"
    assert error.row == row
    assert error.column == column
    assert phrase in error.message
    assert str(error).startswith("calls.csv, row")


def test_missing_file(tmp_path: Path) -> None:
    """A forecast that is not there is an InputError naming it."""
    with pytest.raises(InputError, match="missing required file"):
        read_calls(tmp_path / "nope.csv", aht=240)


def test_same_time_on_a_weekday_and_a_date_is_no_overlap(tmp_path: Path) -> None:
    """A date row may refine a weekday row at the same time, as in demand.csv."""
    text = HEADER + "mon,,08:00,,3,240\n,2026-12-07,08:00,,4,240\n"
    assert len(read_calls(write(tmp_path, text))) == 2


def test_library_arguments_are_checked() -> None:
    """An interval off the choices or a non-positive AHT is a ValueError, before any reading."""
    with pytest.raises(ValueError, match="interval_minutes"):
        read_calls("calls.csv", interval_minutes=7)
    with pytest.raises(ValueError, match="aht"):
        read_calls("calls.csv", aht=0)


# --------------------------------------------------------------------------------------------
# Writing demand.csv


def test_written_demand_loads_as_the_scenario_demand(tmp_path: Path) -> None:
    """write_demand's file replaces the sample's demand.csv and reads back row for row."""
    forecast = read_calls(write(tmp_path, CALLS_CSV), aht=240)
    table = staffing_table(forecast, shrinkage=0.25, max_occupancy=0.9)
    folder = tmp_path / "scenario"
    folder.mkdir()
    for source in SAMPLE.iterdir():
        (folder / source.name).write_bytes(source.read_bytes())
    write_demand(folder / "demand.csv", table)
    written = pd.read_csv(folder / "demand.csv", dtype=str, keep_default_na=False)
    assert list(written.columns[:5]) == ["weekday", "date", "start", "end", "required"]
    assert written["end"].tolist() == ["08:15", "08:30", "00:00", "10:00", "07:15"]
    scenario = read_scenario(folder)
    monday = [span for span in scenario.demand if span.start < 1440]
    first = with_shrinkage(agents_needed(20 * 240 / 900, 240, 0.8, 20, 0.9), 0.25)
    assert [(s.start, s.end, s.required) for s in monday] == [
        (480, 495, first),
        (495, 510, int(table.loc[1, "required"])),
    ]
    tuesday = sorted((s.start, s.end) for s in scenario.demand if 1440 <= s.start < 2880)
    assert tuesday == [(1440 + 540, 1440 + 600), (1440 + 1425, 1440 + 1440)]
    sunday = [s for s in scenario.demand if s.start >= 6 * 1440]
    assert [(s.start % 1440, s.required) for s in sunday] == [(420, 0)]


def test_weekday_only_forecast_writes_no_date_column(tmp_path: Path) -> None:
    """Only the key columns the forecast fills are written."""
    forecast = read_calls(write(tmp_path, "weekday,start,calls\ntue,10:00,4\n"), aht=200)
    write_demand(tmp_path / "demand.csv", staffing_table(forecast))
    header = (tmp_path / "demand.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("weekday,start,end,required,calls,")


# --------------------------------------------------------------------------------------------
# Property tests

PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@st.composite
def forecasts(draw: st.DrawFn) -> tuple[str, int, list[dict[str, object]]]:
    """A valid CALLS.csv text, its grid, and the rows it must load into."""
    grid = draw(st.sampled_from([5, 10, 15, 30, 60]))
    slots = 1440 // grid
    rows: list[dict[str, object]] = []
    lines = ["date,weekday,start,end,calls,aht"]
    for key in draw(st.lists(st.integers(0, 20), min_size=1, max_size=4, unique=True)):
        is_date = key >= 7
        day = (date(2026, 12, 7) + timedelta(days=key)).isoformat() if is_date else ""
        weekday = "" if is_date else WEEKDAYS[key]
        starts = draw(st.lists(st.integers(0, slots - 1), min_size=1, max_size=5, unique=True))
        for slot in sorted(starts):
            start = slot * grid
            with_end = draw(st.booleans())
            calls = draw(st.integers(0, 10_000)) / draw(st.sampled_from([1, 4, 100]))
            aht = draw(st.none() | st.integers(1, 3600))
            end = (start + grid) % 1440
            hours, minutes = divmod(start, 60)
            start_text = draw(
                st.sampled_from([f"{hours:02d}:{minutes:02d}", f"{hours}:{minutes:02d}"])
            )
            end_text = f"{end // 60:02d}:{end % 60:02d}" if with_end else ""
            spelled = weekday.upper() if draw(st.booleans()) else weekday
            lines.append(
                f"{day},{spelled},{start_text},{end_text},{calls!r},{'' if aht is None else aht}"
            )
            rows.append(
                {
                    "date": day,
                    "weekday": weekday,
                    "start": start,
                    "end": end,
                    "minutes": grid,
                    "calls": calls,
                    "aht": 123.0 if aht is None else float(aht),
                }
            )
    return "\n".join(lines) + "\n", grid, rows


@PROPERTY_SETTINGS
@given(forecasts())
def test_property_valid_forecast_round_trip(
    forecast: tuple[str, int, list[dict[str, object]]],
) -> None:
    """Random valid forecasts load into exactly the rows they describe."""
    text, grid, rows = forecast
    with tempfile.TemporaryDirectory() as tmp:
        frame = read_calls(write(Path(tmp), text), interval_minutes=grid, aht=123)
    assert frame.to_dict("records") == rows


@PROPERTY_SETTINGS
@given(
    line=st.integers(1, 5),
    column=st.integers(0, 5),
    cell=st.one_of(
        st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
        st.sampled_from(["", "-1", "1e9", "nan", "inf", "24:00", "7:5", "08:07", '"', ",", "\n"]),
    ),
)
def test_property_corrupt_cell_loads_or_raises_input_error(
    line: int, column: int, cell: str
) -> None:
    """Replacing any one cell of a valid forecast either loads or raises InputError."""
    lines = CALLS_CSV.splitlines()
    cells = lines[line].split(",")
    cells[column] = cell
    lines[line] = ",".join(cells)
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp), "\n".join(lines) + "\n")
        try:
            frame = read_calls(path, aht=240)
        except InputError as error:
            assert str(error).startswith("calls.csv")
        else:
            assert (frame["calls"] >= 0).all()
            assert (frame["aht"] > 0).all()
