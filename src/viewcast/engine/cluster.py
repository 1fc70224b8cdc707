"""Work on a Dask distributed cluster: a scheduler's address, or a local cluster started here.

`parallel.use_engine("dask", ...)` makes one; `parallel.run_jobs` and `parallel.map_unordered`
send their work to it. Dask does the scheduling (we write none): `Client.submit` sends a
module-level function and its plain inputs to a worker, `as_completed` streams the results
back in the order they finish. Every worker must have viewcast installed, the same version.

A cluster on other machines (see the README):

    dask scheduler                          # on one machine: prints tcp://HOST:8786
    dask worker tcp://HOST:8786 --nthreads 1 --nworkers 2    # on each machine, one per core
    viewcast forecast --by Content --data export.zip --scheduler tcp://HOST:8786
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterator

from ..errors import ConfigError
from . import cpu

CONNECT_TIMEOUT = "10s"
WORKER_CONFIG = {"distributed.worker.profile.enabled": False}
"""A local cluster's workers do not sample their tasks' stacks every 10 ms (Dask's profiler, which
costs training time); give a remote cluster's workers DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False."""


class Cluster:
    """A Dask client: on the scheduler at `scheduler`, else on a local cluster of `workers`
    processes of one thread each (`LocalCluster`), closed with it."""

    def __init__(self, scheduler: str | None, workers: int):
        try:
            import dask
            from distributed import Client, LocalCluster
        except ImportError:
            raise ConfigError("--engine dask needs Dask: pip install 'viewcast[dask]'") from None
        self.local = None
        try:
            if scheduler is None:
                with dask.config.set(WORKER_CONFIG):
                    self.local = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                              dashboard_address=None, silence_logs=logging.ERROR)
                self.client = Client(self.local)
            else:
                self.client = Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError, RuntimeError) as err:
            self.close()
            where = f"the Dask scheduler at {scheduler}" if scheduler else "a local Dask cluster"
            raise ConfigError(f"cannot reach {where} ({err}); start one with `dask scheduler` and "
                              "`dask worker ADDRESS`, or check the address") from None

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for part in (getattr(self, "client", None), self.local):
            if part is not None:
                part.close()

    @property
    def n_workers(self) -> int:
        return len(self.client.nthreads())  # (every worker: scheduler_info() lists 5 at most in some versions)

    def describe(self) -> str:
        where = "a local Dask cluster" if self.local is not None else f"the Dask cluster at {self.client.scheduler.address}"
        return f"{where} ({self.n_workers} workers)"

    def map_unordered(self, function: Callable, items: list) -> Iterator[tuple[int, object]]:
        """`(index, function(item))` as each finishes, two items per worker in flight at a time;
        the first error is raised, and the work not done is cancelled."""
        from distributed import as_completed

        waiting = iter(enumerate(items))
        index: dict[str, int] = {}

        def submit(i, item):
            future = self.client.submit(on_worker, function, item, pure=False)
            index[future.key] = i
            return future

        in_flight = lambda: 2 * max(1, self.n_workers)  # (workers may join while it runs)
        queue = as_completed([submit(i, item) for i, item in itertools.islice(waiting, in_flight())])
        try:
            for future in queue:
                result = future.result()  # raises the task's error
                i = index.pop(future.key)
                future.release()
                for i_next, item in itertools.islice(waiting, max(1, in_flight() - queue.count())):
                    queue.add(submit(i_next, item))
                yield i, result
        except BaseException:  # an error, Ctrl-C, or the caller closing the iterator: cancel the rest
            self.client.cancel(list(queue.futures))
            raise


def on_worker(function: Callable, item) -> object:
    """`function(item)` on a Dask worker, set up as `parallel`'s own workers are: freed memory kept
    for reuse (Dask's nanny starts its workers with glibc told to hand it back at once, which
    page-faults training's large temporaries in again)."""
    cpu.keep_freed_memory()
    return function(item)
