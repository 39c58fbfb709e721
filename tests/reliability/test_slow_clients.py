"""Slow clients are harmless (reliability, second pass: item 4).

`stackline serve` reads each request whole, and writes each answer, in its event loop; a worker
thread only runs a request that has fully arrived. So sockets that trickle their headers or their
body a byte at a time, or never read what they asked for, cost a socket each, not a thread:
`/healthz` and real reads keep answering at once. A request that has not fully arrived within
`STACKLINE_REQUEST_TIMEOUT` seconds of its first byte, and a connection idle for
`STACKLINE_IDLE_TIMEOUT`, are closed. A request too large to read (address, headers) is refused
in words, as JSON on the API. Behind a proxy named by `STACKLINE_TRUSTED_PROXY`, the login limit
counts each forwarded client address; without it, `X-Forwarded-For` is not believed.

Each test starts one server (1 worker, 4 threads, so that a handful of slow sockets would be
enough to block a server that gives each connection a thread), binds 127.0.0.1, runs for a
bounded time and closes every socket it opened.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest
from waitress import wasyncore

from stackline.cli.worker import Serving
from tests.pace import scaled
from tests.reliability.figures import SuiteFigures
from tests.reliability.server import EDITOR, Deployment, Server, editor_and_token
from tests.reliability.web_client import Visitor

THREADS = 4
TRICKLING_HEADERS = 40
TRICKLING_BODIES = 20
NOT_READING = 12  # exports asked for and never read: more than the export limit
PROBES = 9
PROBE_LIMIT_S = 2.0
REQUEST_TIMEOUT_S = 4
IDLE_TIMEOUT_S = 4


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """A server with short timeouts, to see them work."""
    yield from _serving(tmp_path, REQUEST_TIMEOUT_S, IDLE_TIMEOUT_S)


@pytest.fixture
def patient_server(tmp_path: Path) -> Iterator[Server]:
    """A server that lets slow requests take their time: only buffering protects it."""
    yield from _serving(tmp_path, 600, 600)


def _serving(tmp_path: Path, request_timeout: float, idle_timeout: float) -> Iterator[Server]:
    deployment = Deployment.create(
        tmp_path / "slow-clients",
        f"sqlite:///{tmp_path / 'slow-clients' / 'stackline.db'}",
        REQUEST_TIMEOUT=str(request_timeout),
        IDLE_TIMEOUT=str(idle_timeout),
        MAX_EXPORTS="2",
    )
    try:
        yield deployment.serve(workers=1, threads=THREADS)
    finally:
        deployment.close()


class Trickler:
    """A socket that sends `message` one byte every `interval` seconds until it is told to stop
    or the server closes it (which it notes, with the time)."""

    def __init__(self, port: int, message: bytes, interval: float = 0.25) -> None:
        self.socket = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.message = message
        self.interval = interval
        self.opened = time.monotonic()
        self.closed_by_server_after: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        for byte in self.message:
            if self._stop.wait(self.interval):
                return
            try:
                self.socket.sendall(bytes([byte]))
            except OSError:
                self.closed_by_server_after = time.monotonic() - self.opened
                return

    def wait_closed_by_server(self, timeout: float) -> float | None:
        """Seconds from opening until the server closed the socket (None: still open)."""
        self.socket.settimeout(timeout)
        try:
            while self.socket.recv(4096):
                pass  # whatever the server says before closing
        except TimeoutError:
            return None
        except OSError:
            pass
        return time.monotonic() - self.opened

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.socket.close()


def _slow_headers(port: int) -> bytes:
    return (
        f"GET /api/v1/companies HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        + "X-Slow: " + "z" * 400 + "\r\n\r\n"
    ).encode()  # fmt: skip


def _slow_body(port: int) -> bytes:
    body = b"{" + b" " * 400 + b"}"
    head = (
        f"POST /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    return head + body


def _get(port: int, path: str, timeout: float) -> tuple[int, float]:
    """(status, seconds) of a plain GET on a fresh connection; status 0 when it did not answer."""
    started = time.monotonic()
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    status, _, _ = _raw(port, request.encode(), timeout)
    return status, time.monotonic() - started


def _raw(port: int, request: bytes, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    """Send `request` as is on a fresh connection: (status, headers, body) of the answer;
    status 0 when none came within `timeout`."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(request)
        answer = b""
        try:
            with suppress(ConnectionResetError):
                while chunk := connection.recv(65536):
                    answer += chunk
        except TimeoutError:
            return 0, {}, b""
    if not answer.startswith(b"HTTP/"):
        return 0, {}, b""
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    return int(status_line.split(" ")[1]), headers, body


def test_trickling_headers_and_bodies_leave_healthz_and_reads_answering(
    patient_server: Server, figures: SuiteFigures
) -> None:
    port = patient_server.port
    limit = scaled(PROBE_LIMIT_S)
    with ExitStack() as sockets:
        tricklers = [Trickler(port, _slow_headers(port)) for _ in range(TRICKLING_HEADERS)]
        tricklers += [Trickler(port, _slow_body(port)) for _ in range(TRICKLING_BODIES)]
        for trickler in tricklers:
            sockets.callback(trickler.close)
        time.sleep(1.0)  # every trickler has sent its first bytes
        probes = []
        for index in range(PROBES):
            path = "/healthz" if index % 3 else "/api/v1/companies/openai/stack"
            probes.append((path, *_get(port, path, timeout=limit + 3)))
            time.sleep(0.2)
        cut_off = [t.closed_by_server_after for t in tricklers if t.closed_by_server_after]
    figures.add(faults_injected=TRICKLING_HEADERS + TRICKLING_BODIES, inputs_tried=PROBES)

    assert cut_off == [], "tricklers were cut off: the probes did not run against all of them"
    slow = [(path, status, round(took, 2)) for path, status, took in probes if status != 200]
    slow += [(path, status, round(took, 2)) for path, status, took in probes if took > limit]
    assert slow == [], f"probes not answered within {limit:.1f} s while slow sockets trickled"


def test_a_request_that_does_not_arrive_in_time_is_cut_off_and_an_idle_one_closed(
    server: Server, figures: SuiteFigures
) -> None:
    port = server.port
    grace = scaled(4.0)  # the server looks at its connections about once a second
    trickling = Trickler(port, _slow_headers(port), interval=0.2)  # 2 s in, far from done
    idle = socket.create_connection(("127.0.0.1", port), timeout=IDLE_TIMEOUT_S + grace)
    idle_opened = time.monotonic()
    idle_closed: list[float] = []

    def watch_idle() -> None:
        with suppress(OSError):
            if idle.recv(1) == b"":
                idle_closed.append(time.monotonic() - idle_opened)

    watcher = threading.Thread(target=watch_idle, daemon=True)
    watcher.start()
    try:
        cut_off = trickling.wait_closed_by_server(REQUEST_TIMEOUT_S + grace)
        watcher.join(timeout=IDLE_TIMEOUT_S + grace)
    finally:
        trickling.close()
        idle.close()
    figures.add(faults_injected=2)

    assert cut_off is not None, "a request trickling past the request timeout stayed open"
    assert cut_off >= REQUEST_TIMEOUT_S - 0.5
    assert idle_closed, "a connection that sent nothing stayed open"
    assert idle_closed[0] >= IDLE_TIMEOUT_S - 0.5


def test_exports_nobody_reads_hold_no_export_slot_or_thread(
    server: Server, figures: SuiteFigures
) -> None:
    port = server.port
    unread = []
    try:
        for _ in range(NOT_READING):
            connection = socket.socket()
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connect
            connection.settimeout(5)
            connection.connect(("127.0.0.1", port))
            connection.sendall(b"GET /api/v1/export HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            unread.append(connection)
        # The unread exports are produced (two at a time) into buffers, then give their slots
        # back: an export asked for now gets 200, at once or after a few 429s (as a client
        # honouring Retry-After would), while every unread one is still open.
        deadline = time.monotonic() + scaled(15.0)
        status = 0
        while time.monotonic() < deadline:
            status, _took = _get(port, "/api/v1/export", timeout=scaled(10.0))
            if status != 429:
                break
            time.sleep(0.5)
        health, health_took = _get(port, "/healthz", timeout=scaled(PROBE_LIMIT_S) + 3)
    finally:
        for connection in unread:
            connection.close()
    figures.add(faults_injected=NOT_READING, inputs_tried=2)

    assert status == 200, f"an export answered {status} while {NOT_READING} went unread"
    assert health == 200 and health_took <= scaled(PROBE_LIMIT_S)


def test_requests_too_large_to_read_are_refused_in_words_json_for_the_api(
    server: Server, figures: SuiteFigures
) -> None:
    port = server.port
    long_query = "company=" + "a" * 20_000
    api_status, api_headers, api_body = _raw(
        port, f"GET /api/v1/events?{long_query} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    )
    page_status, page_headers, page_body = _raw(
        port, f"GET /timeline?{long_query} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    )
    huge_header = b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"X-Big: " + b"b" * 70_000 + b"\r\n\r\n"
    header_status, header_headers, header_body = _raw(port, huge_header)
    figures.add(inputs_tried=3)

    assert (api_status, api_headers["content-type"]) == (414, "application/json")
    refusal = json.loads(api_body)
    assert refusal["error"] == "uri_too_long" and "8,192 bytes" in refusal["message"]
    assert (page_status, page_headers["content-type"]) == (414, "text/html; charset=utf-8")
    assert b"<h1>414 URI Too Long</h1>" in page_body
    assert header_status == 431 and header_headers["content-type"].startswith("text/html")
    assert b"Request Header Fields Too Large" in header_body


@pytest.mark.parametrize("trusted", [True, False], ids=["proxy trusted", "no proxy set"])
def test_behind_a_trusted_proxy_the_login_limit_counts_each_forwarded_address(
    trusted: bool, tmp_path: Path, figures: SuiteFigures
) -> None:
    settings = {"TRUSTED_PROXY": "127.0.0.1"} if trusted else {}
    deployment = Deployment.create(
        tmp_path / "proxied",
        f"sqlite:///{tmp_path / 'proxied' / 'stackline.db'}",
        LOGIN_RATE_LIMIT="2 per minute",
        **settings,
    )
    try:
        editor_and_token(deployment, *EDITOR)
        base_url = deployment.serve().base_url

        def wrong_login(client_address: str) -> int:
            visitor = Visitor(base_url)
            forwarded = {"X-Forwarded-For": client_address}
            token = visitor.csrf_token("/login")
            fields = {"csrf_token": token, "name": EDITOR[0], "password": "wrong password"}
            return visitor.post_form("/login", fields, headers=forwarded).status

        attacker = [wrong_login("203.0.113.7") for _ in range(3)]
        someone_else = wrong_login("198.51.100.20")
    finally:
        deployment.close()
    figures.add(inputs_tried=4)

    assert attacker == [401, 401, 429]
    # Trusted, the proxy's X-Forwarded-For is the client: another address is not locked out.
    # Not trusted, the header is ignored and every request comes from the proxy's one address.
    assert someone_else == (401 if trusted else 429)


BIG_ANSWER_BYTES = 25 * 1024 * 1024  # past waitress's 16 MiB high-water mark


def _big_or_small(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterator[bytes]:
    start_response("200 OK", [("Content-Type", "application/octet-stream")])
    if environ["PATH_INFO"] == "/big":
        chunk = b"x" * 65536
        for _ in range(BIG_ANSWER_BYTES // len(chunk)):
            yield chunk
    else:
        yield b"ok"


@contextmanager
def serving_in_process(app: Callable[..., Any], threads: int = 1) -> Iterator[int]:
    """The worker's server (`Serving`) on a 127.0.0.1 port, its loop on a thread; the port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    serving = Serving.on(app, [listener], threads=threads, max_body_bytes=2**20)
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            serving.step(0.2)

    runner = threading.Thread(target=loop, daemon=True)
    runner.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        runner.join(timeout=10)
        serving.dispatcher.shutdown(timeout=1)
        wasyncore.close_all(serving.channels)
        listener.close()


def test_a_client_that_stops_reading_a_large_answer_gives_its_thread_back(
    monkeypatch: pytest.MonkeyPatch, figures: SuiteFigures
) -> None:
    """In process, on one thread: past the high-water mark the thread waits for the client to
    read; a client that reads nothing for the idle timeout is cut off, and the thread serves
    the next request."""
    monkeypatch.setenv("STACKLINE_IDLE_TIMEOUT", "2")
    stalled = socket.socket()
    with serving_in_process(_big_or_small) as port:
        try:
            stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            stalled.connect(("127.0.0.1", port))
            stalled.sendall(b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n")  # and never read
            time.sleep(1.0)
            status, took = _get(port, "/small", timeout=scaled(15.0))
        finally:
            stalled.close()
    figures.add(faults_injected=1, inputs_tried=1)

    assert status == 200, "the only thread stayed with a client that read nothing"
    assert took >= 1.0  # it waited for the stalled answer to be cut off (idle timeout 2 s)


def _failing(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterator[bytes]:
    raise RuntimeError("a bug before the first byte")
    yield b""  # (a generator, as the streamed export is)


def test_an_app_failure_is_a_500_in_words_json_on_the_api(figures: SuiteFigures) -> None:
    with serving_in_process(_failing) as port:
        api = _raw(port, b"GET /api/v1/export HTTP/1.1\r\nHost: x\r\n\r\n")
        page = _raw(port, b"GET /timeline HTTP/1.1\r\nHost: x\r\n\r\n")
    figures.add(faults_injected=2)

    status, headers, body = api
    assert (status, headers["content-type"]) == (500, "application/json")
    assert json.loads(body)["message"].startswith("The server failed while answering")
    status, headers, body = page
    assert (status, headers["content-type"]) == (500, "text/html; charset=utf-8")
    assert b"The server failed while answering" in body


def test_a_connection_limit_of_one_still_serves(
    monkeypatch: pytest.MonkeyPatch, figures: SuiteFigures
) -> None:
    monkeypatch.setenv("STACKLINE_MAX_CONNECTIONS", "1")
    with serving_in_process(_big_or_small) as port:
        answers = [_get(port, "/small", timeout=scaled(5.0))[0] for _ in range(3)]
    figures.add(inputs_tried=3)

    assert answers == [200, 200, 200]
