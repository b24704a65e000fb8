"""Guard text cells against spreadsheet formula injection, and take the guard off again.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some, a tab
or carriage return) as a formula, so a name such as ``=HYPERLINK("...")`` in staff.csv would
become a live link in the planner's Excel. Every export writes text taken from input data
through :func:`escape_cell`, which puts a single quote in front; readers of our own outputs
call :func:`unescape_cell`, so an escaped id still names the same person.

The guard is reversible: a text that already starts with a quote gets a second one, so
``unescape_cell(escape_cell(text)) == text`` for every text. Plain numbers such as ``-5`` or
``+1.5`` are left alone (a spreadsheet reads them as numbers, not formulas).
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula."""
GUARD = "'"
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")

T = TypeVar("T")


def needs_guard(text: str) -> bool:
    """Whether ``text`` must be guarded before it goes into a spreadsheet cell."""
    if not text:
        return False
    if text.startswith(GUARD):
        # Guarded too, so that reading back takes off exactly what writing put on.
        return True
    return text.startswith(TRIGGERS) and not _NUMBER.fullmatch(text)


def escape_cell(value: T) -> T | str:
    """``value`` with a leading quote if it is text a spreadsheet would run; else unchanged."""
    if isinstance(value, str) and needs_guard(value):
        return GUARD + value
    return value


def unescape_cell(value: T) -> T | str:
    """Undo :func:`escape_cell`: drop the quote it put in front of a text."""
    if isinstance(value, str) and value.startswith(GUARD) and needs_guard(value[1:]):
        return value[1:]
    return value


def escape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell guarded (numbers and dates are untouched)."""
    return _map_text(frame, escape_cell)


def unescape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with the guard of :func:`escape_frame` taken off every text cell."""
    return _map_text(frame, unescape_cell)


def _map_text(frame: pd.DataFrame, function: Any) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        dtype = out[column].dtype
        if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
            out[column] = out[column].map(function)
    return out
