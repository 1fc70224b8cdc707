"""Mismatch: a test period that does not come from the world the training data came from.

The lecture's general guide: a small training loss and a large test loss is
overfitting, unless the test data follows a different distribution, which no
amount of training data from the past can fix. The bundled `pedestrians` series
shows it on real data: models trained on 2017-2019 meet 2020, when the COVID
lockdowns emptied Melbourne's streets.

    trained on   2017-07-28 .. 2019-12-31   (the same settings as the lecture's tables; the series
                                             starts 2017-06-02, and 56-day windows need 56 days)
    tested on    2020-01-01 .. 2020-12-31   every epoch, never used to choose anything

`run_mismatch` records the loss on both periods after every epoch (the curves), the
predictions on both, and the test loss month by month, so the break is visible.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from .baselines import evaluate_baselines
from .config import TrainConfig
from .data import load_dataset
from .features import Period, daily, make_windows
from .forecaster import Forecaster, evaluate_windows
from .metrics import mae, over_seeds

DATASET = "pedestrians"
TRAIN = Period.of("2017-06-02", "2019-12-31")
TEST = Period.of("2020-01-01", "2020-12-31")
MODELS = (("linear", 7), ("relu:100", 56))


def run_mismatch(training: TrainConfig, on_epoch=None) -> dict:
    """Train `MODELS` on `TRAIN` of the pedestrians series, score them on `TEST`; JSON-able results.

    Every model is trained and scored on the same target days (those its longest window
    reaches), beside the baselines. Losses: MAE in people counted a day, and MAPE in %.
    `on_epoch(epoch)` is called after every epoch of every model (progress).
    """
    series = load_dataset(DATASET)
    longest = max(n_lags for _, n_lags in MODELS)
    first_day = series.index[0] + pd.Timedelta(days=longest)
    train, test = Period(max(TRAIN.start, first_day), TRAIN.end), TEST
    full, _ = daily(series)
    models = []
    for spec, n_lags in MODELS:
        windows = make_windows(series, n_lags)
        parts = {"train": windows.select(train)[0], "test": windows.select(test)[0]}
        forecaster = Forecaster(spec, n_lags, dataclasses.replace(training, patience=None))  # no choice on the test
        forecaster.fit_windows(parts["train"], parts["test"], on_epoch=on_epoch)  # test: measured, never used
        models.append(_model_result(forecaster, parts))
    dates = {name: parts[name].dates for name in ("train", "test")}
    return {
        "dataset": DATASET,
        "periods": {name: {"start": str(p.start.date()), "end": str(p.end.date())} for name, p in (("train", train), ("test", test))},
        "models": models,
        "baselines": {
            name: evaluate_baselines(full, dates[name], parts[name].y) for name in ("train", "test")
        },
        "views": {"dates": [str(d.date()) for d in full.index], "values": [None if np.isnan(v) else v for v in full]},
    }


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
