"""Features: the lecture's x₁..x_k, the views of the k days before the target day.

An example is one target day t: `y = views[t]`, `x_j = views[t - j]` (x₁ is
yesterday). Examples are assigned to the training, validation or test period by
their target day; a window may reach back before its period (yesterday's views
are known when predicting today), never forward.

Missing days are never invented here: an example whose window or target touches a
missing day is left out, and counted, unless `fill_gaps=True` asks for linear
interpolation of the inputs. Even then a filled day is never a target (no score on
an invented value), nor is the day after one: interpolation takes a gap's right end
from the first known day after it, so a filled yesterday would carry the target's
own value into the inputs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from ..errors import ConfigError, DataError
from .config import SplitConfig
from .data import Dataset
from .units import PERIOD_NAMES

MIN_TRAIN_EXAMPLES = 10


@dataclass(frozen=True)
class Period:
    """Target days from `start` to `end`, both included."""

    start: pd.Timestamp
    end: pd.Timestamp

    @classmethod
    def of(cls, start, end) -> Period:
        return cls(pd.Timestamp(start), pd.Timestamp(end))

    @classmethod
    def from_dict(cls, record: dict) -> Period:
        """A period back from its `to_dict` record (as results files hold it)."""
        return cls.of(record["start"], record["end"])

    def to_dict(self) -> dict:
        """{"start": "YYYY-MM-DD", "end": "YYYY-MM-DD"}, as every results file writes a period.

        >>> Period.of("2011-01-01", "2014-12-31").to_dict()
        {'start': '2011-01-01', 'end': '2014-12-31'}
        """
        return {"start": str(self.start.date()), "end": str(self.end.date())}

    @property
    def n_days(self) -> int:
        return (self.end - self.start).days + 1

    def __str__(self) -> str:
        return f"{self.start.date()}..{self.end.date()}"


@dataclass(frozen=True)
class Windows:
    """Examples made of lag windows.

    X: (n, n_lags), X[:, j - 1] = views j days before the target day.
    y: (n,), the target day's views. dates: (n,) target days.
    complete: (n,) False where the window or target touches a missing day.
    A direct model's examples have H target days: y (n, H), the views of days
    dates[i] .. dates[i] + H - 1 (`make_windows(..., horizons=H)`).
    """

    X: np.ndarray
    y: np.ndarray
    dates: pd.DatetimeIndex
    complete: np.ndarray

    @property
    def n_lags(self) -> int:
        return self.X.shape[1]

    @property
    def horizons(self) -> int:
        return 1 if self.y.ndim == 1 else self.y.shape[1]

    def select(self, period: Period) -> tuple[Windows, int]:
        """The complete examples whose target day is in `period`, and how many were left out."""
        inside = (self.dates >= period.start) & (self.dates <= period.end)
        keep = inside & self.complete
        return self._rows(keep), int(inside.sum() - keep.sum())

    def on(self, dates: pd.DatetimeIndex) -> Windows:
        """The complete examples whose target days are all among `dates`."""
        keep = self.complete.copy()
        for h in range(self.horizons):
            keep &= (self.dates + pd.Timedelta(days=h)).isin(dates)
        return self._rows(keep)

    def _rows(self, keep: np.ndarray) -> Windows:
        return Windows(self.X[keep], self.y[keep], self.dates[keep], self.complete[keep])


def shared_days(windows: list[Windows]) -> pd.DatetimeIndex:
    """The target days complete in every one of `windows`.

    Models with different lags compare fairly only on the same target days: a longer
    window reaches back to more days, so a missing day leaves out more of its examples.
    """
    days = windows[0].dates[windows[0].complete]
    for w in windows[1:]:
        days = days.intersection(w.dates[w.complete])
    return days


def daily(series: pd.Series, fill_gaps: bool = False) -> tuple[pd.Series, int]:
    """The series on every calendar day (missing days NaN, or interpolated), and how many were missing."""
    full = series.asfreq("D")
    n_missing = int(full.isna().sum())
    if fill_gaps and n_missing:
        full = full.interpolate(method="time")
    return full, n_missing


def fill_from_past(series: pd.Series) -> pd.Series:
    """The series on every calendar day, each missing day filled from the days before it only:
    the same weekday a week earlier when known (or filled), else the last known day.

    A forecast must not use a later day, and interpolating a gap would (its right end is
    after it). Filled days serve as inputs; they are never scored as targets.

    >>> s = pd.Series([1.0, 2, 4], index=pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-04"]))
    >>> fill_from_past(s).tolist()
    [1.0, 2.0, 2.0, 4.0]
    """
    full = series.asfreq("D")
    values = full.to_numpy(dtype=float).copy()
    for i in np.flatnonzero(np.isnan(values)):  # in date order, so a fill can use an earlier fill
        values[i] = values[i - 7] if i >= 7 else values[i - 1]  # the first day is never missing
    return pd.Series(values, index=full.index, name=series.name)


def make_windows(series: pd.Series, n_lags: int, fill_gaps: bool = False, horizons: int = 1) -> Windows:
    """One example per day that has `n_lags` days before it in the series (and, with
    `horizons` H > 1, the H - 1 days after it: the targets of a direct model).

    >>> s = pd.Series([1.0, 2, 3, 4], index=pd.date_range("2024-01-01", periods=4))
    >>> w = make_windows(s, 2)
    >>> w.X.tolist(), w.y.tolist()
    ([[2.0, 1.0], [3.0, 2.0]], [3.0, 4.0])
    >>> make_windows(s, 2, horizons=2).y.tolist()      # days +1 and +2 after the window
    [[3.0, 4.0]]
    """
    full, _ = daily(series, fill_gaps)
    if len(full) < n_lags + horizons:
        raise DataError(
            f"the series has {len(full)} days, too few for {n_lags} lags; use fewer lags or more data"
        )
    windows = sliding_window_view(full.to_numpy(dtype=float), n_lags + horizons)  # oldest first
    X = np.ascontiguousarray(windows[:, n_lags - 1 :: -1])  # x₁ = the day before the (first) target first
    y = windows[:, n_lags:].copy() if horizons > 1 else windows[:, -1].copy()
    complete = ~np.isnan(windows).any(axis=1)
    if fill_gaps:
        observed = series.reindex(full.index).notna().to_numpy()
        n = len(windows)
        complete &= observed[n_lags - 1 : n_lags - 1 + n]  # the first target's yesterday
        for h in range(horizons):
            complete &= observed[n_lags + h : n_lags + h + n]  # and every target
    return Windows(X, y, full.index[n_lags : n_lags + len(windows)], complete)


@dataclass(frozen=True)
class Split:
    """Training, optional validation (the end of training), and test periods."""

    train: Period
    test: Period
    val: Period | None = None

    def periods(self) -> dict[str, Period]:
        named = {"train": self.train, "val": self.val, "test": self.test}
        return {name: p for name, p in named.items() if p is not None}


def make_split(series: pd.Series, config: SplitConfig, dataset: Dataset | None = None) -> Split:
    """Resolve the split's dates: given ones, else the dataset's, else the series' own defaults."""
    first, last = series.index[0], series.index[-1]
    test_start, test_end = _default_test(first, last, dataset)
    test = Period.of(config.test_start or test_start, config.test_end or test_end)
    train_start = config.train_start or (dataset.train[0] if dataset else first)
    train_end = config.train_end or (dataset.train[1] if dataset else test.start - pd.Timedelta(days=1))
    train = Period.of(train_start, train_end)
    for name, p in (("training", train), ("test", test)):
        if p.start > p.end:
            raise ConfigError(f"the {name} period {p} ends before it starts")
        if p.end < first or p.start > last:
            raise ConfigError(
                f"the {name} period {p} is outside the data ({first.date()}..{last.date()})"
            )
    if train.end >= test.start:
        raise ConfigError(f"the training period {train} must end before the test period {test} starts")
    val = None
    if config.val_days:
        if config.val_days >= train.n_days:
            raise ConfigError(
                f"{config.val_days} validation days do not fit in the training period {train}"
            )
        val = Period(train.end - pd.Timedelta(days=config.val_days - 1), train.end)
        train = Period(train.start, val.start - pd.Timedelta(days=1))
    return Split(train=train, test=test, val=val)


def holdout_days(n_days: int) -> int:
    """How many days at the end of `n_days` to hold out: a year, or a fifth under two years."""
    return 365 if n_days >= 2 * 365 else max(1, n_days // 5)


def _default_test(first, last, dataset):
    if dataset is not None:
        return dataset.test
    test_days = holdout_days((last - first).days + 1)
    return last - pd.Timedelta(days=test_days - 1), last


def split_windows(windows: Windows, split: Split) -> tuple[dict[str, Windows], dict[str, int]]:
    """The examples of each period, and how many each left out for missing days.

    Raises `DataError` when the training or test period keeps too few examples.
    """
    parts, left_out = {}, {}
    for name, period in split.periods().items():
        parts[name], left_out[name] = windows.select(period)
        require_examples(
            len(parts[name].y), name, period, f"complete examples with {windows.n_lags} lags",
            "the series is too short for the window plus a test period: use fewer lags, other dates, or more data",
        )
    return parts, left_out




def require_examples(n_examples: int, name: str, period: Period, what: str, advice: str, prefix: str = "") -> None:
    """Raise `DataError` when the period `name` keeps too few examples to train on (10) or score (1)."""
    needed = MIN_TRAIN_EXAMPLES if name == "train" else 1
    if n_examples < needed:
        raise DataError(
            f"the {prefix}{PERIOD_NAMES[name]} period {period} has {n_examples} {what} (needs {needed}); {advice}"
        )


@dataclass(frozen=True)
class Scaler:
    """z = (v - mean) / scale, one transform for inputs and target alike.

    Inputs and target are the same quantity (views), so one transform keeps a
    linear model's weights w_j unchanged: only b moves. Fitted on training targets.
    """

    mean: float = 0.0
    scale: float = 1.0

    @classmethod
    def fit(cls, y_train: np.ndarray, kind: str = "standard") -> Scaler:
        if kind == "none":
            return cls()
        std = float(np.std(y_train))
        return cls(float(np.mean(y_train)), std if std > 0 else 1.0)

    def transform(self, v: np.ndarray) -> np.ndarray:
        return (v - self.mean) / self.scale

    def inverse(self, z: np.ndarray) -> np.ndarray:
        return z * self.scale + self.mean
