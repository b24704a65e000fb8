"""Read back a solve's output folder, the input of every export and terminal view."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from scheduler.errors import InputError
from scheduler.io.escape import unescape_frame

ROSTER_FILE = "roster.csv"
COVERAGE_FILE = "coverage.csv"
SUMMARY_FILE = "summary.json"


@dataclass(frozen=True)
class Output:
    """A solve's roster, coverage and summary as written by ``scheduler solve``.

    ``roster`` and ``coverage`` carry ``start`` and ``end`` as local wall-clock Timestamps;
    text cells stay text (an id such as ``007`` is not turned into a number) and hold the
    input's own values: the formula-injection guard of the CSV files is taken off, and every
    export puts it back on for its own format.
    """

    folder: Path
    roster: pd.DataFrame
    coverage: pd.DataFrame
    summary: dict[str, Any]

    @property
    def timezone(self) -> str | None:
        """The scenario's IANA time zone, if it named one."""
        horizon = self.summary.get("horizon") or {}
        zone = horizon.get("timezone")
        return str(zone) if zone else None

    @property
    def interval_minutes(self) -> int:
        """Length of one interval of the coverage grid."""
        horizon = self.summary.get("horizon") or {}
        return int(horizon.get("interval_minutes") or 15)


def read_output(folder: str | Path) -> Output:
    """Read ``roster.csv``, ``coverage.csv`` and ``summary.json`` from a solve's folder.

    Raises
    ------
    InputError
        A file is missing or unreadable, naming it.
    """
    folder = Path(folder)
    roster = _read_frame(folder / ROSTER_FILE, ["employee_id", "activity", "start", "end"])
    coverage = _read_frame(folder / COVERAGE_FILE, ["start", "end", "required", "on_floor"])
    summary_path = folder / SUMMARY_FILE
    try:
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(str(summary_path), "file not found") from None
    except (OSError, ValueError) as error:
        raise InputError(str(summary_path), f"expected JSON ({error})") from None
    if not isinstance(summary, dict):
        raise InputError(str(summary_path), "expected a JSON object")
    return Output(folder, roster, coverage, summary)


def _read_frame(path: Path, required: list[str]) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise InputError(str(path), "file not found") from None
    except (OSError, ValueError) as error:
        raise InputError(str(path), f"expected a CSV table ({error})") from None
    for column in required:
        if column not in frame.columns:
            raise InputError(str(path), "missing column", column=column)
    frame = unescape_frame(frame)
    for column in ("start", "end"):
        parsed = pd.to_datetime(frame[column], format="ISO8601", errors="coerce")
        bad = parsed.isna() & (frame[column] != "")
        if bad.any():
            row = int(bad.to_numpy().argmax()) + 2
            raise InputError(str(path), "expected an ISO date-time", row, column)
        frame[column] = parsed
    for column in ("required", "on_floor", "shortfall", "surplus", "hours"):
        if column in frame.columns:
            frame[column] = pd.to_numeric(frame[column], errors="coerce")
    return frame
