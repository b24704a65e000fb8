"""Handing counted shifts to named people with a small CP-SAT model per group."""

from __future__ import annotations

import dataclasses
import random
import time

import pytest
from conftest import at, employee, make_scenario, roster, shift

import scheduler.model.handout as handout
from scheduler.data import (
    Assignment,
    AvailabilityKind,
    AvailabilitySpan,
    Horizon,
    Office,
    Scenario,
)
from scheduler.model.handout import hand_out_exactly, rehand_whole_groups
from scheduler.model.options import shift_options
from scheduler.verify import verify


def rest_bound_pair() -> Scenario:
    """E2 and E3 over two days; E3 may not work Tuesday's EARLY."""
    return make_scenario(
        horizon=Horizon(make_scenario().horizon.start, days=2),
        employees=(employee("E2"), employee("E3")),
        availability=(
            AvailabilitySpan("E3", at(1, "06:00"), at(1, "08:00"), AvailabilityKind.UNAVAILABLE),
        ),
        breaks=(),
    )


def counted(scenario: Scenario, *shifts: tuple[int, str]) -> dict[tuple[int, str], int]:
    """One person of group ``g`` on each (day, shift id)."""
    index = {(o.day, o.template.shift_id): o.index for o in shift_options(scenario)}
    return {(index[key], "g"): 1 for key in shifts}


def shift_on(scenario: Scenario, employee_id: str, day: int, shift_id: str) -> Assignment:
    """``employee_id`` on template ``shift_id`` on ``day``, without breaks."""
    option = next(
        o for o in shift_options(scenario) if o.day == day and o.template.shift_id == shift_id
    )
    return Assignment(employee_id, day, shift_id, option.start, option.end)


def test_hand_out_exactly_meets_a_count_the_start_misses() -> None:
    """From E2 on Monday's LATE (too little rest for Tuesday's EARLY), E3 takes that LATE."""
    scenario = rest_bound_pair()
    targets = counted(scenario, (0, "LATE"), (1, "EARLY"), (1, "LATE"))
    start = [shift_on(scenario, "E2", 0, "LATE"), shift_on(scenario, "E3", 1, "LATE")]
    handed = hand_out_exactly(scenario, start, targets, {"E2": "g", "E3": "g"}, float("inf"), 2, 0)
    assert sorted((a.employee_id, a.day, a.shift_id) for a in handed) == [
        ("E2", 1, "EARLY"),
        ("E3", 0, "LATE"),
        ("E3", 1, "LATE"),
    ]
    assert verify(scenario, roster(scenario, *handed)).violations == ()


def test_hand_out_exactly_keeps_the_start_when_nothing_is_missed() -> None:
    """A start that meets every count is left as it is: nobody is re-handed."""
    scenario = rest_bound_pair()
    targets = counted(scenario, (0, "LATE"), (1, "LATE"))
    start = [shift_on(scenario, "E2", 0, "LATE"), shift_on(scenario, "E3", 1, "LATE")]
    handed = hand_out_exactly(scenario, start, targets, {"E2": "g", "E3": "g"}, float("inf"), 2, 0)
    assert set(handed) == set(start) and len(handed) == len(start)


def test_hand_out_exactly_evens_out_hours_once_every_count_is_met() -> None:
    """E2 holds both LATE shifts and E3 none: one moves to E3, closer to both contracts."""
    scenario = rest_bound_pair()
    targets = counted(scenario, (0, "LATE"), (1, "LATE"))
    start = [shift_on(scenario, "E2", 0, "LATE"), shift_on(scenario, "E2", 1, "LATE")]
    handed = hand_out_exactly(scenario, start, targets, {"E2": "g", "E3": "g"}, float("inf"), 2, 0)
    assert sorted(a.employee_id for a in handed) == ["E2", "E3"]
    assert verify(scenario, roster(scenario, *handed)).violations == ()


def test_hand_out_exactly_gives_a_cross_trained_persons_shift_to_the_front_office() -> None:
    """Monday's LATE moves from cross-trained E2 to E3, who has no other way to the contract."""
    # E2 can make up hours in the back office.
    scenario = rest_bound_pair()
    people = tuple(
        dataclasses.replace(e, office=Office.BOTH) if e.employee_id == "E2" else e
        for e in scenario.employees
    )
    scenario = dataclasses.replace(scenario, employees=people)
    targets = counted(scenario, (0, "LATE"))
    start = [shift_on(scenario, "E2", 0, "LATE")]
    handed = hand_out_exactly(scenario, start, targets, {"E2": "g", "E3": "g"}, float("inf"), 2, 0)
    assert [(a.employee_id, a.day, a.shift_id) for a in handed] == [("E3", 0, "LATE")]


@pytest.mark.parametrize(
    ("wishes", "holder"),
    [({"E2": Office.BACK}, "E3"), ({"E3": Office.FRONT}, "E3"), ({"E2": Office.FRONT}, "E2")],
    ids=["holder-prefers-back", "other-prefers-front", "holder-prefers-front"],
)
def test_hand_out_exactly_gives_a_shift_to_the_cross_trained_who_wish_for_the_front(
    wishes: dict[str, Office], holder: str
) -> None:
    """Monday's LATE moves between cross-trained E2 and E3 as their office wishes say."""
    # E2 holds it: it moves to E3 when E2 wishes for the back office or E3 for the front, and stays
    # with E2 when E2 wishes for the front.
    scenario = rest_bound_pair()
    people = tuple(
        dataclasses.replace(e, office=Office.BOTH, prefers=wishes.get(e.employee_id))
        for e in scenario.employees
    )
    scenario = dataclasses.replace(scenario, employees=people)
    targets = counted(scenario, (0, "LATE"))
    start = [shift_on(scenario, "E2", 0, "LATE")]
    handed = hand_out_exactly(scenario, start, targets, {"E2": "g", "E3": "g"}, float("inf"), 2, 0)
    assert [(a.employee_id, a.day, a.shift_id) for a in handed] == [(holder, 0, "LATE")]
    assert verify(scenario, roster(scenario, *handed)).violations == ()


def test_a_large_group_is_re_handed_from_the_people_free_on_a_missed_day(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With room for one person at a time, the one free on Tuesday is chosen."""
    scenario = rest_bound_pair()
    monkeypatch.setattr(handout, "HAND_OUT_PEOPLE", 1)
    options = shift_options(scenario)
    option_at = {(o.day, o.template.shift_id): o for o in options}
    by_person = {
        "E2": [shift_on(scenario, "E2", 1, "LATE")],
        "E3": [shift_on(scenario, "E3", 0, "LATE")],
    }
    counts = {option_at[1, "LATE"].index: 1, option_at[1, "NIGHT"].index: 1}
    people = list(scenario.employees)
    for seed in range(5):
        chosen = handout._choose(
            scenario, people, counts, by_person, option_at, random.Random(seed), {}
        )
        assert [e.employee_id for e in chosen] == ["E3"]


def test_hand_out_exactly_stops_at_once_when_interrupted() -> None:
    """After Ctrl-C the start comes back as it is, its missed count still missed."""
    scenario = rest_bound_pair()
    targets = counted(scenario, (0, "LATE"), (1, "EARLY"), (1, "LATE"))
    start = [shift_on(scenario, "E2", 0, "LATE"), shift_on(scenario, "E3", 1, "LATE")]
    handed = hand_out_exactly(
        scenario, start, targets, {"E2": "g", "E3": "g"}, float("inf"), 2, 0, stopped=lambda: True
    )
    assert set(handed) == set(start) and len(handed) == len(start)


def weekend_pair() -> Scenario:
    """E2 and E3 (16 h: two 8-hour DAY shifts each) over a week without breaks."""
    return make_scenario(
        employees=(employee("E2", 16), employee("E3", 16)),
        shifts=(shift("DAY", "09:00", "17:00"),),
        breaks=(),
    )


def test_hand_out_exactly_brings_weekend_loads_into_their_range() -> None:
    """With each weekend load held to one weekend day, E2 and E3 each end with one weekend day."""
    # E2 holds both weekend days and E3 two weekdays, each at their contract; the load is held to
    # 250, one weekend day.
    scenario = weekend_pair()
    targets = counted(scenario, (0, "DAY"), (1, "DAY"), (5, "DAY"), (6, "DAY"))
    start = [shift_on(scenario, "E2", d, "DAY") for d in (5, 6)]
    start += [shift_on(scenario, "E3", d, "DAY") for d in (0, 1)]
    group = {"E2": "g", "E3": "g"}
    kept = hand_out_exactly(scenario, start, targets, group, float("inf"), 2, 0)
    assert set(kept) == set(start)
    ranges = {"E2": (250, 250), "E3": (250, 250)}
    handed = hand_out_exactly(scenario, start, targets, group, float("inf"), 2, 0, weekend=ranges)
    weekend_days = {
        e: sorted(a.day for a in handed if a.employee_id == e and a.day >= 5) for e in group
    }
    assert sorted(len(days) for days in weekend_days.values()) == [1, 1]
    report = verify(scenario, roster(scenario, *handed))
    assert report.violations == () and report.costs.fairness_spread == 0


def test_whole_groups_are_re_handed_toward_contracts_and_requests() -> None:
    """Re-handed whole, E2 keeps Monday's LATE and E3 takes Tuesday's."""
    # E2 holds both LATE shifts and E3, who would rather avoid Monday, none.
    base = rest_bound_pair()
    scenario = dataclasses.replace(
        base,
        availability=(
            AvailabilitySpan("E3", at(0, "00:00"), at(1, "00:00"), AvailabilityKind.AVOID),
        ),
    )
    start = [shift_on(scenario, "E2", 0, "LATE"), shift_on(scenario, "E2", 1, "LATE")]
    handed = rehand_whole_groups(scenario, start, {"E2": "g", "E3": "g"}, float("inf"), 2, 0)
    assert sorted((a.employee_id, a.day) for a in handed) == [("E2", 0), ("E3", 1)]
    assert verify(scenario, roster(scenario, *handed)).violations == ()


def test_whole_groups_above_the_limit_are_left_to_the_re_hands(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A group larger than `WHOLE_GROUP_MOST` keeps its shifts as they are."""
    monkeypatch.setattr(handout, "WHOLE_GROUP_MOST", 1)
    scenario = rest_bound_pair()
    start = [shift_on(scenario, "E2", 0, "LATE"), shift_on(scenario, "E2", 1, "LATE")]
    handed = rehand_whole_groups(scenario, start, {"E2": "g", "E3": "g"}, float("inf"), 2, 0)
    assert set(handed) == set(start)


def test_whole_groups_stop_at_once_when_interrupted() -> None:
    """After Ctrl-C no group is re-handed: E2 keeps both LATE shifts."""
    scenario = rest_bound_pair()
    start = [shift_on(scenario, "E2", 0, "LATE"), shift_on(scenario, "E2", 1, "LATE")]
    group = {"E2": "g", "E3": "g"}
    handed = rehand_whole_groups(scenario, start, group, float("inf"), 2, 0, stopped=lambda: True)
    assert set(handed) == set(start)


def test_hand_out_exactly_leaves_a_group_whose_missed_count_no_re_hand_meets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A group whose missed count no re-hand meets goes to the search long before the deadline."""
    # Eleven people, twelve asked for Monday's LATE: the group is left once re-hands without gain
    # have chosen everyone `STALLED_MISSING` times over.
    people = tuple(employee(f"E{i:02}") for i in range(11))
    scenario = make_scenario(
        horizon=Horizon(make_scenario().horizon.start, days=1), employees=people, breaks=()
    )
    index = next(o.index for o in shift_options(scenario) if o.template.shift_id == "LATE")
    start = [shift_on(scenario, e.employee_id, 0, "LATE") for e in people]
    calls: list[int] = []

    def no_gain(*args: object) -> tuple[int, None]:
        calls.append(1)
        return 0, None

    monkeypatch.setattr(handout, "_re_hand", no_gain)
    group_of = {e.employee_id: "g" for e in people}
    deadline = time.perf_counter() + 5
    handed = hand_out_exactly(scenario, start, {(index, "g"): 12}, group_of, deadline, 2, 0)
    assert len(calls) == handout.STALLED_MISSING * handout.STALLED_RE_HANDS
    assert set(handed) == set(start) and len(handed) == len(start)


def test_choose_takes_those_under_their_contract_beside_those_over() -> None:
    """A re-hand takes everyone under their contract beside those over it."""
    # Eight people over their contract (with room for more) and four under it: a re-hand of ten
    # takes all four under it, so the hours of those over have somewhere to go.
    over = [employee(f"O{i}", contract_hours=8, max_minutes=40 * 60) for i in range(8)]
    under = [employee(f"U{i}") for i in range(4)]
    scenario = make_scenario(employees=(*over, *under), breaks=())
    by_person = {e.employee_id: [shift_on(scenario, e.employee_id, 0, "EARLY")] for e in under}
    for e in over:
        by_person[e.employee_id] = [shift_on(scenario, e.employee_id, d, "LATE") for d in (0, 2)]
    option_at = {(o.day, o.template.shift_id): o for o in shift_options(scenario)}
    for seed in range(5):
        chosen = handout._choose(
            scenario, [*over, *under], {}, by_person, option_at, random.Random(seed), {}
        )
        assert len(chosen) == handout.HAND_OUT_PEOPLE
        assert set(under) <= set(chosen)


def test_choose_takes_someone_refused_an_avoid_span(monkeypatch: pytest.MonkeyPatch) -> None:
    """A re-hand always takes someone on a shift they asked to avoid."""
    # Ten people at their contract (one EARLY of 8.5 h), one of them on such a shift: a re-hand of
    # three always takes that one, so the request can be granted.
    monkeypatch.setattr(handout, "HAND_OUT_PEOPLE", 3)
    people = [employee(f"E{i}", contract_hours=8.5) for i in range(10)]
    avoid = AvailabilitySpan("E7", at(0, "06:00"), at(0, "12:00"), AvailabilityKind.AVOID)
    scenario = make_scenario(employees=tuple(people), availability=(avoid,), breaks=())
    by_person = {e.employee_id: [shift_on(scenario, e.employee_id, 0, "EARLY")] for e in people}
    option_at = {(o.day, o.template.shift_id): o for o in shift_options(scenario)}
    for seed in range(5):
        chosen = handout._choose(
            scenario, people, {}, by_person, option_at, random.Random(seed), {}
        )
        assert "E7" in {e.employee_id for e in chosen}
