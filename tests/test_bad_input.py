"""Bad input through the CLI (issue 18): each case gets one line naming the file, the row or the field and
what to do, exit status 1, no traceback, no hang, and nothing of the user's touched."""

import json
import os
import shutil

import numpy as np
import pandas as pd
import pytest

import viewcast as vc
from viewcast.cli.main import main
from viewcast.engine.folders import MARKER

LINEAR = ["--model", "linear", "--lags", "1", "--epochs", "2", "--quiet"]


@pytest.fixture
def daily_csv(tmp_path):
    """Three years of daily views as `date,views`; returns (path, lines): the lines can be edited and rewritten."""
    days = pd.date_range("2018-01-01", periods=3 * 365)
    lines = ["date,views"] + [f"{d.date()},{100 + 10 * (d.dayofweek < 5) + i % 13}" for i, d in enumerate(days)]
    path = tmp_path / "views.csv"
    path.write_text("\n".join(lines) + "\n")
    return path, lines


def refused(capsys, *argv) -> str:
    """Run the CLI, check it refused in one short line without a traceback, and return the line."""
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    assert code == 1, (out, err)
    lines = [line for line in err.splitlines() if not line.startswith("note:")]
    assert len(lines) == 1 and lines[0].startswith("viewcast: error: "), err
    assert "Traceback" not in err and "Error:" not in err.replace("viewcast: error:", "")
    assert len(lines[0]) < 400, lines[0]
    return lines[0]


def refused_data(capsys, tmp_path, text: str, *options) -> str:
    """Write `text` as a data file and return `viewcast train`'s one-line refusal of it."""
    path = tmp_path / "data.csv"
    path.write_text(text)
    return refused(capsys, "train", "--data", path, *options, "--out", tmp_path / "r")


def test_offsets_that_differ_from_row_to_row_keep_the_day_written(tmp_path):
    path = tmp_path / "tz.csv"
    path.write_text("date,views\n2024-03-30T00:00:00+0100,5\n2024-03-31T00:00:00+0200,6\n")
    series = vc.load_csv(path, date_format="%Y-%m-%dT%H:%M:%S%z")
    assert [d.date().isoformat() for d in series.index] == ["2024-03-30", "2024-03-31"]


def test_a_format_that_repeats_a_directive(daily_csv, tmp_path, capsys):
    line = refused_data(capsys, tmp_path, daily_csv[0].read_text(), "--date-format", "%Y-%m-%d %H %H")
    assert "%H twice" in line


def test_a_huge_field_on_a_ragged_row(tmp_path, capsys):
    text = "date,views\n2024-01-01,1\n2024-01-02,2," + "x" * 200_000 + "\n"
    assert "line 3 has 3 fields, the header 2" in refused_data(capsys, tmp_path, text)


def test_what_is_not_a_regular_file_is_refused_before_it_is_read(tmp_path, capsys):
    loop = tmp_path / "loop"
    loop.symlink_to(tmp_path / "loop2")
    (tmp_path / "loop2").symlink_to(loop)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)  # nobody writes to it: reading it would wait forever
    assert "not a regular file" in refused(capsys, "train", "--data", "/dev/zero", "--out", tmp_path / "r")
    assert "not a regular file" in refused(capsys, "train", "--data", fifo, "--out", tmp_path / "r")
    assert "symbolic links" in refused(capsys, "train", "--data", loop, "--out", tmp_path / "r")
    huge = tmp_path / "huge.csv"
    with open(huge, "wb") as file:  # sparse: takes no disk space
        file.truncate(2 << 30)
    assert "larger than such a file can be" in refused(capsys, "train", "--data", huge, "--out", tmp_path / "r")


def test_a_model_too_large_for_the_memory_is_refused_with_the_numbers(daily_csv, tmp_path, capsys):
    line = refused(capsys, "train", "--data", daily_csv[0], "--model", "relu:1000000000x4", "--out", tmp_path / "r")
    assert "3,000,000,006,000,000,001 parameters" in line and "GiB" in line


def test_files_nested_too_deeply(tmp_path, capsys):
    toml = tmp_path / "deep.toml"
    toml.write_text("models = " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert "deep.toml" in refused(capsys, "sweep", "--config", toml, "--out", tmp_path / "s")
    folder = tmp_path / "lecture"
    folder.mkdir()
    (folder / "results.json").write_text("[" * 100_000 + "]" * 100_000)
    for command in ("report", "doctor"):
        assert "(results.json: is nested too deeply" in refused(capsys, command, folder)


def test_a_damaged_run_folder_is_named_by_its_file_and_field(tmp_path, capsys):
    run = tmp_path / "run"
    assert main(["train", "--out", str(run), *LINEAR]) == 0
    config = json.loads((run / "config.json").read_text())
    del config["data"]
    (run / "config.json").write_text(json.dumps(config))
    assert "config.json: no field 'data'" in refused(capsys, "predict", run)
    config["data"] = {"dataset": "wiki-r", "colour": "red"}
    (run / "config.json").write_text(json.dumps(config))
    assert "config.json: unknown field 'data.colour'" in refused(capsys, "predict", run)
    config["data"] = {"dataset": "wiki-r"}
    (run / "config.json").write_text(json.dumps(config))
    (run / "metrics.json").write_bytes(b"\xff\xfe{}")
    assert "metrics.json: is not UTF-8 text" in refused(capsys, "predict", run)
    (run / "metrics.json").write_text("{}")
    assert "metrics.json: no field 'data'" in refused(capsys, "predict", run)


def test_values_too_large_to_compute_with_name_their_row(daily_csv, tmp_path, capsys):
    _, lines = daily_csv
    one = "\n".join(lines[:100] + [lines[100].split(",")[0] + ",1e308"] + lines[101:]) + "\n"
    assert "line 101 (2018-04-10): 1e308 is too large" in refused_data(capsys, tmp_path, one)
    every = "date,views\n" + "".join(f"{line.split(',')[0]},1e308\n" for line in lines[1:])
    assert "line 2 (2018-01-01): 1e308 is too large" in refused_data(capsys, tmp_path, every)


def test_quoted_input_is_cut(tmp_path, capsys):
    assert "…" in refused_data(capsys, tmp_path, "date," + "v" * 300_000 + "\n2024-01-01,1\n")


def test_dates_outside_what_can_be_computed_with(tmp_path, capsys):
    text = "date,views\n9999-01-01,1\n9999-01-02,2\n"
    assert "'9999-01-01' is outside the dates" in refused_data(capsys, tmp_path, text)


def test_predict_reads_the_file_it_was_trained_on_and_says_when_it_changed(daily_csv, tmp_path, capsys, monkeypatch):
    path, lines = daily_csv
    monkeypatch.chdir(path.parent)
    assert main(["train", "--data", "views.csv", "--out", "run", *LINEAR]) == 0
    capsys.readouterr()
    assert main(["predict", "run"]) == 0
    trained = capsys.readouterr().out.splitlines()[0]  # '2020-12-31 (Thursday): 114 views'...
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "views.csv").write_text("date,views\n2020-01-01,1\n2020-01-02,2\n")  # another file of that name
    monkeypatch.chdir(elsewhere)
    assert main(["predict", str(path.parent / "run")]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[0] == trained and "differ" not in err
    path.write_text("\n".join(lines + ["2020-12-31,500"]) + "\n")
    assert main(["predict", str(path.parent / "run")]) == 0
    assert "the data differ from those the run was trained on; it now ends on 2020-12-31" in capsys.readouterr().err
    path.unlink()
    assert "which is gone; give the data with --data" in refused(capsys, "predict", path.parent / "run")


def test_no_command_writes_over_another_runs_files(tmp_path, capsys):
    run = tmp_path / "run"
    assert main(["train", "--out", str(run), *LINEAR]) == 0
    metrics = (run / "metrics.json").read_text()
    line = refused(capsys, "diagnose", run, "--out", run / "metrics.json", "--force")
    assert "inside" in line and (run / "metrics.json").read_text() == metrics
    assert "inside" in refused(capsys, "train", "--out", run / "nested", *LINEAR)


def test_force_replaces_only_a_folder_viewcast_wrote(tmp_path, capsys):
    mine = tmp_path / "mine"
    mine.mkdir()
    for name in ("config.json", "model.pt"):
        (mine / name).write_text("my own")
    assert "not written by viewcast" in refused(capsys, "train", "--out", mine, "--force", *LINEAR)
    assert sorted(p.read_text() for p in mine.iterdir()) == ["my own", "my own"]
    run = tmp_path / "run"
    assert main(["train", "--out", str(run), *LINEAR]) == 0
    assert json.loads((run / MARKER).read_text()) == {"kind": "viewcast run folder", "format": 1}
    assert main(["train", "--out", str(run), "--force", *LINEAR]) == 0  # its own kind: replaced
    shutil.copy(run / "config.json", mine / "config.json")
    (mine / MARKER).write_text(json.dumps({"kind": "viewcast lecture folder", "format": 1}))
    assert "is a viewcast lecture folder, not a viewcast run folder" in refused(capsys, "train", "--out", mine, "--force", *LINEAR)


def test_folds_are_a_year_or_refused(tmp_path, capsys):
    line = refused(capsys, "sweep", "--model", "linear", "--lags", "1", "--folds", "100", "--out", tmp_path / "s")
    assert "holds at most 3 folds of 365 days" in line and "--folds 3 or fewer" in line


def test_the_loader_returns_values_that_scale(tmp_path):
    """A value of 1e15 (the largest taken) still scales to finite 32-bit numbers."""
    from viewcast.core.features import Scaler

    path = tmp_path / "big.csv"
    path.write_text("date,views\n2024-01-01,1e15\n2024-01-02,0\n2024-01-03,1e15\n")
    values = vc.load_csv(path).to_numpy()
    scaler = Scaler.fit(values)
    assert np.isfinite(scaler.transform(values).astype(np.float32)).all()


def _children(pid: int) -> set[int]:
    """Every process below `pid` (Linux /proc): the workers and the resource tracker."""
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        for task in os.listdir(f"/proc/{parent}/task") if os.path.exists(f"/proc/{parent}/task") else []:
            try:
                with open(f"/proc/{parent}/task/{task}/children") as file:
                    kids = {int(k) for k in file.read().split()}
            except OSError:
                continue
            todo.extend(kids - found)
            found |= kids
    return found


def _started(pid: int) -> set[int]:
    """The workers below `pid` that have started: their initializer ignores SIGINT (bit 2 of SigIgn)."""
    started = set()
    for child in _children(pid):
        try:
            with open(f"/proc/{child}/status") as file:
                ignored = next(line for line in file if line.startswith("SigIgn:")).split()[1]
        except (OSError, StopIteration):
            continue
        if int(ignored, 16) & (1 << (2 - 1)):
            started.add(child)
    return started


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as file:
            return "State:\tZ" not in file.read()
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="reads the process tree from Linux's /proc")
@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGKILL"])
def test_no_worker_outlives_the_command(tmp_path, signal_name):
    """SIGTERM (stopped like Ctrl-C) or SIGKILL (no chance to clean up) to a sweep whose workers have
    started: 2 s later no process of the run is left, and no half-written folder."""
    import signal
    import subprocess
    import sys
    import time

    command = [sys.executable, "-m", "viewcast", "sweep", "--model", "relu:64,relu:32", "--lags", "7,28",
               "--epochs", "3000", "--workers", "2", "--quiet", "--out", str(tmp_path / "sweep")]
    main_process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 180  # two processes importing PyTorch while the other tests run
        while len(_started(main_process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(_started(main_process.pid)) >= 2, "the workers did not start"  # (and the resource tracker, on some starts)
        workers = _children(main_process.pid)  # the workers and the resource tracker
        time.sleep(0.5)
        main_process.send_signal(getattr(signal, signal_name))
        _, err = main_process.communicate(timeout=30)
        time.sleep(2)
        assert not [pid for pid in workers if _alive(pid)]
        assert not (tmp_path / "sweep").exists() and not list(tmp_path.glob(".sweep*"))
        if signal_name == "SIGTERM":
            assert main_process.returncode == 130 and "interrupted; nothing was written" in err
            assert "leaked" not in err and "Traceback" not in err
    finally:
        main_process.kill()
