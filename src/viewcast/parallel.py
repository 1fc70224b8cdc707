"""Many trainings at once: one worker process per core, each with one thread.

A sweep (or the lecture's tables) trains dozens of small stacks. One stack at a
time cannot keep two cores busy: a small model's matrix products are too small to
split between threads. Two processes of one thread each, each training its own
stacks, keep both busy (`benchmarks/speed.py` measures it). The standard library's
`ProcessPoolExecutor` runs them; this module adds what training needs: the largest
jobs first (so no core waits alone at the end), one progress bar over all of them
fed by every worker's epochs, and the results in the order of the jobs.
"""

from __future__ import annotations

import math
import multiprocessing
import pickle
import queue as queues
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait
from dataclasses import dataclass

from tqdm.auto import tqdm

from . import cpu
from .config import TrainConfig
from .models import parse_spec


@dataclass
class Job:
    """`function(*args, on_epoch=...)` to run; `cost` (any unit) for scheduling and the bar.

    `function` must be importable by name (a module-level function), and it calls
    `on_epoch(epoch)` after each of its `n_epochs` epochs.
    """

    function: Callable
    args: tuple
    cost: float
    n_epochs: int
    label: str = ""


def training_cost(spec: str, n_lags: int, n_examples: int, train: TrainConfig) -> float:
    """A rough relative cost of training a stack, for the order of the jobs and the progress
    bar's time left: updates × (per-update overhead + arithmetic)."""
    batch = n_examples if train.batch_size == 0 else min(train.batch_size, n_examples)
    model = parse_spec(spec)
    per_update = 2 + model.n_layers + train.n_seeds * model.n_parameters(n_lags) * batch / 1.5e6
    return train.n_epochs * math.ceil(n_examples / batch) * per_update


def default_workers(n_jobs: int) -> int:
    """One worker per core, never more than the jobs."""
    return max(1, min(cpu.n_cores(), n_jobs))


def run_jobs(jobs: list[Job], workers: int | None = None, progress: bool = False, desc: str = "training") -> list:
    """Run every job and return their results in the jobs' order.

    `workers` processes (default: one per core); with 1, or a single job, everything runs
    here, in this process. The first error raised by a job stops the others and is raised.
    """
    workers = default_workers(len(jobs)) if workers is None else max(1, min(workers, len(jobs)))
    bar_format = "{desc} {percentage:3.0f}%|{bar}| {elapsed} elapsed, {remaining} left {postfix}"
    with tqdm(total=sum(job.cost for job in jobs), desc=desc, bar_format=bar_format,
              disable=None if progress else True) as bar:
        if workers == 1:
            return [_run_here(job, bar) for job in jobs]
        return _run_in_workers(jobs, workers, bar)


def _run_here(job: Job, bar) -> object:
    bar.set_postfix_str(job.label)
    step = job.cost / job.n_epochs
    return job.function(*job.args, on_epoch=lambda epoch: bar.update(step))


def _run_in_workers(jobs: list[Job], workers: int, bar) -> list:
    context = multiprocessing.get_context("spawn")  # fork is unsafe once PyTorch's threads have started
    ticks = context.Queue()
    order = sorted(range(len(jobs)), key=lambda i: -jobs[i].cost)  # the largest first
    results: list = [None] * len(jobs)
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(ticks,)) as pool:
        futures = {pool.submit(_work, i, jobs[i].function, jobs[i].args): i for i in order}
        pending = set(futures)
        try:
            while pending:
                _show_ticks(ticks, jobs, bar)
                done, pending = wait(pending, timeout=0.2, return_when=FIRST_EXCEPTION)
                for future in done:
                    results[futures[future]] = pickle.loads(future.result())  # raises the job's error
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        _show_ticks(ticks, jobs, bar)
    return results


def _show_ticks(ticks, jobs: list[Job], bar) -> None:
    while True:
        try:
            index = ticks.get_nowait()
        except queues.Empty:
            return
        bar.set_postfix_str(jobs[index].label, refresh=False)
        bar.update(jobs[index].cost / jobs[index].n_epochs)


_ticks = None


def _start_worker(ticks) -> None:
    global _ticks
    _ticks = ticks
    cpu.limit_threads(1)
    cpu.keep_freed_memory()


def _work(index: int, function: Callable, args: tuple) -> bytes:
    result = function(*args, on_epoch=lambda epoch: _ticks.put(index))
    return pickle.dumps(result)  # plain bytes: no shared-memory handles cross the process boundary
