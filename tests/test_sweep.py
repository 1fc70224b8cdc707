import itertools
import json
import multiprocessing
import os

import numpy as np
import pandas as pd
import pytest

import viewcast as vc
from viewcast.cli.main import main
from viewcast.core.config import DataConfig, TrainConfig
from viewcast.engine.parallel import COST_PER_SECOND, Job, keep_workers, run_jobs
from viewcast.lecture.sweep import SweepConfig, plan_groups, run_sweep


@pytest.fixture
def views_csv(tmp_path, weekly_series):
    """Two years of synthetic views: the last 365 days are the test period, never read by a sweep."""
    path = tmp_path / "views.csv"
    weekly_series.to_csv(path)
    return path


def sweep_config(path, **changes) -> SweepConfig:
    settings = {
        "models": ("linear", "relu:4"),
        "lags": (3, 7),
        "lrs": (0.01, 0.05),
        "batch_sizes": (16,),
        "train": TrainConfig(n_epochs=3, n_seeds=2),
        "data": DataConfig(dataset=None, path=str(path)),
        "workers": 1,
    }
    return SweepConfig(**{**settings, **changes})


def trials_by_configuration(run) -> pd.DataFrame:
    return run.trials.set_index(["model", "lags", "lr", "batch_size", "seed"]).sort_index()


def test_each_shape_is_one_stack_of_every_rate_and_seed(views_csv):
    config = sweep_config(views_csv, batch_sizes=(16, 0))
    groups = plan_groups(config, workers=1)
    assert len(groups) == 2 * 2 * 2  # models × lags × batch sizes
    for group in groups:
        assert sorted(group.members) == sorted(itertools.product(config.lrs, config.train.seeds))
    trained = [(g.model, g.n_lags, g.batch_size, lr, seed) for g in groups for lr, seed in g.members]
    grid = itertools.product(config.models, config.lags, config.batch_sizes, config.lrs, config.train.seeds)
    assert sorted(trained) == sorted(grid)  # every configuration and seed exactly once


def test_fewer_shapes_than_workers_are_cut_so_no_core_idles(views_csv):
    config = sweep_config(views_csv, models=("linear",), lags=(7,), lrs=(0.01, 0.02, 0.05))
    groups = plan_groups(config, workers=2)
    assert [len(g.members) for g in groups] == [3, 3]
    assert sorted(m for g in groups for m in g.members) == sorted(itertools.product(config.lrs, config.train.seeds))


def test_a_stacked_sweep_equals_each_configuration_trained_alone(views_csv):
    together = trials_by_configuration(run_sweep(sweep_config(views_csv)))
    assert len(together) == 2 * 2 * 2 * 2  # models × lags × rates × seeds
    for lr in (0.01, 0.05):
        for seed in (0, 1):
            alone = trials_by_configuration(run_sweep(sweep_config(views_csv, lrs=(lr,), train=TrainConfig(n_epochs=3, seed=seed))))
            for key, row in alone.iterrows():
                np.testing.assert_allclose(together.loc[key, ["train_mae", "val_mae"]], row[["train_mae", "val_mae"]], rtol=1e-4)


def test_worker_processes_give_the_same_trials(views_csv):
    config = sweep_config(views_csv, models=("relu:4",), lags=(7,))
    here = trials_by_configuration(run_sweep(config))
    in_workers = run_sweep(sweep_config(views_csv, models=("relu:4",), lags=(7,), workers=2))
    assert in_workers.results["stacks"] == 2  # one shape, cut in two for two workers
    np.testing.assert_allclose(trials_by_configuration(in_workers)[["val_mae"]], here[["val_mae"]], rtol=1e-4)


def test_the_best_is_the_lowest_mean_validation_loss(views_csv):
    run = run_sweep(sweep_config(views_csv))
    means = run.trials.groupby(["model", "lags", "lr", "batch_size"])["val_mae"].mean()
    model, lags, lr, batch_size = means.idxmin()
    assert run.results["best"] == run.results["configurations"][0]
    assert (run.results["best"]["model"], run.results["best"]["lags"], run.results["best"]["lr"]) == (model, lags, lr)
    ranked = [c["val_mae"] for c in run.results["configurations"]]
    assert ranked == sorted(ranked)


def test_the_test_period_is_never_read(views_csv, weekly_series, tmp_path):
    changed = weekly_series.copy()
    changed.iloc[-365:] *= 50  # the test year (a CSV's last 365 days) made wild
    changed_path = tmp_path / "changed.csv"
    changed.to_csv(changed_path)
    before = run_sweep(sweep_config(views_csv, models=("linear",)))
    after = run_sweep(sweep_config(changed_path, models=("linear",)))
    pd.testing.assert_frame_equal(before.trials.drop(columns="stack_wall_time_s"), after.trials.drop(columns="stack_wall_time_s"))
    assert before.results["periods"]["val"]["end"] < str(weekly_series.index[-365].date())


def test_the_command_reads_a_toml_file_and_options_override_it(views_csv, tmp_path, capsys):
    toml = tmp_path / "sweep.toml"
    toml.write_text('models = ["linear", "relu:4"]\nlags = [3, 7]\nlr = [0.01, 0.05]\nepochs = 2\nseeds = 2\n')
    out = tmp_path / "sweep"
    argv = ["sweep", "--config", str(toml), "--data", str(views_csv), "--lr", "0.02", "--workers", "1", "--out", str(out), "--quiet"]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    results = json.loads((out / "results.json").read_text())
    assert results["grid"]["lrs"] == [0.02] and results["grid"]["models"] == ["linear", "relu:4"]
    trials = pd.read_csv(out / "results.csv")
    assert len(trials) == 2 * 2 * 1 * 2 and set(trials["epochs"]) == {2}
    best = results["best"]
    assert f"Best by validation: {best['model']}" in printed
    assert main(argv) == 1  # the folder exists: kept unless --force
    assert "already exists" in capsys.readouterr().err
    assert main([*argv, "--force"]) == 0


@pytest.mark.parametrize("toml, message", [
    ('models = ["linear"]\nlearning_rate = [0.1]\n', "unknown setting 'learning_rate'"),
    ("models = [linear\n", "is not valid TOML"),
    ("lr = [0.1, 0.1]\n", "lr lists a value twice"),
    ('models = ["tanh:3"]\n', "unknown model 'tanh:3'"),
    ("lr = [-1.0]\n", "learning rate must be a positive number"),
    ("lags = [0]\n", "lags must be at least 1"),
    ('epochs = "ten"\n', "epochs must be a whole number"),
    ("lags = [7, 2.5]\n", "lags must be a list of whole numbers"),
    ("workers = 0\n", "workers must be at least 1"),
    ("fill_gaps = 1\n", "fill_gaps must be a boolean"),
])
def test_a_bad_sweep_file_gets_one_clear_line_and_writes_nothing(views_csv, tmp_path, capsys, toml, message):
    path = tmp_path / "sweep.toml"
    path.write_text(toml)
    out = tmp_path / "sweep"
    assert main(["sweep", "--config", str(path), "--data", str(views_csv), "--out", str(out), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_a_file_with_a_dataset_and_a_data_file_is_refused(tmp_path, capsys):
    path = tmp_path / "sweep.toml"
    path.write_text('dataset = "wiki-r"\ndata = "my.csv"\n')
    assert main(["sweep", "--config", str(path), "--out", str(tmp_path / "s")]) == 1
    assert "a bundled dataset or a data file, not both" in capsys.readouterr().err


def test_a_bad_list_option_is_a_usage_error(views_csv, tmp_path, capsys):
    assert main(["sweep", "--data", str(views_csv), "--lags", "7,x", "--out", str(tmp_path / "s")]) == 2
    assert "not a comma-separated list of int" in capsys.readouterr().err


def _square(x, on_epoch):
    on_epoch(1)
    if x < 0:
        raise vc.DataError(f"no square for {x}")
    return x * x


def test_jobs_in_workers_come_back_in_order_and_errors_come_through():
    jobs = [Job(_square, (x,), cost=x + 1, n_epochs=1) for x in range(5)]
    assert run_jobs(jobs, workers=2) == [0, 1, 4, 9, 16]  # in the jobs' order, whichever finished first
    with pytest.raises(vc.DataError, match="no square for -1"):
        run_jobs([*jobs, Job(_square, (-1,), cost=1, n_epochs=1)], workers=2)


def _pid(x, on_epoch):
    on_epoch(1)
    return os.getpid()


@pytest.mark.skipif(os.cpu_count() < 2, reason="one core: workers never pay")
def test_by_default_workers_start_only_when_the_work_pays_for_them():
    small = [Job(_pid, (x,), cost=COST_PER_SECOND, n_epochs=1) for x in range(4)]  # 4 s of work: here
    assert set(run_jobs(small, workers=None)) == {os.getpid()}
    large = [Job(_pid, (x,), cost=60 * COST_PER_SECOND, n_epochs=1) for x in range(4)]  # said to be 4 min: workers
    assert os.getpid() not in set(run_jobs(large, workers=None))


def test_kept_workers_serve_every_batch_and_end_with_it():
    large = [Job(_pid, (x,), cost=60 * COST_PER_SECOND, n_epochs=1) for x in range(4)]
    with keep_workers():
        first = set(run_jobs(large, workers=None))
        small = set(run_jobs(large[:2], workers=None))  # started already: these run there too
        with pytest.raises(vc.DataError):
            run_jobs([Job(_square, (-1,), cost=60 * COST_PER_SECOND, n_epochs=1)] * 2, workers=2)
        after_error = set(run_jobs(large, workers=None))
    assert os.getpid() not in first | small | after_error and small <= first and not after_error & first
    assert len(multiprocessing.active_children()) == 0


def _die(x, on_epoch):
    os._exit(3)  # as if killed, out of memory


def test_a_worker_that_dies_is_an_error_not_a_hang():
    with pytest.raises(vc.WorkerDied, match="stopped unexpectedly"):
        run_jobs([Job(_die, (1,), cost=1, n_epochs=1), Job(_square, (2,), cost=1, n_epochs=1)], workers=2)


def test_a_diverging_rate_loses_its_models_not_the_sweep(views_csv, tmp_path, capsys):
    out = tmp_path / "sweep"
    argv = ["sweep", "--data", str(views_csv), "--model", "relu:4", "--lags", "7", "--lr", "0.01,1e6",
            "--optimizer", "sgd", "--loss", "mse", "--epochs", "3", "--seeds", "2", "--workers", "1", "--out", str(out), "--quiet"]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    trials = pd.read_csv(out / "results.csv")
    diverged = trials[trials["lr"] == 1e6]
    assert (diverged["diverged_at_epoch"] > 0).all() and diverged["val_mae"].isna().all()
    kept = trials[trials["lr"] == 0.01]
    assert (kept["diverged_at_epoch"] == 0).all() and kept["val_mae"].notna().all()
    results = json.loads((out / "results.json").read_text())
    assert results["best"]["lr"] == 0.01 and results["configurations"][-1]["diverged"] == 2
    assert "diverged (2 of 2 seeds)" in printed


def test_when_every_rate_diverges_the_sweep_says_so(views_csv, tmp_path, capsys):
    out = tmp_path / "sweep"
    argv = ["sweep", "--data", str(views_csv), "--lr", "1e6", "--optimizer", "sgd", "--loss", "mse", "--epochs", "3",
            "--workers", "1", "--out", str(out), "--quiet"]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "every configuration diverged" in err and "smaller learning rates" in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_a_sweep_file_that_is_a_folder_gets_one_line(views_csv, tmp_path, capsys):
    assert main(["sweep", "--config", str(tmp_path), "--data", str(views_csv), "--out", str(tmp_path / "s")]) == 1
    err = capsys.readouterr().err
    assert "is a folder" in err and len(err.strip().splitlines()) == 1


def test_time_series_folds_never_train_on_the_future():
    from viewcast.core.features import Period
    from viewcast.core.selection import folds

    period = Period.of("2011-01-01", "2014-12-31")
    parts = folds(period, 3)
    assert [str(val) for _, val in parts] == ["2012-01-02..2012-12-31", "2013-01-01..2013-12-31", "2014-01-01..2014-12-31"]
    for train, val in parts:
        assert train.start == period.start and train.end + pd.Timedelta(days=1) == val.start  # expanding origin
    assert parts[-1][1].end == period.end
    with pytest.raises(vc.DataError, match="holds at most 3 folds of 365 days"):  # never shorter blocks
        folds(period, 4)


def test_a_cross_validated_sweep_ranks_by_the_mean_over_folds(views_csv, weekly_series, tmp_path):
    run = run_sweep(sweep_config(views_csv, models=("linear",), lrs=(0.01,), folds=3))
    assert sorted(run.trials["fold"].unique()) == [1, 2, 3]
    folds = run.results["folds"]
    assert [f["val"]["end"] for f in folds] == sorted(f["val"]["end"] for f in folds)
    for config in run.results["configurations"]:
        rows = run.trials[(run.trials["lags"] == config["lags"])]
        per_fold = rows.groupby("fold")["val_mae"].mean().round(2).tolist()
        assert config["fold_val_mae"] == pytest.approx(per_fold, abs=0.01)
        assert config["val_mae"] == pytest.approx(np.mean(per_fold), abs=0.02)
    changed = weekly_series.copy()
    changed.iloc[-365:] *= 50  # the test year: never read, by any fold
    changed.to_csv(tmp_path / "changed.csv")
    after = run_sweep(sweep_config(tmp_path / "changed.csv", models=("linear",), lrs=(0.01,), folds=3))
    assert after.results["configurations"] == run.results["configurations"]
