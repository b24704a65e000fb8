"""Following a solve: the live line, the plain lines and the JSON-lines log."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from conftest import make_scenario
from rich.console import Console

from scheduler.errors import InputError
from scheduler.export.progress import (
    LiveProgress,
    ProgressLog,
    SolveWatch,
    finish_record,
    improvement_line,
    progress_record,
    progress_text,
)
from scheduler.solve import Progress, solve

BEST = Progress(
    seconds=12.34, objective=1_234_000, bound=1_000_000, shortfall_minutes=210, phase="exact"
)


def test_progress_text_shows_every_figure() -> None:
    """Elapsed of the limit, objective, bound, gap and shortfall hours, in that order."""
    assert progress_text(BEST, 15.0, 60) == (
        "  15.0 / 60 s  objective 1,234,000  bound 1,000,000  gap 18.96 %  shortfall 3.5 h"
    )


def test_progress_text_before_a_roster_and_without_limit() -> None:
    """Before the first roster the line says so; without a limit only the elapsed time shows."""
    assert progress_text(None, 2.5, 60) == "   2.5 / 60 s  searching for a first roster"
    assert progress_text(BEST, 2.5).startswith("   2.5 s  objective")


def test_unknown_shortfall_is_a_question_mark() -> None:
    """A Progress without a shortfall shows `?` instead of inventing one."""
    line = improvement_line(Progress(1.0, 500, 500))
    assert line == "      1.0 s  objective 500  bound 500  gap 0.00 %  shortfall ?"


def test_improvement_line_names_the_phase() -> None:
    """The plain line ends with the search phase that found the roster."""
    assert improvement_line(BEST).endswith("shortfall 3.5 h  (exact)")


def test_live_line_keeps_counting_between_improvements() -> None:
    """With no new roster the elapsed time moves on and the roster's figures stay."""
    now = [100.0]
    live = LiveProgress(Console(file=io.StringIO()), time_limit=30, clock=lambda: now[0])
    live(BEST)
    now[0] = 103.0
    first = live.text()
    now[0] = 107.5
    later = live.text()
    assert first.startswith("   3.0 / 30 s  objective 1,234,000")
    assert later.startswith("   7.5 / 30 s  objective 1,234,000")


def test_live_line_is_drawn_on_a_terminal() -> None:
    """On a (forced) terminal the last state is left on screen when the display closes."""
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120)
    with LiveProgress(console, time_limit=5) as live:
        live(BEST)
    assert "objective 1,234,000" in screen.getvalue()
    assert "shortfall 3.5 h" in screen.getvalue()


def test_watch_prints_plain_lines_off_a_terminal(tmp_path: Path) -> None:
    """Off a terminal each improvement is one plain line; the log gets it too."""
    screen = io.StringIO()
    log = tmp_path / "log.jsonl"
    with SolveWatch(log_path=log, console=Console(file=screen, force_terminal=False)) as watch:
        watch(BEST)
    assert screen.getvalue() == improvement_line(BEST) + "\n"
    assert json.loads(log.read_text(encoding="utf-8")) == progress_record(BEST)


def test_quiet_watch_prints_nothing_but_still_logs(tmp_path: Path) -> None:
    """`quiet` silences the terminal, not the log."""
    screen = io.StringIO()
    log = tmp_path / "log.jsonl"
    console = Console(file=screen, force_terminal=True)
    with SolveWatch(quiet=True, log_path=log, console=console) as watch:
        watch(BEST)
    assert screen.getvalue() == ""
    assert len(log.read_text(encoding="utf-8").splitlines()) == 1


def test_log_lines_are_flushed_at_once(tmp_path: Path) -> None:
    """Each line can be read while the log is still open, as `tail -f` would."""
    path = tmp_path / "log.jsonl"
    with ProgressLog(path) as log:
        log(BEST)
        first = path.read_text(encoding="utf-8")
        log(Progress(13.0, 1_100_000, 1_000_000, 120))
        second = path.read_text(encoding="utf-8")
    assert json.loads(first) == {
        "event": "improvement",
        "seconds": 12.34,
        "objective": 1_234_000,
        "bound": 1_000_000,
        "gap": 0.189627,
        "shortfall_hours": 3.5,
        "phase": "exact",
    }
    assert [json.loads(line)["objective"] for line in second.splitlines()] == [1234000, 1100000]


def test_log_in_an_unwritable_place_is_input_error(tmp_path: Path) -> None:
    """A log path below a regular file is reported as one line naming it."""
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="cannot write the log"), ProgressLog(blocker / "log"):
        pass


def test_finish_record_takes_the_verifier_shortfall() -> None:
    """The log's last line has the status and the verified shortfall of the roster."""
    result = solve(make_scenario(), time_limit=5, workers=1, seed=0)
    assert result.report is not None and result.report.ok
    record = finish_record(result)
    assert record["event"] == "finished"
    assert record["status"] == result.status
    assert record["objective"] == result.objective
    assert record["shortfall_hours"] == result.report.costs.shortfall_minutes / 60
