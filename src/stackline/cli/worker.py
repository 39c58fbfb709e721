"""The worker process `stackline serve` runs: waitress inside a gunicorn worker.

Gunicorn keeps the processes: it binds the port, starts `--workers` of them, restarts one that
dies and stops them on SIGTERM. Waitress serves HTTP inside each. It reads every request whole
(headers and body) in its event loop and writes every answer from a buffer, so a worker thread
only runs a request that has fully arrived: a client that trickles its request, or never reads
its answer, holds a socket and a buffer, not a thread. (Gunicorn's own threaded worker gives
such a client a thread until it is done: 40 trickling sockets stopped `/healthz` answering.)
Nor does a client that pipelines requests and reads slowly: a connection with more than 1 MiB
of unread output gets no further request served until its client reads it down. One exception
remains: past waitress's 16 MiB high-water mark an answer's thread waits for the client to read,
so a client reading slower than the minimum send rate is cut off. The connection policies are in
`stackline.cli.connections`.

Why subclass waitress's internals rather than run a supported configuration: neither waitress's
settings nor gunicorn's workers have a request deadline from the first byte, a minimum send
rate, a bound on unread pipelined output or a lingering close, and gunicorn's threaded worker
gives a slow client a thread. Each internal relied on is pinned by
`tests/reliability/test_worker_internals.py`, so an upgrade that changes one fails loudly.

The limits, from the environment (`stackline.config`):
- `STACKLINE_REQUEST_TIMEOUT` (60 s): a request must arrive whole within this many seconds of its
  first byte, or its connection is closed;
- `STACKLINE_IDLE_TIMEOUT` (30 s): a connection with nothing to do is closed after this long;
- `STACKLINE_MIN_SEND_RATE` (16384 bytes/s): a connection whose client reads the output waiting
  for it slower than this, over a whole idle-timeout window, is closed;
- `STACKLINE_MAX_CONNECTIONS` (1000 per worker, fewer when the open-file limit is lower): past
  it the worker stops accepting until some close;
- `STACKLINE_TRUSTED_PROXY`: the address of the reverse proxy in front, whose
  `X-Forwarded-For` / `-Proto` / `-Host` are believed (from nobody else's).
"""

from __future__ import annotations

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
from waitress.task import ThreadedTaskDispatcher

from stackline.cli.connections import (
    DEFAULT_MIN_SEND_RATE,
    MAX_HEADER_BYTES,
    Channel,
    Server,
)
from stackline.config import setting

DEFAULT_REQUEST_TIMEOUT_S = 60.0
DEFAULT_IDLE_TIMEOUT_S = 30.0
DEFAULT_MAX_CONNECTIONS = 1000
LOOP_TICK_S = 1.0  # the event loop wakes at least this often: heartbeat, timeouts, shutdown
_FILES_KEPT_BACK = 64  # open files a worker keeps for its database, logs and temp buffers

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


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

    servers: list[Server]
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
            Server(
                app, channels, _sock=listener, dispatcher=dispatcher, adj=adjustments,
                bind_socket=False,
                sockinfo=(listener.family, listener.type, listener.proto, None),
            )
            for listener in sockets
        ]  # fmt: skip
        request_timeout = float(setting("REQUEST_TIMEOUT", DEFAULT_REQUEST_TIMEOUT_S))
        min_send_rate = float(setting("MIN_SEND_RATE", DEFAULT_MIN_SEND_RATE))
        for server in servers:
            server.request_timeout = request_timeout
            server.min_send_rate = min_send_rate
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
            idle = isinstance(channel, Channel) and not channel.requests
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
