"""Mismatch: a test period that does not come from the world the training data came from.

The lecture's general guide: a small training loss and a large test loss is
overfitting, unless the test data follows a different distribution, which no
amount of training data from the past can fix. The bundled `pedestrians` series
shows it on real data: models trained on 2017-2019 meet 2020, when the COVID
lockdowns emptied Melbourne's streets.

    trained on   2017-07-28 .. 2019-12-31   (the same settings as the lecture's tables; the series
                                             starts 2017-06-02, and 56-day windows need 56 days)
    tested on    2020-01-01 .. 2020-12-31   every epoch, never used to choose anything

`Mismatch` is the experiment the lecture runs with its tables (`experiment.Experiment`):
`plan` gives the models to train; `results` records the loss on both periods after every epoch (the curves), the predictions on
both, and the test loss month by month, so the break is visible.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from ..core.baselines import evaluate_baselines
from ..core.config import TrainConfig
from ..core.data import load_dataset
from ..core.features import Period, Windows, daily, make_windows
from ..core.forecaster import Forecaster, evaluate_windows
from ..core.metrics import mae, over_seeds
from ..core.optimize import training_cost
from ..engine.parallel import Job
from ..errors import TrainingDiverged

DATASET = "pedestrians"
TRAIN = Period.of("2017-06-02", "2019-12-31")
TEST = Period.of("2020-01-01", "2020-12-31")
MODELS = (("linear", 7), ("relu:100", 56))


def plan(training: TrainConfig) -> list[tuple[Forecaster, dict]]:
    """`MODELS` on the pedestrians series, unfitted, each with its examples: fit each on
    `parts["train"]`, measuring `parts["test"]` every epoch, then call `results`.

    Every model is trained and scored on the same target days (those its longest window
    reaches), beside the baselines. Losses: MAE in people counted a day, and MAPE in %.
    """
    series = load_dataset(DATASET)
    fits = []
    for spec, n_lags in MODELS:
        windows = make_windows(series, n_lags)
        parts = {name: windows.select(period)[0] for name, period in _periods(series).items()}
        fits.append((Forecaster(spec, n_lags, dataclasses.replace(training, patience=None)), parts))  # no choice on the test
    return fits


def results(fits: list[tuple[Forecaster, dict]]) -> dict:
    """The JSON-able results of the fitted `plan`: per model, and the baselines on the same days."""
    series = load_dataset(DATASET)
    full, _ = daily(series)
    parts = fits[-1][1]  # the longest window's days: every model's
    return {
        "dataset": DATASET,
        "periods": {name: period.to_dict() for name, period in _periods(series).items()},
        "models": [_model_result(forecaster, model_parts) for forecaster, model_parts in fits],
        "baselines": {
            name: evaluate_baselines(full, parts[name].dates, parts[name].y) for name in ("train", "test")
        },
        "views": {"dates": [str(d.date()) for d in full.index], "values": [None if np.isnan(v) else v for v in full]},
    }


class Mismatch:
    """The experiment as the lecture runs it: `plan`'s models as jobs, and `results`, or None
    when a model diverged (the user's settings may not suit the pedestrians series: the
    mismatch is skipped, not the lecture)."""

    def __init__(self, training: TrainConfig):
        self.fits = plan(training)

    def jobs(self) -> list[Job]:
        return [
            Job(fit_or_diverge, (forecaster, parts["train"], parts["test"]),
                training_cost(forecaster.model, forecaster.n_lags, len(parts["train"].y), forecaster.training),
                forecaster.training.n_epochs, f"mismatch on {DATASET}")
            for forecaster, parts in self.fits
        ]

    def results(self, fitted: list) -> dict | None:
        diverged = [error for error in fitted if isinstance(error, TrainingDiverged)]
        if diverged:
            tqdm.write(f"viewcast: the mismatch experiment was skipped: {diverged[0]}")
            return None
        return results([(forecaster, parts) for forecaster, (_, parts) in zip(fitted, self.fits)])


def fit_or_diverge(forecaster: Forecaster, train: Windows, test: Windows, on_epoch) -> Forecaster | TrainingDiverged:
    """Fit, or return the divergence instead of raising it."""
    try:
        return forecaster.fit_windows(train, test, on_epoch=on_epoch)
    except TrainingDiverged as err:
        return err


def _periods(series: pd.Series) -> dict[str, Period]:
    """`TRAIN` from the first day the longest window reaches, and `TEST`."""
    first_day = series.index[0] + pd.Timedelta(days=max(n_lags for _, n_lags in MODELS))
    return {"train": Period(max(TRAIN.start, first_day), TRAIN.end), "test": TEST}


def _model_result(forecaster: Forecaster, parts: dict) -> dict:
    """Losses per seed, the curves per seed and epoch, the mean prediction, and the test MAE per month."""
    history = forecaster.history_
    scores = {name: evaluate_windows(forecaster, part) for name, part in parts.items()}
    predicted = {name: forecaster.predict_windows(part.X).mean(axis=0) for name, part in parts.items()}
    test = parts["test"]
    months = pd.Series(np.abs(test.y - predicted["test"]), index=test.dates).resample("MS").mean()
    return {
        "label": f"{forecaster.model} on {forecaster.n_lags} days",
        **{name: {metric: over_seeds(scores[name][metric]) for metric in ("mae", "mape")} for name in parts},
        "curves": {  # per seed and epoch
            "epoch": history["epoch"].tolist(),
            "seed": history["seed"].tolist(),
            "train_loss": history["train_loss"].round(2).tolist(),
            "test_loss": history["val_loss"].round(2).tolist(),
        },
        "predictions": {
            name: {"dates": [str(d.date()) for d in parts[name].dates], "values": np.round(predicted[name], 1).tolist()}
            for name in parts
        },
        "test_mae_by_month": {str(month.date())[:7]: round(float(value), 1) for month, value in months.items()},
        "ensemble_test_mae": mae(test.y, predicted["test"]),
    }
