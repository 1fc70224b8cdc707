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

import dataclasses
import io
import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

import pandas as pd
import torch

from ..engine import files
from ..engine.folders import FolderKind, write_folder
from ..errors import DataError, cut
from .baselines import evaluate_baselines
from .config import DataConfig, RunConfig
from .data import describe, fingerprint, load_series
from .features import Split, Windows, daily, make_split, make_windows, split_windows
from .forecaster import Forecaster, evaluate_windows
from .metrics import evaluate, over_seeds
from .optimize import least_squares

log = logging.getLogger("viewcast")
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
            **({"file": str(Path(config.data.path).resolve())} if config.data.path is not None else {}),
            "fingerprint": fingerprint(series),
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
    """Read a run folder back: config, fitted forecaster (on the CPU) and metrics.

    A damaged folder raises `DataError` naming the file, and the field where it can.
    """
    folder = Path(folder)
    missing = [name for name in FILES if not (folder / name).exists()]
    if missing:
        raise DataError(f"{folder} is not a complete viewcast run folder (missing {', '.join(missing)})")
    with files.damaged_folder(folder, "run folder", "train the run again"):
        config = RunConfig.load(folder / "config.json")
        forecaster = _load_weights(folder / "model.pt", config)
        forecaster.history_ = _load_history(folder / "history.csv")
        metrics = files.read_json(folder / "metrics.json")
        files.field(metrics, "data", dict, folder / "metrics.json")
    return Run(config, forecaster, metrics)


def _load_weights(path: Path, config: RunConfig) -> Forecaster:
    files.check_regular(path)
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)  # tensors and numbers only: no code runs
    except Exception as err:  # a foreign or damaged pickle: torch raises many kinds
        raise DataError(f"{path}: is not viewcast's weights ({cut(_first_line(err), 120)})") from None
    for name, kind in (("weights", dict), ("scaler", list), ("seeds", list), ("best_epoch", list), ("n_epochs_run", int)):
        files.field(state, name, kind, path)
    try:
        return Forecaster.from_config(config).load_state(state)
    except (RuntimeError, TypeError, ValueError) as err:  # shapes that do not match config.json's model
        raise DataError(f"{path}: does not fit the model of config.json ({cut(_first_line(err), 120)})") from None


def _load_history(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(io.StringIO(files.read_text(path)))
    except (ValueError, pd.errors.ParserError) as err:
        raise DataError(f"{path}: is not a readable CSV ({cut(_first_line(err), 120)})") from None


def _first_line(err: Exception) -> str:
    return str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__


def training_data(run: Run, folder: Path) -> DataConfig:
    """The data the run in `folder` was trained on: a file by the absolute path stored when it was
    trained (never resolved again from the current folder), or the bundled dataset."""
    data, stored = run.config.data, run.metrics["data"].get("file")
    if data.path is not None and isinstance(stored, str):
        data = dataclasses.replace(data, path=stored)
    if data.path is not None and not Path(data.path).exists():
        raise DataError(f"{folder} was trained on {data.path}, which is gone; give the data with --data")
    return data


def note_changes(run: Run, series: pd.Series, data: DataConfig) -> None:
    """Say (a note) when the data differ from those the run was trained on."""
    trained = run.metrics["data"]
    if trained.get("fingerprint") in (None, fingerprint(series)):
        return
    last = series.index[-1].date().isoformat()
    more = f"; it now ends on {last}, the run's data on {trained.get('last')}" if trained.get("last") != last else ""
    log.info("%s: the data differ from those the run was trained on%s", data.source, more)


def results_header(loss: str) -> dict:
    """What every results file starts with: the viewcast that wrote it, when, and its losses' unit."""
    return {
        "viewcast": version("viewcast"),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "loss": loss,
    }
