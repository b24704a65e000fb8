"""Agents needed per interval from a call forecast: Erlang C, and Erlang A with abandonment.

The queue of an interval: calls arrive as a Poisson stream (``calls`` in ``interval_minutes``),
handling times are exponential with mean ``aht`` seconds, ``n`` agents serve one first-come
first-served queue. The offered traffic is ``A = calls x aht / interval seconds`` Erlangs.

- **Erlang C** (M/M/n): callers wait as long as it takes. Needs ``n > A``.
- **Erlang A** (M/M/n+M; Palm 1946, Garnett, Mandelbaum and Reiman 2002): each waiting caller
  hangs up after an exponential patience with mean ``patience`` seconds, so any ``n`` is stable.

The *service level* is the share of all offered calls answered within ``answer_within``
seconds. Under Erlang A a caller who hangs up counts as not answered in time, however soon;
this is the stricter of the usual readings, so it never understaffs against the other.

Numerics: Erlang B by its recursion ``B(n) = A B(n-1) / (n + A B(n-1))``, whose terms all lie in
[0, 1], Erlang C from B, and Erlang A's queue in log space: no factorial or power of ``A`` is
ever formed, so thousands of agents are fine.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import overload

import numpy as np
import pandas as pd

__all__ = [
    "Performance",
    "agents_needed",
    "erlang_b",
    "erlang_c",
    "offered_traffic",
    "performance",
    "service_level",
    "staffing_table",
    "wait_probability",
    "with_shrinkage",
]

_RELATIVE = 1e-9
"""Slack for comparisons of rounded floats: 14 / (1 - 0.3) is 20.000000000000004, meant 20."""

_NEGLIGIBLE = 60.0
"""Queue states below e**-60 of the likeliest one are dropped (their mass is below 1e-24)."""

_MAX_QUEUE_STATES = 5_000_000


@dataclass(frozen=True)
class Performance:
    """How a queue fares with a given number of agents (times in seconds).

    ``average_speed_of_answer`` is the mean wait of the answered calls (infinite when Erlang C
    is overloaded); ``occupancy`` is the carried traffic per agent.
    """

    agents: int
    traffic: float
    wait_probability: float
    service_level: float
    average_speed_of_answer: float
    abandon_probability: float
    occupancy: float


def offered_traffic(calls: float, aht: float, interval_minutes: float) -> float:
    """Offered traffic in Erlangs: ``calls`` per interval times ``aht`` seconds each.

    Parameters
    ----------
    calls
        Calls arriving in the interval (a forecast may be fractional).
    aht
        Average handling time in seconds.
    interval_minutes
        Length of the interval.
    """
    _check(calls >= 0 and math.isfinite(calls), f"calls must be finite and >= 0, got {calls}")
    _check_finite("aht", aht)
    _check_finite("interval_minutes", interval_minutes)
    return calls * aht / (interval_minutes * 60)


class _Blocking:
    """Erlang B values ``B(0..n)`` of one traffic, extended on demand by the recursion."""

    def __init__(self, traffic: float) -> None:
        self.traffic = traffic
        self.values = [1.0]

    def at(self, agents: int) -> float:
        """Erlang B with ``agents`` servers."""
        values = self.values
        traffic = self.traffic
        blocking = values[-1]
        for n in range(len(values), agents + 1):
            blocking = traffic * blocking / (n + traffic * blocking)
            values.append(blocking)
        return values[agents]


def erlang_b(agents: int, traffic: float) -> float:
    """Erlang B: the share of calls lost when ``agents`` servers carry ``traffic`` Erlangs.

    Parameters
    ----------
    agents
        Number of servers, ``>= 0``.
    traffic
        Offered traffic in Erlangs, ``>= 0``.
    """
    _check_agents(agents)
    _check_traffic(traffic)
    return _Blocking(traffic).at(agents)


def wait_probability(agents: int, traffic: float) -> float:
    """Erlang C: the probability that a call has to wait (1 when ``agents <= traffic``).

    Parameters
    ----------
    agents
        Number of agents, ``>= 0``.
    traffic
        Offered traffic in Erlangs, ``>= 0``.
    """
    _check_agents(agents)
    _check_traffic(traffic)
    return _erlang_c_wait(agents, traffic, _Blocking(traffic).at(agents))


def _erlang_c_wait(agents: int, traffic: float, blocking: float) -> float:
    """Erlang C from Erlang B: ``C = n B / (n - A (1 - B))``."""
    if traffic == 0:
        return 0.0
    if agents <= traffic:
        return 1.0
    return agents * blocking / (agents - traffic * (1 - blocking))


def service_level(
    agents: int,
    traffic: float,
    aht: float,
    answer_within: float,
    patience: float | None = None,
) -> float:
    """Share of calls answered within ``answer_within`` seconds by ``agents`` agents.

    Parameters
    ----------
    agents
        Number of agents on the phones.
    traffic
        Offered traffic in Erlangs.
    aht
        Average handling time in seconds.
    answer_within
        The service-level threshold in seconds, ``>= 0``.
    patience
        Mean patience of a waiting caller in seconds for Erlang A; None for Erlang C.
    """
    return performance(agents, traffic, aht, answer_within, patience).service_level


def performance(
    agents: int,
    traffic: float,
    aht: float,
    answer_within: float,
    patience: float | None = None,
) -> Performance:
    """Waiting, service level, speed of answer, abandonment and occupancy with ``agents``.

    Parameters are those of :func:`service_level`.
    """
    _check_agents(agents)
    _check_traffic(traffic)
    _check_finite("aht", aht)
    _check(answer_within >= 0, f"answer_within must be >= 0 seconds, got {answer_within}")
    if patience is not None:
        _check_positive("patience", patience)
    return _performance(agents, traffic, aht, answer_within, patience, _Blocking(traffic))


def _performance(
    agents: int,
    traffic: float,
    aht: float,
    answer_within: float,
    patience: float | None,
    blocking: _Blocking,
) -> Performance:
    """:func:`performance` on checked arguments, reusing the Erlang B values in ``blocking``."""
    if traffic == 0:
        return Performance(agents, traffic, 0.0, 1.0, 0.0, 0.0, 0.0)
    erlang_a = patience is not None and not math.isinf(patience)
    if agents == 0:  # Erlang A callers all hang up; Erlang C callers wait for ever
        return Performance(agents, traffic, 1.0, 0.0, math.inf, float(erlang_a), 1.0)
    if patience is None or not erlang_a:
        return _erlang_c(agents, traffic, aht, answer_within, blocking.at(agents))
    return _erlang_a(agents, traffic, aht, answer_within, patience, blocking.at(agents))


def _erlang_c(
    agents: int, traffic: float, aht: float, answer_within: float, blocking: float
) -> Performance:
    """M/M/n: ``SL = 1 - C exp(-(n - A) t / aht)``, ``ASA = C aht / (n - A)``."""
    if agents <= traffic:
        return Performance(agents, traffic, 1.0, 0.0, math.inf, 0.0, 1.0)
    waits = _erlang_c_wait(agents, traffic, blocking)
    level = 1.0 - waits * math.exp(-(agents - traffic) * answer_within / aht)
    answer = waits * aht / (agents - traffic)
    return Performance(agents, traffic, waits, level, answer, 0.0, traffic / agents)


def _erlang_a(
    agents: int,
    traffic: float,
    aht: float,
    answer_within: float,
    patience: float,
    blocking: float,
) -> Performance:
    """M/M/n+M by its birth-death chain, with an exact answered-in-time share.

    With ``n`` agents busy and ``j`` callers waiting, the chain leaves by arrivals at rate
    ``lam`` and by service or abandonment at rate ``n mu + j theta``. States ``k <= n`` are
    ``B``-weighted as in Erlang B; queue states carry ``w_j = prod_{i<=j} lam / (n mu + i theta)``.

    A caller who finds ``j`` waiting (PASTA) moves up at rate ``n mu + i theta`` with ``i``
    ahead and hangs up at rate ``theta``; each step's length does not depend on which of the
    two ends it, so the caller is answered with probability ``n mu / (n mu + (j+1) theta)``,
    after a sum of exponentials with rates ``n mu + k theta``, ``k = 1..j+1``. That sum is
    ``<= t`` exactly when a birth process with immigration, ``NegBin(n mu / theta + 1,
    1 - exp(-theta t))``, reaches ``j + 1`` by ``t``.
    """
    if blocking == 0.0:  # underflow: so many agents that nobody ever waits
        return Performance(agents, traffic, 0.0, 1.0, 0.0, 0.0, traffic / agents)
    lam = traffic / aht
    rate = agents / aht
    theta = 1.0 / patience
    log_w = _queue_weights(lam, rate, theta)
    top = float(log_w.max())
    log_sum = top + math.log(float(np.exp(log_w - top).sum()))
    log_blocking = math.log(blocking)
    log_full = log_blocking - np.logaddexp(math.log1p(-blocking), log_blocking + log_sum)
    queue = np.exp(log_full + log_w)  # P(n busy and j waiting), j = 0..
    waits = min(1.0, math.exp(log_full + log_sum))
    steps = rate + theta * np.arange(1, len(log_w) + 1)  # exit rate with j waiting ahead
    answered = rate / steps
    abandon = float((queue * (1.0 - answered)).sum())
    within = 0.0
    if answer_within > 0:
        in_time = _reached(rate / theta + 1.0, theta, answer_within, len(log_w))
        within = float((queue * answered * in_time).sum())
    level = min(1.0, max(0.0, 1.0 - waits + within))
    mean_wait = np.cumsum(1.0 / steps)
    served = 1.0 - abandon
    answer = float((queue * answered * mean_wait).sum()) / served if served > 0 else math.inf
    occupancy = traffic * served / agents
    return Performance(agents, traffic, waits, level, answer, abandon, occupancy)


def _queue_weights(lam: float, rate: float, theta: float) -> np.ndarray:
    """``log w_j`` for ``j = 0..J``, with ``J`` past the point where the weights vanish."""
    peak = max(0, math.ceil((lam - rate) / theta))
    size = peak + math.ceil(math.sqrt(2 * _NEGLIGIBLE * lam / theta)) + 64
    while True:
        if size > _MAX_QUEUE_STATES:
            raise ValueError(
                "patience too long against the handling time for Erlang A "
                f"(more than {_MAX_QUEUE_STATES:,} queue states); leave it out for Erlang C"
            )
        waiting = np.arange(1, size + 1)
        log_w = np.concatenate(([0.0], np.cumsum(math.log(lam) - np.log(rate + theta * waiting))))
        if log_w[-1] < log_w.max() - _NEGLIGIBLE:
            return log_w
        size *= 2


def _reached(shape: float, theta: float, seconds: float, count: int) -> np.ndarray:
    """``P(K >= j + 1)`` for ``j = 0..count-1``, ``K ~ NegBin(shape, 1 - exp(-theta t))``."""
    log_fail = -theta * seconds
    success = -math.expm1(log_fail)
    if success == 0.0:  # a threshold so short that nobody waiting is answered within it
        return np.zeros(count)
    log_success = math.log(success)
    k = np.arange(1, count)
    log_ratio = np.log(shape + k - 1) - np.log(k) + log_success
    log_pmf = shape * log_fail + np.concatenate(([0.0], np.cumsum(log_ratio)))
    return np.clip(1.0 - np.cumsum(np.exp(log_pmf)), 0.0, 1.0)


def agents_needed(
    traffic: float,
    aht: float,
    service_level: float,
    answer_within: float,
    max_occupancy: float | None = None,
    patience: float | None = None,
) -> int:
    """Fewest agents on the phones that meet the service level (and the occupancy cap).

    Parameters
    ----------
    traffic
        Offered traffic in Erlangs; 0 needs 0 agents.
    aht
        Average handling time in seconds.
    service_level
        Target share of calls answered within ``answer_within`` seconds, ``0 < target < 1``.
    answer_within
        The threshold in seconds, ``>= 0``.
    max_occupancy
        Highest acceptable carried traffic per agent, ``0 < cap <= 1``; None for no cap.
    patience
        Mean patience in seconds for Erlang A; None for Erlang C.
    """
    _check_traffic(traffic)
    _check_finite("aht", aht)
    _check(0 < service_level < 1, f"service_level must lie strictly in (0, 1), got {service_level}")
    _check(answer_within >= 0, f"answer_within must be >= 0 seconds, got {answer_within}")
    if max_occupancy is not None:
        _check(0 < max_occupancy <= 1, f"max_occupancy must lie in (0, 1], got {max_occupancy}")
    if patience is not None:
        _check_positive("patience", patience)
    if traffic == 0:
        return 0
    blocking = _Blocking(traffic)
    erlang_a = patience is not None and not math.isinf(patience)

    def enough(agents: int) -> bool:
        result = _performance(agents, traffic, aht, answer_within, patience, blocking)
        if result.service_level < service_level * (1 - _RELATIVE):
            return False
        return max_occupancy is None or result.occupancy <= max_occupancy * (1 + _RELATIVE)

    # Erlang C needs n > A; under Erlang A no more than n / A of the calls can be answered.
    low = max(1, math.floor(traffic * service_level)) if erlang_a else math.floor(traffic) + 1
    return _smallest(low, enough)


def _smallest(low: int, enough: Callable[[int], bool]) -> int:
    """The least ``n >= low`` with ``enough(n)``, for a monotone ``enough``: gallop, then bisect."""
    if enough(low):
        return low
    bad, step = low, 1
    good = bad + step
    while not enough(good):
        bad, step = good, 2 * step
        good = bad + step
    while good - bad > 1:
        middle = (bad + good) // 2
        if enough(middle):
            good = middle
        else:
            bad = middle
    return good


def with_shrinkage(agents: int, shrinkage: float) -> int:
    """People to schedule so that ``agents`` remain after a ``shrinkage`` share is lost.

    ``ceil(agents / (1 - shrinkage))``, forgiving float noise: 14 agents at 30 % give 20.
    """
    _check(0 <= shrinkage < 1, f"shrinkage must lie in [0, 1), got {shrinkage}")
    return math.ceil(agents / (1 - shrinkage) * (1 - _RELATIVE))


Calls = float | Sequence[float] | np.ndarray | pd.Series


@overload
def erlang_c(
    calls: pd.Series,
    aht: float | Sequence[float] | np.ndarray | pd.Series,
    *,
    interval_minutes: float = ...,
    service_level: float = ...,
    answer_within: float = ...,
    max_occupancy: float | None = ...,
    shrinkage: float = ...,
    patience: float | None = ...,
) -> pd.Series: ...


@overload
def erlang_c(
    calls: float,
    aht: float,
    *,
    interval_minutes: float = ...,
    service_level: float = ...,
    answer_within: float = ...,
    max_occupancy: float | None = ...,
    shrinkage: float = ...,
    patience: float | None = ...,
) -> int: ...


@overload
def erlang_c(
    calls: Sequence[float] | np.ndarray,
    aht: float | Sequence[float] | np.ndarray | pd.Series,
    *,
    interval_minutes: float = ...,
    service_level: float = ...,
    answer_within: float = ...,
    max_occupancy: float | None = ...,
    shrinkage: float = ...,
    patience: float | None = ...,
) -> np.ndarray: ...


def erlang_c(
    calls: Calls,
    aht: float | Sequence[float] | np.ndarray | pd.Series,
    *,
    interval_minutes: float = 15,
    service_level: float = 0.8,
    answer_within: float = 20,
    max_occupancy: float | None = None,
    shrinkage: float = 0.0,
    patience: float | None = None,
) -> int | np.ndarray | pd.Series:
    """People to schedule per interval for a call forecast.

    Parameters
    ----------
    calls
        Calls per interval: a number, an array or a Series (e.g. ``frame["calls"]``).
    aht
        Average handling time in seconds: one number, or one per interval.
    interval_minutes
        Length of each interval.
    service_level, answer_within
        The target: this share of calls answered within this many seconds (80 % in 20 s).
    max_occupancy
        Optional cap on agent occupancy (e.g. 0.85).
    shrinkage
        Share of scheduled time lost to absence, training and the like; the agents on the
        phones are scaled up to ``ceil(agents / (1 - shrinkage))``.
    patience
        Mean patience in seconds: Erlang A with abandonment; None for Erlang C.

    Returns
    -------
    int, numpy.ndarray or pandas.Series
        Required people, shaped like ``calls`` (a Series keeps its index, named ``required``).
        Zero calls need zero people.
    """
    table = _staff(
        calls,
        aht,
        interval_minutes,
        service_level,
        answer_within,
        max_occupancy,
        shrinkage,
        patience,
    )
    required = table["required"].to_numpy(dtype=np.int64)
    if isinstance(calls, pd.Series):
        return pd.Series(required, index=calls.index, name="required")
    if np.ndim(calls) == 0:
        return int(required[0])
    return required.reshape(np.shape(calls))


def staffing_table(
    calls: pd.DataFrame,
    *,
    service_level: float = 0.8,
    answer_within: float = 20,
    max_occupancy: float | None = None,
    shrinkage: float = 0.0,
    patience: float | None = None,
) -> pd.DataFrame:
    """Per interval: calls, traffic, agents on the phones, people required and how they fare.

    Parameters
    ----------
    calls
        One row per interval with columns ``calls``, ``aht`` (seconds) and ``minutes`` (the
        interval's length).
    service_level, answer_within, max_occupancy, shrinkage, patience
        As for :func:`erlang_c`.

    Returns
    -------
    pandas.DataFrame
        ``calls`` with ``erlangs``, ``agents`` (on the phones), ``required`` (scheduled, with
        shrinkage), ``service_level``, ``wait_probability``, ``asa_seconds``,
        ``abandon_probability`` and ``occupancy`` (the last five for ``agents``) added.
    """
    for column in ("calls", "aht", "minutes"):
        _check(column in calls.columns, f"staffing_table needs a {column!r} column")
    table = _staff(
        calls["calls"],
        calls["aht"],
        calls["minutes"],
        service_level,
        answer_within,
        max_occupancy,
        shrinkage,
        patience,
    )
    table.index = calls.index
    return pd.concat([calls, table.drop(columns=["calls", "aht", "minutes"])], axis=1)


def _staff(
    calls: object,
    aht: object,
    interval_minutes: object,
    service_level: float,
    answer_within: float,
    max_occupancy: float | None,
    shrinkage: float,
    patience: float | None,
) -> pd.DataFrame:
    """The staffing of each interval, computed once per distinct (calls, aht, minutes)."""
    _check(0 <= shrinkage < 1, f"shrinkage must lie in [0, 1), got {shrinkage}")
    arrays = np.broadcast_arrays(
        *(np.atleast_1d(np.asarray(value, dtype=float)) for value in (calls, aht, interval_minutes))
    )
    volume, handling, minutes = (array.ravel() for array in arrays)
    rows: dict[tuple[float, float, float], dict[str, float]] = {}
    records = []
    for key in zip(volume.tolist(), handling.tolist(), minutes.tolist(), strict=True):
        if key not in rows:
            rows[key] = _interval(
                *key, service_level, answer_within, max_occupancy, shrinkage, patience
            )
        records.append(rows[key])
    columns = [
        "calls",
        "aht",
        "minutes",
        "erlangs",
        "agents",
        "required",
        "service_level",
        "wait_probability",
        "asa_seconds",
        "abandon_probability",
        "occupancy",
    ]
    table = pd.DataFrame.from_records(records, columns=columns)
    return table.astype({"agents": np.int64, "required": np.int64})


def _interval(
    calls: float,
    aht: float,
    minutes: float,
    service_level: float,
    answer_within: float,
    max_occupancy: float | None,
    shrinkage: float,
    patience: float | None,
) -> dict[str, float]:
    """One interval's row of :func:`staffing_table`."""
    traffic = offered_traffic(calls, aht, minutes)
    agents = agents_needed(traffic, aht, service_level, answer_within, max_occupancy, patience)
    result = _performance(agents, traffic, aht, answer_within, patience, _Blocking(traffic))
    return {
        "calls": calls,
        "aht": aht,
        "minutes": minutes,
        "erlangs": traffic,
        "agents": agents,
        "required": with_shrinkage(agents, shrinkage),
        "service_level": result.service_level,
        "wait_probability": result.wait_probability,
        "asa_seconds": result.average_speed_of_answer,
        "abandon_probability": result.abandon_probability,
        "occupancy": result.occupancy,
    }


def _check(condition: bool, message: str) -> None:
    """Raise ValueError(message) unless ``condition``."""
    if not condition:
        raise ValueError(message)


def _check_agents(agents: int) -> None:
    _check(isinstance(agents, int | np.integer) and agents >= 0, f"agents must be >= 0: {agents}")


def _check_traffic(traffic: float) -> None:
    _check(traffic >= 0 and math.isfinite(traffic), f"traffic must be finite and >= 0: {traffic}")


def _check_positive(name: str, value: float) -> None:
    _check(value > 0 and not math.isnan(value), f"{name} must be > 0, got {value}")


def _check_finite(name: str, value: float) -> None:
    _check(0 < value < math.inf, f"{name} must be finite and > 0, got {value}")
