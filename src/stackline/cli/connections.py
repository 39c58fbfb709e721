"""How the worker's waitress server treats a connection: the policies waitress has no setting
for, as subclasses of its internals (each internal relied on is pinned by
`tests/reliability/test_worker_internals.py`, so a waitress upgrade that changes one fails
loudly).

- A request must arrive whole within `request_timeout` of its first byte, and its request line
  within 8 KiB (a 414 before the rest is read).
- A refusal (400, 413, 414, 431, 500) is answered in words: JSON on the API, a page elsewhere.
- **Pipelining is served at the client's pace**: a connection with more than
  `UNREAD_OUTPUT_BOUND` of output its client has not read gets no further pipelined request
  served (no thread) until the client has read it down; a thread serves requests, never waits
  on a reader between them.
- **A minimum send rate**: a connection whose client, over a whole `channel_timeout` window
  with output waiting for it, read less than `min_send_rate` bytes a second is closed (reading
  nothing is the zero rate). Closing it wakes a thread waiting past waitress's 16 MiB high-water
  mark, which then stops and gives back what it held (an export slot).
- **Lingering close**, as nginx's `lingering_close`: a connection closed after a refusal shuts
  down its sending side once the answer is out, then reads and drops what the client still
  sends, for up to `LINGER_TIMEOUT_S` without data (`LINGER_MAX_S` in all), so a client that
  writes its whole body before reading (Python's `urllib`) reads the 413 instead of a reset.
"""

from __future__ import annotations

import html
import json
import socket
import time
from typing import Any

from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import TcpWSGIServer
from waitress.task import ErrorTask
from waitress.utilities import BadRequest

MAX_HEADER_BYTES = 64 * 1024
MAX_REQUEST_LINE_BYTES = 8 * 1024  # as nginx's default header buffer
UNREAD_OUTPUT_BOUND = 1024 * 1024
DEFAULT_MIN_SEND_RATE = 16 * 1024  # bytes a second
LINGER_TIMEOUT_S = 5.0
LINGER_MAX_S = 30.0
_DRAIN_BYTES = 64 * 1024


class URITooLong(BadRequest):
    code = 414
    reason = "URI Too Long"


class TimedRequest(HTTPRequestParser):
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


class RefusalAnswer(ErrorTask):
    """A request waitress refused before the app saw it (400, 413, 414, 431, 501): the status
    and why, as JSON for the API (`{"error", "message", "details"}`) and a short page otherwise.
    The client may still be sending (a body too large): the connection lingers as it closes."""

    def execute(self) -> None:
        request: Any = self.request  # (the stub says an Error; it is the request refused)
        error = request.error
        # An app that failed is answered with a fresh request: the one it served is first.
        served = self.channel.requests[0] if self.channel.requests else request
        if error.code >= 500:
            message = "The server failed while answering; the error is in its log."
        else:
            message = _REFUSALS.get(error.code) or f"The request could not be read: {error.body}."
        if isinstance(served, TimedRequest) and b" /api/" in served.start:
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
        if isinstance(self.channel, Channel):
            self.channel.linger_on_close = True
        self.content_length = len(body)
        self.write(body)


_REFUSALS = {
    413: "The request's body is larger than this server accepts.",
    414: f"The address is longer than {MAX_REQUEST_LINE_BYTES:,} bytes: send fewer or shorter "
    "filters.",
    431: f"The request's headers are larger than {MAX_HEADER_BYTES // 1024} KiB.",
}


class Channel(HTTPChannel):
    """One client connection (see the module's docstring for what it adds to waitress's)."""

    parser_class = TimedRequest
    error_task_class = RefusalAnswer
    server: Server

    deferred = False  # a pipelined request waits for the client to read (no task queued)
    linger_on_close = False  # a refusal was answered: linger when closing
    lingering_since: float | None = None
    bytes_sent = 0
    window_start: float | None = None  # of the current send-rate window (output waiting)
    window_sent = 0  # bytes_sent when it began

    # --- the client's reading ---

    def send(self, data: bytes, do_close: bool = True) -> int:
        sent = int(super().send(data, do_close=do_close))
        self.bytes_sent += sent
        return sent

    def waits_on_its_client(self) -> bool:
        """Output is waiting to be read (the loop sends whatever the socket takes at once)."""
        return bool(self.total_outbufs_len) and self.lingering_since is None

    def slower_than(self, rate: float, window: float, now: float) -> bool:
        """Whether, over a whole `window` of seconds with output waiting at every look, the
        client read less than `rate` bytes a second (a new window begins after each)."""
        if not self.waits_on_its_client():
            self.window_start = None
            return False
        if self.window_start is None:
            self.window_start, self.window_sent = now, self.bytes_sent
            return False
        if now - self.window_start < window:
            return False
        too_slow = self.bytes_sent - self.window_sent < rate * (now - self.window_start)
        self.window_start, self.window_sent = now, self.bytes_sent
        return too_slow

    # --- pipelining at the client's pace ---

    def defer_if_unread(self) -> bool:
        """Called instead of queueing this channel's next request: keep it back (no thread)
        while the client has more than UNREAD_OUTPUT_BOUND to read."""
        if self.total_outbufs_len <= UNREAD_OUTPUT_BOUND:
            return False
        self.deferred = True
        return True

    def handle_write(self) -> None:
        if not self.deferred:
            super().handle_write()
            return
        # No task runs for this channel: send what the socket takes, and once the client
        # has read the output down, queue its next request.
        internals: Any = self  # (waitress's stubs leave out its private members)
        internals._flush_exception(internals._flush_some)
        with internals.requests_lock:
            if self.deferred and self.total_outbufs_len <= UNREAD_OUTPUT_BOUND:
                self.deferred = False
                if self.connected and self.requests:
                    self.server.add_task(self)
        if self.will_close:
            self.handle_close()

    # --- reading, and the lingering close ---

    def readable(self) -> bool:
        """Read no new request once the worker is stopping (see `BufferingWorker._finish`);
        a lingering connection reads (and drops) what its client still sends."""
        if self.lingering_since is not None:
            return True
        return not self.server.stopping and bool(super().readable())

    def writable(self) -> bool:
        return self.lingering_since is None and bool(super().writable())

    def handle_read(self) -> None:
        if self.lingering_since is None:
            super().handle_read()
            return
        if self.socket is None:
            return
        try:
            data = self.socket.recv(_DRAIN_BYTES)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if data:
            self.last_activity = time.time()
        else:
            self.stop_lingering()

    def handle_close(self) -> None:
        if self.linger_on_close and self.lingering_since is None and self._can_linger():
            self.lingering_since = time.monotonic()
            self.last_activity = time.time()
            return
        super().handle_close()

    def stop_lingering(self) -> None:
        self.linger_on_close = False
        self.handle_close()

    def _can_linger(self) -> bool:
        """Start lingering: the answer is out, so stop sending (the client sees the end of
        it) and keep the socket open to read."""
        if self.total_outbufs_len or self.socket is None:
            return False
        try:
            self.socket.shutdown(socket.SHUT_WR)
        except OSError:
            return False
        return True

    def lingered_enough(self, now: float) -> bool:
        assert self.lingering_since is not None
        quiet = time.time() - self.last_activity
        return quiet > LINGER_TIMEOUT_S or now - self.lingering_since > LINGER_MAX_S


class Server(TcpWSGIServer):
    """Waitress's server on a socket gunicorn bound, with the policies of this module."""

    channel_class = Channel
    request_timeout = 60.0
    min_send_rate = float(DEFAULT_MIN_SEND_RATE)
    stopping = False

    def add_task(self, task: Any) -> None:
        if isinstance(task, Channel) and task.defer_if_unread():
            self.pull_trigger()  # the loop looks at the channel's writability again
            return
        super().add_task(task)

    def maintenance(self, now: float) -> None:
        """Close what waitress's idle timeout leaves open: a request still arriving after the
        request timeout, a connection whose client reads below the minimum send rate, and a
        lingering connection that has lingered enough."""
        super().maintenance(now)  # type: ignore[arg-type]  # (the stub says int; it is time.time())
        cutoff = time.monotonic() - self.request_timeout
        open_channels: dict[int, HTTPChannel] = self.active_channels  # type: ignore[assignment]
        for channel in list(open_channels.values()):
            if not isinstance(channel, Channel):
                continue
            if channel.lingering_since is not None:
                if channel.lingered_enough(time.monotonic()):
                    channel.stop_lingering()
                continue
            partial = channel.request
            if (
                isinstance(partial, TimedRequest)
                and not channel.requests
                and partial.first_byte_at < cutoff
            ):
                channel.will_close = True  # closed when next writable (nothing is queued)
            elif channel.slower_than(self.min_send_rate, self.adj.channel_timeout, now):
                channel.handle_close()  # also wakes a thread waiting for the client to read
