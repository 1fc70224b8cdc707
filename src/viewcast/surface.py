"""The error surface of y = b + w x₁, and gradient descent walking down it.

This is the lecture's picture, so it is written by hand rather than taken from a library:

    brute force   the loss L(w, b) of every (w, b) on a grid, pick the lowest
                  (vectorized: one broadcast per block of rows, no loop over grid points)
    exact         MSE: least squares.  MAE: for a fixed w the best b is the median of
                  y - w x, and L(w, median) is convex in w, so a ternary search finds w
    descent       θ⁰ = (w⁰, b⁰);  repeat:  g = ∇L(θ) (autograd),  θ ← θ - η g,
                  full batch or mini-batches of B reshuffled every epoch (N/B updates each)

Gradient descent runs on standardized views (the same `Scaler` the models use, which
keeps w unchanged) and its path is reported in views, so it can be drawn on the surface.
A step size that makes the loss explode is caught and reported, not raised.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .features import Scaler
from .optimize import EXPLODED, least_squares

GRID_BLOCK = 8_000_000  # grid points × examples computed at once (memory: 8 bytes each)


def loss_grid(x: np.ndarray, y: np.ndarray, w: np.ndarray, b: np.ndarray, loss: str = "mae") -> np.ndarray:
    """L(w, b) on every grid point: shape (len(b), len(w)), rows by b, columns by w.

    >>> loss_grid(np.array([1.0, 2.0]), np.array([2.0, 4.0]), np.array([1.0, 2.0]), np.array([0.0]))
    array([[1.5, 0. ]])
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    rows_per_block = max(1, GRID_BLOCK // (len(w) * len(x)))
    out = np.empty((len(b), len(w)))
    for start in range(0, len(b), rows_per_block):  # blocks of rows, to bound memory
        b_block = b[start : start + rows_per_block, None, None]  # (rows, 1, 1)
        error = y - (b_block + w[None, :, None] * x)  # (rows, len(w), N)
        out[start : start + rows_per_block] = (np.abs(error) if loss == "mae" else error**2).mean(axis=-1)
    return out


def exact_optimum(x: np.ndarray, y: np.ndarray, loss: str = "mae", tol: float = 1e-7) -> tuple[float, float, float]:
    """The (w, b) that minimize the loss exactly (to `tol` in w), and that loss."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    if loss == "mse":
        w, b = least_squares(x[:, None], y)
        return float(w[0]), b, float(np.mean((y - b - w[0] * x) ** 2))

    def best_b(w: float) -> tuple[float, float]:
        b = float(np.median(y - w * x))
        return b, float(np.mean(np.abs(y - b - w * x)))

    lo, hi = _bracket(x, y)
    while hi - lo > tol:  # L(w, best b) is convex in w: ternary search
        a, c = lo + (hi - lo) / 3, hi - (hi - lo) / 3
        if best_b(a)[1] <= best_b(c)[1]:
            hi = c
        else:
            lo = a
    w = (lo + hi) / 2
    b, value = best_b(w)
    return w, b, value


def _bracket(x, y) -> tuple[float, float]:
    """An interval of w that holds the MAE optimum: around the least-squares slope."""
    w, _ = least_squares(x[:, None], y)
    spread = 10 * (abs(w[0]) + 1)
    return float(w[0]) - spread, float(w[0]) + spread


@dataclass(frozen=True)
class Path:
    """Where gradient descent went: (w, b) in views after each recorded update, and the loss there.

    `updates[i]` is how many updates had been made at point i (0: the start).
    `diverged_at` is the update at which the loss exploded, or None.
    """

    lr: float
    batch_size: int
    updates: np.ndarray
    w: np.ndarray
    b: np.ndarray
    loss: np.ndarray
    diverged_at: int | None

    def to_dict(self) -> dict:
        return {
            "lr": self.lr,
            "batch_size": self.batch_size,
            "updates": self.updates.tolist(),
            "w": self.w.tolist(),
            "b": self.b.tolist(),
            "loss": self.loss.tolist(),
            "diverged_at": self.diverged_at,
        }


def descend(
    x: np.ndarray,
    y: np.ndarray,
    start: tuple[float, float],
    lr: float,
    n_updates: int,
    batch_size: int = 0,
    loss: str = "mse",
    seed: int = 0,
    max_points: int = 2000,
) -> Path:
    """Plain gradient descent on y = b + w x from `start` = (w⁰, b⁰) in views.

    `batch_size=0` is the full batch (one update per epoch); otherwise mini-batches of
    B examples, reshuffled every epoch. At most `max_points` points are recorded
    (evenly over the updates, always the first and the last). The loss is that of the
    whole training set, in views (MAE) or views² (MSE).
    """
    scaler = Scaler.fit(y)
    X = torch.tensor(scaler.transform(np.asarray(x, float)), dtype=torch.float64)
    Y = torch.tensor(scaler.transform(np.asarray(y, float)), dtype=torch.float64)
    w0, b0 = start
    w = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
    b = torch.tensor((b0 - scaler.mean * (1 - w0)) / scaler.scale, dtype=torch.float64, requires_grad=True)
    error = (lambda e: e.abs()) if loss == "mae" else (lambda e: e**2)
    n, batch = len(Y), batch_size if 0 < batch_size < len(Y) else len(Y)
    generator = torch.Generator().manual_seed(seed)
    record_every = max(1, n_updates // max_points)
    points, diverged_at = [_point(0, w, b, X, Y, error, scaler, loss)], None
    limit = EXPLODED * points[0][3] if points[0][3] > 0 else float("inf")
    order, position = torch.randperm(n, generator=generator), 0
    for update in range(1, n_updates + 1):
        if position >= n:  # a new epoch: reshuffle
            order, position = torch.randperm(n, generator=generator), 0
        idx = order[position : position + batch]
        position += batch
        batch_loss = error(Y[idx] - (b + w * X[idx])).mean()
        g_w, g_b = torch.autograd.grad(batch_loss, (w, b))
        with torch.no_grad():
            w -= lr * g_w
            b -= lr * g_b
        if update % record_every == 0 or update == n_updates:
            points.append(_point(update, w, b, X, Y, error, scaler, loss))
            if not np.isfinite(points[-1][3]) or points[-1][3] > limit:
                diverged_at = update
                break
    updates, ws, bs, losses = (np.array(column) for column in zip(*points))
    return Path(lr, batch_size, updates.astype(int), ws, bs, losses, diverged_at)


def _point(update, w, b, X, Y, error, scaler: Scaler, loss: str) -> tuple[int, float, float, float]:
    """One recorded point: the update count, (w, b) in views, and the whole-set loss in views."""
    with torch.no_grad():
        value = error(Y - (b + w * X)).mean().item()
    w_v, b_v = w.item(), b.item()
    scale = scaler.scale if loss == "mae" else scaler.scale**2
    return update, w_v, scaler.mean * (1 - w_v) + scaler.scale * b_v, value * scale
