"""Tests of the model-size estimate and the up-front refusal of oversized scenarios."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, employee, load_script, make_scenario

from scheduler.cli import main
from scheduler.data import Horizon, Office, Scenario, Weights
from scheduler.errors import InputError
from scheduler.io.scenario import read_scenario
from scheduler.model.roster import RosterModel
from scheduler.model.size import MAX_VARIABLES, check_model_size, estimate_model_size

SAMPLE = ROOT / "data" / "sample"


def many(scenario: Scenario, num_people: int, days: int, interval: int) -> Scenario:
    """The scenario with ``num_people`` copies of a 40-hour person over a longer horizon."""
    people = tuple(employee(f"E{i}") for i in range(num_people))
    horizon = Horizon(scenario.horizon.start, days=days, interval_minutes=interval)
    return dataclasses.replace(scenario, employees=people, horizon=horizon)


@pytest.fixture(scope="module")
def contact_centre(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    """A generated contact centre of 24 people, 40 % back office, over 14 days."""
    folder = tmp_path_factory.mktemp("centre")
    load_script("generate").write_contact_centre(
        folder, 15, days=14, back_share=0.4, cross_share=0.1
    )
    return read_scenario(folder)


@pytest.mark.parametrize("formulation", ["aggregated", "individual"])
@pytest.mark.parametrize("which", ["tiny", "sample", "centre"])
def test_estimate_bounds_the_built_model(
    contact_centre: Scenario, which: str, formulation: str
) -> None:
    """The estimate is at least the variables of the built models, and close to the exact one."""
    scenario = {
        "tiny": make_scenario(),
        "sample": read_scenario(SAMPLE),
        "centre": contact_centre,
    }[which]
    estimate = estimate_model_size(scenario, formulation).variables
    for relax in (False, True):
        built = RosterModel(scenario, formulation, relax_break_cap=relax)  # type: ignore[arg-type]
        actual = len(built.model.proto.variables)
        assert actual <= estimate <= 1.25 * actual or relax


def test_size_grows_with_people_days_and_intervals() -> None:
    """Doubling people or days doubles the assignments; halving the interval adds variables."""
    base = many(make_scenario(), 10, 7, 15)
    size = estimate_model_size(base)
    assert estimate_model_size(many(base, 20, 7, 15)).assignments == 2 * size.assignments
    assert estimate_model_size(many(base, 10, 14, 15)).assignments == 2 * size.assignments
    assert estimate_model_size(many(base, 10, 14, 15)).rest > 1.8 * size.rest
    assert estimate_model_size(many(base, 10, 7, 5)).variables > size.variables


def test_weekly_rest_off_adds_no_gaps() -> None:
    """With weekly_rest_hours = 0 (the Curtois reading) no rest gap is counted or built."""
    base = many(make_scenario(), 10, 14, 60)
    off = dataclasses.replace(base, rules=dataclasses.replace(base.rules, weekly_rest_minutes=0))
    assert estimate_model_size(base).rest > 0
    assert estimate_model_size(off).rest == 0
    fewer = len(RosterModel(off).model.proto.variables)
    assert fewer < len(RosterModel(base).model.proto.variables)
    assert abs(estimate_model_size(off).variables - fewer) <= 0.05 * fewer


def test_ten_thousand_people_over_eight_weeks_at_five_minutes_is_refused() -> None:
    """10 000 people x 56 days at 5-minute intervals: refused with its size and suggestions."""
    scenario = many(make_scenario(), 10_000, 56, 5)
    with pytest.raises(InputError) as caught:
        check_model_size(scenario)
    error = caught.value
    assert (error.file, error.column) == ("scenario.toml", "horizon")
    assert "10,000 people" in error.message
    assert f"above the limit of {MAX_VARIABLES:,}" in error.message
    assert "shorter horizon" in error.message and "coarser intervals" in error.message
    assert "by team" in error.message
    assert estimate_model_size(scenario).variables > MAX_VARIABLES


def test_individual_formulation_suggests_the_aggregated_one() -> None:
    """A scenario too large only for per-person breaks names the aggregated formulation."""
    scenario = many(make_scenario(), 3_000, 7, 5)
    assert check_model_size(scenario).variables <= MAX_VARIABLES
    with pytest.raises(InputError) as caught:
        check_model_size(scenario, "individual")
    assert "aggregated formulation" in caught.value.message


def test_weights_that_overflow_are_refused() -> None:
    """Weights that could push the objective past 2**53 are refused, naming the weights."""
    scenario = make_scenario(weights=Weights(shortfall=10**15, contract=1, preference=1))
    with pytest.raises(InputError) as caught:
        check_model_size(scenario)
    assert (caught.value.file, caught.value.column) == ("scenario.toml", "weights")


def test_back_office_people_count(contact_centre: Scenario) -> None:
    """People in the back office add flex-day assignments, not shift options."""
    front_only = dataclasses.replace(
        contact_centre,
        employees=tuple(e for e in contact_centre.employees if e.office == Office.FRONT),
    )
    assert (
        estimate_model_size(contact_centre).assignments
        > estimate_model_size(front_only).assignments
    )


def oversized_folder(tmp_path: Path) -> Path:
    """The sample scenario with 10 000 people over 56 days at 5-minute intervals."""
    folder = Path(shutil.copytree(SAMPLE, tmp_path / "huge"))
    toml = (folder / "scenario.toml").read_text(encoding="utf-8").split("[back_office]")[0]
    toml = toml.replace("days = 7", "days = 56").replace(
        "interval_minutes = 15", "interval_minutes = 5"
    )
    (folder / "scenario.toml").write_text(toml, encoding="utf-8")
    (folder / "availability.csv").unlink()
    rows = [f"P{i:05d},Person {i},front,,40,,,," for i in range(10_000)]
    header = "employee_id,name,office,skills,contract_hours,min_hours,max_hours,max_days"
    (folder / "staff.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return folder


def test_cli_refuses_before_building_the_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`solve` on an oversized scenario exits 2 with one line, builds no model, writes nothing."""

    def no_model(*args: object, **kwargs: object) -> None:
        raise AssertionError("the model was built")

    monkeypatch.setattr("scheduler.model.search.RosterModel", no_model)
    folder = oversized_folder(tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["solve", str(folder), "--out", str(out), "--quiet"])
    assert result.exit_code == 2, result.output
    # Warnings first (the generated staff hold no 'lead' for the demand), then the one error.
    lines = [line for line in result.stderr.splitlines() if not line.startswith("warning: ")]
    assert len(lines) == 1
    assert lines[0].startswith("error: scenario.toml, column horizon: the roster model would be")
    assert "a shorter horizon (days = 7 instead of 56: about " in lines[0]
    assert "coarser intervals (interval_minutes = 15 instead of 5: about " in lines[0]
    assert "splitting the staff by team into scenarios of at most about " in lines[0]
    assert not out.exists()
    checked = CliRunner().invoke(main, ["validate", str(folder)])
    assert checked.exit_code == 2 and "too large" in checked.stderr


def test_validate_prints_the_model_size() -> None:
    """`validate` ends with the estimated variables and the limit."""
    result = CliRunner().invoke(main, ["validate", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    size = estimate_model_size(read_scenario(SAMPLE)).variables
    assert result.stdout.splitlines()[-1] == (
        f"  model: about {size:,} variables (limit {MAX_VARIABLES:,})"
    )
