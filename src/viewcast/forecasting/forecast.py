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
from ..engine.parallel import Job, run_jobs
from ..errors import ConfigError, DataError
from .intervals import WINDOW, Offsets, adaptive, log_ratio

FORECAST_TRAINING = TrainConfig(
    loss="mae", optimizer="adam", lr=0.001, schedule="cosine", n_epochs=100, batch_size=32, n_seeds=5
)
MAX_DAYS = 92


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
    share of days the intervals are meant to hold. The defaults are the same for
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

    def __post_init__(self):
        for spec in self.models:
            parse_spec(spec)
        for name in self.inputs:
            Inputs(name)
        if not self.models or not self.lags or not self.inputs:
            raise ConfigError("give at least one model, one number of lags and one kind of inputs")
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


# -- forecasting from the real past ---------------------------------------------


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
    steps = recursive(predictor, filled, origins, days)  # steps[h - 1, i]: origin i's day i + h
    predicted = np.array([steps[h - 1, origins.get_indexer(dates - h * one)] for h in range(1, days + 1)])
    return Forecasts(dates, filled.reindex(dates).to_numpy(dtype=float), predicted)


# -- choosing by validation -------------------------------------------------------


@dataclass
class Selection:
    """The candidates ranked by validation MAE, the pick, and its validation errors.

    `errors[h - 1]`: the pick's log-ratio errors (see `intervals`) h days ahead on `days`.
    """

    train: Period
    val: Period
    table: list[dict]
    picked: Candidate
    days: pd.DatetimeIndex
    errors: list[np.ndarray]


def select(series: pd.Series, filled: pd.Series, train: Period, val: Period, config: ForecastConfig,
           progress: bool = False) -> Selection:
    """Train every candidate on `train`, forecast every day of `val` from the real past, pick the best.

    Only days up to `val.end` are read: later ones cannot reach the choice.
    """
    candidates = config.candidates()
    days = observed_days(series, val)
    require_examples(len(days), "val", val, "days with data", "give a longer history")
    models = [c for c in candidates if not c.is_baseline]
    fitted = dict(zip(models, fit_all(models, series, filled, train, config, progress, "validation")))
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
    best = scored[picked]
    return Selection(train, val, table, picked, days, [log_ratio(best.y, row) for row in best.predicted])


def _one_seed_mae(forecaster: Forecaster | None, filled: pd.Series, days: pd.DatetimeIndex) -> float | None:
    """One day ahead: the mean over seeds of each seed's own MAE (what the ensemble's mean is compared with)."""
    if forecaster is None or len(forecaster.seeds_) < 2:
        return None
    X = windows_at(filled, days - pd.Timedelta(days=1), forecaster.n_lags)
    y = filled.reindex(days).to_numpy(dtype=float)
    return float(np.mean([mae(y, row) for row in forecaster.predict_windows(X, days)]))


def fit_all(candidates: list[Candidate], series: pd.Series, filled: pd.Series, period: Period,
            config: ForecastConfig, progress: bool = False, phase: str = "") -> list[Forecaster]:
    """Train each candidate on the days of `period` that have data (the same days for all)."""
    longest = max([c.n_lags for c in candidates], default=1)
    start = max(period.start, filled.index[0] + pd.Timedelta(days=longest))
    days = observed_days(series, Period(start, period.end))
    what = f"days with data after the first {longest} days"
    require_examples(len(days), "train", period, what, "give a longer history, or fewer lags", f"{phase} " if phase else "")
    jobs = []
    for c in candidates:
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
    return fit_all([candidate], series, filled, period, config, progress, "the pick")[0]


# -- the forecast -------------------------------------------------------------------


@dataclass
class ForecastRun:
    """What `viewcast forecast` shows and writes."""

    summary: dict
    selection: Selection
    forecast: pd.DataFrame
    recent: pd.Series


def run_forecast(series: pd.Series, config: ForecastConfig, source: str = "", progress: bool = False) -> ForecastRun:
    """Choose by validation on the last part of `series`, retrain on all of it, forecast `config.days`."""
    started = time.perf_counter()
    filled = fill_from_past(series)
    history = Period(series.index[0], series.index[-1])
    train, val = validation_split(history)
    selection = select(series, filled, train, val, config, progress)
    final = fitted_predictor(selection.picked, series, filled, history, config, progress)
    predicted = recursive(final, filled, series.index[-1:], config.days)[:, 0]
    offsets = Offsets.stack([  # each horizon's, once every validation day is known
        adaptive(errors, selection.days, h, config.coverage)[-1] for h, errors in enumerate(selection.errors, start=1)
    ])
    lower, upper = offsets.around(predicted)
    frame = pd.DataFrame({
        "date": pd.date_range(history.end + pd.Timedelta(days=1), periods=config.days).date,
        "forecast": predicted.round(1),
        "lower": lower.round(1),
        "upper": upper.round(1),
    })
    summary = {
        "source": source,
        "data": describe(series),
        "method": "recursive: the one-day function, each forecast fed back as the next day's input",
        "coverage": config.coverage,
        "intervals": f"adaptive split conformal, from the pick's last {WINDOW} validation errors at each horizon",
        "periods": {"train": str(train), "validation": str(val), "final_training": str(history)},
        "picked": selection.picked.label,
        "candidates": config_summary(config),
        "wall_time_s": round(time.perf_counter() - started, 2),
    }
    return ForecastRun(summary, selection, frame, series.iloc[-8 * 7 :])


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
        "weekday": config.weekday, "days": config.days,
        "training": f"{train.loss.upper()}, {train.optimizer}, η = {train.lr} ({train.schedule}), "
                    f"batch {train.batch_size}, {train.n_epochs} epochs, {train.n_seeds} seeds averaged",
    }


def since(series: pd.Series, first_day: pd.Timestamp) -> pd.Series:
    """The series from `first_day` on (what `forecast --train-start` keeps); an error if nothing is left."""
    kept = series[series.index >= first_day]
    if kept.empty:
        raise ConfigError(f"no data from --train-start {first_day.date()} on")
    return kept
