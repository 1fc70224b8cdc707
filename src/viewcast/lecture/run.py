"""The lecture's experiments, redone on real data: `run_lecture`.

    one day     y = b + w x₁ by gradient descent on MAE     (lecture: w* = 0.97, b* = 0.1k)
    more days   linear on the last 1, 7, 28, 56 days        (and the 7-day weights)
    width       linear vs one layer of 10 / 100 / 1000 ReLU or sigmoid units, on 56 days
    depth       1, 2, 3, 4 layers of 100 ReLU, on 56 days
    selection   the candidates trained again without the last year of the training
                period, picked by their loss on that year (validation), tested once

Then the follow-up lectures' experiments, for the report: the error surface (`surface`),
mismatch (`mismatch`), optimizers side by side (`optimizers`) and classification (`classify`).

Every model is trained on several seeds with the same hyperparameters
(`LECTURE_TRAINING`). The rows of the last three tables are trained and scored on
the same target days, those that every window (up to 56 days) reaches, beside the
baselines on those days and the lecture's own numbers. Under each table, the
lecture's general guide (`guide`) reads the rows pairwise. The tables themselves are in
`tables`; each trained part of the run is an experiment (`experiment`), trained together.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

import pandas as pd

from ..core.config import DataConfig, SplitConfig, TrainConfig
from ..core.data import describe, load_series
from ..core.features import daily, make_split, make_windows
from ..core.runs import results_header
from ..core.selection import selection_split
from ..errors import ConfigError
from . import classify, mismatch, optimizers, tables
from .experiment import run_experiments
from .surface import study
from .tables import TABLE_KEYS, TABLES, Table

LECTURE_TRAINING = TrainConfig(
    loss="mae", optimizer="adam", lr=1e-3, n_epochs=200, batch_size=32, schedule="cosine", n_seeds=5
)
"""The hyperparameters of every model in every table: Adam, η = 0.001 annealed to 0 by a
cosine schedule, mini-batches of 32, 200 epochs, the lecture's MAE."""

QUICK = {"n_epochs": 20, "n_seeds": 2}
"""`--quick`: the same tables with fewer epochs and seeds, to see the whole run in seconds."""


def lecture_training(
    quick: bool = False, n_epochs: int | None = None, n_seeds: int | None = None, **changes
) -> TrainConfig:
    """`LECTURE_TRAINING`, or its quick variant, with the given changes (None keeps the default).

    >>> lecture_training(quick=True).n_epochs
    20
    """
    defaults = QUICK if quick else {"n_epochs": LECTURE_TRAINING.n_epochs, "n_seeds": LECTURE_TRAINING.n_seeds}
    return dataclasses.replace(
        LECTURE_TRAINING,
        n_epochs=defaults["n_epochs"] if n_epochs is None else n_epochs,
        n_seeds=defaults["n_seeds"] if n_seeds is None else n_seeds,
        **changes,
    )


@dataclass
class LectureConfig:
    """The data, its split (test: the year after training, by default), the training settings
    shared by every model (`lecture_training`), which tables to run, and how many worker
    processes train them (`parallel.run_jobs`; the results are the same to float rounding)."""

    data: DataConfig = dataclasses.field(default_factory=DataConfig)
    split: SplitConfig = dataclasses.field(default_factory=SplitConfig)
    train: TrainConfig = dataclasses.field(default_factory=lecture_training)
    tables: tuple[str, ...] = TABLE_KEYS
    workers: int | None = 1  # processes that train side by side (1: all here, in this process; None: as many as pay)

    def __post_init__(self):
        if self.workers is not None and self.workers < 1:
            raise ConfigError(f"workers must be at least 1; got {self.workers}")
        unknown = [key for key in self.tables if key not in TABLE_KEYS]
        if unknown or not self.tables:
            raise ConfigError(f"unknown table {', '.join(unknown) or '(none)'}; choose from {', '.join(TABLE_KEYS)}")

    @property
    def chosen(self) -> tuple[Table, ...]:
        return tuple(table for table in TABLES if table.key in self.tables)


@dataclass
class LectureRun:
    """What `run_lecture` measured.

    results      the tables, selection and settings, JSON-able (`results.json`; losses: MAE in views)
    curves       per row, seed and epoch: the training loss and the loss on the period it is
                 scored on (test for the tables, validation for selection), in views
    predictions  per row and scored day: the real views and the mean prediction over seeds
    surface      the error-surface experiments on the one-day training examples (`surface.study`)
    mismatch     the pedestrians experiment (`mismatch.plan`, `mismatch.results`)
    optimizers   the optimizers side by side (`optimizers.results`), with the tables' epochs (at most 100)
    classification  softmax and cross-entropy on an above-the-week's-median task (`classify`)
    """

    results: dict
    curves: pd.DataFrame | None
    predictions: pd.DataFrame | None
    surface: dict | None
    mismatch: dict | None
    optimizers: dict | None = None
    classification: dict | None = None


def run_lecture(config: LectureConfig, progress: bool = False) -> LectureRun:
    """Train every chosen table's models, score them, select one by validation, and run the
    report's experiments (the error surface, the mismatch); see `LectureRun`."""
    started = time.perf_counter()
    series, dataset = load_series(config.data)
    split = make_split(series, config.split, dataset)
    phases = {"test": {"train": split.train, "test": split.test}}
    selecting = any(table.shared_days for table in config.chosen)  # candidates: rows on shared days
    if selecting:
        selection = selection_split(series, config.split, dataset, split)
        phases["selection"] = {"train": selection.train, "val": selection.val}
    fits = tables.plan(series, config.data.fill_gaps, config.chosen, phases)
    one_day = make_windows(series, 1, config.data.fill_gaps).select(split.train)[0]
    surface = study(one_day.X[:, 0], one_day.y, days=(one_day.dates - one_day.dates[0]).days.tolist())
    train = dataclasses.replace(config.train, patience=None)  # the scored periods are only measured: nothing stops on them
    race = optimizers.OptimizersConfig(n_epochs=min(train.n_epochs, 100), seed=train.seed, device=train.device)
    experiments = {
        "tables": tables.Tables(fits, train, config.data.fill_gaps),
        "mismatch": mismatch.Mismatch(train),
        "optimizers": optimizers.Race(race, series, split, config.data.fill_gaps),
    }
    done = run_experiments(experiments, config.workers, train.device, progress)
    scores, curves, predictions = done["tables"]

    full, n_missing = daily(series, config.data.fill_gaps)
    hyperparameters = tables.hyperparameters(config.train)
    periods = {name: p.to_dict() for name, p in phases["test"].items()}
    if selecting:
        periods |= {"selection_train": selection.train.to_dict(), "validation": selection.val.to_dict()}
    train = config.train
    results = {
        **results_header("mae, in views"),
        "data": {
            "source": config.data.source,
            **describe(series),
            "fill_gaps": config.data.fill_gaps,
            "filled_days": n_missing if config.data.fill_gaps else 0,
        },
        "periods": periods,
        "short_run": train.n_epochs < LECTURE_TRAINING.n_epochs or train.n_seeds < LECTURE_TRAINING.n_seeds,
        "seeds": train.seeds,
        "training": hyperparameters,
        "still_falling": tables.STILL_FALLING,
        "tables": {table.key: tables.table(table, fits, scores, full, phases["test"], hyperparameters) for table in config.chosen},
        "selection": tables.selection(fits, scores, full, phases["selection"]) if selecting else None,
        "mismatch": {key: done["mismatch"][key] for key in ("dataset", "periods")} if done["mismatch"] else None,
        "wall_time_s": round(time.perf_counter() - started, 2),
    }
    classification = classify.run_classification(series, split, seed=config.train.seed)
    return LectureRun(results, curves, predictions, surface, done["mismatch"], done["optimizers"], classification)
