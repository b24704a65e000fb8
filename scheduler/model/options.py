"""Shift options: each template on each day it may be worked, with its break slots on the grid."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from scheduler.data import (
    MINUTES_PER_DAY,
    AvailabilityKind,
    BreakRule,
    Employee,
    Location,
    Scenario,
    ShiftTemplate,
)
from scheduler.errors import InputError


@dataclass(frozen=True)
class BreakSlots:
    """Where one break of a shift may start: offsets in minutes after the shift's start."""

    rule: BreakRule
    offsets: tuple[int, ...]


@dataclass(frozen=True)
class ShiftOption:
    """A template worked on a given day: horizon minutes ``[start, end)`` and its breaks."""

    index: int
    day: int
    template: ShiftTemplate
    start: int
    end: int
    breaks: tuple[BreakSlots, ...]

    @cached_property
    def unpaid_minutes(self) -> int:
        """Minutes of unpaid breaks the shift carries."""
        return sum(b.rule.minutes for b in self.breaks if not b.rule.paid)

    @cached_property
    def paid_minutes(self) -> int:
        """Shift length less unpaid breaks (asked for millions of times by the hand-out)."""
        return self.end - self.start - self.unpaid_minutes

    def overlaps(self, start: int, end: int) -> bool:
        """Whether the shift overlaps horizon minutes ``[start, end)``."""
        return self.start < end and start < self.end


def break_slots(
    template: ShiftTemplate, rules: tuple[BreakRule, ...], step: int
) -> tuple[BreakSlots, ...]:
    """The breaks a template carries, each with its start offsets on the interval grid.

    A window is rounded inwards to the grid and cut so the break ends inside the shift.
    """
    slots = []
    for rule in rules:
        if not rule.applies_to(template.duration):
            continue
        first = -(-rule.earliest // step) * step
        last = min(rule.latest, template.duration - rule.minutes)
        offsets = tuple(range(first, last + 1, step))
        slots.append(BreakSlots(rule, offsets))
    return tuple(slots)


def check_breaks_fit(template: ShiftTemplate, slots: tuple[BreakSlots, ...]) -> None:
    """Raise if the template's breaks cannot all be placed in order inside their windows."""
    earliest_free = 0
    for slot in slots:
        fitting = [o for o in slot.offsets if o >= earliest_free]
        if not fitting:
            raise InputError(
                "scenario.toml",
                f"shift {template.shift_id} ({template.duration} min) cannot hold break "
                f"{slot.rule.name!r} ({slot.rule.minutes} min, start {slot.rule.earliest}.."
                f"{slot.rule.latest}) after the breaks before it; widen the window or set "
                "min_shift_minutes",
                column="breaks",
            )
        earliest_free = fitting[0] + slot.rule.minutes


def shift_options(scenario: Scenario) -> list[ShiftOption]:
    """Every template on every horizon day whose weekday it allows."""
    step = scenario.horizon.interval_minutes
    per_template = {}
    for template in scenario.shifts:
        slots = break_slots(template, scenario.breaks, step)
        check_breaks_fit(template, slots)
        per_template[template.shift_id] = slots
    options: list[ShiftOption] = []
    for day in range(scenario.horizon.days):
        weekday = scenario.horizon.weekday_of(day)
        for template in scenario.shifts:
            if weekday in template.weekdays:
                start, end = template.span_on(day)
                options.append(
                    ShiftOption(
                        len(options), day, template, start, end, per_template[template.shift_id]
                    )
                )
    return options


@dataclass(frozen=True)
class FlexOption:
    """A back-office day at one location: the flex band in horizon minutes ``[start, end)``."""

    index: int
    day: int
    location: Location
    start: int
    end: int
    paid_minutes: int

    def overlaps(self, start: int, end: int) -> bool:
        """Whether the band overlaps horizon minutes ``[start, end)``."""
        return self.start < end and start < self.end


WorkOption = ShiftOption | FlexOption

FLEX_DAY = -1
"""The key of flex days in a week pattern's counts per paid length (a shift's key is its paid
minutes, which a flex day's may equal)."""


def flex_days_open(scenario: Scenario, employee: Employee) -> frozenset[int]:
    """Days the person may work a flex day: back-office weekdays free of unavailability over
    the flex band."""
    if not employee.works_back:
        return frozenset()
    unavailable = Spans.unavailable(scenario, employee.employee_id)
    return frozenset(
        option.day
        for option in flex_options(scenario, 0)
        if option.location == Location.ONSITE and not unavailable.overlap(option)
    )


class Spans:
    """Horizon-minute spans (a person's unavailable ones), found by the day of an option.

    An option lies within its start day and the next, so only spans reaching those days are
    checked: a scan of every span per option made 61 M checks to build Curtois Instance24.
    """

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        self._by_day: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for start, end in spans:
            for day in range(start // MINUTES_PER_DAY - 1, (end - 1) // MINUTES_PER_DAY + 1):
                self._by_day[day].append((start, end))

    @classmethod
    def unavailable(cls, scenario: Scenario, employee_id: str) -> Spans:
        """The person's unavailable spans."""
        away = scenario.spans_of(employee_id, AvailabilityKind.UNAVAILABLE)
        return cls((span.start, span.end) for span in away)

    def overlap(self, option: WorkOption) -> bool:
        """Whether some span overlaps the option."""
        return self.meets(option.day, option.start, option.end)

    def meets(self, day: int, start: int, end: int) -> bool:
        """Whether some span overlaps horizon minutes ``[start, end)`` of work starting on
        ``day``."""
        return any(start < until and since < end for since, until in self._by_day.get(day, []))


def flex_options(scenario: Scenario, first_index: int) -> list[FlexOption]:
    """A flex day on site and one remote for each back-office working day, numbered on."""
    policy = scenario.back_office
    options: list[FlexOption] = []
    for day in range(scenario.horizon.days):
        if scenario.horizon.weekday_of(day) not in policy.weekdays:
            continue
        start, end = policy.band_on(day)
        for location in Location:
            index = first_index + len(options)
            options.append(FlexOption(index, day, location, start, end, policy.daily_minutes))
    return options


def anchored_days(scenario: Scenario, employee: Employee) -> frozenset[int]:
    """Days the person must spend on site in the back office: their team's anchor weekdays on
    which they are available for the flex band (as `RosterModel.add_anchors` holds them)."""
    weekdays = {a.weekday for a in scenario.back_office.anchors if a.team == employee.team}
    if not weekdays:
        return frozenset()
    return frozenset(
        day
        for day in flex_days_open(scenario, employee)
        if scenario.horizon.weekday_of(day) in weekdays
    )


def run_from(days: tuple[int, ...] | set[int], day: int, step: int) -> int:
    """How many consecutive days of ``days`` run from ``day`` on, one ``step`` at a time."""
    run = 0
    while day + run * step in days:
        run += 1
    return run
