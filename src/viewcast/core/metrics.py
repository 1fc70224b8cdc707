"""Evaluation metrics, in views, as plain numpy functions.

They are kept apart from the training losses (`losses.py`): a model trained on
MAE is still reported on every metric, always in the series' own units.
"""

import numpy as np


def mae(y: np.ndarray, y_hat: np.ndarray) -> float:
    """Mean absolute error: 1/N Σ |y - ŷ|."""
    return float(np.mean(np.abs(y - y_hat)))


def mse(y: np.ndarray, y_hat: np.ndarray) -> float:
    """Mean squared error: 1/N Σ (y - ŷ)²."""
    return float(np.mean((y - y_hat) ** 2))


def rmse(y: np.ndarray, y_hat: np.ndarray) -> float:
    """Root mean squared error, in the units of y."""
    return float(np.sqrt(mse(y, y_hat)))


def mape(y: np.ndarray, y_hat: np.ndarray) -> float:
    """Mean absolute percentage error, in %, over the days with y > 0 (NaN if none)."""
    positive = y > 0
    if not positive.any():
        return float("nan")
    return float(100 * np.mean(np.abs(y - y_hat)[positive] / y[positive]))


METRICS = {"mae": mae, "mse": mse, "rmse": rmse, "mape": mape}


def evaluate(y: np.ndarray, y_hat: np.ndarray) -> dict[str, float]:
    """Every metric of `y_hat` against `y`."""
    return {name: fn(y, y_hat) for name, fn in METRICS.items()}


def over_seeds(values: np.ndarray) -> dict:
    """One number per seed, summarized: per_seed, mean, std, min, max (plain floats, for JSON)."""
    values = np.asarray(values, dtype=float)
    return {
        "per_seed": values.tolist(),
        "mean": float(values.mean()),
        "std": float(values.std()),
        "min": float(values.min()),
        "max": float(values.max()),
    }
