"""`viewcast train`, `predict` and `diagnose`: one model spec on a series, its run folder, and
what a run's trained weights are (minimum, saddle, kink)."""

from __future__ import annotations

from pathlib import Path

import click

from ..core.config import (
    LOSS_NAMES,
    OPTIMIZER_NAMES,
    SCALE_NAMES,
    SCHEDULE_NAMES,
    DataConfig,
    ModelConfig,
    RunConfig,
    SplitConfig,
    TrainConfig,
)
from ..core.data import describe, load_series
from ..core.runs import RUN_FOLDER, load_run, note_changes, save_run, train_run, training_data
from ..core.units import Units
from ..engine.folders import check_out_dir
from ..lecture.critical import EXACT_MAX, diagnose_run
from ..reporting import text
from .options import (
    data_config,
    data_options,
    device_option,
    fill_gaps_option,
    force_option,
    json_out_options,
    out_option,
    parse_list,
    period_options,
    quiet_option,
    seed_option,
    source_name,
    source_options,
    stamped,
)
from .output import check_json_out, write_json_out


@click.command(name="train")
@source_options
@fill_gaps_option
@click.option("--model", "spec", default="linear", show_default=True,
              help="linear, or ACTIVATION:UNITS[xLAYERS]: relu:100, sigmoid:1000, relu:100x3.")
@click.option("--lags", type=int, default=1, show_default=True, help="How many past days are the inputs x₁..x_k.")
@click.option("--scale", type=click.Choice(SCALE_NAMES), default="standard", show_default=True,
              help="How views are scaled for the model (fitted on training days only).")
@click.option("--loss", type=click.Choice(LOSS_NAMES), default="mae", show_default=True)
@click.option("--optimizer", type=click.Choice(OPTIMIZER_NAMES), default="adam", show_default=True)
@click.option("--lr", type=float, default=TrainConfig.lr, show_default=True, help="Learning rate η.")
@click.option("--epochs", type=int, default=TrainConfig.n_epochs, show_default=True)
@click.option("--batch-size", type=int, default=TrainConfig.batch_size, show_default=True, help="0 for full batch.")
@click.option("--schedule", type=click.Choice(SCHEDULE_NAMES), default="constant", show_default=True, help="Learning-rate decay.")
@click.option("--warmup-epochs", type=int, default=0, show_default=True, help="Epochs of linear learning-rate warm-up.")
@click.option("--patience", type=int, help="Early stopping: epochs without a better validation loss (needs --val-days).")
@click.option("--seeds", type=int, default=1, show_default=True, help="How many models (seeds) to train.")
@seed_option
@device_option
@period_options
@click.option("--val-days", type=int, default=0, show_default=True, help="Days at the end of training held out for validation.")
@out_option("Run folder to write (default: runs/<data>-<model>-<lags>-<time>).")
@force_option("a run folder")
@quiet_option
def train_command(dataset, path, date_col, value_col, date_format, series_id, fill_gaps, spec, lags, scale, loss,
                  optimizer, lr, epochs, batch_size, schedule, warmup_epochs, patience, seeds, seed, device,
                  train_start, train_end, test_start, test_end, val_days, out, force, quiet):
    """Train a model on daily views and save the run."""
    config = RunConfig(
        data=data_config(dataset, path, date_col, value_col, date_format, series_id, fill_gaps),
        split=SplitConfig(train_start, train_end, test_start, test_end, val_days),
        model=ModelConfig(spec, lags, scale),
        train=TrainConfig(
            loss=loss, optimizer=optimizer, lr=lr, n_epochs=epochs, batch_size=batch_size,
            schedule=schedule, warmup_epochs=warmup_epochs, patience=patience,
            n_seeds=seeds, seed=seed, device=device,
        ),
    )
    out = out or stamped(f"{source_name(config.data)}-{config.model.spec.replace(':', '')}-lags{config.model.n_lags}")
    check_out_dir(out, force, RUN_FOLDER)
    run = train_run(config, progress=not quiet)
    click.echo(text.run_summary(run.metrics))
    save_run(run, out, force)
    click.echo(f"saved the run in {out}/")


@click.command(name="predict")
@click.argument("run_dir", type=click.Path(path_type=Path))
@data_options
def predict_command(run_dir, path, date_col, value_col, date_format, series_id):
    """Forecast the day after the data ends, with a saved run."""
    run = load_run(run_dir)
    if path is None:
        data = training_data(run, run_dir)
    else:
        data = DataConfig(dataset=None, path=str(path), date_col=date_col, value_col=value_col,
                          date_format=date_format, series=series_id, fill_gaps=run.config.data.fill_gaps)
    series, _ = load_series(data)
    note_changes(run, series, data)
    forecast = run.forecaster.predict(series)
    click.echo(text.next_day(forecast, data.source, series.index[-1], run.config.model.spec, run.config.model.n_lags, run_dir,
                             Units.of(describe(series))))


@click.command(name="diagnose")
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.option("--seeds", "seed_list", help="Which of the run's seeds, comma-separated (default: all).")
@click.option("--method", type=click.Choice(["auto", "exact", "lanczos"]), default="auto", show_default=True,
              help=f"How the Hessian's eigenvalues are found (auto: exact up to {EXACT_MAX:,} parameters).")
@json_out_options
def diagnose_command(run_dir, seed_list, method, out, force):
    """Is a trained run at a local minimum, a saddle point, or not at a critical point? (gradient, Hessian)"""
    run = load_run(run_dir)
    check_json_out(out, force)
    diagnosis = diagnose_run(run, parse_list(int, seed_list) if seed_list else None, method)
    click.echo(text.critical_report(diagnosis))
    click.echo(f"\nwall time {diagnosis.wall_time_s:.0f} s")
    write_json_out(out, diagnosis.to_dict())
