"""HR policy per group: rule overrides for the front office, back office and staff groups."""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import START, assign, employee, make_scenario, roster, shift
from test_io_scenario import SCENARIO_TOML as BASE_TOML
from test_io_scenario import SHIFTS_CSV, STAFF_CSV, load_error, write_scenario_files

from scheduler.data import (
    DemandSpan,
    Horizon,
    Office,
    RuleOverride,
    Rules,
)
from scheduler.io.scenario import read_scenario
from scheduler.solve import solve
from scheduler.verify import verify

GROUP_STAFF = STAFF_CSV.replace(",notes\n", ",group\n", 1)
POLICY = """
[rules.front]
max_consecutive_days = 4

[rules.back]
min_rest_hours = 12

[rules.group.trainee]
forbidden_shifts = ["late"]
max_days = 3
max_on_break = 0.5
"""


def group_staff(groups: dict[str, str]) -> str:
    """STAFF_CSV with a ``group`` column in place of ``notes``."""
    lines = GROUP_STAFF.splitlines()
    rows = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        cells[-1] = groups.get(cells[0].strip(), "")
        rows.append(",".join(cells))
    return "\n".join(rows) + "\n"


def rules_toml(extra: str) -> str:
    """The test scenario.toml with ``extra`` added below its [rules] table."""
    return BASE_TOML.replace("max_on_break = 0.25\n", "max_on_break = 0.25\n" + extra, 1)


def test_overrides_are_read_and_resolved(tmp_path: Path) -> None:
    """[rules.front], [rules.back] and [rules.group.NAME] resolve per person, group last."""
    folder = write_scenario_files(
        tmp_path, scenario_toml=BASE_TOML + POLICY, staff_csv=group_staff({"E1": "trainee"})
    )
    scenario = read_scenario(folder)
    e1, e2, e3 = scenario.employees
    assert e1.group == "trainee" and e2.group is None
    first = scenario.rules_for(e1)
    assert first.max_consecutive_days == 4  # front office
    assert first.forbidden_shifts == frozenset({"late"})
    assert first.max_days == 3 and first.max_on_break == Fraction(1, 2)
    assert first.min_rest_minutes == 11 * 60
    assert scenario.rules_for(e2).min_rest_minutes == 12 * 60  # back office
    assert scenario.rules_for(e2).max_consecutive_days == 5
    assert scenario.rules_for(e3).max_consecutive_days == 4  # both follows the front office
    assert scenario.rules_for(e3).max_on_break == Fraction(1, 4)


def test_shift_tags_and_preferred_shifts_are_read(tmp_path: Path) -> None:
    """shifts.csv tags and staff.csv preferred_shifts are word sets."""
    shifts = SHIFTS_CSV.replace("shift_id,start,end,weekdays", "shift_id,start,end,weekdays,tags")
    shifts = shifts.replace("late,14:00,22:30,\n", "late,14:00,22:30,,late; evening\n")
    staff = STAFF_CSV.replace(",notes\n", ",preferred_shifts\n").replace(",team lead", ",early")
    folder = write_scenario_files(tmp_path, shifts_csv=shifts, staff_csv=staff)
    scenario = read_scenario(folder)
    assert scenario.shifts[1].tags == frozenset({"late", "evening"})
    assert scenario.employees[0].preferred_shifts == frozenset({"early"})


@pytest.mark.parametrize(
    ("policy", "staff", "key", "expected"),
    [
        ("[rules.group.nobody]\nmax_days = 2\n", {}, "rules.group.nobody", "no staff in group"),
        (
            '[rules.front]\nforbidden_shifts = ["brunch"]\n',
            {},
            "rules.front.forbidden_shifts",
            "got 'brunch'",
        ),
        ("[rules.back]\nmax_weeks = 2\n", {}, "rules.back.max_weeks", "unknown key"),
        (
            "[rules.group.trainee]\nmax_days = 9\n",
            {"E1": "trainee"},
            "rules.group.trainee.max_days",
            "from 0 to 7",
        ),
        (
            '[rules.front]\nforbidden_shifts = "late"\n',
            {},
            "rules.front.forbidden_shifts",
            "expected a list",
        ),
    ],
)
def test_bad_overrides_name_the_key(
    tmp_path: Path, policy: str, staff: dict[str, str], key: str, expected: str
) -> None:
    """A bad override is reported at its dotted key in scenario.toml."""
    folder = write_scenario_files(
        tmp_path, scenario_toml=BASE_TOML + policy, staff_csv=group_staff(staff)
    )
    error = load_error(folder)
    assert error.file == "scenario.toml"
    assert error.column == key
    assert expected in error.message


def test_unknown_preferred_shift_names_the_cell(tmp_path: Path) -> None:
    """preferred_shifts must name shift ids or tags."""
    staff = STAFF_CSV.replace(",notes\n", ",preferred_shifts\n").replace(",team lead", ",brunch")
    error = load_error(write_scenario_files(tmp_path, staff_csv=staff))
    assert (error.file, error.row, error.column) == ("staff.csv", 2, "preferred_shifts")


def late_only_day() -> tuple:
    """One day, one person, demand 14:00-22:00 that only LATE covers fully."""
    people = (employee("E1", group="trainee"),)
    demand = (DemandSpan(14 * 60, 22 * 60, 1),)
    return people, demand


def test_group_override_changes_the_roster() -> None:
    """A trainee barred from LATE takes EARLY instead: 390 demand minutes go short, not 45."""
    people, demand = late_only_day()
    base = make_scenario(horizon=Horizon(START, days=1), employees=people, demand=demand)
    free = solve(base, time_limit=5, workers=1)
    assert free.report is not None and free.report.ok
    assert free.report.costs.shortfall_minutes == 45  # the lone person's break and lunch
    assert [a.shift_id for a in free.assignments] == ["LATE"]
    barred = dataclasses.replace(
        base,
        rule_overrides=(RuleOverride("trainee", (("forbidden_shifts", frozenset({"LATE"})),)),),
    )
    result = solve(barred, time_limit=5, workers=1)
    assert result.status == "optimal"
    assert result.report is not None and result.report.ok
    assert [a.shift_id for a in result.assignments] == ["EARLY"]
    assert result.report.costs.shortfall_minutes == 390


def test_tag_forbids_every_tagged_template() -> None:
    """Forbidding a tag bars each template carrying it."""
    people, demand = late_only_day()
    tagged = (
        shift("EARLY", "07:00", "15:30"),
        dataclasses.replace(shift("LATE", "13:30", "22:00"), tags=frozenset({"late"})),
    )
    scenario = make_scenario(
        horizon=Horizon(START, days=1),
        employees=people,
        demand=demand,
        shifts=tagged,
        rule_overrides=(RuleOverride("trainee", (("forbidden_shifts", frozenset({"late"})),)),),
    )
    result = solve(scenario, time_limit=5, workers=1)
    assert result.report is not None and result.report.ok
    assert [a.shift_id for a in result.assignments] == ["EARLY"]


def test_verifier_catches_a_forbidden_shift() -> None:
    """A trainee on a forbidden LATE shift is a forbidden-shift violation."""
    scenario = make_scenario(
        employees=(employee("E1", group="trainee"), employee("E2")),
        rule_overrides=(RuleOverride("trainee", (("forbidden_shifts", frozenset({"LATE"})),)),),
    )
    report = verify(scenario, roster(scenario, assign(scenario, "E1", 0, "LATE")))
    assert {v.rule for v in report.violations} == {"forbidden-shift"}
    assert report.violations[0].employee_id == "E1"
    assert verify(scenario, roster(scenario, assign(scenario, "E2", 0, "LATE"))).ok


def test_verifier_applies_group_rest_and_days() -> None:
    """A back-office override of min_rest and a group's max_days bind only their people."""
    scenario = make_scenario(
        employees=(employee("E1", group="part"), employee("E2", office=Office.FRONT)),
        rule_overrides=(RuleOverride("part", (("max_days", 2), ("min_rest_minutes", 14 * 60))),),
    )
    # LATE ends 22:00, EARLY next day starts 07:00: 9 h of rest.
    week = [assign(scenario, "E1", d, "EARLY") for d in range(3)]
    rest = [assign(scenario, "E2", 0, "LATE"), assign(scenario, "E2", 2, "EARLY")]
    report = verify(scenario, roster(scenario, *week, *rest))
    assert {(v.rule, v.employee_id) for v in report.violations} == {("max-days", "E1")}
    tight = [assign(scenario, "E1", 0, "LATE"), assign(scenario, "E1", 1, "EARLY")]
    report = verify(scenario, roster(scenario, *tight))
    assert {(v.rule, v.employee_id) for v in report.violations} == {("min-rest", "E1")}
    assert "at least 14 h" in report.violations[0].message


def test_verifier_staggers_breaks_per_group_share() -> None:
    """Breaks stagger among people sharing a max_on_break: a strict group cannot break together."""
    people = (
        employee("E1", group="branch"),
        employee("E2", group="branch"),
        employee("E3"),
        employee("E4"),
    )
    scenario = make_scenario(
        employees=people,
        rules=Rules(max_on_break=Fraction(1, 1)),
        rule_overrides=(RuleOverride("branch", (("max_on_break", Fraction(1, 4)),)),),
    )
    loose = [assign(scenario, e, 0, "EARLY") for e in ("E3", "E4")]
    assert verify(scenario, roster(scenario, *loose)).ok
    strict = [assign(scenario, e, 0, "EARLY") for e in ("E1", "E2")]
    report = verify(scenario, roster(scenario, *strict, *loose))
    assert {v.rule for v in report.violations} == {"max-on-break"}
    assert "(E1, E2)" in report.violations[0].message
    assert "under max_on_break 0.25" in report.violations[0].message


def test_model_staggers_breaks_per_group_share() -> None:
    """The solver keeps a strict branch group's breaks apart; the verifier agrees."""
    people = (employee("E1", group="branch"), employee("E2", group="branch"), employee("E3"))
    demand = tuple(DemandSpan(7 * 60, 15 * 60 + 30, 3) for _ in range(1))
    scenario = make_scenario(
        horizon=Horizon(START, days=1),
        employees=people,
        demand=demand,
        rules=Rules(max_on_break=Fraction(1, 1)),
        rule_overrides=(RuleOverride("branch", (("max_on_break", Fraction(1, 4)),)),),
    )
    result = solve(scenario, time_limit=5, workers=1)
    assert result.report is not None and result.report.ok
    branch = [a for a in result.assignments if a.employee_id in ("E1", "E2")]
    assert len(branch) == 2
    first, second = (sorted((b.start, b.end) for b in a.breaks) for a in branch)
    assert all(e1 <= s2 or e2 <= s1 for s1, e1 in first for s2, e2 in second)


def test_validate_explains_rules_per_group(tmp_path: Path) -> None:
    """`validate --explain-rules` prints one line per effective rule book with its people."""
    from click.testing import CliRunner

    from scheduler.cli import main

    folder = write_scenario_files(
        tmp_path, scenario_toml=BASE_TOML + POLICY, staff_csv=group_staff({"E1": "trainee"})
    )
    result = CliRunner().invoke(main, ["validate", str(folder), "--explain-rules"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert (
        "  front office, group trainee (E1): min_rest_hours 11, weekly_rest_hours 35.5, "
        "max_consecutive_days 4, max_on_break 0.5, max_days 3, forbidden_shifts late"
    ) in lines
    assert any(line.startswith("  back office (E2): min_rest_hours 12,") for line in lines)
    assert any(line.startswith("  front office (E3): ") for line in lines)


HOLIDAY_TOML = BASE_TOML.replace('timezone = "Europe/Berlin"', 'timezone = "Europe/Warsaw"')
CHRISTMAS_TOML = HOLIDAY_TOML.replace("start = 2026-12-07", "start = 2026-12-21")
# Demand: weekday rows only, with a distinct Sunday row to tell "sunday" demand apart.
WEEKDAY_DEMAND = """\
weekday,start,end,required
thu,08:00,12:00,2
fri,08:00,12:00,2
sun,09:00,10:00,1
"""


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("closed", []),
        ("sunday", [(9 * 60, 10 * 60, 1)]),
        ("normal", [(8 * 60, 12 * 60, 2)]),
    ],
)
def test_christmas_demand_follows_the_holiday_mode(
    tmp_path: Path, mode: str, expected: list[tuple[int, int, int]]
) -> None:
    """In PL, 24-26 Dec 2026 (and 1 Jan) are holidays; [holidays] demand says what holds."""
    toml = CHRISTMAS_TOML.replace(
        "[rules]", f'country = "PL"\n\n[holidays]\ndemand = "{mode}"\n\n[rules]'
    )
    folder = write_scenario_files(tmp_path, scenario_toml=toml, demand_csv=WEEKDAY_DEMAND)
    scenario = read_scenario(folder)
    assert scenario.horizon.holidays == (
        (3, "Christmas Eve"),
        (4, "Christmas Day"),
        (5, "Second Day of Christmas"),
        (11, "New Year's Day"),
    )
    day = 3  # Thursday 24 December
    on_day = [
        (d.start - day * 1440, d.end - day * 1440, d.required)
        for d in scenario.demand
        if day * 1440 <= d.start < (day + 1) * 1440
    ]
    assert on_day == expected
    # Monday 21 December is an ordinary day with no Monday demand.
    assert not [d for d in scenario.demand if d.start < 1440]


def test_holidays_on_weekdays_are_days_off_for_contract_hours() -> None:
    """Two weekday holidays take two fifths off the week's contract and min hours."""
    horizon = Horizon(START, days=7, holidays=((1, "a"), (2, "b"), (5, "weekend one")))
    assert horizon.scale(40 * 60, 0, 7) == 24 * 60
    assert horizon.scale(40 * 60, 0, 1) == 40 * 60 // 7


def test_verifier_scales_hours_on_holidays() -> None:
    """A 40 h person working 24 h in a week with two weekday holidays meets the contract."""
    horizon = Horizon(START, days=7, holidays=((1, "a"), (2, "b")))
    scenario = make_scenario(
        horizon=horizon, employees=(employee("E1", min_minutes=32 * 60),), demand=()
    )
    three = [assign(scenario, "E1", d, "EARLY") for d in (0, 3, 4)]
    report = verify(scenario, roster(scenario, *three))
    assert report.ok
    assert report.costs.contract_deviation_minutes == 0
    hours = report.hours.iloc[0]
    assert hours["contract_hours"] == 24 and hours["min_hours"] == 32 * 3 / 5


def test_unknown_country_names_the_key(tmp_path: Path) -> None:
    """An unknown country code is reported at horizon.country."""
    toml = HOLIDAY_TOML.replace("[rules]", 'country = "XX"\n\n[rules]')
    error = load_error(write_scenario_files(tmp_path, scenario_toml=toml))
    assert error.column == "horizon.country"


def test_solver_works_the_shorter_holiday_week() -> None:
    """With two weekday holidays a 40 h person works three 8 h shifts: 1395 surplus minutes."""
    horizon = Horizon(START, days=7, holidays=((1, "a"), (2, "b")))
    scenario = make_scenario(
        horizon=horizon,
        employees=(employee("E1"),),
        demand=(),
        shifts=(shift("EARLY", "07:00", "15:30"),),
    )
    result = solve(scenario, time_limit=5, workers=1)
    assert result.status == "optimal"
    assert result.report is not None and result.report.ok
    assert len(result.assignments) == 3
    assert result.objective == result.report.costs.objective == 3 * (510 - 45)
