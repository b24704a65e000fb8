"""Typed, frozen descriptions of a rostering problem.

Times are integer minutes. A *horizon minute* counts from 00:00 of the horizon's first day,
so minute ``d * 1440 + m`` is minute ``m`` of day ``d``; an overnight shift on the last day
simply runs past ``horizon.num_minutes``. Interval ``t`` is the span
``[t * interval_minutes, (t + 1) * interval_minutes)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping

    import pandas as pd

MINUTES_PER_DAY = 1440
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
INTERVAL_CHOICES = (5, 10, 15, 30, 60)
MAX_HORIZON_DAYS = 371
"""Longest horizon a Scenario holds (53 weeks: a year of benchmark days); scenario.toml
allows 56."""
START_YEARS = (1900, 2198)
"""First and last year a horizon may start in (far inside pandas' timestamps, 1677-2262)."""


class Office(StrEnum):
    """Where a person may work."""

    FRONT = "front"
    BACK = "back"
    BOTH = "both"


class AvailabilityKind(StrEnum):
    """What an availability row says about a span."""

    UNAVAILABLE = "unavailable"
    PREFER = "prefer"
    AVOID = "avoid"


@dataclass(frozen=True)
class Horizon:
    """The days rostered and the interval grid."""

    start: date
    days: int = 7
    interval_minutes: int = 15
    timezone: str | None = None
    holidays: tuple[tuple[int, str], ...] = ()
    """Public holidays as ``(day, name)``: days off for contract hours."""
    country: str | None = None
    subdivision: str | None = None
    """Where ``holidays`` came from (``[horizon]`` keys), so a saved scenario names them again."""

    def __post_init__(self) -> None:
        if not 1 <= self.days <= MAX_HORIZON_DAYS:
            raise ValueError(f"days must lie in 1..{MAX_HORIZON_DAYS}, got {self.days}")
        if self.interval_minutes not in INTERVAL_CHOICES:
            raise ValueError(f"interval_minutes must be one of {INTERVAL_CHOICES}")
        first, last = START_YEARS
        if not first <= self.start.year <= last:
            raise ValueError(f"start must lie in the years {first}..{last}, got {self.start}")

    @property
    def num_minutes(self) -> int:
        """Length of the horizon in minutes."""
        return self.days * MINUTES_PER_DAY

    @property
    def num_intervals(self) -> int:
        """Number of intervals in the horizon."""
        return self.num_minutes // self.interval_minutes

    def date_of(self, day: int) -> date:
        """Calendar date of horizon day ``day``."""
        return self.start + timedelta(days=day)

    def weekday_of(self, day: int) -> int:
        """Weekday of horizon day ``day`` (0 = Monday)."""
        return self.date_of(day).weekday()

    def day_of(self, when: date) -> int | None:
        """Horizon day index of ``when``, or None outside the horizon."""
        day = (when - self.start).days
        return day if 0 <= day < self.days else None

    def to_datetime(self, minute: int) -> datetime:
        """Local wall-clock date-time of horizon minute ``minute``."""
        return datetime.combine(self.start, datetime.min.time()) + timedelta(minutes=minute)

    def to_minute(self, when: datetime) -> int:
        """Horizon minute of a local wall-clock date-time (may lie outside the horizon)."""
        delta = when - datetime.combine(self.start, datetime.min.time())
        return int(delta.total_seconds() // 60)

    def scale(self, weekly_minutes: int, first_day: int, num_days: int) -> int:
        """A weekly amount (contract or min hours) for the block of ``num_days`` from
        ``first_day``: scaled to its length, less a fifth for each holiday on a weekday."""
        off = sum(
            first_day <= day < first_day + num_days and self.weekday_of(day) < 5
            for day, _ in self.holidays
        )
        return max(0, scale_to_block(weekly_minutes, num_days) - weekly_minutes * off // 5)

    def blocks(self) -> list[tuple[int, int]]:
        """The 7-day blocks from the horizon start as ``(first_day, num_days)``.

        The last block is shorter when ``days`` is not a multiple of 7.
        """
        return [(first, min(7, self.days - first)) for first in range(0, self.days, 7)]

    def weekend_days(self) -> frozenset[int]:
        """Horizon days on a Saturday or Sunday."""
        return frozenset(d for d in range(self.days) if self.weekday_of(d) in WEEKEND)

    def weekends(self) -> list[tuple[int, ...]]:
        """Horizon days on a Saturday or Sunday, grouped by calendar weekend.

        A weekend cut by the horizon's start or end keeps the days inside it.
        """
        groups: dict[int, list[int]] = {}
        for day in range(self.days):
            if self.weekday_of(day) in WEEKEND:
                groups.setdefault(day - self.weekday_of(day), []).append(day)
        return [tuple(days) for _, days in sorted(groups.items())]


@dataclass(frozen=True)
class Employee:
    """A named person with a contract. Hours are held in minutes."""

    employee_id: str
    name: str
    office: Office = Office.FRONT
    skills: frozenset[str] = frozenset()
    contract_minutes: int = 0
    min_minutes: int = 0
    max_minutes: int | None = None
    max_days: int | None = None
    remote_ok: bool = False
    team: str | None = None
    remote_days: frozenset[int] = frozenset()
    prefers: Office | None = None
    group: str | None = None
    preferred_shifts: frozenset[str] = frozenset()
    rule_changes: tuple[tuple[str, Any], ...] = ()
    """The person's own rule values (staff.csv columns): replace their rule book's, last."""

    @property
    def works_front(self) -> bool:
        """Whether the person may take front-office shifts."""
        return self.office in (Office.FRONT, Office.BOTH)

    @property
    def works_back(self) -> bool:
        """Whether the person may work back-office flex days."""
        return self.office in (Office.BACK, Office.BOTH)

    @property
    def weekly_max_minutes(self) -> int:
        """Weekly ceiling on paid minutes (the contract when no maximum is given)."""
        return self.contract_minutes if self.max_minutes is None else self.max_minutes


def scale_to_block(weekly_minutes: int, num_days: int) -> int:
    """Scale a weekly amount to a block of ``num_days`` days (rounded down)."""
    return weekly_minutes * num_days // 7


@dataclass(frozen=True)
class ShiftTemplate:
    """A shift people can be given; ``start`` and ``end`` are minutes of the day."""

    shift_id: str
    start: int
    end: int
    weekdays: frozenset[int] = frozenset(range(7))
    tags: frozenset[str] = frozenset()
    not_followed_by: frozenset[str] = frozenset()
    """Shift ids or tags no one may start on the day after working this shift."""

    def bars_next(self, other: ShiftTemplate) -> bool:
        """Whether ``other`` may not start the day after this shift (by id or tag)."""
        return other.shift_id in self.not_followed_by or bool(other.tags & self.not_followed_by)

    @property
    def duration(self) -> int:
        """Length in minutes; an end at or before the start means the next day."""
        return (self.end - self.start) % MINUTES_PER_DAY or MINUTES_PER_DAY

    def span_on(self, day: int) -> tuple[int, int]:
        """Horizon minutes ``[start, end)`` of this shift when it starts on ``day``."""
        begin = day * MINUTES_PER_DAY + self.start
        return begin, begin + self.duration


@dataclass(frozen=True)
class BreakRule:
    """A break every shift of at least ``min_shift_minutes`` carries.

    ``earliest`` and ``latest`` bound the break's start, in minutes after the shift's start.
    """

    name: str
    minutes: int
    earliest: int
    latest: int
    min_shift_minutes: int = 0
    paid: bool = True

    def applies_to(self, shift_minutes: int) -> bool:
        """Whether a shift of this length carries the break."""
        return shift_minutes >= self.min_shift_minutes


@dataclass(frozen=True)
class DemandSpan:
    """``required`` people on the floor through horizon minutes ``[start, end)``.

    ``skill`` None means any front-office person.
    """

    start: int
    end: int
    required: int
    skill: str | None = None


@dataclass(frozen=True)
class AvailabilitySpan:
    """An availability row resolved to horizon minutes ``[start, end)``."""

    employee_id: str
    start: int
    end: int
    kind: AvailabilityKind
    weight: int = 1


@dataclass(frozen=True)
class ShiftDemand:
    """A day-level cover line: ``required`` people on shift ``shift_id`` starting on ``day``.

    ``under_weight`` and ``over_weight`` are the penalties per person short and per person
    extra; None means the default (see :meth:`Scenario.cover_weights`). ``skill`` None counts
    anyone.
    """

    day: int
    shift_id: str
    required: int
    under_weight: int | None = None
    over_weight: int | None = None
    skill: str | None = None


@dataclass(frozen=True)
class ShiftRequest:
    """A request about one shift on one day: work it (prefer), not (avoid), never (unavailable).

    Prefer and avoid cost ``weight`` in the preference tier when refused.
    """

    employee_id: str
    day: int
    shift_id: str
    kind: AvailabilityKind
    weight: int = 1


@dataclass(frozen=True)
class Rules:
    """Hard labour rules; durations in minutes.

    ``max_days`` caps working days per 7-day block on top of a person's own ``max_days``;
    ``forbidden_shifts`` holds shift ids or tags its people never work.

    The day-level rules are off when None (or empty). Over the whole horizon:
    ``max_shifts`` caps the shifts of a shift id or tag, ``min_total_minutes`` and
    ``max_total_minutes`` bound paid minutes, ``max_weekends`` caps weekends with work (a
    weekend is worked when anything starts on its Saturday or Sunday). A run of working days
    that neither starts on the first horizon day nor ends on the last lasts at least
    ``min_consecutive_days``; likewise a run of days off lasts at least ``min_days_off``.
    """

    min_rest_minutes: int = 11 * 60
    weekly_rest_minutes: int = 35 * 60
    max_consecutive_days: int = 6
    max_on_break: Fraction | None = None
    max_days: int | None = None
    forbidden_shifts: frozenset[str] = frozenset()
    min_consecutive_days: int | None = None
    min_days_off: int | None = None
    max_weekends: int | None = None
    max_shifts: tuple[tuple[str, int], ...] = ()
    min_total_minutes: int | None = None
    max_total_minutes: int | None = None

    def break_cap(self, num_on_shift: int) -> int:
        """Most people allowed on a break at once when ``num_on_shift`` people are working."""
        return break_cap(self.max_on_break, num_on_shift)

    def allows(self, template: ShiftTemplate) -> bool:
        """Whether people under these rules may work ``template``."""
        return not (
            template.shift_id in self.forbidden_shifts or template.tags & self.forbidden_shifts
        )

    def may_work(self, template: ShiftTemplate) -> bool:
        """Whether people under these rules may work ``template`` at all: allowed, and no
        ``max_shifts`` entry counting it is 0."""
        return self.allows(template) and all(limit > 0 for _, limit in self.shift_limits(template))

    def shift_limits(self, template: ShiftTemplate) -> list[tuple[str, int]]:
        """The ``max_shifts`` entries (id or tag, limit) that count ``template``."""
        return [
            (key, limit)
            for key, limit in self.max_shifts
            if key == template.shift_id or key in template.tags
        ]

    def max_days_of(self, employee: Employee) -> int | None:
        """The tighter of the person's own ``max_days`` and the rule book's."""
        limits = [n for n in (employee.max_days, self.max_days) if n is not None]
        return min(limits) if limits else None


def break_cap(share: Fraction | None, num_on_shift: int) -> int:
    """``max(1, floor(share x num_on_shift))``: most people on a break at once (all if None)."""
    if share is None:
        return num_on_shift
    return max(1, share.numerator * num_on_shift // share.denominator)


RULE_FIELDS = tuple(f for f in Rules.__dataclass_fields__)
"""Rule keys a group may override."""


@dataclass(frozen=True)
class RuleOverride:
    """Rule keys that replace ``[rules]`` for one office (front or back) or one group.

    ``changes`` pairs a `Rules` field name with its value. Office overrides apply first (front
    to office front and both, back to office back), group overrides on top of them.
    """

    scope: str
    changes: tuple[tuple[str, Any], ...]
    office: Office | None = None

    def applies_to(self, employee: Employee) -> bool:
        """Whether the override covers ``employee``."""
        if self.office is None:
            return employee.group == self.scope
        if self.office == Office.FRONT:
            return employee.office in (Office.FRONT, Office.BOTH)
        return employee.office == self.office


@dataclass(frozen=True)
class Weights:
    """Objective weights, one per tier. Shortfall is weighted far above everything else.

    shortfall
        Per person-minute below demand (tier 1); ``skill`` gives a skill line its own weight.
    contract
        Per minute of paid time away from the contract, per 7-day block (tier 2).
    preference
        Per unit of weight of a prefer/avoid request that is not granted, and per shift outside
        a person's ``preferred_shifts`` (tier 3).
    fairness
        Per unit of spread (max minus min within a group, per 40 h of contract, in hundredths
        of a shift) of weekend days, tagged shifts and unwanted shifts (tier 4).
    surplus
        Per person-minute above demand (tier 5).
    """

    shortfall: int = 1000
    contract: int = 10
    preference: int = 600
    surplus: int = 1
    fairness: int = 2
    skill: tuple[tuple[str, int], ...] = ()

    def shortfall_of(self, line: str | None) -> int:
        """Weight per person-minute short on a demand line (None: the total)."""
        return dict(self.skill).get(line, self.shortfall) if line is not None else self.shortfall


TIERS = ("shortfall", "contract", "preference", "fairness", "surplus")
"""The objective's tiers, most important first."""

FAIRNESS_SCALE = 240_000
"""Fairness load of one shift is ``FAIRNESS_SCALE // contract_minutes``: 100 per 40 h."""
WEEKEND = frozenset({5, 6})


def fairness_group(employee: Employee) -> str:
    """Whom a person's load is compared with: their group, else their office."""
    if employee.group:
        return f"group {employee.group}"
    return "back office" if employee.office == Office.BACK else "front office"


def fairness_factor(employee: Employee) -> int:
    """Load of one counted shift or day for ``employee`` (0 without a contract)."""
    if employee.contract_minutes <= 0:
        return 0
    return FAIRNESS_SCALE // employee.contract_minutes


def fairness_categories(scenario: Scenario) -> dict[str, set[str]]:
    """Each fairness category and the people who could ever count in it.

    ``weekend``: shifts and flex days starting on a Saturday or Sunday; ``tag:NAME``: shifts of
    templates tagged NAME; ``unwanted``: shifts outside a person's ``preferred_shifts`` (only
    people who listed some). Eligibility is static (office, templates, rules), not availability.
    """
    horizon = scenario.horizon
    weekend_days = {horizon.weekday_of(d) for d in range(horizon.days)} & WEEKEND
    tags = sorted({tag for s in scenario.shifts for tag in s.tags})
    result: dict[str, set[str]] = {"weekend": set(), "unwanted": set()}
    result.update({f"tag:{tag}": set() for tag in tags})
    for person in scenario.employees:
        if fairness_factor(person) == 0:
            continue
        rules = scenario.rules_for(person)
        allowed = [s for s in scenario.shifts if person.works_front and rules.allows(s)]
        if any(s.weekdays & weekend_days for s in allowed) or (
            person.works_back and scenario.back_office.weekdays & weekend_days
        ):
            result["weekend"].add(person.employee_id)
        for tag in tags:
            if any(tag in s.tags for s in allowed):
                result[f"tag:{tag}"].add(person.employee_id)
        if person.preferred_shifts and allowed:
            result["unwanted"].add(person.employee_id)
    return {name: people for name, people in result.items() if len(people) > 0}


def is_preferred(employee: Employee, template: ShiftTemplate) -> bool:
    """Whether a shift is one the person asked for (always, when they asked for none)."""
    wanted = employee.preferred_shifts
    return not wanted or template.shift_id in wanted or bool(template.tags & wanted)


class Location(StrEnum):
    """Where a back-office day is worked."""

    ONSITE = "onsite"
    REMOTE = "remote"


@dataclass(frozen=True)
class Anchor:
    """A team that works on site on a weekday (0 = Monday)."""

    team: str
    weekday: int


@dataclass(frozen=True)
class Cover:
    """At least ``min`` back-office people with ``skill`` work on each of ``weekdays``."""

    skill: str
    weekdays: frozenset[int]
    min: int


WORKING_WEEKDAYS = frozenset(range(5))
"""Monday to Friday: when the back office works, unless the policy says otherwise."""


@dataclass(frozen=True)
class BackOffice:
    """Back-office policy: flex days inside a band, telework, desks, anchors and cover.

    ``flex_start``/``flex_end`` and ``core_start``/``core_end`` are minutes of the day.
    ``weekdays`` are the days a flex day may be worked. ``desks`` None means no limit.
    """

    flex_start: int = 7 * 60
    flex_end: int = 19 * 60
    core_start: int | None = None
    core_end: int | None = None
    daily_minutes: int = 8 * 60
    min_onsite_days: int = 0
    max_remote_days: int | None = None
    desks: int | None = None
    anchors: tuple[Anchor, ...] = ()
    covers: tuple[Cover, ...] = ()
    weekdays: frozenset[int] = WORKING_WEEKDAYS

    def band_on(self, day: int) -> tuple[int, int]:
        """Horizon minutes ``[start, end)`` of the flex band on ``day``."""
        return day * MINUTES_PER_DAY + self.flex_start, day * MINUTES_PER_DAY + self.flex_end


@dataclass(frozen=True)
class Scenario:
    """Everything a solve needs: the horizon, people, templates, demand and policy."""

    horizon: Horizon
    employees: tuple[Employee, ...]
    shifts: tuple[ShiftTemplate, ...]
    demand: tuple[DemandSpan, ...] = ()
    breaks: tuple[BreakRule, ...] = ()
    availability: tuple[AvailabilitySpan, ...] = ()
    rules: Rules = field(default_factory=Rules)
    weights: Weights = field(default_factory=Weights)
    back_office: BackOffice = field(default_factory=BackOffice)
    name: str = ""
    rule_overrides: tuple[RuleOverride, ...] = ()
    shift_demand: tuple[ShiftDemand, ...] = ()
    shift_requests: tuple[ShiftRequest, ...] = ()

    def __post_init__(self) -> None:
        ids = [e.employee_id for e in self.employees]
        if len(set(ids)) != len(ids):
            raise ValueError("employee_id values must be unique")
        shift_ids = [s.shift_id for s in self.shifts]
        if len(set(shift_ids)) != len(shift_ids):
            raise ValueError("shift_id values must be unique")
        known = set(ids)
        for span in self.availability:
            if span.employee_id not in known:
                raise ValueError(f"availability names unknown employee {span.employee_id!r}")
        for request in self.shift_requests:
            if request.employee_id not in known:
                raise ValueError(f"availability names unknown employee {request.employee_id!r}")
            if request.shift_id not in shift_ids:
                raise ValueError(f"a shift request names unknown shift {request.shift_id!r}")
        for line in self.shift_demand:
            if line.shift_id not in shift_ids:
                raise ValueError(f"day-level demand names unknown shift {line.shift_id!r}")

    @property
    def num_employees(self) -> int:
        """Number of people."""
        return len(self.employees)

    def with_people(self, employee_ids: Collection[str]) -> Scenario:
        """The scenario with only these people, their availability and requests, and no
        day-level cover (its lines count everyone)."""
        kept = set(employee_ids)
        return replace(
            self,
            employees=tuple(e for e in self.employees if e.employee_id in kept),
            availability=tuple(a for a in self.availability if a.employee_id in kept),
            shift_requests=tuple(r for r in self.shift_requests if r.employee_id in kept),
            shift_demand=(),
        )

    def employee(self, employee_id: str) -> Employee:
        """The person with this id."""
        for employee in self.employees:
            if employee.employee_id == employee_id:
                return employee
        raise KeyError(employee_id)

    def skills_demanded(self) -> list[str]:
        """Skills that some demand span asks for, sorted."""
        return sorted({d.skill for d in self.demand if d.skill is not None})

    def required(self) -> dict[str | None, list[int]]:
        """People required on the floor per interval: ``None`` for the total, then per skill.

        Overlapping demand spans add up; demand past the horizon's end is dropped.
        """
        step = self.horizon.interval_minutes
        result: dict[str | None, list[int]] = {None: [0] * self.horizon.num_intervals}
        for skill in self.skills_demanded():
            result[skill] = [0] * self.horizon.num_intervals
        for span in self.demand:
            line = result[span.skill]
            last = min(span.end, self.horizon.num_minutes)
            for t in range(span.start // step, (last + step - 1) // step):
                line[t] += span.required
        return result

    def rules_for(self, employee: Employee) -> Rules:
        """The rules that hold for ``employee``: ``[rules]``, then office, then group overrides,
        then the person's own (staff.csv's rule columns).

        The one resolution the model and the verifier both use.
        """
        changes: dict[str, Any] = {}
        for override in sorted(self.rule_overrides, key=lambda o: o.office is None):
            if override.applies_to(employee):
                changes.update(override.changes)
        changes.update(employee.rule_changes)
        return replace(self.rules, **changes) if changes else self.rules

    def cover_weights(self, line: ShiftDemand) -> tuple[int, int]:
        """Penalties per person short and per person extra on a day-level cover line.

        Defaults: the line's shortfall weight (its skill's, else ``shortfall``) and the
        ``surplus`` weight, each per minute of the shift, as interval demand counts them.
        """
        minutes = next(s.duration for s in self.shifts if s.shift_id == line.shift_id)
        under = line.under_weight
        if under is None:
            under = self.weights.shortfall_of(line.skill) * minutes
        over = line.over_weight
        if over is None:
            over = self.weights.surplus * minutes
        return under, over

    def spans_of(self, employee_id: str, kind: AvailabilityKind) -> list[AvailabilitySpan]:
        """The availability spans of one kind for one person."""
        return [a for a in self.availability if a.employee_id == employee_id and a.kind == kind]

    # Reading, writing and what-if copies for notebooks. They live in scheduler.io and
    # scheduler.changes, imported here on use: data.py itself stays free of I/O.

    @classmethod
    def load(cls, folder: str | Path) -> Scenario:
        """Read a scenario folder (see :func:`scheduler.io.scenario.read_scenario`)."""
        from scheduler.io.scenario import read_scenario

        return read_scenario(folder)

    @classmethod
    def from_frames(
        cls,
        *,
        staff: pd.DataFrame,
        shifts: pd.DataFrame,
        demand: pd.DataFrame,
        policy: Mapping[str, Any] | str | Path,
        availability: pd.DataFrame | None = None,
        name: str | None = None,
    ) -> Scenario:
        """A scenario from DataFrames shaped like the folder's CSV tables and a policy.

        ``policy`` is ``scenario.toml`` as a dict or the path of a TOML file. The frames get
        the CSV files' checks; errors name the frame (e.g. ``staff``), row and column (see
        :func:`scheduler.io.scenario.read_frames`).
        """
        from scheduler.io.scenario import read_frames

        return read_frames(staff, shifts, demand, policy, availability, name)

    def save(self, folder: str | Path) -> list[Path]:
        """Write the scenario as a folder that :meth:`load` reads back equal; return its files."""
        from scheduler.io.scenario_writer import write_scenario

        return write_scenario(self, folder)

    def with_changes(
        self,
        *,
        demand_scale: float | Fraction | None = None,
        absent: Mapping[str, Any] | None = None,
        rules: Mapping[str, Any] | None = None,
        weights: Mapping[str, Any] | None = None,
        breaks: Mapping[str, Mapping[str, Any] | None] | None = None,
        back_office: Mapping[str, Any] | None = None,
        name: str | None = None,
    ) -> Scenario:
        """A changed copy; the scenario itself is left alone.

        ``demand_scale`` (rounded up per span), ``absent`` (id to days), and ``rules``,
        ``weights``, ``back_office`` and ``breaks`` in ``scenario.toml``'s keys: see
        :func:`scheduler.changes.apply_changes`.
        """
        from scheduler.changes import apply_changes

        return apply_changes(
            self,
            demand_scale=demand_scale,
            absent=absent,
            rules=rules,
            weights=weights,
            breaks=breaks,
            back_office=back_office,
            name=name,
        )


@dataclass(frozen=True)
class PlacedBreak:
    """A break placed in horizon minutes ``[start, end)``."""

    name: str
    start: int
    end: int
    paid: bool = True


@dataclass(frozen=True)
class FlexDay:
    """A back-office day: the flex band in horizon minutes ``[start, end)``, paid minutes."""

    employee_id: str
    day: int
    location: Location
    start: int
    end: int
    paid_minutes: int


@dataclass(frozen=True)
class Assignment:
    """One person working one shift, with its breaks, in horizon minutes ``[start, end)``."""

    employee_id: str
    day: int
    shift_id: str
    start: int
    end: int
    breaks: tuple[PlacedBreak, ...] = ()

    @property
    def paid_minutes(self) -> int:
        """Shift length less its unpaid breaks."""
        unpaid = sum(b.end - b.start for b in self.breaks if not b.paid)
        return self.end - self.start - unpaid
