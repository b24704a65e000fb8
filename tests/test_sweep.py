"""Sweeps on Dask distributed (scheduler.batch) and the `scheduler sweep` command."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import make_scenario

from scheduler import solve, sweep
from scheduler.batch import Case, grid, local_sizes, read_grid
from scheduler.cli import main
from scheduler.data import BreakRule, Scenario
from scheduler.errors import InputError
from scheduler.export.kpis import KPI_NAMES

GRID = """\
base = "tiny"

[axes]
demand_scale = [1.0, 2.0]
absent = [{}, { E9 = [2026-12-08] }]
"""


def unsolvable() -> Scenario:
    """A scenario whose solve raises: no shift can hold its 10-hour break."""
    return dataclasses.replace(
        make_scenario(), name="unsolvable", breaks=(BreakRule("huge", 600, 0, 0),)
    )


def test_grid_is_the_cartesian_product_of_the_axes() -> None:
    """Four cases, first axis slowest, each the base with its changes; a rejected one errs."""
    base = make_scenario()
    cases = grid(base, {"demand_scale": [1, 2], "absent": [{}, {"E9": "2026-12-08"}]})
    assert [c.params for c in cases] == [
        {"demand_scale": 1, "absent": {}},
        {"demand_scale": 1, "absent": {"E9": "2026-12-08"}},
        {"demand_scale": 2, "absent": {}},
        {"demand_scale": 2, "absent": {"E9": "2026-12-08"}},
    ]
    assert cases[0].scenario is not None and cases[0].scenario.demand == base.demand
    assert cases[2].scenario is not None
    assert [d.required for d in cases[2].scenario.demand[:2]] == [2, 2]
    assert cases[2].name == "demand_scale=2, absent={}" == cases[2].scenario.name
    assert cases[1].scenario is None and cases[1].error is not None
    assert "unknown employee 'E9'" in cases[1].error


def test_grid_axes_reach_rules_weights_and_breaks() -> None:
    """Dotted axes change a rule, a weight and one break's key."""
    axes = {"rules.max_on_break": [0.5], "weights.surplus": [3], "breaks.lunch.latest": [240]}
    (case,) = grid(make_scenario(), axes)
    assert case.scenario is not None
    assert float(case.scenario.rules.max_on_break or 0) == 0.5
    assert case.scenario.weights.surplus == 3
    assert [b.latest for b in case.scenario.breaks] == [150, 240]


def test_grid_rejects_unknown_axes_and_empty_values() -> None:
    """An axis of no known form, or without values, is bad input naming it."""
    with pytest.raises(InputError, match=r"axes.staff: unknown axis 'staff'"):
        grid(make_scenario(), {"staff": [1]})
    with pytest.raises(InputError, match=r"axes.rules: unknown axis"):
        grid(make_scenario(), {"rules": [1]})
    with pytest.raises(InputError, match=r"axes.demand_scale: expected a non-empty array"):
        grid(make_scenario(), {"demand_scale": []})


def test_local_sizes_never_oversubscribe_the_cores() -> None:
    """Processes x threads stays within the cores unless both are forced."""
    assert local_sizes(8, None, None, 100) == (8, 1)
    assert local_sizes(8, None, 2, 100) == (4, 2)
    assert local_sizes(8, 2, None, 100) == (2, 4)
    assert local_sizes(8, None, None, 3) == (3, 2)
    assert local_sizes(2, None, 4, 100) == (1, 4)
    assert local_sizes(1, None, None, 5) == (1, 1)


def test_read_grid_flattens_dotted_keys(tmp_path: Path) -> None:
    """base is relative to the file; `rules.max_on_break = [...]` becomes one axis."""
    make_scenario().save(tmp_path / "tiny")
    path = tmp_path / "grid.toml"
    path.write_text(GRID + 'rules.max_on_break = [0.5, 1.0]\n"weights".surplus = [2]\n')
    loaded = read_grid(path)
    assert loaded.base == Scenario.load(tmp_path / "tiny")
    assert list(loaded.axes) == ["demand_scale", "absent", "rules.max_on_break", "weights.surplus"]
    assert len(loaded.cases()) == 8


def test_read_grid_errors_name_the_file_and_key(tmp_path: Path) -> None:
    """A missing base, an unknown key, a bad base folder or too deep TOML is an InputError."""
    # Too deep means TOML nested too deeply for the parser.
    path = tmp_path / "grid.toml"
    path.write_text("[axes]\ndemand_scale = [1.0]\n")
    with pytest.raises(InputError, match=r"^grid.toml, column base: expected the base"):
        read_grid(path)
    path.write_text('base = "x"\ntime = 3\n')
    with pytest.raises(InputError, match=r"^grid.toml, column time: unknown key"):
        read_grid(path)
    path.write_text('base = "missing"\n')
    with pytest.raises(InputError, match="expected a scenario folder"):
        read_grid(path)
    path.write_text("base = " + "[" * 5000 + "]" * 5000)
    with pytest.raises(InputError, match=r"^grid.toml: expected valid TOML: .* nested too deeply"):
        read_grid(path)


def test_sweep_on_a_local_cluster_keeps_failures_as_rows() -> None:
    """Two workers solve the good cases; the unbuildable and the raising ones are error rows."""
    cases = grid(
        make_scenario(), {"demand_scale": [1.0, 2.0], "absent": [{}, {"E9": "2026-12-08"}]}
    )
    rows = sweep([*cases, unsolvable()], time_limit=3, n_workers=2, progress=False)
    assert list(rows["scenario"]) == [c.name for c in cases] + ["unsolvable"]
    assert list(rows.columns) == ["scenario", "demand_scale", "absent", *KPI_NAMES, "error"]
    good = rows[rows["error"].isna()]
    assert len(good) == 2 and set(good["verified"]) == {True}
    assert set(good["status"]) <= {"optimal", "feasible"}
    bad = rows[rows["error"].notna()]
    assert list(bad["status"]) == ["error"] * 3
    assert "unknown employee 'E9'" in bad["error"].iloc[0]
    assert (
        bad["error"].iloc[-1].startswith("InputError: ")
        and "cannot hold break" in bad["error"].iloc[-1]
    )
    # Same seed, one thread, proven optimum: the sweep finds what a direct solve finds.
    direct = solve(make_scenario(), time_limit=5, workers=1, seed=0)
    assert direct.report is not None and direct.report.ok
    if direct.status == "optimal" and good["status"].iloc[0] == "optimal":
        assert good["objective"].iloc[0] == direct.objective


def test_sweep_uses_a_running_cluster_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """SCHEDULER_ADDRESS points the sweep at a running scheduler, which stays up afterwards."""
    from distributed import Client, LocalCluster

    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    ) as cluster:
        monkeypatch.setenv("SCHEDULER_ADDRESS", cluster.scheduler_address)
        rows = sweep({"a": make_scenario(), "b": unsolvable()}, time_limit=3, progress=False)
        assert list(rows["scenario"]) == ["a", "b"]
        assert rows["verified"].tolist() == [True, None]
        assert rows["status"].iloc[1] == "error"
        with Client(cluster) as client:
            assert len(client.scheduler_info(n_workers=-1)["workers"]) == 2


def test_cli_sweep_writes_every_row_and_exits_1_on_failures(tmp_path: Path) -> None:
    """`scheduler sweep` writes all rows to --out, lists failures and exits 1."""
    make_scenario().save(tmp_path / "tiny")
    grid_path = tmp_path / "grid.toml"
    grid_path.write_text(GRID)
    out = tmp_path / "results" / "sweep.csv"
    result = CliRunner().invoke(
        main,
        ["sweep", str(grid_path), "--out", str(out), "--time-limit", "3", "--dask-workers", "2"],
    )
    assert result.exit_code == 1, result.output
    rows = pd.read_csv(out)
    assert len(rows) == 4 and rows["error"].notna().sum() == 2
    assert set(rows.loc[rows["error"].isna(), "verified"]) == {True}
    assert "4 scenarios" in result.output and "unknown employee 'E9'" in result.output
    assert [p.name for p in out.parent.iterdir()] == ["sweep.csv"]


def test_cli_sweep_bad_grid_is_one_line_exit_2(tmp_path: Path) -> None:
    """An unknown axis is reported in one line naming the grid file, exit code 2."""
    make_scenario().save(tmp_path / "tiny")
    grid_path = tmp_path / "grid.toml"
    grid_path.write_text('base = "tiny"\n[axes]\nstaff = [1]\n')
    out = tmp_path / "sweep.csv"
    result = CliRunner().invoke(main, ["sweep", str(grid_path), "--out", str(out)])
    assert result.exit_code == 2
    assert result.output.strip().startswith("error: grid.toml, column axes.staff: unknown axis")
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists()


def test_case_without_scenario_is_not_sent_to_dask() -> None:
    """A sweep of only failed cases returns their rows without starting a cluster."""
    rows = sweep([Case("broken", {"demand_scale": "x"}, error="bad")], progress=False)
    assert rows.to_dict("records")[0]["error"] == "bad"
    assert rows["status"].tolist() == ["error"]


def test_cli_sweep_of_the_base_alone_exits_0_with_guarded_text(tmp_path: Path) -> None:
    """No axes: one row, the base; a name a spreadsheet would run is written guarded."""
    make_scenario(name="=HYPERLINK(1)").save(tmp_path / "tiny")
    grid_path = tmp_path / "grid.toml"
    grid_path.write_text('base = "tiny"\n')
    out = tmp_path / "sweep.csv"
    args = ["sweep", str(grid_path), "--out", str(out), "--time-limit", "3", "--quiet"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    rows = pd.read_csv(out, keep_default_na=False)
    assert rows["scenario"].tolist() == ["'=HYPERLINK(1)"]
    assert rows["verified"].tolist() == [True] and rows["error"].tolist() == [""]
