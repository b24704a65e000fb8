"""Long horizons whose weeks repeat: one week solved, then handed out week by week.

Where every week of the horizon asks for the same (a planner's standard week over a month),
the week alone is solved as a scenario of its own (`repeated_week`), and its schedules are
handed to the people of each group of interchangeable people in turn, week by week
(`tile_weeks`), so that a person takes a different schedule each week, as rotating rosters do.
What the week alone does not see (availability, the runs and rest across a week's end) decides
who takes which schedule; a shift still broken goes to someone else with the same skills
where the rules allow (`scheduler.model.construct.give_dropped`), else it is dropped, for the
search to mend.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from ortools.graph.python import linear_sum_assignment

from scheduler.data import MINUTES_PER_DAY, Assignment, Employee, Scenario
from scheduler.model.construct import give_dropped
from scheduler.model.options import Spans

DAYS_PER_WEEK = 7
WEEK_MINUTES = DAYS_PER_WEEK * MINUTES_PER_DAY
BROKEN_WEIGHT = 1000
"""Cost of a shift the person may not work, or of a run too long or a rest too short across a
week's end, in choosing who takes which schedule: far above the turn's own cost of 1."""


def repeated_week(scenario: Scenario) -> Scenario | None:
    """The horizon's first week as a scenario of its own, if every week asks for the same and
    the horizon is whole weeks; None otherwise.

    The week has no availability and no fairness weight: every week of any roster of the whole
    horizon is then a roster of it costing no more (the rules it keeps hold within a week), so
    its bound times the number of weeks bounds the horizon's. Horizon-long rules (totals, max
    weekends, shift counts, min runs and days off), day-level cover, requests, holidays, a
    back office and shifts running from one week into the next are left to the whole model.
    """
    horizon = scenario.horizon
    if horizon.days <= DAYS_PER_WEEK or horizon.days % DAYS_PER_WEEK:
        return None
    if horizon.holidays or scenario.shift_demand or scenario.shift_requests:
        return None
    if any(e.works_back for e in scenario.employees):
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
    weeks: list[list[tuple[int, int, int, str | None]]] = [[] for _ in range(num_weeks)]
    for span in scenario.demand:
        week = span.start // WEEK_MINUTES
        if week >= num_weeks or (span.end - 1) // WEEK_MINUTES != week:
            return None
        offset = week * WEEK_MINUTES
        weeks[week].append((span.start - offset, span.end - offset, span.required, span.skill))
    first = sorted(weeks[0])
    if any(sorted(week) != first for week in weeks[1:]):
        return None
    return replace(
        scenario,
        horizon=replace(horizon, days=DAYS_PER_WEEK),
        demand=tuple(s for s in scenario.demand if s.start < WEEK_MINUTES),
        availability=(),
        weights=replace(scenario.weights, fairness=0),
    )


def tile_weeks(scenario: Scenario, week: Sequence[Assignment]) -> list[Assignment]:
    """A roster of ``scenario``'s whole horizon from a roster of its first week (a solution of
    `repeated_week`): within each group of interchangeable people, each week hands the week's
    schedules out again, in turn where nothing forbids it. Shifts that still break
    availability, the consecutive-days limit or the rest across a week's end go to someone else
    with the same skills who may take them, or are left out."""
    num_weeks = scenario.horizon.days // DAYS_PER_WEEK
    schedules: dict[str, list[Assignment]] = defaultdict(list)
    for a in week:
        schedules[a.employee_id].append(a)
    groups: dict[Employee, list[Employee]] = defaultdict(list)
    for employee in scenario.employees:
        groups[_profile(employee)].append(employee)
    roster: list[Assignment] = []
    dropped: list[Assignment] = []
    for members in groups.values():
        taken = _hand_out_weeks(scenario, members, schedules, num_weeks)
        for employee, turns in zip(members, taken, strict=True):
            shifts = [
                _moved(a, employee.employee_id, number)
                for number, owner in enumerate(turns)
                for a in schedules[owner]
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
    """A first-week shift given to ``employee_id`` in week ``week``."""
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
    members: list[Employee],
    schedules: dict[str, list[Assignment]],
    num_weeks: int,
) -> list[list[str]]:
    """For each member, whose first-week schedule they take in each week: one each week per
    member, week by week the least broken (see `BROKEN_WEIGHT`), else the turn after the
    schedule they had the week before (an assignment problem a week)."""
    owners = [e.employee_id for e in members]
    size = len(owners)
    edges = [_edges(schedules[owner]) for owner in owners]
    away = [Spans.unavailable(scenario, e.employee_id) for e in members]
    rules = [scenario.rules_for(e) for e in members]
    taken: list[list[int]] = [[] for _ in members]
    for w in range(num_weeks):
        offset = w * WEEK_MINUTES
        assignment = linear_sum_assignment.SimpleLinearSumAssignment()
        for p in range(size):
            before = taken[p][-1] if w else p - 1
            for s, owner in enumerate(owners):
                broken = sum(
                    away[p].meets(a.day + w * DAYS_PER_WEEK, a.start + offset, a.end + offset)
                    for a in schedules[owner]
                )
                if w:
                    # Across the week's end: the run ending on last week's last day and the one
                    # starting on this week's first, and the rest from last week's last shift.
                    ending, _, last, _ = edges[before]
                    _, starting, _, first = edges[s]
                    broken += ending + starting > rules[p].max_consecutive_days
                    broken += WEEK_MINUTES + first - last < rules[p].min_rest_minutes
                turn = int(s != (before + 1) % size)
                assignment.add_arc_with_cost(p, s, BROKEN_WEIGHT * broken + turn)
        if assignment.solve() != assignment.OPTIMAL:
            raise RuntimeError("a week's schedules could not be handed out")
        for p in range(size):
            taken[p].append(assignment.right_mate(p))
    return [[owners[s] for s in turns] for turns in taken]


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
