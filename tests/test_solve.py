"""Exact optima of tiny, hand-checkable scenarios, one per rule family.

Every solve uses a fixed seed, two workers and a short time limit, must reach ``optimal`` and
is re-checked by the independent verifier, whose recomputed objective must equal the solver's.

Unless a test says otherwise the weights are ``CLEAN``: shortfall 100, contract 0, preference
10, surplus 1 per person-minute (or per unit of request weight), so an objective reads
``100 * shortfall_minutes + 10 * refused_weight + surplus_minutes``. The 15-minute grid is used
throughout; ``DAY`` is the template 09:00-17:00 (8 h) and scenarios carry no breaks unless a
test adds them.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import threading
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from conftest import START, at, employee, load_script, make_scenario, shift

from scheduler.data import (
    AvailabilityKind,
    AvailabilitySpan,
    BreakRule,
    DemandSpan,
    Horizon,
    Office,
    Rules,
    Scenario,
    Weights,
)
from scheduler.io.roster import ROSTER_COLUMNS
from scheduler.io.scenario import read_scenario
from scheduler.model.roster import FORMULATIONS, Formulation
from scheduler.solve import PHASES, Progress, Result, solve
from scheduler.verify import COVERAGE_COLUMNS

write_contact_centre = load_script("generate").write_contact_centre

CLEAN = Weights(shortfall=100, contract=0, preference=10, surplus=1)
DAY = shift("DAY", "09:00", "17:00")
FOUR_HOURS = shift("S", "08:00", "12:00")
REST30 = BreakRule("rest", 30, 60, 120, min_shift_minutes=0, paid=True)
"""A paid 30-minute break on ``FOUR_HOURS`` starting 09:00, 09:15, ... or 10:00."""
NO_WEEKLY_LIMITS = Rules(weekly_rest_minutes=0, max_consecutive_days=7)

both_formulations = pytest.mark.parametrize("formulation", FORMULATIONS)


def solved(scenario: Scenario, formulation: Formulation = "aggregated") -> Result:
    """Solve to optimality and check the roster with the verifier (same objective, no violation)."""
    result = solve(scenario, time_limit=10.0, workers=2, seed=0, formulation=formulation)
    assert result.status == "optimal", f"status {result.status}, conflicts {result.conflicts}"
    assert result.report is not None
    assert result.report.ok, "verifier found:\n" + "\n".join(result.report.summary_lines())
    assert result.objective == result.report.costs.objective, (
        f"solver objective {result.objective} != verifier {result.report.costs}"
    )
    assert result.gap == 0
    return result


def small(days: int = 1, **changes: Any) -> Scenario:
    """E1 (56 h contract, so 8 h a day is within max_hours) on template DAY, CLEAN weights."""
    fields: dict[str, Any] = {
        "horizon": Horizon(START, days=days, interval_minutes=15),
        "employees": (employee("E1", 56),),
        "shifts": (DAY,),
        "demand": (),
        "breaks": (),
        "weights": CLEAN,
        "name": "small",
    }
    fields.update(changes)
    return make_scenario(**fields)


def daily(
    days: range | list[int], begin: str = "09:00", end: str = "17:00", n: int = 1
) -> tuple[DemandSpan, ...]:
    """Demand of ``n`` people from ``begin`` to ``end`` on each of ``days``."""
    return tuple(DemandSpan(at(d, begin), at(d, end), n) for d in days)


def days_worked(result: Result, employee_id: str = "E1") -> list[int]:
    """Horizon days on which a person starts a shift, sorted."""
    return sorted(a.day for a in result.assignments if a.employee_id == employee_id)


def minutes_short(result: Result, skill: str = "") -> int:
    """Shortfall minutes the verifier counts on one coverage line ("" = total)."""
    assert result.report is not None
    coverage = result.report.coverage
    step = result.scenario.horizon.interval_minutes
    return step * int(coverage.loc[coverage["skill"] == skill, "shortfall"].sum())


def hole_demand(n: int) -> tuple[DemandSpan, ...]:
    """``n`` people 08:00-12:00 on day 0 except 09:30-10:00, where nobody is needed."""
    return (
        DemandSpan(at(0, "08:00"), at(0, "09:30"), n),
        DemandSpan(at(0, "10:00"), at(0, "12:00"), n),
    )


# --------------------------------------------------------------------------- 1. coverage, breaks


@both_formulations
def test_one_person_shortfall_is_exactly_the_break_minutes(formulation: Formulation) -> None:
    """One person on EARLY under demand 1 is short exactly break1 + lunch = 45 minutes."""
    # Default weights. EARLY 07:00-15:30 carries break1 (15 min, paid) and lunch (30 min,
    # unpaid): paid 480 min. A 56 h contract on a 1-day horizon scales to 56*60*1//7 = 480, so
    # the contract term is 0; demand equals the shift, so there is no surplus.
    # Working: 1000 * 45 = 45_000; staying home: 1000 * 510 + 10 * 480, far worse.
    base = make_scenario()
    scenario = dataclasses.replace(
        base,
        horizon=Horizon(START, days=1),
        employees=(employee("E1", 56),),
        shifts=(base.shifts[0],),
        demand=(DemandSpan(at(0, "07:00"), at(0, "15:30"), 1),),
    )
    result = solved(scenario, formulation)
    assert result.objective == 45_000
    assert result.best_bound == 45_000
    assert result.report is not None
    costs = result.report.costs
    assert (costs.shortfall_minutes, costs.surplus_minutes) == (45, 0)
    assert costs.contract_deviation_minutes == 0
    [shift_] = result.assignments
    assert [b.name for b in shift_.breaks] == ["break1", "lunch"]


# --------------------------------------------------------------------------- 2. staggering


@both_formulations
def test_without_max_on_break_both_break_in_the_demand_hole(formulation: Formulation) -> None:
    """Without a staggering rule two people both break in the 30-minute hole: objective 0."""
    # Demand 2 on 08:00-12:00 except 09:30-10:00 (0). Both 30-minute breaks fit exactly into
    # the hole: no shortfall, and nobody is on the floor in the hole, so no surplus either.
    scenario = small(
        employees=(employee("E1", 56), employee("E2", 56)),
        shifts=(FOUR_HOURS,),
        breaks=(REST30,),
        demand=hole_demand(2),
    )
    result = solved(scenario, formulation)
    assert result.objective == 0
    starts = sorted(b.start for a in result.assignments for b in a.breaks)
    assert starts == [at(0, "09:30"), at(0, "09:30")]


@both_formulations
def test_max_on_break_half_staggers_the_two_breaks(formulation: Formulation) -> None:
    """With max_on_break 1/2 only one of two can break at once: objective 2 * 15 * 101 = 3030."""
    # cap = max(1, floor(2 / 2)) = 1, so the two 30-minute breaks (2 intervals each) are
    # disjoint. If k break-intervals lie in the 2-interval hole, 4 - k intervals are short by 1
    # and the hole has 4 - k people-intervals of surplus: 15 * (100 + 1) * (4 - k), least at
    # k = 2: 3030. Both formulations and the verifier must agree.
    scenario = small(
        employees=(employee("E1", 56), employee("E2", 56)),
        shifts=(FOUR_HOURS,),
        breaks=(REST30,),
        demand=hole_demand(2),
        rules=Rules(max_on_break=Fraction(1, 2)),
    )
    result = solved(scenario, formulation)
    assert result.objective == 3030
    assert minutes_short(result) == 30
    assert len(result.assignments) == 2
    spans = sorted((b.start, b.end) for a in result.assignments for b in a.breaks)
    assert spans[0][1] <= spans[1][0], f"breaks overlap: {spans}"


@both_formulations
@pytest.mark.parametrize("share", [Fraction(1, 2), Fraction(1, 10)])
def test_lone_person_may_take_a_break_under_any_share(
    formulation: Formulation, share: Fraction
) -> None:
    """max(1, floor(share * 1)) = 1 lets a lone person break in the hole: objective 0."""
    # Were the cap floor(share * 1) = 0, the break could not be placed, E1 could not work and
    # 210 minutes of demand would go short.
    scenario = small(
        shifts=(FOUR_HOURS,),
        breaks=(REST30,),
        demand=hole_demand(1),
        rules=Rules(max_on_break=share),
    )
    result = solved(scenario, formulation)
    assert result.objective == 0
    assert days_worked(result) == [0]


@both_formulations
def test_share_below_one_half_still_allows_one_of_two_on_break(formulation: Formulation) -> None:
    """With max_on_break 1/3 and two people, max(1, floor(2/3)) = 1 break at once: 3030."""
    scenario = small(
        employees=(employee("E1", 56), employee("E2", 56)),
        shifts=(FOUR_HOURS,),
        breaks=(REST30,),
        demand=hole_demand(2),
        rules=Rules(max_on_break=Fraction(1, 3)),
    )
    assert solved(scenario, formulation).objective == 3030


# --------------------------------------------------------------------------- 3. skills


def skill_scenario(second_is_lead: bool) -> Scenario:
    """E1 (lead), E2 (lead or not), E3 on 08:00-12:00 with a 30-minute break; demand 2 + 1 lead."""
    return small(
        employees=(
            employee("E1", 56, skills=frozenset({"lead"})),
            employee("E2", 56, skills=frozenset({"lead"}) if second_is_lead else frozenset()),
            employee("E3", 56),
        ),
        shifts=(FOUR_HOURS,),
        breaks=(REST30,),
        demand=(
            DemandSpan(at(0, "08:00"), at(0, "12:00"), 2),
            DemandSpan(at(0, "08:00"), at(0, "12:00"), 1, "lead"),
        ),
    )


@both_formulations
def test_only_lead_on_break_leaves_the_lead_line_short(formulation: Formulation) -> None:
    """With one lead the lead line is short exactly her 30-minute break: 100 * 30 + 150 = 3150."""
    # All three work (16 intervals each) and stagger their 2-interval breaks: the total line
    # (2 needed) is never short and carries 3 * 16 - 3 * 2 - 2 * 16 = 10 intervals = 150 minutes
    # of surplus. The lead line has only E1, so it is short for her whole break: 30 minutes.
    # Two people only would be short 60 minutes on the total line (6000 more).
    result = solved(skill_scenario(second_is_lead=False), formulation)
    assert minutes_short(result, "lead") == 30
    assert minutes_short(result) == 0
    assert result.objective == 100 * 30 + 150


@both_formulations
def test_second_lead_covers_the_first_leads_break(formulation: Formulation) -> None:
    """With two leads who stagger their breaks the lead line is never short: objective 150."""
    result = solved(skill_scenario(second_is_lead=True), formulation)
    assert minutes_short(result, "lead") == 0
    assert minutes_short(result) == 0
    assert result.objective == 150
    lead_breaks = sorted(
        (b.start, b.end) for a in result.assignments if a.employee_id != "E3" for b in a.breaks
    )
    assert lead_breaks[0][1] <= lead_breaks[1][0]


# --------------------------------------------------------------------------- 4. min rest


def rest_scenario(min_rest_hours: int) -> Scenario:
    """E1 with EARLY/LATE over 2 days; demand 18:00-22:00 on day 0 and 07:00-11:00 on day 1."""
    return small(
        days=2,
        shifts=(shift("EARLY", "07:00", "15:30"), shift("LATE", "13:30", "22:00")),
        demand=(
            DemandSpan(at(0, "18:00"), at(0, "22:00"), 1),
            DemandSpan(at(1, "07:00"), at(1, "11:00"), 1),
        ),
        rules=Rules(min_rest_minutes=min_rest_hours * 60),
    )


def test_min_rest_forbids_late_then_early() -> None:
    """11 h rest forbids LATE then EARLY (9 h apart): one day goes short, 100 * 240 + 270."""
    # LATE on day 0 covers 18:00-22:00 with 270 minutes surplus (13:30-18:00); EARLY on day 1
    # would do the same for the morning demand but starts only 9 h after LATE ends. The best is
    # one covered day (270 surplus) and 240 minutes short on the other.
    result = solved(rest_scenario(11))
    assert result.objective == 100 * 240 + 270
    assert minutes_short(result) == 240
    shifts = [(a.day, a.shift_id) for a in result.assignments]
    assert shifts != [(0, "LATE"), (1, "EARLY")]


def test_lower_min_rest_allows_late_then_early() -> None:
    """With min_rest 9 h, LATE then EARLY is allowed: no shortfall, 2 * 270 surplus = 540."""
    result = solved(rest_scenario(9))
    assert result.objective == 540
    assert [(a.day, a.shift_id) for a in result.assignments] == [(0, "LATE"), (1, "EARLY")]


# --------------------------------------------------------------------------- 5. weekly rest


def test_weekly_rest_forces_a_day_off_inside_the_week() -> None:
    """35 h weekly rest over DAY shifts every day costs one day: 100 * 480 = 48_000."""
    # Working all 7 days leaves at most 16 h between shifts. A day off on day d in 1..5 gives
    # 17:00 to 09:00 two days later = 40 h. Monday off gives only 00:00 Mon to 09:00 Tue = 33 h
    # and Sunday off 17:00 Sat to the block end = 31 h, so the day off lies inside the week.
    scenario = small(
        days=7,
        demand=daily(range(7)),
        rules=Rules(weekly_rest_minutes=35 * 60, max_consecutive_days=7),
    )
    result = solved(scenario)
    assert result.objective == 48_000
    worked = days_worked(result)
    assert len(worked) == 6
    [off] = set(range(7)) - set(worked)
    assert 1 <= off <= 5


def test_weekly_rest_off_allows_seven_days() -> None:
    """With weekly rest 0 and max_consecutive_days 7, all 7 days are worked: objective 0."""
    result = solved(small(days=7, demand=daily(range(7)), rules=NO_WEEKLY_LIMITS))
    assert result.objective == 0
    assert days_worked(result) == list(range(7))


# --------------------------------------------------------------------------- 6. consecutive days


def test_max_consecutive_days_three_means_day_three_off() -> None:
    """max_consecutive_days 3 over 7 days: work 0-2 and 4-6, 480 minutes short = 48_000."""
    scenario = small(
        days=7,
        demand=daily(range(7)),
        rules=Rules(weekly_rest_minutes=0, max_consecutive_days=3),
    )
    result = solved(scenario)
    assert result.objective == 48_000
    assert days_worked(result) == [0, 1, 2, 4, 5, 6]


# --------------------------------------------------------------------------- 7. hours


def test_min_hours_forces_a_shift_without_demand() -> None:
    """min_hours 16 with demand on one day forces a second DAY shift: 480 minutes surplus."""
    scenario = small(
        days=7,
        employees=(employee("E1", 56, min_minutes=16 * 60),),
        demand=daily([0]),
    )
    result = solved(scenario)
    assert result.objective == 480
    assert len(days_worked(result)) == 2
    assert 0 in days_worked(result)


def test_without_min_hours_only_the_demand_day_is_worked() -> None:
    """Without min_hours the same scenario costs nothing: one shift on day 0."""
    result = solved(small(days=7, demand=daily([0])))
    assert result.objective == 0
    assert days_worked(result) == [0]


def test_max_hours_caps_the_days_worked() -> None:
    """max_hours 24 allows 3 DAY shifts of 7 days of demand: 4 * 480 short = 192_000."""
    scenario = small(
        days=7,
        employees=(employee("E1", 56, max_minutes=24 * 60),),
        demand=daily(range(7)),
        rules=NO_WEEKLY_LIMITS,
    )
    result = solved(scenario)
    assert result.objective == 100 * 4 * 480
    assert len(days_worked(result)) == 3


def test_max_days_caps_the_shifts() -> None:
    """max_days 2 allows 2 DAY shifts of 7 days of demand: 5 * 480 short = 240_000."""
    scenario = small(
        days=7,
        employees=(employee("E1", 56, max_days=2),),
        demand=daily(range(7)),
        rules=NO_WEEKLY_LIMITS,
    )
    result = solved(scenario)
    assert result.objective == 100 * 5 * 480
    assert len(days_worked(result)) == 2


def test_short_horizon_scales_min_hours() -> None:
    """On 3 days min_hours 35 scales to 35 * 3/7 = 15 h: two DAY shifts, 480 surplus."""
    # Unscaled, 35 h would need 5 shifts in 3 days (infeasible); scaled, 15 h needs 2 shifts
    # of 8 h (one is not enough), one of them on a day without demand.
    scenario = small(
        days=3,
        employees=(employee("E1", 56, min_minutes=35 * 60),),
        demand=daily([0]),
    )
    result = solved(scenario)
    assert result.objective == 480
    assert len(days_worked(result)) == 2
    assert result.report is not None
    [hours] = result.report.hours.to_dict("records")
    assert hours["min_hours"] == 15
    assert hours["contract_hours"] == 24


def test_short_horizon_scales_the_contract_target() -> None:
    """On 3 days a 56 h contract scales to 24 h: 3 shifts, 960 surplus beat 2 * 480 deviation."""
    # With contract weight 2 and demand on day 0 only: k shifts cost 2 * |480k - 1440| plus
    # 480 * (k - 1) surplus: k = 1: 1920, k = 2: 1440, k = 3: 960.
    scenario = small(
        days=3,
        demand=daily([0]),
        weights=Weights(shortfall=100, contract=2, preference=10, surplus=1),
    )
    result = solved(scenario)
    assert result.objective == 960
    assert days_worked(result) == [0, 1, 2]


# --------------------------------------------------------------------------- 8. availability


def avail(kind: AvailabilityKind, day: int, weight: int = 1) -> AvailabilitySpan:
    """E1's whole-day availability row of ``kind`` on ``day``."""
    return AvailabilitySpan("E1", at(day, "00:00"), at(day + 1, "00:00"), kind, weight)


def test_unavailable_day_is_never_worked() -> None:
    """E1 unavailable on day 1 of 2 demand days: day 1 goes short, 100 * 480 = 48_000."""
    scenario = small(
        days=2,
        demand=daily(range(2)),
        availability=(avail(AvailabilityKind.UNAVAILABLE, 1),),
    )
    result = solved(scenario)
    assert result.objective == 48_000
    assert days_worked(result) == [0]


@pytest.mark.parametrize(
    ("request_", "preference_weight", "objective", "worked"),
    [
        (None, 10, 0, [0]),
        # avoid day 0, weight 2: working anyway costs 10 * 2 = 20 instead of 48_000 short.
        (avail(AvailabilityKind.AVOID, 0, weight=2), 10, 20, [0]),
        # prefer the demand day: granted for free.
        (avail(AvailabilityKind.PREFER, 0), 10, 0, [0]),
        # prefer day 1 (no demand): refusing costs 10, granting 480 surplus.
        (avail(AvailabilityKind.PREFER, 1), 10, 10, [0]),
        # weight 3 at preference 200: refusing costs 600 > 480, so day 1 is worked.
        (avail(AvailabilityKind.PREFER, 1, weight=3), 200, 480, [0, 1]),
    ],
)
def test_preferences_change_the_optimum_by_their_weight(
    request_: AvailabilitySpan | None, preference_weight: int, objective: int, worked: list[int]
) -> None:
    """Prefer/avoid requests move the optimum by exactly preference x weight (or by less)."""
    scenario = small(
        days=2,
        demand=daily([0]),
        availability=() if request_ is None else (request_,),
        weights=dataclasses.replace(CLEAN, preference=preference_weight),
    )
    result = solved(scenario)
    assert result.objective == objective
    assert days_worked(result) == worked


# --------------------------------------------------------------------------- 9. overnight


def test_night_shift_covers_demand_across_midnight() -> None:
    """Two NIGHT shifts cover 22:00-06:00 and 22:00-24:00: objective 0, 8 h each counted."""
    # 2-day horizon: a 56 h contract scales to 56 * 2/7 = 16 h = two NIGHT shifts, so the contract
    # term (weight 1 here) is 0 only if the second night, running past the horizon end, still
    # counts all 8 h. Demand past the horizon end is dropped, as is surplus there.
    scenario = small(
        days=2,
        shifts=(shift("NIGHT", "22:00", "06:00"),),
        demand=(
            DemandSpan(at(0, "22:00"), at(1, "06:00"), 1),
            DemandSpan(at(1, "22:00"), at(2, "00:00"), 1),
        ),
        weights=Weights(shortfall=100, contract=1, preference=10, surplus=1),
    )
    result = solved(scenario)
    assert result.objective == 0
    assert [(a.day, a.start, a.end) for a in result.assignments] == [
        (0, at(0, "22:00"), at(1, "06:00")),
        (1, at(1, "22:00"), at(2, "06:00")),
    ]
    assert result.report is not None
    [hours] = result.report.hours.to_dict("records")
    assert hours["paid_hours"] == 16


@both_formulations
def test_night_shift_past_the_horizon_end_places_its_breaks(formulation: Formulation) -> None:
    """A NIGHT shift on the last day keeps its breaks (even after midnight); verifier ok."""
    # One day, demand 22:00-24:00. Breaks: break1 from 23:30..00:30, lunch from 01:00..03:00.
    # break1 must start by 00:30 at the latest; starting it after 00:00 puts it past the
    # horizon, where nothing is counted: no shortfall, objective 0 (contract weight 0).
    base = make_scenario()
    scenario = small(
        shifts=(shift("NIGHT", "22:00", "06:00"),),
        breaks=base.breaks,
        demand=(DemandSpan(at(0, "22:00"), at(1, "00:00"), 1),),
    )
    result = solved(scenario, formulation)
    assert result.objective == 0
    [night] = result.assignments
    assert all(b.start >= at(1, "00:00") for b in night.breaks)
    assert night.paid_minutes == 450


# --------------------------------------------------------------------------- 10. formulations


def staggered_case(name: str) -> Scenario:
    """Small staggered scenarios: 3 people, EARLY and LATE with 2 breaks, demand 2 on day 0."""
    base = make_scenario()
    breaks = base.breaks
    rules = Rules(max_on_break=Fraction(1, 3))
    if name == "clashing-windows":
        # break1 and lunch windows overlap, so their order is a real constraint.
        breaks = (
            BreakRule("break1", 15, 90, 240, min_shift_minutes=360, paid=True),
            BreakRule("lunch", 30, 120, 270, min_shift_minutes=480, paid=False),
        )
    elif name == "half":
        rules = Rules(max_on_break=Fraction(1, 2))
    elif name == "no-cap":
        rules = Rules()
    demand = (
        DemandSpan(at(0, "07:00"), at(0, "12:30"), 2),
        DemandSpan(at(0, "09:00"), at(0, "12:00"), 1),
        DemandSpan(at(0, "13:00"), at(0, "22:00"), 2),
        DemandSpan(at(0, "10:00"), at(0, "14:00"), 1, "lead"),
    )
    return dataclasses.replace(
        base,
        horizon=Horizon(START, days=1),
        employees=(
            employee("E1", 56, skills=frozenset({"lead"})),
            employee("E2", 56, skills=frozenset({"lead"})),
            employee("E3", 56),
        ),
        shifts=base.shifts[:2],
        breaks=breaks,
        demand=demand,
        rules=rules,
        weights=CLEAN,
    )


@pytest.mark.parametrize("name", ["default", "clashing-windows", "half", "no-cap"])
def test_formulations_agree_on_the_optimum(name: str) -> None:
    """The aggregated and the individual formulation reach the same optimal objective."""
    scenario = staggered_case(name)
    objectives = {f: solved(scenario, f).objective for f in FORMULATIONS}
    assert objectives["aggregated"] == objectives["individual"], objectives


# --------------------------------------------------------------------------- 11. infeasible


def test_impossible_min_hours_is_infeasible_and_explained() -> None:
    """min_hours 40 with only 2 available days of 8 h: infeasible, conflicts name E1 min_hours."""
    unavailable = tuple(avail(AvailabilityKind.UNAVAILABLE, d) for d in range(2, 7))
    scenario = small(
        days=7,
        employees=(employee("E1", 40, min_minutes=40 * 60), employee("E2", 40)),
        demand=daily(range(7)),
        availability=unavailable,
    )
    result = solve(scenario, time_limit=10.0, workers=2, seed=0)
    assert result.status == "infeasible"
    assert not result.found
    assert result.assignments == []
    assert result.report is None
    assert result.conflicts, "no conflict named"
    assert any("E1" in line and "min_hours 40 h" in line for line in result.conflicts), (
        result.conflicts
    )
    assert not any("E2" in line for line in result.conflicts), result.conflicts
    with pytest.raises(ValueError, match="no roster"):
        _ = result.coverage


# --------------------------------------------------------------------------- 12. outputs


def test_result_tables_have_the_documented_columns() -> None:
    """Result.roster and Result.coverage carry the README's columns, one shift plus its breaks."""
    base = make_scenario()
    scenario = dataclasses.replace(
        base,
        horizon=Horizon(START, days=1),
        employees=(employee("E1", 56), employee("B1", 40, office=Office.BACK)),
        shifts=(base.shifts[0],),
        demand=(DemandSpan(at(0, "07:00"), at(0, "15:30"), 1),),
        weights=CLEAN,
    )
    result = solved(scenario)
    roster = result.roster
    assert list(roster.columns) == ROSTER_COLUMNS
    assert list(roster["activity"]) == ["shift", "break1", "lunch"]
    assert set(roster["employee_id"]) == {"E1"}
    assert list(roster["paid"]) == ["", "true", "false"]
    assert roster["hours"].iloc[0] == 8
    coverage = result.coverage
    assert list(coverage.columns) == COVERAGE_COLUMNS
    assert len(coverage) == 96
    assert int(coverage["shortfall"].sum()) * 15 == 45


def test_hint_and_progress_leave_the_optimum_unchanged() -> None:
    """Solving again from the optimal roster as a hint, with a progress callback, finds 540."""
    # Each improvement names a known phase.
    scenario = rest_scenario(9)
    first = solved(scenario)
    seen: list[Progress] = []
    again = solve(
        scenario,
        time_limit=10.0,
        workers=2,
        seed=1,
        hint=first.assignments,
        on_progress=seen.append,
    )
    assert again.status == "optimal"
    assert again.objective == first.objective == 540
    assert seen, "no progress reported"
    assert seen[-1].objective == again.objective
    assert again.history == seen
    assert all(p.phase in PHASES for p in seen), [p.phase for p in seen]


def test_ctrl_c_keeps_the_best_roster_found(tmp_path: Path) -> None:
    """An interrupt stops the search early and still returns a verified roster."""
    write_contact_centre(tmp_path, 30, seed=1)
    scenario = read_scenario(tmp_path)
    timer = threading.Timer(3.0, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    try:
        result = solve(scenario, time_limit=60.0, workers=2, seed=0)
    finally:
        timer.cancel()
    assert result.status in ("feasible", "optimal")
    assert result.solve_seconds < 30
    assert result.report is not None and result.report.ok


def test_progress_carries_the_verified_shortfall() -> None:
    """Every improvement knows its shortfall; the best one's equals the verifier's count."""
    seen: list[Progress] = []
    result = solve(make_scenario(), time_limit=5, workers=1, seed=0, on_progress=seen.append)
    assert result.report is not None and result.report.ok
    assert seen and all(p.shortfall_minutes is not None for p in seen)
    assert seen[-1].objective == result.objective
    assert seen[-1].shortfall_minutes == result.report.costs.shortfall_minutes
