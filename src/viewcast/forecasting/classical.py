"""The classical methods an analyst would otherwise use: statsforecast's AutoETS, AutoARIMA,
AutoTheta and MSTL.

Optional (`pip install 'viewcast[classical]'`): `available()` says whether they can
run. All have a weekly season (`season_length=7`), the standard reference setting in
forecasting papers. (MSTL with the year too, `[7, 365]`, takes over a second per origin
in statsforecast 2.1, minutes for a year of rolling origins: it is weekly here.) Like
viewcast's pick in a backtest, each is fitted once on the history, then fed the real past
up to each origin (statsforecast's `forward`, which keeps the fitted parameters) to
forecast the next days, with its own intervals.
"""

from __future__ import annotations

import importlib.util
import warnings

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from ..core.features import Period

SEASON = 7
METHODS = ("AutoETS", "AutoARIMA", "AutoTheta", "MSTL")
FIT_SECONDS = {"AutoARIMA": 18.0, "AutoETS": 1.0, "AutoTheta": 1.0, "MSTL": 0.1}  # on 3 years, one core (measured)


def available() -> bool:
    """Whether statsforecast is installed (the `classical` extra)."""
    return importlib.util.find_spec("statsforecast") is not None


class Fitted:
    """One method fitted on `period` of `filled` (every day, no gaps: the methods need a regular
    series), then fed the real past up to each origin with its parameters kept (`forward`).

    `steps` gives the forecasts as `rolling.steps_ahead` wants them, so a fitted method can be a
    member of a combination (`candidates.Combination`)."""

    def __init__(self, name: str, filled: pd.Series, period: Period):
        from statsforecast import models

        self.name = name
        self.values = filled[period.start :].to_numpy(dtype=float)
        self.first = filled.index.get_loc(period.start)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # statsforecast's numerical warnings on some series
            self.model = getattr(models, name)(season_length=SEASON).fit(y=self.values[: period.n_days])

    def forward(self, filled: pd.Series, origins: pd.DatetimeIndex, days: int, level: int | None = None, bar=None) -> np.ndarray:
        """(3, days, n): the forecasts after each origin, and the bounds of the `level`% interval (NaN without)."""
        ends = filled.index.get_indexer(origins) - self.first + 1
        parts, nan = [], np.full(days, np.nan)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for end in ends:
                out = self.model.forward(y=self.values[:end], h=days, **({"level": [level]} if level else {}))
                parts.append([out["mean"], out.get(f"lo-{level}", nan), out.get(f"hi-{level}", nan)])
                if bar is not None:
                    bar.update()
        return np.array(parts).transpose(1, 2, 0)

    def steps(self, filled: pd.Series, origins: pd.DatetimeIndex, days: int) -> np.ndarray:
        return self.forward(filled, origins, days)[0]


def fit(name: str, filled: pd.Series, period: Period, on_epoch=None) -> Fitted:
    """`Fitted`, as a job of `engine.parallel.run_jobs` (one "epoch": the fit), so that a method
    fits in a worker process while the networks train in the others."""
    fitted = Fitted(name, filled, period)
    if on_epoch is not None:
        on_epoch(1)
    return fitted


def fit_seconds(name: str, n_days: int) -> float:
    """About how long fitting `name` on `n_days` days takes on one core: AutoARIMA's search grows
    faster than the series (18 s on 3 years, 77 s on 7, statsforecast 2.1)."""
    return FIT_SECONDS[name] * (n_days / 1095) ** (1.7 if name == "AutoARIMA" else 1)


Bounded = tuple[np.ndarray, np.ndarray, np.ndarray]  # forecasts, lower and upper bounds


def classical_forecasts(filled: pd.Series, history: Period, dates: pd.DatetimeIndex, days: int, coverage: float,
                        progress: bool = False, fitted: dict[str, Fitted] | None = None) -> dict[str, Bounded]:
    """For each method: forecasts, lower and upper bounds, each (days, n), of every day of `dates`
    h = 1..`days` days ahead (row h - 1), from the views up to h days before it. Each method is
    fitted on `history`, unless `fitted` holds it already (fitted on `history`)."""
    one = pd.Timedelta(days=1)
    origins = pd.date_range(dates[0] - days * one, dates[-1] - one)
    results, fitted = {}, fitted or {}
    for name in METHODS:
        with tqdm(total=len(origins) + 1, desc=name, disable=None if progress else True, leave=False) as bar:
            method = fitted.get(name) or Fitted(name, filled, history)
            bar.update()
            steps = method.forward(filled, origins, days, round(100 * coverage), bar)  # (3, days, origins)
        results[name] = tuple(
            np.array([part[h - 1, origins.get_indexer(dates - h * one)] for h in range(1, days + 1)]) for part in steps
        )
    return results
