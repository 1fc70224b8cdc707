"""Many series in one long table: a column names the series of each row (`--by`).

    unique_id,ds,y            (the Nixtla libraries' names: statsforecast, mlforecast, neuralforecast)
    channel-a,2024-01-01,812
    channel-b,2024-01-01,95
    ...

or a YouTube Studio "Chart data" export, one row a day for each video (`--by Content`). The
file is read and checked as `data.load_csv` reads one series (the same columns found by name,
the same dates and values refused); then each series on its own: a series whose days repeat,
or whose values are all empty or 0, is set aside with the reason (`Collection.problems`), and
the others go on. A video's days before it was published are left out, as for `--series`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import DataError, cut
from . import studio
from .config import DataConfig
from .data import _check_unique, _drop_empty, _drop_leading_zeros, _listed, _read_rows

log = logging.getLogger("viewcast")
LONG_COLUMNS = ("series", "date", "value")


@dataclass
class Collection:
    """The series of a long table by name, in the file's order; `problems`: those that could not
    be read, with the reason; `titles`: a Studio video's title by its ID."""

    label: str
    by: str
    series: dict[str, pd.Series]
    problems: dict[str, str] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.series) + len(self.problems)


def load_long(data: DataConfig, by: str) -> Collection:
    """Every series of the long file `data.path`, one per value of its column `by` (as written,
    or by its Studio role in any language: `--by content` finds 'Inhalt').

    Raises `DataError` for what spoils the whole file (no such column, unreadable dates or
    values); a problem of one series only is kept in `Collection.problems`.
    """
    if data.path is None:
        raise DataError("--by reads many series from one long --data file (a column naming each series); "
                        "a bundled dataset has one")
    rows = _read_rows(Path(data.path), data.date_col, data.value_col, data.date_format, long=True)
    column = _by_column(list(map(str, rows.frame.columns)), by, rows.label)
    if column in (rows.columns.date, rows.columns.value):
        raise DataError(f"{rows.label}: --by {cut(by)!r} is the {'date' if column == rows.columns.date else 'value'} "
                        "column; give the column that names each series")
    keys = rows.frame[column].str.strip()  # Studio's IDs that start with '-' carry a leading space
    table = pd.DataFrame({"key": keys.to_numpy(), "date": rows.dates, "value": rows.values, "line": rows.lines})
    publish = rows.frame[rows.columns.publish].to_numpy() if rows.columns.publish else None
    collection = Collection(rows.label, column, {})
    notes: list[str] = []
    for key, part in table.groupby("key", sort=False):
        label = f"{rows.label} [{column} {cut(key, 40)}]"
        try:
            cells = None if publish is None else pd.Series(publish[part.index.to_numpy()])
            collection.series[key] = _one_series(part, cells, label, rows.columns.value, notes)
        except DataError as err:
            collection.problems[key] = str(err).removeprefix(f"{label}: ")
    if rows.columns.title is not None:
        titles = rows.frame[rows.columns.title].str.strip().groupby(keys.to_numpy(), sort=False).first()
        collection.titles = {key: title for key, title in titles.items() if title}
    log.info("%s: %d series by %s%s", rows.label, len(collection), column,
             f" ({len(notes)} notes on how they were read, e.g. {notes[0]})" if notes else "")
    return collection


def _by_column(columns: list[str], by: str, label: str) -> str:
    found = [c for c in columns if c == by] or [c for c in columns if studio.fold(c) == studio.fold(by)]
    role = studio.role_of(by)
    found = found or [c for c in columns if role is not None and studio.role_of(c) == role]
    if not found:
        raise DataError(f"{label}: no column {cut(by)!r} for --by (columns: {_listed(columns)})")
    return found[0]


def _one_series(part: pd.DataFrame, publish_cells, label: str, name: str, notes: list[str]) -> pd.Series:
    if part["key"].iloc[0] == "":
        raise DataError(f"{label}: lines {', '.join(map(str, part['line'][:3]))} have no name in the --by column")
    dates = pd.DatetimeIndex(part["date"], name="date")
    _check_unique(dates, part["line"].to_numpy(), label)
    series = pd.Series(part["value"].to_numpy(), index=dates, name=name).sort_index()
    published = None if publish_cells is None else studio.published_day(publish_cells)
    if published is not None and (series.index < published).any():
        series = series[series.index >= published]
    note = lambda text, *args: notes.append(text % args)
    return _drop_leading_zeros(_drop_empty(series, label, note), label, note)


def to_long(series: dict[str, pd.Series]) -> pd.DataFrame:
    """The long table (`series`, `date`, `value`) of named series: what `load_long` reads back."""
    parts = [pd.DataFrame({"series": name, "date": s.index.date, "value": s.to_numpy()}) for name, s in series.items()]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=list(LONG_COLUMNS))
