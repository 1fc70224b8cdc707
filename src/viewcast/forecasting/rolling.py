"""Forecasting from the real past, at many origins: recursive, direct, or combined.

`recursive` feeds a one-day function's forecast back as x₁ of the next day, so one
function forecasts any number of days; `direct` reads days +1 .. +H at once from a
network with H outputs; a predictor with its own `steps` (a combination, a classical
method) makes them itself. `forecasts_of` does it for every day of a period, h days
ahead, each from the real views up to h days before it (what validation and backtest score).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.metrics import mae
from ..errors import DataError


def recursive(predictor, filled: pd.Series, origins: pd.DatetimeIndex, days: int) -> np.ndarray:
    """Forecasts (days, n) of the `days` days after each origin, from the views up to it.

    The one-day function is applied `days` times: each forecast (the seeds' mean)
    becomes x₁ of the next step, and the other inputs move back one day.
    """
    X = windows_at(filled, origins, predictor.n_lags)
    steps = []
    for h in range(1, days + 1):
        y_hat = predictor.predict_windows(X, origins + pd.Timedelta(days=h)).mean(axis=0)
        steps.append(y_hat)
        X = np.column_stack([y_hat, X[:, :-1]])
    return np.array(steps)


def steps_ahead(predictor, filled: pd.Series, origins: pd.DatetimeIndex, days: int) -> np.ndarray:
    """Forecasts (days, n) of the `days` days after each origin, from the views up to it, each
    predictor its own way: `steps` if it has one, else direct (H outputs) or recursive."""
    if hasattr(predictor, "steps"):
        return predictor.steps(filled, origins, days)
    if getattr(predictor, "horizons", 1) > 1:
        return direct(predictor, filled, origins, days)
    return recursive(predictor, filled, origins, days)


def direct(predictor, filled: pd.Series, origins: pd.DatetimeIndex, days: int) -> np.ndarray:
    """Forecasts (days, n) after each origin from a direct model: its H outputs read from one window
    ending at the origin (its weekday input: day +1's). It forecasts at most H days."""
    if days > predictor.horizons:
        raise ValueError(f"a direct model of {predictor.horizons} days cannot forecast {days}")
    X = windows_at(filled, origins, predictor.n_lags)
    return predictor.predict_windows(X, origins + pd.Timedelta(days=1)).mean(axis=0)[:days]


def windows_at(filled: pd.Series, origins: pd.DatetimeIndex, n_lags: int) -> np.ndarray:
    """The raw windows (n, n_lags) ending at each origin (x₁ = the origin's own views)."""
    positions = filled.index.get_indexer(origins)
    if (positions < n_lags - 1).any():  # also a day not in the data (-1)
        raise DataError(f"the data starts too late for {n_lags}-day windows before {origins[0].date()}")
    values = filled.to_numpy(dtype=float)
    return values[positions[:, None] - np.arange(n_lags)[None, :]]


@dataclass
class Forecasts:
    """`predicted[h - 1, i]`: the forecast of day `dates[i]` (real views `y[i]`) made h days before it."""

    dates: pd.DatetimeIndex
    y: np.ndarray
    predicted: np.ndarray

    def mae_by_horizon(self) -> list[float]:
        return [mae(self.y, row) for row in self.predicted]


def forecasts_of(predictor, filled: pd.Series, dates: pd.DatetimeIndex, days: int) -> Forecasts:
    """Every day of `dates` forecast 1..`days` days ahead, each from the real views up to h days before it."""
    one = pd.Timedelta(days=1)
    origins = pd.date_range(dates[0] - days * one, dates[-1] - one)
    steps = steps_ahead(predictor, filled, origins, days)  # steps[h - 1, i]: origin i's day i + h
    predicted = np.array([steps[h - 1, origins.get_indexer(dates - h * one)] for h in range(1, days + 1)])
    return Forecasts(dates, filled.reindex(dates).to_numpy(dtype=float), predicted)
