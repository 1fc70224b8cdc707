"""`report.html`: the lecture's pictures, with a short text for each, in one self-contained file.

Everything comes from a saved lecture folder (`lecture.load_lecture`): making a report
never trains. The images are PNGs embedded as data URIs and the style sheet is inline,
so the file opens anywhere, offline, with no request to the network; it has no script.

    >>> from viewcast.lecture import load_lecture
    >>> html, figures = build(load_lecture("runs/lecture"))
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import plots
from .display import days, k, lecture_tables
from .surface import Path

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .lecture import LectureRun

DPI = 100
FIRST_TEST_DAYS = 45  # the lecture shows the first 45 days of its test year


@dataclass
class Section:
    """One part of the report: a title, paragraphs (plain text), figures by file name, and
    optionally preformatted text (the tables)."""

    title: str
    paragraphs: list[str]
    figures: dict[str, Figure] = field(default_factory=dict)
    preformatted: str = ""


def build(run: LectureRun) -> tuple[str, dict[str, bytes]]:
    """The report's HTML, and each figure as PNG bytes by file name (e.g. `1-error-surface.png`)."""
    pngs, parts = {}, []
    for section in sections(run):
        images = []
        for name, fig in section.figures.items():
            pngs[name] = plots.png(fig, DPI)
            alt = fig.axes[0].get_title() or section.title
            uri = "data:image/png;base64," + base64.b64encode(pngs[name]).decode("ascii")
            images.append(f'<img src="{uri}" alt="{html.escape(alt)}">')
        text = "".join(f"<p>{html.escape(p)}</p>" for p in section.paragraphs)
        pre = f"<details><summary>The numbers</summary><pre>{html.escape(section.preformatted)}</pre></details>" if section.preformatted else ""
        parts.append(f"<section><h2>{html.escape(section.title)}</h2>{text}{''.join(images)}{pre}</section>")
    source = run.results["data"]["source"]
    return PAGE.format(title=html.escape(f"viewcast: the lecture on {source}"), intro=_intro(run), body="\n".join(parts)), pngs


def sections(run: LectureRun) -> list[Section]:
    """The sections, in the lecture's order; a part missing from the folder says so."""
    return [
        _surface(run),
        _learning_rate(run),
        _batch_size(run),
        _loss_curves(run),
        _real_vs_predicted(run),
        _tables(run),
        _weights(run),
        _mismatch(run),
        _optimizers(run),
        _doctor(run),
        _classification(run),
    ]


def _above(loss: float, minimum: float) -> str:
    """'3.2% above', or 'at' when within 0.05%."""
    if minimum <= 0:
        return "at" if loss <= minimum else f"{loss:,.4g} above"
    excess = 100 * (loss / minimum - 1)
    return "at" if abs(excess) < 0.05 else f"{excess:.1f}% {'above' if excess > 0 else 'below'}"


def _ago(order) -> str:
    """'7 days ago and 1 day ago' from 0-based weight indices."""
    return " and ".join(f"{days(int(j) + 1)} ago" for j in order)


def _missing(title: str, what: str) -> Section:
    return Section(title, [f"This folder has no {what}: it was written by an older viewcast or with fewer "
                           "tables (--tables). Run `viewcast lecture` again to get this section."])


def _intro(run: LectureRun) -> str:
    r = run.results
    t, periods = r["training"], r["periods"]
    text = (
        f"Data: {r['data']['source']}, {r['data']['first']}..{r['data']['last']}. "
        f"Training {periods['train']['start']}..{periods['train']['end']}, "
        f"test {periods['test']['start']}..{periods['test']['end']}. Every model: {t['loss'].upper()}, "
        f"{t['optimizer']}, η = {t['lr']:g}, batch {t['batch_size'] or 'full'}, {t['n_epochs']} epochs, "
        f"{len(r['seeds'])} seeds. Losses are in views."
    )
    if r["short_run"]:
        text += " This is a short run (fewer epochs or seeds than the default): a quick look, not the reference numbers."
    return f"<p>{html.escape(text)}</p>"


# -- 1-3: the error surface --------------------------------------------------------


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
        return _missing(title, "surface.json")
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
            f"{_above(trained, mae['exact'][2])} the exact optimum (on slightly different days: its table's)."
        )
    return Section(title, text, {"1-error-surface.png": fig})


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
        return _missing(title, "surface.json")
    paths, best, fig = _mse_paths(surface, "learning_rates")
    outcomes = []
    for p in paths:
        if p.diverged_at is not None:
            outcomes.append(f"η = {p.lr:g} overshoots: each step lands higher up the other side of the valley, and "
                            f"viewcast stops it at update {p.diverged_at:,}, when the loss has exploded (dashed)")
        else:
            outcomes.append(f"η = {p.lr:g} ends {_above(p.loss[-1], best)} the minimum")
    slow = Path.from_dict(surface["updates"]["path"])
    marks = surface["updates"]["marks"]
    fig2, (ax2,) = plots.panels(1, (6, 4.5))
    _surface_axes(surface, "mse", [slow], marks=marks, ax=ax2)
    at = {mark: slow.loss[np.searchsorted(slow.updates, mark)] for mark in marks if mark in set(slow.updates)}
    text = [
        f"The learning rate η is a hyperparameter: people set it. Each path starts from the same point on the MSE "
        f"surface and makes {paths[0].updates[-1]:,} full-batch updates: " + "; ".join(outcomes) + ".",
        f"A small η is safe but slow. With η = {slow.lr:g}, the path after "
        + ", ".join(f"{mark:,} updates is {_above(loss, best)} the minimum" for mark, loss in at.items())
        + " (the white diamonds).",
    ]
    return Section(title, text, {"2-learning-rate.png": fig, "2-updates.png": fig2})


def _batch_size(run: LectureRun) -> Section:
    title = "3. Batch size"
    surface = run.surface
    if surface is None:
        return _missing(title, "surface.json")
    paths, best, fig = _mse_paths(surface, "batch_sizes")
    n = surface["n_examples"]
    described = []
    for p in paths:
        how = "the full batch" if p.batch_size == 0 else f"B = {p.batch_size}"
        described.append(f"{how}: {p.updates_per_epoch:,} update{'s' if p.updates_per_epoch > 1 else ''} per epoch, "
                         f"ending {_above(p.loss[-1], best)} the minimum")
    text = [
        f"Mini-batches: the {n:,} examples are shuffled and cut into batches of B; each batch gives one update, so one "
        f"epoch is N/B updates. Every path makes {paths[0].updates[-1]:,} updates with η = {paths[0].lr:g}: "
        + "; ".join(described) + ".",
        "The full batch computes the true gradient and walks smoothly down; a small batch sees a noisy estimate of it "
        "and zig-zags, but each of its updates costs B/N of a full-batch one.",
    ]
    return Section(title, text, {"3-batch-size.png": fig})


# -- 4-5: training curves and predictions ------------------------------------------


def _loss_curves(run: LectureRun) -> Section:
    title = "4. Loss curves"
    curves = run.curves
    depth = run.results["tables"].get("depth")
    if curves is None or depth is None or run.results["selection"] is None:
        return _missing(title, "curves.csv with the depth table")
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
        return _missing(title, "predictions.csv")
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


# -- 6-7: the tables -----------------------------------------------------------------


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
    return Section(title, text, figures, preformatted=lecture_tables(run.results))


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
        return _missing(title, "lags table")
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


# -- 8: mismatch ---------------------------------------------------------------------


def _mismatch(run: LectureRun) -> Section:
    title = "8. Mismatch: when the world changes"
    m = run.mismatch
    if m is None:
        return _missing(title, "mismatch.json")
    fig, axes = plots.panels(len(m["models"]), (5 * len(m["models"]), 3.8))
    for model, ax in zip(m["models"], axes):
        plots.loss_curves(pd.DataFrame(model["curves"]), title=model["label"], unit="people", ax=ax)
    views = pd.Series(m["views"]["values"], index=pd.to_datetime(m["views"]["dates"]), dtype=float)
    test_start = pd.Timestamp(m["periods"]["test"]["start"])
    shown = views.loc[test_start - pd.Timedelta(days=180) : m["periods"]["test"]["end"]]
    estimates = {}
    for model in m["models"]:
        dates = pd.to_datetime(model["predictions"]["train"]["dates"] + model["predictions"]["test"]["dates"])
        values = pd.Series(model["predictions"]["train"]["values"] + model["predictions"]["test"]["values"], index=dates)
        part = values.loc[shown.index[0] :]
        estimates[model["label"]] = (part.index, part.to_numpy())
    fig2, (ax2,) = plots.panels(1, (10, 3.8))
    periods = {"training": (str(shown.index[0].date()), m["periods"]["train"]["end"]),
               "test": (m["periods"]["test"]["start"], m["periods"]["test"]["end"])}
    plots.real_vs_predicted(shown.index, shown.to_numpy(), estimates, periods=periods, unit="people",
                            title="Pedestrians a day: the end of training and the test year", ax=ax2)
    naive = m["baselines"]["test"]["same as yesterday"]
    models = m["models"]
    scores = "; ".join(
        f"{x['label']}: training MAE {x['train']['mae']['mean']:,.0f} ({x['train']['mape']['mean']:.0f}%), "
        f"test {x['test']['mae']['mean']:,.0f} ({x['test']['mape']['mean']:.0f}%)"
        for x in models
    )
    beaten = [x["label"] for x in models if naive["mae"] < x["test"]["mae"]["mean"]]
    ratio = max(x["test"]["mae"]["mean"] / x["train"]["mae"]["mean"] for x in models)
    worst = max(models[0]["test_mae_by_month"].items(), key=lambda item: item[1])
    text = [
        f"The bundled pedestrians series counts people passing one sensor in Melbourne. Models trained on "
        f"{m['periods']['train']['start']}..{m['periods']['train']['end']}, with the same settings as the tables, "
        f"meet {m['periods']['test']['start'][:4]}, when the COVID lockdowns emptied the streets.",
        f"{scores}. The test loss is up to {ratio:.1f} times the training loss. The rule 'same as yesterday' scores "
        f"{naive['mae']:,.0f} ({naive['mape']:.0f}%) on the test year"
        + (f", better than {' and '.join(beaten)}: it carries no memory of the old level." if beaten else "."),
        f"The first figure shows each model's loss per epoch on both periods (mean over seeds); the second, the "
        f"estimates when the counts collapse (the worst month for {models[0]['label']} is {worst[0]}, "
        f"MAE {worst[1]:,.0f}).",
        "When the test data comes from a different world than the training data, and the training data holds no "
        "example of the new one, the lecture calls it mismatch. Unlike overfitting, it is not cured by a smaller "
        "model or more data from the old world. The lecture's advice: know how the test data may differ from the "
        "training data, and validate on the most recent period, as viewcast's model selection does.",
    ]
    return Section(title, text, {"8-mismatch-curves.png": fig, "8-mismatch.png": fig2})


# -- 9: optimizers ---------------------------------------------------------------------


def optimizer_figures(results: dict) -> dict[str, Figure]:
    """The networks' training curves, and the rules' paths on the error surface: one panel
    per schedule in each (`optimizers.results`)."""
    from .optimizers import SCHEDULES

    figures = {}
    fig, axes = plots.panels(len(SCHEDULES), (6 * len(SCHEDULES), 4.2), sharey=True)
    for schedule, ax in zip(SCHEDULES, axes):
        runs = [r for r in results["networks"] if r["schedule"] == schedule]
        plots.optimizer_curves(runs, title=f"{results['model']}: η {schedule}", loss=results["settings"]["loss"], ax=ax)
    figures["optimizers.png"] = fig
    surface = results["surface"]
    fig, axes = plots.panels(len(SCHEDULES), (6 * len(SCHEDULES), 4.5))
    for schedule, ax in zip(SCHEDULES, axes):
        paths = [Path.from_dict(p) for p in surface["paths"][schedule]]
        plots.error_surface(np.array(surface["w"]), np.array(surface["b"]), np.array(surface["grid"]), paths,
                            exact=tuple(surface["exact"][:2]), loss="mse", ax=ax)
        ax.set_title(f"y = b + w x₁ (MSE), η {schedule}")
    figures["optimizers-surface.png"] = fig
    return figures


def _optimizers(run: LectureRun) -> Section:
    title = "9. Optimizers side by side"
    results = run.optimizers
    if results is None:
        return _missing(title, "optimizers.json")
    figures = optimizer_figures(results)
    surface, networks = results["surface"], results["networks"]
    walked = "; ".join(
        f"{row['rule']} (η = {row['lr']:g}) " + (f"diverged at update {row['diverged_at']}" if row["diverged_at"] is not None
                                                   else f"ends {_above(row['final_mse'], surface['exact'][2])} the minimum")
        for row in surface["table"] if row["schedule"] == "constant"
    )
    best = min(networks, key=lambda r: r["train"])
    lines = "; ".join(f"{r['optimizer']} {k(r['train'])} (test {k(r['test'])})" for r in networks if r["schedule"] == "constant")
    text = [
        f"The same model from the same start with five update rules (momentum m ← λm - ηg; Adagrad and RMSProp "
        f"divide η by σ, the root mean square of past gradients, over all of them or recent ones; Adam = RMSProp + "
        f"momentum). On the error surface of the one-day model, in thousands of views so that w and b share a scale, "
        f"{surface['paths']['constant'][0]['updates'][-1]:,} full-batch updates each: {walked}. Look for gradient "
        "descent zig-zagging across the narrow valley and momentum overshooting it, while the adaptive rules take "
        "similar steps in every direction. Right: the same with warm-up and cosine decay of η.",
        f"{results['model']}, trained {results['settings']['n_epochs']} epochs from the same initial weights (seed "
        f"{results['settings']['seed']}, the same mini-batches), each optimizer at a rate common for it. Final training "
        f"MAE with a constant η: {lines}. Lowest of all: {best['optimizer']} with {best['schedule']}, {k(best['train'])}.",
    ]
    table = "\n".join(
        f"{r['optimizer']:<9} {r['schedule']:<17} η = {r['lr']:<7g} train {k(r['train']):>7}  test {k(r['test']):>6}"
        for r in networks
    )
    return Section(title, text, figures, preformatted=table)


def _doctor(run: LectureRun) -> Section:
    from .doctor import NEXT, examine

    findings = examine(run.results)
    text = ["The lecture's general guide, walked on this folder's tables (as `viewcast doctor` prints it): is the "
            "training loss large (model bias, or an optimization failure when the model could express something "
            "better), and if not, is the test loss large (overfitting, or a test period that differs: mismatch)?"]
    text += [f"{f.kind.capitalize()}: {f.text.rstrip('.')}. Next: {NEXT[f.kind]}." for f in findings]
    if not findings:
        text.append("Nothing found: every model trains at least as well as the naive rules it contains, and no bigger model does worse on unseen data.")
    return Section("10. The general guide", text)


def _classification(run: LectureRun) -> Section:
    title = "11. Classification: softmax and cross-entropy"
    c = run.classification
    if c is None:
        return _missing(title, "classification.json")
    surfaces = c["surfaces"]
    fig, axes = plots.panels(3, (17, 4.5))
    z = np.array(surfaces["z"])
    for name, ax in zip(("cross-entropy", "mse"), axes):
        plots.classification_loss(z, np.array(surfaces[name]["grid"]), name.upper() if name == "mse" else name, ax=ax)
    plots.accuracy_curves(c["runs"], c["baselines"], ax=axes[2])
    runs = {(r["loss"], r["start"]): r for r in c["runs"]}
    scores = "; ".join(f"{loss}, {start} start: training accuracy {r['train_accuracy']:.1%}, test {r['test_accuracy']:.1%}"
                       for (loss, start), r in runs.items())
    wrong = {loss: runs[loss, "confidently wrong"]["curves"]["grad_norm"][0] for loss in ("cross-entropy", "mse")}
    text = [
        f"A class instead of a number: {c['task']} ({c['share_above']['train']:.0%} of the {c['examples']['train']:,} "
        f"training days are). {c['model']}; the inputs are the last days divided by the week's median. The same three "
        f"steps, with plain gradient descent (η = {c['training']['lr']:g}, full batch, {c['training']['n_epochs']} epochs).",
        f"Left, the two losses over the logits when class 1 is right: far from it, at (-4, 4), cross-entropy's gradient "
        f"has norm {surfaces['cross-entropy']['grad_norm_far']:.3g} and MSE's {surfaces['mse']['grad_norm_far']:.2g}: "
        "MSE is flat there, a plateau. On the real task, started confidently wrong, the first gradient's norm is "
        f"{wrong['cross-entropy']:.3g} with cross-entropy and {wrong['mse']:.2g} with MSE.",
        f"{scores}. Rules that learn nothing score {c['baselines']['majority class']:.1%} (the majority class) and "
        f"{c['baselines']['as 7 days ago']:.1%} (as 7 days ago) on the test days. Adam would hide the plateau: it "
        "divides each step by the gradient's own size.",
    ]
    return Section(title, text, {"11-classification.png": fig})


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
  body {{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.5;
         max-width: 60rem; margin: 0 auto; padding: 1rem; color: #222; }}
  h1 {{ font-size: 1.5rem; }} h2 {{ font-size: 1.2rem; margin-top: 2.5rem; border-bottom: 1px solid #ddd; }}
  img {{ max-width: 100%; height: auto; display: block; margin: 1rem 0; }}
  pre {{ overflow-x: auto; font-size: 0.75rem; background: #f6f6f6; padding: 0.5rem; }}
  summary {{ cursor: pointer; color: #555; }}
</style>
</head>
<body>
<h1>{title}</h1>
{intro}
{body}
<p><small>Made by viewcast from the files of this lecture folder; nothing was trained to make it.</small></p>
</body>
</html>
"""
