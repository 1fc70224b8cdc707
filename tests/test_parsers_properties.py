"""Properties of the parsers of user files (hypothesis): generated series written the ways people's
files write them read back exactly, or are refused with one line; never a wrong date or value."""

import os

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import viewcast as vc
from viewcast.core.dates import STYLES, parse_dates

# HYPOTHESIS_EXAMPLES=3000 for a longer search than make test's
SETTINGS = settings(max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", 60)), deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@st.composite
def daily_dates(draw):
    """Some days of a daily series (gaps allowed), in a random row order."""
    start = draw(st.dates(min_value=pd.Timestamp("2005-01-01").date(), max_value=pd.Timestamp("2030-01-01").date()))
    n = draw(st.integers(min_value=1, max_value=120))
    days = pd.date_range(start, periods=n)
    kept = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    days = days[np.array(kept)] if any(kept) else days[:1]
    order = draw(st.permutations(range(len(days))))
    return days[list(order)]


@SETTINGS
@given(days=daily_dates(), style=st.sampled_from(list(STYLES)))
def test_dates_read_back_as_written_or_the_order_is_asked_for(days, style):
    fmt = STYLES[style] or "%Y-%m-%d"
    text = pd.Series([d.strftime(fmt) for d in days])
    try:
        read = parse_dates(text).dates
    except vc.DataError as err:  # allowed only when day and month could be either
        assert "--date-format" in str(err) and ("DD" in style or "MM" in style)
        return
    assert list(read) == list(days)


values = st.one_of(st.integers(min_value=0, max_value=10**9).map(str), st.just(""),
                   st.decimals(min_value=0, max_value=10**6, places=3).map(str))


@SETTINGS
@given(days=daily_dates(), data=st.data())
def test_a_date_value_file_reads_back_its_days_and_values(tmp_path, days, data):
    cells = data.draw(st.lists(values, min_size=len(days), max_size=len(days)))
    path = tmp_path / "views.csv"
    path.write_text("date,views\n" + "".join(f"{d.date()},{v}\n" for d, v in zip(days, cells)))
    expected = pd.Series([float(v) if v else np.nan for v in cells], index=days).dropna().sort_index()
    expected = expected[expected.index >= expected[expected > 0].index.min()] if (expected > 0).any() else None
    if expected is None:
        with pytest.raises(vc.DataError, match="every value is (empty|0)"):
            vc.load_csv(path)
        return
    series = vc.load_csv(path)
    assert list(series.index) == list(expected.index)
    np.testing.assert_array_equal(series.to_numpy(), expected.to_numpy())


csv_like = st.text(alphabet='0123456789-/,."\n dateviwsDVT:+Z\tÿ', max_size=200)


@SETTINGS
@given(text=st.one_of(csv_like, st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=200),
                      csv_like.map(lambda body: "date,views\n" + body)))
def test_any_text_is_read_or_refused_in_one_line(tmp_path, text):
    path = tmp_path / "any.csv"
    path.write_text(text, encoding="utf-8")
    try:
        series = vc.load_csv(path)
    except vc.DataError as err:
        assert "\n" not in str(err)
        return
    assert series.index.is_monotonic_increasing and series.index.is_unique
    assert (series.to_numpy() >= 0).all() and np.isfinite(series.to_numpy()).all()
