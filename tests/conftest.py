import contextlib
import io
import os

import numpy as np
import pandas as pd
import pytest

from viewcast.engine import cpu


def pytest_configure(config):
    """Under pytest-xdist (`make test` runs `-n auto`), the workers share the cores instead of each taking all."""
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if workers > 1:
        cpu.limit_threads(max(1, cpu.n_cores() // workers))


@pytest.fixture
def weekly_series():
    """Two years of synthetic daily views: growth, a weekly cycle and noise."""
    days = pd.date_range("2020-01-01", periods=730, name="date")
    rng = np.random.default_rng(0)
    t = np.arange(len(days))
    values = 1000 + t + 300 * (days.day_of_week < 5) + rng.normal(0, 30, len(days))
    return pd.Series(values, index=days, name="views")


@pytest.fixture
def write_csv(tmp_path):
    """Write text to a CSV file in a temporary folder and return its path."""

    def write(text, name="views.csv", encoding="utf-8"):
        path = tmp_path / name
        path.write_text(text, encoding=encoding)
        return path

    return write


@pytest.fixture(scope="session")
def quick_lecture(tmp_path_factory):
    """`viewcast lecture --quick` on the bundled wiki-r, run once per test process for the tests that read it: its folder."""
    from viewcast.cli.main import main

    out = tmp_path_factory.mktemp("quick") / "lecture"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        code = main(["lecture", "--quick", "--quiet", "--out", str(out)])
    assert code == 0, printed.getvalue()
    return out
