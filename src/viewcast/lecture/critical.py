"""Critical points: where the gradient is zero, what kind of point is it?

Near θ', the loss is its Taylor series (the lecture's notation, g the gradient, H the Hessian):

    L(θ) ≈ L(θ') + (θ - θ')ᵀ g + ½ (θ - θ')ᵀ H (θ - θ')

At a critical point g = 0, and the eigenvalues of H tell:

    all λ > 0            local minimum   (every direction goes up)
    all λ < 0            local maximum
    some > 0, some < 0   saddle point: along an eigenvector u of a λ < 0, a step of t·u
                         changes L by ½ λ t² ‖u‖² < 0, so the saddle can be escaped

The lecture's example (`saddle_example`): L = (1 - w₁w₂)² at (0, 0) has g = 0 and
H = [[0, -2], [-2, 0]], eigenvalues +2 and -2: a saddle.

How H is obtained (the gradient g is autograd's):

    exact     n ≤ EXACT_MAX parameters: the whole n × n Hessian with `torch.func.hessian`,
              its eigenvalues by `torch.linalg.eigvalsh` (float64: accurate to ~1e-12)
    lanczos   larger models: never forming H, only Hessian-vector products H v
              (`torch.func.jvp` of the gradient, the cost of about two backward passes),
              fed to ARPACK's Lanczos (`scipy.sparse.linalg.eigsh`) for the largest and
              the smallest eigenvalue. Each comes with its residual r = ‖H u - λ u‖: some
              eigenvalue of H lies within r of λ (H is symmetric, ‖u‖ = 1), which is the
              accuracy stated. Lanczos finds the extremes first; it could in principle
              miss an isolated extreme that its start vector does not see.

Only the classification and this bookkeeping are written here: derivatives come from
autograd and the eigen-solvers from PyTorch and SciPy.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np
import torch

from ..core.data import load_series
from ..core.features import make_split, make_windows, split_windows
from ..core.i18n import N_, _
from ..core.losses import LOSSES
from ..core.models import StackedMLP
from ..core.runs import Run
from ..errors import ConfigError

EXACT_MAX = 1_500  # parameters: up to here the whole Hessian (n² float64) is formed
GRAD_SMALL = 0.01  # a gradient below this fraction of its reference size counts as zero
EIG_SMALL = 1e-3  # |λ| below this fraction of the largest |λ| counts as zero (flat)
STEP = 0.1  # the length t of the step taken along the escape direction
DESCENT_STEP = 1e-3  # the length of the step taken against the gradient, to see if it goes down

LOCAL_MINIMUM = N_("local minimum")
LOCAL_MAXIMUM = N_("local maximum")
SADDLE = N_("saddle point")
FLAT = N_("flat (all eigenvalues about zero)")
NOT_CRITICAL = N_("not a critical point")
KINK = N_("kink (not smooth)")


@dataclass(frozen=True)
class Curvature:
    """The Hessian's extreme eigenvalues, how they were found, and how accurate they are.

    `residuals` are ‖H u - λ u‖ for (smallest, largest): an eigenvalue lies within that
    distance of each (0 to float precision for `exact`). `direction` is the unit
    eigenvector of the smallest eigenvalue.
    """

    smallest: float
    largest: float
    method: str
    residuals: tuple[float, float]
    direction: np.ndarray
    n_negative: int | None = None  # exact only: how many eigenvalues are clearly negative


@dataclass(frozen=True)
class CriticalPoint:
    """What the gradient and the Hessian say about the point θ (see the module docstring).

    `grad_reference` is what the gradient norm is judged against (for a trained model:
    its norm at the initial weights). `step`, `predicted_change` and `actual_change`
    describe a step of length `step` along the smallest eigenvalue's eigenvector:
    ½ λ_min t² predicted, L(θ + t u) - L(θ) measured. `downhill_change` is L's change
    for a step of `DESCENT_STEP` against the gradient.
    """

    loss: float
    grad_norm: float
    grad_reference: float | None
    n_parameters: int
    curvature: Curvature
    kind: str
    step: float
    predicted_change: float
    actual_change: float
    downhill_change: float
    text: str

    def to_dict(self) -> dict:
        d = asdict(self)
        d["curvature"]["direction"] = None  # n numbers: not worth a file
        d["curvature"]["residuals"] = list(self.curvature.residuals)
        return d


def hessian_extremes(loss_fn: Callable[[torch.Tensor], torch.Tensor], theta: torch.Tensor, method: str = "auto",
                     tol: float = 1e-6) -> Curvature:
    """The smallest and largest eigenvalues of the Hessian of `loss_fn` at `theta` (flat, float64).

    `method`: "exact", "lanczos", or "auto" (exact up to `EXACT_MAX` parameters).
    `tol` is the relative tolerance given to Lanczos.

    >>> theta = torch.zeros(2, dtype=torch.float64)
    >>> c = hessian_extremes(lambda w: (1 - w[0] * w[1]) ** 2, theta)
    >>> round(c.smallest, 6), round(c.largest, 6)
    (-2.0, 2.0)
    """
    n = theta.numel()
    if method == "auto":
        method = "exact" if n <= EXACT_MAX else "lanczos"
    if method == "exact":
        H = torch.func.hessian(loss_fn)(theta).reshape(n, n)
        H = (H + H.T) / 2  # exact up to float rounding; eigh wants it symmetric
        values, vectors = torch.linalg.eigh(H)
        scale = max(values.abs().max().item(), np.finfo(float).tiny)
        n_negative = int((values < -EIG_SMALL * scale).sum())
        return Curvature(values[0].item(), values[-1].item(), "exact", (0.0, 0.0),
                         vectors[:, 0].numpy(), n_negative)
    if method != "lanczos":
        raise ValueError(f"unknown method {method!r}: exact, lanczos or auto")
    return _lanczos(loss_fn, theta, tol)


def _lanczos(loss_fn, theta: torch.Tensor, tol: float) -> Curvature:
    """λ_max of H, then λ_max of λ_max·I - H, which is λ_max - λ_min: the bottom of a network's
    spectrum is crowded near zero, where Lanczos on H itself converges slowly; the shifted
    operator only needs λ_min to `EIG_SMALL`-relative accuracy, enough to tell its sign."""
    from scipy.sparse.linalg import LinearOperator, eigsh  # only large models need SciPy

    grad_fn = torch.func.grad(loss_fn)

    def hvp(v: np.ndarray) -> np.ndarray:
        vector = torch.from_numpy(np.ascontiguousarray(v, dtype=np.float64).reshape(-1))
        return torch.func.jvp(grad_fn, (theta,), (vector,))[1].numpy()  # H v: forward-over-reverse

    n = theta.numel()
    start = np.random.default_rng(0).standard_normal(n)  # fixed: the same answer every time
    top = _largest(LinearOperator((n, n), matvec=hvp, dtype=np.float64), start, tol, eigsh)
    largest, u_top = top
    shifted = LinearOperator((n, n), matvec=lambda v: largest * v.reshape(-1) - hvp(v), dtype=np.float64)
    gap, u = _largest(shifted, start, EIG_SMALL / 10, eigsh)
    smallest = largest - gap
    residuals = (float(np.linalg.norm(hvp(u) - smallest * u)), float(np.linalg.norm(hvp(u_top) - largest * u_top)))
    return Curvature(smallest, largest, "lanczos", residuals, u)


def _largest(operator, start, tol, eigsh) -> tuple[float, np.ndarray]:
    """The largest eigenvalue of a symmetric operator and its unit eigenvector (ARPACK's Lanczos)."""
    values, vectors = eigsh(operator, k=1, which="LA", tol=tol, v0=start, ncv=min(operator.shape[0], 40))
    return float(values[0]), vectors[:, 0]


def classify(
    loss_fn: Callable[[torch.Tensor], torch.Tensor],
    theta: torch.Tensor,
    grad_reference: float | None = None,
    method: str = "auto",
    step: float = STEP,
) -> CriticalPoint:
    """The gradient, the Hessian's extremes, and the verdict at `theta` (flat, float64).

    The gradient counts as zero when ‖g‖ ≤ `GRAD_SMALL` × `grad_reference` (for a trained
    model, the gradient's norm at its initial weights; None: 1); an eigenvalue
    as zero when |λ| ≤ `EIG_SMALL` × the largest |λ| (plus its Lanczos residual). A
    gradient that is not small but does not point downhill (a step of `DESCENT_STEP`
    against it raises L) marks a kink: a loss that is not smooth there, as MAE is
    wherever an error is exactly 0.
    """
    theta = theta.detach().to(torch.float64)
    loss = loss_fn(theta).item()
    g = torch.func.grad(loss_fn)(theta)
    grad_norm = g.norm().item()
    curvature = hessian_extremes(loss_fn, theta, method)
    size = max(abs(curvature.smallest), abs(curvature.largest))
    negative = curvature.smallest < -(EIG_SMALL * size + curvature.residuals[0])
    positive = curvature.largest > EIG_SMALL * size + curvature.residuals[1]
    u = torch.from_numpy(curvature.direction).to(torch.float64)
    predicted = 0.5 * curvature.smallest * step**2
    actual = loss_fn(theta + step * u).item() - loss
    downhill = loss_fn(theta - DESCENT_STEP * g / max(grad_norm, np.finfo(float).tiny)).item() - loss
    if grad_norm > GRAD_SMALL * (1.0 if grad_reference is None else grad_reference):
        kind = NOT_CRITICAL if downhill < -0.5 * DESCENT_STEP * grad_norm else KINK
    elif negative and positive:
        kind = SADDLE
    elif negative:
        kind = LOCAL_MAXIMUM
    elif positive:
        kind = LOCAL_MINIMUM
    else:
        kind = FLAT
    text = _verdict(kind, grad_norm, grad_reference, curvature, step, predicted, actual, downhill)
    return CriticalPoint(loss, grad_norm, grad_reference, theta.numel(), curvature, kind, step, predicted, actual,
                         downhill, text)


def _verdict(kind, grad_norm, grad_reference, c: Curvature, step, predicted, actual, downhill) -> str:
    norm = f"‖g‖ = {grad_norm:.3g}"
    share = _("{norm}, {percent} of its size at the start").format(norm=norm, percent=f"{grad_norm / grad_reference:.2%}") \
        if grad_reference else norm
    said = {"share": share, "spectrum": f"λ_min = {_value(c.smallest, c.residuals[0])}, λ_max = {_value(c.largest, c.residuals[1])}"}
    if kind in (NOT_CRITICAL, KINK):
        said["walked"] = _("a step of {step} against the gradient changes L by {change} (first order predicts {predicted})").format(
            step=f"{DESCENT_STEP:g}", change=f"{downhill:.3g}", predicted=f"{-DESCENT_STEP * grad_norm:.3g}")
        if kind == NOT_CRITICAL:
            return _("not a critical point: the gradient is not small ({share}) and {walked}: gradient descent can still go "
                     "downhill").format(**said)
        return _("a kink, not a smooth critical point: the gradient is not small ({share}), yet {walked}: the loss is not smooth "
                 "here (MAE has a corner wherever an error is exactly 0), so the gradient does not point downhill and the "
                 "Hessian ({spectrum}) only describes the pieces; train with MSE for the lecture's test").format(**said)
    if kind == SADDLE:
        return _("a saddle point: the gradient is about zero ({share}), but the Hessian has a negative eigenvalue ({spectrum}): "
                 "a step of t = {step} along its eigenvector u should change L by ½ λ_min t² = {predicted} (measured: "
                 "{actual}); escape along u").format(step=f"{step:g}", predicted=f"{predicted:.3g}", actual=f"{actual:.3g}", **said)
    if kind == LOCAL_MINIMUM:
        return _("a local minimum: the gradient is about zero ({share}) and no eigenvalue is clearly negative ({spectrum}): no "
                 "direction goes down to second order (eigenvalues about 0 are flat directions)").format(**said)
    if kind == LOCAL_MAXIMUM:
        return _("a local maximum: the gradient is about zero ({share}) and every eigenvalue is negative ({spectrum})").format(**said)
    return _("flat: the gradient is about zero ({share}) and every eigenvalue is about zero ({spectrum}): the Hessian cannot "
             "tell").format(**said)


def _value(value: float, residual: float) -> str:
    return f"{value:.3g}" + (f" ± {residual:.1g}" if residual else "")


def saddle_example() -> CriticalPoint:
    """The lecture's example, L(w₁, w₂) = (1 - w₁w₂)² at (0, 0): a saddle with eigenvalues ±2.

    >>> saddle_example().kind
    'saddle point'
    """
    return classify(lambda w: (1 - w[0] * w[1]) ** 2, torch.zeros(2, dtype=torch.float64))


# -- a trained run ----------------------------------------------------------------


def model_loss(model: StackedMLP, k: int, X: torch.Tensor, y: torch.Tensor, loss: str):
    """Model k of a stack as a function of its own flat parameters: (loss_fn, θ_k), float64.

    `loss_fn(θ)` is the `loss` ("mae" or "mse") of that one model on (X, y), the examples
    as the model saw them in training (scaled), so its gradient and Hessian are those
    the optimizer met.
    """
    one = StackedMLP(model.spec, model.n_inputs, [0]).double()  # the same shape, a stack of one
    names = [name for name, _ in one.named_parameters()]
    shapes = [p.shape for p in one.parameters()]  # (1, ...): the model axis of one
    theta = torch.cat([p.detach()[k].reshape(-1) for p in model.parameters()]).double().cpu()
    X, y = X.double().cpu(), y.double().cpu()

    def loss_fn(flat: torch.Tensor) -> torch.Tensor:
        chunks = flat.split([shape.numel() for shape in shapes])
        params = {name: chunk.view(shape) for name, chunk, shape in zip(names, chunks, shapes)}
        y_hat = torch.func.functional_call(one, params, (X,))  # (1, N)
        return LOSSES[loss](y_hat, y[None])[0]

    return loss_fn, theta


@dataclass(frozen=True)
class RunDiagnosis:
    """The critical-point analysis of every seed of a run, on its training examples."""

    spec: str
    n_lags: int
    loss: str
    n_examples: int
    seeds: list[int]
    points: list[CriticalPoint]
    wall_time_s: float

    def to_dict(self) -> dict:
        return {**{name: getattr(self, name) for name in ("spec", "n_lags", "loss", "n_examples", "seeds", "wall_time_s")},
                "points": [p.to_dict() for p in self.points]}


def diagnose_run(run: Run, seeds: list[int] | None = None, method: str = "auto") -> RunDiagnosis:
    """Classify the trained weights of each seed of `run` (or of `seeds`) on its training examples.

    The gradient is judged against its norm at that seed's initial weights (the same
    seed draws them again), in the loss the run was trained with.
    """
    started = time.perf_counter()
    forecaster, config = run.forecaster, run.config
    chosen = list(forecaster.seeds_) if seeds is None else list(seeds)
    unknown = [seed for seed in chosen if seed not in forecaster.seeds_]
    if unknown:
        raise ConfigError(f"the run has no seed {unknown[0]}; its seeds: {', '.join(map(str, forecaster.seeds_))}")
    series, dataset = load_series(config.data)
    windows = make_windows(series, config.model.n_lags, config.data.fill_gaps)
    parts = split_windows(windows, make_split(series, config.split, dataset))[0]
    X, y = forecaster.model_data(parts["train"])
    loss = config.train.loss
    points = []
    for seed in chosen:
        k = forecaster.seeds_.index(seed)
        loss_fn, theta = model_loss(forecaster.model_, k, X, y, loss)
        start = StackedMLP(forecaster.model_.spec, forecaster.model_.n_inputs, [seed])
        _, theta_0 = model_loss(start, 0, X, y, loss)
        reference = torch.func.grad(loss_fn)(theta_0).norm().item()
        points.append(classify(loss_fn, theta, reference, method))
    return RunDiagnosis(config.model.spec, config.model.n_lags, loss, len(y), chosen, points,
                        round(time.perf_counter() - started, 2))
