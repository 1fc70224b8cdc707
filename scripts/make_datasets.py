"""Rebuild the datasets bundled in src/viewcast/datasets/ from ../shared/data/.

The Wikipedia files hold ln(views); round(exp(y)) gives back the integer counts
exactly. The pedestrian file already holds counts. Rows are written sorted by date,
as `date,views` (`date,count` for the pedestrians); days missing from the source stay missing (never invented).

Run from the repository root:  python scripts/make_datasets.py [SHARED_DATA_DIR]
"""

import sys
from pathlib import Path

import numpy as np
import pandas as pd

SOURCES = {
    # bundled name: (source file, the source holds ln(counts), name of the count column)
    "wiki_r.csv": ("wikipedia_R_log.csv", True, "views"),
    "peyton_manning.csv": ("wikipedia_peyton_manning_log.csv", True, "views"),
    "pedestrians.csv": ("melbourne_pedestrians.csv", False, "count"),
}


def convert(source: Path, is_log: bool, column: str) -> pd.DataFrame:
    raw = pd.read_csv(source)
    values = np.rint(np.exp(raw["y"])) if is_log else raw["y"]
    frame = pd.DataFrame({"date": pd.to_datetime(raw["ds"]), column: values.astype("int64")})
    return frame.sort_values("date")


def main() -> None:
    root = Path(__file__).resolve().parent.parent
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else root.parent / "shared" / "data"
    out = root / "src" / "viewcast" / "datasets"
    for name, (source, is_log, column) in SOURCES.items():
        frame = convert(shared / source, is_log, column)
        frame.to_csv(out / name, index=False, date_format="%Y-%m-%d")
        print(f"{name}: {len(frame)} rows, {frame.date.min():%Y-%m-%d} .. {frame.date.max():%Y-%m-%d}")


if __name__ == "__main__":
    main()
