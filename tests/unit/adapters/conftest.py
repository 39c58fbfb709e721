"""The real Epoch AI snapshot, read once for every adapter test, and its rows as plain records."""

from __future__ import annotations

from functools import cache

import pytest

from stackline.adapters.epoch import EpochReading, read_epoch
from tests.unit.adapters.variants import REAL_SNAPSHOT, read_csv


@pytest.fixture(scope="session")
def reading() -> EpochReading:
    if not REAL_SNAPSHOT.is_dir():
        pytest.fail(
            f"the Epoch AI snapshot is not at {REAL_SNAPSHOT} (set STACKLINE_EPOCH_SNAPSHOT)"
        )
    return read_epoch([REAL_SNAPSHOT])


@cache
def records(name: str) -> list[dict[str, str]]:
    """The rows of a real file as `csv` reads them (what an analyst sees in a spreadsheet)."""
    return read_csv(REAL_SNAPSHOT / name).records()


def record(name: str, column: str, value: str) -> dict[str, str]:
    return next(row for row in records(name) if row[column] == value)
