"""A sweep: train a grid of configurations and pick the best by validation.

    grid     models × lags × learning rates × batch sizes × seeds
    groups   the configurations of one shape (model, lags, batch size) train as one
             stack: one model per (learning rate, seed), each with its own rate
    jobs     the stacks, largest first, in worker processes (`parallel.run_jobs`),
             the same path `viewcast lecture` trains its tables on
    scored   on the training days and on validation, the last year of the training
             period (or its last fifth), held out; the test period is never read;
             or, with `folds` N > 1, on N expanding-origin folds (`selection.folds`),
             every configuration trained once per fold, its validation MAE their mean

Every configuration is trained on the same target days (those its longest window
reaches), so their losses compare. The best is the lowest mean validation MAE over
seeds; the baselines' validation MAE is beside it.
"""

from __future__ import annotations

import dataclasses
import io
import itertools
import json
import math
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.baselines import BASELINES, evaluate_baselines
from ..core.config import DataConfig, SplitConfig, TrainConfig
from ..core.data import describe, load_series
from ..core.features import daily, make_split, make_windows, require_examples, shared_days
from ..core.forecaster import Forecaster, evaluate_windows
from ..core.models import parse_spec
from ..core.optimize import training_cost
from ..core.runs import results_header
from ..core.selection import folds, selection_split
from ..engine import files
from ..engine.folders import FolderKind, write_folder
from ..engine.parallel import Job, run_jobs, usable_workers
from ..errors import ConfigError, DataError, TrainingDiverged, cut


@dataclass
class SweepConfig:
    """The grid, the settings every configuration shares (`train`: its `lr`, `batch_size`
    and seeds are replaced by the grid's), and the data."""

    models: tuple[str, ...] = ("linear",)
    lags: tuple[int, ...] = (7,)
    lrs: tuple[float, ...] = (0.01,)
    batch_sizes: tuple[int, ...] = (32,)
    train: TrainConfig = dataclasses.field(default_factory=TrainConfig)
    data: DataConfig = dataclasses.field(default_factory=DataConfig)
    split: SplitConfig = dataclasses.field(default_factory=SplitConfig)
    workers: int = 1  # processes that train side by side (1: all here, in this process)
    folds: int = 1  # time-series cross-validation folds (1: one hold-out, the last year)

    def __post_init__(self):
        for name, said in (("models", "model"), ("lags", "lags"), ("lrs", "lr"), ("batch_sizes", "batch_size")):
            values = tuple(getattr(self, name))
            if not values:
                raise ConfigError(f"the sweep needs at least one value of {said}")
            if len(set(values)) < len(values):
                raise ConfigError(f"{said} lists a value twice: {', '.join(map(str, values))}")
            setattr(self, name, values)
        for spec in self.models:
            parse_spec(spec)
        for n_lags in self.lags:
            if n_lags < 1:
                raise ConfigError(f"lags must be at least 1; got {n_lags}")
        for lr in self.lrs:
            dataclasses.replace(self.train, lr=lr)  # checks each value
        for batch_size in self.batch_sizes:
            dataclasses.replace(self.train, batch_size=batch_size)
        if self.train.patience is not None:
            raise ConfigError("a sweep trains every configuration for all its epochs; patience is not used")
        if self.workers < 1:
            raise ConfigError(f"workers must be at least 1; got {self.workers}")
        if self.folds < 1:
            raise ConfigError(f"folds must be at least 1; got {self.folds}")

    @property
    def n_configurations(self) -> int:
        return len(self.models) * len(self.lags) * len(self.lrs) * len(self.batch_sizes)

    @classmethod
    def from_settings(cls, settings: dict, **data_options) -> SweepConfig:
        """A sweep from the settings of a sweep file (`TOML_KEYS`; `read_toml`), the given
        ones only: the others keep the defaults of `SweepConfig` and `TrainConfig`.
        `data_options` (date_col, value_col, date_format) go to the `DataConfig`."""
        if "dataset" in settings and "data" in settings:
            raise ConfigError("give a bundled dataset or a data file, not both")
        grid = {field: tuple(settings[key]) for key, field in GRID.items() if key in settings}
        train = {field: settings[key] for key, field in TRAIN.items() if key in settings}
        data = DataConfig(
            dataset=settings.get("dataset", None if "data" in settings else "wiki-r"),
            path=settings.get("data"),
            fill_gaps=settings.get("fill_gaps", False),
            **data_options,
        )
        split = SplitConfig(train_start=settings.get("train_start"), train_end=settings.get("train_end"))
        rest = {name: settings[name] for name in ("workers", "folds") if name in settings}
        return cls(**grid, train=TrainConfig(**train), data=data, split=split, **rest)


TOML_KEYS = {  # name: (type of the value, or of each item of a list), what it is
    "dataset": (str, "a bundled dataset"), "data": (str, "a CSV file"),
    "train_start": (str, "YYYY-MM-DD"), "train_end": (str, "YYYY-MM-DD"),
    "models": (str, "model specs"), "lags": (int, "past days as inputs"), "lr": (float, "learning rates"),
    "batch_size": (int, "batch sizes, 0 for the full batch"), "seeds": (int, "seeds per configuration"),
    "seed": (int, "the first seed"), "epochs": (int, "epochs"), "loss": (str, "mae or mse"),
    "optimizer": (str, "adam, sgd, momentum, adagrad or rmsprop"), "schedule": (str, "constant, step or cosine"),
    "warmup_epochs": (int, "epochs of warm-up"), "fill_gaps": (bool, "true or false"), "workers": (int, "processes"),
    "folds": (int, "cross-validation folds"),
}
GRID = {"models": "models", "lags": "lags", "lr": "lrs", "batch_size": "batch_sizes"}  # file key: SweepConfig field
TRAIN = {"seeds": "n_seeds", "seed": "seed", "epochs": "n_epochs", "loss": "loss", "optimizer": "optimizer",
         "schedule": "schedule", "warmup_epochs": "warmup_epochs"}  # file key: TrainConfig field
LISTS = tuple(GRID)
KINDS = {str: "string", int: "whole number", float: "number", bool: "boolean"}


def read_toml(path: Path) -> dict:
    """A sweep file's settings, checked against `TOML_KEYS` (one-line errors)."""
    try:
        settings = files.read_toml(path)
    except DataError as err:
        raise ConfigError(f"{err}; see the README's sweep example") from None
    unknown = sorted(set(settings) - set(TOML_KEYS))
    if unknown:
        raise ConfigError(f"{path}: unknown setting {unknown[0]!r}; valid: {', '.join(TOML_KEYS)}")
    for name, value in settings.items():
        kind, what = TOML_KEYS[name]
        values = value if name in LISTS and isinstance(value, list) else [value]
        if not values or not all(_is(item, kind) for item in values):
            shape = f"a list of {KINDS[kind]}s" if name in LISTS else f"a {KINDS[kind]}"
            raise ConfigError(f"{path}: {name} must be {shape} ({what}); got {value!r}")
        settings[name] = [float(v) if kind is float else v for v in values] if name in LISTS else value
    return settings


def _is(value, kind: type) -> bool:
    if isinstance(value, bool):  # TOML's true is not a number
        return kind is bool
    return isinstance(value, (int, float)) if kind is float else isinstance(value, kind)


@dataclass(frozen=True)
class Group:
    """Configurations of one shape, trained as one stack: members are (lr, seed) pairs."""

    model: str
    n_lags: int
    batch_size: int
    members: tuple[tuple[float, int], ...]

    @property
    def label(self) -> str:
        return f"{self.model} on {self.n_lags} days, batch {self.batch_size or 'full'} ({len(self.members)} models)"


def plan_groups(config: SweepConfig, workers: int) -> list[Group]:
    """One group per (model, lags, batch size), with every (lr, seed) of the grid; cut into
    `workers` parts when there are fewer groups than workers, so that no core idles."""
    members = tuple(itertools.product(config.lrs, config.train.seeds))
    shapes = list(itertools.product(config.models, config.lags, config.batch_sizes))
    n_parts = max(1, min(len(members), math.ceil(workers / len(shapes))))
    groups = []
    for model, n_lags, batch_size in shapes:
        for part in np.array_split(np.arange(len(members)), n_parts):
            groups.append(Group(model, n_lags, batch_size, tuple(members[i] for i in part)))
    return groups


@dataclass
class SweepRun:
    """What `run_sweep` measured: one row per trained model (`trials`), and `results`
    (JSON-able: the settings, the configurations ranked by validation, the best one)."""

    trials: pd.DataFrame
    results: dict


def run_sweep(config: SweepConfig, progress: bool = False) -> SweepRun:
    """Train every configuration of the grid on the training days without the validation
    period, score each on both, and rank the configurations by mean validation MAE."""
    started = time.perf_counter()
    series, dataset = load_series(config.data)
    split = make_split(series, config.split, dataset)
    fold_periods = folds(split.train, config.folds) if config.folds > 1 else [_hold_out(series, config, dataset, split)]
    windows = {n: make_windows(series, n, config.data.fill_gaps) for n in config.lags}
    days = shared_days(list(windows.values()))
    parts = {}  # (fold, n_lags) -> {"train": ..., "val": ...}
    for fold, (train_period, val_period) in enumerate(fold_periods, start=1):
        for n_lags, w in windows.items():
            parts[fold, n_lags] = {}
            for name, period in (("train", train_period), ("val", val_period)):
                parts[fold, n_lags][name] = part = w.select(period)[0].on(days)
                require_examples(len(part.y), name, period, f"target days with all {max(config.lags)} days before them",
                                 "give a longer series, other dates, fewer lags or folds, or --fill-gaps")

    n_models = config.n_configurations * config.train.n_seeds * len(fold_periods)
    workers = usable_workers(config.workers, n_models, config.train.device)
    groups = plan_groups(config, workers)
    workers = min(workers, len(groups) * len(fold_periods))  # as `run_jobs` will
    jobs, trained = [], []
    for fold in range(1, len(fold_periods) + 1):
        for group in groups:
            lrs, seeds = zip(*group.members)
            # a rate too large for its configuration loses that model, not the sweep
            training = dataclasses.replace(config.train, batch_size=group.batch_size, n_seeds=len(seeds), skip_diverged=True)
            forecaster = Forecaster(group.model, group.n_lags, training, fill_gaps=config.data.fill_gaps, seeds=list(seeds), lrs=list(lrs))
            data = parts[fold, group.n_lags]
            cost = training_cost(group.model, group.n_lags, len(data["train"].y), training)
            label = group.label + (f", fold {fold}" if len(fold_periods) > 1 else "")
            jobs.append(Job(Forecaster.fit_windows, (forecaster, data["train"], data["val"]), cost, training.n_epochs, label))
            trained.append((fold, group))
    fitted = run_jobs(jobs, workers, progress, desc="sweep")

    trials = pd.concat([_trials(group, forecaster, parts[fold, group.n_lags]).assign(fold=fold)
                        for (fold, group), forecaster in zip(trained, fitted)], ignore_index=True)
    full, _ = daily(series, config.data.fill_gaps)
    some = parts[len(fold_periods), config.lags[0]]  # the last fold: the hold-out of one fold
    baselines = {name: evaluate_baselines(full, part.dates, part.y) for name, part in some.items()}
    configurations = _configurations(trials)
    if all(c["diverged"] for c in configurations):
        raise TrainingDiverged(
            f"every configuration diverged (its training loss became inf, NaN or exploded); "
            f"try smaller learning rates than {min(config.lrs):g}"
        )
    results = {
        **results_header("mae, in views"),
        "data": {"source": config.data.source, **describe(series), "fill_gaps": config.data.fill_gaps},
        "periods": {
            name: {**p.to_dict(), "days": len(some[name].y)}
            for name, p in zip(("train", "val"), fold_periods[-1])
        },
        "folds": [
            {name: {**p.to_dict(), "days": len(parts[fold, config.lags[0]][name].y)}
             for name, p in zip(("train", "val"), periods)}
            for fold, periods in enumerate(fold_periods, start=1)
        ],
        "grid": {"models": config.models, "lags": config.lags, "lrs": config.lrs, "batch_sizes": config.batch_sizes,
                 "seeds": config.train.seeds},
        "training": {name: getattr(config.train, name) for name in ("loss", "optimizer", "schedule", "n_epochs", "warmup_epochs")},
        "stacks": len(jobs),
        "workers": workers,
        "configurations": configurations,
        "best": configurations[0],
        "baselines": [
            {"label": f"baseline: {name}", **{p: {"mae": r[name].get("mae")} for p, r in baselines.items()}}
            for name in BASELINES
        ],
        "wall_time_s": round(time.perf_counter() - started, 2),
    }
    return SweepRun(trials, results)


def _hold_out(series, config: SweepConfig, dataset, split) -> tuple:
    """The one fold of a sweep without cross-validation: the last year of training held out."""
    held = selection_split(series, config.split, dataset, split)
    return held.train, held.val


def _trials(group: Group, forecaster: Forecaster, parts: dict) -> pd.DataFrame:
    """One row per model of the group: its configuration and its MAE on each period, in views."""
    diverged = forecaster.diverged_epoch_ > 0
    scores = {name: np.where(diverged, np.nan, evaluate_windows(forecaster, part)["mae"]) for name, part in parts.items()}
    lrs, seeds = zip(*group.members)
    return pd.DataFrame({
        "model": group.model,
        "lags": group.n_lags,
        "lr": lrs,
        "batch_size": group.batch_size,
        "seed": seeds,
        "train_mae": scores["train"],
        "val_mae": scores["val"],
        "diverged_at_epoch": forecaster.diverged_epoch_,  # 0: did not diverge
        "epochs": forecaster.n_epochs_run_,
        "stack_size": len(group.members),
        "stack_wall_time_s": round(forecaster.wall_time_s_, 3),
    })


CONFIGURATION = ["model", "lags", "lr", "batch_size"]


def _configurations(trials: pd.DataFrame) -> list[dict]:
    """Per configuration, the mean and spread over seeds; ranked by mean validation MAE.

    With folds, a seed's losses are first averaged over the folds, and each fold's mean
    over seeds is kept (`fold_val_mae`). A configuration with a diverged seed has no
    mean (None) and ranks last.
    """
    by_fold = {}  # configuration -> its folds' mean validation MAE, in fold order
    for (*configuration, _), v in trials.sort_values("fold").groupby([*CONFIGURATION, "fold"], sort=False)["val_mae"]:
        by_fold.setdefault(tuple(configuration), []).append(v.mean(skipna=False))
    trials = trials.groupby([*CONFIGURATION, "seed"], sort=False).agg(
        train_mae=("train_mae", lambda v: v.mean(skipna=False)), val_mae=("val_mae", lambda v: v.mean(skipna=False)),
        diverged_at_epoch=("diverged_at_epoch", "max"),
    ).reset_index()
    summary = trials.groupby(CONFIGURATION, sort=False).agg(
        train_mae=("train_mae", lambda v: v.mean(skipna=False)), val_mae=("val_mae", lambda v: v.mean(skipna=False)),
        val_std=("val_mae", lambda v: v.std(ddof=0, skipna=False)), seeds=("seed", "size"),
        diverged=("diverged_at_epoch", lambda e: int((e > 0).sum())),
    ).reset_index()
    summary = summary.sort_values("val_mae", kind="stable", na_position="last")
    rows = []
    for row in summary.itertuples(index=False):
        rows.append({
            "model": row.model, "lags": int(row.lags), "lr": float(row.lr), "batch_size": int(row.batch_size),
            **{name: _rounded(getattr(row, name)) for name in ("train_mae", "val_mae", "val_std")},
            "seeds": int(row.seeds), "diverged": row.diverged,
            "fold_val_mae": [_rounded(v) for v in by_fold[tuple(getattr(row, c) for c in CONFIGURATION)]],
        })
    return rows


def _rounded(value: float) -> float | None:
    return None if np.isnan(value) else round(float(value), 2)


FILES = ("results.csv", "results.json")
SWEEP_FOLDER = FolderKind("viewcast sweep folder", FILES, FILES)


def save_sweep(run: SweepRun, out: Path, force: bool = False) -> Path:
    """Write `results.csv` (one row per trained model) and `results.json`, whole or not at all."""
    writers = {
        "results.csv": lambda path: run.trials.to_csv(path, index=False, float_format="%.2f"),
        "results.json": lambda path: path.write_text(json.dumps(run.results, indent=2) + "\n"),
    }
    return write_folder(out, writers, SWEEP_FOLDER, force)


def is_sweep_folder(folder: Path) -> bool:
    return (Path(folder) / "results.csv").is_file()


def load_sweep(folder: Path) -> tuple[dict, pd.DataFrame]:
    """A sweep folder's `results.json` and `results.csv` (one row per trained model), read back."""
    folder = Path(folder)
    with files.damaged_folder(folder, "sweep folder", "run the sweep again"):
        results = files.read_json(folder / "results.json")
        files.field(results, "grid", dict, folder / "results.json")
        try:
            return results, pd.read_csv(io.StringIO(files.read_text(folder / "results.csv")))
        except (ValueError, pd.errors.ParserError) as err:
            raise DataError(f"{folder / 'results.csv'}: is not a readable CSV ({cut(str(err).strip(), 120)})") from None
