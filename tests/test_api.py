"""The notebook API: Scenario.load/from_frames/save/with_changes, Result KPIs, plots, compare."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import tomllib
from datetime import date, time
from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest
from conftest import START, at, employee, make_scenario, shift

import scheduler
from scheduler import Scenario, compare, solve
from scheduler.data import (
    Anchor,
    AvailabilityKind,
    AvailabilitySpan,
    BackOffice,
    BreakRule,
    Cover,
    DemandSpan,
    Employee,
    Horizon,
    Office,
    RuleOverride,
    Rules,
    ShiftDemand,
    ShiftRequest,
    ShiftTemplate,
    Weights,
)
from scheduler.errors import InputError
from scheduler.export.kpis import KPI_NAMES
from scheduler.export.outputs import summary
from scheduler.io.scenario_writer import scenario_tables
from scheduler.solve import Result

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def solved(scenario: Scenario, time_limit: float = 5.0) -> Result:
    """Solve a small scenario (one worker, seed 0) and require the verifier's approval."""
    result = solve(scenario, time_limit=time_limit, workers=1, seed=0)
    assert result.report is not None and result.report.ok, result.report
    return result


def rich_scenario() -> Scenario:
    """make_scenario with every kind of field set away from its default."""
    base = make_scenario()
    return dataclasses.replace(
        base,
        horizon=Horizon(START, days=7, interval_minutes=15, timezone="Europe/Warsaw"),
        employees=(
            employee(
                "E1",
                min_minutes=32 * 60,
                max_minutes=44 * 60,
                max_days=5,
                skills=frozenset({"lead", "en"}),
                group="senior staff",
                preferred_shifts=frozenset({"EARLY", "late"}),
                rule_changes=(
                    ("max_consecutive_days", 4),
                    ("max_shifts", (("EARLY", 4), ("late", 2))),
                    ("max_weekends", 1),
                    ("min_total_minutes", 16 * 60 + 30),
                ),
            ),
            employee(
                "E2",
                37.5,
                office=Office.BACK,
                remote_ok=True,
                team="fin",
                remote_days=frozenset({0, 2}),
            ),
            employee("E3", office=Office.BOTH, prefers=Office.BACK, skills=frozenset({"lead"})),
        ),
        shifts=(
            base.shifts[0],
            dataclasses.replace(base.shifts[1], not_followed_by=frozenset({"EARLY", "SAT"})),
            dataclasses.replace(base.shifts[2], tags=frozenset({"late", "night"})),
            shift("SAT", "08:00", "14:00", frozenset({5})),
        ),
        rule_overrides=(
            RuleOverride("front", (("max_on_break", Fraction(1, 4)),), Office.FRONT),
            RuleOverride(
                "senior staff",
                (
                    ("max_days", 4),
                    ("forbidden_shifts", frozenset({"night"})),
                    ("min_days_off", 2),
                    ("max_total_minutes", 30 * 60),
                    ("max_shifts", (("LATE", 1),)),
                ),
            ),
        ),
        shift_demand=(
            ShiftDemand(0, "EARLY", 2, 500, 3),
            ShiftDemand(5, "SAT", 1, skill="lead"),
        ),
        shift_requests=(
            ShiftRequest("E1", 2, "EARLY", AvailabilityKind.PREFER, 2),
            ShiftRequest("E3", 3, "LATE", AvailabilityKind.AVOID),
        ),
        availability=(
            AvailabilitySpan("E2", at(1, "00:00"), at(2, "00:00"), AvailabilityKind.UNAVAILABLE),
            AvailabilitySpan("E3", at(2, "08:00"), at(2, "12:00"), AvailabilityKind.PREFER, 3),
            AvailabilitySpan("E1", at(3, "22:00"), at(4, "02:00"), AvailabilityKind.AVOID),
        ),
        rules=Rules(
            min_rest_minutes=630,
            max_consecutive_days=5,
            max_on_break=Fraction(1, 3),
            max_days=6,
            forbidden_shifts=frozenset({"SAT"}),
            min_consecutive_days=2,
            max_weekends=2,
            max_shifts=(("NIGHT", 3),),
            max_total_minutes=50 * 60,
        ),
        weights=Weights(
            shortfall=2000,
            contract=5,
            preference=300,
            surplus=2,
            fairness=3,
            skill=(("lead", 3000),),
        ),
        back_office=BackOffice(
            core_start=10 * 60,
            core_end=15 * 60,
            min_onsite_days=1,
            max_remote_days=3,
            desks=2,
            anchors=(Anchor("fin", 1),),
            covers=(Cover("lead", frozenset({0, 1}), 1),),
            weekdays=frozenset(range(6)),
        ),
    )


def one_day() -> Scenario:
    """Two people, one 8-hour shift, one day, one person required 09:00-17:00.

    A 56 h contract targets 8 h on a 1-day horizon. Both working costs the surplus of 480
    person-minutes (480); one alone leaves the other 480 minutes short of contract (10 x 480 =
    4800); nobody costs 480,000 of shortfall. The optimum is 480 with both at work.
    """
    return Scenario(
        horizon=Horizon(START, days=1),
        employees=(employee("E1", 56), employee("E2", 56)),
        shifts=(shift("DAY", "09:00", "17:00"),),
        demand=(DemandSpan(at(0, "09:00"), at(0, "17:00"), 1),),
        name="one day",
    )


# --------------------------------------------------------------------------- the package


def test_import_scheduler_loads_no_heavy_library() -> None:
    """`import scheduler` leaves pandas, OR-Tools, Dask and matplotlib unloaded."""
    code = (
        "import sys, scheduler; "
        "print([m for m in ('pandas', 'ortools', 'distributed', 'matplotlib') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_package_exports_the_notebook_api() -> None:
    """Scenario, solve, compare and sweep come from the package; solve stays a module too."""
    import scheduler.solve as solve_module
    from scheduler import sweep
    from scheduler.batch import sweep as batch_sweep
    from scheduler.export.kpis import compare as kpis_compare

    assert scheduler.Scenario is Scenario
    assert scheduler.compare is compare is kpis_compare
    assert sweep is batch_sweep
    assert solve is solve_module and callable(solve)
    assert solve_module.Result is Result
    with pytest.raises(AttributeError):
        _ = scheduler.no_such_thing


# --------------------------------------------------------------------------- load and save


def test_load_save_round_trip_of_the_sample(tmp_path: Path) -> None:
    """The sample folder saved and loaded again is the same scenario."""
    original = Scenario.load(SAMPLE)
    written = original.save(tmp_path / "copy")
    assert sorted(p.name for p in written) == sorted(
        ["staff.csv", "shifts.csv", "demand.csv", "availability.csv", "scenario.toml"]
    )
    assert Scenario.load(tmp_path / "copy") == original


def test_save_round_trip_of_every_field(tmp_path: Path) -> None:
    """A scenario with every field off its default reads back equal, and nothing else is left."""
    original = rich_scenario()
    original.save(tmp_path)
    assert Scenario.load(tmp_path) == original
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "availability.csv",
        "demand.csv",
        "scenario.toml",
        "shifts.csv",
        "staff.csv",
    ]


def test_save_round_trip_keeps_public_holidays(tmp_path: Path) -> None:
    """A horizon with holidays from [horizon] country is saved with the country, not lost."""
    make_scenario(horizon=Horizon(date(2026, 12, 21))).save(tmp_path / "a")
    toml = tmp_path / "a" / "scenario.toml"
    toml.write_text(toml.read_text().replace("[horizon]\n", '[horizon]\ncountry = "PL"\n'))
    with_holidays = Scenario.load(tmp_path / "a")
    assert [day for day, _ in with_holidays.horizon.holidays] == [3, 4, 5]
    with_holidays.save(tmp_path / "b")
    assert Scenario.load(tmp_path / "b") == with_holidays
    bare = dataclasses.replace(with_holidays.horizon, country=None)
    with pytest.raises(ValueError, match="holidays without"):
        dataclasses.replace(with_holidays, horizon=bare).save(tmp_path / "c")


def test_save_overwrites_an_older_availability(tmp_path: Path) -> None:
    """Saving a scenario without availability over one with it reads back without it."""
    rich_scenario().save(tmp_path)
    plain = dataclasses.replace(rich_scenario(), availability=())
    plain.save(tmp_path)
    assert Scenario.load(tmp_path).availability == ()


def test_save_refuses_hours_no_decimal_can_hold(tmp_path: Path) -> None:
    """A contract of 40 h 20 min is not written as a rounded number of hours."""
    odd = make_scenario(employees=(employee("E1", contract_minutes=40 * 60 + 20),))
    with pytest.raises(ValueError, match="E1"):
        odd.save(tmp_path)


def test_writer_knows_every_field() -> None:
    """Fail when the data model grows a field that save() and with_changes() do not write."""
    # If this fails, teach scheduler/io/scenario_writer.py the new field, then update here.
    known = {
        Rules: {
            "min_rest_minutes", "weekly_rest_minutes", "max_consecutive_days", "max_on_break",
            "max_days", "forbidden_shifts", "min_consecutive_days", "min_days_off",
            "max_weekends", "max_shifts", "min_total_minutes", "max_total_minutes",
        },
        Weights: {"shortfall", "contract", "preference", "surplus", "fairness", "skill"},
        RuleOverride: {"scope", "changes", "office"},
        BreakRule: {"name", "minutes", "earliest", "latest", "min_shift_minutes", "paid"},
        Horizon: {
            "start", "days", "interval_minutes", "timezone", "holidays", "country", "subdivision",
        },
        BackOffice: {
            "flex_start", "flex_end", "core_start", "core_end", "daily_minutes",
            "min_onsite_days", "max_remote_days", "desks", "anchors", "covers", "weekdays",
        },
        Employee: {
            "employee_id", "name", "office", "skills", "contract_minutes", "min_minutes",
            "max_minutes", "max_days", "remote_ok", "team", "remote_days", "prefers", "group",
            "preferred_shifts", "rule_changes",
        },
        ShiftTemplate: {"shift_id", "start", "end", "weekdays", "tags", "not_followed_by"},
        Scenario: {
            "horizon", "employees", "shifts", "demand", "breaks", "availability", "rules",
            "weights", "back_office", "name", "rule_overrides", "shift_demand", "shift_requests",
        },
    }  # fmt: skip
    for kind, names in known.items():
        assert {f.name for f in dataclasses.fields(kind)} == names, kind.__name__


# --------------------------------------------------------------------------- from_frames


def test_from_frames_equals_load() -> None:
    """The sample's CSV files read by pandas (numbers, NaN, booleans) give the loaded scenario."""
    frames = {name: pd.read_csv(SAMPLE / f"{name}.csv") for name in ("staff", "shifts", "demand")}
    policy = tomllib.loads((SAMPLE / "scenario.toml").read_text(encoding="utf-8"))
    built = Scenario.from_frames(
        **frames, availability=pd.read_csv(SAMPLE / "availability.csv"), policy=policy
    )
    assert built == Scenario.load(SAMPLE)


def test_from_frames_takes_python_values() -> None:
    """Lists of skills, times, Timestamps, ints and a TOML path stand for the CSV text."""
    expected = Scenario.load(SAMPLE)
    tables = scenario_tables(expected)
    staff = tables["staff"].copy()
    staff["skills"] = staff["skills"].map(lambda text: text.split(";") if text else [])
    staff["contract_hours"] = staff["contract_hours"].astype(float)
    staff["remote_ok"] = staff["remote_ok"] == "true"
    demand = tables["demand"].copy()
    demand["date"] = pd.to_datetime(demand["date"])
    demand["required"] = demand["required"].astype(int)
    for column in ("start", "end"):
        demand[column] = demand[column].map(lambda text: time.fromisoformat(text))
    availability = tables["availability"].copy()
    availability["date"] = availability["date"].map(date.fromisoformat)
    built = Scenario.from_frames(
        staff=staff,
        shifts=tables["shifts"],
        demand=demand,
        availability=availability,
        policy=SAMPLE / "scenario.toml",
    )
    assert built == expected


def test_from_frames_error_names_frame_row_and_column() -> None:
    """A bad cell is reported by frame name, position (frame.iloc[row]) and column."""
    tables = scenario_tables(make_scenario())
    staff = tables["staff"].copy()
    staff.loc[1, "contract_hours"] = "forty"
    policy = {"horizon": {"start": "2026-12-07"}}
    with pytest.raises(InputError) as caught:
        Scenario.from_frames(
            staff=staff, shifts=tables["shifts"], demand=tables["demand"], policy=policy
        )
    error = caught.value
    assert (error.file, error.row, error.column) == ("staff", 1, "contract_hours")
    assert str(error).startswith("staff, row 1, column contract_hours: expected a number")


def test_from_frames_missing_column_and_bad_policy() -> None:
    """A missing column names the frame without a row; a bad policy key names `policy`."""
    tables = scenario_tables(make_scenario())
    good = {"staff": tables["staff"], "shifts": tables["shifts"], "demand": tables["demand"]}
    policy = {"horizon": {"start": "2026-12-07"}}
    with pytest.raises(InputError, match=r"^shifts, column end: missing required column"):
        Scenario.from_frames(
            **{**good, "shifts": tables["shifts"].drop(columns="end")}, policy=policy
        )
    with pytest.raises(InputError, match=r"^policy, column rules.max_on_break"):
        Scenario.from_frames(**good, policy={**policy, "rules": {"max_on_break": 1.5}})


# --------------------------------------------------------------------------- with_changes


def test_with_changes_leaves_the_original_alone() -> None:
    """Every kind of change makes a new scenario and the loaded one stays equal to a fresh load."""
    original = Scenario.load(SAMPLE)
    changed = original.with_changes(
        demand_scale=1.1,
        absent={"E07": ["2026-12-10", ("2026-12-12", "2026-12-20")]},
        rules={"max_on_break": 0.2, "min_rest_hours": 12},
        weights={"surplus": 5},
        breaks={"lunch": {"latest": 240}, "break2": None},
        back_office={"desks": 6},
        name="busier",
    )
    assert original == Scenario.load(SAMPLE)
    assert changed.name == "busier"
    assert changed.rules.max_on_break == Fraction(1, 5)
    assert changed.rules.min_rest_minutes == 12 * 60
    assert changed.weights.surplus == 5 and changed.weights.shortfall == 1000
    assert [b.name for b in changed.breaks] == ["break1", "lunch"]
    assert changed.breaks[1].latest == 240
    assert changed.back_office.desks == 6
    assert changed.back_office.anchors == original.back_office.anchors
    added = changed.availability[len(original.availability) :]
    assert [(a.employee_id, a.start // 1440, a.kind) for a in added] == [
        ("E07", 3, AvailabilityKind.UNAVAILABLE),
        ("E07", 5, AvailabilityKind.UNAVAILABLE),
        ("E07", 6, AvailabilityKind.UNAVAILABLE),
    ]
    assert all(a.end - a.start == 1440 for a in added)
    assert changed.employees == original.employees and changed.shifts == original.shifts


def test_demand_scale_rounds_up_per_span() -> None:
    """1.1 makes 1 person 2 and 10 people 11 (no float error); 0.5 of 3 is 2; 0 stays 0."""
    spans = tuple(DemandSpan(at(0, "09:00"), at(0, "10:00"), n) for n in (0, 1, 3, 10))
    scenario = make_scenario(demand=spans)
    assert [d.required for d in scenario.with_changes(demand_scale=1.1).demand] == [0, 2, 4, 11]
    assert [d.required for d in scenario.with_changes(demand_scale=0.5).demand] == [0, 1, 2, 5]
    assert [d.required for d in scenario.demand] == [0, 1, 3, 10]
    with pytest.raises(InputError, match="demand_scale"):
        scenario.with_changes(demand_scale=-1)


def test_absent_rejects_unknown_people_and_days_outside() -> None:
    """An unknown id or an entry with no day in the horizon is an error naming it."""
    scenario = make_scenario()
    with pytest.raises(InputError, match=r"absent\['E9'\]: unknown employee 'E9'"):
        scenario.with_changes(absent={"E9": "2026-12-08"})
    with pytest.raises(InputError, match="lies outside the horizon"):
        scenario.with_changes(absent={"E1": "2026-11-08"})
    with pytest.raises(InputError, match="expected a date"):
        scenario.with_changes(absent={"E1": "8 Dec"})
    ranged = scenario.with_changes(absent={"E1": "2026-12-01..2026-12-08"})
    assert [a.start // 1440 for a in ranged.availability] == [0, 1]


def test_policy_changes_are_checked_like_the_file() -> None:
    """A value scenario.toml would refuse is refused; None removes a key; unknown breaks fail."""
    scenario = make_scenario(rules=Rules(max_on_break=Fraction(1, 2)))
    with pytest.raises(InputError, match=r"rules.max_on_break: expected a share"):
        scenario.with_changes(rules={"max_on_break": 2})
    with pytest.raises(InputError, match="unknown key 'max_breaks'"):
        scenario.with_changes(rules={"max_breaks": 2})
    with pytest.raises(InputError, match="unknown break 'tea'"):
        scenario.with_changes(breaks={"tea": {"minutes": 15}})
    assert scenario.with_changes(rules={"max_on_break": None}).rules.max_on_break is None
    grouped = rich_scenario()
    stricter = grouped.with_changes(rules={"max_days": 5})
    assert stricter.rules.max_days == 5
    assert stricter.rule_overrides == grouped.rule_overrides
    with pytest.raises(InputError, match=r"rules.group.nobody: expected a group named"):
        grouped.with_changes(rules={"group": {"nobody": {"max_days": 3}}})


def test_exact_optimum_moves_as_the_changes_say() -> None:
    """On a hand-checked day the optimum is 480, then 0, 4800 and 4800 after each change."""
    base = one_day()
    cases = {
        "base": (base, 480, 2),
        # Two people required: both work, nothing is short or over.
        "doubled": (base.with_changes(demand_scale=2), 0, 2),
        # E2 is away: E1 works and E2 misses 480 minutes of contract.
        "E2 away": (base.with_changes(absent={"E2": date(2026, 12, 7)}), 4800, 1),
        # Surplus at 20 a minute (9600 for both) costs more than one contract gap (4800).
        "dear surplus": (base.with_changes(weights={"surplus": 20}), 4800, 1),
    }
    for name, (scenario, objective, people) in cases.items():
        result = solved(scenario)
        assert (result.status, result.objective, result.kpis["people"]) == (
            "optimal",
            objective,
            people,
        ), name
        assert result.report is not None and result.report.costs.objective == objective
    away = [a.employee_id for a in solved(cases["E2 away"][0]).assignments]
    assert away == ["E1"]


# --------------------------------------------------------------------------- Result


def test_kpis_are_the_summary_figures() -> None:
    """kpis carries the summary's numbers, the roster counts and the verifier's verdict."""
    result = solved(make_scenario(), time_limit=3)
    kpis = result.kpis
    data = summary(result)
    assert list(kpis.index) == list(KPI_NAMES) and kpis.name == "tiny"
    assert kpis["status"] == result.status and kpis["objective"] == result.objective
    assert kpis["bound"] == data["best_bound"] and kpis["gap"] == result.gap
    for name in ("shortfall_hours", "surplus_hours", "contract_deviation_hours"):
        assert kpis[name] == data[name]
    assert kpis["shifts"] == len(result.assignments) > 0
    assert kpis["people"] == len({a.employee_id for a in result.assignments})
    assert kpis["verified"] is True


def test_compare_puts_results_side_by_side() -> None:
    """One column per name in order, one row per KPI, each column that result's KPIs."""
    base = solved(one_day())
    doubled = solved(one_day().with_changes(demand_scale=2))
    table = compare({"base": base, "doubled": doubled})
    assert list(table.columns) == ["base", "doubled"]
    assert list(table.index) == list(KPI_NAMES)
    assert table.loc["objective"].tolist() == [480, 0]
    assert table.loc["surplus_hours"].tolist() == [8.0, 0.0]
    with pytest.raises(ValueError, match="distinct names"):
        compare([base, base])


def test_repr_html_summarises_status_kpis_and_hours() -> None:
    """The notebook view names the status, the KPIs and each person's hours, HTML-escaped."""
    result = solved(one_day().with_changes(name="<one> day"))
    page = result._repr_html_()
    assert "&lt;one&gt; day" in page and "<one>" not in page
    assert "optimal" in page and "shortfall_hours" in page and "Hours per person" in page
    assert page.count("<td>E1</td>") == 1 and page.count("<td>E2</td>") == 1


def test_result_without_roster_still_reports(tmp_path: Path) -> None:
    """Without a roster: KPIs without figures, the conflicts in HTML, a one-sheet workbook."""
    result = Result(one_day(), status="infeasible", conflicts=["E1 (Person E1): min_hours"])
    assert result.kpis["status"] == "infeasible" and result.kpis["verified"] is None
    assert result.kpis["shortfall_hours"] is None
    assert "E1 (Person E1): min_hours" in result._repr_html_()
    assert list(pd.read_excel(result.to_excel(tmp_path / "r.xlsx"), sheet_name=None)) == ["kpis"]
    with pytest.raises(ValueError, match="no coverage to plot: status infeasible"):
        result.plot_coverage()


def test_plot_coverage_draws_each_demand_line() -> None:
    """One panel for everyone and one per skill; a day limits the x-range to that day."""
    result = solved(make_scenario(), time_limit=3)
    figure = result.plot_coverage()
    assert [ax.get_title(loc="left") for ax in figure.axes] == ["everyone", "lead"]
    day = result.plot_coverage(day="2026-12-08")
    starts = pd.to_datetime(day.axes[0].lines[0].get_xdata())
    # 96 quarter-hours and a closing point at midnight.
    assert len(starts) == 97 and starts[0] == pd.Timestamp("2026-12-08 00:00")
    assert starts[-1] == pd.Timestamp("2026-12-09 00:00")
    assert "Tuesday 2026-12-08" in day.texts[0].get_text()
    with pytest.raises(ValueError, match="outside the horizon"):
        result.plot_coverage(day=9)


def test_to_excel_writes_the_export_workbook(tmp_path: Path) -> None:
    """The workbook of `scheduler export --format xlsx`: roster grid, coverage, summary, days."""
    result = solved(make_scenario(), time_limit=3)
    path = result.to_excel(tmp_path / "out" / "roster.xlsx")
    sheets = pd.read_excel(path, sheet_name=None, header=None)
    days = [f"{day:%a} {day.isoformat()}" for day in pd.date_range("2026-12-07", periods=7).date]
    assert list(sheets) == ["Roster", "Coverage", "Summary", *days]
    grid = sheets["Roster"].astype(str).to_numpy()
    for person in {a.employee_id for a in result.assignments}:
        assert person in grid
    assert [p.name for p in path.parent.iterdir()] == ["roster.xlsx"]


def test_result_repr_is_one_readable_line() -> None:
    """repr(result) is a one-line summary, not the whole scenario and its tables."""
    from conftest import make_scenario

    result = solve(make_scenario(), time_limit=5, workers=1)
    assert result.report is not None and result.report.ok
    text = repr(result)
    assert "\n" not in text and len(text) < 300
    assert text.startswith("Result('tiny', status='optimal', objective=")
    assert "violations=0" in text
