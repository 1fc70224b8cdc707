"""Every option that more than one command takes, defined once, and the small parsers they need.

A command lists what it takes with decorators: `@source_options` (a bundled dataset or a CSV),
`@period_options`, `@parallel_options`, `@quiet_option`, `@force_option("a lecture folder")`...
"""

from __future__ import annotations

import functools
from datetime import datetime
from pathlib import Path

import click
import pandas as pd
from tabulate import tabulate

from ..core import i18n
from ..core.config import DataConfig
from ..core.data import series_table
from ..engine.parallel import ENGINES, use_engine
from ..errors import ConfigError


def apply_options(options, command):
    return functools.reduce(lambda cmd, option: option(cmd), reversed(options), command)


def data_options(command):
    """Where a CSV's columns and dates are (for --data)."""
    options = [
        click.option("--data", "path", type=click.Path(path_type=Path),
                     help="Your daily CSV file, or a YouTube Studio export: its zip, the folder it unpacks to, or one of its CSVs."),
        click.option("--date-col", help="Name of the date column (default: found by name: ds, date, Date, Datum, 日期...)."),
        click.option("--metric", "--value-col", "value_col",
                     help="The column to forecast (default: Views in any Studio language, else y, views, value, count)."),
        click.option("--series", "series_id",
                     help="In a long export (Chart data: one row per day and video or traffic source), the one to use: "
                          "its ID or name; `list` lists them (default: their sum)."),
        click.option("--date-format", help="strftime format of the dates, e.g. %d/%m/%Y (default: ISO, DD-MM-YYYY, M/D/YY, "
                                           "Jan 19, 2022... when the data decide the order of day and month)."),
    ]
    return apply_options(options, command)


dataset_option = click.option("--dataset", help="A bundled dataset (see `viewcast datasets`). Default: wiki-r.")


def source_options(command):
    """Where the series comes from: a bundled dataset, or --data with its columns."""
    return apply_options([dataset_option, data_options], command)


fill_gaps_option = click.option(
    "--fill-gaps", is_flag=True, help="Fill missing days by interpolation instead of leaving out the examples that touch them."
)


def period_options(command):
    """The training and test periods, by target day."""
    options = [
        click.option("--train-start", help="First training day, YYYY-MM-DD (default: the dataset's)."),
        click.option("--train-end", help="Last training day."),
        click.option("--test-start", help="First test day."),
        click.option("--test-end", help="Last test day."),
    ]
    return apply_options(options, command)


def parallel_options(command):
    """--workers, --engine and --scheduler: how many processes, and where the command's parallel work
    runs (`engine.parallel.use_engine`). The command runs inside that choice; a local Dask cluster
    has --workers processes."""

    @functools.wraps(command)
    def run(*args, engine, scheduler, **kwargs):
        with use_engine(engine, scheduler, kwargs.get("workers")):
            return command(*args, **kwargs)

    options = [
        click.option("--workers", type=click.IntRange(min=1),
                     help="Processes that train side by side, one thread each (default: one per core, when the work pays "
                          "for starting them, ~5 s; 1 trains in this process)."),
        click.option("--engine", type=click.Choice(ENGINES), default="local", show_default=True,
                     help="Where parallel work runs: this machine's cores, or a Dask cluster (a local one of --workers "
                          "processes, unless --scheduler names one; needs pip install 'viewcast[dask]')."),
        click.option("--scheduler", metavar="tcp://HOST:PORT", help="The Dask scheduler to run on (implies --engine dask)."),
    ]
    return apply_options(options, run)


by_option = click.option(
    "--by", metavar="COLUMN",
    help="Many series in one long --data file: the column naming each one (unique_id, or Content in a Studio Chart data "
         "export); every series is done with the same settings, in parallel.")
seed_option = click.option("--seed", type=int, default=0, show_default=True, help="The first seed.")
device_option = click.option("--device", default="auto", show_default=True, help="auto, cpu or cuda.")
quiet_option = click.option("--quiet", is_flag=True, help="No progress bar.")


def force_option(what: str = ""):
    """--force, which replaces only what `what` names (a folder of the command's own kind)."""
    only = f" (only {what})" if what else ""
    return click.option("--force", is_flag=True, help=f"Replace the folder if it exists{only}.")


def out_option(help: str):
    return click.option("--out", type=click.Path(path_type=Path), help=help)


def json_out_options(command):
    """--out FILE.json and --force, for the commands that print numbers and may also keep them."""
    options = [
        out_option("Also write the numbers to this JSON file."),
        click.option("--force", is_flag=True, help="Replace --out if it exists."),
    ]
    return apply_options(options, command)


def data_config(dataset, path, date_col, value_col, date_format, series_id=None, fill_gaps=False) -> DataConfig:
    """The `DataConfig` of the source options: --dataset or --data, not both (default: wiki-r).

    `--series list` prints the series of a long export, with their totals, and ends the command.
    """
    if dataset and path:
        raise click.UsageError("give --dataset or --data, not both")
    if series_id is not None and not path:
        raise click.UsageError("--series picks one series of a long --data file (a Chart data export)")
    data = DataConfig(
        dataset=None if path else (dataset or "wiki-r"),
        path=str(path) if path else None,
        date_col=date_col,
        value_col=value_col,
        date_format=date_format,
        series=None if series_id == "list" else series_id,
        fill_gaps=fill_gaps,
    )
    if series_id == "list":
        listed = series_table(data)
        click.echo(tabulate(listed, headers="keys", showindex=False, floatfmt=",.10g", tablefmt="simple"))
        raise click.exceptions.Exit(0)
    return data


def source_name(data: DataConfig) -> str:
    return data.dataset or Path(data.path).stem


def stamped(name: str) -> Path:
    """runs/<name>-<date>-<time>: a new folder for each run."""
    return Path("runs") / f"{name}-{datetime.now():%Y%m%d-%H%M%S}"


def parse_list(kind, text):
    """'a,b,c' -> [kind(a), kind(b), kind(c)], with a usage error naming the bad item."""
    try:
        return [kind(item.strip()) for item in str(text).split(",") if item.strip()]
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a comma-separated list of {kind.__name__} values") from None


def parse_day(text: str, option: str) -> pd.Timestamp:
    """A YYYY-MM-DD option as a Timestamp, or a one-line error naming the option."""
    try:
        return pd.Timestamp(datetime.strptime(text, "%Y-%m-%d"))
    except ValueError:
        raise ConfigError(f"{option} must be a day written YYYY-MM-DD; got {text!r}") from None


def lang_option() -> click.Option:
    """`--lang`, which every command takes: the language of its tables, sentences and report (`core.i18n`)."""
    return click.Option(
        ["--lang"], type=click.Choice(list(i18n.LANGUAGES)), envvar="VIEWCAST_LANG", default="en", show_default=True,
        expose_value=False, is_eager=True, callback=lambda ctx, param, value: i18n.choose(value),
        help="Language of the tables, the sentences and report.html: en, zh-TW (繁體中文) or zh-CN (简体中文); "
             "also from $VIEWCAST_LANG. The lecture's English terms (Loss, Gradient Descent, Batch, Epoch...) stay English.",
    )
