"""`viewcast lecture`, `sweep`, `optimizers`, `classify`, `doctor` and `report`: the lecture's
experiments, and the follow-up lectures' questions asked of real runs."""

from __future__ import annotations

from pathlib import Path

import click

from ..core.config import LOSS_NAMES, OPTIMIZER_NAMES, SCHEDULE_NAMES, SplitConfig, TrainConfig
from ..core.data import load_series
from ..core.features import make_split
from ..engine.cpu import n_cores
from ..engine.folders import check_out_dir
from ..lecture.classify import N_EPOCHS, run_classification
from ..lecture.doctor import prescribe_folder
from ..lecture.folder import LECTURE_FOLDER
from ..lecture.optimizers import NETWORK_LRS, OptimizersConfig, run_optimizers
from ..lecture.run import LECTURE_TRAINING, QUICK, TABLE_KEYS, LectureConfig, lecture_training, run_lecture
from ..lecture.sweep import SWEEP_FOLDER, SweepConfig, read_toml, run_sweep, save_sweep
from ..reporting import text
from ..reporting.lecture_folder import save_lecture, write_report
from ..reporting.outputs import OPTIMIZERS_FOLDER, save_optimizers
from .options import (
    data_config,
    device_option,
    fill_gaps_option,
    force_option,
    json_out_options,
    out_option,
    parallel_options,
    parse_list,
    period_options,
    quiet_option,
    seed_option,
    source_name,
    source_options,
    stamped,
)
from .output import check_json_out, write_json_out


@click.command(name="lecture")
@source_options
@fill_gaps_option
@click.option("--seeds", type=int, help=f"Seeds per model (default: {LECTURE_TRAINING.n_seeds}; {QUICK['n_seeds']} with --quick).")
@seed_option
@click.option("--epochs", type=int,
              help=f"Epochs for every model (default: {LECTURE_TRAINING.n_epochs}; {QUICK['n_epochs']} with --quick).")
@click.option("--lr", type=float, default=LECTURE_TRAINING.lr, show_default=True,
              help="Learning rate η for every model (cosine decay to 0).")
@click.option("--batch-size", type=int, default=LECTURE_TRAINING.batch_size, show_default=True, help="0 for full batch.")
@click.option("--quick", is_flag=True, help="Fewer epochs and seeds, the same tables: the whole run in seconds.")
@click.option("--tables", default=",".join(TABLE_KEYS), show_default=True, help="Which tables to run, comma-separated.")
@device_option
@parallel_options
@period_options
@out_option("Folder for the results, the tables and report.html (default: runs/lecture-<data>-<time>).")
@force_option("a lecture folder")
@quiet_option
def lecture_command(dataset, path, date_col, value_col, date_format, series_id, fill_gaps, seeds, seed, epochs, lr,
                    batch_size, quick, tables, device, workers, train_start, train_end, test_start, test_end, out, force, quiet):
    """Redo the lecture's experiments: one day, more days, width, depth, model selection."""
    config = LectureConfig(
        data=data_config(dataset, path, date_col, value_col, date_format, series_id, fill_gaps),
        split=SplitConfig(train_start, train_end, test_start, test_end),
        train=lecture_training(quick, epochs, seeds, seed=seed, lr=lr, batch_size=batch_size, device=device),
        tables=tuple(parse_list(str, tables)),
        workers=workers,
    )
    out = out or stamped(f"lecture-{source_name(config.data)}")
    check_out_dir(out, force, LECTURE_FOLDER)
    run = run_lecture(config, progress=not quiet)
    click.echo(text.lecture_tables(run.results))
    save_lecture(run, out, force)
    click.echo(f"wall time {run.results['wall_time_s']:.0f} s; saved the results, the tables and report.html in {out}/")


@click.command(name="sweep")
@click.option("--config", "config_file", type=click.Path(path_type=Path),
              help="A TOML file with the grid and settings (options given here override it).")
@source_options
@fill_gaps_option
@click.option("--model", "models", multiple=True, help="Model specs, comma-separated or repeated (default: linear).")
@click.option("--lags", help="Past days as inputs, comma-separated, e.g. 7,28,56 (default: 7).")
@click.option("--lr", help="Learning rates, comma-separated, e.g. 0.001,0.01 (default: 0.01).")
@click.option("--batch-size", help="Batch sizes, comma-separated; 0 is the full batch (default: 32).")
@click.option("--seeds", type=int, help="Seeds per configuration (default: 1).")
@click.option("--seed", type=int, help="The first seed (default: 0).")
@click.option("--epochs", type=int, help=f"Epochs for every configuration (default: {TrainConfig.n_epochs}).")
@click.option("--loss", type=click.Choice(LOSS_NAMES), help="Default: mae.")
@click.option("--optimizer", type=click.Choice(OPTIMIZER_NAMES), help="Default: adam.")
@click.option("--schedule", type=click.Choice(SCHEDULE_NAMES), help="Learning-rate decay (default: constant).")
@click.option("--warmup-epochs", type=int, help="Epochs of linear warm-up (default: 0).")
@click.option("--train-start", help="First training day, YYYY-MM-DD (default: the dataset's).")
@click.option("--train-end", help="Last training day; its last year is held out for validation.")
@click.option("--folds", type=int, help="Cross-validation: N expanding-origin folds of a year each, instead of one hold-out (default: 1).")
@parallel_options
@out_option("Folder for results.csv and results.json (default: runs/sweep-<data>-<time>).")
@force_option("a sweep folder")
@quiet_option
def sweep_command(config_file, dataset, path, date_col, value_col, date_format, series_id, fill_gaps, models, lags, lr, batch_size,
                  seeds, seed, epochs, loss, optimizer, schedule, warmup_epochs, train_start, train_end, folds, workers, out, force, quiet):
    """Train a grid of models × lags × learning rates × batch sizes × seeds; rank by validation."""
    given = read_toml(config_file) if config_file is not None else {}
    options = {
        "dataset": dataset, "data": str(path) if path else None, "fill_gaps": fill_gaps or None, "train_start": train_start,
        "train_end": train_end, "models": [m for text in models for m in parse_list(str, text)] or None,
        "lags": parse_list(int, lags) if lags else None, "lr": parse_list(float, lr) if lr else None,
        "batch_size": parse_list(int, batch_size) if batch_size else None, "seeds": seeds, "seed": seed,
        "epochs": epochs, "loss": loss, "optimizer": optimizer, "schedule": schedule,
        "warmup_epochs": warmup_epochs, "workers": workers, "folds": folds,
    }
    if options["dataset"] or options["data"]:  # a source given here replaces the file's
        given.pop("dataset", None), given.pop("data", None)
    settings = {"workers": n_cores()} | given | {name: value for name, value in options.items() if value is not None}
    config = SweepConfig.from_settings(settings, date_col=date_col, value_col=value_col, date_format=date_format, series=series_id)
    out = out or stamped(f"sweep-{source_name(config.data)}")
    check_out_dir(out, force, SWEEP_FOLDER)
    run = run_sweep(config, progress=not quiet)
    click.echo(text.sweep_table(run.results))
    save_sweep(run, out, force)
    click.echo(f"saved results.csv (one row per model) and results.json in {out}/")


@click.command(name="optimizers")
@source_options
@fill_gaps_option
@click.option("--model", "spec", default=OptimizersConfig.spec, show_default=True, help="The network every optimizer trains.")
@click.option("--lags", type=click.IntRange(min=1), default=OptimizersConfig.n_lags, show_default=True)
@click.option("--epochs", type=click.IntRange(min=1), default=OptimizersConfig.n_epochs, show_default=True)
@click.option("--batch-size", type=click.IntRange(min=0), default=OptimizersConfig.batch_size, show_default=True, help="0 for full batch.")
@click.option("--loss", type=click.Choice(LOSS_NAMES), default=OptimizersConfig.loss, show_default=True)
@click.option("--lr", "lr_text", help="Learning rates to change, e.g. sgd=0.05,adam=0.003 (default: "
              + ", ".join(f"{name} {lr:g}" for name, lr in NETWORK_LRS.items()) + ").")
@click.option("--seed", type=int, default=0, show_default=True, help="The seed of the initial weights and the shuffles, shared by all.")
@device_option
@parallel_options
@period_options
@out_option("Folder for the chart, the table and the results (default: runs/optimizers-<data>-<time>).")
@force_option("an optimizers folder")
@quiet_option
def optimizers_command(dataset, path, date_col, value_col, date_format, series_id, fill_gaps, spec, lags, epochs, batch_size, loss,
                       lr_text, seed, device, workers, train_start, train_end, test_start, test_end, out, force, quiet):
    """Train one network from the same initial weights with GD, momentum, Adagrad, RMSProp and Adam,
    with and without warm-up and decay; walk the error surface with the same rules."""
    given = {}
    for item in parse_list(str, lr_text or ""):
        name, _, value = item.partition("=")
        try:
            given[name.strip()] = float(value)
        except ValueError:
            raise click.BadParameter(f"{item!r} is not NAME=RATE, e.g. adam=0.001", param_hint="--lr") from None
    config = OptimizersConfig(spec=spec, n_lags=lags, n_epochs=epochs, batch_size=batch_size, loss=loss, seed=seed,
                              device=device, lrs=given)
    data = data_config(dataset, path, date_col, value_col, date_format, series_id, fill_gaps)
    out = out or stamped(f"optimizers-{source_name(data)}")
    check_out_dir(out, force, OPTIMIZERS_FOLDER)
    results = run_optimizers(config, data, SplitConfig(train_start, train_end, test_start, test_end),
                             workers, progress=not quiet)
    click.echo(text.optimizers_report(results))
    save_optimizers(results, out, force)
    click.echo(f"\nsaved optimizers.png, optimizers-surface.png, optimizers.csv and optimizers.json in {out}/")


@click.command(name="classify")
@source_options
@click.option("--lags", type=click.IntRange(min=1), default=7, show_default=True, help="Past days as inputs.")
@click.option("--epochs", type=click.IntRange(min=1), default=N_EPOCHS, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@period_options
@json_out_options
def classify_command(dataset, path, date_col, value_col, date_format, series_id, lags, epochs, seed, train_start, train_end, test_start,
                     test_end, out, force):
    """Classification: will the day be above its week's median? Softmax with cross-entropy or MSE."""
    check_json_out(out, force)
    series, bundled = load_series(data_config(dataset, path, date_col, value_col, date_format, series_id))
    split = make_split(series, SplitConfig(train_start, train_end, test_start, test_end), bundled)
    results = run_classification(series, split, lags, seed, epochs)
    click.echo(text.classification_report(results))
    write_json_out(out, results)


@click.command(name="doctor")
@click.argument("folder", type=click.Path(path_type=Path))
def doctor_command(folder):
    """Walk the lecture's general guide on a lecture or sweep folder: model bias, optimization failure,
    overfitting or a shift between periods, with the numbers and what to try next (never trains)."""
    click.echo(prescribe_folder(folder))


@click.command(name="report")
@click.argument("lecture_dir", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), help="The HTML file to write (default: LECTURE_DIR/report.html, replaced).")
@click.option("--figures", type=click.Path(path_type=Path), help="Also write each figure as a PNG into this new folder.")
@click.option("--force", is_flag=True, help="Replace --out or files in --figures if they exist.")
def report_command(lecture_dir, out, figures, force):
    """Write report.html from a saved lecture folder (never trains)."""
    out, n_figures = write_report(lecture_dir, out, figures, force)
    click.echo(f"wrote {out}" + (f" and {n_figures} figures in {figures}/" if figures is not None else ""))
