"""Solve many scenarios at once on Dask distributed: what-if grids and sweeps.

A *grid* is a base scenario and axes to vary; each point of their cartesian product is the
base with :meth:`~scheduler.data.Scenario.with_changes`. :func:`sweep` solves the scenarios in
parallel on a Dask cluster (a LocalCluster unless told of one) and returns one row per
scenario, in the given order: its parameters, its KPIs (see
:data:`scheduler.export.kpis.KPI_NAMES`) and ``error``, which says why a scenario gave no
result. A scenario that fails (it cannot be built, the solve raises, a worker dies, the
verifier rejects the roster) is such a row; the sweep goes on.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from scheduler.data import Scenario
from scheduler.errors import InputError
from scheduler.io.tables import read_toml

if TYPE_CHECKING:
    from distributed import Client

__all__ = [
    "SCHEDULER_ADDRESS_ENV",
    "Case",
    "Grid",
    "grid",
    "local_sizes",
    "read_grid",
    "solve_case",
    "sweep",
]

SCHEDULER_ADDRESS_ENV = "SCHEDULER_ADDRESS"
"""Environment variable naming a running Dask scheduler, e.g. ``tcp://10.0.0.5:8786``."""

_PLAIN_AXES = ("demand_scale", "absent")
_TABLE_AXES = ("rules", "weights", "back_office")
_AXIS_FORMS = "demand_scale, absent, rules.KEY, weights.KEY, back_office.KEY, breaks.NAME.KEY"


@dataclass(frozen=True)
class Case:
    """One scenario of a sweep, the parameters it was built from, or why it could not be built."""

    name: str
    params: Mapping[str, Any] = field(default_factory=dict)
    scenario: Scenario | None = None
    error: str | None = None


@dataclass(frozen=True)
class Grid:
    """A base scenario and the axes to vary, as a GRID.toml names them."""

    base: Scenario
    axes: Mapping[str, Sequence[Any]]

    def cases(self) -> list[Case]:
        """The cartesian product of the axes applied to the base (see :func:`grid`)."""
        return grid(self.base, self.axes)


def grid(base: Scenario, axes: Mapping[str, Sequence[Any]]) -> list[Case]:
    """Every combination of the axes' values, applied to ``base`` with ``with_changes``.

    Parameters
    ----------
    base
        The scenario every case starts from.
    axes
        Axis name to its values, e.g. ``{"demand_scale": [1.0, 1.1], "rules.max_on_break":
        [0.3, 0.2], "absent": [{}, {"E07": ["2026-12-09"]}]}``. Names: ``demand_scale``,
        ``absent``, ``rules.KEY``, ``weights.KEY``, ``back_office.KEY`` (keys of
        ``scenario.toml``) and ``breaks.NAME.KEY``. The first axis varies slowest.

    Returns
    -------
    list[Case]
        A case whose changes are rejected carries the error instead of a scenario.

    Raises
    ------
    InputError
        For an axis name not of these forms or an axis without values.
    """
    _check_axes("grid", axes)
    names = list(axes)
    cases = []
    for values in itertools.product(*(axes[name] for name in names)):
        params = dict(zip(names, values, strict=True))
        label = ", ".join(f"{name}={_param_text(value)}" for name, value in params.items())
        label = label or base.name
        try:
            scenario = base.with_changes(name=label, **_changes(params))
        except InputError as error:
            cases.append(Case(label, params, error=_error_text(error)))
        else:
            cases.append(Case(label, params, scenario))
    return cases


def read_grid(path: str | Path) -> Grid:
    """Read a GRID.toml: ``base`` (a scenario folder, relative to the file) and ``[axes]``.

    Example::

        base = "../data/sample"
        [axes]
        demand_scale = [1.0, 1.1]
        rules.max_on_break = [0.3, 0.2]
        absent = [{}, { E07 = ["2026-12-09", "2026-12-10"] }]

    Raises
    ------
    InputError
        Naming the grid file and key (or the scenario's file) for the first problem.
    """
    from scheduler.io.scenario import read_scenario

    file = Path(path)
    values = read_toml(file)
    for key in values:
        if key not in ("base", "axes"):
            raise InputError(file.name, f"unknown key {key!r}; expected base, axes", column=key)
    base = values.get("base")
    if not isinstance(base, str) or not base.strip():
        message = "expected the base scenario folder as a string, e.g. base = 'data/sample'"
        raise InputError(file.name, message, column="base")
    axes_table = values.get("axes", {})
    if not isinstance(axes_table, dict):
        raise InputError(file.name, "expected a table [axes]", column="axes")
    axes = dict(_flatten(axes_table))
    _check_axes(file.name, axes)
    return Grid(read_scenario(file.parent / base.strip()), axes)


def sweep(
    scenarios: Grid | Mapping[str, Scenario] | Iterable[Scenario | Case],
    *,
    time_limit: float = 10.0,
    seed: int = 0,
    workers_per_solve: int | None = None,
    n_workers: int | None = None,
    scheduler_address: str | None = None,
    client: Client | None = None,
    progress: bool = True,
) -> pd.DataFrame:
    """Solve scenarios in parallel on Dask distributed; one row per scenario, in order.

    Parameters
    ----------
    scenarios
        Scenarios by name, a list of scenarios (named by their ``name``), a :class:`Grid`
        or cases from :func:`grid` (their parameters become columns).
    time_limit, seed
        For each solve.
    workers_per_solve
        CP-SAT threads per solve. Default: the cores shared out, so that Dask workers times
        solver threads do not exceed the cores (on a running cluster, of its busiest host).
    n_workers
        Worker processes of the LocalCluster (one thread each); default the cores divided by
        ``workers_per_solve``, at most one per scenario.
    scheduler_address
        A running Dask scheduler to use instead of a LocalCluster; default the environment
        variable ``SCHEDULER_ADDRESS``.
    client
        A connected Dask client to use (it is left open).
    progress
        Show a progress bar (on stderr, or in the notebook).

    Returns
    -------
    pandas.DataFrame
        Columns ``scenario``, the parameters, the KPIs, and ``error`` (None when solved).
    """
    cases = _as_cases(scenarios)
    rows: dict[int, dict[str, Any]] = {
        index: _row(case, error=case.error)
        for index, case in enumerate(cases)
        if case.scenario is None
    }
    todo = [index for index, case in enumerate(cases) if case.scenario is not None]
    if todo:
        address = scheduler_address or os.environ.get(SCHEDULER_ADDRESS_ENV) or None
        with _client(client, address, n_workers, workers_per_solve, len(todo)) as (dask, threads):
            rows.update(_run(dask, cases, todo, time_limit, seed, threads, progress))
    return pd.DataFrame([rows[index] for index in range(len(cases))])


def solve_case(case: Case, time_limit: float, workers: int, seed: int) -> dict[str, Any]:
    """Solve one case (on a Dask worker): its row of parameters, KPIs and error."""
    from scheduler.export.kpis import kpi_values
    from scheduler.solve import solve

    assert case.scenario is not None
    try:
        result = solve(case.scenario, time_limit=time_limit, workers=workers, seed=seed)
    except Exception as failure:
        return _row(case, error=_error_text(failure))
    problem = None
    if result.report is not None and not result.report.ok:
        violations = result.report.summary_lines()
        more = f" (and {len(violations) - 1} more)" if len(violations) > 1 else ""
        problem = f"verifier: {violations[0]}{more}"
    return _row(case, kpi_values(result), problem)


# --------------------------------------------------------------------------------------------


def _as_cases(
    scenarios: Grid | Mapping[str, Scenario] | Iterable[Scenario | Case],
) -> list[Case]:
    if isinstance(scenarios, Grid):
        return scenarios.cases()
    if isinstance(scenarios, Mapping):
        return [Case(name, scenario=scenario) for name, scenario in scenarios.items()]
    cases = []
    for item in scenarios:
        if isinstance(item, Case):
            cases.append(item)
        else:
            cases.append(Case(item.name or f"scenario {len(cases) + 1}", scenario=item))
    return cases


def _row(
    case: Case, kpis: Mapping[str, Any] | None = None, error: str | None = None
) -> dict[str, Any]:
    from scheduler.export.kpis import KPI_NAMES

    row: dict[str, Any] = {"scenario": case.name}
    row.update({name: _param_cell(value) for name, value in case.params.items()})
    row.update({name: (kpis or {}).get(name) for name in KPI_NAMES})
    if kpis is None:
        row["status"] = "error"
    row["error"] = error
    return row


def _error_text(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def _run(
    client: Client,
    cases: list[Case],
    todo: list[int],
    time_limit: float,
    seed: int,
    threads: int,
    progress: bool,
) -> dict[int, dict[str, Any]]:
    """Submit the cases, collect rows as they finish; a lost task is an error row."""
    from distributed import as_completed

    futures = {
        client.submit(solve_case, cases[i], time_limit, threads, seed, pure=False): i for i in todo
    }
    rows = {}
    with _progress_bar(len(futures), progress) as advance:
        for future in as_completed(futures):
            index = futures[future]
            try:
                rows[index] = future.result()
            except Exception as error:
                rows[index] = _row(cases[index], error=_error_text(error))
            advance()
    return rows


@contextmanager
def _progress_bar(total: int, show: bool) -> Iterator[Any]:
    if not show:
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    columns = ("solving", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True)) as bar:
        task = bar.add_task("sweep", total=total)
        yield lambda: bar.advance(task)


@contextmanager
def _client(
    client: Client | None,
    address: str | None,
    n_workers: int | None,
    workers_per_solve: int | None,
    num_tasks: int,
) -> Iterator[tuple[Client, int]]:
    """A Dask client and the CP-SAT threads each solve may use on it."""
    from distributed import Client, LocalCluster

    if client is not None:
        yield client, workers_per_solve or _solver_threads(client)
        return
    if address:
        with Client(address) as remote:
            yield remote, workers_per_solve or _solver_threads(remote)
        return
    processes, threads = local_sizes(_usable_cores(), n_workers, workers_per_solve, num_tasks)
    with (
        LocalCluster(
            n_workers=processes,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,  # no worker chatter in a notebook or terminal
        ) as cluster,
        Client(cluster) as local,
    ):
        yield local, threads


def local_sizes(
    cores: int, n_workers: int | None, workers_per_solve: int | None, num_tasks: int
) -> tuple[int, int]:
    """Worker processes of a LocalCluster and CP-SAT threads per solve.

    Unless both are given, processes times threads stays within the cores: by default one
    process per core with one thread each, but no more processes than tasks, and the cores
    left over go to each solve's threads.
    """
    processes = n_workers or max(1, cores // (workers_per_solve or 1))
    processes = max(1, min(processes, num_tasks))
    threads = workers_per_solve or max(1, cores // processes)
    return processes, threads


def _usable_cores() -> int:
    """Cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _solver_threads(client: Client) -> int:
    """CP-SAT threads per solve so that no host of the cluster runs more threads than cores."""
    workers = client.scheduler_info(n_workers=-1)["workers"]
    if not workers:
        return 1
    cores = client.run(_usable_cores)
    threads_on: dict[str, int] = {}
    cores_on: dict[str, int] = {}
    for address, info in workers.items():
        host = info.get("host", address)
        threads_on[host] = threads_on.get(host, 0) + int(info.get("nthreads", 1))
        cores_on[host] = cores.get(address, 1)
    return max(1, min(cores_on[host] // threads_on[host] for host in threads_on))


def _check_axes(file: str, axes: Mapping[str, Any]) -> None:
    for name, values in axes.items():
        head, _, rest = name.partition(".")
        parts = rest.split(".") if rest else []
        known = (
            (head in _PLAIN_AXES and not parts)
            or (head in _TABLE_AXES and len(parts) == 1)
            or (head == "breaks" and len(parts) >= 2)
        )
        if not known:
            message = f"unknown axis {name!r}; expected one of {_AXIS_FORMS}"
            raise InputError(file, message, column=f"axes.{name}")
        if isinstance(values, str | Mapping) or not isinstance(values, Sequence) or not values:
            message = f"expected a non-empty array of values, got {values!r}"
            raise InputError(file, message, column=f"axes.{name}")


def _flatten(table: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Dotted names for nested tables (``rules.max_on_break = [...]`` is a nested table)."""
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _flatten(value, f"{name}.")
        else:
            yield name, value


def _changes(params: Mapping[str, Any]) -> dict[str, Any]:
    """``with_changes`` arguments from axis values."""
    changes: dict[str, Any] = {}
    for name, value in params.items():
        head, _, rest = name.partition(".")
        if head in _PLAIN_AXES:
            changes[head] = value
        elif head == "breaks":
            break_name, _, key = rest.rpartition(".")
            changes.setdefault("breaks", {}).setdefault(break_name, {})[key] = value
        else:
            changes.setdefault(head, {})[rest] = value
    return changes


def _param_text(value: Any) -> str:
    return str(_param_cell(value))


def _param_cell(value: Any) -> Any:
    """A parameter as a table cell: scalars as they are, anything else as JSON text."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return json.dumps(value, default=str, ensure_ascii=False, sort_keys=True)
