"""Prediction intervals from out-of-sample errors (split conformal), and their coverage.

A function's errors on days it never trained on (the validation period) say how far
off it is on new days. Written as log ratios, r = log(1 + y) - log(1 + ŷ), they are
relative errors: a 10% miss at 2,000 views and at 3,000 views is the same r, so the
interval keeps its width in % as views grow. For an interval meant to hold a share
`coverage` of days (80%), with α = 1 - coverage and n errors r₍₁₎ ≤ ... ≤ r₍ₙ₎:

    lower offset = r₍ₖ₎ with k = ⌊(n + 1) α/2⌋          (-∞ when k = 0)
    upper offset = r₍ₖ₎ with k = ⌈(n + 1) (1 - α/2)⌉    (+∞ when k > n)
    interval     = [ (1 + ŷ) e^lower - 1,  (1 + ŷ) e^upper - 1 ], never below 0

the split-conformal quantiles of each tail: when the new day's error is exchangeable
with the n validation errors, it falls below the upper offset with probability at
least 1 - α/2, and above the lower one likewise. Written by hand: the formula is the
point. `coverage` then measures the share of real days the intervals held.

Views are not exchangeable over years: a harder year has larger errors than the one
before. So the intervals adapt as outcomes become known (`adaptive`): the errors used
are the most recent `WINDOW` known ones, and the share α left out moves after each
known day by adaptive conformal inference (Gibbs & Candès, 2021),

    α ← α + γ (α_target - miss),    miss = 1 if the day fell outside its interval, else 0

so a run of misses widens the next intervals and a run of hits narrows them. A
forecast's intervals come from the validation days run through this; in a backtest,
each test day's outcome joins once that day is past, as for someone forecasting daily.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

WINDOW = 365  # the most recent errors used: a year, every season
GAMMA = 0.01  # how fast α adapts
MIN_ALPHA = 0.002  # α stays in [MIN_ALPHA, 2 α_target]: the interval never becomes infinite


def log_ratio(y: np.ndarray, y_hat: np.ndarray) -> np.ndarray:
    """r = log(1 + y) - log(1 + ŷ): the relative error of each forecast."""
    return np.log1p(y) - np.log1p(np.maximum(y_hat, 0.0))


@dataclass(frozen=True)
class Offsets:
    """The interval's offsets in log ratio (see the module docstring), from `n` errors.

    `lower` and `upper` are numbers, or arrays with one per forecast (see `stack`).
    """

    lower: float | np.ndarray
    upper: float | np.ndarray
    n: int

    @classmethod
    def fit(cls, errors: np.ndarray, coverage: float) -> Offsets:
        """The conformal offsets of `errors` (log ratios on unseen days) for `coverage` in (0, 1)."""
        if not 0 < coverage < 1:
            raise ValueError(f"coverage must be between 0 and 1; got {coverage}")
        errors = np.sort(np.asarray(errors, dtype=float))
        n, alpha = len(errors), 1 - coverage
        slack = 1e-9  # 1 - 0.8 is 0.19999999999999996: (n + 1) α/2 must not fall just below a whole number
        k_low, k_high = math.floor((n + 1) * alpha / 2 + slack), math.ceil((n + 1) * (1 - alpha / 2) - slack)
        lower = errors[k_low - 1] if k_low >= 1 else -math.inf
        upper = errors[k_high - 1] if k_high <= n else math.inf
        return cls(float(lower), float(upper), n)

    @classmethod
    def stack(cls, each: list[Offsets]) -> Offsets:
        """One forecast's offsets each, as one `Offsets` of arrays (`n`: the fewest errors used)."""
        return cls(np.array([o.lower for o in each]), np.array([o.upper for o in each]), min(o.n for o in each))

    def around(self, y_hat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The interval (lower, upper) in views around forecasts `y_hat`."""
        base = np.log1p(np.maximum(y_hat, 0.0))
        with np.errstate(over="ignore"):
            return np.maximum(np.expm1(base + self.lower), 0.0), np.expm1(base + self.upper)


def coverage(y: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> float:
    """The share of real values y inside their interval [lower, upper] (ends included)."""
    y = np.asarray(y, dtype=float)
    return float(np.mean((y >= lower) & (y <= upper)))


def adaptive(errors: np.ndarray, dates: pd.DatetimeIndex, horizon: int, coverage: float) -> list[Offsets]:
    """Offsets for each day of `dates` (its forecast made `horizon` days before it), then one
    more for a day after them all: from the errors known at the forecast's origin, with α
    adapted by every outcome known then (see the module docstring). Too few known errors
    give an unbounded side (see `Offsets.fit`).
    """
    target = 1 - coverage
    known = [*dates.searchsorted(dates - pd.Timedelta(days=horizon), side="right"), len(dates)]
    alpha_after = [target]  # alpha_after[k]: α once the first k outcomes are known
    result = []
    for i, k in enumerate(known):
        alpha = min(max(alpha_after[k], MIN_ALPHA), 2 * target)
        offsets = Offsets.fit(errors[max(0, k - WINDOW) : k], 1 - alpha)
        result.append(offsets)
        if i < len(dates):
            miss = not offsets.lower <= errors[i] <= offsets.upper
            alpha_after.append(alpha_after[-1] + GAMMA * (target - miss))
    return result
