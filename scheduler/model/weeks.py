"""Long horizons by the week: each distinct week solved alone, then handed out week by week.

Where the horizon's weeks ask for the same (a planner's standard week over a month), or for
one of a few weeks (a month with a public holiday or a busier week), each distinct week is
solved alone as a scenario of its own (`split_weeks`), and its schedules are handed to the
people of each group of interchangeable people in turn, in every week of its kind
(`tile_weeks`), so that a person takes a different schedule each week, as rotating rosters do.
What the week alone does not see (availability, the runs and rest across a week's end) decides
who takes which schedule, within the group or, where every schedule of the group breaks, from
another group of the same skills whose schedules the person's rules, days and hours allow; a
shift still broken goes to someone else with the same skills where the rules allow
(`scheduler.model.construct.give_dropped`), else it is dropped, for the search to mend. Only
shifts are handed out: a back office's flex days are decided again around them by the start.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ortools.graph.python import linear_sum_assignment

from scheduler.data import (
    MINUTES_PER_DAY,
    Assignment,
    DemandSpan,
    Employee,
    Office,
    Scenario,
)
from scheduler.model.construct import give_dropped
from scheduler.model.options import Spans

DAYS_PER_WEEK = 7
WEEK_MINUTES = DAYS_PER_WEEK * MINUTES_PER_DAY
BROKEN_WEIGHT = 1000
"""Cost of a shift the person may not work, or of a run too long or a rest too short across a
week's end, in choosing who takes which schedule: far above the turn's own cost of 1."""
SWAP_WEIGHT = 200
"""Cost of a schedule of another group of the same skills (planned for another contract):
four of them, a cycle of schedules between groups, still cost less than a broken shift."""


@dataclass(frozen=True)
class Weeks:
    """The horizon's weeks, each distinct week once as a scenario of its own."""

    alone: tuple[Scenario, ...]
    """Each distinct week from its first day, without availability and fairness."""
    kinds: tuple[int, ...]
    """Which of ``alone`` each week of the horizon is."""

    def count(self, kind: int) -> int:
        """How many weeks of the horizon are ``alone[kind]``."""
        return self.kinds.count(kind)


def split_weeks(scenario: Scenario) -> Weeks | None:
    """The horizon's weeks as scenarios of their own, each distinct week once (the weeks that
    ask for the same demand and have their public holidays on the same weekdays are one), if
    the horizon is whole weeks and its rules hold within a week; None otherwise.

    A week has no availability and no fairness weight: each week of any roster of the whole
    horizon is then a roster of it costing no more (the rules it keeps hold within a week, a
    back office's too: desks, anchors and cover by the day, on-site and remote days by the
    7-day block), so the weeks' bounds summed bound the horizon's. Horizon-long rules (totals,
    max weekends, shift counts, min runs and days off), day-level cover, requests and shifts
    running from one week into the next are left to the whole model.
    """
    horizon = scenario.horizon
    if horizon.days <= DAYS_PER_WEEK or horizon.days % DAYS_PER_WEEK:
        return None
    if scenario.shift_demand or scenario.shift_requests:
        return None
    # A shift of a week's last day that ends in the next week would cover the next week's
    # demand, which the week alone cannot see.
    last = DAYS_PER_WEEK - 1
    for template in scenario.shifts:
        if horizon.weekday_of(last) in template.weekdays and template.span_on(last)[1] > (
            WEEK_MINUTES
        ):
            return None
    for employee in scenario.employees:
        rules = scenario.rules_for(employee)
        if (
            rules.min_total_minutes is not None
            or rules.max_total_minutes is not None
            or rules.max_weekends is not None
            or rules.max_shifts
            or rules.min_consecutive_days is not None
            or rules.min_days_off is not None
        ):
            return None
    num_weeks = horizon.days // DAYS_PER_WEEK
    demand: list[list[DemandSpan]] = [[] for _ in range(num_weeks)]
    for span in scenario.demand:
        week = span.start // WEEK_MINUTES
        if week >= num_weeks or (span.end - 1) // WEEK_MINUTES != week:
            return None
        offset = week * WEEK_MINUTES
        demand[week].append(replace(span, start=span.start - offset, end=span.end - offset))
    holidays: list[list[tuple[int, str]]] = [[] for _ in range(num_weeks)]
    for day, name in horizon.holidays:
        holidays[day // DAYS_PER_WEEK].append((day % DAYS_PER_WEEK, name))
    alone: list[Scenario] = []
    kinds: list[int] = []
    seen: dict[tuple[object, ...], int] = {}
    for spans, days_off in zip(demand, holidays, strict=True):
        # The holidays' names aside, as they change neither demand nor contracts.
        key = (tuple(sorted(spans, key=_span_key)), tuple(sorted(day for day, _ in days_off)))
        if key not in seen:
            seen[key] = len(alone)
            alone.append(
                replace(
                    scenario,
                    horizon=replace(horizon, days=DAYS_PER_WEEK, holidays=tuple(days_off)),
                    demand=tuple(spans),
                    availability=(),
                    weights=replace(scenario.weights, fairness=0),
                )
            )
        kinds.append(seen[key])
    return Weeks(tuple(alone), tuple(kinds))


def _span_key(span: DemandSpan) -> tuple[int, int, int, str]:
    """A demand span in an order that does not depend on the file's."""
    return span.start, span.end, span.required, span.skill or ""


def tile_weeks(
    scenario: Scenario, weeks: Weeks, rosters: Sequence[Sequence[Assignment]]
) -> list[Assignment]:
    """A roster of ``scenario``'s whole horizon from a roster of each of its distinct
    ``weeks`` (``rosters``, solutions of ``weeks.alone``): within each group of
    interchangeable people, each week hands its kind's schedules out again, in turn where
    nothing forbids it, or across groups of the same skills and office where that breaks less.
    Shifts that still break availability, the consecutive-days limit or the rest across a
    week's end go to someone else with the same skills who may take them, or are left out."""
    schedules: list[dict[str, list[Assignment]]] = []
    for week in rosters:
        schedules.append(defaultdict(list))
        for a in week:
            schedules[-1][a.employee_id].append(a)
    groups: dict[Employee, list[Employee]] = defaultdict(list)
    for employee in scenario.employees:
        groups[_profile(employee)].append(employee)
    # People of the same skills cover alike, so a schedule may change groups between them;
    # within an office, as the back office works no shift and a cross-trained week holds
    # flex days too.
    classes: dict[tuple[frozenset[str], Office], list[list[Employee]]] = defaultdict(list)
    for members in groups.values():
        classes[members[0].skills, members[0].office].append(members)
    roster: list[Assignment] = []
    dropped: list[Assignment] = []
    for in_class in classes.values():
        members = [employee for group in in_class for employee in group]
        taken = _hand_out_weeks(scenario, weeks, in_class, schedules)
        for employee, turns in zip(members, taken, strict=True):
            shifts = [
                _moved(a, employee.employee_id, number)
                for number, owner in enumerate(turns)
                for a in schedules[weeks.kinds[number]][owner]
            ]
            kept = _kept(scenario, employee, shifts)
            roster += kept
            dropped += [a for a in shifts if a not in kept]
    if not dropped:
        return roster
    return give_dropped(scenario, roster, dropped)


def _profile(employee: Employee) -> Employee:
    """What makes two people interchangeable: everything but who they are."""
    return replace(employee, employee_id="", name="")


def _moved(a: Assignment, employee_id: str, week: int) -> Assignment:
    """A shift of a week alone (from day 0) given to ``employee_id`` in week ``week``."""
    offset = week * WEEK_MINUTES
    return replace(
        a,
        employee_id=employee_id,
        day=a.day + week * DAYS_PER_WEEK,
        start=a.start + offset,
        end=a.end + offset,
        breaks=tuple(replace(b, start=b.start + offset, end=b.end + offset) for b in a.breaks),
    )


def _hand_out_weeks(
    scenario: Scenario,
    weeks: Weeks,
    in_class: list[list[Employee]],
    schedules: list[dict[str, list[Assignment]]],
) -> list[list[str]]:
    """For each member of the groups ``in_class`` (of the same skills and office), in order,
    whose schedule of each week's kind they take: one each week per member, week by week
    the least broken (see `BROKEN_WEIGHT`), else the turn after the schedule they had the week
    before within their group (an assignment problem a group and week). Where a group's
    schedules still break, the class's are handed out together, a schedule of another group
    costing `SWAP_WEIGHT` and a point per half-hour off the person's contract (`_fit`)."""
    members = [employee for people in in_class for employee in people]
    owners = [e.employee_id for e in members]
    # Each group as its members' places in the class, which number the schedules too.
    groups: list[list[int]] = []
    for people in in_class:
        first = groups[-1][-1] + 1 if groups else 0
        groups.append(list(range(first, first + len(people))))
    broken = _Broken(
        scenario, members, [[kind[owner] for owner in owners] for kind in schedules], weeks.kinds
    )
    own = {p: [(s, 0) for s in group] for group in groups for p in group}
    # The class's arcs by kind of week, built the first time a week of that kind needs them.
    every: dict[int, dict[int, list[tuple[int, int]]]] = {}
    taken: list[list[int]] = [[] for _ in members]
    for w, kind in enumerate(weeks.kinds):
        turns = {}
        for group in groups:
            for p in group:
                # The turn after last week's schedule; one's own in the first week, or after a
                # week on another group's schedule.
                last = taken[p][-1] if w else None
                turns[p] = group[(group.index(last) + 1) % len(group)] if last in group else p
        chosen: dict[int, int] = {}
        for group in groups:
            chosen.update(_assign({p: own[p] for p in group}, w, broken, taken, turns))
        if len(groups) > 1 and any(broken(p, s, w, taken[p]) for p, s in chosen.items()):
            if kind not in every:
                every[kind] = _arcs_between(weeks.alone[kind], members, schedules[kind], groups)
            chosen = _assign(every[kind], w, broken, taken, turns)
        for p, s in chosen.items():
            taken[p].append(s)
    return [[owners[s] for s in turns] for turns in taken]


def _arcs_between(
    week: Scenario,
    members: list[Employee],
    schedules: dict[str, list[Assignment]],
    groups: list[list[int]],
) -> dict[int, list[tuple[int, int]]]:
    """Per member, the schedules of the class in ``week`` they may take, their own group's at
    no cost and another's at `SWAP_WEIGHT` and a point per half-hour off their contract
    (`_fit`)."""
    owners = [e.employee_id for e in members]
    arcs = {}
    for group in groups:
        # Who may take another group's schedule is decided by their group: asked once per group.
        others = [
            (s, SWAP_WEIGHT + fit // 30)
            for other in groups
            if other is not group
            for s in other
            if (fit := _fit(week, members[group[0]], members[s], schedules[owners[s]])) is not None
        ]
        for p in group:
            arcs[p] = [(s, 0) for s in group] + others
    return arcs


def _assign(
    arcs: dict[int, list[tuple[int, int]]],
    w: int,
    broken: _Broken,
    taken: list[list[int]],
    turns: dict[int, int],
) -> dict[int, int]:
    """A schedule for each person of ``arcs`` in week ``w`` at the least cost: each arc is a
    schedule they may take and what it costs beside its broken shifts and turn (see
    `_hand_out_weeks`)."""
    people = list(arcs)
    weeks = sorted({s for pairs in arcs.values() for s, _ in pairs})
    column = {s: j for j, s in enumerate(weeks)}
    assignment = linear_sum_assignment.SimpleLinearSumAssignment()
    for i, p in enumerate(people):
        for s, extra in arcs[p]:
            cost = BROKEN_WEIGHT * broken(p, s, w, taken[p]) + extra + int(s != turns[p])
            assignment.add_arc_with_cost(i, column[s], cost)
    if assignment.solve() != assignment.OPTIMAL:
        raise RuntimeError("a week's schedules could not be handed out")
    return {p: weeks[assignment.right_mate(i)] for i, p in enumerate(people)}


class _Broken:
    """How many of a week's schedule's shifts a member may not work in a given week: on their
    unavailable spans, or across the week's end from the schedule they had the week before (a
    run too long, a rest too short)."""

    def __init__(
        self,
        scenario: Scenario,
        members: list[Employee],
        weeks: list[list[list[Assignment]]],
        kinds: Sequence[int],
    ) -> None:
        # Each kind of week's schedules, numbered as the members who had them.
        self.weeks = weeks
        self.kinds = kinds
        self.edges = [[_edges(shifts) for shifts in kind] for kind in weeks]
        self.rules = [scenario.rules_for(e) for e in members]
        self.away = [Spans.unavailable(scenario, e.employee_id) for e in members]
        # Most members are away on no day of a week: their schedules break only at its ends.
        self.days_away: dict[tuple[int, int], set[int]] = {}
        for p, away in enumerate(self.away):
            for w in range(scenario.horizon.days // DAYS_PER_WEEK):
                days = range(w * DAYS_PER_WEEK, (w + 1) * DAYS_PER_WEEK)
                reached = {
                    day
                    for day in days
                    if away.meets(day, day * MINUTES_PER_DAY, (day + 2) * MINUTES_PER_DAY)
                }
                if reached:
                    self.days_away[p, w] = reached

    def __call__(self, p: int, s: int, w: int, before: list[int]) -> int:
        """Member ``p``'s broken shifts if they take schedule ``s`` in week ``w``, after the
        schedules ``before`` (one a week)."""
        count = 0
        kind = self.kinds[w]
        days = self.days_away.get((p, w))
        if days:
            offset = w * WEEK_MINUTES
            count += sum(
                self.away[p].meets(day, a.start + offset, a.end + offset)
                for a in self.weeks[kind][s]
                if (day := a.day + w * DAYS_PER_WEEK) in days
            )
        if w:
            # The run ending on last week's last day and the one starting on this week's
            # first, and the rest from last week's last shift.
            ending, _, last, _ = self.edges[self.kinds[w - 1]][before[w - 1]]
            _, starting, _, first = self.edges[kind][s]
            count += ending + starting > self.rules[p].max_consecutive_days
            count += WEEK_MINUTES + first - last < self.rules[p].min_rest_minutes
        return count


def _fit(
    week: Scenario, employee: Employee, owner: Employee, shifts: list[Assignment]
) -> int | None:
    """How far ``employee``'s contract in ``week`` is from the paid minutes of ``owner``'s
    schedule (``shifts``), or None where their rules, days or hours forbid them to work it."""
    rules = week.rules_for(employee)
    # The schedule keeps the owner's rules: the same rules are then kept but for the person's
    # own days and hours.
    if rules != week.rules_for(owner):
        return None
    paid = sum(a.paid_minutes for a in shifts)
    most = rules.max_days_of(employee)
    if most is not None and len({a.day for a in shifts}) > most:
        return None
    # A week with public holidays asks for less (see `Horizon.scale`).
    least = week.horizon.scale(employee.min_minutes, 0, DAYS_PER_WEEK)
    if not least <= paid <= employee.weekly_max_minutes:
        return None
    return abs(paid - week.horizon.scale(employee.contract_minutes, 0, DAYS_PER_WEEK))


def _edges(shifts: list[Assignment]) -> tuple[int, int, int, int]:
    """A week's schedule at its ends: days worked in a row up to its last day and from its
    first, the last shift's end and the first shift's start (minutes from the week's start; a
    free week puts them a whole week away)."""
    if not shifts:
        return 0, 0, -WEEK_MINUTES, WEEK_MINUTES
    days = {a.day % DAYS_PER_WEEK for a in shifts}
    last = DAYS_PER_WEEK - 1
    ending = next((n for n in range(DAYS_PER_WEEK) if last - n not in days), DAYS_PER_WEEK)
    starting = next((n for n in range(DAYS_PER_WEEK) if n not in days), DAYS_PER_WEEK)
    return ending, starting, max(a.end for a in shifts), min(a.start for a in shifts)


def _kept(scenario: Scenario, employee: Employee, shifts: list[Assignment]) -> list[Assignment]:
    """The shifts, less those on the person's unavailable spans, those after too little rest
    and those that would make a run too long."""
    away = Spans.unavailable(scenario, employee.employee_id)
    rules = scenario.rules_for(employee)
    kept: list[Assignment] = []
    run = 0
    for a in sorted(shifts, key=lambda a: a.start):
        if away.meets(a.day, a.start, a.end):
            continue
        if kept:
            previous = kept[-1]
            if a.start - previous.end < rules.min_rest_minutes:
                continue
            run = run + 1 if a.day == previous.day + 1 else 1
        else:
            run = 1
        if run > rules.max_consecutive_days:
            continue
        kept.append(a)
    return kept
