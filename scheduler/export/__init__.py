"""Exports of a solve's output folder, by format name.

:data:`FORMATS` maps a name (as given to ``--format``) to a writer ``(output, folder) ->
written paths``. Writers import their libraries (openpyxl, matplotlib, ...) only when called,
so importing this package stays cheap.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Only for types: the command line reads FORMATS without loading pandas.
    from scheduler.export.folder import Output

Writer = Callable[["Output", Path], list[Path]]


def _lazy(module: str, function: str) -> Writer:
    """A writer that imports ``module`` (and its libraries) on its first call."""

    def write(output: Output, folder: Path) -> list[Path]:
        writer: Writer = getattr(importlib.import_module(module), function)
        return writer(output, folder)

    return write


FORMATS: dict[str, Writer] = {
    "xlsx": _lazy("scheduler.export.xlsx", "write_xlsx"),
    "png": _lazy("scheduler.export.png", "write_png"),
    "ics": _lazy("scheduler.export.ics", "write_ics"),
    "html": _lazy("scheduler.export.html", "write_html"),
}
"""Every export format by name, in the order ``scheduler export`` writes them by default."""


def parse_formats(text: str | Iterable[str]) -> list[str]:
    """Format names from ``"xlsx,png"`` (or several such texts), in order, without repeats.

    Raises
    ------
    ValueError
        A name is not in :data:`FORMATS`, naming it and the known ones.
    """
    texts = [text] if isinstance(text, str) else list(text)
    names: list[str] = []
    for part in ",".join(texts).split(","):
        name = part.strip().lower()
        if not name:
            continue
        if name not in FORMATS:
            known = ", ".join(FORMATS)
            raise ValueError(f"unknown format {part.strip()!r}; expected one of {known}")
        if name not in names:
            names.append(name)
    return names


def write_formats(output: Output, folder: Path, formats: Iterable[str]) -> list[Path]:
    """Write ``output`` in each of ``formats`` into ``folder``; return every file written."""
    written: list[Path] = []
    for name in parse_formats(list(formats)):
        written += FORMATS[name](output, folder)
    return written
