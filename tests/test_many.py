"""Many series at once (`--by`): the long table in and out, a series that fails among others,
Ctrl-C, and the same numbers on this machine's processes and on a Dask cluster."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from test_forecast import FAST_CLI
from test_studio import CHART
from viewcast.cli.main import main
from viewcast.core.config import DataConfig, TrainConfig
from viewcast.core.long import load_long, to_long
from viewcast.engine.parallel import use_engine
from viewcast.errors import WorkerDied
from viewcast.forecasting import many
from viewcast.forecasting.forecast import FORECAST_TRAINING, ForecastConfig, run_forecast
from viewcast.forecasting.many import run_many
from viewcast.forecasting.pooled import MOST_NETWORKS, global_candidates, last_training_days
from viewcast.forecasting.rolling import windows_at
from viewcast.lecture.sweep import SweepConfig, run_sweep

FAST = ForecastConfig(models=("linear",), lags=(7,), inputs=("level",), train=dataclasses.replace(FORECAST_TRAINING, n_epochs=3, n_seeds=1),
                      days=2, calendar=0, direct=0, ensemble=0, combine=False, windows=())


def channels(n: int, days: int = 500) -> dict[str, pd.Series]:
    """`n` synthetic daily series of different levels, each with a weekly cycle and noise."""
    out = {}
    for k in range(n):
        dates = pd.date_range("2022-01-01", periods=days, name="date")
        rng = np.random.default_rng(k)
        values = 100 * (k + 1) + 0.2 * np.arange(days) + 40 * (dates.day_of_week < 5) + rng.normal(0, 10, days)
        out[f"channel-{k}"] = pd.Series(np.maximum(values, 0).round(), index=dates, name="value")
    return out


def long_csv(tmp_path, series: dict, name: str = "long.csv"):
    path = tmp_path / name
    to_long(series).rename(columns={"series": "unique_id", "date": "ds", "value": "y"}).to_csv(path, index=False)
    return path


def collection(tmp_path, series: dict):
    return load_long(DataConfig(dataset=None, path=str(long_csv(tmp_path, series))), "unique_id")


def test_a_long_table_round_trips(tmp_path):
    written = channels(3, days=60)
    written["channel-1"] = written["channel-1"].drop(written["channel-1"].index[[5, 6]])  # missing days stay missing
    read = collection(tmp_path, written)
    assert list(read.series) == list(written) and read.problems == {}
    for name, series in written.items():
        pd.testing.assert_series_equal(read.series[name], series, check_names=False, check_freq=False)
    assert to_long(read.series).equals(to_long(written))  # and back


def test_a_studio_chart_export_by_content_gives_each_video_from_its_publish_day(tmp_path):
    path = tmp_path / "Chart data.csv"
    path.write_text(CHART, encoding="utf-8-sig")
    read = load_long(DataConfig(dataset=None, path=str(path)), "content")  # by its role: 'Content', 'Inhalt'...
    assert read.by == "Content"
    assert read.series["-BObt8inVs8"].tolist() == [6, 7]
    assert read.series["x1Yz"].tolist() == [2, 4, 3, 3]
    assert read.titles["x1Yz"] == "Garden tour"


def test_a_series_that_cannot_be_done_is_listed_and_the_others_go_on(tmp_path, monkeypatch):
    series = channels(3)
    series["too-short"] = series["channel-0"].iloc[:12]  # too few days for validation and training
    path = long_csv(tmp_path, series)
    with open(path, "a") as file:
        file.write("repeated,2022-01-01,5\nrepeated,2022-01-01,6\n")
    read = load_long(DataConfig(dataset=None, path=str(path)), "unique_id")
    assert "appears more than once" in read.problems["repeated"]

    real = many.run_forecast

    def breaks_on_channel_1(series, config, **options):
        if series.iloc[0] == read.series["channel-1"].iloc[0]:
            raise RuntimeError("a bug")
        return real(series, config, **options)

    monkeypatch.setattr(many, "run_forecast", breaks_on_channel_1)
    run = run_many(read, "forecast", dataclasses.replace(FAST, workers=1))
    status = run.series.set_index("series")["status"]
    assert status.to_dict() == {"channel-0": "ok", "channel-1": "failed", "channel-2": "ok", "too-short": "skipped",
                                "repeated": "skipped"}
    assert "RuntimeError: a bug" in run.series.set_index("series").loc["channel-1", "error"]
    assert set(run.table["series"]) == {"channel-0", "channel-2"}
    assert list(run.table.columns) == ["series", "date", "forecast", "low", "high"]
    assert (run.summary["done"], run.summary["skipped"], run.summary["failed"]) == (2, 2, 1)


def test_ctrl_c_keeps_the_series_already_done(tmp_path, monkeypatch, capsys):
    path = long_csv(tmp_path, channels(3))
    real, calls = many.run_task, []

    def interrupted_on_the_second(task):
        calls.append(task.name)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(task)

    monkeypatch.setattr(many, "run_task", interrupted_on_the_second)
    out = tmp_path / "many"
    assert main(["forecast", "--data", str(path), "--by", "unique_id", "--days", "2", *FAST_CLI, "--out", str(out)]) == 130
    assert pd.read_csv(out / "series.csv")["series"].tolist() == ["channel-0"]
    assert "interrupted; the 1 series done are saved" in capsys.readouterr().err


def test_forecast_and_backtest_by_a_column_through_the_cli(tmp_path, capsys):
    path = long_csv(tmp_path, channels(2))
    out = tmp_path / "forecasts"
    assert main(["forecast", "--data", str(path), "--by", "unique_id", "--days", "3", *FAST_CLI, "--out", str(out)]) == 0
    forecasts = pd.read_csv(out / "forecasts.csv")
    assert forecasts.groupby("series").size().to_dict() == {"channel-0": 3, "channel-1": 3}
    validation = pd.read_csv(out / "validation.csv")  # each series' candidates, ranked; its pick among them
    picked = pd.read_csv(out / "series.csv").set_index("series")["picked"]
    assert set(validation["series"]) == {"channel-0", "channel-1"}
    assert all(picked[name] in set(rows["label"]) for name, rows in validation.groupby("series"))
    assert (forecasts["low"] <= forecasts["forecast"]).all() and (forecasts["forecast"] <= forecasts["high"]).all()
    out = tmp_path / "scores"
    assert main(["backtest", "--data", str(path), "--by", "unique_id", "--horizon", "2", "--no-classical", *FAST_CLI,
                 "--out", str(out)]) == 0
    scores = pd.read_csv(out / "scores.csv")
    assert set(scores["method"]) == {"viewcast", "baseline: same as yesterday", "baseline: same as 7 days ago"}
    assert scores.groupby("series")["horizon"].nunique().to_dict() == {"channel-0": 2, "channel-1": 2}
    printed = capsys.readouterr().out
    assert "viewcast's MAE lower on" in printed and "of 2" in printed


@pytest.mark.parametrize("args, message", [
    (["--by", "nope"], "no column 'nope' for --by (columns: unique_id, ds, y)"),
    (["--by", "ds"], "--by 'ds' is the date column"),
    (["--by", "unique_id", "--series", "channel-0"], "give --by (every series) or --series (one of them), not both"),
    (["--global-model", "linear"], "--global-model trains one network on many series: give them with --by"),
])
def test_a_bad_by_gets_one_line_and_writes_nothing(tmp_path, capsys, args, message):
    path = long_csv(tmp_path, channels(1, days=30))
    out = tmp_path / "out"
    assert main(["forecast", "--data", str(path), *args, "--out", str(out), "--quiet"]) in (1, 2)
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1 and not out.exists()


def test_the_global_network_learns_only_from_days_up_to_each_last_training_day():
    """Poison every series after the first one's last training day: the network it validates is unchanged."""
    config = dataclasses.replace(FAST, global_model="linear")
    clean = channels(3)
    first_end = last_training_days(clean["channel-0"], "forecast", config, {})[0]
    poisoned = {name: s.where(s.index <= first_end, s * 100) for name, s in clean.items()}
    networks = [global_candidates(every, "forecast", config, {})["channel-0"].predictors[first_end] for every in (clean, poisoned)]
    X = windows_at(clean["channel-0"], clean["channel-0"].index[100:110], 7)
    days = clean["channel-0"].index[101:111]
    np.testing.assert_array_equal(networks[0].predict_windows(X, days), networks[1].predict_windows(X, days))


def test_the_global_network_is_validated_beside_each_series_own(tmp_path):
    config = dataclasses.replace(FAST, global_model="linear")
    every = channels(3)
    pooled = global_candidates(every, "forecast", config, {})
    assert set(pooled) == set(every) and "all 3 series" in pooled["channel-1"].label
    run = run_forecast(every["channel-1"], config, extra=(pooled["channel-1"],))
    rows = {row["label"]: row for row in run.selection.table}
    assert rows[pooled["channel-1"].label]["strategy"] == "recursive, global"
    assert np.isfinite(rows[pooled["channel-1"].label]["val_mae"])


def test_a_failing_engine_keeps_the_series_done(tmp_path, monkeypatch, capsys):
    path = long_csv(tmp_path, channels(3))

    def dies_after_one(function, items, workers=None):
        yield 0, function(items[0])
        raise WorkerDied("a worker process stopped unexpectedly")

    monkeypatch.setattr(many, "map_unordered", dies_after_one)
    out = tmp_path / "many"
    assert main(["forecast", "--data", str(path), "--by", "unique_id", "--days", "2", *FAST_CLI, "--out", str(out)]) == 1
    assert pd.read_csv(out / "series.csv")["series"].tolist() == ["channel-0"]
    assert "WorkerDied: a worker process stopped unexpectedly; the 1 series done are saved" in capsys.readouterr().err


def test_when_no_series_can_be_done_the_tables_keep_their_columns_and_the_command_fails(tmp_path, capsys):
    path = long_csv(tmp_path, {name: s.iloc[:5] for name, s in channels(2).items()})  # too short, both
    out = tmp_path / "many"
    assert main(["backtest", "--data", str(path), "--by", "unique_id", "--no-classical", *FAST_CLI, "--out", str(out)]) == 1
    assert list(pd.read_csv(out / "scores.csv").columns[:3]) == ["series", "method", "horizon"]
    assert set(pd.read_csv(out / "series.csv")["status"]) == {"skipped"}
    assert "no series could be done" in capsys.readouterr().err


def test_series_of_many_lengths_share_a_few_global_networks():
    """Young series end their training on many different days: at most MOST_NETWORKS networks, and
    the one each series validates learned nothing after that series' last training day (poisoned after it: the same)."""
    config = dataclasses.replace(FAST, global_model="linear")
    long = channels(1, days=600)["channel-0"]
    every = {f"video-{k}": long.iloc[-(120 + 40 * k):] * (k + 1) for k in range(8)}
    pooled = global_candidates(every, "forecast", config, {})
    networks = {id(network) for candidate in pooled.values() for network in candidate.predictors.values()}
    first_days = {name: last_training_days(s, "forecast", config, {})[0] for name, s in every.items()}
    assert len(pooled) == 8 and len(networks) <= MOST_NETWORKS < len(set(first_days.values()))
    X = windows_at(long, long.index[200:210], 7)
    for name in ("video-2", "video-5"):
        day = first_days[name]
        poisoned = {other: s.where(s.index <= day, s * 100) for other, s in every.items()}
        again = global_candidates(poisoned, "forecast", config, {})[name].predictors[day]
        np.testing.assert_array_equal(pooled[name].predictors[day].predict_windows(X, long.index[201:211]),
                                      again.predict_windows(X, long.index[201:211]))


@pytest.mark.slow
def test_dask_gives_the_same_results_as_this_machines_processes(tmp_path):
    """forecast, backtest and sweep on a local Dask cluster of two worker processes, and in two local workers."""
    read = collection(tmp_path, channels(3))
    config = dataclasses.replace(FAST, workers=2, global_model="linear")
    one = tmp_path / "one.csv"
    channels(1, days=730)["channel-0"].to_csv(one)
    sweep = SweepConfig(models=("linear", "relu:4"), lags=(7,), lrs=(0.01, 0.05), batch_sizes=(16,), workers=2,
                        train=TrainConfig(n_epochs=2, n_seeds=2), data=DataConfig(dataset=None, path=str(one)))

    def run_all():
        runs = [run_many(read, kind, config, {"classical": False} if kind == "backtest" else {}) for kind in ("forecast", "backtest")]
        return runs, run_sweep(sweep)

    local, local_sweep = run_all()
    with use_engine("dask", workers=2):
        on_dask, dask_sweep = run_all()
    for mine, theirs in zip(local, on_dask):
        assert "Dask" in theirs.summary["engine"] and len(mine.table) > 0
        pd.testing.assert_frame_equal(mine.table, theirs.table)
        pd.testing.assert_series_equal(mine.series["picked"], theirs.series["picked"])
    timed = [c for c in local_sweep.trials if "wall_time" in c]  # (the only columns that differ: how long each took)
    pd.testing.assert_frame_equal(local_sweep.trials.drop(columns=timed), dask_sweep.trials.drop(columns=timed))
