"""The lecture's tables: their rows and the lecture's own numbers, what each row trains on, and
how the trained rows become a table (scores, baselines on the same days, the diagnosis) and
the model selection.

Every stack is a `Fit`: a row's model on the examples of one phase ("test": trained on the
training period, scored on training and test days; "selection": trained without the held-out
end, scored on training and validation days). `Tables` is the experiment that trains them
(`experiment.Experiment`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..core.baselines import BASELINES, baseline_days, evaluate_baselines
from ..core.config import TrainConfig
from ..core.features import Period, Windows, daily, make_windows, require_examples, shared_days
from ..core.forecaster import Forecaster, evaluate_windows
from ..core.i18n import N_
from ..core.metrics import over_seeds
from ..core.optimize import training_cost
from ..core.selection import pick
from ..core.units import days
from ..engine.parallel import Job
from ..errors import DataError
from .guide import OPTIMIZATION_FAILURE, Loss, compare

STILL_FALLING = 0.05
"""A row whose training loss fell by more than this fraction over the second half of its
training is still learning when training ends: more epochs would lower it further."""


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
    Table("one_day", N_("One day, linear: y = b + w x₁"), (Row("linear", 1, (480, 580)),), (), shared_days=False),
    Table(
        "lags",
        N_("More days, linear: y = b + Σ w_j x_j"),
        tuple(Row("linear", n, ref) for n, ref in zip(LAGS, [(480, 580), (380, 490), (330, 460), (320, 460)])),
        ((0, 1, 2, 3),),
    ),
    Table(
        "width",
        N_("Width: one hidden layer on 56 days, y = b + cᵀσ(b + W x)"),
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
        N_("Depth: layers of 100 ReLU on 56 days"),
        tuple(
            Row("relu:100" + (f"x{n}" if n > 1 else ""), 56, ref)
            for n, ref in zip((1, 2, 3, 4), [(280, 430), (180, 390), (140, 380), (100, 440)])
        ),
        ((0, 1, 2, 3),),
    ),
)


TABLE_KEYS = tuple(table.key for table in TABLES)


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


def plan(series: pd.Series, fill_gaps: bool, tables: tuple[Table, ...], phases: dict) -> dict[tuple, Fit]:
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
        target_days[False] = baseline_days(daily(series, fill_gaps)[0], windows[1].dates[windows[1].complete])
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


class Tables:
    """The tables' fits as an experiment: one job per fit, and per fit its scores (by key), with
    every fit's loss curves and the test phase's predictions."""

    def __init__(self, fits: dict[tuple, Fit], train: TrainConfig, fill_gaps: bool = False):
        self.fits, self.train, self.fill_gaps = fits, train, fill_gaps

    def jobs(self) -> list[Job]:
        jobs = []
        for fit in self.fits.values():
            forecaster = Forecaster(fit.row.spec, fit.row.n_lags, self.train, fill_gaps=self.fill_gaps)
            scored = fit.scored["val" if fit.phase == "selection" else "test"]  # measured each epoch, never used
            label = f"{fit.row.label} ({'selection' if fit.phase == 'selection' else 'tables'})"
            cost = training_cost(fit.row.spec, fit.row.n_lags, len(fit.scored["train"].y), self.train)
            jobs.append(Job(Forecaster.fit_windows, (forecaster, fit.scored["train"], scored), cost, self.train.n_epochs, label))
        return jobs

    def results(self, fitted: list[Forecaster]) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
        scores, curves, predictions = {}, [], []
        for (key, fit), forecaster in zip(self.fits.items(), fitted):
            scores[key] = _score(forecaster, fit)
            curves.append(_curves(forecaster, fit))
            if fit.phase == "test":
                predictions.append(_predictions(forecaster, fit))
        return scores, pd.concat(curves, ignore_index=True), pd.concat(predictions, ignore_index=True)


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


def table(table: Table, fits, results, full: pd.Series, periods: dict, hyperparameters: dict) -> dict:
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
        name: {**periods[name].to_dict(), "days": len(part.y), "left_out": fit.left_out[name]}
        for name, part in fit.scored.items()
    }


def hyperparameters(train: TrainConfig) -> dict:
    names = ("loss", "optimizer", "lr", "schedule", "batch_size", "n_epochs", "warmup_epochs", "n_seeds", "seed")
    return {name: getattr(train, name) for name in names}


def selection(fits, results, full: pd.Series, periods: dict) -> dict:
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
