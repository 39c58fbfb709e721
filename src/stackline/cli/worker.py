"""The worker process `stackline serve` runs: waitress inside a gunicorn worker.

Gunicorn keeps the processes: it binds the port, starts `--workers` of them, restarts one that
dies and stops them on SIGTERM. Waitress serves HTTP inside each. It reads every request whole
(headers and body) in its event loop and writes every answer from a buffer, so a worker thread
only runs a request that has fully arrived: a client that trickles its request, or never reads
its answer, holds a socket and a buffer, not a thread. (Gunicorn's own threaded worker gives
such a client a thread until it is done: 40 trickling sockets stopped `/healthz` answering.)
One exception: past waitress's 16 MiB high-water mark an answer's thread waits for the client
to read, so a client that reads nothing for the idle timeout is cut off (`_Server.maintenance`).

The limits, from the environment (`stackline.config`):
- `STACKLINE_REQUEST_TIMEOUT` (60 s): a request must arrive whole within this many seconds of its
  first byte, or its connection is closed;
- `STACKLINE_IDLE_TIMEOUT` (30 s): a connection with nothing to do, or whose client reads nothing
  of a large answer, is closed after this long;
- `STACKLINE_MAX_CONNECTIONS` (1000 per worker, fewer when the open-file limit is lower): past
  it the worker stops accepting until some close;
- `STACKLINE_TRUSTED_PROXY`: the address of the reverse proxy in front, whose
  `X-Forwarded-For` / `-Proto` / `-Host` are believed (from nobody else's).
"""

from __future__ import annotations

import html
import json
import logging
import os
import resource
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from gunicorn.workers.base import Worker
from waitress import wasyncore
from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import TcpWSGIServer
from waitress.task import ErrorTask, ThreadedTaskDispatcher
from waitress.utilities import BadRequest

from stackline.config import setting

DEFAULT_REQUEST_TIMEOUT_S = 60.0
DEFAULT_IDLE_TIMEOUT_S = 30.0
DEFAULT_MAX_CONNECTIONS = 1000
MAX_HEADER_BYTES = 64 * 1024
MAX_REQUEST_LINE_BYTES = 8 * 1024  # as nginx's default header buffer
LOOP_TICK_S = 1.0  # the event loop wakes at least this often: heartbeat, timeouts, shutdown
_FILES_KEPT_BACK = 64  # open files a worker keeps for its database, logs and temp buffers

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class URITooLong(BadRequest):
    code = 414
    reason = "URI Too Long"


class _TimedRequest(HTTPRequestParser):
    """A request being read, which knows when its first byte came and refuses a request line
    longer than MAX_REQUEST_LINE_BYTES (414) before reading the rest."""

    def __init__(self, adj: Adjustments) -> None:
        super().__init__(adj)
        self.first_byte_at = time.monotonic()
        self.start: bytes = b""  # the first bytes, to tell an API request from a page
        self.line_read = False  # the request line has arrived, within its limit

    def received(self, data: bytes) -> int:
        if not self.line_read and not self.completed:
            head = self.header_plus + data  # scanned only until the request line is in
            self.start = head[:64]
            line_end = head.find(b"\n")
            self.line_read = 0 <= line_end <= MAX_REQUEST_LINE_BYTES
            if line_end > MAX_REQUEST_LINE_BYTES or (
                line_end < 0 and len(head) > MAX_REQUEST_LINE_BYTES
            ):
                self.parse_header(b"GET / HTTP/1.0\r\n")
                self.error = URITooLong("")
                self.completed = True
                return len(data)
        return int(super().received(data))


class _RefusalAnswer(ErrorTask):
    """A request waitress refused before the app saw it (400, 413, 414, 431, 501): the status
    and why, as JSON for the API (`{"error", "message", "details"}`) and a short page otherwise."""

    def execute(self) -> None:
        request: Any = self.request  # (the stub says an Error; it is the request refused)
        error = request.error
        # An app that failed is answered with a fresh request: the one it served is first.
        served = self.channel.requests[0] if self.channel.requests else request
        if error.code >= 500:
            message = "The server failed while answering; the error is in its log."
        else:
            message = _REFUSALS.get(error.code) or f"The request could not be read: {error.body}."
        if isinstance(served, _TimedRequest) and b" /api/" in served.start:
            content_type = "application/json"
            code = error.reason.lower().replace(" ", "_")
            body = json.dumps({"error": code, "message": message, "details": []}).encode()
        else:
            content_type = "text/html; charset=utf-8"
            text = html.escape(message)
            body = (
                f"<!doctype html><html lang=en><meta charset=utf-8><title>{error.code} "
                f"{html.escape(error.reason)}</title><h1>{error.code} {html.escape(error.reason)}"
                f"</h1><p>{text}</p></html>"
            ).encode()
        self.status = f"{error.code} {error.reason}"
        self.response_headers = [*self.response_headers, ("Content-Type", content_type)]
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


_REFUSALS = {
    413: "The request's body is larger than this server accepts.",
    414: f"The address is longer than {MAX_REQUEST_LINE_BYTES:,} bytes: send fewer or shorter "
    "filters.",
    431: f"The request's headers are larger than {MAX_HEADER_BYTES // 1024} KiB.",
}


class _Channel(HTTPChannel):
    parser_class = _TimedRequest
    error_task_class = _RefusalAnswer
    server: _Server

    def readable(self) -> bool:
        """Read no new request once the worker is stopping (see `BufferingWorker._finish`)."""
        return not self.server.stopping and bool(super().readable())


class _Server(TcpWSGIServer):
    """Waitress's server on a socket gunicorn bound, which also cuts off slow requests."""

    channel_class = _Channel
    request_timeout = DEFAULT_REQUEST_TIMEOUT_S
    stopping = False

    def maintenance(self, now: float) -> None:
        """Close what waitress's idle timeout leaves open: a request still arriving after the
        request timeout, and an answer whose thread waits for a client that has read nothing
        for the idle timeout (past the high-water mark a thread waits for the client to read;
        closing wakes it, and it stops)."""
        super().maintenance(now)  # type: ignore[arg-type]  # (the stub says int; it is time.time())
        cutoff = time.monotonic() - self.request_timeout
        stalled_since = now - self.adj.channel_timeout
        open_channels: dict[int, HTTPChannel] = self.active_channels  # type: ignore[assignment]
        for channel in list(open_channels.values()):
            partial = channel.request
            arriving_too_long = (
                isinstance(partial, _TimedRequest)
                and not channel.requests
                and partial.first_byte_at < cutoff
            )
            stalled = (
                bool(channel.requests)
                and channel.total_outbufs_len >= self.adj.outbuf_high_watermark
                and channel.last_activity < stalled_since
            )
            if arriving_too_long:
                channel.will_close = True  # closed when next writable (nothing is queued)
            elif stalled:
                channel.handle_close()  # its socket will not turn writable: close it now


def _connection_limit(listeners: int) -> int:
    """Waitress's limit counts every entry of its map: each listener and its wake-up pipe too.
    A connection may hold two files (its socket and a temp file for a large body or answer)."""
    wanted = int(setting("MAX_CONNECTIONS", DEFAULT_MAX_CONNECTIONS))
    soft_limit, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft_limit != resource.RLIM_INFINITY:
        wanted = min(wanted, (soft_limit - _FILES_KEPT_BACK) // 2)
    return max(1, wanted) + 2 * listeners


def _adjustments(threads: int, max_body_bytes: int, listeners: int) -> Adjustments:
    trusted_proxy = setting("TRUSTED_PROXY")
    proxy: dict[str, Any] = {}
    if trusted_proxy:
        proxy = {
            "trusted_proxy": trusted_proxy,
            "trusted_proxy_count": 1,
            "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"},
            "clear_untrusted_proxy_headers": True,
        }
    return Adjustments(
        threads=threads,
        channel_timeout=float(setting("IDLE_TIMEOUT", DEFAULT_IDLE_TIMEOUT_S)),
        cleanup_interval=LOOP_TICK_S,
        connection_limit=_connection_limit(listeners),
        max_request_header_size=MAX_HEADER_BYTES,
        # Twice the app's own limit: the app answers a merely too-large body in JSON, and
        # waitress refuses a wildly larger one before buffering it.
        max_request_body_size=2 * max_body_bytes,
        asyncore_use_poll=True,  # select() fails past 1,024 open files
        ident="stackline",
        **proxy,
    )


@dataclass
class Serving:
    """Waitress on some listening sockets: its servers, their connections and its threads."""

    servers: list[_Server]
    channels: dict[int, Any]
    dispatcher: ThreadedTaskDispatcher

    @classmethod
    def on(
        cls, app: WSGIApp, sockets: list[socket.socket], threads: int, max_body_bytes: int
    ) -> Serving:
        adjustments = _adjustments(threads, max_body_bytes, len(sockets))
        dispatcher = ThreadedTaskDispatcher()
        dispatcher.set_thread_count(threads)
        channels: dict[int, Any] = {}
        servers = [
            _Server(
                app, channels, _sock=listener, dispatcher=dispatcher, adj=adjustments,
                bind_socket=False,
                sockinfo=(listener.family, listener.type, listener.proto, None),
            )
            for listener in sockets
        ]  # fmt: skip
        request_timeout = float(setting("REQUEST_TIMEOUT", DEFAULT_REQUEST_TIMEOUT_S))
        for server in servers:
            server.request_timeout = request_timeout
        return cls(servers, channels, dispatcher)

    def step(self, timeout: float = LOOP_TICK_S) -> None:
        """One turn of the event loop: accept, read, write, and (about once a second) close
        what timed out."""
        wasyncore.loop(timeout=timeout, map=self.channels, use_poll=True, count=1)


class BufferingWorker(Worker):  # type: ignore[misc]
    """A gunicorn worker that serves through waitress (see the module's docstring)."""

    def run(self) -> None:
        max_body_bytes = int(getattr(self.wsgi, "config", {}).get("MAX_CONTENT_LENGTH") or 2**20)
        logging.getLogger("waitress").handlers = self.log.error_log.handlers
        app = _access_logged(self.wsgi, self.log) if self.cfg.accesslog else self.wsgi
        sockets = [listener.sock for listener in self.sockets]
        serving = Serving.on(app, sockets, self.cfg.threads, max_body_bytes)
        try:
            while self.alive and self.ppid == os.getppid():
                self.notify()
                serving.step()
        except SystemExit:  # SIGINT / SIGQUIT: quit now
            self._finish(serving, drain=False)
            raise
        self._finish(serving, drain=True)

    def _finish(self, serving: Serving, drain: bool) -> None:
        """Stop accepting and reading new requests, close idle connections, let requests
        already running finish and their answers go out (within the graceful timeout, before
        the master's SIGKILL), then close every connection."""
        for server in serving.servers:
            server.stopping = True
            server.del_channel()  # gunicorn's master keeps the listening socket itself
        for channel in list(serving.channels.values()):
            idle = isinstance(channel, _Channel) and not channel.requests
            if idle and not channel.total_outbufs_len:
                channel.handle_close()
        deadline = time.monotonic() + (max(1.0, self.cfg.graceful_timeout - 2) if drain else 0)
        while time.monotonic() < deadline and (
            serving.dispatcher.active_count
            or serving.dispatcher.queue
            or any(getattr(c, "total_outbufs_len", 0) for c in serving.channels.values())
        ):
            self.notify()
            serving.step(0.1)
        serving.dispatcher.shutdown(cancel_pending=True, timeout=1)
        wasyncore.close_all(serving.channels)


def _access_logged(app: WSGIApp, log: Any) -> WSGIApp:
    """`app`, writing one access-log line per answer (address, request line, status, time)."""

    def logged(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = time.perf_counter()

        def start_and_log(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            path = environ.get("PATH_INFO", "")
            if environ.get("QUERY_STRING"):
                path += "?" + environ["QUERY_STRING"]
            log.access_log.info(
                '%s "%s %s %s" %s %.1f ms',
                environ.get("REMOTE_ADDR", "-"),
                environ.get("REQUEST_METHOD", "-"),
                path,
                environ.get("SERVER_PROTOCOL", "-"),
                status.split(" ", 1)[0],
                (time.perf_counter() - started) * 1000,
            )
            return start_response(status, headers, *exc)

        return app(environ, start_and_log)

    return logged
