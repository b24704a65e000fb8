"""The `scheduler` command line: a thin layer over the library."""

from __future__ import annotations

import functools
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from scheduler.data import Assignment, Scenario
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
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print summary.json (with the conflicts when infeasible) on stdout, as data.",
)
@click.option(
    "--hint",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A published roster.csv to start from (rows that no longer fit are skipped).",
)
@reports_bad_input
def solve(
    scenario: Path,
    out: Path,
    time_limit: float,
    workers: int | None,
    seed: int,
    formulation: str,
    quiet: bool,
    as_json: bool = False,
    hint: Path | None = None,
) -> None:
    """Solve a scenario and write the roster into OUT."""
    from scheduler.export.outputs import summary, write_result
    from scheduler.io.files import json_text
    from scheduler.solve import Progress
    from scheduler.solve import solve as run

    if hint is not None and (out / "roster.csv").resolve() == hint.resolve():
        raise InputError(str(hint), "the solve would overwrite its hint; choose another --out")
    problem = load(scenario)
    start = (read_hint(problem, hint) or None) if hint is not None else None
    # With --json, stdout carries the JSON alone; the readable lines go to stderr.
    say = functools.partial(click.echo, err=as_json)

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
        hint=start,
        on_progress=None if quiet else report,
    )
    if as_json:
        click.echo(json_text(summary(result)))
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
    say(
        f"{result.status}: {len(result.assignments)} shifts for "
        f"{len({a.employee_id for a in result.assignments})} people, "
        f"shortfall {costs.shortfall_minutes / 60:.1f} h, "
        f"surplus {costs.surplus_minutes / 60:.1f} h, "
        f"gap {100 * gap:.2f} % after {result.solve_seconds:.1f} s"
    )
    for violation in result.report.violations:
        click.echo(f"  verifier: {violation}", err=True)
    say("wrote " + ", ".join(str(f) for f in files))


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


def read_hint(problem: Scenario, path: Path) -> list[Assignment]:
    """The shifts of a published roster as a starting point; warns of each row skipped."""
    from scheduler.published import read_published

    published = read_published(problem, path, strict=False)
    if published.shift_days:
        click.echo(f"hint: moved {path.name} by {published.shift_days} days", err=True)
    for warning in published.skipped[:MAX_WARNINGS]:
        click.echo(f"warning: {warning}", err=True)
    if len(published.skipped) > MAX_WARNINGS:
        click.echo(f"warning: {len(published.skipped) - MAX_WARNINGS} more rows skipped", err=True)
    return published.assignments


MAX_WARNINGS = 10
"""Rows skipped from a hint that are named one by one."""


def replan_options(command: F) -> F:
    """Time limit, workers and seed of a re-plan (8 s by default: done within 10 s)."""
    options = [
        click.option(
            "--time-limit",
            type=click.FloatRange(min=0.1),
            default=8.0,
            show_default=True,
            help="Seconds for the whole re-plan.",
        ),
        click.option(
            "--workers",
            type=click.IntRange(min=1),
            default=None,
            help="CP-SAT worker threads [default: one per core].",
        ),
        click.option("--seed", type=int, default=0, show_default=True, help="Random seed."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@main.command()
@scenario_argument
@click.option(
    "--published",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The published roster.csv.",
)
@click.option(
    "--absent",
    "absent",
    multiple=True,
    required=True,
    metavar="EMPLOYEE:FIRST[..LAST]",
    help="Who is away on which dates, e.g. E17:2026-12-09..2026-12-10 (repeatable).",
)
@click.option(
    "--from",
    "from_",
    default=None,
    metavar="DATE-TIME",
    help="Nothing starting before this changes, e.g. 2026-12-09T08:00 "
    "[default: midnight of the first absent date].",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for changes.csv, roster.csv, coverage.csv and summary.json.",
)
@replan_options
@click.option("--json", "as_json", is_flag=True, help="Print summary.json on stdout, as data.")
@reports_bad_input
def replan(
    scenario: Path,
    published: Path,
    absent: tuple[str, ...],
    from_: str | None,
    out: Path,
    time_limit: float,
    workers: int | None,
    seed: int,
    as_json: bool,
) -> None:
    """Fill the holes absences leave in a published roster, changing as little as possible."""
    from scheduler.io.files import json_text, write_json
    from scheduler.replan import parse_absence, parse_from, replan_data, write_replan
    from scheduler.replan import replan as run

    absences = [parse_absence(text) for text in absent]
    start = parse_from(from_) if from_ is not None else None
    if (out / "roster.csv").resolve() == published.resolve():
        raise InputError(
            str(published), "the re-plan would overwrite the published roster; choose another --out"
        )
    problem = load(scenario)
    result = run(problem, published, absences, start, time_limit, workers, seed)
    data = replan_data(result)
    say = functools.partial(click.echo, err=as_json)
    if as_json:
        click.echo(json_text(data))
    if result.status == "infeasible":
        write_json(out / "summary.json", data)
        click.echo("no re-plan satisfies the hard rules; these rule groups conflict:", err=True)
        for line in result.conflicts:
            click.echo(f"  - {line}", err=True)
        sys.exit(EXIT_INFEASIBLE)
    if not result.found:
        click.echo(f"no re-plan found within {time_limit:g} s; allow more time", err=True)
        sys.exit(EXIT_NO_ROSTER_YET)
    files = write_replan(result, out)
    assert result.report is not None
    for change in result.changes:
        say(f"  {change}")
    costs = result.report.costs
    say(
        f"{result.status}: {result.num_changes} changes "
        f"({', '.join(f'{k} {v}' for k, v in data['replan'].items() if k in CHANGE_KINDS)}), "
        f"shortfall {costs.shortfall_minutes / 60:.1f} h after {result.solve_seconds:.1f} s"
    )
    for violation in result.report.violations:
        click.echo(f"  verifier: {violation}", err=True)
    say("wrote " + ", ".join(str(f) for f in files))


CHANGE_KINDS = ("moved", "added", "removed", "absent")


@main.command()
@scenario_argument
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the runs and reasons as JSON.")
@reports_bad_input
def explain(scenario: Path, out_dir: Path, as_json: bool) -> None:
    """Say why each short stretch of a solve's roster (in OUT_DIR) is short."""
    from scheduler.explain import explain_shortages
    from scheduler.export.folder import ROSTER_FILE, read_output
    from scheduler.io.files import json_text
    from scheduler.replan import with_replan_absences

    problem = load(scenario)
    output = read_output(out_dir)
    solved_for = output.summary.get("scenario")
    if solved_for is not None and solved_for != problem.name:
        click.echo(
            f"warning: {out_dir} was solved for scenario {solved_for!r}, not {problem.name!r}",
            err=True,
        )
    # A re-plan's roster is judged with its absences, as the verifier judged it.
    problem = with_replan_absences(problem, output.summary)
    shortages = explain_shortages(problem, out_dir / ROSTER_FILE)
    if as_json:
        click.echo(json_text({"shortages": [s.to_dict() for s in shortages]}))
        return
    for shortage in shortages:
        click.echo(str(shortage))
    reasons = Counter(s.reason for s in shortages)
    hours = sum(s.short_minutes for s in shortages) / 60
    click.echo(
        f"{len(shortages)} short stretches, {hours:g} person-hours short"
        + (": " + ", ".join(f"{r} {n}" for r, n in reasons.most_common()) if reasons else "")
    )
