import inspect

import numpy as np
import pandas as pd
import pytest

import viewcast as vc
from viewcast.core.runs import load_run, save_run, train_run

TRAIN = ("2020-01-01", "2020-12-31")
QUICK = vc.TrainConfig(n_epochs=3, n_seeds=2)


def test_init_only_stores_its_arguments():
    f = vc.Forecaster("relu:10", n_lags=7, training=QUICK)
    params = inspect.signature(vc.Forecaster).parameters
    assert {name: getattr(f, name) for name in params} == {
        "model": "relu:10", "n_lags": 7, "training": QUICK, "scale": "standard", "fill_gaps": False,
        "seeds": None, "lrs": None, "inputs": "plain", "weekday": False, "horizons": 1, "year": False, "holidays": "",
    }
    assert not [name for name in vars(f) if name.endswith("_")]


def test_predict_before_fit_raises(weekly_series):
    with pytest.raises(vc.NotFittedError, match="call fit first"):
        vc.Forecaster().predict(weekly_series)


def test_fit_returns_self_and_learns_state_ending_in_underscore(weekly_series):
    f = vc.Forecaster("linear", n_lags=7, training=QUICK)
    assert f.fit(weekly_series, TRAIN) is f
    assert f.coef_.shape == (2, 7) and f.intercept_.shape == (2,)
    assert list(f.history_.columns) == ["epoch", "seed", "train_loss"]
    scores = f.evaluate(weekly_series, ("2021-01-01", "2021-12-30"))
    assert scores["mae"].shape == (2,) and np.all(scores["mae"] > 0)


def test_linear_weights_are_reported_in_views(weekly_series):
    f = vc.Forecaster("linear", n_lags=7, training=QUICK).fit(weekly_series, TRAIN)
    X = np.array([[1200.0, 1100, 1000, 1300, 1250, 1210, 1190]])
    direct = f.intercept_ + (f.coef_ * X).sum(axis=1)  # y = b + Σ w_j x_j with b, w in views
    np.testing.assert_allclose(f.predict_windows(X)[:, 0], direct, rtol=1e-5)
    with pytest.raises(AttributeError, match="linear model"):
        _ = vc.Forecaster("relu:4", training=QUICK).fit(weekly_series, TRAIN).coef_


def test_predict_is_for_the_day_after_the_data(weekly_series):
    f = vc.Forecaster("relu:8", n_lags=7, training=QUICK).fit(weekly_series, TRAIN)
    forecast = f.predict(weekly_series)
    assert forecast.date == weekly_series.index[-1] + pd.Timedelta(days=1)
    assert forecast.per_seed.shape == (2,)
    X = weekly_series.to_numpy()[-7:][::-1][None, :]
    np.testing.assert_allclose(forecast.per_seed, f.predict_windows(X)[:, 0])


def test_a_missing_day_in_the_last_window(weekly_series):
    gappy = weekly_series.drop(weekly_series.index[-3])
    f = vc.Forecaster("linear", n_lags=7, training=QUICK).fit(gappy, TRAIN)
    with pytest.raises(vc.DataError, match="miss 1 day"):
        f.predict(gappy)
    filled = vc.Forecaster("linear", n_lags=7, training=QUICK, fill_gaps=True).fit(gappy, TRAIN)
    assert np.isfinite(filled.predict(gappy).value)


def test_patience_needs_validation(weekly_series):
    with pytest.raises(vc.ConfigError, match="validation"):
        vc.Forecaster(training=vc.TrainConfig(patience=3)).fit(weekly_series, TRAIN)


def test_a_saved_run_predicts_the_same_after_loading(tmp_path, weekly_series):
    path = tmp_path / "views.csv"
    weekly_series.rename("views").to_csv(path, index_label="date")
    config = vc.RunConfig(
        data=vc.DataConfig(dataset=None, path=str(path)),
        split=vc.SplitConfig(val_days=30),
        model=vc.ModelConfig("relu:8x2", n_lags=14),
        train=vc.TrainConfig(n_epochs=4, n_seeds=3, patience=2),
    )
    run = train_run(config)
    save_run(run, tmp_path / "run")
    again = load_run(tmp_path / "run")
    assert again.config == config
    np.testing.assert_array_equal(again.forecaster.predict(weekly_series).per_seed,
                                  run.forecaster.predict(weekly_series).per_seed)
    assert set(again.metrics["losses"]) == {"train", "val", "test"}


def test_training_improvement_reads_the_history_per_seed(weekly_series):
    f = vc.Forecaster("linear", n_lags=1, training=QUICK).fit(
        weekly_series, train=("2020-01-02", "2021-06-30")
    )
    f.history_ = pd.DataFrame(
        {"epoch": [1, 1, 2, 2, 3, 3, 4, 4], "seed": [0, 1] * 4, "train_loss": [100, 50, 80, 50, 60, 50, 50, 40]}
    )
    assert f.training_improvement(1) == [pytest.approx(1 / 6), pytest.approx(0.2)]
    assert f.training_improvement(2) == [pytest.approx(1 - 50 / 80), pytest.approx(0.2)]
    assert f.training_improvement(4) == [None, None]  # no epoch before the first


@pytest.mark.parametrize("seeds, lrs, message", [
    ([0, 0], None, "the same seed"),
    ([1, 1], [0.1, 0.1], "the same seed"),
    ([0, 1], [0.1], "one learning rate per seed"),
    ([-1], None, "seeds must be from 0"),
])
def test_the_models_of_a_forecaster_are_distinct(weekly_series, seeds, lrs, message):
    forecaster = vc.Forecaster("linear", n_lags=7, training=QUICK, seeds=seeds, lrs=lrs)
    with pytest.raises(vc.ConfigError, match=message):
        forecaster.fit(weekly_series, train=TRAIN)


def test_the_same_seed_with_two_rates_is_two_models(weekly_series):
    forecaster = vc.Forecaster("linear", n_lags=7, training=QUICK, seeds=[0, 0], lrs=[0.001, 0.1])
    forecaster.fit(weekly_series, train=TRAIN)
    assert len(forecaster.training_improvement()) == 2
    assert set(forecaster.history_["lr"]) == {0.001, 0.1}
    assert not np.allclose(forecaster.coef_[0], forecaster.coef_[1])
