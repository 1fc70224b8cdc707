"""Settings as dataclasses, one per component, nested into one `RunConfig`.

A run folder holds its `RunConfig` as `config.json`, so every run can be read back
and repeated. `__post_init__` checks each value, so a bad setting fails before any
data is read or any model is trained.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..engine import files
from ..errors import ConfigError, DataError, cut

LOSS_NAMES = ("mae", "mse")
OPTIMIZER_NAMES = ("sgd", "momentum", "adagrad", "rmsprop", "adam")
SCHEDULE_NAMES = ("constant", "step", "cosine")
SCALE_NAMES = ("standard", "none")
MAX_SEED = 2**31 - 1


def _is_iso_day(text: str) -> bool:
    try:
        return date.fromisoformat(text).isoformat() == text
    except ValueError:
        return False


def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}; got {value!r}")


@dataclass
class DataConfig:
    """Where the daily series comes from: a bundled dataset or a CSV file.

    `series` picks one video or traffic source of a long export (default: their sum).
    `fill_gaps=True` fills missing days by linear interpolation; by default examples
    that touch a missing day are left out (and counted) instead.
    """

    dataset: str | None = "wiki-r"
    path: str | None = None
    date_col: str | None = None
    value_col: str | None = None
    date_format: str | None = None
    series: str | None = None
    fill_gaps: bool = False

    def __post_init__(self):
        if (self.dataset is None) == (self.path is None):
            raise ConfigError("give either a bundled dataset or a CSV path, not both")

    @property
    def source(self) -> str:
        return self.dataset if self.dataset is not None else str(self.path)


@dataclass
class SplitConfig:
    """Dates (inclusive, YYYY-MM-DD) of the training and test periods, by target day.

    `None` takes the dataset's default (for a CSV: the last 365 days are the test
    period when the series covers two years or more, else its last fifth; training
    is every day before). `val_days` carves validation from the end of training.
    """

    train_start: str | None = None
    train_end: str | None = None
    test_start: str | None = None
    test_end: str | None = None
    val_days: int = 0

    def __post_init__(self):
        if self.val_days < 0:
            raise ConfigError(f"val_days must be 0 or more; got {self.val_days}")
        for name in ("train_start", "train_end", "test_start", "test_end"):
            value = getattr(self, name)
            if value is not None and not _is_iso_day(value):
                raise ConfigError(f"{name} must be a day written YYYY-MM-DD; got {value!r}")


@dataclass
class ModelConfig:
    """Step 1: which function. `spec` names it (`linear`, `relu:100`, `relu:100x3`).

    `inputs` and `weekday` say what it sees (`inputs.Inputs`): by default the lecture's
    plain views of the last `n_lags` days.
    """

    spec: str = "linear"
    n_lags: int = 1
    scale: str = "standard"
    inputs: str = "plain"
    weekday: bool = False

    def __post_init__(self):
        from .inputs import Inputs  # validates the inputs' name
        from .models import parse_spec  # validates the spec string

        parse_spec(self.spec)
        Inputs(self.inputs, self.weekday)
        if self.n_lags < 1:
            raise ConfigError(f"the number of lags must be at least 1; got {self.n_lags}")
        _check_choice("scale", self.scale, SCALE_NAMES)


@dataclass
class TrainConfig:
    """Steps 2 and 3: the loss and how it is minimized.

    `batch_size=0` means full batch (one update per epoch). `patience` turns on
    early stopping on the validation loss (it needs a validation period).
    `n_seeds` models are trained at once, with seeds `seed, seed+1, ...`.
    `skip_diverged`: a model whose loss diverges is dropped (its losses become NaN) and
    the others go on, as a sweep needs; by default divergence stops training with advice.
    """

    loss: str = "mae"
    optimizer: str = "adam"
    lr: float = 0.01
    n_epochs: int = 100
    batch_size: int = 32
    schedule: str = "constant"
    warmup_epochs: int = 0
    patience: int | None = None
    n_seeds: int = 1
    seed: int = 0
    device: str = "auto"
    skip_diverged: bool = False

    def __post_init__(self):
        _check_choice("loss", self.loss, LOSS_NAMES)
        _check_choice("optimizer", self.optimizer, OPTIMIZER_NAMES)
        _check_choice("schedule", self.schedule, SCHEDULE_NAMES)
        if not 0 < self.lr < math.inf:
            raise ConfigError(f"the learning rate must be a positive number; got {self.lr}")
        if not 0 <= self.seed <= MAX_SEED:
            raise ConfigError(f"the first seed must be from 0 to {MAX_SEED:,}; got {self.seed}")
        for name in ("n_epochs", "n_seeds"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1; got {getattr(self, name)}")
        if self.batch_size < 0:
            raise ConfigError(f"batch size must be 0 (full batch) or more; got {self.batch_size}")
        if not 0 <= self.warmup_epochs < self.n_epochs:
            raise ConfigError(
                f"warm-up epochs must be from 0 to n_epochs - 1; got {self.warmup_epochs}"
            )
        if self.patience is not None and self.patience < 1:
            raise ConfigError(f"patience must be at least 1 epoch; got {self.patience}")
        if self.device not in ("auto", "cpu") and not self.device.startswith("cuda"):
            raise ConfigError(f"device must be auto, cpu or cuda[:N]; got {self.device!r}")

    @property
    def seeds(self) -> list[int]:
        return list(range(self.seed, self.seed + self.n_seeds))


@dataclass
class RunConfig:
    """Everything needed to repeat a run: data, split, model and training."""

    data: DataConfig = field(default_factory=DataConfig)
    split: SplitConfig = field(default_factory=SplitConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)

    def __post_init__(self):
        if self.train.patience is not None and self.split.val_days == 0:
            raise ConfigError("early stopping (patience) needs a validation period: set val_days")

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict, file: str = "config") -> RunConfig:
        """The config of `d` (as `to_dict` wrote it); a `DataError` names the field of `file` that is wrong."""
        sections = {}
        for name, kind in (("data", DataConfig), ("split", SplitConfig), ("model", ModelConfig), ("train", TrainConfig)):
            section = files.field(d, name, dict, file)
            known = {f.name for f in dataclasses.fields(kind)}
            unknown = sorted(set(section) - known)
            if unknown:
                raise DataError(f"{file}: unknown field '{name}.{cut(unknown[0])}'")
            try:
                sections[name] = kind(**section)
            except (ConfigError, TypeError, ValueError) as err:
                raise DataError(f"{file}: field {name!r}: {cut(str(err), 200)}") from None
        return cls(**sections)

    def save(self, path: Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2) + "\n")

    @classmethod
    def load(cls, path: Path) -> RunConfig:
        return cls.from_dict(files.read_json(Path(path)), str(path))
