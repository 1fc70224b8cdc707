"""Critical points: known answers (the lecture's saddle, quadratics, least squares), Lanczos
against the exact Hessian, and `viewcast diagnose` on a saved run."""

import json
import math

import numpy as np
import pytest
import torch

from viewcast.cli.main import main
from viewcast.core.models import StackedMLP, parse_spec
from viewcast.lecture import critical
from viewcast.lecture.critical import classify, hessian_extremes, model_loss, saddle_example


def test_the_lectures_saddle_has_eigenvalues_plus_and_minus_two():
    point = saddle_example()  # L = (1 - w1 w2)^2 at (0, 0)
    assert point.kind == critical.SADDLE
    assert point.grad_norm == 0.0 and point.loss == 1.0
    assert (point.curvature.smallest, point.curvature.largest) == pytest.approx((-2.0, 2.0), abs=1e-12)
    # the escape direction is ±(1, 1)/√2: w1 = w2 = t/√2, so L = (1 - t²/2)²
    assert np.abs(point.curvature.direction) == pytest.approx([1 / math.sqrt(2)] * 2)
    assert point.curvature.direction[0] * point.curvature.direction[1] > 0
    t = point.step
    assert point.predicted_change == pytest.approx(0.5 * -2 * t**2)  # ½ λ t² = -t²
    assert point.actual_change == pytest.approx((1 - t**2 / 2) ** 2 - 1)  # the step does lower L
    assert point.actual_change < 0


def test_a_convex_bowl_is_a_minimum_and_a_cap_a_maximum():
    A = torch.tensor([[3.0, 1.0], [1.0, 2.0]], dtype=torch.float64)  # eigenvalues (5 ± √5) / 2
    zero = torch.zeros(2, dtype=torch.float64)
    bowl = classify(lambda w: w @ A @ w / 2, zero)
    assert bowl.kind == critical.LOCAL_MINIMUM
    assert (bowl.curvature.smallest, bowl.curvature.largest) == pytest.approx(((5 - 5**0.5) / 2, (5 + 5**0.5) / 2))
    assert classify(lambda w: -(w @ A @ w) / 2, zero).kind == critical.LOCAL_MAXIMUM


def test_a_point_on_a_slope_is_not_critical():
    point = classify(lambda w: (w**2).sum(), torch.tensor([1.0, 2.0], dtype=torch.float64), grad_reference=1.0)
    assert point.kind == critical.NOT_CRITICAL
    assert point.grad_norm == pytest.approx(2 * 5**0.5)
    assert point.downhill_change < 0


def test_a_kink_is_told_from_a_slope():
    # |w1| + w2² at (1e-9, 0) sits (almost) on the corner of |w1|, as MAE does where an error
    # is 0: its autograd gradient (1, 0) is not small, yet a step against it goes up
    corner = classify(lambda w: w[0].abs() + w[1] ** 2, torch.tensor([1e-9, 0.0], dtype=torch.float64), grad_reference=1.0)
    assert corner.kind == critical.KINK
    assert corner.downhill_change > 0


def _small_net_loss(n_inputs=3, units=4, seed=1):
    torch.manual_seed(seed)
    X, y = torch.randn(40, n_inputs), torch.randn(40)
    model = StackedMLP(parse_spec(f"relu:{units}x2"), n_inputs, [seed])
    return model_loss(model, 0, X, y, "mse")


def test_lanczos_agrees_with_the_exact_hessian_within_its_stated_residual():
    loss_fn, theta = _small_net_loss()
    exact = hessian_extremes(loss_fn, theta, "exact")
    lanczos = hessian_extremes(loss_fn, theta, "lanczos")
    assert lanczos.largest == pytest.approx(exact.largest, rel=1e-6)
    # λ_min is asked only to a tolerance relative to λ_max; the residual bounds its error
    error = abs(lanczos.smallest - exact.smallest)
    assert error <= max(lanczos.residuals[0], 1e-9) * 1.01 + 1e-3 * exact.largest
    H = torch.func.hessian(loss_fn)(theta)
    u = torch.from_numpy(lanczos.direction)
    assert torch.linalg.norm(H @ u - lanczos.smallest * u).item() == pytest.approx(lanczos.residuals[0], abs=1e-9)


def test_model_loss_is_the_stacked_models_own_loss():
    torch.manual_seed(0)
    X, y = torch.randn(30, 5), torch.randn(30)
    stack = StackedMLP(parse_spec("relu:6"), 5, [3, 4])
    loss_fn, theta = model_loss(stack, 1, X, y, "mae")
    with torch.no_grad():
        expected = (stack(X)[1] - y).abs().mean().item()
    assert loss_fn(theta).item() == pytest.approx(expected, rel=1e-6)
    assert theta.numel() == stack.spec.n_parameters(5)


@pytest.fixture
def least_squares_run(tmp_path, capsys):
    """A linear MSE run whose weights are then set to the exact least-squares fit: a minimum."""
    from viewcast.core.data import load_series
    from viewcast.core.features import make_split, make_windows, split_windows
    from viewcast.core.runs import load_run, save_run

    folder = tmp_path / "run"
    assert main(["train", "--lags", "7", "--loss", "mse", "--epochs", "2", "--seeds", "2", "--out", str(folder), "--quiet"]) == 0
    run = load_run(folder)
    series, dataset = load_series(run.config.data)
    parts, _ = split_windows(make_windows(series, 7), make_split(series, run.config.split, dataset))
    X, y = run.forecaster.model_data(parts["train"])
    A = torch.cat([X, torch.ones(len(X), 1)], 1).double()
    solution = torch.linalg.lstsq(A, y.double()[:, None]).solution[:, 0]
    with torch.no_grad():
        run.forecaster.model_.weights[0][0] = solution[:-1, None].float()
        run.forecaster.model_.biases[0][0] = solution[-1].float()
    save_run(run, folder, force=True)
    capsys.readouterr()
    return folder


def test_diagnose_finds_the_least_squares_minimum(least_squares_run, tmp_path, capsys):
    out = tmp_path / "critical.json"
    code = main(["diagnose", str(least_squares_run), "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 0
    assert "local minimum" in printed and "not a critical point" in printed  # seed 0 set exactly, seed 1 trained 2 epochs
    saved = json.loads(out.read_text())
    first, second = saved["points"]
    assert first["kind"] == critical.LOCAL_MINIMUM
    assert first["curvature"]["method"] == "exact" and first["curvature"]["smallest"] > 0  # 2 XᵀX / N: positive definite
    assert second["kind"] == critical.NOT_CRITICAL
    assert main(["diagnose", str(least_squares_run), "--out", str(out)]) == 1  # not replaced without --force
    assert "already exists" in capsys.readouterr().err


def test_diagnose_bad_input(tmp_path, least_squares_run, capsys):
    assert main(["diagnose", str(tmp_path / "nothing")]) == 1
    assert "not a complete viewcast run folder" in capsys.readouterr().err
    assert main(["diagnose", str(least_squares_run), "--seeds", "7"]) == 1
    assert "the run has no seed 7" in capsys.readouterr().err
