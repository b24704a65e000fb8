"""Conflicting rule groups in the planner's words, with the numbers that make them clash.

An infeasible scenario is explained by the solver's assumption core over *rule groups*: one
person's min_hours in one 7-day block, one day's staggering cap, and so on. This module turns
each group into a :class:`Conflict`: what the rule says and what the scenario leaves for it
(e.g. ``E17 (Ann Lee): min_hours 32 h in week 1 (2026-12-07..2026-12-13), but available on
only 3 days of at most 8 h (24 h)``). It reads the scenario only; it never imports OR-Tools.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Protocol

from scheduler.data import MINUTES_PER_DAY, Employee, Location, Scenario
from scheduler.model.options import (
    FlexOption,
    Spans,
    WorkOption,
    break_slots,
    flex_options,
    shift_options,
)


class RuleGroup(Protocol):
    """A guarded rule group as the model names it (see ``scheduler.model.roster.Guard``)."""

    @property
    def family(self) -> str: ...

    @property
    def employee_id(self) -> str: ...

    @property
    def detail(self) -> str: ...


@dataclass(frozen=True)
class Conflict:
    """One rule group of a conflicting set.

    Parameters
    ----------
    rule
        The rule family, e.g. ``min_hours``, ``max_on_break``, ``cover``.
    employee_id
        The person it binds, or None for a rule about a whole day.
    when
        The 7-day block as ``first..last`` date, a single date, or ``""`` for the whole horizon.
    message
        The rule and what the scenario leaves for it, in one line.
    """

    rule: str
    employee_id: str | None
    when: str
    message: str

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return asdict(self)


def _hours(minutes: int) -> str:
    return f"{minutes / 60:g} h"


def _duration(minutes: int) -> str:
    """``205`` -> ``3 h 25 min``."""
    hours, rest = divmod(minutes, 60)
    parts = [f"{hours} h"] if hours else []
    if rest or not hours:
        parts.append(f"{rest} min")
    return " ".join(parts)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _clock(minute: int) -> str:
    minute %= MINUTES_PER_DAY
    return f"{minute // 60:02d}:{minute % 60:02d}"


class _Describer:
    """Describes rule groups of one scenario, caching each person's open options."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.shift_options = shift_options(scenario)
        self.flex_options = flex_options(scenario, len(self.shift_options))
        self._open: dict[str, list[WorkOption]] = {}

    def open_options(self, employee: Employee) -> list[WorkOption]:
        """The shifts and flex days a person may take: right office, not unavailable."""
        if employee.employee_id not in self._open:
            away = Spans.unavailable(self.scenario, employee.employee_id)
            options: list[WorkOption] = []
            if employee.works_front:
                rules = self.scenario.rules_for(employee)
                options.extend(o for o in self.shift_options if rules.allows(o.template))
            if employee.works_back:
                options.extend(
                    o
                    for o in self.flex_options
                    if o.location == Location.ONSITE or employee.remote_ok
                )
            self._open[employee.employee_id] = [o for o in options if not away.overlap(o)]
        return self._open[employee.employee_id]

    def block(self, detail: str) -> tuple[int, int, str, str]:
        """``blockN`` -> first day, days, ``week N (first..last)`` and ``first..last``."""
        index = int(detail.removeprefix("block")) - 1
        first, days = self.scenario.horizon.blocks()[index]
        horizon = self.scenario.horizon
        span = f"{horizon.date_of(first).isoformat()}..{horizon.date_of(first + days - 1)}"
        return first, days, f"week {index + 1} ({span})", span

    def day(self, detail: str) -> tuple[int, str]:
        """``dayN`` -> the day and its date."""
        day = int(detail.removeprefix("day"))
        return day, self.scenario.horizon.date_of(day).isoformat()

    def describe(self, guard: RuleGroup) -> Conflict:
        """The rule group as a :class:`Conflict`."""
        if not guard.employee_id:
            return self._describe_day_rule(guard)
        person = self.scenario.employee(guard.employee_id)
        rule, when, text = guard.family, "", guard.family
        if guard.detail.startswith("block"):
            first, days, week, when = self.block(guard.detail)
            text = self._block_rule(person, rule, first, days, week)
        elif rule == "anchor":
            _, when = self.day(guard.detail)
            text = f"team {person.team} on site on {when}"
        elif rule == "min_rest":
            text = self._min_rest(person)
        elif rule == "max_consecutive_days":
            limit = self.scenario.rules_for(person).max_consecutive_days
            text = f"max_consecutive_days {limit}: a day off after at most {limit} days in a row"
        message = f"{person.employee_id} ({person.name}): {text}"
        return Conflict(rule, person.employee_id, when, message)

    def _block_rule(self, person: Employee, rule: str, first: int, days: int, week: str) -> str:
        rules, policy = self.scenario.rules_for(person), self.scenario.back_office
        max_days = rules.max_days_of(person)
        mine = [o for o in self.open_options(person) if first <= o.day < first + days]
        open_days = sorted({o.day for o in mine})
        longest = max((o.paid_minutes for o in mine), default=0)
        if rule == "min_hours":
            needed = person.min_minutes * days // 7
            text = f"min_hours {_hours(person.min_minutes)} in {week}"
            if days < 7:
                text += f", {_duration(needed)} for its {_count(days, 'day')}"
            open_reach = len(open_days) * longest
            if not open_days:
                return f"{text}, but not available on any day of it"
            if open_reach < needed:
                return (
                    f"{text}, but available on only {_count(len(open_days), 'day')} of at most "
                    f"{_hours(longest)} ({_hours(open_reach)})"
                )
            if max_days is not None and max_days * longest < needed:
                return (
                    f"{text}, but max_days {max_days} of at most {_hours(longest)} "
                    f"give {_hours(max_days * longest)}"
                )
            least = -(-needed // longest) if longest else 0
            return (
                f"{text}, needs at least {_count(least, 'day')} of at most {_hours(longest)}"
                f" (available on {len(open_days)})"
            )
        if rule == "max_hours":
            return f"max_hours {_hours(person.weekly_max_minutes)} in {week}"
        if rule == "max_days":
            return f"max_days {max_days} in {week}"
        if rule == "weekly_rest":
            return (
                f"weekly_rest_hours {_hours(rules.weekly_rest_minutes)} in {week}: that many "
                "hours off in a row"
            )
        if rule == "max_remote_days":
            return f"max_remote_days {policy.max_remote_days} in {week}"
        if rule == "min_onsite_days":
            return f"min_onsite_days {policy.min_onsite_days} on site in {week}"
        return f"{rule} in {week}"

    def _min_rest(self, person: Employee) -> str:
        """The rule and the first template pairs it keeps apart on consecutive days."""
        rules = self.scenario.rules_for(person)
        rest = rules.min_rest_minutes
        templates = [t for t in self.scenario.shifts if rules.allows(t)]
        clashes = []
        for before in templates:
            for after in templates:
                gap = MINUTES_PER_DAY + after.start - (before.start + before.duration)
                if 0 <= gap < rest:
                    clashes.append(
                        f"{before.shift_id} ending {_clock(before.end)} then "
                        f"{after.shift_id} at {_clock(after.start)} ({_hours(gap)})"
                    )
        text = f"min_rest_hours {_hours(rest)} between shifts"
        if clashes:
            more = f" and {len(clashes) - 2} more" if len(clashes) > 2 else ""
            text += " rules out " + ", ".join(clashes[:2]) + more
        return text

    def _describe_day_rule(self, guard: RuleGroup) -> Conflict:
        scenario = self.scenario
        if guard.family == "cover":
            skill, _, day_text = guard.detail.partition(":")
            day = int(day_text)
            when = scenario.horizon.date_of(day).isoformat()
            needed = max(
                (c.min for c in scenario.back_office.covers if c.skill == skill), default=0
            )
            able = [
                e.employee_id
                for e in scenario.employees
                if e.works_back
                and skill in e.skills
                and any(o.day == day for o in self.open_options(e) if isinstance(o, FlexOption))
            ]
            message = (
                f"back-office cover on {when}: at least {needed} with skill {skill}, "
                f"but {len(able)} available" + (f" ({', '.join(able)})" if able else "")
            )
            return Conflict("cover", None, when, message)
        day, when = self.day(guard.detail)
        if guard.family == "desks":
            message = f"desks: at most {scenario.back_office.desks} on site on {when}"
            weekday = scenario.horizon.weekday_of(day)
            teams = {a.team for a in scenario.back_office.anchors if a.weekday == weekday}
            anchored = [
                e
                for e in scenario.employees
                if e.team in teams
                and any(
                    o.day == day and o.location == Location.ONSITE
                    for o in self.open_options(e)
                    if isinstance(o, FlexOption)
                )
            ]
            if anchored:
                names = ", ".join(sorted(teams))
                message += f", but anchors put {len(anchored)} there (team {names})"
            return Conflict("desks", None, when, message)
        if guard.family == "max_on_break":
            return Conflict("max_on_break", None, when, self._staggering(day, when))
        return Conflict(guard.family, None, when, f"{guard.family} on {when}")

    def _staggering(self, day: int, when: str) -> str:
        """The cap and the break starts the shifts of a day leave to stagger them."""
        shares = sorted(
            {
                share
                for e in self.scenario.employees
                if e.works_front and (share := self.scenario.rules_for(e).max_on_break)
            }
        )
        step = self.scenario.horizon.interval_minutes
        percent = " or ".join(f"{100 * float(share):g} %" for share in shares) or "none"
        windows = []
        begin = day * MINUTES_PER_DAY
        for option in self.shift_options:
            if not option.overlaps(begin, begin + MINUTES_PER_DAY):
                continue
            template = option.template
            for slot in break_slots(template, self.scenario.breaks, step):
                starts = [_clock(option.start + p) for p in slot.offsets]
                where = starts[0] if len(starts) == 1 else f"{starts[0]}-{starts[-1]}"
                windows.append(
                    f"{template.shift_id} {_clock(template.start)}-{_clock(template.end)} "
                    f"'{slot.rule.name}' at {where} ({len(starts)} start"
                    + ("s" if len(starts) != 1 else "")
                    + ")"
                )
        text = (
            f"max_on_break {percent} on {when}: at most max(1, {percent} of those on shift) "
            "on a break at once"
        )
        if windows:
            text += "; break windows: " + "; ".join(windows[:3])
            if len(windows) > 3:
                text += f" and {len(windows) - 3} more"
        return text


def describe_conflicts(scenario: Scenario, guards: list[RuleGroup]) -> list[Conflict]:
    """The rule groups of an assumption core as conflicts, by person then rule."""
    describer = _Describer(scenario)
    ordered = sorted(guards, key=lambda g: (g.employee_id, g.family, _detail_key(g.detail)))
    return [describer.describe(g) for g in ordered]


def _detail_key(detail: str) -> tuple[str, int]:
    digits = "".join(ch for ch in detail if ch.isdigit())
    return detail.rstrip("0123456789"), int(digits) if digits else 0
