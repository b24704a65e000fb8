"""Benchmark: the generated contact centre at growing size, both break formulations.

Prints one table (N, formulation, variables, constraints, seconds to the first roster,
seconds to a 1 % gap, gap at the time limit, peak memory) and writes it to
benchmarks/results/. Each run is solved in a process of its own, so its peak memory is its
own. A size may carry its own time limit (``800:120``), and ``--seeds 0-2`` runs each size
once per generator and solver seed, adding a table of objective / bound (gap) with one column
per seed. The README's tables are these two commands:

    python benchmarks/contact_centre.py --sizes 100,200,400,800:120,1600:300 \
        --formulations aggregated
    python benchmarks/contact_centre.py --sizes 100,200,400 --formulations aggregated \
        --back-office 0.4 --cross-trained 0.1 --seeds 0-2
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from curtois import parse_numbers
from generate import write_contact_centre

from scheduler.io.files import write_csv
from scheduler.io.scenario import read_scenario
from scheduler.solve import default_workers, solve


def run(
    size: int,
    formulation: str,
    time_limit: float,
    seed: int,
    back_share: float = 0.0,
    cross_share: float = 0.0,
    alone: bool = False,
    days: int = 7,
    country: str | None = None,
) -> dict[str, object]:
    """Solve one generated contact centre of ``size`` people in all and measure it; ``alone``
    in a fresh process, so that its peak memory is not an earlier run's."""
    if alone:
        # "spawn" starts the child without this process's memory; "fork" would carry it over.
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            args = (
                size,
                formulation,
                time_limit,
                seed,
                back_share,
                cross_share,
                False,
                days,
                country,
            )
            return pool.submit(run, *args).result()
    front = round(size * (1 - back_share))
    with tempfile.TemporaryDirectory() as folder:
        write_contact_centre(
            Path(folder),
            front,
            seed=seed,
            days=days,
            back_share=back_share,
            cross_share=cross_share,
            country=country,
        )
        scenario = read_scenario(Path(folder))
    started = time.perf_counter()
    result = solve(scenario, time_limit=time_limit, seed=seed, formulation=formulation)  # type: ignore[arg-type]
    wall = time.perf_counter() - started
    first = result.history[0].seconds if result.history else None
    within_1 = next((p.seconds for p in result.history if p.gap <= 0.01), None)
    if within_1 is None and result.status == "optimal":
        within_1 = result.solve_seconds
    if result.report is not None and not result.report.ok:
        raise SystemExit(f"verifier rejected the roster at N={size}: {result.report.violations[0]}")
    shortfall = None if result.report is None else result.report.costs.shortfall_minutes / 60
    return {
        "N": size,
        "days": days,
        "formulation": formulation,
        "variables": result.num_variables,
        "constraints": result.num_constraints,
        "first_roster_s": None if first is None else round(first, 1),
        "gap_1pct_s": None if within_1 is None else round(within_1, 1),
        "gap_at_limit_pct": None if result.gap is None else round(100 * result.gap, 2),
        "status": result.status,
        "objective": result.objective,
        "bound": result.best_bound,
        "shortfall_h": shortfall,
        "wall_s": round(wall, 1),
        # Peak resident memory of this process so far: the run's own in a process of its own.
        "peak_rss_gib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2),
    }


def parse_sizes(text: str, time_limit: float) -> list[tuple[int, float]]:
    """``"100,800:120"`` -> ``[(100, time_limit), (800, 120.0)]``: sizes and their limits."""
    sizes = []
    for part in text.split(","):
        size, _, seconds = part.strip().partition(":")
        sizes.append((int(size), float(seconds) if seconds else time_limit))
    return sizes


def by_seed(table: pd.DataFrame) -> pd.DataFrame:
    """One row per size and formulation, one column per seed: objective / bound (gap)."""

    def cell(row: pd.Series) -> str:
        if pd.isna(row["objective"]):
            return "no roster"
        gap = row["gap_at_limit_pct"]
        text = f"{round(row['objective']):,} / {round(row['bound']):,}"
        return text if pd.isna(gap) else f"{text} ({gap:.2f} %)"

    cells = table.assign(cell=table.apply(cell, axis=1))
    wide = cells.pivot_table(
        index=["N", "formulation"], columns="seed", values="cell", aggfunc="first", sort=False
    )
    wide.columns = [f"seed {seed}" for seed in wide.columns]
    return wide.reset_index()


def main(argv: list[str] | None = None) -> None:
    """Run the table and print it."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100,200,400", help="e.g. 100,200,800:120")
    parser.add_argument("--formulations", default="aggregated,individual")
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds unless a size says")
    parser.add_argument("--seed", type=int, default=0, help="generator and solver seed")
    parser.add_argument("--seeds", default=None, help="several seeds, e.g. 0-2 (overrides --seed)")
    parser.add_argument("--back-office", type=float, default=0.0, help="share in the back office")
    parser.add_argument("--cross-trained", type=float, default=0.0, help="share cross-trained")
    parser.add_argument("--days", type=int, default=7, help="horizon length in days")
    parser.add_argument("--country", default=None, help="public holidays of, e.g. PL")
    parser.add_argument("--in-process", action="store_true", help="no process per run")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args(argv)
    try:
        seeds = parse_numbers(args.seeds) if args.seeds else [args.seed]
        sizes = parse_sizes(args.sizes, args.time_limit)
    except ValueError:
        parser.error(f"expected --sizes like 100,800:120, got {args.sizes!r} (--seeds like 0-2)")
    if not 1 <= args.days <= 56:
        parser.error(f"expected --days from 1 to 56, got {args.days}")
    rows = []
    for seed in seeds:
        for size, time_limit in sizes:
            for formulation in args.formulations.split(","):
                measured = run(
                    size,
                    formulation,
                    time_limit,
                    seed,
                    args.back_office,
                    args.cross_trained,
                    alone=not args.in_process,
                    days=args.days,
                    country=args.country,
                )
                rows.append({"seed": seed, "time_limit_s": time_limit, **measured})
                print(
                    pd.DataFrame([rows[-1]]).to_string(index=False, header=len(rows) == 1),
                    flush=True,
                )
    table = pd.DataFrame(rows)
    print(f"\n{default_workers()} workers")
    print(_format(table))
    if len(seeds) > 1:
        print(f"\n{_format(by_seed(table))}")
    args.out.mkdir(parents=True, exist_ok=True)
    suffix = (
        ("_back_office" if args.back_office else "")
        + (f"_{args.days}_days" if args.days != 7 else "")
        + (f"_{args.country}" if args.country else "")
    )
    write_csv(args.out / f"contact_centre{suffix}.csv", table)


def _format(table: pd.DataFrame) -> str:
    return table.to_markdown(index=False) if _has_tabulate() else table.to_string(index=False)


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    main()
