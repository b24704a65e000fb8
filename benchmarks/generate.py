"""Deterministic generator of a realistic contact-centre scenario folder.

``python benchmarks/generate.py N OUT_DIR [--seed S]`` writes ``staff.csv``, ``shifts.csv``,
``demand.csv``, ``availability.csv`` and ``scenario.toml`` for ``N`` front-office agents.

Demand is given per 15-minute interval for each weekday, with a late-morning peak (~10:30), a dip
at lunch and an early-afternoon peak (~14:30); weekends are lighter and open shorter. It is scaled
so that the demanded person-minutes are about 87.5 % of the on-floor person-minutes the contracts
supply (see :func:`floor_supply_minutes`), so a good roster covers nearly all of it.
"""

from __future__ import annotations

import argparse
import csv
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

INTERVAL = 15
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKEND = frozenset({"sat", "sun"})
#: Opening hours ``(open, close)`` in minutes of the day, weekdays and weekends.
WEEKDAY_HOURS = (7 * 60, 22 * 60)
WEEKEND_HOURS = (8 * 60, 20 * 60)
#: Share of the weekday demand level left at weekends.
WEEKEND_LEVEL = 0.55
#: Demanded person-minutes as a share of the on-floor supply of the contracts.
TARGET_LOAD = 0.875
#: Shift lengths (minutes) used to estimate the on-floor share of full- and part-timers.
FULL_TIME_SHIFT = 510
PART_TIME_SHIFT = 360
PART_TIME_SHARE = 0.2
LEAD_SHARE = 0.15
UA_SHARE = 0.2


@dataclass(frozen=True)
class Template:
    """A shift template as written to ``shifts.csv``."""

    shift_id: str
    start: str
    end: str
    weekdays: tuple[str, ...] = ()


@dataclass(frozen=True)
class Break:
    """A break rule as written to ``scenario.toml``."""

    name: str
    minutes: int
    earliest: int
    latest: int
    min_shift_minutes: int
    paid: bool


@dataclass(frozen=True)
class Agent:
    """A row of ``staff.csv``; hours are weekly."""

    employee_id: str
    name: str
    skills: tuple[str, ...]
    contract_hours: float
    min_hours: float
    max_hours: float
    max_days: int
    office: str = "front"
    remote_ok: bool = False
    team: str = ""
    remote_days: tuple[str, ...] = ()
    prefers: str = ""


_MON_FRI = WEEKDAYS[:5]
_SAT_SUN = WEEKDAYS[5:]

TEMPLATES: tuple[Template, ...] = (
    Template("F0700", "07:00", "15:30", _MON_FRI),
    Template("F0800", "08:00", "16:30", _MON_FRI),
    Template("F0900", "09:00", "17:30", _MON_FRI),
    Template("F1000", "10:00", "18:30", _MON_FRI),
    Template("F1200", "12:00", "20:30", _MON_FRI),
    Template("F1330", "13:30", "22:00", _MON_FRI),
    Template("W0800", "08:00", "16:30", _SAT_SUN),
    Template("W1200", "12:00", "20:00", _SAT_SUN),
    Template("P1000", "10:00", "14:00"),
    Template("P1100", "11:00", "17:00"),
    Template("P1600", "16:00", "22:00", _MON_FRI),
)

BREAKS: tuple[Break, ...] = (
    Break("break1", 15, 90, 150, 360, True),
    Break("lunch", 30, 180, 300, 480, False),
    Break("break2", 15, 330, 420, 480, True),
)


def _minutes(hhmm: str) -> int:
    """Minutes of the day of an ``HH:MM`` string."""
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _hhmm(minutes: int) -> str:
    """``HH:MM`` of a minute of the day (24:00 wraps to 00:00)."""
    minutes %= 1440
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def shift_split(shift_minutes: int, breaks: Sequence[Break] = BREAKS) -> tuple[int, int]:
    """Paid and on-floor minutes of a shift of ``shift_minutes``.

    Parameters
    ----------
    shift_minutes
        Length of the shift.
    breaks
        Break rules; those whose ``min_shift_minutes`` the shift reaches apply.

    Returns
    -------
    tuple[int, int]
        ``(paid, on_floor)``: the shift less its unpaid breaks, and less all its breaks.
    """
    applicable = [b for b in breaks if shift_minutes >= b.min_shift_minutes]
    unpaid = sum(b.minutes for b in applicable if not b.paid)
    return shift_minutes - unpaid, shift_minutes - sum(b.minutes for b in applicable)


def floor_supply_minutes(
    contract_hours: Sequence[float], breaks: Sequence[Break] = BREAKS
) -> float:
    """Weekly on-floor person-minutes the contracts supply.

    Each contract is worked in typical shifts: 8.5 h for full-timers (contract >= 30 h), 6 h for
    part-timers; the paid minutes of the contract are cut by the breaks those shifts carry.

    Parameters
    ----------
    contract_hours
        Weekly contract hours per person.
    breaks
        Break rules.

    Returns
    -------
    float
        Sum over people of contract minutes times the on-floor share of their typical shift.
    """
    total = 0.0
    for hours in contract_hours:
        shift = FULL_TIME_SHIFT if hours >= 30 else PART_TIME_SHIFT
        paid, floor = shift_split(shift, breaks)
        total += hours * 60 * floor / paid
    return total


def _bump(hour: float, centre: float, width: float) -> float:
    """Gaussian bump of height 1."""
    return math.exp(-0.5 * ((hour - centre) / width) ** 2)


def weekday_profile(hour: float) -> float:
    """Relative demand at ``hour`` (decimal, local time) of a weekday; the peak is about 1.

    A floor level, a late-morning peak near 10:30, an early-afternoon peak near 14:30 and a dip
    between them at lunch, tapered in the first opening hour and the evening.
    """
    level = (
        0.30
        + 0.62 * _bump(hour, 10.5, 1.5)
        + 0.55 * _bump(hour, 14.5, 1.7)
        - 0.10 * _bump(hour, 12.6, 0.5)
        + 0.10 * _bump(hour, 18.0, 1.5)
    )
    open_hour, close_hour = WEEKDAY_HOURS[0] / 60, WEEKDAY_HOURS[1] / 60
    ramp_in = min(1.0, 0.55 + 0.45 * (hour - open_hour))
    ramp_out = min(1.0, 0.45 + 0.2 * (close_hour - hour))
    return level * ramp_in * ramp_out


def weekend_profile(hour: float) -> float:
    """Relative demand at ``hour`` of a weekend day: the weekday shape, lighter and shorter."""
    open_hour, close_hour = WEEKEND_HOURS[0] / 60, WEEKEND_HOURS[1] / 60
    ramp_in = min(1.0, 0.6 + 0.4 * (hour - open_hour))
    ramp_out = min(1.0, 0.5 + 0.25 * (close_hour - hour))
    level = 0.28 + 0.6 * _bump(hour, 11.0, 1.6) + 0.5 * _bump(hour, 14.5, 1.7)
    return WEEKEND_LEVEL * level * ramp_in * ramp_out


def _relative_week() -> dict[str, list[tuple[int, float]]]:
    """Relative demand per weekday as ``(interval start minute, level)`` pairs."""
    week: dict[str, list[tuple[int, float]]] = {}
    for weekday in WEEKDAYS:
        weekend = weekday in WEEKEND
        opens, closes = WEEKEND_HOURS if weekend else WEEKDAY_HOURS
        profile: Callable[[float], float] = weekend_profile if weekend else weekday_profile
        week[weekday] = [
            (minute, profile((minute + INTERVAL / 2) / 60))
            for minute in range(opens, closes, INTERVAL)
        ]
    return week


def weekly_demand(target_minutes: float) -> dict[str, list[tuple[int, int]]]:
    """Integer people required per 15-minute interval of each weekday.

    The scale is chosen by bisection so the rounded person-minutes come closest to
    ``target_minutes``; every open interval requires at least one person.

    Parameters
    ----------
    target_minutes
        Weekly demanded person-minutes to aim for.

    Returns
    -------
    dict[str, list[tuple[int, int]]]
        Weekday name to ``(interval start minute, required)`` pairs.
    """
    relative = _relative_week()

    def build(scale: float) -> dict[str, list[tuple[int, int]]]:
        return {
            day: [(minute, max(1, round(scale * level))) for minute, level in levels]
            for day, levels in relative.items()
        }

    def total(week: dict[str, list[tuple[int, int]]]) -> int:
        return INTERVAL * sum(required for rows in week.values() for _, required in rows)

    low, high = 0.0, 1.0
    while total(build(high)) < target_minutes:
        high *= 2
    for _ in range(60):
        middle = (low + high) / 2
        if total(build(middle)) < target_minutes:
            low = middle
        else:
            high = middle
    best = min((build(low), build(high)), key=lambda w: abs(total(w) - target_minutes))
    return best


def make_staff(num_staff: int, rng: random.Random) -> list[Agent]:
    """Front-office agents: a fifth part-time, ~15 % leads, ~20 % Ukrainian speakers.

    Parameters
    ----------
    num_staff
        Number of people.
    rng
        Source of randomness.

    Returns
    -------
    list[Agent]
        The staff rows, in id order.
    """
    width = max(3, len(str(num_staff)))
    indices = list(range(num_staff))
    part_time = set(rng.sample(indices, round(num_staff * PART_TIME_SHARE)))
    full_time = [i for i in indices if i not in part_time]
    leads = set(rng.sample(full_time, min(len(full_time), round(num_staff * LEAD_SHARE))))
    speakers = set(rng.sample(indices, round(num_staff * UA_SHARE)))
    staff = []
    for i in indices:
        skills = tuple(s for s, has in (("lead", i in leads), ("ua", i in speakers)) if has)
        if i in part_time:
            contract = float(rng.choice((20, 20, 22, 24)))
            minimum = 16.0
        else:
            contract = rng.choice((37.5, 40.0, 40.0))
            minimum = contract - 8
        staff.append(
            Agent(
                employee_id=f"A{i + 1:0{width}d}",
                name=f"Agent {i + 1:0{width}d}",
                skills=skills,
                contract_hours=contract,
                min_hours=minimum,
                max_hours=contract + 4,
                max_days=5,
            )
        )
    return staff


TEAMS = ("finance", "ops", "it")


def make_back_office(
    num_front: int, back_share: float, cross_share: float, rng: random.Random
) -> list[Agent]:
    """Back-office staff so they are ``back_share`` of everyone, ``cross_share`` cross-trained.

    Back-office people work 40 h of flex days; 70 % may telework, half of those prefer a
    weekday at home; a fifth have skill ``lead`` (the front office escalates to them).
    Cross-trained people (office ``both``) also take front-office shifts.
    """
    if not back_share:
        return []
    total = round(num_front / (1 - back_share))
    num_back = total - num_front
    num_both = min(num_back, round(total * cross_share))
    width = max(3, len(str(total)))
    staff = []
    for i in range(num_back):
        remote_ok = rng.random() < 0.7
        office = "both" if i < num_both else "back"
        staff.append(
            Agent(
                employee_id=f"B{i + 1:0{width}d}",
                name=f"Back office {i + 1:0{width}d}",
                skills=("lead",) if i % 5 == 0 else (),
                contract_hours=40.0,
                min_hours=32.0,
                max_hours=40.0,
                max_days=5,
                office=office,
                remote_ok=remote_ok,
                team=TEAMS[i % len(TEAMS)],
                remote_days=(rng.choice(_MON_FRI),) if remote_ok and rng.random() < 0.5 else (),
                prefers=rng.choice(("front", "back", "")) if office == "both" else "",
            )
        )
    return staff


def back_office_toml(back: Sequence[Agent]) -> str:
    """The ``[back_office]`` policy for these back-office people."""
    desks = max(1, round(0.75 * len(back)))
    lines = [
        "",
        "[back_office]",
        'flex_band = "07:00-19:00"',
        'core_hours = "10:00-15:00"',
        "daily_hours = 8",
        "min_onsite_days = 2",
        "max_remote_days = 3",
        f"desks = {desks}",
        "",
        "[[back_office.anchor]]",
        'team = "finance"',
        'weekday = "tue"',
    ]
    if sum("lead" in a.skills for a in back) >= 3:
        lines += ["", "[[back_office.cover]]", 'skill = "lead"', "min = 1"]
    return "\n".join(lines) + "\n"


def make_availability(
    staff: Sequence[Agent], rng: random.Random, start: date, days: int
) -> list[tuple[str, str, str, str, str]]:
    """Availability rows: ~5 % of people off one whole day, a few prefer/avoid spans.

    Parameters
    ----------
    staff
        The agents.
    rng
        Source of randomness.
    start, days
        The horizon the dates are drawn from.

    Returns
    -------
    list[tuple[str, str, str, str, str]]
        ``(employee_id, date, start, end, kind)`` rows.
    """
    ids = [agent.employee_id for agent in staff]
    dates = [(start + timedelta(days=d)).isoformat() for d in range(days)]
    rows: list[tuple[str, str, str, str, str]] = []
    absent = rng.sample(ids, max(1, round(0.05 * len(ids))))
    for employee_id in sorted(absent):
        rows.append((employee_id, rng.choice(dates), "", "", "unavailable"))
    others = [i for i in ids if i not in absent] or ids
    few = max(1, round(0.03 * len(others)))
    spans = {
        "prefer": (("07:00", "15:30"), ("08:00", "16:30"), ("13:30", "22:00")),
        "avoid": (("16:00", "22:00"), ("07:00", "12:00"), ("", "")),
    }
    for kind, choices in spans.items():
        for employee_id in sorted(rng.sample(others, min(few, len(others)))):
            begin, end = rng.choice(choices)
            rows.append((employee_id, rng.choice(dates), begin, end, kind))
    return rows


def _toml_value(value: object) -> str:
    """A Python scalar as a TOML literal."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def scenario_toml(
    start: date,
    days: int,
    breaks: Sequence[Break] = BREAKS,
    max_on_break: float = 0.25,
    name: str = "Contact centre",
    country: str | None = None,
) -> str:
    """Text of ``scenario.toml`` for the contact centre.

    Parameters
    ----------
    start
        First day of the horizon.
    days
        Length of the horizon in days.
    breaks
        Break rules.
    max_on_break
        Largest share of the people on shift who may be on a break at once.
    name
        Scenario name.
    country
        Country code whose public holidays the horizon keeps (Sunday's demand on them, a fifth
        less contract a weekday holiday), or None for none.

    Returns
    -------
    str
        The TOML document.
    """
    lines = [
        f"name = {_toml_value(name)}",
        "",
        "[horizon]",
        f"start = {start.isoformat()}",
        f"days = {days}",
        f"interval_minutes = {INTERVAL}",
        'timezone = "Europe/Warsaw"',
        *([f"country = {_toml_value(country)}"] if country else []),
        "",
        "[rules]",
        "min_rest_hours = 11",
        "weekly_rest_hours = 35",
        "max_consecutive_days = 6",
        f"max_on_break = {max_on_break}",
        "",
        "[weights]",
        "shortfall = 1000",
        "contract = 10",
        "preference = 600",
        "surplus = 1",
    ]
    for rule in breaks:
        lines += ["", "[[breaks]]"]
        for key in ("name", "minutes", "earliest", "latest", "min_shift_minutes", "paid"):
            lines.append(f"{key} = {_toml_value(getattr(rule, key))}")
    return "\n".join(lines) + "\n"


def _hours(value: float) -> str:
    """Hours without a trailing ``.0``."""
    return f"{value:g}"


def _write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Write a CSV with Unix line ends."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_contact_centre(
    directory: Path,
    num_staff: int,
    seed: int = 0,
    days: int = 7,
    start: date = date(2026, 12, 7),
    skill_demand: bool = False,
    back_share: float = 0.0,
    cross_share: float = 0.0,
    country: str | None = None,
) -> None:
    """Write a complete contact-centre scenario folder.

    Parameters
    ----------
    directory
        Folder to write into; created if missing.
    num_staff
        Number of front-office agents.
    seed
        Seed of the ``random.Random`` that draws contracts, skills and availability.
    days
        Horizon length in days.
    start
        First day of the horizon (a Monday by default).
    skill_demand
        Also demand one ``lead`` at every open interval.
    back_share
        Share of all staff in the back office (added to the ``num_staff`` agents).
    cross_share
        Share of all staff cross-trained (office ``both``), taken from the back office.
    country
        Country code of the public holidays kept (see `scenario_toml`), or None.
    """
    if num_staff < 1:
        raise ValueError(f"num_staff must be at least 1, got {num_staff}")
    rng = random.Random(seed)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)

    staff = make_staff(num_staff, rng)
    back = make_back_office(num_staff, back_share, cross_share, rng)
    _write_csv(
        directory / "staff.csv",
        (
            "employee_id",
            "name",
            "office",
            "skills",
            "contract_hours",
            "min_hours",
            "max_hours",
            "max_days",
            "remote_ok",
            "team",
            "remote_days",
            "prefers",
        ),
        [
            (
                a.employee_id,
                a.name,
                a.office,
                ";".join(a.skills),
                _hours(a.contract_hours),
                _hours(a.min_hours),
                _hours(a.max_hours),
                a.max_days,
                "true" if a.remote_ok else "false",
                a.team,
                ";".join(a.remote_days),
                a.prefers,
            )
            for a in [*staff, *back]
        ],
    )

    _write_csv(
        directory / "shifts.csv",
        ("shift_id", "start", "end", "weekdays"),
        [(t.shift_id, t.start, t.end, ";".join(t.weekdays)) for t in TEMPLATES],
    )

    supply = floor_supply_minutes([a.contract_hours for a in staff])
    week = weekly_demand(TARGET_LOAD * supply)
    demand_rows: list[tuple[str, str, str, str, int, str]] = []
    for weekday, intervals in week.items():
        for minute, required in intervals:
            demand_rows.append((weekday, "", _hhmm(minute), _hhmm(minute + INTERVAL), required, ""))
    if skill_demand:
        for weekday in WEEKDAYS:
            opens, closes = WEEKEND_HOURS if weekday in WEEKEND else WEEKDAY_HOURS
            for minute in range(opens, closes, INTERVAL):
                demand_rows.append(
                    (weekday, "", _hhmm(minute), _hhmm(minute + INTERVAL), 1, "lead")
                )
    _write_csv(
        directory / "demand.csv",
        ("weekday", "date", "start", "end", "required", "skill"),
        demand_rows,
    )

    _write_csv(
        directory / "availability.csv",
        ("employee_id", "date", "start", "end", "kind"),
        make_availability(staff, rng, start, days),
    )

    (directory / "scenario.toml").write_text(
        scenario_toml(
            start, days, name=f"Contact centre, {num_staff} agents, seed {seed}", country=country
        )
        + (back_office_toml(back) if back else ""),
        encoding="utf-8",
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("num_staff", type=int, help="number of front-office agents")
    parser.add_argument("out_dir", type=Path, help="scenario folder to write")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--days", type=int, default=7, help="horizon length in days (default 7)")
    parser.add_argument(
        "--skill-demand", action="store_true", help="also demand one lead at every open interval"
    )
    parser.add_argument(
        "--back-office", type=float, default=0.0, help="share of all staff in the back office"
    )
    parser.add_argument(
        "--cross-trained", type=float, default=0.0, help="share of all staff cross-trained"
    )
    parser.add_argument(
        "--country", default=None, help="keep this country's public holidays, e.g. PL"
    )
    args = parser.parse_args(argv)
    write_contact_centre(
        args.out_dir,
        args.num_staff,
        seed=args.seed,
        days=args.days,
        skill_demand=args.skill_demand,
        back_share=args.back_office,
        cross_share=args.cross_trained,
        country=args.country,
    )


if __name__ == "__main__":
    main()
