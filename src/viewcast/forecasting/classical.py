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


def available() -> bool:
    """Whether statsforecast is installed (the `classical` extra)."""
    return importlib.util.find_spec("statsforecast") is not None


def classical_forecasts(filled: pd.Series, history: Period, dates: pd.DatetimeIndex, days: int,
                        coverage: float, progress: bool = False) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """For each method: forecasts, lower and upper bounds, each (days, n), of every day of `dates`
    h = 1..`days` days ahead (row h - 1), from the views up to h days before it.

    `filled` is the series on every day (no gaps): the methods need a regular series.
    """
    from statsforecast import models

    one = pd.Timedelta(days=1)
    values = filled[history.start :].to_numpy(dtype=float)
    n_history = filled.index.get_loc(history.end) - filled.index.get_loc(history.start) + 1
    origins = pd.date_range(dates[0] - days * one, dates[-1] - one)
    ends = filled.index.get_indexer(origins) - filled.index.get_loc(history.start) + 1
    level = round(100 * coverage)
    results = {}
    for name in METHODS:
        with warnings.catch_warnings(), tqdm(total=len(ends) + 1, desc=name, disable=None if progress else True, leave=False) as bar:
            warnings.simplefilter("ignore")  # statsforecast's numerical warnings on some series
            model = getattr(models, name)(season_length=SEASON).fit(y=values[:n_history])
            bar.update()
            steps = []
            for end in ends:
                out = model.forward(y=values[:end], h=days, level=[level])
                steps.append([out["mean"], out[f"lo-{level}"], out[f"hi-{level}"]])
                bar.update()
        steps = np.array(steps)  # (origins, 3, days)
        results[name] = tuple(
            np.array([steps[origins.get_indexer(dates - h * one), part, h - 1] for h in range(1, days + 1)])
            for part in range(3)
        )
    return results
