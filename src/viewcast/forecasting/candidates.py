"""What `forecast` and `backtest` choose from, and how each is trained.

    Candidate     a network of the lecture's families (model spec, lags, inputs), recursive
                  (one day, fed back) or direct (one network, H outputs), or a naive baseline
    Combination   the mean or median of other candidates' forecasts: an ensemble of the best
                  validated networks, or those networks with AutoARIMA and AutoETS (forecast
                  combination, the lesson of the M4 competition)
    Classical     a statsforecast method, only ever a member of a combination (alone it is a
                  reference that viewcast is compared with, not one of its picks)
    Pretrained    a network trained before the choice, on more than this series: the global
                  network of `pooled.py`, one per last training day

`fit_candidates` trains what each needs on its period: the networks of all of them and
each classical method they hold in one parallel batch of jobs, each once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..core.baselines import BASELINES, Naive
from ..core.features import Period, make_windows, require_examples
from ..core.forecaster import Forecaster
from ..core.i18n import _
from ..core.inputs import Inputs
from ..core.optimize import training_cost
from ..core.units import model_label
from ..engine.parallel import COST_PER_SECOND, Job, run_jobs
from . import classical
from .rolling import steps_ahead

COMBINE = {"mean": np.mean, "median": np.median}


@dataclass(frozen=True)
class Candidate:
    """One function to choose from: a model spec on `n_lags` days with its inputs, or a baseline.
    `direct`: one network with an output per day ahead, instead of the one-day function fed back.
    `year`, `holidays`: the calendar's inputs (`inputs.Inputs`)."""

    model: str
    n_lags: int
    inputs: str = "plain"
    weekday: bool = False
    direct: bool = False
    year: bool = False
    holidays: str = ""

    @property
    def is_baseline(self) -> bool:
        return self.model in BASELINES

    @property
    def label(self) -> str:
        if self.is_baseline:
            return f"baseline: {self.model}"
        inputs = self.input_set.label
        lecture = " (the lecture's)" if inputs == "plain" and not self.direct else ""
        return f"{self.model} on {self.n_lags} days, {inputs}" + (", direct" if self.direct else "") + lecture

    @property
    def input_set(self) -> Inputs:
        return Inputs(self.inputs, self.weekday, self.year, self.holidays)

    @property
    def strategy(self) -> str:
        return "" if self.is_baseline else "direct" if self.direct else "recursive"

    def leaves(self) -> tuple:
        return (self,)

    def row(self) -> dict:
        """The columns of validation.csv that describe it."""
        return {"model": self.model, "n_lags": self.n_lags, "inputs": self.inputs, "weekday": self.weekday,
                "calendar": self.input_set.calendar,
                "strategy": self.strategy, "members": ""}


BASELINE_CANDIDATES = tuple(Candidate(name, lag) for name, lag in BASELINES.items())


@dataclass(frozen=True)
class Classical:
    """A statsforecast method (`classical.METHODS`) as a member of a combination."""

    name: str
    is_baseline = False

    @property
    def label(self) -> str:
        return self.name

    def leaves(self) -> tuple:
        return (self,)


@dataclass(frozen=True)
class Pretrained:
    """A network fitted already, outside this series' choice (the global network of `pooled.py`):
    `predictors[day]`, the one trained on the days up to `day`, for each training period that
    the choice and the final fit use (each ends on one of those days)."""

    label: str
    n_lags: int
    predictors: dict = field(compare=False, repr=False)
    is_baseline = False

    def leaves(self) -> tuple:
        return (self,)

    def row(self) -> dict:
        return {"model": "global", "n_lags": self.n_lags, "inputs": "", "weekday": None, "calendar": "",
                "strategy": "recursive, global", "members": ""}


CLASSICAL_MEMBERS = (Classical("AutoARIMA"), Classical("AutoETS"))  # what `combinations` may combine the networks with


@dataclass(frozen=True)
class Combination:
    """The `how` ("mean" or "median") of its members' forecasts, day by day and horizon by horizon."""

    how: str
    members: tuple
    label: str
    is_baseline = False

    def leaves(self) -> tuple:
        return tuple(leaf for member in self.members for leaf in member.leaves())

    def row(self) -> dict:
        return {"model": self.how, "n_lags": max(getattr(leaf, "n_lags", 0) for leaf in self.leaves()), "inputs": "",
                "weekday": None, "calendar": "", "strategy": "combination", "members": " | ".join(m.label for m in self.members)}


def combinations(ranked: list[Candidate], size: int, with_classical: bool) -> list[Combination]:
    """The combinations validated beside the networks, from the networks `ranked` best first:
    the mean and the median of the best `size`, and (`with_classical`) the best network's, or
    the best `size`'s mean, averaged with AutoARIMA (and AutoETS)."""
    best = tuple(ranked[:size])
    out = [ensemble] if (ensemble := ensemble_of(ranked, size)) else []
    if len(best) >= 3:
        out.append(Combination("median", best, f"median of the best {len(best)} networks"))
    if with_classical and ranked:
        arima, ets = CLASSICAL_MEMBERS
        out.append(Combination("mean", (ranked[0], arima), "mean of the best network and AutoARIMA"))
        if len(best) >= 2:
            out.append(Combination("mean", (out[0], arima), f"mean of (the best {len(best)} networks' mean) and AutoARIMA"))
            out.append(Combination("mean", (out[0], arima, ets), f"mean of (the best {len(best)} networks' mean), AutoARIMA and AutoETS"))
    return out


def ensemble_of(ranked: list[Candidate], size: int) -> Combination | None:
    """The mean of the best `size` networks of `ranked` (at least 2), or None."""
    best = tuple(ranked[:size])
    return Combination("mean", best, f"mean of the best {len(best)} networks") if len(best) >= 2 else None


def how_it_forecasts(candidate) -> str:
    """How the pick makes its forecast of the coming days, in words (the summaries' "method")."""
    if isinstance(candidate, Combination):
        members = _("; ").join(model_label(m.label) for m in candidate.members)
        return (_("the mean, day by day, of: {members}") if candidate.how == "mean" else
                _("the median, day by day, of: {members}")).format(members=members)
    if candidate.is_baseline:
        return _("the baseline's rule")
    if isinstance(candidate, Pretrained):
        return _("recursive: one network trained on every series of the table together, each forecast fed back")
    if candidate.direct:
        return _("direct: one network with an output per day ahead, all read from the window ending on the last day")
    return _("recursive: the one-day function, each forecast fed back as the next day's input")


class Combined:
    """A fitted combination: its members' forecasts at each origin, combined (`rolling.steps_ahead`)."""

    def __init__(self, how: str, members: list):
        self.how, self.members = how, members

    def steps(self, filled: pd.Series, origins: pd.DatetimeIndex, days: int) -> np.ndarray:
        return combine(self.how, [steps_ahead(m, filled, origins, days) for m in self.members])


def combine(how: str, forecasts: list[np.ndarray]) -> np.ndarray:
    """The mean or median of same-shaped forecasts."""
    return COMBINE[how](forecasts, axis=0)


def fit_candidates(candidates: list, series: pd.Series, filled: pd.Series, periods: list[Period], config,
                   progress: bool = False, phase: str = "") -> list:
    """Each candidate fitted on its period: a predictor for `rolling.steps_ahead`. The networks of
    all of them and the classical methods they hold fit in one batch of jobs (in parallel, each once)."""
    leaves = list(dict.fromkeys((leaf, period) for c, period in zip(candidates, periods) for leaf in c.leaves()))
    ready = {(leaf, period): leaf.predictors[period.end] for leaf, period in leaves if isinstance(leaf, Pretrained)}
    leaves = [(leaf, period) for leaf, period in leaves if not leaf.is_baseline and (leaf, period) not in ready]
    longest = max([leaf.n_lags for leaf, _ in leaves if isinstance(leaf, Candidate)], default=1)
    jobs = [classical_job(leaf, filled, period) if isinstance(leaf, Classical)
            else network_job(leaf, series, filled, period, longest, config, phase) for leaf, period in leaves]
    fitted = dict(zip(leaves, run_jobs(jobs, config.workers, progress, f"training ({phase})" if phase else "training"))) | ready

    def build(candidate, period):
        if isinstance(candidate, Combination):
            return Combined(candidate.how, [build(member, period) for member in candidate.members])
        return Naive(candidate.n_lags) if candidate.is_baseline else fitted[candidate, period]

    return [build(c, period) for c, period in zip(candidates, periods)]


def fitted_predictor(candidate, series, filled, period: Period, config, progress: bool = False):
    """The candidate trained on `period` (a baseline needs no training)."""
    return fit_candidates([candidate], series, filled, [period], config, progress, "the pick")[0]


def network_job(c: Candidate, series: pd.Series, filled: pd.Series, period: Period, longest: int, config,
                phase: str = "") -> Job:
    """The training of one network on the days of `period` that have data after the series' first
    `longest` days (the same days for every network of a batch on one period; a direct network:
    the days whose next `config.days` days all have data in the period)."""
    start = max(period.start, filled.index[0] + pd.Timedelta(days=longest))
    days = observed_days(series, Period(start, period.end))
    what = f"days with data after the first {longest} days"
    require_examples(len(days), "train", period, what, "give a longer history, or fewer lags", f"{phase} " if phase else "")
    horizons = config.days if c.direct else 1
    forecaster = Forecaster(c.model, c.n_lags, config.train, inputs=c.inputs, weekday=c.weekday, horizons=horizons,
                            year=c.year, holidays=c.holidays)
    windows = make_windows(filled, c.n_lags, horizons=horizons).on(days)
    cost = training_cost(c.model, c.input_set.n_inputs(c.n_lags, horizons), len(days), config.train)
    return Job(Forecaster.fit_windows, (forecaster, windows), cost, config.train.n_epochs, c.label)


def classical_job(method: Classical, filled: pd.Series, period: Period) -> Job:
    """The fit of a classical method on `period`, as one job (`classical.fit`)."""
    cost = classical.fit_seconds(method.name, period.n_days) * COST_PER_SECOND
    return Job(classical.fit, (method.name, filled, period), cost, 1, method.name)


def observed_days(series: pd.Series, period: Period) -> pd.DatetimeIndex:
    """The days of `period` that have data (the only days ever scored or trained on as targets)."""
    index = series.index
    return index[(index >= period.start) & (index <= period.end)]
