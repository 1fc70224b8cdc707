"""The lecture's general guide as a tool: read a lecture or sweep folder, walk the decision path.

    training loss large?
      yes -> model bias or optimization failure:
             a model whose function set CONTAINS a better one (a naive rule it can express,
             or a smaller model of its table) but trains worse -> optimization failure
             a model that cannot express the better rule       -> model bias
      no  -> test loss large?
             a bigger model better on training data, worse on unseen data -> overfitting
             the naive rules, which learn nothing, worse on the test period too -> a shift
             between the periods (mismatch): part of every gap is not the model's doing
    then: pick by validation, not by the test (the selection table)

"Contains": a linear or ReLU model on k ≥ n days can be "same as n days ago" (w_n = 1,
the rest 0; ReLU units can pass a value through); a sigmoid model only approximately,
so it is not counted. Pairs of rows are judged by `diagnosis.compare`, the same
verdicts as the diagnosis lines under the lecture's tables: a difference counts only
beyond the seed spread. In a sweep (`examine_sweep`), the pairs are configurations with
the same lags, rate and batch whose models nest (linear ⊂ relu:10 ⊂ relu:100 ⊂ relu:100x2),
judged on validation instead of test. Nothing is trained: only saved results are read.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..core.baselines import BASELINES
from ..core.i18n import N_, _
from ..core.models import parse_spec
from ..core.units import days, days_text, k, model_label, spread
from ..engine import files
from .folder import load_lecture
from .guide import OPTIMIZATION_FAILURE, OVERFITTING, Loss, compare, told
from .sweep import is_sweep_folder, load_sweep

MODEL_BIAS = N_("model bias")
MISMATCH = N_("shift between periods")
NEXT = {
    OPTIMIZATION_FAILURE: N_("train longer or with another learning rate or optimizer (`viewcast optimizers`), "
                             "and ask the Hessian where training ended (`viewcast diagnose RUN`)"),
    MODEL_BIAS: N_("give the function more to work with: more days as inputs, more units or layers"),
    OVERFITTING: N_("fewer parameters, more training data, early stopping (--patience) or a model picked by validation"),
    MISMATCH: N_("validate on the most recent period (as the selection does), train on recent data, or use inputs "
                 "scaled by the recent level (`viewcast forecast --inputs level`)"),
}
"""What to try next for each kind of finding (in English; `Finding.advice` in the current language)."""


@dataclass(frozen=True)
class Finding:
    """One step of the decision path: the verdict, for which model, and the numbers that led to it."""

    kind: str
    model: str
    text: str

    @property
    def advice(self) -> str:
        return advice(self.kind)


def advice(kind: str) -> str:
    """What to try next for a kind of finding, in the current language."""
    return _(NEXT[kind])


def examine(results: dict) -> list[Finding]:
    """Every finding of the general guide on a lecture's `results.json`, table by table."""
    findings = []
    tables = [table for table in results["tables"].values() if table.get("same_days", True)]
    # (the one-day table's row is in the others, on their shared days)
    for table in tables:
        findings += _large_training_loss(table)
        findings += [Finding(v.kind, v.bigger, v.text) for v in told(table) if v.kind in (OPTIMIZATION_FAILURE, OVERFITTING)]
    findings += _shift(tables)
    unique = {}
    for finding in findings:  # a row in two tables (linear on 56 days) is found once
        unique.setdefault((finding.kind, finding.model), finding)
    return list(unique.values())


def _contains(spec: str, n_lags: int, lag: int) -> bool:
    """Whether the function set of `spec` on `n_lags` days holds 'same as `lag` days ago'."""
    return n_lags >= lag and (spec == "linear" or spec.startswith("relu:"))


def _large_training_loss(table: dict) -> list[Finding]:
    """Rows that train worse than a naive rule on the same days: optimization failure when
    they contain that rule, model bias when they cannot express it."""
    rules = {b["label"].removeprefix("baseline: "): b["train"]["mae"] for b in table["baselines"]}
    findings = []
    for row in table["rows"]:
        train = row["train"]
        beaten_by = [(name, mae) for name, mae in rules.items() if mae is not None and train["mean"] - train["std"] > mae]
        if not beaten_by:
            continue
        contained = [(name, mae) for name, mae in beaten_by if _contains(row["spec"], row["n_lags"], BASELINES[name])]
        name, mae = min(contained or beaten_by, key=lambda item: item[1])  # a rule it could be, first
        said = {"model": model_label(row["label"]), "rule": _(name), "loss": spread(train["mean"], train["std"]), "rule_loss": k(mae)}
        if contained:
            text = _("{model}: a large training loss (training MAE {loss} against {rule_loss} for '{rule}', on the same days), "
                     "though its function set contains '{rule}': the optimizer did not find a point it could have; an "
                     "optimization failure").format(**said)
            findings.append(Finding(OPTIMIZATION_FAILURE, row["label"], text))
        else:
            text = _("{model}: a large training loss (training MAE {loss} against {rule_loss} for '{rule}', on the same days); "
                     "it cannot express '{rule}' (it sees {days}): model bias").format(days=days_text(row["n_lags"]), **said)
            findings.append(Finding(MODEL_BIAS, row["label"], text))
    return findings


SHIFT = 1.25  # a naive rule this much worse on test than on training marks a shift


def _shift(tables: list[dict]) -> list[Finding]:
    """The naive rules on both periods: if they too are much worse on test, the test period differs.
    (The tables share their target days, so their baselines are the same.)"""
    if not tables:
        return []
    ratios = {b["label"].removeprefix("baseline: "): b["test"]["mae"] / b["train"]["mae"]
              for b in tables[0]["baselines"] if b["train"]["mae"] and b["test"]["mae"]}
    if not ratios or min(ratios.values()) < SHIFT:
        return []
    name, ratio = min(ratios.items(), key=lambda item: item[1])
    models = {row["label"]: row["test"]["mean"] / row["train"]["mean"] for t in tables for row in t["rows"] if row["train"]["mean"] > 0}
    low, high = min(models, key=models.get), max(models, key=models.get)
    text = _("even '{rule}', which learns nothing, is {ratio}× worse on the test period than on the training days; the "
             "models are {low}× ({low_model}) to {high}× ({high_model}) worse: the test period is harder than the training "
             "one, a shift between periods (mismatch); only the part of a gap beyond {ratio}× points at the model").format(
        rule=_(name), ratio=f"{ratio:.1f}", low=f"{models[low]:.1f}", low_model=model_label(low),
        high=f"{models[high]:.1f}", high_model=model_label(high))
    return [Finding(MISMATCH, "the test period", text)]


def examine_sweep(results: dict, trials: pd.DataFrame) -> list[Finding]:
    """The general guide on a sweep: its configurations (train and validation MAE per seed,
    from `results.csv`) against the naive rules, and nested models of the same settings pairwise."""
    per_seed = trials.groupby(["model", "lags", "lr", "batch_size", "seed"], sort=False)[["train_mae", "val_mae"]].mean()
    rows = []
    for (model, n_lags, lr, batch), group in per_seed.groupby(level=[0, 1, 2, 3], sort=False):
        if group.isna().any().any():
            continue  # a diverged seed: no loss to judge
        summary = {name: {"mean": group[f"{name}_mae"].mean(), "std": group[f"{name}_mae"].std(ddof=0),
                          "per_seed": group[f"{name}_mae"].tolist()} for name in ("train", "val")}
        label = f"{model} on {days(int(n_lags))}, lr {lr:g}, batch {int(batch) or 'full'}"
        rows.append({"spec": model, "n_lags": int(n_lags), "settings": (int(n_lags), lr, batch), "label": label, **summary})
    table = {"baselines": [{"label": b["label"], "train": b["train"]} for b in results["baselines"]], "rows": rows}
    findings = _large_training_loss(table)
    for a, b in itertools.permutations(rows, 2):
        same_settings = [r["spec"] for r in rows if r["settings"] == a["settings"]]
        if a["settings"] == b["settings"] and _next_bigger(a["spec"], b["spec"], same_settings):
            verdict = compare(a["label"], b["label"], (Loss.of(a["train"]), Loss.of(b["train"])), (Loss.of(a["val"]), Loss.of(b["val"])),
                              unseen=_("validation data"))
            if verdict.kind in (OPTIMIZATION_FAILURE, OVERFITTING):
                findings.append(Finding(verdict.kind, b["label"], verdict.text))
    return findings


def _nests(small: str, big: str) -> bool:
    """Whether the function set of spec `small` is inside that of `big` (ReLU nets and linear only)."""
    a, b = parse_spec(small), parse_spec(big)
    if a.is_linear:
        return not b.is_linear and b.activation == "relu"
    return a.activation == b.activation == "relu" and b.n_hidden >= a.n_hidden and b.n_layers >= a.n_layers and a != b


def _next_bigger(small: str, big: str, specs: list[str]) -> bool:
    """`big` nests `small` with no spec of `specs` in between."""
    return _nests(small, big) and not any(_nests(small, mid) and _nests(mid, big) for mid in specs)


def prescribe(results: dict, trials: pd.DataFrame | None = None) -> str:
    """The decision path, in words: each finding, the numbers behind it, and what to try next.
    `trials` (a sweep's `results.csv`) makes it read a sweep's `results.json`."""
    sweep = trials is not None
    findings = examine_sweep(results, trials) if sweep else examine(results)
    by_kind = {kind: [f for f in findings if f.kind == kind] for kind in (MODEL_BIAS, OPTIMIZATION_FAILURE, OVERFITTING, MISMATCH)}
    n_seeds = len(results["grid"]["seeds"]) if sweep else len(results["seeds"])
    source = results["data"]["source"]
    lines = [(_("The lecture's general guide on a sweep of {source} (MAE in views; mean ± std over {n} seeds; a difference "
                "counts beyond the seed spread)") if sweep else
              _("The lecture's general guide on {source} (MAE in views; mean ± std over {n} seeds; a difference counts beyond "
                "the seed spread)")).format(source=source, n=n_seeds), ""]
    steps = (
        (_("1. Is the training loss large? Compare with what the model could express."), (MODEL_BIAS, OPTIMIZATION_FAILURE)),
        (_("2. The training loss is small: is the validation loss large?") if sweep else
         _("2. The training loss is small: is the test loss large?"), (OVERFITTING, MISMATCH)),
    )
    for title, kinds in steps:
        lines.append(title)
        found = [f for kind in kinds for f in by_kind[kind]]
        if not found and kinds[0] == MODEL_BIAS:
            lines.append("   " + _("nothing found: every model trains at least as well as the naive rules it contains"))
        elif not found:
            lines.append("   " + (_("nothing found: no bigger model does worse on validation data") if sweep else
                                  _("nothing found: no bigger model does worse on test data")))
        if kinds[0] == OVERFITTING and n_seeds < 2:
            lines.append("   " + _("(one seed: no spread to tell a difference from luck, so no pair of models is judged; use 2 or "
                                      "more seeds)"))
        for finding in found:
            lines.append("   " + _("- [{kind}] {finding}.").format(kind=_(finding.kind), finding=finding.text.rstrip(".。")))
        for kind in kinds:
            if by_kind[kind]:
                lines.append("     " + _("next, for {kind}: {advice}.").format(kind=_(kind), advice=advice(kind)))
        lines.append("")
    if sweep:
        best = results["best"]
        lines.append(_("3. Which model to use: the best by validation, {model}, lr {lr} (validation MAE {loss}); train it with "
                       "`viewcast train` to score it on the test period once.").format(
            model=model_label(f"{best['model']} on {days(best['lags'])}"), lr=f"{best['lr']:g}", loss=f"{best['val_mae']:,.0f}"))
    elif results.get("selection"):
        selection = results["selection"]
        lines.append(_("3. Which model to use: pick by validation, not by the test. Picked: {model} (test {loss}, looked at "
                       "once).").format(model=model_label(selection["picked"]), loss=k(selection["picked_test"]["mean"])))
    return "\n".join(lines)


def prescribe_folder(folder: Path) -> str:
    """`prescribe` on a saved lecture or sweep folder (`viewcast doctor`); a damaged one is one line."""
    try:
        if is_sweep_folder(folder):
            return prescribe(*load_sweep(folder))
        return prescribe(load_lecture(folder).results)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError, ZeroDivisionError) as err:
        raise files.damaged(folder, "lecture or sweep folder", err, "run it again") from None
