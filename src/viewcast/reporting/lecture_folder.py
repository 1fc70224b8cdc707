"""Writing a lecture folder (`lecture.folder` describes it and reads it back): the results, the
tables, what the pictures need, and `report.html`."""

from __future__ import annotations

import json
from pathlib import Path

from ..engine import files
from ..engine.folders import check_outside, write_atomic, write_folder
from ..errors import ConfigError
from ..lecture.folder import FILES, LECTURE_FOLDER, load_lecture
from ..lecture.run import LectureRun
from . import report
from .text import lecture_tables


def save_lecture(run: LectureRun, out: Path, force: bool = False) -> Path:
    """Write the lecture folder `out`, whole or not at all: the results, the tables, what the
    pictures need, and `report.html`, made from the files just written (as `viewcast report` would)."""
    writers = {
        "results.json": lambda path: _write_json(path, run.results, indent=2),
        "tables.md": lambda path: path.write_text(lecture_tables(run.results, markdown=True), encoding="utf-8"),
        "curves.csv": lambda path: run.curves.to_csv(path, index=False, float_format="%.2f"),
        "predictions.csv": lambda path: run.predictions.to_csv(path, index=False),
        "surface.json": lambda path: _write_json(path, run.surface),
        **({"mismatch.json": lambda path: _write_json(path, run.mismatch, indent=1)} if run.mismatch else {}),
        **({"optimizers.json": lambda path: _write_json(path, run.optimizers)} if run.optimizers else {}),
        **({"classification.json": lambda path: _write_json(path, run.classification)} if run.classification else {}),
        "report.html": lambda path: path.write_text(report.build(load_lecture(path.parent))[0], encoding="utf-8"),
    }
    return write_folder(out, writers, LECTURE_FOLDER, force)


def _write_json(path: Path, value: dict, indent: int | None = None) -> None:
    path.write_text(json.dumps(value, indent=indent) + "\n")


def write_report(lecture_dir: Path, out: Path | None = None, figures: Path | None = None, force: bool = False) -> tuple[Path, int]:
    """`viewcast report`: `report.html` of a saved lecture folder (by default the folder's own,
    made again), and each figure as a PNG in the folder `figures` if given. Every target is
    checked before anything is written; returns the page's path and the figures written."""
    run = load_lecture(lecture_dir)
    folder = Path(lecture_dir).resolve()
    out = Path(out) if out is not None else folder / "report.html"
    own = out.resolve() == folder / "report.html"  # the folder's own report is made again without asking
    if out.resolve().parent == folder and out.name in FILES and not own:
        raise ConfigError(f"{out} is one of the lecture folder's own files; choose another --out")
    if out.is_dir():
        raise ConfigError(f"{out} is a folder; give a file name for --out")
    check_outside(out, own=folder)
    if figures is not None:
        check_outside(Path(figures) / "figure.png", own=folder)
    if figures is not None and Path(figures).exists() and not Path(figures).is_dir():
        raise ConfigError(f"{figures} is a file; give a folder for --figures")
    try:
        html, pngs = report.build(run)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as err:
        raise files.damaged(lecture_dir, "lecture folder", err, "run `viewcast lecture` again") from None
    targets = ([] if own else [out]) + ([Path(figures) / name for name in pngs] if figures is not None else [])
    taken = [str(path) for path in targets if path.exists()]
    if taken and not force:
        raise ConfigError(f"{taken[0]} already exists; choose another path, or add --force to replace it")
    write_atomic(out, html.encode("utf-8"))
    for name, png in pngs.items() if figures is not None else ():
        write_atomic(Path(figures) / name, png)
    return out, len(pngs) if figures is not None else 0
