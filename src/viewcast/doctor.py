"""The lecture's general guide as a tool: read a lecture folder, walk the decision path.

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
beyond the seed spread. Nothing is trained: only `results.json` is read.
"""

from __future__ import annotations

from dataclasses import dataclass

from .baselines import BASELINES
from .diagnosis import OPTIMIZATION_FAILURE, OVERFITTING
from .display import k

MODEL_BIAS = "model bias"
MISMATCH = "shift between periods"
NEXT = {
    OPTIMIZATION_FAILURE: "train longer or with another learning rate or optimizer (`viewcast optimizers`), "
                          "and ask the Hessian where training ended (`viewcast diagnose RUN`)",
    MODEL_BIAS: "give the function more to work with: more days as inputs, more units or layers",
    OVERFITTING: "fewer parameters, more training data, early stopping (--patience) or a model picked by validation",
    MISMATCH: "validate on the most recent period (as the selection does), train on recent data, or use inputs "
              "scaled by the recent level (`viewcast forecast --inputs level`)",
}


@dataclass(frozen=True)
class Finding:
    """One step of the decision path: the verdict, for which model, and the numbers that led to it."""

    kind: str
    model: str
    text: str

    @property
    def advice(self) -> str:
        return NEXT[self.kind]


def examine(results: dict) -> list[Finding]:
    """Every finding of the general guide on a lecture's `results.json`, table by table."""
    findings = []
    tables = [table for table in results["tables"].values() if table.get("same_days", True)]
    # (the one-day table's row is in the others, on their shared days)
    for table in tables:
        findings += _large_training_loss(table)
        findings += [Finding(v["kind"], v["bigger"], v["text"]) for v in table["diagnosis"]
                     if v["kind"] in (OPTIMIZATION_FAILURE, OVERFITTING)]
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
        numbers = f"training MAE {k(train['mean'])} ± {k(train['std'], 3)} against {k(mae)} for '{name}', on the same days"
        if contained:
            text = (f"{row['label']}: a large training loss ({numbers}), though its function set contains '{name}': "
                    "the optimizer did not find a point it could have; an optimization failure")
            findings.append(Finding(OPTIMIZATION_FAILURE, row["label"], text))
        else:
            text = (f"{row['label']}: a large training loss ({numbers}); it cannot express '{name}' "
                    f"(it sees {row['n_lags']} day{'s' if row['n_lags'] > 1 else ''}): model bias")
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
    text = (f"even '{name}', which learns nothing, is {ratio:.1f}× worse on the test period than on the training "
            f"days; the models are {models[low]:.1f}× ({low}) to {models[high]:.1f}× ({high}) worse: the test period "
            "is harder than the training one, a shift between periods (mismatch); only the part of a gap beyond "
            f"{ratio:.1f}× points at the model")
    return [Finding(MISMATCH, "the test period", text)]


def report(results: dict) -> str:
    """The decision path, in words: each finding, the numbers behind it, and what to try next."""
    findings = examine(results)
    by_kind = {kind: [f for f in findings if f.kind == kind] for kind in (MODEL_BIAS, OPTIMIZATION_FAILURE, OVERFITTING, MISMATCH)}
    lines = [f"The lecture's general guide on {results['data']['source']} (MAE in views; mean ± std over "
             f"{len(results['seeds'])} seeds; a difference counts beyond the seed spread)", ""]
    steps = (
        ("1. Is the training loss large? Compare with what the model could express.", (MODEL_BIAS, OPTIMIZATION_FAILURE)),
        ("2. The training loss is small: is the test loss large?", (OVERFITTING, MISMATCH)),
    )
    for title, kinds in steps:
        lines.append(title)
        found = [f for kind in kinds for f in by_kind[kind]]
        if not found:
            lines.append("   nothing found: " + ("every model trains at least as well as the naive rules it contains"
                                                   if kinds[0] == MODEL_BIAS else "no bigger model does worse on unseen data"))
        for finding in found:
            lines.append(f"   - [{finding.kind}] {finding.text.rstrip('.')}.")
        for kind in kinds:
            if by_kind[kind]:
                lines.append(f"     next, for {kind}: {NEXT[kind]}.")
        lines.append("")
    selection = results.get("selection")
    if selection:
        lines.append(f"3. Which model to use: pick by validation, not by the test. Picked: {selection['picked']} "
                     f"(test {k(selection['picked_test']['mean'])}, looked at once).")
    return "\n".join(lines)
