"""Tests of reading a scenario folder (scheduler.io.scenario)."""

from __future__ import annotations

import tempfile
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.data import (
    WEEKDAYS,
    WORKING_WEEKDAYS,
    Anchor,
    AvailabilityKind,
    AvailabilitySpan,
    BackOffice,
    BreakRule,
    Cover,
    DemandSpan,
    Employee,
    Office,
    Rules,
    ShiftTemplate,
    Weights,
)
from scheduler.errors import InputError, InputWarning
from scheduler.io.scenario import parse_hhmm, read_scenario

# 2026-12-07 is a Monday; the horizon runs two weeks, to 2026-12-20.
SCENARIO_TOML = """\
name = "week 50"

[horizon]
start = 2026-12-07
days = 14
interval_minutes = 15
timezone = "Europe/Berlin"

[rules]
min_rest_hours = 11
weekly_rest_hours = 35.5
max_consecutive_days = 5
max_on_break = 0.25

[[breaks]]
name = "coffee"
minutes = 15
earliest = 60
latest = 180

[[breaks]]
name = "lunch"
minutes = 30
earliest = 180
latest = 300
min_shift_minutes = 360
paid = false

[weights]
shortfall = 5000
preference = 300
"""

STAFF_CSV = """\
employee_id, name ,office,skills,contract_hours,min_hours,max_hours,max_days,notes
E1,Ada,front,phone; desk,37.5,30,40,5,team lead
 E2 ,Bob,Back,,20,,,,
E3,,both,desk;,0.25,,,0,
"""

SHIFTS_CSV = """\
shift_id,start,end,weekdays
early,7:00,15:00,mon;TUE;wed;thu;fri
late,14:00,22:30,
night,22:00:00,06:00,sat; sun
day24,08:00,08:00,
"""

DEMAND_CSV = """\
date,weekday,start,end,required,skill
,mon,08:00,12:00,2,
,mon,09:00,10:00,1,phone
,tue,23:45,00:00,1,
2026-12-07,,10:00,11:00,3,
,sat,22:00,06:00,1,
"""

AVAILABILITY_CSV = """\
employee_id,date,start,end,kind,weight
E1,2026-12-08,,,unavailable,
E2,2026-12-09,09:10,12:00,prefer,3
E3,2026-12-10,20:00,02:00,Avoid,
E99,2025-01-01,,,unavailable,
"""

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"

FILES = {
    "scenario.toml": SCENARIO_TOML,
    "staff.csv": STAFF_CSV,
    "shifts.csv": SHIFTS_CSV,
    "demand.csv": DEMAND_CSV,
    "availability.csv": AVAILABILITY_CSV,
}


# A back-office variant: staff with the optional columns and a full [back_office] table.
BACK_STAFF_CSV = """\
employee_id,name,office,skills,contract_hours,min_hours,max_hours,max_days,Remote_OK,team,remote_days,prefers
E1,Ada,front,phone,37.5,,,,,,,
E2,Bob,back,desk,40,32,,5,Yes, finance ,fri; MON,
E3,Cy,both,desk;lead,40,,,,0,ops,,Front
E4,Di,back,,40,,,,TRUE,finance,wed,
E5,Ed,back,lead,40,,,,no,,,
"""

BACK_OFFICE_TOML = """
[back_office]
flex_band = "07:30-18:00"
core_hours = "10:00-15:00"
daily_hours = 7.5
min_onsite_days = 2
max_remote_days = 3
desks = 4

[[back_office.anchor]]
team = "finance"
weekday = "Tue"

[[back_office.anchor]]
team = "ops"
weekday = "thu"

[[back_office.cover]]
skill = "lead"
min = 1

[[back_office.cover]]
skill = "desk"
weekdays = "mon; WED"
min = 2

[[back_office.cover]]
skill = "phone"
weekdays = ""
min = 3
"""

BACK_TOML = SCENARIO_TOML + BACK_OFFICE_TOML


def write_scenario_files(folder: Path, **overrides: str | None) -> Path:
    """Write the valid scenario into ``folder``; an override replaces (None drops) a file.

    Override keys are file names with the dot as an underscore, e.g. ``staff_csv``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    texts: dict[str, str | None] = dict(FILES)
    for key, text in overrides.items():
        name = key.replace("_", ".")
        assert name in texts, key
        texts[name] = text
    for name, text in texts.items():
        if text is not None:
            (folder / name).write_text(text, encoding="utf-8")
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    """Bytes of every file in ``folder``."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def load_error(folder: Path) -> InputError:
    """The InputError reading ``folder`` raises, checking the files were left untouched."""
    before = snapshot(folder)
    with pytest.raises(InputError) as caught:
        read_scenario(folder)
    assert snapshot(folder) == before
    return caught.value


@pytest.fixture
def scenario_dir(tmp_path: Path) -> Path:
    """A valid scenario folder."""
    return write_scenario_files(tmp_path / "week50")


def test_valid_scenario_horizon_rules_breaks_weights(scenario_dir: Path) -> None:
    """The policy file loads into exact horizon, rules, breaks and weights."""
    scenario = read_scenario(scenario_dir)
    assert scenario.name == "week 50"
    assert scenario.horizon.start == date(2026, 12, 7)
    assert scenario.horizon.days == 14
    assert scenario.horizon.interval_minutes == 15
    assert scenario.horizon.timezone == "Europe/Berlin"
    assert scenario.rules == Rules(
        min_rest_minutes=660,
        weekly_rest_minutes=2130,
        max_consecutive_days=5,
        max_on_break=Fraction(1, 4),
    )
    assert scenario.breaks == (
        BreakRule("coffee", 15, 60, 180, 0, True),
        BreakRule("lunch", 30, 180, 300, 360, False),
    )
    assert scenario.weights == Weights(shortfall=5000, contract=10, preference=300, surplus=1)


def test_valid_scenario_staff(scenario_dir: Path) -> None:
    """Staff rows load with hours in minutes, blanks defaulted and skills split."""
    assert read_scenario(scenario_dir).employees == (
        Employee("E1", "Ada", Office.FRONT, frozenset({"phone", "desk"}), 2250, 1800, 2400, 5),
        Employee("E2", "Bob", Office.BACK, frozenset(), 1200, 0, None, None),
        Employee("E3", "E3", Office.BOTH, frozenset({"desk"}), 15, 0, None, 0),
    )


def test_valid_scenario_shifts(scenario_dir: Path) -> None:
    """Shift rows load with weekdays, an overnight end and a 24-hour shift."""
    shifts = read_scenario(scenario_dir).shifts
    assert shifts == (
        ShiftTemplate("early", 420, 900, frozenset({0, 1, 2, 3, 4})),
        ShiftTemplate("late", 840, 1350, frozenset(range(7))),
        ShiftTemplate("night", 1320, 360, frozenset({5, 6})),
        ShiftTemplate("day24", 480, 480, frozenset(range(7))),
    )
    assert shifts[2].span_on(0) == (1320, 1800)
    assert shifts[3].duration == 1440


def test_valid_scenario_demand(scenario_dir: Path) -> None:
    """Date rows override weekday rows on their day; midnight ends roll to the next day."""
    d = 1440
    assert read_scenario(scenario_dir).demand == (
        DemandSpan(600, 660, 3),  # Monday 2026-12-07: only the date row
        DemandSpan(d + 1425, 2 * d, 1),  # Tuesday 23:45-00:00
        DemandSpan(5 * d + 1320, 6 * d + 360, 1),  # Saturday overnight
        DemandSpan(7 * d + 480, 7 * d + 720, 2),  # Monday 2026-12-14: weekday rows
        DemandSpan(7 * d + 540, 7 * d + 600, 1, "phone"),
        DemandSpan(8 * d + 1425, 9 * d, 1),
        DemandSpan(12 * d + 1320, 13 * d + 360, 1),
    )


def test_valid_scenario_availability(scenario_dir: Path) -> None:
    """Availability rows resolve to horizon minutes; rows outside the horizon are dropped."""
    assert read_scenario(scenario_dir).availability == (
        AvailabilitySpan("E1", 1440, 2880, AvailabilityKind.UNAVAILABLE, 1),
        AvailabilitySpan("E2", 2880 + 550, 2880 + 720, AvailabilityKind.PREFER, 3),
        AvailabilitySpan("E3", 3 * 1440 + 1200, 4 * 1440 + 120, AvailabilityKind.AVOID, 1),
    )


def test_input_files_unchanged(scenario_dir: Path) -> None:
    """Loading a valid scenario leaves every file byte-for-byte as it was."""
    before = snapshot(scenario_dir)
    read_scenario(str(scenario_dir))
    assert snapshot(scenario_dir) == before


def test_defaults_and_optional_parts(tmp_path: Path) -> None:
    """A minimal policy gets the documented defaults; availability.csv may be absent."""
    toml = '[horizon]\nstart = "2026-12-07"\n'
    folder = write_scenario_files(tmp_path / "plain", scenario_toml=toml, availability_csv=None)
    scenario = read_scenario(folder)
    assert scenario.name == "plain"
    assert (scenario.horizon.days, scenario.horizon.interval_minutes) == (7, 15)
    assert scenario.horizon.timezone is None
    assert scenario.rules == Rules()
    assert scenario.weights == Weights()
    assert scenario.breaks == ()
    assert scenario.availability == ()


def test_valid_back_office_staff(tmp_path: Path) -> None:
    """The optional staff columns load: booleans, stripped teams, weekday sets, preferences."""
    folder = write_scenario_files(tmp_path, staff_csv=BACK_STAFF_CSV, scenario_toml=BACK_TOML)
    assert read_scenario(folder).employees == (
        Employee("E1", "Ada", Office.FRONT, frozenset({"phone"}), 2250),
        Employee(
            "E2",
            "Bob",
            Office.BACK,
            frozenset({"desk"}),
            2400,
            1920,
            None,
            5,
            remote_ok=True,
            team="finance",
            remote_days=frozenset({0, 4}),
        ),
        Employee(
            "E3",
            "Cy",
            Office.BOTH,
            frozenset({"desk", "lead"}),
            2400,
            team="ops",
            prefers=Office.FRONT,
        ),
        Employee(
            "E4",
            "Di",
            Office.BACK,
            frozenset(),
            2400,
            remote_ok=True,
            team="finance",
            remote_days=frozenset({2}),
        ),
        Employee("E5", "Ed", Office.BACK, frozenset({"lead"}), 2400),
    )


def test_valid_back_office_table(tmp_path: Path) -> None:
    """A full [back_office] table loads into exact band, core, hours, anchors and covers."""
    folder = write_scenario_files(tmp_path, staff_csv=BACK_STAFF_CSV, scenario_toml=BACK_TOML)
    assert read_scenario(folder).back_office == BackOffice(
        flex_start=450,
        flex_end=1080,
        core_start=600,
        core_end=900,
        daily_minutes=450,
        min_onsite_days=2,
        max_remote_days=3,
        desks=4,
        anchors=(Anchor("finance", 1), Anchor("ops", 3)),
        covers=(
            Cover("lead", WORKING_WEEKDAYS, 1),
            Cover("desk", frozenset({0, 2}), 2),
            Cover("phone", WORKING_WEEKDAYS, 3),
        ),
    )


def test_back_office_defaults_when_absent(scenario_dir: Path) -> None:
    """Without the staff columns or a [back_office] table everything takes its default."""
    scenario = read_scenario(scenario_dir)
    assert scenario.back_office == BackOffice()
    for employee in scenario.employees:
        assert (employee.remote_ok, employee.team, employee.remote_days, employee.prefers) == (
            False,
            None,
            frozenset(),
            None,
        )


def test_back_office_partial_table_and_columns(tmp_path: Path) -> None:
    """Keys left out of [back_office] and staff columns left out take their defaults."""
    toml = SCENARIO_TOML + '\n[back_office]\ncore_hours = ""\ndaily_hours = 6\n'
    staff = "employee_id,name,office,skills,contract_hours,team\nE1,Ada,back,,40,ops\n"
    folder = write_scenario_files(
        tmp_path, staff_csv=staff, scenario_toml=toml, availability_csv=None
    )
    with pytest.warns(InputWarning, match="has skill 'phone': its demand will be short"):
        scenario = read_scenario(folder)
    assert scenario.back_office == BackOffice(daily_minutes=360)
    assert scenario.employees == (
        Employee("E1", "Ada", Office.BACK, frozenset(), 2400, team="ops"),
    )


def test_sample_back_office_is_consistent() -> None:
    """data/sample's back-office policy loads and its anchor, desks and lead cover can be met."""
    scenario = read_scenario(SAMPLE)
    policy = scenario.back_office
    assert policy == BackOffice(
        flex_start=420,
        flex_end=1140,
        core_start=600,
        core_end=900,
        daily_minutes=480,
        min_onsite_days=2,
        max_remote_days=3,
        desks=4,
        anchors=(Anchor("finance", 1),),
        covers=(Cover("lead", WORKING_WEEKDAYS, 1),),
    )
    back = [e for e in scenario.employees if e.works_back]
    assert sum(e.office == Office.BACK for e in back) >= 5
    finance = [e for e in back if e.team == "finance"]
    assert finance and policy.desks is not None and len(finance) <= policy.desks
    off = {
        (a.employee_id, scenario.horizon.weekday_of(a.start // 1440))
        for a in scenario.availability
        if a.kind == AvailabilityKind.UNAVAILABLE
    }
    leads = [e for e in back if "lead" in e.skills and e.office == Office.BACK]
    assert any(all((e.employee_id, day) not in off for day in WORKING_WEEKDAYS) for e in leads)
    assert {e.team for e in back if e.office == Office.BOTH} == {"ops"}
    assert any(e.prefers == Office.FRONT for e in back)


def test_demand_with_only_a_weekday_column(tmp_path: Path) -> None:
    """A demand file may have just the weekday column; start == end is a 24-hour span."""
    demand = "weekday,start,end,required\nWED,00:00,00:00,1\n"
    scenario = read_scenario(write_scenario_files(tmp_path, demand_csv=demand))
    assert scenario.demand == (
        DemandSpan(2 * 1440, 3 * 1440, 1),
        DemandSpan(9 * 1440, 10 * 1440, 1),
    )


def test_max_on_break_is_rounded_to_a_small_fraction(tmp_path: Path) -> None:
    """A decimal share becomes the nearest fraction with denominator <= 1000."""
    toml = SCENARIO_TOML.replace("max_on_break = 0.25", "max_on_break = 0.3333")
    scenario = read_scenario(write_scenario_files(tmp_path, scenario_toml=toml))
    assert scenario.rules.max_on_break == Fraction(1, 3)


@pytest.mark.parametrize("missing", ["scenario.toml", "staff.csv", "shifts.csv", "demand.csv"])
def test_missing_required_file(tmp_path: Path, missing: str) -> None:
    """A missing required file is named in the error."""
    folder = write_scenario_files(tmp_path, **{missing.replace(".", "_"): None})
    error = load_error(folder)
    assert (error.file, error.row, error.column) == (missing, None, None)
    assert "missing required file" in error.message


def test_missing_folder(tmp_path: Path) -> None:
    """A folder that does not exist is an InputError, not a traceback."""
    with pytest.raises(InputError, match="expected a scenario folder"):
        read_scenario(tmp_path / "nowhere")


CSV_CASES = [
    # staff.csv
    ("staff.csv", "contract_hours,", "contract,", 1, "contract_hours", "missing required column"),
    ("staff.csv", "skills,", "skills,notes,", 1, "notes", "unique column names"),
    ("staff.csv", " E2 ,Bob", "E1,Bob", 3, "employee_id", "unique employee_id, got 'E1'"),
    ("staff.csv", "E3,,both", ",,both", 4, "employee_id", "empty cell"),
    ("staff.csv", "Bob,Back", "Bob,middle", 3, "office", "front | back | both"),
    ("staff.csv", "desk,37.5,", "desk,abc,", 2, "contract_hours", "expected a number of hours"),
    ("staff.csv", "desk,37.5,", "desk,,", 2, "contract_hours", "empty cell"),
    ("staff.csv", "desk,37.5,", "desk,37.51,", 2, "contract_hours", "whole number of minutes"),
    ("staff.csv", "Back,,20,", "Back,,-20,", 3, "contract_hours", "from 0 to 168"),
    ("staff.csv", "37.5,30,40", "37.5,45,40", 2, "min_hours", "min_hours <= max_hours"),
    ("staff.csv", "Back,,20,,", "Back,,20,25,", 3, "min_hours", "min_hours <= contract_hours"),
    ("staff.csv", ",40,5,", ",40,8,", 2, "max_days", "from 0 to 7"),
    ("staff.csv", ",40,5,", ",40,5.5,", 2, "max_days", "whole number"),
    ("staff.csv", ",40,5,team lead", ",40,5,team lead,extra", 2, None, "well-formed CSV"),
    ("staff.csv", "team lead", '"team\nlead"', 2, "notes", "line break"),
    # shifts.csv
    ("shifts.csv", "late,14:00", "early,14:00", 3, "shift_id", "unique shift_id"),
    ("shifts.csv", "late,14:00", "late,14:10", 3, "start", "off the 15-minute interval grid"),
    ("shifts.csv", "late,14:00,22:30", "late,14:00,24:00", 3, "end", "write midnight as 00:00"),
    ("shifts.csv", "late,14:00", "late,2pm", 3, "start", "expected a time HH:MM"),
    ("shifts.csv", "late,14:00", "late,14:00:30", 3, "start", "whole minutes"),
    ("shifts.csv", "late,14:00", "late,25:00", 3, "start", "from 00:00 to 23:59"),
    ("shifts.csv", "sat; sun", "sat; sunday", 4, "weekdays", "unknown weekday 'sunday'"),
    ("shifts.csv", "shift_id,", "id,", 1, "shift_id", "missing required column"),
    # demand.csv
    ("demand.csv", "date,weekday,", "day,wd,", 1, "date", "'date' or a 'weekday' column"),
    ("demand.csv", ",mon,08:00", "2026-12-08,mon,08:00", 2, "date/weekday", "got both"),
    ("demand.csv", ",sat,22:00", ",,22:00", 6, "date/weekday", "got neither"),
    (
        "demand.csv",
        "2026-12-07,,",
        "2027-01-05,,",
        5,
        "date",
        "date 2027-01-05 lies outside the horizon 2026-12-07..2026-12-20",
    ),
    ("demand.csv", "2026-12-07,,", "2026-02-30,,", 5, "date", "valid date"),
    ("demand.csv", "2026-12-07,,", "07.12.2026,,", 5, "date", "YYYY-MM-DD"),
    ("demand.csv", ",tue,", ",tuesday,", 4, "weekday", "unknown weekday 'tuesday'"),
    ("demand.csv", "12:00,2,", "12:00,-2,", 2, "required", "whole number >= 0, got '-2'"),
    ("demand.csv", "12:00,2,", "12:00,1.5,", 2, "required", "whole number"),
    ("demand.csv", "23:45,00:00", "23:50,00:00", 4, "start", "off the 15-minute interval grid"),
    ("demand.csv", "required,", "people,", 1, "required", "missing required column"),
    # availability.csv
    (
        "availability.csv",
        "E2,2026-12-09",
        "E9,2026-12-09",
        3,
        "employee_id",
        "unknown employee 'E9'",
    ),
    ("availability.csv", "09:10,12:00", ",12:00", 3, "start", "both start and end blank"),
    ("availability.csv", "20:00,02:00", "20:00,20:00", 4, "end", "span of some length"),
    ("availability.csv", "20:00,02:00", "8pm,02:00", 4, "start", "expected a time HH:MM"),
    ("availability.csv", "Avoid", "maybe", 4, "kind", "unavailable | prefer | avoid"),
    ("availability.csv", "prefer,3", "prefer,0", 3, "weight", "whole number >= 1"),
    ("availability.csv", "E99,2025-01-01", "E99,2025-13-01", 5, "date", "valid date"),
    ("availability.csv", ",start,end,", ",start,finish,", 1, "end", "missing column 'end'"),
]


@pytest.mark.parametrize(("file", "old", "new", "row", "column", "phrase"), CSV_CASES)
def test_bad_csv_cell(
    tmp_path: Path, file: str, old: str, new: str, row: int, column: str | None, phrase: str
) -> None:
    """A bad CSV header or cell names its file, row and column and what was expected."""
    text = FILES[file]
    assert text.count(old) == 1, old
    folder = write_scenario_files(tmp_path, **{file.replace(".", "_"): text.replace(old, new)})
    error = load_error(folder)
    assert (error.file, error.row, error.column) == (file, row, column)
    assert phrase in error.message


BACK_CSV_CASES = [
    ("Yes, finance", "maybe, finance", 3, "remote_ok", "expected true or false"),
    ("TRUE,finance", "2,finance", 5, "remote_ok", "(or yes/no, 1/0), got '2'"),
    ("fri; MON", "fri; monday", 3, "remote_days", "unknown weekday 'monday'"),
    ("no,,,", "no,,fri,", 6, "remote_days", "without remote_ok"),
    ("ops,,Front", "ops,,middle", 4, "prefers", "front | back or blank, got 'middle'"),
    ("ops,,Front", "ops,,both", 4, "prefers", "front | back or blank, got 'both'"),
    ("no,,,", "no,,,back", 6, "prefers", "only office both"),
]


@pytest.mark.parametrize(("old", "new", "row", "column", "phrase"), BACK_CSV_CASES)
def test_bad_back_office_staff_cell(
    tmp_path: Path, old: str, new: str, row: int, column: str, phrase: str
) -> None:
    """A bad back-office staff cell names staff.csv, its row and column and what was expected."""
    assert BACK_STAFF_CSV.count(old) == 1, old
    staff = BACK_STAFF_CSV.replace(old, new)
    folder = write_scenario_files(tmp_path, staff_csv=staff, scenario_toml=BACK_TOML)
    error = load_error(folder)
    assert (error.file, error.row, error.column) == ("staff.csv", row, column)
    assert phrase in error.message


@pytest.mark.parametrize(
    ("text", "row", "phrase"),
    [
        ("", 1, "empty file"),
        ("\n\n", 1, "empty file"),
        ("\nemployee_id,name\n", 1, "blank line"),
    ],
)
def test_empty_csv(tmp_path: Path, text: str, row: int, phrase: str) -> None:
    """A CSV file without a header row is an error."""
    error = load_error(write_scenario_files(tmp_path, staff_csv=text))
    assert (error.file, error.row, error.column) == ("staff.csv", row, None)
    assert phrase in error.message


@pytest.mark.parametrize(
    ("file", "old", "new", "meant"),
    [
        ("staff_csv", "max_days", "max_day", "max_days"),
        ("shifts_csv", "shift_id,start,end", "shift_id,start,end,weekday", "weekdays"),
        ("demand_csv", "required", "required,skils", "skill"),
    ],
)
def test_a_misspelt_column_warns(tmp_path: Path, file: str, old: str, new: str, meant: str) -> None:
    """A column named close to a known one warns with the name meant; `notes` passes silently."""
    texts = {"staff_csv": STAFF_CSV, "shifts_csv": SHIFTS_CSV, "demand_csv": DEMAND_CSV}
    text = texts[file]
    header, rest = text.split("\n", 1)
    folder = write_scenario_files(tmp_path, **{file: header.replace(old, new, 1) + "\n" + rest})
    with pytest.warns(InputWarning, match=f"did you mean {meant!r}") as caught:
        read_scenario(folder)
    [warning] = caught
    assert str(warning.message).startswith(file.replace("_", ".") + ", column ")


def test_a_demand_skill_no_one_has_warns(tmp_path: Path) -> None:
    """Demand for a skill no front-office person holds warns once, naming it; it still loads."""
    demand = DEMAND_CSV.replace(",phone\n", ",phnoe\n")
    assert demand != DEMAND_CSV
    with pytest.warns(InputWarning) as caught:
        scenario = read_scenario(write_scenario_files(tmp_path, demand_csv=demand))
    assert [str(w.message) for w in caught] == [
        "demand.csv, column skill: no one in staff.csv who works in the front office has skill "
        "'phnoe': its demand will be short"
    ]
    assert {d.skill for d in scenario.demand} >= {"phnoe"}


def test_header_only_csv_is_an_empty_table(tmp_path: Path) -> None:
    """A CSV file with a header and no rows is a valid, empty table."""
    availability = "employee_id,date,kind\n"
    scenario = read_scenario(write_scenario_files(tmp_path, availability_csv=availability))
    assert scenario.availability == ()


def test_non_utf8_csv(tmp_path: Path) -> None:
    """Bytes that are not UTF-8, in a file that is UTF-8 elsewhere, are reported with their line."""
    folder = write_scenario_files(tmp_path)
    text = SHIFTS_CSV.replace("early", "frühe").encode().replace(b"late", b"l\xe4te")
    (folder / "shifts.csv").write_bytes(text)
    error = load_error(folder)
    assert (error.file, error.row) == ("shifts.csv", 3)
    assert "UTF-8" in error.message


def test_byte_order_mark_and_blank_lines_are_fine(tmp_path: Path) -> None:
    """A UTF-8 byte-order mark and blank lines do not disturb the headers or row numbers."""
    folder = write_scenario_files(tmp_path)
    staff = STAFF_CSV.replace("E1,Ada", "\nE1,Ada").replace("E3,,both", "E3,,nowhere")
    (folder / "staff.csv").write_bytes(b"\xef\xbb\xbf" + staff.encode())
    error = load_error(folder)
    assert (error.file, error.row, error.column) == ("staff.csv", 5, "office")


TOML_CASES = [
    ("days = 14", "days = ", 5, None, "expected valid TOML"),
    ('name = "week 50"', 'name = "week 50"\ncolour = 1', None, "colour", "unknown key"),
    ("days = 14", "days = 14\nweeks = 2", None, "horizon.weeks", "unknown key 'weeks'"),
    ("start = 2026-12-07\n", "", None, "horizon.start", "missing required key"),
    ("start = 2026-12-07", "start = 2026-12-07T08:00:00", None, "horizon.start", "date-time"),
    ("start = 2026-12-07", 'start = "07.12.2026"', None, "horizon.start", "YYYY-MM-DD"),
    ("start = 2026-12-07", 'start = "2026-02-30"', None, "horizon.start", "valid date"),
    ("start = 2026-12-07", "start = 9999-12-30", None, "horizon.start", "years 1900-2198"),
    ("start = 2026-12-07", "start = 0001-01-01", None, "horizon.start", "years 1900-2198"),
    ("days = 14", 'days = "14"', None, "horizon.days", "expected an integer"),
    ("days = 14", "days = 57", None, "horizon.days", "from 1 to 56"),
    ("days = 14", "days = true", None, "horizon.days", "got a boolean"),
    ("interval_minutes = 15", "interval_minutes = 20", None, "horizon.interval_minutes", "60"),
    ('"Europe/Berlin"', '"Mars/Olympus"', None, "horizon.timezone", "IANA time zone"),
    ('"Europe/Berlin"', '"Europe"', None, "horizon.timezone", "IANA time zone"),
    ('"Europe/Berlin"', '"' + "x" * 5000 + '"', None, "horizon.timezone", "IANA time zone"),
    ("days = 14", "days = 14\nx = " + "[" * 5000 + "]" * 5000, None, None, "nested too deeply"),
    ("min_rest_hours = 11", 'min_rest_hours = "11"', None, "rules.min_rest_hours", "number"),
    ("min_rest_hours = 11", "min_rest_hours = 11.001", None, "rules.min_rest_hours", "minutes"),
    ("min_rest_hours = 11", "min_rest_hours = -1", None, "rules.min_rest_hours", ">= 0"),
    (
        "max_consecutive_days = 5",
        "max_consecutive_days = 0",
        None,
        "rules.max_consecutive_days",
        ">= 1",
    ),
    ("max_on_break = 0.25", "max_on_break = 1.5", None, "rules.max_on_break", "0 < share <= 1"),
    ("max_on_break = 0.25", "max_on_break = 0", None, "rules.max_on_break", "0 < share <= 1"),
    ("max_on_break = 0.25", "max_on_break = 0.0001", None, "rules.max_on_break", "0 < share"),
    ("max_on_break = 0.25", "max_on_break = nan", None, "rules.max_on_break", "finite"),
    ("max_on_break = 0.25", "max_break = 0.25", None, "rules.max_break", "unknown key"),
    ("minutes = 30", "minutes = 20", None, "breaks[2].minutes", "multiple of interval_minutes"),
    ("minutes = 30", 'minutes = "30"', None, "breaks[2].minutes", "expected an integer"),
    ("minutes = 30", "minutes = 0", None, "breaks[2].minutes", ">= 1"),
    ("minutes = 30", "length = 30", None, "breaks[2].length", "unknown key"),
    ("latest = 300", "latest = 170", None, "breaks[2].latest", "latest >= earliest"),
    ("earliest = 180", "earliest = -5", None, "breaks[2].earliest", ">= 0"),
    ('name = "lunch"', 'name = "coffee"', None, "breaks[2].name", "unique name"),
    ('name = "lunch"', 'name = "shift"', None, "breaks[2].name", "other than 'shift'"),
    ('name = "lunch"', 'name = "Flex"', None, "breaks[2].name", "or 'flex', got 'Flex'"),
    ('name = "coffee"\n', "", None, "breaks[1].name", "missing required key"),
    ("paid = false", 'paid = "no"', None, "breaks[2].paid", "boolean"),
    (
        "min_shift_minutes = 360",
        "min_shift_minutes = 6.0",
        None,
        "breaks[2].min_shift_minutes",
        "integer",
    ),
    ('[[breaks]]\nname = "lunch"', '[breaks2]\nname = "lunch"', None, "breaks2", "unknown key"),
    ("preference = 300", "preference = 6000", None, "weights.shortfall", "shortfall must dominate"),
    ("preference = 300", "surplus = 5000", None, "weights.shortfall", "shortfall must dominate"),
    ("preference = 300", "contract = -1", None, "weights.contract", ">= 0"),
    ("preference = 300", "penalty = 3", None, "weights.penalty", "unknown key"),
    ('name = "week 50"', "name = 50", None, "name", "non-empty string"),
]


@pytest.mark.parametrize(("old", "new", "row", "column", "phrase"), TOML_CASES)
def test_bad_toml(
    tmp_path: Path, old: str, new: str, row: int | None, column: str, phrase: str
) -> None:
    """A bad scenario.toml key or value names the key and what was expected."""
    assert SCENARIO_TOML.count(old) == 1, old
    error = load_error(
        write_scenario_files(tmp_path, scenario_toml=SCENARIO_TOML.replace(old, new))
    )
    assert (error.file, error.row, error.column) == ("scenario.toml", row, column)
    assert phrase in error.message


BAND = 'flex_band = "07:30-18:00"'
CORE = 'core_hours = "10:00-15:00"'
FINANCE = 'team = "finance"\nweekday = "Tue"'
OPS = 'team = "ops"\nweekday = "thu"'
LEAD = 'skill = "lead"\nmin = 1'
PHONE = 'skill = "phone"\nweekdays = ""\nmin = 3'

BACK_TOML_CASES = [
    (BAND, 'flex_band = "19:00-07:00"', "back_office.flex_band", "no overnight band"),
    (BAND, 'flex_band = "07:30-07:30"', "back_office.flex_band", "no overnight band"),
    (BAND, 'flex_band = "7-18"', "back_office.flex_band", "expected a band HH:MM-HH:MM"),
    (BAND, 'flex_band = "07:30 to 18:00"', "back_office.flex_band", "got '07:30 to 18:00'"),
    (BAND, 'flex_band = "07:30-18:00-20:00"', "back_office.flex_band", "expected a band"),
    (BAND, 'flex_band = "07:30-24:00"', "back_office.flex_band", "00:00 to 23:59"),
    (BAND, 'flex_band = ""', "back_office.flex_band", "expected a band"),
    (BAND, "flex_band = 7", "back_office.flex_band", "got an integer 7"),
    (BAND, 'flex_band = "07:35-18:00"', "back_office.flex_band", "15-minute interval grid"),
    (CORE, 'core_hours = "06:00-15:00"', "back_office.core_hours", "inside the flex band"),
    (CORE, 'core_hours = "10:00-18:15"', "back_office.core_hours", "band 07:30-18:00"),
    (CORE, 'core_hours = "15:00-10:00"', "back_office.core_hours", "no overnight band"),
    (CORE, 'core_hours = "10am-3pm"', "back_office.core_hours", "expected a band"),
    ("daily_hours = 7.5", "daily_hours = 11", "back_office.daily_hours", "10.5 hours"),
    ("daily_hours = 7.5", "daily_hours = 4.5", "back_office.daily_hours", "core hours' 5 hours"),
    ("daily_hours = 7.5", "daily_hours = 0", "back_office.daily_hours", "> 0"),
    ("daily_hours = 7.5", "daily_hours = 7.51", "back_office.daily_hours", "whole minutes"),
    ("daily_hours = 7.5", 'daily_hours = "8"', "back_office.daily_hours", "a number"),
    ("min_onsite_days = 2", "min_onsite_days = 8", "back_office.min_onsite_days", "0 to 7"),
    ("max_remote_days = 3", "max_remote_days = -1", "back_office.max_remote_days", "0 to 7"),
    ("desks = 4", "desks = -1", "back_office.desks", ">= 0"),
    ("desks = 4", "desks = 2.5", "back_office.desks", "expected an integer"),
    ("desks = 4", "seats = 4", "back_office.seats", "unknown key 'seats'"),
    (OPS, 'team = "hr"\nweekday = "thu"', "back_office.anchor[2].team", "no staff in team 'hr'"),
    (OPS, 'team = "Ops"\nweekday = "thu"', "back_office.anchor[2].team", "team 'Ops'"),
    (OPS, 'team = "ops"\nweekday = "thursday"', "back_office.anchor[2].weekday", "'thursday'"),
    (OPS, 'team = "ops"', "back_office.anchor[2].weekday", "missing required key"),
    (OPS, 'team = "ops"\nday = "thu"', "back_office.anchor[2].day", "unknown key"),
    (OPS, 'team = "finance"\nweekday = "TUE"', "back_office.anchor[2].weekday", "unique"),
    (FINANCE, 'team = ""\nweekday = "Tue"', "back_office.anchor[1].team", "non-empty string"),
    (LEAD, 'skill = "lead"\nmin = 0', "back_office.cover[1].min", "integer >= 1, got 0"),
    (LEAD, 'skill = "lead"', "back_office.cover[1].min", "missing required key"),
    (LEAD, 'skill = " "\nmin = 1', "back_office.cover[1].skill", "non-empty string"),
    (LEAD, "min = 1", "back_office.cover[1].skill", "missing required key"),
    (
        PHONE,
        'skill = "phone"\nweekdays = "mon;xyz"\nmin = 3',
        "back_office.cover[3].weekdays",
        "'xyz'",
    ),
    (
        PHONE,
        'skill = "phone"\nweekdays = ["mon"]\nmin = 3',
        "back_office.cover[3].weekdays",
        "string",
    ),
    (PHONE, 'skill = "phone"\nmin = 3\nmax = 4', "back_office.cover[3].max", "unknown key"),
    (
        '[[back_office.anchor]]\nteam = "ops"',
        '[back_office.anchors]\nteam = "ops"',
        "back_office.anchors",
        "unknown key",
    ),
]


@pytest.mark.parametrize(("old", "new", "column", "phrase"), BACK_TOML_CASES)
def test_bad_back_office_toml(tmp_path: Path, old: str, new: str, column: str, phrase: str) -> None:
    """A bad [back_office] key or value names the key and what was expected."""
    assert BACK_TOML.count(old) == 1, old
    toml = BACK_TOML.replace(old, new)
    folder = write_scenario_files(tmp_path, staff_csv=BACK_STAFF_CSV, scenario_toml=toml)
    error = load_error(folder)
    assert (error.file, error.row, error.column) == ("scenario.toml", None, column)
    assert phrase in error.message


@pytest.mark.parametrize(
    ("toml", "column", "phrase"),
    [
        (
            "[horizon]\nstart = 2026-12-07\n[back_office.anchor]\nteam = 'x'\n",
            "back_office.anchor",
            "[[back_office.anchor]]",
        ),
        ("back_office = 3\n[horizon]\nstart = 2026-12-07\n", "back_office", "[back_office]"),
        ('name = "x"\n', "horizon.start", "missing required key"),
        ("horizon = 3\n", "horizon", "expected a table [horizon]"),
        ("[horizon]\nstart = 2026-12-07\nbreaks = 1\n", "horizon.breaks", "unknown key"),
        ("breaks = 1\n[horizon]\nstart = 2026-12-07\n", "breaks", "array of tables"),
        ('[breaks]\nname = "x"\n[horizon]\nstart = 2026-12-07\n', "breaks", "array of tables"),
    ],
)
def test_bad_toml_structure(tmp_path: Path, toml: str, column: str, phrase: str) -> None:
    """A missing [horizon] or a [breaks] that is not an array of tables is an error."""
    error = load_error(write_scenario_files(tmp_path, scenario_toml=toml))
    assert (error.file, error.column) == ("scenario.toml", column)
    assert phrase in error.message


def test_toml_syntax_error_at_end_of_document(tmp_path: Path) -> None:
    """A syntax error at the end of the file points at its last line."""
    error = load_error(write_scenario_files(tmp_path, scenario_toml='[horizon]\nstart = "2026'))
    assert (error.file, error.row) == ("scenario.toml", 2)
    assert "Unterminated string" in error.message


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("7:00", 420), ("07:00", 420), ("07:00:00", 420), (" 23:59 ", 1439), ("00:00", 0)],
)
def test_parse_hhmm_accepts(text: str, minutes: int) -> None:
    """parse_hhmm reads H:MM, HH:MM and HH:MM:00."""
    assert parse_hhmm(text, "x.csv", 2, "start") == minutes


@pytest.mark.parametrize("text", ["24:00", "7", "7:0", "07:60", "", "07:00:01", "-1:00", "７:00"])
def test_parse_hhmm_rejects(text: str) -> None:
    """parse_hhmm rejects malformed or out-of-range times with file, row and column."""
    with pytest.raises(InputError) as caught:
        parse_hhmm(text, "x.csv", 7, "end")
    assert (caught.value.file, caught.value.row, caught.value.column) == ("x.csv", 7, "end")


# --------------------------------------------------------------------------------------------
# Property tests

PROPERTY_SETTINGS = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

_WORD = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-",
    min_size=1,
    max_size=8,
)


@st.composite
def staff_rows(draw: st.DrawFn) -> tuple[str, list[Employee]]:
    """A valid staff.csv text and the employees it must load into."""
    ids = draw(st.lists(_WORD, min_size=1, max_size=6, unique=True))
    lines = [
        "employee_id,name,office,skills,contract_hours,min_hours,max_hours,max_days,"
        "remote_ok,team,remote_days,prefers"
    ]
    employees = []
    for employee_id in ids:
        name = draw(
            st.one_of(st.just(""), st.from_regex(r"[A-Za-z][A-Za-z .']{0,10}[a-z]", fullmatch=True))
        )
        office = draw(st.sampled_from(list(Office)))
        skills = draw(st.lists(_WORD, max_size=3, unique=True))
        contract = draw(st.integers(0, 60 * 4))
        maximum = draw(st.one_of(st.none(), st.integers(contract, 70 * 4)))
        ceiling = contract if maximum is None else maximum
        minimum = draw(st.one_of(st.none(), st.integers(0, ceiling)))
        max_days = draw(st.one_of(st.none(), st.integers(0, 7)))
        remote_ok = draw(st.booleans())
        spelled = draw(
            st.sampled_from(("true", "yes", "1") if remote_ok else ("", "false", "no", "0"))
        )
        team = draw(st.one_of(st.none(), _WORD))
        remote_days = draw(st.sets(st.integers(0, 6))) if remote_ok else set()
        prefers = draw(st.sampled_from([None, Office.FRONT, Office.BACK]))
        if office != Office.BOTH:
            prefers = None

        def hours(quarters: int | None) -> str:
            """Quarters of an hour written as decimal hours ("" for None)."""
            return "" if quarters is None else str(quarters / 4)

        lines.append(
            ",".join(
                [
                    f" {employee_id} ",
                    name,
                    office.value.upper(),
                    " ; ".join(skills),
                    hours(contract),
                    hours(minimum),
                    hours(maximum),
                    "" if max_days is None else str(max_days),
                    draw(st.sampled_from([spelled, spelled.upper(), spelled.title()])),
                    "" if team is None else f" {team} ",
                    " ; ".join(draw(st.sampled_from([w, w.upper()])) for w in _names(remote_days)),
                    "" if prefers is None else prefers.value.title(),
                ]
            )
        )
        employees.append(
            Employee(
                employee_id=employee_id,
                name=name.strip() or employee_id,
                office=office,
                skills=frozenset(skills),
                contract_minutes=contract * 15,
                min_minutes=0 if minimum is None else minimum * 15,
                max_minutes=None if maximum is None else maximum * 15,
                max_days=max_days,
                remote_ok=remote_ok,
                team=team,
                remote_days=frozenset(remote_days),
                prefers=prefers,
            )
        )
    return "\n".join(lines) + "\n", employees


def _names(days: set[int]) -> list[str]:
    """Weekday names of ``days`` in a fixed order."""
    return [WEEKDAYS[day] for day in sorted(days)]


@PROPERTY_SETTINGS
@given(staff_rows())
# The demand's skills are the fixture's; the generated staff need not hold them.
@pytest.mark.filterwarnings("ignore:demand.csv, column skill:scheduler.errors.InputWarning")
def test_property_staff_round_trip(table: tuple[str, list[Employee]]) -> None:
    """Random valid staff tables load into exactly the employees they describe."""
    text, employees = table
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_scenario_files(Path(tmp), staff_csv=text, availability_csv=None)
        assert read_scenario(folder).employees == tuple(employees)


@PROPERTY_SETTINGS
@given(
    file=st.sampled_from(["staff.csv", "shifts.csv", "demand.csv", "availability.csv"]),
    back_office=st.booleans(),
    line=st.integers(0, 5),
    column=st.integers(0, 12),
    cell=st.one_of(
        st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
        st.sampled_from(["", "-1", "1e9", "nan", "24:00", "7:5", "mon;xyz", '"', ",", "\n", "E1"]),
    ),
)
# A corrupt header or skill cell may warn (a misspelt column, a skill no one has): it loads.
@pytest.mark.filterwarnings("ignore::scheduler.errors.InputWarning")
def test_property_corrupt_cell_loads_or_raises_input_error(
    file: str, back_office: bool, line: int, column: int, cell: str
) -> None:
    """Replacing any one cell of a valid table either loads or raises InputError."""
    back_staff = back_office and file == "staff.csv"
    lines = (BACK_STAFF_CSV if back_staff else FILES[file]).splitlines()
    cells = lines[line % len(lines)].split(",")
    cells[column % len(cells)] = cell
    lines[line % len(lines)] = ",".join(cells)
    text = "\n".join(lines) + "\n"
    with tempfile.TemporaryDirectory() as tmp:
        overrides = {file.replace(".", "_"): text}
        if back_office:
            overrides["scenario_toml"] = BACK_TOML
            overrides.setdefault("staff_csv", BACK_STAFF_CSV)
        folder = write_scenario_files(Path(tmp), **overrides)
        try:
            read_scenario(folder)
        except InputError as error:
            assert error.file in FILES  # a staff change may surface in availability.csv
            assert str(error).startswith(error.file)


@PROPERTY_SETTINGS
@given(st.integers(0, 23), st.integers(0, 59), st.booleans(), st.booleans())
def test_property_parse_hhmm(hours: int, minutes: int, pad: bool, seconds: bool) -> None:
    """Every valid time of day parses to its minute, padded or not, with or without :00."""
    text = (f"{hours:02d}" if pad else str(hours)) + f":{minutes:02d}" + (":00" if seconds else "")
    assert parse_hhmm(text, "x.csv", 2, "start") == hours * 60 + minutes
