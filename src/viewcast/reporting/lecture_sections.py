"""Sections 1-7 of `report.html`, the lecture itself: the error surface and gradient descent
on it (learning rate, batch size), the loss curves, real vs predicted views, the tables and
the 7-day weights."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..core.i18n import _, figure_text, ngettext, sentences
from ..core.units import days_text, k, model_label
from ..lecture.guide import told
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
    return _(" and ").join(_("{days} ago").format(days=days_text(int(j) + 1)) for j in order)


def _surface_axes(surface: dict, loss: str, paths: list[Path], marks=(), exact=True, ax=None):
    s = surface["surfaces"][loss]
    return plots.error_surface(
        np.array(surface["w"]), np.array(surface["b"]), np.array(s["grid"]), paths,
        best_grid=tuple(s["best_grid"][:2]), exact=tuple(s["exact"][:2]) if exact else None,
        loss=loss, marks=marks, ax=ax,
    )


def _surface(run: LectureRun) -> Section:
    title = _("1. The error surface")
    surface = run.surface
    if surface is None:
        return missing(title, "surface.json")
    fig, axes = plots.panels(2, (12, 4.5))
    for loss, ax in zip(("mae", "mse"), axes):
        _surface_axes(surface, loss, [Path.from_dict(surface["surfaces"][loss]["path"])], ax=ax)
    mae = surface["surfaces"]["mae"]
    path = mae["path"]
    train = run.results["periods"]["train"]
    mse = surface["surfaces"]["mse"]["exact"]
    text = [
        _("Step 2 of the lecture, the loss L(w, b) of the one-day model y = b + w x₁, computed for every (w, b) of a "
          "{n_w} × {n_b} grid on the {n} training days ({start}..{end}) whose yesterday is known. Yellow is lower. "
          "The lowest grid point (×) is w = {grid_w}, b = {grid_b} (MAE {grid_loss}); the exact optimum (★), found "
          "without a grid, is w = {w}, b = {b} (MAE {loss}).").format(
            n_w=len(surface["w"]), n_b=len(surface["b"]), n=f"{surface['n_examples']:,}", start=train["start"], end=train["end"],
            grid_w=f"{mae['best_grid'][0]:.2f}", grid_b=k(mae["best_grid"][1]), grid_loss=k(mae["best_grid"][2]),
            w=f"{mae['exact'][0]:.3f}", b=k(mae["exact"][1]), loss=k(mae["exact"][2])),
        _("Step 3, gradient descent, starts at w = {w0}, b = {b0} (●) and walks downhill with η = {lr}: after {n} updates "
          "it is at w = {w}, b = {b} (■).").format(
            w0=f"{surface['start'][0]:.2f}", b0=k(surface["start"][1]), lr=f"{path['lr']:g}", n=f"{path['updates'][-1]:,}",
            w=f"{path['w'][-1]:.3f}", b=k(path["b"][-1])),
        _("Right, the same with MSE: squared errors weigh the large misses more, so its optimum lies elsewhere "
          "(w = {w}, b = {b}).").format(w=f"{mse[0]:.3f}", b=k(mse[1])),
    ]
    one_day = run.results["tables"].get("one_day")
    if one_day is not None:
        f, trained = one_day["function"], one_day["rows"][0]["train"]["mean"]
        text.append(_("The lecture found w* = {w}, b* = {b} on its own channel.").format(w=f["lecture"]["w"], b=k(f["lecture"]["b"], 1)))
        text.append(_(
            "The one-day table's model, trained with the lecture's settings ({optimizer}, mini-batches, {n_epochs} epochs), "
            "ended at w = {w}, b = {b}, with a training MAE of {loss}: {where} of the error surface (on slightly different "
            "days: its table's).").format(
                optimizer=run.results["training"]["optimizer"], n_epochs=run.results["training"]["n_epochs"],
                w=f"{f['w']['mean']:.2f}", b=k(f["b"]["mean"]), loss=k(trained), where=above(trained, mae["exact"][2])))
    return Section(title, text, {"1-error-surface.png": fig}, explorer=explorer.descent())


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
    title = _("2. Learning rate and number of updates")
    surface = run.surface
    if surface is None:
        return missing(title, "surface.json")
    paths, best, fig = _mse_paths(surface, "learning_rates")
    outcomes = []
    for p in paths:
        if p.diverged_at is not None:
            outcomes.append(_("η = {lr} overshoots: each step lands higher up the other side of the valley, and viewcast "
                              "stops it at update {n}, when the loss has exploded (dashed)").format(lr=f"{p.lr:g}", n=f"{p.diverged_at:,}"))
        else:
            outcomes.append(_("η = {lr} ends {where}").format(lr=f"{p.lr:g}", where=above(p.loss[-1], best)))
    slow = Path.from_dict(surface["updates"]["path"])
    marks = surface["updates"]["marks"]
    fig2, (ax2,) = plots.panels(1, (6, 4.5))
    _surface_axes(surface, "mse", [slow], marks=marks, ax=ax2)
    at = {mark: slow.loss[np.searchsorted(slow.updates, mark)] for mark in marks if mark in set(slow.updates)}
    text = [
        _("The learning rate η is a hyperparameter: people set it. Each path starts from the same point on the MSE surface "
          "and makes {n} full-batch updates: {outcomes}.").format(n=f"{paths[0].updates[-1]:,}", outcomes=_("; ").join(outcomes)),
        _("A small η is safe but slow. With η = {lr}, the path after {marks} (the white diamonds).").format(
            lr=f"{slow.lr:g}", marks=_(", ").join(_("{n} updates is {where}").format(n=f"{mark:,}", where=above(loss, best))
                                                   for mark, loss in at.items())),
    ]
    return Section(title, text, {"2-learning-rate.png": fig, "2-updates.png": fig2})


def _batch_size(run: LectureRun) -> Section:
    title = _("3. Batch size")
    surface = run.surface
    if surface is None:
        return missing(title, "surface.json")
    paths, best, fig = _mse_paths(surface, "batch_sizes")
    n = surface["n_examples"]
    described = []
    for p in paths:
        how = _("the full batch") if p.batch_size == 0 else f"B = {p.batch_size}"
        described.append(ngettext("{batch}: {n} update per epoch, ending {where}", "{batch}: {n} updates per epoch, ending {where}",
                                  p.updates_per_epoch).format(batch=how, n=f"{p.updates_per_epoch:,}", where=above(p.loss[-1], best)))
    text = [
        _("Mini-batches: the {n} examples are shuffled and cut into batches of B; each batch gives one update, so one epoch "
          "is N/B updates. Every path makes {updates} updates with η = {lr}: {paths}.").format(
            n=f"{n:,}", updates=f"{paths[0].updates[-1]:,}", lr=f"{paths[0].lr:g}", paths=_("; ").join(described)),
        _("The full batch computes the true gradient and walks smoothly down; a small batch sees a noisy estimate of it "
          "and zig-zags, but each of its updates costs B/N of a full-batch one."),
    ]
    return Section(title, text, {"3-batch-size.png": fig}, explorer=explorer.batches())


def _loss_curves(run: LectureRun) -> Section:
    title = _("4. Loss curves")
    curves = run.curves
    depth = run.results["tables"].get("depth")
    if curves is None or depth is None or run.results["selection"] is None:
        return missing(title, _("curves.csv with the depth table"))
    labels = [row["label"] for row in depth["rows"]]
    selection = curves[(curves["phase"] == "selection") & curves["same_days"]]
    fig, axes = plots.panels(len(labels), (4 * len(labels), 3.8), sharey=True)
    notes = []
    for label, ax in zip(labels, axes):
        rows = selection[selection["label"] == label]
        plots.loss_curves(rows, title=plots.figure_label(label), ax=ax)
        mean = rows.groupby("epoch")["val_loss"].mean()
        notes.append(_("{model}: lowest at epoch {epoch} ({lowest}), {last} at the end").format(
            model=model_label(label), epoch=int(mean.idxmin()), lowest=k(mean.min()), last=k(mean.iloc[-1])))
    periods = run.results["periods"]
    text = [
        _("The depth table's models trained again on {start}..{end}, with the loss on the held-out {val_start}..{val_end} "
          "(validation) measured after every epoch: each seed faint, their mean bold. A validation loss that bottoms out "
          "and rises again while the training loss keeps falling is overfitting, seen as it happens.").format(
            start=periods["selection_train"]["start"], end=periods["selection_train"]["end"],
            val_start=periods["validation"]["start"], val_end=periods["validation"]["end"]),
        _("Mean validation loss: {models}. The dotted line marks the epoch with the lowest mean validation loss; the "
          "lecture's settings train every model for the same number of epochs, without early stopping.").format(models=_("; ").join(notes)),
    ]
    return Section(title, text, {"4-loss-curves.png": fig})


def _real_vs_predicted(run: LectureRun) -> Section:
    title = _("5. Real views and the estimate")
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
        loss = k(np.mean(np.abs(rows["views"] - rows["predicted"])))
        scores.append(_("{model}: MAE {loss} on these days").format(model=model_label(label), loss=loss))
    plots.real_vs_predicted(real.index, real.to_numpy(), estimates,
                            title=figure_text("The first {n} test days").format(n=FIRST_TEST_DAYS), ax=ax)

    periods = run.results["periods"]
    whole = predictions[predictions["label"] == chosen[-1]].sort_values("date")
    full = _real_days(predictions, (predictions["date"].min(), predictions["date"].max()))
    shown = {"training": (periods["train"]["start"], periods["train"]["end"]), "test": (periods["test"]["start"], periods["test"]["end"])}
    if "validation" in periods:
        shown = {"training": (periods["train"]["start"], periods["validation"]["start"]), "validation":
                 (periods["validation"]["start"], periods["validation"]["end"]), "test": shown["test"]}
    fig2, (ax2,) = plots.panels(1, (10, 3.8))
    plots.real_vs_predicted(full.index, full.to_numpy(), {chosen[-1]: (whole["date"], whole["predicted"].to_numpy())},
                            periods=shown, title=figure_text("The whole series"), ax=ax2)
    colors = (_("blue is what {model} predicted"), _("green is what {model} predicted"))
    said = [color.format(model=model_label(label)) for color, label in zip(colors, chosen)]
    text = [
        _("Red is what happened; {estimates}, from the days before, averaged over the seeds; Saturdays and Sundays are "
          "shaded. {scores}.").format(scores=_("; ").join(scores),
                                      estimates=_(", ").join(said)),
    ]
    if chosen[0] == "linear on 1 day":
        text.append(_("The one-day model's estimate is roughly the real curve shifted by a day, as in the lecture: it can "
                      "only say that today will look like yesterday."))
    text.append(_("Below, {model} on the whole series, with the periods: {periods}.").format(
        model=model_label(chosen[-1]), periods=_(", ").join(f"{_(name)} {start}..{end}" for name, (start, end) in shown.items())))
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
    title = _("6. The lecture's tables")
    tables = run.results["tables"]
    figures = {}
    for key in ("lags", "width", "depth"):
        if key in tables:
            ax = plots.table_chart(tables[key])
            figures[f"6-{key}.png"] = ax.figure
    text = [
        _("Each table as a chart: training and test MAE per model, the mean over seeds with their spread (one standard "
          "deviation) as error bars, the lecture's own numbers as hollow diamonds (its channel, not this series: "
          "compare the shapes), and the best baseline's test MAE as a dashed line."),
    ]
    for key in ("lags", "width", "depth"):
        if key in tables:
            text.append(_table_sentence(tables[key]))
    return Section(title, text, figures, preformatted=lecture_tables(run.results), explorer=explorer.sigmoids())


def _table_sentence(table: dict) -> str:
    rows = table["rows"]
    sentence = _("{table}: training {train}; test {test}.").format(
        table=_(table["title"]), train=", ".join(k(r["train"]["mean"]) for r in rows), test=", ".join(k(r["test"]["mean"]) for r in rows))
    return sentences(sentence, *(v.text for v in told(table)))


def _weights(run: LectureRun) -> Section:
    title = _("7. The 7-day weights")
    lags = run.results["tables"].get("lags")
    if lags is None:
        return missing(title, _("lags table"))
    weights = lags["weights_7"]
    ax = plots.weights_bars(weights)
    w = [x["mean"] for x in weights["w"]]
    order = np.argsort(np.abs(w))[::-1][:2]
    text = [
        _("The linear model on 7 days, y = b + Σ w_j x_j: w₁..w₇ = {w} (mean over seeds), b = {b}; the lecture's: "
          "{lecture_w}, b = {lecture_b}.").format(
            w=", ".join(f"{x:.2f}" for x in w), b=k(weights["b"]["mean"]),
            lecture_w=", ".join(f"{x:.2f}" for x in weights["lecture"]["w"]), lecture_b=k(weights["lecture"]["b"])),
        _("The weights largest in size are here on {here}, in the lecture on {lecture}.").format(
            here=_ago(order), lecture=_ago(np.argsort(np.abs(weights["lecture"]["w"]))[::-1][:2])),
    ]
    return Section(title, text, {"7-weights.png": ax.figure})


SECTIONS = (_surface, _learning_rate, _batch_size, _loss_curves, _real_vs_predicted, _tables, _weights)
"""Each makes one section from a lecture folder's run, in the report's order."""
