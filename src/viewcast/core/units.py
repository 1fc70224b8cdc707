"""Numbers as the lecture writes them, for every layer that puts a number into words.

    >>> k(482.0), k(18.0), days(1), days(7)
    ('0.48k', '0.018k', '1 day', '7 days')
"""

from __future__ import annotations

PERIOD_NAMES = {"train": "training", "val": "validation", "test": "test"}
"""A period in a sentence: 'the training period'."""

PERIOD_HEADERS = {"train": "train", "val": "validation", "test": "test"}
"""A period as a table's column or a short label: 'train 1,438 of 1,461'."""


def k(views: float, decimals: int | None = None) -> str:
    """Views in thousands, as the lecture writes them: 482.0 -> '0.48k'.

    Under 0.1k a third decimal keeps small losses apart: 18.0 -> '0.018k'.
    """
    if decimals is None:
        decimals = 2 if abs(views) >= 99.5 else 3
    return f"{views / 1000:.{decimals}f}k"


def days(n: int) -> str:
    """'1 day', '7 days'."""
    return f"{n} day" if n == 1 else f"{n} days"


def with_spread(summary: dict) -> str:
    """'0.48k ± 0.012k' from a summary with mean and std over seeds (the std to 1 view).

    >>> with_spread({"mean": 482.0, "std": 12.0, "per_seed": [470.0, 494.0]})
    '0.48k ± 0.012k'
    """
    if len(summary["per_seed"]) == 1:
        return k(summary["mean"])
    return f"{k(summary['mean'])} ± {k(summary['std'], 3)}"


def whole(value: float | None) -> str:
    """A count or a loss in whole views with thousands separators; 'n/a' for None: 1234.5 -> '1,234'."""
    return "n/a" if value is None else f"{value:,.0f}"
