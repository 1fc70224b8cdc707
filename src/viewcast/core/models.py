"""Step 1: a function with unknown parameters.

The lecture's functions, from the simplest up:

    linear          y = b + Σ_j w_j x_j
    one layer       y = b + cᵀ σ(b + W x)      σ = hardsigmoid | sigmoid | relu
    deep (L layers) the same with σ(b + W ·) applied L times

A spec string names one: `linear`, `relu:100` (100 ReLU units), `sigmoid:1000`,
`relu:100x3` (3 layers of 100).

Every model here is a *stack* of K independent models of the same shape, trained
at once: each parameter has a leading model axis (`W: (K, in, out)`), and model k
is initialized from its own seed exactly as a stack of one would be. The lecture's
tables repeat each model over several seeds; one batched matrix product per layer
trains them all far faster on a CPU than K separate loops. `flatten` then puts every
parameter in one buffer, so that the optimizer updates all of them in one call.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from ..errors import ConfigError

ACTIVATIONS = {"relu": torch.relu, "sigmoid": torch.sigmoid, "hardsigmoid": F.hardsigmoid}
_SPEC = re.compile(r"(?P<act>[a-z]+):(?P<units>\d+)(?:x(?P<layers>\d+))?")
VALID_SPECS = "linear, or ACTIVATION:UNITS[xLAYERS] with ACTIVATION one of " + ", ".join(
    ACTIVATIONS
) + " (e.g. relu:100, sigmoid:1000, relu:100x3)"


@dataclass(frozen=True)
class ModelSpec:
    """The shape of a model: `n_layers` hidden layers of `n_hidden` units (0 for linear)."""

    activation: str | None = None
    n_hidden: int = 0
    n_layers: int = 0

    @property
    def is_linear(self) -> bool:
        return self.n_layers == 0

    def layer_sizes(self, n_inputs: int, n_outputs: int = 1) -> list[int]:
        """Units per layer, inputs first: [n_inputs, n_hidden × n_layers..., n_outputs]."""
        return [n_inputs] + [self.n_hidden] * self.n_layers + [n_outputs]

    def n_parameters(self, n_inputs: int, n_outputs: int = 1) -> int:
        """Weights and biases of one model: Σ (in + 1) × out over its layers."""
        sizes = self.layer_sizes(n_inputs, n_outputs)
        return sum((n_in + 1) * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))

    def training_bytes(self, n_inputs: int, n_models: int, batch: int, n_outputs: int = 1) -> int:
        """About how much memory training a stack of `n_models` takes, in bytes (32-bit floats):
        weights, gradients and two optimizer moments per parameter, and each layer's
        activations and their gradients for one batch."""
        parameters = 4 * self.n_parameters(n_inputs, n_outputs)
        activations = 4 * batch * (n_inputs + self.n_hidden * self.n_layers + n_outputs)
        return 4 * n_models * (parameters + activations)

    def __str__(self) -> str:
        if self.is_linear:
            return "linear"
        depth = f"x{self.n_layers}" if self.n_layers > 1 else ""
        return f"{self.activation}:{self.n_hidden}{depth}"


def parse_spec(text: str) -> ModelSpec:
    """Read a spec string; an error lists what is valid.

    >>> parse_spec("relu:100x3")
    ModelSpec(activation='relu', n_hidden=100, n_layers=3)
    """
    text = text.strip().lower()
    if text == "linear":
        return ModelSpec()
    match = _SPEC.fullmatch(text)
    if not match or match["act"] not in ACTIVATIONS:
        raise ConfigError(f"unknown model {text!r}; valid: {VALID_SPECS}")
    n_hidden, n_layers = int(match["units"]), int(match["layers"] or 1)
    if n_hidden < 1 or n_layers < 1:
        raise ConfigError(f"model {text!r} needs at least one unit and one layer")
    return ModelSpec(match["act"], n_hidden, n_layers)


class StackedMLP(nn.Module):
    """K models of one shape; `forward` maps inputs to one prediction per model, or
    `n_outputs` of them (a direct model's days +1 .. +H).

    Initialization follows `torch.nn.Linear`: weights and biases uniform in
    ±1/sqrt(fan_in), drawn from a generator seeded with that model's seed.
    """

    def __init__(self, spec: ModelSpec, n_inputs: int, seeds: list[int], n_outputs: int = 1):
        super().__init__()
        self.spec = spec
        self.n_inputs = n_inputs
        self.n_outputs = n_outputs
        self.activation = ACTIVATIONS[spec.activation] if spec.activation else None
        sizes = self.layer_sizes
        per_model = [_init_layers(sizes, seed) for seed in seeds]
        self.weights = nn.ParameterList(
            nn.Parameter(torch.stack([layers[i][0] for layers in per_model])) for i in range(len(sizes) - 1)
        )  # layer i: (K, in_i, out_i)
        self.biases = nn.ParameterList(
            nn.Parameter(torch.stack([layers[i][1] for layers in per_model])) for i in range(len(sizes) - 1)
        )  # layer i: (K, 1, out_i)

    @property
    def n_models(self) -> int:
        return self.weights[0].shape[0]

    @property
    def layer_sizes(self) -> list[int]:
        return self.spec.layer_sizes(self.n_inputs, self.n_outputs)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """X: (B, n_inputs) shared by all models, or (K, B, n_inputs). Returns (K, B), or
        (K, B, n_outputs) for more than one output."""
        h = X.expand(self.n_models, *X.shape) if X.dim() == 2 else X
        *hidden, (c, b) = zip(self.weights, self.biases)
        for W, b_layer in hidden:
            h = self.activation(torch.baddbmm(b_layer, h, W))  # σ(b + h W), one fused product: (K, B, out)
        if self.n_outputs > 1:
            return torch.baddbmm(b, h, c)
        if self.n_models <= 2:
            return torch.baddbmm(b, h, c).squeeze(-1)  # y = b + h c
        # the same for a stack, as a multiply-and-sum: PyTorch's batched product with one output
        # column is slower on a CPU from 4 models up (measured: 1.1× at 4, 3× at 64; faster at 2)
        return (h * c.transpose(1, 2)).sum(-1) + b[:, :, 0]

    def flatten(self) -> nn.Parameter:
        """Move every parameter into one flat buffer, and its gradient into another.

        The layers' weights and biases become views of the buffer (their values are
        kept), and `backward` adds the gradients into views of the other, so one
        optimizer call on the returned parameter updates every layer of every model
        at once. Zero its `.grad` in place between updates (not `set_to_none`).
        """
        params = list(self.parameters())
        flat = torch.cat([p.detach().reshape(-1) for p in params])
        grad = torch.zeros_like(flat)
        offset = 0
        for p in params:
            n = p.numel()
            p.data = flat[offset : offset + n].view_as(p)
            p.grad = grad[offset : offset + n].view_as(p)
            offset += n
        buffer = nn.Parameter(flat)  # shares its storage with the layers' views
        buffer.grad = grad
        return buffer

    def per_parameter(self, values: torch.Tensor) -> torch.Tensor:
        """A (K,) value per model spread over the flat buffer's layout (see `flatten`)."""
        values = values.to(self.weights[0].device, self.weights[0].dtype)
        return torch.cat([values.view(-1, 1, 1).expand_as(p).reshape(-1) for p in self.parameters()])


def _init_layers(sizes: list[int], seed: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    generator = torch.Generator().manual_seed(seed)
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        bound = 1 / math.sqrt(n_in)
        W = (torch.rand(n_in, n_out, generator=generator) * 2 - 1) * bound
        b = (torch.rand(1, n_out, generator=generator) * 2 - 1) * bound
        layers.append((W, b))
    return layers
