"""Many series at once: `forecast` and `backtest` for every series of a long table (`--by`).

Each series gets the whole procedure of one (`forecast.run_forecast`, `backtest.run_backtest`),
with the same settings for every series, as one task: a plain function of plain inputs
(`run_task`), which `engine.parallel.map_unordered` runs on this machine's cores or on a Dask
cluster, streaming the results back as they finish. A task trains on one thread, so a series
gets the same numbers whichever engine ran it (the parallelism is across series).

A series that cannot be done is never dropped silently: too short for the settings (or any
error a user can fix) it is `skipped`, with the reason; an unexpected error marks it `failed`,
with the error; either way the others go on. Ctrl-C keeps the series already done.
"""

from __future__ import annotations

import dataclasses
import time
import traceback
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from ..core.long import Collection
from ..engine import cpu
from ..engine.parallel import engine_summary, map_unordered
from ..errors import ViewcastError
from .backtest import backtest_periods, run_backtest
from .forecast import run_forecast
from .pooled import global_candidates
from .settings import ForecastConfig, config_summary
from .validation import validation_frame

FORECAST_COLUMNS = ("series", "date", "forecast", "low", "high")
SCORE_COLUMNS = ("series", "method", "horizon", "days", "mae", "rmse", "mape", "mase", "mase_naive", "coverage")
VIEWCAST = "viewcast"


@dataclass(frozen=True)
class Task:
    """One series' work: `kind` "forecast" or "backtest" with its `options` (the dates of
    `run_forecast` or `backtest_periods`, and `classical` for a backtest)."""

    name: str
    series: pd.Series
    kind: str
    config: ForecastConfig
    options: dict = field(default_factory=dict)
    extra: tuple = ()  # candidates fitted already: the global network (`pooled`)


def run_task(task: Task) -> dict:
    """Run one series' forecast or backtest on one thread, in this process: a row for the
    series table (`status` ok, skipped or failed, with the `error`) and the `rows` of its
    forecast or its scores, each with the series' name."""
    started = time.perf_counter()
    done = {"series": task.name, "days": len(task.series), "first": str(task.series.index[0].date()),
            "last": str(task.series.index[-1].date()), "status": "ok", "picked": "", "error": "", "rows": [], "validation": []}
    try:
        with cpu.one_thread():
            done |= _forecast(task) if task.kind == "forecast" else _backtest(task)
    except ViewcastError as err:
        done |= {"status": "skipped", "error": str(err)}
    except Exception as err:  # noqa: BLE001 (one series' bug must not stop the others: it is reported with it)
        where = traceback.extract_tb(err.__traceback__)[-1]
        done |= {"status": "failed", "error": f"{type(err).__name__}: {err} ({where.filename.rsplit('/', 1)[-1]}:{where.lineno})"}
    return done | {"seconds": round(time.perf_counter() - started, 2)}


def _forecast(task: Task) -> dict:
    run = run_forecast(task.series, task.config, **task.options, extra=task.extra)
    frame = run.forecast.assign(series=task.name)[list(FORECAST_COLUMNS)].astype({"date": str})
    return {"picked": run.summary["picked"], "rows": frame.to_dict("records"), "validation": _validation(task.name, run.selection)}


def _backtest(task: Task) -> dict:
    options = dict(task.options)
    with_classical = options.pop("classical", True)
    history, test = backtest_periods(task.series, **options)
    run = run_backtest(task.series, task.config, history, test, with_classical=with_classical, extra=task.extra)
    pick = run.scores[0]["method"]  # "viewcast (<its label>)": the label goes in the series table
    rows = [{"series": task.name} | score | {"method": VIEWCAST if score["method"] == pick else score["method"]}
            for score in run.scores]
    return {"picked": run.summary["picked"], "rows": rows, "validation": _validation(task.name, run.selection)}


def _validation(name: str, selection) -> list[dict]:
    """The series' validation table (`validation.validation_frame`), each row with its name and rank."""
    frame = validation_frame(selection)
    return frame.assign(series=name, rank=range(1, len(frame) + 1))[["series", "rank", *frame.columns]].to_dict("records")


@dataclass
class ManyRun:
    """What `forecast --by` and `backtest --by` show and write: one row a series (`series`), the
    forecasts or scores of all of them in one long table (`table`), and the `summary`."""

    kind: str
    summary: dict
    series: pd.DataFrame
    table: pd.DataFrame
    validation: pd.DataFrame = field(default_factory=pd.DataFrame)
    stopped_by: str = ""  # what stopped the work before every series was done: "" (nothing), Ctrl-C, or the engine's error


def run_many(collection: Collection, kind: str, config: ForecastConfig, options: dict | None = None,
             progress: bool = False) -> ManyRun:
    """`kind` ("forecast" or "backtest") for every series of `collection`, in parallel on the
    engine of `engine.parallel.use_engine` (default: this machine's cores, `config.workers`). With
    `config.global_model`, the global network is trained first (`pooled`), a candidate of each.
    Ctrl-C, or a failure of the engine (a worker killed, a cluster gone), ends it early with the
    series done so far (`stopped_by` says what stopped it)."""
    started = time.perf_counter()
    options = options or {}
    pooled = global_candidates(collection.series, kind, config, options, progress) if config.global_model else {}
    one = dataclasses.replace(config, workers=1)  # the parallelism is across series
    tasks = [Task(name, series, kind, one, options, (pooled[name],) if name in pooled else ())
             for name, series in collection.series.items()]
    rows = [_unread(name, problem) for name, problem in collection.problems.items()]
    stopped_by = ""
    with tqdm(total=len(tasks), desc=f"{kind}s", unit="series", disable=None if progress else True) as bar:
        results = map_unordered(run_task, tasks, config.workers)
        try:
            for _, done in results:
                rows.append(done)
                bar.set_postfix_str(done["series"][:30], refresh=False)
                bar.update()
        except KeyboardInterrupt:
            stopped_by = "Ctrl-C"
        except Exception as err:  # noqa: BLE001 (the engine failed: a worker died, the cluster went away; keep what is done)
            stopped_by = f"{type(err).__name__}: {err}"
        finally:
            results.close()  # stops the work not done (after Ctrl-C, or an engine's error)
    table = pd.DataFrame([row for done in rows for row in done.pop("rows", [])],
                         columns=list(FORECAST_COLUMNS if kind == "forecast" else SCORE_COLUMNS))
    validation = pd.DataFrame([row for done in rows for row in done.pop("validation", [])])
    validation = validation if not validation.empty else pd.DataFrame(columns=["series", "rank", "label", "val_mae"])
    order = {name: i for i, name in enumerate([*collection.series, *collection.problems])}
    in_order = lambda frame: frame.sort_values("series", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
    series, table, validation = in_order(pd.DataFrame(rows, columns=list(SERIES_COLUMNS))), in_order(table), in_order(validation)
    if collection.titles:
        series.insert(1, "title", series["series"].map(collection.titles).fillna(""))
    summary = {
        "source": collection.label, "by": collection.by, "kind": kind, "series": len(collection),
        "done": int((series["status"] == "ok").sum()), "skipped": int((series["status"] == "skipped").sum()),
        "failed": int((series["status"] == "failed").sum()), "not_done": len(collection) - len(series),
        "engine": engine_summary(), "candidates": config_summary(config),
        "wall_time_s": round(time.perf_counter() - started, 2),
    }
    if kind == "backtest":
        summary["against"] = beaten(table)
    return ManyRun(kind, summary, series, table, validation, stopped_by)


SERIES_COLUMNS = ("series", "status", "days", "first", "last", "picked", "seconds", "error")


def _unread(name: str, problem: str) -> dict:
    return {"series": name, "status": "skipped", "days": 0, "first": "", "last": "", "picked": "", "error": problem,
            "seconds": 0.0, "rows": [], "validation": []}


def beaten(scores: pd.DataFrame) -> list[dict]:
    """For each method viewcast was compared with: on how many series viewcast's MAE (averaged
    over the horizons) was lower, and the mean and median of the ratio viewcast / method."""
    if scores.empty:
        return []
    mean_mae = scores.pivot_table(index="series", columns="method", values="mae", aggfunc="mean")
    out = []
    for method in [m for m in dict.fromkeys(scores["method"]) if m != VIEWCAST]:
        both = mean_mae[[VIEWCAST, method]].dropna()
        both = both[both[method] > 0]
        ratio = both[VIEWCAST] / both[method]
        out.append({"method": method, "series": len(both), "viewcast_lower": int((ratio < 1).sum()),
                    "mean_ratio": float(ratio.mean()) if len(ratio) else np.nan,
                    "median_ratio": float(ratio.median()) if len(ratio) else np.nan})
    return out
