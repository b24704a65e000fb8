"""The roster model of a re-plan: the published roster kept as far as the rules and holes allow.

On top of :class:`RosterModel` (every hard rule, the weighted objective):

- everything starting before ``from_minute`` is fixed as published, breaks included;
- each person-day that differs from the published roster costs: ``move`` when the person
  still works that day (another template, or the other location of a flex day), ``add`` for
  a day that had nothing, ``drop`` for a published day left empty;
- each published break start that is no longer used on its shift costs ``break_move``;
- the search starts from the published roster (less what the absences took away).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.data import MINUTES_PER_DAY, TIERS, Assignment, FlexDay, Scenario
from scheduler.model.options import ShiftOption, WorkOption
from scheduler.model.roster import Line, RosterModel, SkillClass


@dataclass(frozen=True)
class ChangeCosts:
    """Objective weights of changes to the published roster (same units as ``Weights``)."""

    move: int
    add: int
    drop: int
    break_move: int


class ReplanModel(RosterModel):
    """The aggregated roster model with the published roster fixed before ``from_minute``.

    Parameters
    ----------
    scenario
        The scenario with the absences as unavailable spans.
    assignments, flex_days
        The published roster.
    from_minute
        Horizon minute before which nothing changes.
    costs
        Weights of the changes.
    """

    def __init__(
        self,
        scenario: Scenario,
        assignments: list[Assignment],
        flex_days: list[FlexDay],
        from_minute: int,
        costs: ChangeCosts,
        accepted_shortfall: dict[tuple[Line, int], int] | None = None,
    ) -> None:
        # The change costs rank between shortfall and contract: a tier of their own, which
        # _minimize adds to the roster model's tiers (set before the base class minimises).
        self.change_terms: list[tuple[cp_model.LinearExprT, int]] = []
        self.change_offset = 0
        super().__init__(scenario, "aggregated")
        self.from_minute = from_minute
        self.costs = costs
        shift_index = {(o.day, o.template.shift_id): o.index for o in self.options}
        flex_index = {(o.day, o.location): o.index for o in self.flex_options}
        # Published option per person and day; a published day whose option the absences
        # removed is still a published day (it becomes a forced change).
        self.published: dict[tuple[str, int], int] = {}
        self.published_breaks: dict[tuple[str, int], Assignment] = {}
        for a in assignments:
            index = shift_index[a.day, a.shift_id]
            self.published[a.employee_id, a.day] = index
            self.published_breaks[a.employee_id, index] = a
        for f in flex_days:
            self.published[f.employee_id, f.day] = flex_index[f.day, f.location]
        self.missing: list[tuple[str, int]] = []
        """Published options before ``from_minute`` the scenario no longer allows."""
        self.add_frozen_past()
        self.add_accepted_shortfall(accepted_shortfall or {})
        self.add_change_costs()
        self.add_break_stability()
        self._minimize()
        self.add_published_hint()

    def kept(self, employee_id: str, option_index: int) -> bool:
        """Whether the person works this option in the published roster."""
        option = self.work[option_index]
        return self.published.get((employee_id, option.day)) == option_index

    def shift_vars(self) -> list[tuple[tuple[str, int], cp_model.IntVar]]:
        """``((employee_id, option index), x)`` of every shift option."""
        return [((e, o.index), var) for e, o, var in self._shift_vars()]

    def work_vars(self) -> list[tuple[tuple[str, int], cp_model.IntVar]]:
        """``((employee_id, option index), x)`` of every shift and flex option."""
        return list(self.x.items())

    def _gone(self) -> list[WorkOption]:
        """Published work the absences took away."""
        return [
            self.work[index]
            for (employee_id, _), index in self.published.items()
            if (employee_id, index) not in self.x
        ]

    def local_fixings(self) -> list[tuple[cp_model.IntVar, int]]:
        """Everything as published except on the days of the work the absences took away.

        ``(variable, value)``: work on other days as published, and the breaks of shifts that
        touch none of those days as published. The holes are filled by moves and new shifts
        on their own days; what this leaves out (a chain of changes over several days) the
        full re-plan may still find.
        """
        days = {d for g in self._gone() for d in range(g.day, (g.end - 1) // MINUTES_PER_DAY + 1)}
        result = [
            (var, int(self.kept(employee_id, index)))
            for (employee_id, index), var in self.x.items()
            if self.work[index].day not in days
        ]
        for index, skill_class in self.count:
            option = self.options[index]
            touched = range(option.day, (option.end - 1) // MINUTES_PER_DAY + 1)
            if option.day in days or any(d in days for d in touched):
                continue
            for b, starts in enumerate(self._published_starts(option, skill_class)):
                result.extend(
                    (var, starts[offset]) for offset, var in self.break_vars[index, skill_class, b]
                )
        return result

    def undisturbed_breaks(self) -> list[tuple[cp_model.IntVar, int]]:
        """Break counts that can stay as published when the published shifts are kept.

        ``(variable, published count)`` for every break slot of a shift option that overlaps
        no published work the absences took away: there the people at work, and so the
        staggering cap, are as published.
        """
        gone = self._gone()
        result: list[tuple[cp_model.IntVar, int]] = []
        for index, skill_class in self.count:
            option = self.options[index]
            if any(option.overlaps(g.start, g.end) for g in gone):
                continue
            for b, starts in enumerate(self._published_starts(option, skill_class)):
                result.extend(
                    (var, starts[offset]) for offset, var in self.break_vars[index, skill_class, b]
                )
        return result

    def _published_starts(self, option: ShiftOption, skill_class: SkillClass) -> list[Counter[int]]:
        """Per break of the option: how many of its published people start it at each offset."""
        starts: list[Counter[int]] = [Counter() for _ in option.breaks]
        for employee_id in self.members[option.index, skill_class]:
            published = self.published_breaks.get((employee_id, option.index))
            if published is None or (employee_id, option.index) not in self.x:
                continue
            for b, slot in enumerate(option.breaks):
                placed = next((p for p in published.breaks if p.name == slot.rule.name), None)
                if placed is not None:
                    starts[b][placed.start - option.start] += 1
        return starts

    def add_frozen_past(self) -> None:
        """Shifts and flex days starting before ``from_minute`` stay as published, with breaks."""
        for (employee_id, _), index in self.published.items():
            option = self.work[index]
            if option.start < self.from_minute and (employee_id, index) not in self.x:
                self.missing.append((employee_id, index))
        for (employee_id, index), var in self.x.items():
            if self.work[index].start < self.from_minute:
                self.model.add(var == int(self.kept(employee_id, index)))
        for (index, skill_class), _ in self.count.items():
            option = self.options[index]
            if option.start >= self.from_minute:
                continue
            for b, starts in enumerate(self._published_starts(option, skill_class)):
                for offset, var in self.break_vars[index, skill_class, b]:
                    self.model.add(var == starts[offset])

    def add_accepted_shortfall(self, accepted: dict[tuple[Line, int], int]) -> None:
        """Shortfall up to the published roster's, interval by interval, costs nothing.

        The re-plan fills the holes the absences make; holes the published roster already
        had were accepted when it was published, and chasing them would rework the week.
        """
        # Shortfall variable index -> (the variable, its upper bound, the accepted level).
        replaced: dict[int, tuple[cp_model.IntVar, int, int]] = {}
        for (line, t), short in self.shortfall.items():
            level = min(accepted.get((line, t), 0), self.required[line][t])
            if level > 0:
                replaced[short.index] = (short, self.required[line][t], level)
        if not replaced:
            return
        kept: list[tuple[cp_model.LinearExprT, int]] = []
        for expr, coefficient in self.tier_terms["shortfall"]:
            index = getattr(expr, "index", None)
            if index in replaced:
                short, most, level = replaced.pop(index)
                excess = self.model.new_int_var(0, most, f"new_short_{index}")
                self.model.add(excess >= short - level)
                kept.append((excess, coefficient))
            else:
                kept.append((expr, coefficient))
        self.tier_terms["shortfall"] = kept

    def add_change_costs(self) -> None:
        """Each person-day that differs from the published roster costs, moves least."""
        days: dict[tuple[str, int], list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
        for (employee_id, index), var in self.x.items():
            days[employee_id, self.work[index].day].append((index, var))
        for key in set(days) | set(self.published):
            published = self.published.get(key)
            options = days.get(key, [])
            if published is None:
                for _, var in options:
                    self.change_terms.append((var, self.costs.add))
                continue
            for index, var in options:
                if index != published:
                    self.change_terms.append((var, self.costs.move))
            # Working nothing that day: drop (1 - sum of the day's options).
            self.change_offset += self.costs.drop
            for _, var in options:
                self.change_terms.append((var, -self.costs.drop))

    def add_break_stability(self) -> None:
        """A published break start left unused on a shift that starts after ``from_minute``."""
        for (index, skill_class), _ in self.count.items():
            option = self.options[index]
            if option.start < self.from_minute:
                continue
            for b, starts in enumerate(self._published_starts(option, skill_class)):
                for offset, var in self.break_vars[index, skill_class, b]:
                    wanted = starts[offset]
                    if wanted:
                        left = self.model.new_int_var(0, wanted, f"break_left_{index}_{b}")
                        self.model.add(left >= wanted - var)
                        self.change_terms.append((left, self.costs.break_move))

    def _minimize(self) -> None:
        terms = [term for tier in TIERS for term in self.tier_terms[tier]] + self.change_terms
        self.model.minimize(
            cp_model.LinearExpr.weighted_sum([e for e, _ in terms], [c for _, c in terms])
            + sum(self.tier_offset.values())
            + self.change_offset
        )

    def add_published_hint(self) -> None:
        """Start from the published roster, less the days the absences took away."""
        for (employee_id, index), var in self.x.items():
            self.model.add_hint(var, self.kept(employee_id, index))
        for (index, skill_class), _ in self.count.items():
            starts = self._published_starts(self.options[index], skill_class)
            for b, counts in enumerate(starts):
                for offset, var in self.break_vars[index, skill_class, b]:
                    self.model.add_hint(var, counts[offset])
