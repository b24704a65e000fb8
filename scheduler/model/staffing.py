"""The staffing model: how many people of each skill class work each shift option.

People of one skill class are interchangeable for coverage and breaks, so for a large roster the
counts can be decided first, with the per-person rules summed over each class; named people are
then handed shifts that meet the counts (`RosterModel` with ``targets``). Its size does not grow
with the number of people.
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from scheduler.data import AvailabilityKind
from scheduler.model.roster import RosterModel, SkillClass


class StaffingModel(RosterModel):
    """Counts per shift option and skill class, with breaks and coverage as in RosterModel.

    Per-person rules become sums over each class: a person works one shift a day, within the
    hours and days of their contract. Back-office days are left to the roster model.
    """

    def add_assignments(self) -> None:
        """Up to the available people of a class work an option."""
        for employee in self.people:
            if not employee.works_front:
                continue
            unavailable = self.scenario.spans_of(employee.employee_id, AvailabilityKind.UNAVAILABLE)
            rules = self.rules[employee.employee_id]
            for option in self.options:
                if rules.allows(option.template) and not any(
                    option.overlaps(s.start, s.end) for s in unavailable
                ):
                    key = (option.index, self.skill_class[employee.employee_id])
                    self.members[key].append(employee.employee_id)
        for (option_index, skill_class), ids in self.members.items():
            self.count[option_index, skill_class] = self.model.new_int_var(
                0, len(ids), f"n_{option_index}_{sorted(skill_class)}"
            )

    def add_one_shift_per_day(self) -> None:
        """A class works at most as many shifts a day as it has people available that day."""
        per_day: dict[tuple[int, SkillClass], list[cp_model.IntVar]] = defaultdict(list)
        available: dict[tuple[int, SkillClass], set[str]] = defaultdict(set)
        for (option_index, skill_class), count in self.count.items():
            day = self.options[option_index].day
            per_day[day, skill_class].append(count)
            available[day, skill_class].update(self.members[option_index, skill_class])
        for key, counts in per_day.items():
            self.model.add(cp_model.LinearExpr.sum(counts) <= len(available[key]))

    def add_hours(self) -> None:
        """A class's paid minutes and days per block stay within its members' contracts."""
        classes: dict[SkillClass, list[str]] = defaultdict(list)
        for employee in self.people:
            if employee.works_front:
                classes[self.skill_class[employee.employee_id]].append(employee.employee_id)
        people = {e.employee_id: e for e in self.people}
        horizon = self.scenario.horizon
        for skill_class, ids in classes.items():
            members = [people[e] for e in ids]
            for block, (first_day, num_days) in enumerate(self.scenario.horizon.blocks()):
                pairs = [
                    (self.options[i], count)
                    for (i, c), count in self.count.items()
                    if c == skill_class and first_day <= self.options[i].day < first_day + num_days
                ]
                paid = cp_model.LinearExpr.weighted_sum(
                    [v for _, v in pairs], [o.paid_minutes for o, _ in pairs]
                )
                self.model.add(paid <= sum(e.weekly_max_minutes for e in members))
                limits = [self.rules[e.employee_id].max_days_of(e) for e in members]
                days = sum(num_days if n is None else min(n, num_days) for n in limits)
                self.model.add(cp_model.LinearExpr.sum([v for _, v in pairs]) <= days)
                # Cross-trained people may make up their hours in the back office.
                low = sum(
                    horizon.scale(e.min_minutes, first_day, num_days)
                    for e in members
                    if not e.works_back
                )
                self.model.add(paid >= low)
                target = sum(
                    horizon.scale(e.contract_minutes, first_day, num_days)
                    for e in members
                    if not e.works_back
                )
                deviation = self.model.new_int_var(0, max(target, 10**7), f"dev_{block}")
                self.model.add(deviation >= paid - target)
                self.model.add(deviation >= target - paid)
                self.tier_terms["contract"].append((deviation, self.scenario.weights.contract))

    def add_min_rest(self) -> None:
        """Left to the roster model."""

    def add_weekly_rest(self) -> None:
        """Left to the roster model."""

    def add_max_consecutive_days(self) -> None:
        """Left to the roster model."""

    def add_preferences(self) -> None:
        """Left to the roster model."""

    def add_preferred_shifts(self) -> None:
        """Left to the roster model."""

    def add_desks(self) -> None:
        """Left to the roster model."""

    def add_anchors(self) -> None:
        """Left to the roster model."""

    def add_back_office_cover(self) -> None:
        """Left to the roster model."""

    def add_telework_limits(self) -> None:
        """Left to the roster model."""

    def add_office_preferences(self) -> None:
        """Left to the roster model."""

    def targets(self, solver: cp_model.CpSolver) -> dict[tuple[int, SkillClass], int]:
        """People per option and skill class in the solver's solution."""
        return {key: int(solver.value(count)) for key, count in self.count.items()}

    def add_fairness(self) -> None:
        """Left to the roster model."""
