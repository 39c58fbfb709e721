"""The figures each reliability suite achieves: events written, faults injected, inputs tried.

Tests count what they did with `SuiteFigures.add`; the counts wait in this process until the
test's report is made, travel on the report (so they reach the summary under xdist too), and
`tests/reliability/conftest.py` adds them up, prints them and writes bench-results/reliability.json.
"""

from __future__ import annotations

from collections import Counter
from pathlib import PurePosixPath

COUNTERS = ("events_written", "faults_injected", "inputs_tried", "bad_answers")
SUITES = {
    "test_concurrent_writers": "concurrent_writers",
    "test_crash_safety": "crash_safety",
    "test_tamper_evidence": "tamper_evidence",
    "test_hostile_parsing": "hostile_input",
    "test_hostile_forms": "hostile_input",
    "test_hostile_filters": "hostile_input",
    "test_security_over_http": "security",
    "test_secrets": "security",
    "test_slow_readers": "slow_clients",
}
REPORT_PROPERTY = "reliability_figures"

_pending: dict[str, Counter[str]] = {}


def suite_of(path: str) -> str:
    """The suite a test module (or node id) belongs to."""
    stem = PurePosixPath(path.split("::")[0]).stem
    return SUITES.get(stem, stem.removeprefix("test_"))


class SuiteFigures:
    """What one suite's tests did, counted as they go."""

    def __init__(self, suite: str) -> None:
        self.suite = suite

    def add(self, **counts: int) -> None:
        unknown = set(counts) - set(COUNTERS)
        if unknown:
            raise ValueError(f"unknown figures {sorted(unknown)}; known: {COUNTERS}")
        _pending.setdefault(self.suite, Counter()).update(counts)


def take_pending() -> dict[str, dict[str, int]]:
    """Everything counted since the last call, by suite (and forget it)."""
    taken = {suite: dict(counts) for suite, counts in _pending.items() if counts}
    _pending.clear()
    return taken
