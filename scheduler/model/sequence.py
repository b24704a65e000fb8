"""One person's schedule over the horizon by dynamic programming over days.

With demand stated per shift and day, a person's own rules are about runs of days (their
lengths, which shifts may follow which, weekends worked) and totals over the horizon (paid
minutes, shifts per template). A shortest path over days, whose states are the run so far and
the weekends worked, keeps the former exactly; a price per paid minute and per shift of each
limited template, moved until their totals fit, and a last pass of same-day swaps keep the
latter. Rules the path does not know (hours per 7-day block, weekly rest) are left to the
verifier: `schedule_alone` returns a schedule only when it finds no broken rule. Of the soft
terms it prices only the given prices and the person's shift requests; the others (contract
hours, fairness) are left to the neighbourhoods after the person-by-person start.

A year of one person with a window of 720 minutes on 112,000 (Curtois Instance24) took CP-SAT
2.4-20 s to a first schedule; a path takes 0.36 s a person in the person-by-person start (the
first 30 people of Instance24 in 10.7 s), with as good a cover (see `SEQUENCE_AFTER_DAYS` in
`scheduler.model.neighbourhood`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from scheduler.data import MINUTES_PER_DAY, Assignment, AvailabilityKind, Scenario
from scheduler.io.roster import roster_frame
from scheduler.model.options import ShiftOption, Spans, shift_options
from scheduler.verify import verify

__all__ = ["Sequencer", "schedule_alone"]

BISECTIONS = 40
"""Most shortest paths per round while the minute price is moved to fit the total minutes."""
ROUNDS = 8
"""Most rounds of raising the prices of templates taken past their limits."""
SWAPPED_MINUTES = 1_440
"""A path this near the minutes it must reach is left to the swaps that follow the search."""


@dataclass
class _Days:
    """One person's shift options as arrays: ``cost[day, template]`` (inf where the person
    may not work it) and each template's paid minutes and limits."""

    options: list[list[ShiftOption | None]]
    columns: dict[str, int]
    cost: np.ndarray
    minutes: np.ndarray
    limited: np.ndarray
    limits: np.ndarray
    barred: np.ndarray
    blur: np.ndarray
    runs: _Runs


@dataclass(frozen=True)
class _Runs:
    """The rules on runs of days: the longest and shortest run of work, the shortest of days
    off (runs touching the horizon's ends may be shorter), and the most weekends worked, with
    each day's weekend (-1 on weekdays)."""

    longest: int
    shortest: int
    rest: int
    max_weekends: int | None
    weekend_of: tuple[int, ...]

    def fine_near(self, chosen: list[int], day: int) -> bool:
        """Whether the runs of work and of days off that ``day`` and its neighbours belong
        to keep their lengths."""
        num_days = len(chosen)
        first, last = max(0, day - 1), min(num_days - 1, day + 1)
        checked = first
        while checked <= last:
            working = chosen[checked] >= 0
            begin = end = checked
            while begin > 0 and (chosen[begin - 1] >= 0) == working:
                begin -= 1
            while end + 1 < num_days and (chosen[end + 1] >= 0) == working:
                end += 1
            length = end - begin + 1
            inside = begin > 0 and end + 1 < num_days
            if working and (length > self.longest or (inside and length < self.shortest)):
                return False
            if not working and inside and length < self.rest:
                return False
            checked = end + 1
        return True

    def weekends_worked(self, chosen: list[int]) -> int:
        """Weekends with a shift."""
        return len({w for day, w in enumerate(self.weekend_of) if w >= 0 and chosen[day] >= 0})


class Sequencer:
    """Schedules people one at a time by shortest paths (see `schedule_alone`), each search for
    the price per minute starting next to the last one's: people of one workplace need much
    the same price, and the search took 21 shortest paths a person from scratch (Curtois
    Instance24)."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self.price = 0.0
        # Every option of the horizon, built once for people of the same workplace.
        self._options: tuple[Any, list[ShiftOption]] | None = None

    def schedule(
        self,
        scenario: Scenario,
        prices: Mapping[tuple[int, str], int],
        keep: list[Assignment] | None = None,
    ) -> list[Assignment] | None:
        """See `schedule_alone`; ``keep``, a valid schedule of the person's, is returned
        instead unless the path costs less under ``prices``."""
        person = scenario.employees[0]
        rules = scenario.rules_for(person)
        key = (scenario.horizon, scenario.shifts, scenario.breaks)
        if self._options is None or self._options[0] != key:
            self._options = (key, shift_options(scenario))
        days = _days(scenario, prices, self.seed, self._options[1])
        if days is None:
            return keep
        path = _Paths(scenario, days, self.price)
        chosen = path.fit(rules.min_total_minutes, rules.max_total_minutes)
        self.price = path.guess
        if chosen is None:
            return keep
        if keep is not None:
            columns = [days.columns.get(a.shift_id) for a in keep]
            if None in columns:
                return keep
            kept = sum(float(days.cost[a.day, c]) for a, c in zip(keep, columns, strict=True))
            if sum(float(days.cost[day, t]) for day, t in enumerate(chosen) if t >= 0) >= kept:
                return keep
        shifts = [
            Assignment(person.employee_id, day, option.template.shift_id, option.start, option.end)
            for day, t in enumerate(chosen)
            if t >= 0 and (option := days.options[day][t]) is not None
        ]
        report = verify(scenario, roster_frame(scenario, shifts))
        return shifts if report.ok else keep


def schedule_alone(
    scenario: Scenario, prices: Mapping[tuple[int, str], int], seed: int = 0
) -> list[Assignment] | None:
    """The cheapest schedule found for the one person of ``scenario`` under ``prices`` (a cost
    per day and shift id, beside their own requests), or None if it breaks a rule.

    Parameters
    ----------
    scenario
        A scenario of one front-office person with demand per shift and day.
    prices
        Extra cost of working shift id on a day, such as what the others' cover still lacks.
    seed
        Seeds the noise that breaks ties between equal costs.

    Returns
    -------
    list[Assignment] | None
        Their shifts, which the verifier found to break no hard rule; None otherwise.
    """
    return Sequencer(seed).schedule(scenario, prices)


def _days(
    scenario: Scenario,
    prices: Mapping[tuple[int, str], int],
    seed: int,
    every: list[ShiftOption],
) -> _Days | None:
    """The person's options per day and template, priced."""
    person = scenario.employees[0]
    rules = scenario.rules_for(person)
    templates = [t for t in scenario.shifts if rules.may_work(t)]
    if not templates:
        return None
    column = {t.shift_id: n for n, t in enumerate(templates)}
    num_days = scenario.horizon.days
    barred_requests = {
        (r.day, r.shift_id)
        for r in scenario.shift_requests
        if r.employee_id == person.employee_id and r.kind == AvailabilityKind.UNAVAILABLE
    }
    unavailable = Spans.unavailable(scenario, person.employee_id)
    options: list[list[ShiftOption | None]] = [[None] * len(templates) for _ in range(num_days)]
    cost = np.full((num_days, len(templates)), np.inf)
    for option in every:
        n = column.get(option.template.shift_id)
        if n is None or (option.day, option.template.shift_id) in barred_requests:
            continue
        if unavailable.overlap(option):
            continue
        options[option.day][n] = option
        cost[option.day, n] = prices.get((option.day, option.template.shift_id), 0)
    # Ties are broken by noise under half a unit over a whole path, so the unpriced path is
    # still a cheapest one in whole units; the priced paths take a coarser blur (`_Paths`).
    noise = np.random.default_rng(seed)
    cost += noise.uniform(0.0, 0.5 / num_days, cost.shape)
    blur = noise.uniform(0.0, 1.0, cost.shape)
    weight = scenario.weights.preference
    for request in scenario.shift_requests:
        n = column.get(request.shift_id, -1)
        if request.employee_id != person.employee_id or n < 0:
            continue
        if request.kind == AvailabilityKind.PREFER:
            cost[request.day, n] -= weight * request.weight
        elif request.kind == AvailabilityKind.AVOID:
            cost[request.day, n] += weight * request.weight
    minutes = np.zeros(len(templates), dtype=np.int64)
    for row in options:
        for n, known in enumerate(row):
            if known is not None:
                minutes[n] = known.paid_minutes
    keys = [(key, limit) for key, limit in rules.max_shifts]
    limited = np.array(
        [[key == t.shift_id or key in t.tags for t in templates] for key, _ in keys], dtype=bool
    ).reshape(len(keys), len(templates))
    limits = np.array([limit for _, limit in keys], dtype=np.int64)
    # Which template may not start the day after which: named in the rules, or too little rest.
    barred = np.array(
        [
            [
                a.bars_next(b)
                or MINUTES_PER_DAY + b.start - (a.start + a.duration) < rules.min_rest_minutes
                for b in templates
            ]
            for a in templates
        ],
        dtype=bool,
    )
    longest = max(1, rules.max_consecutive_days)
    weekend_of = [-1] * num_days
    for number, weekend in enumerate(scenario.horizon.weekends()):
        for day in weekend:
            weekend_of[day] = number
    runs = _Runs(
        longest,
        min(longest, max(1, rules.min_consecutive_days or 1)),
        max(1, rules.min_days_off or 1),
        rules.max_weekends,
        tuple(weekend_of),
    )
    return _Days(options, column, cost, minutes, limited, limits, barred, blur, runs)


class _Paths:
    """Shortest paths over the days of one person's horizon.

    A state is the run the day ends (working k days in a row, the last shift of a succession
    class; or off j days in a row, capped at the fewest days off a break needs) and, under a
    limit on weekends, the weekends worked so far. Each transition is an edge: work a template,
    or take the day off.
    """

    def __init__(self, scenario: Scenario, days: _Days, guess: float = 0.0) -> None:
        person = scenario.employees[0]
        rules = scenario.rules_for(person)
        self.days = days
        self.guess = guess
        num_templates = days.cost.shape[1]
        # Templates that bar the same followers share a class: the state needs no more.
        rows = [tuple(row) for row in days.barred]
        classes = sorted(set(rows))
        self.class_of = np.array([classes.index(row) for row in rows])
        num_classes = len(classes)
        bars = np.array(classes, dtype=bool).reshape(num_classes, num_templates)
        longest, shortest, rest = days.runs.longest, days.runs.shortest, days.runs.rest
        # Runs of work, then the same for the run the horizon starts with (which may end
        # sooner), then runs of days off, the horizon's start, and a state never reached.
        num_work = longest * num_classes
        self.first_off = 2 * num_work
        origin = self.first_off + rest
        dead = origin + 1
        self.num_states = dead + 1

        def work(k: int, c: int, first: bool = False) -> int:
            return k * num_classes + c + (num_work if first else 0)

        def off(j: int) -> int:
            return self.first_off + min(j, rest - 1)

        # From, to, template (-1 for a day off), kind, and whether it leaves the horizon's
        # start or its first run: those edges serve only the first days.
        edges: list[tuple[int, int, int, int, bool]] = []
        for t in range(num_templates):
            c_to = int(self.class_of[t])
            for k, c, first in itertools.product(
                range(longest - 1), range(num_classes), (False, True)
            ):
                if not bars[c, t]:
                    edges.append((work(k, c, first), work(k + 1, c_to, first), t, _WORK_ON, first))
            edges.append((off(rest - 1), work(0, c_to), t, _BACK, False))
            edges.append((origin, work(0, c_to, True), t, _BACK, True))
        for k, c in itertools.product(range(longest), range(num_classes)):
            if k + 1 >= shortest:
                edges.append((work(k, c), off(0), -1, _OFF, False))
            edges.append((work(k, c, True), off(0), -1, _OFF, True))
        for j in range(rest):
            edges.append((off(j), off(j + 1), -1, _OFF, False))
        # A run of days off the horizon starts with may be short.
        edges.append((origin, off(rest - 1), -1, _OFF, True))
        most = rules.max_weekends
        self.num_weekends = 1 if most is None else most + 1
        self.opening = _Edges(edges, self.num_states, scenario, most is not None)
        self.later = _Edges(
            [e for e in edges if not e[4]], self.num_states, scenario, most is not None
        )
        # The first run ends by day ``longest`` at the latest.
        self.num_opening_days = longest + 1
        self.start = np.full((self.num_states, self.num_weekends), np.inf)
        self.start[origin, 0] = 0.0

    def fit(self, low: int | None, high: int | None) -> list[int] | None:
        """A path whose paid minutes lie within ``[low, high]`` and whose limited templates
        keep their limits: priced, then swapped in (`_swap_into`); while a limit is still
        broken, its templates' shifts cost more and the search runs again. Else the last path
        found. Each entry is the day's template column, or -1 for a day off."""
        days = self.days
        penalty = np.zeros(len(days.limits))
        chosen = None
        for _ in range(ROUNDS):
            base = days.cost + (penalty @ days.limited)[None, :]
            finite = np.abs(base[np.isfinite(base)])
            scale = 2.0 * (float(finite.max()) if finite.size else 0.0) + 1.0
            chosen = self._priced_into(base, low, high, scale)
            if chosen is None:
                return None
            chosen = _swap_into(days, chosen, low, high)
            counts = days.limited @ np.bincount(
                [t for t in chosen if t >= 0], minlength=len(days.minutes)
            )
            over = counts - days.limits
            if (over <= 0).all():
                break
            penalty += np.maximum(over, 0) * scale / max(1, len(chosen))
        return chosen

    def _priced_into(
        self, base: np.ndarray, low: int | None, high: int | None, scale: float
    ) -> list[int] | None:
        """The cheapest path under ``base`` whose paid minutes lie within ``[low, high]``, or
        near enough for swaps to bring them in, as a price per paid minute finds it: the price
        at which the path's minutes cross the bound they break unpriced."""
        minutes = self.days.minutes
        chosen = self.cheapest(base)
        if chosen is None:
            return None
        total = self.minutes_of(chosen)
        rising = low is not None and total < low
        if not rising and (high is None or total <= high):
            return chosen
        bound = low if rising else high
        assert bound is not None
        # The path's minutes fall as the price rises. ``near`` breaks the bound as the
        # unpriced path does; ``far`` is past it. The price grows, doubling, until it crosses,
        # from either side of the last person's (within a fifth of it, most often) or else
        # from a unit of cost a shift; then the two close in by halves.
        near: tuple[float, int] = (0.0, total)
        far: tuple[float, int] | None = None
        unit = (-1.0 if rising else 1.0) / float(minutes.mean())
        ladder = [self.guess * 0.8, self.guess * 1.25] if self.guess * unit > 0 else [unit]
        # Priced, ties are broken by up to a unit a shift: with equal costs on many days the
        # minutes jump by hundreds of shifts at one price, past any window.
        blurred = base + self.days.blur
        best: tuple[float, list[int], int] | None = None
        nearest = (abs(total - bound), chosen)
        narrow = low is not None and high is not None and high - low < 2 * minutes.max()
        for _ in range(BISECTIONS):
            if far is None:
                price = ladder.pop(0) if ladder else near[0] * 2 or unit
                if abs(price) >= scale:
                    far = (math.copysign(scale, unit), 0)
            if far is not None:
                price = (near[0] + far[0]) / 2
            chosen = self.cheapest(blurred + price * minutes[None, :])
            if chosen is None:
                return None
            total = self.minutes_of(chosen)
            self.guess = price
            if (total < bound) if rising else (total > bound):
                near = (price, total)
                nearest = min(nearest, (abs(total - bound), chosen))
                if abs(total - bound) <= SWAPPED_MINUTES and (
                    best is None or abs(best[2] - bound) >= minutes.min()
                ):
                    return chosen
                continue
            far = (price, total)
            if (low is None or total >= low) and (high is None or total <= high):
                cost = float(base[np.arange(len(chosen)), chosen][np.array(chosen) >= 0].sum())
                if best is None or cost < best[0]:
                    best = (cost, chosen, total)
                # Too close to the bound for one more shift (or inside a narrow window): the
                # price need not come nearer.
                if narrow or abs(total - bound) < minutes.min():
                    break
            else:
                nearest = min(nearest, (abs(total - bound), chosen))
        return best[1] if best is not None else nearest[1]

    def minutes_of(self, chosen: list[int]) -> int:
        """Paid minutes of a path."""
        return int(sum(self.days.minutes[t] for t in chosen if t >= 0))

    def cheapest(self, cost: np.ndarray) -> list[int] | None:
        """The cheapest path under ``cost[day, template]`` (None if every path is barred)."""
        num_days = cost.shape[0]
        # Values by day, state and weekends worked: rows of states keep each day's minimum
        # over the edges into a state a reduction over contiguous rows.
        values = np.empty((num_days + 1, self.num_states, self.num_weekends))
        values[0] = self.start
        steps = {
            self.opening: self.opening.steps(cost[: self.num_opening_days]),
            self.later: self.later.steps(cost),
        }
        for day in range(num_days):
            edges = self._edges_on(day)
            moved = values[day][edges.source] + steps[edges][day][:, None]
            charged = edges.charged_edges[day]
            if charged is not None:
                moved[charged, 1:] = moved[charged, :-1]
                moved[charged, 0] = np.inf
            values[day + 1] = np.minimum.reduceat(moved, edges.starts, axis=0)
        end = values[num_days]
        if not np.isfinite(end).any():
            return None
        state, weekends = (int(i) for i in np.unravel_index(int(np.argmin(end)), end.shape))
        chosen = [-1] * num_days
        for day in range(num_days - 1, -1, -1):
            # The edge into the state that the day's best value came through.
            edges = self._edges_on(day)
            into = np.arange(edges.starts[state], edges.end_of(state))
            before = weekends - edges.charged[day, into]
            came = np.full(len(into), np.inf)
            ok = before >= 0
            came[ok] = values[day, edges.source[into[ok]], before[ok]] + steps[edges][day, into[ok]]
            best = int(np.argmin(came))
            edge = int(into[best])
            chosen[day] = int(edges.template[edge])
            weekends, state = int(before[best]), int(edges.source[edge])
        return chosen

    def _edges_on(self, day: int) -> _Edges:
        return self.opening if day < self.num_opening_days else self.later


class _Edges:
    """The transitions of a day as arrays, sorted by the state they lead to."""

    def __init__(
        self,
        edges: list[tuple[int, int, int, int, bool]],
        num_states: int,
        scenario: Scenario,
        weekends: bool,
    ) -> None:
        # A state nothing leads to gets an edge from the last state, which no path reaches,
        # so that every state has an edge into it.
        reached = {edge[1] for edge in edges}
        edges = edges + [
            (num_states - 1, s, -1, _OFF, False) for s in range(num_states) if s not in reached
        ]
        edges.sort(key=lambda e: e[1])
        self.source = np.array([e[0] for e in edges])
        self.target = np.array([e[1] for e in edges])
        self.template = np.array([e[2] for e in edges])
        kind = np.array([e[3] for e in edges])
        self.starts = np.searchsorted(self.target, np.arange(num_states))
        self.working = np.flatnonzero(self.template >= 0)
        # A weekend is worked from its first shift: any shift on its first day, and a shift on
        # a later day after a day off.
        self.charged = np.zeros((scenario.horizon.days, len(edges)), dtype=np.int64)
        if weekends:
            for weekend in scenario.horizon.weekends():
                self.charged[weekend[0]] = kind != _OFF
                for day in weekend[1:]:
                    self.charged[day] = kind == _BACK
        self.charged_edges = [np.flatnonzero(row) if row.any() else None for row in self.charged]

    def steps(self, cost: np.ndarray) -> np.ndarray:
        """Each edge's cost by day: its template's, 0 for a day off."""
        steps = np.zeros((cost.shape[0], len(self.template)))
        steps[:, self.working] = cost[:, self.template[self.working]]
        return steps

    def end_of(self, state: int) -> int:
        """One past the last edge into ``state``."""
        return int(self.starts[state + 1]) if state + 1 < len(self.starts) else len(self.target)


_WORK_ON, _BACK, _OFF = 0, 1, 2
"""Edge kinds: a shift the day after one, a shift after a day off, a day off."""


def _swap_into(days: _Days, chosen: list[int], low: int | None, high: int | None) -> list[int]:
    """Bring a path within its template limits, then its paid minutes within ``[low, high]``,
    by changing one day at a time (its template, or working it or not): each time the
    cheapest change that keeps the runs, successions and weekends and helps without undoing
    the other, while one does."""
    chosen = list(chosen)
    runs = days.runs
    num_days, num_templates = days.cost.shape
    # A day off is the last column.
    cost = np.hstack([days.cost, np.zeros((num_days, 1))])
    minutes = np.append(days.minutes, 0)
    limited = np.hstack([days.limited, np.zeros((len(days.limits), 1), dtype=bool)]).astype(int)
    rows = np.arange(num_days)

    def distance(paid: np.ndarray) -> np.ndarray:
        """How far paid minutes lie outside the window."""
        below = (low - paid) if low is not None else np.zeros_like(paid)
        above = (paid - high) if high is not None else np.zeros_like(paid)
        return np.maximum(0, np.maximum(below, above))

    def fits(day: int, u: int) -> bool:
        """Whether ``u`` (-1 for a day off) on ``day`` keeps successions, runs and weekends."""
        before = chosen[day - 1] if day > 0 else -1
        after = chosen[day + 1] if day + 1 < num_days else -1
        if u >= 0 and (
            (before >= 0 and days.barred[before, u]) or (after >= 0 and days.barred[u, after])
        ):
            return False
        was = chosen[day]
        chosen[day] = u
        fine = runs.fine_near(chosen, day)
        if fine and u >= 0 and was < 0 and runs.max_weekends is not None:
            fine = runs.weekend_of[day] < 0 or runs.weekends_worked(chosen) <= runs.max_weekends
        chosen[day] = was
        return fine

    while True:
        now = np.array([t if t >= 0 else num_templates for t in chosen])
        total = int(minutes[now].sum())
        counts = limited[:, now].sum(axis=1)
        over = counts > days.limits
        gap = int(distance(np.array([total]))[0])
        if not over.any() and gap == 0:
            break
        # Every change of every day at once: its cost, paid minutes and counts after.
        extra = cost - cost[rows, now][:, None]
        after = distance(total + minutes[None, :] - minutes[now][:, None])
        moved = counts[:, None, None] - limited[:, now][:, :, None] + limited[:, None, :]
        usable = np.isfinite(extra)
        usable[rows, now] = False
        # None newly over a limit (nor further over).
        usable &= (moved <= np.maximum(days.limits, counts)[:, None, None]).all(axis=0)
        if over.any():
            # Fewer shifts over a limit, minutes no further out.
            usable &= (moved[over] < counts[over][:, None, None]).any(axis=0) & (after <= gap)
        else:
            usable &= after < gap
        found = None
        for flat in np.argsort(np.where(usable, extra, np.inf), axis=None):
            day, column = divmod(int(flat), num_templates + 1)
            if not usable[day, column]:
                break
            u = column if column < num_templates else -1
            if fits(day, u):
                found = (day, u)
                break
        if found is None:
            break
        chosen[found[0]] = found[1]
    return chosen
