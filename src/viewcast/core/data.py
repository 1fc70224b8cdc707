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

import hashlib
import io
import logging
import warnings
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from ..engine import files
from ..errors import ConfigError, DataError, cut
from . import dates, studio
from .config import DataConfig
from .studio import long_series
from .units import decimals_of, metric_label

DATE_NAMES = ("ds", "date", "day")
VALUE_NAMES = ("y", "views", "value", "count")
MAX_VALUE = 1e15
"""The largest value a day may have: training squares errors in 32-bit floats (at most 3.4e38),
so larger values overflow; no channel has a quadrillion views a day."""
_HEADER_LINES = 1  # CSV line of data row i is i + 1 + _HEADER_LINES
log = logging.getLogger("viewcast")


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
    series: str | None = None,
) -> pd.Series:
    """Read a daily CSV, or a YouTube Studio export, into a sorted series of non-negative values indexed by date.

    `path`: a CSV, or a Studio export's zip or folder (`studio.read_text` picks its file).
    `date_format`: a `strftime` pattern (default: the one style of `dates.STYLES` that
    reads every date). `series`: in a long file (one row a day per video or traffic
    source), the one to read, by ID or name (default: their sum). Empty cells are
    missing days; the zero days before the first nonzero one are left out. What was
    read that way is logged (`logging`, logger "viewcast"), one line each.

    Raises `DataError` for an unreadable file, missing columns, bad or duplicated
    dates, and non-numeric or negative values.
    """
    rows = _read_rows(Path(path), date_col, value_col, date_format, long=series is not None)
    label = rows.label
    if rows.columns.dimension is not None:
        read = long_series(rows.frame, rows.dates, rows.values, rows.columns, series, label)
    else:
        if series is not None:
            raise DataError(f"{label}: has one series, not one per video or traffic source; leave out --series")
        _check_unique(rows.dates, rows.lines, label)
        read = pd.Series(rows.values, index=pd.DatetimeIndex(rows.dates, name="date"), name=rows.columns.value)
    return _drop_leading_zeros(_drop_empty(read.sort_index(), label), label)


@dataclass(frozen=True)
class _Rows:
    """A file's day rows, read and checked: which columns are what, each row's date, value and CSV line."""

    label: str
    frame: pd.DataFrame
    columns: Columns
    dates: pd.DatetimeIndex
    values: np.ndarray
    lines: np.ndarray


def _read_rows(path: Path, date_col, value_col, date_format, long: bool) -> _Rows:
    source = studio.read_text(path, long=long)
    frame = _read_table(source)
    columns = _pick_columns(frame, source.label, date_col, value_col)
    frame = _data_rows(frame, columns, source.label)
    lines = frame.index.to_numpy() + 1 + _HEADER_LINES
    dates = _parse_dates(frame[columns.date], lines, source.label, date_format)
    values = _parse_values(frame[columns.value], dates, lines, source.label)
    return _Rows(source.label, frame, columns, dates, values, lines)


def fingerprint(series: pd.Series) -> str:
    """A hash of the series' days and values: equal exactly when the data read are the same."""
    return hashlib.sha256(pd.util.hash_pandas_object(series, index=True).to_numpy().tobytes()).hexdigest()[:16]


def describe(series: pd.Series) -> dict:
    """First and last date, days with data and days missing in between; what the values are, their
    decimals and their level (the median of the last 365 days: `units.Units` writes with it)."""
    span = (series.index[-1] - series.index[0]).days + 1
    return {
        "first": series.index[0].date().isoformat(),
        "last": series.index[-1].date().isoformat(),
        "days": len(series),
        "missing_days": span - len(series),
        "metric": metric_label(series.name),
        "decimals": decimals_of(series.to_numpy()[-365:]),
        "level": float(np.median(series.to_numpy()[-365:])),
    }


def _read_table(source: studio.TextFile) -> pd.DataFrame:
    """The file as strings, every line kept, so row i is CSV line i + 2."""
    if not source.text.strip():
        raise DataError(f"{source.label}: is empty; it needs a header and one row a day")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)  # a row longer than the header
            return pd.read_csv(
                io.StringIO(source.text), dtype=str, keep_default_na=False, skip_blank_lines=False, index_col=False
            )
    except pd.errors.EmptyDataError:
        raise DataError(f"{source.label}: is empty; it needs a header and one row a day") from None
    except (pd.errors.ParserError, pd.errors.ParserWarning) as err:
        raise DataError(f"{source.label}: is not a well-formed CSV ({_ragged_line(source.text) or err})") from None


def _ragged_line(text: str) -> str | None:
    """'line N has K fields, the header M' for the first row whose length differs from the header's."""
    rows = files.csv_rows(text)
    n_fields = len(next(rows))
    for row in rows:
        if row and len(row) != n_fields:
            return f"line {rows.line_num} has {len(row)} fields, the header {n_fields}"
    return None


@dataclass(frozen=True)
class Columns:
    """Which column holds what: the date, the value, and in a long file the dimension (video, traffic source...)."""

    date: str
    value: str
    dimension: str | None = None
    title: str | None = None
    publish: str | None = None


def _pick_columns(frame, label, date_col, value_col) -> Columns:
    columns = [str(c) for c in frame.columns]
    listed = _listed(columns)
    if date_col is not None and date_col not in columns:
        raise DataError(f"{label}: no column {cut(date_col)!r} for --date-col (columns: {listed})")
    if len(columns) == 1 and any(sep in columns[0] for sep in ";\t|"):
        raise DataError(
            f"{label}: has one column {cut(columns[0])!r}; viewcast reads comma-separated files: save it as CSV with commas"
        )
    roles = {c: studio.role_of(c) for c in columns}
    if date_col is None and studio.kind(columns) == "table" and {"content", "video title"} & set(roles.values()):
        raise DataError(
            f"{label}: is YouTube Studio's table data (one row per video, no dates); "
            "give the export's zip, Totals.csv or Chart data.csv"
        )
    date_col = date_col or _find_column(columns, roles, "date", DATE_NAMES, label, "--date-col")
    value_col = _metric_column(columns, roles, value_col, label) if value_col else \
        _find_column(columns, roles, "views", VALUE_NAMES, label, "--metric")
    if date_col == value_col:
        raise DataError(f"{label}: the dates and the values cannot both come from column {cut(date_col)!r}")
    dimension = next((c for c in columns if roles[c] in studio.DIMENSIONS), None)
    first = {role: next((c for c in columns if roles[c] == role), None) for role in ("video title", "video publish time")}
    return Columns(date_col, value_col, dimension, first["video title"], first["video publish time"])


def _metric_column(columns, roles, wanted, label) -> str:
    """The column --metric names: as written, or by its role in any language ('views' finds 'Aufrufe')."""
    if wanted in columns:
        return wanted
    role = studio.role_of(wanted)
    found = [c for c in columns if studio.fold(c) == studio.fold(wanted) or (role is not None and roles[c] == role)]
    if not found:
        raise DataError(f"{label}: no column {cut(wanted)!r} for --metric (columns: {_listed(columns)})")
    return found[0]


def _find_column(columns, roles, role, names, label, option) -> str:
    """The one column of `role` (by its Studio name in any language) or, failing that, named like one of `names`."""
    found = [c for c in columns if roles[c] == role or studio.fold(c) in names]
    listed = _listed(columns)
    what = "date" if role == "date" else "value"
    if not found:
        raise DataError(f"{label}: no {what} column found (columns: {listed}); name it with {option}")
    if len(found) > 1:
        raise DataError(f"{label}: several possible {what} columns ({_listed(found)}); choose one with {option}")
    return found[0]


def _data_rows(frame: pd.DataFrame, columns: Columns, label: str) -> pd.DataFrame:
    """The rows that are days: without Studio's Total row and a last line like 'Showing top 500 results'."""
    frame = frame.fillna("")  # a short row's absent fields
    first = frame[columns.date].str.strip()
    frame = frame[~first.map(studio.fold).isin(studio.names("total"))]
    if len(frame):
        last = frame.iloc[-1]
        others = last.drop(columns.date).str.strip()
        if (others == "").all() and last[columns.date].strip()[:1].isalpha():
            log.info("%s: line %d, %r, is a footer, not a day: left out", label, frame.index[-1] + 1 + _HEADER_LINES,
                     cut(last[columns.date].strip()))
            frame = frame.iloc[:-1]
    if frame.empty:
        raise DataError(f"{label}: no data rows under the header")
    return frame


def _parse_dates(text: pd.Series, lines, label, date_format) -> pd.DatetimeIndex:
    try:
        parsed = dates.parse_dates(text, date_format)
    except DataError as err:
        raise DataError(f"{label}: {err}") from None
    found = parsed.dates
    bad = np.flatnonzero(found.isna().to_numpy())
    if len(bad):
        i = bad[0]
        cell = text.iloc[i].strip()
        shown = repr(cut(cell)) if cell else "an empty date"
        if dates.out_of_range(cell):
            raise DataError(f"{label}: line {lines[i]}: {shown} is outside the dates viewcast can compute with "
                            "(1678 to 2261); check the year")
        expected = date_format or f"{parsed.style} (or another of {', '.join(dates.STYLES)})"
        raise DataError(f"{label}: line {lines[i]}: {shown} is not a date in the form {expected}; "
                        "fix it, or give the format with --date-format")
    if getattr(found.dt, "tz", None) is not None:
        found = found.dt.tz_localize(None)
    timed = np.flatnonzero((found != found.dt.normalize()).to_numpy())
    if len(timed):
        i = timed[0]
        raise DataError(f"{label}: line {lines[i]}: {cut(text.iloc[i].strip())!r} has a time of day; "
                        "viewcast needs one row a day (sum the rows of each day first)")
    return pd.DatetimeIndex(found)


def _parse_values(text: pd.Series, dates, lines, label) -> np.ndarray:
    """The values as floats, NaN where a cell is empty (a missing day, never a zero)."""
    text = text.str.strip()
    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)
    bad = np.flatnonzero(((~np.isfinite(values)) & (text != "").to_numpy()) | (values < 0) | (values > MAX_VALUE))
    if len(bad):
        i = bad[0]
        raise DataError(f"{label}: line {lines[i]} ({dates[i].date()}): {_value_problem(text.iloc[i])}")
    return values


def _value_problem(text: str) -> str:
    number = pd.to_numeric(text, errors="coerce")
    if text.lstrip().startswith("-") and np.isfinite(number):
        return f"{cut(text)} is negative; counts cannot be"
    if number > MAX_VALUE:
        largest = f"{MAX_VALUE:.0e}".replace("e+", "e")  # '1e15'
        return f"{cut(text)} is too large to compute with (viewcast takes values up to {largest}); fix the row"
    return f"{cut(text)!r} is not a number; fix or delete the row"


def _listed(columns: list[str], most: int = 12) -> str:
    """Column names for an error line: each cut, and no more than `most` of them."""
    shown = ", ".join(cut(c, 40) for c in columns[:most])
    return shown + (f" and {len(columns) - most} more" if len(columns) > most else "")


def _check_unique(dates: pd.DatetimeIndex, lines, label) -> None:
    repeated = dates.duplicated(keep=False)
    if repeated.any():
        first = dates[repeated][0]
        where = " and ".join(str(n) for n in lines[dates == first][:2])
        raise DataError(f"{label}: {first.date()} appears more than once (lines {where}); keep one row a day")


def _drop_empty(series: pd.Series, label: str, note=log.info) -> pd.Series:
    """Empty cells are missing days: left out of the index, never read as zeros."""
    empty = int(series.isna().sum())
    if empty:
        note("%s: %s, read as missing days (never as zeros)", label, _count(empty, "empty cell"))
        series = series.dropna()
    if series.empty:
        raise DataError(f"{label}: every value is empty")
    return series


def _drop_leading_zeros(series: pd.Series, label: str, note=log.info) -> pd.Series:
    """The series from its first nonzero day: an export padded with zeros back to 2007 says nothing before it."""
    nonzero = np.flatnonzero(series.to_numpy() > 0)
    if len(nonzero) == 0:
        raise DataError(f"{label}: every value is 0; there is nothing to learn from")
    if nonzero[0] > 0:
        first = series.index[nonzero[0]]
        note("%s: left out %s of 0 before the first nonzero day (%s)", label, _count(int(nonzero[0]), "day"), first.date())
        series = series.iloc[nonzero[0]:]
    return series


def _count(n: int, what: str) -> str:
    return f"{n:,} {what}" + ("" if n == 1 else "s")


def load_series(data: DataConfig) -> tuple[pd.Series, Dataset | None]:
    """The series a `DataConfig` points to, and its bundled `Dataset` entry if any."""
    if data.dataset is not None:
        return load_dataset(data.dataset), get_dataset(data.dataset)
    return load_csv(data.path, data.date_col, data.value_col, data.date_format, data.series), None


def series_table(data: DataConfig) -> pd.DataFrame:
    """The series of a long file (one row per video or traffic source), with their totals, largest first."""
    rows = _read_rows(Path(data.path), data.date_col, data.value_col, data.date_format, long=True)
    if rows.columns.dimension is None:
        raise DataError(f"{rows.label}: has one series, not one per video or traffic source; leave out --series")
    return studio.totals(rows.frame, rows.values, rows.columns)
