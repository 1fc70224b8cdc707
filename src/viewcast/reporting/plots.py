"""The lecture's pictures. The only module that imports matplotlib.

Each function takes data (arrays, or what `surface` computed) and an optional `ax`,
draws on it, and returns the axes, so figures can be combined or saved by the caller:

    >>> from viewcast.lecture.surface import loss_grid
    >>> x = np.array([1.0, 2.0, 3.0]); y = 2 * x + 1
    >>> w, b = np.linspace(0, 4, 5), np.linspace(-1, 3, 5)
    >>> fig, ax = plt.subplots()
    >>> error_surface(w, b, loss_grid(x, y, w, b), exact=(2.0, 1.0), ax=ax) is ax
    True
    >>> png(fig)[:4]
    b'\x89PNG'
"""

from __future__ import annotations

import contextlib
import functools
import io
from collections.abc import Iterator, Sequence
from pathlib import Path as FilePath

import matplotlib
import matplotlib.dates
import matplotlib.font_manager
import matplotlib.ticker

matplotlib.use("Agg")  # files only: no screen is needed, none is opened
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from ..core import i18n  # noqa: E402
from ..core.i18n import figure_text  # noqa: E402
from ..core.units import PERIOD_NAMES, model_label  # noqa: E402
from ..lecture.surface import Path  # noqa: E402


@contextlib.contextmanager
def speaking() -> Iterator[None]:
    """Figures drawn inside speak the current language when a font with Chinese characters is
    installed (matplotlib would draw empty boxes without one); else their words stay English."""
    font = _cjk_font() if i18n.language() != "en" else None
    if font is None:
        yield
        return
    with matplotlib.rc_context({"font.family": [font, "DejaVu Sans"]}), i18n.figures_translated():  # (DejaVu: x₁, η, σ...)
        yield


CJK_FONTS = ("Noto Sans CJK", "Noto Sans TC", "Noto Sans SC", "Source Han Sans", "Microsoft JhengHei", "Microsoft YaHei",
             "PingFang", "Heiti", "SimHei", "WenQuanYi", "AR PL", "Droid Sans Fallback")
"""Fonts with Chinese characters, by the start of their name, the ones to prefer first."""


@functools.cache
def _cjk_font() -> str | None:
    manager = matplotlib.font_manager.fontManager

    def found() -> str | None:
        names = sorted({font.name for font in manager.ttflist})
        return next((name for prefix in CJK_FONTS for name in names if name.startswith(prefix)), None)

    if found() is None:  # matplotlib's list of fonts is cached from before a font was installed: look at the files too
        for path in matplotlib.font_manager.findSystemFonts():
            if any(word in FilePath(path).name for word in ("CJK", "SourceHan", "msjh", "msyh", "PingFang", "wqy", "DroidSansFallback")):
                manager.addfont(path)
    return found()


def figure_label(label: str) -> str:
    """A model's label in a figure (`units.model_label` when figures speak the current language)."""
    return model_label(label) if i18n.figures_speak() else label


def panels(n: int, figsize: tuple[float, float], sharey: bool = False) -> tuple[Figure, list[Axes]]:
    """A new figure with `n` axes side by side."""
    fig, axes = plt.subplots(1, n, figsize=figsize, sharey=sharey, squeeze=False, layout="constrained")
    return fig, list(axes[0])


DPI = 100
"""Dots per inch of every PNG viewcast writes."""


def png(fig: Figure, dpi: int = DPI) -> bytes:
    """The figure as PNG bytes; the figure is closed (its memory freed).

    Every figure here is laid out by matplotlib's constrained layout, which keeps its labels
    inside it: `bbox_inches="tight"` would only draw it a second time to measure it."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    plt.close(fig)
    return buffer.getvalue()


def picture(fig: Figure, dpi: int = DPI, most: int = 150, budget: int = 800) -> tuple[bytes, dict]:
    """`png(fig)`, and the points a reader may hover, from each line, scatter and bar (at most
    `most` a line, and about `budget` a figure, shared by its lines): {"t": a text per line with
    {x} and {y} in it, "p": [[x, y, line, x's text, y's text], ...]}, x and y as fractions of the
    image from its top left."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)  # (lays the figure out: the positions below are final)
    to_figure, texts, points = fig.transFigure.inverted(), [], []
    n_lines = sum(len(ax.get_lines()) + len(ax.collections) + len(ax.containers) for ax in fig.axes)
    most = max(10, min(most, budget // max(1, n_lines)))
    for ax in fig.axes:
        marks = [(line.get_label(), line.get_xydata(), line.get_transform()) for line in ax.get_lines()]
        marks += [(c.get_label(), c.get_offsets(), c.get_offset_transform()) for c in ax.collections if hasattr(c, "get_offsets")]
        for container in ax.containers:
            bars = [(r.get_x() + r.get_width() / 2, r.get_y() + r.get_height()) for r in getattr(container, "patches", [])]
            marks.append((container.get_label(), np.array(bars, float).reshape(-1, 2), ax.transData))
        x_text, by_x = _x_text(ax)
        for label, xy, transform in marks:
            xy = np.asarray(xy, float).reshape(-1, 2)
            if transform is not ax.transData or len(xy) == 0:
                continue  # lines drawn across the axes (a minimum, a mark), shadings: not data to read
            inside = ax.transAxes.inverted().transform(ax.transData.transform(xy))  # (points off the axes are not drawn)
            xy = xy[np.isfinite(inside).all(axis=1) & (inside >= 0).all(axis=1) & (inside <= 1).all(axis=1)]
            if len(xy) == 0:
                continue
            xy = xy[np.unique(np.linspace(0, len(xy) - 1, min(most, len(xy))).round().astype(int))]
            named = label and not label.startswith("_")
            if by_x:  # a date or a category, then the line's name (or the axis's) and y
                texts.append(f"{{x}} · {label if named else ax.get_ylabel()}: {{y}}")
            else:
                texts.append(f"{label if named else ax.get_title()} · {ax.get_xlabel() or 'x'} = {{x}}, {ax.get_ylabel() or 'y'} = {{y}}")
            for (x, y), (fx, fy) in zip(xy, to_figure.transform(ax.transData.transform(xy))):
                points.append([round(float(fx), 4), round(1 - float(fy), 4), len(texts) - 1, x_text(x), f"{y:,.6g}"])
    plt.close(fig)
    return buffer.getvalue(), {"t": texts, "p": points}


def _x_text(ax: Axes):
    """How a point's x reads (a date, a category's tick label, or a number), and whether it names the point."""
    if type(ax.xaxis.get_major_formatter()).__module__ == "matplotlib.dates":
        return (lambda x: f"{matplotlib.dates.num2date(x):%Y-%m-%d}"), True
    ticks = {float(t): label.get_text().replace("\n", " ") for t, label in zip(ax.get_xticks(), ax.get_xticklabels())}
    numeric = lambda text: "$" in text or text.replace("−", "-").replace(".", "", 1).replace(",", "").lstrip("-").isdigit()
    if ax.get_xscale() == "linear" and ticks and not any(numeric(text) for text in ticks.values()):
        return (lambda x: ticks[min(ticks, key=lambda t: abs(t - x))]), True  # categories: the nearest tick's label
    return (lambda x: f"{x:,.4g}"), False


PATH_COLORS = ("tab:red", "tab:orange", "tab:green", "tab:purple", "tab:brown")


def error_surface(
    w: np.ndarray,
    b: np.ndarray,
    grid: np.ndarray,
    paths: Sequence[Path] = (),
    best_grid: tuple[float, float] | None = None,
    exact: tuple[float, float] | None = None,
    loss: str = "mae",
    marks: Sequence[int] = (),
    ax: Axes | None = None,
) -> Axes:
    """Filled contours of L(w, b) (`grid`: rows by b, columns by w), gradient-descent paths on
    it, the best grid point (×) and the exact optimum (★). A path that diverged is cut at the
    edge of the grid and labelled. `marks`: update counts to mark and label on each path."""
    ax = ax or plt.subplots(layout="constrained", figsize=(6, 4.5))[1]
    levels = np.quantile(grid, np.linspace(0, 1, 16))  # even steps in rank: detail near the valley
    filled = ax.contourf(w, b, grid, levels=np.unique(levels), cmap="viridis_r")
    ax.figure.colorbar(filled, ax=ax, label=figure_text("{loss} on training days").format(loss=loss.upper()))
    for color, path in zip(PATH_COLORS, paths):
        diverged = path.diverged_at is not None
        style = {"ls": "--", "lw": 0.8, "zorder": 2} if diverged else {"ls": "-", "lw": 1.6, "zorder": 3}
        ax.plot(path.w, path.b, color=color, label=_path_label(path), **style)
        ax.plot(path.w[:1], path.b[:1], "o", color=color, ms=5, zorder=4)
        if not diverged:
            ax.plot(path.w[-1:], path.b[-1:], "s", color=color, ms=4, zorder=4)
        for mark in marks:
            at = np.searchsorted(path.updates, mark)
            if at < len(path.updates) and path.updates[at] == mark:
                ax.plot(path.w[at], path.b[at], "D", color="white", mec=color, ms=6, zorder=5)
                ax.annotate(figure_text("{n} updates").format(n=f"{mark:,}"), (path.w[at], path.b[at]), xytext=(6, 4),
                            textcoords="offset points", fontsize=7, color="white")
    if best_grid is not None:
        ax.plot(*best_grid, "x", color="black", ms=9, mew=2, label=figure_text("best grid point"))
    if exact is not None:
        ax.plot(*exact, "*", color="gold", mec="black", ms=13, label=figure_text("exact optimum"))
    ax.set(xlim=(w[0], w[-1]), ylim=(b[0], b[-1]), xlabel=figure_text("w (weight on yesterday's views)"), ylabel=figure_text("b (views)"))
    ax.set_title(figure_text("Error surface of y = b + w x₁ ({loss})").format(loss=loss.upper()))
    ax.legend(loc="upper right", fontsize=7, framealpha=0.8)
    return ax


def loss_by_update(paths: Sequence[Path], loss: str = "mse", ax: Axes | None = None) -> Axes:
    """The training loss after each update, one line per path, log-log; divergence marked."""
    ax = ax or plt.subplots(layout="constrained", figsize=(6, 4))[1]
    for color, path in zip(PATH_COLORS, paths):
        ax.plot(np.maximum(path.updates, 1), path.loss, "-", color=color, label=_path_label(path))
        if path.diverged_at is not None:
            ax.plot(path.updates[-1:], path.loss[-1:], "X", color=color, ms=9)
    ax.set(xscale="log", yscale="log", xlabel=figure_text("updates"), ylabel=figure_text("training {loss}").format(loss=loss.upper()))
    ax.set_title(figure_text("Loss during gradient descent"))
    ax.legend(fontsize=7)
    return ax


def _path_label(path: Path) -> str:
    if path.name:
        label = path.name
    else:
        batch = (figure_text("full batch") if path.batch_size == 0 else
                 figure_text("B = {size} ({n} updates per epoch)").format(size=path.batch_size, n=f"{path.updates_per_epoch:,}"))
        label = f"η = {path.lr:g}, {batch}"
    if path.diverged_at is not None:
        label = figure_text("{path}: diverged at update {n}").format(path=label, n=f"{path.diverged_at:,}")
    return label


# -- training and its results ------------------------------------------------------

REAL, ESTIMATE = "tab:red", "tab:blue"  # the lecture's colours: red is the truth, blue the function
CURVE_COLORS = {"train": "tab:blue", "val": "tab:orange", "test": "tab:red"}
PERIOD_COLORS = {PERIOD_NAMES[p]: color for p, color in CURVE_COLORS.items()}


def loss_curves(curves: pd.DataFrame, loss: str = "mae", title: str = "", unit: str = "views", ax: Axes | None = None) -> Axes:
    """Loss per epoch: every seed faint, the mean over seeds bold, per period.

    `curves` has columns epoch, seed, and `<period>_loss` for any of train, val, test (in
    `unit`). The epoch with the lowest mean validation loss is marked (a test curve is only
    shown: nothing is chosen on it). The y axis is logarithmic when the losses span 10×.
    """
    ax = ax or plt.subplots(layout="constrained", figsize=(6, 4))[1]
    periods = [p for p in PERIOD_NAMES if f"{p}_loss" in curves and curves[f"{p}_loss"].notna().any()]
    for period in periods:
        column, color = f"{period}_loss", CURVE_COLORS[period]
        by_seed = curves.pivot_table(index="epoch", columns="seed", values=column)
        for seed in by_seed.columns:
            ax.plot(by_seed.index, by_seed[seed], color=color, lw=0.6, alpha=0.3)
        name = figure_text(PERIOD_NAMES[period])
        ax.plot(by_seed.index, by_seed.mean(axis=1), color=color, lw=2,
                label=figure_text("{period} (mean of {n})").format(period=name, n=by_seed.shape[1]))
    if "val" in periods:
        mean = curves.groupby("epoch")["val_loss"].mean()
        best = int(mean.idxmin())
        ax.axvline(best, color=CURVE_COLORS["val"], ls=":", lw=1)
        ax.plot(best, mean[best], "o", color=CURVE_COLORS["val"], ms=7, mfc="white",
                label=figure_text("lowest validation loss: epoch {n}").format(n=best))
    values = curves[[f"{p}_loss" for p in periods]].to_numpy(dtype=float)
    if np.nanmax(values) > 10 * np.nanmin(values[values > 0]):
        ax.set_yscale("log")
    ax.set(xlabel="epoch", ylabel=f"{loss.upper()} ({figure_text(unit)})", title=title or figure_text("Loss per epoch"))
    ax.legend(fontsize=7)
    return ax


def optimizer_curves(networks: list[dict], title: str = "", loss: str = "mae", ax: Axes | None = None) -> Axes:
    """Training loss per epoch, one line per optimizer (`optimizers.results`' networks), log scale."""
    ax = ax or plt.subplots(layout="constrained", figsize=(6, 4))[1]
    for color, run in zip(PATH_COLORS, networks):
        curves = run["curves"]
        ax.plot(curves["epoch"], curves["train_loss"], color=color, lw=1.6, label=f"{run['optimizer']}, η = {run['lr']:g}")
    ax.set(yscale="log", xlabel="epoch", ylabel=figure_text("training {loss} (views)").format(loss=loss.upper()),
           title=title or figure_text("Training loss per epoch"))
    plain = matplotlib.ticker.FuncFormatter(lambda value, _: f"{value:,.0f}")  # 80, 100, 200: not 10²
    ax.yaxis.set_major_formatter(plain)
    ax.yaxis.set_minor_formatter(plain)
    ax.legend(fontsize=7)
    return ax


def classification_loss(z: np.ndarray, grid: np.ndarray, name: str, ax: Axes | None = None) -> Axes:
    """A loss over the two logits (z₁, z₂) when the right class is 1 (`classify.loss_surfaces`)."""
    ax = ax or plt.subplots(layout="constrained", figsize=(5, 4.5))[1]
    filled = ax.contourf(z, z, grid, levels=20, cmap="viridis_r")
    ax.figure.colorbar(filled, ax=ax, label=name)
    ax.plot(-4, 4, "o", color="tab:red", ms=7, label=figure_text("far from the answer: (-4, 4)"))
    ax.set(xlabel=figure_text("z₁ (the right class)"), ylabel="z₂",
           title=figure_text("{loss} of softmax(z₁, z₂), class 1 right").format(loss=name))
    ax.legend(loc="lower right", fontsize=7)
    return ax


def accuracy_curves(runs: list[dict], baselines: dict, ax: Axes | None = None) -> Axes:
    """Training accuracy per epoch, one line per (loss, start); the rules' test accuracy dotted."""
    ax = ax or plt.subplots(layout="constrained", figsize=(6, 4.5))[1]
    styles = {"usual": "-", "confidently wrong": "--"}
    colors = {"cross-entropy": "tab:blue", "mse": "tab:orange"}
    for run in runs:
        accuracy = run["curves"]["train_accuracy"]
        ax.plot(np.arange(1, len(accuracy) + 1), accuracy, styles[run["start"]], color=colors[run["loss"]],
                label=figure_text("{loss}, {start} start").format(loss=run["loss"], start=figure_text(run["start"])))
    for (name, value), color in zip(baselines.items(), ("gray", "black")):
        ax.axhline(value, color=color, ls=":", lw=1, label=figure_text("{rule} (test)").format(rule=figure_text(name)))
    ax.set(xlabel=figure_text("epoch (one full-batch update)"), ylabel=figure_text("training accuracy"),
           title=figure_text("Training accuracy per epoch"))
    ax.legend(fontsize=7)
    return ax


def real_vs_predicted(
    dates: pd.DatetimeIndex,
    views: np.ndarray,
    predicted: dict[str, tuple[pd.DatetimeIndex, np.ndarray]],
    periods: dict[str, tuple[str, str]] | None = None,
    title: str = "",
    unit: str = "views",
    ax: Axes | None = None,
) -> Axes:
    """The real views (red) and each model's estimate (blue, then other colours), weekends shaded.

    `predicted`: label -> (dates, values). `periods`: name -> (first, last day), drawn as
    labelled spans when the picture covers more than one period.
    """
    ax = ax or plt.subplots(layout="constrained", figsize=(9, 3.5))[1]
    dates = pd.DatetimeIndex(dates)
    weekend = dates.day_of_week >= 5
    if len(dates) <= 400:  # on a longer stretch the shading would be a grey wash
        ax.fill_between(dates, 0, 1, where=weekend, step="mid", transform=ax.get_xaxis_transform(),
                        color="0.85", lw=0, label=figure_text("Saturday, Sunday"))
    ax.plot(dates, views, color=REAL, lw=1.2, label=figure_text("real {unit}").format(unit=figure_text(unit)))
    for color, (label, (when, values)) in zip((ESTIMATE, "tab:green", "tab:purple", "tab:brown"), predicted.items()):
        estimate = pd.Series(np.asarray(values, float), index=pd.DatetimeIndex(when)).asfreq("D")  # a gap stays a gap
        ax.plot(estimate.index, estimate.to_numpy(), color=color, lw=1, label=figure_label(label))
    for name, (start, end) in (periods or {}).items():
        color = PERIOD_COLORS.get(name, "0.5")
        ax.axvspan(pd.Timestamp(start), pd.Timestamp(end), color=color, alpha=0.07, lw=0)
        ax.text(pd.Timestamp(start), 0.97, f" {figure_text(name)}", transform=ax.get_xaxis_transform(), fontsize=8, color=color, va="top")
    ax.set(ylabel=figure_text("{unit} a day").format(unit=figure_text(unit)),
           title=title or figure_text("Real views and the model's estimate"))
    ax.legend(fontsize=7, loc="lower left", ncol=2, framealpha=0.8)
    ax.figure.autofmt_xdate()
    return ax


def table_chart(table: dict, ax: Axes | None = None) -> Axes:
    """A lecture table from `results.json`: training and test MAE per row (mean, with the std
    over seeds as error bars), the lecture's numbers as hollow markers, each baseline's
    test MAE as a dashed or dotted line."""
    ax = ax or plt.subplots(layout="constrained", figsize=(7, 4))[1]
    rows = table["rows"]
    x = np.arange(len(rows))
    for offset, period, color in ((-0.1, "train", "tab:blue"), (0.1, "test", "tab:red")):
        means = [row[period]["mean"] for row in rows]
        stds = [row[period]["std"] for row in rows]
        name = figure_text(PERIOD_NAMES[period])
        ax.errorbar(x + offset, means, yerr=stds, fmt="o", color=color, capsize=3,
                    label=figure_text("{period} (viewcast)").format(period=name))
        lecture = [(i, row["lecture"][period]) for i, row in enumerate(rows) if row.get("lecture")]
        if lecture:
            where, values = zip(*lecture)
            ax.plot(np.array(where) + offset, values, "D", mfc="none", mec=color, ms=7,
                    label=figure_text("{period} (lecture)").format(period=name))
    for style, baseline in zip(("--", ":"), table["baselines"]):
        if baseline["test"]["mae"] is not None:
            rule = figure_text(baseline["label"].removeprefix("baseline: "))
            ax.axhline(baseline["test"]["mae"], color="0.4", ls=style, lw=1, label=figure_text("test, {rule}").format(rule=rule))
    ax.set_xticks(x, [figure_label(row["label"]).replace(" on ", "\n") for row in rows], fontsize=8)
    ax.set(ylabel=figure_text("MAE (views)"), title=figure_text(table["title"]))
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=7)
    return ax


def weights_bars(weights: dict, ax: Axes | None = None) -> Axes:
    """The 7-day linear model's weights w₁..w₇ (mean ± std over seeds) beside the lecture's."""
    ax = ax or plt.subplots(layout="constrained", figsize=(6, 3.5))[1]
    ours = weights["w"]
    lecture = weights["lecture"]["w"]
    x = np.arange(1, len(ours) + 1)
    ax.bar(x - 0.2, [w["mean"] for w in ours], 0.4, yerr=[w["std"] for w in ours], capsize=2,
           color="tab:blue", label=figure_text("viewcast: b = {b} views").format(b=f"{weights['b']['mean']:,.0f}"))
    ax.bar(x + 0.2, lecture, 0.4, color="0.7", label=figure_text("lecture: b = {b} views").format(b=f"{weights['lecture']['b']:,.0f}"))
    ax.axhline(0, color="black", lw=0.6)
    ago = [(figure_text("{n} days ago") if j > 1 else figure_text("{n} day ago")).format(n=j) for j in x]
    ax.set_xticks(x, [f"w{j}\n{text}" for j, text in zip(x, ago)], fontsize=7)
    ax.set(ylabel=figure_text("weight"), title=figure_text("y = b + Σ w_j x_j on 7 days: the weights"))
    ax.legend(fontsize=7)
    return ax
