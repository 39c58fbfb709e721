"""Bounded work per request (reliability, third pass: item 1).

On a log of 40,000 events a graph of every company is megabytes, the trends page draws every
top-level company, and a `known_on` read sets up temporary views of the projections as they
stood then (it once replayed the log: seconds and hundreds of MB each). Eight clients sending
such reads with distinct parameters (so no cache helps) must not take the worker down: expensive reads run a few at a time and the others are refused at once
(429, with `Retry-After`, in words), a graph too large to draw or send is refused (413, in
words) in favour of one company's neighbourhood, `/healthz` answers throughout, and the worker's
memory stays bounded.

One server (1 worker, 8 threads) on a copy of the session's 40,000-event log, 127.0.0.1 only,
for a bounded time; it is stopped at the end (an abandoned read dies with it).
"""

from __future__ import annotations

import itertools
import json
import shutil
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import pytest

from tests.pace import scaled
from tests.reliability.figures import SuiteFigures
from tests.reliability.server import Deployment, Server
from tests.reliability.test_slow_clients import PROBE_LIMIT_S, _get, _raw

HOSTILE_CLIENTS = 8
HOSTILE_S = 30.0
PROBE_EVERY_S = 1.0
MAX_WORKER_RSS_MB = 500
BIG_COMPANY = "co-000826"  # the parent of many in the synthetic log
ROUTES = (
    "/api/v1/stack?known_on={moment}",
    "/api/v1/integration?known_on={moment}&company=" + BIG_COMPANY,
    "/companies/" + BIG_COMPANY + "?known_on={moment}",
    "/api/v1/graph?known_on={moment}",
    "/api/v1/graph?as_of={day}",
    "/graph?as_of={day}",
    "/trends?to={day}",
    "/api/v1/companies/" + BIG_COMPANY + "/diff?from=2000-01-01&to={day}&known_on={moment}",
    "/api/v1/plans?known_on={moment}",
)


@pytest.fixture
def large_server(tmp_path: Path, large_log: Path) -> Iterator[Server]:
    folder = tmp_path / "bounded"
    folder.mkdir()
    shutil.copyfile(large_log, folder / "stackline.db")
    deployment = Deployment.create(folder, f"sqlite:///{folder / 'stackline.db'}")
    try:
        yield deployment.serve(workers=1, threads=8)
    finally:
        deployment.close()


def worker_rss_mb(server: Server) -> int:
    """The resident memory of the server's worker processes (the master's children), in MB."""
    total = 0
    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children")
    with suppress(OSError):
        for pid in children.read_text().split():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) // 1024
    return total


def _hostile_urls(client: int) -> Iterator[str]:
    """Expensive reads whose parameters never repeat (so no cache can answer them)."""
    for number in itertools.count():
        serial = client * 100_000 + number
        moment = f"2099-{1 + serial % 12:02d}-{1 + serial % 28:02d}T{serial % 24:02d}:{serial // 24 % 60:02d}:{serial // 1440 % 60:02d}Z"  # fmt: skip
        day = f"{2000 + serial % 26}-{1 + serial % 12:02d}-{1 + serial // 12 % 28:02d}"
        yield ROUTES[(client + number) % len(ROUTES)].format(moment=moment, day=day)


def _status_of(port: int, path: str, timeout: float) -> int:
    """The status of a GET, read as far as its status line (0: none within `timeout`)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        try:
            head = connection.recv(64)
        except OSError:
            return 0
    return int(head.split(b" ")[1]) if head.startswith(b"HTTP/") else 0


def test_hostile_expensive_reads_leave_healthz_answering_and_memory_bounded(
    large_server: Server, figures: SuiteFigures
) -> None:
    port = large_server.port
    stop = threading.Event()
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def hostile(client: int) -> None:
        for url in _hostile_urls(client):
            if stop.is_set():
                return
            status = _status_of(port, url, timeout=HOSTILE_S + 5)
            with lock:
                statuses[status] += 1

    clients = [
        threading.Thread(target=hostile, args=(n,), daemon=True) for n in range(HOSTILE_CLIENTS)
    ]
    for client in clients:
        client.start()
    probes, peak_rss = [], 0
    deadline = time.monotonic() + HOSTILE_S
    while time.monotonic() < deadline:
        probes.append(_get(port, "/healthz", timeout=scaled(PROBE_LIMIT_S) + 3))
        peak_rss = max(peak_rss, worker_rss_mb(large_server))
        time.sleep(PROBE_EVERY_S)
    stop.set()
    for client in clients:
        client.join(timeout=HOSTILE_S + 10)
    figures.add(inputs_tried=sum(statuses.values()) + len(probes))

    limit = scaled(PROBE_LIMIT_S)
    late = [(status, round(took, 2)) for status, took in probes if status != 200 or took > limit]
    assert late == [], f"{len(late)} of {len(probes)} /healthz probes late or unanswered: {late}"
    assert peak_rss < MAX_WORKER_RSS_MB, f"the worker grew to {peak_rss} MB"
    assert set(statuses) <= {200, 413, 429}, statuses


def test_a_refused_expensive_read_says_why_and_when_to_come_back(
    large_server: Server, figures: SuiteFigures
) -> None:
    port = large_server.port
    page_status, _, page_body = _raw(
        port, b"GET /graph HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", timeout=60
    )
    api_status, _, api_body = _raw(
        port, b"GET /api/v1/graph HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", timeout=60
    )
    figures.add(inputs_tried=2)

    assert page_status == 413 and b"company=" in page_body
    refusal = json.loads(api_body)
    assert api_status == 413 and refusal["error"] == "graph_too_large"
    assert "company" in refusal["message"] and refusal["details"][0]["field"] == "company"
