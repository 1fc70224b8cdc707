"""Output folders: checked before any work starts, written whole or not at all.

A folder is built beside its final name and renamed into place, so a reader never
sees half of one; an existing folder is replaced only when asked (`force`), and only
if viewcast wrote it: it holds the marker file `.viewcast` (the folder's kind and the
format's version) and nothing but the files of its kind. A folder of someone else's
that merely holds files named like a run's is never deleted, and no command writes a
file of its own into another command's folder (`check_outside`).
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError

MARKER = ".viewcast"
"""The file that says viewcast wrote a folder: {"kind": ..., "format": FORMAT}."""
FORMAT = 1


@dataclass(frozen=True)
class FolderKind:
    """What a kind of output folder holds: `files` it may hold, `required` ones it always has."""

    name: str
    files: tuple[str, ...]
    required: tuple[str, ...]

    def is_one(self, contents: set[str]) -> bool:
        return contents - {MARKER} <= set(self.files) and set(self.required) <= contents


def written_by(folder: Path) -> str | None:
    """The kind of output folder viewcast wrote `folder` as (from its marker), or None."""
    path = Path(folder) / MARKER
    try:
        if not path.is_file():  # (not a FIFO or a device, which would hang or never end)
            return None
        with open(path, "rb") as file:
            marker = json.loads(file.read(4096))
    except (OSError, ValueError):
        return None
    if not isinstance(marker, dict) or not isinstance(marker.get("kind"), str) or not isinstance(marker.get("format"), int):
        return None
    return marker["kind"]


def check_outside(path: Path, own: Path | None = None) -> None:
    """Refuse to write the file `path` inside a folder viewcast wrote (but `own`, a command's own folder)."""
    for parent in Path(path).resolve().parents:
        if (own is None or parent != Path(own).resolve()) and written_by(parent) is not None:
            raise ConfigError(f"{path} is inside {parent}, a {written_by(parent)}; "
                              "viewcast never writes over another run's files: choose a path outside it")


def check_out_dir(out: Path, force: bool, kind: FolderKind) -> None:
    """Fail early, before any training, if writing `out` would lose something.

    `force` replaces only a folder that holds nothing but `kind`'s own files.
    """
    out = Path(out)
    if out.is_symlink():
        raise ConfigError(f"{out} is a symbolic link; give the folder's real path")
    if Path.cwd().resolve().is_relative_to(out.resolve()):
        raise ConfigError(f"{out} is the current folder or holds it; choose a new folder for --out")
    _check_parents(out)
    check_outside(out)
    if not out.exists():
        return
    if not out.is_dir():
        raise ConfigError(f"{out} exists and is a file; choose another --out")
    contents = {p.name for p in out.iterdir()}
    if not contents:
        return
    if not force:
        raise ConfigError(f"{out} already exists; choose another --out, or add --force to replace it")
    found = written_by(out)
    if found is None:
        raise ConfigError(f"{out} was not written by viewcast (it has no {MARKER} file), so --force does not "
                          "replace it; delete it yourself, or choose another --out")
    if found != kind.name:
        raise ConfigError(f"{out} is a {found}, not a {kind.name}; --force only replaces a {kind.name}")
    if not kind.is_one(contents):
        raise ConfigError(
            f"{out} is not a {kind.name} (it holds other files); --force only replaces a {kind.name}"
        )


def write_folder(out: Path, writers: dict[str, Callable[[Path], None]], kind: FolderKind, force: bool = False) -> Path:
    """Write the folder `out`: `writers[name](path)` writes the file `name`. Returns `out`.

    The files are written to a folder beside `out`, which is then renamed: a replaced
    folder is removed only once the new one is in place.
    """
    out = Path(out)
    check_out_dir(out, force, kind)
    tag = uuid.uuid4().hex[:8]
    staging, old = out.with_name(f".{out.name}.new-{tag}"), out.with_name(f".{out.name}.old-{tag}")
    try:
        staging.mkdir(parents=True)
        (staging / MARKER).write_text(json.dumps({"kind": kind.name, "format": FORMAT}) + "\n")
        for name, write in writers.items():
            write(staging / name)
        if out.exists():
            out.rename(old)
        staging.rename(out)
    except OSError as err:
        if old.exists() and not out.exists():
            old.rename(out)  # put the previous folder back
        raise ConfigError(f"cannot write the folder {out}: {err.strerror or err}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    shutil.rmtree(old, ignore_errors=True)
    return out


def write_atomic(path: Path, content: bytes) -> Path:
    """Write one file whole or not at all: to a temporary file beside it, then renamed (making its folder)."""
    path = Path(path)
    _check_parents(path)
    if path.is_dir():
        raise ConfigError(f"{path} is a folder; give a file name")
    temporary = path.with_name(f".{path.name}.new-{uuid.uuid4().hex[:8]}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(content)
        temporary.replace(path)
    except OSError as err:
        temporary.unlink(missing_ok=True)
        raise ConfigError(f"cannot write {path}: {err.strerror or err}") from None
    return path


def _check_parents(path: Path) -> None:
    for parent in path.parents:
        if parent.exists() and not parent.is_dir():
            raise ConfigError(f"{parent} is a file, so {path} cannot be made; choose another path")
