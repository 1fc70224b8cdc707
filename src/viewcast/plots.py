"""The lecture's pictures. The only module that imports matplotlib.

Each function takes data (arrays, or what `surface` computed) and an optional `ax`,
draws on it, and returns the axes, so figures can be combined or saved by the caller:

    >>> fig, ax = plt.subplots()
    >>> error_surface(w, b, grid, paths=[path], exact=(0.86, 228), ax=ax)
    >>> fig.savefig("surface.png")
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # files only: no screen is needed, none is opened
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

from .surface import Path  # noqa: E402

PATH_COLORS = ("tab:red", "tab:orange", "tab:green", "tab:purple", "tab:brown")


def error_surface(
    w: np.ndarray,
    b: np.ndarray,
    grid: np.ndarray,
    paths: Sequence[Path] = (),
    best_grid: tuple[float, float] | None = None,
    exact: tuple[float, float] | None = None,
    loss: str = "mae",
    ax: Axes | None = None,
) -> Axes:
    """Filled contours of L(w, b) (`grid`: rows by b, columns by w), gradient-descent paths on
    it, the best grid point (×) and the exact optimum (★). A path that diverged is cut at the
    edge of the grid and labelled."""
    ax = ax or plt.subplots(figsize=(6, 4.5))[1]
    levels = np.quantile(grid, np.linspace(0, 1, 16))  # even steps in rank: detail near the valley
    filled = ax.contourf(w, b, grid, levels=np.unique(levels), cmap="viridis_r")
    ax.figure.colorbar(filled, ax=ax, label=f"{loss.upper()} on training days")
    for color, path in zip(PATH_COLORS, paths):
        diverged = path.diverged_at is not None
        style = {"ls": "--", "lw": 0.8, "zorder": 2} if diverged else {"ls": "-", "lw": 1.6, "zorder": 3}
        ax.plot(path.w, path.b, color=color, label=_path_label(path), **style)
        ax.plot(path.w[:1], path.b[:1], "o", color=color, ms=5, zorder=4)
        if not diverged:
            ax.plot(path.w[-1:], path.b[-1:], "s", color=color, ms=4, zorder=4)
    if best_grid is not None:
        ax.plot(*best_grid, "x", color="black", ms=9, mew=2, label="best grid point")
    if exact is not None:
        ax.plot(*exact, "*", color="gold", mec="black", ms=13, label="exact optimum")
    ax.set(xlim=(w[0], w[-1]), ylim=(b[0], b[-1]), xlabel="w (weight on yesterday's views)", ylabel="b (views)")
    ax.set_title(f"Error surface of y = b + w x₁ ({loss.upper()})")
    ax.legend(loc="upper right", fontsize=7, framealpha=0.8)
    return ax


def loss_by_update(paths: Sequence[Path], loss: str = "mse", ax: Axes | None = None) -> Axes:
    """The training loss after each update, one line per path, log-log; divergence marked."""
    ax = ax or plt.subplots(figsize=(6, 4))[1]
    for color, path in zip(PATH_COLORS, paths):
        ax.plot(np.maximum(path.updates, 1), path.loss, "-", color=color, label=_path_label(path))
        if path.diverged_at is not None:
            ax.plot(path.updates[-1:], path.loss[-1:], "X", color=color, ms=9)
    ax.set(xscale="log", yscale="log", xlabel="updates", ylabel=f"training {loss.upper()}")
    ax.set_title("Loss during gradient descent")
    ax.legend(fontsize=7)
    return ax


def _path_label(path: Path) -> str:
    batch = "full batch" if path.batch_size == 0 else f"B = {path.batch_size}"
    label = f"η = {path.lr:g}, {batch}"
    if path.diverged_at is not None:
        label += f": diverged at update {path.diverged_at:,}"
    return label
