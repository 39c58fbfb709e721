"""The `stackline` command line: thin commands that parse, call a service, and print."""

from __future__ import annotations

from stackline.cli import (
    datasets,  # noqa: F401  (adds datasets import to main)
    safekeeping,  # noqa: F401  (adds verify, backup and restore to main)
)
from stackline.cli.commands import main

__all__ = ["main"]
