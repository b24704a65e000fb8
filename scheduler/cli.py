"""The `scheduler` command line: a thin layer over the library."""

from __future__ import annotations

import functools
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from scheduler.data import Scenario
from scheduler.errors import InputError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_BAD_INPUT = 2
EXIT_INFEASIBLE = 3
EXIT_NO_ROSTER_YET = 4


def reports_bad_input(command: F) -> F:
    """Turn an InputError into its one-line message and exit code 2."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except InputError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(EXIT_BAD_INPUT)

    return wrapper  # type: ignore[return-value]


def solver_options(command: F) -> F:
    """The options every solving command shares."""
    options = [
        click.option(
            "--time-limit",
            type=click.FloatRange(min=0.1),
            default=60.0,
            show_default=True,
            help="Seconds before the best roster so far is kept.",
        ),
        click.option(
            "--workers",
            type=click.IntRange(min=1),
            default=None,
            help="CP-SAT worker threads [default: one per core].",
        ),
        click.option("--seed", type=int, default=0, show_default=True, help="Random seed."),
        click.option(
            "--formulation",
            type=click.Choice(["aggregated", "individual"]),
            default="aggregated",
            show_default=True,
            help="Breaks as counts per shift and skill class, or per person.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


scenario_argument = click.argument("scenario", type=click.Path(file_okay=False, path_type=Path))


def load(path: Path) -> Scenario:
    """Read a scenario folder (InputError on any problem)."""
    from scheduler.io.scenario import read_scenario

    return read_scenario(path)


@click.group()
@click.version_option(package_name="scheduler")
def main() -> None:
    """Weekly staff rosters with staggered breaks, solved with OR-Tools CP-SAT."""


@main.command()
@scenario_argument
@reports_bad_input
def validate(scenario: Path) -> None:
    """Check a scenario folder and print what it holds."""
    problem = load(scenario)
    click.echo(describe(problem))


def describe(problem: Scenario) -> str:
    """A few lines on a scenario's size."""
    horizon = problem.horizon
    required = problem.required()
    demand_hours = sum(required[None]) * horizon.interval_minutes / 60
    contract_hours = sum(e.contract_minutes for e in problem.employees) / 60
    offices = Counter(str(e.office) for e in problem.employees)
    lines = [
        f"scenario {problem.name}: {horizon.days} days from {horizon.start}, "
        f"{horizon.interval_minutes}-minute intervals",
        f"  {problem.num_employees} people ({offices['front']} front office, "
        f"{offices['back']} back office, {offices['both']} cross-trained), "
        f"{len(problem.shifts)} shift templates, {len(problem.breaks)} breaks per long shift",
        f"  demand {demand_hours:.1f} person-hours on the floor"
        f" (skills: {', '.join(problem.skills_demanded()) or 'none'});"
        f" contracts {contract_hours * horizon.days / 7:.1f} h",
    ]
    policy = problem.back_office
    if offices["back"] + offices["both"]:
        lines.append(
            f"  back office: {len(policy.anchors)} anchor days, {len(policy.covers)} cover rules, "
            f"desks {'unlimited' if policy.desks is None else policy.desks}"
        )
    return "\n".join(lines)


@main.command()
@scenario_argument
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for roster.csv, coverage.csv and summary.json.",
)
@solver_options
@click.option("--quiet", is_flag=True, help="Print nothing while solving.")
@reports_bad_input
def solve(
    scenario: Path,
    out: Path,
    time_limit: float,
    workers: int | None,
    seed: int,
    formulation: str,
    quiet: bool,
) -> None:
    """Solve a scenario and write the roster into OUT."""
    from scheduler.export.outputs import write_result
    from scheduler.solve import Progress
    from scheduler.solve import solve as run

    problem = load(scenario)

    def report(progress: Progress) -> None:
        click.echo(
            f"  {progress.seconds:7.1f} s  objective {progress.objective:,.0f}"
            f"  bound {progress.bound:,.0f}  gap {100 * progress.gap:.2f} %",
            err=True,
        )

    result = run(
        problem,
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        formulation=formulation,  # type: ignore[arg-type]
        on_progress=None if quiet else report,
    )
    if result.status == "infeasible":
        write_result(result, out)
        click.echo("no roster satisfies the hard rules; these rule groups conflict:", err=True)
        for line in result.conflicts:
            click.echo(f"  - {line}", err=True)
        sys.exit(EXIT_INFEASIBLE)
    if not result.found:
        if result.interrupted:
            click.echo("interrupted before any roster was found", err=True)
        else:
            click.echo(f"no roster found within {time_limit:g} s; allow more time", err=True)
        sys.exit(EXIT_NO_ROSTER_YET)
    files = write_result(result, out)
    assert result.report is not None
    costs = result.report.costs
    gap = result.gap or 0.0
    click.echo(
        f"{result.status}: {len(result.assignments)} shifts for "
        f"{len({a.employee_id for a in result.assignments})} people, "
        f"shortfall {costs.shortfall_minutes / 60:.1f} h, "
        f"surplus {costs.surplus_minutes / 60:.1f} h, "
        f"gap {100 * gap:.2f} % after {result.solve_seconds:.1f} s"
    )
    for violation in result.report.violations:
        click.echo(f"  verifier: {violation}", err=True)
    click.echo("wrote " + ", ".join(str(f) for f in files))


@main.command()
@scenario_argument
@click.argument("roster", type=click.Path(dir_okay=False, path_type=Path))
@reports_bad_input
def check(scenario: Path, roster: Path) -> None:
    """Check a roster (e.g. edited by hand) against every rule of the scenario."""
    from scheduler.verify import verify

    problem = load(scenario)
    report = verify(problem, roster)
    costs = report.costs
    for line in report.summary_lines():
        click.echo(line)
    click.echo(
        f"{len(report.violations)} broken rules; shortfall {costs.shortfall_minutes / 60:.1f} h, "
        f"surplus {costs.surplus_minutes / 60:.1f} h, objective {costs.objective:,}"
    )
    sys.exit(EXIT_OK if report.ok else EXIT_VIOLATIONS)


@main.command()
@click.argument("calls", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--aht",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Average handling time in seconds (an aht column in CALLS overrides it per row).",
)
@click.option(
    "--service-level",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=0.8,
    show_default=True,
    help="Share of calls to answer within --answer-within seconds.",
)
@click.option(
    "--answer-within",
    type=click.FloatRange(min=0),
    default=20.0,
    show_default=True,
    help="The service level's threshold in seconds.",
)
@click.option(
    "--shrinkage",
    type=click.FloatRange(0, 1, max_open=True),
    default=0.0,
    show_default=True,
    help="Share of paid time lost off the floor beyond the rostered breaks (absence, training).",
)
@click.option(
    "--max-occupancy",
    type=click.FloatRange(0, 1, min_open=True),
    default=None,
    help="Highest share of an agent's time spent on calls [default: no cap].",
)
@click.option(
    "--patience",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Mean seconds a caller waits before hanging up: Erlang A [default: Erlang C].",
)
@click.option(
    "--interval-minutes",
    type=click.Choice(["5", "10", "15", "30", "60"]),
    default="15",
    show_default=True,
    help="Interval grid of the forecast, and the length of a row without an end.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The demand.csv to write.",
)
@reports_bad_input
def demand(
    calls: Path,
    aht: float | None,
    service_level: float,
    answer_within: float,
    shrinkage: float,
    max_occupancy: float | None,
    patience: float | None,
    interval_minutes: str,
    out: Path,
) -> None:
    """Turn a call forecast CALLS (CSV) into a demand.csv by Erlang C (or Erlang A)."""
    from scheduler.io.calls import read_calls, write_demand
    from scheduler.staffing import staffing_table

    if out.resolve() == calls.resolve():
        raise click.UsageError("--out must not be the forecast itself; inputs are never modified")
    forecast = read_calls(calls, int(interval_minutes), aht)
    table = staffing_table(
        forecast,
        service_level=service_level,
        answer_within=answer_within,
        max_occupancy=max_occupancy,
        shrinkage=shrinkage,
        patience=patience,
    )
    write_demand(out, table)
    hours = float((table["required"] * table["minutes"]).sum()) / 60
    model = "Erlang C" if patience is None else f"Erlang A, patience {patience:g} s"
    click.echo(
        f"wrote {out}: {len(table)} intervals, {hours:.1f} person-hours, "
        f"peak {table['required'].max()} people ({model})"
    )
