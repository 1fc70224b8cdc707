import json

import pytest

from viewcast.cli.main import main

QUICK = ["--epochs", "3", "--quiet"]


def run_cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_datasets_lists_the_bundled_series(capsys):
    code, out, _ = run_cli(capsys, "datasets")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == ["wiki-r", "peyton-manning", "pedestrians"]
    assert "2008-01-01..2015-12-31" in out and "59 missing" in out


def test_train_then_predict(tmp_path, capsys):
    out_dir = tmp_path / "run"
    code, out, _ = run_cli(capsys, "train", "--model", "relu:8", "--lags", "7", "--seeds", "2",
                           "--val-days", "60", "--out", str(out_dir), *QUICK)
    assert code == 0
    assert "baseline: same as yesterday" in out and "validation" in out
    assert sorted(p.name for p in out_dir.iterdir()) == [".viewcast", "config.json", "history.csv", "metrics.json", "model.pt"]
    metrics = json.loads((out_dir / "metrics.json").read_text())
    test = metrics["periods"]["test"]
    assert (test["start"], test["end"]) == ("2015-01-01", "2015-12-31")
    # 2015 misses 2 days (363 of 365 have data); with 7 lags each one is the target
    # of one example and in the window of the next 7: 16 examples left out
    assert (test["examples"], test["left_out"]) == (365 - 16, 16)
    assert len(metrics["losses"]["test"]["mae"]["per_seed"]) == 2

    code, out, _ = run_cli(capsys, "predict", str(out_dir))
    assert code == 0
    assert out.startswith("2016-01-01 (Friday): ")


def test_an_existing_run_folder_is_not_overwritten_unless_asked(tmp_path, capsys):
    out_dir = tmp_path / "run"
    assert run_cli(capsys, "train", "--out", str(out_dir), *QUICK)[0] == 0
    before = (out_dir / "model.pt").read_bytes()
    code, _, err = run_cli(capsys, "train", "--seed", "9", "--out", str(out_dir), *QUICK)
    assert code == 1 and "already exists" in err and "--force" in err
    assert (out_dir / "model.pt").read_bytes() == before
    assert run_cli(capsys, "train", "--seed", "9", "--out", str(out_dir), "--force", *QUICK)[0] == 0
    assert (out_dir / "model.pt").read_bytes() != before


def test_force_never_replaces_a_folder_that_is_not_a_run(tmp_path, capsys, monkeypatch):
    (tmp_path / "notes.txt").write_text("mine")
    code, _, err = run_cli(capsys, "train", "--out", str(tmp_path), "--force", *QUICK)
    assert code == 1 and "not written by viewcast" in err
    # a run's own file names beside other files do not make it a run folder
    for name in ("config.json", "model.pt"):
        (tmp_path / name).write_text("{}")
    code, _, err = run_cli(capsys, "train", "--out", str(tmp_path), "--force", *QUICK)
    assert code == 1 and "not written by viewcast" in err
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(capsys, "train", "--out", ".", "--force", *QUICK)
    assert code == 1 and "current folder" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.json", "model.pt", "notes.txt"]


def test_unwritable_run_folders_fail_before_training(tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    code, out, err = run_cli(capsys, "train", "--out", str(tmp_path / "file" / "run"), *QUICK)
    assert code == 1 and "is a file" in err and "trained" not in out
    (tmp_path / "link").symlink_to(tmp_path)
    code, _, err = run_cli(capsys, "train", "--out", str(tmp_path / "link"), "--force", *QUICK)
    assert code == 1 and "symbolic link" in err


def test_a_damaged_run_folder(tmp_path, capsys):
    out_dir = tmp_path / "run"
    assert run_cli(capsys, "train", "--out", str(out_dir), *QUICK)[0] == 0
    (out_dir / "model.pt").write_bytes(b"not a torch file")
    code, _, err = run_cli(capsys, "predict", str(out_dir))
    assert code == 1 and "damaged run folder" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["--model", "tanh:3"], "unknown model 'tanh:3'; valid: linear, or"),
        (["--lr", "-1"], "learning rate must be a positive number"),
        (["--lr", "inf"], "learning rate must be a positive number"),
        (["--patience", "3"], "needs a validation period"),
        (["--dataset", "nope"], "unknown dataset 'nope'"),
        (["--lags", "56", "--test-start", "2015-12-01", "--train-start", "2015-11-20", "--train-end", "2015-11-30"],
         "too short for the window plus a test period"),
        (["--optimizer", "sgd", "--lr", "100", "--loss", "mse", "--lags", "56", "--batch-size", "0"],
         "try a smaller one"),
        (["--train-start", "2015-13-01"], "train_start must be a day written YYYY-MM-DD"),
        (["--test-start", "2014-12-31T12:00"], "test_start must be a day written YYYY-MM-DD"),
        (["--seed", "-1"], "the first seed must be from 0 to 2,147,483,647"),
        (["--seed", "99999999999999999999"], "the first seed must be from 0 to 2,147,483,647"),
    ],
)
def test_bad_settings_one_line_no_traceback_nothing_written(tmp_path, capsys, args, message):
    out_dir = tmp_path / "run"
    code, _, err = run_cli(capsys, "train", *args, "--out", str(out_dir), *QUICK)
    assert code == 1
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not out_dir.exists()


def test_a_bad_csv_names_the_line(tmp_path, capsys):
    csv = tmp_path / "Table data.csv"
    csv.write_text("Date,Views\nTotal,9\n2024-01-01,4\n2024-01-02,-3\n")
    original = csv.read_bytes()
    code, _, err = run_cli(capsys, "train", "--data", str(csv), "--out", str(tmp_path / "run"), *QUICK)
    assert code == 1
    assert "line 4 (2024-01-02): -3 is negative" in err
    assert csv.read_bytes() == original


def test_usage_errors_exit_2(capsys):
    assert run_cli(capsys, "train", "--lags", "many")[0] == 2
    assert run_cli(capsys, "train", "--dataset", "wiki-r", "--data", "x.csv")[0] == 2
    assert run_cli(capsys, "--help")[0] == 0


def test_predict_with_new_data_and_a_missing_run(tmp_path, capsys):
    out_dir = tmp_path / "run"
    assert run_cli(capsys, "train", "--lags", "2", "--out", str(out_dir), *QUICK)[0] == 0
    csv = tmp_path / "new.csv"
    csv.write_text("ds,y\n2024-05-01,1000\n2024-05-02,1200\n")
    code, out, _ = run_cli(capsys, "predict", str(out_dir), "--data", str(csv))
    assert code == 0 and out.startswith("2024-05-03 (Friday): ")
    code, _, err = run_cli(capsys, "predict", str(tmp_path / "nothing"))
    assert code == 1 and "not a complete viewcast run folder" in err
