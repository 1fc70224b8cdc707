"""Step 3: optimization, θ* = argmin L, by gradient descent.

    pick θ⁰ at random;  repeat: g = ∇L(θ),  θ ← θ - η g

With mini-batches, the N examples are reshuffled every epoch and cut into batches
of B; each batch gives one update, so an epoch is ceil(N/B) updates (B = 0 means
the full batch: one update per epoch). The update rule comes from `torch.optim`
(`sgd`, `momentum`, `adagrad`, `rmsprop`, `adam`), the learning-rate schedule from
`torch.optim.lr_scheduler`, and g from autograd: the lesson here is the loop.

`train_stack` trains the K models of a `StackedMLP` at once. Each has its own seed
and its own shuffle order, and, with early stopping, its own best epoch: model k
ends exactly where it would have ended if trained alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch.optim import lr_scheduler

from .config import TrainConfig
from .errors import TrainingDiverged
from .losses import LOSSES
from .models import StackedMLP

OPTIMIZERS = {
    "sgd": lambda params, lr: torch.optim.SGD(params, lr=lr),
    "momentum": lambda params, lr: torch.optim.SGD(params, lr=lr, momentum=0.9),
    "adagrad": lambda params, lr: torch.optim.Adagrad(params, lr=lr),
    "rmsprop": lambda params, lr: torch.optim.RMSprop(params, lr=lr),
    "adam": lambda params, lr: torch.optim.Adam(params, lr=lr),
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
    epoch. Epochs after a model stopped early are NaN. `best_epoch` (1-based) is the
    epoch whose weights each model ended with.
    """

    train: np.ndarray
    val: np.ndarray | None
    best_epoch: np.ndarray


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
) -> History:
    """Minimize the loss of every model of `model` on (X, y), in place.

    X: (N, n_lags), y: (N,), on the model's device. `seeds` are the models' seeds
    (their shuffle orders are drawn from streams derived from them). `on_epoch(epoch, train_loss,
    val_loss)` is called after each epoch with (K,) losses, e.g. to show progress.
    Raises `TrainingDiverged` if a loss becomes inf or NaN, or explodes.
    """
    loss_fn = LOSSES[config.loss]
    optimizer = OPTIMIZERS[config.optimizer](model.parameters(), config.lr)
    scheduler = make_scheduler(optimizer, config)
    shufflers = [_shuffle_generator(seed) for seed in seeds]
    n_examples = len(y)
    batch_size = config.batch_size if 0 < config.batch_size < n_examples else n_examples
    stopper = EarlyStopping(model, config.patience) if config.patience else None
    train_history, val_history = [], []
    mean_loss = loss_fn(y.mean().expand_as(y), y).item()  # the loss of predicting the mean
    loss_limit = EXPLODED * mean_loss if mean_loss > 0 else float("inf")

    for epoch in range(1, config.n_epochs + 1):
        batches = _batches(n_examples, batch_size, shufflers, X.device)
        epoch_loss = _train_epoch(model, X, y, batches, loss_fn, optimizer, stopper)
        stopped = stopper.stopped.to(X.device) if stopper is not None else None
        _check_finite(epoch_loss, loss_limit, stopped, epoch, config, seeds)
        scheduler.step()

        val_loss = None
        if X_val is not None:
            with torch.no_grad():
                val_loss = loss_fn(model(X_val), y_val)
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
        if stopper is not None and stopper.stopped.all():
            break

    if stopper is not None:
        stopper.hold(model, which=torch.ones_like(stopper.stopped))
        best_epoch = stopper.best_epoch.numpy()
    else:
        best_epoch = np.full(model.n_models, len(train_history))
    return History(
        train=np.array(train_history),
        val=np.array(val_history) if val_history else None,
        best_epoch=best_epoch,
    )


def _train_epoch(model, X, y, batches, loss_fn, optimizer, stopper) -> torch.Tensor:
    """One pass over the data, one update per batch; returns each model's mean batch loss, (K,)."""
    epoch_loss = torch.zeros(model.n_models, device=X.device)
    for idx in batches:
        X_batch, y_batch = (X, y) if idx is None else (X[idx], y[idx])  # (K, B, n_lags), (K, B)
        loss = loss_fn(model(X_batch), y_batch)  # (K,)
        optimizer.zero_grad(set_to_none=True)
        loss.sum().backward()  # the models share nothing: each gets its own gradient
        optimizer.step()
        if stopper is not None:
            stopper.hold(model)  # models that stopped early keep their best weights
        epoch_loss += loss.detach() * y_batch.shape[-1]
    return epoch_loss / len(y)


def _shuffle_generator(seed: int) -> torch.Generator:
    """A stream for the shuffles, apart from the one the weights were drawn from."""
    stream = np.random.SeedSequence([seed, 1]).generate_state(1)[0]
    return torch.Generator().manual_seed(int(stream))


def _batches(n_examples, batch_size, shufflers, device):
    """Index tensors (K, B), one shuffle per model; a single None for the full batch."""
    if batch_size >= n_examples:
        yield None
        return
    order = torch.stack([torch.randperm(n_examples, generator=g) for g in shufflers]).to(device)
    yield from order.split(batch_size, dim=1)


EXPLODED = 1000  # times the loss of predicting the training mean


def _check_finite(epoch_loss, loss_limit, stopped, epoch, config, seeds) -> None:
    """Stop when a loss is inf or NaN, or EXPLODED times worse than predicting the mean.

    Models that stopped early (`stopped`, or None) are done: their losses do not count.
    """
    bad = ~torch.isfinite(epoch_loss) | (epoch_loss > loss_limit)
    if stopped is not None:
        bad &= ~stopped
    if bad.any():
        k = int(bad.nonzero()[0])
        value = epoch_loss[k].item()
        how = f"became {value}" if not np.isfinite(value) else f"exploded to {value:.3g} (scaled)"
        raise TrainingDiverged(
            f"the training loss {how} at epoch {epoch} (seed {seeds[k]}) with learning rate "
            f"{config.lr:g}: the steps are too large; try a smaller one, such as {config.lr / 10:g}"
        )


def least_squares(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """The exact minimizer of MSE for y = b + Σ w_j x_j: the answer gradient descent approximates.

    Returns (w, b). Solved in float64 by `numpy.linalg.lstsq`.
    """
    A = np.hstack([X, np.ones((len(X), 1))])
    coef, *_ = np.linalg.lstsq(A.astype(np.float64), y.astype(np.float64), rcond=None)
    return coef[:-1], float(coef[-1])
