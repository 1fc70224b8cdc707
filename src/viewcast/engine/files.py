"""Reading the files people give viewcast, at the boundary: whatever is in them, one clear error or clean data.

Every file viewcast reads (a data CSV, a Studio zip, a sweep's TOML, a run folder's
JSON) comes through `read_bytes`, which refuses what is not a regular file (a FIFO
would hang the read, `/dev/zero` would fill the memory) and files far larger than the
thing they should hold. `read_json` and `read_toml` add the parse, with the error
naming the file and the place (a file nested 100,000 levels deep is refused, not a
`RecursionError`); `field` reads a required field of a parsed file, naming the file
and the field when it is absent or of the wrong kind.

    >>> field({"data": {"days": 3}}, "data.days", int, "metrics.json")
    3
    >>> field({"data": {}}, "data.days", int, "metrics.json")
    Traceback (most recent call last):
    ...
    viewcast.errors.DataError: metrics.json: no field 'data.days'
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import stat
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    import tomli as tomllib

from ..errors import DataError, cut

MAX_DATA_BYTES = 1 << 30
"""A data file's largest size: a daily series of a century is under 1 MB, a Studio
export of every video's daily views a few hundred MB."""
MAX_RUN_FILE_BYTES = 256 << 20
"""A run folder's JSON or TOML file's largest size (the lecture's results.json is under 1 MB)."""


def check_regular(path: Path, limit: int = MAX_DATA_BYTES) -> os.stat_result:
    """The file's `stat`, once it is known to be a regular file no larger than `limit` bytes."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise DataError(f"{path}: no such file; check the path") from None
    except PermissionError:
        raise DataError(f"{path}: cannot be read (permission denied)") from None
    except OSError as err:  # a symbolic-link loop, a name too long...
        raise DataError(f"{path}: cannot be opened ({err.strerror}); check the path") from None
    if stat.S_ISDIR(info.st_mode):
        raise DataError(f"{path}: is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise DataError(f"{path}: is not a regular file (a device, a pipe or a socket); give a file on disk")
    if info.st_size > limit:
        raise DataError(f"{path}: is {info.st_size / 2**20:,.0f} MB, larger than such a file can be "
                        f"({limit / 2**20:,.0f} MB at most); check that it is the right file")
    return info


def read_bytes(path: Path, limit: int = MAX_DATA_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (else a one-line `DataError`)."""
    check_regular(path, limit)
    try:
        with open(path, "rb") as file:
            raw = file.read(limit + 1)
    except PermissionError:
        raise DataError(f"{path}: cannot be read (permission denied)") from None
    except OSError as err:
        raise DataError(f"{path}: cannot be read ({err.strerror})") from None
    if len(raw) > limit:  # it grew since `check_regular` looked
        raise DataError(f"{path}: is larger than such a file can be ({limit / 2**20:,.0f} MB at most)")
    return raw


def read_text(path: Path, limit: int = MAX_RUN_FILE_BYTES) -> str:
    """A UTF-8 text file (a byte-order mark allowed)."""
    try:
        return read_bytes(path, limit).decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise DataError(f"{path}: is not UTF-8 text (byte {err.start}); it was damaged or is not the right file") from None


def read_json(path: Path) -> object:
    """A JSON file, parsed; its problems named with the file, line and column."""
    return _parse(path, json.loads, json.JSONDecodeError,
                  lambda err: f"is not valid JSON (line {err.lineno}, column {err.colno}: {err.msg})")


def read_toml(path: Path) -> dict:
    """A TOML file, parsed; its problems named with the file and the place."""
    return _parse(path, tomllib.loads, tomllib.TOMLDecodeError, lambda err: f"is not valid TOML ({err})")


def _parse(path: Path, loads, invalid: type[Exception], problem) -> object:
    text = read_text(path)
    try:
        return loads(text)
    except invalid as err:
        raise DataError(f"{path}: {problem(err)}") from None
    except RecursionError:
        raise DataError(f"{path}: is nested too deeply to be a viewcast file") from None


def csv_rows(text: str):
    """`csv.reader` over `text`, with the field limit (131,072 characters by default) raised to the
    text's length: a field cannot be longer, and a long one is the reader's to report, not a crash."""
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    return csv.reader(io.StringIO(text, newline=""))


@contextlib.contextmanager
def damaged_folder(folder: Path, what: str, again: str):
    """Inside the block, a file's `DataError` becomes '<folder> is a damaged <what> (<file>: ...); <again>'."""
    try:
        yield
    except DataError as err:
        problem = str(err).replace(f"{folder}/", "")
        raise DataError(f"{folder} is a damaged {what} ({problem}); {again}") from None


def damaged(folder: str | Path, what: str, err: Exception, again: str) -> DataError:
    """The one-line error for a folder whose files parse but do not hold what `what` needs:
    the field named when it is known, never Python's exception."""
    if isinstance(err, KeyError) and err.args:
        problem = f"a file in it has no field {cut(str(err.args[0]))!r}"
    elif isinstance(err, IndexError):
        problem = "a list in its files is shorter than it should be"
    elif isinstance(err, ZeroDivisionError):
        problem = "a count in its files is 0 where it cannot be"
    else:
        problem = "a field in its files has the wrong kind of value"
    return DataError(f"{folder} is a damaged {what} ({problem}); {again}")


_KINDS = {dict: "a table of fields", list: "a list", str: "a text", int: "a whole number", float: "a number"}


def field(parsed: object, name: str, kind: type | tuple[type, ...], file: str | Path) -> object:
    """`parsed[a][b]` for `name` 'a.b', checked to be of `kind`; else a `DataError` naming `file` and the field."""
    value = parsed
    for key in name.split("."):
        if not isinstance(value, dict) or key not in value:
            raise DataError(f"{file}: no field {name!r}")
        value = value[key]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        raise DataError(f"{file}: field {name!r} is not {_KINDS.get(kinds[0], kinds[0].__name__)}")
    return value
