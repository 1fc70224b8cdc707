import contextlib
import io
import json
import shutil

import numpy as np
import pandas as pd
import pytest

from viewcast.cli.main import main
from viewcast.core.config import DataConfig
from viewcast.core.features import make_split, make_windows, shared_days
from viewcast.engine.folders import MARKER
from viewcast.lecture import run as lecture
from viewcast.lecture import tables
from viewcast.lecture.folder import FILES as LECTURE_FILES

FAST = ["--epochs", "2", "--seeds", "2", "--quiet", "--workers", "1"]
GAPS = ("2020-06-15", "2021-03-10")  # one missing day in training, one in the test year


@pytest.fixture(scope="module")
def views_csv(tmp_path_factory):
    """Three years of synthetic daily views with two missing days, as a CSV (read only)."""
    tmp_path = tmp_path_factory.mktemp("views")
    days = pd.date_range("2019-01-01", "2021-12-31", name="date")
    rng = np.random.default_rng(1)
    t = np.arange(len(days))
    views = np.round(1000 + t + 300 * (days.day_of_week < 5) + rng.normal(0, 30, len(days)))
    series = pd.Series(views, index=days, name="views").drop(pd.to_datetime(GAPS))
    path = tmp_path / "views.csv"
    series.to_csv(path)
    return path, series


def run_cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_quietly(*argv):
    """`main(argv)` for a module's fixture (which has no capsys): its exit code and what it printed."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def every_table(views_csv, tmp_path_factory):
    """One short run of every table on `views_csv`, shared by the tests that only read it: (folder, printed)."""
    out = tmp_path_factory.mktemp("every-table") / "lecture"
    code, text, err = run_quietly("lecture", "--data", str(views_csv[0]), "--out", str(out), *FAST)
    assert code == 0, err
    return out, text


@pytest.fixture(scope="module")
def one_day_table(views_csv, tmp_path_factory):
    """A short run of the one-day table alone, into a folder that existed and was empty: (folder, printed)."""
    out = tmp_path_factory.mktemp("one-day") / "lecture"
    out.mkdir()
    code, text, err = run_quietly("lecture", "--data", str(views_csv[0]), "--tables", "one_day", "--out", str(out), *FAST)
    assert code == 0, err  # an empty folder is used
    return out, text


def test_shared_days_leave_out_every_target_a_long_window_touches(weekly_series):
    gap = weekly_series.index[100]
    series = weekly_series.drop(gap)
    short, long = make_windows(series, 1), make_windows(series, 56)
    days = shared_days([short, long])
    start = weekly_series.index[56]  # the first day with 56 days before it
    touched = pd.date_range(gap, gap + pd.Timedelta(days=56))  # the gap is in these windows (or is their target)
    expected = pd.date_range(start, weekly_series.index[-1]).difference(touched)
    assert days.equals(expected)
    assert len(short.on(days).y) == len(long.on(days).y) == len(expected)


def test_rows_of_a_shared_table_are_trained_and_scored_on_the_same_days(views_csv):
    path, series = views_csv
    config = lecture.LectureConfig(data=DataConfig(dataset=None, path=str(path)))
    split = make_split(series, config.split, None)
    phases = {"test": {"train": split.train, "test": split.test}}
    fits = tables.plan(series, False, tables.TABLES, phases)
    shared = [fit for fit in fits.values() if fit.shared]
    assert {fit.row.n_lags for fit in shared} == {1, 7, 28, 56}
    for name in ("train", "test"):
        dates = [fit.scored[name].dates for fit in shared]
        assert all(d.equals(dates[0]) for d in dates)
    one_day = fits[("test", "linear", 1, False)]
    assert len(one_day.scored["test"].y) > len(shared[0].scored["test"].y)  # its own, wider days


def test_lecture_on_a_csv_writes_every_table(views_csv, every_table):
    _, series = views_csv
    out, text = every_table
    assert sorted(p.name for p in out.iterdir()) == sorted([*LECTURE_FILES, MARKER])
    results = json.loads((out / "results.json").read_text())

    assert results["seeds"] == [0, 1] and results["training"]["n_epochs"] == 2
    assert results["periods"]["test"] == {"start": "2021-01-01", "end": "2021-12-31"}
    assert results["periods"]["validation"] == {"start": "2020-01-02", "end": "2020-12-31"}
    assert results["periods"]["selection_train"]["end"] == "2020-01-01"
    assert list(results["tables"]) == ["one_day", "lags", "width", "depth"]
    for key, table in results["tables"].items():
        spec = next(t for t in tables.TABLES if t.key == key)
        assert [(r["spec"], r["n_lags"]) for r in table["rows"]] == [(r.spec, r.n_lags) for r in spec.rows]
        assert len(table["diagnosis"]) == sum(len(chain) - 1 for chain in spec.chains)
        assert [b["label"] for b in table["baselines"]] == ["baseline: same as yesterday", "baseline: same as 7 days ago"]
        for row, row_spec in zip(table["rows"], spec.rows):
            for period in ("train", "test"):
                summary = row[period]
                assert len(summary["per_seed"]) == 2
                assert summary["mean"] == pytest.approx(np.mean(summary["per_seed"]))
                assert summary["min"] <= summary["mean"] <= summary["max"]
            assert row["training"]["epochs"] == 2
            assert row["lecture"] == (dict(zip(("train", "test"), row_spec.lecture)) if row_spec.lecture else None)
    # the test year misses one day: the 56-day windows lose 57 target days; the one-day
    # table 3 (the day itself, the day after, and 7 days after: both baselines need their day)
    assert results["tables"]["lags"]["target_days"]["test"] == {
        "start": "2021-01-01", "end": "2021-12-31", "days": 365 - 57, "left_out": 57
    }
    assert results["tables"]["one_day"]["target_days"]["test"]["days"] == 365 - 3
    assert len(results["tables"]["lags"]["weights_7"]["w"]) == 7
    assert results["tables"]["one_day"]["function"]["lecture"] == {"w": 0.97, "b": 100.0}
    selection = results["selection"]
    labels = [c["label"] for c in selection["candidates"]]
    assert len(labels) == 13 + 2 and selection["picked"] in labels
    best_val = min(c["val"]["mean"] for c in selection["candidates"])
    assert next(c for c in selection["candidates"] if c["label"] == selection["picked"])["val"]["mean"] == best_val

    # the curves' last epoch is the model the tables score: its mean loss per seed is the table's
    curves = pd.read_csv(out / "curves.csv")
    depth = results["tables"]["depth"]["rows"][3]
    last = curves[(curves["phase"] == "test") & (curves["label"] == depth["label"]) & (curves["epoch"] == 2)]
    assert last["test_loss"].to_numpy() == pytest.approx(depth["test"]["per_seed"], abs=0.02)
    chosen = curves[(curves["phase"] == "selection") & (curves["epoch"] == 2)]
    assert chosen["val_loss"].notna().all() and chosen["test_loss"].isna().all()  # selection never sees the test year
    assert len(chosen) == 2 * len(selection["candidates"][:-2])  # every candidate model, two seeds
    predictions = pd.read_csv(out / "predictions.csv", parse_dates=["date"])
    one_day = predictions[(predictions["label"] == "linear on 1 day") & ~predictions["same_days"]]
    assert one_day.groupby("period").size().to_dict() == {
        name: results["tables"]["one_day"]["target_days"][name]["days"] for name in ("train", "test")
    }
    assert (one_day.set_index("date")["views"] == series.reindex(one_day["date"])).all()

    markdown = (out / "tables.md").read_text()
    for title in ("One day", "More days", "Width", "Depth", "Which one would you use"):
        assert f"## {title}" in markdown
    assert "| linear on 56 days" in markdown
    assert "Which one would you use to predict today?" in text and "Picked: " in text


def test_baselines_are_scored_on_the_tables_target_days(views_csv, every_table):
    _, series = views_csv
    out, _ = every_table
    table = json.loads((out / "results.json").read_text())["tables"]["lags"]
    full = series.asfreq("D")
    test_days = pd.date_range("2021-01-01", "2021-12-31")
    reached = [d for d in test_days if full[d - pd.Timedelta(days=56) : d].notna().all()]
    y, last_week = full[reached].to_numpy(), full[pd.DatetimeIndex(reached) - pd.Timedelta(days=7)].to_numpy()
    seasonal = table["baselines"][1]
    assert seasonal["test"]["days"] == len(reached) == 365 - 57
    assert seasonal["test"]["mae"] == pytest.approx(np.mean(np.abs(y - last_week)))


def test_one_day_baselines_are_scored_on_the_models_days(one_day_table):
    out, _ = one_day_table
    table = json.loads((out / "results.json").read_text())["tables"]["one_day"]
    # 2021-03-10 is missing: it is no target, nor is the day after (no yesterday) or 7 days after
    assert table["target_days"]["test"] == {"start": "2021-01-01", "end": "2021-12-31", "days": 362, "left_out": 3}
    for baseline in table["baselines"]:
        assert baseline["test"]["days"] == 362 and baseline["train"]["days"] == table["target_days"]["train"]["days"]


def test_without_missing_days_nothing_is_left_out(weekly_series, tmp_path, capsys):
    path = tmp_path / "views.csv"
    pd.concat([weekly_series, weekly_series.set_axis(weekly_series.index + pd.Timedelta(days=730))]).to_csv(path)
    out = tmp_path / "lecture"
    assert run_cli(capsys, "lecture", "--data", str(path), "--tables", "lags", "--out", str(out), *FAST)[0] == 0
    results = json.loads((out / "results.json").read_text())
    assert results["data"]["missing_days"] == 0
    info = results["tables"]["lags"]["target_days"]
    assert info["train"]["left_out"] == info["test"]["left_out"] == 0
    assert info["test"]["days"] == 365 and info["train"]["days"] == 1095 - 56  # the first 56 days have no full window


def _row(label, train, test, std=1.0):
    summary = lambda mean: {"per_seed": [mean - std, mean + std], "mean": mean, "std": std}
    return {"label": label, "train": summary(train), "test": summary(test)}


def test_an_optimization_failure_is_found_past_a_row_in_between():
    rows = [_row("linear", 300, 400), _row("relu:10", 250, 390), _row("relu:100", 320, 380)]
    verdicts = tables._diagnose((0, 1, 2), rows)
    pairs = [(v.smaller, v.bigger, v.kind) for v in verdicts]
    assert pairs == [
        ("linear", "relu:10", "better"),
        ("linear", "relu:100", "optimization failure"),  # not next to each other, still reported
        ("relu:10", "relu:100", "optimization failure"),
    ]
    assert [v.kind for v in tables._diagnose((0, 1, 2), rows[:2] + [_row("relu:100", 240, 395)])] == ["better", "overfitting"]


def test_one_table_runs_alone_without_selection(one_day_table):
    out, text = one_day_table
    results = json.loads((out / "results.json").read_text())
    assert list(results["tables"]) == ["one_day"] and results["selection"] is None
    assert "Model selection" not in text


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--tables", "lags,deep"], "unknown table deep; choose from one_day, lags, width, depth"),
        (["--seeds", "0"], "n_seeds must be at least 1"),
        (["--lr", "-1"], "learning rate must be a positive number"),
    ],
)
def test_bad_options_fail_before_anything_is_written(views_csv, tmp_path, capsys, argv, message):
    path, _ = views_csv
    out = tmp_path / "lecture"
    code, _, err = run_cli(capsys, "lecture", "--data", str(path), "--out", str(out), *argv, "--quiet")
    assert code == 1 and message in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_a_series_too_short_for_the_tables_is_refused(write_csv, tmp_path, capsys):
    days = pd.date_range("2024-01-01", periods=90)
    path = write_csv("date,views\n" + "".join(f"{d.date()},{1000 + i}\n" for i, d in enumerate(days)))
    out = tmp_path / "lecture"
    code, _, err = run_cli(capsys, "lecture", "--data", str(path), "--out", str(out), *FAST)
    assert code == 1 and "too short" in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_an_existing_folder_is_kept_unless_forced(views_csv, one_day_table, tmp_path, capsys):
    path, _ = views_csv
    out = tmp_path / "lecture"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    argv = ["lecture", "--data", str(path), "--tables", "one_day", "--out", str(out), *FAST]
    code, _, err = run_cli(capsys, *argv)
    assert code == 1 and "already exists" in err
    code, _, err = run_cli(capsys, *argv, "--force")
    assert code == 1 and "not written by viewcast" in err
    assert (out / "notes.txt").read_text() == "mine"
    old = tmp_path / "old"
    shutil.copytree(one_day_table[0], old)  # a lecture folder (made in an empty one: see the fixture)
    (old / "tables.md").write_text("stale")
    argv[argv.index(str(out))] = str(old)
    assert run_cli(capsys, *argv, "--force")[0] == 0  # a lecture folder is replaced
    assert (old / "tables.md").read_text() != "stale" and sorted(p.name for p in old.iterdir()) == sorted([*LECTURE_FILES, MARKER])


def test_worker_processes_give_the_same_tables_as_one_process(views_csv, tmp_path, capsys):
    """Two workers through the CLI (and its folder), one in this process through the library (no report to draw)."""
    path, _ = views_csv
    out = tmp_path / "lecture-2"
    argv = ["lecture", "--data", str(path), "--tables", "lags,depth", "--out", str(out), *FAST]
    assert run_cli(capsys, *argv, "--workers", "2")[0] == 0  # the last --workers counts
    config = lecture.LectureConfig(DataConfig(dataset=None, path=str(path)), train=lecture.lecture_training(n_epochs=2, n_seeds=2),
                                   tables=("lags", "depth"), workers=1)
    tables = {"2": json.loads((out / "results.json").read_text()), "1": json.loads(json.dumps(lecture.run_lecture(config).results))}
    for results in tables.values():
        assert results["mismatch"] is not None
    rows = {workers: [(row["label"], row["train"]["per_seed"], row["test"]["per_seed"])
                      for table in results["tables"].values() for row in table["rows"]] for workers, results in tables.items()}
    for one, two in zip(rows["1"], rows["2"], strict=True):
        assert one[0] == two[0]
        np.testing.assert_allclose(one[1:], two[1:], rtol=1e-5)
