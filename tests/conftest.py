import numpy as np
import pandas as pd
import pytest


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
