"""Tests of the contact-centre generator and of the sample scenario folder."""

from __future__ import annotations

import csv
import tomllib
from pathlib import Path

import pytest
from conftest import ROOT, load_script

SAMPLE = ROOT / "data" / "sample"
FILES = ("staff.csv", "shifts.csv", "demand.csv", "availability.csv", "scenario.toml")
NUM_STAFF = 50


generate = load_script("generate")


def _rows(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV file as dicts."""
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _minute(hhmm: str) -> int:
    """Minutes of the day of ``HH:MM``."""
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _span(start: str, end: str) -> int:
    """Length in minutes of a span; an end at or before the start means the next day."""
    return (_minute(end) - _minute(start)) % 1440 or 1440


def _demanded_minutes(folder: Path) -> int:
    """Total (skill-less) demanded person-minutes of a weekday-only demand file."""
    return sum(
        int(row["required"]) * _span(row["start"], row["end"])
        for row in _rows(folder / "demand.csv")
        if not row.get("skill")
    )


def _supply_minutes(folder: Path) -> float:
    """On-floor person-minutes the contracts supply, read back from the written files.

    Full-timers (>= 30 h) work 8.5 h shifts, part-timers 6 h; each contract minute is scaled by
    the on-floor share (shift less all breaks over shift less unpaid breaks) of that shift.
    """
    breaks = tomllib.loads((folder / "scenario.toml").read_text(encoding="utf-8"))["breaks"]
    total = 0.0
    for row in _rows(folder / "staff.csv"):
        hours = float(row["contract_hours"])
        shift = 510 if hours >= 30 else 360
        applicable = [b for b in breaks if shift >= b["min_shift_minutes"]]
        paid = shift - sum(b["minutes"] for b in applicable if not b["paid"])
        floor = shift - sum(b["minutes"] for b in applicable)
        total += hours * 60 * floor / paid
    return total


@pytest.fixture(scope="module")
def centre(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated contact centre of 50 agents (seed 3)."""
    folder = tmp_path_factory.mktemp("centre")
    generate.write_contact_centre(folder, NUM_STAFF, seed=3)
    return folder


def test_deterministic_for_a_seed(tmp_path: Path) -> None:
    """Two runs with the same seed write byte-identical files."""
    generate.write_contact_centre(tmp_path / "a", NUM_STAFF, seed=7)
    generate.write_contact_centre(tmp_path / "b", NUM_STAFF, seed=7)
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_seed_changes_the_staff(tmp_path: Path) -> None:
    """Different seeds draw different staff."""
    generate.write_contact_centre(tmp_path / "a", NUM_STAFF, seed=1)
    generate.write_contact_centre(tmp_path / "b", NUM_STAFF, seed=2)
    staff_a = (tmp_path / "a" / "staff.csv").read_bytes()
    assert staff_a != (tmp_path / "b" / "staff.csv").read_bytes()


def test_writes_all_five_files(centre: Path) -> None:
    """The folder holds staff, shifts, demand, availability and scenario.toml."""
    for name in FILES:
        assert (centre / name).is_file(), name


def test_staff_rows_and_part_time_share(centre: Path) -> None:
    """There is one row per agent, about a fifth part-time, all front office."""
    staff = _rows(centre / "staff.csv")
    assert len(staff) == NUM_STAFF
    assert len({row["employee_id"] for row in staff}) == NUM_STAFF
    assert {row["office"] for row in staff} == {"front"}
    part_time = [row for row in staff if float(row["contract_hours"]) < 30]
    assert 0.15 * NUM_STAFF <= len(part_time) <= 0.25 * NUM_STAFF
    for row in staff:
        hours = float(row["contract_hours"])
        assert float(row["min_hours"]) <= hours <= float(row["max_hours"])
        assert int(row["max_days"]) == 5


def test_skills_share(centre: Path) -> None:
    """Roughly 15 % of agents are leads and 20 % speak Ukrainian."""
    skills = [set(filter(None, row["skills"].split(";"))) for row in _rows(centre / "staff.csv")]
    assert 0.1 * NUM_STAFF <= sum("lead" in s for s in skills) <= 0.2 * NUM_STAFF
    assert 0.15 * NUM_STAFF <= sum("ua" in s for s in skills) <= 0.25 * NUM_STAFF


def test_about_ten_templates(centre: Path) -> None:
    """There are 8-12 shift templates, some weekend-only, of 4, 6 and 8+ hours."""
    shifts = _rows(centre / "shifts.csv")
    assert 8 <= len(shifts) <= 12
    lengths = {_span(row["start"], row["end"]) for row in shifts}
    assert {240, 360, 510} <= lengths
    assert any(row["weekdays"] == "sat;sun" for row in shifts)


def test_breaks_fit_the_shifts_they_apply_to(centre: Path) -> None:
    """Every applicable break window ends inside the shift."""
    breaks = tomllib.loads((centre / "scenario.toml").read_text(encoding="utf-8"))["breaks"]
    assert [b["name"] for b in breaks] == ["break1", "lunch", "break2"]
    for row in _rows(centre / "shifts.csv"):
        length = _span(row["start"], row["end"])
        for rule in breaks:
            if length >= rule["min_shift_minutes"]:
                assert rule["latest"] + rule["minutes"] <= length, (row["shift_id"], rule["name"])


def test_demand_on_quarter_hours(centre: Path) -> None:
    """Demand rows are weekday rows on 15-minute boundaries with integer requirements."""
    rows = _rows(centre / "demand.csv")
    assert rows
    for row in rows:
        assert row["weekday"] in generate.WEEKDAYS and not row["date"]
        assert _minute(row["start"]) % 15 == 0 and _minute(row["end"]) % 15 == 0
        assert int(row["required"]) >= 0
    assert not any(row["skill"] for row in rows)


def test_demand_has_two_peaks_and_light_weekends(centre: Path) -> None:
    """Weekday demand dips at lunch between its peaks, and weekends are lighter."""
    rows = _rows(centre / "demand.csv")
    monday = {row["start"]: int(row["required"]) for row in rows if row["weekday"] == "mon"}
    assert monday["10:30"] > monday["12:30"] < monday["14:30"]
    assert monday["10:30"] > monday["07:00"] and monday["14:30"] > monday["21:45"]
    per_day = {day: 0 for day in generate.WEEKDAYS}
    for row in rows:
        per_day[row["weekday"]] += int(row["required"])
    assert per_day["sat"] < 0.7 * per_day["mon"] and per_day["sun"] < 0.7 * per_day["mon"]


def test_demand_is_a_share_of_supply(centre: Path) -> None:
    """Demanded person-minutes are 75-95 % of the on-floor minutes the contracts supply."""
    ratio = _demanded_minutes(centre) / _supply_minutes(centre)
    assert 0.75 <= ratio <= 0.95


def test_skill_demand_adds_lead_rows(tmp_path: Path) -> None:
    """With skill_demand, one lead is required at every open interval."""
    generate.write_contact_centre(tmp_path, 20, seed=1, skill_demand=True)
    rows = _rows(tmp_path / "demand.csv")
    leads = [row for row in rows if row["skill"] == "lead"]
    totals = [row for row in rows if not row["skill"]]
    assert leads and all(int(row["required"]) == 1 for row in leads)
    assert {(r["weekday"], r["start"]) for r in leads} == {
        (r["weekday"], r["start"]) for r in totals
    }


def test_availability_rows(centre: Path) -> None:
    """Availability names known agents, dates inside the horizon and the three kinds."""
    ids = {row["employee_id"] for row in _rows(centre / "staff.csv")}
    rows = _rows(centre / "availability.csv")
    assert {row["kind"] for row in rows} == {"unavailable", "prefer", "avoid"}
    for row in rows:
        assert row["employee_id"] in ids
        assert "2026-12-07" <= row["date"] <= "2026-12-13"


def test_cli_writes_a_folder(tmp_path: Path) -> None:
    """The command line takes N, the folder and a seed."""
    generate.main(["12", str(tmp_path / "cli"), "--seed", "5"])
    assert len(_rows(tmp_path / "cli" / "staff.csv")) == 12


def test_cli_keeps_a_countrys_public_holidays(tmp_path: Path) -> None:
    """--country names the country whose public holidays the horizon keeps; none without it."""
    generate.main(["12", str(tmp_path / "pl"), "--days", "28", "--country", "PL"])
    config = tomllib.loads((tmp_path / "pl" / "scenario.toml").read_text(encoding="utf-8"))
    assert config["horizon"]["country"] == "PL"
    generate.main(["12", str(tmp_path / "none")])
    config = tomllib.loads((tmp_path / "none" / "scenario.toml").read_text(encoding="utf-8"))
    assert "country" not in config["horizon"]


def test_sample_folder_contents() -> None:
    """The sample week has its files, an overnight shift, a date row and a lead row."""
    for name in (*FILES, "README.md"):
        assert (SAMPLE / name).is_file(), name
    staff = _rows(SAMPLE / "staff.csv")
    assert 18 <= len(staff) <= 24
    shifts = _rows(SAMPLE / "shifts.csv")
    assert any(_minute(row["end"]) <= _minute(row["start"]) for row in shifts)
    demand = _rows(SAMPLE / "demand.csv")
    assert any(row["date"] for row in demand)
    assert any(row["skill"] == "lead" for row in demand)
    for row in demand:
        assert bool(row["date"]) != bool(row["weekday"])
    config = tomllib.loads((SAMPLE / "scenario.toml").read_text(encoding="utf-8"))
    assert config["rules"]["max_on_break"] == 0.3
    assert config["horizon"]["interval_minutes"] == 15


def test_read_scenario_loads_generated_and_sample(centre: Path) -> None:
    """read_scenario loads a generated folder and data/sample."""
    scenario_io = pytest.importorskip("scheduler.io.scenario")
    generated = scenario_io.read_scenario(centre)
    assert generated.num_employees == NUM_STAFF
    sample = scenario_io.read_scenario(SAMPLE)
    assert sample.num_employees == len(_rows(SAMPLE / "staff.csv"))
