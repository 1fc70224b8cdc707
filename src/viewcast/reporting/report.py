"""`report.html`: the lecture's pictures, with a short text for each, in one self-contained file.

Everything comes from a saved lecture folder (`lecture.load_lecture`): making a report
never trains. The images are PNGs embedded as data URIs and the style sheet is inline,
so the file opens anywhere, offline, with no request to the network. Its one script, inline,
runs the explorers (`explorer.py`): without it the pictures remain.

    >>> from viewcast.reporting.lecture_folder import load_lecture
    >>> html, figures = build(load_lecture("runs/lecture"))  # doctest: +SKIP
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..core.i18n import _, figures_speak, language, sentences
from ..core.units import batch_text
from . import explorer, guide_sections, lecture_sections, plots
from .section import Section

if TYPE_CHECKING:
    from ..lecture.run import LectureRun

def build(run: LectureRun) -> tuple[str, dict[str, bytes]]:
    """The report's HTML, and each figure as PNG bytes by file name (e.g. `1-error-surface.png`)."""
    pngs, parts = {}, []
    with plots.speaking():
        for section in sections(run):
            parts.append(_section_html(section, pngs))
    source = run.results["data"]["source"]
    page = PAGE.format(title=html.escape(_("viewcast: the lecture on {source}").format(source=source)), intro=_intro(run),
                       body="\n".join(parts), style=explorer.STYLE, scripts=explorer.scripts(run.surface), lang=language(),
                       footer=html.escape(_("Made by viewcast from the files of this lecture folder; nothing was trained to make it.")))
    return page, pngs


def _section_html(section: Section, pngs: dict[str, bytes]) -> str:
    """One section as HTML; its figures, as PNG bytes, go into `pngs` by file name."""
    images = []
    for name, fig in section.figures.items():
        # (a figure's words are the page's when a font could draw them; else the picture is described by its section)
        alt = (fig.axes[0].get_title() if language() == "en" or figures_speak() else "") or section.title
        pngs[name], points = plots.picture(fig)
        uri = "data:image/png;base64," + base64.b64encode(pngs[name]).decode("ascii")
        hover = html.escape(json.dumps(points, ensure_ascii=False, separators=(",", ":")), quote=False).replace("'", "&#x27;")
        images.append(f'<img src="{uri}" alt="{html.escape(alt)}" data-hover=\'{hover}\'>')
    text = "".join(f"<p>{html.escape(p)}</p>" for p in section.paragraphs)
    numbers = html.escape(_("The numbers"))
    pre = f"<details><summary>{numbers}</summary><pre>{html.escape(section.preformatted)}</pre></details>" if section.preformatted else ""
    return f"<section><h2>{html.escape(section.title)}</h2>{text}{''.join(images)}{section.explorer}{pre}</section>"


def sections(run: LectureRun) -> Iterator[Section]:
    """The sections, in the lecture's order; a part missing from the folder says so.

    One at a time, so that `build` closes a section's figures before the next one draws its own."""
    for make in (*lecture_sections.SECTIONS, *guide_sections.SECTIONS):
        yield make(run)


def _intro(run: LectureRun) -> str:
    r = run.results
    t, periods = r["training"], r["periods"]
    text = _("Data: {source}, {first}..{last}. Training {start}..{end}, test {test_start}..{test_end}. Every model: {loss}, "
             "{optimizer}, η = {lr}, {batch}, {n_epochs} epochs, {n_seeds} seeds. Losses are in views.").format(
        source=r["data"]["source"], first=r["data"]["first"], last=r["data"]["last"], start=periods["train"]["start"],
        end=periods["train"]["end"], test_start=periods["test"]["start"], test_end=periods["test"]["end"], loss=t["loss"].upper(),
        optimizer=t["optimizer"], lr=f"{t['lr']:g}", n_epochs=t["n_epochs"], n_seeds=len(r["seeds"]),
        batch=batch_text(t["batch_size"]))
    if r["short_run"]:
        text = sentences(text, _("This is a short run (fewer epochs or seeds than the default): a quick look, not the reference numbers."))
    return f"<p>{html.escape(text)}</p>"


PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
  body {{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.5;
         max-width: 60rem; margin: 0 auto; padding: 1rem; color: #222; }}
  h1 {{ font-size: 1.5rem; }} h2 {{ font-size: 1.2rem; margin-top: 2.5rem; border-bottom: 1px solid #ddd; }}
  img {{ max-width: 100%; height: auto; display: block; margin: 1rem 0; }}
  pre {{ overflow-x: auto; font-size: 0.75rem; background: #f6f6f6; padding: 0.5rem; }}
  summary {{ cursor: pointer; color: #555; }}{style}
</style>
</head>
<body>
<h1>{title}</h1>
{intro}
{body}
<p><small>{footer}</small></p>
{scripts}
</body>
</html>
"""
