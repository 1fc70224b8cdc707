"""`viewcast forecast` and `backtest`: a validated forecast of the next days, and the same
procedure scored on days it never trained on."""

from __future__ import annotations

import dataclasses

import click

from ..core.config import DataConfig
from ..core.data import load_series
from ..core.inputs import INPUT_NAMES
from ..core.long import load_long
from ..engine.folders import check_out_dir
from ..forecasting.backtest import backtest_periods, run_backtest
from ..forecasting.forecast import FORECAST_TRAINING, ForecastConfig, run_forecast
from ..forecasting.many import run_many
from ..reporting import forecast_text, many_text
from ..reporting.outputs import BACKTEST_FOLDER, FORECAST_FOLDER, MANY_FOLDERS, save_backtest, save_forecast, save_many
from .options import (
    apply_options,
    by_option,
    data_config,
    out_option,
    parallel_options,
    parse_day,
    parse_list,
    quiet_option,
    source_name,
    source_options,
    stamped,
)

DEFAULT = ForecastConfig()


def choice_options(command):
    """What `forecast` and `backtest` choose from, and how the candidates are trained."""
    options = [
        source_options,
        by_option,
        click.option("--models", default=",".join(DEFAULT.models), show_default=True, help="Model specs to choose from, comma-separated."),
        click.option("--lags", default=",".join(map(str, DEFAULT.lags)), show_default=True, help="Past days as inputs, comma-separated."),
        click.option("--inputs", default=",".join(DEFAULT.inputs), show_default=True,
                     help=f"What the models see, comma-separated: {', '.join(INPUT_NAMES)} (plain: the lecture's views)."),
        click.option("--weekday/--no-weekday", default=DEFAULT.weekday, show_default=True, help="Add the target day's weekday as inputs."),
        click.option("--seeds", type=click.IntRange(min=1), default=FORECAST_TRAINING.n_seeds, show_default=True,
                     help="Seeds per network; their forecasts are averaged."),
        click.option("--epochs", type=click.IntRange(min=1), default=FORECAST_TRAINING.n_epochs, show_default=True),
        click.option("--coverage", type=float, default=DEFAULT.coverage, show_default=True,
                     help="The share of days the intervals should hold."),
        click.option("--windows", default=",".join(map(str, DEFAULT.windows)), show_default=True,
                     help="Training windows validated for the pick, in years back from the history's end, beside all of it "
                          "('' for all of it only)."),
        click.option("--direct", type=click.IntRange(min=0), default=DEFAULT.direct, show_default=True,
                     help="Also train the best N networks as direct ones (one output per day ahead, instead of feeding "
                          "each day's forecast back); validation chooses. 0: recursive only."),
        click.option("--ensemble", type=click.IntRange(min=0), default=DEFAULT.ensemble, show_default=True,
                     help="The mean and the median of the best N networks are candidates too (0: none)."),
        click.option("--combine/--no-combine", default=DEFAULT.combine, show_default=True,
                     help="Candidates averaging the best networks with AutoARIMA and AutoETS (needs the classical extra)."),
        click.option("--calendar", type=click.IntRange(min=0), default=DEFAULT.calendar, show_default=True,
                     help="Also train the best N networks with the calendar's inputs: the time of year, and the public "
                          "holidays of --holidays; validation chooses. 0: none."),
        click.option("--holidays", default="", metavar="COUNTRY",
                     help="A country's public holidays as inputs of the calendar networks (ISO code: TW, US, DE...)."),
        click.option("--folds", type=click.IntRange(min=1), default=DEFAULT.folds, show_default=True,
                     help="Validate on the last N years of the history, each trained on the years before it, and "
                          "choose by the mean MAE over them."),
        click.option("--global-model", default="", metavar="SPEC",
                     help="With --by: one network of this spec (e.g. relu:100) trained on all the series together, "
                          "scaled per series, is a candidate of each; validation chooses."),
        click.option("--train-start", help="First day trained on, YYYY-MM-DD (the days before it are only inputs of the first windows)."),
        parallel_options,
        click.option("--force", is_flag=True, help="Replace the --out folder if it exists (only a folder of the same kind)."),
        quiet_option,
    ]
    return apply_options(options, command)


def _forecast_config(days: int, models, lags, inputs, seeds, epochs, windows, workers, **choice) -> ForecastConfig:
    """The ForecastConfig of the choice options (`choice_options`), forecasting `days` days."""
    train = dataclasses.replace(FORECAST_TRAINING, n_seeds=seeds, n_epochs=epochs)
    return ForecastConfig(
        models=tuple(parse_list(str, models)), lags=tuple(parse_list(int, lags)), inputs=tuple(parse_list(str, inputs)),
        train=train, days=days, workers=workers, windows=tuple(parse_list(int, windows)), **choice,
    )


@click.command(name="forecast")
@choice_options
@click.option("--days", type=int, default=DEFAULT.days, show_default=True, help="How many days to forecast.")
@click.option("--end", help="Forecast from the day after this one, YYYY-MM-DD; later data are only shown beside the forecast "
                            "(default: the last day of the data).")
@out_option("Folder for forecast.csv, the plot and the summary (default: runs/forecast-<data>-<time>).")
def forecast_command(dataset, path, date_col, value_col, date_format, series_id, by, train_start, force, quiet, days, end, out,
                     **choice):
    """Forecast the next days: choose a model by validation, retrain it on all the data."""
    config = _forecast_config(days, **choice)
    data = data_config(dataset, path, date_col, value_col, date_format, series_id)
    first, last = (parse_day(value, option) if value else None for value, option in ((train_start, "--train-start"), (end, "--end")))
    if by is not None or config.global_model:
        return _many("forecast", data, by, config, {"train_start": first, "end": last}, out, force, quiet)
    series, _ = load_series(data)
    out = out or stamped(f"forecast-{source_name(data)}")
    check_out_dir(out, force, FORECAST_FOLDER)
    run = run_forecast(series, config, data.source, progress=not quiet, train_start=first, end=last)
    click.echo(forecast_text.forecast_report(run))
    save_forecast(run, out, force)
    saved = "forecast.csv, forecast.png, validation.csv and summary.txt"
    click.echo(f"\nwall time {run.summary['wall_time_s']:.0f} s; saved {saved} in {out}/")


@click.command(name="backtest")
@choice_options
@click.option("--start", help="First test day, YYYY-MM-DD (default: the dataset's test year, else the last year of the data).")
@click.option("--end", help="Last test day (default: the dataset's, else the last day of the data).")
@click.option("--horizon", type=int, default=1, show_default=True, help="Score forecasts 1..N days ahead.")
@click.option("--classical/--no-classical", default=True, show_default=True,
              help="Compare with statsforecast's AutoETS, AutoARIMA, AutoTheta and MSTL when installed.")
@out_option("Folder for the scores, the forecasts and the summary (default: runs/backtest-<data>-<time>).")
def backtest_command(dataset, path, date_col, value_col, date_format, series_id, by, train_start, force, quiet, start, end,
                     horizon, classical, out, **choice):
    """Score the whole forecast procedure on days it never trained on, against the baselines."""
    config = _forecast_config(horizon, **choice)
    data = data_config(dataset, path, date_col, value_col, date_format, series_id)
    for value, option in ((start, "--start"), (end, "--end"), (train_start, "--train-start")):
        if value is not None:
            parse_day(value, option)
    if by is not None or config.global_model:
        options = {"start": start, "end": end, "train_start": train_start, "classical": classical}
        return _many("backtest", data, by, config, options, out, force, quiet)
    series, bundled = load_series(data)
    history, test = backtest_periods(series, start, end, train_start, bundled)
    out = out or stamped(f"backtest-{source_name(data)}")
    check_out_dir(out, force, BACKTEST_FOLDER)
    run = run_backtest(series, config, history, test, data.source, with_classical=classical, progress=not quiet)
    click.echo(forecast_text.backtest_report(run))
    save_backtest(run, out, force)
    saved = "backtest.csv, predictions.csv, backtest.png and summary.txt"
    click.echo(f"\nwall time {run.summary['wall_time_s']:.0f} s; saved {saved} in {out}/")


def _many(kind: str, data: DataConfig, by: str, config: ForecastConfig, options: dict, out, force: bool, quiet: bool) -> int:
    """`forecast --by` and `backtest --by`: every series of a long file, one table out."""
    if by is None:
        raise click.UsageError("--global-model trains one network on many series: give them with --by")
    if data.series is not None:
        raise click.UsageError("give --by (every series) or --series (one of them), not both")
    collection = load_long(data, by)
    out = out or stamped(f"{kind}-{source_name(data)}-by-{by}")
    check_out_dir(out, force, MANY_FOLDERS[kind])
    run = run_many(collection, kind, config, options, progress=not quiet)
    click.echo(many_text.many_report(run))
    save_many(run, out, force)
    table = MANY_FOLDERS[kind].required[0]
    click.echo(f"\nwall time {run.summary['wall_time_s']:.0f} s; saved {table}, series.csv and summary.txt in {out}/")
    if run.stopped_by == "Ctrl-C":
        click.echo(f"viewcast: interrupted; the {len(run.series)} series done are saved in {out}/", err=True)
        return 130
    if run.stopped_by:
        click.echo(f"viewcast: error: {run.stopped_by}; the {len(run.series)} series done are saved in {out}/", err=True)
        return 1
    if run.summary["done"] == 0:
        click.echo(f"viewcast: error: no series could be done; series.csv in {out}/ says why for each", err=True)
        return 1
    return 0
