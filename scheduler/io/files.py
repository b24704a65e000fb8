"""Atomic output: a reader never sees a half-written file."""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd


def write_atomic(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write ``path`` through a temporary file in the same folder, then rename it into place.

    Parameters
    ----------
    path
        Destination file.
    write
        Called with the open temporary file (binary mode).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    """Write UTF-8 text to ``path`` atomically."""
    data = text.encode("utf-8")

    def write(stream: BinaryIO) -> None:
        stream.write(data)

    write_atomic(path, write)


def write_csv(path: Path, frame: pd.DataFrame) -> None:
    """Write a DataFrame as CSV (no index) atomically."""
    write_text_atomic(path, frame.to_csv(index=False, lineterminator="\n"))


def write_json(path: Path, data: Any) -> None:
    """Write indented JSON atomically; NaN (a blank cell in pandas) becomes null."""
    write_text_atomic(path, json_text(data) + "\n")


def json_text(data: Any) -> str:
    """Indented JSON of plain data, pandas and numpy values; NaN becomes null."""
    return json.dumps(_plain(data), indent=2, ensure_ascii=False, allow_nan=False, default=str)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return _plain(value.item())
    return value
