"""Step 2: the loss, a function of the parameters computed from training data.

    L = 1/N Σ_n e_n,   e_n = |y_n - ŷ_n| (MAE, the lecture's)   or   (y_n - ŷ_n)² (MSE)

These are the training objectives (torch, differentiable). They return one loss
per model of a stack, shape (K,); the trainer minimizes their sum, and since the
models share no parameters, the gradient of model k is that of its own loss.
Evaluation metrics, reported in views, live apart in `metrics.py`.
"""

import torch


def mae(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean absolute error of each model: (K, B) or (K, B, outputs) -> (K,)."""
    return _per_model((y_hat - y).abs())


def mse(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean squared error of each model: (K, B) or (K, B, outputs) -> (K,)."""
    return _per_model((y_hat - y).square())


def _per_model(errors: torch.Tensor) -> torch.Tensor:
    """The mean over every axis but the first (the models')."""
    return errors.flatten(1).mean(dim=1)


LOSSES = {"mae": mae, "mse": mse}


def to_views(name: str, loss, scale: float):
    """A loss computed on scaled values, back in views (views² for MSE)."""
    return loss * scale if name == "mae" else loss * scale**2
