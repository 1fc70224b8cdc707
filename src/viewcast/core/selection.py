"""Model selection by validation: "which one would you use to predict today?"

The lecture's answer: never pick by the test set. Hold out the last part of the
training period as validation (the "mock exam"), train every candidate on the rest,
pick the lowest validation loss, and only then look at the test loss of the pick,
once. Whether the pick was also the best on test is reported, not used.

N-fold cross-validation for a time series (`folds`) never trains on the future: with an
expanding origin, fold i validates on the i-th of the last N blocks of the training
period and trains on every day before that block; a candidate's validation loss is
the mean over the folds. One fold is the single hold-out above.
"""

from __future__ import annotations

import dataclasses
import math

import pandas as pd

from ..errors import DataError
from .config import SplitConfig
from .features import MIN_TRAIN_EXAMPLES, Period, Split, holdout_days, make_split


def selection_split(series: pd.Series, config: SplitConfig, dataset, split: Split) -> Split:
    """`split` with the end of its training period held out as validation: the last year,
    or the last fifth when training is shorter than two years."""
    n_days = split.train.n_days
    if n_days < 2 * MIN_TRAIN_EXAMPLES:
        raise DataError(
            f"the training period {split.train} is too short to hold out a validation period "
            "for model selection; give a longer training period"
        )
    dates = {"train_start": str(split.train.start.date()), "train_end": str(split.train.end.date())}
    return make_split(series, dataclasses.replace(config, **dates, val_days=holdout_days(n_days)), dataset)


def folds(period: Period, n_folds: int) -> list[tuple[Period, Period]]:
    """(training, validation) periods of `n_folds` expanding-origin folds over `period`.

    The blocks are as long as the hold-out of `selection_split` (a year, or a fifth of a
    period shorter than two years), after a first training block at least as long; a period
    that cannot hold `n_folds` of them is refused, with how many it holds.

    >>> [str(val) for _, val in folds(Period.of("2011-01-01", "2014-12-31"), 2)]
    ['2013-01-01..2013-12-31', '2014-01-01..2014-12-31']
    """
    n_days = period.n_days
    block = holdout_days(n_days)
    most = n_days // block - 1 if block else 0
    if n_folds < 1 or n_folds > most or n_days - n_folds * block < MIN_TRAIN_EXAMPLES:
        holds = f"holds at most {most} folds of {block} days" if most >= 1 else "is too short for folds"
        raise DataError(f"the training period {period} ({n_days:,} days) {holds} after a first training block "
                        f"as long; give {'--folds ' + str(most) + ' or fewer' if most >= 1 else 'more data'}")
    out = []
    for i in range(n_folds):
        val_end = period.end - pd.Timedelta(days=(n_folds - 1 - i) * block)
        val_start = val_end - pd.Timedelta(days=block - 1)
        out.append((Period(period.start, val_start - pd.Timedelta(days=1)), Period(val_start, val_end)))
    return out


def pick(candidates: list[dict], test_loss: dict[str, dict]) -> dict:
    """Pick the candidate with the lowest mean validation loss.

    `candidates`: {"label", "train", "val"} with summaries ({"mean", ...}; a mean of
    None never wins). `test_loss`: label -> test summary of the same candidates,
    used only to report the pick's test loss and whether it was the best on test.
    Returns the candidates ranked by validation loss, and the verdict.
    """
    ranked = sorted(candidates, key=lambda c: _or_inf(c["val"]["mean"]))
    picked = ranked[0]["label"]
    best_on_test = min(test_loss, key=lambda label: _or_inf(test_loss[label]["mean"]))
    return {
        "candidates": ranked,
        "picked": picked,
        "picked_test": test_loss[picked],
        "best_on_test": best_on_test,
        "best_test": test_loss[best_on_test],
        "picked_is_best_on_test": picked == best_on_test,
    }


def _or_inf(value: float | None) -> float:
    return math.inf if value is None else value
