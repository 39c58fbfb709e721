"""How fast this machine is right now, so that time limits in tests scale with it.

A fixed piece of CPU work (the same kind the product does: validating and hashing events) is
timed once per test session and compared with the time it took on a quiet two-core machine.
`scaled(seconds)` stretches a limit by that factor (never shrinks it), so a suite that passes on
a quiet machine also passes on a busy one, while a real hang still fails in bounded time.
"""

from __future__ import annotations

import time
from functools import cache

from stackline.domain.documents import compute_hash, parse_event

REFERENCE_SECONDS = 0.06  # the probe on a quiet 2-core machine (Python 3.11)
MAX_FACTOR = 8.0
_PROBE_EVENT = {
    "type": "model.released",
    "occurred_on": "2026-01-01",
    "summary": "Pace probe",
    "sources": [{"title": "probe", "url": "https://example.com/p"}],
    "payload": {"company": "acme", "model": "Probe", "access": "closed"},
}


def _probe() -> float:
    start = time.perf_counter()
    for index in range(2000):
        event = parse_event(_PROBE_EVENT)
        compute_hash({"n": index, "event": event.model_dump(mode="json")} | dict.fromkeys(
            ("seq", "id", "type", "schema_version", "occurred_on", "summary", "details",
             "confidence", "sources", "payload", "supersedes", "recorded_at", "recorded_by",
             "prev_hash")
        ))  # fmt: skip
    return time.perf_counter() - start


@cache
def pace() -> float:
    """How many times slower than the reference machine this one is now (at least 1)."""
    best = min(_probe() for _ in range(3))
    return min(MAX_FACTOR, max(1.0, best / REFERENCE_SECONDS))


def scaled(seconds: float) -> float:
    """A time limit stretched by the machine's pace."""
    return seconds * pace()
