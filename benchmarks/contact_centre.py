"""Benchmark: the generated contact centre at growing size, both break formulations.

Prints one table (N, formulation, variables, constraints, seconds to the first roster,
seconds to a 1 % gap, gap at the time limit) and writes it to benchmarks/results/.

    python benchmarks/contact_centre.py --sizes 100,200,400 --time-limit 60
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

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
) -> dict[str, object]:
    """Solve one generated contact centre of ``size`` people in all and measure it."""
    front = round(size * (1 - back_share))
    with tempfile.TemporaryDirectory() as folder:
        write_contact_centre(
            Path(folder), front, seed=seed, back_share=back_share, cross_share=cross_share
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
        "formulation": formulation,
        "variables": result.num_variables,
        "constraints": result.num_constraints,
        "first_roster_s": None if first is None else round(first, 1),
        "gap_1pct_s": None if within_1 is None else round(within_1, 1),
        f"gap_at_{time_limit:g}s_pct": None if result.gap is None else round(100 * result.gap, 2),
        "status": result.status,
        "objective": result.objective,
        "bound": result.best_bound,
        "shortfall_h": shortfall,
        "wall_s": round(wall, 1),
        # Peak resident memory of this process so far (sizes run in the order given).
        "peak_rss_gib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2),
    }


def main() -> None:
    """Run the table and print it."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100,200,400")
    parser.add_argument("--formulations", default="aggregated,individual")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--back-office", type=float, default=0.0, help="share in the back office")
    parser.add_argument("--cross-trained", type=float, default=0.0, help="share cross-trained")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args()
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        for formulation in args.formulations.split(","):
            rows.append(
                run(
                    size,
                    formulation,
                    args.time_limit,
                    args.seed,
                    args.back_office,
                    args.cross_trained,
                )
            )
            print(
                pd.DataFrame([rows[-1]]).to_string(index=False, header=len(rows) == 1), flush=True
            )
    table = pd.DataFrame(rows)
    print(f"\n{default_workers()} workers, time limit {args.time_limit:g} s")
    print(table.to_markdown(index=False) if _has_tabulate() else table.to_string(index=False))
    args.out.mkdir(parents=True, exist_ok=True)
    suffix = "_back_office" if args.back_office else ""
    write_csv(args.out / f"contact_centre{suffix}.csv", table)


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    main()
