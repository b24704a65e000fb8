"""The HTML roster report: self-contained, escaped, and drawn by a real headless browser."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from conftest import employee, make_scenario

from scheduler.data import Office
from scheduler.export.folder import Output, read_output
from scheduler.export.html import write_html
from scheduler.export.outputs import write_result
from scheduler.solve import solve

INJECTED = '<b id="injected">Bea</b> =HYPERLINK("x")'
BROWSER_SECONDS = 120


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Output, Path]:
    """The tiny scenario with teams and a remote-capable back-office person, solved and drawn."""
    scenario = make_scenario(
        employees=(
            employee("E1", skills=frozenset({"lead"}), team="alpha"),
            employee("E2", name=INJECTED, team="beta"),
            employee("E3"),
            employee("E4", office=Office.BACK, remote_ok=True, team="alpha"),
        )
    )
    result = solve(scenario, time_limit=5, workers=1, seed=0)
    assert result.report is not None and result.report.ok
    folder = tmp_path_factory.mktemp("report")
    write_result(result, folder)
    output = read_output(folder)
    [path] = write_html(output, folder)
    return output, path


class Elements(HTMLParser):
    """Every start tag of a document as (tag, attributes)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Record the tag with its attributes."""
        self.found.append((tag, {key: value or "" for key, value in attrs}))

    def having(self, tag: str, css: str) -> list[dict[str, str]]:
        """Attributes of the ``tag`` elements whose class list holds ``css``."""
        return [a for t, a in self.found if t == tag and css in a.get("class", "").split()]


def browser() -> str | None:
    """Debian's chromium, if installed."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None


def run_browser(url: str, tmp: Path, *extra: str) -> str:
    """Run headless chromium on ``url`` with no network at all; return its standard output."""
    program = browser()
    if program is None:
        pytest.skip("no chromium on this machine (apt-get install chromium); .ci/run installs it")
    command = [
        program,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp / 'profile'}",
        # Any host name fails to resolve: the page must draw from what it carries.
        "--host-resolver-rules=MAP * ~NOTFOUND",
        *extra,
        url,
    ]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=BROWSER_SECONDS, check=False
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"chromium did not finish within {BROWSER_SECONDS} s")
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def dom(path: Path, tmp: Path, fragment: str = "") -> Elements:
    """The page's DOM after its script ran, parsed."""
    url = path.resolve().as_uri() + (f"#{fragment}" if fragment else "")
    text = run_browser(url, tmp, "--dump-dom")
    assert 'data-rendered="true"' in text, "the page's script did not finish drawing"
    parsed = Elements()
    parsed.feed(text)
    return parsed


def expected_bars(roster: pd.DataFrame) -> Counter[tuple[str, str]]:
    """Bars per (person, date): a shift's pieces between its breaks, one per back-office day."""
    bars: Counter[tuple[str, str]] = Counter()
    for row in roster[roster["activity"].isin(["shift", "flex"])].itertuples():
        breaks = roster[
            (roster["employee_id"] == row.employee_id)
            & ~roster["activity"].isin(["shift", "flex"])
            & (roster["start"] >= row.start)
            & (roster["start"] < row.end)
        ].sort_values("start")
        cursor, pieces = row.start, 0
        for b in breaks.itertuples():
            pieces += b.start > cursor
            cursor = max(cursor, b.end)
        pieces += cursor < row.end
        bars[(str(row.employee_id), str(row.date))] += pieces
    return bars


def test_page_is_self_contained(page: tuple[Output, Path]) -> None:
    """The file links, imports and fetches nothing and forbids fetching by its policy."""
    text = page[1].read_text(encoding="utf-8")
    assert not re.search(r"\b(src|href)\s*=", text, re.IGNORECASE)
    assert not re.search(r"<link\b|@import|url\(", text, re.IGNORECASE)
    assert "default-src 'none'" in text


def test_page_escapes_names(page: tuple[Output, Path]) -> None:
    """A name holding markup appears only escaped, in the tables and in the embedded data."""
    text = page[1].read_text(encoding="utf-8")
    assert '<b id="injected">' not in text
    assert "&lt;b id=&quot;injected&quot;&gt;Bea&lt;/b&gt; =HYPERLINK(&quot;x&quot;)" in text
    assert "\\u003cb id=" in text


def test_page_shows_fairness_and_tiers(page: tuple[Output, Path]) -> None:
    """The page has the per-person fairness table and each objective tier."""
    text = page[1].read_text(encoding="utf-8")
    assert "<caption>Fairness and requests per person</caption>" in text
    assert "<th>weekend days</th>" in text
    assert "Objective tier 1 shortfall" in text


def test_page_offers_team_office_and_skill_filters(page: tuple[Output, Path]) -> None:
    """The filters list the teams and skills of the staff and both offices."""
    parsed = Elements()
    parsed.feed(page[1].read_text(encoding="utf-8"))
    selects = {a["name"] for t, a in parsed.found if t == "select"}
    assert selects == {"day", "office", "team", "skill"}
    values = {a["value"] for t, a in parsed.found if t == "option"}
    assert {"alpha", "beta", "lead", "front", "back", "2026-12-07"} <= values


def test_browser_draws_rows_bars_and_charts(page: tuple[Output, Path], tmp_path: Path) -> None:
    """Chromium draws a row per person and day, each shift's pieces, and a chart per day."""
    output, path = page
    parsed = dom(path, tmp_path)
    people = sorted(p["employee_id"] for p in output.summary["staff"])
    days = [d.isoformat() for d in pd.date_range("2026-12-07", periods=7).date]
    rows = Counter(a["data-employee"] for a in parsed.having("div", "person"))
    assert rows == dict.fromkeys(people, len(days))
    drawn = Counter((a["data-employee"], a["data-date"]) for a in parsed.having("div", "bar"))
    expected = expected_bars(output.roster)
    assert sum(expected.values()) > 0
    assert drawn == expected
    assert any(a["class"].split() == ["bar", "back", "remote"] for a in parsed.having("div", "bar"))
    charts = [a["data-date"] for a in parsed.having("svg", "coverage-chart")]
    assert charts == days
    required = [a["d"] for a in parsed.having("path", "required")]
    assert len(required) == len(days)
    assert all(d.count("L") > 10 for d in required)
    assert len(parsed.having("path", "onfloor")) == len(days)
    assert len(parsed.having("path", "shortfall")) == len(days)
    assert not [a for _, a in parsed.found if a.get("id") == "injected"]


def test_browser_applies_filters_from_the_link(page: tuple[Output, Path], tmp_path: Path) -> None:
    """``#team=alpha&day=...`` draws one day with only team alpha's rows."""
    parsed = dom(page[1], tmp_path, "team=alpha&day=2026-12-08")
    assert [a["data-date"] for a in parsed.having("section", "day")] == ["2026-12-08"]
    rows = sorted(a["data-employee"] for a in parsed.having("div", "person"))
    assert rows == ["E1", "E4"]


def test_browser_screenshot(page: tuple[Output, Path], tmp_path: Path) -> None:
    """A 1400 x 900 screenshot of the page is written and is more than a blank image."""
    shot = tmp_path / "roster.png"
    run_browser(
        page[1].resolve().as_uri(), tmp_path, f"--screenshot={shot}", "--window-size=1400,900"
    )
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1400, 900)
    # A blank page compresses to a few kilobytes; bars, text and the chart do not.
    assert len(data) > 20_000
