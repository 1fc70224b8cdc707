"""Many trainings at once: one worker process per core, each with one thread.

A sweep (or the lecture's tables) trains dozens of small stacks. One stack at a
time cannot keep two cores busy: a small model's matrix products are too small to
split between threads. Two processes of one thread each, each training its own
stacks, keep both busy (`benchmarks/speed.py` measures it). The standard library's
`ProcessPoolExecutor` runs them; this module adds what training needs: the largest
jobs first (so no core waits alone at the end), one progress bar over all of them
fed by every worker's epochs, the results in the order of the jobs, and a stop of
every worker at once on the first error or Ctrl-C.

The same work runs on a Dask cluster instead (`use_engine("dask")`, or a scheduler's address):
`run_jobs` and `map_unordered` send it there, through `cluster.py`, and everything else is the
same. The choice is made in this one place, for every command that trains in parallel.

Starting the workers costs time too (each imports PyTorch; about 5 s for two, measured by
`benchmarks/pool_start.py`): asked for "as many as pay" (`workers=None`, the default of
`lecture`, `forecast`, `backtest` and `optimizers`), work that one core does in less than
about twice that start-up runs in this process.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from tqdm.auto import tqdm

from ..errors import ConfigError, WorkerDied
from . import cpu

ENGINES = ("local", "dask")

COST_PER_SECOND = 4000  # a job's cost units in a second of one core (`core.optimize.training_cost`'s; 2.3-2.6e-4 s a unit here)
POOL_START_SECONDS = 5.0  # starting two workers, and stopping them (`benchmarks/pool_start.py`: 4.7-5.7 s here)


@dataclass
class Job:
    """`function(*args, on_epoch=...)` to run; `cost` (about `COST_PER_SECOND` a second) for
    scheduling, the bar, and whether workers pay for their start.

    `function` must be importable by name (a module-level function), and it calls
    `on_epoch(epoch)` after each of its `n_epochs` epochs.
    """

    function: Callable
    args: tuple
    cost: float
    n_epochs: int
    label: str = ""


def usable_workers(wanted: int | None, n_jobs: int, device: str = "cpu", cost: float | None = None) -> int:
    """How many worker processes `run_jobs` will use for `n_jobs` jobs: `wanted`, but never
    more than the jobs, and 1 (this process) on a GPU, or where workers cannot start because
    there is no main script to import (code piped to `python -`). `wanted=None`: one per
    core, unless the jobs' total `cost` is too small to pay for starting them (`pays_for_workers`).

    >>> usable_workers(None, 10, cost=COST_PER_SECOND)       # a second of work: here
    1
    >>> usable_workers(2, 10, cost=COST_PER_SECOND)          # asked for: as asked
    2
    """
    if cpu.resolve_device(device).type == "cuda":
        return 1
    if wanted is None:
        wanted = cpu.n_cores() if cost is None or pays_for_workers(cost, cpu.n_cores()) else 1
    workers = max(1, min(wanted, n_jobs))
    if workers > 1 and not _main_is_importable():
        warnings.warn("worker processes need the main script as a file; training in this process instead", RuntimeWarning, stacklevel=3)
        return 1
    return workers


def pays_for_workers(cost: float, workers: int) -> bool:
    """Whether `workers` processes finish `cost` of work sooner than this one alone, counting their
    start: cost/workers + start < cost, in seconds.

    >>> pays_for_workers(20 * COST_PER_SECOND, 2), pays_for_workers(5 * COST_PER_SECOND, 2)
    (True, False)
    """
    seconds = cost / COST_PER_SECOND
    return workers > 1 and seconds * (1 - 1 / workers) > POOL_START_SECONDS


def run_jobs(jobs: list[Job], workers: int | None = 1, progress: bool = False, desc: str = "training") -> list:
    """Run every job and return their results in the jobs' order.

    With `workers` > 1 (see `usable_workers`; None: as many as pay), in that many worker
    processes of one thread each; else here, in this process. The first error raised by a job stops the others at
    once and is raised; a worker that dies (killed, out of memory) raises `WorkerDied`.

    Worker processes start by importing the main module again (Python's `spawn`), so a
    script that asks for workers must make its calls under `if __name__ == "__main__":`.
    """
    if workers is None and _kept and len(jobs) > 1:  # started already: no start to pay for
        workers = _kept["workers"]
    cluster = _on_cluster()
    if cluster is None:
        workers = usable_workers(workers, len(jobs), cost=sum(job.cost for job in jobs))
    bar_format = "{desc} {percentage:3.0f}%|{bar}| {elapsed} elapsed, {remaining} left {postfix}"
    with tqdm(total=sum(job.cost for job in jobs), desc=desc, bar_format=bar_format,
              disable=None if progress else True) as bar:
        if cluster is not None:
            return _run_on_cluster(cluster, jobs, bar)
        if workers == 1:
            return [_run_here(job, bar) for job in jobs]
        return _run_in_workers(jobs, workers, bar)


# -- the engine: this machine's processes, or a Dask cluster -------------------------------

_dask: dict | None = None  # within `use_engine` on Dask: {"scheduler", "workers"}, and "cluster" once started


@contextlib.contextmanager
def use_engine(engine: str = "local", scheduler: str | None = None, workers: int | None = None):
    """Within it, `run_jobs` and `map_unordered` run on `engine`: "local", this machine's worker
    processes; "dask", a Dask distributed cluster: the scheduler at `scheduler`
    ("tcp://HOST:PORT"), else a local cluster of `workers` processes (default: one per core),
    reached or started when the first work is sent, and closed at the end. A `scheduler` means Dask.

    >>> with use_engine("local"):
    ...     sorted(map_unordered(abs, [-2, 1], workers=1))
    [(0, 2), (1, 1)]
    """
    if engine not in ENGINES:
        raise ConfigError(f"--engine must be one of {', '.join(ENGINES)}; got {engine!r}")
    global _dask
    if (engine == "local" and scheduler is None) or _dask is not None:  # (within one already: that one)
        yield
        return
    _dask = {"scheduler": scheduler, "workers": workers or cpu.n_cores()}
    try:
        yield
    finally:
        if "cluster" in _dask:
            _dask["cluster"].close()
        _dask = None


def _on_cluster():
    """The Dask cluster of `use_engine`, connected (or started) on the first work sent to it, so
    that a command stopped earlier (a bad file) never waits for one; None on this machine."""
    if _dask is None:
        return None
    if "cluster" not in _dask:
        from . import cluster  # (Dask is an optional extra: imported only when asked for)

        _dask["cluster"] = cluster.Cluster(_dask["scheduler"], _dask["workers"])
    return _dask["cluster"]


def engine_summary() -> str:
    """Where parallel work runs now, in words (without starting a cluster to say it)."""
    if _dask is None:
        return f"this machine ({cpu.n_cores()} cores)"
    if "cluster" in _dask:
        return _dask["cluster"].describe()
    return f"the Dask cluster at {_dask['scheduler']}" if _dask["scheduler"] else "a local Dask cluster (no work was sent to it)"


def map_unordered(function: Callable, items: list, workers: int | None = None) -> Iterator[tuple[int, object]]:
    """`function(item)` for every item, yielded as `(index, result)` in the order they finish:
    on the Dask cluster of `use_engine`, else in `workers` processes of this machine (None: one
    per core), else here. `function` is a module-level function of plain inputs, so it runs
    the same anywhere. A few items per worker are in flight at a time: memory stays flat in
    the number of items. Closing the iterator early (an error, Ctrl-C) stops the work not done.
    """
    cluster = _on_cluster()
    if cluster is not None:
        yield from cluster.map_unordered(function, items)
        return
    workers = usable_workers(cpu.n_cores() if workers is None else workers, len(items))
    if workers == 1:
        for i, item in enumerate(items):
            yield i, function(item)
        return
    pool = _new_pool(workers, _context().RawArray("i", 1))
    try:
        yield from _stream(pool, function, items, 2 * workers)
    except BrokenProcessPool:
        _stop(pool)
        raise WorkerDied("a worker process stopped unexpectedly (killed, or out of memory?); run again, "
                         "with --workers 1 to work in one process") from None
    except BaseException:  # an error, Ctrl-C, or the caller closing the iterator
        _stop(pool)
        raise
    pool.shutdown(wait=True)


def _stream(pool: ProcessPoolExecutor, function: Callable, items: list, in_flight: int) -> Iterator[tuple[int, object]]:
    waiting = iter(enumerate(items))
    pending: dict = {}
    while True:
        for i, item in itertools.islice(waiting, in_flight - len(pending)):
            pending[pool.submit(_apply, function, pickle.dumps(item))] = i
        if not pending:
            return
        done, _ = wait(pending, return_when=FIRST_COMPLETED)
        for future in done:
            yield pending.pop(future), pickle.loads(future.result())


def _apply(function: Callable, item: bytes) -> bytes:
    """`function(item)` in a worker, plain bytes both ways: PyTorch's tensors cross as bytes, not
    as shared-memory handles (as `_work`'s results)."""
    return pickle.dumps(function(pickle.loads(item)))


def _run_on_cluster(cluster, jobs: list[Job], bar) -> list:
    """The jobs on the Dask cluster, the largest first; the bar moves as each one ends."""
    order = sorted(range(len(jobs)), key=lambda i: -jobs[i].cost)
    results: list = [None] * len(jobs)
    for position, result in cluster.map_unordered(run_job, [jobs[i] for i in order]):
        results[order[position]] = result
        bar.set_postfix_str(jobs[order[position]].label, refresh=False)
        bar.update(jobs[order[position]].cost)
    return results


def run_job(job: Job) -> object:
    """One job on one thread, its epochs untold (a cluster's worker: the bar moves per job)."""
    with cpu.one_thread():
        return job.function(*job.args, on_epoch=lambda epoch: None)


def _main_is_importable() -> bool:
    main_file = getattr(sys.modules.get("__main__"), "__file__", None)
    return main_file is None or os.path.exists(main_file)


def _run_here(job: Job, bar) -> object:
    bar.set_postfix_str(job.label)
    step = job.cost / job.n_epochs
    return job.function(*job.args, on_epoch=lambda epoch: bar.update(step))


def _run_in_workers(jobs: list[Job], workers: int, bar) -> list:
    if _kept is not None and len(jobs) <= KEPT_SLOTS:  # within `keep_workers`: start them once, keep them
        if _kept.get("workers", 0) < workers:  # none yet, or fewer than asked for now
            _end_kept()
            _kept.update(workers=workers, epochs_done=_context().RawArray("i", KEPT_SLOTS))
            _kept["pool"] = _new_pool(workers, _kept["epochs_done"])
        try:
            return _run_on(_kept["pool"], jobs, _kept["epochs_done"], bar)
        except BaseException:
            _kept.clear()  # stopped by `_run_on`: the next batch starts new ones
            raise
    epochs_done = _context().RawArray("i", len(jobs))  # per job, written only by the worker running it
    with _new_pool(workers, epochs_done) as pool:
        return _run_on(pool, jobs, epochs_done, bar)


def _context():
    return multiprocessing.get_context("spawn")  # fork is unsafe once PyTorch's threads have started


def _new_pool(workers: int, epochs_done) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(workers, mp_context=_context(), initializer=_start_worker, initargs=(epochs_done, os.getpid()))


def _run_on(pool: ProcessPoolExecutor, jobs: list[Job], epochs_done, bar) -> list:
    """The jobs on `pool`, the largest first; each job's epochs in `epochs_done` at its index."""
    epochs_done[: len(jobs)] = [0] * len(jobs)  # (a kept pool's, from its last batch)
    shown = [0] * len(jobs)
    order = sorted(range(len(jobs)), key=lambda i: -jobs[i].cost)  # the largest first
    results: list = [None] * len(jobs)
    futures = {pool.submit(_work, i, jobs[i].function, jobs[i].args): i for i in order}
    try:
        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
            _show_progress(epochs_done, shown, jobs, bar)
            for future in done:
                results[futures[future]] = pickle.loads(future.result())  # raises the job's error, if any
    except BrokenProcessPool:
        _stop(pool)
        raise WorkerDied(
            "a worker process stopped unexpectedly (killed, or out of memory?); "
            "nothing was saved: run again, with --workers 1 to train in one process"
        ) from None
    except BaseException:  # a job's error, or Ctrl-C: stop every worker at once
        _stop(pool)
        raise
    return results


KEPT_SLOTS = 4096  # the most jobs of one batch on kept workers (a larger batch gets workers of its own)
_kept: dict | None = None  # within `keep_workers`: {"workers": n, "epochs_done": ..., "pool": ...} once started


@contextlib.contextmanager
def keep_workers():
    """Within it, the worker processes that `run_jobs` starts stay up for its next batches, and
    end with it: a command that trains in several batches (`forecast`: validation, then the
    calendar's and the direct variants, the training windows, the pick) starts them once, not
    once a batch (~5 s each). Batches that do not pay for starting them still run here until
    one does; once started, they serve every batch of two jobs or more."""
    global _kept
    if _kept is not None:  # already within one
        yield
        return
    _kept = {}
    try:
        yield
    finally:
        _end_kept()
        _kept = None


def _end_kept() -> None:
    if _kept and _kept.get("pool") is not None:
        _kept.pop("pool").shutdown(wait=True)
    if _kept:
        _kept.clear()


def _stop(pool: ProcessPoolExecutor) -> None:
    """Cancel the jobs not started and end the running ones now, not when they finish."""
    processes = list((getattr(pool, "_processes", None) or {}).values())  # no public way before Python 3.14
    pool.shutdown(wait=False, cancel_futures=True)  # (which forgets the processes)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=2)  # gone before the parent ends: nothing left running, nothing leaked


def _show_progress(epochs_done, shown: list[int], jobs: list[Job], bar) -> None:
    """Move the bar by the epochs the workers finished since the last look."""
    for i, job in enumerate(jobs):
        new = epochs_done[i] - shown[i]
        if new > 0:
            shown[i] += new
            bar.set_postfix_str(job.label, refresh=False)
            bar.update(new * job.cost / job.n_epochs)


_epochs_done = None


def _start_worker(epochs_done, parent: int) -> None:
    global _epochs_done
    _epochs_done = epochs_done
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops the workers
    threading.Thread(target=_end_with_parent, args=(parent,), daemon=True).start()
    # a worker draws no bars: tqdm's lock can be a thread lock, not the semaphore it would make,
    # which a worker ended by `_stop` could not give back (the "leaked semaphore objects" warning)
    tqdm.set_lock(threading.RLock())
    cpu.limit_threads(1)
    cpu.keep_freed_memory()


def _end_with_parent(parent: int, every_s: float = 0.2) -> None:
    """End this worker as soon as its parent is gone, however it ended (SIGKILL included):
    an orphan would train on for nobody. (The parent's own stop terminates it sooner.)"""
    while os.getppid() == parent:
        time.sleep(every_s)
    os._exit(1)


def _work(index: int, function: Callable, args: tuple) -> bytes:
    def on_epoch(epoch: int) -> None:
        _epochs_done[index] = epoch

    result = function(*args, on_epoch=on_epoch)
    return pickle.dumps(result)  # plain bytes: no shared-memory handles cross the process boundary
