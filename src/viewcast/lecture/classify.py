"""Classification as the lecture frames it: softmax outputs and cross-entropy.

The task, built from the same views: will the target day be above the median of the
7 days before it? Class 1 "above", class 0 "not above". The inputs are the last
`n_lags` days divided by that median (so a 2011 week and a 2015 week look alike), as
logs (of views + 1, so that a day without views is allowed). The function is the
lecture's: z = b + cᵀ relu(b + W x) with two outputs, one per class, then

    ŷ = softmax(z):   ŷ_i = exp(z_i) / Σ_j exp(z_j)          (positive, summing to 1)
    cross-entropy:    e = -Σ_i y_i ln ŷ_i   (y one-hot)      or   MSE: e = Σ_i (y_i - ŷ_i)²

Why cross-entropy (the lecture's picture, `loss_surfaces`): far from the right answer,
softmax saturates; MSE's gradient then carries a factor ŷ(1 - ŷ) ≈ 0 and training
stalls on a plateau, while cross-entropy's gradient, ŷ - y, stays large. `run_classification`
shows it on the real task, training from the usual start and from a start confidently
wrong, with both losses, by plain gradient descent (full batch, η = 1). (Adam would hide
the plateau: it divides each step by the gradient's own size, and, measured, escapes it
with MSE too.) The training loop is written out: it is the lecture's three steps again,
for a class instead of a number. Accuracy is reported beside two rules
that learn nothing: the majority class, and "as 7 days ago".
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from torch import nn

from ..core.features import Split, make_windows
from ..core.i18n import N_
from ..errors import DataError

STARTS = (N_("usual"), N_("confidently wrong"))
"""The two starts: the usual initial weights, and output biases that say "not above" confidently."""
LEVEL_DAYS = 7
N_HIDDEN, N_EPOCHS, LR = 10, 300, 1.0
WRONG = 4.0  # the confidently wrong start: output biases -4 for "above", +4 for "not above"


def examples(series: pd.Series, n_lags: int, period) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X, y, rule) on the target days of `period`: X = ln((views + 1) / (last-7-day median + 1)), (n, n_lags);
    y = 1 when the day is above that median; rule = the class 'as 7 days ago' predicts."""
    windows = make_windows(series, max(n_lags, LEVEL_DAYS)).select(period)[0]
    if len(windows.y) == 0:
        raise DataError(f"no complete examples in {period} for the classification task")
    median = np.median(windows.X[:, :LEVEL_DAYS], axis=1)
    X = np.log((windows.X[:, :n_lags] + 1) / (median[:, None] + 1))  # + 1: a day with no views is allowed
    y = (windows.y > median).astype(np.int64)
    rule = (windows.X[:, LEVEL_DAYS - 1] > median).astype(np.int64)
    return X, y, rule


def classifier(n_inputs: int, seed: int, wrong_start: bool = False) -> nn.Module:
    """Two logits from one hidden layer of ReLU; `wrong_start` makes it say "not above", confidently."""
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(n_inputs, N_HIDDEN), nn.ReLU(), nn.Linear(N_HIDDEN, 2))
    if wrong_start:
        with torch.no_grad():
            model[2].weight.zero_()
            model[2].bias.copy_(torch.tensor([WRONG, -WRONG]))
    return model


def loss_of(name: str, logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Cross-entropy of softmax(logits) (PyTorch's fused, stable form), or MSE of softmax to one-hot."""
    if name == "cross-entropy":
        return F.cross_entropy(logits, y)
    return (F.softmax(logits, dim=1) - F.one_hot(y, 2).to(logits.dtype)).square().sum(dim=1).mean()


def train(model: nn.Module, X: torch.Tensor, y: torch.Tensor, loss: str, n_epochs: int = N_EPOCHS,
          X_test=None, y_test=None) -> dict:
    """Full-batch gradient descent on `loss`; per epoch the loss, the gradient norm and the accuracy."""
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    curves = {"loss": [], "grad_norm": [], "train_accuracy": [], "test_accuracy": []}
    for _ in range(n_epochs):
        optimizer.zero_grad()
        logits = model(X)
        value = loss_of(loss, logits, y)
        value.backward()
        grad_norm = torch.sqrt(sum((p.grad**2).sum() for p in model.parameters()))
        optimizer.step()
        curves["loss"].append(round(value.item(), 5))
        curves["grad_norm"].append(float(f"{grad_norm.item():.4g}"))
        curves["train_accuracy"].append(round(accuracy(logits, y), 4))
        if X_test is not None:
            with torch.no_grad():
                curves["test_accuracy"].append(round(accuracy(model(X_test), y_test), 4))
    return curves


def accuracy(logits: torch.Tensor, y: torch.Tensor) -> float:
    return (logits.argmax(dim=1) == y).double().mean().item()


def run_classification(series: pd.Series, split: Split, n_lags: int = 7, seed: int = 0, n_epochs: int = N_EPOCHS) -> dict:
    """Both losses, from the usual start and from a confidently wrong one, on the lecture's periods (JSON-able)."""
    X, y, _ = examples(series, n_lags, split.train)
    X_test, y_test, rule_test = examples(series, n_lags, split.test)
    tensors = [torch.tensor(a, dtype=torch.float32) if a.dtype != np.int64 else torch.tensor(a) for a in (X, y, X_test, y_test)]
    runs = []
    for start in STARTS:
        for loss in ("cross-entropy", "mse"):
            model = classifier(n_lags, seed, wrong_start=start != "usual")
            curves = train(model, tensors[0], tensors[1], loss, n_epochs, tensors[2], tensors[3])
            runs.append({"loss": loss, "start": start, "curves": curves,
                         "train_accuracy": curves["train_accuracy"][-1], "test_accuracy": curves["test_accuracy"][-1]})
    majority = int(y.mean() >= 0.5)
    return {
        "task": f"is the day above the median of the {LEVEL_DAYS} days before it?",
        "n_lags": n_lags,
        "model": f"relu:{N_HIDDEN} on {n_lags} days, 2 outputs, softmax",
        "training": {"optimizer": "sgd", "lr": LR, "batch": "full", "n_epochs": n_epochs, "seed": seed},
        "examples": {"train": len(y), "test": len(y_test)},
        "share_above": {"train": float(y.mean()), "test": float(y_test.mean())},
        "runs": runs,
        "baselines": {
            N_("majority class"): float((y_test == majority).mean()),
            N_("as 7 days ago"): float((y_test == rule_test).mean()),
        },
        "surfaces": loss_surfaces(),
    }


def loss_surfaces(n: int = 61, span: float = 10.0) -> dict:
    """The lecture's picture: CE and MSE over the two logits (z₁, z₂) when the right class is 1,
    and each one's gradient norm at a point far from the right answer, (z₁, z₂) = (-4, 4)."""
    z = torch.linspace(-span, span, n, dtype=torch.float64)
    z1, z2 = torch.meshgrid(z, z, indexing="xy")  # rows: z₂, columns: z₁
    logits = torch.stack([z1.reshape(-1), z2.reshape(-1)], dim=1)
    target = torch.zeros(len(logits), dtype=torch.long)
    out = {"z": z.tolist()}
    far = torch.tensor([[-4.0, 4.0]], dtype=torch.float64, requires_grad=True)
    for name in ("cross-entropy", "mse"):
        values = torch.stack([loss_of(name, logits[i : i + 1], target[:1]) for i in range(len(logits))])
        (grad,) = torch.autograd.grad(loss_of(name, far, target[:1]), far)
        out[name] = {"grid": values.reshape(n, n).tolist(), "grad_norm_far": grad.norm().item()}
    return out
