"""The general guide as a tool: known answers on constructed tables, and on a real lecture
folder the same verdicts as the tables' diagnosis lines."""

import json

import pytest

from viewcast.cli.main import main
from viewcast.lecture.doctor import MISMATCH, MODEL_BIAS, examine
from viewcast.lecture.guide import OPTIMIZATION_FAILURE, OVERFITTING, Loss, compare


def _summary(mean, std=1.0):
    return {"mean": mean, "std": std, "per_seed": [mean - std, mean + std]}


def _row(spec, n_lags, train, test):
    return {"spec": spec, "n_lags": n_lags, "label": f"{spec} on {n_lags} days", "train": _summary(train), "test": _summary(test)}


def _results(rows, chain, baselines=((300, 330), (200, 220))):
    """A lecture results.json with one table: rows, the diagnosis along `chain`, the naive rules' (train, test)."""
    diagnosis = [compare(rows[i]["label"], rows[j]["label"],
                         (Loss.of(rows[i]["train"]), Loss.of(rows[j]["train"])),
                         (Loss.of(rows[i]["test"]), Loss.of(rows[j]["test"]))).to_dict()
                 for i, j in zip(chain, chain[1:])]
    names = ("same as yesterday", "same as 7 days ago")
    table = {"title": "a table", "same_days": True, "rows": rows, "diagnosis": diagnosis,
             "baselines": [{"label": f"baseline: {n}", "train": {"mae": tr}, "test": {"mae": te}} for n, (tr, te) in zip(names, baselines)]}
    return {"data": {"source": "test"}, "seeds": [0, 1], "tables": {"t": table}, "selection": None}


def kinds(findings):
    return {(f.kind, f.model) for f in findings}


def test_a_model_that_cannot_express_the_better_rule_has_model_bias():
    found = examine(_results([_row("linear", 1, 290, 300), _row("linear", 7, 150, 170)], (0, 1)))
    assert kinds(found) == {(MODEL_BIAS, "linear on 1 days")}


def test_a_model_that_contains_the_better_rule_but_trains_worse_fails_to_optimize():
    found = examine(_results([_row("relu:10", 7, 250, 260)], (0,)))
    assert kinds(found) == {(OPTIMIZATION_FAILURE, "relu:10 on 7 days")}
    # a sigmoid net only approaches 'same as 7 days ago': not counted as containing it
    assert kinds(examine(_results([_row("sigmoid:10", 7, 250, 260)], (0,)))) == {(MODEL_BIAS, "sigmoid:10 on 7 days")}


def test_a_bigger_model_that_trains_worse_is_an_optimization_failure_and_one_that_tests_worse_overfits():
    rows = [_row("relu:100", 56, 100, 200), _row("relu:100x2", 56, 120, 200), _row("relu:100x3", 56, 50, 260)]
    found = kinds(examine(_results(rows, (0, 1, 2))))
    assert (OPTIMIZATION_FAILURE, "relu:100x2 on 56 days") in found
    assert (OVERFITTING, "relu:100x3 on 56 days") in found


def test_naive_rules_much_worse_on_test_mark_a_shift():
    rows = [_row("linear", 7, 150, 160)]
    assert not kinds(examine(_results(rows, (0,))))
    shifted = examine(_results(rows, (0,), baselines=((300, 600), (200, 420))))
    assert kinds(shifted) == {(MISMATCH, "the test period")}
    assert "2.0× worse" in shifted[0].text


@pytest.mark.parametrize("content", ["{}", '{"tables": {"t": {"rows": 1}}}'])
def test_doctor_on_a_damaged_folder(tmp_path, capsys, content):
    (tmp_path / "results.json").write_text(content)
    assert main(["doctor", str(tmp_path)]) == 1
    assert "damaged lecture" in capsys.readouterr().err


def test_doctor_on_a_sweep_folder(tmp_path, capsys):
    import pandas as pd

    def trial(model, seed, train, val):
        return {"model": model, "lags": 7, "lr": 0.01, "batch_size": 32, "seed": seed, "train_mae": train, "val_mae": val, "fold": 1}

    trials = pd.DataFrame([
        trial("linear", 0, 250, 300), trial("linear", 1, 252, 302),  # contains 'same as 7 days ago' (200): failure
        trial("relu:100", 0, 150, 240), trial("relu:100", 1, 152, 242),
        trial("relu:100x2", 0, 60, 300), trial("relu:100x2", 1, 62, 302),  # nests relu:100: overfits
        trial("sigmoid:10", 0, 150, 240), trial("sigmoid:10", 1, 152, 242),  # nests nothing here
    ])
    results = {
        "data": {"source": "test"}, "grid": {"seeds": [0, 1]},
        "baselines": [{"label": "baseline: same as yesterday", "train": {"mae": 300}, "val": {"mae": 400}},
                      {"label": "baseline: same as 7 days ago", "train": {"mae": 200}, "val": {"mae": 300}}],
        "best": {"model": "relu:100", "lags": 7, "lr": 0.01, "val_mae": 241},
    }
    (tmp_path / "results.json").write_text(json.dumps(results))
    trials.to_csv(tmp_path / "results.csv", index=False)
    assert main(["doctor", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "[optimization failure] linear on 7 days, lr 0.01, batch 32" in printed
    assert "[overfitting] relu:100x2 on 7 days, lr 0.01, batch 32 vs relu:100 on 7 days" in printed
    assert "sigmoid" not in printed.split("3. Which model")[0]
    assert "the best by validation, relu:100 on 7 days" in printed
