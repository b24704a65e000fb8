"""Hostile and broken input: mutated scenario folders through the command line.

Every run of `scheduler validate` or `scheduler solve` on a mutated copy of a valid scenario
must end in a valid roster (exit 0, the verifier agrees) or in the one-line error (exit 2, naming
the file, no traceback, no output files), and never change its input files. Mutations that only
change how a tool wrote the tables (byte-order mark, CRLF, semicolons, Windows-1252, Excel) must
load the same scenario.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from scheduler.cli import main
from scheduler.data import Scenario
from scheduler.io.scenario import read_scenario

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
TABLES = ("staff.csv", "shifts.csv", "demand.csv", "availability.csv")
FILES = (*TABLES, "scenario.toml")
Files = dict[str, bytes]

# A scenario small enough to solve to optimality in a fraction of a second.
TINY: dict[str, str] = {
    "scenario.toml": """\
name = "tiny"

[horizon]
start = 2026-12-07
days = 2
interval_minutes = 30

[rules]
max_on_break = 0.5

[weights]
shortfall = 100
contract = 1
preference = 10
surplus = 1

[[breaks]]
name = "rest"
minutes = 30
earliest = 60
latest = 120
min_shift_minutes = 240

[back_office]
desks = 1
""",
    "staff.csv": """\
employee_id,name,office,skills,contract_hours,min_hours,max_hours,max_days,remote_ok
E1,Anna Nowak,front,lead,20,,,,
E2,Piotr Lis,front,,20,,,,
E3,Ola Kot,both,lead,20,,,,
B1,Ewa Back,back,,20,,,,yes
""",
    "shifts.csv": """\
shift_id,start,end,weekdays
AM,08:00,12:00,
PM,12:00,16:00,mon
""",
    "demand.csv": """\
weekday,date,start,end,required,skill
mon,,08:00,12:00,2,
mon,,12:00,16:00,1,
,2026-12-08,08:00,12:00,1,lead
""",
    "availability.csv": """\
employee_id,date,start,end,kind,weight
E2,2026-12-08,,,unavailable,
E1,2026-12-07,08:00,12:00,prefer,2
""",
}

NASTY_CELLS = [
    "",
    " ",
    "-1",
    "0",
    "1e308",
    "nan",
    "inf",
    "9" * 30,
    "1" * 5000,
    "24:00",
    "23:59:59",
    "7:5",
    "12:00 PM",
    "=SUM(A1:A3)",
    "#REF!",
    '"',
    '""',
    ",",
    ";",
    "\t",
    "Zoë Ñandú 山田",
    "\u200b",
    "\u202e",
    "mon;xyz",
    "E1",
    "B1",
    "lead",
    "true",
    "YES",
    "2026-02-30",
    "2026-12-07",
    "99999-01-01",
    "NULL",
    "\x00",
    "\r",
    "\n",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x85",
    "\u2028",
]
CELL = st.one_of(
    st.sampled_from(NASTY_CELLS),
    # Lone surrogates are not text a file can hold; every other character is fair game.
    st.text(st.characters(exclude_categories=("Cs",)), max_size=12),
    st.integers(-(10**20), 10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)
TOML_NUMBER = re.compile(rb"(?<=[= ])-?[0-9]+(?:\.[0-9]+)?(?=\s*$)", re.MULTILINE)

SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def read_files(folder: Path) -> Files:
    """The bytes of the scenario's files."""
    return {name: (folder / name).read_bytes() for name in FILES if (folder / name).exists()}


def lines_of(data: bytes) -> list[str]:
    """A file's lines (bytes that are not UTF-8 kept as surrogates, see :func:`joined`)."""
    return data.decode("utf-8", errors="surrogateescape").split("\n")


def joined(lines: list[str]) -> bytes:
    """The bytes of lines from :func:`lines_of`."""
    return "\n".join(lines).encode("utf-8", errors="surrogateescape")


# --------------------------------------------------------------------------------------------
# Mutations: each draws its parameters and changes the files in place.


def drop_row(draw: st.DrawFn, files: Files, name: str) -> None:
    lines = lines_of(files[name])
    del lines[draw(st.integers(0, len(lines) - 1))]
    files[name] = joined(lines)


def duplicate_row(draw: st.DrawFn, files: Files, name: str) -> None:
    lines = lines_of(files[name])
    index = draw(st.integers(0, len(lines) - 1))
    lines.insert(draw(st.integers(0, len(lines))), lines[index])
    files[name] = joined(lines)


def drop_column(draw: st.DrawFn, files: Files, name: str) -> None:
    lines = lines_of(files[name])
    column = draw(st.integers(0, 12))
    kept = []
    for line in lines:
        cells = line.split(",")
        if column < len(cells):
            del cells[column]
        kept.append(",".join(cells))
    files[name] = joined(kept)


def corrupt_cell(draw: st.DrawFn, files: Files, name: str) -> None:
    lines = lines_of(files[name])
    row = draw(st.integers(0, max(0, len(lines) - 2)))
    cells = lines[row].split(",")
    cells[draw(st.integers(0, len(cells) - 1))] = draw(CELL)
    lines[row] = ",".join(cells)
    files[name] = joined(lines)


def empty_file(draw: st.DrawFn, files: Files, name: str) -> None:
    files[name] = draw(st.sampled_from([b"", b"\n", b"   \r\n", b"\xef\xbb\xbf"]))


def remove_file(draw: st.DrawFn, files: Files, name: str) -> None:
    del files[name]


def truncate(draw: st.DrawFn, files: Files, name: str) -> None:
    files[name] = files[name][: draw(st.integers(0, len(files[name])))]


def insert_bytes(draw: st.DrawFn, files: Files, name: str) -> None:
    at = draw(st.integers(0, len(files[name])))
    noise = draw(st.binary(min_size=1, max_size=6))
    files[name] = files[name][:at] + noise + files[name][at:]


def huge_toml_number(draw: st.DrawFn, files: Files, name: str) -> None:
    numbers = list(TOML_NUMBER.finditer(files.get("scenario.toml", b"")))
    if not numbers:
        return
    found = numbers[draw(st.integers(0, len(numbers) - 1))]
    value = draw(
        st.one_of(
            st.integers(-(10**30), 10**30),
            st.sampled_from([0, -1, 10**6, 2**63, 10**400]),
            st.floats(allow_nan=False, allow_infinity=False),
        )
    )
    data = files["scenario.toml"]
    files["scenario.toml"] = data[: found.start()] + str(value).encode() + data[found.end() :]


def drop_toml_line(draw: st.DrawFn, files: Files, name: str) -> None:
    if "scenario.toml" not in files:
        return
    lines = lines_of(files["scenario.toml"])
    del lines[draw(st.integers(0, len(lines) - 1))]
    files["scenario.toml"] = joined(lines)


def set_cell(draw: st.DrawFn, files: Files, name: str, column: str, value: str) -> None:
    """Set ``column`` of a random data row of ``name`` (if the file still has both)."""
    lines = lines_of(files.get(name, b""))
    header = lines[0].split(",")
    data = [i for i, line in enumerate(lines[1:], start=1) if line.strip()]
    if column not in header or not data:
        return
    row = draw(st.sampled_from(data))
    cells = lines[row].split(",")
    at = header.index(column)
    if at < len(cells):
        cells[at] = value
        lines[row] = ",".join(cells)
        files[name] = joined(lines)


def unicode_name(draw: st.DrawFn, files: Files, name: str) -> None:
    characters = st.characters(exclude_categories=("Cs",), exclude_characters=',"\r\n')
    text = draw(st.text(characters, min_size=1, max_size=20))
    set_cell(draw, files, "staff.csv", "name", text)


def more_demand(draw: st.DrawFn, files: Files, name: str) -> None:
    set_cell(draw, files, "demand.csv", "required", str(draw(st.integers(0, 10**6))))


def other_contract(draw: st.DrawFn, files: Files, name: str) -> None:
    hours = draw(st.sampled_from(["0", "4", "8", "12,5", "40.0", "168", " 20 "]))
    set_cell(draw, files, "staff.csv", "contract_hours", hours)


def duplicate_data_row(draw: st.DrawFn, files: Files, name: str) -> None:
    lines = lines_of(files[name])
    if name.endswith(".csv") and len(lines) > 2:
        lines.insert(
            draw(st.integers(1, len(lines) - 1)), lines[draw(st.integers(1, len(lines) - 2))]
        )
        files[name] = joined(lines)


MILD: list[Callable[[st.DrawFn, Files, str], None]] = [
    unicode_name,
    more_demand,
    other_contract,
    duplicate_data_row,
]

BREAKING: list[Callable[[st.DrawFn, Files, str], None]] = [
    drop_row,
    duplicate_row,
    drop_column,
    corrupt_cell,
    corrupt_cell,
    corrupt_cell,
    empty_file,
    remove_file,
    truncate,
    insert_bytes,
    huge_toml_number,
    drop_toml_line,
]


@st.composite
def mutated(
    draw: st.DrawFn, base: Files, mutations: list[Callable[[st.DrawFn, Files, str], None]]
) -> Files:
    """The files with one to three of the ``mutations``."""
    files = dict(base)
    for _ in range(draw(st.integers(1, 3))):
        if not files:
            break
        name = draw(st.sampled_from(sorted(files)))
        mutation = draw(st.sampled_from(mutations))
        note(f"{mutation.__name__}({name})")
        mutation(draw, files, name)
    return files


# Mutations that keep the scenario: how another tool might have written the same tables.


def to_rows(data: bytes) -> list[list[str]]:
    """The cells of a comma-separated UTF-8 file."""
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def rewrite(rows: list[list[str]], sep: str, ending: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep, lineterminator=ending).writerows(rows)
    return buffer.getvalue()


@st.composite
def rewritten(draw: st.DrawFn, base: Files) -> tuple[Files, set[str]]:
    """The tables rewritten as other tools write them; also the .xlsx files to make."""
    files = dict(base)
    excel = set()
    for name in TABLES:
        if name not in files:
            continue
        form = draw(st.sampled_from(["utf-8", "bom", "cp1252", "utf-16", "xlsx"]))
        sep = draw(st.sampled_from([",", ";", "\t"]))
        ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
        note(f"{name}: {form}, {sep!r}, {ending!r}")
        rows = to_rows(files[name])
        if draw(st.booleans()):
            rows[0] = [f" {cell.upper()} " for cell in rows[0]]
        text = rewrite(rows, sep, ending)
        if form == "xlsx":
            excel.add(name)
        elif form == "bom":
            files[name] = b"\xef\xbb\xbf" + text.encode()
        elif form in ("cp1252", "utf-16"):
            files[name] = text.encode(form, errors="replace")
        else:
            files[name] = text.encode()
    return files, excel


def write_folder(folder: Path, files: Files, excel: set[str] = frozenset()) -> Path:  # type: ignore[assignment]
    """Write the files (those in ``excel`` as .xlsx workbooks) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        if name in excel:
            rows = to_rows(data)
            frame = pd.DataFrame(rows[1:], columns=rows[0])
            frame.to_excel((folder / name).with_suffix(".xlsx"), index=False)
        else:
            (folder / name).write_bytes(data)
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file in the folder."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def run(*args: str | Path) -> Result:
    """The CLI's result, stdout and stderr apart."""
    return CliRunner().invoke(main, [str(a) for a in args])


def assert_clear_error(result: Result) -> None:
    """Exit 2 with one error line on stderr naming a scenario file (after any warnings of
    misspelt columns), and no traceback."""
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if not line.startswith("warning: ")]
    assert len(lines) == 1, result.stderr
    named = lines[0].removeprefix("error: ").split(":")[0].split(",")[0]
    stems = {Path(name).stem for name in FILES}
    assert Path(named).stem.lower() in stems, lines[0]
    assert "Traceback" not in result.output


def assert_no_crash(result: Result) -> None:
    """The command ended through its own exit, not an exception."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"the command raised {result.exception!r}") from result.exception


def without_names(scenario: Scenario) -> Scenario:
    """The scenario with blank names (Windows-1252 cannot hold every name)."""
    people = tuple(dataclasses.replace(e, name="") for e in scenario.employees)
    return dataclasses.replace(scenario, employees=people, name="")


SAMPLE_FILES = read_files(SAMPLE)
TINY_FILES = {name: text.encode() for name, text in TINY.items()}


# --------------------------------------------------------------------------------------------


@settings(SETTINGS, max_examples=120)
@given(files=mutated(SAMPLE_FILES, MILD + BREAKING))
def test_validate_mutated_sample_loads_or_says_why(files: Files) -> None:
    """`validate` on a broken copy of the sample exits 0 or 2 with one line; inputs unchanged."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_folder(Path(tmp) / "scenario", files)
        before = snapshot(folder)
        result = run("validate", folder)
        assert_no_crash(result)
        assert snapshot(folder) == before
        event(f"validate exit {result.exit_code}")
        if result.exit_code != 0:
            assert_clear_error(result)
            assert result.stdout == ""


@settings(SETTINGS, max_examples=40)
@given(case=rewritten(SAMPLE_FILES))
def test_tool_written_tables_load_the_same_scenario(case: tuple[Files, set[str]]) -> None:
    """BOM, CRLF/CR, ; or tab, Windows-1252, UTF-16 and .xlsx load the same scenario."""
    files, excel = case
    expected = without_names(read_scenario(SAMPLE))
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_folder(Path(tmp) / "scenario", files, excel)
        assert without_names(read_scenario(folder)) == expected
        result = run("validate", folder)
        assert result.exit_code == 0, result.output


@settings(SETTINGS, max_examples=12)
@given(files=mutated(TINY_FILES, MILD * 3 + BREAKING))
def test_solve_mutated_scenario_gives_a_valid_roster_or_a_clear_error(files: Files) -> None:
    """`solve` on a broken tiny scenario: a verified roster, or exit 2 and no output files."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_folder(Path(tmp) / "scenario", files)
        out = Path(tmp) / "out"
        before = snapshot(folder)
        result = run(
            "solve", folder, "--out", out, "--time-limit", "2", "--workers", "1", "--quiet"
        )
        assert_no_crash(result)
        assert snapshot(folder) == before
        note(result.output)
        event(f"solve exit {result.exit_code}")
        if result.exit_code == 0:
            assert {p.name for p in out.iterdir()} == {"roster.csv", "coverage.csv", "summary.json"}
            checked = run("check", folder, out / "roster.csv")
            assert checked.exit_code == 0, checked.output
        elif result.exit_code == 3:
            # The mutation left hard rules that no roster meets: the conflicts are named.
            assert "these rule groups conflict" in result.stderr
            assert not (out / "roster.csv").exists()
        elif result.exit_code == 4:
            assert "no roster found" in result.stderr
            assert not out.exists() or not any(out.iterdir())
        else:
            assert_clear_error(result)
            assert not out.exists() or not any(out.iterdir())


def test_tiny_scenario_solves() -> None:
    """The unmutated tiny scenario gives a verified optimal roster (the mutations start valid)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_folder(Path(tmp) / "scenario", TINY_FILES)
        out = Path(tmp) / "out"
        result = run("solve", folder, "--out", out, "--time-limit", "5", "--workers", "1")
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith("optimal:")
        assert run("check", folder, out / "roster.csv").exit_code == 0


@functools.cache
def sample_workbook() -> bytes:
    """The sample's staff table as .xlsx bytes (made once: a workbook carries its save time)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_folder(Path(tmp), {"staff.csv": SAMPLE_FILES["staff.csv"]}, {"staff.csv"})
        return (folder / "staff.xlsx").read_bytes()


@settings(SETTINGS, max_examples=30)
@given(data=st.data())
def test_damaged_workbook_loads_or_says_why(data: st.DataObject) -> None:
    """A staff.xlsx cut short or with bytes changed loads or gives the one-line error."""
    raw = bytearray(sample_workbook())
    if data.draw(st.booleans(), label="truncate"):
        raw = raw[: data.draw(st.integers(0, len(raw) - 1), label="length")]
    else:
        for _ in range(data.draw(st.integers(1, 8), label="changes")):
            raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    files = {name: data for name, data in SAMPLE_FILES.items() if name != "staff.csv"}
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_folder(Path(tmp) / "scenario", files)
        (folder / "staff.xlsx").write_bytes(bytes(raw))
        result = run("validate", folder)
        assert_no_crash(result)
        event(f"workbook exit {result.exit_code}")
        if result.exit_code != 0:
            assert_clear_error(result)
