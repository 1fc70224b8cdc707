"""Optimizers side by side: the same model, from the same initial weights, five update rules.

    surface    y = b + w x₁ on MSE, views in thousands (so b and w share a scale and the
               valley is long and narrow: the lecture's "training stuck ≠ small gradient"),
               full batch, from one start; the lecture's rules by hand (`rules`), each at
               its own η, with a constant rate and with warm-up + cosine decay
    network    a net on the lecture's data (default relu:100 on 56 days, MAE, batch 32),
               one seed: the same initial weights and the same shuffles for every run;
               `torch.optim`'s rules (`optimize.OPTIMIZERS`), each at its own η, with a
               constant rate and with warm-up + cosine decay; the test loss is only measured

`run_optimizers` does both; `Race` is the same as an experiment of the lecture run
(`experiment.Experiment`): `jobs` gives the networks to train with other jobs, `results`
reads them and runs the surface part (`surface_race`), which is cheap.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from ..core.config import OPTIMIZER_NAMES, DataConfig, ModelConfig, SplitConfig, TrainConfig
from ..core.data import load_series
from ..core.features import Split, make_split, make_windows, require_examples
from ..core.forecaster import Forecaster, evaluate_windows
from ..core.i18n import N_
from ..core.optimize import make_scheduler, training_cost
from ..core.units import days
from ..engine.parallel import Job
from ..errors import ConfigError
from .experiment import run_experiments
from .rules import RULES
from .surface import Path, exact_optimum, loss_grid

UNIT = 1000.0  # the surface's views are in thousands: b and w of comparable size
SCHEDULES = {N_("constant"): ("constant", 0), N_("warm-up + cosine"): ("cosine", 0.1)}  # name: (schedule, share of warm-up)
NETWORK_LRS = {"sgd": 0.01, "momentum": 0.01, "adagrad": 0.01, "rmsprop": 0.001, "adam": 0.001}
SURFACE_LRS = {"sgd": 0.2, "momentum": 0.02, "adagrad": 0.1, "rmsprop": 0.05, "adam": 0.05}
SURFACE_UPDATES = 500
EARLY = 10  # the table shows the training loss after this many epochs, too
RACE = [(schedule, optimizer) for schedule in SCHEDULES for optimizer in OPTIMIZER_NAMES]  # the networks, in order


@dataclass
class OptimizersConfig:
    """The network, its training settings but the optimizer and rate, and each rule's rate."""

    spec: str = "relu:100"
    n_lags: int = 56
    n_epochs: int = 100
    batch_size: int = 32
    loss: str = "mae"
    seed: int = 0
    device: str = "auto"
    lrs: dict = dataclasses.field(default_factory=lambda: dict(NETWORK_LRS))
    surface_lrs: dict = dataclasses.field(default_factory=lambda: dict(SURFACE_LRS))
    surface_updates: int = SURFACE_UPDATES

    def __post_init__(self):
        self.lrs = learning_rates(self.lrs, NETWORK_LRS)
        ModelConfig(self.spec, self.n_lags)  # checks the spec and the lags before any data is read
        for optimizer in self.lrs:
            self.training(optimizer, "constant")  # and every training setting

    def training(self, optimizer: str, schedule: str) -> TrainConfig:
        name, warmup_share = SCHEDULES[schedule]
        return TrainConfig(loss=self.loss, optimizer=optimizer, lr=self.lrs[optimizer], n_epochs=self.n_epochs,
                           batch_size=self.batch_size, schedule=name, warmup_epochs=round(warmup_share * self.n_epochs),
                           n_seeds=1, seed=self.seed, device=self.device)


def learning_rates(given: dict, defaults: dict) -> dict:
    """`defaults` with the rates of `given` (optimizer name: η), every name checked."""
    unknown = [name for name in given if name not in OPTIMIZER_NAMES]
    if unknown:
        raise ConfigError(f"unknown optimizer {unknown[0]!r} in the learning rates; choose from {', '.join(OPTIMIZER_NAMES)}")
    return defaults | given


# -- the error surface ---------------------------------------------------------------


def rates(n_updates: int, lr: float, schedule: str) -> np.ndarray:
    """η at each update under `schedule` (`optimize.make_scheduler`, one update a step)."""
    name, warmup_share = SCHEDULES[schedule]
    config = TrainConfig(lr=lr, n_epochs=n_updates, schedule=name, warmup_epochs=round(warmup_share * n_updates))
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr)
    scheduler, values = make_scheduler(optimizer, config), []
    for _ in range(n_updates):
        values.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return np.array(values)


def walk(x: np.ndarray, y: np.ndarray, start: tuple[float, float], rule: str, lr: float, n_updates: int,
         schedule: str = "constant") -> Path:
    """The lecture's `rule` on y = b + w x₁ with MSE, full batch, from `start` = (w⁰, b⁰) in views.

    The parameters are (w, b / UNIT) and the loss that of views in thousands; the path
    is reported in views (b) and views² (MSE), to be drawn on the surface.
    """
    X = torch.tensor(np.asarray(x, float) / UNIT)
    Y = torch.tensor(np.asarray(y, float) / UNIT)
    theta = np.array([start[0], start[1] / UNIT])
    state, etas = RULES[rule](), rates(n_updates, lr, schedule)
    ws, bs, losses = [theta[0]], [theta[1] * UNIT], []
    diverged_at = None
    for update in range(n_updates + 1):
        t = torch.tensor(theta, requires_grad=True)
        loss = ((Y - (t[1] + t[0] * X)) ** 2).mean()
        losses.append(loss.item() * UNIT**2)
        if not np.isfinite(losses[-1]) or losses[-1] > 1e3 * losses[0]:
            diverged_at = update
            break
        if update == n_updates:
            break
        (g,) = torch.autograd.grad(loss, t)
        theta = state.step(theta, g.numpy(), etas[update])
        ws.append(theta[0])
        bs.append(theta[1] * UNIT)
    n = len(losses)
    return Path(lr, 0, 1, np.arange(n), np.array(ws[:n]), np.array(bs[:n]), np.array(losses), diverged_at,
                name=f"{rule}, η = {lr:g}")


def surface_race(x: np.ndarray, y: np.ndarray, lrs: dict, n_updates: int, n_w: int = 121, n_b: int = 121) -> dict:
    """Every rule from one start, per schedule, and the MSE surface they walk on (JSON-able)."""
    w_star, b_star, best = exact_optimum(x, y, "mse")
    level = float(np.mean(x))
    start = (round(w_star - 0.6, 2), float(round(b_star - 0.6 * level, -1)))  # across the valley, not along it
    w = np.linspace(w_star - 0.8, w_star + 0.8, n_w)
    b = np.linspace(b_star - 0.9 * level, b_star + 0.9 * level, n_b)
    paths = {schedule: [walk(x, y, start, rule, lrs[rule], n_updates, schedule) for rule in RULES] for schedule in SCHEDULES}
    return {
        "unit": UNIT,
        "n_examples": len(y),
        "w": w.tolist(),
        "b": b.tolist(),
        "grid": loss_grid(x, y, w, b, "mse").tolist(),
        "exact": [w_star, b_star, best],
        "start": list(start),
        "paths": {schedule: [p.to_dict() for p in group] for schedule, group in paths.items()},
        "table": [_surface_row(p, schedule, best) for schedule, group in paths.items() for p in group],
    }


def _surface_row(path: Path, schedule: str, best: float) -> dict:
    within = np.nonzero(path.loss <= 1.01 * best)[0]
    return {
        "rule": path.name.split(",")[0],
        "schedule": schedule,
        "lr": path.lr,
        "final_mse": float(path.loss[-1]),
        "above_minimum_percent": float(100 * (path.loss[-1] / best - 1)),
        "updates_to_1_percent": int(path.updates[within[0]]) if len(within) else None,
        "diverged_at": path.diverged_at,
    }


# -- the network -----------------------------------------------------------------------


def plan(config: OptimizersConfig, series: pd.Series, split: Split, fill_gaps: bool = False) -> list[tuple[Forecaster, dict]]:
    """Every (optimizer, schedule) network, unfitted, with its examples: fit each on
    `parts["train"]` measuring `parts["test"]` every epoch, then call `results`."""
    windows = make_windows(series, config.n_lags, fill_gaps)
    parts = {"train": windows.select(split.train)[0], "test": windows.select(split.test)[0]}
    return [
        (Forecaster(config.spec, config.n_lags, config.training(optimizer, schedule), fill_gaps=fill_gaps), parts)
        for schedule, optimizer in RACE
    ]


def results(config: OptimizersConfig, fitted: list[Forecaster], parts: dict, surface: dict) -> dict:
    """The JSON-able results: per network its curves and losses (MAE in views), and the surface."""
    runs = []
    for forecaster, (schedule, optimizer) in zip(fitted, RACE):
        history = forecaster.history_
        runs.append({
            "optimizer": optimizer,
            "schedule": schedule,
            "lr": config.lrs[optimizer],
            "warmup_epochs": forecaster.training.warmup_epochs,
            "curves": {"epoch": history["epoch"].tolist(), "train_loss": history["train_loss"].round(3).tolist(),
                       "test_loss": history["val_loss"].round(3).tolist()},
            **{name: float(evaluate_windows(forecaster, part)["mae"][0]) for name, part in parts.items()},
            "train_loss_early": float(history["train_loss"].iloc[min(EARLY, len(history)) - 1]),  # how fast it starts
        })
    return {
        "model": f"{config.spec} on {days(config.n_lags)}",
        "settings": {name: getattr(config, name) for name in ("spec", "n_lags", "n_epochs", "batch_size", "loss", "seed")},
        "examples": {name: len(part.y) for name, part in parts.items()},
        "networks": runs,
        "surface": surface,
    }


def jobs(config: OptimizersConfig, series: pd.Series, split: Split, fill_gaps: bool = False) -> tuple[list[Job], dict]:
    """The networks as `parallel.Job`s (to run with other jobs, as the lecture does), and their examples."""
    fits = plan(config, series, split, fill_gaps)
    parts = fits[0][1]
    for name, period in (("train", split.train), ("test", split.test)):
        require_examples(len(parts[name].y), name, period, f"target days with {days(config.n_lags)} before them",
                         "give more data, other dates, or a smaller --lags")
    out = []
    for (forecaster, _), (schedule, optimizer) in zip(fits, RACE):
        training = forecaster.training
        cost = training_cost(config.spec, config.n_lags, len(parts["train"].y), training)
        label = f"{optimizer} ({schedule})"
        out.append(Job(Forecaster.fit_windows, (forecaster, parts["train"], parts["test"]), cost, training.n_epochs, label))
    return out, parts


class Race:
    """Both races as an experiment of the lecture run: the networks as jobs, then `results`."""

    def __init__(self, config: OptimizersConfig, series: pd.Series, split: Split, fill_gaps: bool = False):
        self.config = config
        self.network_jobs, self.parts = jobs(config, series, split, fill_gaps)
        self.one_day = make_windows(series, 1, fill_gaps).select(split.train)[0]  # the surface's examples (x₁, y)

    def jobs(self) -> list[Job]:
        return self.network_jobs

    def results(self, fitted: list[Forecaster]) -> dict:
        surface = surface_race(self.one_day.X[:, 0], self.one_day.y, self.config.surface_lrs, self.config.surface_updates)
        return results(self.config, fitted, self.parts, surface)


def run_optimizers(config: OptimizersConfig, data: DataConfig, split_config: SplitConfig, workers: int | None = 1,
                   progress: bool = False) -> dict:
    """Both races on the data's training period (test: measured only); see `results`."""
    series, dataset = load_series(data)
    race = Race(config, series, make_split(series, split_config, dataset), data.fill_gaps)
    return run_experiments({"optimizers": race}, workers, config.device, progress, desc="optimizers")["optimizers"]


def table(results: dict) -> pd.DataFrame:
    """One row per network: the optimizer, the schedule, η, and the losses (MAE in views)."""
    return pd.DataFrame([
        {"optimizer": r["optimizer"], "schedule": r["schedule"], "lr": r["lr"], "warmup_epochs": r["warmup_epochs"],
         "train_mae": round(r["train"], 2), "test_mae": round(r["test"], 2),
         f"train_loss_epoch_{EARLY}": r["train_loss_early"]}
        for r in results["networks"]
    ])


