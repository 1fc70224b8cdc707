"""The `viewcast` command: a thin shell that parses options, builds a config, calls one library function."""

from .main import main

__all__ = ["main"]
