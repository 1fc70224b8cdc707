"""Throughput of `forecast --by`: series per minute on one core, on every local core, and on a
local Dask cluster; and the memory it holds as the number of series grows (issue 20).

    make bench                                              # runs this after speed.py
    .venv/bin/python benchmarks/many_series.py [--series 8] [--years 3]

The series are synthetic daily ones of `--years` years (a weekly cycle, a trend, noise, each
series its own level and seed); every series gets the forecast's default settings, the same
for all. Each engine forecasts the same series:

    one core     `--workers 1`: one series after another in this process
    local        one worker process per core (`engine.parallel.map_unordered`)
    dask         a local Dask cluster of as many one-thread worker processes (`--engine dask`)

It prints series per minute for each, the ratios local / one core and dask / local, and the
peak memory (resident set) of the one-core run after half of the series and after all of them:
equal when nothing of a finished series is held (models are not kept, only their forecasts).
Results must be equal series by series on every engine; the script checks it.
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
import time

import numpy as np
import pandas as pd

from viewcast.core.long import Collection
from viewcast.engine.cpu import n_cores
from viewcast.engine.parallel import use_engine
from viewcast.forecasting.forecast import ForecastConfig
from viewcast.forecasting.many import run_many


def synthetic(n: int, years: int) -> dict[str, pd.Series]:
    """`n` daily series of `years` years: level, trend, a weekly cycle and noise, each its own."""
    days = pd.date_range("2021-01-01", periods=365 * years, name="date")
    t = np.arange(len(days))
    out = {}
    for k in range(n):
        rng = np.random.default_rng(k)
        level = rng.uniform(100, 5000)
        values = level * (1 + rng.uniform(-0.3, 0.6) * t / len(t) + rng.uniform(0.1, 0.4) * (days.day_of_week < 5))
        out[f"series-{k}"] = pd.Series(np.maximum(values * rng.lognormal(0, 0.1, len(t)), 0).round(), index=days)
    return out


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(collection: Collection, config: ForecastConfig) -> tuple[float, pd.DataFrame]:
    started = time.perf_counter()
    run = run_many(collection, "forecast", config)
    assert (run.series["status"] == "ok").all(), run.series
    return time.perf_counter() - started, run.table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--series", type=int, default=8)
    parser.add_argument("--years", type=int, default=3)
    args = parser.parse_args()
    every = synthetic(args.series, args.years)
    half = dict(list(every.items())[: args.series // 2])
    config = ForecastConfig()
    print(f"{args.series} synthetic series of {args.years} years, the forecast's defaults, {n_cores()} cores")

    one = dataclasses.replace(config, workers=1)
    first, first_table = timed(Collection("synthetic", "series", half), one)
    rss_half = peak_rss_mb()
    second, second_table = timed(Collection("synthetic", "series", dict(list(every.items())[args.series // 2:])), one)
    rss_all = peak_rss_mb()
    seconds = {"one core": first + second}
    reference = pd.concat([first_table, second_table], ignore_index=True)
    seconds["local"], local = timed(Collection("synthetic", "series", every), dataclasses.replace(config, workers=None))
    with use_engine("dask", workers=n_cores()):
        seconds["dask"], on_dask = timed(Collection("synthetic", "series", every), config)
    for name, table in (("local", local), ("dask", on_dask)):
        pd.testing.assert_frame_equal(table, reference, obj=f"{name} against one core")

    for name, s in seconds.items():
        print(f"  {name:9s} {s:7.1f} s   {60 * args.series / s:6.2f} series/min")
    print(f"  local / one core: {seconds['one core'] / seconds['local']:.2f}x   "
          f"dask / local: {seconds['local'] / seconds['dask']:.2f}x   (the same forecasts, series by series, on all three)")
    print(f"  peak memory of the one-core run: {rss_half:.0f} MB after {len(half)} series, {rss_all:.0f} MB after {args.series}")


if __name__ == "__main__":
    main()
