"""What the model sees: a window of views turned into its inputs, and its output back into views.

The lecture feeds the views themselves (`plain`). Views grow over years, so a
function fitted on 2011's levels meets 2015's as numbers it has never seen. Three
named options make the function see the *shape* of the recent past instead:

    plain       x_j = v_{t-j},                      y = v_t
    log         x_j = log(1 + v_{t-j}),             y = log(1 + v_t)
    level       x_j = v_{t-j} / L,                  y = v_t / L
    log-level   x_j = log(1 + v_{t-j}) - ℓ,         y = log(1 + v_t) - ℓ

where L is the window's own level (the mean of its last 7 days, or of all its days
when it is shorter) and ℓ the mean of their logs. The prediction is mapped back with
the same window's L or ℓ, so a 2015 window is judged by its own level. Each is a
fixed transform of the window, with nothing fitted: no later day can leak into it.

`weekday=True` adds seven inputs, the one-hot day of the week of the target day.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import ConfigError

INPUT_NAMES = ("plain", "log", "level", "log-level")
LEVEL_DAYS = 7
N_WEEKDAYS = 7


@dataclass(frozen=True)
class Inputs:
    """A window transform (`kind`, one of `INPUT_NAMES`) and optional day-of-week inputs."""

    kind: str = "plain"
    weekday: bool = False

    def __post_init__(self):
        if self.kind not in INPUT_NAMES:
            raise ConfigError(f"inputs must be one of {', '.join(INPUT_NAMES)}; got {self.kind!r}")

    @property
    def label(self) -> str:
        """How tables name these inputs: 'plain', 'log-level + weekday'..."""
        return self.kind + (" + weekday" if self.weekday else "")

    def n_inputs(self, n_lags: int) -> int:
        return n_lags + (N_WEEKDAYS if self.weekday else 0)

    def lags(self, X: np.ndarray) -> np.ndarray:
        """The transformed lags (n, n_lags) of raw windows X (x₁ = yesterday first)."""
        if self.kind == "plain":
            return X
        if self.kind == "log":
            return np.log1p(X)
        if self.kind == "level":
            return X / self._level(X)[:, None]
        return np.log1p(X) - self._level(X)[:, None]

    def target(self, y: np.ndarray, X: np.ndarray) -> np.ndarray:
        """The target views y in the model's units, with each row's own window X."""
        if self.kind == "plain":
            return y
        if self.kind == "log":
            return np.log1p(y)
        if self.kind == "level":
            return y / self._level(X)
        return np.log1p(y) - self._level(X)

    def views(self, z: np.ndarray, X: np.ndarray) -> np.ndarray:
        """The inverse of `target`: model outputs z (..., n) back into views, never below 0."""
        if self.kind == "plain":
            return z
        if self.kind == "log":
            v = np.expm1(z)
        elif self.kind == "level":
            v = z * self._level(X)
        else:
            v = np.expm1(z + self._level(X))
        return np.maximum(v, 0.0)

    def extra(self, dates: pd.DatetimeIndex) -> np.ndarray:
        """The inputs that are not lags: the target day's weekday, one-hot (n, 7), or (n, 0)."""
        if not self.weekday:
            return np.zeros((len(dates), 0))
        return np.eye(N_WEEKDAYS)[pd.DatetimeIndex(dates).dayofweek]

    def _level(self, X: np.ndarray) -> np.ndarray:
        recent = X[:, :LEVEL_DAYS]
        if self.kind == "level":
            return np.maximum(recent.mean(axis=1), 1.0)  # a week of zero views must not divide by 0
        return np.log1p(recent).mean(axis=1)
