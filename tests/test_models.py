import pytest
import torch

import viewcast as vc
from viewcast.core.losses import mae, mse
from viewcast.core.models import ModelSpec, StackedMLP, parse_spec


@pytest.mark.parametrize(
    "text, spec",
    [
        ("linear", ModelSpec()),
        ("relu:100", ModelSpec("relu", 100, 1)),
        ("sigmoid:1000", ModelSpec("sigmoid", 1000, 1)),
        ("hardsigmoid:10", ModelSpec("hardsigmoid", 10, 1)),
        ("relu:100x3", ModelSpec("relu", 100, 3)),
    ],
)
def test_spec_strings(text, spec):
    assert parse_spec(text) == spec
    assert str(spec) == text


@pytest.mark.parametrize("bad", ["tanh:10", "relu", "relu:x3", "relu:0", "mlp", "relu:10x0"])
def test_a_bad_spec_lists_what_is_valid(bad):
    with pytest.raises(vc.ConfigError, match="linear|at least one"):
        parse_spec(bad)


def test_a_stack_is_its_models_side_by_side():
    spec = parse_spec("relu:16x2")
    stack = StackedMLP(spec, 7, seeds=[3, 4, 5])
    X = torch.randn(11, 7)
    out = stack(X)
    assert out.shape == (3, 11)
    for k, seed in enumerate([3, 4, 5]):
        alone = StackedMLP(spec, 7, seeds=[seed])
        for p, q in zip(stack.parameters(), alone.parameters()):
            assert torch.equal(p[k], q[0])
        torch.testing.assert_close(out[k], alone(X)[0])
    # per-model inputs (K, B, n_inputs) give the same answer as shared ones
    torch.testing.assert_close(stack(X.expand(3, 11, 7)), out)


def test_the_models_are_the_lectures_formulas():
    X = torch.randn(5, 4)
    linear = StackedMLP(parse_spec("linear"), 4, seeds=[0])
    w, b = linear.weights[0][0, :, 0], linear.biases[0][0, 0, 0]
    torch.testing.assert_close(linear(X)[0], b + X @ w)  # y = b + Σ w_j x_j
    sig = StackedMLP(parse_spec("sigmoid:3"), 4, seeds=[0])
    W, b1 = sig.weights[0][0], sig.biases[0][0, 0]
    c, b2 = sig.weights[1][0, :, 0], sig.biases[1][0, 0, 0]
    torch.testing.assert_close(sig(X)[0], b2 + torch.sigmoid(X @ W + b1) @ c)  # y = b + cᵀσ(b + Wx)


@pytest.mark.parametrize("loss, by_hand", [
    # dL/dw = 1/N Σ e'(ŷ_n - y_n) x_n, dL/db = 1/N Σ e'(ŷ_n - y_n)
    (mse, lambda r: 2 * r),
    (mae, torch.sign),
])
def test_linear_gradients_by_hand_equal_autograd(loss, by_hand):
    torch.manual_seed(0)
    X, y = torch.randn(50, 3), torch.randn(50)
    model = StackedMLP(parse_spec("linear"), 3, seeds=[1])
    loss(model(X), y).sum().backward()
    w, b = model.weights[0][0, :, 0].detach(), model.biases[0][0, 0, 0].detach()
    residual = b + X @ w - y
    torch.testing.assert_close(model.weights[0].grad[0, :, 0], (by_hand(residual)[:, None] * X).mean(0))
    torch.testing.assert_close(model.biases[0].grad[0, 0, 0], by_hand(residual).mean())


def test_the_parameter_count_matches_the_stacked_tensors():
    for text, n_inputs in (("linear", 7), ("relu:100", 56), ("sigmoid:10x3", 28)):
        spec = parse_spec(text)
        model = StackedMLP(spec, n_inputs, seeds=[0, 1])
        assert spec.n_parameters(n_inputs) == sum(p[0].numel() for p in model.parameters())
