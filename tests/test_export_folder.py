"""Reading back a solve's output folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_scenario

from scheduler.errors import InputError
from scheduler.export.folder import read_output
from scheduler.export.outputs import write_result
from scheduler.solve import solve


def test_read_output_round_trips_a_solve(tmp_path: Path) -> None:
    """The folder read back has the solve's rows, its time zone and its interval length."""
    result = solve(make_scenario(), time_limit=5, workers=1)
    assert result.report is not None and result.report.ok
    write_result(result, tmp_path)
    output = read_output(tmp_path)
    assert len(output.roster) == len(result.roster)
    assert output.roster["start"].dtype.kind == "M"
    assert len(output.coverage) == len(result.coverage)
    assert output.interval_minutes == result.scenario.horizon.interval_minutes
    assert output.summary["status"] == result.status


def test_read_output_names_the_missing_file(tmp_path: Path) -> None:
    """A folder without roster.csv is reported by file name."""
    with pytest.raises(InputError, match=r"roster\.csv: file not found"):
        read_output(tmp_path)
