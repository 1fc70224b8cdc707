"""The global network: one network trained on the windows of every series of a long table at
once, a candidate of each series' choice beside its own networks (`many.py`, `--global-model`).

The modern global forecasters (DeepAR, N-BEATS, the Nixtla libraries' global models) learn one
function from many series: a channel with two years of data borrows the shape of the others'
weeks. Two things make it honest here:

- **scaled per series**: the inputs are the forecast's own (`inputs.Inputs`, by default `level`:
  each window divided by its own level), so a channel of 50 views a day and one of 50,000 give
  examples of the same shape;
- **the same days**: the network a series validates is trained only on days up to that series'
  last training day, for every series (a day of another channel after it is as unknown as its
  own). At most `MOST_NETWORKS` networks are trained, up to days spread over the series' last
  training days (the first and the last of them among them); a series uses the one trained up
  to the latest of those days not after its own (it may know less than it could, never more).

Its training keeps the number of updates of one series' network: the forecast's epochs times
the median series' examples over all the examples (at least one epoch).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd

from ..core.features import Period, Windows, fill_from_past, make_windows
from ..core.forecaster import Forecaster
from ..core.optimize import training_cost
from ..engine import cpu
from ..engine.parallel import Job, run_jobs
from ..errors import ViewcastError
from .backtest import backtest_periods
from .candidates import Candidate, Pretrained, observed_days
from .forecast import history_period
from .settings import ForecastConfig
from .validation import validation_folds

MOST_NETWORKS = 4
SCALED = ("level", "log-level")  # the inputs that divide each window by its own level


def last_training_days(series: pd.Series, kind: str, config: ForecastConfig, options: dict) -> list[pd.Timestamp]:
    """The last days of the training periods a series' choice and final fit use ([] when the
    series is too short for them: it will be skipped with the reason)."""
    try:
        if kind == "forecast":
            history = history_period(series, options.get("train_start"), options.get("end"))
        else:
            history, _ = backtest_periods(series, options.get("start"), options.get("end"), options.get("train_start"))
        folds = validation_folds(history, config.folds)
    except ViewcastError:
        return []
    return sorted({train.end for train, _ in folds} | {history.end})


def global_candidates(every: dict[str, pd.Series], kind: str, config: ForecastConfig, options: dict,
                      progress: bool = False) -> dict[str, Pretrained]:
    """Each series' global candidate: `config.global_model` on the longest lags, with the first
    of the forecast's inputs that is scaled per window (else `level`), trained on every series up
    to days no later than each of its last training days."""
    scaled = next((name for name in config.inputs if name in SCALED), "level")
    spec = Candidate(config.global_model, max(config.lags), scaled, config.weekday)
    ends = {name: last_training_days(series, kind, config, options) for name, series in every.items()}
    cutoffs = spread(sorted({day for series_days in ends.values() for day in series_days}), MOST_NETWORKS)
    examples = {day: _examples(every, spec.n_lags, day) for day in cutoffs}
    examples = {day: parts for day, parts in examples.items() if parts}
    jobs = [_job(spec, parts, config) for parts in examples.values()]
    with cpu.one_thread():  # the same numbers here, in a worker process or on a Dask worker
        fitted = dict(zip(examples, run_jobs(jobs, config.workers, progress, "training (global)")))
    label = f"global {spec.model} on {spec.n_lags} days, {spec.input_set.label} (all {len(every):,} series)"
    out = {}
    for name, series_days in ends.items():
        known = {day: max((c for c in fitted if c <= day), default=None) for day in series_days}
        if series_days and None not in known.values():
            out[name] = Pretrained(label, spec.n_lags, {day: fitted[c] for day, c in known.items()})
    return out


def spread(days: list, most: int) -> list:
    """At most `most` of the sorted `days`, evenly spread, the first and the last among them.

    >>> spread([1, 2, 3, 4, 5, 6, 7], 3)
    [1, 4, 7]
    """
    if len(days) <= most:
        return list(days)
    return [days[i] for i in sorted(set(np.linspace(0, len(days) - 1, most).round().astype(int)))]


def _examples(every: dict[str, pd.Series], n_lags: int, last: pd.Timestamp) -> list[Windows]:
    """Each series' complete windows whose target day is at most `last` (those that have any)."""
    parts = []
    for series in every.values():
        known = series[series.index <= last]
        if len(known) <= n_lags:
            continue
        filled = fill_from_past(known)
        parts.append(make_windows(filled, n_lags).on(observed_days(known, Period(filled.index[n_lags], last))))
    return [part for part in parts if len(part.y)]


def _job(spec: Candidate, parts: list[Windows], config: ForecastConfig) -> Job:
    """The training of the global network on every series' windows, as one set of examples. Its
    epochs: as many updates as one series' network makes (epochs × a median series' examples / all)."""
    windows = Windows(np.concatenate([p.X for p in parts]), np.concatenate([p.y for p in parts]),
                      pd.DatetimeIndex(np.concatenate([p.dates.to_numpy() for p in parts])),
                      np.concatenate([p.complete for p in parts]))
    median = float(np.median([len(p.y) for p in parts]))
    train = dataclasses.replace(config.train, n_epochs=max(1, math.ceil(config.train.n_epochs * median / len(windows.y))))
    forecaster = Forecaster(spec.model, spec.n_lags, train, inputs=spec.inputs, weekday=spec.weekday)
    cost = training_cost(spec.model, spec.input_set.n_inputs(spec.n_lags), len(windows.y), train)
    return Job(Forecaster.fit_windows, (forecaster, windows), cost, train.n_epochs, f"global {spec.model}")
