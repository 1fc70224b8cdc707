"""Sections 8-11 of `report.html`, the follow-up lectures: mismatch, optimizers side by side,
the general guide on the whole run, and classification."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..core.i18n import N_, _, figure_text, sentences
from ..core.units import PERIOD_HEADERS, k, model_label
from ..lecture.doctor import examine
from ..lecture.optimizers import SCHEDULES
from ..lecture.surface import Path
from . import plots
from .section import Section, above, missing
from .text import classification_words

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..lecture.run import LectureRun


PEOPLE = N_("people")  # what the pedestrians series counts, in its figures


def _mismatch(run: LectureRun) -> Section:
    title = _("8. Mismatch: when the world changes")
    m = run.mismatch
    if m is None:
        return missing(title, "mismatch.json")
    fig, axes = plots.panels(len(m["models"]), (5 * len(m["models"]), 3.8))
    for model, ax in zip(m["models"], axes):
        plots.loss_curves(pd.DataFrame(model["curves"]), title=plots.figure_label(model["label"]), unit=PEOPLE, ax=ax)
    views = pd.Series(m["views"]["values"], index=pd.to_datetime(m["views"]["dates"]), dtype=float)
    test_start = pd.Timestamp(m["periods"]["test"]["start"])
    shown = views.loc[test_start - pd.Timedelta(days=180) : m["periods"]["test"]["end"]]
    estimates = {}
    for model in m["models"]:
        dates = pd.to_datetime(model["predictions"]["train"]["dates"] + model["predictions"]["test"]["dates"])
        values = pd.Series(model["predictions"]["train"]["values"] + model["predictions"]["test"]["values"], index=dates)
        part = values.loc[shown.index[0] :]
        estimates[plots.figure_label(model["label"])] = (part.index, part.to_numpy())
    fig2, (ax2,) = plots.panels(1, (10, 3.8))
    periods = {"training": (str(shown.index[0].date()), m["periods"]["train"]["end"]),
               "test": (m["periods"]["test"]["start"], m["periods"]["test"]["end"])}
    plots.real_vs_predicted(shown.index, shown.to_numpy(), estimates, periods=periods, unit=PEOPLE,
                            title=figure_text("Pedestrians a day: the end of training and the test year"), ax=ax2)
    naive = m["baselines"]["test"]["same as yesterday"]
    models = m["models"]
    scores = _("; ").join(
        _("{model}: training MAE {train} ({train_percent}%), test {test} ({test_percent}%)").format(
            model=model_label(x["label"]), train=f"{x['train']['mae']['mean']:,.0f}", train_percent=f"{x['train']['mape']['mean']:.0f}",
            test=f"{x['test']['mae']['mean']:,.0f}", test_percent=f"{x['test']['mape']['mean']:.0f}")
        for x in models
    )
    beaten = [model_label(x["label"]) for x in models if naive["mae"] < x["test"]["mae"]["mean"]]
    ratio = max(x["test"]["mae"]["mean"] / x["train"]["mae"]["mean"] for x in models)
    worst = max(models[0]["test_mae_by_month"].items(), key=lambda item: item[1])
    naive_score = {"mae": f"{naive['mae']:,.0f}", "percent": f"{naive['mape']:.0f}"}
    text = [
        _("The bundled pedestrians series counts people passing one sensor in Melbourne. Models trained on {start}..{end}, "
          "with the same settings as the tables, meet {year}, when the COVID lockdowns emptied the streets.").format(
            start=m["periods"]["train"]["start"], end=m["periods"]["train"]["end"], year=m["periods"]["test"]["start"][:4]),
        sentences(
            _("{scores}. The test loss is up to {ratio} times the training loss.").format(scores=scores, ratio=f"{ratio:.1f}"),
            _("The rule 'same as yesterday' scores {mae} ({percent}%) on the test year, better than {models}: it carries no "
              "memory of the old level.").format(models=_(" and ").join(beaten), **naive_score) if beaten else
            _("The rule 'same as yesterday' scores {mae} ({percent}%) on the test year.").format(**naive_score)),
        _("The first figure shows each model's loss per epoch on both periods (mean over seeds); the second, the estimates "
          "when the counts collapse (the worst month for {model} is {month}, MAE {mae}).").format(
            model=model_label(models[0]["label"]), month=worst[0], mae=f"{worst[1]:,.0f}"),
        _("When the test data comes from a different world than the training data, and the training data holds no "
          "example of the new one, the lecture calls it mismatch. Unlike overfitting, it is not cured by a smaller "
          "model or more data from the old world. The lecture's advice: know how the test data may differ from the "
          "training data, and validate on the most recent period, as viewcast's model selection does."),
    ]
    return Section(title, text, {"8-mismatch-curves.png": fig, "8-mismatch.png": fig2})


def optimizer_figures(results: dict) -> dict[str, Figure]:
    """The networks' training curves, and the rules' paths on the error surface: one panel
    per schedule in each (`optimizers.results`)."""
    figures = {}
    fig, axes = plots.panels(len(SCHEDULES), (6 * len(SCHEDULES), 4.2), sharey=True)
    for schedule, ax in zip(SCHEDULES, axes):
        runs = [r for r in results["networks"] if r["schedule"] == schedule]
        title = figure_text("{model}: η {schedule}").format(model=plots.figure_label(results["model"]), schedule=figure_text(schedule))
        plots.optimizer_curves(runs, title=title,
                               loss=results["settings"]["loss"], ax=ax)
    figures["optimizers.png"] = fig
    surface = results["surface"]
    fig, axes = plots.panels(len(SCHEDULES), (6 * len(SCHEDULES), 4.5))
    for schedule, ax in zip(SCHEDULES, axes):
        paths = [Path.from_dict(p) for p in surface["paths"][schedule]]
        plots.error_surface(np.array(surface["w"]), np.array(surface["b"]), np.array(surface["grid"]), paths,
                            exact=tuple(surface["exact"][:2]), loss="mse", ax=ax)
        ax.set_title(figure_text("y = b + w x₁ (MSE), η {schedule}").format(schedule=figure_text(schedule)))
    figures["optimizers-surface.png"] = fig
    return figures


def _optimizers(run: LectureRun) -> Section:
    title = _("9. Optimizers side by side")
    results = run.optimizers
    if results is None:
        return missing(title, "optimizers.json")
    figures = optimizer_figures(results)
    surface, networks = results["surface"], results["networks"]
    walked = _("; ").join(
        (_("{rule} (η = {lr}) diverged at update {n}") if row["diverged_at"] is not None else _("{rule} (η = {lr}) ends {where}")).format(
            rule=row["rule"], lr=f"{row['lr']:g}", n=row["diverged_at"], where=above(row["final_mse"], surface["exact"][2]))
        for row in surface["table"] if row["schedule"] == "constant"
    )
    best = min(networks, key=lambda r: r["train"])
    lines = _("; ").join(_("{optimizer} {train} (test {test})").format(optimizer=r["optimizer"], train=k(r["train"]), test=k(r["test"]))
                         for r in networks if r["schedule"] == "constant")
    text = [
        _("The same model from the same start with five update rules (momentum m ← λm - ηg; Adagrad and RMSProp divide η "
          "by σ, the root mean square of past gradients, over all of them or recent ones; Adam = RMSProp + momentum). On "
          "the error surface of the one-day model, in thousands of views so that w and b share a scale, {n} full-batch "
          "updates each: {walked}. Look for gradient descent zig-zagging across the narrow valley and momentum overshooting "
          "it, while the adaptive rules take similar steps in every direction. Right: the same with warm-up and cosine "
          "decay of η.").format(n=f"{surface['paths']['constant'][0]['updates'][-1]:,}", walked=walked),
        _("{model}, trained {n_epochs} epochs from the same initial weights (seed {seed}, the same mini-batches), each "
          "optimizer at a rate common for it. Final training MAE with a constant η: {optimizers}. Lowest of all: {best} "
          "with {schedule}, {loss}.").format(
            model=model_label(results["model"]), n_epochs=results["settings"]["n_epochs"], seed=results["settings"]["seed"],
            optimizers=lines,
            best=best["optimizer"], schedule=_(best["schedule"]), loss=k(best["train"])),
    ]
    train, test = _(PERIOD_HEADERS["train"]), _(PERIOD_HEADERS["test"])
    table = "\n".join(
        f"{r['optimizer']:<9} {r['schedule']:<17} η = {r['lr']:<7g} {train} {k(r['train']):>7}  {test} {k(r['test']):>6}"
        for r in networks
    )
    return Section(title, text, figures, preformatted=table)


def _doctor(run: LectureRun) -> Section:
    findings = examine(run.results)
    text = [_("The lecture's general guide, walked on this folder's tables (as `viewcast doctor` prints it): is the "
              "training loss large (model bias, or an optimization failure when the model could express something "
              "better), and if not, is the test loss large (overfitting, or a test period that differs: mismatch)?")]
    text += [_("{kind}: {finding}. Next: {advice}.").format(kind=_capital(_(f.kind)), finding=f.text.rstrip(".。"), advice=f.advice)
             for f in findings]
    if not findings:
        text.append(_("Nothing found: every model trains at least as well as the naive rules it contains, "
                      "and no bigger model does worse on unseen data."))
    return Section(_("10. The general guide"), text)


def _capital(text: str) -> str:
    """'Overfitting' from 'overfitting'; the rest as it is ('Model Bias' stays so)."""
    return text[:1].upper() + text[1:]


def _classification(run: LectureRun) -> Section:
    title = _("11. Classification: softmax and cross-entropy")
    c = run.classification
    if c is None:
        return missing(title, "classification.json")
    surfaces = c["surfaces"]
    fig, axes = plots.panels(3, (17, 4.5))
    z = np.array(surfaces["z"])
    for name, ax in zip(("cross-entropy", "mse"), axes):
        plots.classification_loss(z, np.array(surfaces[name]["grid"]), name.upper() if name == "mse" else name, ax=ax)
    plots.accuracy_curves(c["runs"], c["baselines"], ax=axes[2])
    runs = {(r["loss"], r["start"]): r for r in c["runs"]}
    scores = _("; ").join(_("{loss}, {start} start: training accuracy {train}, test {test}").format(
        loss=loss, start=_(start), train=f"{r['train_accuracy']:.1%}", test=f"{r['test_accuracy']:.1%}")
        for (loss, start), r in runs.items())
    wrong = {loss: runs[loss, "confidently wrong"]["curves"]["grad_norm"][0] for loss in ("cross-entropy", "mse")}
    text = [
        _("A class instead of a number: {task} ({share} of the {n} training days are). {model}; the inputs are the last "
          "days divided by the week's median. The same three steps, with plain gradient descent (η = {lr}, full batch, "
          "{n_epochs} epochs).").format(
            share=f"{c['share_above']['train']:.0%}", n=f"{c['examples']['train']:,}", **classification_words(c),
            lr=f"{c['training']['lr']:g}", n_epochs=c["training"]["n_epochs"]),
        _("Left, the two losses over the logits when class 1 is right: far from it, at (-4, 4), cross-entropy's gradient has "
          "norm {ce_far} and MSE's {mse_far}: MSE is flat there, a plateau. On the real task, started confidently wrong, the "
          "first gradient's norm is {ce} with cross-entropy and {mse} with MSE.").format(
            ce_far=f"{surfaces['cross-entropy']['grad_norm_far']:.3g}", mse_far=f"{surfaces['mse']['grad_norm_far']:.2g}",
            ce=f"{wrong['cross-entropy']:.3g}", mse=f"{wrong['mse']:.2g}"),
        _("{scores}. Rules that learn nothing score {majority} (the majority class) and {weekly} (as 7 days ago) on the test "
          "days. Adam would hide the plateau: it divides each step by the gradient's own size.").format(
            scores=scores, majority=f"{c['baselines']['majority class']:.1%}", weekly=f"{c['baselines']['as 7 days ago']:.1%}"),
    ]
    return Section(title, text, {"11-classification.png": fig})


SECTIONS = (_mismatch, _optimizers, _doctor, _classification)
"""Each makes one section from a lecture folder's run, in the report's order."""
