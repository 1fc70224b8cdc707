"""Step 3: optimization, θ* = argmin L, by gradient descent.

    pick θ⁰ at random;  repeat: g = ∇L(θ),  θ ← θ - η g

With mini-batches, the N examples are reshuffled every epoch and cut into batches
of B; each batch gives one update, so an epoch is ceil(N/B) updates (B = 0 means
the full batch: one update per epoch). The update rule comes from `torch.optim`
(`sgd`, `momentum`, `adagrad`, `rmsprop`, `adam`), the learning-rate schedule from
`torch.optim.lr_scheduler`, and g from autograd: the lesson here is the loop.

`train_stack` trains the K models of a `StackedMLP` at once. Each has its own seed,
its own shuffle order, its own learning rate if asked (`lrs`), and, with early
stopping, its own best epoch: model k ends where it would have ended if trained
alone (up to float rounding). What makes it fast on a CPU, measured by
`benchmarks/speed.py`: every parameter lives in one flat buffer updated by one
fused optimizer call, each epoch's batches are gathered at once, nothing waits for
a number mid-epoch, and the thread count suits the size of the update (`cpu`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch.optim import lr_scheduler

from ..engine import cpu
from ..errors import ConfigError, TrainingDiverged
from .config import TrainConfig
from .losses import LOSSES
from .models import StackedMLP, parse_spec

OPTIMIZERS = {  # on the CPU, fused: one kernel for the whole update (RMSprop has none)
    "sgd": lambda params, lr, fused: torch.optim.SGD(params, lr=lr, fused=fused),
    "momentum": lambda params, lr, fused: torch.optim.SGD(params, lr=lr, momentum=0.9, fused=fused),
    "adagrad": lambda params, lr, fused: torch.optim.Adagrad(params, lr=lr, fused=fused),
    "rmsprop": lambda params, lr, fused: torch.optim.RMSprop(params, lr=lr),
    "adam": lambda params, lr, fused: torch.optim.Adam(params, lr=lr, fused=fused),
}


def make_scheduler(optimizer, config: TrainConfig) -> lr_scheduler.LRScheduler:
    """The learning rate per epoch: optional linear warm-up, then constant, step or cosine decay.

    `step` divides the rate by 10 after each third of the epochs after warm-up;
    `cosine` anneals it to 0 over them.
    """
    n_decay = config.n_epochs - config.warmup_epochs
    if config.schedule == "step":
        main = lr_scheduler.StepLR(optimizer, step_size=max(1, n_decay // 3), gamma=0.1)
    elif config.schedule == "cosine":
        main = lr_scheduler.CosineAnnealingLR(optimizer, T_max=n_decay)
    else:
        main = lr_scheduler.LambdaLR(optimizer, lambda epoch: 1.0)
    if not config.warmup_epochs:
        return main
    warmup = lr_scheduler.LinearLR(
        optimizer, start_factor=1 / (config.warmup_epochs + 1), total_iters=config.warmup_epochs
    )
    return lr_scheduler.SequentialLR(optimizer, [warmup, main], milestones=[config.warmup_epochs])


@dataclass
class History:
    """Per-epoch losses, shape (n_epochs_run, K), in the units the model was trained in.

    `train` is the mean of the epoch's batch losses; `val` is measured after the
    epoch. Epochs after a model stopped early, or from the one it diverged in, are NaN.
    `best_epoch` (1-based) is the epoch whose weights each model ended with;
    `diverged_epoch` the epoch each model diverged in (0: it did not; only with
    `TrainConfig.skip_diverged`, else divergence stops training).
    """

    train: np.ndarray
    val: np.ndarray | None
    best_epoch: np.ndarray
    diverged_epoch: np.ndarray


class EarlyStopping:
    """Per-model early stopping on the validation loss, keeping each model's best weights."""

    def __init__(self, model: StackedMLP, patience: int):
        self.patience = patience
        self.best = torch.full((model.n_models,), float("inf"))
        self.best_epoch = torch.zeros(model.n_models, dtype=torch.long)
        self.stopped = torch.zeros(model.n_models, dtype=torch.bool)
        self.saved = [p.detach().clone() for p in model.parameters()]

    def update(self, model: StackedMLP, epoch: int, val_loss: torch.Tensor) -> None:
        val_loss = val_loss.cpu()
        improved = (val_loss < self.best) & ~self.stopped
        self.best = torch.where(improved, val_loss, self.best)
        self.best_epoch[improved] = epoch
        for saved, p in zip(self.saved, model.parameters()):
            saved[improved] = p.detach()[improved.to(p.device)]
        self.stopped |= epoch - self.best_epoch >= self.patience

    @torch.no_grad()
    def hold(self, model: StackedMLP, which: torch.Tensor | None = None) -> None:
        """Put the best weights back into the stopped models (or into `which`)."""
        which = self.stopped if which is None else which
        if which.any():
            for saved, p in zip(self.saved, model.parameters()):
                mask = which.to(p.device)
                p[mask] = saved[mask]


def train_stack(
    model: StackedMLP,
    X: torch.Tensor,
    y: torch.Tensor,
    config: TrainConfig,
    seeds: list[int],
    X_val: torch.Tensor | None = None,
    y_val: torch.Tensor | None = None,
    on_epoch: Callable[[int, torch.Tensor, torch.Tensor | None], None] | None = None,
    lrs: list[float] | None = None,
) -> History:
    """Minimize the loss of every model of `model` on (X, y), in place.

    X: (N, n_lags), y: (N,) or (N, n_outputs), on the model's device. `seeds` are the models' seeds
    (their shuffle orders are drawn from streams derived from them). `lrs`, if given,
    is each model's learning rate (else `config.lr` for all). `on_epoch(epoch,
    train_loss, val_loss)` is called after each epoch with (K,) losses, e.g. to show
    progress. Raises `TrainingDiverged` if a loss becomes inf or NaN, or explodes.
    """
    lrs = [config.lr] * model.n_models if lrs is None else list(lrs)
    if len(lrs) != model.n_models or not all(0 < lr < float("inf") for lr in lrs):
        raise ConfigError(f"give one positive learning rate per model ({model.n_models}); got {lrs}")
    n_examples = len(y)
    batch_size = config.batch_size if 0 < config.batch_size < n_examples else n_examples
    sizes = model.layer_sizes
    multiply_adds = model.n_models * batch_size * sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    with cpu.using_threads(cpu.threads_for(multiply_adds)):
        return _train(model, X, y, config, seeds, X_val, y_val, on_epoch, lrs, batch_size)


def _train(model, X, y, config, seeds, X_val, y_val, on_epoch, lrs, batch_size) -> History:
    loss_fn = LOSSES[config.loss]
    step = _Step(model, config, lrs)
    scheduler = make_scheduler(step.optimizer, config)
    shufflers = [_shuffle_generator(seed) for seed in seeds]
    stopper = EarlyStopping(model, config.patience) if config.patience else None
    diverged_epoch = torch.zeros(model.n_models, dtype=torch.long, device=X.device)
    train_history, val_history = [], []
    mean_loss = loss_fn(y.mean().expand(1, *y.shape), y[None]).item()  # the loss of predicting the mean
    loss_limit = EXPLODED * mean_loss if mean_loss > 0 else float("inf")

    for epoch in range(1, config.n_epochs + 1):
        batches = _batches(X, y, batch_size, shufflers)
        epoch_loss = _train_epoch(model, batches, loss_fn, step, stopper)
        stopped = stopper.stopped.to(X.device) if stopper is not None else torch.zeros_like(diverged_epoch, dtype=torch.bool)
        diverged = diverged_epoch > 0
        new = _diverged(epoch_loss, loss_limit, stopped | diverged)
        if new.any():
            if not config.skip_diverged:
                _raise_diverged(epoch_loss, new, epoch, seeds, lrs)
            diverged_epoch[new] = epoch  # dropped: the other models go on (their own weights only)
            diverged |= new
        scheduler.step()

        val_loss = None
        if X_val is not None:
            with torch.no_grad():
                val_loss = loss_fn(model(X_val), y_val)
        epoch_loss[diverged] = float("nan")
        if val_loss is not None:
            val_loss[diverged] = float("nan")
        if stopper is not None:
            epoch_loss[stopped] = float("nan")  # a stopped model's epoch did not happen
            val_loss[stopped] = float("nan")
            stopper.update(model, epoch, val_loss)
            stopper.hold(model)  # a model that stops now goes back to its best weights at once
        train_history.append(epoch_loss.cpu().numpy())
        if val_loss is not None:
            val_history.append(val_loss.cpu().numpy())
        if on_epoch is not None:
            on_epoch(epoch, epoch_loss, val_loss)
        if (diverged.cpu() | (stopper.stopped if stopper is not None else False)).all():
            break  # no model left to train

    if stopper is not None:
        stopper.hold(model, which=torch.ones_like(stopper.stopped))
        best_epoch = stopper.best_epoch.numpy()
    else:
        best_epoch = np.full(model.n_models, len(train_history))
    return History(
        train=np.array(train_history),
        val=np.array(val_history) if val_history else None,
        best_epoch=best_epoch,
        diverged_epoch=diverged_epoch.cpu().numpy(),
    )


class _Step:
    """One update of every model: θ ← θ - η_k · (the optimizer's step), on the flat buffer.

    With one learning rate for all models, the optimizer runs with it. With one per
    model, it runs with rate 1 (times the schedule's factor), and each model's change
    is then scaled by its own rate: the same update, since every rule in `OPTIMIZERS`
    is linear in η (their states, such as Adam's moments, do not depend on it).
    """

    def __init__(self, model: StackedMLP, config: TrainConfig, lrs: list[float]):
        self.parameters = model.flatten()
        self.same_rate = len(set(lrs)) == 1
        fused = True if self.parameters.device.type == "cpu" else None  # elsewhere, PyTorch's default
        self.optimizer = OPTIMIZERS[config.optimizer]([self.parameters], lrs[0] if self.same_rate else 1.0, fused)
        if not self.same_rate:
            self.rates = model.per_parameter(torch.tensor(lrs))
            self.before = torch.empty_like(self.parameters)

    def __call__(self, loss: torch.Tensor) -> None:
        self.parameters.grad.zero_()
        loss.backward(torch.ones_like(loss))  # the models share nothing: each gets its own gradient
        if self.same_rate:
            self.optimizer.step()
            return
        with torch.no_grad():
            self.before.copy_(self.parameters)
            self.optimizer.step()
            self.parameters.sub_(self.before).mul_(self.rates).add_(self.before)


def _train_epoch(model, batches, loss_fn, step, stopper) -> torch.Tensor:
    """One pass over the data, one update per batch; returns each model's mean batch loss, (K,)."""
    losses, sizes = [], []
    for X_batch, y_batch in batches:  # (K, B, n_lags), (K, B) or (K, B, n_outputs)
        loss = loss_fn(model(X_batch), y_batch)  # (K,)
        step(loss)
        if stopper is not None:
            stopper.hold(model)  # models that stopped early keep their best weights
        losses.append(loss.detach())
        sizes.append(X_batch.shape[-2])
    weights = torch.tensor(sizes, dtype=losses[0].dtype, device=losses[0].device)
    return weights @ torch.stack(losses) / weights.sum()


def _shuffle_generator(seed: int) -> torch.Generator:
    """A stream for the shuffles, apart from the one the weights were drawn from."""
    stream = np.random.SeedSequence([seed, 1]).generate_state(1)[0]
    return torch.Generator().manual_seed(int(stream))


def _batches(X, y, batch_size, shufflers):
    """The epoch's batches, ((K, B, n_lags), (K, B)), one shuffle per model, gathered at once;
    the full batch is the data itself, shared by the models."""
    n_examples = len(y)
    if batch_size >= n_examples:
        return [(X, y)]
    order = torch.stack([torch.randperm(n_examples, generator=g) for g in shufflers]).to(X.device)
    return zip(X[order].split(batch_size, dim=1), y[order].split(batch_size, dim=1))


EXPLODED = 1000  # times the loss of predicting the training mean


def _diverged(epoch_loss, loss_limit, done) -> torch.Tensor:
    """The models whose loss became inf or NaN, or EXPLODED times worse than predicting the
    mean, this epoch; models already `done` (stopped early, or diverged before) do not count."""
    return (~torch.isfinite(epoch_loss) | (epoch_loss > loss_limit)) & ~done


def _raise_diverged(epoch_loss, bad, epoch, seeds, lrs) -> None:
    k = int(bad.nonzero()[0])
    value = epoch_loss[k].item()
    how = f"became {value}" if not np.isfinite(value) else f"exploded to {value:.3g} (scaled)"
    raise TrainingDiverged(
        f"the training loss {how} at epoch {epoch} (seed {seeds[k]}) with learning rate "
        f"{lrs[k]:g}: the steps are too large; try a smaller one, such as {lrs[k] / 10:g}"
    )


def least_squares(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """The exact minimizer of MSE for y = b + Σ w_j x_j: the answer gradient descent approximates.

    Returns (w, b). Solved in float64 by `numpy.linalg.lstsq`.
    """
    A = np.hstack([X, np.ones((len(X), 1))])
    coef, *_ = np.linalg.lstsq(A.astype(np.float64), y.astype(np.float64), rcond=None)
    return coef[:-1], float(coef[-1])


def training_cost(spec: str, n_lags: int, n_examples: int, train: TrainConfig) -> float:
    """A rough relative cost of training a stack, for the order of the jobs and the progress
    bar's time left: updates × (per-update overhead + arithmetic), about `engine.parallel.COST_PER_SECOND` a second."""
    batch = n_examples if train.batch_size == 0 else min(train.batch_size, n_examples)
    model = parse_spec(spec)
    per_update = 2 + model.n_layers + train.n_seeds * model.n_parameters(n_lags) * batch / 1.5e6
    return train.n_epochs * math.ceil(n_examples / batch) * per_update
