"""Why a roster is short: for each run of short intervals, the rule that keeps people away.

A *run* is a stretch of consecutive intervals of one day and one demand line (the total or a
skill) with shortfall. For it, every front-office person who may serve the line (has the skill)
and is not on a shift covering the run is tried on each shift template that covers some of its
intervals, with the rest of their roster as it is; the first rule that refuses the shift, in
the order of :data:`REASONS`, is the reason for that template, and the person's reason is that
of the template that got furthest. People on shift during the run count for ``breaks`` when
they are on a break while the line is short. Reads the scenario and the roster only; no
OR-Tools.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from scheduler.data import MINUTES_PER_DAY, AvailabilityKind, Employee, Scenario
from scheduler.io.roster import FLEX_ACTIVITY, SHIFT_ACTIVITY, read_roster, roster_rows
from scheduler.model.options import ShiftOption, shift_options
from scheduler.verify import verify

REASONS = (
    "no-template",
    "skills",
    "forbidden",
    "unavailable",
    "busy",
    "min-rest",
    "max-consecutive-days",
    "weekly-rest",
    "max-hours",
    "max-days",
)
"""Rules that keep a person off a covering shift, in the order they are tried."""
BREAKS = "breaks"
NOT_CHOSEN = "not-chosen"
MAX_NAMES = 5


@dataclass(frozen=True)
class _Work:
    """A shift or flex day of the roster: horizon minutes, start day, paid minutes, label."""

    start: int
    end: int
    day: int
    paid: int
    label: str
    is_shift: bool


@dataclass(frozen=True)
class Shortage:
    """One run of short intervals and why it is short.

    Parameters
    ----------
    date, start, end
        The day and the run's wall-clock ``HH:MM`` span (``end`` may be ``24:00``).
    skill
        The demand line: a skill, or ``""`` for the total.
    most_short
        Most people missing in one interval of the run.
    short_minutes
        Person-minutes missing over the run.
    reason
        The main reason: one of :data:`REASONS`, ``breaks`` (enough people on shift, some on
        a break) or ``not-chosen`` (someone could have covered it under every rule).
    message
        The run, the reason and who is kept away by what, in one line.
    blocked
        Reason -> people it keeps off every covering shift.
    on_break
        Most people on a break in one short interval of the run.
    could_cover
        People no rule keeps off a covering shift.
    """

    date: str
    start: str
    end: str
    skill: str
    most_short: int
    short_minutes: int
    reason: str
    message: str
    blocked: dict[str, list[str]] = field(default_factory=dict)
    on_break: int = 0
    could_cover: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return asdict(self)


def _names(ids: list[str]) -> str:
    shown = ", ".join(ids[:MAX_NAMES])
    return shown + (f" and {len(ids) - MAX_NAMES} more" if len(ids) > MAX_NAMES else "")


def _hours(minutes: int) -> str:
    return f"{minutes / 60:g} h"


class _Explainer:
    """Holds the roster per person and answers, for one run, who is kept away by what."""

    def __init__(self, scenario: Scenario, roster: pd.DataFrame, file: str) -> None:
        self.scenario = scenario
        self.step = scenario.horizon.interval_minutes
        self.options = shift_options(scenario)
        rows = roster_rows(scenario, roster, file)
        unpaid = {b.name for b in scenario.breaks if not b.paid}
        self.work: dict[str, list[_Work]] = defaultdict(list)
        self.breaks: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        for row in rows:
            if row.activity not in (SHIFT_ACTIVITY, FLEX_ACTIVITY):
                self.breaks[row.employee_id].append((row.start, row.end, row.activity))
        for row in rows:
            day = row.start // MINUTES_PER_DAY
            if row.activity == FLEX_ACTIVITY:
                label = f"flex day {row.location or ''}".strip()
                paid = scenario.back_office.daily_minutes
            elif row.activity == SHIFT_ACTIVITY:
                label = f"{row.shift_id or 'shift'} {self.clock(row.start)}-{self.clock(row.end)}"
                paid = (row.end - row.start) - sum(
                    e - b
                    for b, e, name in self.breaks[row.employee_id]
                    if name in unpaid and row.start <= b and e <= row.end
                )
            else:
                continue
            self.work[row.employee_id].append(
                _Work(row.start, row.end, day, paid, label, row.activity == SHIFT_ACTIVITY)
            )
        for own in self.work.values():
            own.sort(key=lambda w: w.start)

    def clock(self, minute: int) -> str:
        minute %= MINUTES_PER_DAY
        return f"{minute // 60:02d}:{minute % 60:02d}"

    # ----------------------------------------------------------------- one person, one shift
    def refusal(self, person: Employee, option: ShiftOption) -> tuple[int, str] | None:
        """``(rank in REASONS, detail)`` of the first rule keeping ``person`` off ``option``."""
        scenario, rules = self.scenario, self.scenario.rules_for(person)
        if not rules.allows(option.template):
            return REASONS.index("forbidden"), f"{option.template.shift_id} is not for them"
        for span in scenario.spans_of(person.employee_id, AvailabilityKind.UNAVAILABLE):
            if option.overlaps(span.start, span.end):
                return REASONS.index("unavailable"), ""
        own = self.work.get(person.employee_id, [])
        same_day = [w for w in own if w.day == option.day]
        if same_day:
            return REASONS.index("busy"), f"works {same_day[0].label}"
        others = [w for w in own if w.day != option.day]
        for w in others:
            gap = option.start - w.end if w.end <= option.start else w.start - option.end
            if w.start < option.end and option.start < w.end:
                gap = -1
            if gap < rules.min_rest_minutes:
                return REASONS.index("min-rest"), f"{w.label} on {self.date(w.day)}"
        days = {w.day for w in others} | {option.day}
        run = 1
        day = option.day - 1
        while day in days:
            run, day = run + 1, day - 1
        day = option.day + 1
        while day in days:
            run, day = run + 1, day + 1
        if run > rules.max_consecutive_days:
            return REASONS.index("max-consecutive-days"), f"{run} days in a row"
        first_day = option.day - option.day % 7
        num_days = min(7, scenario.horizon.days - first_day)
        begin, finish = first_day * MINUTES_PER_DAY, (first_day + 7) * MINUTES_PER_DAY
        spans = [(w.start, w.end) for w in others] + [(option.start, option.end)]
        if num_days == 7 and _longest_rest(spans, begin, finish) < rules.weekly_rest_minutes:
            return REASONS.index("weekly-rest"), ""
        block = [w for w in others if first_day <= w.day < first_day + num_days]
        paid = sum(w.paid for w in block) + option.paid_minutes
        if paid > person.weekly_max_minutes:
            worked = paid - option.paid_minutes
            return REASONS.index("max-hours"), (
                f"{_hours(worked)} of {_hours(person.weekly_max_minutes)}"
            )
        max_days = rules.max_days_of(person)
        if max_days is not None and len({w.day for w in block}) + 1 > max_days:
            return REASONS.index("max-days"), f"{max_days} days"
        return None

    def date(self, day: int) -> str:
        return self.scenario.horizon.date_of(day).isoformat()

    # ------------------------------------------------------------------------------ one run
    def explain(
        self, skill: str, intervals: list[int], short: dict[int, int], required: dict[int, int]
    ) -> Shortage:
        """Why the line ``skill`` is short over these consecutive intervals."""
        step = self.step
        begin, finish = intervals[0] * step, (intervals[-1] + 1) * step
        covering = [
            o
            for o in self.options
            if any(o.start <= t * step and (t + 1) * step <= o.end for t in intervals)
        ]
        day = begin // MINUTES_PER_DAY
        end_text = "24:00" if finish % MINUTES_PER_DAY == 0 else self.clock(finish)
        head = (
            f"{self.date(day)} {self.clock(begin)}-{end_text} {skill or 'total'}: "
            f"short {max(short.values())}"
        )
        minutes = sum(short.values()) * step

        def shortage(reason: str, text: str, **more: Any) -> Shortage:
            return Shortage(
                self.date(day),
                self.clock(begin),
                end_text,
                skill,
                max(short.values()),
                minutes,
                reason,
                f"{head}: {text}",
                **more,
            )

        if not covering:
            return shortage("no-template", "no shift template covers it")
        able = [
            e for e in self.scenario.employees if e.works_front and (not skill or skill in e.skills)
        ]
        if not able:
            return shortage("skills", f"skills missing, nobody in the front office has {skill}")
        on_shift, on_break, idle = self.presence(able, intervals, short)
        blocked: dict[str, list[str]] = defaultdict(list)
        details: dict[str, str] = {}
        free = []
        for person in idle:
            refusals = [self.refusal(person, o) for o in covering]
            if any(r is None for r in refusals):
                free.append(person.employee_id)
                continue
            rank, detail = max((r for r in refusals if r is not None), key=lambda r: r[0])
            blocked[REASONS[rank]].append(person.employee_id)
            details.setdefault(REASONS[rank], detail)
        parts = [f"{_label(reason)}: {_names(ids)}" for reason, ids in _ordered(blocked)]
        breaks_at = [t for t in intervals if on_shift[t] >= required[t] and on_break[t]]
        if free:
            reason = NOT_CHOSEN
            text = (
                f"{_names(free)} could have covered it under every rule (not chosen: the time "
                "limit or costs elsewhere)"
            )
        elif breaks_at:
            reason = BREAKS
            text = self.breaks_text(breaks_at, on_shift, on_break)
        elif not blocked:
            reason = "skills"
            text = f"skills missing, nobody free has {skill}" if skill else "nobody left"
        else:
            reason = max(blocked, key=lambda r: (len(blocked[r]), -REASONS.index(r)))
            text = _headline(reason, len(blocked[reason]), sum(len(v) for v in blocked.values()))
            if details.get(reason):
                text += f" ({blocked[reason][0]}: {details[reason]})"
        if reason in blocked:
            parts = [p for p in parts if not p.startswith(f"{_label(reason)}:")]
        if parts:
            text += "; " + "; ".join(parts)
        most_on_break = max(on_break[t] for t in intervals)
        if reason != BREAKS and most_on_break:
            text += f"; {most_on_break} on a break"
        return shortage(
            reason,
            text,
            blocked=dict(_ordered(blocked)),
            on_break=most_on_break,
            could_cover=free,
        )

    def presence(
        self, able: list[Employee], intervals: list[int], short: dict[int, int]
    ) -> tuple[dict[int, int], dict[int, int], list[Employee]]:
        """People of the line on shift and on a break per interval, and those not on shift."""
        step = self.step
        on_shift = dict.fromkeys(intervals, 0)
        on_break = dict.fromkeys(intervals, 0)
        idle = []
        for person in able:
            shifts = [w for w in self.work.get(person.employee_id, []) if w.is_shift]
            present = False
            for t in intervals:
                lo, hi = t * step, (t + 1) * step
                if any(w.start <= lo and hi <= w.end for w in shifts):
                    present = True
                    on_shift[t] += 1
                    if any(b < hi and lo < e for b, e, _ in self.breaks[person.employee_id]):
                        on_break[t] += 1
            if not present:
                idle.append(person)
        return on_shift, on_break, idle

    def breaks_text(self, at: list[int], on_shift: dict[int, int], on_break: dict[int, int]) -> str:
        t = at[0]
        text = (
            f"breaks: {on_shift[t]} on shift at {self.clock(t * self.step)} but {on_break[t]} "
            "on a break"
        )
        share = self.scenario.rules.max_on_break
        if share is not None and not self.scenario.rule_overrides:
            text += (
                f" (max_on_break {100 * float(share):g} % lets "
                f"{self.scenario.rules.break_cap(on_shift[t])} of them go at once)"
            )
        return text


def _label(reason: str) -> str:
    return {
        "forbidden": "shift not allowed by their rules",
        "unavailable": "unavailable",
        "busy": "on another shift that day",
        "min-rest": "min rest",
        "max-consecutive-days": "max consecutive days",
        "weekly-rest": "weekly rest",
        "max-hours": "at max hours",
        "max-days": "at max days",
    }.get(reason, reason)


def _headline(reason: str, count: int, total: int) -> str:
    everyone = count == total
    if reason == "unavailable" and everyone:
        return f"nobody available (all {total} who could cover it are unavailable)"
    if reason == "busy" and everyone:
        return f"everyone able ({total}) is on another shift that day"
    phrase = {
        "forbidden": "barred from the covering shifts by their rules",
        "unavailable": "unavailable",
        "busy": "on another shift that day",
        "min-rest": "kept off by the min rest rule",
        "max-consecutive-days": "kept off by max consecutive days",
        "weekly-rest": "kept off by the weekly rest rule",
        "max-hours": "at max hours",
        "max-days": "at max days",
    }[reason]
    who = f"everyone able ({total})" if everyone else f"{count} of {total} able"
    verb = "is" if everyone else "are"
    return f"{who} {verb} {phrase}"


def _ordered(blocked: dict[str, list[str]]) -> list[tuple[str, list[str]]]:
    return sorted(blocked.items(), key=lambda item: REASONS.index(item[0]))


def _longest_rest(spans: list[tuple[int, int]], begin: int, end: int) -> int:
    """Longest gap without work in ``[begin, end)``; the edges count as edges of a gap."""
    longest, cursor = 0, begin
    for start, stop in sorted(spans):
        start, stop = max(start, begin), min(stop, end)
        if start >= stop:
            continue
        longest = max(longest, start - cursor)
        cursor = max(cursor, stop)
    return max(longest, end - cursor)


def explain_shortages(scenario: Scenario, roster: pd.DataFrame | str | Path) -> list[Shortage]:
    """Every run of short intervals of a roster, with why it is short.

    Parameters
    ----------
    scenario
        The problem the roster answers.
    roster
        A roster table or the path of a ``roster.csv``.

    Returns
    -------
    list[Shortage]
        By day, then demand line (total first), then time.
    """
    if isinstance(roster, pd.DataFrame):
        frame, file = roster, "roster"
    else:
        frame, file = read_roster(Path(roster)), Path(roster).name
    coverage = verify(scenario, frame).coverage
    explainer = _Explainer(scenario, frame, file)
    step = scenario.horizon.interval_minutes
    lines = ["", *scenario.skills_demanded()]
    runs: list[tuple[int, int, str, list[int]]] = []
    short: dict[tuple[str, int], int] = {}
    required: dict[tuple[str, int], int] = {}
    for skill, start, n, needed in zip(
        coverage["skill"],
        coverage["start"].astype(str),
        coverage["shortfall"].astype(int).tolist(),
        coverage["required"].astype(int).tolist(),
        strict=True,
    ):
        if n <= 0:
            continue
        t = scenario.horizon.to_minute(datetime.fromisoformat(start)) // step
        key = str(skill)
        short[key, t], required[key, t] = n, needed
        day = t * step // MINUTES_PER_DAY
        last = runs[-1] if runs else None
        if last is not None and last[2] == key and last[0] == day and last[3][-1] == t - 1:
            last[3].append(t)
        else:
            runs.append((day, lines.index(key), key, [t]))
    runs.sort(key=lambda run: (run[0], run[1], run[3][0]))
    return [
        explainer.explain(
            skill,
            intervals,
            {t: short[skill, t] for t in intervals},
            {t: required[skill, t] for t in intervals},
        )
        for _, _, skill, intervals in runs
    ]
