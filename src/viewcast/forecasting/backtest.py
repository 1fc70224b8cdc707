"""Backtest: the forecast's whole procedure, run on an earlier history and scored on later days.

    history (before the test)                 test period (never trained on)
    [ train | validation ]                    [ origin → forecast h = 1..H days ahead ]
      choose by validation (`forecast.select`),
      retrain the pick on the whole history    each test day forecast from the real views up to
                                               h days before it (rolling origin), for every h

The pick is fitted once, then fed the real past day by day, as are the methods it is
compared with: same-as-yesterday, same-as-last-week (the seasonal naive), and, when
the `classical` extra is installed, statsforecast's AutoETS, AutoARIMA, AutoTheta and MSTL
with a weekly season. Every method is scored on the same test days (those with data), per horizon:

    MAE, RMSE, MAPE (%),
    MASE = MAE / (the seasonal naive's one-day MAE on the days the pick was retrained on),
    MASE vs naive = MAE / (the naive's, same as yesterday, on the same days)

and the intervals' coverage: the share of test days inside them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.baselines import Naive, naive_mae
from ..core.data import Dataset, describe
from ..core.features import Period, fill_from_past, holdout_days
from ..core.i18n import _
from ..core.metrics import evaluate
from ..engine.parallel import keep_workers
from ..errors import ConfigError, DataError
from . import classical
from .candidates import BASELINE_CANDIDATES, Classical, fit_candidates, how_it_forecasts, observed_days
from .intervals import WINDOW, Offsets, adaptive, coverage, log_ratio
from .rolling import Forecasts, forecasts_of
from .settings import ForecastConfig, config_summary
from .validation import Selection, select, validation_folds, window_summary


@dataclass
class BacktestRun:
    """What `viewcast backtest` shows and writes."""

    summary: dict
    selection: Selection
    scores: list[dict]
    predictions: pd.DataFrame


def backtest_periods(series: pd.Series, start: str | None = None, end: str | None = None,
                     train_start: str | None = None, dataset: Dataset | None = None) -> tuple[Period, Period]:
    """The history and the test period: given dates, else the dataset's split, else the last
    year (a fifth under two years) as the test and everything before it as the history."""
    first, last = series.index[0], series.index[-1]
    if start is None and dataset is not None:
        start, end = dataset.test
        train_start = train_start or dataset.train[0]
    if start is None:
        start = last - pd.Timedelta(days=holdout_days((last - first).days + 1) - 1)
    test = Period.of(start, end or last)
    history = Period.of(train_start or first, test.start - pd.Timedelta(days=1))
    if test.start <= first or test.start > last:
        raise ConfigError(f"--start {test.start.date()} must be after the first day and up to the last ({first.date()}..{last.date()})")
    if test.start > test.end:
        raise ConfigError(f"the test period {test} ends before it starts")
    if history.start < first or history.start >= history.end:
        raise ConfigError(f"the history {history} must lie in the data ({first.date()}..{last.date()}) and before --start")
    return history, test


def run_backtest(series: pd.Series, config: ForecastConfig, history: Period, test: Period, source: str = "",
                 with_classical: bool = True, progress: bool = False, extra: tuple = ()) -> BacktestRun:
    """Choose and fit on `history`, then forecast every day of `test` 1..`config.days` days ahead.
    `extra`: candidates fitted already (`validation.select`)."""
    with keep_workers():  # one start of the worker processes for every batch of training
        return _run_backtest(series, config, history, test, source, with_classical, progress, extra)


def _run_backtest(series, config, history, test, source, with_classical, progress, extra) -> BacktestRun:
    started = time.perf_counter()
    days = observed_days(series, test)
    if len(days) == 0:  # before any training
        raise DataError(f"the test period {test} has no days with data; choose other --start / --end days")
    filled = fill_from_past(series)  # a missing test day is filled from the days before it
    selection = select(series, filled, validation_folds(history, config.folds), config, progress, extra)
    trained_on = selection.training_period(history)
    references = [Classical(name) for name in classical.METHODS] if with_classical and classical.available() else []
    pick, *fitted = fit_candidates([selection.picked, *references], series, filled, [trained_on] + [history] * len(references),
                                   config, progress, "the pick and the references")  # a method in both fits once
    viewcast = forecasts_of(pick, filled, days, config.days)
    methods = {f"viewcast ({selection.picked.label})": (viewcast.predicted, *_intervals(viewcast, selection, config))}
    for baseline in BASELINE_CANDIDATES:
        methods[baseline.label] = (forecasts_of(Naive(baseline.n_lags), filled, days, config.days).predicted, None, None)
    if references:
        methods |= classical.classical_forecasts(filled, history, days, config.days, config.coverage, progress,
                                                 dict(zip(classical.METHODS, fitted)))
    scales = {lag: history_scale(series, trained_on, lag) for lag in (7, 1)}  # on the days the pick learned from
    scores = [
        _score(name, h, viewcast.y, predicted[h - 1], lower, upper, scales)
        for name, (predicted, lower, upper) in methods.items()
        for h in range(1, config.days + 1)
    ]
    summary = {
        "source": source,
        "data": describe(series),
        "method": _("rolling origin: fitted once on the history, then fed the real past up to each origin"),
        "pick_forecasts": how_it_forecasts(selection.picked),
        "periods": {"history": str(history), "train": str(selection.train), "validation": str(selection.val),
                    "folds": [{"train": str(t), "validation": str(v)} for t, v in selection.folds], "test": str(test),
                    "final_training": str(trained_on)},
        "training_window": window_summary(selection),
        "test_days": len(days),
        "coverage": config.coverage,
        "intervals": _("adaptive split conformal, from the pick's last {n} known out-of-sample errors at each horizon "
                       "(validation errors, then each test day's once it is past)").format(n=WINDOW),
        "mase_scale": scales[7],
        "mase_naive_scale": scales[1],
        "picked": selection.picked.label,
        "choice": selection.choice,
        "classical": "statsforecast" if with_classical and classical.available() else
                     (_("not installed (pip install 'viewcast[classical]')") if with_classical else _("not asked for")),
        "candidates": config_summary(config),
        "wall_time_s": round(time.perf_counter() - started, 2),
    }
    return BacktestRun(summary, selection, scores, _predictions(days, viewcast.y, methods))


def _intervals(viewcast: Forecasts, selection: Selection, config: ForecastConfig) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds (days, n): each from the errors known at its origin, the validation
    days' and then the test days' (`intervals.adaptive`)."""
    lower, upper = np.empty_like(viewcast.predicted), np.empty_like(viewcast.predicted)
    dates = selection.days.append(viewcast.dates)
    for h, (earlier, predicted) in enumerate(zip(selection.errors, viewcast.predicted), start=1):
        errors = np.concatenate([earlier, log_ratio(viewcast.y, predicted)])
        offsets = Offsets.stack(adaptive(errors, dates, h, config.coverage)[len(earlier) : -1])
        lower[h - 1], upper[h - 1] = offsets.around(predicted)
    return lower, upper


def history_scale(series: pd.Series, history: Period, lag: int = 7) -> float:
    """MASE's scale on the history: the seasonal naive's (`lag` 7) or the naive's (1) one-day MAE there."""
    try:
        return naive_mae(series.asfreq("D")[history.start : history.end], lag)
    except DataError as error:
        raise DataError(f"the history {history} has {error}") from None


def _score(name, h, y, predicted, lower, upper, scales: dict[int, float]) -> dict:
    metrics = evaluate(y, predicted)
    return {
        "method": name, "horizon": h, "days": len(y),
        "mae": metrics["mae"], "rmse": metrics["rmse"], "mape": metrics["mape"],
        "mase": metrics["mae"] / scales[7], "mase_naive": metrics["mae"] / scales[1],
        "coverage": coverage(y, lower[h - 1], upper[h - 1]) if lower is not None else None,
    }


def _predictions(days: pd.DatetimeIndex, y: np.ndarray, methods: dict) -> pd.DataFrame:
    """One row per test day, horizon and method: the real views, the forecast and its interval."""
    frames = []
    for name, (predicted, lower, upper) in methods.items():
        for h in range(1, len(predicted) + 1):
            frames.append(pd.DataFrame({
                "date": days.date, "horizon": h, "method": name, "actual": y,
                "forecast": predicted[h - 1].round(1),
                "lower": lower[h - 1].round(1) if lower is not None else np.nan,
                "upper": upper[h - 1].round(1) if upper is not None else np.nan,
            }))
    return pd.concat(frames, ignore_index=True)


