"""The search behind `scheduler.solve.solve`: its phases, each a CP-SAT solve of a model.

A front-office week with breaks runs in phases (a warm start from the counts, the relaxed
staggering cap, a repair, the exact model, people neighbourhoods); demand per shift and day
runs a person-by-person start and neighbourhoods; ``lexicographic`` solves tier by tier. The
README's "How the model works" says why each phase is there.
"""

from __future__ import annotations

import math
import random
import signal
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from ortools.sat.python import cp_model

from scheduler.data import TIERS, Assignment, Office, Scenario
from scheduler.model.construct import assign_to_targets, balance_hours, greedy_roster
from scheduler.model.handout import hand_out_exactly, rehand_whole_groups
from scheduler.model.infeasible import explain_infeasible, find_conflicts
from scheduler.model.linear import LinearSolution, Relaxation, is_linear, solve_linear
from scheduler.model.neighbourhood import (
    KINDS,
    FirstAfter,
    Neighbourhood,
    Neighbourhoods,
    StopOnStalledBound,
    can_build_by_person,
    fix_domains,
    person_by_person,
    restore_domains,
    roster_values,
)
from scheduler.model.options import shift_options
from scheduler.model.params import configure, default_workers
from scheduler.model.roster import BreakPlan, Formulation, RosterModel
from scheduler.model.staffing import ONE_BY_ONE_MOST, StaffingModel
from scheduler.model.subproblem import SubProblem, SubProblems
from scheduler.model.weeks import Weeks, split_weeks, tile_weeks
from scheduler.result import Phase, Progress, Result
from scheduler.verify import verify


class _Recorder(cp_model.CpSolverSolutionCallback):
    """Records each improving valid roster and each improving bound across search phases."""

    def __init__(self, on_progress: Callable[[Progress], None] | None) -> None:
        super().__init__()
        self.history: list[Progress] = []
        self.on_progress = on_progress
        self.started = time.perf_counter()
        self.objective: int | None = None
        self.bound: int | None = None
        self.interrupted = False
        # The phase's model when its rosters may break the exact staggering cap.
        self.check: RosterModel | None = None
        # Whether the phase's bound holds for the real problem (not for a restricted repair).
        self.bound_holds = True
        # The phase's model, to read the shortfall of each improving roster from.
        self.built: RosterModel | None = None
        # The sub-problem of ``built`` the phase solves in its place, if any.
        self.sub: SubProblem | None = None
        self.shortfall_minutes: int | None = None
        self.phase = ""

    def on_solution_callback(self) -> None:
        # A sub-problem numbers its variables afresh: ``built``'s are read through it.
        value = self.value if self.sub is None else self.sub.lookup(self.response_proto.solution)
        if self.check is not None and self.check.break_cap_violations(value):
            return
        objective = round(self.objective_value)
        if self.objective is None or objective < self.objective:
            self.objective = objective
            if self.built is not None:
                self.shortfall_minutes = self.built.shortfall_minutes(value)
            self._record()

    def on_bound(self, bound: float) -> None:
        """Called by the solver when the lower bound improves."""
        # Every objective term is a non-negative cost, so a bound below 0 says nothing.
        bound = max(0, round(bound))
        if self.bound_holds and (self.bound is None or bound > self.bound):
            self.bound = bound
            if self.objective is not None:
                self._record()

    def _record(self) -> None:
        assert self.objective is not None
        # Every objective term is a non-negative cost, so 0 bounds it before the solver does.
        bound = 0 if self.bound is None else min(self.bound, self.objective)
        progress = Progress(
            time.perf_counter() - self.started,
            self.objective,
            bound,
            self.shortfall_minutes,
            self.phase,
        )
        self.history.append(progress)
        if self.on_progress is not None:
            self.on_progress(progress)


@contextmanager
def _stop_on_interrupt(search: _Search) -> Iterator[None]:
    """Turn Ctrl-C into a clean stop that keeps the best roster found so far."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)

    def handler(signum: int, frame: Any) -> None:
        search.recorder.interrupted = True
        if search.solver is not None:
            search.solver.stop_search()

    signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _solve_interruptibly(
    solver: cp_model.CpSolver,
    model: cp_model.CpModel,
    recorder: cp_model.CpSolverSolutionCallback | None,
) -> cp_model.CpSolverStatus:
    """Solve in a helper thread, so the main thread stays free to receive Ctrl-C.

    Python runs signal handlers only in the main thread and only between bytecodes, so a
    solve blocking the main thread would hear Ctrl-C only after its time limit.
    """
    outcome: list[cp_model.CpSolverStatus] = []
    worker = threading.Thread(target=lambda: outcome.append(solver.solve(model, recorder)))
    worker.start()
    while worker.is_alive():
        worker.join(0.1)
    return outcome[0]


def is_day_level(scenario: Scenario) -> bool:
    """Whether demand is stated per shift and day only (no interval demand, no breaks)."""
    return bool(scenario.shift_demand) and not scenario.demand and not scenario.breaks


DAY_LEVEL_SUBSOLVERS = ("max_lp", "default_lp", "quick_restart", "core", "no_lp")
"""Full-problem workers for day-level scenarios, first first (two workers run only the first,
the other thread interleaves CP-SAT's neighbourhood searches)."""


def _tune_for_day_level(solver: cp_model.CpSolver) -> None:
    """Lead with CP-SAT's LP-heaviest worker, and give the full LP to its neighbourhood
    searches too: on day-level cover this relaxation is what gives bounds at all (Curtois
    Instance2 at 20 s: bound 219 with the default worker, proven optimum 828 at 16.8 s with
    max_lp; Instances 3-6 at 30 s: 1002/1720/1348/2260 against 1001 (optimal)/1722/1246/2144;
    Instance8 at 60 s with the LP in the neighbourhood searches too: 1407 against 1616)."""
    parameters = solver.parameters
    parameters.linearization_level = 2
    if parameters.num_workers > 1:
        parameters.subsolvers.extend(DAY_LEVEL_SUBSOLVERS)


def search_roster(
    scenario: Scenario,
    time_limit: float,
    workers: int | None,
    seed: int,
    formulation: Formulation,
    hint: list[Assignment] | None,
    on_progress: Callable[[Progress], None] | None,
    relative_gap_limit: float,
    lexicographic: bool,
    tier_tolerance: float,
) -> Result:
    """The best roster found in ``time_limit`` seconds, by the phases that suit the scenario
    (the parameters are `scheduler.solve.solve`'s)."""
    search = _Search(scenario, formulation, time_limit, workers, seed, relative_gap_limit)
    search.recorder.on_progress = on_progress
    with _stop_on_interrupt(search):
        if lexicographic:
            return _solve_lexicographic(search, hint, tier_tolerance)
        if search.day_level:
            return _solve_day_level(search, hint)
        return _solve_in_phases(search, hint)


def _solve_lexicographic(
    search: _Search, hint: list[Assignment] | None, tolerance: float
) -> Result:
    """Minimise each tier in turn, keeping earlier tiers within ``tolerance`` of their best.

    Each tier gets an equal share of the time left. The status is ``optimal`` only when every
    tier was proven optimal (lexicographically optimal, tolerance allowing).
    """
    scenario = search.scenario
    exact = RosterModel(scenario, search.formulation)
    search.warm_start(exact, hint)
    # The held counts bound the weighted sum, not a tier.
    search.held_proof = None
    tiers = [tier for tier in TIERS if exact.tier_terms[tier]]
    values: Callable[[Any], int] | None = None
    proven = True
    for number, tier in enumerate(tiers):
        expression = exact.tier(tier)
        exact.model.minimize(expression)
        if values is not None:
            # The assignments and breaks only: the last tier's whole solution as the hint did
            # worse (N=100, 60 s: 105,514, its contract tier 73,800, against 92,885).
            exact.model.clear_hints()
            exact.hint_from(exact, values)
        solver = cp_model.CpSolver()
        seconds = max(search.remaining() / (len(tiers) - number), 0.1)
        configure(solver, seconds, search.workers, search.seed)
        search.solver = solver
        code = _solve_interruptibly(solver, exact.model, None)
        search.solver = None
        if code == cp_model.INFEASIBLE and values is None:
            groups = find_conflicts(scenario, seed=search.seed)
            result = search.result(exact, "infeasible", conflicts=[str(g) for g in groups])
            result.conflict_groups = groups
            return result
        if code not in _FOUND:
            proven = False
            break
        values = _frozen_values(solver)
        proven = proven and code == cp_model.OPTIMAL
        best = round(solver.objective_value)
        exact.model.add(expression <= best + math.floor(tolerance * abs(best)))
        if search.recorder.interrupted:
            proven = False
            break
    if values is None:
        return search.result(exact, "unknown")
    result = search.result(exact, "optimal" if proven else "feasible")
    result.assignments = exact.assignments(values)
    result.flex_days = exact.flex_days(values)
    result.report = verify(scenario, result.roster)
    result.objective = result.report.costs.objective
    result.best_bound = result.objective if proven else None
    return result


def _solve_in_phases(search: _Search, hint: list[Assignment] | None) -> Result:
    """Warm start, the held counts' proof, relaxed staggering cap, repair, exact model: see
    the README."""
    scenario, formulation, seed = search.scenario, search.formulation, search.seed
    staggered = _is_staggered(scenario)
    # With a staggering cap, the search runs on its linear relaxation (much faster to good
    # rosters); the breaks of its roster are then re-placed under the exact cap, and the
    # exact model goes on from there. Restarting the relaxed search in rounds cost more than
    # it gave (N=100: 2.2M against 0.24M at 60 s).
    first = RosterModel(scenario, formulation, relax_break_cap=staggered)
    search.warm_start(first, hint)
    search.prove_held(first)
    if search.proven():
        return _best_result(search, first)
    share = RELAXED_SHARE
    back = _has_back_office(scenario)
    if search.decomposed:
        share = BACK_OFFICE_RELAXED_SHARE if back else DECOMPOSED_RELAXED_SHARE
    if not staggered:
        share = 1
    past_a_week = scenario.horizon.days > 7
    if (
        staggered
        and search.decomposed
        and back
        and (past_a_week or not _leaves_demand_short(search))
    ):
        # Where the start leaves nothing short the relaxed search recorded nothing in fifteen
        # runs of fifteen (N=100-400, 60 s: 4-9 s each), and its rosters that broke the exact
        # cap, repaired, gained in two runs of eight (150 and 1,710 at N=100); the start's
        # breaks and back-office days are re-placed at once instead, on the exact model the
        # neighbourhoods then use, and the time goes to them. On a short floor (the sample
        # week, three runs) the repaired relaxed rosters gained 188, 149,544 and 262,073, so it
        # keeps the relaxed phase; past a week it found nothing there either (a month with
        # Christmas, N=100 at 120 s, its start 15-240 minutes short: five runs of five, 3-18 s
        # each), so the neighbourhoods mend what is short.
        exact = RosterModel(scenario, formulation)
        search.repair(exact)
        code = int(cp_model.UNKNOWN)
    else:
        exact = None
        code = search.run(
            first,
            search.remaining() * share,
            staggered,
            phase="relaxed" if staggered else "whole",
            subsolvers=(
                BOUND_LED_SUBSOLVERS
                if search.decomposed and search.bound_far(BOUND_LED_GAP)
                else ()
            ),
        )
    if code == cp_model.INFEASIBLE:
        groups = find_conflicts(scenario, seed=seed)
        result = search.result(first, "infeasible", conflicts=[str(g) for g in groups])
        result.conflict_groups = groups
        return result
    relaxed = search.last if code in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None
    relaxed_valid = search.last_valid
    if relaxed is not None and not relaxed_valid:
        exact = RosterModel(scenario, formulation)
        search.repair(exact, (first, relaxed))
    solved_exactly = code == cp_model.OPTIMAL and relaxed_valid
    if staggered and not solved_exactly:
        # A day-window large-neighbourhood search here was measured and dropped: N=100
        # 330k and N=200 9.0M against 233k-295k and 8.6M for the plain exact model. From
        # the counts-first start, people neighbourhoods pay (see DECOMPOSED_RELAXED_SHARE).
        if exact is None:
            exact = RosterModel(scenario, formulation)
        if search.decomposed:
            # Where the start leaves demand short: where it met it, people's own costs are
            # what is left, which windows do not reach (N=200 over two weeks: 368,110 with
            # them against 353,440 without, nothing short). Measured on the front office
            # alone: with a back office the start comes later, and its runs spread too widely
            # for one run to tell (N=100 over four weeks: 138-168 k, and 481 k in a trace).
            windows = past_a_week and not back and _leaves_demand_short(search)
            search.improve_by_neighbourhoods(
                exact,
                _people_kinds(search) + (("days", "costly") if windows else ()),
                NEIGHBOURHOOD_PEOPLE,
                DECOMPOSED_NEIGHBOURHOOD_SECONDS,
                days=WINDOW_DAYS_PAST_A_WEEK if windows else None,
            )
        search.improve(exact)
    return _best_result(search, first)


def _people_kinds(search: _Search) -> tuple[str, ...]:
    """The people neighbourhoods of the decomposed search: random people, and where the best
    roster leaves no demand short, people drawn half by their own cost as well.

    On a short floor coverage is the cost, not people's own: the sample week (3.5 h short) ended
    at 252,797-343,195 with the costly kind, against 221,942 without, at seeds 0-2."""
    if _leaves_demand_short(search):
        return ("people",)
    return ("people", "costly_people")


def _leaves_demand_short(search: _Search) -> bool:
    """Whether the best roster leaves some demand short (True while there is no roster)."""
    if search.best is None:
        return True
    built, value = search.best
    return any(value(var) for var, _ in built.tier_terms["shortfall"])


def _best_result(search: _Search, first: RosterModel) -> Result:
    """The best valid roster found, verified; "optimal" when a valid bound meets it."""
    scenario = search.scenario
    # Stopped first, so the bound that decides "optimal" is the last one taken.
    search.end_beside()
    search.take_relaxed_bound()
    if search.best is None:
        return search.result(first, "unknown")
    built, value = search.best
    proven = search.recorder.bound is not None and search.recorder.bound >= search.best_objective
    result = search.result(first, "optimal" if proven else "feasible")
    result.assignments = built.assignments(value)
    result.flex_days = built.flex_days(value)
    result.report = verify(scenario, result.roster)
    # A roster cut short by the time limit may carry slack in its cost variables (a shortfall
    # or deviation above what the roster really has); its true cost is the verifier's. A
    # verifier cost above the solver's would be a disagreement, so that one is never hidden.
    result.objective = min(search.best_objective, result.report.costs.objective)
    result.best_bound = min(search.recorder.bound or 0, result.objective)
    return result


def _solve_day_level(search: _Search, hint: list[Assignment] | None) -> Result:
    """Demand per shift and day: a person-by-person start, the whole model for a share of the
    time (a proof on small scenarios, a first roster where the start found none), then
    neighbourhoods for the rest."""
    scenario = search.scenario
    built = RosterModel(scenario, search.formulation)
    start = hint
    if start is None and can_build_by_person(scenario):
        start = person_by_person(
            scenario,
            BUILD_SECONDS_EACH,
            search.seed,
            search.out_of_time,
            workers=search.workers or default_workers(),
            budget=search.remaining() * START_SHARE,
        )
    if start is not None:
        search.adopt(built, start)
    if hint is not None and search.best is not None:
        # Only a given roster is a hint: hinted with the person-by-person start, the whole
        # model stayed near it (Instance8: 5885 against 1506 unhinted after 28 s).
        search._hint(built)
    small = len(built.x) <= SMALL_MODEL_ASSIGNMENTS
    code = int(cp_model.UNKNOWN)
    if small or search.best is None:
        share = SMALL_WHOLE_MODEL_SHARE if small else WHOLE_MODEL_SHARE
        code = search.run(built, search.remaining() * share, phase="whole")
    if code == cp_model.INFEASIBLE:
        conflicts = explain_infeasible(scenario, seed=search.seed)
        return search.result(built, "infeasible", conflicts=conflicts)
    if code != cp_model.OPTIMAL:
        built.model.clear_hints()
        # Beside the neighbourhoods: beside the start or the whole model, the LP took the core
        # they use (Instance9 at 60 s: 558 and bound 39 against 457 and 179).
        best = search.best_objective if search.best is not None else None
        if _relaxed_bound_pays(search.recorder.bound, best, len(built.model.proto.variables)):
            left = search.remaining()
            integral = left >= INTEGER_BOUND_FROM
            search.bound_beside(
                Relaxation(built.model, integral),
                left * RELAXED_BOUND_SHARE,
                left * INTEGER_BOUND_SHARE if integral else 0.0,
            )
        search.improve_by_neighbourhoods(built)
    return _best_result(search, built)


RELAXED_MOST = 70_000
"""Most variables of a day-level model whose LP relaxation HiGHS solves beside the
neighbourhoods, for its bound (Curtois Instances 10-12: 4,616, 3,418 and 3,628 in 4-10 s,
optima 4,631, 3,443 and 4,040, where CP-SAT's bound was still 0 at 60 s; Instance21's 156 k
variables would take longer to convert than the neighbourhoods can spare)."""
CLOSE_BOUND = 0.99
"""A bound at this share of the best roster or above leaves the LP nothing worth its core.

The recorder keeps the higher of the two bounds, so the LP runs wherever CP-SAT's may be the
weaker: CP-SAT's bound grows with the whole model's time, and once it passed 5 % of the roster
(the rule before) it kept the LP out where it was far weaker (Instance10 at 600 s: 2,599 after
the whole model's 29 s, where the LP gives 4,616 in under a second; optimum 4,631)."""


def _relaxed_fits(num_variables: int) -> bool:
    """Whether HiGHS takes a model of ``num_variables`` in time for the LP beside the
    neighbourhoods (`RELAXED_MOST`)."""
    return num_variables <= RELAXED_MOST


def _relaxed_bound_pays(bound: int | None, best: int | None, num_variables: int) -> bool:
    """Whether to solve the LP relaxation beside the neighbourhoods: a model HiGHS takes in
    time (`_relaxed_fits`) whose bound is not yet close to the best roster (`CLOSE_BOUND`)."""
    if not _relaxed_fits(num_variables):
        return False
    return best is None or bound is None or bound < CLOSE_BOUND * best


RELAXED_BOUND_SHARE = 0.5
"""Most share of the time left for that LP (HiGHS cannot be stopped before its limit)."""
STOP_BESIDE_SECONDS = 1.0
"""Most time the end of a search waits for what runs beside it to stop."""
INTEGER_BOUND_FROM = 300.0
INTEGER_BOUND_SHARE = 0.25
"""With at least this many seconds left for the neighbourhoods, HiGHS's branch and cut over
the LP's rows follows the LP on the same core, for up to this share of them (stopped when the
search ends): its root cuts took a minute of one core to reach Curtois Instance12's optimum as
a bound (4,040, where the LP gives 3,628), a minute a 60 s run does not have to spare."""
BUILD_SECONDS_EACH = 0.3
"""Time for one person's schedule in the person-by-person start, per four weeks of horizon
(most need 0.05 s)."""
START_SHARE = 0.4
"""Share of the time left after building the model that the person-by-person start aims to
fit in: when its pace says it will not, people are solved side by side, each with less time
(a person still gets their first schedule, so a year of 150 people can take longer)."""
WHOLE_MODEL_SHARE = 0.05
"""Share of the time after the start for the whole day-level model, before neighbourhoods
(past `SMALL_MODEL_ASSIGNMENTS`), where it is needed: for a first roster when the start found
none. Elsewhere it is skipped: on Curtois Instances 8-12 it never found a roster in its
2.7-2.8 s (60 s runs), and the LP's bound is at least as high (8: 1,232 against 1,221-1,225).
On models too large for the LP beside the neighbourhoods (`RELAXED_MOST`) it ran for its bound
until the thirty-fourth session, but that bound stayed 0 in every recorded run of Instances
21-24 (300-600 s), and on Instance21 (300 s, seed 0) it found no roster in its 9.4 s either.
Without it, 60 s runs over seeds 0-5 (2026-12-01) had mean gaps of 19.7, 7.8, 2.2, 2.3 and
19.4 % on 8-12 (51.4 points) against 16.1, 10.8, 2.6, 2.9 and 23.1 % (55.5) over seven runs
of the code with it: within the runs' spread, and the phase's time goes to the neighbourhoods.

Curtois Instances 8-12 at 60 s: the neighbourhoods improve faster than the whole model
(share 0.5: 8: 1416, 10: 5163; share 0.1: 8: 1451, 10: 4650, 11: 3455, 12: 4503-4733). With
0.05 against 0.15 (Intel Xeon, seeds 0-3, 2026-11-30) the gaps on 8-12 summed to 163 points
against 242: 8 1,349-1,541 against 1,368-1,734, 9 450-469 against 454-580, 11 3,450-3,463
against 3,454-3,671, 12 4,513-5,479 against 4,634-5,233; on 1-7 1-3 were still proven and 4-7
ended within 0.2 %. The whole model's bound weakens where it was the better one (8: 1,221-1,225
against 1,277; 9: the LP's 39 against 179-261).
"""
SMALL_MODEL_ASSIGNMENTS = 2_000
SMALL_WHOLE_MODEL_SHARE = 0.9
"""A day-level model of at most this many assignment literals gets the whole model for this
share of the time after the start: CP-SAT's full search proves such models where the
neighbourhoods stall short of the optimum.

Curtois Instance7 (1,560 literals; optimum 1,056) at 600 s, seeds 0 and 1: proven optimal at
171 s and 210 s, where the neighbourhoods' 600 s runs ended at 1,058-1,061. At 60 s, seeds 0
and 1: 4-6 proven (10-39 s; before, 1,718, 1,143 and 1,951 unproven) and 7 at 1,060-1,061
(1,058-1,069 with neighbourhoods). From Instance8 (3,120 literals) on, the neighbourhoods find
rosters as good (up to 4,000 literals, 8 and 9 at 60 s over four seeds: within the noise).
"""
SIDEWAYS = True
NEIGHBOURHOOD_SECONDS = 3.0
"""Most time for re-solving one neighbourhood (1.5 s and 6 s did worse on Instances 9, 12).

Two neighbourhoods at a time, each on a copy of the model with one worker, did worse at 60 s
(seeds 0 and 1; Instances 8, 10, 11, 12: 1513/1519, 4655/4655, 3552/3553, 4818/4770 against
1421/1434, 4648/4740, 3444/3452, 4627/4907 one at a time with two workers). Re-measured with
the thirty-third session's kinds and sizes, since one worker proves a 7-day window of
Instance9 as fast as two: mean gaps 1.8 %, 4.1 % and 4.4 % on 8, 9 and 12 against 1.9 %,
7.2 % and 3.1 %, within the noise; on 14-day windows, which run to their cap, only the second
worker's neighbourhood searches found better rosters (benchmarks/HISTORY.md, thirty-third
session)."""
MIN_NEIGHBOURHOOD_SECONDS = 0.05
"""The least time a neighbourhood's gain per second is measured over, so that a sub-problem
proven at once does not get an unbounded rate."""
SUB_PROBLEM_VARIABLES = 200_000
"""From this many variables a day-level model's neighbourhoods are solved as models of their
own (`scheduler.model.subproblem`). Curtois at 600 s, seed 0, against the whole model fixed on
the same day: Instance23 (391 k variables) 57,148 against 66,264 and 75,343. Below, they did
not pay: Instance22 (140 k) 44,456 against 41,224 and 42,423; Instance21 (116 k) at 300 s
25,615 against 27,188 and 25,077."""
EVALUATIONS_PER_NEIGHBOURHOOD = 4
"""A neighbourhood gets at least this many times what evaluating a fixed roster took."""
RELAXED_SHARE = 0.7
DECOMPOSED_RELAXED_SHARE = 0.1
NEIGHBOURHOOD_PEOPLE = 10
DECOMPOSED_NEIGHBOURHOOD_SECONDS = 2.0
"""From a counts-first start, the relaxed search gets this share and people neighbourhoods
of about this many people, re-solved for up to these seconds each, the rest.

At 60 s, seeds 0 and 1: N=100 0.10 M and 0.10 M (no shortfall) against 0.15 M and 0.20 M with
0.7 and no neighbourhoods; N=200 0.23-1.6 M and 0.48 M against 0.33 M and 0.57 M. Once the
hand-out met the counts, the relaxed search added little to its start (N=100: nothing in 20 s),
and the time went to the staffing model instead (see STAFFING_SHARE).
"""
"""Share of the time limit for the search on the relaxed staggering cap."""
WINDOW_DAYS_PAST_A_WEEK = 1
"""First size of the day windows (everyone, their breaks too) that share the decomposed
search's neighbourhoods with the people ones past a week, on a front office alone where the
start leaves demand short.

There a people neighbourhood frees a whole week's breaks, and over four weeks nearly every one
was cut short at its 2 s, whatever its size (N=100, 120 s: 22 of 25 with ten people, 18 of 19
halving to one); a day's window is proven in well under a second and moves a shift within a
day (N=100 over four weeks, 120 s: 646,890 and 659,130 against 758,010-887,555 in six runs
without)."""
REPAIR_SECONDS = 3.0
"""Most time for re-placing one roster's breaks under the exact cap."""
MIN_REPAIR_SECONDS = 1.0
"""Time granted to re-placing breaks even when the time limit has run out."""
DECOMPOSE_FROM = 15
"""Front-office people from which the warm start decides counts first (see staffing.py).

At N=100 (60 s, seeds 0 and 1) counts first ended at 0.43 M and 0.17 M, the roster model
alone at 0.61 M and 1.68 M. With the sets of days it pays for small floors too: the
generated N=50 at 60 s, seeds 0 and 1, 109 k and 94 k against 385 k and 197 k; the 19-person
sample at 20 s, seeds 0-3, 241 k, 315 k, 280 k and 294 k against 373 k, 372 k, 389 k and
389 k."""
STAFFING_SHARE = 0.3
"""Share of the time limit for the staffing model of the warm start.

With the exact hand-out the roster starts within a few percent of the staffing solution, so
a better staffing solution pays straight through (60 s, seeds 0 and 1, relaxed share after it):
0.1 and 0.35: N=100 147 k, 137 k, N=200 243 k, 197 k; 0.2 and 0.2: 124 k, 133 k, 261 k, 207 k;
0.3 and 0.1: 94 k, 97 k, 182 k, 212 k; 0.4 and 0.05: 97 k, 127 k, 250 k, 232 k. Once the
re-hands met the counts in seconds, 0.45 against 0.3 paid at 60 s (N=100 96 k and 96 k
against 117 k and 103 k, bounds 90.0 k and 89.4 k against 86.8 k; N=200 198 k and 190 k
against 214 k and 186 k; N=400 357 k and 384 k against 363 k and 348 k) but not on the large
floors, which need the time for the neighbourhoods (N=800 at 120 s: 772 k against 734 k;
N=1600 at 300 s: 1.54 M, first roster at 144 s, against 1.38 M at 80 s).
"""
BACK_OFFICE_RELAXED_SHARE = 0.35
"""`DECOMPOSED_RELAXED_SHARE` with a back office (N=200 and 400 with 40 % back office, 60 s:
94 k and 355 k against 153 k and 437 k with 0.3 and 0.1). The back office once had 10 % for
its staffing model, when that model left the cross-trained people's weeks to the roster
search; since their patterns hold flex days it takes `STAFFING_SHARE` too (N=100: 106-138 k
with 10 %, 51-66 k with 20-30 %). From a counts-first start that leaves nothing short it
found nothing, so it runs only where that start found no roster or leaves demand short (see
`_solve_in_phases`)."""
BOUND_LED_GAP = 0.1
BOUND_LED_SUBSOLVERS = ("lb_tree_search",)
"""From a counts-first start whose best roster is more than this share above the recorded bound,
the relaxed phase's full worker is CP-SAT's bound-led tree search: on a short floor the counts
bound little of what people cannot cover, and the relaxed phase is where the bound comes from.
The sample week's relaxed model (dumped at the phase's start, 11 s, two workers, seeds 0-7):
above the counts' 173,805 in eight solves of eight (204,640-219,582), against three of eight
with CP-SAT's default lead (216,259-220,315; the others stopped at 141,713-170,463), the same
rosters (221,942-222,010) either way. In 60 s runs, with the held proof left out there too
(see `_Search.prove_held`), the bound came to 198,745-221,207 in nine runs at seeds 0-6,
against 173,805-221,094 in ten runs at seeds 0-3 before (173,805, the counts', in three)."""
HOLD_ABOVE = 1.25
"""The second staffing solve holds the real staggering cap only at intervals where too few
people to break at all would cost this many times the first solve's bound in shortfall, so
that its bound holds for the roster (see `StaffingModel.hold_breaks_where_busy`)."""
FIRST_GAP = 0.5
"""The first staffing solve goes on past `FIRST_STAFFING_SHARE` (up to half the staffing time)
until its counts are within this share of its bound."""
FIRST_STAFFING_SHARE = 0.075
"""Most share of the time limit for the staffing model's first solve (its bound, the guard and a
hint); the held solve gets the rest of the staffing time (with a back office, whose staffing time
is shorter, each gets half).

The held solve needs its first counts before the day-at-a-time polish can start. On a slower
machine (Intel Xeon, 2026-11-29: first rosters at 31-39 s where the AMD EPYC gave 19-32 s) half of
the staffing time for the first solve left the held one none for the polish (N=200: the held
counts at 15.2 M against an optimum of 175,920; the roster 192,275). With 7.5 % of the limit, at
60 s, seeds 0 and 1: N=100 91,685 and 91,685 against 92,885 and 116,315; N=200 182,120 and
191,120 against 192,275 and 178,520; N=400 358,970 and 363,170 against 387,770 and 384,770."""
HELD_WHOLE_SHARE = 0.2
DAY_WINDOW_SECONDS = 1.0
"""The held staffing model is solved whole for this share of its time (longer if it has no
solution by then: its first counts and bound), then a day at a time for up to these seconds
each.

Whole, CP-SAT stalled far from the held optimum (N=100, 16 s, seeds 0-2: 108,705, 104,595 and
139,905 against 90,885; N=200, 9 s: one run of six at 193,545 against 175,920); a day at a time
reached the optimum in 7-10 s at N=100 and 4-5 s at N=200 in every run.

A window is solved without CP-SAT's presolve, which took most of its time: replayed from a dumped
held model with a back office (N=100, seed 1, the polish's 7.5 s) the windows took 0.07-0.19 s
against 0.30-0.43 s, and the polish reached 25,500 at 3.0 s against 7.0 s.

Over four weeks it is the other way round: without presolve the search propagates through every
fixed day's constraints, and half the windows ran to their cap (N=100, 28 days, replayed from a
dumped held model, 23 s: 545,715 against 363,540 with presolve, where every window was proven
in 0.1-0.5 s). Over one and two weeks presolve only cost time (the same counts, 10.0 s against
6.1 s over 14 days). So windows are presolved once one runs to its cap unproven.
"""
HELD_GRACE_SHARE = 0.15
"""The held staffing model's whole phase goes on past the held time until its first counts, for
up to this share of the limit more (and a quarter of the time then left after it); late counts get
the polish's share of the held time from when they come. Four weeks with a back office (N=100,
120 s) found their first held counts 25 s into the held solve's 18 s: without them the start
handed out the first counts without sets of days, 203-272 k over six runs; with them, at 42-46 s,
the polish took them to 117,900-118,200 against a bound of 117,720 and the roster ended at
172-201 k. Elsewhere the first counts came on time and nothing changed."""
HELD_FIRST_GAP = 0.9
"""The held staffing model's whole phase goes on past `HELD_WHOLE_SHARE` until counts within this
share of its bound (under ten times it): a first dive that left most of the demand short
(N=100 with a back office, seed 1: 11-14 M against a bound of 25,410, in about one run of six)
was more than the polish could mend in its time (replayed: 28,680 to 1.5 M where the others
reached 25,470-26,505), and CP-SAT's next counts came within half a second."""
MOST_DAYS_POLISHED = 1
"""The widest window of days `_Search.polish_by_days` re-solves without a back office: a round
of windows of one day reached the held optimum at N=100, 200, 400 and 800, where windows of two
to four days added nothing."""
BACK_OFFICE_MOST_DAYS_POLISHED = 2
"""The widest window with a back office, whose cross-trained groups' weeks tie a day's counts
to the others' (N=200: one-day windows stopped at 44,550, two-day ones reached 42,300 against
the optimum of 42,270 in 10 s; the roster at 60 s then ended at 42,724-43,024 against
44,900-45,380)."""
BOUND_SHARE = 0.35
"""Most of the time limit for proving the held optimum from the polished counts, once the
starting roster is there (a proof that ends early leaves the rest to the roster search).

With CP-SAT's full linear relaxation the proof took 1-2.4 s at N=200, 3.4-8.8 s at N=400 (6.7 s
without it), 11-40 s at N=800 and 8-29 s at N=100, where the bound is most of the gap. As 15 %
of the limit before the start, it ended unproven at N=100 (bound 87.4-89.9 k against 90,885)
and N=400 (7.9 %), and a share of 0.3 there delayed the first roster at N=1600 to 193 s.
"""
BACK_OFFICE_BOUND_SHARE = 0.2
"""The same with a back office, where only CP-SAT proves it: at 60 s seed 0 the proof priced
the weekend spread into the bound (N=200: 42,225 -> 42,640-42,670, the held optimum with the
spread being 42,670; N=400: 98,205 -> 98,567 proven in 5-9 s; N=100: 29,430 -> 29,792
unproven), and every second of it is one the roster search does not get. Its counts are
handed out too where they are cheaper than a roster that leaves no demand short (forty-seventh
session: at 60 s, N=100 seeds 0-2 29,884, 25,894 and 28,742 against 29,914, 26,194 and 29,210
in the same hour; N=200 seed 1 44,374 and 44,404 against 44,674-44,854 in every earlier run;
N=400 seed 0 99,005 against 99,485; none worse in nine runs; the seventeenth session's
hand-out, before it went day by day, had given no better roster and run 11 s past the
limit)."""
BACK_OFFICE_BOUND_PATIENCE = 0.07
"""With a back office the held proof ends once its bound has not risen for this share of the
limit (4.2 s at 60 s): its bound stopped rising after 3.8-8.3 s of its 12 s at N = 100-400,
all but 1-2 of it after at most 2.9 s without a rise, and the rest of the time is the
roster's (`prove_held`)."""
UNPROVEN_BOUND_PATIENCE = 0.07
"""The same patience for the front office's proof where the held counts were not proven, and
there without HiGHS: on four weeks (N=100, 120 s) HiGHS held the proof for its 44 s, the bound
rising by 0.3 %, and with the patience the proof ended at 28 s and the roster came to 1.91 M
against 2.19 M; on two weeks and at N=1600 the bound kept rising and the proof ran as before
(14 days: 179,985 against 178,995 with HiGHS)."""
FAR_GAP = 0.1
"""Where the best roster is this share or more above the recorded bound and the held counts
are unproven, the proof does not run: a bound that rises by a fraction of a per cent closes
nothing of such a gap, and the time is the roster search's. On four weeks (N=100, 120 s) the
proof ran 16-35 s for a bound of 346,365-348,540 against 346,140, and the roster ended at
540-571 k; without it, at 449-497 k. Near the bound the climb is worth its time: at N=1600
(300 s) it is most of the gap."""
BACK_OFFICE_BOUND_SUBSOLVERS = ("max_lp", "default_lp")
"""The proof's workers with a back office, LP-heaviest first: at 60 s seed 0 the bound came to
29,792 at N=100 (29,630 with CP-SAT's default workers, in 12 s and in 21 s), to 42,670 at
N=200 in 12 s (the default workers proved it in 7.6 s) and to 98,567 at N=400 in 5-9 s (10.1
s). HiGHS beside one CP-SAT worker (as without a back office) gave 29,792 and 42,640."""
EXACT_SHARE = 0.15
"""Most of the time limit for the spread-priced counts with small groups one by one (see
`_Search._exact_small_groups`)."""
BACK_OFFICE_BALANCE_DAYS = 14
"""With a back office the hand-out balances the hours toward the contracts (`balance_hours`,
before and after the re-hands) only over horizons longer than this. Over one week the re-hands,
with twice the share, bring the hours to the contracts themselves (N=100, 60 s, three runs each:
30.5-32.4 k without the balancing, 32.7-34.1 k with it; N=200 and 400 alike either way); over
two weeks too (N=100, 120 s, two runs each: starts of 60.0-61.9 k and rosters of 59.8-61.0 k
without, 63.1-70.3 k and 60.2-60.7 k with). Over four weeks they left the front office 145 h off
its contracts in the start, and the balancing 38 h (N=100, 120 s: starts of 233-250 k against
155 k, rosters of 172-207 k against 138-153 k; at 300 s starts of 182 k against 153 k, but
rosters of 123-126 k against 121-134 k, three runs each)."""
HAND_OUT_SHARE = 0.15
"""Least time for handing the counts to people (more if the staffing model finished early);
used only while counts are missed (N=400, 60 s: 2 runs of 4 left 3 and 6 counts missed with
3.8 s, for 1.5-2.5 h short at the end).

Re-handing each profile group with CP-SAT before the ejection chains as well did not pay (N=400:
4 counts missed at the end against 1 without; N=800: 0 either way, 8 s against 4 s)."""
BACK_OFFICE_HAND_OUT_SHARE = 0.2
"""The same with a back office, where the re-hands also move the cross-trained to the office they
prefer and were still gaining at 15 % (N=400, generator seed 1: the front office's hours 203 ->
33 h off the contracts in 9 s, 9 h in 18 s). At 60 s, generator seeds 0 and 1, N=200 and 400:
43,850, 106,745, 46,144 and 106,925 against 47,014, 165,710, 52,939 and 169,114 with 15 %; the
front office alone gained nothing clear from it (N=800 at 120 s: 677,225 against 673,025).
Since the greedy hand-out goes day by day (`assign_to_targets`) the re-hands start closer, and
20 % beat 30 % in seven runs of seven (N=100-400, interleaved; 443,760 against 449,192 summed)."""
BALANCE_SHARE = 0.05
"""Most share of the limit for moving shifts toward the contracts after the re-hands (N=400:
from 361.5 h off contract to 349.5 h; N=800 from 746.5 h to 700.5 h in 0.2 s)."""
_FOUND = (cp_model.OPTIMAL, cp_model.FEASIBLE)
WEEK_SHARE = 0.5
"""Most share of the time limit for solving the distinct weeks alone (see
`start_from_weeks`); a week ends sooner when within `WEEK_GAP` of its bound (N=100 and 200 at
120 s, a repeated week: 13-18 s of the 42)."""
WEEK_GAP = 0.0025
"""A week alone stops within this share of its bound."""
MIN_WEEK_SECONDS = 10.0
"""Least time for each distinct week alone, above its part of `WEEK_SHARE` where there are
several, but at most `MIN_WEEK_SHARE` of the limit (N=200 at 60 s, a month with Christmas:
the New Year's week alone was 305 h short at 7.5 s, none at 10 s and 12 s). A fifth of the
limit for each, 24 s at 120 s, left less for the horizon than its part: four weeks at N = 200
ended at 0.99-4.21 % against 0.73-1.36 % (three runs each)."""
MIN_WEEK_SHARE = 0.2
"""See `MIN_WEEK_SECONDS`."""
MIN_BACK_OFFICE_WEEK_SECONDS = 20.0
"""`MIN_WEEK_SECONDS` with a back office, whose held counts need more than 5 s to their first
solution (N=100, the Christmas week: none in 3.0 s at a 10 s limit nor in 4.7 s at 15 s; at
20 s at 8.8 s, and the week proven). A month with Christmas, N=100, seeds 0-2: at 60 s (12 s each)
21.6 %, 52.2 % and 9.7 % against 57.2 %, 55.5 % and 11.6 % with 10 s; at 120 s (30, 20 and
20 s) 11.1 %, 10.0 % and 4.7 % against 9.0 %, 15.6 % and 4.3 % with 30, 15 and 15 s."""
MOST_WEEK_KINDS = 3
"""Most distinct weeks solved alone; a horizon with more starts from the counts over it.

With a back office too: a month with Christmas, seeds 0-2, ended at 4.7-11.1 % (N=100) and
17.0-24.2 % (N=200) at 120 s, nothing short, against 63.7-76.9 % and 29.1-83.4 % from the
counts, up to 41.5 h short; at 60 s (N=100) at 9.7-69.3 % in six runs, up to 10.75 h short,
against 67.6-89.5 % and up to 42.5 h. One run of the seventy-first session (seed 1, 120 s,
each week at least 10 s) ended 255.75 h short."""
WARM_START_SHARE = 0.1
"""Share of the time limit, at most, for placing the breaks of the starting roster."""
BACK_OFFICE_START_SHARE = 0.2
"""The same with a back office (see `_Search._start_from`)."""


class _Search:
    """Runs the phases of a solve on one clock and keeps the best valid roster."""

    def __init__(
        self,
        scenario: Scenario,
        formulation: Formulation,
        time_limit: float,
        workers: int | None,
        seed: int,
        relative_gap_limit: float,
    ) -> None:
        self.scenario = scenario
        self.formulation = formulation
        self.time_limit = time_limit
        self.workers = workers
        self.seed = seed
        self.relative_gap_limit = relative_gap_limit
        self.recorder = _Recorder(None)
        self.started = time.perf_counter()
        self.best: tuple[RosterModel, Callable[[Any], int]] | None = None
        self.solver: cp_model.CpSolver | None = None
        self.last: Callable[[Any], int] | None = None
        self.last_valid = False
        # The status of the last phase run.
        self.last_code = int(cp_model.UNKNOWN)
        self.best_objective = 0
        self.day_level = is_day_level(scenario)
        # Every variable's value in the best roster, and the model it solves: a complete hint
        # is taken as a first solution at once, where one of the assignments (and breaks)
        # alone had to be repaired first (Instance12: 0.6 s of a 3 s neighbourhood).
        self.best_solution: tuple[RosterModel, list[int]] | None = None
        # Whether a roster as good as the best replaces it (a step along a plateau).
        self.sideways = False
        # Whether the starting roster came from the counts-first decomposition.
        self.decomposed = False
        # Seconds CP-SAT took to evaluate the adopted roster with every decision fixed: what
        # any neighbourhood costs before it searches.
        self.evaluation_seconds = 0.0
        # The held staffing model, its polished counts and its guard, kept for `prove_held`.
        self.held_proof: tuple[StaffingModel, list[int], int | None, bool] | None = None
        # The least cost of the intervals the staffing model holds to the real break cap, if any.
        self.hold_least: int | None = None
        # The bounds solved beside the search, as they come (see `bound_beside`).
        self.relaxed_bound: list[int | None] = []
        # Set when the search ends: what runs beside it stops.
        self.finished = threading.Event()
        # The thread of the branch and cut beside the search, if one runs (see `end_beside`).
        self.beside: threading.Thread | None = None
        # Whether HiGHS solves the held counts too (see staff_then_assign).
        self.linear_held = False
        # Seconds the first counts' hand-out and the start from its roster took (see
        # `prove_held`).
        self.hand_out_seconds = 0.0

    def remaining(self) -> float:
        """Seconds left of the time limit."""
        return max(0.0, self.time_limit - (time.perf_counter() - self.started))

    def bound_beside(
        self, relaxation: Relaxation, seconds: float, integer_seconds: float = 0.0
    ) -> None:
        """Solve an LP relaxation of the problem in another thread (HiGHS lets go of the
        interpreter), then for ``integer_seconds`` its branch and cut until the search ends;
        each bound is taken in when the next phase starts or the search ends."""
        found: list[int | None] = []

        def bounds() -> None:
            found.append(relaxation.bound(seconds))
            relaxation.integer_bound(integer_seconds, found.append, self.finished.is_set)

        self.relaxed_bound = found
        thread = threading.Thread(target=bounds, daemon=True)
        # Only the branch and cut hears the stop; the LP before it is left to end on its own.
        self.beside = thread if integer_seconds > 0 else None
        thread.start()

    def end_beside(self) -> None:
        """Stop the branch and cut beside the search, waiting a moment for its last bound."""
        if self.finished.is_set():
            return
        self.finished.set()
        if self.beside is not None:
            # HiGHS hears the stop when it next asks (up to 12 s later in Instance12's root):
            # past `STOP_BESIDE_SECONDS` it is left to end in its daemon thread.
            self.beside.join(STOP_BESIDE_SECONDS)

    def take_relaxed_bound(self) -> None:
        """Record the highest bound solved beside the search so far, if any."""
        found = [self.relaxed_bound.pop() for _ in range(len(self.relaxed_bound))]
        bound = max((b for b in found if b is not None), default=None)
        if bound is not None:
            holds, self.recorder.bound_holds = self.recorder.bound_holds, True
            self.recorder.on_bound(bound)
            self.recorder.bound_holds = holds

    def run(
        self,
        built: RosterModel,
        seconds: float,
        check: bool = False,
        essential: bool = False,
        phase: Phase = "whole",
        presolve: bool = True,
        subsolvers: tuple[str, ...] = (),
        sub: SubProblem | None = None,
        first: bool = False,
    ) -> int:
        """Solve one phase (named in `PHASES`); keep its roster if it is valid and the best so
        far. ``presolve=False`` skips CP-SAT's presolve; ``subsolvers`` lead CP-SAT's full
        workers where it has more than one (a day-level phase keeps its own lead, see
        `_tune_for_day_level`). ``sub`` is a sub-problem of ``built`` solved in its place;
        ``first`` stops at the first solution.

        After Ctrl-C only ``essential`` phases run: those that turn a roster into a valid one.
        """
        self.take_relaxed_bound()
        if self.recorder.interrupted and not essential:
            return int(cp_model.UNKNOWN)
        self.recorder.phase = phase
        solver = cp_model.CpSolver()
        configure(solver, max(seconds, 0.1), self.workers, self.seed)
        solver.parameters.relative_gap_limit = self.relative_gap_limit
        solver.parameters.cp_model_presolve = presolve
        solver.parameters.stop_after_first_solution = first
        if self.day_level:
            _tune_for_day_level(solver)
        elif subsolvers and solver.parameters.num_workers > 1:
            solver.parameters.subsolvers.extend(subsolvers)
        self.recorder.check = built if check else None
        self.recorder.built = built
        self.recorder.sub = sub
        solver.best_bound_callback = self.recorder.on_bound
        self.solver = solver
        model = built.model if sub is None else sub.model
        code = _solve_interruptibly(solver, model, self.recorder)
        self.solver = None
        self.last_code = int(code)
        if code == cp_model.MODEL_INVALID:
            raise RuntimeError(f"CP-SAT rejected the model: {model.validate()}")
        if code == cp_model.OPTIMAL and self.recorder.bound_holds:
            self.recorder.on_bound(solver.objective_value)
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            objective = round(solver.objective_value)
            solution = list(solver.response_proto.solution)
            if sub is not None:
                solution = sub.complete(solution)
            self.last = _solution_lookup(solution)
            valid = self.last_valid = not (check and built.break_cap_violations(self.last))
            better = self.best is None or objective < self.best_objective
            if valid and (better or (self.sideways and objective == self.best_objective)):
                self.best = (built, self.last)
                self.best_objective = objective
                self.best_solution = (built, solution)
        return int(code)

    def warm_start(self, first: RosterModel, hint: list[Assignment] | None) -> None:
        """Hint the first model with a complete roster: the given one, or for a large front
        office one from deciding the counts per shift first (see staffing.py), or a greedy
        one."""
        roster = hint
        breaks = None
        if hint is None and sum(e.works_front for e in self.scenario.employees) >= DECOMPOSE_FROM:
            weeks = split_weeks(self.scenario)
            if weeks is not None:
                roster = self.start_from_weeks(weeks)
                self.decomposed = roster is not None
            if roster is None:
                # The greedy roster took 15 s at N=800 and 55 s at N=1600, and the
                # counts-first start is better, so the greedy one is only the fallback.
                counted = self.staff_then_assign()
                if counted is not None:
                    roster, breaks = counted
                    self.decomposed = True
        if roster is None:
            roster = greedy_roster(self.scenario, first.options)
        began = time.perf_counter()
        self._start_from(roster, breaks)
        self.hand_out_seconds += time.perf_counter() - began
        if self.best is not None:
            self._complete_on(first, "start")
            self._hint(first)
        else:
            first.hint(roster)

    def start_from_weeks(self, weeks: Weeks) -> list[Assignment] | None:
        """A roster of the horizon from its distinct ``weeks`` solved alone within
        `WEEK_SHARE` of the time (each at least `least_week_seconds`) and handed out week by
        week (see `scheduler.model.weeks`); the weeks' bounds summed are recorded as the
        horizon's. None if there are more than `MOST_WEEK_KINDS`, if a week has no roster, or
        if the solve was interrupted before every week had one."""
        if len(weeks.alone) > MOST_WEEK_KINDS:
            return None
        until = time.perf_counter() + WEEK_SHARE * self.time_limit
        # The kinds of week that recur most first, as their gaps count as often; each takes
        # its share of the weeks left, so what one leaves goes to the rest.
        kinds = sorted(range(len(weeks.alone)), key=lambda kind: -weeks.count(kind))
        left = len(weeks.kinds)
        least = self.least_week_seconds()
        rosters: dict[int, list[Assignment]] = {}
        bound: int | None = 0
        for kind in kinds:
            if self.recorder.interrupted:
                return None
            seconds = max((until - time.perf_counter()) * weeks.count(kind) / left, least)
            left -= weeks.count(kind)
            result = search_roster(
                weeks.alone[kind],
                time_limit=seconds,
                workers=self.workers,
                seed=self.seed,
                formulation=self.formulation,
                hint=None,
                on_progress=None,
                relative_gap_limit=max(self.relative_gap_limit, WEEK_GAP),
                lexicographic=False,
                tier_tolerance=0.0,
            )
            self.recorder.interrupted = self.recorder.interrupted or result.interrupted
            if not result.assignments:
                return None
            rosters[kind] = result.assignments
            if bound is not None and result.best_bound is not None:
                bound += weeks.count(kind) * result.best_bound
            else:
                bound = None
        if bound:
            self.recorder.on_bound(bound)
        return tile_weeks(self.scenario, weeks, [rosters[kind] for kind in range(len(rosters))])

    def least_week_seconds(self) -> float:
        """Least time for each distinct week solved alone: `MIN_WEEK_SECONDS`
        (`MIN_BACK_OFFICE_WEEK_SECONDS` with a back office), at most `MIN_WEEK_SHARE` of the
        limit."""
        least = (
            MIN_BACK_OFFICE_WEEK_SECONDS if _has_back_office(self.scenario) else MIN_WEEK_SECONDS
        )
        return min(least, MIN_WEEK_SHARE * self.time_limit)

    def _start_from(self, roster: list[Assignment], breaks: BreakPlan | None = None) -> None:
        """Place the breaks and back-office days around a roster's shifts (kept if best),
        starting from a break plan if one is given, else from the roster's own breaks."""
        # Cross-trained people keep to their handed shifts, whose weeks flex days complete
        # (see StaffingModel._group_flex); left free, the start solve gave them front-office
        # shifts by the dozen (N=100 with a back office: 63 where the counts asked for 13).
        capped = {e.employee_id for e in self.scenario.employees if e.works_back}
        settled = _settled(self.scenario, roster)
        back = _has_back_office(self.scenario)
        if back and self._staged_start(roster, breaks, settled, capped):
            return
        # Tight break rules need a second or so to place even on a small floor; a share alone
        # left a 5 s solve without any roster. With a back office this solve may take its
        # whole share (it must decide the flex days itself where the staged start found no
        # roster; N=100 unstaged: its optimum in 3.6-9.4 s, 6 s left it 1.25-4 h short).
        share = BACK_OFFICE_START_SHARE if back else WARM_START_SHARE
        seconds = max(share * self.time_limit, MIN_REPAIR_SECONDS)
        # Held to their shifts, the cross-trained cannot raise the staggering cap by working:
        # on a small floor the breaks of the settled shifts then had no room (20 people). The
        # settled shifts alone may leave them none too (30 people, the greedy hand-out's
        # roster after Ctrl-C), and then every shift is only a hint.
        tries = [(settled, capped), (settled, set())] if capped else [(settled, set())]
        if settled:
            tries.append((set(), set()))
        for kept, held in tries:
            start = RosterModel(self.scenario, self.formulation)
            start.fix_shifts(roster, only=kept, capped=held)
            placed = breaks is None and any(a.breaks for a in roster)
            if breaks is not None:
                start.hint_breaks(breaks)
            elif placed:
                # A roster handed out with its breaks (a week's, tiled) keeps them as a hint.
                start.hint_breaks(start.plan_of(roster))
            # The shifts fixed, placing the breaks is a problem per day, but one CP-SAT solve
            # over four weeks stalled (N=100, 28 days: 2.8 M and 2,475 minutes short after 12
            # s). Past a week this solve only gives the first placement, which the days' own
            # then make over (one hand-out: 3 s of it 7.0 M, the days after it 901,865), unless
            # the roster brings its breaks: CP-SAT's first placement is not the hint's (N=200,
            # a tiled four weeks: 23.6 M first, 922,640 from the hint 0.1 s later).
            most = seconds if back else REPAIR_SECONDS
            by_days = not back and self.scenario.horizon.days > 7
            found = self._place(
                start, seconds, most=most, phase="start", first=by_days and not placed
            )
            if found is not None:
                # A placement proven optimal is not placed again by days. One from the
                # roster's own breaks (a repeated week's) still is: without it, four weeks at
                # 120 s ended at 406,141 (N=100) and 709,280 (N=200) against 366,740 and
                # 709,880 with it, though at 60 s (N=200) it gave 708,376 twice against 771,185.
                if by_days and self.last_code != cp_model.OPTIMAL:
                    self._place_by_days(start, time.perf_counter() + seconds)
                return

    def _place_by_days(self, start: RosterModel, until: float) -> None:
        """Place the breaks of the best roster, a solution of ``start``, again a day at a time,
        every other day fixed: every day once (within the time limit), then the days not
        proven optimal again until ``until``."""
        if self.best_solution is None or self.best_solution[0] is not start:
            return
        hood = Neighbourhoods(start, self.seed, ("days",), breaks=True)
        # Each day a model of its own: fixed in the whole model, a day of N=100 over four
        # weeks took 0.48 s, as a sub-problem 0.17 s (the same placements, all proven).
        try:
            subs: SubProblems | None = SubProblems(start.model, hood.decisions, start.redundant)
        except ValueError:
            subs = None
        num_days = self.scenario.horizon.days
        first = random.Random(self.seed).randrange(num_days)
        # The shifts fixed, a day's breaks meet other days' only in overnight shifts and the
        # unsettled people's weekly hours: a day proven once is not placed again.
        pending = deque((first + offset) % num_days for offset in range(num_days))
        unplaced = num_days
        self.recorder.bound_holds = False
        try:
            while pending and not self.recorder.interrupted:
                # A day's first placement gains more than the neighbourhoods after it: over
                # four weeks at N=200, 12 s placed 20 days of 28 and the roster stood at 6.9 M.
                end = until if unplaced <= 0 else time.perf_counter() + self.remaining()
                if time.perf_counter() >= end:
                    break
                unplaced -= 1
                day = pending.popleft()
                solution = self.best_solution[1]
                free = Neighbourhood("days", days=frozenset({day}))
                sub = None
                if subs is not None:
                    sub = subs.build(hood.literals(free), solution)
                else:
                    hood.fix(_solution_lookup(solution), free, same_outside=True)
                    start.hint_solution(solution)
                seconds = min(DAY_WINDOW_SECONDS, end - time.perf_counter())
                presolve = sub is not None
                code = self.run(
                    start, seconds, essential=True, phase="start", presolve=presolve, sub=sub
                )
                start.model.clear_hints()
                if code != cp_model.OPTIMAL:
                    pending.append(day)
        finally:
            self.recorder.bound_holds = True
            hood.release()

    def _staged_start(
        self,
        roster: list[Assignment],
        breaks: BreakPlan | None,
        settled: set[str],
        back_office: set[str],
    ) -> bool:
        """Start in stages, each fast where the whole start stalled (N=400: 0.6 s against 12 s
        that left it 55 h short): flex days for the ``back_office`` people alone, breaks for
        the front office alone (unless the roster brings its own), then the whole model from
        both, the shifts of the settled and the back office and every flex day kept; whether
        it found a roster."""
        office = self._back_office_days(roster, back_office)
        if office is None:
            return False
        staged = RosterModel(self.scenario, self.formulation)
        staged.fix_flex_days(*office)
        kept = [a for a in roster if a.employee_id not in back_office]
        kept += office[0].assignments(office[1])
        staged.fix_shifts(kept, only=settled | back_office)
        if breaks is None and any(a.breaks for a in roster):
            # A roster handed out with its breaks (a week's, tiled) hints them: placed from
            # nothing over four weeks, the front office's breaks left the start 204 h short
            # and the roster at 1,214,926 against 144,070 (N=100 with a back office, 120 s).
            # They hint the whole model as they are, which gets the time placing them again on
            # the front office alone took (1.7-4.6 s). Four weeks with Christmas and a back
            # office, from one tiled roster each: N=100, the same start either way, 2-4.6 s
            # sooner; N=200, the start proven in three runs of four (2.3-4.7 s), where after
            # the front office alone it was cut at 3 s in two of three.
            plan: BreakPlan | None = staged.plan_of(roster)
            seconds = 2 * REPAIR_SECONDS
        else:
            plan = self._front_breaks(kept, breaks)
            seconds = REPAIR_SECONDS
        if plan is not None:
            staged.hint_breaks(plan)
        return self._place(staged, seconds, most=seconds, phase="start") is not None

    def _front_breaks(self, roster: list[Assignment], breaks: BreakPlan | None) -> BreakPlan | None:
        """A break plan for a roster's shifts, placed on the front office alone: everyone
        held to their shifts (whatever their hours), the back office left out."""
        scenario = self.scenario.with_people(
            [e.employee_id for e in self.scenario.employees if e.works_front]
        )
        people = tuple(
            replace(e, office=Office.FRONT, min_minutes=0, max_minutes=e.weekly_max_minutes)
            for e in scenario.employees
        )
        policy = replace(scenario.back_office, covers=(), anchors=())
        front = RosterModel(
            replace(scenario, employees=people, back_office=policy), self.formulation
        )
        front.fix_shifts(roster)
        if breaks is not None:
            front.hint_breaks(breaks)
        solver = self._quiet_solve(front, min(REPAIR_SECONDS, self.remaining()))
        return breaks if solver is None else front.break_plan(solver.value)

    def _back_office_days(
        self, roster: list[Assignment], ids: set[str]
    ) -> tuple[RosterModel, Callable[[Any], int]] | None:
        """Flex days for the back office alone (the people ``ids``), the cross-trained among
        them held to their shifts in ``roster`` (each one dropped costs its shortfall)."""
        # Without the staggering cap: few people share a shift here, and a cap of one on a
        # break at a time could leave their breaks no room.
        overrides = tuple(
            replace(o, changes=tuple(c for c in o.changes if c[0] != "max_on_break"))
            for o in self.scenario.rule_overrides
        )
        scenario = replace(
            self.scenario.with_people(ids),
            rules=replace(self.scenario.rules, max_on_break=None),
            rule_overrides=overrides,
        )
        back = RosterModel(scenario, self.formulation)
        back.fix_shifts(roster, only=set(), capped=ids)
        solver = self._quiet_solve(back, min(REPAIR_SECONDS, self.remaining()))
        return None if solver is None else (back, _frozen_values(solver))

    def staff_then_assign(self) -> tuple[list[Assignment], BreakPlan] | None:
        """Decide people per shift option and skill class, then hand those shifts to people;
        the roster and the counts' break plan.

        These phases only shape the starting roster: of theirs only bounds are recorded.
        """
        staffing = StaffingModel(self.scenario, self.formulation, relax_break_cap=True)
        budget = STAFFING_SHARE * self.time_limit
        started = time.perf_counter()
        staggered = _is_staggered(self.scenario)
        first = min(budget / 2, FIRST_STAFFING_SHARE * self.time_limit)
        # Until counts within `FIRST_GAP` of the bound if those take longer (the 19-person
        # sample's first counts at 1.5 s were 6.7 M against a bound of 64 k).
        # HiGHS proves the first counts in 2-8 s up to N=800; at N=1600 not in 45 s, which
        # delayed the first roster from 103 s to 149 s.
        solved = self._solve_counts(
            staffing, budget / 2, first_after=first, gap=FIRST_GAP, linear_seconds=first
        )
        if solved is None:
            return None
        # The staffing model only sums or drops per-person rules and costs (a cross-trained
        # person's flex days too, see StaffingModel._group_flex), so it is a relaxation and
        # its bound holds for the roster too.
        self.recorder.on_bound(solved.bound)
        # HiGHS gets the held counts only where it proved the first ones within their share
        # of the time: at N=1600 it proved neither in 67 s, and the held counts, left without
        # time for the polish, put the first roster at 148 s against 91 s with CP-SAT's.
        # With a back office it needs 23-57 s for them (N=100 and 200).
        self.linear_held = solved.optimal and not _has_back_office(self.scenario)
        # A second solve, from the first one's counts, for counts people can be handed:
        # day cuts, sets of days per person, and the real staggering cap where busy.
        staffing.hint_solution(solved.values)
        guard = None
        if staggered:
            # Counts under the real cap where busy (N=100, seeds 0 and 1: starting rosters
            # 0.16 M and 0.12 M against 0.29 M and 0.20 M; N=200: 0.43 M and 0.36 M against
            # 0.56 M and 2.4 M).
            self.hold_least = round(HOLD_ABOVE * solved.bound)
            guard = staffing.hold_breaks_where_busy(self.hold_least)
        staffing.add_day_cuts()
        staffing.add_day_masks()
        spent = time.perf_counter() - started
        seconds = max(budget - spent, budget / 2)
        held, masks = self._held_counts(
            staffing, guard, started + spent + seconds, HOLD_ABOVE * solved.objective
        )
        value = held or _solution_lookup(solved.values)
        # The hand-out gets what the staffing model left of its share (N=800: it proved its
        # optimum in 8 of 36 s), and at least its own share.
        back = _has_back_office(self.scenario)
        share = BACK_OFFICE_HAND_OUT_SHARE if back else HAND_OUT_SHARE
        until = max(started + budget, time.perf_counter() + share * self.time_limit)
        began = time.perf_counter()
        roster = self._hand_out(staffing, value, masks, until)
        self.hand_out_seconds = time.perf_counter() - began
        return roster, staffing.break_plan(value)

    def _hand_out(
        self,
        staffing: StaffingModel,
        value: Callable[[Any], int],
        masks: dict[tuple[int, int], list[tuple[int, ...]]],
        until: float,
        weekend: dict[str, tuple[int, int]] | None = None,
    ) -> list[Assignment]:
        """A roster meeting a staffing solution's counts, by ``until``: the people modelled
        one by one keep their shifts; the others get the greedy hand-out and its ejection
        chains (up to half the time), re-hands within each skill class, then re-hands of small
        profile groups whole with the time left, toward the weekend loads ``weekend`` if
        given (see `hand_out_exactly`).

        CP-SAT alone met the counts badly (N=400: 620 of ~1870 missed in 9 s; N=200: 18 of
        980 after 15 s from a hint that missed 4); per-profile patterns and a greedy hand-out
        with ejection chains miss 0-5 in well under a second.
        """
        now = time.perf_counter()
        back = _has_back_office(self.scenario)
        # The people modelled one by one keep their shifts; the others are handed the rest.
        fixed = staffing.shifts(value)
        targets = staffing.targets(value)
        option_at = {(o.day, o.template.shift_id): o for o in staffing.options}
        for a in fixed:
            targets[option_at[a.day, a.shift_id].index, staffing.skill_class[a.employee_id]] -= 1
        alone = {e.employee_id for e in staffing.people}
        handing = self.scenario
        if alone:
            handing = handing.with_people(
                [e.employee_id for e in handing.employees if e.employee_id not in alone]
            )
        # With a back office over up to two weeks the re-hands, with twice the share, bring the
        # hours to the contracts themselves (see `BACK_OFFICE_BALANCE_DAYS`).
        balance = not back or self.scenario.horizon.days > BACK_OFFICE_BALANCE_DAYS
        handed = assign_to_targets(
            handing,
            staffing.options,
            staffing.group_targets(value),
            staffing.group_of,
            staffing.patterns_of(value),
            staffing.skill_class,
            deadline=(now + until) / 2,
            masks=masks,
            balance=balance,
        )
        # What the chains cannot meet, CP-SAT can, ten people at a time (see
        # HAND_OUT_PEOPLE: from the chains' 1-10 misses at N=200-800, none left in 0.2-3.6 s).
        handed = hand_out_exactly(
            handing,
            handed,
            targets,
            staffing.skill_class,
            until,
            self.workers,
            self.seed,
            stopped=lambda: self.recorder.interrupted,
            weekend=weekend,
        )
        handed = rehand_whole_groups(
            handing,
            handed,
            staffing.group_of,
            until,
            self.workers,
            self.seed,
            weekend,
            stopped=lambda: self.recorder.interrupted,
        )
        if balance:
            # The re-hands meet missed counts with whoever can take them (N=400: 347.5 h off
            # contract before them, 350.5 h after).
            handed = balance_hours(
                handing,
                staffing.options,
                handed,
                staffing.skill_class,
                time.perf_counter() + BALANCE_SHARE * self.time_limit,
            )
        return fixed + handed

    def _held_counts(
        self, staffing: StaffingModel, guard: int | None, until: float, worst: float
    ) -> tuple[Callable[[Any], int] | None, dict[tuple[int, int], list[tuple[int, ...]]]]:
        """Solve the held staffing model: whole until its first counts (past ``until`` if it has
        none by then, see `HELD_GRACE_SHARE`), then a day at a time; its best solution and the
        sets of days in it (None and none if it found no counts, or none costing at most
        ``worst``). The model and its polished counts are kept for `prove_held`."""
        seconds = until - time.perf_counter()
        grace = min(HELD_GRACE_SHARE * self.time_limit, max(self.remaining() - seconds, 0.0) / 4)

        def polished(
            counts: LinearSolution, workers: int, stop: Callable[[], bool]
        ) -> LinearSolution:
            now = time.perf_counter()
            polish = until if now < until else now + (1 - HELD_WHOLE_SHARE) * seconds
            values, objective = self.polish_by_days(
                staffing, counts.values, counts.objective, counts.bound, polish, workers, stop
            )
            return replace(counts, values=values, objective=round(objective))

        # The polish runs beside HiGHS, not after it: on two weeks and more HiGHS did not solve
        # the held counts in their time, and waiting for it left the polish none (N=100, 14
        # days, 120 s: the held counts at 348,900 against a bound of 172,515).
        held = self._solve_counts(
            staffing,
            seconds + grace,
            first_after=seconds * HELD_WHOLE_SHARE,
            gap=HELD_FIRST_GAP,
            linear=self.linear_held,
            # HiGHS keeps to the held time: the start waits for it, and it cannot be stopped.
            linear_seconds=seconds,
            then=polished,
        )
        if held is None:
            return None, {}
        # The day cuts and sets of days hold for every roster; a roster breaking the held cap
        # costs at least the guard.
        self.recorder.on_bound(held.bound if guard is None else min(held.bound, guard))
        solution, objective = held.values, float(held.objective)
        # Proven, with the weekend spread, once the starting roster is there.
        self.held_proof = (staffing, solution, guard, held.optimal)
        if objective > worst:
            # Cut short, the held counts can be far worse than the first ones (the 19-person
            # sample: 3.1 M against 0.66 M).
            return None, {}
        value = _solution_lookup(solution)
        return value, staffing.masks_of(value)

    def prove_held(self, first: RosterModel) -> None:
        """Solve the held staffing model whole again, from its polished counts and with the
        weekend spread priced, for its bound (recorded up to its guard; not at all where the
        counts are unproven and the best roster is `FAR_GAP` above the bound): until proven, or
        `BOUND_SHARE` of the limit (`BACK_OFFICE_BOUND_SHARE` with a back office, where it
        runs only if some spread is priced, and only till the bound stalls:
        `BACK_OFFICE_BOUND_PATIENCE`; not at all on a short floor whose best roster is
        `BOUND_LED_GAP` above the bound). Where it priced the spread and its counts (without a
        back office, those of small groups re-solved one by one: `_exact_small_groups`; with
        one, only if the best roster leaves no demand short) are cheaper than the best
        roster, they are handed out too, each person toward the weekend loads they priced,
        and ``first`` starts from the roster if it is the best.

        The spread stays out of the first counts handed out: with it, N=800's start at 120 s
        was 711,425 against 674,225 (the hand-out followed its sets of days less well), and
        nothing improved on it.
        """
        if self.held_proof is None:
            return
        staffing, solution, guard, proven = self.held_proof
        self.held_proof = None
        priced = staffing.add_weekend_fairness()
        back = _has_back_office(self.scenario)
        # With a back office the proof is for the spread alone: its time is the roster's.
        if not priced and (proven or back):
            return
        short = back and self.best is not None and _leaves_demand_short(self)
        if short and self.bound_far(BOUND_LED_GAP):
            # A short floor's bound comes from the relaxed phase, not from the counts (see
            # `BOUND_LED_SUBSOLVERS`): the spread priced closes nothing of that gap.
            return
        staffing.hint_solution(solution)
        share = BACK_OFFICE_BOUND_SHARE if back else BOUND_SHARE
        seconds = min(self.remaining(), share * self.time_limit)
        stall = BACK_OFFICE_BOUND_PATIENCE * self.time_limit if back else None
        linear = self.linear_held
        if not proven:
            far = self.recorder.bound is not None and self.bound_far(FAR_GAP)
            if not back and self.best is not None and far:
                # The roster search closes more of this gap than the proof (see `FAR_GAP`).
                return
            # HiGHS did not prove these counts in their time, so it gets no proof of them.
            linear, stall = False, UNPROVEN_BOUND_PATIENCE * self.time_limit
        again = self._solve_counts(staffing, seconds, for_bound=True, linear=linear, stall=stall)
        if again is None:
            return
        self.recorder.on_bound(again.bound if guard is None else min(again.bound, guard))
        if self.recorder.interrupted or not priced or self.best is None:
            return
        if again.objective >= self.best_objective:
            return
        if back and _leaves_demand_short(self):
            # A short floor keeps its relaxed phase after the start (see `_solve_in_phases`),
            # which does more with the time: on the sample week (seeds 0-3) the priced
            # counts' roster, though better at once (314,500 -> 266,785), ended each run
            # worse (223,247-241,367 against 221,942-224,927).
            return
        if self.remaining() < self.hand_out_seconds + MIN_REPAIR_SECONDS:
            # Less time is left than the first hand-out and its start took: the roster search
            # keeps it (20 people with a back office at 20 s began this hand-out at 83 % of
            # the limit, its start ended 1.1 s past the limit, and no neighbourhood ran).
            return
        if not back:
            # Without small groups re-solved, the priced counts' hand-out repeats the first
            # one's losses (N=800: a start of 711,425 against 674,225 from the unpriced counts).
            # With a back office, whose groups it keeps as they are, the re-solve made the
            # counts dearer (N=200: 61,024 against 44,014) and the roster too (45,064 against
            # 44,404), so there the priced counts go out as they are.
            exact = self._exact_small_groups(staffing, again)
            if exact is None or exact[1].objective >= self.best_objective:
                return
            staffing, again = exact
        value = _solution_lookup(again.values)
        until = time.perf_counter() + min(HAND_OUT_SHARE * self.time_limit, self.remaining())
        weekend = staffing.weekend_ranges(value)
        roster = self._hand_out(staffing, value, staffing.masks_of(value), until, weekend)
        before = self.best_objective
        self._start_from(roster, staffing.break_plan(value))
        if self.best_objective < before:
            self._complete_on(first, "start")
            self._hint(first)

    def _exact_small_groups(
        self, staffing: StaffingModel, solution: LinearSolution
    ) -> tuple[StaffingModel, LinearSolution] | None:
        """The held counts with the weekend spread priced again, the people of small profile
        groups modelled one by one (see `ONE_BY_ONE_MOST`) and every other group's counts,
        week patterns and sets of days kept as in ``solution`` (of ``staffing``): counts whose
        small groups' shares someone can work. None if there are no such people, or no counts
        were found within `EXACT_SHARE` of the limit.
        """
        if all(len(m) > ONE_BY_ONE_MOST or m[0].works_back for m in staffing.groups):
            return None
        exact = StaffingModel(
            self.scenario, self.formulation, relax_break_cap=True, one_by_one_most=ONE_BY_ONE_MOST
        )
        if self.hold_least is not None:
            exact.hold_breaks_where_busy(self.hold_least)
        exact.add_day_cuts()
        exact.add_day_masks()
        exact.add_weekend_fairness()
        value = _solution_lookup(solution.values)
        number = {frozenset(e.employee_id for e in m): i for i, m in enumerate(staffing.groups)}
        for mine, members in enumerate(exact.groups):
            theirs = number[frozenset(e.employee_id for e in members)]
            for (index, group), var in exact.group_count.items():
                if group == mine:
                    exact.model.add(var == value(staffing.group_count[index, theirs]))
            for block in range(len(self.scenario.horizon.blocks())):
                for kept, held in (
                    (exact.patterns, staffing.patterns),
                    (exact.masks, staffing.masks),
                ):
                    if (mine, block) in kept:
                        for var, old in zip(
                            kept[mine, block][-1], held[theirs, block][-1], strict=True
                        ):
                            exact.model.add(var == value(old))
        seconds = min(self.remaining(), EXACT_SHARE * self.time_limit)
        found = self._solve_counts(exact, seconds, linear=self.linear_held)
        return None if found is None else (exact, found)

    def polish_by_days(
        self,
        staffing: StaffingModel,
        solution: list[int],
        objective: float,
        bound: float,
        until: float,
        workers: int | None = None,
        stop: Callable[[], bool] = lambda: False,
    ) -> tuple[list[int], float]:
        """Re-solve the held counts of ``solution`` (a value per variable) a window of days at a
        time, the other days fixed, until they meet ``bound`` or ``until``, ``stop()`` says so,
        or no window of `MOST_DAYS_POLISHED` days (`BACK_OFFICE_MOST_DAYS_POLISHED` with a
        back office) pays; the best solution and its objective. ``workers``: CP-SAT's (default
        the search's).

        Coverage and breaks are per day, so a day's counts and breaks are a small problem
        CP-SAT solves at once, where the whole model stalled (see `HELD_WHOLE_SHARE`). A
        window grows by a day after a round of every start day without gain.
        """
        decisions = staffing.day_decisions()
        days = sorted(decisions)
        width, fruitless = 1, 0
        first = random.Random(self.seed).randrange(len(days)) if days else 0
        widest = MOST_DAYS_POLISHED
        if _has_back_office(self.scenario):
            widest = BACK_OFFICE_MOST_DAYS_POLISHED
        most = min(widest, len(days) - 1)
        presolve = False
        while width <= most and objective > bound and time.perf_counter() < until and not stop():
            free = {days[(first + i) % len(days)] for i in range(width)}
            first = (first + 1) % len(days)
            fixed = {
                var.index: solution[var.index]
                for day in days
                if day not in free
                for var in decisions[day]
            }
            saved = fix_domains(staffing.model, fixed)
            staffing.hint_solution(solution)
            seconds = min(DAY_WINDOW_SECONDS, until - time.perf_counter())
            # Every other day is fixed: presolving the whole model again for the window took
            # most of its time (see `DAY_WINDOW_SECONDS`), until a window runs to its cap
            # unproven, where the search's propagation through the fixed days outweighs it.
            solver = self._quiet_solve(staffing, seconds, presolve=presolve, workers=workers)
            restore_domains(staffing.model, saved)
            if self.recorder.interrupted:
                break
            capped = solver is None or solver.response_proto.status != cp_model.OPTIMAL
            presolve = presolve or (capped and seconds >= DAY_WINDOW_SECONDS)
            if solver is not None and solver.objective_value < objective:
                solution, objective, fruitless = (
                    list(solver.response_proto.solution),
                    solver.objective_value,
                    0,
                )
                continue
            fruitless += 1
            if fruitless >= len(days):
                width, fruitless = width + 1, 0
        return solution, objective

    def _solve_counts(
        self,
        staffing: StaffingModel,
        seconds: float,
        first_after: float | None = None,
        for_bound: bool = False,
        gap: float = math.inf,
        linear: bool = True,
        linear_seconds: float | None = None,
        stall: float | None = None,
        then: Callable[[LinearSolution, int, Callable[[], bool]], LinearSolution] | None = None,
    ) -> LinearSolution | None:
        """Solve a staffing model for at most ``seconds``: as a linear program with HiGHS on
        one core and with CP-SAT (see `_quiet_solve` for the arguments) on the others, side
        by side; the better counts, with the better bound. ``then`` goes on from CP-SAT's
        counts on CP-SAT's cores while HiGHS solves (its arguments: the counts, the workers,
        and whether HiGHS has proven its own, when it should stop).

        HiGHS proved the held counts' optimum where CP-SAT's search stalled (N=100: 90,885 in
        11 s; N=400: 6 s; N=800: 6 s); CP-SAT finds counts where HiGHS finds none in time (the
        60-person front office alone). HiGHS stops after ``linear_seconds`` if given; its
        bound counts even where it found no counts in its time. It cannot be interrupted:
        after Ctrl-C its solve is left to end on its own time limit.
        """
        found: list[LinearSolution | None] = []
        bounds: list[int] = []

        def highs_proved() -> bool:
            return bool(found) and found[0] is not None and found[0].optimal

        mip = None
        workers = self.workers or default_workers()
        if linear and is_linear(staffing.model) and not self.recorder.interrupted:
            # HiGHS reads and checks its own copy: the polish beside it (``then``) fixes and
            # restores the model's domains window by window. The copy alone pairs the runs
            # across a week's end (see `StaffingModel.add_run_joins`).
            program = staffing.model.clone()
            staffing.add_run_joins(program)

            def run_mip() -> None:
                solution = solve_linear(
                    program,
                    min(seconds, linear_seconds or seconds),
                    on_bound=bounds.append,
                )
                found.append(solution)
                if solution is not None and solution.optimal and self.solver is not None:
                    # Proven: CP-SAT has nothing to add.
                    self.solver.stop_search()

            mip = threading.Thread(target=run_mip, daemon=True)
            mip.start()
            workers = max(1, workers - 1)
        solver = self._quiet_solve(
            staffing,
            seconds,
            first_after,
            for_bound,
            gap,
            workers=workers,
            proven=found,
            stall=stall,
        )
        mine = None
        if solver is not None:
            mine = LinearSolution(
                list(solver.response_proto.solution),
                round(solver.objective_value),
                math.ceil(solver.best_objective_bound),
            )
            if then is not None and not highs_proved():
                mine = then(mine, workers, highs_proved)
        while mip is not None and mip.is_alive() and not self.recorder.interrupted:
            mip.join(0.1)
        candidates = [s for s in found if s is not None]
        if mine is not None:
            candidates.append(mine)
        if not candidates:
            return None
        best = min(candidates, key=lambda s: s.objective)
        bound = max([s.bound for s in candidates] + bounds)
        return replace(best, bound=min(best.objective, bound))

    def _quiet_solve(
        self,
        built: RosterModel,
        seconds: float,
        first_after: float | None = None,
        for_bound: bool = False,
        gap: float = math.inf,
        workers: int | None = None,
        proven: list[LinearSolution | None] | None = None,
        presolve: bool = True,
        stall: float | None = None,
    ) -> cp_model.CpSolver | None:
        """Solve a model whose solutions are not rosters; with ``first_after``, stop at that
        time if a solution (within ``gap`` of the bound) was found by then, else at the first
        one (or ``seconds``).

        ``for_bound``: with CP-SAT's full linear relaxation, which proved the held optimum
        from the polished counts in 7.8 s against 11.8 s at N=100, 3.4 s against 6.7 s at
        N=400; with a back office led by its LP-heaviest worker (see
        `BACK_OFFICE_BOUND_SUBSOLVERS`). ``presolve=False`` skips CP-SAT's presolve. With
        ``stall``, the solve ends once its bound has not risen for that many seconds.
        """
        if self.recorder.interrupted:
            return None
        solver = cp_model.CpSolver()
        configure(solver, max(seconds, 0.1), workers or self.workers, self.seed)
        solver.parameters.cp_model_presolve = presolve
        if for_bound:
            solver.parameters.linearization_level = 2
            if _has_back_office(self.scenario):
                solver.parameters.subsolvers.extend(BACK_OFFICE_BOUND_SUBSOLVERS)
        self.solver = solver
        if proven and proven[0] is not None and proven[0].optimal:
            self.solver = None
            return None
        until = None
        if first_after is not None:
            until = FirstAfter(solver, first_after, max(seconds - first_after, 0.0), gap)
        stalled = None if stall is None else StopOnStalledBound(solver, stall)
        try:
            code = _solve_interruptibly(solver, built.model, until)
        finally:
            if until is not None:
                until.cancel()
            if stalled is not None:
                stalled.cancel()
        self.solver = None
        return solver if code in _FOUND else None

    def _place(
        self,
        fixed: RosterModel,
        seconds: float,
        most: float | None = None,
        phase: Phase = "start",
        first: bool = False,
    ) -> Callable[[Any], int] | None:
        """Solve a model whose shifts are fixed, for at most ``most`` seconds (default
        `REPAIR_SECONDS`), or till its ``first`` solution; its bound says nothing of the
        real problem."""
        self.recorder.bound_holds = False
        code = self.run(
            fixed,
            min(seconds, REPAIR_SECONDS if most is None else most),
            essential=True,
            phase=phase,
            first=first,
        )
        self.recorder.bound_holds = True
        return self.last if code in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None

    def bound_far(self, share: float) -> bool:
        """Whether the best roster is more than ``share`` of itself above the recorded bound
        (or either is missing)."""
        bound = self.recorder.bound
        if self.best is None or bound is None:
            return True
        return self.best_objective - bound > share * self.best_objective

    def out_of_time(self) -> bool:
        """Whether the time is up, the search was interrupted or the best roster is proven."""
        return self.remaining() <= 0 or self.recorder.interrupted or self.proven()

    def proven(self) -> bool:
        """Whether a bound meets the best roster, or comes within the relative gap limit."""
        bound = self.recorder.bound
        if self.best is None or bound is None:
            return False
        return self.best_objective - bound <= self.relative_gap_limit * self.best_objective

    def adopt(self, built: RosterModel, roster: list[Assignment]) -> None:
        """Record a complete roster as a solution of ``built`` (kept if best)."""
        hood = Neighbourhoods(built)
        hood.fix(roster_values(built, roster))
        # Nothing is left to decide, but a year's model (Curtois Instance24, 1.7 M variables)
        # takes 2.5 s to presolve: it gets the time it needs.
        started = time.perf_counter()
        seconds = max(self.remaining(), MIN_REPAIR_SECONDS)
        self._place(built, seconds, most=seconds)
        self.evaluation_seconds = time.perf_counter() - started
        hood.release()

    def improve_by_neighbourhoods(
        self,
        built: RosterModel,
        kinds: tuple[str, ...] = KINDS,
        people: int | None = None,
        seconds: float = NEIGHBOURHOOD_SECONDS,
        days: int | None = None,
    ) -> None:
        """Re-solve part of the best roster (some people, or some days), the rest fixed, while
        time is left. A neighbourhood that frees everything is the whole model: solved to
        optimality, it proves the roster optimal. ``people`` and ``days`` set the first sizes
        of a people neighbourhood and a window."""
        hood = Neighbourhoods(built, self.seed, kinds, breaks=True)
        if people is not None:
            hood.size["people"] = hood.size["costly_people"] = people
        if days is not None:
            hood.size["days"] = hood.size["costly"] = days
        self._complete_on(built, "neighbourhood")
        subs = self._sub_problems(built, hood)
        if subs is None:
            # On a year's model (Instance24) evaluating a fixed roster took 2.5 s: 3 s found
            # nothing. A sub-problem of its own does not pay that.
            seconds = max(seconds, EVALUATIONS_PER_NEIGHBOURHOOD * self.evaluation_seconds)
        try:
            self._neighbourhoods(built, hood, seconds, subs)
        finally:
            hood.release()

    def _neighbourhoods(
        self,
        built: RosterModel,
        hood: Neighbourhoods,
        seconds: float,
        subs: SubProblems | None = None,
    ) -> None:
        """The loop of `improve_by_neighbourhoods`: each neighbourhood's literals stay fixed
        until the next one's are (`Neighbourhoods.fix`), or each is a model of its own built by
        ``subs``."""
        first = True
        while self.best is not None and not self.out_of_time() and not self.proven():
            best, value = self.best
            best_objective = self.best_objective
            values = _values_for(built, best, value)
            free = hood.choose(values, complete=best is built)
            whole = hood.is_whole(free)
            sub = None
            if subs is not None and self.best_solution is not None:
                sub = subs.build(hood.literals(free), self.best_solution[1])
            else:
                # Past the first, the best roster is a solution of the last sub-problem.
                hood.fix(values, free, same_outside=not first)
                first = False
                self._hint(built)
            self.recorder.bound_holds = whole
            self.sideways = SIDEWAYS
            began = time.perf_counter()
            code = self.run(built, min(seconds, self.remaining()), phase="neighbourhood", sub=sub)
            took = max(time.perf_counter() - began, MIN_NEIGHBOURHOOD_SECONDS)
            self.sideways = False
            self.recorder.bound_holds = True
            built.model.clear_hints()
            if whole and code == cp_model.OPTIMAL:
                return
            gain = (best_objective - self.best_objective) / max(1, best_objective)
            hood.adapt(free, code == cp_model.OPTIMAL, gain > 0, gain / took, took)

    def _sub_problems(self, built: RosterModel, hood: Neighbourhoods) -> SubProblems | None:
        """Sub-problems of ``built`` as models of their own, where it is large enough for them
        to pay (`SUB_PROBLEM_VARIABLES`) and its best roster a complete solution of it."""
        if (
            not self.day_level
            or len(built.model.proto.variables) < SUB_PROBLEM_VARIABLES
            or self.best_solution is None
            or self.best_solution[0] is not built
        ):
            return None
        try:
            return SubProblems(built.model, hood.decisions, built.redundant)
        except ValueError:
            # A constraint kind they do not copy: fixed in the whole model, as below the size.
            return None

    def repair(
        self,
        built: RosterModel,
        roster: tuple[RosterModel, Callable[[Any], int]] | None = None,
    ) -> None:
        """Keep a roster's shifts (by default the best roster's; else a solution of another
        model, such as the relaxed phase's, which may break the exact cap) and re-place its
        breaks and back-office days on ``built`` (the `repair` phase; ``built`` stays as it
        was). The best roster's repair leaves it a complete solution of ``built``."""
        self._complete_on(built, "repair", shifts_only=True, roster=roster)

    def _complete_on(
        self,
        built: RosterModel,
        phase: Phase,
        shifts_only: bool = False,
        roster: tuple[RosterModel, Callable[[Any], int]] | None = None,
    ) -> None:
        """Make the best roster (or ``roster``) a complete solution of ``built`` (every
        variable's value, for `_hint`) by solving ``built`` with its assignments and breaks
        fixed (with ``shifts_only``, its shifts alone), unless it already is one.

        Hinted with the assignments and breaks alone, CP-SAT searched from scratch (N=100
        with a back office: the relaxed phase's first roster 1.6 M against a start of 36 k,
        and the people neighbourhoods rarely got back to the start in their 2 s)."""
        is_best = roster is None
        if roster is None:
            if self.best is None:
                return
            if self.best_solution is not None and self.best_solution[0] is built:
                return
            roster = self.best
        source, value = roster
        mine = _values_for(built, source, value)
        pairs = built.shift_twins(source) if shifts_only else built.twins(source)
        fixed = {var.index: mine(var) for var, _ in pairs}
        saved = fix_domains(built.model, fixed)
        if shifts_only:
            built.hint_from(source, value)
        # The best roster scores the same objective: it stays the best, solved on ``built``.
        # Another roster is kept only if it is better.
        self.sideways = is_best
        self.recorder.bound_holds = False
        seconds = min(max(self.remaining(), MIN_REPAIR_SECONDS), REPAIR_SECONDS)
        self.run(built, seconds, check=built.relax_break_cap, essential=True, phase=phase)
        self.recorder.bound_holds = True
        self.sideways = False
        restore_domains(built.model, saved)
        if shifts_only:
            built.model.clear_hints()

    def _hint(self, built: RosterModel) -> None:
        """Hint ``built`` with the best roster: every variable where it is a solution of
        ``built``, else its assignments and breaks."""
        if self.best_solution is not None and self.best_solution[0] is built:
            built.hint_solution(self.best_solution[1])
        elif self.best is not None:
            built.hint_from(*self.best)

    def improve(self, exact: RosterModel) -> None:
        """Go on with the exact model from the best roster for the time left."""
        if self.out_of_time():
            return
        self._hint(exact)
        self.run(exact, self.remaining(), phase="exact")

    def result(self, built: RosterModel, status: str, conflicts: list[str] | None = None) -> Result:
        """A Result with the search's statistics."""
        self.end_beside()
        self.take_relaxed_bound()
        proto = built.model.proto
        return Result(
            self.scenario,
            status=status,
            solve_seconds=time.perf_counter() - self.started,
            num_variables=len(proto.variables),
            num_constraints=len(proto.constraints),
            history=self.recorder.history,
            conflicts=conflicts or [],
            interrupted=self.recorder.interrupted,
        )


def _settled(scenario: Scenario, roster: list[Assignment]) -> set[str]:
    """Front-office-only people whose shifts in ``roster`` reach min_hours in every block.

    Their shifts can be kept as they are; cross-trained people may be needed by anchors and
    cover, and people short of min_hours need more shifts.
    """
    # A shift whose breaks are not placed yet is paid as its option is, less its unpaid breaks:
    # counted whole, people short of min_hours were kept to their shifts and the start model
    # was infeasible (30 people, Ctrl-C before the re-hands: no roster at all).
    unpaid = {(o.day, o.template.shift_id): o.unpaid_minutes for o in shift_options(scenario)}
    paid: dict[tuple[str, int], int] = defaultdict(int)
    for a in roster:
        placed = (
            a.paid_minutes if a.breaks else a.end - a.start - unpaid.get((a.day, a.shift_id), 0)
        )
        paid[a.employee_id, a.day // 7] += placed
    return {
        e.employee_id
        for e in scenario.employees
        if not e.works_back
        and all(
            paid[e.employee_id, first // 7]
            >= scenario.horizon.scale(e.min_minutes, first, num_days)
            for first, num_days in scenario.horizon.blocks()
        )
    }


def _has_back_office(scenario: Scenario) -> bool:
    """Whether anyone may work back-office days."""
    return any(e.works_back for e in scenario.employees)


def _is_staggered(scenario: Scenario) -> bool:
    """Whether anyone's rules set a max_on_break share."""
    return any(scenario.rules_for(e).max_on_break is not None for e in scenario.employees)


def _values_for(
    built: RosterModel, other: RosterModel, value: Callable[[Any], int]
) -> Callable[[Any], int]:
    """``value`` (a solution of ``other``) as a lookup of ``built``'s assignment literals and
    break variables."""
    if other is built:
        return value
    values = {var.index: value(theirs) for var, theirs in built.twins(other)}
    return lambda var: values[var.index]


def _solution_lookup(solution: list[int]) -> Callable[[Any], int]:
    """A variable's value in a solution saved as a value per variable index."""
    return lambda var: solution[var.index]


def _frozen_values(solver: cp_model.CpSolver) -> Callable[[Any], int]:
    """A value lookup that outlives the solver: the solution's values by variable index."""
    # All at once from the response: a call per variable took 0.11 s a neighbourhood on
    # Curtois Instance21.
    return _solution_lookup(list(solver.response_proto.solution))
