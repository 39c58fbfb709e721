"""The `stackline` command line: thin commands that parse, call a service, and print."""

from __future__ import annotations

from stackline.cli.commands import main

__all__ = ["main"]
