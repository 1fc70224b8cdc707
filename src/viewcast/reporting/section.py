"""One section of `report.html`: what every section module builds, and the phrases they share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

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
    return Section(title, [f"This folder has no {what}: it was written by an older viewcast or with fewer "
                           "tables (--tables). Run `viewcast lecture` again to get this section."])


def above(loss: float, minimum: float) -> str:
    """'3.2% above', or 'at' when within 0.05%."""
    if minimum <= 0:
        return "at" if loss <= minimum else f"{loss:,.4g} above"
    excess = 100 * (loss / minimum - 1)
    return "at" if abs(excess) < 0.05 else f"{excess:.1f}% {'above' if excess > 0 else 'below'}"
