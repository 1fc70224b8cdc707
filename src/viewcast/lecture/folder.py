"""The lecture folder that `viewcast lecture` writes, read back (by `report` and `doctor`).

    results.json      the tables, selection and settings (losses: MAE in views)
    tables.md         the tables as printed, in Markdown
    curves.csv, predictions.csv, surface.json, mismatch.json, optimizers.json, classification.json
                      what the pictures need
    report.html       the pictures (`reporting.lecture_folder.save_lecture` writes the folder)
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..engine.folders import FolderKind
from ..errors import DataError
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
    try:
        results = json.loads((folder / "results.json").read_text())
        curves = _read_csv(folder / "curves.csv")
        predictions = _read_csv(folder / "predictions.csv", parse_dates=["date"])
        surface, changed_world, race, classification = (
            _read_json(folder / name) for name in ("surface.json", "mismatch.json", "optimizers.json", "classification.json"))
        if not isinstance(results, dict) or "tables" not in results:
            raise ValueError("results.json has no tables")
    except (ValueError, KeyError, OSError) as err:
        detail = str(err).strip().splitlines()[0][:200] if str(err).strip() else type(err).__name__
        raise DataError(f"{folder} is a damaged lecture folder ({detail}); run `viewcast lecture` again") from None
    return LectureRun(results, curves, predictions, surface, changed_world, race, classification)


def _read_json(path: Path) -> dict | None:
    return json.loads(path.read_text()) if path.exists() else None


def _read_csv(path: Path, **options) -> pd.DataFrame | None:
    return pd.read_csv(path, **options) if path.exists() else None
