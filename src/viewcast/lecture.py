"""The lecture's experiments, redone on real data: `run_lecture`.

    one day     y = b + w x₁ by gradient descent on MAE     (lecture: w* = 0.97, b* = 0.1k)
    more days   linear on the last 1, 7, 28, 56 days        (and the 7-day weights)
    width       linear vs one layer of 10 / 100 / 1000 ReLU or sigmoid units, on 56 days
    depth       1, 2, 3, 4 layers of 100 ReLU, on 56 days
    selection   the candidates trained again without the last year of the training
                period, picked by their loss on that year (validation), tested once

Every model is trained on several seeds with the same hyperparameters
(`LECTURE_TRAINING`). The rows of the last three tables are trained and scored on
the same target days, those that every window (up to 56 days) reaches, beside the
baselines on those days and the lecture's own numbers. Under each table, the
lecture's general guide (`diagnosis`) reads the rows pairwise.
"""

from __future__ import annotations

import dataclasses
import json
import math
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib.metadata import version
from itertools import pairwise
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from .baselines import evaluate_baselines
from .config import DataConfig, SplitConfig, TrainConfig
from .data import describe
from .diagnosis import Loss, compare
from .display import days, lecture_tables
from .errors import ConfigError, DataError
from .features import MIN_TRAIN_EXAMPLES, Period, Split, daily, make_split, make_windows, shared_days
from .folders import FolderKind, write_folder
from .forecaster import Forecaster, evaluate_windows
from .metrics import over_seeds
from .models import parse_spec
from .runs import load_series

LECTURE_TRAINING = TrainConfig(
    loss="mae", optimizer="adam", lr=1e-3, n_epochs=200, batch_size=32, schedule="cosine", n_seeds=5
)
"""The hyperparameters of every model in every table: Adam, η = 0.001 annealed to 0 by a
cosine schedule, mini-batches of 32, 200 epochs, the lecture's MAE."""

QUICK = {"n_epochs": 20, "n_seeds": 2}
"""`--quick`: the same tables with fewer epochs and seeds, to see the whole run in seconds."""


def lecture_training(quick: bool = False, n_epochs: int | None = None, n_seeds: int | None = None, **changes) -> TrainConfig:
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

LECTURE_ONE_DAY = {"w": 0.97, "b": 100.0}
LECTURE_WEIGHTS_7 = {"b": 50.0, "w": [0.79, -0.31, 0.12, -0.01, -0.10, 0.30, 0.18]}


@dataclass(frozen=True)
class Row:
    """One model of a table, and the lecture's (training, test) loss for it in views, if it has one."""

    spec: str
    n_lags: int
    lecture: tuple[float, float] | None = None

    @property
    def label(self) -> str:
        return f"{self.spec} on {days(self.n_lags)}"


@dataclass(frozen=True)
class Table:
    """A table of the lecture. `chains` list row indices from the smaller model to the bigger,
    for the diagnosis; `shared_days` says whether the rows share the target days of every window."""

    key: str
    title: str
    rows: tuple[Row, ...]
    chains: tuple[tuple[int, ...], ...]
    shared_days: bool = True


LAGS = (1, 7, 28, 56)
TABLES = (
    Table("one_day", "One day, linear: y = b + w x₁", (Row("linear", 1, (480, 580)),), (), shared_days=False),
    Table(
        "lags",
        "More days, linear: y = b + Σ w_j x_j",
        tuple(Row("linear", n, ref) for n, ref in zip(LAGS, [(480, 580), (380, 490), (330, 460), (320, 460)])),
        ((0, 1, 2, 3),),
    ),
    Table(
        "width",
        "Width: one hidden layer on 56 days, y = b + cᵀσ(b + W x)",
        (
            Row("linear", 56, (320, 460)),
            Row("relu:10", 56, (320, 450)),
            Row("relu:100", 56, (280, 430)),
            Row("relu:1000", 56, (270, 430)),
            Row("sigmoid:10", 56),
            Row("sigmoid:100", 56),
            Row("sigmoid:1000", 56),
        ),
        ((0, 1, 2, 3), (0, 4, 5, 6)),
    ),
    Table(
        "depth",
        "Depth: layers of 100 ReLU on 56 days",
        tuple(
            Row("relu:100" + (f"x{n}" if n > 1 else ""), 56, ref)
            for n, ref in zip((1, 2, 3, 4), [(280, 430), (180, 390), (140, 380), (100, 440)])
        ),
        ((0, 1, 2, 3),),
    ),
)
TABLE_KEYS = tuple(table.key for table in TABLES)


@dataclass
class LectureConfig:
    """The data, its split (test: the year after training, by default) and the shared training
    settings (`lecture_training`); `quick` only records that they are the quick ones."""

    data: DataConfig = dataclasses.field(default_factory=DataConfig)
    split: SplitConfig = dataclasses.field(default_factory=SplitConfig)
    train: TrainConfig = dataclasses.field(default_factory=lambda: dataclasses.replace(LECTURE_TRAINING))
    quick: bool = False
    tables: tuple[str, ...] = TABLE_KEYS

    def __post_init__(self):
        unknown = [key for key in self.tables if key not in TABLE_KEYS]
        if unknown or not self.tables:
            raise ConfigError(f"unknown table {', '.join(unknown) or '(none)'}; choose from {', '.join(TABLE_KEYS)}")

    @property
    def chosen(self) -> tuple[Table, ...]:
        return tuple(table for table in TABLES if table.key in self.tables)


@dataclass(frozen=True)
class Fit:
    """One stack of seeds to train: a row's model on the examples of one phase.

    phase "test": trained on the whole training period, scored on training and test days;
    phase "selection": trained without its last year, scored on training and validation days.
    """

    phase: str
    row: Row
    shared: bool
    train: object  # features.Windows
    scored: dict  # {"train": Windows, "test" or "val": Windows}

    @property
    def key(self) -> tuple:
        return (self.phase, self.row.spec, self.row.n_lags, self.shared)


def run_lecture(config: LectureConfig, progress: bool = False) -> dict:
    """Train every chosen table's models, score them, select one by validation; returns the
    results as plain JSON-able values (losses: MAE in views; see `results.json` in the README)."""
    started = time.perf_counter()
    series, dataset = load_series(config.data)
    split = make_split(series, config.split, dataset)
    phases = {"test": {"train": split.train, "test": split.test}}
    selecting = any(table.shared_days for table in config.chosen)  # candidates: rows on shared days
    if selecting:
        selection = _selection_split(series, config.split, dataset, split)
        phases["selection"] = {"train": selection.train, "val": selection.val}
    fits = _plan(series, config.data.fill_gaps, config.chosen, phases)
    results = _train_all(fits, config.train, config.data.fill_gaps, progress)

    full, n_missing = daily(series, config.data.fill_gaps)
    hyperparameters = _hyperparameters(config.train)
    tables = {
        table.key: _table(table, fits, results, full, phases["test"], hyperparameters) for table in config.chosen
    }
    periods = {name: _period(p) for name, p in phases["test"].items()}
    if selecting:
        periods |= {"selection_train": _period(selection.train), "validation": _period(selection.val)}
    return {
        "viewcast": version("viewcast"),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "loss": "mae, in views",
        "data": {
            "source": config.data.source,
            **describe(series),
            "fill_gaps": config.data.fill_gaps,
            "filled_days": n_missing if config.data.fill_gaps else 0,
        },
        "periods": periods,
        "quick": config.quick,
        "seeds": config.train.seeds,
        "training": hyperparameters,
        "tables": tables,
        "selection": _selection(fits, results, full, phases["selection"]) if selecting else None,
        "wall_time_s": round(time.perf_counter() - started, 2),
    }


# -- what to train -------------------------------------------------------------


def _selection_split(series, split_config: SplitConfig, dataset, split: Split) -> Split:
    """The split for model selection: the last year of the training period becomes validation
    (its last fifth, when training is shorter than two years)."""
    n_days = split.train.n_days
    val_days = 365 if n_days >= 2 * 365 else max(1, n_days // 5)
    dates = {"train_start": str(split.train.start.date()), "train_end": str(split.train.end.date())}
    config = dataclasses.replace(split_config, **dates, val_days=val_days)
    return make_split(series, config, dataset)


def _plan(series, fill_gaps: bool, tables: tuple[Table, ...], phases: dict) -> dict[tuple, Fit]:
    """Every stack to train, once each (a row in two tables is trained once).

    The one-day table uses every target day a one-day window reaches; the other tables
    use the days that every window of `LAGS` reaches, whichever tables are chosen.
    """
    windows = {n: make_windows(series, n, fill_gaps) for n in LAGS}
    days_of = {False: shared_days([windows[1]]), True: shared_days(list(windows.values()))}
    fits = {}
    for phase, periods in phases.items():
        for table in tables:
            if phase == "selection" and not table.shared_days:
                continue
            for row in table.rows:
                parts = {
                    name: _examples(windows[row.n_lags], period, days_of[table.shared_days], name, phase)
                    for name, period in periods.items()
                }
                fit = Fit(phase, row, table.shared_days, parts["train"], parts)
                fits.setdefault(fit.key, fit)
    return fits


def _examples(windows, period: Period, target_days: pd.DatetimeIndex, name: str, phase: str):
    part = windows.select(period)[0].on(target_days)
    needed = MIN_TRAIN_EXAMPLES if name == "train" else 1
    if len(part.y) < needed:
        label = {"train": "training", "val": "validation", "test": "test"}[name]
        label = f"model-selection {label}" if phase == "selection" else label
        raise DataError(
            f"the {label} period {period} has {len(part.y)} target days that every window up to "
            f"{max(LAGS)} days reaches (needs {needed}); the series is too short or has too many "
            "missing days for the lecture's tables: give more data, other dates, or --fill-gaps"
        )
    return part


# -- training ------------------------------------------------------------------


def _train_all(fits: dict[tuple, Fit], train: TrainConfig, fill_gaps: bool, progress: bool) -> dict[tuple, dict]:
    """Train every fit, with one progress bar over the whole run (its time left is estimated
    from each fit's cost); returns each fit's scores by key."""
    costs = {key: _cost(fit, train) for key, fit in fits.items()}
    results = {}
    bar_format = "{desc} {percentage:3.0f}%|{bar}| {elapsed} elapsed, {remaining} left {postfix}"
    with tqdm(total=sum(costs.values()), desc="lecture", bar_format=bar_format, disable=None if progress else True) as bar:
        for key, fit in fits.items():
            bar.set_postfix_str(f"{fit.row.label} ({'selection' if fit.phase == 'selection' else 'tables'})")
            step = costs[key] / train.n_epochs
            started = time.perf_counter()
            forecaster = Forecaster(fit.row.spec, fit.row.n_lags, train, fill_gaps=fill_gaps)
            forecaster.fit_windows(fit.train, on_epoch=lambda epoch: bar.update(step))
            results[key] = _score(forecaster, fit, time.perf_counter() - started)
    return results


def _cost(fit: Fit, train: TrainConfig) -> float:
    """A rough relative cost of training `fit`: updates × (per-update overhead + arithmetic)."""
    n = len(fit.train.y)
    batch = n if train.batch_size == 0 else min(train.batch_size, n)
    spec = parse_spec(fit.row.spec)
    n_parameters = _n_parameters(spec, fit.row.n_lags)
    per_update = 2 + spec.n_layers + train.n_seeds * n_parameters * batch / 1.5e6
    return train.n_epochs * math.ceil(n / batch) * per_update


def _n_parameters(spec, n_lags: int) -> int:
    sizes = [n_lags] + [spec.n_hidden] * spec.n_layers + [1]
    return sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))


def _score(forecaster: Forecaster, fit: Fit, wall_time: float) -> dict:
    """MAE per seed on each scored period, how training ended, and b, w for a linear model."""
    improvement = forecaster.final_epoch_improvement()
    result = {
        "spec": fit.row.spec,
        "n_lags": fit.row.n_lags,
        "n_parameters": _n_parameters(forecaster.model_.spec, fit.row.n_lags),
        **{name: over_seeds(evaluate_windows(forecaster, part)["mae"]) for name, part in fit.scored.items()},
        "training": {
            "epochs": forecaster.n_epochs_run_,
            "final_epoch_improvement": None if None in improvement else over_seeds(improvement),
            "wall_time_s": round(wall_time, 3),
        },
    }
    if forecaster.model_.spec.is_linear:
        result["intercept"] = over_seeds(forecaster.intercept_)
        result["coef"] = [over_seeds(w_j) for w_j in forecaster.coef_.T]
    return result


# -- the tables ----------------------------------------------------------------


def _table(table: Table, fits, results, full: pd.Series, periods: dict, hyperparameters: dict) -> dict:
    """One table: its rows (with the lecture's numbers), the baselines on the same target days,
    and the diagnosis of each pair of rows along its chains."""
    rows = []
    for row in table.rows:
        result = dict(results[("test", row.spec, row.n_lags, table.shared_days)], label=row.label)
        result["lecture"] = dict(zip(("train", "test"), row.lecture)) if row.lecture else None
        rows.append(result)
    diagnosis = []
    for chain in table.chains:
        for i, j in pairwise(chain):
            a, b = rows[i], rows[j]
            train = (Loss.of(a["train"]), Loss.of(b["train"]))
            test = (Loss.of(a["test"]), Loss.of(b["test"]))
            diagnosis.append(compare(a["label"], b["label"], train, test).to_dict())
    first = fits[("test", table.rows[0].spec, table.rows[0].n_lags, table.shared_days)]
    result = {
        "title": table.title,
        "target_days": _days_info(first, periods),
        "rows": rows,
        "baselines": _baselines(full, first.scored),
        "diagnosis": diagnosis,
        "training": hyperparameters,
        "wall_time_s": round(sum(r["training"]["wall_time_s"] for r in rows), 2),
    }
    if table.key == "one_day":
        result["function"] = {"w": rows[0]["coef"][0], "b": rows[0]["intercept"], "lecture": LECTURE_ONE_DAY}
    if table.key == "lags":
        seven = next(r for r in rows if r["n_lags"] == 7)
        result["weights_7"] = {"w": seven["coef"], "b": seven["intercept"], "lecture": LECTURE_WEIGHTS_7}
    return result


def _baselines(full: pd.Series, scored: dict) -> list[dict]:
    """MAE of each baseline on the same target days as the models, per period."""
    per_period = {name: evaluate_baselines(full, part.dates, part.y) for name, part in scored.items()}
    names = next(iter(per_period.values()))
    return [
        {"label": f"baseline: {name}", **{p: {"mae": r[name].get("mae"), "days": r[name]["days"]} for p, r in per_period.items()}}
        for name in names
    ]


def _days_info(fit: Fit, periods: dict[str, Period]) -> dict:
    """Per period: its dates, the target days used, and the days left out for missing days."""
    info = {}
    for name, part in fit.scored.items():
        period = periods[name]
        info[name] = {**_period(period), "days": len(part.y), "left_out": period.n_days - len(part.y)}
    return info


def _period(period: Period) -> dict:
    return {"start": str(period.start.date()), "end": str(period.end.date())}


def _hyperparameters(train: TrainConfig) -> dict:
    settings = dataclasses.asdict(train)
    return {name: settings[name] for name in ("loss", "optimizer", "lr", "schedule", "batch_size", "n_epochs", "warmup_epochs", "n_seeds", "seed")}


# -- model selection -----------------------------------------------------------


def _selection(fits, results, full: pd.Series, periods: dict) -> dict:
    """Pick by validation loss among the tables' models and the baselines; then look at test once.

    The picked model's test loss is that of the same model trained on the whole training
    period (the one you would use), from the tables; so is "the best on test", which is
    reported only to say whether validation found it.
    """
    candidates, test_loss = [], {}
    for key, fit in fits.items():
        if fit.phase == "selection":
            result = results[key]
            candidates.append({"label": fit.row.label, "train": result["train"], "val": result["val"]})
            test_loss[fit.row.label] = results[("test", *key[1:])]["test"]
    any_fit = next(fit for fit in fits.values() if fit.phase == "selection")
    for baseline in _baselines(full, any_fit.scored):
        candidates.append(
            {"label": baseline["label"], "train": {"mean": baseline["train"]["mae"]}, "val": {"mean": baseline["val"]["mae"]}}
        )
    twin = fits[("test", *any_fit.key[1:])]  # the same days in the test period
    test_loss |= {b["label"]: {"mean": b["test"]["mae"]} for b in _baselines(full, twin.scored)}
    picked = min(candidates, key=lambda c: _or_inf(c["val"]["mean"]))["label"]
    best_on_test = min(test_loss, key=lambda label: _or_inf(test_loss[label]["mean"]))
    return {
        "target_days": _days_info(any_fit, periods),
        "candidates": candidates,
        "picked": picked,
        "picked_test": test_loss[picked],
        "best_on_test": best_on_test,
        "best_test": test_loss[best_on_test],
        "picked_is_best_on_test": picked == best_on_test,
    }


def _or_inf(value) -> float:
    return np.inf if value is None else value


# -- the lecture folder --------------------------------------------------------

LECTURE_FOLDER = FolderKind("viewcast lecture folder", ("results.json", "tables.md"), ("results.json",))


def save_lecture(results: dict, out: Path, force: bool = False) -> Path:
    """Write `results.json` and `tables.md` into the folder `out`, whole or not at all."""
    writers = {
        "results.json": lambda path: path.write_text(json.dumps(results, indent=2) + "\n"),
        "tables.md": lambda path: path.write_text(lecture_tables(results, markdown=True)),
    }
    return write_folder(out, writers, LECTURE_FOLDER, force)
