"""The raw cells of an input table, whichever tool wrote it.

Planners' tools write tables in many ways; this module turns each into the same thing: the
file's rows as lists of strings, each with the row number the planner sees in their editor
(a CSV file's line, an Excel sheet's row). It accepts

- CSV text in UTF-8 with or without a byte-order mark, UTF-16 with a byte-order mark (Excel's
  "Unicode text"), or Windows-1252 (Excel's "CSV" on Windows) when the bytes are not UTF-8 and
  hold no UTF-8 multi-byte character at all (a file mixing the two is refused);
- line ends LF, CRLF or CR;
- ``,``, ``;`` or a tab as the separator, sniffed from the header line (outside quotes), or
  named by an Excel ``sep=;`` first line; cells holding the separator are quoted with ``"``;
- Excel workbooks (``.xlsx``, the first worksheet) in place of a ``.csv`` file: numbers,
  dates, times and booleans are written as the CSV loader expects them, a formula reads as its
  saved value (or as its text when the file holds no saved value).

Everything else is an :class:`~scheduler.errors.InputError` naming the file and row.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from scheduler.errors import InputError

__all__ = [
    "EXCEL_SUFFIX",
    "RawTable",
    "decode",
    "excel_text",
    "find_file",
    "find_table",
    "missing_table_error",
    "read_raw_table",
    "read_text",
    "read_toml",
    "sniff_separator",
]

EXCEL_SUFFIX = ".xlsx"
SEPARATORS = (",", ";", "\t")
"""Separators the header line is sniffed for; on a tie the earlier wins."""

_TOML_WHERE = re.compile(r"\s*\((?:at line (\d+), column (\d+)|at end of document)\)$")
_SEP_LINE = re.compile(r"sep=(.)", re.IGNORECASE)
_LINE_END = re.compile(r"\r\n|\r|\n")
# A UTF-8 multi-byte character: text holding one is UTF-8, however broken elsewhere.
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_DAY_ZERO = (date(1899, 12, 30), date(1899, 12, 31))
_OTHER_SPREADSHEETS = (".xls", ".xlsm", ".ods", ".numbers")


@dataclass(frozen=True)
class RawTable:
    """A table's rows as the file holds them.

    ``rows`` pairs each row number (CSV line, Excel row; the header is the first pair) with its
    cells, unstripped; blank rows are kept as empty lists so callers may skip them.
    """

    file: str
    rows: tuple[tuple[int, list[str]], ...]
    separator: str | None = None


# --------------------------------------------------------------------------------------------
# Finding the file


def find_file(path: Path) -> Path | None:
    """``path`` itself, or the one file in its folder whose name matches it but for case.

    Raises
    ------
    InputError
        When two files differ only in case (``Staff.csv`` and ``staff.csv``), or the name is a
        folder's (an optional table there would otherwise be skipped without a word).
    """
    folder = path.parent
    if not folder.is_dir():
        return None
    wanted = path.name.lower()
    matches = sorted(p for p in folder.iterdir() if p.name.lower() == wanted)
    for match in matches:
        if not match.is_file():
            kind = "a folder" if match.is_dir() else "no readable file"
            raise InputError(match.name, f"expected a file, got {kind} at {match}")
    if len(matches) > 1:
        names = " and ".join(p.name for p in matches)
        raise InputError(path.name, f"expected one file named {path.name}, found {names}")
    return matches[0] if matches else None


def find_table(path: Path) -> Path | None:
    """The file holding the table ``path`` names: the ``.csv`` file or its ``.xlsx`` twin.

    Returns None when neither exists.

    Raises
    ------
    InputError
        When both exist: they could disagree, and picking one silently would hide that.
    """
    found = [p for p in (find_file(path), find_file(path.with_suffix(EXCEL_SUFFIX))) if p]
    if len(found) > 1:
        names = " and ".join(p.name for p in found)
        message = f"found both {names}; expected only one of them (remove or rename the other)"
        raise InputError(path.name, message)
    return found[0] if found else None


def missing_table_error(path: Path) -> InputError:
    """The error for a required table that is in neither form, naming look-alikes found."""
    expected = f"{path.name} or {path.with_suffix(EXCEL_SUFFIX).name}"
    folder = path.parent
    others = []
    if folder.is_dir():
        stem = path.stem.lower()
        others = sorted(
            p.name
            for p in folder.iterdir()
            if p.stem.lower() == stem and p.suffix.lower() in _OTHER_SPREADSHEETS
        )
    if others:
        message = (
            f"missing required file: expected {expected} in {folder}, found {', '.join(others)} "
            "(save it as .csv or .xlsx)"
        )
    else:
        message = f"missing required file: expected {expected} in {folder}"
    return InputError(path.name, message)


# --------------------------------------------------------------------------------------------
# Text


def read_text(path: Path) -> str:
    """A text file's contents, decoded as described in the module docstring.

    Raises
    ------
    InputError
        For a missing or unreadable file, binary content, or bytes in no accepted encoding.
    """
    file = path.name
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(file, f"missing required file: expected {path}") from None
    except OSError as error:
        raise InputError(file, f"cannot read the file: {error.strerror}") from None
    return decode(raw, file)


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file's tables and keys.

    Raises
    ------
    InputError
        For an unreadable file, or TOML that does not parse (naming the line where known).
    """
    text = read_text(find_file(path) or path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = _TOML_WHERE.search(message)
        line = None
        if found is not None:
            message = message[: found.start()]
            line = int(found[1]) if found[1] else max(1, len(text.splitlines()))
        raise InputError(path.name, f"expected valid TOML: {message}", line) from None
    except RecursionError:
        # tomllib parses nested arrays and inline tables recursively.
        message = "expected valid TOML: arrays or inline tables nested too deeply"
        raise InputError(path.name, message) from None


def decode(raw: bytes, file: str) -> str:
    """Decode a text file's bytes (see the module docstring); ``file`` names it in errors."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as error:
            before = raw[: error.start].decode("utf-16", errors="replace")
            line = before.count("\n") + 1
            raise InputError(file, "expected UTF-16 text after its byte-order mark", line) from None
    if raw.startswith(b"PK\x03\x04"):
        message = (
            "expected text, got a zip archive such as an Excel workbook (name an Excel file .xlsx)"
        )
        raise InputError(file, message)
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise InputError(file, "expected text, got binary data (a NUL byte)", line)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        bad = error.start
    line = raw[:bad].count(b"\n") + 1
    if _UTF8_MULTIBYTE.search(raw) is not None:
        message = (
            f"expected UTF-8 text, got the byte {raw[bad]:#04x}, in a file that is UTF-8 "
            "elsewhere (save it again as UTF-8)"
        )
        raise InputError(file, message, line)
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        message = (
            f"expected UTF-8 or Windows-1252 text, got the byte {raw[error.start]:#04x} "
            "(save the file as UTF-8)"
        )
        raise InputError(file, message, line) from None


# --------------------------------------------------------------------------------------------
# CSV


def sniff_separator(line: str) -> str:
    """The separator a header line uses: the most frequent of ``,``, ``;`` and tab outside
    double quotes (``,`` on a tie or when there is none).

    Only the header is sniffed: data cells such as ``skills`` hold ``;`` in a comma file.
    """
    counts = dict.fromkeys(SEPARATORS, 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    return max(SEPARATORS, key=lambda sep: counts[sep])


def _csv_rows(text: str, file: str) -> tuple[str, Iterator[tuple[int, list[str]]]]:
    """The separator and the (line, cells) records of CSV text."""
    first = _LINE_END.split(text, maxsplit=1)[0].strip()
    declared = _SEP_LINE.fullmatch(first)
    separator = declared[1] if declared else sniff_separator(first)
    stream = io.StringIO(text, newline=None)
    skipped = 0
    if declared:
        stream.readline()
        skipped = 1
    reader = csv.reader(stream, delimiter=separator, quotechar='"', doublequote=True)

    def records() -> Iterator[tuple[int, list[str]]]:
        last = skipped
        try:
            for cells in reader:
                # A quoted cell may run over lines; the record starts on the line after the
                # previous one ended, and the caller rejects the line break in the cell.
                line = last + 1
                last = reader.line_num + skipped
                yield line, cells
        except csv.Error as error:
            raise InputError(file, f"expected a well-formed CSV table: {error}", last + 1) from None

    return separator, records()


def _read_csv(path: Path) -> RawTable:
    text = read_text(path)
    separator, records = _csv_rows(text, path.name)
    return RawTable(path.name, tuple(records), separator)


# --------------------------------------------------------------------------------------------
# Excel


def excel_text(value: Any) -> str:
    """A cell's value written the way the CSV loader expects it.

    Whole floats lose their ``.0``, dates read ``YYYY-MM-DD`` (with ``HH:MM`` when not
    midnight), times ``HH:MM`` (``HH:MM:SS`` when the seconds are not zero; also a date-time
    on the spreadsheet's day zero, 1899-12-30), booleans ``true``/``false``.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        if value.date() in _DAY_ZERO:
            # A time of day stored as a date-time on the spreadsheet's day zero.
            return excel_text(value.time())
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes" if not value.second else "seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat(timespec="minutes" if not value.second else "seconds")
    if isinstance(value, timedelta):
        seconds = int(value.total_seconds())
        hours, rest = divmod(seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        return f"{hours}:{minutes:02d}" + (f":{seconds:02d}" if seconds else "")
    return str(value)


def _sheet_rows(path: Path, data_only: bool) -> list[list[Any]]:
    """The first worksheet's cell values, row 1 first (formulas as text unless data_only)."""
    from openpyxl import load_workbook  # only Excel input needs it

    workbook = load_workbook(path, read_only=True, data_only=data_only)
    try:
        if not workbook.worksheets:
            raise InputError(path.name, "expected a worksheet, got a workbook without one")
        sheet = workbook.worksheets[0]
        # A read-only sheet may trust a stale size record; read every row the file holds.
        sheet.reset_dimensions()
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _read_excel(path: Path) -> RawTable:
    """The first worksheet of a workbook; a row number is the sheet's row number."""
    try:
        values = _sheet_rows(path, data_only=False)
        formulas = any(
            isinstance(value, str) and value.startswith("=") for row in values for value in row
        )
        # Formulas read as their text above; their saved values need a second reading.
        saved = _sheet_rows(path, data_only=True) if formulas else values
    except InputError:
        raise
    except Exception as error:  # openpyxl raises many kinds of error on a damaged file
        # One line whatever the library says: the message is a single error line.
        detail = " ".join(str(error).split()) or type(error).__name__
        message = f"expected an Excel workbook (.xlsx), could not read it: {detail}"
        raise InputError(path.name, message) from None
    rows = []
    for number, row in enumerate(values, start=1):
        saved_row = saved[number - 1] if number <= len(saved) else []
        saved_row = saved_row + [None] * (len(row) - len(saved_row))
        cells = [
            # A formula without a saved value keeps its text, so the error can show it.
            excel_text(value if saved_value is None else saved_value)
            for value, saved_value in zip(row, saved_row, strict=False)
        ]
        while cells and not cells[-1].strip():
            cells.pop()
        rows.append((number, cells))
    return RawTable(path.name, tuple(rows))


# --------------------------------------------------------------------------------------------


def read_raw_table(path: Path) -> RawTable:
    """The rows of a CSV file or (by its ``.xlsx`` suffix) an Excel workbook."""
    if path.suffix.lower() == EXCEL_SUFFIX:
        return _read_excel(path)
    return _read_csv(path)
