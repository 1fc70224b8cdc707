"""How long `viewcast lecture` takes, against its time budget (issue 3).

    .venv/bin/python benchmarks/lecture_time.py            # the default run and --quick
    .venv/bin/python benchmarks/lecture_time.py --quick    # --quick only

Each run is a fresh process (`python -m viewcast lecture ...`), as a user starts it,
so the time includes importing PyTorch and loading the data. It prints the wall time
of each run, the time `results.json` records for the work itself, and the fraction
of the budget used (the budget: 300 s for the default run, 30 s for --quick).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUDGETS = {"default": ([], 300.0), "quick": (["--quick"], 30.0)}


def time_run(extra: list[str]) -> tuple[float, float]:
    """Wall time of one `viewcast lecture` process, and the wall time its results.json records."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "lecture"
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "viewcast", "lecture", "--quiet", "--out", str(out), *extra],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        wall = time.perf_counter() - started
        recorded = json.loads((out / "results.json").read_text())["wall_time_s"]
    return wall, recorded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="time --quick only")
    args = parser.parse_args()
    names = ["quick"] if args.quick else ["default", "quick"]
    print(f"{'run':<8} {'process s':>10} {'recorded s':>11} {'budget s':>9} {'of budget':>10}")
    for name in names:
        extra, budget = BUDGETS[name]
        wall, recorded = time_run(extra)
        print(f"{name:<8} {wall:>10.1f} {recorded:>11.1f} {budget:>9.0f} {wall / budget:>10.2f}", flush=True)


if __name__ == "__main__":
    main()
