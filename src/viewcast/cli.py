"""The `viewcast` command: a thin shell over the library.

Each command parses its options, builds a config, calls one library function and
prints or writes the result. Errors a user can fix (`ViewcastError`) print one
line and exit with status 1; usage errors exit with 2; nothing is written then.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import sys
from datetime import datetime
from pathlib import Path

import click
import pandas as pd

from . import display
from .config import (
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
from .classify import N_EPOCHS, run_classification
from .cpu import keep_freed_memory, n_cores
from .critical import EXACT_MAX, diagnose_run
from .doctor import report as doctor_report
from .data import DATASETS, describe, load_dataset
from .errors import ConfigError, DataError, ViewcastError
from .features import make_split
from .folders import check_out_dir, write_atomic
from .lecture import FILES as LECTURE_FILES
from .lecture import (
    LECTURE_FOLDER,
    LECTURE_TRAINING,
    QUICK,
    TABLE_KEYS,
    LectureConfig,
    lecture_training,
    load_lecture,
    run_lecture,
    save_lecture,
)
from .backtest import BACKTEST_FOLDER, backtest_periods, run_backtest, save_backtest
from .forecast import FORECAST_FOLDER, FORECAST_TRAINING, ForecastConfig, run_forecast, save_forecast
from .inputs import INPUT_NAMES
from .optimizers import NETWORK_LRS, OPTIMIZERS_FOLDER, OptimizersConfig, learning_rates, run_optimizers, save_optimizers
from .report import build as build_report
from .runs import RUN_FOLDER, load_run, load_series, save_run, train_run
from .sweep import SWEEP_FOLDER, SweepConfig, read_toml, run_sweep, save_sweep


def main(argv: list[str] | None = None) -> int:
    """Run the CLI with `argv` (default: the command line); returns the exit status."""
    keep_freed_memory()  # training's large temporaries reuse memory instead of faulting in new pages
    try:
        return cli.main(args=argv, prog_name="viewcast", standalone_mode=False) or 0
    except click.ClickException as err:
        err.show()
        return err.exit_code
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo("viewcast: interrupted; nothing was written", err=True)
        return 130
    except ViewcastError as err:
        click.echo(f"viewcast: error: {err}", err=True)
        return 1


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli():
    """Find the function that predicts tomorrow's views from past days' views,
    in the lecture's three steps: a function with unknown parameters, a loss
    from training data, and optimization by gradient descent."""


@cli.command()
def datasets():
    """List the bundled real datasets."""
    rows = []
    for name, dataset in DATASETS.items():
        info = describe(load_dataset(name))
        rows.append(
            f"{name:<15} {info['first']}..{info['last']}  {info['days']:>5,} days "
            f"({info['missing_days']} missing)  {dataset.description}"
        )
    click.echo("\n".join(rows))


def data_options(command):
    """Options that say where the series comes from (shared by train and predict)."""
    options = [
        click.option("--data", "path", type=click.Path(path_type=Path), help="Your daily CSV file."),
        click.option("--date-col", help="Name of the date column (default: found by name: ds, date, Date...)."),
        click.option("--value-col", help="Name of the value column (default: found by name: y, views, Views...)."),
        click.option("--date-format", help="strftime format of the dates, e.g. %d/%m/%Y (default: ISO, 2024-01-31)."),
    ]
    return _apply(options, command)


def period_options(command):
    """The training and test periods, by target day (shared by train and lecture)."""
    options = [
        click.option("--train-start", help="First training day, YYYY-MM-DD (default: the dataset's)."),
        click.option("--train-end", help="Last training day."),
        click.option("--test-start", help="First test day."),
        click.option("--test-end", help="Last test day."),
    ]
    return _apply(options, command)


def workers_option(command):
    """How many processes train side by side (shared by lecture and sweep)."""
    return click.option(
        "--workers", type=click.IntRange(min=1),
        help="Processes that train side by side, one thread each (default: one per core; 1 trains in this process).",
    )(command)


def _apply(options, command):
    return functools.reduce(lambda cmd, option: option(cmd), reversed(options), command)


@cli.command()
@click.option("--dataset", help="A bundled dataset (see `viewcast datasets`). Default: wiki-r.")
@data_options
@click.option("--fill-gaps", is_flag=True, help="Fill missing days by interpolation instead of leaving out the examples that touch them.")
@click.option("--model", "spec", default="linear", show_default=True, help="linear, or ACTIVATION:UNITS[xLAYERS]: relu:100, sigmoid:1000, relu:100x3.")
@click.option("--lags", type=int, default=1, show_default=True, help="How many past days are the inputs x₁..x_k.")
@click.option("--scale", type=click.Choice(SCALE_NAMES), default="standard", show_default=True, help="How views are scaled for the model (fitted on training days only).")
@click.option("--loss", type=click.Choice(LOSS_NAMES), default="mae", show_default=True)
@click.option("--optimizer", type=click.Choice(OPTIMIZER_NAMES), default="adam", show_default=True)
@click.option("--lr", type=float, default=TrainConfig.lr, show_default=True, help="Learning rate η.")
@click.option("--epochs", type=int, default=TrainConfig.n_epochs, show_default=True)
@click.option("--batch-size", type=int, default=TrainConfig.batch_size, show_default=True, help="0 for full batch.")
@click.option("--schedule", type=click.Choice(SCHEDULE_NAMES), default="constant", show_default=True, help="Learning-rate decay.")
@click.option("--warmup-epochs", type=int, default=0, show_default=True, help="Epochs of linear learning-rate warm-up.")
@click.option("--patience", type=int, help="Early stopping: epochs without a better validation loss (needs --val-days).")
@click.option("--seeds", type=int, default=1, show_default=True, help="How many models (seeds) to train.")
@click.option("--seed", type=int, default=0, show_default=True, help="The first seed.")
@click.option("--device", default="auto", show_default=True, help="auto, cpu or cuda.")
@period_options
@click.option("--val-days", type=int, default=0, show_default=True, help="Days at the end of training held out for validation.")
@click.option("--out", type=click.Path(path_type=Path), help="Run folder to write (default: runs/<data>-<model>-<lags>-<time>).")
@click.option("--force", is_flag=True, help="Replace the run folder if it exists.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def train(dataset, path, date_col, value_col, date_format, fill_gaps, spec, lags, scale, loss,
          optimizer, lr, epochs, batch_size, schedule, warmup_epochs, patience, seeds, seed, device,
          train_start, train_end, test_start, test_end, val_days, out, force, quiet):
    """Train a model on daily views and save the run."""
    config = RunConfig(
        data=_data_config(dataset, path, date_col, value_col, date_format, fill_gaps),
        split=SplitConfig(train_start, train_end, test_start, test_end, val_days),
        model=ModelConfig(spec, lags, scale),
        train=TrainConfig(
            loss=loss, optimizer=optimizer, lr=lr, n_epochs=epochs, batch_size=batch_size,
            schedule=schedule, warmup_epochs=warmup_epochs, patience=patience,
            n_seeds=seeds, seed=seed, device=device,
        ),
    )
    out = out or _default_out(config)
    check_out_dir(out, force, RUN_FOLDER)
    run = train_run(config, progress=not quiet)
    _print_run(run.metrics)
    save_run(run, out, force)
    click.echo(f"saved the run in {out}/")


def _data_config(dataset, path, date_col, value_col, date_format, fill_gaps) -> DataConfig:
    if dataset and path:
        raise click.UsageError("give --dataset or --data, not both")
    return DataConfig(
        dataset=None if path else (dataset or "wiki-r"),
        path=str(path) if path else None,
        date_col=date_col,
        value_col=value_col,
        date_format=date_format,
        fill_gaps=fill_gaps,
    )


def _default_out(config: RunConfig) -> Path:
    spec = config.model.spec.replace(":", "")
    return _stamped(f"{_source_name(config.data)}-{spec}-lags{config.model.n_lags}")


def _source_name(data: DataConfig) -> str:
    return data.dataset or Path(data.path).stem


def _stamped(name: str) -> Path:
    """runs/<name>-<date>-<time>: a new folder for each run."""
    return Path("runs") / f"{name}-{datetime.now():%Y%m%d-%H%M%S}"


def _print_run(metrics: dict) -> None:
    data = metrics["data"]
    click.echo(
        f"data      {data['source']}: {data['first']}..{data['last']}, {data['days']:,} days "
        f"({data['missing_days']} missing{', filled' if data['filled_days'] else ''})"
    )
    for name, period in metrics["periods"].items():
        left = f", {period['left_out']} left out for missing days" if period["left_out"] else ""
        click.echo(
            f"{display.PERIOD_NAMES[name]:<9} {period['start']}..{period['end']}: "
            f"{period['examples']:,} examples{left}"
        )
    n_left_out = sum(period["left_out"] for period in metrics["periods"].values())
    if n_left_out and not data["filled_days"]:
        click.echo(f"          ({n_left_out:,} examples left out: --fill-gaps interpolates the missing days instead)")
    training = metrics["training"]
    click.echo(
        f"trained   {training['epochs_run']} epochs on {training['device']} in "
        f"{training['wall_time_s']:.1f} s; best epochs {_span(training['best_epoch'])}"
    )
    click.echo("")
    click.echo(display.results_table(metrics))
    if "linear" in metrics:
        click.echo("")
        click.echo(display.linear_function(metrics))
        gap = metrics["linear"]["least_squares"].get("gd_train_mse_gap_percent")
        if gap is not None:
            click.echo(f"gradient descent's training MSE is {gap:.2f}% above the exact least-squares optimum")


def _span(values: list[int]) -> str:
    return str(values[0]) if min(values) == max(values) else f"{min(values)}..{max(values)}"


@cli.command()
@click.option("--dataset", help="A bundled dataset (see `viewcast datasets`). Default: wiki-r.")
@data_options
@click.option("--fill-gaps", is_flag=True, help="Fill missing days by interpolation instead of leaving out the examples that touch them.")
@click.option("--seeds", type=int, help=f"Seeds per model (default: {LECTURE_TRAINING.n_seeds}; {QUICK['n_seeds']} with --quick).")
@click.option("--seed", type=int, default=0, show_default=True, help="The first seed.")
@click.option("--epochs", type=int, help=f"Epochs for every model (default: {LECTURE_TRAINING.n_epochs}; {QUICK['n_epochs']} with --quick).")
@click.option("--lr", type=float, default=LECTURE_TRAINING.lr, show_default=True, help="Learning rate η for every model (cosine decay to 0).")
@click.option("--batch-size", type=int, default=LECTURE_TRAINING.batch_size, show_default=True, help="0 for full batch.")
@click.option("--quick", is_flag=True, help="Fewer epochs and seeds, the same tables: the whole run in seconds.")
@click.option("--tables", default=",".join(TABLE_KEYS), show_default=True, help="Which tables to run, comma-separated.")
@click.option("--device", default="auto", show_default=True, help="auto, cpu or cuda.")
@workers_option
@period_options
@click.option("--out", type=click.Path(path_type=Path), help="Folder for the results, the tables and report.html (default: runs/lecture-<data>-<time>).")
@click.option("--force", is_flag=True, help="Replace the folder if it exists (only a lecture folder).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def lecture(dataset, path, date_col, value_col, date_format, fill_gaps, seeds, seed, epochs, lr,
            batch_size, quick, tables, device, workers, train_start, train_end, test_start, test_end, out, force, quiet):
    """Redo the lecture's experiments: one day, more days, width, depth, model selection."""
    config = LectureConfig(
        data=_data_config(dataset, path, date_col, value_col, date_format, fill_gaps),
        split=SplitConfig(train_start, train_end, test_start, test_end),
        train=lecture_training(quick, epochs, seeds, seed=seed, lr=lr, batch_size=batch_size, device=device),
        tables=tuple(key.strip() for key in tables.split(",") if key.strip()),
        workers=workers or n_cores(),
    )
    out = out or _stamped(f"lecture-{_source_name(config.data)}")
    check_out_dir(out, force, LECTURE_FOLDER)
    run = run_lecture(config, progress=not quiet)
    click.echo(display.lecture_tables(run.results))
    save_lecture(run, out, force)
    click.echo(f"wall time {run.results['wall_time_s']:.0f} s; saved the results, the tables and report.html in {out}/")


def _list(kind, text):
    """'a,b,c' -> [kind(a), kind(b), kind(c)], with a usage error naming the bad item."""
    try:
        return [kind(item.strip()) for item in str(text).split(",") if item.strip()]
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a comma-separated list of {kind.__name__} values") from None


@cli.command()
@click.option("--config", "config_file", type=click.Path(path_type=Path), help="A TOML file with the grid and settings (options given here override it).")
@click.option("--dataset", help="A bundled dataset (see `viewcast datasets`). Default: wiki-r.")
@data_options
@click.option("--fill-gaps", is_flag=True, default=None, help="Fill missing days by interpolation.")
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
@workers_option
@click.option("--out", type=click.Path(path_type=Path), help="Folder for results.csv and results.json (default: runs/sweep-<data>-<time>).")
@click.option("--force", is_flag=True, help="Replace the folder if it exists (only a sweep folder).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def sweep(config_file, dataset, path, date_col, value_col, date_format, fill_gaps, models, lags, lr, batch_size,
          seeds, seed, epochs, loss, optimizer, schedule, warmup_epochs, train_start, train_end, folds, workers, out, force, quiet):
    """Train a grid of models × lags × learning rates × batch sizes × seeds; rank by validation."""
    given = read_toml(config_file) if config_file is not None else {}
    options = {
        "dataset": dataset, "data": str(path) if path else None, "fill_gaps": fill_gaps or None, "train_start": train_start,
        "train_end": train_end, "models": [m for text in models for m in _list(str, text)] or None,
        "lags": _list(int, lags) if lags else None, "lr": _list(float, lr) if lr else None,
        "batch_size": _list(int, batch_size) if batch_size else None, "seeds": seeds, "seed": seed,
        "epochs": epochs, "loss": loss, "optimizer": optimizer, "schedule": schedule,
        "warmup_epochs": warmup_epochs, "workers": workers, "folds": folds,
    }
    if options["dataset"] or options["data"]:  # a source given here replaces the file's
        given.pop("dataset", None), given.pop("data", None)
    settings = {"workers": n_cores()} | given | {name: value for name, value in options.items() if value is not None}
    config = SweepConfig.from_settings(settings, date_col=date_col, value_col=value_col, date_format=date_format)
    out = out or _stamped(f"sweep-{_source_name(config.data)}")
    check_out_dir(out, force, SWEEP_FOLDER)
    run = run_sweep(config, progress=not quiet)
    click.echo(display.sweep_table(run.results))
    save_sweep(run, out, force)
    click.echo(f"saved results.csv (one row per model) and results.json in {out}/")


@cli.command(name="optimizers")
@click.option("--dataset", help="A bundled dataset (see `viewcast datasets`). Default: wiki-r.")
@data_options
@click.option("--fill-gaps", is_flag=True, help="Fill missing days by interpolation.")
@click.option("--model", "spec", default=OptimizersConfig.spec, show_default=True, help="The network every optimizer trains.")
@click.option("--lags", type=click.IntRange(min=1), default=OptimizersConfig.n_lags, show_default=True)
@click.option("--epochs", type=click.IntRange(min=1), default=OptimizersConfig.n_epochs, show_default=True)
@click.option("--batch-size", type=click.IntRange(min=0), default=OptimizersConfig.batch_size, show_default=True, help="0 for full batch.")
@click.option("--loss", type=click.Choice(LOSS_NAMES), default=OptimizersConfig.loss, show_default=True)
@click.option("--lr", "lr_text", help="Learning rates to change, e.g. sgd=0.05,adam=0.003 (default: "
              + ", ".join(f"{name} {lr:g}" for name, lr in NETWORK_LRS.items()) + ").")
@click.option("--seed", type=int, default=0, show_default=True, help="The seed of the initial weights and the shuffles, shared by all.")
@click.option("--device", default="auto", show_default=True, help="auto, cpu or cuda.")
@workers_option
@period_options
@click.option("--out", type=click.Path(path_type=Path), help="Folder for the chart, the table and the results (default: runs/optimizers-<data>-<time>).")
@click.option("--force", is_flag=True, help="Replace the folder if it exists (only an optimizers folder).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def optimizers_command(dataset, path, date_col, value_col, date_format, fill_gaps, spec, lags, epochs, batch_size, loss,
                       lr_text, seed, device, workers, train_start, train_end, test_start, test_end, out, force, quiet):
    """Train one network from the same initial weights with GD, momentum, Adagrad, RMSProp and Adam,
    with and without warm-up and decay; walk the error surface with the same rules."""
    given = {}
    for item in _list(str, lr_text or ""):
        name, _, value = item.partition("=")
        try:
            given[name.strip()] = float(value)
        except ValueError:
            raise click.BadParameter(f"{item!r} is not NAME=RATE, e.g. adam=0.001", param_hint="--lr") from None
    config = OptimizersConfig(spec=spec, n_lags=lags, n_epochs=epochs, batch_size=batch_size, loss=loss, seed=seed,
                              device=device, lrs=learning_rates(given, NETWORK_LRS))
    for optimizer in config.lrs:
        config.training(optimizer, "constant")  # checks every setting before any data is read
    ModelConfig(spec, lags)
    data = _data_config(dataset, path, date_col, value_col, date_format, fill_gaps)
    out = out or _stamped(f"optimizers-{_source_name(data)}")
    check_out_dir(out, force, OPTIMIZERS_FOLDER)
    results = run_optimizers(config, data, SplitConfig(train_start, train_end, test_start, test_end),
                             workers or n_cores(), progress=not quiet)
    click.echo(display.optimizers_report(results))
    save_optimizers(results, out, force)
    click.echo(f"\nsaved optimizers.png, optimizers-surface.png, optimizers.csv and optimizers.json in {out}/")


DEFAULT = ForecastConfig()


def choice_options(command):
    """What `forecast` and `backtest` choose from, and how the candidates are trained."""
    options = [
        click.option("--dataset", help="A bundled dataset (see `viewcast datasets`). Default: wiki-r."),
        data_options,
        click.option("--models", default=",".join(DEFAULT.models), show_default=True, help="Model specs to choose from, comma-separated."),
        click.option("--lags", default=",".join(map(str, DEFAULT.lags)), show_default=True, help="Past days as inputs, comma-separated."),
        click.option("--inputs", default=",".join(DEFAULT.inputs), show_default=True,
                     help=f"What the models see, comma-separated: {', '.join(INPUT_NAMES)} (plain: the lecture's views)."),
        click.option("--weekday/--no-weekday", default=DEFAULT.weekday, show_default=True, help="Add the target day's weekday as inputs."),
        click.option("--seeds", type=click.IntRange(min=1), default=FORECAST_TRAINING.n_seeds, show_default=True, help="Seeds per network; their forecasts are averaged."),
        click.option("--epochs", type=click.IntRange(min=1), default=FORECAST_TRAINING.n_epochs, show_default=True),
        click.option("--coverage", type=float, default=DEFAULT.coverage, show_default=True, help="The share of days the intervals should hold."),
        click.option("--train-start", help="Ignore the data before this day, YYYY-MM-DD."),
        workers_option,
        click.option("--force", is_flag=True, help="Replace the --out folder if it exists (only a folder of the same kind)."),
        click.option("--quiet", is_flag=True, help="No progress bar."),
    ]
    return _apply(options, command)


def _forecast_config(models, lags, inputs, weekday, seeds, epochs, coverage, workers, days) -> ForecastConfig:
    train = dataclasses.replace(FORECAST_TRAINING, n_seeds=seeds, n_epochs=epochs)
    return ForecastConfig(
        models=tuple(_list(str, models)), lags=tuple(_list(int, lags)), inputs=tuple(_list(str, inputs)),
        weekday=weekday, train=train, days=days, coverage=coverage, workers=workers or n_cores(),
    )


def _forecast_data(dataset, path, date_col, value_col, date_format):
    data = _data_config(dataset, path, date_col, value_col, date_format, False)
    series, bundled = load_series(data)
    return data, series, bundled


@cli.command()
@choice_options
@click.option("--days", type=int, default=DEFAULT.days, show_default=True, help="How many days to forecast.")
@click.option("--out", type=click.Path(path_type=Path), help="Folder for forecast.csv, the plot and the summary (default: runs/forecast-<data>-<time>).")
def forecast(dataset, path, date_col, value_col, date_format, models, lags, inputs, weekday, seeds, epochs, coverage,
             train_start, workers, force, quiet, days, out):
    """Forecast the next days: choose a model by validation, retrain it on all the data."""
    config = _forecast_config(models, lags, inputs, weekday, seeds, epochs, coverage, workers, days)
    data, series, _ = _forecast_data(dataset, path, date_col, value_col, date_format)
    if train_start is not None:
        series = series[series.index >= _day(train_start, "--train-start")]
        if series.empty:
            raise ConfigError(f"no data from --train-start {train_start} on")
    out = out or _stamped(f"forecast-{_source_name(data)}")
    check_out_dir(out, force, FORECAST_FOLDER)
    run = run_forecast(series, config, data.source, progress=not quiet)
    click.echo(display.forecast_report(run))
    save_forecast(run, out, force)
    click.echo(f"\nwall time {run.summary['wall_time_s']:.0f} s; saved forecast.csv, forecast.png, validation.csv and summary.txt in {out}/")


@cli.command()
@choice_options
@click.option("--start", help="First test day, YYYY-MM-DD (default: the dataset's test year, else the last year of the data).")
@click.option("--end", help="Last test day (default: the dataset's, else the last day of the data).")
@click.option("--horizon", type=int, default=1, show_default=True, help="Score forecasts 1..N days ahead.")
@click.option("--classical/--no-classical", default=True, show_default=True, help="Compare with statsforecast's AutoETS and AutoARIMA when installed.")
@click.option("--out", type=click.Path(path_type=Path), help="Folder for the scores, the forecasts and the summary (default: runs/backtest-<data>-<time>).")
def backtest(dataset, path, date_col, value_col, date_format, models, lags, inputs, weekday, seeds, epochs, coverage,
             train_start, workers, force, quiet, start, end, horizon, classical, out):
    """Score the whole forecast procedure on days it never trained on, against the baselines."""
    config = _forecast_config(models, lags, inputs, weekday, seeds, epochs, coverage, workers, horizon)
    data, series, bundled = _forecast_data(dataset, path, date_col, value_col, date_format)
    for value, option in ((start, "--start"), (end, "--end"), (train_start, "--train-start")):
        if value is not None:
            _day(value, option)
    history, test = backtest_periods(series, start, end, train_start, bundled)
    out = out or _stamped(f"backtest-{_source_name(data)}")
    check_out_dir(out, force, BACKTEST_FOLDER)
    run = run_backtest(series, config, history, test, data.source, with_classical=classical, progress=not quiet)
    click.echo(display.backtest_report(run))
    save_backtest(run, out, force)
    click.echo(f"\nwall time {run.summary['wall_time_s']:.0f} s; saved backtest.csv, predictions.csv, backtest.png and summary.txt in {out}/")


def _day(text: str, option: str):
    """A YYYY-MM-DD option as a Timestamp, or a one-line error naming the option."""
    try:
        return pd.Timestamp(datetime.strptime(text, "%Y-%m-%d"))
    except ValueError:
        raise ConfigError(f"{option} must be a day written YYYY-MM-DD; got {text!r}") from None


@cli.command()
@click.argument("lecture_dir", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), help="The HTML file to write (default: LECTURE_DIR/report.html, replaced).")
@click.option("--figures", type=click.Path(path_type=Path), help="Also write each figure as a PNG into this new folder.")
@click.option("--force", is_flag=True, help="Replace --out or files in --figures if they exist.")
def report(lecture_dir, out, figures, force):
    """Write report.html from a saved lecture folder (never trains)."""
    run = load_lecture(lecture_dir)
    folder = Path(lecture_dir).resolve()
    out = Path(out) if out is not None else folder / "report.html"
    own = out.resolve() == folder / "report.html"  # the folder's own report is made again without asking
    if out.resolve().parent == folder and out.name in LECTURE_FILES and not own:
        raise ConfigError(f"{out} is one of the lecture folder's own files; choose another --out")
    if out.is_dir():
        raise ConfigError(f"{out} is a folder; give a file name for --out")
    if figures is not None and Path(figures).exists() and not Path(figures).is_dir():
        raise ConfigError(f"{figures} is a file; give a folder for --figures")
    try:
        html, pngs = build_report(run)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as err:
        raise DataError(f"{lecture_dir} is a damaged lecture folder ({type(err).__name__}: {err}); run `viewcast lecture` again") from None
    targets = ([] if own else [out]) + ([Path(figures) / name for name in pngs] if figures is not None else [])
    taken = [str(path) for path in targets if path.exists()]
    if taken and not force:
        raise ConfigError(f"{taken[0]} already exists; choose another path, or add --force to replace it")
    write_atomic(out, html.encode("utf-8"))
    for name, png in pngs.items() if figures is not None else ():
        write_atomic(Path(figures) / name, png)
    click.echo(f"wrote {out}" + (f" and {len(pngs)} figures in {figures}/" if figures is not None else ""))


@cli.command()
@click.option("--dataset", help="A bundled dataset (see `viewcast datasets`). Default: wiki-r.")
@data_options
@click.option("--lags", type=click.IntRange(min=1), default=7, show_default=True, help="Past days as inputs.")
@click.option("--epochs", type=click.IntRange(min=1), default=N_EPOCHS, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@period_options
@click.option("--out", type=click.Path(path_type=Path), help="Also write the numbers to this JSON file.")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
def classify(dataset, path, date_col, value_col, date_format, lags, epochs, seed, train_start, train_end, test_start,
             test_end, out, force):
    """Classification: will the day be above its week's median? Softmax with cross-entropy or MSE."""
    _check_json_out(out, force)
    data = _data_config(dataset, path, date_col, value_col, date_format, False)
    series, bundled = load_series(data)
    split = make_split(series, SplitConfig(train_start, train_end, test_start, test_end), bundled)
    results = run_classification(series, split, lags, seed, epochs)
    click.echo(display.classification_report(results))
    _write_json_out(out, results)


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path))
def doctor(folder):
    """Walk the lecture's general guide on a lecture or sweep folder: model bias, optimization failure,
    overfitting or a shift between periods, with the numbers and what to try next (never trains)."""
    folder = Path(folder)
    try:
        if (folder / "results.csv").is_file():  # a sweep folder
            results = json.loads((folder / "results.json").read_text())
            click.echo(doctor_report(results, pd.read_csv(folder / "results.csv")))
        else:
            click.echo(doctor_report(load_lecture(folder).results))
    except (OSError, KeyError, TypeError, ValueError, ZeroDivisionError) as err:
        raise DataError(f"{folder} is a damaged lecture or sweep folder ({type(err).__name__}: {err}); run it again") from None


@cli.command()
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.option("--seeds", "seed_list", help="Which of the run's seeds, comma-separated (default: all).")
@click.option("--method", type=click.Choice(["auto", "exact", "lanczos"]), default="auto", show_default=True,
              help=f"How the Hessian's eigenvalues are found (auto: exact up to {EXACT_MAX:,} parameters).")
@click.option("--out", type=click.Path(path_type=Path), help="Also write the numbers to this JSON file.")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
def diagnose(run_dir, seed_list, method, out, force):
    """Is a trained run at a local minimum, a saddle point, or not at a critical point? (gradient, Hessian)"""
    run = load_run(run_dir)
    _check_json_out(out, force)
    diagnosis = diagnose_run(run, _list(int, seed_list) if seed_list else None, method)
    click.echo(display.critical_report(diagnosis))
    click.echo(f"\nwall time {diagnosis.wall_time_s:.0f} s")
    _write_json_out(out, diagnosis.to_dict())


def _check_json_out(out: Path | None, force: bool) -> None:
    """Before any work: an --out file that exists is replaced only with --force."""
    if out is not None and Path(out).exists() and not force:
        raise ConfigError(f"{out} already exists; choose another path, or add --force to replace it")


def _write_json_out(out: Path | None, value: dict) -> None:
    if out is not None:
        write_atomic(Path(out), (json.dumps(value, indent=1) + "\n").encode("utf-8"))
        click.echo(f"wrote {out}")


@cli.command()
@click.argument("run_dir", type=click.Path(path_type=Path))
@data_options
def predict(run_dir, path, date_col, value_col, date_format):
    """Forecast the day after the data ends, with a saved run."""
    run = load_run(run_dir)
    data = run.config.data
    if path is not None:
        data = DataConfig(dataset=None, path=str(path), date_col=date_col, value_col=value_col,
                          date_format=date_format, fill_gaps=data.fill_gaps)
    series, _ = load_series(data)
    forecast = run.forecaster.predict(series)
    values = forecast.per_seed
    spread = f"; {len(values)} seeds: {values.min():,.0f}..{values.max():,.0f}" if len(values) > 1 else ""
    click.echo(
        f"{forecast.date.date()} ({forecast.date:%A}): {forecast.value:,.0f} views "
        f"({display.k(forecast.value)}{spread})"
    )
    click.echo(
        f"from {data.source} up to {series.index[-1].date()}, with {run.config.model.spec} "
        f"on the last {display.days(run.config.model.n_lags)} ({run_dir})"
    )


if __name__ == "__main__":
    sys.exit(main())
