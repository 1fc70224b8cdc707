"""The report's explorers: gradient descent on the real error surface, a curve built from
sigmoids, and batch sizes side by side, computed in the page by `explorer.js` (no framework,
no network: the file still opens offline by a double-click); the same script shows the numbers
of the point nearest the pointer on every picture (`plots.picture`'s points).

The page computes on the lecture's real training examples (x₁, y), embedded as JSON from
`surface.json` (a few thousand numbers), with the formulas of `lecture.surface.descend`; the
tests run both on the same starts and compare. Without JavaScript the widgets stay hidden and
the pictures remain.
"""

from __future__ import annotations

import html
import json
from importlib import resources

from ..core.i18n import _
from ..core.optimize import EXPLODED


def descent() -> str:
    """The gradient-descent explorer's HTML (section 1), in the current language."""
    said = {
        "title": _("Try it: gradient descent on this surface"),
        "intro": _("Click the surface to choose where gradient descent starts (w⁰, b⁰); set the learning rate η and the number "
                   "of updates, and optionally momentum (m ← λm − ηg, θ ← θ + m). The page computes the loss and its gradient "
                   "from the real training days, the same formulas as viewcast's own, and draws the path as it goes. Dark is lower."),
        "momentum": _("momentum"),
    }
    return _html(DESCENT, said)


def batches() -> str:
    """Batch 1, 32 and the full batch side by side (section 3), in the current language."""
    said = {
        "title": _("Try it: batch 1, 32 and the full batch, one update at a time"),
        "intro": _("The same start and the same η; each update of a small batch uses a few shuffled days, the full batch all of them."),
        "step": _("one update"), "run": _("100 updates"), "reset": _("start again"),
    }
    return _html(BATCHES, said)


def sigmoids() -> str:
    """The sigmoid builder (section 6), in the current language."""
    said = {
        "title": _("Try it: a curve as a constant plus a sum of sigmoids"),
        "intro": _("The lecture's red curve: any curve is close to a constant b plus a sum of pieces cᵢ·sigmoid(…). Here the curve "
                   "is the real training days' views (grey). Add, move and stretch hard sigmoids, sigmoids or ReLUs, and set their "
                   "heights; the button finds b and every c by least squares. More pieces follow the curve more closely: the "
                   "lecture's 'more units, a more flexible function'."),
        "add": _("add a piece"), "fit": _("fit b and every c by least squares"),
    }
    return _html(SIGMOIDS, said, options=_piece_options())


def _html(template: str, said: dict[str, str], **markup: str) -> str:
    return template.format(**{key: html.escape(text) for key, text in said.items()}, **markup)


DESCENT = """<div id="explore-descent" class="explore" hidden>
<h3>{title}</h3>
<p>{intro}</p>
<canvas width="640" height="420"></canvas>
<div class="controls">
<label>Loss <select name="loss"><option value="mse">MSE</option><option value="mae">MAE</option></select></label>
<label><span class="lr"></span> <input type="range" name="lr" min="-4" max="0.5" step="0.05" value="-2"></label>
<label><span class="updates"></span> <input type="range" name="updates" min="1" max="2000" step="1" value="100"></label>
<label><input type="checkbox" name="momentum"> {momentum}, <span class="lambda"></span>
<input type="range" name="lambda" min="0" max="0.99" step="0.01" value="0.9"></label>
</div>
<canvas width="640" height="200"></canvas>
<p class="result"></p>
</div>"""

BATCHES = """<div id="explore-batches" class="explore" hidden>
<h3>{title}</h3>
<p>{intro}</p>
<div class="controls"><button type="button" class="step">{step}</button> <button type="button" class="run">{run}</button>
<button type="button" class="reset">{reset}</button>
<label><span class="lr"></span> <input type="range" name="lr" min="-4" max="0" step="0.05" value="-2"></label></div>
<div class="row">""" + '<canvas width="320" height="260"></canvas>' * 3 + """</div>
</div>"""

SIGMOIDS = """<div id="explore-sigmoids" class="explore" hidden>
<h3>{title}</h3>
<p>{intro}</p>
<canvas width="640" height="300"></canvas>
<div class="pieces"></div>
<p><select class="kind">{options}</select> <button type="button" class="add">{add}</button>
<button type="button" class="fit">{fit}</button></p>
<p class="result"></p>
</div>"""


def _piece_options() -> str:
    return "".join(f'<option value="{kind}">{html.escape(name)}</option>' for kind, name in _pieces().items())


def _pieces() -> dict[str, str]:
    return {"hard": _("hard sigmoid"), "sigmoid": "sigmoid", "relu": "ReLU"}


def words() -> dict[str, str]:
    """What `explorer.js` writes as it runs, in the current language; `{name}` fields are filled in the page."""
    return {
        "updates": _("{n} updates"),
        "exploded": _("The loss exploded at update {n}: η is too large."),
        "after": _("After {n} updates: w = {w}, b = {b}, L = {loss}."),
        "update": _("update"), "mae": _("loss (MAE, views)"), "mse": _("loss (MSE, views²)"),
        "day": _("training day"), "views": _("views"),
        "fitted": _("MSE {mse} views², b = {b}, {c}"),
        **{key: html.escape(text) for key, text in  # (set as HTML in the page)
           {"where": _("where"), "wide": _("how wide"), "height": _("height c"), "remove": _("remove")}.items()},
        "batch": _("batch {size}: {n} updates, MSE {loss}"), "full": _("full batch: {n} updates, MSE {loss}"),
        "pieces": _piece_options(),  # (HTML: the names escaped)
    }


STYLE = """
  .explore { border: 1px solid #ddd; padding: 0.5rem 1rem; margin: 1rem 0; border-radius: 4px; }
  .explore canvas { width: 100%; height: auto; display: block; margin: 0.5rem 0; cursor: crosshair; }
  .explore .row { display: flex; gap: 0.5rem; flex-wrap: wrap; } .explore .row canvas { width: 32%; min-width: 12rem; flex: 1; }
  .explore label { margin-right: 1rem; white-space: nowrap; } .explore .pieces div { margin: 0.25rem 0; }
  .explore input[type=range] { vertical-align: middle; max-width: 9rem; }
  .tip { position: absolute; background: #222; color: #fff; font-size: 0.8rem; padding: 0.2rem 0.4rem;
         border-radius: 3px; pointer-events: none; white-space: nowrap; }
"""


def page_data(surface: dict | None) -> dict | None:
    """What the explorers compute on: the training examples (x₁, y, their day), the surface's
    grid and start, and the loss limit of `descend`; None for a folder without the examples."""
    if surface is None or "pairs" not in surface:
        return None
    pairs = surface["pairs"]
    return {"x": pairs["x"], "y": pairs["y"], "day": pairs.get("day") or list(range(len(pairs["y"]))),
            "w": surface["w"], "b": surface["b"], "start": surface["start"], "exploded": EXPLODED, "words": words()}


def scripts(surface: dict | None) -> str:
    """The explorers' data (when the folder has them) and the page's script, for the end of the page."""
    code = resources.files("viewcast.reporting").joinpath("explorer.js").read_text(encoding="utf-8")
    data = page_data(surface)
    if data is None:
        return f"<script>\n{code}</script>"
    text = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    return f'<script type="application/json" id="viewcast-data">{text}</script>\n<script>\n{code}</script>'

