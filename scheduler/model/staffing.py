"""The staffing model: how many people of each skill class work each shift option.

People of one skill class are interchangeable for coverage and breaks, so for a large roster the
counts can be decided first, with the per-person rules summed over each class; named people are
then handed shifts that meet the counts (`RosterModel` with ``targets``). Its size does not grow
with the number of people.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Callable

from ortools.sat.python import cp_model

from scheduler.data import (
    MINUTES_PER_DAY,
    AvailabilityKind,
    Employee,
    Location,
    Office,
    Scenario,
    fairness_categories,
    fairness_factor,
    fairness_group,
)
from scheduler.model.options import (
    FLEX_DAY,
    ShiftOption,
    Spans,
    WorkOption,
    anchored_days,
    flex_days_open,
    run_from,
)
from scheduler.model.roster import Formulation, RosterModel, SkillClass, rest_cliques

Value = Callable[[cp_model.IntVar], int]
"""A solution's value of a variable (``CpSolver.value``, or a lookup in saved values)."""


ONE_BY_ONE_MOST = 12
"""Front-office profile groups of at most this many people that `_Search._exact_small_groups`
models one by one.

Summed over a group, the per-person rules let the counts ask for weeks nobody can work: at
N=100 the part-timers' counts put a 480-minute shift on a day outside the set of days of the
only pattern holding one, and no hand-out kept every part-timer to one weekend day; the best
roster stayed 324 above the proven bound. Modelled one by one from the start, the part-timers
slowed HiGHS: at generator seed 1 it proved no first counts in 30 s (2.6 s grouped)."""


class StaffingModel(RosterModel):
    """Counts per shift option and skill class, with breaks and coverage as in RosterModel.

    Per-person rules become sums over each profile group: a person works one shift a day,
    within the hours and days of their contract. The people of front-office groups of at
    most ``one_by_one_most`` are ``people``: they keep their own assignment literals, under
    every per-person rule of the roster model. Back-office days are left to the roster model.
    """

    hull_cap = True

    def __init__(
        self,
        scenario: Scenario,
        formulation: Formulation = "aggregated",
        relax_break_cap: bool = False,
        one_by_one_most: int = 0,
    ) -> None:
        self.one_by_one_most = one_by_one_most
        super().__init__(scenario, formulation, relax_break_cap=relax_break_cap)

    def add_assignments(self) -> None:
        """Up to the available people of a class work an option; the people modelled one by
        one work their own shifts, which count among their class's."""
        # Profile groups: the skill class and the contract limits (see add_hours).
        self.group_of: dict[str, int] = {}
        self.group_count: dict[tuple[int, int], cp_model.IntVar] = {}
        # (group, block) -> (paid lengths, patterns as counts per length, people per pattern).
        self.patterns: dict[
            tuple[int, int], tuple[list[int], list[tuple[int, ...]], list[cp_model.IntVar]]
        ] = {}
        # (group, block) -> the group's options and counts, most days, members.
        self._cut_inputs: dict[
            tuple[int, int],
            tuple[list[tuple[ShiftOption, cp_model.IntVar]], int, list[Employee]],
        ] = {}
        # (group, block) -> a cross-trained group's flex days: (day, people) per day.
        self._flex_inputs: dict[tuple[int, int], list[tuple[int, cp_model.IntVar]]] = {}
        # (group, block) -> (sets of days worked, people per set), once add_day_masks ran.
        self.masks: dict[tuple[int, int], tuple[list[tuple[int, ...]], list[cp_model.IntVar]]] = {}
        # Fairness group -> its highest and lowest weekend load and its members, once
        # add_weekend_fairness ran.
        self.weekend_loads: dict[str, tuple[cp_model.IntVar, cp_model.IntVar, list[str]]] = {}
        self.groups: list[list[Employee]] = []
        one_by_one: list[Employee] = []
        for members in self._profile_groups():
            if len(members) <= self.one_by_one_most and not members[0].works_back:
                one_by_one += members
            else:
                self.groups.append(members)
        self.people = one_by_one
        self._add_person_options()
        for employee in [e for members in self.groups for e in members]:
            unavailable = Spans.unavailable(self.scenario, employee.employee_id)
            rules = self.rules[employee.employee_id]
            # The anchor holds them in the back office: a valid restriction, and the hand-out
            # must not give them these days' shifts.
            anchored = anchored_days(self.scenario, employee)
            for option in self.options:
                if option.day in anchored:
                    continue
                if rules.allows(option.template) and not unavailable.overlap(option):
                    key = (option.index, self.skill_class[employee.employee_id])
                    self.members[key].append(employee.employee_id)
        for (option_index, skill_class), ids in self.members.items():
            self.count[option_index, skill_class] = self.model.new_int_var(
                0, len(ids), f"n_{option_index}_{sorted(skill_class)}"
            )

    def add_preferences(self) -> None:
        """Soft: prefer and avoid spans, per span for the people modelled one by one; for the
        others, the weight every roster refuses them (see `_forced_refusals`)."""
        super().add_preferences()
        own = {e.employee_id for e in self.people}
        self.tier_offset["preference"] += self.scenario.weights.preference * sum(
            _forced_refusals(self.scenario, e.employee_id)
            for e in self.scenario.employees
            if e.employee_id not in own
        )

    def add_one_shift_per_day(self) -> None:
        """A class works at most as many shifts a day as it has people available that day, and
        each person modelled one by one at most one."""
        super().add_one_shift_per_day()
        per_day: dict[tuple[int, SkillClass], list[cp_model.IntVar]] = defaultdict(list)
        available: dict[tuple[int, SkillClass], set[str]] = defaultdict(set)
        for (option_index, skill_class), count in self.count.items():
            day = self.options[option_index].day
            per_day[day, skill_class].append(count)
            available[day, skill_class].update(self.members[option_index, skill_class])
        for key, counts in per_day.items():
            self.model.add(cp_model.LinearExpr.sum(counts) <= len(available[key]))

    def add_hours(self) -> None:
        """People of one contract profile and skill class share out their hours and days; those
        modelled one by one each keep theirs.

        Counts per option are split over profiles (the same hours, days and minimum), so that
        a profile's limits hold for the shifts it gets: summed over a whole class, full-timers'
        spare hours paid for part-timers' spare days, and the hand-out of such counts missed
        44 of 976 shifts at N=200.
        """
        # The days on which each person may work some option.
        self._open_days: dict[str, set[int]] = defaultdict(set)
        for (option_index, _), available in self.members.items():
            for employee_id in available:
                self._open_days[employee_id].add(self.options[option_index].day)
        for number, members in enumerate(self.groups):
            skill_class = self.skill_class[members[0].employee_id]
            ids = {e.employee_id for e in members}
            for employee in members:
                self.group_of[employee.employee_id] = number
            for (option_index, member_class), available in self.members.items():
                if member_class == skill_class and ids.intersection(available):
                    size = len(ids.intersection(available))
                    self.group_count[option_index, number] = self.model.new_int_var(
                        0, size, f"g_{option_index}_{number}"
                    )
            self._add_group_limits(number, members)
            self._add_group_rest(number, members)
        parts: dict[tuple[int, SkillClass], list[cp_model.IntVar]] = defaultdict(list)
        for (option_index, number), var in self.group_count.items():
            parts[option_index, self.skill_class[self.groups[number][0].employee_id]].append(var)
        for (employee_id, option_index), var in self.x.items():
            parts[option_index, self.skill_class[employee_id]].append(var)
        for option_class, count in self.count.items():
            self.model.add(count == cp_model.LinearExpr.sum(parts[option_class]))
        self.tier_offset["contract"] += self.scenario.weights.contract * sum(
            _whole_days_off_contract(self.scenario, e)
            for e in self.scenario.employees
            if not e.works_front
        )
        self._add_person_patterns()

    def _add_person_patterns(self) -> None:
        """Each person modelled one by one works one week pattern a block, as a profile group
        of one (see `_add_patterns`), which prices their contract deviation in the linear
        relaxation too; where some person has too many patterns to list, everyone's hours are
        held as in the roster model.

        With the deviation of each person's hours alone, HiGHS found no counts in 30 s (N=100,
        generator seed 1).
        """
        horizon = self.scenario.horizon
        weight = self.scenario.weights.contract
        listed = []
        for employee in self.people:
            days = self._by_day(employee)
            for first_day, num_days in horizon.blocks():
                pairs = [
                    (o, v)
                    for d in range(first_day, first_day + num_days)
                    for o, v in days.get(d, [])
                ]
                lengths = sorted({o.paid_minutes for o, _ in pairs})
                low = horizon.scale(employee.min_minutes, first_day, num_days)
                cap = self._days_cap(employee, num_days)
                patterns = week_patterns(lengths, cap, low, employee.weekly_max_minutes)
                if patterns is None:
                    super().add_hours()
                    return
                target = horizon.scale(employee.contract_minutes, first_day, num_days)
                listed.append((pairs, lengths, patterns, target))
        for pairs, lengths, patterns, target in listed:
            chosen = [self.model.new_bool_var("person_pattern") for _ in patterns]
            self.model.add_exactly_one(chosen)
            for position, length in enumerate(lengths):
                held = [v for o, v in pairs if o.paid_minutes == length]
                self.model.add(
                    cp_model.LinearExpr.sum(held)
                    == cp_model.LinearExpr.weighted_sum(chosen, [p[position] for p in patterns])
                )
            if weight:
                costs = [
                    abs(sum(n * m for n, m in zip(p, lengths, strict=True)) - target)
                    for p in patterns
                ]
                self.tier_terms["contract"].append(
                    (cp_model.LinearExpr.weighted_sum(chosen, costs), weight)
                )

    def _profile_groups(self) -> list[list[Employee]]:
        """The front-office people by skill class and contract profile (see `_profile`)."""
        groups: dict[tuple[SkillClass, tuple[object, ...]], list[Employee]] = defaultdict(list)
        for employee in self.scenario.employees:
            if employee.works_front:
                key = (self.skill_class[employee.employee_id], self._profile(employee))
                groups[key].append(employee)
        return list(groups.values())

    def _profile(self, employee: Employee) -> tuple[object, ...]:
        rules = self.rules[employee.employee_id]
        return (
            employee.weekly_max_minutes,
            rules.max_days_of(employee),
            rules.min_rest_minutes,
            employee.min_minutes,
            employee.contract_minutes,
            employee.works_back,
            # The office wish of the cross-trained is priced per group (add_office_preferences).
            employee.prefers if employee.works_back else None,
        )

    def _days_cap(self, employee: Employee, num_days: int) -> int:
        """The most days the person may work in a block of ``num_days`` days."""
        limit = self.rules[employee.employee_id].max_days_of(employee)
        return num_days if limit is None else min(limit, num_days)

    def _add_group_rest(self, number: int, members: list[Employee]) -> None:
        """A person works at most one of a set of shifts that pairwise leave too little rest.

        The roster model's rest cliques, summed over a profile group: without them the counts
        asked for more early shifts after late ones than the group's people could work.
        """
        rest = self.rules[members[0].employee_id].min_rest_minutes
        by_day: dict[int, list[WorkOption]] = defaultdict(list)
        held: dict[int, cp_model.IntVar] = {}
        for (index, group), var in self.group_count.items():
            if group == number:
                by_day[self.options[index].day].append(self.options[index])
                held[index] = var
        # A cross-trained group's flex days count as their whole band, as in the roster model.
        band = {o.day: o for o in self.flex_options if o.location == Location.ONSITE}
        for (group, _), flex in self._flex_inputs.items():
            for day, var in flex if group == number else []:
                by_day[day].append(band[day])
                held[band[day].index] = var
        for clique in rest_cliques(by_day, rest):
            self.model.add(cp_model.LinearExpr.sum([held[i] for i in clique]) <= len(members))

    def _add_group_limits(self, number: int, members: list[Employee]) -> None:
        """Hours, days and contract of one profile group, per block and per day."""
        horizon = self.scenario.horizon
        mine = [(self.options[i], v) for (i, g), v in self.group_count.items() if g == number]
        for day in range(horizon.days):
            on_day = [v for o, v in mine if o.day == day]
            if on_day:
                available = sum(day in self._open_days[e.employee_id] for e in members)
                self.model.add(cp_model.LinearExpr.sum(on_day) <= available)
        for block, (first_day, num_days) in enumerate(horizon.blocks()):
            pairs = [(o, v) for o, v in mine if first_day <= o.day < first_day + num_days]
            paid = cp_model.LinearExpr.weighted_sum(
                [v for _, v in pairs], [o.paid_minutes for o, _ in pairs]
            )
            self.model.add(paid <= sum(e.weekly_max_minutes for e in members))
            days = sum(self._days_cap(e, num_days) for e in members)
            self.model.add(cp_model.LinearExpr.sum([v for _, v in pairs]) <= days)
            self.add_length_cuts(pairs, members, num_days)
            if members[0].works_back:
                # Cross-trained people make up their hours with flex days (see _group_flex).
                flex = self._group_flex(number, members, pairs, first_day, num_days)
                self._add_patterns(number, block, pairs, members, flex)
                continue
            if self._add_patterns(number, block, pairs, members):
                continue
            low = sum(horizon.scale(e.min_minutes, first_day, num_days) for e in members)
            self.model.add(paid >= low)
            target = sum(horizon.scale(e.contract_minutes, first_day, num_days) for e in members)
            deviation = self.model.new_int_var(0, max(target, 10**7), f"dev_{number}_{block}")
            self.model.add(deviation >= paid - target)
            self.model.add(deviation >= target - paid)
            self.tier_terms["contract"].append((deviation, self.scenario.weights.contract))

    def _add_patterns(
        self,
        number: int,
        block: int,
        pairs: list[tuple[ShiftOption, cp_model.IntVar]],
        members: list[Employee],
        flex: list[tuple[int, cp_model.IntVar]] | None = None,
    ) -> bool:
        """Each member works one week pattern: how many shifts of each paid length, and with
        ``flex`` (the group's flex days per day) how many flex days.

        The group's shifts per length are the sum over its members' patterns, so the hours
        and days of every single person hold, as does the contract deviation (exact per
        pattern). Summed limits let the counts fill part-timers' hours to the minute with
        shifts no one person could hold (N=200: 39 shifts and 14,040 minutes for nine people
        of 26 h). Returns False where there would be too many patterns to list.
        """
        horizon = self.scenario.horizon
        first_day, num_days = horizon.blocks()[block]
        employee = members[0]
        max_days = self._days_cap(employee, num_days)
        lengths = sorted({o.paid_minutes for o, _ in pairs})
        minutes = list(lengths)
        if flex is not None:
            lengths.append(FLEX_DAY)
            minutes.append(self.scenario.back_office.daily_minutes)
        low = horizon.scale(employee.min_minutes, first_day, num_days)
        patterns = week_patterns(minutes, max_days, low, employee.weekly_max_minutes)
        if patterns is None:
            return False
        target = horizon.scale(employee.contract_minutes, first_day, num_days)
        chosen = [
            self.model.new_int_var(0, len(members), f"pattern_{number}_{block}_{i}")
            for i in range(len(patterns))
        ]
        self.model.add(cp_model.LinearExpr.sum(chosen) == len(members))
        for position, length in enumerate(lengths):
            if length == FLEX_DAY:
                held = [v for _, v in flex or []]
            else:
                held = [v for o, v in pairs if o.paid_minutes == length]
            self.model.add(
                cp_model.LinearExpr.sum(held)
                == cp_model.LinearExpr.weighted_sum(chosen, [p[position] for p in patterns])
            )
        weight = self.scenario.weights.contract
        if weight:
            costs = [
                abs(sum(n * m for n, m in zip(p, minutes, strict=True)) - target) for p in patterns
            ]
            self.tier_terms["contract"].append(
                (cp_model.LinearExpr.weighted_sum(chosen, costs), weight)
            )
        self.patterns[number, block] = (lengths, patterns, chosen)
        self._cut_inputs[number, block] = (pairs, max_days, members)
        self._flex_inputs[number, block] = flex or []
        return True

    def _group_flex(
        self,
        number: int,
        members: list[Employee],
        pairs: list[tuple[ShiftOption, cp_model.IntVar]],
        first_day: int,
        num_days: int,
    ) -> list[tuple[int, cp_model.IntVar]]:
        """Per back-office day of a block, how many of a cross-trained group work a flex day:
        at most those free for it, at least those anchored on site, and with the group's
        shifts that day at most its people.

        Without these the counts handed cross-trained people shifts whose weeks no flex days
        could complete (weekly rest, min_hours), and the start solve gave them 26-42 shifts
        where the counts asked for 11-23 (N=100 with a back office)."""
        result = []
        open_days = [flex_days_open(self.scenario, e) for e in members]
        anchored = [anchored_days(self.scenario, e) for e in members]
        for day in range(first_day, first_day + num_days):
            free = sum(day in days for days in open_days)
            if free:
                least = sum(day in days for days in anchored)
                flex = self.model.new_int_var(least, free, f"flex_{number}_{day}")
                shifts = [v for o, v in pairs if o.day == day]
                self.model.add(flex + cp_model.LinearExpr.sum(shifts) <= len(members))
                result.append((day, flex))
        return result

    def add_day_masks(self) -> None:
        """Each member of a pattern group works one set of days a block, as many as their
        pattern's shifts, on which some choice of the group's shifts keeps the weekly rest
        and the consecutive-days limit.

        Every roster keeps this, so the model stays a relaxation. With it the counts ask for
        weeks a person can work under the weekly rest, which the day cuts alone do not see
        (N=100, 60 s, seeds 0-3: 97,820, 94,355, 102,395 and 106,024 against 98,390,
        94,295, 122,330 and 118,595, two of them 30 minutes short). Sets that keep the rest
        whichever shifts fall on them cost 27 % more (111,645 against 84,360 without a
        staggering cap): a rest day between an early and a late shift is common.
        """
        for key in self._cut_inputs:
            self._add_day_masks(key)

    def add_weekend_fairness(self) -> bool:
        """Soft: weekend days spread evenly within each fairness group, as in the roster model,
        from the sets of days of its pattern groups' members (after `add_day_masks`) and the
        shifts of those modelled one by one.

        Only on a one-block horizon, where a set of days is a person's whole horizon, and only
        for groups made of whole pattern groups (a pattern group shared with another fairness
        group would mix their loads); elsewhere the spread is left to the roster model (0 is a
        lower bound of it). Returns whether some spread was priced.
        """
        weight = self.scenario.weights.fairness
        horizon = self.scenario.horizon
        if weight == 0 or len(horizon.blocks()) != 1:
            return False
        priced = False
        weekend = horizon.weekend_days()
        eligible = fairness_categories(self.scenario).get("weekend", set())
        groups: dict[str, list[Employee]] = defaultdict(list)
        for employee in self.scenario.employees:
            if employee.employee_id in eligible:
                groups[fairness_group(employee)].append(employee)
        one_by_one = {e.employee_id for e in self.people}
        for name, members in groups.items():
            numbers = {
                self.group_of.get(e.employee_id) for e in members if e.employee_id not in one_by_one
            }
            keys = [(number, 0) for number in numbers if number is not None]
            if len(members) < 2 or None in numbers or any(k not in self.masks for k in keys):
                continue
            ids = {e.employee_id for e in members}
            if any(e.employee_id not in ids for k in keys for e in self._cut_inputs[k][2]):
                continue
            # Per profile group and number of weekend days: the members working that many.
            loads: list[tuple[int, cp_model.LinearExprT, int]] = []
            for key in keys:
                masks, worked = self.masks[key]
                size = len(self._cut_inputs[key][2])
                factor = fairness_factor(self._cut_inputs[key][2][0])
                by_count: dict[int, list[cp_model.IntVar]] = defaultdict(list)
                for mask, var in zip(masks, worked, strict=True):
                    by_count[len(weekend.intersection(mask))].append(var)
                for count, counted in by_count.items():
                    loads.append((factor * count, cp_model.LinearExpr.sum(counted), size))
            # Per person modelled one by one: the load and its most.
            own: list[tuple[cp_model.LinearExprT, int]] = []
            for employee in members:
                if employee.employee_id in one_by_one:
                    factor = fairness_factor(employee)
                    counted = [v for o, v in self._person_options(employee) if o.day in weekend]
                    own.append((factor * cp_model.LinearExpr.sum(counted), factor * len(counted)))
            top = max([load for load, _, _ in loads] + [most for _, most in own])
            high = self.model.new_int_var(0, top, f"fair_hi_{name}")
            low = self.model.new_int_var(0, top, f"fair_lo_{name}")
            for load, working, size in loads:
                used = self.model.new_bool_var(f"fair_used_{name}_{load}")
                self.model.add(working <= size * used)
                self.model.add(high >= load * used)
                self.model.add(low <= load + top * (1 - used))
            for expression, _ in own:
                self.model.add(high >= expression)
                self.model.add(low <= expression)
            self.weekend_loads[name] = (high, low, [e.employee_id for e in members])
            self.tier_terms["fairness"].append((high - low, weight))
            priced = True
        if priced:
            self._minimize()
        return priced

    def _add_day_masks(self, key: tuple[int, int]) -> None:
        number, block = key
        _, patterns, chosen = self.patterns[key]
        pairs, _, members = self._cut_inputs[key]
        first_day, num_days = self.scenario.horizon.blocks()[block]
        rules = [self.rules[e.employee_id] for e in members]
        begin = first_day * MINUTES_PER_DAY
        rest = min(r.weekly_rest_minutes for r in rules) if num_days == 7 else 0
        longest_run = max(r.max_consecutive_days for r in rules)
        # Per day: the earliest and latest start, the earliest and latest end.
        spans: dict[int, tuple[int, int, int, int]] = {}
        flex = self._flex_inputs.get(key, [])
        bands = [self.scenario.back_office.band_on(day) for day, _ in flex]
        for day, start, end in [(o.day, o.start, o.end) for o, _ in pairs] + [
            (day, start, end) for (day, _), (start, end) in zip(flex, bands, strict=True)
        ]:
            a, b, c, d = spans.get(day, (start, start, end, end))
            spans[day] = (min(a, start), max(b, start), min(c, end), max(d, end))
        sizes: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for pattern, var in zip(patterns, chosen, strict=True):
            sizes[sum(pattern)].append(var)
        days = sorted(spans)
        masks = [
            mask
            for size in sizes
            for mask in itertools.combinations(days, size)
            if _longest_run(mask) <= longest_run
            and _keeps_weekly_rest(mask, spans, begin, begin + 7 * MINUTES_PER_DAY, rest)
        ]
        worked = [
            self.model.new_int_var(0, len(members), f"days_{number}_{block}_{i}")
            for i in range(len(masks))
        ]
        self.masks[key] = (masks, worked)
        self.model.add(cp_model.LinearExpr.sum(worked) == len(members))
        by_mask = list(zip(masks, worked, strict=True))
        for size, held in sizes.items():
            on_size = [v for m, v in by_mask if len(m) == size]
            self.model.add(cp_model.LinearExpr.sum(on_size) == cp_model.LinearExpr.sum(held))
        for day in days:
            on_day = [v for m, v in by_mask if day in m]
            shifts = [v for o, v in pairs if o.day == day] + [v for d, v in flex if d == day]
            self.model.add(cp_model.LinearExpr.sum(shifts) == cp_model.LinearExpr.sum(on_day))

    def add_run_joins(self, program: cp_model.CpModel) -> None:
        """Runs of days across a block's end keep the consecutive-days limit: each pattern
        group's sets of days (after `add_day_masks`) in a block and the next pair up, a set
        ending in a run of t days with one starting with a run of at most L - t.

        By Hall's condition: for each a in 1..L, the sets ending in a run of at least a and
        those starting with one of more than L - a number at most the group's size. Added to
        ``program``, a copy of the model for HiGHS: its four-week counts asked for 48 more
        such runs than people could pair (N=200) and the hand-out missed 12 shifts. In the
        model itself they delayed CP-SAT's first held counts from 14 s to 22 s (N=100) and
        left its polish less time; with a back office, where no HiGHS copy carries them, from
        25 s to 37 s into the held solve (N=100, 28 days, 120 s: roster 144,445 against 141,545).
        """
        for number, block in self.masks:
            if (number, block + 1) not in self.masks:
                continue
            _, _, members = self._cut_inputs[number, block]
            longest = max(self.rules[e.employee_id].max_consecutive_days for e in members)
            first_day = self.scenario.horizon.blocks()[block + 1][0]
            ending = zip(*self.masks[number, block], strict=True)
            starting = zip(*self.masks[number, block + 1], strict=True)
            tails = [(run_from(mask, first_day - 1, -1), var) for mask, var in ending]
            heads = [(run_from(mask, first_day, 1), var) for mask, var in starting]
            for least in range(1, longest + 1):
                long_tails = [v for t, v in tails if t >= least]
                long_heads = [v for h, v in heads if h > longest - least]
                if long_tails and long_heads:
                    runs = [program.get_int_var_from_proto_index(v.index) for v in long_tails]
                    runs += [program.get_int_var_from_proto_index(v.index) for v in long_heads]
                    program.add(cp_model.LinearExpr.sum(runs) <= len(members))

    def add_day_cuts(self) -> None:
        """Hold every pattern group's counts to what its people can work day by day.

        Valid for every roster, but they slowed the relaxed solve to its optimum from 2 s to
        13 s (N=100), so only the held solve gets them.
        """
        for key, (lengths, patterns, chosen) in self.patterns.items():
            pairs, max_days, _ = self._cut_inputs[key]
            self._add_day_cuts(pairs, lengths, patterns, chosen, max_days)

    def _add_day_cuts(
        self,
        pairs: list[tuple[ShiftOption, cp_model.IntVar]],
        lengths: list[int],
        patterns: list[tuple[int, ...]],
        chosen: list[cp_model.IntVar],
        max_days: int,
    ) -> None:
        """Any k days hold at most as many of a group's shifts as its people can work on k
        days: the sum over members of min(shifts in their pattern, k) (Gale and Ryser).

        Per paid length and over all lengths. Without them the counts put five of a group's
        four-hour shifts on one Sunday when only three of its six people had four-hour
        shifts in their patterns, and no hand-out could meet them (N=100).
        """
        by_day: dict[int, list[tuple[ShiftOption, cp_model.IntVar]]] = defaultdict(list)
        for option, var in pairs:
            by_day[option.day].append((option, var))
        every = [position for position, length in enumerate(lengths) if length != FLEX_DAY]
        kinds = [[position] for position in every] if len(every) > 1 else []
        for kind in [*kinds, list(every)]:
            kept = {lengths[position] for position in kind}
            held = [sum(p[position] for position in kind) for p in patterns]
            for k in range(1, min(max_days, len(by_day))):
                capacity = cp_model.LinearExpr.weighted_sum(chosen, [min(h, k) for h in held])
                for days in itertools.combinations(sorted(by_day), k):
                    worked = [v for d in days for o, v in by_day[d] if o.paid_minutes in kept]
                    if worked:
                        self.model.add(cp_model.LinearExpr.sum(worked) <= capacity)

    def add_length_cuts(
        self,
        pairs: list[tuple[ShiftOption, cp_model.IntVar]],
        members: list[Employee],
        num_days: int,
    ) -> None:
        """A person holds at most ``max_minutes // L`` shifts of at least L paid minutes."""
        for length in sorted({o.paid_minutes for o, _ in pairs if o.paid_minutes > 0}):
            capacity = sum(
                min(self._days_cap(e, num_days), e.weekly_max_minutes // length) for e in members
            )
            longer = [v for o, v in pairs if o.paid_minutes >= length]
            self.model.add(cp_model.LinearExpr.sum(longer) <= capacity)

    def add_day_cover(self) -> None:
        """Left to the roster model (with no person's shifts here, every line would count as
        short)."""

    def add_desks(self) -> None:
        """Left to the roster model."""

    def add_anchors(self) -> None:
        """Left to the roster model."""

    def add_back_office_cover(self) -> None:
        """Left to the roster model."""

    def add_telework_limits(self) -> None:
        """Left to the roster model."""

    def add_office_preferences(self) -> None:
        """Soft: cross-trained groups work in the office they prefer; a wish to telework on an
        anchor day is refused whatever the counts."""
        weight = self.scenario.weights.preference
        # The roster model decides where the other flex days are worked. Left out, the anchor
        # days' refusals kept the bound 1,200 under every roster (N=100 with a back office).
        self.tier_offset["preference"] += weight * sum(
            self.scenario.horizon.weekday_of(day) in e.remote_days
            for e in self.scenario.employees
            if e.works_back and e.remote_ok
            for day in anchored_days(self.scenario, e)
        )
        wish = {
            self.group_of[e.employee_id]: e.prefers
            for e in self.scenario.employees
            if e.office == Office.BOTH and e.prefers is not None and e.employee_id in self.group_of
        }
        refused: list[cp_model.IntVar] = []
        for (_, number), var in self.group_count.items():
            if wish.get(number) == Office.BACK:
                refused.append(var)
        for (number, _), flex in self._flex_inputs.items():
            if wish.get(number) == Office.FRONT:
                refused.extend(var for _, var in flex)
        if weight and refused:
            self.tier_terms["preference"].append((cp_model.LinearExpr.sum(refused), weight))

    def hold_breaks_where_busy(self, least_cost: int = 0) -> int | None:
        """Hold the people on a break to ``floor(share x working)`` wherever demand is high.

        The relaxed cap allows one more person on a break than the exact one wherever a
        team is large, and counts that use it leave the roster short once breaks are placed
        under the exact cap (N=100: 1.25-4.75 h; N=200: 6-37 h). The exact cap is
        ``floor(share x working)`` wherever at least ``1 / share`` people work, which
        demand of ``2 / share`` or more all but ensures; linear, where the exact cap with a
        literal per interval stalled the search (N=100: 12.9 M against an optimum of 84 k
        in 6 s everywhere; 22.7 M after 16 s only where demand is high).

        A roster that breaks the hold at an interval has fewer than ``1 / share`` people of
        the share working there, so it pays for the rest of the demand as shortfall. Only
        intervals where that costs at least ``least_cost`` are held, and the least such cost
        is returned (None if none is held): every roster is either feasible here or costs at
        least that much, so ``min(bound, returned cost)`` bounds the roster model.
        """
        working = self._working()
        demand = self.required[None]
        weight = self.scenario.weights.shortfall_of(None) * self.step
        front_office = [e for e in self.scenario.employees if e.works_front]
        shares = Counter(self.cap_groups.shares[e.employee_id] for e in front_office)
        front = sum(shares.values())
        least: int | None = None
        for (t, share), terms in self._on_break().items():
            if share is None or t >= len(demand) or share * demand[t] < 2:
                continue
            # At most 1/share - 1 of the share's people and everyone of another share on the
            # floor.
            on_floor = math.ceil(1 / share) - 1 + front - shares[share]
            cost = weight * (demand[t] - on_floor)
            if cost < least_cost:
                continue
            least = cost if least is None else min(least, cost)
            self.model.add(
                share.denominator * cp_model.LinearExpr.sum(terms)
                <= share.numerator * cp_model.LinearExpr.sum(working[t, share])
            )
        return least

    def targets(self, value: Value) -> dict[tuple[int, SkillClass], int]:
        """People per option and skill class in a solution."""
        return {key: int(value(count)) for key, count in self.count.items()}

    def patterns_of(self, value: Value) -> dict[tuple[int, int], list[dict[int, int]]]:
        """Per (group, block), the chosen pattern of each member: shifts per paid length."""
        chosen = {}
        for key, (lengths, patterns, people) in self.patterns.items():
            chosen[key] = [
                dict(zip(lengths, pattern, strict=True))
                for pattern, var in zip(patterns, people, strict=True)
                for _ in range(int(value(var)))
            ]
        return chosen

    def masks_of(self, value: Value) -> dict[tuple[int, int], list[tuple[int, ...]]]:
        """Per (group, block), the days each member works in a solution."""
        return {
            key: [
                mask
                for mask, var in zip(masks, worked, strict=True)
                for _ in range(int(value(var)))
            ]
            for key, (masks, worked) in self.masks.items()
        }

    def weekend_ranges(self, value: Value) -> dict[str, tuple[int, int]]:
        """Per member of a fairness group whose weekend spread is priced, the group's highest
        and lowest weekend load in a solution."""
        return {
            employee_id: (int(value(high)), int(value(low)))
            for high, low, ids in self.weekend_loads.values()
            for employee_id in ids
        }

    def group_targets(self, value: Value) -> dict[tuple[int, int], int]:
        """People per option and profile group (see ``group_of``) in a solution."""
        return {key: int(value(count)) for key, count in self.group_count.items()}

    def day_decisions(self) -> dict[int, list[cp_model.IntVar]]:
        """Per day, the counts of its shift options (per class and per profile group) and of
        their breaks: everything decided for that day."""
        decisions: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for (option_index, _), var in self.count.items():
            decisions[self.options[option_index].day].append(var)
        for (option_index, _), var in self.group_count.items():
            decisions[self.options[option_index].day].append(var)
        for (option_index, _, _), slots in self.break_vars.items():
            decisions[self.options[option_index].day] += [var for _, var in slots]
        for (_, index), var in self.x.items():
            decisions[self.work[index].day].append(var)
        return dict(decisions)

    def add_fairness(self) -> None:
        """Left to `add_weekend_fairness`, once the sets of days are there."""


def _forced_refusals(scenario: Scenario, employee_id: str) -> int:
    """The least weight of a person's prefer and avoid spans refused in every roster: work
    touching a prefer span inside an avoid span touches that too, so one of the two is refused
    (each span counted in one such pair at most)."""
    avoids = scenario.spans_of(employee_id, AvailabilityKind.AVOID)
    paired: set[int] = set()
    total = 0
    for prefer in scenario.spans_of(employee_id, AvailabilityKind.PREFER):
        for index, avoid in enumerate(avoids):
            if index not in paired and avoid.start <= prefer.start < prefer.end <= avoid.end:
                paired.add(index)
                total += min(prefer.weight, avoid.weight)
                break
    return total


def _whole_days_off_contract(scenario: Scenario, employee: Employee) -> int:
    """The least contract deviation of someone who works only whole back-office days: per
    7-day block, the contract's distance to the nearest multiple of ``daily_hours``.

    Such people are not in the staffing model, but their days cost at least this in every
    roster (a 37.5 h contract in 8 h days: 150 minutes a week)."""
    daily = scenario.back_office.daily_minutes
    horizon = scenario.horizon
    if daily <= 0:
        return 0
    off = 0
    for first_day, num_days in horizon.blocks():
        rest = horizon.scale(employee.contract_minutes, first_day, num_days) % daily
        off += min(rest, daily - rest)
    return off


def _longest_run(days: tuple[int, ...]) -> int:
    """The most consecutive days among sorted ``days``."""
    run = longest = 0
    for position, day in enumerate(days):
        run = run + 1 if position and day == days[position - 1] + 1 else 1
        longest = max(longest, run)
    return longest


def _keeps_weekly_rest(
    days: tuple[int, ...],
    spans: dict[int, tuple[int, int, int, int]],
    begin: int,
    finish: int,
    rest: int,
) -> bool:
    """Whether working ``days`` can leave a gap of ``rest`` minutes in ``[begin, finish)``
    with some choice of shifts; ``spans[day]`` holds the earliest and latest start and end
    of the shifts on a day."""
    if rest <= 0:
        return True
    edge = begin
    for day in days:
        _, last_start, first_end, _ = spans[day]
        if last_start - edge >= rest:
            return True
        edge = max(edge, first_end)
    return finish - edge >= rest


MAX_PATTERNS = 5000
"""Beyond this many week patterns per group the summed limits stand in for them."""


def week_patterns(
    lengths: list[int], max_days: int, low: int, high: int
) -> list[tuple[int, ...]] | None:
    """Every count of shifts per paid length one person may work in a block.

    At most ``max_days`` shifts whose paid minutes lie in [low, high]; None when there are
    more than `MAX_PATTERNS`.
    """
    found: list[tuple[int, ...]] = []

    def extend(prefix: tuple[int, ...], days: int, minutes: int) -> bool:
        if len(prefix) == len(lengths):
            if minutes >= low:
                found.append(prefix)
            return len(found) <= MAX_PATTERNS
        length = lengths[len(prefix)]
        for n in range(days + 1):
            if minutes + n * length > high:
                break
            if not extend((*prefix, n), days - n, minutes + n * length):
                return False
        return True

    return found if extend((), max_days, 0) else None
