"""Baselines: the simplest rules, which a learned function has to beat to be worth anything.

    same as yesterday:    ŷ_t = v_{t-1}
    same as 7 days ago:   ŷ_t = v_{t-7}   (seasonal naive: the weekly cycle)

They are evaluated on exactly the target days the model is evaluated on. This module
is the one place the rule is written: on calendar days (`naive`), on windows of past
days (`Naive`, a predictor like a fitted model), for choosing the days where every
baseline is known (`baseline_days`) and for MASE's scales (`naive_mae`).
"""

import numpy as np
import pandas as pd

from ..errors import DataError
from .i18n import N_
from .metrics import evaluate
from .units import days

BASELINES = {N_("same as yesterday"): 1, N_("same as 7 days ago"): 7}


def naive(full: pd.Series, dates: pd.DatetimeIndex, lag: int) -> np.ndarray:
    """ŷ for each target day: the value `lag` days before it (NaN where that day is missing).

    `full` is the series on every calendar day (see `features.daily`).
    """
    return full.reindex(dates - pd.Timedelta(days=lag)).to_numpy(dtype=float)


class Naive:
    """The rule as a predictor of windows: ŷ = x_lag, the value `lag` days before the target day.

    >>> Naive(2).predict_windows(np.array([[5.0, 3.0, 1.0]]))
    array([[3.]])
    """

    def __init__(self, lag: int):
        self.n_lags = lag

    def predict_windows(self, X: np.ndarray, dates=None) -> np.ndarray:
        return X[:, self.n_lags - 1][None, :]


def baseline_days(full: pd.Series, dates: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """The target days among `dates` on which every baseline's input is known."""
    for lag in BASELINES.values():
        dates = dates[np.isfinite(naive(full, dates, lag))]
    return dates


def naive_mae(full: pd.Series, lag: int = 7) -> float:
    """MASE's scale: the mean |v_t - v_{t-lag}| over the days of `full` that have both; `lag` 7 is the
    seasonal naive's (same as last week), 1 the naive's (same as yesterday).

    >>> week = pd.Series([1.0] * 7 + [3.0] * 7, index=pd.date_range("2020-01-01", periods=14))
    >>> naive_mae(week), naive_mae(week, 1)
    (2.0, 0.15384615384615385)
    """
    errors = np.abs(full.to_numpy(dtype=float) - naive(full, full.index, lag))
    errors = errors[np.isfinite(errors)]
    if errors.size == 0 or errors.mean() == 0:
        raise DataError(f"no pair of days {'a week' if lag == 7 else days(lag)} apart that differ; MASE cannot be scaled")
    return float(errors.mean())


def evaluate_baselines(full: pd.Series, dates: pd.DatetimeIndex, y: np.ndarray) -> dict[str, dict]:
    """Every metric of every baseline on the target days `dates` with values `y`.

    Days whose baseline input is missing are skipped; `days` says how many were used.
    """
    results = {}
    for name, lag in BASELINES.items():
        y_hat = naive(full, dates, lag)
        known = np.isfinite(y_hat)
        scores = evaluate(y[known], y_hat[known]) if known.any() else {}
        results[name] = {"days": int(known.sum()), **scores}
    return results
