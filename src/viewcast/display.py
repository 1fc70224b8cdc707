"""How results are shown in the terminal: views in the lecture's "0.48k" style, tables."""

from __future__ import annotations

from tabulate import tabulate

PERIOD_NAMES = {"train": "train", "val": "validation", "test": "test"}


def k(views: float) -> str:
    """Views in thousands, as the lecture writes them: 482.0 -> '0.48k'."""
    return f"{views / 1000:.2f}k"


def days(n: int) -> str:
    """'1 day', '7 days'."""
    return f"{n} day" if n == 1 else f"{n} days"


def with_spread(summary: dict) -> str:
    """'0.48k ± 0.01k' from a summary with mean and std over seeds."""
    if len(summary["per_seed"]) == 1:
        return k(summary["mean"])
    return f"{k(summary['mean'])} ± {k(summary['std'])}"


def results_table(metrics: dict) -> str:
    """The model, the exact linear fit and the baselines, per period, in the training loss's metric.

    MAE for a model trained on MAE; RMSE (views, the root of MSE) for one trained on MSE.
    """
    metric = "mae" if metrics["training"]["loss"] == "mae" else "rmse"
    periods = list(metrics["losses"])
    n_seeds = len(metrics["seeds"])
    label = f"{metrics['model']['spec']}, {days(metrics['model']['n_lags'])}"
    if n_seeds > 1:
        label += f" (mean ± std of {n_seeds} seeds)"
    rows = [[label] + [with_spread(metrics["losses"][p][metric]) for p in periods]]
    if "linear" in metrics:
        exact = metrics["linear"]["least_squares"]["losses"]
        rows.append(["linear, exact least squares"] + [k(exact[p][metric]) for p in periods])
    for name in metrics["baselines"][periods[0]]:
        rows.append([f"baseline: {name}"] + [_baseline_cell(metrics, p, name, metric) for p in periods])
    headers = [f"{metric.upper()} in views"] + [PERIOD_NAMES[p] for p in periods]
    return tabulate(rows, headers=headers, colalign=["left"] + ["right"] * len(periods))


def _baseline_cell(metrics, period, name, metric) -> str:
    result = metrics["baselines"][period][name]
    if not result["days"]:
        return "n/a"
    cell = k(result[metric])
    examples = metrics["periods"][period]["examples"]
    return cell if result["days"] == examples else f"{cell} ({result['days']} days)"


def linear_function(metrics: dict, max_weights: int = 7) -> str:
    """The learned y = b + Σ w_j x_j, averaged over seeds, in views."""
    linear = metrics["linear"]
    n_seeds = len(linear["intercept"])
    b = sum(linear["intercept"]) / n_seeds
    w = [sum(ws) / n_seeds for ws in zip(*linear["coef"])]
    shown = ", ".join(f"{wj:.2f}" for wj in w[:max_weights]) + (", ..." if len(w) > max_weights else "")
    where = f"mean of {n_seeds} seeds" if n_seeds > 1 else f"seed {metrics['seeds'][0]}"
    return f"learned y = b + Σ w_j x_j ({where}): b = {k(b)}, w = {shown}"
