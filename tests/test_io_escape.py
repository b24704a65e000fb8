"""The formula-injection guard on text cells, and that reading back takes it off exactly."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler.io.escape import escape_cell, escape_frame, unescape_cell, unescape_frame


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("'quoted", "''quoted"),
        ("Anna Nowak", "Anna Nowak"),
        ("E1", "E1"),
        ("", ""),
        ("-5", "-5"),
        ("+1.5", "+1.5"),
        ("-", "'-"),
        ("2026-12-07T07:00:00", "2026-12-07T07:00:00"),
    ],
)
def test_escape_cell(text: str, escaped: str) -> None:
    """Formula starts get a quote, plain text and plain numbers do not."""
    assert escape_cell(text) == escaped
    assert unescape_cell(escaped) == text


def test_escape_cell_leaves_non_text_alone() -> None:
    """Numbers and None pass through unchanged."""
    assert escape_cell(-5) == -5
    assert escape_cell(None) is None
    assert unescape_cell(2.5) == 2.5


@given(st.text(max_size=12))
def test_unescape_inverts_escape(text: str) -> None:
    """Reading back a guarded text gives the text written, whatever it is."""
    assert unescape_cell(escape_cell(text)) == text


def test_unescape_keeps_a_hand_typed_quote() -> None:
    """A quote that the guard did not put there stays."""
    assert unescape_cell("'abc") == "'abc"
    assert unescape_cell("'-5") == "'-5"


def test_escape_frame_touches_only_text_columns() -> None:
    """Text columns are guarded; numbers and date-times keep their values and types."""
    frame = pd.DataFrame(
        {
            "name": ["=1+1", "Ann"],
            "hours": [-8.0, 8.0],
            "start": pd.to_datetime(["2026-12-07T07:00", "2026-12-07T08:00"]),
        }
    )
    escaped = escape_frame(frame)
    assert list(escaped["name"]) == ["'=1+1", "Ann"]
    pd.testing.assert_series_equal(escaped["hours"], frame["hours"])
    pd.testing.assert_series_equal(escaped["start"], frame["start"])
    assert list(frame["name"]) == ["=1+1", "Ann"]
    pd.testing.assert_frame_equal(unescape_frame(escaped), frame)
