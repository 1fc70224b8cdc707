"""`Forecaster`: the three steps as one estimator with `fit` and `predict`.

    fit:      lag windows (features) -> the model's inputs (`inputs`: the lecture's plain
              views, or their log, level-scaled... and the weekday) -> scaler fitted on
              training rows -> a stack of models (step 1) -> loss (step 2) minimized by
              gradient descent (step 3)
    predict:  the next day's views from the last n_lags days, one value per seed
              (or, a direct model, the next H days' at once)

It follows scikit-learn's contract: `__init__` only stores its arguments, `fit`
returns `self`, learned state ends in `_`, and `predict` before `fit` raises.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from tqdm.auto import tqdm

from ..engine import cpu
from ..errors import ConfigError, DataError, NotFittedError
from .config import MAX_SEED, ModelConfig, RunConfig, TrainConfig
from .features import Period, Scaler, Windows, daily, make_windows
from .inputs import Inputs
from .losses import to_views
from .metrics import evaluate
from .models import StackedMLP, parse_spec
from .optimize import train_stack


@dataclass(frozen=True)
class NextDay:
    """The forecast for one day: one value per seed, and their mean."""

    date: pd.Timestamp
    per_seed: np.ndarray

    @property
    def value(self) -> float:
        return float(self.per_seed.mean())


class Forecaster:
    """Predict a day's views from the `n_lags` days before it.

    It trains one model per seed (`training.seeds`, or `seeds`), side by side, each
    with `training.lr` or its own learning rate from `lrs` (a sweep's grid). `inputs`
    and `weekday` choose what the model sees (see `inputs.Inputs`); the defaults are
    the lecture's: the views of the last `n_lags` days, standardized. `horizons` H > 1
    makes a direct model: one network with H outputs, days +1 .. +H after its window
    (trained on `make_windows(..., horizons=H)`), the weekday input being day +1's.
    `year` and `holidays` add the calendar's inputs (`inputs.Inputs`).

    >>> import viewcast as vc
    >>> views = vc.load_dataset("wiki-r")
    >>> f = vc.Forecaster("linear", n_lags=7, training=vc.TrainConfig(n_seeds=3))
    >>> f = f.fit(views, train=("2011-01-01", "2014-12-31"))
    >>> f.evaluate(views, ("2015-01-01", "2015-12-31"))["mae"].shape   # one MAE per seed, in views
    (3,)
    >>> f.predict(views).date                                     # the day after the data ends
    Timestamp('2016-01-01 00:00:00')
    """

    def __init__(
        self,
        model: str = "linear",
        n_lags: int = 1,
        training: TrainConfig | None = None,
        scale: str = "standard",
        fill_gaps: bool = False,
        seeds: list[int] | None = None,
        lrs: list[float] | None = None,
        inputs: str = "plain",
        weekday: bool = False,
        horizons: int = 1,
        year: bool = False,
        holidays: str = "",
    ):
        self.model = model
        self.n_lags = n_lags
        self.training = training
        self.scale = scale
        self.fill_gaps = fill_gaps
        self.seeds = seeds
        self.lrs = lrs
        self.inputs = inputs
        self.weekday = weekday
        self.horizons = horizons
        self.year = year
        self.holidays = holidays

    @classmethod
    def from_config(cls, config: RunConfig) -> Forecaster:
        """The (unfitted) forecaster a run's config describes."""
        model = config.model
        return cls(model.spec, model.n_lags, config.train, model.scale, config.data.fill_gaps,
                   inputs=model.inputs, weekday=model.weekday)

    # -- fitting ---------------------------------------------------------------

    def fit(self, series: pd.Series, train, val=None, progress: bool = False) -> Forecaster:
        """Train on the target days of `train` (a `Period` or a (start, end) pair).

        `val`, if given, is measured every epoch (and drives early stopping when
        `training.patience` is set). Returns `self`.
        """
        windows = make_windows(series, self.n_lags, self.fill_gaps)
        train_part, _ = windows.select(_period(train))
        val_part = windows.select(_period(val))[0] if val is not None else None
        return self.fit_windows(train_part, val_part, progress=progress)

    def fit_windows(
        self, train: Windows, val: Windows | None = None, progress: bool = False, on_epoch=None
    ) -> Forecaster:
        """`fit` on examples already made by `features.make_windows`.

        `on_epoch(epoch)`, if given, is called after every epoch (e.g. to move a progress bar).
        """
        model_config = ModelConfig(self.model, self.n_lags, self.scale, self.inputs, self.weekday)  # validates
        config = self.training or TrainConfig()
        if config.patience is not None and (val is None or len(val.y) == 0):
            raise ConfigError("early stopping (patience) needs validation data")
        if len(train.y) == 0:
            raise DataError("no complete training examples in the training period")
        if train.horizons != self.horizons:
            raise ConfigError(f"a model of {self.horizons} output(s) needs examples with as many target days; got {train.horizons}")
        started = time.perf_counter()
        self.device_ = cpu.resolve_device(config.device)
        self.inputs_ = Inputs(self.inputs, self.weekday, self.year, self.holidays)
        self.scaler_ = Scaler.fit(self.inputs_.target(train.y, train.X), model_config.scale)
        self.seeds_ = list(self.seeds) if self.seeds is not None else config.seeds
        _check_members(self.seeds_, self.lrs)
        self._check_memory(config, len(train.y))
        self.model_ = self._new_model().to(self.device_)
        X, y = self.model_data(train)
        X_val, y_val = self.model_data(val) if val is not None else (None, None)
        label = f"training {len(self.seeds_)} × {self.model}"
        quiet = None if progress else True  # None: tqdm shows the bar only on a terminal
        with tqdm(total=config.n_epochs, desc=label, unit="epoch", disable=quiet, leave=False) as bar:

            def show(epoch, train_loss, val_loss):
                losses = train_loss.cpu().numpy() if not bar.disable else np.array([])
                if np.isfinite(losses).any() and self.inputs == "plain":  # NaN: stopped early or diverged
                    loss = to_views(config.loss, np.nanmean(losses), self.scaler_.scale)
                    bar.set_postfix_str(f"train {config.loss.upper()} {loss:,.0f}", refresh=False)
                bar.update()
                if on_epoch is not None:
                    on_epoch(epoch)

            history = train_stack(self.model_, X, y, config, self.seeds_, X_val, y_val, show, self.lrs)
        self.wall_time_s_ = time.perf_counter() - started
        self.history_ = self._history_frame(history, config.loss)
        self.best_epoch_ = history.best_epoch
        self.diverged_epoch_ = history.diverged_epoch
        self.n_epochs_run_ = len(history.train)
        return self

    def _check_memory(self, config: TrainConfig, n_examples: int) -> None:
        """Refuse, with the numbers, a model too large for this machine's memory, before allocating it."""
        spec, n_inputs = parse_spec(self.model), self.inputs_.n_inputs(self.n_lags, self.horizons)
        batch = min(config.batch_size or n_examples, n_examples)
        needed = spec.training_bytes(n_inputs, len(self.seeds_), batch, self.horizons)
        available = cpu.memory_available(self.device_)
        if available is not None and needed > available:
            raise ConfigError(
                f"model {self.model} has {spec.n_parameters(n_inputs, self.horizons):,} parameters: "
                f"training it with {len(self.seeds_)} seed(s) "
                f"needs about {needed / 2**30:,.1f} GiB, and this machine has {available / 2**30:,.1f} GiB free; "
                "give fewer units or layers (e.g. relu:100x3)"
            )

    def _new_model(self) -> StackedMLP:
        return StackedMLP(parse_spec(self.model), self.inputs_.n_inputs(self.n_lags, self.horizons), self.seeds_, self.horizons)

    def _features(self, X: np.ndarray, dates) -> torch.Tensor:
        """The model's inputs for raw windows X: the transformed, scaled lags, then the weekday."""
        if self.inputs_.needs_dates and dates is None:
            raise ConfigError("a model with weekday or calendar inputs needs the target days of its windows")
        features = self.scaler_.transform(self.inputs_.lags(X))
        if self.inputs_.needs_dates:
            features = np.hstack([features, self.inputs_.extra(dates, self.horizons)])
        return torch.tensor(features, dtype=torch.float32, device=self.device_)

    def model_data(self, part: Windows) -> tuple[torch.Tensor, torch.Tensor]:
        """Examples as the model sees them: its inputs (n, n_inputs) and target (n,) or (n, H), scaled."""
        y = self.scaler_.transform(self.inputs_.target(part.y, part.X))
        return self._features(part.X, part.dates), torch.tensor(y, dtype=torch.float32, device=self.device_)

    def _history_frame(self, history, loss_name: str) -> pd.DataFrame:
        """Losses per epoch and model, in views (for inputs other than plain: in the model's
        unscaled units, such as ratios to the window's level)."""
        n_epochs, n_models = history.train.shape
        frame = pd.DataFrame(
            {
                "epoch": np.repeat(np.arange(1, n_epochs + 1), n_models),
                "seed": np.tile(self.seeds_, n_epochs),
                **({"lr": np.tile(self.lrs, n_epochs)} if self.lrs is not None else {}),
                "train_loss": to_views(loss_name, history.train, self.scaler_.scale).ravel(),
            }
        )
        if history.val is not None:
            frame["val_loss"] = to_views(loss_name, history.val, self.scaler_.scale).ravel()
        return frame.dropna(subset=["train_loss"])  # epochs after a model stopped early

    def training_improvement(self, n_epochs: int = 1) -> list[float | None]:
        """Per seed: the fraction by which the training loss fell over the last `n_epochs` epochs.

        A model still improving fast when training ends has not converged. None for a
        seed that ran `n_epochs` epochs or fewer.
        """
        self._check_fitted()
        members = [name for name in ("seed", "lr") if name in self.history_]
        improvements = []
        for _, member in self.history_.groupby(members, sort=False):
            losses = member.sort_values("epoch")["train_loss"].dropna().to_numpy()
            before = losses[-1 - n_epochs] if len(losses) > n_epochs else None
            improvements.append(None if before is None else float((before - losses[-1]) / before))
        return improvements

    # -- using the fitted function ---------------------------------------------

    def predict_windows(self, X: np.ndarray, dates: pd.DatetimeIndex | None = None) -> np.ndarray:
        """Predictions in views for windows X (n, n_lags): shape (K, n), one row per seed;
        a direct model's (K, H, n), `[k, h - 1]` the days h after the windows.

        `dates`, the (first) target days, are needed only by a model with weekday inputs.
        """
        self._check_fitted()
        with torch.no_grad():
            z_hat = self.model_(self._features(X, dates)).cpu().numpy().astype(np.float64)
        if self.horizons > 1:
            z_hat = z_hat.transpose(0, 2, 1)  # (K, n, H) -> (K, H, n): the windows on the last axis
        return self.inputs_.views(self.scaler_.inverse(z_hat), X)

    def evaluate(self, series: pd.Series, period) -> dict[str, np.ndarray]:
        """Every metric (MAE, MSE, RMSE, MAPE) on the target days of `period`, per seed."""
        part, _ = make_windows(series, self.n_lags, self.fill_gaps).select(_period(period))
        return evaluate_windows(self, part)

    def predict(self, series: pd.Series) -> NextDay:
        """The forecast for the day after the last date of `series`."""
        self._check_fitted()
        full, _ = daily(series, self.fill_gaps)
        window = full.iloc[-self.n_lags :]
        if len(window) < self.n_lags:
            raise DataError(f"the data has {len(window)} days; the model needs the last {self.n_lags}")
        missing = window.index[window.isna().to_numpy()]
        if len(missing):
            shown = ", ".join(str(d.date()) for d in missing[:3]) + (" ..." if len(missing) > 3 else "")
            raise DataError(
                f"the last {self.n_lags} days miss {len(missing)} day(s) ({shown}); "
                "add them to the data, or train with fill_gaps (--fill-gaps)"
            )
        X = window.to_numpy(dtype=float)[::-1][None, :]  # (1, n_lags), x₁ = the last day
        day = full.index[-1] + pd.Timedelta(days=1)
        y_hat = self.predict_windows(X, pd.DatetimeIndex([day]))
        return NextDay(day, y_hat[:, 0] if self.horizons == 1 else y_hat[:, 0, 0])  # a direct model's day +1

    @property
    def coef_(self) -> np.ndarray:
        """Linear model on plain inputs only: the weights w_j on x_j, (K, n_lags). Unchanged by scaling."""
        return self._linear()[0]

    @property
    def intercept_(self) -> np.ndarray:
        """Linear model only: the bias b in views, (K,)."""
        return self._linear()[1]

    def _linear(self) -> tuple[np.ndarray, np.ndarray]:
        self._check_fitted()
        if not self.model_.spec.is_linear:
            raise AttributeError(f"coef_ and intercept_ exist for the linear model, not {self.model}")
        if self.inputs_ != Inputs():
            raise AttributeError(f"coef_ and intercept_ are in views for plain inputs only, not {self.inputs_.label}")
        w = self.model_.weights[0].detach().cpu().numpy()[:, :, 0].astype(np.float64)  # (K, n_lags)
        b = self.model_.biases[0].detach().cpu().numpy()[:, 0, 0].astype(np.float64)  # (K,)
        # z = (v - m) / s for inputs and target: y = m (1 - Σw) + s b' + Σ w x
        m, s = self.scaler_.mean, self.scaler_.scale
        return w, m * (1 - w.sum(axis=1)) + s * b

    def state(self) -> dict:
        """What `fit` learned, as tensors and numbers only (safe for `torch.load(weights_only=True)`)."""
        self._check_fitted()
        return {
            # copies, not views of the flat buffer
            "weights": {name: t.detach().cpu().clone() for name, t in self.model_.state_dict().items()},
            "scaler": [self.scaler_.mean, self.scaler_.scale],
            "seeds": list(self.seeds_),
            "best_epoch": [int(e) for e in self.best_epoch_],
            "n_epochs_run": int(self.n_epochs_run_),
        }

    def load_state(self, state: dict) -> Forecaster:
        """Restore what `state()` saved, on the CPU; returns `self`."""
        self.device_ = torch.device("cpu")
        self.inputs_ = Inputs(self.inputs, self.weekday, self.year, self.holidays)
        self.scaler_ = Scaler(*state["scaler"])
        self.seeds_ = list(state["seeds"])
        self.best_epoch_ = np.array(state["best_epoch"])
        self.n_epochs_run_ = state["n_epochs_run"]
        self.model_ = self._new_model()
        self.model_.load_state_dict(state["weights"])
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "model_"):
            raise NotFittedError("this Forecaster is not fitted yet: call fit first")


def evaluate_windows(forecaster: Forecaster, part: Windows) -> dict[str, np.ndarray]:
    """Every metric of each seed's predictions on the examples `part`: {metric: (K,)}."""
    y_hat = forecaster.predict_windows(part.X, part.dates)
    per_seed = [evaluate(part.y, row) for row in y_hat]
    return {name: np.array([m[name] for m in per_seed]) for name in per_seed[0]}


def _check_members(seeds: list[int], lrs: list[float] | None) -> None:
    """One learning rate per seed, seeds in range, and no model twice (the same seed and rate)."""
    if lrs is not None and len(lrs) != len(seeds):
        raise ConfigError(f"give one learning rate per seed: {len(lrs)} for {len(seeds)} seeds")
    if not seeds or not all(0 <= seed <= MAX_SEED for seed in seeds):
        raise ConfigError(f"seeds must be from 0 to {MAX_SEED:,}; got {seeds}")
    members = list(zip(seeds, lrs or [None] * len(seeds)))
    if len(set(members)) < len(members):
        raise ConfigError("the same seed (with the same learning rate) is given twice: the two models would be one")


def _period(p) -> Period:
    return p if isinstance(p, Period) else Period.of(*p)


