"""Benchmark: re-plan a published 100-person week after sick calls, and next week from a hint.

1. Generates the contact centre (benchmarks/generate.py), solves it once and publishes the
   roster; then two people with shifts on Wednesday call in sick (one for Wednesday and
   Thursday, one for Wednesday) and the week is re-planned from Wednesday 08:00. Prints
   seconds, changes and shortfall.
2. Next week (same staff and templates, the dates a week on, other availability, demand
   perturbed by up to 10 %) is solved with and without this week's roster as ``hint``. Prints
   seconds to the first roster and the objective at a few checkpoints.

    python benchmarks/replan.py --size 100 --solve-limit 30 --replan-limit 8 --hint-limit 30
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import write_contact_centre

from scheduler.io.scenario import read_scenario
from scheduler.published import published_roster
from scheduler.replan import Absence, replan
from scheduler.solve import Result, default_workers, solve

START = date(2026, 12, 7)
WEDNESDAY = 2


def published_week(folder: Path, size: int, seed: int, limit: float) -> Result:
    """Generate and solve this week; the roster that gets published."""
    write_contact_centre(folder, size, seed=seed)
    result = solve(read_scenario(folder), time_limit=limit, seed=seed)
    if result.report is None or not result.report.ok:
        raise SystemExit(f"no valid roster to publish: {result.status}")
    return result


def sick_calls(week: Result) -> list[Absence]:
    """Two people working Wednesday: the first off Wednesday and Thursday, the second Wednesday."""
    wednesday = sorted({a.employee_id for a in week.assignments if a.day == WEDNESDAY})
    thursday = {a.employee_id for a in week.assignments if a.day == WEDNESDAY + 1}
    first = next(e for e in wednesday if e in thursday)
    second = next(e for e in wednesday if e != first)
    day = START + timedelta(days=WEDNESDAY)
    return [Absence(first, day, day + timedelta(days=1)), Absence(second, day, day)]


def run_replan(week: Result, absences: list[Absence], limit: float, seed: int) -> dict[str, object]:
    """Re-plan the published week around the absences and measure it."""
    published = published_roster(week.scenario, week.roster)
    started = time.perf_counter()
    result = replan(
        week.scenario,
        published,
        absences,
        datetime.combine(START + timedelta(days=WEDNESDAY), datetime.min.time())
        + timedelta(hours=8),
        time_limit=limit,
        seed=seed,
    )
    wall = time.perf_counter() - started
    if result.report is None or not result.report.ok:
        raise SystemExit(f"re-plan not valid: {result.status}")
    assert week.report is not None
    kinds = Counter(c.change for c in result.changes)
    return {
        "N": week.scenario.num_employees,
        "absences": " ".join(str(a) for a in absences),
        "seconds": round(wall, 1),
        "first_s": round(result.history[0].seconds, 1) if result.history else None,
        "status": result.status,
        "changes": result.num_changes,
        "moved": kinds["moved"],
        "added": kinds["added"],
        "removed": kinds["removed"],
        "absent": kinds["absent"],
        "breaks_replaced": kinds["breaks"],
        "shortfall_published_h": week.report.costs.shortfall_minutes / 60,
        "shortfall_after_h": result.report.costs.shortfall_minutes / 60,
    }


def next_week(folder: Path, size: int, seed: int) -> Path:
    """This week's staff and templates a week on, with other availability and demand."""
    start = START + timedelta(days=7)
    write_contact_centre(folder, size, seed=seed, start=start)
    with tempfile.TemporaryDirectory() as other:
        write_contact_centre(Path(other), size, seed=seed + 1, start=start)
        (folder / "availability.csv").write_bytes((Path(other) / "availability.csv").read_bytes())
    rng = random.Random(seed + 1)
    path = folder / "demand.csv"
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    for row in rows:
        row["required"] = str(max(0, round(int(row["required"]) * rng.uniform(0.9, 1.1))))
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return folder


CHECKPOINTS = (5.0, 10.0)


def run_hint(folder: Path, week: Result, limit: float, seed: int) -> list[dict[str, object]]:
    """Solve next week with and without this week's roster as a starting point."""
    scenario = read_scenario(folder)
    hint = published_roster(scenario, week.roster, strict=False)
    rows = []
    for label, start in (("none", None), ("last week", hint.assignments)):
        result = solve(scenario, time_limit=limit, seed=seed, hint=start)
        if result.report is None or not result.report.ok:
            raise SystemExit(f"next week not valid with hint {label}: {result.status}")
        row: dict[str, object] = {
            "hint": label,
            "skipped_rows": len(hint.skipped) if start is not None else None,
            "first_roster_s": round(result.history[0].seconds, 1) if result.history else None,
        }
        for checkpoint in CHECKPOINTS:
            reached = [p.objective for p in result.history if p.seconds <= checkpoint]
            row[f"objective_at_{checkpoint:g}s"] = round(min(reached)) if reached else None
        row[f"objective_at_{limit:g}s"] = result.objective
        row["shortfall_h"] = result.report.costs.shortfall_minutes / 60
        rows.append(row)
    return rows


def main() -> None:
    """Run both tables and print them."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=100)
    parser.add_argument("--seeds", default="0", help="comma-separated generator/solver seeds")
    parser.add_argument("--solve-limit", type=float, default=30.0)
    parser.add_argument("--replan-limit", type=float, default=8.0)
    parser.add_argument("--hint-limit", type=float, default=30.0)
    parser.add_argument("--skip-hint", action="store_true")
    args = parser.parse_args()
    replans, hints = [], []
    for seed in (int(s) for s in args.seeds.split(",")):
        with tempfile.TemporaryDirectory() as folder:
            week = published_week(Path(folder) / "week", args.size, seed, args.solve_limit)
            replans.append(run_replan(week, sick_calls(week), args.replan_limit, seed))
            print(pd.DataFrame([replans[-1]]).to_string(index=False), flush=True)
            if not args.skip_hint:
                nxt = next_week(Path(folder) / "next", args.size, seed)
                for row in run_hint(nxt, week, args.hint_limit, seed):
                    hints.append({"seed": seed, **row})
                    print(pd.DataFrame([hints[-1]]).to_string(index=False), flush=True)
    print(f"\n{default_workers()} workers; re-plan limit {args.replan_limit:g} s")
    print(markdown(pd.DataFrame(replans)))
    if hints:
        print(f"\nnext week, time limit {args.hint_limit:g} s")
        print(markdown(pd.DataFrame(hints)))


def markdown(table: pd.DataFrame) -> str:
    """A markdown table (without the optional tabulate package)."""
    cells = table.astype(object).where(table.notna(), "").astype(str)
    lines = ["| " + " | ".join(table.columns) + " |", "|" + "---|" * len(table.columns)]
    lines += ["| " + " | ".join(row) + " |" for row in cells.itertuples(index=False)]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
