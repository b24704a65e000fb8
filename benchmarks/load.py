"""Benchmark: loading and validating large scenarios, as CSV, as ;-separated Windows-1252 CSV
and as Excel workbooks.

Prints one table (people, days, format, seconds to read the folder, to estimate the model size
and for the whole `scheduler validate` command, and the estimated variables):

    python benchmarks/load.py --sizes 1000,10000 --days 7,56 --intervals 15,5

The target is 10 000 people loaded and validated within 10 s. A scenario whose model would
exceed the limit is refused by `validate`; its row says so.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import write_contact_centre

from scheduler.cli import main as cli
from scheduler.errors import InputError
from scheduler.io.scenario import read_scenario
from scheduler.model.size import check_model_size

TABLES = ("staff.csv", "shifts.csv", "demand.csv", "availability.csv")
FORMATS = ("csv", "csv;cp1252", "xlsx")
BACK_SHARE = 0.2


def convert(folder: Path, form: str) -> None:
    """Rewrite the folder's tables as ``form``: ``;``-separated Windows-1252 with CRLF, or .xlsx."""
    for name in TABLES:
        path = folder / name
        with path.open(encoding="utf-8", newline="") as stream:
            rows = list(csv.reader(stream))
        if form == "csv;cp1252":
            with path.open("w", encoding="cp1252", errors="replace", newline="") as stream:
                csv.writer(stream, delimiter=";", lineterminator="\r\n").writerows(rows)
        elif form == "xlsx":
            path.unlink()
            frame = pd.DataFrame(rows[1:], columns=rows[0])
            frame.to_excel(path.with_suffix(".xlsx"), index=False, engine="openpyxl")


def measure(size: int, days: int, interval: int, form: str, repeats: int) -> dict[str, object]:
    """Best-of-``repeats`` times to read, estimate and validate one generated scenario of
    ``size`` people (a fifth in the back office)."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        front = round(size * (1 - BACK_SHARE))
        write_contact_centre(folder, front, days=days, back_share=BACK_SHARE, cross_share=0.05)
        toml = folder / "scenario.toml"
        text = toml.read_text(encoding="utf-8")
        toml.write_text(text.replace("interval_minutes = 15", f"interval_minutes = {interval}"))
        convert(folder, form)
        read_s = estimate_s = validate_s = float("inf")
        variables: object = None
        for _ in range(repeats):
            started = time.perf_counter()
            scenario = read_scenario(folder)
            read_s = min(read_s, time.perf_counter() - started)
            started = time.perf_counter()
            try:
                variables = f"{check_model_size(scenario).variables:,}"
            except InputError as error:
                variables = "refused: " + error.message.split(":")[1].split("(")[0].strip()
            estimate_s = min(estimate_s, time.perf_counter() - started)
            started = time.perf_counter()
            result = CliRunner().invoke(cli, ["validate", str(folder)])
            validate_s = min(validate_s, time.perf_counter() - started)
            assert result.exit_code in (0, 2), result.output
    return {
        "people": scenario.num_employees,
        "days": days,
        "interval": interval,
        "format": form,
        "read_s": round(read_s, 2),
        "estimate_s": round(estimate_s, 2),
        "validate_s": round(validate_s, 2),
        "variables": variables,
    }


def main() -> None:
    """Run the table and print it."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000", help="people in all")
    parser.add_argument("--days", default="7,56")
    parser.add_argument("--intervals", default="15,5", help="interval minutes")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        for days in (int(d) for d in args.days.split(",")):
            for interval in (int(i) for i in args.intervals.split(",")):
                for form in args.formats.split(","):
                    rows.append(measure(size, days, interval, form, args.repeats))
                    line = pd.DataFrame([rows[-1]]).to_string(index=False, header=len(rows) == 1)
                    print(line, flush=True)
    print()
    print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()
