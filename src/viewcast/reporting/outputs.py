"""The folders of `viewcast optimizers`, `forecast` and `backtest`: results, tables and their pictures.

Each folder is written whole or not at all (`engine.folders.write_folder`); its `FolderKind`
names the files that make it one, so `--force` replaces only a folder of its own kind.
"""

from __future__ import annotations

import json

import pandas as pd

from ..core.i18n import figure_text
from ..core.units import Units
from ..engine.folders import FolderKind, write_folder
from ..forecasting.backtest import BacktestRun
from ..forecasting.forecast import ForecastRun
from ..forecasting.many import ManyRun
from ..forecasting.validation import validation_frame
from ..lecture.optimizers import table as optimizers_table
from . import forecast_plots, forecast_text, many_text, plots
from .guide_sections import optimizer_figures

OPTIMIZERS_FOLDER = FolderKind(
    "viewcast optimizers folder", ("optimizers.json", "optimizers.csv", "optimizers.png", "optimizers-surface.png"), ("optimizers.json",)
)


def save_optimizers(results: dict, out, force: bool = False):
    """Write the results, the table and both charts into the folder `out`, whole or not at all."""
    with plots.speaking():
        figures = optimizer_figures(results)
    writers = {
        "optimizers.json": lambda path: path.write_text(json.dumps(results) + "\n"),
        "optimizers.csv": lambda path: optimizers_table(results).to_csv(path, index=False),
        "optimizers.png": lambda path: path.write_bytes(plots.png(figures["optimizers.png"])),
        "optimizers-surface.png": lambda path: path.write_bytes(plots.png(figures["optimizers-surface.png"])),
    }
    return write_folder(out, writers, OPTIMIZERS_FOLDER, force)


FORECAST_FOLDER = FolderKind(
    "viewcast forecast folder",
    ("forecast.csv", "forecast.png", "validation.csv", "summary.txt", "forecast.json"),
    ("forecast.csv", "forecast.json"),
)


def save_forecast(run: ForecastRun, out, force: bool = False):
    """Write the forecast folder: forecast.csv (date, weekday, forecast, low, high), forecast.png,
    validation.csv (the candidates), summary.txt (what was printed), forecast.json."""
    def picture(path):
        data = run.summary["data"]
        with plots.speaking():
            note = figure_text("{source}; chosen by validation: {model}").format(
                source=run.summary["source"], model=plots.figure_label(run.summary["picked"]))
            fig = forecast_plots.next_days(run.recent, run.forecast, run.summary["coverage"], Units.of(data), note)
            path.write_bytes(plots.png(fig))

    record = run.summary | {"forecast": run.forecast.astype({"date": str}).to_dict("records"), "validation": run.selection.table}
    writers = {
        "forecast.csv": lambda path: run.forecast.to_csv(path, index=False),
        "forecast.png": picture,
        "validation.csv": lambda path: validation_frame(run.selection).to_csv(path, index=False),
        "summary.txt": lambda path: path.write_text(forecast_text.forecast_report(run) + "\n", encoding="utf-8"),
        "forecast.json": lambda path: path.write_text(json.dumps(record, indent=2) + "\n"),
    }
    return write_folder(out, writers, FORECAST_FOLDER, force)


BACKTEST_FOLDER = FolderKind(
    "viewcast backtest folder",
    ("backtest.csv", "predictions.csv", "validation.csv", "backtest.png", "summary.txt", "backtest.json"),
    ("backtest.csv", "backtest.json"),
)


def save_backtest(run: BacktestRun, out, force: bool = False):
    """Write the backtest folder: backtest.csv (every method's scores per horizon), predictions.csv
    (every forecast), validation.csv, backtest.png (the pick one day ahead), summary.txt, backtest.json."""
    def picture(path):
        mine = run.predictions[(run.predictions["method"] == run.scores[0]["method"]) & (run.predictions["horizon"] == 1)]
        dates = pd.DatetimeIndex(mine["date"])
        with plots.speaking():
            fig, (ax,) = plots.panels(1, (10, 3.5))
            title = figure_text("{source}, 1 day ahead: {model}").format(source=run.summary["source"],
                                                                         model=plots.figure_label(run.scores[0]["method"]))
            forecast_plots.forecast_band(pd.Series(mine["actual"].to_numpy(), index=dates), dates, mine["forecast"], mine["lower"],
                                         mine["upper"], run.summary["coverage"], title, ax)
            path.write_bytes(plots.png(fig))

    writers = {
        "backtest.csv": lambda path: pd.DataFrame(run.scores).round(4).to_csv(path, index=False),
        "predictions.csv": lambda path: run.predictions.to_csv(path, index=False),
        "validation.csv": lambda path: validation_frame(run.selection).to_csv(path, index=False),
        "backtest.png": picture,
        "summary.txt": lambda path: path.write_text(forecast_text.backtest_report(run) + "\n", encoding="utf-8"),
        "backtest.json": lambda path: path.write_text(
            json.dumps(run.summary | {"scores": run.scores, "validation": run.selection.table}, indent=2) + "\n"),
    }
    return write_folder(out, writers, BACKTEST_FOLDER, force)


MANY_FOLDERS = {
    kind: FolderKind(f"viewcast many-series {kind} folder", (table, "series.csv", "validation.csv", "summary.txt", "summary.json"),
                     (table, "series.csv", "summary.json"))
    for kind, table in (("forecast", "forecasts.csv"), ("backtest", "scores.csv"))
}


def save_many(run: ManyRun, out, force: bool = False):
    """Write a many-series folder: forecasts.csv (series, date, forecast, low, high) or scores.csv
    (series, method, horizon, MAE...), series.csv (each series' status, pick, time and error),
    validation.csv (each series' candidates, ranked), summary.txt (what was printed) and summary.json."""
    table = MANY_FOLDERS[run.kind].required[0]
    writers = {
        table: lambda path: run.table.round(4).to_csv(path, index=False),
        "series.csv": lambda path: run.series.to_csv(path, index=False),
        "validation.csv": lambda path: run.validation.to_csv(path, index=False),
        "summary.txt": lambda path: path.write_text(many_text.many_report(run) + "\n", encoding="utf-8"),
        "summary.json": lambda path: path.write_text(json.dumps(run.summary | {"stopped_by": run.stopped_by}, indent=2) + "\n"),
    }
    return write_folder(out, writers, MANY_FOLDERS[run.kind], force)
