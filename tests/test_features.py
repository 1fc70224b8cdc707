import numpy as np
import pandas as pd
import pytest

import viewcast as vc
from viewcast.core.config import SplitConfig
from viewcast.core.data import get_dataset
from viewcast.core.features import Period, Scaler, make_split, make_windows, split_windows


def series_of(values, start="2024-01-01"):
    return pd.Series(np.asarray(values, float), index=pd.date_range(start, periods=len(values)))


def test_windows_hold_the_previous_days_newest_first():
    w = make_windows(series_of(range(10)), n_lags=3)
    assert w.X[0].tolist() == [2, 1, 0]  # x₁ = yesterday
    assert w.y[0] == 3
    assert w.dates[0] == pd.Timestamp("2024-01-04")
    assert len(w.y) == 7 and w.complete.all()


def test_examples_touching_a_missing_day_are_left_out_and_counted():
    series = series_of(range(20)).drop(pd.Timestamp("2024-01-10"))
    w = make_windows(series, n_lags=3)
    part, left_out = w.select(Period.of("2024-01-01", "2024-01-20"))
    # the missing day is the target of one example and in the window of the next three
    assert left_out == 4
    assert not np.isnan(part.X).any() and not np.isnan(part.y).any()
    assert pd.Timestamp("2024-01-10") not in part.dates


def test_fill_gaps_interpolates_inputs_but_never_scores_or_leaks_a_target():
    series = series_of(range(20)).drop(pd.Timestamp("2024-01-10"))
    w = make_windows(series, n_lags=3, fill_gaps=True)
    part, left_out = w.select(Period.of("2024-01-01", "2024-01-20"))
    # the filled day is not a target, nor is the next day, whose x₁ was interpolated from it
    assert left_out == 2
    assert not {pd.Timestamp("2024-01-10"), pd.Timestamp("2024-01-11")} & set(part.dates)
    assert part.X[part.dates == pd.Timestamp("2024-01-12")][0].tolist() == [10.0, 9.0, 8.0]


def test_a_filled_day_never_carries_a_later_value_into_training():
    series = series_of(range(30)).drop(pd.date_range("2024-01-14", "2024-01-15"))
    series["2024-01-16":] += 1000  # the test period starts on 2024-01-16
    w = make_windows(series, n_lags=5, fill_gaps=True)
    train, _ = w.select(Period.of("2024-01-01", "2024-01-15"))
    assert train.X.max() < 100 and train.y.max() < 100


def test_no_training_example_reaches_past_the_training_period():
    series = vc.load_dataset("wiki-r")
    split = make_split(series, SplitConfig(val_days=365), get_dataset("wiki-r"))
    assert split.val == Period.of("2014-01-01", "2014-12-31")
    assert split.train == Period.of("2011-01-01", "2013-12-31")
    parts, _ = split_windows(make_windows(series, 56), split)
    assert parts["train"].dates.max() <= split.train.end  # targets; windows only look back
    assert parts["val"].dates.min() >= split.val.start and parts["val"].dates.max() <= split.val.end
    assert parts["test"].dates.min() >= split.test.start


def test_defaults_for_a_csv_are_the_last_year_as_test(weekly_series):
    split = make_split(weekly_series, SplitConfig())
    assert split.test.n_days == 365 and split.test.end == weekly_series.index[-1]
    assert split.train.end == split.test.start - pd.Timedelta(days=1)


@pytest.mark.parametrize(
    "config, message",
    [
        (SplitConfig(train_end="2021-06-01", test_start="2021-01-01"), "must end before"),
        (SplitConfig(test_start="2030-01-01", test_end="2030-12-31"), "outside the data"),
        (SplitConfig(train_start="2020-06-01", train_end="2020-01-01"), "ends before it starts"),
        (SplitConfig(val_days=5000), "do not fit"),
    ],
)
def test_bad_splits(weekly_series, config, message):
    with pytest.raises(vc.ConfigError, match=message):
        make_split(weekly_series, config)


def test_series_too_short_for_the_window_plus_a_test_period():
    series = series_of(range(40))
    split = make_split(series, SplitConfig())
    with pytest.raises(vc.DataError, match="too short for the window plus a test period"):
        split_windows(make_windows(series, 35), split)
    with pytest.raises(vc.DataError, match="too few for 56 lags"):
        make_windows(series, 56)


def test_the_scaler_and_the_fit_never_see_the_test_period(weekly_series):
    train, test = Period.of("2020-01-01", "2020-12-31"), Period.of("2021-01-01", "2021-12-30")
    changed = weekly_series.copy()
    changed[test.start :] *= 10  # a different future must not change what was learned
    config = vc.TrainConfig(n_epochs=3, n_seeds=2)
    a = vc.Forecaster("relu:8", n_lags=7, training=config).fit(weekly_series, train)
    b = vc.Forecaster("relu:8", n_lags=7, training=config).fit(changed, train)
    assert a.scaler_ == b.scaler_
    for p, q in zip(a.model_.parameters(), b.model_.parameters()):
        assert np.array_equal(p.detach().numpy(), q.detach().numpy())


def test_one_scaler_for_inputs_and_target():
    scaler = Scaler.fit(np.array([10.0, 20.0, 30.0]))
    v = np.array([5.0, 25.0])
    assert np.allclose(scaler.inverse(scaler.transform(v)), v)
    assert Scaler.fit(np.array([1.0, 2.0]), "none") == Scaler()
