"""The settings of `forecast` and `backtest`: what is chosen from, how it is trained, what is forecast."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from ..core.config import MAX_SEED, TrainConfig
from ..core.i18n import _
from ..core.inputs import Inputs
from ..core.models import parse_spec
from ..errors import ConfigError
from . import classical
from .candidates import BASELINE_CANDIDATES, Candidate

FORECAST_TRAINING = TrainConfig(
    loss="mae", optimizer="adam", lr=0.001, schedule="cosine", n_epochs=100, batch_size=32, n_seeds=5
)
MAX_DAYS = 92


@dataclass
class ForecastConfig:
    """What to choose from, how to train it, and what to forecast.

    `days`: how many days ahead (the horizons validated and forecast). `coverage`: the
    share of days the intervals are meant to hold. `windows`: the training windows (the
    last N years) validated for the pick beside all of the history. `direct`: how many of
    the best recursive networks are also trained as direct ones (one output per day ahead;
    `days` ≥ 2). `ensemble`: the mean and median of the best N networks are candidates (0 or
    1: none). `combine`: so are those networks averaged with AutoARIMA and AutoETS, when the
    classical extra is installed. `calendar`: how many of the best recursive networks are
    also trained with the calendar's inputs (the time of year, and the public holidays of
    the country `holidays`, e.g. "TW"). `folds`: validation on the last N years of the
    history, each trained on the years before it (expanding origin), the MAE averaged over
    them: a choice less at the mercy of one year. `global_model`: with many series (`many.py`),
    one network of this spec trained on all of them together is a candidate of each ("": none).
    The defaults are the same for every series: nothing is tuned to one.
    """

    models: tuple[str, ...] = ("linear", "relu:10", "relu:100", "relu:100x2")
    lags: tuple[int, ...] = (7, 28, 56)
    inputs: tuple[str, ...] = ("level", "log-level")
    weekday: bool = True
    train: TrainConfig = field(default_factory=lambda: FORECAST_TRAINING)
    days: int = 7
    coverage: float = 0.8
    workers: int | None = 1  # processes that train side by side (None: as many as pay, `engine.parallel`)
    windows: tuple[int, ...] = (1, 2, 3)
    direct: int = 3
    ensemble: int = 3
    combine: bool = True
    calendar: int = 3
    holidays: str = ""
    folds: int = 1
    global_model: str = ""

    def __post_init__(self):
        for spec in (*self.models, *([self.global_model] if self.global_model else [])):
            parse_spec(spec)
        for name in self.inputs:
            Inputs(name)
        if not self.models or not self.lags or not self.inputs:
            raise ConfigError("give at least one model, one number of lags and one kind of inputs")
        if self.windows and min(self.windows) < 1:
            raise ConfigError(f"training windows are whole years, at least 1; got {min(self.windows)}")
        if min(self.lags) < 1:
            raise ConfigError(f"the number of lags must be at least 1; got {min(self.lags)}")
        if not 1 <= self.days <= MAX_DAYS:
            raise ConfigError(f"the number of days to forecast must be from 1 to {MAX_DAYS}; got {self.days}")
        if not 0.5 <= self.coverage < 1:
            raise ConfigError(f"the interval coverage must be from 0.5 to 0.99; got {self.coverage}")
        if self.folds < 1:
            raise ConfigError(f"--folds counts validation years: 1 or more; got {self.folds}")
        if min(self.direct, self.ensemble, self.calendar) < 0:
            raise ConfigError(f"--direct, --ensemble and --calendar count networks: 0 or more; "
                              f"got {min(self.direct, self.ensemble, self.calendar)}")
        if self.holidays:
            self.holidays = self.holidays.upper()
            Inputs(holidays=self.holidays)
        if self.train.seed + self.train.n_seeds - 1 > MAX_SEED:
            raise ConfigError(f"seeds must stay below {MAX_SEED:,}")

    def candidates(self) -> list[Candidate]:
        """The baselines, then every model × lags × inputs (recursive networks)."""
        grid = itertools.product(self.models, sorted(set(self.lags)), dict.fromkeys(self.inputs))
        return [*BASELINE_CANDIDATES, *(Candidate(m, n, i, self.weekday) for m, n, i in grid)]



def config_summary(config: ForecastConfig) -> dict:
    """The settings every candidate shared, as plain values for JSON."""
    train = config.train
    return {
        "models": list(config.models), "lags": list(config.lags), "inputs": list(config.inputs),
        "weekday": config.weekday, "days": config.days, "windows_years": list(config.windows),
        "direct": config.direct if config.days > 1 else 0, "ensemble": config.ensemble if config.ensemble >= 2 else 0,
        "calendar": config.calendar, "holidays": config.holidays or None, "folds": config.folds,
        "global_model": config.global_model or None,
        "combine": "AutoARIMA, AutoETS" if config.combine and classical.available() else
                   (_("not installed (pip install 'viewcast[classical]')") if config.combine else _("not asked for")),
        "training": _("{loss}, {optimizer}, η = {lr} ({schedule}), batch {batch}, {n_epochs} epochs, {n_seeds} seeds averaged").format(
            loss=train.loss.upper(), optimizer=train.optimizer, lr=train.lr, schedule=train.schedule, batch=train.batch_size,
            n_epochs=train.n_epochs, n_seeds=train.n_seeds),
    }
