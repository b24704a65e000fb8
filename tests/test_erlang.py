"""Tests of Erlang B, C and A staffing (scheduler.staffing) against independent references."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.staffing import (
    agents_needed,
    erlang_b,
    erlang_c,
    offered_traffic,
    performance,
    service_level,
    staffing_table,
    wait_probability,
    with_shrinkage,
)

# --------------------------------------------------------------------------------------------
# Independent references: the textbook formulas in exact arithmetic, and the M/M/n+M chain
# solved as a matrix.


def exact_erlang_b(agents: int, traffic: Fraction) -> Fraction:
    """Erlang B as ``(A^n / n!) / sum_k A^k / k!`` in exact fractions."""
    terms = [traffic**k / math.factorial(k) for k in range(agents + 1)]
    return terms[-1] / sum(terms)


def exact_erlang_c(agents: int, traffic: Fraction) -> Fraction:
    """Erlang C as ``x / (sum_{k<n} A^k / k! + x)``, ``x = A^n / n! * n / (n - A)``."""
    top = traffic**agents / math.factorial(agents) * agents / (agents - traffic)
    return top / (sum(traffic**k / math.factorial(k) for k in range(agents)) + top)


def integer_erlang_c(agents: int, traffic: int) -> float:
    """Erlang C for an integer traffic with the formula multiplied through by n! (n - A).

    Every term is then an integer: ``A^n n / (sum_{k<n} A^k n!/k! (n - A) + A^n n)``.
    """
    total = 0
    falling = 1  # n! / k!, built from k = n down
    for k in range(agents - 1, -1, -1):
        falling *= k + 1
        total += traffic**k * falling * (agents - traffic)
    top = traffic**agents * agents
    return float(Fraction(top, total + top))


def chain_reference(
    agents: int, traffic: float, aht: float, answer_within: float, patience: float
) -> tuple[float, float, float, float]:
    """(service level, abandonment, waiting, ASA) of M/M/n+M from its generator matrices.

    The stationary law solves ``pi Q = 0`` on a truncated chain; a caller who finds ``j``
    waiting follows an absorbing chain (moves up, is served, or hangs up), whose probability of
    service by ``t`` comes from uniformisation and whose ``E[wait; served]`` from the
    fundamental matrix ``N = (-T)^-1`` as ``N N r``.
    """
    lam, mu, theta = traffic / aht, 1 / aht, 1 / patience
    queue = 200
    size = agents + queue + 1
    generator = np.zeros((size, size))
    for k in range(size):
        if k + 1 < size:
            generator[k, k + 1] = lam
        if k > 0:
            generator[k, k - 1] = min(k, agents) * mu + max(0, k - agents) * theta
        generator[k, k] = -generator[k].sum()
    system = np.vstack([generator.T, np.ones(size)])
    right = np.zeros(size + 1)
    right[-1] = 1
    law = np.linalg.lstsq(system, right, rcond=None)[0]
    ahead = queue + 1
    moves = np.zeros((ahead + 1, ahead + 1))  # states: j ahead (0..queue), then served
    for j in range(ahead):
        moves[j, j] = -(agents * mu + (j + 1) * theta)
        if j > 0:
            moves[j, j - 1] = agents * mu + j * theta
        else:
            moves[j, ahead] = agents * mu
    rate = -moves.diagonal().min()
    step = np.eye(ahead + 1) + moves / rate
    by_time = np.zeros(ahead + 1)
    term = np.zeros(ahead + 1)
    term[ahead] = 1.0  # P^k applied to the indicator of "served"
    mean = rate * answer_within  # Poisson number of uniformised jumps by t
    weight = math.exp(-mean)
    for k in range(1, math.ceil(mean + 40 * math.sqrt(mean) + 100)):
        by_time += weight * term
        term = step @ term
        weight *= mean / k
    waiting = law[agents:]
    answered_in_time = law[:agents].sum() + float(waiting @ by_time[:ahead])
    abandon = theta * float(waiting @ np.arange(len(waiting))) / lam
    transient = moves[:ahead, :ahead]
    fundamental = np.linalg.inv(-transient)
    wait_if_served = fundamental @ fundamental @ moves[:ahead, ahead]
    answer = float(waiting @ wait_if_served) / (1 - abandon)
    return answered_in_time, abandon, float(waiting.sum()), answer


# --------------------------------------------------------------------------------------------
# Published examples


def test_call_centre_helper_worked_example() -> None:
    """The Call Centre Helper example: 10 Erlangs need 14 agents for 80/20, 20 with shrinkage."""
    # Call Centre Helper, "Erlang C Formula - Made Simple with an Easy Worked Example"
    # (callcentrehelper.com): 100 calls in 30 minutes, AHT 180 s, 80 % in 20 s, occupancy at
    # most 85 %, shrinkage 30 %. Published: traffic 10 Erlangs; with 11 agents a call waits
    # with probability 68.21 % and 39 % are answered in 20 s; 13 agents reach 79.6 %, 14 agents
    # meet the target at 71 % occupancy; 14 / (1 - 0.3) = 20 people to schedule.
    traffic = offered_traffic(100, 180, 30)
    assert traffic == pytest.approx(10.0)
    assert wait_probability(11, traffic) == pytest.approx(0.6821, abs=5e-5)
    assert service_level(11, traffic, 180, 20) == pytest.approx(0.39, abs=5e-3)
    assert service_level(13, traffic, 180, 20) == pytest.approx(0.796, abs=5e-4)
    assert agents_needed(traffic, 180, 0.8, 20, max_occupancy=0.85) == 14
    assert performance(14, traffic, 180, 20).occupancy == pytest.approx(0.71, abs=5e-3)
    required = erlang_c(
        100, 180, interval_minutes=30, service_level=0.8, max_occupancy=0.85, shrinkage=0.3
    )
    assert required == 20


# "The Erlang-C formula" step-by-step example (Mitan / Westbay Engineers' Erlang pages): 360
# calls per half hour, 4-minute calls, 55 agents, 15 s target, i.e. 48 Erlangs. The expected
# numbers below were derived separately from the textbook factorial formula in exact rational
# arithmetic (exact_erlang_c above re-derives them in test_example_table_matches_exact_formula).
# agents: (P(wait), SL within 20 s, SL within 15 s, ASA seconds)
EXAMPLE_48 = {
    51: (0.571440, 0.554962, 0.526259, 45.7152),
    52: (0.466031, 0.666075, 0.637055, 27.9618),
    53: (0.376542, 0.751768, 0.724516, 18.0740),
    54: (0.301308, 0.817248, 0.792914, 12.0523),
    55: (0.238701, 0.866796, 0.845883, 8.1840),
}


@pytest.mark.parametrize("agents", sorted(EXAMPLE_48))
def test_360_calls_per_half_hour_example(agents: int) -> None:
    """360 calls / 30 min at 240 s: waiting, service level and ASA for 51..55 agents."""
    traffic = offered_traffic(360, 240, 30)
    assert traffic == pytest.approx(48.0)
    waits, within_20, within_15, answer = EXAMPLE_48[agents]
    assert wait_probability(agents, traffic) == pytest.approx(waits, abs=1e-6)
    assert service_level(agents, traffic, 240, 20) == pytest.approx(within_20, abs=1e-6)
    assert service_level(agents, traffic, 240, 15) == pytest.approx(within_15, abs=1e-6)
    result = performance(agents, traffic, 240, 15)
    assert result.average_speed_of_answer == pytest.approx(answer, abs=1e-4)
    assert result.occupancy == pytest.approx(48 / agents)


def test_example_table_matches_exact_formula() -> None:
    """The hard-coded table agrees with the exact factorial formula it was taken from."""
    for agents, (waits, within_20, _, answer) in EXAMPLE_48.items():
        exact = float(exact_erlang_c(agents, Fraction(48)))
        assert exact == pytest.approx(waits, abs=1e-6)
        assert 1 - exact * math.exp(-(agents - 48) * 20 / 240) == pytest.approx(within_20, abs=1e-6)
        assert exact * 240 / (agents - 48) == pytest.approx(answer, abs=1e-4)


def test_360_calls_example_needs_54_agents_for_80_in_20() -> None:
    """48 Erlangs: 53 agents answer 75 % in 20 s, 54 agents 82 %, so 54 are needed."""
    assert agents_needed(48.0, 240, 0.8, 20) == 54
    assert agents_needed(48.0, 240, 0.8, 15) == 55


# --------------------------------------------------------------------------------------------
# Erlang B and C against exact arithmetic


@pytest.mark.parametrize("traffic", [Fraction(1, 2), Fraction(5, 2), Fraction(10), Fraction(48)])
def test_erlang_b_matches_exact_fractions(traffic: Fraction) -> None:
    """The recursion equals the factorial formula to 1e-12 relative for 0..80 servers."""
    for agents in range(81):
        expected = float(exact_erlang_b(agents, traffic))
        assert erlang_b(agents, float(traffic)) == pytest.approx(expected, rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("traffic", [Fraction(1, 3), Fraction(7, 2), Fraction(99, 2)])
def test_wait_probability_matches_exact_fractions(traffic: Fraction) -> None:
    """Erlang C from B equals the textbook formula in exact arithmetic above the traffic."""
    for agents in range(math.floor(traffic) + 1, math.floor(traffic) + 25):
        expected = float(exact_erlang_c(agents, traffic))
        assert wait_probability(agents, float(traffic)) == pytest.approx(expected, rel=1e-11)


def test_overloaded_erlang_c_always_waits() -> None:
    """With no more agents than Erlangs every call waits and none is answered in time."""
    assert wait_probability(10, 10.0) == 1.0
    result = performance(9, 10.0, 240, 20)
    assert (result.wait_probability, result.service_level) == (1.0, 0.0)
    assert math.isinf(result.average_speed_of_answer)


def test_thousand_erlangs_is_stable_and_exact() -> None:
    """1000 Erlangs: Erlang C matches exact integer arithmetic where factorials overflow floats."""
    with pytest.raises(OverflowError):
        float(math.factorial(1000))
    for agents in (1001, 1010, 1020, 1050):
        expected = integer_erlang_c(agents, 1000)
        assert wait_probability(agents, 1000.0) == pytest.approx(expected, rel=1e-10)
    needed = agents_needed(1000.0, 240, 0.8, 20)
    assert (
        service_level(needed, 1000.0, 240, 20) >= 0.8 > service_level(needed - 1, 1000.0, 240, 20)
    )
    assert 1000 < needed < 1050


def test_very_large_traffic_still_gives_an_answer() -> None:
    """20,000 Erlangs staff just above the traffic, the square-root rule's regime."""
    needed = agents_needed(20_000.0, 240, 0.8, 20)
    assert 20_000 < needed < 20_000 + 3 * math.sqrt(20_000)
    assert service_level(needed, 20_000.0, 240, 20) >= 0.8


@settings(max_examples=60, deadline=None)
@given(
    traffic=st.floats(0.01, 300, allow_nan=False),
    aht=st.floats(10, 1200),
    answer_within=st.floats(0, 120),
    patience=st.none() | st.floats(5, 1800),
)
def test_more_agents_never_lower_the_service_level(
    traffic: float, aht: float, answer_within: float, patience: float | None
) -> None:
    """Service level is non-decreasing and waiting non-increasing in the number of agents."""
    start = max(0, math.floor(traffic) - 5)
    results = [
        performance(n, traffic, aht, answer_within, patience) for n in range(start, start + 25)
    ]
    for before, after in itertools.pairwise(results):
        assert after.service_level >= before.service_level - 1e-12
        assert after.wait_probability <= before.wait_probability + 1e-12
        assert 0.0 <= after.service_level <= 1.0


@settings(max_examples=60, deadline=None)
@given(
    traffic=st.floats(0.01, 200, allow_nan=False),
    target=st.floats(0.05, 0.99),
    answer_within=st.floats(0, 60),
    occupancy=st.none() | st.floats(0.5, 1.0),
    patience=st.none() | st.floats(10, 900),
)
def test_agents_needed_is_the_fewest_that_meet_the_targets(
    traffic: float,
    target: float,
    answer_within: float,
    occupancy: float | None,
    patience: float | None,
) -> None:
    """The answer meets the service level and the occupancy cap; one agent fewer does not."""
    needed = agents_needed(traffic, 180, target, answer_within, occupancy, patience)

    def meets(agents: int) -> bool:
        result = performance(agents, traffic, 180, answer_within, patience)
        in_time = result.service_level >= target * (1 - 1e-9)
        return in_time and (occupancy is None or result.occupancy <= occupancy * (1 + 1e-9))

    assert needed >= 1
    assert meets(needed)
    assert not meets(needed - 1)


# --------------------------------------------------------------------------------------------
# Erlang A


@pytest.mark.parametrize(
    ("agents", "traffic", "aht", "answer_within", "patience"),
    [
        (3, 2.5, 240, 20, 120),
        (5, 7.0, 180, 30, 60),  # overloaded: only abandonment keeps the queue finite
        (10, 9.0, 300, 20, 600),
        (2, 0.5, 100, 0, 50),
        (4, 4.0, 240, 60, 180),
    ],
)
def test_erlang_a_matches_the_chain_solved_as_matrices(
    agents: int, traffic: float, aht: float, answer_within: float, patience: float
) -> None:
    """Service level, abandonment, waiting and ASA agree with the M/M/n+M chain to 1e-8."""
    level, abandon, waits, answer = chain_reference(agents, traffic, aht, answer_within, patience)
    result = performance(agents, traffic, aht, answer_within, patience)
    assert result.service_level == pytest.approx(level, abs=1e-8)
    assert result.abandon_probability == pytest.approx(abandon, abs=1e-8)
    assert result.wait_probability == pytest.approx(waits, abs=1e-8)
    assert result.average_speed_of_answer == pytest.approx(answer, rel=1e-7)
    assert result.occupancy == pytest.approx(traffic * (1 - abandon) / agents, rel=1e-7)


def test_erlang_a_with_endless_patience_is_erlang_c() -> None:
    """Callers who practically never hang up give Erlang C's numbers."""
    for agents in (51, 55):
        erlang_a = performance(agents, 48.0, 240, 20, patience=1e9)
        assert erlang_a.service_level == pytest.approx(EXAMPLE_48[agents][1], abs=1e-6)
        assert erlang_a.wait_probability == pytest.approx(EXAMPLE_48[agents][0], abs=1e-6)
        assert erlang_a.abandon_probability < 1e-6
    assert performance(55, 48.0, 240, 20, patience=math.inf) == performance(55, 48.0, 240, 20)


def test_erlang_a_needs_fewer_agents_when_callers_hang_up() -> None:
    """Abandonment shortens the queue: impatient callers need no more agents than Erlang C."""
    patient = agents_needed(48.0, 240, 0.8, 20)
    impatient = agents_needed(48.0, 240, 0.8, 20, patience=60)
    assert impatient < patient
    assert performance(impatient, 48.0, 240, 20, 60).abandon_probability > 0


def test_erlang_a_stays_defined_below_the_traffic() -> None:
    """Fewer agents than Erlangs: Erlang A still gives a service level between 0 and 1."""
    result = performance(40, 48.0, 240, 20, patience=120)
    assert 0 < result.service_level < 1
    assert result.abandon_probability > 1 - 40 / 48 - 1e-9
    assert result.occupancy < 1


def test_erlang_a_scales_to_a_thousand_erlangs() -> None:
    """1000 Erlangs with abandonment: the answer is found and meets the target."""
    needed = agents_needed(1000.0, 240, 0.8, 20, patience=180)
    assert 900 < needed < 1050
    assert service_level(needed, 1000.0, 240, 20, 180) >= 0.8


# --------------------------------------------------------------------------------------------
# erlang_c over intervals, shrinkage and bad arguments


def test_shrinkage_forgives_float_noise() -> None:
    """14 / 0.7 is 20.000000000000004 in floats; the schedule needs 20, not 21."""
    assert with_shrinkage(14, 0.3) == 20
    assert with_shrinkage(7, 0.3) == 10
    assert with_shrinkage(15, 0.3) == 22
    assert with_shrinkage(5, 0.0) == 5
    assert with_shrinkage(0, 0.5) == 0


def test_occupancy_cap_on_its_boundary() -> None:
    """8.5 Erlangs at an 85 % cap need exactly 10 agents, not 11."""
    traffic = offered_traffic(51, 150, 15)
    assert traffic == pytest.approx(8.5)
    assert agents_needed(traffic, 150, 0.05, 0, max_occupancy=0.85) == 10
    assert agents_needed(traffic, 150, 0.05, 0, max_occupancy=0.7) == 13


def test_zero_calls_need_zero_people() -> None:
    """No calls: nobody, under Erlang C and Erlang A and whatever the shrinkage."""
    assert erlang_c(0, 240) == 0
    assert erlang_c(0, 240, shrinkage=0.4, patience=60, max_occupancy=0.8) == 0
    assert agents_needed(0.0, 240, 0.8, 20) == 0


def test_erlang_c_keeps_a_series_index() -> None:
    """A Series of calls gives a Series of required people with the same index."""
    index = pd.MultiIndex.from_tuples([("mon", "08:00"), ("mon", "08:15"), ("mon", "08:30")])
    calls = pd.Series([100.0, 0.0, 100.0], index=index)
    required = erlang_c(calls, 180, interval_minutes=30, max_occupancy=0.85, shrinkage=0.3)
    assert isinstance(required, pd.Series)
    assert required.index.equals(index)
    assert required.name == "required"
    assert required.tolist() == [20, 0, 20]


def test_erlang_c_takes_arrays_and_one_aht_per_interval() -> None:
    """Arrays broadcast against a per-interval AHT; a scalar gives an int."""
    required = erlang_c([360, 360], [240, 180], interval_minutes=30, answer_within=20)
    assert isinstance(required, np.ndarray)
    expected = [
        agents_needed(48.0, 240, 0.8, 20),
        agents_needed(36.0, 180, 0.8, 20),
    ]
    assert required.tolist() == expected
    single = erlang_c(360, 240, interval_minutes=30)
    assert isinstance(single, int)
    assert single == expected[0] == 54


def test_staffing_table_adds_the_columns() -> None:
    """staffing_table keeps the input columns and reports how each interval fares."""
    frame = pd.DataFrame(
        {"start": ["08:00", "08:15"], "calls": [20.0, 0.0], "aht": [240.0, 240.0], "minutes": 15}
    )
    table = staffing_table(frame, shrinkage=0.3, patience=120)
    assert list(table.columns[:4]) == ["start", "calls", "aht", "minutes"]
    assert table["required"].tolist() == [
        with_shrinkage(agents_needed(20 * 240 / 900, 240, 0.8, 20, patience=120), 0.3),
        0,
    ]
    assert (table["service_level"] >= 0.8).all()
    assert table.loc[0, "abandon_probability"] > 0
    assert table.loc[0, "erlangs"] == pytest.approx(20 * 240 / 900)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: erlang_c(-1, 240), "calls"),
        (lambda: erlang_c(float("nan"), 240), "calls"),
        (lambda: erlang_c(10, 0), "aht"),
        (lambda: erlang_c(10, 240, service_level=1.0), "service_level"),
        (lambda: erlang_c(10, 240, shrinkage=1.0), "shrinkage"),
        (lambda: erlang_c(10, 240, max_occupancy=0), "max_occupancy"),
        (lambda: erlang_c(10, 240, patience=-5), "patience"),
        (lambda: erlang_c(10, 240, answer_within=-1), "answer_within"),
        (lambda: erlang_b(-1, 3.0), "agents"),
        (lambda: wait_probability(3, -1.0), "traffic"),
    ],
)
def test_bad_arguments_raise_value_error(call: object, message: str) -> None:
    """Out-of-range arguments raise ValueError naming the argument."""
    with pytest.raises(ValueError, match=message):
        call()  # type: ignore[operator]
