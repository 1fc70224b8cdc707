"""Properties of the parsers of user files (hypothesis): generated series written the ways people's
files write them read back exactly, or are refused with one line; never a wrong date or value."""

import os

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
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


# The loader's fuzz (issue 18): files shaped like people's, with every kind of damage mixed in.
# `make fuzz` runs it with HYPOTHESIS_EXAMPLES=10000.

HEADERS = ["date,views"] * 4 + ["Date,Views", "ds,y", "Datum,Aufrufe", "date,views,extra", "views,date", "date", "",
           "Date,Content,Video title,Views", "day;count", '"date","views"', "\ufeffdate,views"]
odd_dates = st.one_of(
    st.sampled_from(["", "Total", "9999-12-31", "2024-02-30", "0000-01-01", "2024-01-01T10:00:00", "2024-01-01+05:00",
                     "Showing top 500 results", "1/2/3", "yesterday"]),
    st.text(max_size=12),
)
odd_values = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["", "1e308", "1e400", "-1e308", "inf", "-inf", "nan", "NaN", "-0", "-1", '"1,234"', "1 234",
                     "1.234,5", "9" * 400, "0x10", "1_000", "  7  ", "１２", "1e15", "1e16"]),
    st.text(max_size=12),
)


@st.composite
def damaged_csv(draw) -> bytes:
    """A CSV as bytes: a header, days in one style with odd cells mixed in (some rows ragged or with a
    huge field), an encoding and line ends. Most files are nearly clean, so both outcomes are searched."""
    start = draw(st.dates(min_value=pd.Timestamp("1990-01-01").date(), max_value=pd.Timestamp("2040-01-01").date()))
    fmt = STYLES[draw(st.sampled_from(list(STYLES)))] or "%Y-%m-%d"
    damage = draw(st.sampled_from([0.0, 0.0, 0.02, 0.1, 0.5]))  # the share of odd cells and rows
    rows = []
    for i in range(draw(st.integers(min_value=0, max_value=40))):
        odd = draw(st.lists(st.floats(0, 1), min_size=3, max_size=3))
        day = (pd.Timestamp(start) + pd.Timedelta(days=i)).strftime(fmt)
        value = str(draw(st.integers(min_value=0, max_value=10**7)))
        row = [draw(odd_dates) if odd[0] < damage else day, draw(odd_values) if odd[1] < damage else value]
        if odd[2] < damage / 2:
            shape = draw(st.sampled_from(["short", "long", "huge"]))
            row = row[:1] if shape == "short" else row + ["x"] if shape == "long" else [row[0], "y" * 140_000]
        rows.append(",".join(row))
    text = draw(st.sampled_from(["\n", "\r\n", "\r"])).join([draw(st.sampled_from(HEADERS)), *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]))
    return text.encode(encoding, errors="replace")


@SETTINGS
@given(raw=damaged_csv())
def test_the_loader_returns_a_clean_series_or_its_own_one_line_error(tmp_path, raw):
    from viewcast.core.data import MAX_VALUE
    from viewcast.core.features import Scaler

    path = tmp_path / "fuzz.csv"
    path.write_bytes(raw)
    try:
        series = vc.load_csv(path)
    except vc.DataError as err:  # anything else fails the test
        assert "\n" not in str(err) and len(str(err)) < 500
        event("refused")
        return
    event("read")
    values = series.to_numpy()
    assert series.index.is_monotonic_increasing and series.index.is_unique
    assert (series.index == series.index.normalize()).all()
    assert np.isfinite(values).all() and (values >= 0).all() and (values <= MAX_VALUE).all()
    with np.errstate(all="raise"):  # scaling must not overflow
        assert np.isfinite(Scaler.fit(values).transform(values).astype(np.float32)).all()
