"""The greedy starting roster: rule-abiding apart from the breaks the solver places."""

from __future__ import annotations

import time
from pathlib import Path

from conftest import at, employee, load_script, make_scenario, roster, shift

from scheduler.data import (
    Assignment,
    AvailabilityKind,
    AvailabilitySpan,
    Employee,
    Horizon,
    Office,
    Scenario,
    ShiftTemplate,
)
from scheduler.io.scenario import read_scenario
from scheduler.model.construct import assign_to_targets, balance_hours, greedy_roster
from scheduler.model.options import shift_options
from scheduler.verify import verify

write_contact_centre = load_script("generate").write_contact_centre


def greedy_assignments(scenario: Scenario) -> list[Assignment]:
    """The greedy roster (shifts without breaks)."""
    return greedy_roster(scenario, shift_options(scenario))


def test_greedy_roster_breaks_no_rule_but_the_missing_breaks(tmp_path: Path) -> None:
    """On a generated 40-person week the verifier finds only missing breaks."""
    write_contact_centre(tmp_path, 40, seed=3)
    scenario = read_scenario(tmp_path)
    report = verify(scenario, roster(scenario, *greedy_assignments(scenario)))
    assert {v.rule for v in report.violations} <= {"breaks"}
    covered = 1 - report.costs.shortfall_minutes / (
        sum(scenario.required()[None]) * scenario.horizon.interval_minutes
    )
    assert covered > 0.8


def test_greedy_roster_meets_min_hours_without_demand() -> None:
    """With no demand at all, min_hours alone makes the greedy hand out shifts."""
    people = (Employee("E1", "One", contract_minutes=2400, min_minutes=1440),)
    scenario = make_scenario(employees=people, demand=(), breaks=())
    assignments = greedy_assignments(scenario)
    report = verify(scenario, roster(scenario, *assignments))
    assert report.ok, report.summary_lines()
    assert sum(a.paid_minutes for a in assignments) >= 1440


def test_greedy_roster_leaves_out_back_office_people() -> None:
    """Front-office people get shifts; a back-office person gets none."""
    scenario = make_scenario()
    back = Employee("B1", "Back", office=Office.BACK, contract_minutes=2400)
    scenario = make_scenario(employees=(*scenario.employees, back))
    people = {a.employee_id for a in greedy_assignments(scenario)}
    assert people and "B1" not in people


def test_hand_out_moves_a_shift_on_to_meet_a_missed_count() -> None:
    """E2's Monday LATE goes to E3 so that E2, rested, can take Tuesday's EARLY."""
    scenario = make_scenario(
        horizon=Horizon(make_scenario().horizon.start, days=2),
        employees=(employee("E2"), employee("E3")),
        availability=(
            AvailabilitySpan("E3", at(1, "06:00"), at(1, "08:00"), AvailabilityKind.UNAVAILABLE),
        ),
        breaks=(),
    )
    options = shift_options(scenario)
    index = {(o.day, o.template.shift_id): o.index for o in options}
    targets = {(index[0, "LATE"], "g"): 1, (index[1, "EARLY"], "g"): 1, (index[1, "LATE"], "g"): 1}
    handed = assign_to_targets(scenario, options, targets, {"E2": "g", "E3": "g"})
    assert sorted((a.employee_id, a.day, a.shift_id) for a in handed) == [
        ("E2", 1, "EARLY"),
        ("E3", 0, "LATE"),
        ("E3", 1, "LATE"),
    ]
    assert verify(scenario, roster(scenario, *handed)).violations == ()


def test_assign_to_targets_meets_feasible_counts() -> None:
    """Targets of two people on Monday's EARLY and one on Tuesday's LATE are met exactly."""
    scenario = make_scenario(breaks=())
    options = shift_options(scenario)
    index = {(o.day, o.template.shift_id): o.index for o in options}
    plain: frozenset[str] = frozenset()
    lead = frozenset({"lead"})
    skill_class = {"E1": lead, "E2": plain, "E3": plain}
    targets = {(index[0, "EARLY"], plain): 2, (index[1, "LATE"], lead): 1}
    roster = assign_to_targets(scenario, options, targets, skill_class)
    assert sorted((a.employee_id, a.day, a.shift_id) for a in roster) == [
        ("E1", 1, "LATE"),
        ("E2", 0, "EARLY"),
        ("E3", 0, "EARLY"),
    ]


def hand_out_to_profiles(
    shifts: tuple[ShiftTemplate, ...], targets: dict[str, str]
) -> set[tuple[str, str]]:
    """(person, shift) handed out when Monday's shifts are targeted, ``targets`` shift ->
    profile group, with E2 (4 h contract) alone in group ``a`` and E3 (8.5 h) in ``b``; the
    two share a skill class."""
    scenario = make_scenario(
        employees=(employee("E2", 4, max_minutes=2400), employee("E3", 8.5, max_minutes=2400)),
        shifts=shifts,
        breaks=(),
    )
    options = shift_options(scenario)
    index = {(o.day, o.template.shift_id): o.index for o in options}
    handed = assign_to_targets(
        scenario,
        options,
        {(index[0, shift_id], group): 1 for shift_id, group in targets.items()},
        {"E2": "a", "E3": "b"},
        class_of={"E2": "one class", "E3": "one class"},
    )
    assert verify(scenario, roster(scenario, *handed)).violations == ()
    return {(a.employee_id, a.shift_id) for a in handed}


def test_hand_out_moves_a_shift_to_the_same_class_below_contract() -> None:
    """A shift counted for E2's group goes to E3 of the same skill class, whose contract it fits."""
    # Monday's EARLY is 8.5 h; E2 is contracted 4 h and E3 8.5 h.
    assert hand_out_to_profiles((shift("EARLY", "07:00", "15:30"),), {"EARLY": "a"}) == {
        ("E3", "EARLY")
    }


def test_hand_out_swaps_shifts_of_one_day_toward_the_contracts() -> None:
    """Two people counted for each other's shift on one day swap, so both work their contract."""
    # On Monday E2 (4 h) is counted for EARLY (8.5 h) and E3 (8.5 h) for SHORT (4 h).
    shifts = (shift("EARLY", "07:00", "15:30"), shift("SHORT", "07:00", "11:00"))
    assert hand_out_to_profiles(shifts, {"EARLY": "a", "SHORT": "b"}) == {
        ("E2", "SHORT"),
        ("E3", "EARLY"),
    }


def test_balance_hours_moves_a_handed_shift_toward_the_contracts() -> None:
    """Balancing hours moves a handed shift to someone of the same skill class under contract."""
    # E2 (4 h contract) works Monday's EARLY (8.5 h) and E3 (8.5 h) nothing; balanced, E3 works it.
    scenario = make_scenario(
        employees=(employee("E2", 4, max_minutes=2400), employee("E3", 8.5, max_minutes=2400)),
        shifts=(shift("EARLY", "07:00", "15:30"),),
        breaks=(),
    )
    options = shift_options(scenario)
    early = next(o for o in options if o.day == 0)
    handed = [Assignment("E2", 0, "EARLY", early.start, early.end)]
    balanced = balance_hours(scenario, options, handed, {"E2": "one", "E3": "one"})
    assert [(a.employee_id, a.day, a.shift_id) for a in balanced] == [("E3", 0, "EARLY")]
    assert verify(scenario, roster(scenario, *balanced)).violations == ()


def hand_out_monday_early(kind: AvailabilityKind, to: str) -> str:
    """Who gets the one Monday EARLY to hand out between E2 and E3, when ``to`` has a request
    of ``kind`` over it."""
    scenario = make_scenario(
        horizon=Horizon(make_scenario().horizon.start, days=1),
        employees=(employee("E2"), employee("E3")),
        availability=(AvailabilitySpan(to, at(0, "06:00"), at(0, "10:00"), kind),),
        breaks=(),
    )
    options = shift_options(scenario)
    index = {(o.day, o.template.shift_id): o.index for o in options}
    handed = assign_to_targets(
        scenario, options, {(index[0, "EARLY"], "g"): 1}, {"E2": "g", "E3": "g"}
    )
    assert verify(scenario, roster(scenario, *handed)).violations == ()
    (shift,) = handed
    return shift.employee_id


def test_hand_out_gives_a_shift_to_whoever_does_not_avoid_it() -> None:
    """E2 and E3 fit the shift alike; E2 asked to avoid it, so E3 gets it, and vice versa."""
    assert hand_out_monday_early(AvailabilityKind.AVOID, "E2") == "E3"
    assert hand_out_monday_early(AvailabilityKind.AVOID, "E3") == "E2"


def test_hand_out_gives_a_shift_to_whoever_prefers_it() -> None:
    """E2 and E3 fit the shift alike; whoever asked for it gets it."""
    assert hand_out_monday_early(AvailabilityKind.PREFER, "E2") == "E2"
    assert hand_out_monday_early(AvailabilityKind.PREFER, "E3") == "E3"


def test_hand_out_gives_a_days_counts_together() -> None:
    """The hand-out gives E1 the LATE so that E2, free only until 16:00, can take the EARLY."""
    # E1 is free all Monday; this holds though the EARLY is handed out first and E1 is listed first.
    scenario = make_scenario(
        horizon=Horizon(make_scenario().horizon.start, days=1),
        employees=(employee("E1"), employee("E2")),
        availability=(
            AvailabilitySpan("E2", at(0, "16:00"), at(1, "00:00"), AvailabilityKind.UNAVAILABLE),
        ),
        breaks=(),
    )
    options = shift_options(scenario)
    index = {(o.day, o.template.shift_id): o.index for o in options}
    targets = {(index[0, "EARLY"], "g"): 1, (index[0, "LATE"], "g"): 1}
    handed = assign_to_targets(
        scenario, options, targets, {"E1": "g", "E2": "g"}, deadline=time.perf_counter()
    )
    assert sorted((a.employee_id, a.shift_id) for a in handed) == [("E1", "LATE"), ("E2", "EARLY")]


def test_hand_out_keeps_room_for_the_weekly_rest() -> None:
    """E3 takes Friday's LATE, which keeps the weekly rest, and so can still work Saturday."""
    # E3 works Monday to Saturday but Thursday, Wednesday's LATE to 22:00 and Saturday's LATE; of
    # Friday's two shifts, the LATE's start keeps 35 h of weekly rest from Wednesday.
    scenario = make_scenario(employees=(employee("E3", 42.5, max_minutes=2550),), breaks=())
    options = shift_options(scenario)
    index = {(o.day, o.template.shift_id): o.index for o in options}
    wanted = [(0, "EARLY"), (1, "EARLY"), (2, "LATE"), (4, "EARLY"), (4, "LATE"), (5, "LATE")]
    handed = assign_to_targets(
        scenario,
        options,
        {(index[day, shift_id], "g"): 1 for day, shift_id in wanted},
        {"E3": "g"},
        patterns={("g", 0): [{510: 5}]},
        masks={("g", 0): [(0, 1, 2, 4, 5)]},
    )
    assert sorted((a.day, a.shift_id) for a in handed) == [
        (0, "EARLY"),
        (1, "EARLY"),
        (2, "LATE"),
        (4, "LATE"),
        (5, "LATE"),
    ]
    assert verify(scenario, roster(scenario, *handed)).violations == ()
