"""The CP-SAT roster model: one method per rule family.

People are named in the assignment variables ``x[e, o]`` (person ``e`` works shift option
``o``). Coverage only needs how many people of each *skill class* work each option, so it is
built on the counts ``n[o, c]``; breaks are placed either on those counts (the aggregated
formulation: people on the same shift with the same skills are interchangeable, and named
people get the placements afterwards) or per person (the individual formulation).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal, TypeVar

from ortools.sat.python import cp_model

from scheduler.data import (
    MINUTES_PER_DAY,
    TIERS,
    Assignment,
    AvailabilityKind,
    Employee,
    FlexDay,
    Location,
    Office,
    PlacedBreak,
    Scenario,
    ShiftDemand,
    break_cap,
    fairness_categories,
    fairness_factor,
    fairness_group,
    is_preferred,
)
from scheduler.model.options import (
    FlexOption,
    ShiftOption,
    Spans,
    WorkOption,
    flex_options,
    shift_options,
)

Formulation = Literal["aggregated", "individual"]
FORMULATIONS: tuple[Formulation, ...] = ("aggregated", "individual")
Line = str | None
SkillClass = frozenset[str]
K = TypeVar("K")
CAP_TOKEN = "@max_on_break="
"""Marks a skill class with its staggering share when people's shares differ."""


@dataclass(frozen=True)
class CapGroups:
    """Each person's staggering share (``max_on_break`` of their rules).

    Breaks stagger among the people who share a share. When shares differ, a token in each
    skill class keeps people under different shares in different classes.
    """

    shares: dict[str, Fraction | None]

    @property
    def split(self) -> bool:
        """Whether people's shares differ."""
        return len(set(self.shares.values())) > 1

    def token(self, employee_id: str) -> frozenset[str]:
        """What the person's skill class carries to tell their share apart."""
        return frozenset({f"{CAP_TOKEN}{self.shares[employee_id]}"}) if self.split else frozenset()

    def num_people(self, share: Fraction | None) -> int:
        """People under ``share``."""
        return sum(1 for mine in self.shares.values() if mine == share)

    def share_of(self, skill_class: SkillClass) -> Fraction | None:
        """The share of the people in ``skill_class``."""
        for item in skill_class:
            if item.startswith(CAP_TOKEN):
                text = item.removeprefix(CAP_TOKEN)
                return None if text == "None" else Fraction(text)
        return next(iter(self.shares.values()), None)


def _counts_in(
    category: str, employee: Employee, option: WorkOption, weekend: frozenset[int]
) -> bool:
    """Whether working ``option`` counts toward a fairness category (see fairness_categories)."""
    if category == "weekend":
        return option.day in weekend
    if not isinstance(option, ShiftOption):
        return False
    if category == "unwanted":
        return not is_preferred(employee, option.template)
    return category.removeprefix("tag:") in option.template.tags


def cap_groups(scenario: Scenario) -> CapGroups:
    """The staggering share of every person under their rules."""
    return CapGroups(
        {e.employee_id: scenario.rules_for(e).max_on_break for e in scenario.employees}
    )


def run_automaton(
    least_work: int, most_work: int, least_off: int
) -> tuple[int, list[tuple[int, int, int]]]:
    """An automaton over days (label 1 worked, 0 off) accepting exactly the sequences whose
    runs of work last ``least_work..most_work`` days and runs off at least ``least_off`` days.

    Runs touching the horizon's start or end are exempt from the minimums (not from the
    maximum). Returns the start state and the ``(state, label, next state)`` transitions;
    every state accepts. A state is a run kind, its length (capped where it stops mattering)
    and whether it began on the first day.
    """
    states: dict[tuple[str, int, bool], int] = {}

    def state(kind: str, length: int, first: bool) -> int:
        return states.setdefault((kind, length, first), len(states) + 1)

    start = 0
    transitions = [(start, 1, state("work", 1, True)), (start, 0, state("off", 1, True))]
    longest_off = max(least_off, 1)
    for first in (False, True):
        for length in range(1, most_work + 1):
            here = state("work", length, first)
            if length < most_work:
                transitions.append((here, 1, state("work", length + 1, first)))
            if length >= least_work or first:
                transitions.append((here, 0, state("off", 1, False)))
        for length in range(1, longest_off + 1):
            here = state("off", length, first)
            transitions.append((here, 0, state("off", min(length + 1, longest_off), first)))
            if length >= least_off or first:
                transitions.append((here, 1, state("work", 1, False)))
    return start, transitions


@dataclass(frozen=True)
class Guard:
    """A group of hard constraints switched by one assumption literal when explaining."""

    family: str
    employee_id: str
    detail: str


def rest_cliques(by_day: Mapping[int, Sequence[WorkOption]], rest: int) -> list[tuple[int, ...]]:
    """Sets of option indices that pairwise leave less than ``rest`` minutes between them.

    Everything ending no earlier than an option on its day clashes with the same later
    options, so they form one clique with them.
    """
    cliques: set[tuple[int, ...]] = set()
    for day, day_options in by_day.items():
        for option in day_options:
            for later in range(day + 1, (option.end + rest) // MINUTES_PER_DAY + 1):
                clashing = [o for o in by_day.get(later, []) if o.start < option.end + rest]
                if clashing:
                    same_day = [o for o in day_options if o.end >= option.end]
                    cliques.add(tuple(sorted(o.index for o in same_day + clashing)))
    return sorted(cliques)


BreakPlan = dict[tuple[int, object, int], list[int]]
"""Values of the break variables per (option, class or person, break index), slot by slot."""


class RosterModel:
    """Builds the CP-SAT model of a scenario.

    Parameters
    ----------
    scenario
        The problem.
    formulation
        ``"aggregated"`` places breaks as counts per shift option, skill class and slot;
        ``"individual"`` uses a boolean per person, break and slot.
    explain
        Switch each hard rule family per person with an assumption literal and leave out the
        objective, so an infeasible model yields a core of conflicting rule groups.
    relax_break_cap
        State the staggering cap ``max(1, floor(share x working))`` by a linear relaxation
        (``floor(share x working) + 1``, or the hull: see `hull_cap`); its rosters must be
        checked and repaired.
    """

    hull_cap = False
    """Whether the relaxed cap is `_add_hull_cap` rather than ``floor(share x working) + 1``.

    The hull is tighter (a better bound), but the roster search with it did worse with a back
    office (N=400, 40 % back office, 60 s: 355 k, 366 k and 433 k; with neither model using it
    224 k and 252 k; with only the staffing model 256 k and 387 k), so only the staffing model,
    whose bound is reported, uses it."""

    def __init__(
        self,
        scenario: Scenario,
        formulation: Formulation = "aggregated",
        explain: bool = False,
        relax_break_cap: bool = False,
    ) -> None:
        if formulation not in FORMULATIONS:
            raise ValueError(f"formulation must be one of {FORMULATIONS}")
        self.scenario = scenario
        self.formulation = formulation
        self.explain = explain
        self.relax_break_cap = relax_break_cap
        self._working_cache: dict[tuple[int, Fraction | None], list[cp_model.IntVar]] | None = None
        self._options_cache: dict[str, list[tuple[WorkOption, cp_model.IntVar]]] | None = None
        self._by_day_cache: dict[str, dict[int, list[tuple[WorkOption, cp_model.IntVar]]]] = {}
        self.model = cp_model.CpModel()
        self.step = scenario.horizon.interval_minutes
        self.num_intervals = scenario.horizon.num_intervals
        self.options = shift_options(scenario)
        self._option_at = {(o.day, o.template.shift_id): o for o in self.options}
        self.day_short: dict[int, cp_model.IntVar] = {}
        # Constraints (by index) the others imply, kept for the LP: a sub-problem leaves them
        # out (`scheduler.model.subproblem`).
        self.redundant: list[int] = []
        self.flex_options = flex_options(scenario, len(self.options))
        self.work: list[WorkOption] = [*self.options, *self.flex_options]
        self.people = list(scenario.employees)
        self.required = scenario.required()
        self.lines: list[Line] = list(self.required)
        demanded = set(scenario.skills_demanded())
        self.rules = {e.employee_id: scenario.rules_for(e) for e in self.people}
        self.cap_groups = cap_groups(scenario)
        self.skill_class = {
            e.employee_id: frozenset(e.skills & demanded) | self.cap_groups.token(e.employee_id)
            for e in self.people
        }
        self.guards: dict[int, Guard] = {}
        self.x: dict[tuple[str, int], cp_model.IntVar] = {}
        self.members: dict[tuple[int, SkillClass], list[str]] = defaultdict(list)
        self.count: dict[tuple[int, SkillClass], cp_model.IntVar] = {}
        # Aggregated: (option, class, break index) -> [(offset, count var)].
        # Individual: (option, employee, break index) -> [(offset, bool var)].
        self.break_vars: dict[tuple[int, object, int], list[tuple[int, cp_model.IntVar]]] = {}
        self.break_terms: dict[int, list[tuple[cp_model.IntVar, SkillClass]]] = defaultdict(list)
        self.shortfall: dict[tuple[Line, int], cp_model.IntVar] = {}
        # Per tier of the objective (see data.TIERS): weighted terms and a constant.
        self.tier_terms: dict[str, list[tuple[cp_model.LinearExprT, int]]] = {
            tier: [] for tier in TIERS
        }
        self.tier_offset: dict[str, int] = dict.fromkeys(TIERS, 0)
        # Each person's own part of those terms and constants (see `own_costs`).
        self.own_terms: dict[str, list[tuple[cp_model.LinearExprT, int]]] = defaultdict(list)
        self.own_offset: dict[str, int] = defaultdict(int)
        # Each fairness group's weight and its members' loads (see `own_costs`).
        # A load is a factor and the literals it counts.
        self.fairness_loads: list[tuple[int, list[tuple[str, int, list[cp_model.IntVar]]]]] = []
        self.on_floor: dict[tuple[Line, int], cp_model.LinearExpr] = {}

        self.add_assignments()
        self.add_one_shift_per_day()
        self.add_min_rest()
        self.add_weekly_rest()
        self.add_max_consecutive_days()
        self.add_hours()
        self.add_preferences()
        self.add_preferred_shifts()
        self.add_desks()
        self.add_anchors()
        self.add_back_office_cover()
        self.add_telework_limits()
        self.add_office_preferences()
        self.add_fairness()
        self._worked_cache: dict[str, dict[int, cp_model.IntVar]] = {}
        self.add_shift_limits()
        self.add_total_minutes()
        self.add_min_consecutive_days()
        self.add_min_days_off()
        self.add_run_patterns()
        self.add_max_weekends()
        self.add_successions()
        self.add_shift_requests()
        self.add_day_cover()
        if formulation == "aggregated":
            self.add_breaks_aggregated()
        else:
            self.add_breaks_individual()
        self.add_break_staggering()
        self.add_coverage()
        if not explain:
            self.add_objective()

    # ----------------------------------------------------------------- helpers
    def _guard_group(self, family: str, detail: str) -> list[cp_model.IntVar]:
        """The enforcement literal of a rule group that belongs to nobody in particular."""
        if not self.explain:
            return []
        literal = self.model.new_bool_var(f"assume_{family}_{detail}")
        self.guards[literal.index] = Guard(family, "", detail)
        return [literal]

    def _guard(self, family: str, employee: Employee, detail: str = "") -> list[cp_model.IntVar]:
        """The enforcement literal of a rule group when explaining; none otherwise."""
        if not self.explain:
            return []
        literal = self.model.new_bool_var(f"assume_{family}_{employee.employee_id}_{detail}")
        self.guards[literal.index] = Guard(family, employee.employee_id, detail)
        return [literal]

    def _at_most_one(
        self, literals: Sequence[cp_model.IntVar], guard: list[cp_model.IntVar]
    ) -> None:
        if len(literals) < 2:
            return
        if guard:
            self.model.add(sum(literals) <= 1).only_enforce_if(guard)
        else:
            self.model.add_at_most_one(literals)

    def _person_options(self, employee: Employee) -> list[tuple[WorkOption, cp_model.IntVar]]:
        """The person's options with their literals, in option order (indexed once, after
        `add_assignments`: a scan of every option per person and rule took 30 s of the 141 s
        build of Curtois Instance24)."""
        if self._options_cache is None:
            by_person: dict[str, list[tuple[WorkOption, cp_model.IntVar]]] = defaultdict(list)
            for (employee_id, index), var in sorted(self.x.items(), key=lambda i: i[0][1]):
                by_person[employee_id].append((self.work[index], var))
            self._options_cache = by_person
        return self._options_cache.get(employee.employee_id, [])

    def _by_day(self, employee: Employee) -> dict[int, list[tuple[WorkOption, cp_model.IntVar]]]:
        cached = self._by_day_cache.get(employee.employee_id)
        if cached is not None:
            return cached
        days: dict[int, list[tuple[WorkOption, cp_model.IntVar]]] = defaultdict(list)
        for option, var in self._person_options(employee):
            days[option.day].append((option, var))
        self._by_day_cache[employee.employee_id] = days
        return days

    def _intervals(self, start: int, end: int, clip: bool) -> range:
        first, last = start // self.step, end // self.step
        if clip:
            last = min(last, self.num_intervals)
        return range(first, last)

    def _lines_of(self, skill_class: SkillClass) -> list[Line]:
        return [line for line in self.lines if line is None or line in skill_class]

    # ------------------------------------------------------------------- rules
    def add_assignments(self) -> None:
        """Shifts their rules allow for front-office people, flex days (remote if allowed) for
        back-office people, never overlapping an unavailable span or on an unavailable shift."""
        self._add_person_options()
        for (option_index, skill_class), ids in self.members.items():
            count = self.model.new_int_var(0, len(ids), f"n_{option_index}_{sorted(skill_class)}")
            self.model.add(count == sum(self.x[e, option_index] for e in ids))
            self.count[option_index, skill_class] = count

    def _add_person_options(self) -> None:
        """The assignment literals of ``people`` (see `add_assignments`), each shift's also
        among its option's members."""
        barred = {
            (r.employee_id, r.day, r.shift_id)
            for r in self.scenario.shift_requests
            if r.kind == AvailabilityKind.UNAVAILABLE
        }
        for employee in self.people:
            rules = self.rules[employee.employee_id]
            unavailable = Spans.unavailable(self.scenario, employee.employee_id)
            for option in self.work:
                if isinstance(option, ShiftOption):
                    # No literal for a template the person may work no shift of (a limit of
                    # 0): presolve dropped them, but the model, its copies and the LP carried
                    # them (Curtois Instance12: 13,212 variables against 18,360; Instance24 at
                    # 600 s: peak memory 5.7 GiB against 7.4 GiB).
                    if not employee.works_front or not rules.may_work(option.template):
                        continue
                    if (employee.employee_id, option.day, option.template.shift_id) in barred:
                        continue
                elif not employee.works_back or (
                    option.location == Location.REMOTE and not employee.remote_ok
                ):
                    continue
                if unavailable.overlap(option):
                    continue
                var = self.model.new_bool_var(f"x_{employee.employee_id}_{option.index}")
                self.x[employee.employee_id, option.index] = var
                if isinstance(option, ShiftOption):
                    self.members[option.index, self.skill_class[employee.employee_id]].append(
                        employee.employee_id
                    )

    def add_one_shift_per_day(self) -> None:
        """A person works at most one shift or flex day per day."""
        for employee in self.people:
            for day_options in self._by_day(employee).values():
                self.model.add_at_most_one(var for _, var in day_options)

    def add_min_rest(self) -> None:
        """At least min_rest_minutes pass between the end of one shift and the next one's start."""
        for employee in self.people:
            rest = self.rules[employee.employee_id].min_rest_minutes
            guard = self._guard("min_rest", employee)
            by_day = {d: [o for o, _ in pairs] for d, pairs in self._by_day(employee).items()}
            for clique in rest_cliques(by_day, rest):
                self._at_most_one([self.x[employee.employee_id, i] for i in clique], guard)

    def add_weekly_rest(self) -> None:
        """Each complete 7-day block holds a gap of at least weekly_rest_minutes without work."""
        for employee in self.people:
            rest = self.rules[employee.employee_id].weekly_rest_minutes
            if rest <= 0:
                continue
            days = self._by_day(employee)
            for block, (first_day, num_days) in enumerate(self.scenario.horizon.blocks()):
                if num_days < 7:
                    continue
                begin, finish = first_day * MINUTES_PER_DAY, (first_day + 7) * MINUTES_PER_DAY
                # Only options that reach into the block can break its gaps, and a shift ends
                # by midnight of the day after its start.
                near = [
                    (o, v)
                    for day in range(first_day - 1, first_day + 7)
                    for o, v in days.get(day, [])
                    if o.overlaps(begin, finish)
                ]
                starts = {begin} | {o.end for o, _ in near if begin <= o.end <= finish - rest}
                gaps: list[tuple[int, list[list[cp_model.IntVar]]]] = []
                for gap_start in sorted(starts):
                    blocking: dict[int, list[cp_model.IntVar]] = defaultdict(list)
                    for option, var in near:
                        if option.overlaps(gap_start, gap_start + rest):
                            blocking[option.day].append(var)
                    gaps.append((gap_start, list(blocking.values())))
                if not gaps or any(not per_day for _, per_day in gaps):
                    continue  # some gap can never be broken: the rule holds whatever is chosen
                guard = self._guard("weekly_rest", employee, f"block{block + 1}")
                chosen = []
                for gap_start, per_day in gaps:
                    rested = self.model.new_bool_var(f"rest_{employee.employee_id}_{gap_start}")
                    chosen.append(rested)
                    for day_vars in per_day:
                        # One shift per day, so the rest flag and that day's blocking shifts
                        # form a clique.
                        self.model.add_at_most_one([rested, *day_vars])
                if guard:
                    self.model.add_bool_or(chosen).only_enforce_if(guard)
                else:
                    self.model.add_bool_or(chosen)

    def add_max_consecutive_days(self) -> None:
        """At most max_consecutive_days days in a row with a shift."""
        for employee in self.people:
            limit = self.rules[employee.employee_id].max_consecutive_days
            days = self._by_day(employee)
            guard = self._guard("max_consecutive_days", employee)
            for first in range(self.scenario.horizon.days - limit):
                window = [
                    var for d in range(first, first + limit + 1) for _, var in days.get(d, [])
                ]
                if len({d for d in range(first, first + limit + 1) if d in days}) > limit:
                    self.model.add(cp_model.LinearExpr.sum(window) <= limit).only_enforce_if(guard)

    def add_hours(self) -> None:
        """Paid minutes per block lie in [min, max]; days <= max_days; soft: near the contract."""
        horizon, weights = self.scenario.horizon, self.scenario.weights
        for employee in self.people:
            days = self._by_day(employee)
            for block, (first_day, num_days) in enumerate(horizon.blocks()):
                pairs = [p for d in range(first_day, first_day + num_days) for p in days.get(d, [])]
                paid = cp_model.LinearExpr.weighted_sum(
                    [var for _, var in pairs], [o.paid_minutes for o, _ in pairs]
                )
                label = f"block{block + 1}"
                low = horizon.scale(employee.min_minutes, first_day, num_days)
                if low > 0:
                    self.model.add(paid >= low).only_enforce_if(
                        self._guard("min_hours", employee, label)
                    )
                self.model.add(paid <= employee.weekly_max_minutes).only_enforce_if(
                    self._guard("max_hours", employee, label)
                )
                max_days = self.rules[employee.employee_id].max_days_of(employee)
                if max_days is not None and len({o.day for o, _ in pairs}) > max_days:
                    self.model.add(
                        cp_model.LinearExpr.sum([v for _, v in pairs]) <= max_days
                    ).only_enforce_if(self._guard("max_days", employee, label))
                if weights.contract == 0:
                    continue  # no cost to model: the benchmark reads give no contract
                target = horizon.scale(employee.contract_minutes, first_day, num_days)
                bound = max(target, sum(o.paid_minutes for o, _ in pairs))
                deviation = self.model.new_int_var(0, bound, f"dev_{employee.employee_id}_{block}")
                self.model.add(deviation >= paid - target)
                self.model.add(deviation >= target - paid)
                self._add_own("contract", employee.employee_id, weights.contract, deviation)

    def add_preferences(self) -> None:
        """Soft: work in a `prefer` span, stay out of an `avoid` span, weighted per request."""
        weight = self.scenario.weights.preference
        for employee in self.people:
            mine = self._person_options(employee)
            for kind in (AvailabilityKind.AVOID, AvailabilityKind.PREFER):
                for span in self.scenario.spans_of(employee.employee_id, kind):
                    touching = [var for o, var in mine if o.overlaps(span.start, span.end)]
                    if kind == AvailabilityKind.AVOID:
                        if touching:
                            refused = self.model.new_bool_var("avoid_refused")
                            for var in touching:
                                # Linear, so that a staffing model stays a linear program.
                                self.model.add(var <= refused)
                            self._add_own(
                                "preference", span.employee_id, weight * span.weight, refused
                            )
                    else:
                        self._add_own("preference", span.employee_id, weight * span.weight)
                        if touching:
                            granted = self.model.new_bool_var("prefer_granted")
                            self.model.add(granted <= sum(touching))
                            cost = -weight * span.weight
                            self._add_own("preference", span.employee_id, cost, granted)

    def add_preferred_shifts(self) -> None:
        """Soft: people who list preferred_shifts work those; each other shift is refused."""
        weight = self.scenario.weights.preference
        for employee in self.people:
            for option, var in self._person_options(employee):
                if isinstance(option, ShiftOption) and not is_preferred(employee, option.template):
                    self._add_own("preference", employee.employee_id, weight, var)

    def add_fairness(self) -> None:
        """Soft: weekend days, tagged shifts and unwanted shifts spread evenly within each group
        (max minus min of per-contract loads)."""
        weight = self.scenario.weights.fairness
        if weight == 0:
            return
        horizon = self.scenario.horizon
        weekend = horizon.weekend_days()
        for category, eligible in fairness_categories(self.scenario).items():
            groups: dict[str, list[Employee]] = defaultdict(list)
            for employee in self.people:
                if employee.employee_id in eligible:
                    groups[fairness_group(employee)].append(employee)
            for name, members in groups.items():
                if len(members) < 2:
                    continue
                counts = []
                for employee in members:
                    counted = [
                        var
                        for option, var in self._person_options(employee)
                        if _counts_in(category, employee, option, weekend)
                    ]
                    counts.append((employee.employee_id, fairness_factor(employee), counted))
                self.fairness_loads.append((weight, counts))
                top = max(factor * len(counted) for _, factor, counted in counts)
                high = self.model.new_int_var(0, top, f"fair_hi_{category}_{name}")
                low = self.model.new_int_var(0, top, f"fair_lo_{category}_{name}")
                for _, factor, counted in counts:
                    load = factor * cp_model.LinearExpr.sum(counted)
                    self.model.add(high >= load)
                    self.model.add(low <= load)
                self.tier_terms["fairness"].append((high - low, weight))

    # -------------------------------------------------------- day-level rules
    def _worked(self, employee: Employee) -> dict[int, cp_model.IntVar]:
        """A literal per horizon day: the person works (a shift or flex day) that day."""
        cached = self._worked_cache.get(employee.employee_id)
        if cached is not None:
            return cached
        days = self._by_day(employee)
        worked = {}
        for day in range(self.scenario.horizon.days):
            literal = self.model.new_bool_var(f"w_{employee.employee_id}_{day}")
            self.model.add(literal == cp_model.LinearExpr.sum([v for _, v in days.get(day, [])]))
            worked[day] = literal
        self._worked_cache[employee.employee_id] = worked
        return worked

    def _clause(self, literals: list[cp_model.LiteralT], guard: list[cp_model.IntVar]) -> None:
        self.model.add_bool_or(literals).only_enforce_if(guard)

    def add_shift_limits(self) -> None:
        """At most max_shifts shifts of a shift id or tag per person over the horizon."""
        for employee in self.people:
            limits = self.rules[employee.employee_id].max_shifts
            if not limits:
                continue
            by_key: dict[str, list[cp_model.IntVar]] = defaultdict(list)
            for o, var in self._person_options(employee):
                if isinstance(o, ShiftOption):
                    for key in {o.template.shift_id, *o.template.tags}:
                        by_key[key].append(var)
            for key, limit in limits:
                counted = by_key.get(key, [])
                if len(counted) > limit:
                    guard = self._guard("max_shifts", employee, key)
                    self.model.add(cp_model.LinearExpr.sum(counted) <= limit).only_enforce_if(guard)

    def add_total_minutes(self) -> None:
        """Paid minutes over the horizon lie in [min_total_minutes, max_total_minutes]."""
        for employee in self.people:
            rules = self.rules[employee.employee_id]
            low, high = rules.min_total_minutes, rules.max_total_minutes
            if low is None and high is None:
                continue
            mine = self._person_options(employee)
            paid = cp_model.LinearExpr.weighted_sum(
                [var for _, var in mine], [o.paid_minutes for o, _ in mine]
            )
            if low:
                guard = self._guard("min_total_minutes", employee)
                self.model.add(paid >= low).only_enforce_if(guard)
            if high is not None and sum(o.paid_minutes for o, _ in mine) > high:
                guard = self._guard("max_total_minutes", employee)
                self.model.add(paid <= high).only_enforce_if(guard)

    def add_min_consecutive_days(self) -> None:
        """A run of working days not touching the horizon's ends lasts min_consecutive_days."""
        last = self.scenario.horizon.days - 1
        for employee in self.people:
            least = self.rules[employee.employee_id].min_consecutive_days
            if least is None or least < 2:
                continue
            worked = self._worked(employee)
            guard = self._guard("min_consecutive_days", employee)
            # A run starting on day s (off the day before) goes on through s + j, unless it
            # reaches the last day first; one short clause per j is stronger than forbidding
            # each too-short pattern.
            for start in range(1, last):
                for later in range(start + 1, min(start + least - 1, last) + 1):
                    self.model.add(
                        worked[start - 1] - worked[start] + worked[later] >= 0
                    ).only_enforce_if(guard)

    def add_min_days_off(self) -> None:
        """A run of days off not touching the horizon's ends lasts min_days_off."""
        last = self.scenario.horizon.days - 1
        for employee in self.people:
            least = self.rules[employee.employee_id].min_days_off
            if least is None or least < 2:
                continue
            worked = self._worked(employee)
            guard = self._guard("min_days_off", employee)
            for start in range(1, last):
                for later in range(start + 1, min(start + least - 1, last) + 1):
                    self.model.add(
                        worked[start] - worked[start - 1] - worked[later] >= -1
                    ).only_enforce_if(guard)

    def add_run_patterns(self) -> None:
        """Redundant: each person's sequence of working days and days off as an automaton."""
        if self.explain:
            return  # the clauses above state the rules; an automaton takes no assumption
        days = self.scenario.horizon.days
        for employee in self.people:
            rules = self.rules[employee.employee_id]
            least_work = rules.min_consecutive_days or 1
            least_off = rules.min_days_off or 1
            if least_work < 2 and least_off < 2:
                continue
            # CP-SAT expands the automaton into a flow over (day, state): the convex hull of
            # the run rules, where the clauses' LP relaxation is weak. Curtois Instance5 at
            # 30 s: bound 744 and 1235 with the clauses alone, optimal 1143 in 9 s with both.
            start, transitions = run_automaton(
                least_work, min(rules.max_consecutive_days, days), least_off
            )
            states = {state for triple in transitions for state in (triple[0], triple[2])}
            worked = self._worked(employee)
            self.redundant.append(len(self.model.proto.constraints))
            self.model.add_automaton(
                [worked[d] for d in range(days)], start, sorted(states), transitions
            )

    def add_max_weekends(self) -> None:
        """At most max_weekends weekends with work (anything starting on a Saturday or Sunday)."""
        weekends = self.scenario.horizon.weekends()
        for employee in self.people:
            limit = self.rules[employee.employee_id].max_weekends
            if limit is None or limit >= len(weekends):
                continue
            worked = self._worked(employee)
            flags = []
            for number, days in enumerate(weekends):
                flag = self.model.new_bool_var(f"weekend_{employee.employee_id}_{number}")
                for day in days:
                    self.model.add(flag >= worked[day])
                flags.append(flag)
            guard = self._guard("max_weekends", employee)
            self.model.add(cp_model.LinearExpr.sum(flags) <= limit).only_enforce_if(guard)

    def add_successions(self) -> None:
        """No shift of a template's not_followed_by starts the day after that template."""
        if not any(t.not_followed_by for t in self.scenario.shifts):
            return
        shifts = self.scenario.shifts
        barred = {
            t.shift_id: frozenset(u.shift_id for u in shifts if t.bars_next(u)) for t in shifts
        }
        for employee in self.people:
            days = self._by_day(employee)
            guard = self._guard("not_followed_by", employee)
            for day, pairs in days.items():
                # One shift a day, so the shifts of a day that bar the same ones, and those
                # banned ones the next day, form one clique (one per shift took 1.3 M
                # constraints on Curtois Instance24).
                barring: dict[frozenset[str], list[cp_model.IntVar]] = defaultdict(list)
                for option, var in pairs:
                    if isinstance(option, ShiftOption) and barred[option.template.shift_id]:
                        barring[barred[option.template.shift_id]].append(var)
                for banned, literals in barring.items():
                    following = [
                        v
                        for o, v in days.get(day + 1, [])
                        if isinstance(o, ShiftOption) and o.template.shift_id in banned
                    ]
                    self._at_most_one([*literals, *following], guard)

    def add_shift_requests(self) -> None:
        """Soft: work a shift asked for (prefer), not one asked off (avoid), weighted."""
        weight = self.scenario.weights.preference
        people = {e.employee_id for e in self.people}
        for request in self.scenario.shift_requests:
            if request.kind == AvailabilityKind.UNAVAILABLE or request.employee_id not in people:
                continue
            cost = weight * request.weight
            option = self._option_at.get((request.day, request.shift_id))
            var = None if option is None else self.x.get((request.employee_id, option.index))
            if request.kind == AvailabilityKind.PREFER:
                self._add_own("preference", request.employee_id, cost)
                if var is not None:
                    self._add_own("preference", request.employee_id, -cost, var)
            elif var is not None:
                self._add_own("preference", request.employee_id, cost, var)

    def add_day_cover(self) -> None:
        """Soft: day-level lines of required people per shift and day, short and extra weighted."""
        for number, line in enumerate(self.scenario.shift_demand):
            under_weight, over_weight = self.scenario.cover_weights(line)
            option = self._option_at.get((line.day, line.shift_id))
            people = [] if option is None else self._people_on(option, line.skill)
            if not people:
                self.tier_offset["shortfall"] += under_weight * line.required
                continue
            on_shift = cp_model.LinearExpr.sum(people)
            short = self.model.new_int_var(0, line.required, f"day_short_{number}")
            self.model.add(on_shift + short >= line.required)
            self.tier_terms["shortfall"].append((short, under_weight))
            self.day_short[number] = short
            if over_weight and len(people) > line.required:
                extra = self.model.new_int_var(0, len(people) - line.required, f"day_over_{number}")
                self.model.add(extra >= on_shift - line.required)
                self.tier_terms["surplus"].append((extra, over_weight))

    def day_cover_costs(self, value: Callable[[cp_model.IntVar], int]) -> dict[int, int]:
        """What the day-level cover lines cost per day (short and extra, weighted) in a
        solution given as a value per assignment literal."""
        return self._cover_costs(value, lambda line: line.day)

    def day_short_costs(self, value: Callable[[cp_model.IntVar], int]) -> dict[int, int]:
        """What the interval demand left short costs per day, weighted, in a solution given
        as a value per variable."""
        weights = self.scenario.weights
        costs: dict[int, int] = defaultdict(int)
        for (line, t), short in self.shortfall.items():
            if missing := value(short):
                day = t * self.step // MINUTES_PER_DAY
                costs[day] += missing * weights.shortfall_of(line) * self.step
        return dict(costs)

    def template_cover_costs(
        self, value: Callable[[cp_model.IntVar], int], days: Collection[int] | None = None
    ) -> dict[str, int]:
        """What the day-level cover lines cost per shift template in such a solution, on
        ``days`` (None: every day)."""
        return self._cover_costs(value, lambda line: line.shift_id, days)

    def _cover_costs(
        self,
        value: Callable[[cp_model.IntVar], int],
        key: Callable[[ShiftDemand], K],
        days: Collection[int] | None = None,
    ) -> dict[K, int]:
        """What the day-level cover lines on ``days`` (None: all) cost (short and extra,
        weighted) by ``key``."""
        costs: dict[K, int] = defaultdict(int)
        for line in self.scenario.shift_demand:
            if days is not None and line.day not in days:
                continue
            under, over = self.scenario.cover_weights(line)
            on = sum(value(var) for var in self.on_shift(line.day, line.shift_id, line.skill))
            short, extra = max(0, line.required - on), max(0, on - line.required)
            costs[key(line)] += under * short + over * extra
        return dict(costs)

    def on_shift(self, day: int, shift_id: str, skill: str | None = None) -> list[cp_model.IntVar]:
        """Assignment literals of the people (with ``skill``, if given) who may work a shift on
        a day."""
        option = self._option_at.get((day, shift_id))
        return [] if option is None else self._people_on(option, skill)

    def _people_on(self, option: ShiftOption, skill: str | None) -> list[cp_model.IntVar]:
        """Assignment literals of the people (with ``skill``, if given) who may work ``option``."""
        return [
            var
            for employee in self.people
            if skill is None or skill in employee.skills
            if (var := self.x.get((employee.employee_id, option.index))) is not None
        ]

    def _flex_vars(
        self, day: int, location: Location | None = None
    ) -> list[tuple[Employee, cp_model.IntVar]]:
        result = []
        for employee in self.people:
            for option in self.flex_options:
                if option.day != day or (location is not None and option.location != location):
                    continue
                var = self.x.get((employee.employee_id, option.index))
                if var is not None:
                    result.append((employee, var))
        return result

    def add_desks(self) -> None:
        """People on site in the back office on a day are at most the desks."""
        desks = self.scenario.back_office.desks
        if desks is None:
            return
        for day in range(self.scenario.horizon.days):
            onsite = [var for _, var in self._flex_vars(day, Location.ONSITE)]
            if len(onsite) > desks:
                self.model.add(cp_model.LinearExpr.sum(onsite) <= desks).only_enforce_if(
                    self._guard_group("desks", f"day{day}")
                )

    def add_anchors(self) -> None:
        """An anchored team works on site on its weekday, unless a member is unavailable."""
        for anchor in self.scenario.back_office.anchors:
            for day in range(self.scenario.horizon.days):
                if self.scenario.horizon.weekday_of(day) != anchor.weekday:
                    continue
                for employee, var in self._flex_vars(day, Location.ONSITE):
                    if employee.team == anchor.team:
                        guard = self._guard("anchor", employee, f"day{day}")
                        self.model.add(var == 1).only_enforce_if(guard)

    def add_back_office_cover(self) -> None:
        """Each covered weekday has at least `min` back-office people with the skill working."""
        for cover in self.scenario.back_office.covers:
            for day in range(self.scenario.horizon.days):
                if self.scenario.horizon.weekday_of(day) not in cover.weekdays:
                    continue
                skilled = [var for e, var in self._flex_vars(day) if cover.skill in e.skills]
                guard = self._guard_group("cover", f"{cover.skill}:{day}")
                self.model.add(cp_model.LinearExpr.sum(skilled) >= cover.min).only_enforce_if(guard)

    def add_telework_limits(self) -> None:
        """Per block, remote_ok people spend min_onsite_days on site (of the back-office days
        they work) and telework at most max_remote_days."""
        policy = self.scenario.back_office
        for employee in self.people:
            if not (employee.works_back and employee.remote_ok):
                continue
            days = self._by_day(employee)
            for block, (first_day, num_days) in enumerate(self.scenario.horizon.blocks()):
                flex = [
                    (o, var)
                    for d in range(first_day, first_day + num_days)
                    for o, var in days.get(d, [])
                    if isinstance(o, FlexOption)
                ]
                onsite = [v for o, v in flex if o.location == Location.ONSITE]
                remote = [v for o, v in flex if o.location == Location.REMOTE]
                label = f"block{block + 1}"
                if policy.max_remote_days is not None and len(remote) > policy.max_remote_days:
                    self.model.add(
                        cp_model.LinearExpr.sum(remote) <= policy.max_remote_days
                    ).only_enforce_if(self._guard("max_remote_days", employee, label))
                needed = policy.min_onsite_days * num_days // 7
                if needed <= 0 or not remote:
                    continue
                # On site at least `needed` days, or no remote day at all.
                enough = self.model.new_bool_var(f"onsite_{employee.employee_id}_{block}")
                guard = self._guard("min_onsite_days", employee, label)
                self.model.add(cp_model.LinearExpr.sum(onsite) >= needed).only_enforce_if(
                    [enough, *guard]
                )
                self.model.add(cp_model.LinearExpr.sum(remote) == 0).only_enforce_if(
                    [~enough, *guard]
                )

    def add_office_preferences(self) -> None:
        """Soft: telework on one's remote_days; `both` staff work in the office they prefer."""
        weight = self.scenario.weights.preference
        for employee in self.people:
            for option, var in self._person_options(employee):
                in_back = isinstance(option, FlexOption)
                refused = int(
                    isinstance(option, FlexOption)
                    and option.location == Location.ONSITE
                    and employee.remote_ok
                    and self.scenario.horizon.weekday_of(option.day) in employee.remote_days
                )
                if employee.office == Office.BOTH and employee.prefers is not None:
                    refused += int((employee.prefers == Office.FRONT) == in_back)
                if refused:
                    self._add_own("preference", employee.employee_id, weight * refused, var)

    def _add_break_order(
        self, slots: list[list[tuple[int, cp_model.IntVar]]], option: ShiftOption, per_person: bool
    ) -> None:
        """Consecutive breaks keep their listed order without overlapping."""
        for index in range(1, len(slots)):
            length = option.breaks[index - 1].rule.minutes
            before, after = slots[index - 1], slots[index]
            if max(p for p, _ in before) + length <= min(p for p, _ in after):
                continue  # windows cannot clash
            if per_person:
                self.model.add(
                    sum(p * v for p, v in after) >= sum((p + length) * v for p, v in before)
                )
                continue
            # Counts: hand the i-th earliest of each break to the i-th person; that matching
            # keeps the order exactly when the cumulative counts dominate.
            for threshold, _ in after:
                started_after = [v for p, v in after if p <= threshold]
                started_before = [v for p, v in before if p <= threshold - length]
                self.model.add(sum(started_after) <= sum(started_before))

    def add_breaks_aggregated(self) -> None:
        """Every applicable break sits in its window, in order: counts per shift and skill class."""
        for (option_index, skill_class), count in self.count.items():
            size = len(self.members[option_index, skill_class])

            def new_count(b: int, p: int, i: int = option_index, n: int = size) -> cp_model.IntVar:
                return self.model.new_int_var(0, n, f"y_{i}_{b}_{p}")

            self._add_break_slots(
                self.options[option_index], skill_class, skill_class, count, new_count
            )

    def add_breaks_individual(self) -> None:
        """Every applicable break is placed in its window, in order, per person."""
        for employee_id, option, x in list(self._shift_vars()):

            def new_flag(
                b: int, p: int, e: str = employee_id, i: int = option.index
            ) -> cp_model.IntVar:
                return self.model.new_bool_var(f"z_{e}_{i}_{b}_{p}")

            self._add_break_slots(option, employee_id, self.skill_class[employee_id], x, new_flag)

    def _add_break_slots(
        self,
        option: ShiftOption,
        owner: str | SkillClass,
        skill_class: SkillClass,
        total: cp_model.IntVar,
        new_var: Callable[[int, int], cp_model.IntVar],
    ) -> None:
        """Each break of ``total`` people (one person when ``owner`` is an id) starts at a slot."""
        slots = []
        for b, slot in enumerate(option.breaks):
            placed = [(p, new_var(b, p)) for p in slot.offsets]
            self.model.add(sum(v for _, v in placed) == total)
            self.break_vars[option.index, owner, b] = placed
            slots.append(placed)
            for p, var in placed:
                start = option.start + p
                for t in self._intervals(start, start + slot.rule.minutes, clip=False):
                    self.break_terms[t].append((var, skill_class))
        self._add_break_order(slots, option, per_person=isinstance(owner, str))

    def _working(self) -> dict[tuple[int, Fraction | None], list[cp_model.IntVar]]:
        if self._working_cache is not None:
            return self._working_cache
        working: dict[tuple[int, Fraction | None], list[cp_model.IntVar]] = defaultdict(list)
        for (option_index, skill_class), count in self.count.items():
            option = self.options[option_index]
            share = self.cap_groups.share_of(skill_class)
            for t in self._intervals(option.start, option.end, clip=False):
                working[t, share].append(count)
        self._working_cache = working
        return working

    def _on_break(self) -> dict[tuple[int, Fraction | None], list[cp_model.IntVar]]:
        """Break variables per interval and staggering share."""
        on_break: dict[tuple[int, Fraction | None], list[cp_model.IntVar]] = defaultdict(list)
        for t, terms in self.break_terms.items():
            for var, skill_class in terms:
                on_break[t, self.cap_groups.share_of(skill_class)].append(var)
        return on_break

    def add_break_staggering(self) -> None:
        """At most max(1, floor(max_on_break x people working)) people are on a break at once,
        counted among the people who share a max_on_break."""
        working = self._working()
        # When explaining, one assumption per day switches the cap of that day's intervals.
        guards: dict[int, list[cp_model.IntVar]] = {}
        for (t, share), terms in sorted(self._on_break().items(), key=lambda item: item[0][0]):
            if share is None:
                continue
            day = t * self.step // MINUTES_PER_DAY
            if day not in guards:
                guards[day] = self._guard_group("max_on_break", f"day{day}")
            on_break = cp_model.LinearExpr.sum(terms)
            staff = cp_model.LinearExpr.sum(working[t, share])
            if self.relax_break_cap and not self.hull_cap:
                # Purely linear, so the LP-guided search keeps its strength; the exact
                # max(1, ...) needs a literal per interval, which stalls the search.
                self.model.add(
                    share.denominator * on_break <= share.numerator * staff + share.denominator
                ).only_enforce_if(guards[day])
                continue
            if self.relax_break_cap:
                most = min(
                    sum(list(count.proto.domain)[-1] for count in working[t, share]),
                    self.cap_groups.num_people(share),
                )
                self._add_hull_cap(share, on_break, staff, most, guards[day])
                continue
            self._add_exact_cap(t, share, on_break, staff, guards[day])

    def _add_hull_cap(
        self,
        share: Fraction,
        on_break: cp_model.LinearExprT,
        staff: cp_model.LinearExprT,
        most: int,
        guard: list[cp_model.IntVar],
    ) -> None:
        """The tightest linear cap that every roster under the exact cap keeps, with at most
        ``most`` people at work: ``1 + share x staff x (1 - 1/top)`` and ``top``, where
        ``top = floor(share x most)``.

        The line from (0 at work, 1 on a break) to (top / share, top) lies above
        ``max(1, floor(share x staff))`` up to ``most`` (the concave hull of the exact cap), so
        its bound holds; ``floor(share x staff) + 1`` allowed one more person on a break
        wherever a team is large, this only where ``share x staff`` is well past a whole
        number.
        """
        top = break_cap(share, most)
        if top <= 1:
            self.model.add(on_break <= 1).only_enforce_if(guard)
            return
        self.model.add(on_break <= top).only_enforce_if(guard)
        self.model.add(
            share.denominator * top * on_break
            <= share.denominator * top + share.numerator * (top - 1) * staff
        ).only_enforce_if(guard)

    def _add_exact_cap(
        self,
        t: int,
        share: Fraction,
        on_break: cp_model.LinearExprT,
        staff: cp_model.LinearExprT,
        guard: list[cp_model.IntVar],
    ) -> None:
        """``on_break <= max(1, floor(share x staff))`` at interval t, through a literal."""
        large = self.model.new_bool_var(f"large_team_{t}")
        self.model.add(share.denominator * on_break <= share.numerator * staff).only_enforce_if(
            [large, *guard]
        )
        self.model.add(on_break <= 1).only_enforce_if([~large, *guard])

    def add_coverage(self) -> None:
        """Soft, weighted above all: on_floor(t) + shortfall(t) >= required(t) per line."""
        floor: dict[Line, dict[int, list[tuple[cp_model.IntVar, int]]]] = {
            line: defaultdict(list) for line in self.lines
        }
        for (option_index, skill_class), count in self.count.items():
            option = self.options[option_index]
            lines = self._lines_of(skill_class)
            for t in self._intervals(option.start, option.end, clip=True):
                for line in lines:
                    floor[line][t].append((count, 1))
        for t, on_break in self.break_terms.items():
            if t >= self.num_intervals:
                continue
            for var, skill_class in on_break:
                for line in self._lines_of(skill_class):
                    floor[line][t].append((var, -1))
        self.floor = floor
        for line in self.lines:
            for t, needed in enumerate(self.required[line]):
                if needed <= 0:
                    continue
                short = self.model.new_int_var(0, needed, f"short_{line}_{t}")
                self.shortfall[line, t] = short
                terms = floor[line].get(t, [])
                on_floor = cp_model.LinearExpr.weighted_sum(
                    [v for v, _ in terms], [c for _, c in terms]
                )
                self.model.add(on_floor + short >= needed)
                self.on_floor[line, t] = on_floor

    def add_objective(self) -> None:
        """Minimise weighted shortfall, contract deviation, refused requests and surplus."""
        weights = self.scenario.weights
        minutes = self.step
        for (line, _), short in self.shortfall.items():
            self.tier_terms["shortfall"].append((short, weights.shortfall_of(line) * minutes))
        # surplus(t) = on_floor(t) - required(t) + shortfall(t) on the total line.
        coefficient: dict[int, int] = defaultdict(int)
        variables: dict[int, cp_model.IntVar] = {}
        for terms in self.floor[None].values():
            for var, c in terms:
                coefficient[var.index] += c
                variables[var.index] = var
        for index, c in coefficient.items():
            if c:
                self.tier_terms["surplus"].append((variables[index], weights.surplus * minutes * c))
        for (line, _), short in self.shortfall.items():
            if line is None:
                self.tier_terms["surplus"].append((short, weights.surplus * minutes))
        self.tier_offset["surplus"] -= weights.surplus * minutes * sum(self.required[None])
        self._minimize()

    def _add_own(
        self, tier: str, employee_id: str, weight: int, expr: cp_model.LinearExprT | None = None
    ) -> None:
        """Add ``weight`` times ``expr`` (a constant ``weight`` where None) to a tier of the
        objective, as part of one person's own cost."""
        if expr is None:
            self.tier_offset[tier] += weight
            self.own_offset[employee_id] += weight
            return
        self.tier_terms[tier].append((expr, weight))
        self.own_terms[employee_id].append((expr, weight))

    def own_costs(self, value: Callable[[cp_model.LinearExprT], int]) -> dict[str, int]:
        """What each person's own terms of the objective (contract, requests, wishes) cost in
        a solution, by person, and for each person at the top of a fairness group's loads what
        the group's spread would lose were the top brought down to the next load; coverage and
        the rules between people left out."""
        costs = {
            e.employee_id: self.own_offset.get(e.employee_id, 0)
            + sum(weight * value(expr) for expr, weight in self.own_terms.get(e.employee_id, ()))
            for e in self.people
        }
        # Only the top: the people at the bottom are often there by their availability (13 of
        # them with no weekend day on a generated floor of 100), and would crowd the draw.
        for weight, members in self.fairness_loads:
            loads = {
                employee_id: factor * sum(value(var) for var in counted)
                for employee_id, factor, counted in members
            }
            levels = sorted(set(loads.values()))
            if len(levels) < 2:
                continue
            drop = weight * (levels[-1] - levels[-2])
            for employee_id, load in loads.items():
                if load == levels[-1]:
                    costs[employee_id] += drop
        return costs

    def tier(self, name: str) -> cp_model.LinearExprT:
        """One tier of the objective as a linear expression."""
        terms = self.tier_terms[name]
        return (
            cp_model.LinearExpr.weighted_sum([e for e, _ in terms], [c for _, c in terms])
            + self.tier_offset[name]
        )

    def _minimize(self) -> None:
        self.minimize_with([])

    def minimize_with(self, extra: Sequence[tuple[cp_model.LinearExprT, int]]) -> None:
        """Minimise the model's objective plus ``extra`` weighted terms (replacing any extra
        terms set before)."""
        terms = [term for tier in TIERS for term in self.tier_terms[tier]] + list(extra)
        self.model.minimize(
            cp_model.LinearExpr.weighted_sum([e for e, _ in terms], [c for _, c in terms])
            + sum(self.tier_offset.values())
        )

    # ---------------------------------------------------------------- solution
    def shortfall_minutes(self, value: Callable[[cp_model.LinearExprT], int]) -> int:
        """Person-minutes below demand in a solution, over every demand line, as verify counts.

        Taken from the on-floor sums, not the shortfall variables: a solution the search has
        not finished polishing may leave those above the real shortfall.
        """
        missing = sum(
            max(0, self.required[line][t] - value(expression))
            for (line, t), expression in self.on_floor.items()
        )
        return self.step * missing

    def assignments(self, value: Callable[[cp_model.IntVar], int]) -> list[Assignment]:
        """The roster in a solution, with breaks handed to named people."""
        working: dict[int, list[str]] = defaultdict(list)
        for employee_id, option, var in self._shift_vars():
            if value(var):
                working[option.index].append(employee_id)
        result = []
        for option_index, ids in sorted(working.items()):
            option = self.options[option_index]
            placements: dict[str, list[PlacedBreak]] = {e: [] for e in ids}
            for b in range(len(option.breaks)):
                if self.formulation == "aggregated":
                    by_class: dict[SkillClass, list[str]] = defaultdict(list)
                    for e in sorted(ids):
                        by_class[self.skill_class[e]].append(e)
                    for skill_class, people in by_class.items():
                        starts = [
                            p
                            for p, var in self.break_vars[option_index, skill_class, b]
                            for _ in range(value(var))
                        ]
                        for e, p in zip(people, sorted(starts), strict=True):
                            placements[e].append(self._placed(option, b, p))
                else:
                    for e in ids:
                        p = next(p for p, v in self.break_vars[option_index, e, b] if value(v))
                        placements[e].append(self._placed(option, b, p))
            for e in ids:
                result.append(
                    Assignment(
                        e,
                        option.day,
                        option.template.shift_id,
                        option.start,
                        option.end,
                        tuple(placements[e]),
                    )
                )
        return result

    def _placed(self, option: ShiftOption, b: int, offset: int) -> PlacedBreak:
        rule = option.breaks[b].rule
        start = option.start + offset
        return PlacedBreak(rule.name, start, start + rule.minutes, rule.paid)

    def break_cap_violations(self, value: Callable[[cp_model.IntVar], int]) -> list[int]:
        """Intervals where a solution puts more people on a break than the exact cap allows."""
        working = self._working()
        return sorted(
            {
                t
                for (t, share), terms in self._on_break().items()
                if share is not None
                and sum(value(v) for v in terms)
                > break_cap(share, sum(value(v) for v in working[t, share]))
            }
        )

    def shifts(self, value: Callable[[cp_model.IntVar], int]) -> list[Assignment]:
        """The shifts in a solution, without breaks."""
        return [
            Assignment(employee_id, o.day, o.template.shift_id, o.start, o.end)
            for employee_id, o, var in self._shift_vars()
            if value(var)
        ]

    def flex_days(self, value: Callable[[cp_model.IntVar], int]) -> list[FlexDay]:
        """The back-office days in a solution."""
        return [
            FlexDay(employee_id, o.day, o.location, o.start, o.end, o.paid_minutes)
            for (employee_id, index), var in sorted(self.x.items())
            if isinstance(o := self.work[index], FlexOption) and value(var)
        ]

    def _shift_vars(self) -> Iterator[tuple[str, ShiftOption, cp_model.IntVar]]:
        for (employee_id, index), var in self.x.items():
            option = self.work[index]
            if isinstance(option, ShiftOption):
                yield employee_id, option, var

    def fix_shifts(
        self,
        assignments: Iterable[Assignment],
        only: set[str] | None = None,
        capped: set[str] = frozenset(),  # type: ignore[assignment]
    ) -> None:
        """Keep exactly these front-office shifts; breaks and back-office days stay open.

        With ``only``, just those people's shifts are kept; the ``capped`` people may drop
        theirs but take no others; everyone else's are a hint.
        """
        chosen = {(a.employee_id, a.day, a.shift_id) for a in assignments}
        for employee_id, option, var in self._shift_vars():
            kept = int((employee_id, option.day, option.template.shift_id) in chosen)
            if only is None or employee_id in only:
                self.model.add(var == kept)
            elif employee_id in capped and not kept:
                self.model.add(var == 0)
            else:
                self.model.add_hint(var, kept)

    def twins(self, other: RosterModel) -> Iterator[tuple[cp_model.IntVar, cp_model.IntVar]]:
        """Each assignment literal and break variable with its twin in ``other`` (a model built
        on the same scenario and formulation)."""
        for key, var in self.x.items():
            yield var, other.x[key]
        for slot_key, slots in self.break_vars.items():
            for (_, var), (_, theirs) in zip(slots, other.break_vars[slot_key], strict=True):
                yield var, theirs

    def shift_twins(self, other: RosterModel) -> Iterator[tuple[cp_model.IntVar, cp_model.IntVar]]:
        """Each shift literal (no flex day, no break) with its twin in ``other`` (see `twins`)."""
        for employee_id, option, var in self._shift_vars():
            yield var, other.x[employee_id, option.index]

    def hint_from(self, other: RosterModel, value: Callable[[cp_model.IntVar], int]) -> None:
        """Start from another model's solution (built on the same scenario and formulation)."""
        for var, theirs in self.twins(other):
            self.model.add_hint(var, value(theirs))

    def fix_flex_days(self, other: RosterModel, value: Callable[[cp_model.IntVar], int]) -> None:
        """Keep the flex days of another model's solution (built on a scenario with some of
        these people and the same templates and horizon) for the people it has."""
        for key, var in self.x.items():
            theirs = other.x.get(key)
            if theirs is not None and isinstance(self.work[key[1]], FlexOption):
                self.model.add(var == value(theirs))

    def break_plan(self, value: Callable[[cp_model.IntVar], int]) -> BreakPlan:
        """The break variables' values in a solution, by key (see `hint_breaks`)."""
        return {key: [value(var) for _, var in slots] for key, slots in self.break_vars.items()}

    def plan_of(self, roster: Iterable[Assignment]) -> BreakPlan:
        """A roster's placed breaks as a break plan of this model (see `hint_breaks`), each
        matched to its shift's break by name; a break at no slot of its shift's is left out."""
        option_at = {(o.day, o.template.shift_id): o for o in self.options}
        counts: dict[tuple[int, object, int], dict[int, int]] = defaultdict(
            lambda: defaultdict(int)
        )
        for a in roster:
            option = option_at.get((a.day, a.shift_id))
            if option is None:
                continue
            owner: object = (
                self.skill_class[a.employee_id]
                if self.formulation == "aggregated"
                else a.employee_id
            )
            number = {slots.rule.name: b for b, slots in enumerate(option.breaks)}
            for placed in a.breaks:
                if (b := number.get(placed.name)) is not None:
                    counts[option.index, owner, b][placed.start - option.start] += 1
        return {
            key: [counts[key].get(p, 0) for p, _ in slots]
            for key, slots in self.break_vars.items()
            if key in counts
        }

    def hint_breaks(self, plan: BreakPlan) -> None:
        """Hint the break variables another model of the same formulation had in a solution.

        With the counts of a staffing solution met, its aggregated breaks are a placement at
        once, where CP-SAT alone needed more than 3 s to place the breaks of N=800 (16.6 M).
        """
        for key, slots in self.break_vars.items():
            for (_, var), planned in zip(slots, plan.get(key, []), strict=False):
                self.model.add_hint(var, planned)

    def hint_solution(self, values: Sequence[int]) -> None:
        """Start the search from a complete solution of this model (a value per variable)."""
        self.model.clear_hints()
        hint = self.model.proto.solution_hint
        hint.vars.extend(range(len(values)))
        hint.values.extend(values)

    def hint(self, assignments: Iterable[Assignment]) -> None:
        """Start the search from a known roster (its shifts; breaks are left to the solver)."""
        chosen = {(a.employee_id, a.day, a.shift_id) for a in assignments}
        for employee_id, option, var in self._shift_vars():
            self.model.add_hint(var, (employee_id, option.day, option.template.shift_id) in chosen)
