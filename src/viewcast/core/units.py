"""Numbers as the lecture writes them, for every layer that puts a number into words.

The lecture writes views in thousands ("0.48k"). A series is written that way when it has
1,000 a day or more (`Units`, decided once per series from `describe`'s level); a smaller
one at the data's precision (`amount`): a small channel's 25 views a day stay "25", never
with fewer than two significant digits. The forecasts are always at the data's precision.

    >>> k(482.0), k(18.0), days(1), days(7)
    ('0.48k', '0.018k', '1 day', '7 days')
    >>> amount(1234.4), amount(3.24), amount(0.25, decimals=3), metric_label("Views"), metric_label("Watch time (hours)")
    ('1,234', '3.2', '0.250', 'views', 'Watch time (hours)')
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .i18n import N_, _, ngettext

PERIOD_NAMES = {"train": N_("training"), "val": N_("validation"), "test": N_("test")}
"""A period in a sentence: 'the training period'."""

PERIOD_HEADERS = {"train": N_("train"), "val": N_("validation"), "test": N_("test")}
"""A period as a table's column or a short label: 'train 1,438 of 1,461'."""


def k(views: float, decimals: int | None = None) -> str:
    """Views in thousands, as the lecture writes them: 482.0 -> '0.48k'.

    Under 0.1k a third decimal keeps small losses apart: 18.0 -> '0.018k'.
    """
    if decimals is None:
        decimals = 2 if abs(views) >= 99.5 else 3
    return f"{views / 1000:.{decimals}f}k"


def amount(value: float, decimals: int = 0) -> str:
    """`value` with the data's `decimals`, and more when that leaves fewer than two significant digits."""
    if not math.isfinite(value):
        return str(value)
    shown = decimals
    if value != 0 and abs(value) < 10:
        shown = max(decimals, 1 - math.floor(math.log10(abs(value))))
    return f"{value:,.{min(shown, 6)}f}"


THOUSANDS_FROM = 1000
"""A series whose level (median of its last year) is at least this is written in thousands."""


@dataclass(frozen=True)
class Units:
    """How one series' values are written, decided once for all its tables and sentences.

    >>> small = Units.of({"level": 25.0, "decimals": 0, "metric": "views"})
    >>> small.value(24.4), small.summary({"mean": 24.4, "std": 0.3, "per_seed": [24.1, 24.7]})
    ('24', '24 ± 0.30')
    >>> Units.of({"level": 2752.0}).value(482.0)
    '0.48k'
    """

    thousands: bool = True
    decimals: int = 0
    metric: str = "views"

    @classmethod
    def of(cls, data: dict | None) -> Units:
        """From `describe(series)`'s dict (a run's or lecture's "data"); a file written before
        the level was kept gets the lecture's thousands."""
        level = (data or {}).get("level")
        if level is None:
            return cls(metric=(data or {}).get("metric", "views"))
        return cls(level >= THOUSANDS_FROM, int(data.get("decimals", 0)), data.get("metric", "views"))

    def value(self, value: float, decimals: int | None = None) -> str:
        """A loss or a level: in thousands, or at the data's precision."""
        return k(value, decimals) if self.thousands else amount(value, self.decimals)

    def exact(self, value: float | None) -> str:
        """At the data's precision whatever the level (forecasts and their scores); 'n/a' for None."""
        return "n/a" if value is None else amount(value, self.decimals)

    def spread(self, mean: float, std: float) -> str:
        """A mean and its std over seeds: '0.48k ± 0.012k', or '24 ± 0.30'."""
        if self.thousands:
            return spread(mean, std)
        return f"{amount(mean, self.decimals)} ± {amount(std, max(self.decimals, 2) if std < 10 else self.decimals)}"

    def summary(self, summary: dict) -> str:
        """A summary over seeds (mean, std, per_seed) as `with_spread` writes it, in these units."""
        if len(summary.get("per_seed", [])) <= 1:
            return self.value(summary["mean"])
        return self.spread(summary["mean"], summary["std"])


def metric_label(name: str | None) -> str:
    """How sentences name the values: 'views' for the usual names of view counts, else the column's own name."""
    if name is None or str(name).strip().lower() in ("views", "view", "y", "value"):
        return "views"
    return str(name)


def decimals_of(values) -> int:
    """The decimals the data are written with (0 for counts, 3 for '243.645'), up to 3."""
    for decimals in range(3):
        scaled = [v * 10**decimals for v in values]
        if all(abs(v - round(v)) < 1e-6 for v in scaled):
            return decimals
    return 3


def days(n: int) -> str:
    """'1 day', '7 days': in the labels that name a model ('linear on 7 days'), always English."""
    return f"{n} day" if n == 1 else f"{n} days"


def days_text(n: int) -> str:
    """`days` in the current language, for sentences: '7 days', '7 天'."""
    return ngettext("{n} day", "{n} days", n).format(n=n)


_LABEL = re.compile(r"(?P<baseline>baseline: )?(?P<global>global )?(?P<model>.+?)(?: on (?P<n>\d+) days?)?"
                    r"(?P<inputs>, [^(]+?)?(?P<lecture> \(the lecture's\))?(?: \(all (?P<series>[\d,]+) series\))?")
_COMBINATIONS = {
    re.compile(r"mean of the best (?P<n>\d+) networks"): N_("mean of the best {n} networks"),
    re.compile(r"median of the best (?P<n>\d+) networks"): N_("median of the best {n} networks"),
    re.compile(r"mean of the best network and AutoARIMA"): N_("mean of the best network and AutoARIMA"),
    re.compile(r"mean of \(the best (?P<n>\d+) networks' mean\) and AutoARIMA"): N_("mean of (the best {n} networks' mean) and AutoARIMA"),
    re.compile(r"mean of \(the best (?P<n>\d+) networks' mean\), AutoARIMA and AutoETS"):
        N_("mean of (the best {n} networks' mean), AutoARIMA and AutoETS"),
}


def model_label(label: str) -> str:
    """A model's label ('relu:100 on 56 days, level, direct', 'baseline: same as 7 days ago', 'mean of the best
    3 networks') in the current language: the labels are names that the saved results use as keys, written in
    English; this is how they are shown. Option values in them (level, log-level, +weekday) stay as typed.
    """
    if label.startswith("viewcast (") and label.endswith(")"):  # a backtest's pick, among the methods
        return _("viewcast ({model})").format(model=model_label(label.removeprefix("viewcast (").removesuffix(")")))
    for pattern, message in _COMBINATIONS.items():
        if found := pattern.fullmatch(label):
            return _(message).format(**found.groupdict())
    match = _LABEL.fullmatch(label)
    if match is None:  # (an empty label)
        return label
    name = _(match["model"]) if match["baseline"] else match["model"]  # (a rule's name, baselines.BASELINES)
    if match["n"]:
        name = _("{model} on {days}").format(model=name, days=days_text(int(match["n"])))
    if match["global"]:
        name = _("global {model}").format(model=name)
    if match["inputs"]:
        inputs = match["inputs"].removeprefix(", ")
        name = (_("{model}, {inputs}, direct") if inputs.endswith(", direct") else _("{model}, {inputs}")).format(
            model=name, inputs=inputs.removesuffix(", direct"))
    if match["lecture"]:
        name = _("{model} (the lecture's)").format(model=name)
    if match["series"]:
        name = _("{model} (all {n} series)").format(model=name, n=match["series"])
    return _("baseline: {rule}").format(rule=name) if match["baseline"] else name


def batch_text(size: int) -> str:
    """'batch 32', or 'full batch' for 0, in the current language."""
    return _("batch {size}").format(size=size) if size else _("full batch")


def with_spread(summary: dict) -> str:
    """'0.48k ± 0.012k' from a summary with mean and std over seeds (the std to 1 view).

    >>> with_spread({"mean": 482.0, "std": 12.0, "per_seed": [470.0, 494.0]})
    '0.48k ± 0.012k'
    """
    if len(summary["per_seed"]) == 1:
        return k(summary["mean"])
    return spread(summary["mean"], summary["std"])


def spread(mean: float, std: float) -> str:
    """'0.48k ± 0.012k': a mean and its std over seeds (the std to 1 view)."""
    return f"{k(mean)} ± {k(std, 3)}"


def whole(value: float | None) -> str:
    """A count or a loss in whole views with thousands separators; 'n/a' for None: 1234.5 -> '1,234'."""
    return "n/a" if value is None else f"{value:,.0f}"
