"""Forecast a user's series: choose a function by validation, retrain it, say how sure it is.

The lecture's last question, "which function would you use to predict today?", for
any daily series:

1. **Candidates** (`candidates`): the lecture's families (linear, one ReLU layer, two
   layers) on 7, 28 and 56 days, each with the chosen `inputs` (the default scales each
   window by its own level and adds the weekday), and the two baselines; then the best
   of those networks again with the calendar's inputs, and as direct models (one output
   per day ahead); then combinations: the mean and median of the best networks, and
   those averaged with AutoARIMA and AutoETS.
2. **Validation**: the last year of the history (the last fifth when it is shorter
   than two years) is held out; every candidate is trained on the days before it and
   forecasts every held-out day from the real past, 1 to `days` days ahead.
3. **Choice**: the lowest validation MAE, averaged over the horizons, picks.
4. **Retraining**: the pick is trained again on the whole history (or the window of
   its last years that validated best).
5. **Forecast**: the next `days` days, *recursively* (the one-day function predicts
   tomorrow, that forecast becomes x₁ for the day after, and so on), *directly* (day
   +h is output h of one network), or combined (`rolling.steps_ahead`). Each horizon h
   is validated as such (its own MAE, in the table).
6. **Intervals**: from the pick's most recent validation errors at each horizon
   (adaptive split conformal, see `intervals`).

A network's forecast is the mean of its seeds' (the seed ensemble). Missing days in
the inputs are filled from the past (`features.fill_from_past`), never scored.
`backtest` runs the same choice on an earlier history and scores it on later days.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pandas as pd

from ..core.data import describe
from ..core.features import Period, fill_from_past
from ..core.i18n import _
from ..core.units import amount
from ..engine.parallel import keep_workers
from ..errors import ConfigError, DataError
from .candidates import fitted_predictor, how_it_forecasts
from .intervals import WINDOW, Offsets, adaptive
from .rolling import steps_ahead
from .settings import FORECAST_TRAINING, ForecastConfig, config_summary
from .validation import Selection, select, validation_folds, window_summary

__all__ = ["FORECAST_TRAINING", "ForecastConfig", "ForecastRun", "run_forecast"]


@dataclass
class ForecastRun:
    """What `viewcast forecast` shows and writes.

    `forecast`: one row a day (date, weekday, forecast, low, high, and `actual` when the
    data go on after `--end`). `recent`: the last 8 weeks before it.
    """

    summary: dict
    selection: Selection
    forecast: pd.DataFrame
    recent: pd.Series


def run_forecast(series: pd.Series, config: ForecastConfig, source: str = "", progress: bool = False,
                 train_start: pd.Timestamp | None = None, end: pd.Timestamp | None = None, extra: tuple = ()) -> ForecastRun:
    """Choose by validation on the last part of the history, retrain on all of it, forecast `config.days`.

    The history is `series` from `train_start` (the first day trained on; the days before
    it still serve as inputs of the first windows) to `end` (default: the last day); the
    forecast starts the day after `end`, and the data after it are only shown beside it.
    `extra`: candidates fitted already (`validation.select`).
    """
    with keep_workers():  # one start of the worker processes for every batch of training
        return _run_forecast(series, config, source, progress, train_start, end, extra)


def _run_forecast(series, config, source, progress, train_start, end, extra) -> ForecastRun:
    started = time.perf_counter()
    later = series[series.index > end] if end is not None else series.iloc[:0]
    history = history_period(series, train_start, end)
    series = series[series.index <= history.end]
    filled = fill_from_past(series)
    selection = select(series, filled, validation_folds(history, config.folds), config, progress, extra)
    final_period = selection.training_period(history)
    final = fitted_predictor(selection.picked, series, filled, final_period, config, progress)
    predicted = steps_ahead(final, filled, series.index[-1:], config.days)[:, 0]
    offsets = Offsets.stack([  # each horizon's, once every validation day is known
        adaptive(errors, selection.days, h, config.coverage)[-1] for h, errors in enumerate(selection.errors, start=1)
    ])
    low, high = offsets.around(predicted)
    dates = pd.date_range(history.end + pd.Timedelta(days=1), periods=config.days)
    data = describe(series)
    shown = lambda values: [as_shown(v, data["decimals"]) for v in values]  # the numbers the table and picture show
    frame = pd.DataFrame({"date": dates.date, "weekday": dates.strftime("%a"), "forecast": shown(predicted),
                          "low": shown(low), "high": shown(high)})
    if not later.empty:
        frame["actual"] = later.reindex(dates).to_numpy()
    summary = {
        "source": source,
        "data": data,
        "method": how_it_forecasts(selection.picked),
        "coverage": config.coverage,
        "intervals": _("adaptive split conformal, from the pick's last {n} validation errors at each horizon").format(n=WINDOW),
        "periods": {"train": str(selection.train), "validation": str(selection.val),
                    "folds": [{"train": str(t), "validation": str(v)} for t, v in selection.folds], "final_training": str(final_period)},
        "picked": selection.picked.label,
        "choice": selection.choice,
        "training_window": window_summary(selection),
        "candidates": config_summary(config),
        "ignored_after_end": len(later),
        "wall_time_s": round(time.perf_counter() - started, 2),
    }
    return ForecastRun(summary, selection, frame, series[series.index > history.end - pd.Timedelta(weeks=8)])


def as_shown(value: float, decimals: int) -> float:
    """`value` rounded as `units.amount` writes it (whole views, or two significant digits for small ones)."""
    return float(amount(value, decimals).replace(",", ""))


def history_period(series: pd.Series, train_start: pd.Timestamp | None = None, end: pd.Timestamp | None = None) -> Period:
    """From `train_start` (default: the first day) to `end` (default: the last), checked against the data."""
    first, last = series.index[0], series.index[-1]
    if end is not None and end < first:
        raise ConfigError(f"--end {end.date()} is before the data start ({first.date()})")
    stop = min(end, last) if end is not None else last
    stop = series.index[series.index <= stop][-1]  # the last day with data up to --end
    start = train_start if train_start is not None else first
    if train_start is None and not first < stop:
        raise DataError(f"the data ({first.date()}..{stop.date()}) is too short to train on")
    if not first <= start < stop:
        raise ConfigError(f"--train-start {start.date()} must lie in the data ({first.date()}..{stop.date()}) and before its end")
    return Period(start, stop)
