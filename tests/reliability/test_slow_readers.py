"""Clients that ask a lot and read little, and bodies refused while they arrive (reliability,
third pass: items 2, 7 and 8).

A thread serves a request, never a client's reading: a connection whose client has not read
what it was sent gets no further pipelined request served until it does, so 8 connections
that each pipeline 140 reads in one packet and read nothing (or 128 KB/s) leave `/healthz`
answering; one that reads slower than `STACKLINE_MIN_SEND_RATE` over `STACKLINE_IDLE_TIMEOUT`
is cut off, and with it any export slot its answer held. A body refused as too large is
answered the way nginx's lingering close does it — the answer is sent, the rest of the body is
read and dropped for a while — so a client that writes its whole body before reading (Python's
`urllib`) reads the 413 every time instead of a reset.

Each test starts its own server on 127.0.0.1 — the worker's server in process on an app of
large answers for pipelining, `stackline serve` (1 worker, 4 threads) for the rest — runs for a
bounded time and closes every socket it opened.
"""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, suppress
from pathlib import Path
from typing import Any

import pytest

from tests.pace import scaled
from tests.reliability.figures import SuiteFigures
from tests.reliability.server import Deployment, Server
from tests.reliability.test_slow_clients import PROBE_LIMIT_S, _get, serving_in_process

THREADS = 4
IDLE_TIMEOUT_S = 4
PIPELINED_IDLE_TIMEOUT_S = 10  # longer than a probe may wait: a held thread shows
PIPELINERS = 8
PIPELINED = 140
ANSWER_BYTES = 2 * 1024 * 1024  # eight answers reach waitress's 16 MiB high-water mark
PROBE_EVERY_S = 0.5
PROBING_S = 12.0
SLOW_RATE = 128 * 1024  # bytes a second, as the red team's slow readers
TOO_SLOW_RATE = 2 * 1024
REFUSED_BODIES = 20
REFUSED_BODY_BYTES = 3 * 1024 * 1024


def _deployment(directory: Path, **settings: str) -> Deployment:
    return Deployment.create(
        directory, f"sqlite:///{directory / 'stackline.db'}",
        IDLE_TIMEOUT=str(IDLE_TIMEOUT_S), REQUEST_TIMEOUT="30", **settings,
    )  # fmt: skip


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    deployment = _deployment(tmp_path / "slow-readers")
    try:
        yield deployment.serve(workers=1, threads=THREADS)
    finally:
        deployment.close()


def _large_answers(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterator[bytes]:
    """2 MiB at `/big`, at once (as a cached answer is); `ok` anywhere else. With a length, so
    the connection is kept alive for the next pipelined request."""
    big = environ["PATH_INFO"] == "/big"
    length = ANSWER_BYTES if big else 2
    start_response(
        "200 OK",
        [("Content-Type", "application/octet-stream"), ("Content-Length", str(length))],
    )
    if big:
        chunk = b"x" * 65536
        for _ in range(ANSWER_BYTES // len(chunk)):
            yield chunk
    else:
        yield b"ok"


@pytest.fixture
def pipelined_port(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """The worker's server in process (4 threads) on an app of large answers."""
    monkeypatch.setenv("STACKLINE_IDLE_TIMEOUT", str(PIPELINED_IDLE_TIMEOUT_S))
    with serving_in_process(_large_answers, threads=THREADS) as port:
        yield port


def _pipeliner(port: int) -> socket.socket:
    """A connection that sends `PIPELINED` GETs of a large answer at once and reads nothing."""
    connection = socket.socket()
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connecting
    connection.settimeout(10)
    connection.connect(("127.0.0.1", port))
    connection.sendall(b"GET /big HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" * PIPELINED)
    return connection


def _probe_healthz(port: int, seconds: float) -> list[tuple[int, float]]:
    """(status, seconds) of a `/healthz` every PROBE_EVERY_S for `seconds`."""
    limit = scaled(PROBE_LIMIT_S)
    probes = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        probes.append(_get(port, "/healthz", timeout=limit + 3))
        time.sleep(PROBE_EVERY_S)
    return probes


def _closed_by_server(connection: socket.socket, timeout: float) -> bool:
    """Read what is left until the server's end of the connection; False if it stays open."""
    connection.settimeout(timeout)
    try:
        while connection.recv(1 << 20):
            pass
    except TimeoutError:
        return False
    except OSError:
        pass
    return True


class SlowReader:
    """A pipelining connection that reads its answers at `rate` bytes a second."""

    def __init__(self, port: int, rate: int) -> None:
        self.connection = _pipeliner(port)
        self.rate = rate
        self.received = 0
        self.closed_by_server = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        step = self.rate // 10
        while not self._stop.wait(0.1):
            try:
                chunk = self.connection.recv(step)
            except TimeoutError:
                continue
            except OSError:
                chunk = b""
            if not chunk:
                self.closed_by_server = True
                return
            self.received += len(chunk)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.connection.close()


def _late(probes: list[tuple[int, float]]) -> list[tuple[int, float]]:
    limit = scaled(PROBE_LIMIT_S)
    return [(status, round(took, 2)) for status, took in probes if status != 200 or took > limit]


def test_pipelined_reads_nobody_reads_hold_no_thread_and_are_cut_off(
    pipelined_port: int, figures: SuiteFigures
) -> None:
    with ExitStack() as sockets:
        pipeliners = [_pipeliner(pipelined_port) for _ in range(PIPELINERS)]
        for connection in pipeliners:
            sockets.callback(connection.close)
        probes = _probe_healthz(pipelined_port, PROBING_S)
        grace = scaled(PIPELINED_IDLE_TIMEOUT_S + 6.0)
        cut = [_closed_by_server(connection, grace) for connection in pipeliners]
    figures.add(faults_injected=PIPELINERS * PIPELINED, inputs_tried=len(probes))

    late = _late(probes)
    assert late == [], f"{len(late)} of {len(probes)} /healthz probes late or unanswered: {late}"
    assert all(cut), f"{cut.count(False)} of {PIPELINERS} silent pipeliners were never cut off"


def test_pipelining_clients_reading_slowly_hold_no_thread(
    pipelined_port: int, figures: SuiteFigures
) -> None:
    with ExitStack() as sockets:
        readers = [SlowReader(pipelined_port, SLOW_RATE) for _ in range(PIPELINERS)]
        for reader in readers:
            sockets.callback(reader.close)
        probes = _probe_healthz(pipelined_port, PROBING_S)
        still_reading = [r for r in readers if not r.closed_by_server and r.received]
    figures.add(faults_injected=PIPELINERS * PIPELINED, inputs_tried=len(probes))

    late = _late(probes)
    assert late == [], f"{len(late)} of {len(probes)} /healthz probes late or unanswered: {late}"
    assert len(still_reading) == PIPELINERS  # a reader at 128 KB/s is served, not cut off


@pytest.fixture
def large_export_server(tmp_path: Path, large_log: Path) -> Iterator[Server]:
    """One export slot, on a log whose export (27 MB) is past the 16 MiB a worker buffers."""
    folder = tmp_path / "large"
    folder.mkdir()
    shutil.copyfile(large_log, folder / "stackline.db")
    deployment = _deployment(folder, MAX_EXPORTS="1")
    try:
        yield deployment.serve(workers=1, threads=THREADS)
    finally:
        deployment.close()


def test_a_reader_too_slow_for_a_large_export_loses_its_slot(
    large_export_server: Server, figures: SuiteFigures
) -> None:
    port = large_export_server.port
    slow = socket.socket()
    slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    slow.settimeout(5)
    statuses = []
    try:
        slow.connect(("127.0.0.1", port))
        slow.sendall(b"GET /api/v1/export HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        slow.recv(TOO_SLOW_RATE)  # the export has begun
        deadline = time.monotonic() + scaled(IDLE_TIMEOUT_S + 16.0)
        while time.monotonic() < deadline:
            with suppress(OSError):
                slow.recv(TOO_SLOW_RATE)  # 2 KB a second
            status, _took = _get_head(port, "/api/v1/export", timeout=scaled(10.0))
            statuses.append(status)
            if status == 200:
                break
            time.sleep(0.5)
        cut = _closed_by_server(slow, scaled(5.0))
    finally:
        slow.close()
    figures.add(faults_injected=1, inputs_tried=len(statuses))

    assert statuses and statuses[-1] == 200, f"the slot stayed taken: {statuses}"
    assert set(statuses[:-1]) <= {429}
    assert cut, "the too-slow reader was not cut off"


def _get_head(port: int, path: str, timeout: float) -> tuple[int, float]:
    """(status, seconds) of a GET whose answer is read only as far as its status line."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        head = b""
        with suppress(OSError):
            while b"\r\n" not in head:
                chunk = connection.recv(1024)
                if not chunk:
                    break
                head += chunk
    status = int(head.split(b" ")[1]) if head.startswith(b"HTTP/") else 0
    return status, time.monotonic() - started


def test_a_body_refused_as_too_large_is_answered_to_a_client_that_writes_it_whole_first(
    server: Server, figures: SuiteFigures
) -> None:
    body = b"[" + b" " * (REFUSED_BODY_BYTES - 2) + b"]"
    outcomes = []
    for _ in range(REFUSED_BODIES):
        request = urllib.request.Request(
            server.base_url + "/api/v1/events", data=body, method="POST",
            headers={"Content-Type": "application/json", "Authorization": "Bearer x"},
        )  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=scaled(20.0)) as answer:
                outcomes.append(str(answer.status))
        except urllib.error.HTTPError as refused:
            said = json.loads(refused.read())
            outcomes.append(f"{refused.code} {said['error']}")
        except (urllib.error.URLError, OSError) as failure:
            outcomes.append(type(getattr(failure, "reason", failure)).__name__)
    figures.add(inputs_tried=REFUSED_BODIES)

    unread = [outcome for outcome in outcomes if outcome != "413 request_entity_too_large"]
    assert unread == [], f"{len(unread)} of {REFUSED_BODIES} refusals not read: {unread}"
