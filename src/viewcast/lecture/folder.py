"""The lecture folder that `viewcast lecture` writes, read back (by `report` and `doctor`).

    results.json      the tables, selection and settings (losses: MAE in views)
    tables.md         the tables as printed, in Markdown
    curves.csv, predictions.csv, surface.json, mismatch.json, optimizers.json, classification.json
                      what the pictures need
    report.html       the pictures (`reporting.lecture_folder.save_lecture` writes the folder)
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from ..engine import files
from ..engine.folders import FolderKind
from ..errors import DataError, cut
from .run import LectureRun

FILES = ("results.json", "tables.md", "curves.csv", "predictions.csv", "surface.json", "mismatch.json", "optimizers.json",
         "classification.json", "report.html")
LECTURE_FOLDER = FolderKind("viewcast lecture folder", FILES, ("results.json",))


def load_lecture(folder: Path) -> LectureRun:
    """Read a lecture folder back. A folder written before the pictures existed has only
    `results.json` (and `tables.md`): the other parts are then None."""
    folder = Path(folder)
    if not (folder / "results.json").is_file():
        raise DataError(f"{folder} is not a viewcast lecture folder (no results.json); run `viewcast lecture --out {folder}` first")
    with files.damaged_folder(folder, "lecture folder", "run `viewcast lecture` again"):
        results = files.read_json(folder / "results.json")
        files.field(results, "tables", dict, folder / "results.json")
        curves = _read_csv(folder / "curves.csv")
        predictions = _read_csv(folder / "predictions.csv", parse_dates=["date"])
        surface, changed_world, race, classification = (
            _read_json(folder / name) for name in ("surface.json", "mismatch.json", "optimizers.json", "classification.json"))
    return LectureRun(results, curves, predictions, surface, changed_world, race, classification)


def _read_json(path: Path) -> dict | None:
    if not path.exists():
        return None
    parsed = files.read_json(path)
    if not isinstance(parsed, dict):
        raise DataError(f"{path}: is not a table of fields")
    return parsed


def _read_csv(path: Path, **options) -> pd.DataFrame | None:
    if not path.exists():
        return None
    try:
        return pd.read_csv(io.StringIO(files.read_text(path)), **options)
    except (ValueError, pd.errors.ParserError) as err:
        raise DataError(f"{path}: is not a readable CSV ({cut(str(err).strip(), 120)})") from None
