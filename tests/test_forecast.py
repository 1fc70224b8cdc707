"""forecast / backtest: the calendar, the recursion, the intervals, no test-period leakage, bad inputs."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

import viewcast as vc
from viewcast.cli.main import main
from viewcast.core.baselines import Naive
from viewcast.core.features import Period, fill_from_past, make_windows
from viewcast.core.forecaster import Forecaster
from viewcast.core.inputs import INPUT_NAMES, Inputs
from viewcast.forecasting import classical
from viewcast.forecasting.backtest import backtest_periods, history_scale, run_backtest
from viewcast.forecasting.candidates import Candidate, Combined, ensemble_of
from viewcast.forecasting.forecast import FORECAST_TRAINING, ForecastConfig, run_forecast
from viewcast.forecasting.intervals import Offsets, adaptive, coverage, log_ratio
from viewcast.forecasting.rolling import Forecasts, forecasts_of, recursive, steps_ahead
from viewcast.forecasting.validation import _choose

FAST = ForecastConfig(models=("linear",), lags=(7,), train=dataclasses.replace(FORECAST_TRAINING, n_epochs=3, n_seeds=2), days=3,
                      calendar=0, direct=0, ensemble=0, combine=False)  # the tests of those options turn them on
FAST_CLI = ["--models", "linear", "--lags", "7", "--epochs", "3", "--seeds", "1", "--workers", "1",
            "--calendar", "0", "--direct", "0", "--ensemble", "0", "--no-combine", "--quiet"]


# -- inputs and gaps -----------------------------------------------------------------


@pytest.mark.parametrize("kind", INPUT_NAMES)
def test_each_input_kind_maps_back_to_views(kind):
    rng = np.random.default_rng(0)
    X, y = rng.uniform(0, 5000, (50, 28)), rng.uniform(0, 5000, 50)
    inputs = Inputs(kind)
    assert np.allclose(inputs.views(inputs.target(y, X), X), y)
    assert inputs.lags(X).shape == X.shape


def test_level_inputs_see_the_shape_not_the_level():
    X = np.array([[100.0, 200, 300, 100, 200, 300, 100]])
    for kind in ("level", "log-level"):
        inputs = Inputs(kind)
        same = np.allclose(inputs.lags(X), inputs.lags(10 * X))
        assert not same if kind == "log-level" else same
    assert np.isfinite(Inputs("level").lags(np.zeros((1, 7)))).all()  # a week of no views


def test_weekday_inputs_are_the_target_days_weekday():
    dates = pd.DatetimeIndex(["2024-01-01", "2024-01-07"])  # a Monday and a Sunday
    assert Inputs(weekday=True).extra(dates).argmax(axis=1).tolist() == [0, 6]


def test_calendar_inputs_are_known_in_advance_from_the_date_alone():
    calendar = Inputs("level", weekday=True, year=True, holidays="TW")
    days = pd.date_range("2030-01-28", periods=10)  # days no data reaches: only their dates are read
    extra = calendar.extra(days, horizons=3)
    assert extra.shape == (10, 7 + 2 + 3) and calendar.n_inputs(28, horizons=3) == 28 + 12
    holiday = days.get_loc(pd.Timestamp("2030-02-02"))  # Lunar New Year's Eve 2030 (Taiwan's holidays: Feb 1-7)
    assert extra[holiday, 9] == 1 and extra[holiday - 1, 10] == 1 and extra[holiday - 2, 11] == 1  # days +1, +2, +3
    assert extra[1, 9] == extra[1, 11] == 0  # 2030-01-29 and 01-31: working days
    assert np.allclose(np.hypot(extra[:, 7], extra[:, 8]), 1)  # the time of year, a point on the circle
    half = np.pi * 182 / 182.625  # 2015-07-02, day 183: half a year after January 1st
    assert np.allclose(Inputs(year=True).extra(pd.DatetimeIndex(["2015-01-01", "2015-07-02"])), [[0, 1], [np.sin(half), np.cos(half)]])


def test_a_weekday_model_needs_dates(weekly_series):
    f = vc.Forecaster("linear", 7, FORECAST_TRAINING.__class__(n_epochs=2), inputs="level", weekday=True)
    f.fit(weekly_series, ("2020-01-08", "2020-12-31"))
    with pytest.raises(vc.ConfigError, match="weekday"):
        f.predict_windows(np.ones((1, 7)) * 1000)
    assert f.predict(weekly_series).value > 0


def test_gaps_are_filled_from_the_past_only():
    days = pd.date_range("2024-01-01", periods=30)
    series = pd.Series(np.arange(30.0), index=days).drop(days[[10, 11, 20]])
    filled = fill_from_past(series)
    assert filled[days[10]] == 3.0 and filled[days[11]] == 4.0 and filled[days[20]] == 13.0  # a week before
    later = series.copy()
    later[later.index > days[20]] *= 100  # what comes after a gap never changes its fill
    assert fill_from_past(later)[: days[20]].equals(filled[: days[20]])


# -- the recursion -------------------------------------------------------------------


class PlusOne:
    """A predictor that knows the series grows by one a day."""

    n_lags = 3

    def predict_windows(self, X, dates=None):
        return (X[:, 0] + 1)[None, :]


def test_recursive_forecasts_feed_each_day_back():
    days = pd.date_range("2024-01-01", periods=40)
    filled = pd.Series(np.arange(40.0), index=days)
    steps = recursive(PlusOne(), filled, days[[10, 20]], 5)
    assert steps.tolist() == [[11, 21], [12, 22], [13, 23], [14, 24], [15, 25]]
    scored = forecasts_of(PlusOne(), filled, days[30:35], 5)
    assert np.array_equal(scored.predicted, np.tile(scored.y, (5, 1)))  # each horizon from its own origin


def test_direct_examples_hold_the_next_days_after_their_window():
    days = pd.date_range("2024-01-01", periods=12)
    series = pd.Series(np.arange(12.0), index=days).drop(days[[8]])  # day 8 missing
    windows = make_windows(series, 3, horizons=2)
    assert windows.X[0].tolist() == [2, 1, 0] and windows.y[0].tolist() == [3, 4] and windows.dates[0] == days[3]
    assert len(windows.y) == 12 - 3 - 1
    assert windows.on(series.index).dates.equals(days[3:7])  # day 8 in no window or target, from 3 days before it
    whole = make_windows(fill_from_past(series), 3, horizons=2)
    assert whole.on(series.index).dates.equals(days[3:7].append(days[9:11]))  # filled, it is an input, never a target


class PlusH:
    """A direct model of 3 days that has learnt v_{t+h} = v_t + h, as `Forecaster` returns it: (K, H, n)."""

    n_lags, horizons = 2, 3

    def predict_windows(self, X, dates=None):
        return (X[:, 0][None, :] + np.arange(1, 4)[:, None])[None]


def test_direct_forecasts_align_with_their_target_days():
    days = pd.date_range("2024-01-01", periods=40)
    filled = pd.Series(np.arange(40.0), index=days)
    assert steps_ahead(PlusH(), filled, days[[10, 20]], 3).tolist() == [[11, 21], [12, 22], [13, 23]]
    scored = forecasts_of(PlusH(), filled, days[30:35], 3)
    assert np.array_equal(scored.predicted, np.tile(scored.y, (3, 1)))  # each day h ahead from h days before it
    both = Combined("mean", [PlusH(), Naive(1)])  # the mean of v_t + h and v_t
    assert steps_ahead(both, filled, days[[10]], 3)[:, 0].tolist() == [10.5, 11, 11.5]


def test_a_direct_network_forecasts_each_day_ahead(weekly_series):
    windows = make_windows(weekly_series, 14, horizons=7)
    training = dataclasses.replace(FORECAST_TRAINING, n_epochs=30, n_seeds=2)
    model = Forecaster("linear", 14, training, inputs="level", weekday=True, horizons=7).fit_windows(windows)
    test = windows.on(weekly_series.index[-100:])
    predicted = model.predict_windows(test.X, test.dates)
    assert predicted.shape == (2, 7, len(test.y))
    errors = np.abs(predicted.mean(axis=0) - test.y.T).mean(axis=1)  # each day ahead: its own target
    assert (errors < 100).all(), errors  # the weekday cycle is 300 views deep: each output learnt its own day


def test_the_seasonal_naive_repeats_last_week_at_every_horizon():
    days = pd.date_range("2024-01-01", periods=60)
    filled = pd.Series(np.arange(60.0), index=days)
    scored = forecasts_of(Naive(7), filled, days[40:45], 10)
    y = scored.y
    assert scored.predicted[0].tolist() == (y - 7).tolist() and scored.predicted[6].tolist() == (y - 7).tolist()
    assert scored.predicted[7].tolist() == (y - 14).tolist()  # 8 days ahead: last week is not known yet


# -- intervals -----------------------------------------------------------------------


def test_conformal_offsets_are_the_right_order_statistics():
    errors = np.arange(1, 100) / 100  # 99 errors: 0.01 .. 0.99, shuffled
    offsets = Offsets.fit(np.random.default_rng(0).permutation(errors), 0.8)
    # k_low = floor(100 × 0.1) = 10, k_high = ceil(100 × 0.9) = 90
    assert (offsets.lower, offsets.upper, offsets.n) == (0.10, 0.90, 99)
    lower, upper = offsets.around(np.array([99.0]))
    assert np.allclose([lower[0], upper[0]], [100 * np.exp(0.1) - 1, 100 * np.exp(0.9) - 1])
    few = Offsets.fit(np.array([0.1, 0.2]), 0.8)
    assert few.lower == -np.inf and few.upper == np.inf  # two errors cannot bound a 10% tail


def test_coverage_counts_the_days_inside_their_interval():
    y = np.array([1.0, 2, 3, 4, 5])
    assert coverage(y, np.array([1.0, 3, 0, 0, 6]), np.array([1.0, 4, 3, 3, 9])) == 0.4  # ends count as inside


def test_intervals_cover_as_promised_on_exchangeable_errors():
    rng = np.random.default_rng(1)
    calibration, new = rng.standard_t(4, 500) * 0.1, rng.standard_t(4, 20_000) * 0.1
    y_hat = np.full(len(new), 1000.0)
    lower, upper = Offsets.fit(calibration, 0.8).around(y_hat)
    y = (1 + y_hat) * np.exp(new) - 1  # log_ratio(y, y_hat) == new
    assert np.allclose(log_ratio(y, y_hat), new)
    assert 0.77 <= coverage(y, lower, upper) <= 0.83


def test_adaptive_intervals_recover_after_errors_grow():
    rng = np.random.default_rng(2)
    dates = pd.date_range("2020-01-01", periods=1200)
    errors = rng.normal(0, 0.05, 1200) * np.where(np.arange(1200) < 400, 1, 2)  # a harder period from day 400
    path = adaptive(errors, dates, 1, 0.8)
    assert len(path) == 1201 and (path[0].lower, path[0].upper) == (-np.inf, np.inf)  # nothing known yet
    inside = [o.lower <= e <= o.upper for o, e in zip(path[400:-1], errors[400:])]
    static = Offsets.fit(errors[:400], 0.8)
    assert 0.75 <= np.mean(inside) <= 0.85
    assert np.mean((errors[400:] >= static.lower) & (errors[400:] <= static.upper)) < 0.6  # what it fixes


# -- forecast and backtest -----------------------------------------------------------


def test_forecast_dates_continue_the_calendar(weekly_series):
    series = weekly_series[:"2021-02-28"].drop(pd.DatetimeIndex(["2021-02-26"]))  # a gap just before the end
    run = run_forecast(series, FAST, "synthetic")
    assert [str(d) for d in run.forecast["date"]] == ["2021-03-01", "2021-03-02", "2021-03-03"]
    leap = run_forecast(weekly_series[:"2020-12-30"], dataclasses.replace(FAST, days=2))
    assert [str(d) for d in leap.forecast["date"]] == ["2020-12-31", "2021-01-01"]
    frame = run.forecast
    assert list(frame.columns) == ["date", "weekday", "forecast", "low", "high"]
    assert list(frame["weekday"]) == ["Mon", "Tue", "Wed"]
    assert (frame["low"] <= frame["forecast"]).all() and (frame["forecast"] <= frame["high"]).all()
    assert run.selection.val == Period.of("2020-12-06", "2021-02-28")  # 425 days: the last fifth held out


def test_nothing_from_the_test_period_reaches_the_choice(weekly_series):
    history, test = backtest_periods(weekly_series, start="2021-06-01")
    poisoned = weekly_series.copy()
    poisoned[poisoned.index >= test.start] *= 50
    every_option = dataclasses.replace(FAST, models=("linear", "relu:4"), calendar=2, direct=2, ensemble=3,
                                       combine=classical.available())
    runs = [run_backtest(s, every_option, history, test, with_classical=False) for s in (weekly_series, poisoned)]
    labels = [row["label"] for row in runs[0].selection.table]
    assert any("direct" in label for label in labels) and "median of the best 3 networks" in labels
    assert any("AutoARIMA" in label for label in labels) or not classical.available()
    assert runs[0].selection.table == runs[1].selection.table
    assert all(np.array_equal(a, b) for a, b in zip(runs[0].selection.errors, runs[1].selection.errors))
    first = [run.predictions[run.predictions["date"] == test.start.date()] for run in runs]
    columns = ["method", "horizon", "forecast", "lower", "upper"]
    assert first[0][columns].equals(first[1][columns])
    assert history_scale(weekly_series, history) == history_scale(poisoned, history)


def test_backtest_scores_every_method_on_the_same_days(weekly_series):
    history, test = backtest_periods(weekly_series, start="2021-10-01")
    run = run_backtest(weekly_series, FAST, history, test, with_classical=False)
    assert {s["days"] for s in run.scores} == {91}
    assert [s["horizon"] for s in run.scores[:3]] == [1, 2, 3]
    mine, naive = run.scores[0], next(s for s in run.scores if s["method"] == "baseline: same as 7 days ago")
    assert mine["coverage"] is not None and naive["coverage"] is None
    assert np.isclose(naive["mase"], naive["mae"] / history_scale(weekly_series, history))
    yesterday = next(s for s in run.scores if s["method"] == "baseline: same as yesterday" and s["horizon"] == 1)
    assert np.isclose(yesterday["mase_naive"], 1.0, rtol=0.05)  # the naive against its own error on the history
    assert np.isclose(naive["mase_naive"], naive["mae"] / history_scale(weekly_series, history, lag=1))


@pytest.mark.skipif(not classical.available(), reason="the classical extra (statsforecast) is not installed")
def test_classical_methods_forecast_from_the_real_past(weekly_series):
    history = Period.of("2020-01-01", "2021-06-30")
    days = pd.date_range("2021-07-01", "2021-07-20")
    results = classical.classical_forecasts(fill_from_past(weekly_series), history, days, 2, 0.8)
    assert list(results) == ["AutoETS", "AutoARIMA", "AutoTheta", "MSTL"]
    y = weekly_series[days].to_numpy()
    for name, (predicted, lower, upper) in results.items():
        assert predicted.shape == lower.shape == (2, 20)
        assert (lower <= predicted).all() and (predicted <= upper).all()
        assert np.mean(np.abs(predicted[0] - y)) < 100, name  # the weekly cycle is 300 views deep


def test_folds_validate_on_each_block_and_average_them(weekly_series):
    run = run_forecast(weekly_series[:500], dataclasses.replace(FAST, folds=2, direct=0, calendar=0))
    (train1, val1), (train2, val2) = run.selection.folds
    assert train1.end < val1.start and val1.end < val2.start and train2.end == val1.end and val2 == run.selection.val
    for row in run.selection.table:
        assert len(row["val_mae_by_fold"]) == 2 and np.isclose(row["val_mae"], np.mean(row["val_mae_by_fold"]))
    assert len(run.summary["periods"]["folds"]) == 2


def test_the_mean_of_the_best_networks_wins_a_near_tie():
    days = pd.date_range("2024-01-01", periods=140)
    y = np.full(140, 100.0)
    noise, other = np.random.default_rng(0).normal(0, 10, (2, 140))
    one, two = Candidate("linear", 7), Candidate("relu:4", 7)
    ensemble = ensemble_of([one, two], 2)
    scored = {c: [Forecasts(days, y, (y + offset + noise)[None, :])] for c, offset in ((one, 0.0), (two, 5.0))}
    scored[ensemble] = [Forecasts(days, y, (y + 1 + other)[None, :])]  # other errors, about as large: a tie
    table = sorted(({"label": c.label, "val_mae": float(np.abs(f[0].predicted - y).mean())} for c, f in scored.items()),
                   key=lambda row: row["val_mae"])
    assert table[0]["label"] == one.label and _choose(table, scored, ensemble)[0] == ensemble
    scored[ensemble] = [Forecasts(days, y, (y + 15 + other)[None, :])]  # far worse, beyond the noise
    assert _choose(table, scored, ensemble)[0] == one


def test_the_lectures_plain_models_stay_available():
    labels = [c.label for c in ForecastConfig(models=("linear",), lags=(28,), inputs=("plain",), weekday=False).candidates()]
    assert labels == ["baseline: same as yesterday", "baseline: same as 7 days ago", "linear on 28 days, plain (the lecture's)"]
    assert Candidate("relu:10", 7, "log-level", True).label == "relu:10 on 7 days, log-level + weekday"
    assert Candidate("relu:10", 7, "log-level", True, direct=True).label == "relu:10 on 7 days, log-level + weekday, direct"


# -- the commands, on a YouTube Studio export --------------------------------------------


@pytest.fixture
def studio_csv(tmp_path, weekly_series):
    """Table data.csv as YouTube Studio writes it: BOM, its header, a Total row, newest day first."""
    series = weekly_series.round()
    lines = ["Date,Views,Watch time (hours),Average view duration,Impressions,Impressions click-through rate (%)",
             f"Total,{series.sum():.0f},1234.5,0:02:31,99999,4.2"]
    lines += [f"{day.date()},{value:.0f},{value / 20:.1f},0:02:31,{value * 10:.0f},4.2" for day, value in series[::-1].items()]
    path = tmp_path / "Table data.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


def test_forecast_and_backtest_commands_on_a_studio_export(studio_csv, tmp_path, capsys):
    out = tmp_path / "fc"
    assert main(["forecast", "--data", str(studio_csv), "--days", "5", "--out", str(out), *FAST_CLI]) == 0
    printed = capsys.readouterr().out
    assert "Picked:" in printed and "2021-12-31 Fri" in printed  # the export ends on 2021-12-30
    frame = pd.read_csv(out / "forecast.csv")
    assert frame["date"].tolist() == ["2021-12-31", "2022-01-01", "2022-01-02", "2022-01-03", "2022-01-04"]
    assert sorted(p.name for p in out.iterdir()) == [
        ".viewcast", "forecast.csv", "forecast.json", "forecast.png", "summary.txt", "validation.csv"]
    out = tmp_path / "bt"
    assert main(["backtest", "--data", str(studio_csv), "--horizon", "2", "--no-classical", "--out", str(out), *FAST_CLI]) == 0
    scores = pd.read_csv(out / "backtest.csv")
    assert set(scores["horizon"]) == {1, 2} and {"mae", "rmse", "mape", "mase", "coverage"} <= set(scores.columns)


def test_direct_and_ensemble_options_through_the_cli(studio_csv, tmp_path, capsys):
    out = tmp_path / "fc"
    args = ["forecast", "--data", str(studio_csv), "--days", "4", "--out", str(out), *FAST_CLI, "--lags", "7,14"]
    assert main([*args, "--direct", "1", "--ensemble", "2", "--calendar", "1", "--holidays", "tw"]) == 0
    table = pd.read_csv(out / "validation.csv")
    assert table["strategy"].value_counts().to_dict() == {"recursive": 5, "direct": 1, "combination": 1}
    recursive = table[table["strategy"] == "recursive"]
    assert recursive["calendar"].value_counts().to_dict() == {"time of year + holidays TW": 1}
    assert "mean of the best 2 networks" in set(table["label"]) and "Forecast: 4 days ahead, " in capsys.readouterr().out
    assert main([*args, "--direct", "0", "--ensemble", "0", "--calendar", "0", "--force"]) == 0
    assert set(pd.read_csv(out / "validation.csv")["strategy"].fillna("")) == {"recursive", ""}  # and the baselines


@pytest.mark.parametrize("args, message", [
    (["forecast", "--days", "0"], "days to forecast"),
    (["forecast", "--coverage", "1.5"], "coverage"),
    (["forecast", "--inputs", "levels"], "inputs must be one of"),
    (["forecast", "--models", "tanh:5"], "unknown model"),
    (["forecast", "--holidays", "XX"], "--holidays 'XX' is not a country"),
    (["backtest", "--folds", "9"], "give --folds"),
    (["backtest", "--start", "2030-01-01"], "--start 2030-01-01 must be"),
    (["backtest", "--start", "1/2/2015"], "--start must be a day"),
    (["backtest", "--train-start", "2015-06-20", "--start", "2015-07-01"], "give a longer history"),
])
def test_bad_settings_get_one_line(args, message, tmp_path, capsys):
    out = tmp_path / "out"
    assert main([args[0], *FAST_CLI, *args[1:], "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert not out.exists()


def test_an_option_out_of_range_gets_one_line(capsys):
    assert main(["forecast", "--direct", "-1"]) == 2  # click's usage error, in one line too
    err = capsys.readouterr().err
    assert "'--direct': -1 is not in the range" in err and "forecast --help" in err and err.count("\n") == 1


def test_a_series_too_short_gets_one_line(write_csv, tmp_path, capsys):
    days = pd.date_range("2024-01-01", periods=20)
    path = write_csv("date,views\n" + "".join(f"{d.date()},{i}\n" for i, d in enumerate(days, start=1)))
    assert main(["forecast", "--data", str(path), "--out", str(tmp_path / "out"), *FAST_CLI]) == 1
    err = capsys.readouterr().err
    assert "give a longer history" in err and err.count("\n") == 1


def test_an_existing_folder_is_not_replaced_without_force(tmp_path, studio_csv, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    assert main(["forecast", "--data", str(studio_csv), "--out", str(out), *FAST_CLI]) == 1
    assert "already exists" in capsys.readouterr().err and (out / "notes.txt").read_text() == "keep me"


# -- the bundled series ---------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", list(vc.DATASETS))
def test_the_choice_beats_the_seasonal_naive_on_every_bundled_series(name):
    series = vc.load_dataset(name)
    config = ForecastConfig(models=("linear", "relu:10"), lags=(28, 56),
                            train=dataclasses.replace(FORECAST_TRAINING, n_epochs=30, n_seeds=2),
                            days=1, combine=False)  # (combinations with AutoARIMA: the poison test; one process: small jobs)
    history, test = backtest_periods(series, dataset=vc.DATASETS[name])
    run = run_backtest(series, config, history, test, with_classical=False)
    mine, naive = run.scores[0], next(s for s in run.scores if s["method"] == "baseline: same as 7 days ago")
    assert mine["mae"] < naive["mae"]
    assert 0.7 <= mine["coverage"] <= 0.9


def test_a_run_with_other_inputs_is_saved_and_read_back(tmp_path, weekly_series):
    config = vc.RunConfig(model=vc.ModelConfig("linear", 7, inputs="log-level", weekday=True), train=vc.TrainConfig(n_epochs=2))
    run = vc.train_run(config)
    assert "linear" not in run.metrics  # b and w in views exist for plain inputs only
    again = vc.load_run(vc.save_run(run, tmp_path / "run"))
    series = vc.load_dataset("wiki-r")
    assert np.allclose(again.forecaster.predict(series).per_seed, run.forecaster.predict(series).per_seed)
