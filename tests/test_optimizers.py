"""Optimizers side by side: the rules walk the error surface to the exact optimum, every
network starts from the same weights, and `viewcast optimizers` writes its chart and table."""

import json

import numpy as np
import pytest

from viewcast.cli.main import main
from viewcast.core.config import SplitConfig
from viewcast.core.data import load_dataset
from viewcast.core.features import make_split
from viewcast.lecture.optimizers import OptimizersConfig, plan, rates, walk
from viewcast.lecture.surface import exact_optimum


def test_every_rule_walks_to_the_least_squares_optimum():
    rng = np.random.default_rng(0)
    x = rng.uniform(1000, 3000, 200)
    y = 300 + 0.8 * x + rng.normal(0, 50, 200)
    w_star, b_star, best = exact_optimum(x, y, "mse")
    for rule, lr in (("sgd", 0.1), ("momentum", 0.02), ("adagrad", 0.1), ("rmsprop", 0.01), ("adam", 0.02)):
        path = walk(x, y, (0.0, 0.0), rule, lr, 3000, "warm-up + cosine")
        assert path.diverged_at is None
        assert path.loss[-1] == pytest.approx(best, rel=5e-3), rule  # from a loss ~10⁴ times larger
        assert path.w[-1] == pytest.approx(w_star, abs=0.02), rule


def test_a_rate_too_large_is_reported_as_diverged():
    x = np.linspace(1000, 3000, 50)
    path = walk(x, 2 * x, (0.0, 0.0), "sgd", 5.0, 100)
    assert path.diverged_at is not None and path.diverged_at < 100


def test_warm_up_then_cosine_decay():
    eta = rates(100, 0.1, "warm-up + cosine")
    assert eta[0] == pytest.approx(0.1 / 11)  # 10 warm-up updates from 1/11 of η
    assert eta.argmax() == 10 and eta.max() == pytest.approx(0.1)
    assert eta[-1] < 0.001
    assert np.all(rates(100, 0.1, "constant") == 0.1)


def test_every_network_starts_from_the_same_weights():
    series = load_dataset("wiki-r")
    config = OptimizersConfig(spec="relu:5", n_lags=7, n_epochs=1)
    fits = plan(config, series, make_split(series, SplitConfig(), None))
    assert len(fits) == 10 and len({f.training.optimizer for f, _ in fits}) == 5
    weights = []
    for forecaster, parts in fits:
        forecaster.training = forecaster.training.__class__(**{**forecaster.training.__dict__, "lr": 1e-12})
        forecaster.fit_windows(parts["train"])
        weights.append(np.concatenate([p.detach().numpy().ravel() for p in forecaster.model_.parameters()]))
    assert all(np.allclose(w, weights[0], atol=1e-6) for w in weights)


def test_the_optimizers_command_writes_its_chart_and_table(tmp_path, capsys):
    out = tmp_path / "race"
    code = main(["optimizers", "--model", "relu:4", "--lags", "7", "--epochs", "3", "--lr", "adam=0.01",
                 "--workers", "1", "--out", str(out), "--quiet"])
    printed = capsys.readouterr().out
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        ".viewcast", "optimizers-surface.png", "optimizers.csv", "optimizers.json", "optimizers.png"]
    assert (out / "optimizers.png").read_bytes()[:4] == b"\x89PNG"
    rows = (out / "optimizers.csv").read_text().splitlines()
    assert len(rows) == 11 and rows[0].startswith("optimizer,schedule,lr")
    results = json.loads((out / "optimizers.json").read_text())
    assert {r["lr"] for r in results["networks"] if r["optimizer"] == "adam"} == {0.01}
    assert "momentum" in printed and "warm-up + cosine" in printed


@pytest.mark.parametrize("args, message", [
    (["--lr", "nadam=0.1"], "unknown optimizer 'nadam'"),
    (["--lr", "adam=fast"], "is not NAME=RATE"),
    (["--lr", "adam=-1"], "learning rate must be a positive number"),
    (["--model", "tanh:3"], "unknown model"),
])
def test_optimizers_bad_settings(tmp_path, capsys, args, message):
    code = main(["optimizers", *args, "--out", str(tmp_path / "race"), "--quiet"])
    assert code in (1, 2)
    assert message in capsys.readouterr().err
    assert not (tmp_path / "race").exists()
