"""Long horizons by the week (`scheduler.model.weeks`): each distinct week alone, and its
schedules handed out again in every week of its kind.

Every roster handed out over the horizon is checked by the verifier.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest
from conftest import assign, at, employee, load_script, make_scenario

import scheduler.model.search as search_module
from scheduler.data import (
    AvailabilityKind,
    AvailabilitySpan,
    DemandSpan,
    Employee,
    Horizon,
    Office,
    Rules,
    Scenario,
)
from scheduler.io.roster import roster_frame
from scheduler.io.scenario import read_scenario
from scheduler.model.roster import BreakPlan, RosterModel
from scheduler.model.weeks import Weeks, split_weeks, tile_weeks
from scheduler.result import Result
from scheduler.solve import solve
from scheduler.verify import verify

WEEKS_LIMIT = 12.0
"""Seconds for the fortnight's solve: its week alone gets `WEEK_SHARE` of them."""
HOLIDAY_LIMIT = 16.0
"""Seconds for the fortnight of two different weeks: each alone gets half of `WEEK_SHARE`."""
BACK_WEEKS_LIMIT = 20.0
"""Seconds for the fortnight with a back office, whose week alone finds its first roster later."""


def weeks(num_days: int, **changes: object) -> Scenario:
    """The tiny scenario over ``num_days`` for P1 and P2: one person wanted 07:00-22:00, two on
    each week's first day."""
    base = make_scenario()
    demand = [
        DemandSpan(at(day, "07:00"), at(day, "22:00"), 1 + (day % 7 == 0))
        for day in range(num_days)
    ]
    scenario = dataclasses.replace(
        base,
        horizon=Horizon(base.horizon.start, days=num_days),
        employees=(employee("P1"), employee("P2")),
        shifts=base.shifts[:2],
        demand=tuple(demand),
    )
    return dataclasses.replace(scenario, **changes)


def shifts_by_person(scenario: Scenario, schedules: dict[str, list[int]]) -> list:
    """Each person's EARLY shifts on these days."""
    return [assign(scenario, who, day, "EARLY") for who, days in schedules.items() for day in days]


def repeated(scenario: Scenario) -> Weeks:
    """The scenario's weeks, checked to be one week repeated."""
    split = split_weeks(scenario)
    assert split is not None and len(split.alone) == 1
    return split


def tile_repeated(scenario: Scenario, week: list) -> list:
    """The horizon tiled from a roster of its one week repeated."""
    return tile_weeks(scenario, repeated(scenario), [week])


def busier_second_week(scenario: Scenario) -> Scenario:
    """The scenario with two people wanted on the second week's Tuesday."""
    demand = list(scenario.demand)
    demand[8] = dataclasses.replace(demand[8], required=2)
    return dataclasses.replace(scenario, demand=tuple(demand))


def test_a_repeated_week_is_the_first_week_without_availability_or_fairness() -> None:
    """Three equal weeks give the first week alone: its demand, no availability, fairness 0."""
    away = AvailabilitySpan("P1", at(9, "00:00"), at(10, "00:00"), AvailabilityKind.UNAVAILABLE)
    scenario = weeks(21, availability=(away,))
    split = repeated(scenario)
    assert split.kinds == (0, 0, 0)
    [week] = split.alone
    assert week.horizon.days == 7
    assert week.demand == scenario.demand[:7]
    assert week.availability == ()
    assert week.weights.fairness == 0
    assert week.employees == scenario.employees


def test_a_back_office_keeps_its_week() -> None:
    """A back office's rules hold by the day or the 7-day block: its fortnight has a week
    alone, with the same people and policy."""
    back = (employee("P1"), employee("B1", office=Office.BACK, remote_ok=True))
    scenario = weeks(14, employees=back)
    [week] = repeated(scenario).alone
    assert week.employees == back and week.back_office == scenario.back_office


def test_weeks_that_differ_are_each_alone_once() -> None:
    """A second week asking for more is a week of its own, from its first day; a third like
    the first is the first's kind again."""
    scenario = busier_second_week(weeks(21))
    split = split_weeks(scenario)
    assert split is not None and split.kinds == (0, 1, 0)
    first, second = split.alone
    assert first.demand == scenario.demand[:7]
    assert [span.required for span in second.demand] == [2, 2, 1, 1, 1, 1, 1]
    assert [span.start for span in second.demand] == [span.start for span in first.demand]
    assert second.availability == () and second.weights.fairness == 0


def test_a_week_with_a_public_holiday_is_alone_with_its_holiday_and_shorter_contract() -> None:
    """A holiday on the second Wednesday makes the second week a kind of its own, the holiday
    on its day 2, where contracts ask a fifth less (`Horizon.scale`)."""
    scenario = weeks(14)
    scenario = dataclasses.replace(
        scenario, horizon=dataclasses.replace(scenario.horizon, holidays=((9, "Holiday"),))
    )
    split = split_weeks(scenario)
    assert split is not None and split.kinds == (0, 1)
    first, second = split.alone
    assert first.horizon.holidays == () and second.horizon.holidays == ((2, "Holiday"),)
    assert first.demand == second.demand
    assert second.horizon.scale(40 * 60, 0, 7) == 32 * 60


def test_no_weeks_where_a_week_is_part_or_rules_span_the_horizon() -> None:
    """A part week, a horizon-long rule or a Sunday night shift into the next week: no week
    alone."""
    assert split_weeks(weeks(7)) is None
    assert split_weeks(weeks(10)) is None
    assert split_weeks(weeks(14, rules=Rules(max_weekends=1))) is None
    night = make_scenario().shifts[2]
    assert split_weeks(weeks(14, shifts=(night,))) is None
    sunday_off = dataclasses.replace(night, weekdays=frozenset(range(6)))
    assert split_weeks(weeks(14, shifts=(sunday_off,))) is not None
    assert split_weeks(weeks(14)) is not None


def test_the_turns_keep_a_run_across_the_weeks_end_within_the_limit() -> None:
    """Wed-Sun then Mon-Fri would be ten days in a row: whoever starts on Wed-Sun keeps it."""
    scenario = weeks(14)
    week = shifts_by_person(scenario, {"P1": [2, 3, 4, 5, 6], "P2": [0, 1, 2, 3, 4]})
    tiled = tile_repeated(scenario, week)
    assert len(tiled) == 20
    for who in ("P1", "P2"):
        days = sorted(a.day for a in tiled if a.employee_id == who)
        assert days in ([2, 3, 4, 5, 6, 9, 10, 11, 12, 13], [0, 1, 2, 3, 4, 7, 8, 9, 10, 11])
    assert verify(scenario, roster_frame(scenario, tiled)).violations == ()


def test_the_turns_go_around_a_persons_day_away() -> None:
    """P1 is away on the second Friday, which P2's Thu-Sat falls on: P1 keeps Mon-Wed."""
    away = AvailabilitySpan("P1", at(11, "00:00"), at(12, "00:00"), AvailabilityKind.UNAVAILABLE)
    scenario = weeks(14, availability=(away,))
    week = shifts_by_person(scenario, {"P1": [0, 1, 2], "P2": [3, 4, 5]})
    tiled = tile_repeated(scenario, week)
    assert len(tiled) == 12
    assert sorted(a.day for a in tiled if a.employee_id == "P1") == [0, 1, 2, 7, 8, 9]
    assert verify(scenario, roster_frame(scenario, tiled)).violations == ()


def test_shifts_no_turn_can_save_are_left_out() -> None:
    """Alone in their group, P1's Thu-Sun then Mon-Tue is six days in a row where five are allowed:
    the second Tuesday is left out, and the rest is valid."""
    scenario = weeks(14, employees=(employee("P1", 48),), rules=Rules(max_consecutive_days=5))
    week = shifts_by_person(scenario, {"P1": [0, 1, 3, 4, 5, 6]})
    tiled = tile_repeated(scenario, week)
    assert sorted(a.day for a in tiled) == [0, 1, 3, 4, 5, 6, 7, 10, 11, 12, 13]
    assert verify(scenario, roster_frame(scenario, tiled)).violations == ()


def test_each_week_takes_its_own_kinds_schedules_and_keeps_the_run_across_its_end() -> None:
    """The first week's Wed-Sun is P1's, the busier second week's is P2's: P1 keeps a Wed-Sun
    in the second week (after it, the second week's Mon-Fri would be ten days in a row), so
    both work the same days in both weeks."""
    scenario = busier_second_week(weeks(14))
    split = split_weeks(scenario)
    assert split is not None
    first = shifts_by_person(scenario, {"P1": [2, 3, 4, 5, 6], "P2": [0, 1, 2, 3, 4]})
    second = shifts_by_person(scenario, {"P1": [0, 1, 2, 3, 4], "P2": [2, 3, 4, 5, 6]})
    tiled = tile_weeks(scenario, split, [first, second])
    assert len(tiled) == 20
    wed_to_sun = [*range(2, 7), *range(9, 14)]
    assert sorted(a.day for a in tiled if a.employee_id == "P1") == wed_to_sun
    assert verify(scenario, roster_frame(scenario, tiled)).violations == ()


def dropped_monday(p3_days: list[int], p3_skills: frozenset[str] = frozenset()) -> list:
    """The fortnight of P1 and P2 (whose schedules both work Monday) and P3 (32 h, so a group
    of their own) working ``p3_days`` each week, P1 away on the second Monday: tiled."""
    away = AvailabilitySpan("P1", at(7, "00:00"), at(8, "00:00"), AvailabilityKind.UNAVAILABLE)
    people = (employee("P1"), employee("P2"), employee("P3", 32, skills=p3_skills))
    scenario = weeks(14, employees=people, availability=(away,))
    week = shifts_by_person(scenario, {"P1": [0, 1, 2, 3, 4], "P2": [0, 3, 4, 5, 6], "P3": p3_days})
    tiled = tile_repeated(scenario, week)
    assert verify(scenario, roster_frame(scenario, tiled)).violations == ()
    return tiled


def second_week(tiled: list, who: str) -> list[int]:
    """The days ``who`` works in the second week."""
    return sorted(a.day for a in tiled if a.employee_id == who and a.day >= 7)


def test_a_dropped_shift_goes_to_someone_with_the_same_skills_and_room() -> None:
    """P1's second Monday goes, breaks and all, to P3, who is off that day below their hours."""
    tiled = dropped_monday([1, 2, 5])
    assert len(tiled) == 26
    assert second_week(tiled, "P3") == [7, 8, 9, 12]
    [given] = [a for a in tiled if a.employee_id == "P3" and a.day == 7]
    [first] = [a for a in tiled if a.employee_id == "P1" and a.day == 0]
    assert [b.start - given.start for b in given.breaks] == [
        b.start - first.start for b in first.breaks
    ]
    assert given.breaks and given.start == first.start + 7 * 24 * 60


def test_a_dropped_shift_goes_to_someone_who_hands_on_one_of_theirs() -> None:
    """P3, at their 32 h, takes P1's second Monday and hands their Sunday to P1, who works Tue-Fri
    (not their Saturday: P1 would rest 32.5 h at most that week, under the 35 h weekly rest)."""
    tiled = dropped_monday([1, 2, 5, 6])
    assert len(tiled) == 28
    assert second_week(tiled, "P3") == [7, 8, 9, 12]
    assert second_week(tiled, "P1") == [8, 9, 10, 11, 13]


def test_a_dropped_shift_goes_to_no_one_with_other_skills() -> None:
    """P3 leads and P1 does not: the cover would differ, so the second Monday is left out."""
    tiled = dropped_monday([1, 2, 5], frozenset({"lead"}))
    assert len(tiled) == 25
    assert second_week(tiled, "P3") == [8, 9, 12]


def swapped_monday(p3_skills: frozenset[str] = frozenset(), *others: Employee) -> list:
    """The fortnight of P1 and P2, whose schedules are both Mon-Fri early, and P3 (a group of
    their own by their explicit 40 h maximum) on Tue-Sat late, P1 away on the second Monday:
    tiled. No one may take P1's Monday alone: P3 on Mon-Sat, or P1 on Tue-Fri with P3's
    Saturday, would rest less than 35 h in the week."""
    away = AvailabilitySpan("P1", at(7, "00:00"), at(8, "00:00"), AvailabilityKind.UNAVAILABLE)
    p3 = employee("P3", max_minutes=40 * 60, skills=p3_skills)
    people = (employee("P1"), employee("P2"), p3, *others)
    scenario = weeks(14, employees=people, availability=(away,))
    week = shifts_by_person(scenario, {"P1": [0, 1, 2, 3, 4], "P2": [0, 1, 2, 3, 4]})
    week += [assign(scenario, "P3", day, "LATE") for day in range(1, 6)]
    tiled = tile_repeated(scenario, week)
    assert verify(scenario, roster_frame(scenario, tiled)).violations == ()
    return tiled


def test_a_schedule_that_breaks_is_swapped_with_another_group_of_the_same_skills() -> None:
    """In the second week P1 takes P3's Tue-Sat and P3 a Mon-Fri: nothing is left out."""
    tiled = swapped_monday()
    assert len(tiled) == 30
    assert second_week(tiled, "P1") == [8, 9, 10, 11, 12]
    assert second_week(tiled, "P3") == [7, 8, 9, 10, 11]
    assert {a.shift_id for a in tiled if a.employee_id == "P1" and a.day >= 7} == {"LATE"}


def test_no_schedule_is_swapped_with_other_skills() -> None:
    """P3 leads and P1 does not: their schedules stay apart, and P1's second Monday is left
    out."""
    tiled = swapped_monday(frozenset({"lead"}))
    assert len(tiled) == 29
    assert second_week(tiled, "P1") == [8, 9, 10, 11]
    assert second_week(tiled, "P3") == [8, 9, 10, 11, 12]


def test_no_front_office_schedule_is_swapped_with_the_back_office() -> None:
    """B1 works in the back office only, with P1's skills and free all week: P1's week is not
    swapped with B1's, and P1's second Monday is left out."""
    tiled = swapped_monday(frozenset({"lead"}), employee("B1", office=Office.BACK))
    assert len(tiled) == 29
    assert not [a for a in tiled if a.employee_id == "B1"]


@pytest.fixture(scope="module")
def fortnight(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    """A generated contact centre of 15 front-office people over 14 days: its week twice."""
    folder = tmp_path_factory.mktemp("fortnight")
    load_script("generate").write_contact_centre(folder, 15, days=14)
    return read_scenario(folder)


@pytest.fixture(scope="module")
def back_fortnight(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    """A generated contact centre of 25 people over 14 days, 40 % of them in the back office
    and a tenth cross-trained: its week twice."""
    folder = tmp_path_factory.mktemp("back_fortnight")
    load_script("generate").write_contact_centre(
        folder, 25, days=14, back_share=0.4, cross_share=0.1
    )
    return read_scenario(folder)


def solved_by_weeks(
    scenario: Scenario, monkeypatch: pytest.MonkeyPatch, time_limit: float
) -> tuple[Result, list[Result]]:
    """The horizon solved, checked to start from each of its distinct weeks alone (solved to
    within `WEEK_GAP`) and never from counts over the horizon: the result and the weeks'."""
    weeks_alone: list[Result] = []
    search_roster = search_module.search_roster

    def week_solved(scenario: Scenario, **kwargs: Any) -> Result:
        assert kwargs["relative_gap_limit"] == search_module.WEEK_GAP
        result = search_roster(scenario, **kwargs)
        weeks_alone.append(result)
        return result

    staff_then_assign = search_module._Search.staff_then_assign

    def week_counts(self: search_module._Search) -> Any:
        assert self.scenario.horizon.days == 7, "the counts were solved over the horizon"
        return staff_then_assign(self)

    monkeypatch.setattr(search_module, "search_roster", week_solved)
    monkeypatch.setattr(search_module._Search, "staff_then_assign", week_counts)
    result = solve(scenario, time_limit=time_limit, seed=0, workers=2)
    split = split_weeks(scenario)
    assert split is not None
    assert [alone.scenario for alone in weeks_alone] == list(split.alone)
    return result, weeks_alone


def test_a_repeated_fortnight_starts_from_its_week_and_is_bounded_by_it(
    fortnight: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two equal weeks: the week is solved alone, no counts over the fortnight, and the bound
    is at least twice the week's."""
    result, [alone] = solved_by_weeks(fortnight, monkeypatch, WEEKS_LIMIT)
    assert result.report is not None and result.report.ok
    assert alone.best_bound and result.best_bound >= 2 * alone.best_bound
    assert result.objective >= result.best_bound


def test_a_repeated_fortnight_with_a_back_office_starts_from_its_week(
    back_fortnight: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a back office too: the week alone is solved, its shifts handed out with their
    breaks, which hint the fortnight's model as they are (not placed again on the front
    office alone, whose time the model gets), the flex days decided around them, and the
    bound is at least twice the week's."""
    placed_alone: list[int] = []
    front_breaks = search_module._Search._front_breaks

    def front_alone(self: search_module._Search, roster: list, breaks: Any) -> Any:
        placed_alone.append(self.scenario.horizon.days)
        return front_breaks(self, roster, breaks)

    hinted: list[int] = []
    hint_breaks = RosterModel.hint_breaks

    def hint(self: RosterModel, plan: BreakPlan) -> None:
        if self.scenario.horizon.days == 14:
            hinted.append(sum(sum(counts) for counts in plan.values()))
        hint_breaks(self, plan)

    most: list[float | None] = []
    place = search_module._Search._place

    def placed(self: search_module._Search, fixed: RosterModel, *args: Any, **kwargs: Any) -> Any:
        if fixed.scenario.horizon.days == 14:
            most.append(kwargs.get("most"))
        return place(self, fixed, *args, **kwargs)

    monkeypatch.setattr(search_module._Search, "_front_breaks", front_alone)
    monkeypatch.setattr(RosterModel, "hint_breaks", hint)
    monkeypatch.setattr(search_module._Search, "_place", placed)
    result, [alone] = solved_by_weeks(back_fortnight, monkeypatch, BACK_WEEKS_LIMIT)
    assert result.report is not None and result.report.ok
    assert result.flex_days and result.assignments
    assert 7 in placed_alone and 14 not in placed_alone
    assert hinted and max(hinted) > 0
    # The whole model gets the front office's stage's time too.
    assert most[0] == 2 * search_module.REPAIR_SECONDS
    assert alone.best_bound and result.best_bound >= 2 * alone.best_bound
    assert result.objective >= result.best_bound


@pytest.fixture(scope="module")
def christmas_fortnight(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    """A generated contact centre of 15 front-office people over the fortnight from Monday
    14 December 2026 with Poland's public holidays: Christmas Eve, Christmas Day and the
    Second Day of Christmas fall in its second week."""
    folder = tmp_path_factory.mktemp("christmas_fortnight")
    load_script("generate").write_contact_centre(
        folder, 15, days=14, start=date(2026, 12, 14), country="PL"
    )
    return read_scenario(folder)


def test_a_fortnight_with_holidays_starts_from_each_week_and_is_bounded_by_both(
    christmas_fortnight: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two weeks that differ: each is solved alone, no counts over the fortnight, and the
    bound is at least the two weeks' summed."""
    assert [day for day, _ in christmas_fortnight.horizon.holidays] == [10, 11, 12]
    result, [first, second] = solved_by_weeks(christmas_fortnight, monkeypatch, HOLIDAY_LIMIT)
    assert result.report is not None and result.report.ok
    assert first.best_bound and second.best_bound
    assert first.scenario.demand != second.scenario.demand
    assert result.best_bound >= first.best_bound + second.best_bound
    assert result.objective >= result.best_bound


def busier_weeks(num_weeks: int, busier: list[int]) -> Scenario:
    """P1 and P2 over ``num_weeks`` weeks, week ``w`` asking for a second person on its
    Tuesday ``busier[w]`` times (so the weeks of equal counts are one kind)."""
    scenario = weeks(7 * num_weeks)
    demand = list(scenario.demand)
    for week, extra in enumerate(busier):
        tuesday = 7 * week + 1
        demand[tuesday] = dataclasses.replace(demand[tuesday], required=1 + extra)
    return dataclasses.replace(scenario, demand=tuple(demand))


def test_each_distinct_week_gets_its_least_time_and_too_many_start_from_the_counts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Three kinds over four weeks: each solved alone once, the kind of two weeks first, each
    for at least its least time (here `MIN_WEEK_SHARE` of the limit, above its part of a
    small `WEEK_SHARE`); four kinds: none."""
    solved: list[tuple[Scenario, float]] = []
    search_roster = search_module.search_roster

    def week_solved(scenario: Scenario, **kwargs: Any) -> Result:
        solved.append((scenario, kwargs["time_limit"]))
        return search_roster(scenario, **kwargs)

    monkeypatch.setattr(search_module, "search_roster", week_solved)
    monkeypatch.setattr(search_module, "WEEK_SHARE", 0.1)
    # The last week is the third's but for a holiday.
    scenario = busier_weeks(4, [0, 0, 1, 1])
    scenario = dataclasses.replace(
        scenario, horizon=dataclasses.replace(scenario.horizon, holidays=((23, "Holiday"),))
    )
    split = split_weeks(scenario)
    assert split is not None and split.kinds == (0, 0, 1, 2)
    search = search_module._Search(scenario, "aggregated", 10.0, 2, 0, 0.0)
    roster = search.start_from_weeks(split)
    assert roster and verify(scenario, roster_frame(scenario, roster)).violations == ()
    assert [week for week, _ in solved] == list(split.alone)
    least = min(search_module.MIN_WEEK_SECONDS, search_module.MIN_WEEK_SHARE * 10.0)
    assert [seconds for _, seconds in solved] == pytest.approx([least] * 3)
    solved.clear()
    four = split_weeks(busier_weeks(4, [0, 1, 2, 3]))
    assert four is not None and len(four.alone) == 4
    assert search.start_from_weeks(four) is None and not solved


def test_a_back_office_week_alone_gets_longer_least_time() -> None:
    """Each week alone gets at least 10 s, 20 s with a back office, but at most a fifth of the
    limit."""
    front = busier_weeks(2, [0, 1])
    back = dataclasses.replace(
        front, employees=(*front.employees, employee("B1", office=Office.BACK))
    )
    seconds = {
        (name, limit): search_module._Search(
            scenario, "aggregated", limit, 2, 0, 0.0
        ).least_week_seconds()
        for name, scenario in (("front", front), ("back", back))
        for limit in (120.0, 60.0)
    }
    assert seconds == {
        ("front", 120.0): 10.0,
        ("front", 60.0): 10.0,
        ("back", 120.0): 20.0,
        ("back", 60.0): 12.0,
    }


def test_a_back_office_starts_from_each_kind_of_week_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With a back office too, each kind of week is solved alone once, whether the weeks
    differ or repeat, and the roster handed out passes the verifier."""
    solved: list[Scenario] = []
    search_roster = search_module.search_roster

    def week_solved(scenario: Scenario, **kwargs: Any) -> Result:
        solved.append(scenario)
        return search_roster(scenario, **kwargs)

    monkeypatch.setattr(search_module, "search_roster", week_solved)
    back = (employee("P1"), employee("P2"), employee("B1", office=Office.BACK, remote_ok=True))
    for busier, kinds in (([0, 1], 2), ([0, 0], 1)):
        scenario = dataclasses.replace(busier_weeks(2, busier), employees=back)
        split = split_weeks(scenario)
        assert split is not None and len(split.alone) == kinds
        search = search_module._Search(scenario, "aggregated", 10.0, 2, 0, 0.0)
        roster = search.start_from_weeks(split)
        assert roster and verify(scenario, roster_frame(scenario, roster)).violations == ()
        assert solved == list(split.alone)
        solved.clear()
