"""What starting worker processes costs, and what a second of `training_cost` is (engine.parallel's
`POOL_START_SECONDS` and `COST_PER_SECOND`).

    .venv/bin/python benchmarks/pool_start.py [--repeats 3]

Prints the wall time of `run_jobs` on trivial jobs in two workers (spawn, import PyTorch and
viewcast in each, stop them), and the seconds per cost unit of four of the forecast's networks
trained here for 20 epochs (the first, untimed, warms PyTorch up).
"""

from __future__ import annotations

import argparse
import dataclasses
import time

from viewcast.core.data import load_dataset
from viewcast.core.features import fill_from_past, make_windows
from viewcast.core.forecaster import Forecaster
from viewcast.core.optimize import training_cost
from viewcast.engine.parallel import COST_PER_SECOND, POOL_START_SECONDS, Job, run_jobs
from viewcast.forecasting.settings import FORECAST_TRAINING


def square(x: int, on_epoch) -> int:
    on_epoch(1)
    return x * x


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    repeats = parser.parse_args().repeats
    for _ in range(repeats):
        started = time.perf_counter()
        run_jobs([Job(square, (i,), 1, 1) for i in range(4)], workers=2)
        print(f"two workers, four trivial jobs: {time.perf_counter() - started:.2f} s (POOL_START_SECONDS = {POOL_START_SECONDS})")
    series = fill_from_past(load_dataset("wiki-r"))
    train = dataclasses.replace(FORECAST_TRAINING, n_epochs=20)
    for i, (spec, n_lags) in enumerate([("linear", 7), ("linear", 7), ("relu:10", 28), ("relu:100", 56), ("relu:100x2", 28)]):
        forecaster = Forecaster(spec, n_lags, train, inputs="level", weekday=True)
        windows = make_windows(series, n_lags).on(series.index[-1095:])
        started = time.perf_counter()
        forecaster.fit_windows(windows, on_epoch=lambda epoch: None)
        seconds = time.perf_counter() - started
        if i:
            cost = training_cost(spec, n_lags + 7, len(windows.y), train)
            print(f"{spec} on {n_lags} days, 3 years, 20 epochs: {seconds:.2f} s, cost {cost:,.0f}: "
                  f"{cost / seconds:,.0f} units a second (COST_PER_SECOND = {COST_PER_SECOND:,})")


if __name__ == "__main__":
    main()
