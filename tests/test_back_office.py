"""Back office in the same roster: flex days, telework, desks, anchors, cover, cross-training.

Each scenario is a 7-day week from Monday 2026-12-07 with the default policy (flex band
07:00-19:00, 8 h a day, Monday to Friday) and default weights (shortfall 1000, contract 10,
preference 600, surplus 1). Back-office people have 40 h contracts, so five flex days meet the
contract exactly; every solve must be optimal, verified, and match the verifier's objective.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from conftest import at, employee, make_scenario, shift
from ortools.sat.python import cp_model

from scheduler.data import (
    Anchor,
    Assignment,
    AvailabilityKind,
    AvailabilitySpan,
    BackOffice,
    Cover,
    DemandSpan,
    Location,
    Office,
    Scenario,
)
from scheduler.io.roster import roster_frame
from scheduler.model.construct import _front_people, _may_take, assign_to_targets
from scheduler.model.options import FLEX_DAY, anchored_days, shift_options
from scheduler.model.params import configure
from scheduler.model.roster import RosterModel
from scheduler.model.staffing import StaffingModel
from scheduler.solve import Result, solve
from scheduler.verify import verify

DAY = shift("DAY", "09:00", "17:00")


def back(employee_id: str, **changes: Any) -> Any:
    """A back-office person with a 40 h contract."""
    return employee(employee_id, 40, office=Office.BACK, **changes)


def week(**changes: Any) -> Scenario:
    """A week with no breaks, template DAY and no demand unless given."""
    fields: dict[str, Any] = {"shifts": (DAY,), "breaks": (), "demand": (), "name": "back"}
    fields.update(changes)
    return make_scenario(**fields)


def solved(scenario: Scenario) -> Result:
    """Solve to optimality; the verifier agrees on every rule and on the objective."""
    result = solve(scenario, time_limit=20.0, workers=2, seed=0)
    assert result.status == "optimal", f"status {result.status}, conflicts {result.conflicts}"
    assert result.report is not None
    assert result.report.ok, "verifier found:\n" + "\n".join(result.report.summary_lines())
    assert result.objective == result.report.costs.objective
    return result


def days_at(result: Result, employee_id: str, location: Location) -> list[int]:
    """The days a person works flex at a location."""
    return sorted(
        f.day for f in result.flex_days if f.employee_id == employee_id and f.location == location
    )


def test_five_flex_days_meet_a_forty_hour_contract() -> None:
    """A lone back-office person works Monday to Friday on site: objective 0."""
    result = solved(week(employees=(back("B1"),)))
    assert result.objective == 0
    assert days_at(result, "B1", Location.ONSITE) == [0, 1, 2, 3, 4]
    assert result.assignments == []


def test_desks_bind_when_onsite_days_outnumber_them() -> None:
    """Three teleworkers owe 2 on-site days each (6) but 1 desk gives 5: one works 1 day."""
    # A person below min_onsite_days may not telework at all, so the third works one on-site
    # day: 32 h short of contract, 10 x 1920 = 19200. Without the desk limit: 0.
    people = tuple(back(f"B{i}", remote_ok=True) for i in (1, 2, 3))
    policy = BackOffice(min_onsite_days=2, desks=1)
    result = solved(week(employees=people, back_office=policy))
    assert result.objective == 19200
    onsite = [f.day for f in result.flex_days if f.location == Location.ONSITE]
    assert len(onsite) == 5 and len(set(onsite)) == 5
    unlimited = solved(week(employees=people, back_office=dataclasses.replace(policy, desks=None)))
    assert unlimited.objective == 0


def test_anchor_day_overrides_a_telework_wish() -> None:
    """Team fin works on site on Tuesdays although B1 would telework then: one refusal, 600."""
    people = (
        back("B1", remote_ok=True, team="fin", remote_days=frozenset({1})),
        back("B2", remote_ok=True, team="fin"),
    )
    anchored = solved(week(employees=people, back_office=BackOffice(anchors=(Anchor("fin", 1),))))
    assert anchored.objective == 600
    assert 1 in days_at(anchored, "B1", Location.ONSITE)
    assert 1 in days_at(anchored, "B2", Location.ONSITE)
    assert solved(week(employees=people)).objective == 0


def test_min_onsite_days_against_remote_wishes() -> None:
    """B1 would telework every day; min_onsite_days 2 costs exactly two refusals: 1200."""
    person = back("B1", remote_ok=True, remote_days=frozenset(range(5)))
    result = solved(week(employees=(person,), back_office=BackOffice(min_onsite_days=2)))
    assert result.objective == 1200
    assert len(days_at(result, "B1", Location.ONSITE)) == 2
    assert len(days_at(result, "B1", Location.REMOTE)) == 3


def test_max_remote_days_caps_telework() -> None:
    """max_remote_days 1 leaves four wished-for remote days on site: 2400."""
    person = back("B1", remote_ok=True, remote_days=frozenset(range(5)))
    result = solved(week(employees=(person,), back_office=BackOffice(max_remote_days=1)))
    assert result.objective == 2400
    assert len(days_at(result, "B1", Location.REMOTE)) == 1


def test_cover_holds_while_the_only_back_office_lead_is_on_leave() -> None:
    """L1 (lead) is off on Wednesday, so cross-trained L2 (lead) covers the back office then."""
    # No front demand, so a front shift only adds surplus: L2 works five flex days (cost 0),
    # L1 works four (8 h short: 10 x 480 = 4800).
    people = (
        back("L1", skills=frozenset({"lead"})),
        employee("L2", 40, office=Office.BOTH, skills=frozenset({"lead"})),
    )
    leave = (AvailabilitySpan("L1", at(2, "00:00"), at(3, "00:00"), AvailabilityKind.UNAVAILABLE),)
    policy = BackOffice(covers=(Cover("lead", frozenset(range(5)), 1),))
    result = solved(week(employees=people, availability=leave, back_office=policy))
    assert result.objective == 4800
    assert 2 not in days_at(result, "L1", Location.ONSITE)
    assert 2 in days_at(result, "L2", Location.ONSITE)


def test_cover_without_anyone_to_cover_is_infeasible_and_explained() -> None:
    """With the only lead on leave on Wednesday, cover cannot hold and the solve says so."""
    leave = (AvailabilitySpan("L1", at(2, "00:00"), at(3, "00:00"), AvailabilityKind.UNAVAILABLE),)
    policy = BackOffice(covers=(Cover("lead", frozenset(range(5)), 1),))
    scenario = week(
        employees=(back("L1", skills=frozenset({"lead"})),), availability=leave, back_office=policy
    )
    result = solve(scenario, time_limit=10.0, workers=2, seed=0)
    assert result.status == "infeasible"
    assert any("cover" in line and "lead" in line for line in result.conflicts), result.conflicts


def test_cross_trained_person_moves_to_the_front_desk_on_the_peak_day() -> None:
    """X1 prefers the back office but takes the front desk on Wednesday's peak: 600."""
    # F1 covers one seat 09:00-17:00 Monday to Friday; Wednesday needs two. X1 on the front
    # desk that day costs one refused preference; leaving the seat empty would cost 480,000.
    demand = [DemandSpan(at(d, "09:00"), at(d, "17:00"), 1) for d in range(5)]
    demand.append(DemandSpan(at(2, "09:00"), at(2, "17:00"), 1))
    people = (employee("F1", 40), employee("X1", 40, office=Office.BOTH, prefers=Office.BACK))
    result = solved(week(employees=people, demand=tuple(demand)))
    assert result.objective == 600
    assert [(a.employee_id, a.day) for a in result.assignments if a.employee_id == "X1"] == [
        ("X1", 2)
    ]
    assert days_at(result, "X1", Location.ONSITE) == [0, 1, 3, 4]


def test_rest_counts_the_whole_flex_band() -> None:
    """A late shift ending 22:00 cannot be followed by a flex day (band from 07:00): 9 h rest."""
    late = shift("LATE", "14:00", "22:00")
    demand = (DemandSpan(at(0, "14:00"), at(0, "22:00"), 1),)
    person = employee("X1", 40, office=Office.BOTH)
    result = solved(week(employees=(person,), shifts=(late,), demand=demand))
    # Monday late; Tuesday's flex is blocked by the rest rule, so flex Wednesday to Friday and
    # a LATE shift on Sunday without demand (Saturday would leave only 33 h of weekly rest):
    # 40 h, the Sunday shift's 480 minutes of surplus cost 480.
    assert result.objective == 480
    assert days_at(result, "X1", Location.ONSITE) == [2, 3, 4]


def test_anchored_days_are_the_team_weekdays_a_person_is_free_for() -> None:
    """Anchor days count for the team's back-office people, not on leave or for others."""
    fin = back("B1", team="fin")
    crossed = employee("X1", 40, office=Office.BOTH, team="fin")
    front = employee("F1", 40, team="fin")
    leave = AvailabilitySpan("X1", at(8, "00:00"), at(9, "00:00"), AvailabilityKind.UNAVAILABLE)
    scenario = week(
        horizon=dataclasses.replace(make_scenario().horizon, days=14),
        employees=(fin, crossed, front),
        back_office=BackOffice(anchors=(Anchor("fin", 1),)),
        availability=(leave,),
    )
    assert anchored_days(scenario, fin) == {1, 8}
    assert anchored_days(scenario, crossed) == {1}
    assert anchored_days(scenario, front) == set()


def test_counts_and_hand_out_leave_an_anchored_person_in_the_back_office() -> None:
    """Neither the staffing counts nor the hand-out offer X1 Tuesday's shift."""
    # The anchor holds X1 on site in the back office that day; without the rule both offer all seven
    # days.
    crossed = employee("X1", 40, office=Office.BOTH, team="fin")
    scenario = week(employees=(crossed,), back_office=BackOffice(anchors=(Anchor("fin", 1),)))
    staffing = StaffingModel(scenario)
    staffed = {staffing.options[i].day for (i, _), ids in staffing.members.items() if ids}
    assert staffed == {0, 2, 3, 4, 5, 6}
    (person,) = _front_people(scenario, staffing.options)
    assert {staffing.options[i].day for i in person.allowed} == staffed


def test_hand_out_counts_an_anchor_day_as_a_day_worked() -> None:
    """The hand-out's check sees that X1's anchor day rules out Monday's LATE and a fifth shift."""
    # X1 (cross-trained, at most 5 days) must be on site on Tuesday: holding Monday's LATE (rest to
    # Tuesday's band 9 h) or a fifth shift beside the anchor day breaks a rule. Before, the hand-out
    # offered both.
    late = shift("LATE", "14:00", "22:00")
    crossed = employee("X1", 40, office=Office.BOTH, team="fin", max_days=5)
    scenario = week(
        employees=(crossed,),
        shifts=(DAY, late),
        back_office=BackOffice(anchors=(Anchor("fin", 1),)),
    )
    options = shift_options(scenario)
    at_day = {(o.day, o.template.shift_id): o for o in options}
    (person,) = _front_people(scenario, options)
    assert not _may_take(scenario, person, at_day[0, "LATE"])
    assert _may_take(scenario, person, at_day[0, "DAY"])
    person.shifts = [at_day[day, "DAY"] for day in (0, 2, 3)]
    assert _may_take(scenario, person, at_day[4, "DAY"])
    person.shifts.append(at_day[4, "DAY"])
    assert not _may_take(scenario, person, at_day[5, "DAY"])


def monday_late_scenario() -> Scenario:
    """X1 (cross-trained, 40 h, at least 40 h) and a LATE shift (to 22:00) on Monday only,
    which demand asks for: no week of X1 holds it, since Tuesday's flex band would start 9 h
    after it and Wednesday to Friday make 32 h."""
    late = shift("LATE", "14:00", "22:00", weekdays=frozenset({0}))
    person = employee("X1", 40, office=Office.BOTH, min_minutes=40 * 60)
    demand = (DemandSpan(at(0, "14:00"), at(0, "22:00"), 1),)
    return week(employees=(person,), shifts=(late,), demand=demand)


def test_staffing_counts_give_cross_trained_people_only_weeks_flex_days_complete() -> None:
    """The staffing counts leave Monday's LATE empty, since X1's patterns hold flex days."""
    # 480 minutes short: X1's patterns hold flex days, under the rest from the band; summed limits
    # alone counted X1 on the LATE.
    staffing = StaffingModel(monday_late_scenario())
    solver = cp_model.CpSolver()
    configure(solver, 10.0, 2, 0)
    assert solver.solve(staffing.model) == cp_model.OPTIMAL
    assert [solver.value(count) for count in staffing.count.values()] == [0]
    assert solver.objective_value == 480 * 1000


def test_monday_late_left_short_in_the_roster_too() -> None:
    """The roster model agrees: five flex days, Monday's LATE 480 minutes short."""
    result = solved(monday_late_scenario())
    assert result.objective == 480 * 1000
    assert result.assignments == []
    assert days_at(result, "X1", Location.ONSITE) == [0, 1, 2, 3, 4]


def test_hand_out_keeps_room_for_a_cross_trained_persons_flex_days() -> None:
    """The hand-out leaves Monday's LATE unmet to keep room for X1's flex days."""
    # Handed Monday's LATE, X1 could not work the four flex days of their pattern on their days:
    # Tuesday is too soon after it.
    scenario = monday_late_scenario()
    options = shift_options(scenario)
    handed = assign_to_targets(
        scenario,
        options,
        {(0, 0): 1},
        {"X1": 0},
        patterns={(0, 0): [{480: 1, FLEX_DAY: 4}]},
        masks={(0, 0): [(0, 1, 2, 3, 4)]},
    )
    assert handed == []


def test_capped_people_may_drop_their_shifts_but_take_no_others() -> None:
    """X1 capped to Monday's DAY covers Monday only, where uncapped X1 covers both days."""
    # Capped, Tuesday's 480 minutes stay short; uncapped, X1 meets the contract with three flex
    # days.
    demand = tuple(DemandSpan(at(d, "09:00"), at(d, "17:00"), 1) for d in (0, 1))
    scenario = week(employees=(employee("X1", 40, office=Office.BOTH),), demand=demand)
    monday = Assignment("X1", 0, "DAY", at(0, "09:00"), at(0, "17:00"))
    objectives = []
    for capped in (set(), {"X1"}):
        built = RosterModel(scenario)
        built.fix_shifts([monday], only=set(), capped=capped)
        solver = cp_model.CpSolver()
        configure(solver, 10.0, 2, 0)
        assert solver.solve(built.model) == cp_model.OPTIMAL
        value = solver.value
        roster = roster_frame(scenario, built.assignments(value), built.flex_days(value))
        report = verify(scenario, roster)
        assert report.ok, "\n".join(report.summary_lines())
        assert report.costs.objective == solver.objective_value
        objectives.append(solver.objective_value)
    assert objectives == [0, 480 * 1000]
