"""Coverage plots: one PNG for the whole horizon and one per day, valid and non-trivial."""

from __future__ import annotations

import struct
from datetime import timedelta
from pathlib import Path

import matplotlib.image
import pandas as pd
import pytest
from conftest import make_scenario

from scheduler.export.folder import Output, read_output
from scheduler.export.outputs import write_result
from scheduler.export.png import DAY_FILE, WEEK_FILE, write_png
from scheduler.solve import solve

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (asserting the file is a PNG)."""
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, f"{path.name} is not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A verified solve of the tiny scenario (name with a `$`) written to a folder."""
    result = solve(make_scenario(name="tiny $ week"), time_limit=5, workers=1, seed=0)
    assert result.report is not None and result.report.ok
    out = tmp_path_factory.mktemp("out")
    write_result(result, out)
    return out


def test_write_png_writes_the_week_and_each_day(folder: Path) -> None:
    """coverage.png and coverage-<date>.png for the 7 days, each a sizeable, valid PNG."""
    paths = write_png(read_output(folder), folder)
    days = pd.date_range("2026-12-07", periods=7).date
    expected = [folder / WEEK_FILE] + [folder / DAY_FILE.format(date=d.isoformat()) for d in days]
    assert paths == expected
    for path in paths:
        assert path.stat().st_size > 10_000, path.name
        width, height = png_size(path)
        assert width >= 800 and height >= 300, (path.name, width, height)
    week_width, _ = png_size(folder / WEEK_FILE)
    day_width, _ = png_size(paths[1])
    assert week_width > day_width
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]


def red_pixels(path: Path) -> int:
    """Pixels in the light red of the shortfall shading."""
    image = matplotlib.image.imread(path)
    red, green, blue = image[..., 0], image[..., 1], image[..., 2]
    return int(((red > 0.85) & (red - green > 0.15) & (red - blue > 0.15)).sum())


def test_shortfall_is_shaded_red(tmp_path: Path) -> None:
    """A day one person short all day is covered in red; the same day fully staffed is not."""
    starts = pd.date_range("2026-12-07", periods=96, freq="15min")

    def output(on_floor: int) -> Output:
        coverage = pd.DataFrame(
            {
                "start": starts,
                "end": starts + timedelta(minutes=15),
                "skill": "",
                "required": 2,
                "on_floor": on_floor,
            }
        )
        return Output(tmp_path, pd.DataFrame(), coverage, {"scenario": "s"})

    (short_dir := tmp_path / "short").mkdir()
    (full_dir := tmp_path / "full").mkdir()
    short = write_png(output(1), short_dir)
    full = write_png(output(2), full_dir)
    assert (
        [p.name for p in short] == [p.name for p in full] == [WEEK_FILE, "coverage-2026-12-07.png"]
    )
    # The legend's red patch is all a fully staffed day shows.
    assert red_pixels(full[1]) < 500
    assert red_pixels(short[1]) > 50_000


def test_no_coverage_writes_nothing(tmp_path: Path) -> None:
    """A folder without coverage rows gives no plots and no error."""
    coverage = pd.DataFrame(columns=["start", "end", "required", "on_floor"])
    assert write_png(Output(tmp_path, pd.DataFrame(), coverage, {}), tmp_path) == []
    assert list(tmp_path.iterdir()) == []
