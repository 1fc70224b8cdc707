"""Dates as people's files write them: ISO, or re-saved by a spreadsheet in a local style.

A YouTube Studio export writes `2024-01-31`; the same file opened and saved in Excel
may come back as `31-01-2024`, `1/31/24` or `31 Jan 2024`, sometimes newest first.
`parse_dates` tries each style of `STYLES` and keeps one that reads every cell.

When a day-first and a month-first style both read every cell (`01/02/2024`...), the
data decide only if one reading makes a daily series (mostly one day between
consecutive dates) and the other does not. Otherwise nothing is guessed: the error
asks for `--date-format`.

    >>> parse_dates(pd.Series(["13/01/2024", "14/01/2024"])).style
    'DD/MM/YYYY'
    >>> parse_dates(pd.Series(["01/02/2024"]))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    viewcast.errors.DataError: the dates read both as day/month and as month/day ('01/02/2024' is 2024-02-01 ...
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from ..errors import DataError

STYLES = {  # the name shown to the user: a strptime format (None: ISO 8601, with or without a time and offset)
    "YYYY-MM-DD": None,
    "YYYY/MM/DD": "%Y/%m/%d",
    "DD-MM-YYYY": "%d-%m-%Y",
    "MM-DD-YYYY": "%m-%d-%Y",
    "DD/MM/YYYY": "%d/%m/%Y",
    "MM/DD/YYYY": "%m/%d/%Y",
    "DD/MM/YY": "%d/%m/%y",
    "MM/DD/YY": "%m/%d/%y",
    "DD.MM.YYYY": "%d.%m.%Y",
    "Mon D, YYYY": "%b %d, %Y",
    "Month D, YYYY": "%B %d, %Y",
    "D Mon YYYY": "%d %b %Y",
    "D Month YYYY": "%d %B %Y",
}
_SWAPPED = {"DD-MM-YYYY": "MM-DD-YYYY", "DD/MM/YYYY": "MM/DD/YYYY", "DD/MM/YY": "MM/DD/YY"}  # day-first: month-first


@dataclass(frozen=True)
class ParsedDates:
    """The dates (NaT where a cell is not one), and the style that read them."""

    dates: pd.Series
    style: str


def parse_dates(text: pd.Series, date_format: str | None = None) -> ParsedDates:
    """Read every cell of `text` as a date, in `date_format` or in the one style of `STYLES` that reads them all.

    With no style reading every cell, the style that reads the most is returned, with
    NaT in the cells it cannot read (the caller names the first one).
    """
    text = text.astype(str).str.strip()
    if date_format is not None:
        return ParsedDates(_read_format(text, date_format), date_format)
    readings = {style: _read(text, fmt) for style, fmt in STYLES.items()}
    complete = [style for style, dates in readings.items() if not dates.isna().any()]
    if not complete:
        best = max(readings, key=lambda style: readings[style].notna().sum())
        return ParsedDates(readings[best], best if readings[best].notna().any() else "YYYY-MM-DD")
    style = complete[0]
    swapped = _SWAPPED.get(style)
    if swapped in complete:
        style = _decide(text, readings, style, swapped)
    return ParsedDates(readings[style], style)


def _read_format(text: pd.Series, fmt: str) -> pd.Series:
    """The cells in the user's `strftime` format; with offsets (`%z`) that differ from row to row,
    each date is the calendar day written, as in `_read`."""
    directives = re.findall(r"%.", fmt.replace("%%", ""))
    twice = next((d for d in directives if directives.count(d) > 1), None)
    if twice is not None:
        raise DataError(f"--date-format {fmt!r} gives {twice} twice; give each part of the date once")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pandas' warning about mixed offsets: handled below
            dates = pd.to_datetime(text, format=fmt, errors="coerce")
        if pd.api.types.is_datetime64_any_dtype(dates):
            return dates
        return pd.to_datetime(text.map(lambda cell: _strptime_local(cell, fmt)))
    except (ValueError, re.error) as err:
        raise DataError(f"the dates cannot be read with --date-format {fmt!r} ({err})") from None


def _strptime_local(cell: str, fmt: str):
    try:
        return datetime.strptime(cell, fmt).replace(tzinfo=None)
    except ValueError:
        return pd.NaT


def out_of_range(cell: str) -> bool:
    """Whether `cell` writes a year outside the dates pandas can hold (1677-09-22 to 2262-04-11).

    >>> out_of_range("9999-12-31"), out_of_range("2024-01-31")
    (True, False)
    """
    return any(not 1678 <= int(year) <= 2261 for year in re.findall(r"(?<!\d)\d{4}(?!\d)", cell))


def _read(text: pd.Series, fmt: str | None) -> pd.Series:
    if fmt is None:  # a UTC offset does not change the calendar day written (DST exports)
        text = text.str.replace(r"(?<=\d)(Z|[+-]\d\d:?\d\d)$", "", regex=True)
        fmt = "ISO8601"
    try:
        return pd.to_datetime(text, format=fmt, errors="coerce")
    except ValueError:
        return pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")


def _decide(text: pd.Series, readings: dict, day_first: str, month_first: str) -> str:
    """The reading that makes a daily series, or an error asking for the order."""
    daily = {style: _daily_share(readings[style]) for style in (day_first, month_first)}
    differ = readings[day_first] != readings[month_first]
    if not differ.any() or abs(daily[day_first] - daily[month_first]) >= 0.5:  # the same days, or one reading is daily
        return max(daily, key=daily.get)
    example = text[differ].iloc[0]
    first, second = readings[day_first][text == example].iloc[0], readings[month_first][text == example].iloc[0]
    raise DataError(
        f"the dates read both as day/month and as month/day ({example!r} is {first.date()} or {second.date()}); "
        f"give the order with --date-format {STYLES[day_first]} or {STYLES[month_first]}"
    )


def _daily_share(dates: pd.Series) -> float:
    """The share of one-day steps between the sorted distinct dates (1.0 for a daily series without gaps)."""
    days = np.unique(dates.to_numpy(dtype="datetime64[D]"))
    if len(days) < 2:
        return 0.0
    return float(np.mean(np.diff(days) == np.timedelta64(1, "D")))
