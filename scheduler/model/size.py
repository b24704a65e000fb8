"""How large the roster model of a scenario would be, estimated without building it.

A scenario can ask for a model far beyond what CP-SAT can hold (10 000 people over 56 days at
5-minute intervals); building it would take minutes and exhaust memory before the solver says a
word. :func:`check_model_size` refuses such a scenario up front, with its size and what to
change. The estimate counts the variables :class:`scheduler.model.roster.RosterModel` creates,
family by family, from the options alone (no OR-Tools needed); it ignores the options that
unavailability removes, so it is an upper bound on the variables of the roster model (the
tests compare it with built models).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass

from scheduler.data import AvailabilityKind, Location, Scenario
from scheduler.errors import InputError
from scheduler.model.options import flex_options, shift_options

__all__ = ["MAX_OBJECTIVE", "MAX_VARIABLES", "ModelSize", "check_model_size", "estimate_model_size"]

MAX_VARIABLES = 2_000_000
"""Most estimated variables a solve accepts.

Building a model of 400 000 variables took 12 s and about 200 MB on this project's machine
(1000 people over 28 days); a solve builds the model two or three times over and CP-SAT's
presolve copies it again. At two million a solve needs minutes and several GB before the
search starts, 50 times the largest benchmark that finds good rosters (N = 400: 39 000
variables). 10 000 people over 7 days at 15-minute intervals (about a million) pass.
"""
MAX_OBJECTIVE = 2**53
"""Largest objective the weights may reach: CP-SAT checks its sums in 64-bit integers and
reports gaps in doubles, whose integers are exact up to 2**53."""
MINUTES_PER_WEEK = 7 * 24 * 60


@dataclass(frozen=True)
class ModelSize:
    """The estimated size of a scenario's roster model.

    ``variables`` is the total; the other fields are its largest terms and the dimensions
    that drive them, for the message.
    """

    variables: int
    assignments: int
    rest: int
    breaks: int
    coverage: int
    num_people: int
    num_days: int
    interval_minutes: int
    num_shift_options: int
    max_objective: int

    def describe(self) -> str:
        """One line on the size and where it comes from."""
        return (
            f"about {self.variables:,} variables ({self.num_people:,} people x "
            f"{self.num_shift_options:,} shift options over {self.num_days} days: "
            f"{self.assignments:,} assignments, {self.rest:,} weekly-rest gaps, "
            f"{self.breaks:,} break placements, "
            f"{self.coverage:,} coverage terms at {self.interval_minutes}-minute intervals)"
        )


def estimate_model_size(scenario: Scenario, formulation: str = "aggregated") -> ModelSize:
    """Count the variables the roster model of ``scenario`` would have.

    Parameters
    ----------
    scenario
        The problem.
    formulation
        ``"aggregated"`` (breaks as counts per shift option and skill class) or
        ``"individual"`` (a boolean per person, break and slot).

    Returns
    -------
    ModelSize
        An upper bound on the variables: options removed by unavailability are counted.
    """
    horizon = scenario.horizon
    options = shift_options(scenario)
    flex = flex_options(scenario, len(options))
    onsite_days = sum(1 for option in flex if option.location == Location.ONSITE)
    demanded = set(scenario.skills_demanded())
    front = [e for e in scenario.employees if e.works_front]
    back = [e for e in scenario.employees if e.works_back]
    num_front, num_back = len(front), len(back)
    remote = sum(1 for e in back if e.remote_ok)

    assignments = num_front * len(options) + num_back * onsite_days + remote * onsite_days
    classes = len({frozenset(e.skills & demanded) for e in front})
    counts = classes * len(options)
    slots = sum(len(b.offsets) for option in options for b in option.breaks)
    breaks = slots * (min(classes, num_front) if formulation == "aggregated" else num_front)
    blocks = horizon.blocks()
    # Weekly rest: a flag per candidate gap start, i.e. per distinct option end in the block.
    ends: dict[tuple[bool, bool], int] = defaultdict(int)
    for first, num_days in blocks:
        if num_days < 7:
            continue
        begin, finish = first * 1440, (first + 7) * 1440
        shift_ends = {o.end for o in options if begin <= o.end <= finish}
        flex_ends = {o.end for o in flex if begin <= o.end <= finish}
        for works_front, works_back in ((True, False), (False, True), (True, True)):
            chosen = (shift_ends if works_front else set()) | (flex_ends if works_back else set())
            ends[works_front, works_back] += 1 + len(chosen)
    rest = sum(
        ends[e.works_front, e.works_back]
        for e in scenario.employees
        if scenario.rules_for(e).weekly_rest_minutes > 0
    )
    per_person = len(scenario.employees) * len(blocks) + remote * len(blocks)
    requests = sum(1 for a in scenario.availability if a.kind != AvailabilityKind.UNAVAILABLE)
    required = scenario.required()
    coverage = sum(1 for line in required.values() for needed in line if needed > 0)
    staggering = 0
    if scenario.rules.max_on_break is not None:
        # A cap literal for each interval that some break could fall in.
        step = horizon.interval_minutes
        touched = {
            t
            for option in options
            for b in option.breaks
            for p in b.offsets
            for t in range((option.start + p) // step, (option.start + p + b.rule.minutes) // step)
        }
        staggering = len(touched)
    variables = assignments + counts + breaks + rest + per_person + requests + coverage + staggering
    variables += _day_level_variables(scenario)
    return ModelSize(
        variables=variables,
        assignments=assignments,
        rest=rest,
        breaks=breaks,
        coverage=coverage,
        num_people=len(scenario.employees),
        num_days=horizon.days,
        interval_minutes=horizon.interval_minutes,
        num_shift_options=len(options),
        max_objective=_max_objective(scenario, required),
    )


def _day_level_variables(scenario: Scenario) -> int:
    """Day-level cover (short and extra per line) and the per-day literals of the run and
    weekend rules."""
    horizon = scenario.horizon
    per_day = len(horizon.weekends()) + horizon.days
    users = sum(
        1
        for e in scenario.employees
        if any(
            getattr(scenario.rules_for(e), name) is not None
            for name in ("min_consecutive_days", "min_days_off", "max_weekends")
        )
    )
    return 2 * len(scenario.shift_demand) + users * per_day


def _max_objective(scenario: Scenario, required: dict[str | None, list[int]]) -> int:
    """A bound on the objective's magnitude: every term at its worst."""
    weights = scenario.weights
    step = scenario.horizon.interval_minutes
    blocks = len(scenario.horizon.blocks())
    people = len(scenario.employees)
    demand = sum(sum(line) for line in required.values())
    requests = sum(a.weight for a in scenario.availability)
    requests += sum(r.weight for r in scenario.shift_requests)
    day_cover = 0
    for line in scenario.shift_demand:
        under, over = scenario.cover_weights(line)
        day_cover += under * line.required + over * people
    return (
        day_cover
        + weights.shortfall * step * demand
        + weights.contract * people * blocks * MINUTES_PER_WEEK
        + weights.preference * (requests + people * scenario.horizon.days)
        + weights.surplus
        * step
        * (people + max(required[None], default=0))
        * scenario.horizon.num_intervals
    )


def _suggestions(
    scenario: Scenario, formulation: str, size: ModelSize, max_variables: int
) -> list[str]:
    """What would make the model smaller, each with the size it would give."""
    horizon = scenario.horizon
    hints = []
    if horizon.days > 7:
        week = dataclasses.replace(horizon, days=7)
        smaller = estimate_model_size(dataclasses.replace(scenario, horizon=week), formulation)
        hints.append(
            f"a shorter horizon (days = 7 instead of {horizon.days}: about "
            f"{smaller.variables:,} variables)"
        )
    if horizon.interval_minutes < 15:
        coarse = dataclasses.replace(horizon, interval_minutes=15)
        smaller = estimate_model_size(dataclasses.replace(scenario, horizon=coarse), formulation)
        hints.append(
            f"coarser intervals (interval_minutes = 15 instead of {horizon.interval_minutes}: "
            f"about {smaller.variables:,} variables)"
        )
    if formulation == "individual":
        smaller = estimate_model_size(scenario, "aggregated")
        hints.append(f"the aggregated formulation (about {smaller.variables:,} variables)")
    per_person = size.variables / max(1, size.num_people)
    hints.append(
        f"splitting the staff by team into scenarios of at most about "
        f"{int(max_variables / per_person):,} people each"
    )
    return hints


def check_model_size(
    scenario: Scenario, formulation: str = "aggregated", max_variables: int = MAX_VARIABLES
) -> ModelSize:
    """The model's estimated size; refuse a scenario whose model would be too large.

    Raises
    ------
    InputError
        Naming ``scenario.toml``, when the estimate exceeds ``max_variables`` (with the size
        and what to change) or the weights could overflow the solver's arithmetic.
    """
    size = estimate_model_size(scenario, formulation)
    if size.variables > max_variables:
        hints = _suggestions(scenario, formulation, size, max_variables)
        message = (
            f"the roster model would be too large to solve: {size.describe()}, above the limit "
            f"of {max_variables:,}; try {'; or '.join(hints)}"
        )
        raise InputError("scenario.toml", message, column="horizon")
    if size.max_objective > MAX_OBJECTIVE:
        message = (
            f"the weights and the demand could make the objective reach "
            f"{size.max_objective:.3g}, beyond the solver's exact arithmetic "
            f"({MAX_OBJECTIVE:.3g}); use smaller weights"
        )
        raise InputError("scenario.toml", message, column="weights")
    return size
