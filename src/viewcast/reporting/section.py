"""One section of `report.html`: what every section module builds, and the phrases they share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..core.i18n import _

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass
class Section:
    """One part of the report: a title, paragraphs (plain text), figures by file name, and
    optionally preformatted text (the tables) and an explorer (`explorer.py`'s HTML, after the figures)."""

    title: str
    paragraphs: list[str]
    figures: dict[str, Figure] = field(default_factory=dict)
    preformatted: str = ""
    explorer: str = ""


def missing(title: str, what: str) -> Section:
    """The section's place, saying which file of the folder it needs."""
    return Section(title, [_("This folder has no {what}: it was written by an older viewcast or with fewer "
                             "tables (--tables). Run `viewcast lecture` again to get this section.").format(what=what)])


def above(loss: float, minimum: float) -> str:
    """'3.2% above the minimum', or 'at the minimum' when within 0.05%."""
    if minimum <= 0:
        return _("at the minimum") if loss <= minimum else _("{amount} above the minimum").format(amount=f"{loss:,.4g}")
    excess = 100 * (loss / minimum - 1)
    if abs(excess) < 0.05:
        return _("at the minimum")
    return (_("{percent}% above the minimum") if excess > 0 else _("{percent}% below the minimum")).format(percent=f"{abs(excess):.1f}")
