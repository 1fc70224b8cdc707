import numpy as np
import pytest
import torch

import viewcast as vc
from viewcast.core import losses
from viewcast.core.models import StackedMLP, parse_spec
from viewcast.core.optimize import least_squares, make_scheduler, train_stack


@pytest.fixture
def regression():
    """y = 3 + 2 x₁ - x₂ + noise, already on a unit scale."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, 2))
    y = 3 + X @ np.array([2.0, -1.0]) + rng.normal(0, 0.3, 300)
    return torch.tensor(X, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)


def fit(spec, seeds, X, y, lrs=None, **options):
    config = vc.TrainConfig(**{"n_epochs": 20, "batch_size": 16, **options})
    model = StackedMLP(parse_spec(spec), X.shape[1], seeds)
    n_val = len(y) // 5
    history = train_stack(model, X[n_val:], y[n_val:], config, seeds, X[:n_val], y[:n_val], lrs=lrs)
    return model, history


@pytest.mark.parametrize("options", [
    {"optimizer": "adam"},
    {"optimizer": "momentum", "lr": 0.01, "schedule": "cosine", "warmup_epochs": 3},
    {"optimizer": "rmsprop", "lr": 0.001, "batch_size": 0},
    {"optimizer": "adam", "patience": 2, "lr": 0.05},
])
def test_a_stack_trains_exactly_like_separate_runs(regression, options):
    X, y = regression
    seeds = [0, 1, 2]
    stack, stack_history = fit("relu:8x2", seeds, X, y, **options)
    for k, seed in enumerate(seeds):
        alone, alone_history = fit("relu:8x2", [seed], X, y, **options)
        for p, q in zip(stack.parameters(), alone.parameters()):
            torch.testing.assert_close(p[k], q[0], rtol=1e-5, atol=1e-5)
        n_alone = len(alone_history.train)
        np.testing.assert_allclose(stack_history.train[:n_alone, k], alone_history.train[:, 0], rtol=1e-4)
        assert stack_history.best_epoch[k] == alone_history.best_epoch[0]


@pytest.mark.parametrize("options", [
    {"optimizer": "adam", "schedule": "cosine"},
    {"optimizer": "momentum", "warmup_epochs": 3, "schedule": "step"},
    {"optimizer": "rmsprop", "batch_size": 0},
    {"optimizer": "adagrad"},
    {"optimizer": "sgd", "patience": 2},
])
def test_each_model_of_a_stack_can_have_its_own_learning_rate(regression, options):
    X, y = regression
    seeds, lrs = [0, 0, 1, 2], [0.003, 0.03, 0.01, 0.001]  # the same seed twice: only the rate differs
    stack, stack_history = fit("relu:8x2", seeds, X, y, lrs=lrs, **options)
    for k, (seed, lr) in enumerate(zip(seeds, lrs)):
        alone, alone_history = fit("relu:8x2", [seed], X, y, lr=lr, **options)
        for p, q in zip(stack.parameters(), alone.parameters()):
            torch.testing.assert_close(p[k], q[0], rtol=1e-4, atol=1e-5)
        n_alone = len(alone_history.train)
        np.testing.assert_allclose(stack_history.train[:n_alone, k], alone_history.train[:, 0], rtol=1e-4)
        assert stack_history.best_epoch[k] == alone_history.best_epoch[0]
    # and the rates mattered: the same seed with another rate ends elsewhere
    assert not torch.allclose(stack.weights[0][0], stack.weights[0][1], atol=1e-3)


def test_learning_rates_must_be_one_per_model_and_positive(regression):
    X, y = regression
    with pytest.raises(vc.ConfigError, match="one positive learning rate per model"):
        fit("linear", [0, 1], X, y, lrs=[0.01])
    with pytest.raises(vc.ConfigError, match="one positive learning rate per model"):
        fit("linear", [0, 1], X, y, lrs=[0.01, 0.0])


def test_a_diverging_model_is_named_with_its_own_learning_rate(regression):
    X, y = regression
    with pytest.raises(vc.TrainingDiverged, match=r"\(seed 1\) with learning rate 1000.*such as 100"):
        fit("linear", [0, 1], X * 100, y, lrs=[1e-6, 1000], optimizer="sgd", loss="mse")


def test_a_model_that_stops_early_cannot_fail_the_others():
    # seed 3 stops after epoch 1 with lr 0.6; its later weights would explode the loss
    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, 3))
    y = np.sin(2 * X[:, 0]) + X[:, 1] ** 2 + rng.normal(0, 0.3, 300)
    X, y = torch.tensor(X, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)
    options = dict(optimizer="sgd", lr=0.6, loss="mse", batch_size=0, patience=2, n_epochs=60)
    stack, history = fit("relu:16", [0, 1, 2, 3], X, y, **options)
    alone, alone_history = fit("relu:16", [3], X, y, **options)
    assert history.best_epoch[3] == alone_history.best_epoch[0]
    for p, q in zip(stack.parameters(), alone.parameters()):
        torch.testing.assert_close(p[3], q[0], rtol=1e-5, atol=1e-5)


def test_same_seed_same_result_other_seed_other_result(regression):
    X, y = regression
    a, _ = fit("relu:8", [7], X, y)
    b, _ = fit("relu:8", [7], X, y)
    c, _ = fit("relu:8", [8], X, y)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    assert not torch.equal(a.weights[0], c.weights[0])


def test_early_stopping_keeps_each_models_best_weights(regression):
    X, y = regression
    model, history = fit("relu:32x2", [0, 1], X, y, lr=0.05, n_epochs=60, patience=3)
    n_val = len(y) // 5
    final_val = losses.mae(model(X[:n_val]), y[:n_val]).detach().numpy()
    np.testing.assert_allclose(final_val, np.nanmin(history.val, axis=0), rtol=1e-5)
    np.testing.assert_array_equal(history.best_epoch, np.nanargmin(history.val, axis=0) + 1)


def test_an_exploding_loss_stops_with_advice(regression):
    X, y = regression
    with pytest.raises(vc.TrainingDiverged, match=r"learning rate 1000.*try a smaller one, such as 100"):
        fit("linear", [0], X * 100, y, optimizer="sgd", lr=1000, loss="mse")


def test_gradient_descent_reaches_the_least_squares_optimum(regression):
    X, y = regression
    model, _ = fit("linear", [0], X, y, loss="mse", optimizer="sgd", lr=0.1, batch_size=0, n_epochs=500)
    X_train, y_train = X[len(y) // 5 :], y[len(y) // 5 :]  # what `fit` trains on
    w, b = least_squares(X_train.numpy(), y_train.numpy())
    np.testing.assert_allclose(w, [2.0, -1.0], atol=0.1)  # the truth, up to noise
    gd_loss = losses.mse(model(X_train), y_train).item()
    exact_loss = float(np.mean((X_train.numpy() @ w + b - y_train.numpy()) ** 2))
    assert gd_loss == pytest.approx(exact_loss, rel=1e-4)


def learning_rates(**options):
    config = vc.TrainConfig(lr=1.0, n_epochs=13, **options)
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=config.lr)
    scheduler = make_scheduler(optimizer, config)
    rates = []
    for _ in range(config.n_epochs):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return np.array(rates)


def test_learning_rate_schedules():
    assert np.allclose(learning_rates(), 1.0)
    warm = learning_rates(warmup_epochs=4)
    np.testing.assert_allclose(warm[:5], [0.2, 0.4, 0.6, 0.8, 1.0])
    step = learning_rates(warmup_epochs=4, schedule="step")  # 9 epochs after warm-up: /10 every 3
    np.testing.assert_allclose(step[4:], [1, 1, 1, 0.1, 0.1, 0.1, 0.01, 0.01, 0.01])
    cosine = learning_rates(schedule="cosine")
    assert cosine[0] == 1.0 and np.all(np.diff(cosine) < 0) and cosine[-1] < 0.05
