"""The lecture's update rules, written by hand: what `torch.optim` does, in the lecture's symbols.

For each parameter θ_i, with g its gradient at step t (t = 0, 1, ...) and η the
learning rate of that step (a schedule may change it):

    sgd        θ ← θ - η g
    momentum   m ← λ m - η g;  θ ← θ + m                     (m⁰ = 0, λ = 0.9)
    adagrad    σᵗ = √( 1/(t+1) Σ_{i≤t} (gⁱ)² );  θ ← θ - η/σᵗ g   (root mean square of past gradients)
    rmsprop    σ⁰ = |g⁰|;  σᵗ = √( α (σᵗ⁻¹)² + (1-α) (gᵗ)² );  θ ← θ - η/σᵗ g   (α = 0.99)
    adam       m ← β₁ m + (1-β₁) g;  v ← β₂ v + (1-β₂) g²   (momentum + RMSProp's σ², both from 0)
               θ ← θ - η m̂ / (√v̂ + ε),  m̂ = m / (1-β₁ᵗ⁺¹),  v̂ = v / (1-β₂ᵗ⁺¹)   (bias correction)

These are written by hand because they are the lesson: `viewcast optimizers` walks the
error surface with them, and `tests/test_rules.py` checks PyTorch's optimizers against
them on a scripted gradient sequence. Where PyTorch differs (its defaults as `optimize.
OPTIMIZERS` uses them):

    momentum   b ← λ b + g;  θ ← θ - η b. The same as the lecture's while η is constant
               (m = -η b); when a schedule changes η, PyTorch rescales all past
               gradients by the new η, the lecture's keeps each at the η it came with.
    adagrad    σ = √(Σ (gⁱ)²) + ε, a sum, not a mean: PyTorch's step is the lecture's with
               η/√(t+1), a built-in decay (ε = 1e-10).
    rmsprop    the average starts from 0, not from (g⁰)²: PyTorch's first steps are larger,
               the first by 1/√(1-α) (10× for α = 0.99), fading as the average fills (ε = 1e-8
               added to σ).
    adam       as the Adam paper, which the lecture shows: the same, ε = 1e-8. (Without the
               bias correction, the first step would be (1-β₁)/√(1-β₂) ≈ 3.2 times η.)
"""

from __future__ import annotations

import numpy as np

MOMENTUM = 0.9  # λ, as optimize.OPTIMIZERS gives torch.optim.SGD
ALPHA = 0.99  # RMSProp's α, PyTorch's default
BETAS = (0.9, 0.999)  # Adam's β₁, β₂, PyTorch's default
EPS = 1e-8  # Adam's ε; the lecture's Adagrad and RMSProp have none


class Rule:
    """A rule's state for one parameter vector; `step(θ, g, η)` returns the next θ."""

    name = ""

    def step(self, theta: np.ndarray, g: np.ndarray, lr: float) -> np.ndarray:
        raise NotImplementedError


class GradientDescent(Rule):
    name = "sgd"

    def step(self, theta, g, lr):
        return theta - lr * g


class Momentum(Rule):
    name = "momentum"

    def __init__(self, momentum: float = MOMENTUM):
        self.momentum, self.m = momentum, 0.0

    def step(self, theta, g, lr):
        self.m = self.momentum * self.m - lr * g  # the last movement, plus the new gradient's
        return theta + self.m


class Adagrad(Rule):
    name = "adagrad"

    def __init__(self):
        self.sum_of_squares, self.t = 0.0, 0

    def step(self, theta, g, lr):
        self.sum_of_squares = self.sum_of_squares + g**2
        self.t += 1
        sigma = np.sqrt(self.sum_of_squares / self.t)  # root mean square of every gradient so far
        return theta - lr / sigma * g


class RMSProp(Rule):
    name = "rmsprop"

    def __init__(self, alpha: float = ALPHA):
        self.alpha, self.sigma_squared = alpha, None

    def step(self, theta, g, lr):
        if self.sigma_squared is None:
            self.sigma_squared = g**2  # σ⁰ = |g⁰|
        else:
            self.sigma_squared = self.alpha * self.sigma_squared + (1 - self.alpha) * g**2  # recent gradients weigh more
        return theta - lr / np.sqrt(self.sigma_squared) * g


class Adam(Rule):
    name = "adam"

    def __init__(self, betas: tuple[float, float] = BETAS, eps: float = EPS):
        self.betas, self.eps = betas, eps
        self.m, self.v, self.t = 0.0, 0.0, 0

    def step(self, theta, g, lr):
        beta_1, beta_2 = self.betas
        self.t += 1
        self.m = beta_1 * self.m + (1 - beta_1) * g  # momentum, as an average
        self.v = beta_2 * self.v + (1 - beta_2) * g**2  # RMSProp's σ²
        m_hat, v_hat = self.m / (1 - beta_1**self.t), self.v / (1 - beta_2**self.t)  # both started at 0
        return theta - lr * m_hat / (np.sqrt(v_hat) + self.eps)


RULES = {rule.name: rule for rule in (GradientDescent, Momentum, Adagrad, RMSProp, Adam)}
"""The lecture's rules by the names `optimize.OPTIMIZERS` gives PyTorch's."""
