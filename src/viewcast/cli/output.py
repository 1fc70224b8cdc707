"""The --out FILE.json of the commands that print numbers (diagnose, classify): checked before any
work, written whole after it."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..engine.folders import check_outside, write_atomic
from ..errors import ConfigError


def check_json_out(out: Path | None, force: bool) -> None:
    """Before any work: an --out file that exists is replaced only with --force."""
    if out is not None:
        check_outside(out)
    if out is not None and Path(out).exists() and not force:
        raise ConfigError(f"{out} already exists; choose another path, or add --force to replace it")


def write_json_out(out: Path | None, value: dict) -> None:
    if out is not None:
        write_atomic(Path(out), (json.dumps(value, indent=1) + "\n").encode("utf-8"))
        click.echo(f"wrote {out}")
