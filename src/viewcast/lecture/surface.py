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

import math
from dataclasses import dataclass

import numpy as np
import torch

from ..core.features import Scaler
from ..core.optimize import EXPLODED, least_squares

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
    `updates_per_epoch` is N/B rounded up (1 for the full batch).
    `diverged_at` is the update at which the loss exploded, or None. `name` labels it
    when the rule, not the learning rate, tells paths apart (`optimizers`).
    """

    lr: float
    batch_size: int
    updates_per_epoch: int
    updates: np.ndarray
    w: np.ndarray
    b: np.ndarray
    loss: np.ndarray
    diverged_at: int | None
    name: str = ""

    def to_dict(self) -> dict:
        return {
            "lr": self.lr,
            "batch_size": self.batch_size,
            "updates_per_epoch": self.updates_per_epoch,
            "updates": self.updates.tolist(),
            "w": self.w.tolist(),
            "b": self.b.tolist(),
            "loss": self.loss.tolist(),
            "diverged_at": self.diverged_at,
            "name": self.name,
        }

    @classmethod
    def from_dict(cls, d: dict) -> Path:
        arrays = {name: np.asarray(d[name], dtype=int if name == "updates" else float) for name in ("updates", "w", "b", "loss")}
        return cls(d["lr"], d["batch_size"], d["updates_per_epoch"], diverged_at=d["diverged_at"], name=d.get("name", ""), **arrays)


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
    momentum: float = 0.0,
) -> Path:
    """Plain gradient descent on y = b + w x from `start` = (w⁰, b⁰) in views.

    `batch_size=0` is the full batch (one update per epoch); otherwise mini-batches of
    B examples, reshuffled every epoch. `momentum` λ: the lecture's movement m ← λm - ηg,
    θ ← θ + m (0: plain steps). At most `max_points` points are recorded
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
    m_w, m_b = torch.zeros((), dtype=torch.float64), torch.zeros((), dtype=torch.float64)
    for update in range(1, n_updates + 1):
        if position >= n:  # a new epoch: reshuffle
            order, position = torch.randperm(n, generator=generator), 0
        idx = order[position : position + batch]
        position += batch
        batch_loss = error(Y[idx] - (b + w * X[idx])).mean()
        g_w, g_b = torch.autograd.grad(batch_loss, (w, b))
        with torch.no_grad():
            m_w, m_b = momentum * m_w - lr * g_w, momentum * m_b - lr * g_b
            w += m_w
            b += m_b
        if update % record_every == 0 or update == n_updates:
            points.append(_point(update, w, b, X, Y, error, scaler, loss))
            if not np.isfinite(points[-1][3]) or points[-1][3] > limit:
                diverged_at = update
                break
    updates, ws, bs, losses = (np.array(column) for column in zip(*points))
    return Path(lr, batch_size, math.ceil(n / batch), updates.astype(int), ws, bs, losses, diverged_at)


def _point(update, w, b, X, Y, error, scaler: Scaler, loss: str) -> tuple[int, float, float, float]:
    """One recorded point: the update count, (w, b) in views, and the whole-set loss in views."""
    with torch.no_grad():
        value = error(Y - (b + w * X)).mean().item()
    w_v, b_v = w.item(), b.item()
    scale = scaler.scale if loss == "mae" else scaler.scale**2
    return update, w_v, scaler.mean * (1 - w_v) + scaler.scale * b_v, value * scale


# -- the pictures' experiments ---------------------------------------------------

SURFACE_PATH_LR = 0.01  # on both surfaces: reaches the optimum in about 1,000 updates
LEARNING_RATES = (0.001, 0.01, 0.1, 1.2)  # on MSE: beyond η = 1 the steps overshoot and grow
LR_UPDATES = 100
SLOW_LR, UPDATE_MARKS = 0.001, (100, 1_000, 10_000)
BATCH_SIZES, BATCH_LR, BATCH_UPDATES = (0, 5, 1), 0.01, 1_000
POINTS = 500  # recorded per path: enough for the eye, small enough to keep


def study(x: np.ndarray, y: np.ndarray, n_w: int = 151, n_b: int = 201, days: list[int] | None = None) -> dict:
    """The error-surface experiments of the report, on examples (x₁, y), as JSON-able values.
    `days`: each example's target day, counted from the first (the explorers' time axis).

    The grid is centred on the exact MAE optimum (w over 1.5, in steps of 0.01 by default;
    b over 1.1 times the mean level of views, in round steps); every path starts from the same point up the slope:

        surfaces        MAE and MSE grids, best grid point, exact optimum, a path on each
        learning_rates  MSE, LEARNING_RATES for LR_UPDATES updates each, one of them too large
        updates         MSE, η = SLOW_LR for 10,000 updates, marked after UPDATE_MARKS
        batch_sizes     MSE, full batch vs B = 5 vs B = 1, BATCH_UPDATES updates each
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    w_star, b_star, _ = exact_optimum(x, y, "mae")
    level = max(float(np.mean(x)), 1.0)
    b_step = float(f"{1.1 * level / (n_b - 1):.1g}")  # one significant digit: round grid values
    w = np.round(round(w_star - 0.85, 2) + 1.5 / (n_w - 1) * np.arange(n_w), 4)  # 151 points: steps of 0.01
    b = np.round(b_step * round((b_star - 0.4 * level) / b_step) + b_step * np.arange(n_b), 6)
    start = (round(w_star - 0.65, 2), float(round(b_star + 0.55 * level, -1)))
    surfaces = {}
    for loss in ("mae", "mse"):
        grid = loss_grid(x, y, w, b, loss)
        row, column = np.unravel_index(np.argmin(grid), grid.shape)
        surfaces[loss] = {
            "grid": _rounded(grid),  # rows by b, columns by w
            "best_grid": [float(w[column]), float(b[row]), float(grid[row, column])],
            "exact": [float(v) for v in exact_optimum(x, y, loss)],
            "path": _saved(descend(x, y, start, SURFACE_PATH_LR, 1_000, loss=loss, max_points=POINTS)),
        }

    def mse_path(lr: float, n_updates: int, batch_size: int = 0) -> dict:
        return _saved(descend(x, y, start, lr, n_updates, batch_size, loss="mse", max_points=POINTS))

    return {
        "n_examples": len(y),
        "pairs": {"x": x.tolist(), "y": y.tolist(), "day": [] if days is None else days},  # the report's explorers compute on them
        "w": w.tolist(),
        "b": b.tolist(),
        "start": list(start),
        "surfaces": surfaces,
        "learning_rates": [mse_path(lr, LR_UPDATES) for lr in LEARNING_RATES],
        "updates": {"path": mse_path(SLOW_LR, UPDATE_MARKS[-1]), "marks": list(UPDATE_MARKS)},
        "batch_sizes": [mse_path(BATCH_LR, BATCH_UPDATES, batch) for batch in BATCH_SIZES],
    }


def _rounded(values: np.ndarray, digits: int = 5) -> list:
    """Values to `digits` significant digits, as nested lists (a smaller file, the same picture)."""
    magnitude = np.floor(np.log10(np.maximum(np.abs(values), 1e-300)))
    factor = 10.0 ** (digits - 1 - magnitude)
    return (np.round(values * factor) / factor).tolist()


def _saved(path: Path) -> dict:
    return {**path.to_dict(), "w": _rounded(path.w), "b": _rounded(path.b), "loss": _rounded(path.loss)}
