"""Follow a solve while it runs: a live line on a terminal, plain lines otherwise, a JSON log."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from rich.console import Console
from rich.live import Live
from rich.spinner import Spinner
from rich.text import Text

from scheduler.errors import InputError
from scheduler.result import Progress, Result

REFRESH_PER_SECOND = 4


def _hours(minutes: int | None) -> str:
    return "?" if minutes is None else f"{minutes / 60:,.1f} h"


def improvement_line(progress: Progress) -> str:
    """One improving roster as a plain line: when, objective, bound, gap, shortfall and the
    phase that found it."""
    line = (
        f"  {progress.seconds:7.1f} s  objective {progress.objective:,.0f}"
        f"  bound {progress.bound:,.0f}  gap {100 * progress.gap:.2f} %"
        f"  shortfall {_hours(progress.shortfall_minutes)}"
    )
    return f"{line}  ({progress.phase})" if progress.phase else line


def progress_text(
    progress: Progress | None, elapsed: float, time_limit: float | None = None
) -> str:
    """The live line: time so far (of the limit), then the best roster's figures, if any.

    Parameters
    ----------
    progress
        The latest improvement, or None before the first roster.
    elapsed
        Seconds since the solve started; counts on between improvements.
    time_limit
        The solve's time limit, shown after the elapsed time when given.
    """
    clock = f"{elapsed:6.1f} s" if time_limit is None else f"{elapsed:6.1f} / {time_limit:g} s"
    if progress is None:
        return f"{clock}  searching for a first roster"
    return (
        f"{clock}  objective {progress.objective:,.0f}  bound {progress.bound:,.0f}"
        f"  gap {100 * progress.gap:.2f} %  shortfall {_hours(progress.shortfall_minutes)}"
    )


class LiveProgress:
    """A progress line redrawn several times a second while open, also between improvements.

    Use as a context manager around the solve and pass the instance as ``on_progress``; the
    last state stays on screen when it closes.
    """

    def __init__(
        self,
        console: Console,
        time_limit: float | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.console = console
        self.time_limit = time_limit
        self.clock = clock
        self.started = clock()
        # Written by the solver's thread, read by the refresh thread: one reference swap.
        self.latest: Progress | None = None
        self._spinner = Spinner("dots", style="cyan")
        self._live = Live(
            console=console,
            get_renderable=self._render,
            refresh_per_second=REFRESH_PER_SECOND,
            transient=False,
        )

    def __call__(self, progress: Progress) -> None:
        self.latest = progress

    def text(self) -> str:
        """The line as it reads now."""
        return progress_text(self.latest, self.clock() - self.started, self.time_limit)

    def _render(self) -> Spinner:
        self._spinner.update(text=Text(self.text()))
        return self._spinner

    def __enter__(self) -> LiveProgress:
        self.started = self.clock()
        self._live.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._live.stop()


def progress_record(progress: Progress) -> dict[str, Any]:
    """One improvement as plain data for the JSON-lines log."""
    return {
        "event": "improvement",
        "seconds": round(progress.seconds, 3),
        "objective": _number(progress.objective),
        "bound": _number(progress.bound),
        "gap": round(progress.gap, 6),
        "shortfall_hours": _hours_value(progress.shortfall_minutes),
        "phase": progress.phase,
    }


def finish_record(result: Result) -> dict[str, Any]:
    """The solve's outcome, the log's last line; shortfall as the verifier counted it."""
    shortfall = None if result.report is None else result.report.costs.shortfall_minutes
    gap = result.gap
    return {
        "event": "finished",
        "status": result.status,
        "seconds": round(result.solve_seconds, 3),
        "objective": result.objective,
        "bound": result.best_bound,
        "gap": None if gap is None else round(gap, 6),
        "shortfall_hours": _hours_value(shortfall),
        "interrupted": result.interrupted,
    }


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _hours_value(minutes: int | None) -> float | None:
    return None if minutes is None else minutes / 60


class ProgressLog:
    """A JSON-lines file with one object per improvement, flushed line by line.

    The file is a stream for ``tail -f`` and the like, so unlike every other output it is
    written in place, not atomically: a reader sees the run so far. Each line goes out in one
    write and is flushed at once, so only the line being written can be seen incomplete.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stream: IO[str] | None = None

    def __enter__(self) -> ProgressLog:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._stream = self.path.open("w", encoding="utf-8")
        except OSError as error:
            raise InputError(str(self.path), f"cannot write the log ({error.strerror})") from None
        return self

    def write(self, record: dict[str, Any]) -> None:
        """Append one object as a line and flush it."""
        if self._stream is None:
            raise ValueError("the log is not open")
        self._stream.write(json.dumps(record, allow_nan=False) + "\n")
        self._stream.flush()

    def __call__(self, progress: Progress) -> None:
        self.write(progress_record(progress))

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None


class SolveWatch:
    """What follows one solve: the terminal display and the JSON-lines log.

    On a terminal a :class:`LiveProgress` line; elsewhere a plain line per improvement;
    nothing on the terminal when ``quiet``. The log is written whether or not ``quiet``.
    Use as a context manager, pass the instance as ``on_progress``, then call :meth:`finish`.

    Parameters
    ----------
    quiet
        Print nothing while solving.
    log_path
        File for the JSON-lines log, or None for none.
    time_limit
        The solve's time limit, shown on the live line.
    console
        Where to draw; standard error by default.
    """

    def __init__(
        self,
        quiet: bool = False,
        log_path: Path | None = None,
        time_limit: float | None = None,
        console: Console | None = None,
    ) -> None:
        self.quiet = quiet
        self.log_path = log_path
        self.time_limit = time_limit
        self.console = console or Console(stderr=True, highlight=False)
        self.log: ProgressLog | None = None
        self._sinks: list[Callable[[Progress], None]] = []
        self._stack = ExitStack()

    def __enter__(self) -> SolveWatch:
        with ExitStack() as stack:
            if self.log_path is not None:
                self.log = stack.enter_context(ProgressLog(self.log_path))
                self._sinks.append(self.log)
            if not self.quiet and self.console.is_terminal:
                self._sinks.append(stack.enter_context(LiveProgress(self.console, self.time_limit)))
            elif not self.quiet:
                self._sinks.append(self._print)
            self._stack = stack.pop_all()
        return self

    def _print(self, progress: Progress) -> None:
        self.console.out(improvement_line(progress), highlight=False)

    def __call__(self, progress: Progress) -> None:
        for sink in self._sinks:
            sink(progress)

    def finish(self, result: Result) -> None:
        """Close the log with the solve's outcome."""
        if self.log is not None:
            self.log.write(finish_record(result))

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stack.close()
