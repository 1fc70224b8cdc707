"""The protocol every trained experiment of the lecture run follows, and the one call that runs them.

An experiment says what it trains as `parallel.Job`s (`jobs()`), and turns what those jobs
returned, in their order, into its results (`results(fitted)`). `run_experiments` trains the
jobs of all of them in one `parallel.run_jobs` call, so one progress bar covers the run and
the worker processes stay busy until the last job, then hands each experiment its own returns.
"""

from __future__ import annotations

from typing import Protocol

from ..engine.parallel import Job, run_jobs, usable_workers


class Experiment(Protocol):
    def jobs(self) -> list[Job]:
        """The stacks to train, as jobs; called once."""

    def results(self, fitted: list) -> object:
        """The experiment's results from what its jobs returned, in the order of `jobs()`."""


def run_experiments(experiments: dict[str, Experiment], workers: int | None = 1, device: str = "cpu",
                    progress: bool = False, desc: str = "lecture") -> dict[str, object]:
    """Each experiment's `results`, by name, after training every experiment's jobs together."""
    planned = {name: experiment.jobs() for name, experiment in experiments.items()}
    every = [job for jobs in planned.values() for job in jobs]
    workers = usable_workers(workers, len(every), device, cost=sum(job.cost for job in every))
    fitted = iter(run_jobs(every, workers, progress, desc=desc))
    return {name: experiments[name].results([next(fitted) for _ in jobs]) for name, jobs in planned.items()}
