"""Unit tests of the shift options (break slots on the grid) and of the CP-SAT roster model."""

from __future__ import annotations

import dataclasses

import pytest
from conftest import START, assign, at, employee, make_scenario, shift
from ortools.sat.python import cp_model

from scheduler.data import (
    AvailabilityKind,
    AvailabilitySpan,
    BreakRule,
    Horizon,
    Office,
)
from scheduler.errors import InputError
from scheduler.io.roster import roster_frame
from scheduler.model.options import ShiftOption, break_slots, shift_options
from scheduler.model.roster import RosterModel
from scheduler.verify import verify


def test_break_slots_round_the_window_inwards_to_the_grid() -> None:
    """A window 20..100 on the 15-minute grid becomes starts 30, 45, 60, 75, 90."""
    rule = BreakRule("b", 15, 20, 100)
    [slots] = break_slots(shift("S", "07:00", "15:30"), (rule,), 15)
    assert slots.rule == rule
    assert slots.offsets == (30, 45, 60, 75, 90)


def test_break_slots_keep_a_window_already_on_the_grid() -> None:
    """A window 90..150 on the 15-minute grid keeps both ends."""
    [slots] = break_slots(shift("S", "07:00", "15:30"), (BreakRule("b", 15, 90, 150),), 15)
    assert slots.offsets == (90, 105, 120, 135, 150)


def test_break_slots_are_cut_so_the_break_ends_inside_the_shift() -> None:
    """A 30-minute break with window 0..50 on a 1-hour shift may start at 0, 15 or 30 only."""
    [slots] = break_slots(shift("S", "08:00", "09:00"), (BreakRule("b", 30, 0, 50),), 15)
    assert slots.offsets == (0, 15, 30)


def test_break_slots_skip_breaks_that_do_not_apply() -> None:
    """A shift shorter than a break's min_shift_minutes does not carry that break."""
    rules = (
        BreakRule("short", 15, 60, 90, min_shift_minutes=240),
        BreakRule("lunch", 30, 120, 180, min_shift_minutes=480),
    )
    slots = break_slots(shift("S", "08:00", "14:00"), rules, 15)
    assert [s.rule.name for s in slots] == ["short"]


def test_break_slots_on_an_overnight_shift() -> None:
    """An overnight template's duration (8 h) bounds its break window like any other."""
    [slots] = break_slots(shift("N", "22:00", "06:00"), (BreakRule("b", 60, 400, 500),), 30)
    assert slots.offsets == (420,)


@pytest.mark.parametrize(
    "rules",
    [
        # Rounded inwards, the window 50..55 holds no 15-minute boundary.
        (BreakRule("b", 15, 50, 55),),
        # A 60-minute break cannot end inside a 30-minute shift.
        (BreakRule("b", 60, 0, 30),),
        # The second break must start after the first ends (at 30) but by 15.
        (BreakRule("first", 30, 0, 0), BreakRule("second", 15, 0, 15)),
    ],
)
def test_template_whose_breaks_cannot_fit_is_bad_input(rules: tuple[BreakRule, ...]) -> None:
    """A template that cannot hold its breaks raises InputError naming scenario.toml."""
    scenario = make_scenario(shifts=(shift("S", "08:00", "08:30"),), breaks=rules)
    with pytest.raises(InputError) as caught:
        shift_options(scenario)
    assert caught.value.file == "scenario.toml"
    assert str(caught.value).startswith("scenario.toml")
    assert "S" in caught.value.message
    with pytest.raises(InputError):
        RosterModel(scenario)


def test_shift_options_follow_template_weekdays() -> None:
    """Each template gives one option per horizon day whose weekday it allows."""
    weekend = shift("WE", "09:00", "17:00", frozenset({5, 6}))
    scenario = make_scenario(shifts=(shift("D", "09:00", "17:00"), weekend))
    options = shift_options(scenario)
    assert [(o.day, o.template.shift_id) for o in options if o.template.shift_id == "WE"] == [
        (5, "WE"),
        (6, "WE"),
    ]
    assert len(options) == 7 + 2
    assert [o.index for o in options] == list(range(len(options)))
    night = shift_options(make_scenario())[2]
    assert (night.start, night.end) == (at(0, "22:00"), at(1, "06:00"))
    assert night.paid_minutes == 450


def test_no_assignment_variable_for_an_unavailable_option() -> None:
    """Unavailable 14:00-16:00 on day 0 removes EARLY and LATE that day but keeps NIGHT."""
    scenario = make_scenario(
        horizon=Horizon(START, days=2),
        availability=(
            AvailabilitySpan("E1", at(0, "14:00"), at(0, "16:00"), AvailabilityKind.UNAVAILABLE),
            AvailabilitySpan("E1", at(1, "00:00"), at(1, "06:00"), AvailabilityKind.AVOID),
        ),
    )
    model = RosterModel(scenario)
    kept = {(o.day, o.template.shift_id) for o in model.options if ("E1", o.index) in model.x}
    assert kept == {(0, "NIGHT"), (1, "EARLY"), (1, "LATE"), (1, "NIGHT")}
    assert all(("E2", o.index) in model.x for o in model.options)


def test_offices_decide_which_options_get_variables() -> None:
    """Front: shifts only; back: flex days only (remote only if remote_ok); both: either."""
    scenario = make_scenario(
        horizon=Horizon(START, days=1),
        employees=(
            employee("F1"),
            employee("B1", office=Office.BACK),
            employee("R1", office=Office.BACK, remote_ok=True),
            employee("X1", office=Office.BOTH),
        ),
    )
    for formulation in ("aggregated", "individual"):
        model = RosterModel(scenario, formulation)
        kinds: dict[str, set[str]] = {}
        for employee_id, index in model.x:
            option = model.work[index]
            kind = "shift" if isinstance(option, ShiftOption) else str(option.location)
            kinds.setdefault(employee_id, set()).add(kind)
        assert kinds == {
            "F1": {"shift"},
            "B1": {"onsite"},
            "R1": {"onsite", "remote"},
            "X1": {"shift", "onsite"},
        }
        assert all("B1" not in ids for ids in model.members.values())
        assert not any(k for k in model.break_vars if k[1] == "B1")


def test_people_with_the_same_skills_share_counts_in_the_aggregated_formulation() -> None:
    """Aggregated: one count per option and skill class; individual: break booleans per person."""
    scenario = make_scenario(
        horizon=Horizon(START, days=1),
        employees=(
            employee("L1", skills=frozenset({"lead"})),
            employee("L2", skills=frozenset({"lead", "unused"})),
            employee("P1"),
        ),
    )
    aggregated = RosterModel(scenario, "aggregated")
    classes = {skill_class for _, skill_class in aggregated.count}
    assert classes == {frozenset({"lead"}), frozenset()}
    early = aggregated.options[0]
    assert sorted(aggregated.members[early.index, frozenset({"lead"})]) == ["L1", "L2"]
    individual = RosterModel(scenario, "individual")
    owners = {key[1] for key in individual.break_vars}
    assert owners == {"L1", "L2", "P1"}


def test_unknown_formulation_is_rejected() -> None:
    """RosterModel refuses a formulation other than aggregated and individual."""
    with pytest.raises(ValueError, match="formulation"):
        RosterModel(make_scenario(), "bogus")  # type: ignore[arg-type]


def test_explain_mode_adds_guards_and_no_objective() -> None:
    """In explain mode each rule family per person is guarded and the objective is left out."""
    scenario = dataclasses.replace(
        make_scenario(horizon=Horizon(START, days=7)),
        employees=(employee("E1", min_minutes=8 * 60, max_days=5),),
    )
    model = RosterModel(scenario, explain=True)
    families = {guard.family for guard in model.guards.values()}
    assert {"min_hours", "max_hours", "max_days", "min_rest", "weekly_rest"} <= families
    assert {guard.employee_id for guard in model.guards.values()} == {"E1"}
    assert not model.model.has_objective()


def test_a_rosters_placed_breaks_are_its_break_plan() -> None:
    """`plan_of` counts each placed break at its slot, by name; held to that plan, the model
    gives the roster back, breaks and all, verified."""
    scenario = make_scenario(employees=(employee("E1"), employee("E2")))
    late = {"break1": 150, "lunch": 240}
    roster = [assign(scenario, "E1", 0, "EARLY", late), assign(scenario, "E2", 0, "EARLY", late)]
    built = RosterModel(scenario)
    plan = built.plan_of(roster)
    assert sorted(sum(counts) for counts in plan.values()) == [2, 2]
    # Breaks are matched by name, whatever order a roster lists them in.
    listed_late_first = [dataclasses.replace(a, breaks=a.breaks[::-1]) for a in roster]
    assert built.plan_of(listed_late_first) == plan
    built.fix_shifts(roster)
    for key, slots in built.break_vars.items():
        for (_, var), count in zip(slots, plan.get(key, [0] * len(slots)), strict=True):
            built.model.add(var == count)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 5
    assert solver.solve(built.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    got = built.assignments(solver.value)
    assert sorted(got, key=lambda a: a.employee_id) == roster
    assert verify(scenario, roster_frame(scenario, got)).violations == ()
