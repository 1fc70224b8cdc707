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
The calendar adds what is known of any day in advance, from its date alone: `year`,
the time of year (sin and cos of 2π · day of year / 365.25: the lecture's deep net
met the year's end without knowing it), and `holidays` ("TW", "US"...: any country
the `holidays` package knows), 1 on that country's public holidays. A direct model
(H outputs) gets the weekday and time of year of its first day, the holiday flag of each.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import ConfigError
from ..errors import cut as shorten

INPUT_NAMES = ("plain", "log", "level", "log-level")
LEVEL_DAYS = 7
N_WEEKDAYS = 7
YEAR_DAYS = 365.25


@dataclass(frozen=True)
class Inputs:
    """A window transform (`kind`, one of `INPUT_NAMES`), optional day-of-week inputs, and
    the calendar: the time of year (`year`) and a country's public holidays (`holidays`)."""

    kind: str = "plain"
    weekday: bool = False
    year: bool = False
    holidays: str = ""

    def __post_init__(self):
        if self.kind not in INPUT_NAMES:
            raise ConfigError(f"inputs must be one of {', '.join(INPUT_NAMES)}; got {self.kind!r}")
        if self.holidays:
            check_country(self.holidays)

    @property
    def label(self) -> str:
        """How tables name these inputs: 'plain', 'log-level + weekday', '... + time of year + holidays TW'."""
        return " + ".join([self.kind] + (["weekday"] if self.weekday else []) + ([self.calendar] if self.calendar else []))

    @property
    def calendar(self) -> str:
        """'time of year + holidays TW', 'holidays US', or ''."""
        return " + ".join((["time of year"] if self.year else []) + ([f"holidays {self.holidays}"] if self.holidays else []))

    @property
    def needs_dates(self) -> bool:
        """Whether the inputs read the target days' dates (weekday or calendar)."""
        return self.weekday or self.year or bool(self.holidays)

    def n_inputs(self, n_lags: int, horizons: int = 1) -> int:
        return n_lags + (N_WEEKDAYS if self.weekday else 0) + (2 if self.year else 0) + (horizons if self.holidays else 0)

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
        """The target views y (n,) or (n, H) in the model's units, with each row's own window X."""
        if self.kind == "plain":
            return y
        if self.kind == "log":
            return np.log1p(y)
        level = self._level(X).reshape(-1, *[1] * (y.ndim - 1))  # one per row, for every target day
        if self.kind == "level":
            return y / level
        return np.log1p(y) - level

    def views(self, z: np.ndarray, X: np.ndarray) -> np.ndarray:
        """The inverse of `target`: model outputs z (..., n) back into views, never below 0
        (the rows of X, the windows, on the last axis)."""
        if self.kind == "plain":
            return z
        if self.kind == "log":
            v = np.expm1(z)
        elif self.kind == "level":
            v = z * self._level(X)
        else:
            v = np.expm1(z + self._level(X))
        return np.maximum(v, 0.0)

    def extra(self, dates: pd.DatetimeIndex, horizons: int = 1) -> np.ndarray:
        """The inputs that are not lags, from the (first) target days' dates only: the weekday,
        one-hot (n, 7), the time of year (n, 2), the holiday flag of each of the `horizons` days."""
        dates = pd.DatetimeIndex(dates)
        parts = [np.zeros((len(dates), 0))]
        if self.weekday:
            parts.append(np.eye(N_WEEKDAYS)[dates.dayofweek])
        if self.year:
            angle = 2 * np.pi * (dates.dayofyear.to_numpy() - 1) / YEAR_DAYS
            parts.append(np.column_stack([np.sin(angle), np.cos(angle)]))
        if self.holidays:
            parts.append(np.column_stack([holiday_flags(self.holidays, dates + pd.Timedelta(days=h)) for h in range(horizons)]))
        return np.hstack(parts)

    def _level(self, X: np.ndarray) -> np.ndarray:
        recent = X[:, :LEVEL_DAYS]
        if self.kind == "level":
            return np.maximum(recent.mean(axis=1), 1.0)  # a week of zero views must not divide by 0
        return np.log1p(recent).mean(axis=1)


def check_country(code: str) -> None:
    """Refuse a country the `holidays` package does not know, naming a few it does."""
    import holidays

    if code not in holidays.list_supported_countries():
        raise ConfigError(f"--holidays {shorten(code)!r} is not a country the holidays package knows; "
                          "give its ISO code, such as TW, US, DE, JP or CN")


def holiday_flags(code: str, dates: pd.DatetimeIndex) -> np.ndarray:
    """1.0 on the public holidays of country `code` among `dates`, else 0.0.

    >>> holiday_flags("TW", pd.DatetimeIndex(["2024-02-09", "2024-02-15"])).tolist()  # Lunar New Year's Eve, a Thursday
    [1.0, 0.0]
    """
    if not len(dates):
        return np.zeros(0)
    return pd.DatetimeIndex(dates).normalize().isin(_holidays(code, dates.year.min(), dates.year.max())).astype(float)


@functools.lru_cache(maxsize=64)
def _holidays(code: str, first: int, last: int) -> pd.DatetimeIndex:
    import holidays

    return pd.DatetimeIndex(sorted(holidays.country_holidays(code, years=range(first, last + 1))))
