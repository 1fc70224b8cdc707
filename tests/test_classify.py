"""Classification: the labels, the gradients of cross-entropy and MSE through softmax against
their closed forms, and the plateau of MSE on the real task."""

import json
import math

import numpy as np
import pandas as pd
import pytest
import torch

from viewcast.cli.main import main
from viewcast.core.config import SplitConfig
from viewcast.core.data import get_dataset, load_dataset
from viewcast.core.features import Period, make_split
from viewcast.lecture.classify import examples, loss_of, loss_surfaces, run_classification


def test_labels_say_whether_the_day_beats_its_weeks_median():
    days = pd.date_range("2020-01-01", periods=9)
    views = pd.Series([10, 20, 30, 40, 50, 60, 70, 45, 200], index=days, dtype=float)
    X, y, rule = examples(views, 7, Period(days[7], days[8]))
    # day 8 (45): median of 10..70 is 40, so above; day 9 (200): median of 20..45..70 is 45, above
    assert y.tolist() == [1, 1]
    assert X[0] == pytest.approx(np.log((np.array([70, 60, 50, 40, 30, 20, 10]) + 1) / 41))
    assert rule.tolist() == [0, 0]  # 7 days before: 10 and 20, neither above its median


def test_the_gradients_far_from_the_answer_are_the_closed_forms():
    p = 1 / (1 + math.exp(8))  # softmax(-4, 4) for class 1
    surfaces = loss_surfaces(n=5)
    assert surfaces["cross-entropy"]["grad_norm_far"] == pytest.approx(math.sqrt(2) * (1 - p))  # ŷ - y
    assert surfaces["mse"]["grad_norm_far"] == pytest.approx(math.sqrt(2) * 4 * p * (1 - p) ** 2)  # carries ŷ(1 - ŷ)
    logits = torch.tensor([[0.0, 0.0]])
    assert loss_of("cross-entropy", logits, torch.tensor([0])).item() == pytest.approx(math.log(2))
    assert loss_of("mse", logits, torch.tensor([0])).item() == pytest.approx(0.5)  # (1 - ½)² + (½)²


@pytest.mark.slow
def test_on_wiki_r_mse_stalls_on_the_plateau_and_cross_entropy_does_not():
    series = load_dataset("wiki-r")
    results = run_classification(series, make_split(series, SplitConfig(), get_dataset("wiki-r")), n_epochs=100)
    runs = {(r["loss"], r["start"]): r for r in results["runs"]}
    wrong_ce, wrong_mse = runs["cross-entropy", "confidently wrong"], runs["mse", "confidently wrong"]
    assert wrong_mse["curves"]["grad_norm"][0] < 0.01 * wrong_ce["curves"]["grad_norm"][0]
    assert wrong_ce["train_accuracy"] > wrong_mse["train_accuracy"] + 0.2
    assert runs["cross-entropy", "usual"]["test_accuracy"] > results["baselines"]["as 7 days ago"]


def test_the_classify_command(tmp_path, capsys):
    out = tmp_path / "classification.json"
    assert main(["classify", "--epochs", "5", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "confidently wrong" in printed and "rule: majority class" in printed
    saved = json.loads(out.read_text())
    assert len(saved["runs"]) == 4 and len(saved["runs"][0]["curves"]["train_accuracy"]) == 5
    assert main(["classify", "--out", str(out)]) == 1
    assert "already exists" in capsys.readouterr().err
