"""Baselines: the simplest rules, which a learned function has to beat to be worth anything.

    same as yesterday:    ŷ_t = v_{t-1}
    same as 7 days ago:   ŷ_t = v_{t-7}   (seasonal naive: the weekly cycle)

They are evaluated on exactly the target days the model is evaluated on.
"""

import numpy as np
import pandas as pd

from .metrics import evaluate

BASELINES = {"same as yesterday": 1, "same as 7 days ago": 7}


def naive(full: pd.Series, dates: pd.DatetimeIndex, lag: int) -> np.ndarray:
    """ŷ for each target day: the value `lag` days before it (NaN where that day is missing).

    `full` is the series on every calendar day (see `features.daily`).
    """
    return full.reindex(dates - pd.Timedelta(days=lag)).to_numpy(dtype=float)


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
