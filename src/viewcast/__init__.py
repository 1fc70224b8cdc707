"""viewcast: find the function that predicts tomorrow's views, in the lecture's three steps.

The package is in layers; each imports only the layers below it (tests/test_layout.py checks it):

    cli/          the `viewcast` command: options, one library call per command, files written
    reporting/    terminal text, figures (the only matplotlib), report.html, the folders that hold them
    lecture/      the lecture's experiments and the follow-up lectures' tools     | two wings on one floor,
    forecasting/  a channel's next days: validated choice, intervals, backtest    | neither imports the other
    core/         step 0 data and windows, step 1 models, step 2 losses, step 3 optimization; the estimator
    engine/       threads, worker processes, folders written whole
    errors.py     the errors a user can fix

Each subpackage's docstring lists its modules. The names below are the public surface.
"""

from .core.config import DataConfig, ModelConfig, RunConfig, SplitConfig, TrainConfig
from .core.data import DATASETS, load_csv, load_dataset
from .core.features import Period, make_windows
from .core.forecaster import Forecaster
from .core.models import parse_spec
from .core.runs import load_run, save_run, train_run
from .errors import ConfigError, DataError, NotFittedError, TrainingDiverged, ViewcastError, WorkerDied
from .forecasting.backtest import backtest_periods, run_backtest
from .forecasting.forecast import ForecastConfig, run_forecast
from .lecture.classify import run_classification
from .lecture.critical import diagnose_run
from .lecture.folder import load_lecture
from .lecture.optimizers import OptimizersConfig, run_optimizers
from .lecture.run import LectureConfig, LectureRun, lecture_training, run_lecture
from .lecture.sweep import SweepConfig, SweepRun, run_sweep, save_sweep
from .reporting.lecture_folder import save_lecture
from .reporting.outputs import save_backtest, save_forecast, save_optimizers

__all__ = [
    "DATASETS",
    "ConfigError",
    "DataConfig",
    "DataError",
    "ForecastConfig",
    "Forecaster",
    "LectureConfig",
    "LectureRun",
    "ModelConfig",
    "NotFittedError",
    "Period",
    "RunConfig",
    "SplitConfig",
    "SweepConfig",
    "SweepRun",
    "TrainConfig",
    "TrainingDiverged",
    "ViewcastError",
    "WorkerDied",
    "OptimizersConfig",
    "backtest_periods",
    "diagnose_run",
    "run_classification",
    "run_optimizers",
    "save_optimizers",
    "load_csv",
    "load_dataset",
    "lecture_training",
    "load_lecture",
    "load_run",
    "make_windows",
    "parse_spec",
    "run_backtest",
    "run_forecast",
    "run_lecture",
    "run_sweep",
    "save_backtest",
    "save_forecast",
    "save_lecture",
    "save_run",
    "save_sweep",
    "train_run",
]
