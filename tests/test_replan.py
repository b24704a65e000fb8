"""Re-planning a published roster around absences: hand-checkable cases and the pieces."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pandas as pd
import pytest
from conftest import START, assign, at, employee, flex, flex_roster, make_scenario, roster, shift

from scheduler.data import (
    AvailabilityKind,
    AvailabilitySpan,
    BackOffice,
    BreakRule,
    Cover,
    DemandSpan,
    Horizon,
    Office,
    Scenario,
    Weights,
)
from scheduler.errors import InputError
from scheduler.published import published_roster
from scheduler.replan import (
    Absence,
    ReplanResult,
    absent_scenario,
    change_costs,
    keep_published_breaks,
    list_changes,
    parse_absence,
    parse_from,
    replan,
)

CLEAN = Weights(shortfall=100, contract=0, preference=10, surplus=0)
DAY = shift("DAY", "09:00", "17:00")
EARLY = shift("EARLY", "07:00", "15:00")
LATE = shift("LATE", "14:00", "22:00")
TUESDAY = date(2026, 12, 8)
ALIKE = {"E1": frozenset[str](), "E2": frozenset[str](), "E3": frozenset[str]()}
"""Everyone in one class for break hand-outs."""


def scenario_of(days: int = 2, **changes: object) -> Scenario:
    """Three people (56 h contracts), no breaks, CLEAN weights, ``days`` from Monday."""
    fields: dict[str, object] = {
        "horizon": Horizon(START, days=days),
        "employees": (employee("E1", 56), employee("E2", 56), employee("E3", 56)),
        "shifts": (DAY,),
        "demand": tuple(DemandSpan(at(d, "09:00"), at(d, "17:00"), 1) for d in range(days)),
        "breaks": (),
        "weights": CLEAN,
        "name": "replan",
    }
    fields.update(changes)
    return make_scenario(**fields)


def checked(result: ReplanResult) -> ReplanResult:
    """The re-plan found a roster the verifier accepts."""
    assert result.found, f"status {result.status}: {result.conflicts}"
    assert result.report is not None
    assert result.report.ok, result.report.summary_lines()
    return result


def shifts_of(result: ReplanResult) -> set[tuple[str, int, str]]:
    """``(employee, day, shift_id)`` of every shift in the new roster."""
    return {(a.employee_id, a.day, a.shift_id) for a in result.assignments}


def sick_case() -> tuple[Scenario, pd.DataFrame]:
    """E1 works Monday, E2 Tuesday; E3 is away on Tuesday, so only E1 can cover Tuesday."""
    away = AvailabilitySpan("E3", at(1, "00:00"), at(2, "00:00"), AvailabilityKind.UNAVAILABLE)
    scenario = scenario_of(availability=(away,))
    published = roster(scenario, assign(scenario, "E1", 0, "DAY"), assign(scenario, "E2", 1, "DAY"))
    return scenario, published


def test_sick_persons_shift_goes_to_the_one_other_available_person() -> None:
    """E2 sick on Tuesday: E1 takes Tuesday, exactly one change, Monday untouched, verified."""
    scenario, published = sick_case()
    result = checked(
        replan(
            scenario,
            published,
            [Absence("E2", TUESDAY, TUESDAY)],
            from_=datetime(2026, 12, 8, 8, 0),
            time_limit=5,
            workers=1,
        )
    )
    assert shifts_of(result) == {("E1", 0, "DAY"), ("E1", 1, "DAY")}
    assert result.num_changes == 1
    assert [(c.employee_id, c.date, c.change) for c in result.changes] == [
        ("E1", "2026-12-08", "added"),
        ("E2", "2026-12-08", "absent"),
    ]
    assert result.report is not None
    assert result.report.costs.shortfall_minutes == 0
    # The verifier judged the roster against the scenario with E2 away on Tuesday.
    assert any(
        s.employee_id == "E2" and s.start == at(1, "08:00") for s in result.scenario.availability
    )


def test_a_move_is_preferred_to_a_new_shift() -> None:
    """E2 (LATE) sick: E3 moves from EARLY to LATE rather than E1 getting a new LATE."""
    scenario = scenario_of(
        days=1,
        shifts=(EARLY, LATE),
        demand=(DemandSpan(at(0, "14:00"), at(0, "22:00"), 1),),
    )
    published = roster(
        scenario, assign(scenario, "E2", 0, "LATE"), assign(scenario, "E3", 0, "EARLY")
    )
    result = checked(
        replan(scenario, published, [parse_absence("E2:2026-12-07")], time_limit=5, workers=1)
    )
    assert shifts_of(result) == {("E3", 0, "LATE")}
    assert [(c.employee_id, c.change, c.before, c.after) for c in result.changes] == [
        ("E2", "absent", "LATE", ""),
        ("E3", "moved", "EARLY", "LATE"),
    ]
    costs = change_costs(scenario)
    assert costs.move < costs.add


def test_nothing_starting_before_from_changes() -> None:
    """A shift starting before --from stays even when moving it would fill the hole."""
    # Same as the move case, but --from is 10:00: E3's EARLY (07:00) has started and stays,
    # so E1 gets a new LATE.
    scenario = scenario_of(
        days=1,
        shifts=(EARLY, LATE),
        demand=(DemandSpan(at(0, "14:00"), at(0, "22:00"), 1),),
    )
    published = roster(
        scenario, assign(scenario, "E2", 0, "LATE"), assign(scenario, "E3", 0, "EARLY")
    )
    result = checked(
        replan(
            scenario,
            published,
            [parse_absence("E2:2026-12-07")],
            from_=parse_from("2026-12-07T10:00"),
            time_limit=5,
            workers=1,
        )
    )
    assert ("E3", 0, "EARLY") in shifts_of(result)
    assert [(c.employee_id, c.change) for c in result.changes] == [
        ("E1", "added"),
        ("E2", "absent"),
    ]


def test_an_absent_persons_started_shift_stays_and_the_absence_starts_after_it() -> None:
    """E2's Tuesday shift started before --from: it stays; the absence counts from its end."""
    scenario, published = sick_case()
    result = checked(
        replan(
            scenario,
            published,
            [Absence("E2", TUESDAY, TUESDAY)],
            from_=datetime(2026, 12, 8, 10, 0),
            time_limit=5,
            workers=1,
        )
    )
    assert shifts_of(result) == {("E1", 0, "DAY"), ("E2", 1, "DAY")}
    assert result.changes == []
    spans = [s for s in result.scenario.availability if s.employee_id == "E2"]
    assert [(s.start, s.end) for s in spans] == [(at(1, "17:00"), at(2, "00:00"))]


BREAK = BreakRule("rest", 30, 60, 180, min_shift_minutes=0, paid=True)


def test_published_breaks_stay_where_nothing_forces_a_move() -> None:
    """Breaks of a kept shift, before and after --from, stay at their published starts."""
    scenario = scenario_of(days=2, breaks=(BREAK,))
    published = roster(
        scenario,
        assign(scenario, "E1", 0, "DAY", {"rest": 120}),
        assign(scenario, "E1", 1, "DAY", {"rest": 150}),
        assign(scenario, "E3", 1, "DAY", {"rest": 90}),
        assign(scenario, "E2", 1, "DAY", {"rest": 60}),
    )
    result = checked(
        replan(scenario, published, [parse_absence("E2:2026-12-08")], time_limit=5, workers=1)
    )
    starts = {(a.employee_id, a.day): a.breaks[0].start - a.start for a in result.assignments}
    assert starts == {("E1", 0): 120, ("E1", 1): 150, ("E3", 1): 90}
    assert [c.change for c in result.changes] == ["absent"]


def test_absence_credits_min_hours_with_the_published_time_it_takes() -> None:
    """E2 (min 40 h) loses a published 8 h shift: min_hours 32 h and contract 48 h, max kept."""
    scenario = scenario_of(
        days=7,
        employees=(employee("E1", 56), employee("E2", 56, min_minutes=40 * 60)),
    )
    published = published_roster(
        scenario, roster(scenario, *(assign(scenario, "E2", d, "DAY") for d in range(5)))
    )
    changed, credited = absent_scenario(
        scenario, published, [Absence("E2", TUESDAY, TUESDAY)], at(1, "00:00")
    )
    person = changed.employee("E2")
    assert credited == {"E2": 8 * 60}
    assert (person.min_minutes, person.contract_minutes) == (32 * 60, 48 * 60)
    assert person.weekly_max_minutes == 56 * 60
    assert changed.employee("E1") == scenario.employee("E1")


def test_absence_of_an_unknown_person_or_outside_the_horizon_is_bad_input() -> None:
    """An absence naming nobody in the scenario, or dated outside it, is an InputError."""
    scenario, published = sick_case()
    with pytest.raises(InputError, match="'E9' is not in the scenario"):
        replan(scenario, published, [parse_absence("E9:2026-12-08")])
    with pytest.raises(InputError, match="outside the horizon"):
        replan(scenario, published, [parse_absence("E2:2027-01-05..2027-01-06")])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("E17:2026-12-09..2026-12-10", Absence("E17", date(2026, 12, 9), date(2026, 12, 10))),
        ("E17:2026-12-09", Absence("E17", date(2026, 12, 9), date(2026, 12, 9))),
        (" A:B:2026-12-09 ", Absence("A:B", date(2026, 12, 9), date(2026, 12, 9))),
    ],
)
def test_parse_absence_reads_one_day_or_a_range(text: str, expected: Absence) -> None:
    """EMPLOYEE:DATE and EMPLOYEE:FIRST..LAST parse; the id may contain a colon."""
    assert parse_absence(text) == expected


@pytest.mark.parametrize(
    "text", ["E17", "E17:09.12.2026", ":2026-12-09", "E1:2026-12-10..2026-12-09"]
)
def test_parse_absence_rejects_malformed_text(text: str) -> None:
    """A missing id, a bad date or a reversed range is an InputError naming --absent."""
    with pytest.raises(InputError, match="--absent"):
        parse_absence(text)


def test_parse_from_rejects_a_bad_date_time() -> None:
    """--from must be an ISO date-time."""
    assert parse_from("2026-12-09T08:00") == datetime(2026, 12, 9, 8, 0)
    with pytest.raises(InputError, match="--from: expected an ISO date-time"):
        parse_from("Wednesday 8am")


def test_a_published_row_naming_an_unknown_person_is_bad_input() -> None:
    """The published roster must fit the scenario: the row and column are named."""
    scenario, published = sick_case()
    published.loc[0, "employee_id"] = "E9"
    with pytest.raises(InputError, match="row 2, column employee_id: employee 'E9'"):
        replan(scenario, published, [parse_absence("E2:2026-12-08")])


def test_keep_published_breaks_swaps_placements_back_within_a_group() -> None:
    """Two people on the same shift whose break starts were handed out crosswise get theirs."""
    scenario = scenario_of(breaks=(BREAK,))
    a = assign(scenario, "E1", 0, "DAY", {"rest": 60})
    b = assign(scenario, "E2", 0, "DAY", {"rest": 120})
    swapped = [dataclasses.replace(a, breaks=b.breaks), dataclasses.replace(b, breaks=a.breaks)]
    assert keep_published_breaks(swapped, [a, b], ALIKE) == [a, b]


def test_keep_published_breaks_hands_the_rest_out_in_order() -> None:
    """A person whose published start is gone takes what is left; the other keeps theirs."""
    scenario = scenario_of(breaks=(BREAK,))
    a = assign(scenario, "E1", 0, "DAY", {"rest": 60})
    b = assign(scenario, "E2", 0, "DAY", {"rest": 120})
    new_b = assign(scenario, "E2", 0, "DAY", {"rest": 150})
    solver = [dataclasses.replace(a, breaks=new_b.breaks), dataclasses.replace(b, breaks=a.breaks)]
    assert keep_published_breaks(solver, [a, b], ALIKE) == [a, new_b]


def test_list_changes_names_each_kind() -> None:
    """moved, added, removed, absent and breaks are told apart per person and day."""
    scenario = scenario_of(days=3, shifts=(EARLY, LATE), breaks=(BREAK,))
    before = published_roster(
        scenario,
        roster(
            scenario,
            assign(scenario, "E1", 0, "EARLY"),
            assign(scenario, "E1", 1, "EARLY", {"rest": 60}),
            assign(scenario, "E2", 0, "LATE"),
            assign(scenario, "E3", 0, "LATE"),
        ),
    )
    after = [
        assign(scenario, "E1", 0, "LATE"),
        assign(scenario, "E1", 1, "EARLY", {"rest": 90}),
        assign(scenario, "E3", 2, "EARLY"),
    ]
    changes = list_changes(scenario, before, after, [], [Absence("E2", START, START)])
    assert [(c.employee_id, c.date, c.change) for c in changes] == [
        ("E1", "2026-12-07", "moved"),
        ("E1", "2026-12-08", "breaks"),
        ("E2", "2026-12-07", "absent"),
        ("E3", "2026-12-07", "removed"),
        ("E3", "2026-12-09", "added"),
    ]
    assert changes[1].before_breaks == "rest 08:00" and changes[1].after_breaks == "rest 08:30"
    assert sum(c.counts for c in changes) == 3
    assert (
        str(changes[0]) == "E1 (Person E1) 2026-12-07 moved: EARLY 07:00-15:00 -> LATE 14:00-22:00"
    )


def test_change_costs_rank_between_shortfall_and_the_rest() -> None:
    """By default a move costs one person-interval short, more than a whole shift of contract."""
    costs = change_costs(make_scenario())
    assert (costs.move, costs.add, costs.drop, costs.break_move) == (15_000, 30_000, 30_000, 150)
    assert costs.move > 10 * 8 * 60  # contract deviation of a whole 8 h shift


def test_an_absence_that_breaks_a_hard_rule_is_infeasible_and_named() -> None:
    """The only lead of the back office away on a covered day: infeasible, cover named."""
    lead = employee("L1", 40, office=Office.BACK, skills=frozenset({"lead"}))
    scenario = scenario_of(
        days=2,
        employees=(employee("E1", 56), lead),
        back_office=BackOffice(covers=(Cover("lead", frozenset(range(5)), 1),)),
    )
    published = flex_roster(
        scenario,
        assign(scenario, "E1", 0, "DAY"),
        flex_rows=(flex(scenario, "L1", 0), flex(scenario, "L1", 1)),
    )
    result = replan(scenario, published, [parse_absence("L1:2026-12-08")], time_limit=5, workers=1)
    assert result.status == "infeasible"
    assert result.report is None and result.assignments == []
    assert result.conflicts == [
        "back-office cover on 2026-12-08: at least 1 with skill lead, but 0 available"
    ]
