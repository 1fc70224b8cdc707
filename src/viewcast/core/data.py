"""Step 0: the data, a daily series of counts (views) indexed by date.

Everything downstream takes a `pandas.Series` with a sorted, unique, daily
`DatetimeIndex` named `date` and non-negative float values. Missing days are
simply absent from the index: nothing here invents a value for them.

Two ways in:

- `load_dataset(name)`: a real series bundled with the package (`DATASETS`).
- `load_csv(path)`: a user's file. Columns are found by name when that cannot go
  wrong: Prophet's `ds,y`; a YouTube Studio export by date (`Date`, `Views` among
  other metric columns, and a `Total` row); `date,value`, `date,views`,
  `day,count`... Otherwise name them with `date_col` / `value_col`.

Every problem with a file raises `DataError` with one line naming the file, the
line (or date) and what to do about it.
"""

from __future__ import annotations

import csv
import warnings
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ConfigError, DataError
from .config import DataConfig

DATE_NAMES = ("ds", "date", "day")
VALUE_NAMES = ("y", "views", "value", "count")
_HEADER_LINES = 1  # CSV line of data row i is i + 1 + _HEADER_LINES


@dataclass(frozen=True)
class Dataset:
    """A bundled series and the lecture-shaped split it is used with by default."""

    name: str
    filename: str
    description: str
    train: tuple[str, str]
    test: tuple[str, str]


DATASETS = {
    d.name: d
    for d in (
        Dataset(
            "wiki-r",
            "wiki_r.csv",
            'Wikipedia views of "R (programming language)": weekly cycle, steady growth',
            train=("2011-01-01", "2014-12-31"),
            test=("2015-01-01", "2015-12-31"),
        ),
        Dataset(
            "peyton-manning",
            "peyton_manning.csv",
            'Wikipedia views of "Peyton Manning": spikes on playoff and Super Bowl days',
            train=("2011-01-01", "2014-12-31"),
            test=("2015-01-01", "2015-12-31"),
        ),
        Dataset(
            "pedestrians",
            "pedestrians.csv",
            "Pedestrians a day at a Melbourne sensor: the 2020 lockdowns break the pattern",
            train=("2017-06-02", "2019-12-31"),
            test=("2020-01-01", "2020-12-31"),
        ),
    )
}


def get_dataset(name: str) -> Dataset:
    """The bundled dataset called `name`; an error lists the valid names."""
    if name not in DATASETS:
        raise ConfigError(f"unknown dataset {name!r}; bundled datasets: {', '.join(DATASETS)}")
    return DATASETS[name]


def load_dataset(name: str) -> pd.Series:
    """Load a bundled series by name.

    >>> views = load_dataset("wiki-r")
    >>> views.index[0].date(), views.index[-1].date()
    (datetime.date(2008, 1, 1), datetime.date(2015, 12, 31))
    """
    dataset = get_dataset(name)
    with resources.as_file(resources.files("viewcast") / "datasets" / dataset.filename) as path:
        return load_csv(path)


def load_csv(
    path: str | Path,
    date_col: str | None = None,
    value_col: str | None = None,
    date_format: str | None = None,
) -> pd.Series:
    """Read a daily CSV into a sorted series of non-negative values indexed by date.

    `date_format` is a `strftime` pattern (default: ISO dates, `2024-01-31`).
    Raises `DataError` for an unreadable file, missing columns, bad or duplicated
    dates, and missing, non-numeric or negative values.
    """
    path = Path(path)
    frame = _read_table(path)
    date_col, value_col = _pick_columns(frame, path, date_col, value_col)
    frame = frame[[date_col, value_col]].fillna("")  # a short row's absent fields
    frame = frame[frame[date_col].str.strip().str.lower() != "total"]  # YouTube Studio's sum row
    if frame.empty:
        raise DataError(f"{path}: no data rows under the header")
    lines = frame.index.to_numpy() + 1 + _HEADER_LINES
    dates = _parse_dates(frame[date_col], lines, path, date_format)
    values = _parse_values(frame[value_col], dates, lines, path)
    _check_unique(dates, lines, path)
    series = pd.Series(values, index=pd.DatetimeIndex(dates, name="date"), name=value_col)
    return series.sort_index()


def describe(series: pd.Series) -> dict:
    """First and last date, days with data and days missing in between."""
    span = (series.index[-1] - series.index[0]).days + 1
    return {
        "first": series.index[0].date().isoformat(),
        "last": series.index[-1].date().isoformat(),
        "days": len(series),
        "missing_days": span - len(series),
    }


def _read_table(path: Path) -> pd.DataFrame:
    """The file as strings, every line kept, so row i is CSV line i + 2."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)  # a row longer than the header
            return pd.read_csv(
                path,
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=False,
                index_col=False,
                encoding="utf-8-sig",
            )
    except FileNotFoundError:
        raise DataError(f"{path}: no such file; check the path") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a folder, not a CSV file") from None
    except PermissionError:
        raise DataError(f"{path}: cannot be read (permission denied)") from None
    except UnicodeDecodeError:
        raise DataError(f"{path}: is not a UTF-8 text CSV file; export it as CSV") from None
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: is empty; it needs a header and one row a day") from None
    except (pd.errors.ParserError, pd.errors.ParserWarning) as err:
        raise DataError(f"{path}: is not a well-formed CSV ({_ragged_line(path) or err})") from None


def _ragged_line(path: Path) -> str | None:
    """'line N has K fields, the header M' for the first row whose length differs from the header's."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = csv.reader(f)
        n_fields = len(next(rows))
        for row in rows:
            if row and len(row) != n_fields:
                return f"line {rows.line_num} has {len(row)} fields, the header {n_fields}"
    return None


def _pick_columns(frame, path, date_col, value_col) -> tuple[str, str]:
    columns = list(frame.columns)
    listed = ", ".join(map(str, columns))
    for given, option in ((date_col, "--date-col"), (value_col, "--value-col")):
        if given is not None and given not in columns:
            raise DataError(f"{path}: no column {given!r} for {option} (columns: {listed})")
    if len(columns) == 1 and any(sep in str(columns[0]) for sep in ";\t|"):
        raise DataError(
            f"{path}: has one column {columns[0]!r}; viewcast reads comma-separated files: "
            "save it as CSV with commas"
        )
    date_col = date_col or _find_column(columns, DATE_NAMES, "date", "--date-col", path)
    value_col = value_col or _find_column(columns, VALUE_NAMES, "value", "--value-col", path)
    if date_col == value_col:
        raise DataError(f"{path}: the dates and the values cannot both come from column {date_col!r}")
    return date_col, value_col


def _find_column(columns, names, what, option, path) -> str:
    found = [c for c in columns if str(c).strip().lower() in names]
    listed = ", ".join(map(str, columns))
    if not found:
        raise DataError(
            f"{path}: no {what} column found (columns: {listed}); name it with {option}"
        )
    if len(found) > 1:
        raise DataError(
            f"{path}: several possible {what} columns ({', '.join(found)}); choose one with {option}"
        )
    return found[0]


def _parse_dates(text: pd.Series, lines, path, date_format) -> pd.DatetimeIndex:
    text = text.str.strip()
    if date_format is None:  # a UTC offset does not change the calendar day written (DST exports)
        text = text.str.replace(r"(?<=\d)(Z|[+-]\d\d:?\d\d)$", "", regex=True)
    try:
        dates = pd.to_datetime(text, format=date_format or "ISO8601", errors="coerce")
    except ValueError as err:
        raise DataError(f"{path}: the dates cannot be read with format {date_format!r} ({err})") from None
    bad = np.flatnonzero(dates.isna().to_numpy())
    if len(bad):
        i = bad[0]
        shown = repr(text.iloc[i]) if text.iloc[i] else "an empty date"
        expected = date_format or "YYYY-MM-DD"
        raise DataError(
            f"{path}: line {lines[i]}: {shown} is not a date in the form {expected}; "
            "fix it, or give the format with --date-format"
        )
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_localize(None)
    timed = np.flatnonzero((dates != dates.dt.normalize()).to_numpy())
    if len(timed):
        i = timed[0]
        raise DataError(
            f"{path}: line {lines[i]}: {text.iloc[i]!r} has a time of day; "
            "viewcast needs one row a day (sum the rows of each day first)"
        )
    return pd.DatetimeIndex(dates)


def _parse_values(text: pd.Series, dates, lines, path) -> np.ndarray:
    text = text.str.strip()
    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)
    bad = np.flatnonzero(~np.isfinite(values) | (values < 0))
    if len(bad):
        i = bad[0]
        raise DataError(f"{path}: line {lines[i]} ({dates[i].date()}): {_value_problem(text.iloc[i])}")
    return values


def _value_problem(text: str) -> str:
    if not text:
        return "the value is missing; fill it in, or delete the row (a deleted day counts as missing)"
    if text.lstrip().startswith("-") and np.isfinite(pd.to_numeric(text, errors="coerce")):
        return f"{text} is negative; counts cannot be"
    return f"{text!r} is not a number; fix or delete the row"


def _check_unique(dates: pd.DatetimeIndex, lines, path) -> None:
    repeated = dates.duplicated(keep=False)
    if repeated.any():
        first = dates[repeated][0]
        where = " and ".join(str(n) for n in lines[dates == first][:2])
        raise DataError(
            f"{path}: {first.date()} appears more than once (lines {where}); keep one row a day"
        )


def load_series(data: DataConfig) -> tuple[pd.Series, Dataset | None]:
    """The series a `DataConfig` points to, and its bundled `Dataset` entry if any."""
    if data.dataset is not None:
        return load_dataset(data.dataset), get_dataset(data.dataset)
    return load_csv(data.path, data.date_col, data.value_col, data.date_format), None
