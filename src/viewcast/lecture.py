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
lecture's general guide (`diagnosis`) reads the rows pairwise.
"""

from __future__ import annotations

import dataclasses
import json
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

from . import classify, mismatch, optimizers, report
from .baselines import BASELINES, evaluate_baselines
from .config import DataConfig, SplitConfig, TrainConfig
from .data import describe
from .diagnosis import OPTIMIZATION_FAILURE, Loss, compare
from .display import days, lecture_tables
from .errors import ConfigError, DataError, TrainingDiverged
from .features import Period, Windows, daily, make_split, make_windows, require_examples, shared_days
from .folders import FolderKind, write_folder
from .forecaster import Forecaster, evaluate_windows
from .metrics import over_seeds
from .parallel import Job, run_jobs, training_cost, usable_workers
from .runs import load_series
from .selection import pick, selection_split
from .surface import study

LECTURE_TRAINING = TrainConfig(
    loss="mae", optimizer="adam", lr=1e-3, n_epochs=200, batch_size=32, schedule="cosine", n_seeds=5
)
"""The hyperparameters of every model in every table: Adam, η = 0.001 annealed to 0 by a
cosine schedule, mini-batches of 32, 200 epochs, the lecture's MAE."""

QUICK = {"n_epochs": 20, "n_seeds": 2}
"""`--quick`: the same tables with fewer epochs and seeds, to see the whole run in seconds."""

STILL_FALLING = 0.05
"""A row whose training loss fell by more than this fraction over the second half of its
training is still learning when training ends: more epochs would lower it further."""


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
    """The data, its split (test: the year after training, by default), the training settings
    shared by every model (`lecture_training`), which tables to run, and how many worker
    processes train them (`parallel.run_jobs`; the results are the same to float rounding)."""

    data: DataConfig = dataclasses.field(default_factory=DataConfig)
    split: SplitConfig = dataclasses.field(default_factory=SplitConfig)
    train: TrainConfig = dataclasses.field(default_factory=lecture_training)
    tables: tuple[str, ...] = TABLE_KEYS
    workers: int = 1  # processes that train side by side (1: all here, in this process)

    def __post_init__(self):
        if self.workers < 1:
            raise ConfigError(f"workers must be at least 1; got {self.workers}")
        unknown = [key for key in self.tables if key not in TABLE_KEYS]
        if unknown or not self.tables:
            raise ConfigError(f"unknown table {', '.join(unknown) or '(none)'}; choose from {', '.join(TABLE_KEYS)}")

    @property
    def chosen(self) -> tuple[Table, ...]:
        return tuple(table for table in TABLES if table.key in self.tables)


def _key(phase: str, row: Row, shared: bool) -> tuple:
    return (phase, row.spec, row.n_lags, shared)


@dataclass(frozen=True)
class Fit:
    """One stack of seeds to train: a row's model on the examples of one phase.

    phase "test": trained on the whole training period, scored on training and test days;
    phase "selection": trained without the held-out end, scored on training and validation days.
    `left_out`: per period, the target days not used because a day they need is missing.
    """

    phase: str
    row: Row
    shared: bool
    scored: dict[str, Windows]  # {"train": ..., "test" or "val": ...}
    left_out: dict[str, int]

    @property
    def key(self) -> tuple:
        return _key(self.phase, self.row, self.shared)


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
    fits = _plan(series, config.data.fill_gaps, config.chosen, phases)
    one_day = make_windows(series, 1, config.data.fill_gaps).select(split.train)[0]
    surface = study(one_day.X[:, 0], one_day.y)
    race = optimizers.OptimizersConfig(n_epochs=min(config.train.n_epochs, 100), seed=config.train.seed, device=config.train.device)
    race_jobs, race_parts = optimizers.jobs(race, series, split, config.data.fill_gaps)
    results, curves, predictions, changed_world, race_fitted = _train_all(fits, config, progress, race_jobs)
    race_surface = optimizers.surface_race(one_day.X[:, 0], one_day.y, race.surface_lrs, race.surface_updates)
    race_results = optimizers.results(race, race_fitted, race_parts, race_surface)

    full, n_missing = daily(series, config.data.fill_gaps)
    hyperparameters = _hyperparameters(config.train)
    tables = {table.key: _table(table, fits, results, full, phases["test"], hyperparameters) for table in config.chosen}
    periods = {name: _period(p) for name, p in phases["test"].items()}
    if selecting:
        periods |= {"selection_train": _period(selection.train), "validation": _period(selection.val)}
    train = config.train
    results = {
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
        "short_run": train.n_epochs < LECTURE_TRAINING.n_epochs or train.n_seeds < LECTURE_TRAINING.n_seeds,
        "seeds": train.seeds,
        "training": hyperparameters,
        "still_falling": STILL_FALLING,
        "tables": tables,
        "selection": _selection(fits, results, full, phases["selection"]) if selecting else None,
        "mismatch": {key: changed_world[key] for key in ("dataset", "periods")} if changed_world else None,
        "wall_time_s": round(time.perf_counter() - started, 2),
    }
    classification = classify.run_classification(series, split, seed=config.train.seed)
    return LectureRun(results, curves, predictions, surface, changed_world, race_results, classification)


# -- what to train -------------------------------------------------------------


def _plan(series: pd.Series, fill_gaps: bool, tables: tuple[Table, ...], phases: dict) -> dict[tuple, Fit]:
    """Every stack to train, once each (a row in two tables is trained once), on its target days.

    The one-day table uses the days whose yesterday and 7 days before are known (so both
    baselines score the same days); the other tables use the days every window of `LAGS`
    reaches, whichever tables are chosen.
    """
    kinds = {table.shared_days for table in tables}
    longest = {False: 7, True: max(LAGS)}
    lags = {row.n_lags for table in tables for row in table.rows} | {longest[shared] for shared in kinds}
    lags |= set(LAGS) if True in kinds else set()
    n_days = len(daily(series)[0])
    if n_days <= max(lags):
        raise DataError(
            f"the series has {n_days:,} days, too few for the lecture's {max(lags)}-day windows "
            "plus a test period; give more data"
        )
    windows = {n: make_windows(series, n, fill_gaps) for n in sorted(lags)}
    target_days = {}
    if False in kinds:
        target_days[False] = _baseline_days(windows[1], daily(series, fill_gaps)[0])
    if True in kinds:
        target_days[True] = shared_days([windows[n] for n in LAGS])
    fits = {}
    for phase, periods in phases.items():
        for table in tables:
            if phase == "selection" and not table.shared_days:
                continue
            for row in table.rows:
                fit = _fit(phase, row, table.shared_days, windows, target_days, longest, periods)
                fits.setdefault(fit.key, fit)
    return fits


def _baseline_days(windows: Windows, full: pd.Series) -> pd.DatetimeIndex:
    """The target days of `windows` on which every baseline's input is known too."""
    dates = windows.dates[windows.complete]
    for lag in BASELINES.values():
        dates = dates[full.reindex(dates - pd.Timedelta(days=lag)).notna().to_numpy()]
    return dates


def _fit(phase, row, shared, windows, target_days, longest, periods) -> Fit:
    """A row's examples in each period, restricted to its table's target days; checked."""
    what = (
        f"target days that every window up to {max(LAGS)} days reaches"
        if shared
        else "target days whose yesterday and 7 days before are known"
    )
    advice = "the series is too short or has too many missing days for the lecture's tables: give more data, other dates, or --fill-gaps"
    scored, left_out = {}, {}
    for name, period in periods.items():
        scored[name] = windows[row.n_lags].select(period)[0].on(target_days[shared])
        reachable, n_left = windows[longest[shared]].select(period)  # the days a full window fits in the data
        left_out[name] = len(reachable.y) + n_left - len(scored[name].y)
        require_examples(len(scored[name].y), name, period, what, advice, "model-selection " if phase == "selection" else "")
    return Fit(phase, row, shared, scored, left_out)


# -- training ------------------------------------------------------------------


def _train_all(fits: dict[tuple, Fit], config: LectureConfig, progress: bool, extra_jobs: list[Job] = ()):
    """Train every fit, the mismatch experiment's models and `extra_jobs`, as jobs of
    `parallel.run_jobs` (the path `viewcast sweep` takes), with one progress bar over the whole run.

    Returns each fit's scores by key, the loss curves, the predictions, the mismatch results,
    and what the extra jobs returned.
    """
    train = dataclasses.replace(config.train, patience=None)  # the scored period is only measured: nothing stops on it
    jobs = []
    for fit in fits.values():
        forecaster = Forecaster(fit.row.spec, fit.row.n_lags, train, fill_gaps=config.data.fill_gaps)
        scored = fit.scored["val" if fit.phase == "selection" else "test"]  # measured each epoch, never used
        label = f"{fit.row.label} ({'selection' if fit.phase == 'selection' else 'tables'})"
        cost = training_cost(fit.row.spec, fit.row.n_lags, len(fit.scored["train"].y), train)
        jobs.append(Job(Forecaster.fit_windows, (forecaster, fit.scored["train"], scored), cost, train.n_epochs, label))
    changed_world = mismatch.plan(train)
    for forecaster, parts in changed_world:
        cost = training_cost(forecaster.model, forecaster.n_lags, len(parts["train"].y), train)
        label = f"mismatch on {mismatch.DATASET}"
        jobs.append(Job(_fit_or_diverge, (forecaster, parts["train"], parts["test"]), cost, train.n_epochs, label))
    n_own = len(jobs)
    jobs += list(extra_jobs)
    fitted = run_jobs(jobs, usable_workers(config.workers, len(jobs), train.device), progress, desc="lecture")
    fitted, extra = fitted[:n_own], fitted[n_own:]

    results, curves, predictions = {}, [], []
    for (key, fit), forecaster in zip(fits.items(), fitted):
        results[key] = _score(forecaster, fit)
        curves.append(_curves(forecaster, fit))
        if fit.phase == "test":
            predictions.append(_predictions(forecaster, fit))
    fitted_world = fitted[len(fits):]
    diverged = [error for error in fitted_world if isinstance(error, TrainingDiverged)]
    if diverged:  # the user's settings may not suit the pedestrians series
        tqdm.write(f"viewcast: the mismatch experiment was skipped: {diverged[0]}")
        world = None
    else:
        world = mismatch.results([(forecaster, parts) for forecaster, (_, parts) in zip(fitted_world, changed_world)])
    return results, pd.concat(curves, ignore_index=True), pd.concat(predictions, ignore_index=True), world, extra


def _fit_or_diverge(forecaster: Forecaster, train: Windows, test: Windows, on_epoch) -> Forecaster | TrainingDiverged:
    """Fit, or return the divergence (the mismatch experiment is skipped, not the lecture)."""
    try:
        return forecaster.fit_windows(train, test, on_epoch=on_epoch)
    except TrainingDiverged as err:
        return err


def _curves(forecaster: Forecaster, fit: Fit) -> pd.DataFrame:
    """The fit's loss per seed and epoch, in views: train_loss, and val_loss or test_loss."""
    frame = forecaster.history_.rename(columns={"val_loss": "val_loss" if fit.phase == "selection" else "test_loss"})
    identity = {"phase": fit.phase, "label": fit.row.label, "same_days": fit.shared}
    return frame.assign(**identity)[[*identity, *frame.columns]]


def _predictions(forecaster: Forecaster, fit: Fit) -> pd.DataFrame:
    """The real views and the mean prediction over seeds, on every day the fit is scored on."""
    frames = []
    for period, part in fit.scored.items():
        frames.append(pd.DataFrame({
            "label": fit.row.label,
            "same_days": fit.shared,
            "period": period,
            "date": part.dates,
            "views": part.y,
            "predicted": forecaster.predict_windows(part.X).mean(axis=0).round(1),
        }))
    return pd.concat(frames, ignore_index=True)


def _score(forecaster: Forecaster, fit: Fit) -> dict:
    """MAE per seed on each scored period, how training ended, and b, w for a linear model."""
    last_epoch = forecaster.training_improvement(1)
    second_half = forecaster.training_improvement(forecaster.n_epochs_run_ // 2)
    result = {
        "spec": fit.row.spec,
        "n_lags": fit.row.n_lags,
        "n_parameters": forecaster.model_.spec.n_parameters(fit.row.n_lags),
        **{name: over_seeds(evaluate_windows(forecaster, part)["mae"]) for name, part in fit.scored.items()},
        "training": {
            "epochs": forecaster.n_epochs_run_,
            "final_epoch_improvement": None if None in last_epoch else over_seeds(last_epoch),
            "second_half_improvement": None if None in second_half else over_seeds(second_half),
            "still_falling": None not in second_half and over_seeds(second_half)["mean"] > STILL_FALLING,
            "wall_time_s": round(forecaster.wall_time_s_, 3),
        },
    }
    if forecaster.model_.spec.is_linear:
        result["intercept"] = over_seeds(forecaster.intercept_)
        result["coef"] = [over_seeds(w_j) for w_j in forecaster.coef_.T]
    return result


# -- the tables ----------------------------------------------------------------


def _table(table: Table, fits, results, full: pd.Series, periods: dict, hyperparameters: dict) -> dict:
    """One table: its rows (with the lecture's numbers), the baselines on the same target days,
    and the diagnosis along its chains."""
    rows = []
    for row in table.rows:
        result = dict(results[_key("test", row, table.shared_days)], label=row.label)
        result["lecture"] = dict(zip(("train", "test"), row.lecture)) if row.lecture else None
        rows.append(result)
    first = fits[_key("test", table.rows[0], table.shared_days)]
    result = {
        "title": table.title,
        "same_days": table.shared_days,
        "target_days": _days_info(first, periods),
        "rows": rows,
        "baselines": _baselines(full, first.scored),
        "diagnosis": [verdict.to_dict() for chain in table.chains for verdict in _diagnose(chain, rows)],
        "training": hyperparameters,
        "wall_time_s": round(sum(r["training"]["wall_time_s"] for r in rows), 2),
    }
    if table.key == "one_day":
        result["function"] = {"w": rows[0]["coef"][0], "b": rows[0]["intercept"], "lecture": LECTURE_ONE_DAY}
    if table.key == "lags":
        seven = next(r for r in rows if r["n_lags"] == 7)
        result["weights_7"] = {"w": seven["coef"], "b": seven["intercept"], "lecture": LECTURE_WEIGHTS_7}
    return result


def _diagnose(chain: tuple[int, ...], rows: list[dict]) -> list:
    """Each row against the one before it in the chain, and against any smaller row it is
    worse than on training data (an optimization failure may skip a row in between)."""
    verdicts = []
    for position, j in enumerate(chain[1:], start=1):
        for i in chain[:position]:
            a, b = rows[i], rows[j]
            train = (Loss.of(a["train"]), Loss.of(b["train"]))
            verdict = compare(a["label"], b["label"], train, (Loss.of(a["test"]), Loss.of(b["test"])))
            if i == chain[position - 1] or verdict.kind == OPTIMIZATION_FAILURE:
                verdicts.append(verdict)
    return verdicts


def _baselines(full: pd.Series, scored: dict[str, Windows]) -> list[dict]:
    """MAE of each baseline on the same target days as the models, per period."""
    per_period = {name: evaluate_baselines(full, part.dates, part.y) for name, part in scored.items()}
    return [
        {"label": f"baseline: {name}", **{p: {"mae": r[name].get("mae"), "days": r[name]["days"]} for p, r in per_period.items()}}
        for name in BASELINES
    ]


def _days_info(fit: Fit, periods: dict[str, Period]) -> dict:
    """Per period: its dates, the target days used, and the days left out for missing days."""
    return {
        name: {**_period(periods[name]), "days": len(part.y), "left_out": fit.left_out[name]}
        for name, part in fit.scored.items()
    }


def _period(period: Period) -> dict:
    return {"start": str(period.start.date()), "end": str(period.end.date())}


def _hyperparameters(train: TrainConfig) -> dict:
    names = ("loss", "optimizer", "lr", "schedule", "batch_size", "n_epochs", "warmup_epochs", "n_seeds", "seed")
    return {name: getattr(train, name) for name in names}


def _selection(fits, results, full: pd.Series, periods: dict) -> dict:
    """Model selection among the tables' models and the baselines (see `selection.pick`).

    A candidate's test loss is that of the same model trained on the whole training period
    (the one you would use), from the tables.
    """
    candidates, test_loss = [], {}
    selection_fits = [fit for fit in fits.values() if fit.phase == "selection"]
    for fit in selection_fits:
        result = results[fit.key]
        candidates.append({"label": fit.row.label, "train": result["train"], "val": result["val"]})
        test_loss[fit.row.label] = results[_key("test", fit.row, fit.shared)]["test"]
    twin = fits[_key("test", selection_fits[0].row, True)]  # the same kind of days in the test period
    for chosen, tested in zip(_baselines(full, selection_fits[0].scored), _baselines(full, twin.scored)):
        candidates.append({"label": chosen["label"], "train": {"mean": chosen["train"]["mae"]}, "val": {"mean": chosen["val"]["mae"]}})
        test_loss[chosen["label"]] = {"mean": tested["test"]["mae"]}
    return {"target_days": _days_info(selection_fits[0], periods), **pick(candidates, test_loss)}


# -- the lecture folder --------------------------------------------------------

FILES = ("results.json", "tables.md", "curves.csv", "predictions.csv", "surface.json", "mismatch.json", "optimizers.json",
         "classification.json", "report.html")
LECTURE_FOLDER = FolderKind("viewcast lecture folder", FILES, ("results.json",))


def save_lecture(run: LectureRun, out: Path, force: bool = False) -> Path:
    """Write the lecture folder `out`, whole or not at all: the results, the tables, what the
    pictures need, and `report.html`, made from the files just written (as `viewcast report` would)."""
    writers = {
        "results.json": lambda path: _write_json(path, run.results, indent=2),
        "tables.md": lambda path: path.write_text(lecture_tables(run.results, markdown=True)),
        "curves.csv": lambda path: run.curves.to_csv(path, index=False, float_format="%.2f"),
        "predictions.csv": lambda path: run.predictions.to_csv(path, index=False),
        "surface.json": lambda path: _write_json(path, run.surface),
        **({"mismatch.json": lambda path: _write_json(path, run.mismatch, indent=1)} if run.mismatch else {}),
        **({"optimizers.json": lambda path: _write_json(path, run.optimizers)} if run.optimizers else {}),
        **({"classification.json": lambda path: _write_json(path, run.classification)} if run.classification else {}),
        "report.html": lambda path: path.write_text(report.build(load_lecture(path.parent))[0]),
    }
    return write_folder(out, writers, LECTURE_FOLDER, force)


def load_lecture(folder: Path) -> LectureRun:
    """Read a lecture folder back. A folder written before the pictures existed has only
    `results.json` (and `tables.md`): the other parts are then None."""
    folder = Path(folder)
    if not (folder / "results.json").is_file():
        raise DataError(f"{folder} is not a viewcast lecture folder (no results.json); run `viewcast lecture --out {folder}` first")
    try:
        results = json.loads((folder / "results.json").read_text())
        curves = _read_csv(folder / "curves.csv")
        predictions = _read_csv(folder / "predictions.csv", parse_dates=["date"])
        surface, changed_world, race, classification = (
            _read_json(folder / name) for name in ("surface.json", "mismatch.json", "optimizers.json", "classification.json"))
        if not isinstance(results, dict) or "tables" not in results:
            raise ValueError("results.json has no tables")
    except (ValueError, KeyError, OSError) as err:
        detail = str(err).strip().splitlines()[0][:200] if str(err).strip() else type(err).__name__
        raise DataError(f"{folder} is a damaged lecture folder ({detail}); run `viewcast lecture` again") from None
    return LectureRun(results, curves, predictions, surface, changed_world, race, classification)


def _write_json(path: Path, value: dict, indent: int | None = None) -> None:
    path.write_text(json.dumps(value, indent=indent) + "\n")


def _read_json(path: Path) -> dict | None:
    return json.loads(path.read_text()) if path.exists() else None


def _read_csv(path: Path, **options) -> pd.DataFrame | None:
    return pd.read_csv(path, **options) if path.exists() else None
