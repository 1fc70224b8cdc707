"""Choosing by validation: every candidate trained on the days before a held-out period,
forecasting each of its days from the real past; the lowest MAE picks.

`select` runs the candidates of `settings.ForecastConfig` in their order (see its
docstring); `Selection` keeps the table, the pick, its training window, and the pick's
validation errors, from which the intervals are made.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..core.features import Period, holdout_days, require_examples
from ..core.forecaster import Forecaster
from ..core.i18n import _
from ..core.metrics import mae
from ..core.selection import folds as expanding_folds
from ..core.units import model_label
from . import classical
from .candidates import (
    CLASSICAL_MEMBERS,
    Candidate,
    Classical,
    Pretrained,
    combinations,
    combine,
    ensemble_of,
    fit_candidates,
    observed_days,
)
from .intervals import log_ratio
from .rolling import Forecasts, forecasts_of, windows_at
from .settings import ForecastConfig

SHORTER_BY = 0.01


@dataclass
class Selection:
    """The candidates ranked by validation MAE, the pick, its training window, and its validation errors.

    `folds`: the (training, validation) periods, oldest first; `train`, `val` the last of
    them (the most recent), on which the training windows are validated and the errors kept.
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
    folds: list[tuple[Period, Period]] = field(default_factory=list)
    choice: str = "the lowest validation MAE"

    def training_period(self, history: Period) -> Period:
        """The part of `history` the pick is retrained on: its last `years` years, or all of it."""
        if self.years is None:
            return history
        return Period(max(history.start, history.end - pd.DateOffset(years=self.years) + pd.Timedelta(days=1)), history.end)


def select(series: pd.Series, filled: pd.Series, folds: list[tuple[Period, Period]], config: ForecastConfig,
           progress: bool = False, extra: tuple = ()) -> Selection:
    """Train every candidate on each fold's training period, forecast every day of its validation
    period from the real past, pick the lowest MAE averaged over the folds and the horizons; then
    validate the pick's training window on the last fold (the last 1, 2, 3 years of its training
    period, or all of it).

    In order: the recursive networks and the baselines; the best `config.calendar` networks
    again with the calendar's inputs; the direct version of the best `config.direct` networks
    so far; then the combinations of the best networks (`candidates.combinations`), scored
    from their members' validation forecasts. `extra`: candidates fitted already (a global
    network, `candidates.Pretrained`), validated beside the first ones. Only days up to the last validation day are
    read: later ones cannot reach the choice.
    """
    days = []
    for _train, val in folds:
        days.append(observed_days(series, val))
        require_examples(len(days[-1]), "val", val, "days with data", "give a longer history")
    scored, one_seed = {}, {}  # candidate -> its Forecasts on each fold; its one-seed MAE on the last

    def score(candidates: list, phase: str) -> None:
        every = [(c, i) for i in range(len(folds)) for c in candidates]
        fitted = fit_candidates([c for c, _ in every], series, filled, [folds[i][0] for _, i in every], config, progress, phase)
        for (candidate, i), predictor in zip(every, fitted):
            scored.setdefault(candidate, []).append(forecasts_of(predictor, filled, days[i], config.days))
            if i == len(folds) - 1:  # the last (most recent) fold's
                one_seed[candidate] = _one_seed_mae(predictor, filled, days[i])

    members = list(CLASSICAL_MEMBERS) if config.combine and classical.available() else []
    score(config.candidates() + members + list(extra), "validation")  # the classical fits beside the networks' training
    networks = lambda: (c for c in scored if isinstance(c, Candidate) and not c.is_baseline)
    ranked = lambda: sorted(networks(), key=lambda c: _fold_mae(scored[c]))
    if config.calendar:
        with_calendar = dict(year=True, holidays=config.holidays)
        score([dataclasses.replace(c, **with_calendar) for c in ranked()[: config.calendar]], "validation, calendar")
    if config.days > 1 and config.direct:
        score([dataclasses.replace(c, direct=True) for c in ranked()[: config.direct]], "validation, direct")
    combinations_ = combinations(ranked(), config.ensemble if config.ensemble >= 2 else 0, config.combine and classical.available())
    for c in combinations_:  # members first: a combination may hold another
        scored[c] = [Forecasts(first.dates, first.y, combine(c.how, [scored[m][i].predicted for m in c.members]))
                     for i, first in enumerate(scored[c.members[0]])]
    table = [_row(c, on_folds, one_seed.get(c)) for c, on_folds in scored.items() if not isinstance(c, Classical)]
    table.sort(key=lambda row: row["val_mae"])
    picked, choice = _choose(table, scored, ensemble_of(ranked(), config.ensemble))
    train, val = folds[-1]
    last = scored[picked][-1]
    windows, years, best = _windows(picked, last, _mean_mae(last), series, filled, train, days[-1], config, progress)
    errors = [log_ratio(best.y, row) for row in best.predicted]
    return Selection(train, val, table, picked, days[-1], errors, windows, years, list(folds), choice)


def _choose(table: list[dict], scored: dict, ensemble) -> tuple:
    """The pick and why: the lowest validation MAE, unless the mean of the best networks (`ensemble`)
    is within one standard error of it.

    The one-standard-error rule (Breiman et al. 1984; Hastie, Tibshirani and Friedman, The Elements
    of Statistical Learning, §7.10): a validation MAE is itself an estimate, and the lowest of 40 of
    them is low partly by luck. Among the candidates it cannot tell apart, take the one least at
    the mercy of one validation year: the mean of several networks. The standard error is that of
    the mean daily difference between the two, from weekly blocks (errors a day apart are alike).
    """
    lowest = next(c for c in scored if c.label == table[0]["label"])
    if ensemble is None or ensemble == lowest or ensemble not in scored:
        return lowest, _("the lowest validation MAE")
    difference = daily_errors(scored[ensemble]) - daily_errors(scored[lowest])
    se = standard_error(difference)
    if difference.mean() <= se:
        return ensemble, _("within one standard error ({se}) of the lowest validation MAE ({model}: {difference} a day), so the "
                           "mean of several networks").format(se=f"{se:,.1f}", model=model_label(lowest.label),
                                                              difference=f"{difference.mean():+,.1f}")
    return lowest, _("the lowest validation MAE, {difference} a day below the mean of the best networks (more than one standard "
                     "error, {se})").format(difference=f"{difference.mean():,.1f}", se=f"{se:,.1f}")


def daily_errors(on_folds: list[Forecasts]) -> np.ndarray:
    """Each validation day's absolute error, averaged over the horizons, fold after fold."""
    return np.concatenate([np.abs(f.predicted - f.y).mean(axis=0) for f in on_folds])


def standard_error(difference: np.ndarray, block: int = 7) -> float:
    """The standard error of the mean of daily values, from the means of consecutive `block`-day
    blocks (nearby days' errors are correlated; whole weeks much less).

    >>> rng = np.random.default_rng(0)
    >>> round(standard_error(rng.normal(0, 7, 700)), 2)    # independent days: about 7 / √700 = 0.26
    0.24
    """
    n = len(difference) // block
    if n < 2:
        return float("inf")
    means = difference[: n * block].reshape(n, block).mean(axis=1)
    return float(means.std(ddof=1) / np.sqrt(n))


def _row(candidate, on_folds: list[Forecasts], one_seed: float | None) -> dict:
    """The candidate's line of the validation table: its MAE per horizon averaged over the folds, and per fold."""
    by_horizon = np.mean([f.mae_by_horizon() for f in on_folds], axis=0).tolist()
    return {"label": candidate.label, **candidate.row(), "val_mae": float(np.mean(by_horizon)), "val_mae_by_horizon": by_horizon,
            "val_mae_by_fold": [_mean_mae(f) for f in on_folds], "one_seed_mae": one_seed}


def _mean_mae(forecasts: Forecasts) -> float:
    """The validation score on one fold: the MAE averaged over the horizons."""
    return float(np.mean(forecasts.mae_by_horizon()))


def _fold_mae(on_folds: list[Forecasts]) -> float:
    """The validation score: the MAE averaged over the horizons and the folds."""
    return float(np.mean([_mean_mae(f) for f in on_folds]))


def _windows(picked, whole: Forecasts, whole_mae: float, series, filled, train: Period, days, config, progress):
    """The pick trained on the last `config.windows` years of `train` (those shorter than it), validated
    like the rest. A shorter window wins only with a validation MAE `SHORTER_BY` below every longer
    one's: fewer days make noisier fits, so a near tie keeps the longer window."""
    windows = [{"years": None, "period": str(train), "val_mae": whole_mae}]
    starts = {y: train.end - pd.DateOffset(years=y) + pd.Timedelta(days=1) for y in sorted(set(config.windows), reverse=True)}
    trains = not picked.is_baseline and not isinstance(picked, Pretrained)  # (a global network's window is its own)
    shorter = {y: start for y, start in starts.items() if start > train.start and trains}
    periods = [Period(start, train.end) for start in shorter.values()]
    fitted = fit_candidates([picked] * len(periods), series, filled, periods, config, progress, "training windows") if periods else []
    best, years = whole, None
    for (y, start), predictor in zip(shorter.items(), fitted):
        forecasts = forecasts_of(predictor, filled, days, config.days)
        windows.append({"years": y, "period": str(Period(start, train.end)), "val_mae": _mean_mae(forecasts)})
        if windows[-1]["val_mae"] < (1 - SHORTER_BY) * min(w["val_mae"] for w in windows[:-1]):
            best, years = forecasts, y
    return windows, years, best


def _one_seed_mae(forecaster, filled: pd.Series, days: pd.DatetimeIndex) -> float | None:
    """A one-day network, one day ahead: the mean over seeds of each seed's own MAE (what the
    seeds' mean is compared with)."""
    if not isinstance(forecaster, Forecaster) or forecaster.horizons > 1 or len(forecaster.seeds_) < 2:
        return None
    X = windows_at(filled, days - pd.Timedelta(days=1), forecaster.n_lags)
    y = filled.reindex(days).to_numpy(dtype=float)
    return float(np.mean([mae(y, row) for row in forecaster.predict_windows(X, days)]))


def window_summary(selection: Selection) -> str:
    """'the last 2 years (validation MAE: all of ... 236.0; the last year ... 240.1; ...)'."""
    y = selection.years
    chosen = (_("all of the history") if y is None else
              (_("the last year of the history") if y == 1 else _("the last {n} years of the history")).format(n=y))
    if len(selection.windows) < 2:
        return _("{window} (no shorter window to validate)").format(window=chosen)
    windows = _("; ").join(f"{_window(w)} {w['val_mae']:,.1f}" for w in selection.windows)
    return _("{window} (validation MAE: {windows})").format(window=chosen, windows=windows)


def _window(window: dict) -> str:
    """A window's label ('the last 2 years (2012-01-01..2013-12-31)') in the current language."""
    y = window["years"]
    if y is None:
        return _("all of {period}").format(period=window["period"])
    return (_("the last year ({period})") if y == 1 else _("the last {n} years ({period})")).format(n=y, period=window["period"])


def validation_frame(selection: Selection) -> pd.DataFrame:
    """The validation table, one row per candidate, with each horizon's MAE (and, with
    several folds, each fold's mean over the horizons) as a column."""
    rows = []
    for row in selection.table:
        by_h = {f"mae_{h}_days_ahead": round(v, 2) for h, v in enumerate(row["val_mae_by_horizon"], start=1)}
        by_fold = {f"mae_fold_{i}": round(v, 2) for i, v in enumerate(row["val_mae_by_fold"], start=1)} if len(selection.folds) > 1 else {}
        rows.append({k: v for k, v in row.items() if k not in ("val_mae_by_horizon", "val_mae_by_fold")} | by_h | by_fold)
    return pd.DataFrame(rows).round({"val_mae": 2, "one_seed_mae": 2})


def validation_folds(history: Period, n_folds: int = 1) -> list[tuple[Period, Period]]:
    """The (training, validation) periods of `n_folds` expanding-origin folds at the end of the
    history (`core.selection.folds`); one fold: the history without its end, and its end
    (a year, or a fifth under two years) held out."""
    if n_folds > 1:
        return expanding_folds(history, n_folds)
    n_val = holdout_days(history.n_days)
    val = Period(history.end - pd.Timedelta(days=n_val - 1), history.end)
    return [(Period(history.start, val.start - pd.Timedelta(days=1)), val)]
