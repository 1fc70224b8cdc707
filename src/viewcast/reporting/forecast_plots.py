"""A forecast's pictures, for a creator: the next days with their band (`viewcast forecast`), and a
backtest's test period. The lecture's pictures, and how a figure becomes a PNG, are in `plots.py`;
these two modules are the only ones that import matplotlib.
"""

from __future__ import annotations

import matplotlib
import matplotlib.dates
import matplotlib.ticker

matplotlib.use("Agg")  # files only: no screen is needed, none is opened
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from ..core import units  # noqa: E402
from ..core.i18n import figure_text, figures_speak  # noqa: E402
from .plots import ESTIMATE, REAL  # noqa: E402


def forecast_band(
    recent: pd.Series,
    dates: pd.DatetimeIndex,
    forecast: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    coverage: float = 0.8,
    title: str = "",
    ax: Axes | None = None,
) -> Axes:
    """The real views (red) and the forecast (blue) with its interval (a blue band).

    For `viewcast forecast` (`recent`: the last weeks, `dates`: the days after) and for a
    backtest's test period (`recent` and `dates` the same days, the forecasts made earlier).
    """
    ax = ax or plt.subplots(layout="constrained", figsize=(9, 3.5))[1]
    views = figure_text("views")
    ax.plot(recent.asfreq("D").index, recent.asfreq("D").to_numpy(), color=REAL, lw=1.2,
            label=figure_text("real {unit}").format(unit=views))
    dates = pd.DatetimeIndex(dates)
    ax.fill_between(dates, lower, upper, color=ESTIMATE, alpha=0.2, lw=0,
                    label=figure_text("{share} interval").format(share=f"{coverage:.0%}"))
    ax.plot(dates, forecast, color=ESTIMATE, lw=1, marker="." if len(dates) <= 31 else None, label=figure_text("forecast"))
    ax.set(ylabel=figure_text("{unit} a day").format(unit=views), title=title or figure_text("Forecast"))
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=7, loc="lower left", framealpha=0.8)
    ax.figure.autofmt_xdate()
    return ax


def next_days(recent: pd.Series, frame: pd.DataFrame, coverage: float, values: units.Units, note: str = "") -> Figure:
    """`viewcast forecast`'s picture, for a creator: the last weeks (red) and the next days (blue, joined
    to the last real day) on the left; the next days larger on the right, each labelled with its weekday
    and value; the band said in words.

    `frame` is the forecast table (date, weekday, forecast, low, high, and `actual` when the
    data went on after the forecast's start: drawn as red rings).
    """
    fig, (overview, close) = plt.subplots(1, 2, figsize=(11, 4.2), width_ratios=(2.2, 1), sharey=True, layout="constrained")
    daily = recent.asfreq("D")
    dates = pd.DatetimeIndex(frame["date"])
    joined = pd.DatetimeIndex([recent.index[-1]]).append(dates)
    last = float(recent.iloc[-1])
    for ax in (overview, close):
        ax.plot(daily.index, daily.to_numpy(), color=REAL, lw=1.2, marker="o" if ax is close else None, ms=3,
                label=figure_text("real {unit}").format(unit=figure_text(values.metric)))
        ax.fill_between(joined, [last, *frame["low"]], [last, *frame["high"]], color=ESTIMATE, alpha=0.18, lw=0,
                        label=figure_text("the band: {share} of days should fall inside").format(share=f"{coverage:.0%}"))
        ax.plot(joined, [last, *frame["forecast"]], color=ESTIMATE, lw=1.4, marker="o", ms=3,
                markevery=range(1, len(joined)), label=figure_text("forecast"))
        if "actual" in frame and frame["actual"].notna().any():
            ax.plot(dates, frame["actual"], "o", color=REAL, ms=5, mfc="white",
                    label=figure_text("what happened ({unit})").format(unit=figure_text(values.metric)))
    week_before = recent.index[-1] - pd.Timedelta(days=6)
    close.set_xlim(week_before - pd.Timedelta(hours=12), dates[-1] + pd.Timedelta(hours=20))
    for i, (day, weekday, value, low, high) in enumerate(zip(dates, frame["weekday"], frame["forecast"], frame["low"], frame["high"])):
        above = i % 2 == 0  # every other day's label below the band: neighbours never touch
        close.annotate(f"{figure_text(weekday)}\n{values.exact(value)}", (day, high if above else low),
                       xytext=(0, 3 if above else -3), textcoords="offset points", ha="center",
                       va="bottom" if above else "top", fontsize=7.5, color=ESTIMATE)
    close.xaxis.set_major_locator(matplotlib.dates.DayLocator(interval=max(1, (len(dates) + 7) // 8)))
    close.xaxis.set_major_formatter(matplotlib.dates.DateFormatter("%m/%d" if figures_speak() else "%d %b"))  # (%b: English months)
    ahead = units.days_text(len(dates)) if figures_speak() else units.days(len(dates))
    close.set_title(figure_text("the next {days}").format(days=ahead), fontsize=9)
    metric = figure_text(values.metric)
    name = metric[:1].upper() + metric[1:]
    weeks = round(len(daily) / 7)
    overview.set(ylabel=figure_text("{unit} per day").format(unit=metric),
                 title=figure_text("{Unit} per day: the last {weeks} weeks and the next {days}").format(Unit=name, weeks=weeks, days=ahead))
    top = float(np.nanmax([daily.max(), frame["high"].max()]))
    overview.set_ylim(0, top * 1.2)
    overview.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(  # ticks: 0, 5, 10, not 5.0 beside 10
        lambda v, _: f"{v:,.0f}" if float(v).is_integer() else values.exact(v)))
    overview.legend(fontsize=7, loc="lower left", framealpha=0.85)
    for ax in (overview, close):
        ax.tick_params(axis="x", labelrotation=30, labelsize=7)
    if note:
        fig.text(0.99, 0.005, note, ha="right", va="bottom", fontsize=7, color="0.35")
    return fig
