"""Forecast a user's series: choose a function by validation, retrain it, say how sure it is.

The lecture's last question, "which function would you use to predict today?", for
any daily series:

1. **Candidates**: the lecture's families (linear, one ReLU layer, two layers) on 7, 28
   and 56 days, each with the chosen `inputs` (see `inputs`; the default scales each
   window by its own level and adds the weekday), and the two baselines.
2. **Validation**: the last year of the history (the last fifth when it is shorter
   than two years) is held out; every candidate is trained on the days before it and
   forecasts every held-out day from the real past, 1 to `days` days ahead.
3. **Choice**: the lowest validation MAE, averaged over the horizons, picks.
4. **Retraining**: the pick is trained again on the whole history.
5. **Forecast**: the next `days` days, *recursively*: the one-day function predicts
   tomorrow, that forecast becomes x₁ for the day after, and so on. Each horizon h is
   validated as such (its own MAE, in the table).
6. **Intervals**: from the pick's most recent validation errors at each horizon
   (adaptive split conformal, see `intervals`).

A network's forecast is the mean of its seeds' (the seed ensemble). Missing days in
the inputs are filled from the past (`features.fill_from_past`), never scored.
`backtest` runs the same choice on an earlier history and scores it on later days.
"""

from __future__ import annotations

import dataclasses
import itertools
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..core.baselines import BASELINES, Naive
from ..core.config import MAX_SEED, TrainConfig
from ..core.data import describe
from ..core.features import Period, fill_from_past, holdout_days, make_windows, require_examples
from ..core.forecaster import Forecaster
from ..core.inputs import Inputs
from ..core.metrics import mae
from ..core.models import parse_spec
from ..core.optimize import training_cost
from ..core.units import amount
from ..engine.parallel import Job, run_jobs
from ..errors import ConfigError
from .intervals import WINDOW, Offsets, adaptive, log_ratio
from .rolling import Forecasts, forecasts_of, recursive, windows_at

FORECAST_TRAINING = TrainConfig(
    loss="mae", optimizer="adam", lr=0.001, schedule="cosine", n_epochs=100, batch_size=32, n_seeds=5
)
MAX_DAYS = 92
SHORTER_BY = 0.01


@dataclass(frozen=True)
class Candidate:
    """One function to choose from: a model spec on `n_lags` days with its inputs, or a baseline."""

    model: str
    n_lags: int
    inputs: str = "plain"
    weekday: bool = False

    @property
    def is_baseline(self) -> bool:
        return self.model in BASELINES

    @property
    def label(self) -> str:
        if self.is_baseline:
            return f"baseline: {self.model}"
        inputs = Inputs(self.inputs, self.weekday).label
        return f"{self.model} on {self.n_lags} days, {inputs}" + (" (the lecture's)" if inputs == "plain" else "")


BASELINE_CANDIDATES = tuple(Candidate(name, lag) for name, lag in BASELINES.items())


@dataclass
class ForecastConfig:
    """What to choose from, how to train it, and what to forecast.

    `days`: how many days ahead (the horizons validated and forecast). `coverage`: the
    share of days the intervals are meant to hold. `windows`: the training windows (the
    last N years) validated for the pick beside all of the history. The defaults are the same for
    every series: nothing is tuned to one.
    """

    models: tuple[str, ...] = ("linear", "relu:10", "relu:100", "relu:100x2")
    lags: tuple[int, ...] = (7, 28, 56)
    inputs: tuple[str, ...] = ("level", "log-level")
    weekday: bool = True
    train: TrainConfig = field(default_factory=lambda: FORECAST_TRAINING)
    days: int = 7
    coverage: float = 0.8
    workers: int = 1
    windows: tuple[int, ...] = (1, 2, 3)

    def __post_init__(self):
        for spec in self.models:
            parse_spec(spec)
        for name in self.inputs:
            Inputs(name)
        if not self.models or not self.lags or not self.inputs:
            raise ConfigError("give at least one model, one number of lags and one kind of inputs")
        if self.windows and min(self.windows) < 1:
            raise ConfigError(f"training windows are whole years, at least 1; got {min(self.windows)}")
        if min(self.lags) < 1:
            raise ConfigError(f"the number of lags must be at least 1; got {min(self.lags)}")
        if not 1 <= self.days <= MAX_DAYS:
            raise ConfigError(f"the number of days to forecast must be from 1 to {MAX_DAYS}; got {self.days}")
        if not 0.5 <= self.coverage < 1:
            raise ConfigError(f"the interval coverage must be from 0.5 to 0.99; got {self.coverage}")
        if self.train.seed + self.train.n_seeds - 1 > MAX_SEED:
            raise ConfigError(f"seeds must stay below {MAX_SEED:,}")

    def candidates(self) -> list[Candidate]:
        """The baselines, then every model × lags × inputs."""
        grid = itertools.product(self.models, sorted(set(self.lags)), dict.fromkeys(self.inputs))
        return [*BASELINE_CANDIDATES, *(Candidate(m, n, i, self.weekday) for m, n, i in grid)]


# -- choosing by validation -------------------------------------------------------


@dataclass
class Selection:
    """The candidates ranked by validation MAE, the pick, its training window, and its validation errors.

    `windows`: the pick trained on all of `train` and on its last `config.windows` years,
    each validated the same way (`years` None: all of it); `years`: the window chosen.
    `errors[h - 1]`: the pick's log-ratio errors (see `intervals`) h days ahead on `days`.
    """

    train: Period
    val: Period
    table: list[dict]
    picked: Candidate
    days: pd.DatetimeIndex
    errors: list[np.ndarray]
    windows: list[dict] = field(default_factory=list)
    years: int | None = None

    def training_period(self, history: Period) -> Period:
        """The part of `history` the pick is retrained on: its last `years` years, or all of it."""
        if self.years is None:
            return history
        return Period(max(history.start, history.end - pd.DateOffset(years=self.years) + pd.Timedelta(days=1)), history.end)


def select(series: pd.Series, filled: pd.Series, train: Period, val: Period, config: ForecastConfig,
           progress: bool = False) -> Selection:
    """Train every candidate on `train`, forecast every day of `val` from the real past, pick the best;
    then validate the pick's training window (the last 1, 2, 3 years of `train`, or all of it).

    Only days up to `val.end` are read: later ones cannot reach the choice.
    """
    candidates = config.candidates()
    days = observed_days(series, val)
    require_examples(len(days), "val", val, "days with data", "give a longer history")
    models = [c for c in candidates if not c.is_baseline]
    fitted = dict(zip(models, fit_all(models, series, filled, [train] * len(models), config, progress, "validation")))
    table, scored = [], {}
    for candidate in candidates:
        predictor = fitted.get(candidate) or Naive(candidate.n_lags)
        scored[candidate] = forecasts_of(predictor, filled, days, config.days)
        by_horizon = scored[candidate].mae_by_horizon()
        table.append({
            "label": candidate.label, **dataclasses.asdict(candidate),
            "val_mae": float(np.mean(by_horizon)), "val_mae_by_horizon": by_horizon,
            "one_seed_mae": _one_seed_mae(fitted.get(candidate), filled, days),
        })
    table.sort(key=lambda row: row["val_mae"])
    picked = next(c for c in candidates if c.label == table[0]["label"])
    windows, years, best = _windows(picked, scored[picked], table[0]["val_mae"], series, filled, train, days, config, progress)
    return Selection(train, val, table, picked, days, [log_ratio(best.y, row) for row in best.predicted], windows, years)


def _windows(picked, whole: Forecasts, whole_mae: float, series, filled, train: Period, days, config, progress):
    """The pick trained on the last `config.windows` years of `train` (those shorter than it), validated
    like the rest. A shorter window wins only with a validation MAE `SHORTER_BY` below every longer
    one's: fewer days make noisier fits, so a near tie keeps the longer window."""
    windows = [{"years": None, "label": f"all of {train}", "val_mae": whole_mae}]
    starts = {y: train.end - pd.DateOffset(years=y) + pd.Timedelta(days=1) for y in sorted(set(config.windows), reverse=True)}
    shorter = {y: start for y, start in starts.items() if start > train.start and not picked.is_baseline}
    periods = [Period(start, train.end) for start in shorter.values()]
    fitted = fit_all([picked] * len(periods), series, filled, periods, config, progress, "training windows") if periods else []
    best, years = whole, None
    for (y, start), predictor in zip(shorter.items(), fitted):
        forecasts = forecasts_of(predictor, filled, days, config.days)
        windows.append({"years": y, "label": f"the last {_years(y)} ({Period(start, train.end)})",
                        "val_mae": float(np.mean(forecasts.mae_by_horizon()))})
        if windows[-1]["val_mae"] < (1 - SHORTER_BY) * min(w["val_mae"] for w in windows[:-1]):
            best, years = forecasts, y
    return windows, years, best


def _years(y: int) -> str:
    """'year', '2 years': as in 'the last year'."""
    return "year" if y == 1 else f"{y} years"


def _one_seed_mae(forecaster: Forecaster | None, filled: pd.Series, days: pd.DatetimeIndex) -> float | None:
    """One day ahead: the mean over seeds of each seed's own MAE (what the ensemble's mean is compared with)."""
    if forecaster is None or len(forecaster.seeds_) < 2:
        return None
    X = windows_at(filled, days - pd.Timedelta(days=1), forecaster.n_lags)
    y = filled.reindex(days).to_numpy(dtype=float)
    return float(np.mean([mae(y, row) for row in forecaster.predict_windows(X, days)]))


def fit_all(candidates: list[Candidate], series: pd.Series, filled: pd.Series, periods: list[Period],
            config: ForecastConfig, progress: bool = False, phase: str = "") -> list[Forecaster]:
    """Train each candidate on the days of its period that have data (the same days for all on one period)."""
    longest = max([c.n_lags for c in candidates], default=1)
    jobs = []
    for c, period in zip(candidates, periods):
        start = max(period.start, filled.index[0] + pd.Timedelta(days=longest))
        days = observed_days(series, Period(start, period.end))
        what = f"days with data after the first {longest} days"
        require_examples(len(days), "train", period, what, "give a longer history, or fewer lags", f"{phase} " if phase else "")
        forecaster = Forecaster(c.model, c.n_lags, config.train, inputs=c.inputs, weekday=c.weekday)
        windows = make_windows(filled, c.n_lags).on(days)
        cost = training_cost(c.model, Inputs(c.inputs, c.weekday).n_inputs(c.n_lags), len(days), config.train)
        jobs.append(Job(Forecaster.fit_windows, (forecaster, windows), cost, config.train.n_epochs, c.label))
    return run_jobs(jobs, config.workers, progress, f"training ({phase})" if phase else "training")


def observed_days(series: pd.Series, period: Period) -> pd.DatetimeIndex:
    """The days of `period` that have data (the only days ever scored or trained on as targets)."""
    index = series.index
    return index[(index >= period.start) & (index <= period.end)]


def fitted_predictor(candidate: Candidate, series, filled, period: Period, config: ForecastConfig, progress: bool = False):
    """The candidate trained on `period` (a baseline needs no training)."""
    if candidate.is_baseline:
        return Naive(candidate.n_lags)
    return fit_all([candidate], series, filled, [period], config, progress, "the pick")[0]


# -- the forecast -------------------------------------------------------------------


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
                 train_start: pd.Timestamp | None = None, end: pd.Timestamp | None = None) -> ForecastRun:
    """Choose by validation on the last part of the history, retrain on all of it, forecast `config.days`.

    The history is `series` from `train_start` (the first day trained on; the days before
    it still serve as inputs of the first windows) to `end` (default: the last day); the
    forecast starts the day after `end`, and the data after it are only shown beside it.
    """
    started = time.perf_counter()
    later = series[series.index > end] if end is not None else series.iloc[:0]
    history = history_period(series, train_start, end)
    series = series[series.index <= history.end]
    filled = fill_from_past(series)
    train, val = validation_split(history)
    selection = select(series, filled, train, val, config, progress)
    final_period = selection.training_period(history)
    final = fitted_predictor(selection.picked, series, filled, final_period, config, progress)
    predicted = recursive(final, filled, series.index[-1:], config.days)[:, 0]
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
        "method": "recursive: the one-day function, each forecast fed back as the next day's input",
        "coverage": config.coverage,
        "intervals": f"adaptive split conformal, from the pick's last {WINDOW} validation errors at each horizon",
        "periods": {"train": str(train), "validation": str(val), "final_training": str(final_period)},
        "picked": selection.picked.label,
        "training_window": window_summary(selection),
        "candidates": config_summary(config),
        "ignored_after_end": len(later),
        "wall_time_s": round(time.perf_counter() - started, 2),
    }
    return ForecastRun(summary, selection, frame, series[series.index > history.end - pd.Timedelta(weeks=8)])


def window_summary(selection: Selection) -> str:
    """'the last 2 years (validation MAE: all of ... 236.0; the last year ... 240.1; ...)'."""
    chosen = "all of the history" if selection.years is None else f"the last {_years(selection.years)} of the history"
    if len(selection.windows) < 2:
        return f"{chosen} (no shorter window to validate)"
    return f"{chosen} (validation MAE: " + "; ".join(f"{w['label']} {w['val_mae']:,.1f}" for w in selection.windows) + ")"


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
    if not first <= start < stop:
        raise ConfigError(f"--train-start {start.date()} must lie in the data ({first.date()}..{stop.date()}) and before its end")
    return Period(start, stop)


def validation_frame(selection: Selection) -> pd.DataFrame:
    """The validation table, one row per candidate, with each horizon's MAE as a column."""
    rows = []
    for row in selection.table:
        by_h = {f"mae_{h}_days_ahead": round(v, 2) for h, v in enumerate(row["val_mae_by_horizon"], start=1)}
        rows.append({k: v for k, v in row.items() if k != "val_mae_by_horizon"} | by_h)
    return pd.DataFrame(rows).round({"val_mae": 2, "one_seed_mae": 2})


def validation_split(history: Period) -> tuple[Period, Period]:
    """The history without its end, and its end (a year, or a fifth under two years) held out."""
    n_val = holdout_days(history.n_days)
    val = Period(history.end - pd.Timedelta(days=n_val - 1), history.end)
    return Period(history.start, val.start - pd.Timedelta(days=1)), val


def config_summary(config: ForecastConfig) -> dict:
    """The settings every candidate shared, as plain values for JSON."""
    train = config.train
    return {
        "models": list(config.models), "lags": list(config.lags), "inputs": list(config.inputs),
        "weekday": config.weekday, "days": config.days, "windows_years": list(config.windows),
        "training": f"{train.loss.upper()}, {train.optimizer}, η = {train.lr} ({train.schedule}), "
                    f"batch {train.batch_size}, {train.n_epochs} epochs, {train.n_seeds} seeds averaged",
    }
