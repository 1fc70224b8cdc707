from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import viewcast as vc
from viewcast.core.data import describe

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def test_prophet_columns_are_found_and_rows_sorted(write_csv):
    path = write_csv('"ds","y"\n"2024-01-03",3\n"2024-01-01",1\n"2024-01-02",2\n')
    series = vc.load_csv(path)
    assert series.index.is_monotonic_increasing
    assert series.tolist() == [1.0, 2.0, 3.0]
    assert series.index[0] == pd.Timestamp("2024-01-01")


def test_youtube_studio_table_export(write_csv):
    text = (
        "Date,Views,Watch time (hours),Subscribers,Impressions click-through rate (%)\n"
        "Total,600,30.5,4,5.1\n"
        "2024-03-02,250,10.0,1,5.0\n"
        "2024-03-01,350,20.5,3,5.2\n"
    )
    series = vc.load_csv(write_csv(text, "Table data.csv", encoding="utf-8-sig"))
    assert series.tolist() == [350.0, 250.0]
    assert series.name == "Views"


def test_youtube_studio_chart_export(write_csv):
    series = vc.load_csv(write_csv("Date,Views\n2024-03-01,7\n2024-03-02,9\n", "Chart data.csv"))
    assert series.tolist() == [7.0, 9.0]


def test_date_value_file_and_named_columns(write_csv):
    assert vc.load_csv(write_csv("date,value\n2024-01-01,5\n")).tolist() == [5.0]
    path = write_csv("when,hits,other\n2024-01-01,5,9\n2024-01-02,6,9\n")
    series = vc.load_csv(path, date_col="when", value_col="hits")
    assert series.tolist() == [5.0, 6.0]


def test_date_format_option(write_csv):
    series = vc.load_csv(write_csv("date,views\n31/01/2024,5\n01/02/2024,6\n"), date_format="%d/%m/%Y")
    assert list(series.index.strftime("%Y-%m-%d")) == ["2024-01-31", "2024-02-01"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("date,views\n2024-01-01,5\n2024-01-32,6\n", "line 3: '2024-01-32' is not a date"),
        ("date,views\n2024-01-01,5\n2024-01-02,6\n2024-01-01,7\n", "2024-01-01 appears more than once (lines 2 and 4)"),
        ("date,views\n2024-01-01,5\n2024-01-02,lots\n", "line 3 (2024-01-02): 'lots' is not a number"),
        ("date,views\n2024-01-01,-5\n", "line 2 (2024-01-01): -5 is negative"),
        ("date,views\n2024-01-01,5\n\n2024-01-03,6\n", "line 3: an empty date"),
        ("date,views\n2024-01-01 13:30,5\n", "has a time of day"),
        ("when,views\n2024-01-01,5\n", "no date column found (columns: when, views); name it with --date-col"),
        ("date,clicks\n2024-01-01,5\n", "no value column found"),
        ("date,views,value\n2024-01-01,5,6\n", "several possible value columns (views, value)"),
        ("date,views\n2024-01-01,5\n2024-01-02,5,6,7\n", "is not a well-formed CSV (line 3 has 4 fields, the header 2)"),
        ("date,views\n", "no data rows"),
        ("", "is empty"),
    ],
)
def test_bad_input_gets_one_line_naming_file_and_place(write_csv, text, expected):
    path = write_csv(text)
    with pytest.raises(vc.DataError) as err:
        vc.load_csv(path)
    message = str(err.value)
    assert expected in message
    assert str(path) in message
    assert "\n" not in message


def test_utc_offsets_that_change_with_daylight_saving(write_csv):
    text = "date,views\n2024-03-30T00:00:00+01:00,5\n2024-03-31T00:00:00+02:00,6\n2024-04-01T00:00:00Z,7\n"
    series = vc.load_csv(write_csv(text))
    assert list(series.index.strftime("%Y-%m-%d")) == ["2024-03-30", "2024-03-31", "2024-04-01"]


@pytest.mark.parametrize(
    "text, options, expected",
    [
        ("date,views\n2024-01-01,5\n", {"date_col": "views", "value_col": "views"}, "cannot both come from"),
        ("date;views\n2024-01-01;5\n", {}, "viewcast reads comma-separated files"),
        ("date,views\n2024-01-01,5\n", {"date_format": "%Q"}, "cannot be read with --date-format '%Q'"),
    ],
)
def test_more_mistakes_get_one_line(write_csv, text, options, expected):
    with pytest.raises(vc.DataError, match=expected):
        vc.load_csv(write_csv(text), **options)


def test_missing_file_and_binary_file(tmp_path):
    with pytest.raises(vc.DataError, match="no such file"):
        vc.load_csv(tmp_path / "nope.csv")
    binary = tmp_path / "image.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00\x81")
    with pytest.raises(vc.DataError, match="not a UTF-8 text CSV"):
        vc.load_csv(binary)


def test_named_column_that_does_not_exist(write_csv):
    with pytest.raises(vc.DataError, match="no column 'hits' for --metric"):
        vc.load_csv(write_csv("date,views\n2024-01-01,5\n"), value_col="hits")


def test_bundled_datasets_match_their_provenance():
    # Figures from shared/data/README.md, written independently of this package.
    expected = {"wiki-r": (2863, 59), "peyton-manning": (2905, 59), "pedestrians": (1490, 0)}
    for name, (days, missing) in expected.items():
        info = describe(vc.load_dataset(name))
        assert (info["days"], info["missing_days"]) == (days, missing)


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/data is not beside this checkout")
def test_wiki_r_counts_are_exp_of_the_shared_log_file():
    raw = pd.read_csv(SHARED / "wikipedia_R_log.csv", parse_dates=["ds"]).set_index("ds")["y"]
    bundled = vc.load_dataset("wiki-r")
    np.testing.assert_array_equal(bundled.to_numpy(), np.rint(np.exp(raw.sort_index().to_numpy())))


def test_unknown_dataset_lists_the_bundled_ones():
    with pytest.raises(vc.ConfigError, match="wiki-r, peyton-manning, pedestrians"):
        vc.load_dataset("wiki-python")
