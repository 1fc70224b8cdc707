"""Sections 1-7 of `report.html`, the lecture itself: the error surface and gradient descent
on it (learning rate, batch size), the loss curves, real vs predicted views, the tables and
the 7-day weights."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..core.units import days, k
from ..lecture.surface import Path
from . import explorer, plots
from .section import Section, above, missing
from .text import lecture_tables

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..lecture.run import LectureRun


FIRST_TEST_DAYS = 45  # the lecture shows the first 45 days of its test year


def _ago(order) -> str:
    """'7 days ago and 1 day ago' from 0-based weight indices."""
    return " and ".join(f"{days(int(j) + 1)} ago" for j in order)


def _surface_axes(surface: dict, loss: str, paths: list[Path], marks=(), exact=True, ax=None):
    s = surface["surfaces"][loss]
    return plots.error_surface(
        np.array(surface["w"]), np.array(surface["b"]), np.array(s["grid"]), paths,
        best_grid=tuple(s["best_grid"][:2]), exact=tuple(s["exact"][:2]) if exact else None,
        loss=loss, marks=marks, ax=ax,
    )


def _surface(run: LectureRun) -> Section:
    title = "1. The error surface"
    surface = run.surface
    if surface is None:
        return missing(title, "surface.json")
    fig, axes = plots.panels(2, (12, 4.5))
    for loss, ax in zip(("mae", "mse"), axes):
        _surface_axes(surface, loss, [Path.from_dict(surface["surfaces"][loss]["path"])], ax=ax)
    mae = surface["surfaces"]["mae"]
    path = mae["path"]
    train = run.results["periods"]["train"]
    text = [
        f"Step 2 of the lecture, the loss L(w, b) of the one-day model y = b + w x₁, computed for every "
        f"(w, b) of a {len(surface['w'])} × {len(surface['b'])} grid on the {surface['n_examples']:,} training days "
        f"({train['start']}..{train['end']}) whose yesterday is known. Yellow is lower. "
        f"The lowest grid point (×) is w = {mae['best_grid'][0]:.2f}, b = {k(mae['best_grid'][1])} "
        f"(MAE {k(mae['best_grid'][2])}); the exact optimum (★), found without a grid, is w = {mae['exact'][0]:.3f}, "
        f"b = {k(mae['exact'][1])} (MAE {k(mae['exact'][2])}).",
        f"Step 3, gradient descent, starts at w = {surface['start'][0]:.2f}, b = {k(surface['start'][1])} (●) and "
        f"walks downhill with η = {path['lr']:g}: after {path['updates'][-1]:,} updates it is at w = {path['w'][-1]:.3f}, "
        f"b = {k(path['b'][-1])} (■).",
        "Right, the same with MSE: squared errors weigh the large misses more, so its optimum lies elsewhere "
        f"(w = {surface['surfaces']['mse']['exact'][0]:.3f}, b = {k(surface['surfaces']['mse']['exact'][1])}).",
    ]
    one_day = run.results["tables"].get("one_day")
    if one_day is not None:
        f, trained = one_day["function"], one_day["rows"][0]["train"]["mean"]
        text.append(f"The lecture found w* = {f['lecture']['w']}, b* = {k(f['lecture']['b'], 1)} on its own channel.")
        text.append(
            f"The one-day table's model, trained with the lecture's settings ({run.results['training']['optimizer']}, "
            f"mini-batches, {run.results['training']['n_epochs']} epochs), ended at w = {f['w']['mean']:.2f}, "
            f"b = {k(f['b']['mean'])}, with a training MAE of {k(trained)}, "
            f"{above(trained, mae['exact'][2])} the exact optimum (on slightly different days: its table's)."
        )
    return Section(title, text, {"1-error-surface.png": fig}, explorer=explorer.DESCENT)


def _mse_paths(surface: dict, key: str) -> tuple[list[Path], float, Figure]:
    """The saved paths `surface[key]`, the MSE minimum, and their figure: the paths on the MSE
    surface (left) and their loss after each update, with the minimum dotted (right)."""
    paths = [Path.from_dict(p) for p in surface[key]]
    best = surface["surfaces"]["mse"]["exact"][2]
    fig, axes = plots.panels(2, (12, 4.5))
    _surface_axes(surface, "mse", paths, ax=axes[0])
    plots.loss_by_update(paths, "mse", ax=axes[1])
    axes[1].axhline(best, color="black", ls=":", lw=1)
    return paths, best, fig


def _learning_rate(run: LectureRun) -> Section:
    title = "2. Learning rate and number of updates"
    surface = run.surface
    if surface is None:
        return missing(title, "surface.json")
    paths, best, fig = _mse_paths(surface, "learning_rates")
    outcomes = []
    for p in paths:
        if p.diverged_at is not None:
            outcomes.append(f"η = {p.lr:g} overshoots: each step lands higher up the other side of the valley, and "
                            f"viewcast stops it at update {p.diverged_at:,}, when the loss has exploded (dashed)")
        else:
            outcomes.append(f"η = {p.lr:g} ends {above(p.loss[-1], best)} the minimum")
    slow = Path.from_dict(surface["updates"]["path"])
    marks = surface["updates"]["marks"]
    fig2, (ax2,) = plots.panels(1, (6, 4.5))
    _surface_axes(surface, "mse", [slow], marks=marks, ax=ax2)
    at = {mark: slow.loss[np.searchsorted(slow.updates, mark)] for mark in marks if mark in set(slow.updates)}
    text = [
        f"The learning rate η is a hyperparameter: people set it. Each path starts from the same point on the MSE "
        f"surface and makes {paths[0].updates[-1]:,} full-batch updates: " + "; ".join(outcomes) + ".",
        f"A small η is safe but slow. With η = {slow.lr:g}, the path after "
        + ", ".join(f"{mark:,} updates is {above(loss, best)} the minimum" for mark, loss in at.items())
        + " (the white diamonds).",
    ]
    return Section(title, text, {"2-learning-rate.png": fig, "2-updates.png": fig2})


def _batch_size(run: LectureRun) -> Section:
    title = "3. Batch size"
    surface = run.surface
    if surface is None:
        return missing(title, "surface.json")
    paths, best, fig = _mse_paths(surface, "batch_sizes")
    n = surface["n_examples"]
    described = []
    for p in paths:
        how = "the full batch" if p.batch_size == 0 else f"B = {p.batch_size}"
        described.append(f"{how}: {p.updates_per_epoch:,} update{'s' if p.updates_per_epoch > 1 else ''} per epoch, "
                         f"ending {above(p.loss[-1], best)} the minimum")
    text = [
        f"Mini-batches: the {n:,} examples are shuffled and cut into batches of B; each batch gives one update, so one "
        f"epoch is N/B updates. Every path makes {paths[0].updates[-1]:,} updates with η = {paths[0].lr:g}: "
        + "; ".join(described) + ".",
        "The full batch computes the true gradient and walks smoothly down; a small batch sees a noisy estimate of it "
        "and zig-zags, but each of its updates costs B/N of a full-batch one.",
    ]
    return Section(title, text, {"3-batch-size.png": fig}, explorer=explorer.BATCHES)


def _loss_curves(run: LectureRun) -> Section:
    title = "4. Loss curves"
    curves = run.curves
    depth = run.results["tables"].get("depth")
    if curves is None or depth is None or run.results["selection"] is None:
        return missing(title, "curves.csv with the depth table")
    labels = [row["label"] for row in depth["rows"]]
    selection = curves[(curves["phase"] == "selection") & curves["same_days"]]
    fig, axes = plots.panels(len(labels), (4 * len(labels), 3.8), sharey=True)
    notes = []
    for label, ax in zip(labels, axes):
        rows = selection[selection["label"] == label]
        plots.loss_curves(rows, title=label, ax=ax)
        mean = rows.groupby("epoch")["val_loss"].mean()
        notes.append(f"{label}: lowest at epoch {int(mean.idxmin())} ({k(mean.min())}), {k(mean.iloc[-1])} at the end")
    periods = run.results["periods"]
    text = [
        f"The depth table's models trained again on {periods['selection_train']['start']}..{periods['selection_train']['end']}, "
        f"with the loss on the held-out {periods['validation']['start']}..{periods['validation']['end']} (validation) "
        "measured after every epoch: each seed faint, their mean bold. A validation loss that bottoms out and rises "
        "again while the training loss keeps falling is overfitting, seen as it happens.",
        "Mean validation loss: " + "; ".join(notes) + ". The dotted line marks the epoch with the lowest mean "
        "validation loss; the lecture's settings train every model for the same number of epochs, without early stopping.",
    ]
    return Section(title, text, {"4-loss-curves.png": fig})


def _real_vs_predicted(run: LectureRun) -> Section:
    title = "5. Real views and the estimate"
    predictions = run.predictions
    if predictions is None:
        return missing(title, "predictions.csv")
    predictions = _one_per_label(predictions)
    labels = list(dict.fromkeys(predictions["label"]))
    test = predictions[predictions["period"] == "test"]
    first = test["date"].min()
    window = (first, first + pd.Timedelta(days=FIRST_TEST_DAYS - 1))
    chosen = [labels[0]] + [label for label in ("linear on 56 days",) if label in labels]
    fig, (ax,) = plots.panels(1, (10, 3.8))
    real = _real_days(predictions, window)
    chosen = list(dict.fromkeys(chosen))  # one model when the 56-day one is the first
    estimates, scores = {}, []
    for label in chosen:
        rows = test[(test["label"] == label) & test["date"].between(*window)]
        estimates[label] = (rows["date"], rows["predicted"].to_numpy())
        scores.append(f"{label}: MAE {k(np.mean(np.abs(rows['views'] - rows['predicted'])))} on these days")
    plots.real_vs_predicted(real.index, real.to_numpy(), estimates, title=f"The first {FIRST_TEST_DAYS} test days", ax=ax)

    periods = run.results["periods"]
    whole = predictions[predictions["label"] == chosen[-1]].sort_values("date")
    full = _real_days(predictions, (predictions["date"].min(), predictions["date"].max()))
    shown = {"training": (periods["train"]["start"], periods["train"]["end"]), "test": (periods["test"]["start"], periods["test"]["end"])}
    if "validation" in periods:
        shown = {"training": (periods["train"]["start"], periods["validation"]["start"]), "validation":
                 (periods["validation"]["start"], periods["validation"]["end"]), "test": shown["test"]}
    fig2, (ax2,) = plots.panels(1, (10, 3.8))
    plots.real_vs_predicted(full.index, full.to_numpy(), {chosen[-1]: (whole["date"], whole["predicted"].to_numpy())},
                            periods=shown, title="The whole series", ax=ax2)
    colors = ("blue", "green")
    text = [
        "Red is what happened; " + ", ".join(f"{color} what {label} predicted" for color, label in zip(colors, chosen))
        + f" from the days before, averaged over the seeds; Saturdays and Sundays are shaded. {'; '.join(scores)}.",
    ]
    if chosen[0] == "linear on 1 day":
        text.append("The one-day model's estimate is roughly the real curve shifted by a day, as in the lecture: it can "
                    "only say that today will look like yesterday.")
    text.append(f"Below, {chosen[-1]} on the whole series, with the periods: "
                + ", ".join(f"{name} {start}..{end}" for name, (start, end) in shown.items()) + ".")
    return Section(title, text, {"5-real-vs-predicted.png": fig, "5-whole-series.png": fig2})


def _one_per_label(predictions: pd.DataFrame) -> pd.DataFrame:
    """A row in two tables (linear on 1 day: the one-day table's days and the shared days) once:
    on the shared days when it has them."""
    shared = set(predictions.loc[predictions["same_days"], "label"])
    return predictions[predictions["same_days"] | ~predictions["label"].isin(shared)]


def _real_days(predictions: pd.DataFrame, window) -> pd.Series:
    """The real views on every day in `window` that any model was scored on (a gap stays a gap)."""
    real = predictions.drop_duplicates("date").set_index("date")["views"].sort_index()
    return real.loc[window[0] : window[1]].asfreq("D")


def _tables(run: LectureRun) -> Section:
    title = "6. The lecture's tables"
    tables = run.results["tables"]
    figures = {}
    for key in ("lags", "width", "depth"):
        if key in tables:
            ax = plots.table_chart(tables[key])
            figures[f"6-{key}.png"] = ax.figure
    text = [
        "Each table as a chart: training and test MAE per model, the mean over seeds with their spread (one standard "
        "deviation) as error bars, the lecture's own numbers as hollow diamonds (its channel, not this series: "
        "compare the shapes), and the best baseline's test MAE as a dashed line.",
    ]
    for key in ("lags", "width", "depth"):
        if key in tables:
            text.append(_table_sentence(tables[key]))
    return Section(title, text, figures, preformatted=lecture_tables(run.results), explorer=explorer.SIGMOIDS)


def _table_sentence(table: dict) -> str:
    rows = table["rows"]
    train = ", ".join(f"{k(r['train']['mean'])}" for r in rows)
    test = ", ".join(f"{k(r['test']['mean'])}" for r in rows)
    verdicts = " ".join(v["text"] for v in table["diagnosis"])
    sentence = f"{table['title']}: training {train}; test {test}."
    return sentence + (f" {verdicts}" if verdicts else "")


def _weights(run: LectureRun) -> Section:
    title = "7. The 7-day weights"
    lags = run.results["tables"].get("lags")
    if lags is None:
        return missing(title, "lags table")
    weights = lags["weights_7"]
    ax = plots.weights_bars(weights)
    w = [x["mean"] for x in weights["w"]]
    order = np.argsort(np.abs(w))[::-1][:2]
    text = [
        f"The linear model on 7 days, y = b + Σ w_j x_j: w₁..w₇ = {', '.join(f'{x:.2f}' for x in w)} "
        f"(mean over seeds), b = {k(weights['b']['mean'])}; the lecture's: "
        f"{', '.join(f'{x:.2f}' for x in weights['lecture']['w'])}, b = {k(weights['lecture']['b'])}.",
        f"The weights largest in size are here on {_ago(order)}, in the lecture on "
        f"{_ago(np.argsort(np.abs(weights['lecture']['w']))[::-1][:2])}.",
    ]
    return Section(title, text, {"7-weights.png": ax.figure})


SECTIONS = (_surface, _learning_rate, _batch_size, _loss_curves, _real_vs_predicted, _tables, _weights)
"""Each makes one section from a lecture folder's run, in the report's order."""
