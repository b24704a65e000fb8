"""The `scheduler` command line: a thin layer over the library."""

from __future__ import annotations

import functools
import sys
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO, TypeVar

import click

from scheduler.data import Assignment, Rules, Scenario
from scheduler.errors import InputError, InputWarning

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_BAD_INPUT = 2
EXIT_INFEASIBLE = 3
EXIT_NO_ROSTER_YET = 4


def reports_bad_input(command: F) -> F:
    """Turn an InputError into its one-line message and exit code 2, and an InputWarning
    into a ``warning:`` line on stderr."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        show_other = warnings.showwarning

        def show(
            message: Warning | str,
            category: type[Warning],
            filename: str,
            lineno: int,
            file: TextIO | None = None,
            line: str | None = None,
        ) -> None:
            if isinstance(message, InputWarning):
                click.echo(f"warning: {message}", err=True)
            else:
                show_other(message, category, filename, lineno, file, line)

        with warnings.catch_warnings():
            warnings.simplefilter("always", InputWarning)
            warnings.showwarning = show
            try:
                return command(*args, **kwargs)
            except InputError as error:
                click.echo(f"error: {error}", err=True)
                sys.exit(EXIT_BAD_INPUT)

    return wrapper  # type: ignore[return-value]


def search_options(time_limit: float, time_help: str, formulation: bool) -> Callable[[F], F]:
    """Time limit, workers and seed (and the break formulation) of a solving command."""

    def decorate(command: F) -> F:
        options = [
            click.option(
                "--time-limit",
                type=click.FloatRange(min=0.1),
                default=time_limit,
                show_default=True,
                help=time_help,
            ),
            click.option(
                "--workers",
                type=click.IntRange(min=1),
                default=None,
                help="CP-SAT worker threads [default: one per core].",
            ),
            click.option("--seed", type=int, default=0, show_default=True, help="Random seed."),
        ]
        if formulation:
            options.append(
                click.option(
                    "--formulation",
                    type=click.Choice(["aggregated", "individual"]),
                    default="aggregated",
                    show_default=True,
                    help="Breaks as counts per shift and skill class, or per person.",
                )
            )
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


solver_options = search_options(60.0, "Seconds before the best roster so far is kept.", True)
"""The options every solving command shares."""
replan_options = search_options(8.0, "Seconds for the whole re-plan (done within 10 s).", False)
"""Time limit, workers and seed of a re-plan."""


def format_option(command: F) -> F:
    """``--format xlsx,png``: the exports to write (names from scheduler.export.FORMATS)."""
    from scheduler.export import FORMATS

    def check(context: click.Context, parameter: click.Parameter, value: Any) -> list[str]:
        from scheduler.export import parse_formats

        try:
            return parse_formats(value or ())
        except ValueError as error:
            raise click.BadParameter(str(error), context, parameter) from None

    option = click.option(
        "--format",
        "formats",
        multiple=True,
        metavar="FORMATS",
        callback=check,
        help=f"Exports to write, comma-separated: {','.join(FORMATS)}.",
    )
    return option(command)


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
@click.option(
    "--explain-rules", is_flag=True, help="Print the effective rules of each group of staff."
)
@reports_bad_input
def validate(scenario: Path, explain_rules: bool) -> None:
    """Check a scenario folder and print what it holds."""
    from scheduler.model.size import MAX_VARIABLES, check_model_size

    problem = load(scenario)
    size = check_model_size(problem)
    click.echo(describe(problem))
    click.echo(f"  model: about {size.variables:,} variables (limit {MAX_VARIABLES:,})")
    if explain_rules:
        click.echo(describe_rules(problem))


def describe_rules(problem: Scenario) -> str:
    """The effective rules per office and group, with who they hold for."""
    books: dict[tuple[str, str], list[str]] = {}
    for person in problem.employees:
        office = "front office" if person.works_front else "back office"
        where = f"{office}, group {person.group}" if person.group else office
        books.setdefault((where, rules_text(problem.rules_for(person))), []).append(
            person.employee_id
        )
    lines = ["effective rules:"]
    for (where, text), ids in books.items():
        people = ", ".join(ids[:8]) + (f" and {len(ids) - 8} more" if len(ids) > 8 else "")
        lines.append(f"  {where} ({people}): {text}")
    return "\n".join(lines)


def rules_text(rules: Rules) -> str:
    """One rule book in one line."""
    parts = [
        f"min_rest_hours {rules.min_rest_minutes / 60:g}",
        f"weekly_rest_hours {rules.weekly_rest_minutes / 60:g}",
        f"max_consecutive_days {rules.max_consecutive_days}",
        "max_on_break "
        + ("none" if rules.max_on_break is None else f"{float(rules.max_on_break):g}"),
    ]
    if rules.max_days is not None:
        parts.append(f"max_days {rules.max_days}")
    if rules.forbidden_shifts:
        parts.append(f"forbidden_shifts {';'.join(sorted(rules.forbidden_shifts))}")
    return ", ".join(parts)


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
    "--lexicographic",
    is_flag=True,
    help="Solve tier by tier (shortfall, contract, preferences, fairness, surplus).",
)
@click.option(
    "--tier-tolerance",
    type=click.FloatRange(min=0),
    default=0.0,
    show_default=True,
    help="With --lexicographic: how far (relative) a tier may rise above its best later on.",
)
@click.option(
    "--log-json",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write each improvement to this file as one JSON line, flushed at once.",
)
@format_option
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
    lexicographic: bool,
    tier_tolerance: float,
    log_json: Path | None,
    formats: list[str],
    as_json: bool = False,
    hint: Path | None = None,
) -> None:
    """Solve a scenario and write the roster into OUT (and, with --format, its exports)."""
    from scheduler.export import write_formats
    from scheduler.export.folder import read_output
    from scheduler.export.outputs import summary, write_result
    from scheduler.export.progress import SolveWatch
    from scheduler.io.files import json_text
    from scheduler.solve import solve as run

    if hint is not None and (out / "roster.csv").resolve() == hint.resolve():
        raise InputError(str(hint), "the solve would overwrite its hint; choose another --out")
    problem = load(scenario)
    start = (read_hint(problem, hint) or None) if hint is not None else None
    # With --json, stdout carries the JSON alone; the readable lines go to stderr.
    say = functools.partial(click.echo, err=as_json)
    with SolveWatch(quiet=quiet, log_path=log_json, time_limit=time_limit) as watch:
        result = run(
            problem,
            time_limit=time_limit,
            workers=workers,
            seed=seed,
            formulation=formulation,  # type: ignore[arg-type]
            hint=start,
            on_progress=watch,
            lexicographic=lexicographic,
            tier_tolerance=tier_tolerance,
        )
        watch.finish(result)
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
    if formats:
        # From the folder just written, exactly as `scheduler export` would.
        files += write_formats(read_output(out), out, formats)
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


@main.command()
@click.argument("old_roster", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new_roster", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the changes as a JSON list.")
@reports_bad_input
def diff(old_roster: Path, new_roster: Path, as_json: bool) -> None:
    """List per person what changed from OLD_ROSTER to NEW_ROSTER (two roster.csv files)."""
    import json

    from scheduler.diff import change_records, changes_text, diff_files

    changes = diff_files(old_roster, new_roster)
    if as_json:
        click.echo(json.dumps(change_records(changes), indent=2, ensure_ascii=False))
    else:
        click.echo(changes_text(changes))


@main.command()
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@reports_bad_input
def show(out_dir: Path) -> None:
    """Print the roster in OUT_DIR (a solve's output folder) as a people-by-days grid."""
    from scheduler.export.folder import read_output
    from scheduler.export.show import print_output

    print_output(read_output(out_dir))


@main.command()
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@format_option
@reports_bad_input
def export(out_dir: Path, formats: list[str]) -> None:
    """Write exports of the solve in OUT_DIR into OUT_DIR (every format without --format)."""
    from scheduler.export import FORMATS, write_formats
    from scheduler.export.folder import read_output

    output = read_output(out_dir)
    files = write_formats(output, out_dir, formats or list(FORMATS))
    click.echo("wrote " + ", ".join(str(f) for f in files))


EXIT_SOME_FAILED = 1
"""``sweep``: the results were written, but some scenarios have an error instead of KPIs."""


@main.command()
@click.argument("grid", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="CSV with one row per scenario: its parameters, KPIs and error.",
)
@click.option(
    "--scheduler-address",
    envvar="SCHEDULER_ADDRESS",
    default=None,
    help="A running Dask scheduler, e.g. tcp://10.0.0.5:8786 [env SCHEDULER_ADDRESS; "
    "default: a LocalCluster on this machine].",
)
@click.option(
    "--workers-per-solve",
    type=click.IntRange(min=1),
    default=None,
    help="CP-SAT threads per solve [default: the cores shared out among the Dask workers].",
)
@click.option(
    "--dask-workers",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes of the LocalCluster [default: cores / workers-per-solve].",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="Seconds per solve.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@reports_bad_input
def sweep(
    grid: Path,
    out: Path,
    scheduler_address: str | None,
    workers_per_solve: int | None,
    dask_workers: int | None,
    time_limit: float,
    seed: int,
    quiet: bool,
) -> None:
    """Solve every scenario of GRID.toml (a base folder and axes to vary) on Dask."""
    from scheduler.batch import read_grid
    from scheduler.batch import sweep as run_sweep
    from scheduler.io.escape import escape_frame
    from scheduler.io.files import write_csv

    cases = read_grid(grid).cases()
    frame = run_sweep(
        cases,
        time_limit=time_limit,
        seed=seed,
        workers_per_solve=workers_per_solve,
        n_workers=dask_workers,
        scheduler_address=scheduler_address,
        progress=not quiet,
    )
    # Names and errors come from input data and the file is opened in spreadsheets.
    write_csv(out, escape_frame(frame))
    failed = frame[frame["error"].notna()]
    counts = frame["status"].value_counts()
    click.echo(
        f"{len(frame)} scenarios: "
        + ", ".join(f"{count} {status}" for status, count in counts.items())
        + f"; wrote {out}"
    )
    for _, row in failed.iterrows():
        click.echo(f"  {row['scenario']}: {row['error']}", err=True)
    if len(failed):
        sys.exit(EXIT_SOME_FAILED)


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
        f"{result.status}: {result.num_changes} change{'' if result.num_changes == 1 else 's'} "
        f"({', '.join(f'{k} {v}' for k, v in data['replan'].items() if k in CHANGE_KINDS)}), "
        f"shortfall {costs.shortfall_minutes / 60:.1f} h after {result.solve_seconds:.1f} s"
    )
    for violation in result.report.violations:
        click.echo(f"  verifier: {violation}", err=True)
    say("wrote " + ", ".join(str(f) for f in files))


CHANGE_KINDS = ("moved", "location", "added", "removed", "absent")


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


if __name__ == "__main__":
    main()
