import numpy as np
import pytest
import torch

from viewcast.core import losses, metrics


def test_metrics_on_known_values():
    y, y_hat = np.array([100.0, 200.0, 0.0]), np.array([110.0, 180.0, 5.0])
    assert metrics.mae(y, y_hat) == pytest.approx(35 / 3)
    assert metrics.mse(y, y_hat) == pytest.approx(525 / 3)
    assert metrics.rmse(y, y_hat) == pytest.approx(np.sqrt(175))
    assert metrics.mape(y, y_hat) == pytest.approx(10.0)  # the zero day is skipped
    assert np.isnan(metrics.mape(np.zeros(2), np.ones(2)))


def test_training_losses_agree_with_the_metrics_and_convert_to_views():
    rng = np.random.default_rng(0)
    y, y_hat = rng.normal(size=30), rng.normal(size=30)
    t = lambda a: torch.tensor(a[None, :])
    assert losses.mae(t(y_hat), t(y)).item() == pytest.approx(metrics.mae(y, y_hat))
    assert losses.mse(t(y_hat), t(y)).item() == pytest.approx(metrics.mse(y, y_hat))
    scale = 250.0  # z = v / scale: MAE scales by `scale`, MSE by its square
    assert losses.to_views("mae", metrics.mae(y, y_hat), scale) == pytest.approx(metrics.mae(y * scale, y_hat * scale))
    assert losses.to_views("mse", metrics.mse(y, y_hat), scale) == pytest.approx(metrics.mse(y * scale, y_hat * scale))
