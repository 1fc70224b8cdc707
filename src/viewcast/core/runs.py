"""A run: train a model from a `RunConfig`, measure it, and keep it in a folder.

A run folder holds:

    config.json    the RunConfig: everything needed to repeat the run
    model.pt       the learned weights and scaler, tensors and numbers only
                   (read back with torch.load(weights_only=True): no code runs)
    history.csv    per epoch and seed: training (and validation) loss in views
    metrics.json   losses per period and seed, baselines, left-out examples, timing

A folder is written whole or not at all, and an existing one is replaced only when
asked (`force`), and only if it is a run folder itself (see `folders`).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

import pandas as pd
import torch

from ..engine.folders import FolderKind, write_folder
from ..errors import DataError
from .baselines import evaluate_baselines
from .config import RunConfig
from .data import describe, load_series
from .features import Split, Windows, daily, make_split, make_windows, split_windows
from .forecaster import Forecaster, evaluate_windows
from .metrics import evaluate, over_seeds
from .optimize import least_squares

FILES = ("config.json", "model.pt", "history.csv", "metrics.json")


@dataclass
class Run:
    """A trained run: its config, the fitted forecaster, and what was measured."""

    config: RunConfig
    forecaster: Forecaster
    metrics: dict


def train_run(config: RunConfig, progress: bool = False) -> Run:
    """Load the data, split it by dates, fit the forecaster, and measure it on every period."""
    started = time.perf_counter()
    series, dataset = load_series(config.data)
    split = make_split(series, config.split, dataset)
    windows = make_windows(series, config.model.n_lags, config.data.fill_gaps)
    parts, left_out = split_windows(windows, split)
    forecaster = Forecaster.from_config(config).fit_windows(parts["train"], parts.get("val"), progress=progress)
    metrics = measure(forecaster, series, split, parts, left_out, config)
    metrics["training"]["wall_time_s"] = round(time.perf_counter() - started, 3)
    return Run(config, forecaster, metrics)


def measure(forecaster, series, split: Split, parts: dict[str, Windows], left_out, config) -> dict:
    """Everything a reader needs to judge the run, as plain JSON-able values (losses in views)."""
    full, n_missing = daily(series, config.data.fill_gaps)
    metrics = {
        "data": {
            "source": config.data.source,
            **describe(series),
            "filled_days": n_missing if config.data.fill_gaps else 0,
        },
        "periods": {
            name: {
                **period.to_dict(),
                "examples": len(parts[name].y),
                "left_out": left_out[name],
            }
            for name, period in split.periods().items()
        },
        "model": {
            "spec": config.model.spec,
            "n_lags": config.model.n_lags,
            "n_parameters": forecaster.model_.spec.n_parameters(config.model.n_lags),
        },
        "training": {
            "loss": config.train.loss,
            "device": str(forecaster.device_),
            "epochs_run": forecaster.n_epochs_run_,
            "best_epoch": forecaster.best_epoch_.tolist(),
            "final_epoch_improvement": forecaster.training_improvement(1),
        },
        "seeds": list(forecaster.seeds_),
        "losses": {
            name: {metric: over_seeds(values) for metric, values in evaluate_windows(forecaster, part).items()}
            for name, part in parts.items()
        },
        "baselines": {
            name: evaluate_baselines(full, part.dates, part.y) for name, part in parts.items()
        },
    }
    if forecaster.model_.spec.is_linear and (config.model.inputs, config.model.weekday) == ("plain", False):
        metrics["linear"] = _linear_report(forecaster, parts, config.train.loss, metrics["losses"])
    return metrics


def _linear_report(forecaster, parts, loss_name: str, losses: dict) -> dict:
    """The learned b and w in views, and the exact least-squares fit as a reference."""
    w_ls, b_ls = least_squares(parts["train"].X, parts["train"].y)
    exact = {
        name: evaluate(part.y, part.X @ w_ls + b_ls) for name, part in parts.items()
    }
    report = {
        "intercept": forecaster.intercept_.tolist(),
        "coef": forecaster.coef_.tolist(),
        "least_squares": {"intercept": b_ls, "coef": w_ls.tolist(), "losses": exact},
    }
    if loss_name == "mse":
        gd, best = losses["train"]["mse"]["mean"], exact["train"]["mse"]
        report["least_squares"]["gd_train_mse_gap_percent"] = 100 * (gd - best) / best
    return report


# -- the run folder ------------------------------------------------------------

RUN_FOLDER = FolderKind("viewcast run folder", FILES, ("config.json", "model.pt"))


def save_run(run: Run, out: Path, force: bool = False) -> Path:
    """Write the run folder `out` (see the module docstring), whole or not at all; returns its path."""
    writers = {
        "config.json": run.config.save,
        "model.pt": lambda path: torch.save(run.forecaster.state(), path),
        "history.csv": lambda path: run.forecaster.history_.to_csv(path, index=False),
        "metrics.json": lambda path: path.write_text(json.dumps(run.metrics, indent=2) + "\n"),
    }
    return write_folder(out, writers, RUN_FOLDER, force)


def load_run(folder: Path) -> Run:
    """Read a run folder back: config, fitted forecaster (on the CPU) and metrics."""
    folder = Path(folder)
    missing = [name for name in FILES if not (folder / name).exists()]
    if missing:
        raise DataError(f"{folder} is not a complete viewcast run folder (missing {', '.join(missing)})")
    try:
        config = RunConfig.load(folder / "config.json")
        state = torch.load(folder / "model.pt", map_location="cpu", weights_only=True)
        forecaster = Forecaster.from_config(config).load_state(state)
        forecaster.history_ = pd.read_csv(folder / "history.csv")
        metrics = json.loads((folder / "metrics.json").read_text())
    except Exception as err:  # any damage: bad JSON, a foreign pickle, mismatched shapes...
        detail = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise DataError(f"{folder} is a damaged run folder ({detail[:200]}); train it again") from None
    return Run(config, forecaster, metrics)


def results_header(loss: str) -> dict:
    """What every results file starts with: the viewcast that wrote it, when, and its losses' unit."""
    return {
        "viewcast": version("viewcast"),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "loss": loss,
    }
