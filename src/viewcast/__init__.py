"""viewcast: find the function that predicts tomorrow's views, in the lecture's three steps.

    step 0  data.py       load_dataset, load_csv
            features.py   lag windows x₁..x_k, the date split, the scaler
    step 1  models.py     linear, sigmoid / ReLU layers, deep nets (as stacks of K models)
    step 2  losses.py     MAE, MSE (training); metrics.py for evaluation in views
    step 3  optimize.py   gradient descent with torch.optim, mini-batches, schedules
            forecaster.py the three steps as one estimator: Forecaster.fit / predict
            runs.py       train, measure and save a run folder; cli.py, the command
            lecture.py    the lecture's tables, model selection; diagnosis.py, its general guide
            sweep.py      a grid of configurations, stacked, ranked by validation
    use     inputs.py     what a model sees: plain views, log, level-scaled windows, the weekday
            forecast.py   choose by validation, retrain, forecast the next days; intervals.py
            backtest.py   the same procedure scored on later days, vs baselines and classical.py
    failing critical.py   gradient and Hessian at trained weights: minimum, saddle, kink (diagnose_run)
            rules.py      the lecture's update rules by hand; optimizers.py, five optimizers side by side
            doctor.py     the general guide walked on a lecture folder; classify.py, softmax and cross-entropy
    pictures surface.py   the error surface and gradient-descent paths; mismatch.py, a changed world
            plots.py      every figure (the only module that imports matplotlib)
            report.py     report.html from a saved lecture folder
"""

from .config import DataConfig, ModelConfig, RunConfig, SplitConfig, TrainConfig
from .data import DATASETS, load_csv, load_dataset
from .errors import ConfigError, DataError, NotFittedError, TrainingDiverged, ViewcastError, WorkerDied
from .features import Period, make_windows
from .backtest import backtest_periods, run_backtest, save_backtest
from .classify import run_classification
from .critical import diagnose_run
from .optimizers import OptimizersConfig, run_optimizers, save_optimizers
from .forecast import ForecastConfig, run_forecast, save_forecast
from .lecture import LectureConfig, LectureRun, lecture_training, load_lecture, run_lecture, save_lecture
from .forecaster import Forecaster
from .models import parse_spec
from .runs import load_run, save_run, train_run
from .sweep import SweepConfig, SweepRun, run_sweep, save_sweep

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
