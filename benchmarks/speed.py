"""How fast viewcast trains the lecture's models on this CPU, beside the usual ways (issue 5).

    make bench                                     # installs scikit-learn, then runs this
    .venv/bin/python benchmarks/speed.py [--repeats 3] [--epochs 10]

Every row trains the same 56-100-100-100-1 ReLU network (the lecture's deep model
on 56 days) on the same data (wiki-r, 56-day windows with targets in 2011-2014,
scaled), with Adam (η = 0.001) on the MSE, batches of 32, for the same epochs:

    tutorial      the PyTorch tutorial loop: DataLoader, nn.Sequential, one model at a time
    scikit-learn  MLPRegressor with the same layers, batch size, optimizer and epochs
    viewcast      `optimize.train_stack`: one model, then stacks of K = 8 and 64 models
    workers       the stack of 64 split between one-thread worker processes (`parallel`,
                  the path of `viewcast sweep` and `viewcast lecture`)
    full batch    one update per epoch (a different algorithm), for a stack and a large model

It prints, per row: model-epochs per second, the median over `--repeats` (the rows
take turns, so a slow moment of the machine hits them all, and each timed run follows
one untimed epoch of the same row); the ratio to the tutorial loop's fastest repeat
(its speed with two threads varies from run to run by up to 30%: its best run is the
conservative reference); the arithmetic rate (GFLOP/s: the multiply-adds of the
forward and backward matrix products, ×2) as a fraction of this machine's
matrix-multiply peak (measured here: the best of ten 2048² float32 products on every
core); and the final training MSE of the models (scaled units), so that a fast run
that does not learn shows.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
import warnings

import numpy as np
import torch

import viewcast as vc
from viewcast.core.features import Period, Scaler, make_windows
from viewcast.core.models import StackedMLP, parse_spec
from viewcast.core.optimize import train_stack
from viewcast.engine import cpu
from viewcast.engine.parallel import Job, run_jobs

SPEC, N_LAGS, LR, BATCH = "relu:100x3", 56, 1e-3, 32
TRAIN = Period.of("2011-01-01", "2014-12-31")


def data() -> tuple[torch.Tensor, torch.Tensor]:
    """The scaled training windows, (N, 56) and (N,)."""
    windows = make_windows(vc.load_dataset("wiki-r"), N_LAGS).select(TRAIN)[0]
    scaler = Scaler.fit(windows.y, "standard")
    as_tensor = lambda a: torch.tensor(scaler.transform(a), dtype=torch.float32)  # noqa: E731
    return as_tensor(windows.X), as_tensor(windows.y)


def flops_per_model_epoch(spec: str, n_examples: int) -> float:
    """2 × the multiply-adds of one epoch's matrix products: forward (x W), the weights'
    gradients, and the inputs' gradients of every layer but the first (x needs none)."""
    sizes = parse_spec(spec).layer_sizes(N_LAGS)
    layers = [a * b for a, b in zip(sizes[:-1], sizes[1:])]
    return 2 * n_examples * (2 * sum(layers) + sum(layers[1:]))


def matmul_peak() -> float:
    """GFLOP/s of a large float32 matrix product on every core, the best of 10: the most
    this CPU gives (a peak, so the best run, not the median)."""
    torch.set_num_threads(cpu.n_cores())
    n = 2048
    A, B = torch.randn(n, n), torch.randn(n, n)
    A @ B
    times = []
    for _ in range(10):
        started = time.perf_counter()
        A @ B
        times.append(time.perf_counter() - started)
    return 2 * n**3 / min(times) / 1e9


# -- the rows: each returns (model-epochs, seconds, final training MSE per model) ----------


def tutorial(X, y, epochs, seed):
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset

    torch.manual_seed(seed)
    sizes = parse_spec(SPEC).layer_sizes(N_LAGS)
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(n_in, n_out), nn.ReLU()]
    net = nn.Sequential(*layers[:-1])
    optimizer = torch.optim.Adam(net.parameters(), lr=LR)
    loader = DataLoader(TensorDataset(X, y[:, None]), batch_size=BATCH, shuffle=True)
    loss_fn = nn.MSELoss()
    started = time.perf_counter()
    for _ in range(epochs):
        for X_batch, y_batch in loader:
            optimizer.zero_grad()
            loss = loss_fn(net(X_batch), y_batch)
            loss.backward()
            optimizer.step()
    seconds = time.perf_counter() - started
    with torch.no_grad():
        return epochs, seconds, [loss_fn(net(X), y[:, None]).item()]


def scikit_learn(X, y, epochs, seed):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPRegressor

    sizes = parse_spec(SPEC).layer_sizes(N_LAGS)[1:-1]
    net = MLPRegressor(
        hidden_layer_sizes=sizes, activation="relu", solver="adam", learning_rate_init=LR, batch_size=BATCH,
        max_iter=epochs, alpha=0.0, tol=0.0, n_iter_no_change=epochs + 1, shuffle=True, random_state=seed,
    )
    X_np, y_np = X.numpy().astype(np.float64), y.numpy().astype(np.float64)
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        net.fit(X_np, y_np)
    seconds = time.perf_counter() - started
    return epochs, seconds, [float(np.mean((net.predict(X_np) - y_np) ** 2))]


def viewcast(X, y, epochs, seed, n_models=1, batch_size=BATCH, spec=SPEC, on_epoch=None):
    config = vc.TrainConfig(loss="mse", optimizer="adam", lr=LR, n_epochs=epochs, batch_size=batch_size)
    seeds = list(range(seed * 1000, seed * 1000 + n_models))
    model = StackedMLP(parse_spec(spec), N_LAGS, seeds)
    started = time.perf_counter()
    train_stack(model, X, y, config, seeds, on_epoch=None if on_epoch is None else lambda e, *_: on_epoch(e))
    seconds = time.perf_counter() - started
    with torch.no_grad():
        final = ((model(X) - y) ** 2).mean(dim=1)
    return n_models * epochs, seconds, final.tolist()


def worker_part(n_models, epochs, seed, on_epoch):
    """A part of the stack, trained in a worker process (loads its own copy of the data).

    One untimed epoch first: a fresh process's first epoch is several times slower
    than the next ones (measured), a cost the in-process rows pay in their first repeat only.
    """
    X, y = data()
    viewcast(X, y, 1, seed, n_models=n_models)
    return viewcast(X, y, epochs, seed, n_models=n_models, on_epoch=on_epoch)


def workers(X, y, epochs, seed, n_models=64):
    """The stack split between one-thread workers; the time is the slowest worker's own
    training time (starting the workers, once per sweep, is timed apart)."""
    n_workers = cpu.n_cores()
    parts = [n_models // n_workers + (i < n_models % n_workers) for i in range(n_workers)]
    jobs = [Job(worker_part, (k, epochs, seed * 10 + i), k * epochs, epochs) for i, k in enumerate(parts)]
    results = run_jobs(jobs, workers=n_workers)
    return n_models * epochs, max(r[1] for r in results), [loss for r in results for loss in r[2]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="Times each row is run (the median is shown).")
    parser.add_argument("--epochs", type=int, default=10, help="Epochs of every mini-batch row.")
    args = parser.parse_args()
    cpu.keep_freed_memory()  # as `viewcast` and its workers do
    X, y = data()
    E = args.epochs
    rows = {
        "tutorial loop, 1 model": lambda seed, e=E: tutorial(X, y, e, seed),
        "scikit-learn MLPRegressor, 1 model": lambda seed, e=E: scikit_learn(X, y, e, seed),
        "viewcast, 1 model": lambda seed, e=E: viewcast(X, y, e, seed),
        "viewcast, stack of 8": lambda seed, e=E: viewcast(X, y, e, seed, n_models=8),
        "viewcast, stack of 64": lambda seed, e=E: viewcast(X, y, e, seed, n_models=64),
        f"viewcast, 64 in {cpu.n_cores()} workers": lambda seed, e=E: workers(X, y, e, seed),
        "full batch, stack of 64": lambda seed, e=E: viewcast(X, y, 10 * e, seed, n_models=64, batch_size=0),
        "full batch, 1 model 56-1000x3": lambda seed, e=E: viewcast(X, y, e // 2 or 1, seed, batch_size=0, spec="relu:1000x3"),
    }
    flops = {name: flops_per_model_epoch("relu:1000x3" if "1000x3" in name else SPEC, len(y)) for name in rows}

    started = time.perf_counter()
    run_jobs([Job(worker_part, (1, 1, 0), 1, 1)] * cpu.n_cores(), workers=cpu.n_cores())
    start_up = time.perf_counter() - started
    peak = matmul_peak()
    speeds, losses = {name: [] for name in rows}, {name: [] for name in rows}
    for repeat in range(args.repeats):
        for name, row in rows.items():
            threads = torch.get_num_threads()
            if "workers" not in name:  # (the workers warm up themselves)
                row(repeat, 1)  # one untimed epoch first: the last row's thread pools may still spin
            model_epochs, seconds, final = row(repeat)
            torch.set_num_threads(threads)
            speeds[name].append(model_epochs / seconds)
            losses[name] += final

    names = (line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    cpu_name = next(names, platform.processor())
    python = f"{platform.python_implementation()} {platform.python_version()}"
    print(f"machine: {cpu_name}, {cpu.n_cores()} cores; PyTorch {torch.__version__}, {python}")
    print(f"model {SPEC} on {N_LAGS} days ({len(y):,} examples), Adam η = {LR}, MSE, batch {BATCH}, "
          f"{E} epochs ({10 * E} full-batch); median of {args.repeats} repeats")
    print(f"matmul peak: {peak:.0f} GFLOP/s (2048² float32, {cpu.n_cores()} threads, best of 10); "
          f"starting {cpu.n_cores()} workers: {start_up:.1f} s, once per sweep")
    print()
    tutorial_speeds = speeds["tutorial loop, 1 model"]
    tutorial_speed = max(tutorial_speeds)  # the conservative reference: its best run
    print(f"the tutorial loop ran at {min(tutorial_speeds):.1f} to {max(tutorial_speeds):.1f} model-epochs/s over the repeats; "
          "the ratios are to its fastest run")
    print()
    print(f"{'':<36} {'model-epochs/s':>14} {'vs tutorial':>11} {'GFLOP/s':>8} {'of peak':>8} {'final MSE':>10}")
    for name in rows:
        speed = statistics.median(speeds[name])
        gflops = speed * flops[name] / 1e9
        print(f"{name:<36} {speed:>14.1f} {speed / tutorial_speed:>10.1f}× {gflops:>8.1f} {gflops / peak:>8.0%} "
              f"{statistics.median(losses[name]):>10.3f}")


if __name__ == "__main__":
    os.environ.setdefault("TQDM_DISABLE", "1")
    main()
