"""Configuration from `STACKLINE_*` environment variables (DESIGN §5)."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DATABASE_FILE = "stackline.db"


def database_url() -> str:
    """`STACKLINE_DATABASE_URL`, else a SQLite file in the working directory."""
    configured = os.environ.get("STACKLINE_DATABASE_URL")
    if configured:
        return configured
    return f"sqlite:///{Path.cwd() / DEFAULT_DATABASE_FILE}"
