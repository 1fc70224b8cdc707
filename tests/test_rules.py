"""The lecture's update rules by hand, with exact values, and PyTorch's optimizers against
them on a scripted gradient sequence, difference by documented difference."""

import math

import numpy as np
import pytest
import torch

from viewcast.core.optimize import OPTIMIZERS
from viewcast.lecture.rules import ALPHA, EPS, MOMENTUM, RULES

GRADIENTS = [2.0, -1.0, 4.0, 0.5, -3.0]  # scripted: θ does not change them
THETA_0, LR = 1.0, 0.1


def lecture_path(name, lrs=None, **options):
    rule = RULES[name](**options)
    theta, path = np.array([THETA_0]), []
    for t, g in enumerate(GRADIENTS):
        theta = rule.step(theta, np.array([g]), LR if lrs is None else lrs[t])
        path.append(float(theta[0]))
    return path


def torch_path(name, lrs=None):
    theta = torch.nn.Parameter(torch.tensor([THETA_0], dtype=torch.float64))
    optimizer = OPTIMIZERS[name]([theta], LR, False)
    path = []
    for t, g in enumerate(GRADIENTS):
        if lrs is not None:
            optimizer.param_groups[0]["lr"] = lrs[t]
        theta.grad = torch.tensor([g], dtype=torch.float64)
        optimizer.step()
        path.append(theta.item())
    return path


def test_the_lectures_rules_give_the_hand_computed_values():
    assert lecture_path("sgd")[:3] == pytest.approx([0.8, 0.9, 0.5])
    # m¹ = -0.2; m² = 0.9·(-0.2) + 0.1 = -0.08; m³ = 0.9·(-0.08) - 0.4 = -0.472
    assert lecture_path("momentum")[:3] == pytest.approx([0.8, 0.72, 0.248])
    # σ⁰ = 2, σ¹ = √((4 + 1)/2), σ² = √((4 + 1 + 16)/3)
    assert lecture_path("adagrad")[:3] == pytest.approx(
        [0.9, 0.9 + 0.1 / math.sqrt(2.5), 0.9 + 0.1 / math.sqrt(2.5) - 0.4 / math.sqrt(7)])
    # σ⁰ = |g⁰| = 2, (σ¹)² = α·4 + (1 - α)·1, with α = 0.9 here
    assert lecture_path("rmsprop", alpha=0.9)[:2] == pytest.approx([0.9, 0.9 + 0.1 / math.sqrt(3.7)])
    # m̂¹ = g⁰ and v̂¹ = (g⁰)²: the first step is η·sign(g⁰)
    assert lecture_path("adam")[0] == pytest.approx(1 - 0.1 * 2 / (2 + EPS))


def test_pytorch_sgd_is_the_lectures_gradient_descent():
    assert torch_path("sgd") == pytest.approx(lecture_path("sgd"), abs=1e-15)


def test_pytorch_momentum_matches_while_the_rate_is_constant_and_not_after_it_changes():
    assert torch_path("momentum") == pytest.approx(lecture_path("momentum"), abs=1e-15)
    decay = [LR, LR, LR / 10, LR / 10, LR / 10]
    torch_decayed, lecture_decayed = torch_path("momentum", decay), lecture_path("momentum", decay)
    assert torch_decayed[:2] == pytest.approx(lecture_decayed[:2])
    assert abs(torch_decayed[2] - lecture_decayed[2]) > 1e-3
    # PyTorch: b ← λb + g, θ ← θ - η_t b: its past gradients follow the new rate
    b, theta, expected = 0.0, THETA_0, []
    for g, lr in zip(GRADIENTS, decay):
        b = MOMENTUM * b + g
        theta -= lr * b
        expected.append(theta)
    assert torch_decayed == pytest.approx(expected, abs=1e-15)


def test_pytorch_adagrad_is_the_lectures_with_the_rate_divided_by_root_t():
    decayed = [LR / math.sqrt(t + 1) for t in range(len(GRADIENTS))]  # a sum of squares, not their mean
    assert torch_path("adagrad") == pytest.approx(lecture_path("adagrad", decayed), abs=1e-9)
    assert torch_path("adagrad")[1] != pytest.approx(lecture_path("adagrad")[1], abs=1e-3)


def test_pytorch_rmsprop_starts_its_average_at_zero():
    torch_steps = np.diff([THETA_0, *torch_path("rmsprop")])
    lecture_steps = np.diff([THETA_0, *lecture_path("rmsprop")])
    # the lecture's first step is η·sign(g⁰); PyTorch's 1/√(1-α) = 10 times larger
    assert lecture_steps[0] == pytest.approx(-LR)
    assert torch_steps[0] == pytest.approx(-LR / math.sqrt(1 - ALPHA), rel=1e-6)
    # with the average from 0, the rest is the lecture's formula
    v, theta, expected = 0.0, THETA_0, []
    for g in GRADIENTS:
        v = ALPHA * v + (1 - ALPHA) * g**2
        theta -= LR * g / (math.sqrt(v) + EPS)
        expected.append(theta)
    assert torch_path("rmsprop") == pytest.approx(expected, abs=1e-12)


def test_pytorch_adam_is_the_lectures_adam():
    assert torch_path("adam") == pytest.approx(lecture_path("adam"), abs=1e-12)
    # with the bias correction the first step is η; without it, (1-β₁)/√(1-β₂) ≈ 3.16 times η
    assert 1 - torch_path("adam")[0] == pytest.approx(LR, rel=1e-6)
