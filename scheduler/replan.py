"""Re-plan a published roster around absences, changing as little as possible.

The absences become unavailable spans of the scenario; everything starting before ``from_``
stays as published (breaks included); every later person-day that differs from the published
roster costs (see :func:`change_costs`); all hard rules still hold, checked by the verifier
against the scenario with the absences.

An absence takes away published paid time. Sick time counts as worked time here: an absent
person's ``min_hours`` (and contract target) drop by the paid time of the published shifts and
flex days the absence takes away (with several 7-day blocks, by the most any block lost), so
the absence alone never forces extra shifts onto the rest of their week.
"""

from __future__ import annotations

import dataclasses
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pandas as pd

from scheduler.data import (
    MINUTES_PER_DAY,
    Assignment,
    AvailabilityKind,
    AvailabilitySpan,
    FlexDay,
    PlacedBreak,
    Scenario,
)
from scheduler.diff import Work, diff_rosters
from scheduler.errors import InputError
from scheduler.export.outputs import summary
from scheduler.io.files import write_csv, write_json
from scheduler.io.roster import FLEX_ACTIVITY, format_roster, roster_frame
from scheduler.model.infeasible import find_conflicts
from scheduler.model.replan import ChangeCosts, ReplanModel, solve_from_published
from scheduler.published import Published, published_roster, read_published
from scheduler.result import Result
from scheduler.verify import verify

ABSENT_OPTION = "--absent"
FROM_OPTION = "--from"


@dataclass(frozen=True)
class Absence:
    """A person away on the dates ``first`` to ``last`` (both included)."""

    employee_id: str
    first: date
    last: date

    def __str__(self) -> str:
        return f"{self.employee_id}:{self.first.isoformat()}..{self.last.isoformat()}"


def parse_absence(text: str) -> Absence:
    """``E17:2026-12-09..2026-12-10`` (or ``E17:2026-12-09`` for one day) as an Absence."""
    expected = f"expected EMPLOYEE:YYYY-MM-DD or EMPLOYEE:YYYY-MM-DD..YYYY-MM-DD, got {text!r}"
    employee_id, colon, dates = text.strip().rpartition(":")
    if not colon or not employee_id.strip():
        raise InputError(ABSENT_OPTION, expected)
    first_text, _, last_text = dates.partition("..")
    try:
        first = date.fromisoformat(first_text.strip())
        last = date.fromisoformat((last_text or first_text).strip())
    except ValueError:
        raise InputError(ABSENT_OPTION, expected) from None
    if last < first:
        raise InputError(ABSENT_OPTION, f"expected the last date on or after the first in {text!r}")
    return Absence(employee_id.strip(), first, last)


def parse_from(text: str) -> datetime:
    """``2026-12-09T08:00`` (or a date, meaning its midnight) as a local date-time."""
    try:
        return datetime.fromisoformat(text.strip()).replace(tzinfo=None)
    except ValueError:
        raise InputError(
            FROM_OPTION, f"expected an ISO date-time like 2026-12-09T08:00, got {text!r}"
        ) from None


def change_costs(scenario: Scenario) -> ChangeCosts:
    """The weights of changes, ranked between shortfall and everything else.

    A moved shift costs as much as one person short for one interval
    (``shortfall x interval_minutes``: 15,000 with the defaults), a new shift or a published
    one left empty twice that, and a published break start given up ``max(contract, 1) x
    interval_minutes`` (150). So a move pays only when it fills more than one person-interval
    of new shortfall and a new shift more than two, while a change weighs more than the
    contract deviation (10 x an 8-hour shift = 4,800) or a refused preference (600 per unit)
    it could save.
    """
    weights, step = scenario.weights, scenario.horizon.interval_minutes
    move = max(weights.shortfall, 1) * step
    return ChangeCosts(
        move=move, add=2 * move, drop=2 * move, break_move=max(weights.contract, 1) * step
    )


@dataclass(frozen=True)
class Change:
    """One person-day that differs from the published roster.

    ``change`` is ``absent`` (published, taken away by the absence), ``removed`` (published,
    left empty although the person is here), ``moved`` (other work the same day),
    ``location`` (the same flex day, on site instead of remote or back), ``added`` (a day that
    had nothing) or ``breaks`` (same shift, breaks re-placed).
    ``before`` and ``after`` are ``shift_id`` or ``flex onsite``/``flex remote``, blank for
    nothing; times are local ISO date-times.
    """

    employee_id: str
    name: str
    date: str
    change: str
    before: str
    before_start: str
    before_end: str
    before_breaks: str
    after: str
    after_start: str
    after_end: str
    after_breaks: str

    @property
    def counts(self) -> bool:
        """Whether it is a change the re-plan chose (not the absence, not just breaks)."""
        return self.change in COUNTED

    def __str__(self) -> str:
        def side(what: str, start: str, end: str) -> str:
            return f"{what} {start[11:16]}-{end[11:16]}" if what else "-"

        text = (
            f"{self.employee_id} ({self.name}) {self.date} {self.change}: "
            f"{side(self.before, self.before_start, self.before_end)} -> "
            f"{side(self.after, self.after_start, self.after_end)}"
        )
        if self.change == "breaks":
            text += f" (breaks {self.before_breaks} -> {self.after_breaks})"
        return text


CHANGE_COLUMNS = [f.name for f in dataclasses.fields(Change)]
COUNTED = ("moved", "location", "added", "removed")


@dataclass
class ReplanResult(Result):
    """A :class:`Result` of a re-plan: the new roster and what changed.

    ``scenario`` is the scenario with the absences (the one the verifier checked); ``objective``
    is the roster's objective as the verifier recomputes it (without the change costs).
    """

    changes: list[Change] = field(default_factory=list)
    absences: list[Absence] = field(default_factory=list)
    from_minute: int = 0
    costs: ChangeCosts | None = None
    credited_minutes: dict[str, int] = field(default_factory=dict)
    num_original_spans: int = 0
    """Availability spans of the scenario before the absences were added after them."""

    @property
    def num_changes(self) -> int:
        """Moved, added and removed person-days."""
        return sum(c.counts for c in self.changes)

    def replan_summary(self) -> dict[str, Any]:
        """What the re-plan did, as plain data for summary.json."""
        kinds = Counter(c.change for c in self.changes)
        horizon = self.scenario.horizon
        return {
            "from": self.scenario.horizon.to_datetime(self.from_minute).isoformat(),
            "absences": [str(a) for a in self.absences],
            "changes": self.num_changes,
            **{kind: kinds.get(kind, 0) for kind in (*COUNTED, "absent")},
            "breaks_replaced": kinds.get("breaks", 0),
            "change_weights": None if self.costs is None else dataclasses.asdict(self.costs),
            "min_hours_credited": {e: m / 60 for e, m in sorted(self.credited_minutes.items())},
            # The spans the absences made unavailable, so that `explain` can judge the
            # re-planned roster against the same scenario as the verifier did.
            "unavailable": [
                {
                    "employee_id": span.employee_id,
                    "start": horizon.to_datetime(span.start).isoformat(),
                    "end": horizon.to_datetime(span.end).isoformat(),
                }
                for span in self.scenario.availability[self.num_original_spans :]
            ],
        }


def absent_scenario(
    scenario: Scenario, published: Published, absences: Iterable[Absence], from_minute: int
) -> tuple[Scenario, dict[str, int]]:
    """The scenario with the absences as unavailable spans, and the minutes credited per person.

    An absence counts from ``from_minute`` and from the end of any of the person's published
    shifts or flex days that started before it (they stay as published).
    """
    horizon = scenario.horizon
    people = {e.employee_id for e in scenario.employees}
    work: dict[str, list[Assignment | FlexDay]] = defaultdict(list)
    for item in _work(published.assignments, published.flex_days):
        work[item.employee_id].append(item)
    spans: list[AvailabilitySpan] = []
    for absence in absences:
        if absence.employee_id not in people:
            raise InputError(
                ABSENT_OPTION, f"employee {absence.employee_id!r} is not in the scenario"
            )
        days = [horizon.day_of(absence.first + timedelta(days=k)) for k in _days(absence)]
        inside = [d for d in days if d is not None]
        if not inside:
            raise InputError(
                ABSENT_OPTION,
                f"{absence} lies outside the horizon {horizon.start} to "
                f"{horizon.date_of(horizon.days - 1)}",
            )
        for day in inside:
            start, end = max(day * MINUTES_PER_DAY, from_minute), (day + 1) * MINUTES_PER_DAY
            for item in work[absence.employee_id]:
                if item.start < from_minute and item.start < end and start < item.end:
                    start = max(start, item.end)
            if start < end:
                spans.append(
                    AvailabilitySpan(absence.employee_id, start, end, AvailabilityKind.UNAVAILABLE)
                )
    lost: dict[tuple[str, int], int] = defaultdict(int)
    for span in spans:
        for item in work[span.employee_id]:
            if item.start >= from_minute and item.start < span.end and span.start < item.end:
                lost[span.employee_id, item.day // 7] += item.paid_minutes
    credited: dict[str, int] = {}
    for (employee_id, _), minutes in lost.items():
        credited[employee_id] = max(credited.get(employee_id, 0), minutes)
    employees = tuple(
        dataclasses.replace(
            e,
            min_minutes=max(0, e.min_minutes - credited[e.employee_id]),
            contract_minutes=max(0, e.contract_minutes - credited[e.employee_id]),
            max_minutes=e.weekly_max_minutes,
        )
        if e.employee_id in credited
        else e
        for e in scenario.employees
    )
    changed = dataclasses.replace(
        scenario,
        employees=employees,
        availability=(*scenario.availability, *_merged(spans)),
    )
    return changed, credited


def _work(
    assignments: Iterable[Assignment], flex_days: Iterable[FlexDay]
) -> list[Assignment | FlexDay]:
    return [*assignments, *flex_days]


def _days(absence: Absence) -> range:
    return range((absence.last - absence.first).days + 1)


def _merged(spans: list[AvailabilitySpan]) -> list[AvailabilitySpan]:
    """Spans of the same person that touch joined into one (two absences may overlap)."""
    result: list[AvailabilitySpan] = []
    for span in sorted(spans, key=lambda s: (s.employee_id, s.start)):
        last = result[-1] if result else None
        if last is not None and last.employee_id == span.employee_id and span.start <= last.end:
            result[-1] = dataclasses.replace(last, end=max(last.end, span.end))
        else:
            result.append(span)
    return result


def published_shortfall(
    scenario: Scenario, published: Published
) -> dict[tuple[str | None, int], int]:
    """People short per demand line (None = total) and interval in the published roster."""
    frame = roster_frame(scenario, published.assignments, published.flex_days)
    coverage = verify(scenario, frame).coverage
    short = coverage[coverage["shortfall"] > 0]
    step = scenario.horizon.interval_minutes
    starts = [scenario.horizon.to_minute(datetime.fromisoformat(s)) // step for s in short["start"]]
    skills = [str(skill) or None for skill in short["skill"]]
    counts = short["shortfall"].astype(int).tolist()
    return {(skill, t): n for skill, t, n in zip(skills, starts, counts, strict=True)}


def replan(
    scenario: Scenario,
    published: Published | pd.DataFrame | str | Path,
    absent: Iterable[Absence],
    from_: datetime | None = None,
    time_limit: float = 8.0,
    workers: int | None = None,
    seed: int = 0,
) -> ReplanResult:
    """Fill the holes the absences leave in a published roster with as few changes as possible.

    Parameters
    ----------
    scenario
        The problem the roster was published for.
    published
        The published roster: read, a roster table, or the path of its roster.csv.
    absent
        Who is away on which dates.
    from_
        Nothing starting before this local date-time changes; default: midnight of the
        first absent date.
    time_limit
        Seconds for the whole re-plan, model building included.
    workers, seed
        CP-SAT worker threads (default one per core) and random seed.

    Returns
    -------
    ReplanResult
        The new roster verified against the scenario with the absences, and the changes.

    Raises
    ------
    InputError
        The published roster does not fit the scenario, or an absence names an unknown person
        or lies outside the horizon.
    """
    started = time.perf_counter()
    absences = list(absent)
    if not absences:
        raise InputError(ABSENT_OPTION, "expected at least one absence")
    if isinstance(published, str | Path):
        published = read_published(scenario, Path(published))
    elif isinstance(published, pd.DataFrame):
        published = published_roster(scenario, published)
    horizon = scenario.horizon
    if from_ is None:
        from_minute = min(
            max(0, (a.first - horizon.start).days) * MINUTES_PER_DAY for a in absences
        )
    else:
        from_minute = horizon.to_minute(from_)
    changed, credited = absent_scenario(scenario, published, absences, from_minute)
    costs = change_costs(changed)
    built = ReplanModel(
        changed,
        published.assignments,
        published.flex_days,
        from_minute,
        costs,
        published_shortfall(scenario, published),
    )
    if built.missing:
        employee_id, index = built.missing[0]
        raise InputError(
            "published roster",
            f"{employee_id}'s {_label(built, index)} starts before {FROM_OPTION} but breaks the "
            "scenario's availability, so it cannot be kept",
        )
    status, values, history = solve_from_published(
        built, started, started + time_limit, workers, seed
    )
    proto = built.model.proto
    result = ReplanResult(
        changed,
        status=status,
        num_variables=len(proto.variables),
        num_constraints=len(proto.constraints),
        history=history,
        absences=absences,
        from_minute=from_minute,
        costs=costs,
        credited_minutes=credited,
        num_original_spans=len(scenario.availability),
    )
    if status == "infeasible":
        result.conflict_groups = [
            c
            for c in find_conflicts(changed, time_limit=max(1.0, time_limit / 2), seed=seed)
            if c.employee_id is not None or c.rule not in ("unknown", "structure")
        ]
        result.conflicts = [str(c) for c in result.conflict_groups] or [
            f"the published shifts before {horizon.to_datetime(from_minute):%Y-%m-%d %H:%M} "
            "cannot all be kept under the rules with these absences; try an earlier "
            f"{FROM_OPTION}"
        ]
    if values is not None:

        def value(var: Any) -> int:
            return values[var.index]

        assignments = keep_published_breaks(
            built.assignments(value), published.assignments, built.skill_class
        )
        result.assignments = assignments
        result.flex_days = built.flex_days(value)
        result.report = verify(changed, result.roster)
        result.objective = result.report.costs.objective
        result.changes = list_changes(changed, published, assignments, result.flex_days, absences)
    result.solve_seconds = time.perf_counter() - started
    return result


def _label(built: ReplanModel, index: int) -> str:
    option = built.work[index]
    when = built.scenario.horizon.to_datetime(option.start)
    return f"work from {when:%Y-%m-%d %H:%M}"


def _tuple_ok(breaks: tuple[PlacedBreak, ...]) -> bool:
    """Breaks in their listed order without overlapping."""
    return all(b.start >= a.end for a, b in pairwise(breaks))


def keep_published_breaks(
    assignments: list[Assignment],
    published: list[Assignment],
    classes: Mapping[str, frozenset[str]],
) -> list[Assignment]:
    """Hand each person back their published breaks where the new roster has those starts.

    People on the same shift in the same class (the model's skill class: demanded skills and
    staggering share) are interchangeable for coverage and the staggering cap, so their break
    placements may be swapped among them. Within each such group people keep their published
    breaks where the group's placements allow, the rest get the remaining placements, i-th
    earliest to i-th person; a group whose rest would break the order of the breaks keeps the
    solver's hand-out.
    """
    before = {(a.employee_id, a.day, a.shift_id): a.breaks for a in published}
    groups: dict[tuple[int, str, frozenset[str]], list[Assignment]] = defaultdict(list)
    for a in assignments:
        groups[a.day, a.shift_id, classes[a.employee_id]].append(a)
    result: list[Assignment] = []
    for members in groups.values():
        result.extend(_regroup(members, before))
    return sorted(result, key=lambda a: (a.employee_id, a.start))


def _regroup(
    members: list[Assignment], before: dict[tuple[str, int, str], tuple[PlacedBreak, ...]]
) -> list[Assignment]:
    pool = Counter(b for a in members for b in a.breaks)
    kept: dict[str, tuple[PlacedBreak, ...]] = {}
    for a in sorted(members, key=lambda a: a.employee_id):
        wanted = before.get((a.employee_id, a.day, a.shift_id))
        if wanted is None or len(wanted) != len(a.breaks):
            continue
        need = Counter(wanted)
        if all(pool[b] >= n for b, n in need.items()):
            pool -= need
            kept[a.employee_id] = wanted
    others = sorted(a.employee_id for a in members if a.employee_id not in kept)
    names = [b.name for b in members[0].breaks]
    per_name = {
        name: sorted((b for b in pool.elements() if b.name == name), key=lambda b: b.start)
        for name in names
    }
    for i, employee_id in enumerate(others):
        placed = tuple(per_name[name][i] for name in names)
        if not _tuple_ok(placed):
            return members
        kept[employee_id] = placed
    return [dataclasses.replace(a, breaks=kept[a.employee_id]) for a in members]


def _describe_work(work: Work | None) -> tuple[str, str, str, str]:
    """``before``/``after`` columns of a change: label, start, end and break starts."""
    if work is None:
        return ("", "", "", "")
    start, end = work.start.isoformat(timespec="minutes"), work.end.isoformat(timespec="minutes")
    if work.activity == FLEX_ACTIVITY:
        return (f"flex {work.location}".strip(), start, end, "")
    breaks = " ".join(f"{b.name} {b.start:%H:%M}" for b in work.breaks)
    return (work.shift_id or work.activity, start, end, breaks)


def list_changes(
    scenario: Scenario,
    published: Published,
    assignments: list[Assignment],
    flex_days: list[FlexDay],
    absences: Iterable[Absence],
) -> list[Change]:
    """Every person-day that differs between the published and the new roster, by person.

    The comparison is ``scheduler diff``'s (:func:`scheduler.diff.diff_rosters`); a published
    day the person is absent on comes out as ``absent`` rather than ``removed``.
    """
    horizon = scenario.horizon
    away = {
        (a.employee_id, when)
        for a in absences
        for k in _days(a)
        if horizon.day_of(when := a.first + timedelta(days=k)) is not None
    }
    old = roster_frame(scenario, published.assignments, published.flex_days)
    new = roster_frame(scenario, assignments, flex_days)
    changes = []
    for change in diff_rosters(old, new):
        kind = change.kind.value
        if kind == "removed" and (change.employee_id, change.day) in away:
            kind = "absent"
        changes.append(
            Change(
                change.employee_id,
                change.name,
                change.day.isoformat(),
                kind,
                *_describe_work(change.old),
                *_describe_work(change.new),
            )
        )
    return changes


def changes_frame(changes: list[Change]) -> pd.DataFrame:
    """The changes as the changes.csv table."""
    return pd.DataFrame.from_records(
        [dataclasses.astuple(c) for c in changes], columns=CHANGE_COLUMNS
    )


def with_replan_absences(scenario: Scenario, summary: dict[str, Any]) -> Scenario:
    """The scenario with the absences a re-plan's summary.json recorded as unavailable spans.

    A summary without a ``replan`` section leaves the scenario as it is.

    Raises
    ------
    InputError
        The recorded spans are not what :func:`replan_data` writes.
    """
    spans = (summary.get("replan") or {}).get("unavailable") or []
    horizon = scenario.horizon
    try:
        added = tuple(
            AvailabilitySpan(
                str(span["employee_id"]),
                horizon.to_minute(datetime.fromisoformat(span["start"])),
                horizon.to_minute(datetime.fromisoformat(span["end"])),
                AvailabilityKind.UNAVAILABLE,
            )
            for span in spans
        )
        return dataclasses.replace(scenario, availability=(*scenario.availability, *added))
    except (KeyError, TypeError, ValueError) as error:
        raise InputError(
            "summary.json", f"expected the re-plan's unavailable spans ({error})", column="replan"
        ) from None


def replan_data(result: ReplanResult) -> dict[str, Any]:
    """summary.json of a re-plan: the solve's summary and a ``replan`` section."""
    return {**summary(result), "replan": result.replan_summary()}


def write_replan(result: ReplanResult, out: Path) -> list[Path]:
    """Write changes.csv, roster.csv, coverage.csv and summary.json into ``out``."""
    assert result.report is not None
    files = [out / "changes.csv", out / "roster.csv", out / "coverage.csv", out / "summary.json"]
    write_csv(files[0], changes_frame(result.changes))
    write_csv(files[1], format_roster(result.roster))
    write_csv(files[2], result.report.coverage)
    write_json(files[3], replan_data(result))
    return files
