"""The internals of waitress (and gunicorn) that `stackline serve`'s worker relies on, pinned.

`stackline.cli.worker` and `stackline.cli.connections` subclass waitress's channel, parser,
error task and server, and read attributes of them, because no supported setting gives a request
deadline from the first byte, a minimum send rate, a bound on unread pipelined output or a
lingering close. Such code breaks quietly when the library changes underneath it. So each method
whose behaviour the worker depends on is pinned here by a hash of its source, with what the
worker relies on in it: an upgrade that changes one fails this test, naming the method and the
reliance to check again, before anything reaches a server. Re-pin only after re-reading it.

The attributes and settings read are pinned by name, and the slow-client suites
(`test_slow_clients.py`, `test_slow_readers.py`) check the behaviour end to end.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
from typing import Any

from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.task import ErrorTask

from stackline.cli.connections import Channel, RefusalAnswer, Server, TimedRequest
from stackline.cli.worker import _adjustments

# Method → (hash of its source, what the worker relies on in it).
PINNED: dict[str, tuple[str, str]] = {
    "waitress.channel.HTTPChannel.__init__": ("b871436c71fd5882", "sets outbufs, requests, locks, last_activity; calls dispatcher.__init__ with the socket"),
    "waitress.channel.HTTPChannel.service": ("fe3c46f6bc06e2b9", "serves one request, then re-queues the channel through server.add_task(self) under requests_lock (the pipelining deferral hooks that call)"),
    "waitress.channel.HTTPChannel.handle_write": ("a02291eda4e149a2", "flushes only through _flush_some(_if_lockable); turns close_when_flushed into will_close and calls handle_close (where the lingering close starts)"),
    "waitress.channel.HTTPChannel.readable": ("04c10469e8f4f68b", "reads no new request while requests are queued or output is unread"),
    "waitress.channel.HTTPChannel.writable": ("eeb7fa9fdf3d361d", "writable while output waits or a close is due (overridden while lingering)"),
    "waitress.channel.HTTPChannel.handle_read": ("364c58c53fb46de9", "recv, then received(); bypassed while lingering"),
    "waitress.channel.HTTPChannel.received": ("d9a96c2d6788fe3e", "parses every pipelined request of a read into requests; queues a task for the first only"),
    "waitress.channel.HTTPChannel.handle_close": ("3ebf58a412ad7ebe", "closes the outbufs, sets connected False and notifies outbuf_lock (waking a thread waiting for the client), then closes the socket"),
    "waitress.channel.HTTPChannel._flush_some": ("4627e8d21c2191b7", "sends through self.send (counted for the send rate) and lowers total_outbufs_len"),
    "waitress.channel.HTTPChannel._flush_exception": ("60df0e7183450085", "calls flush(do_close=...) and turns a socket error into will_close"),
    "waitress.channel.HTTPChannel.write_soon": ("ec68be942b571c5e", "a task's writes wait past the high-water mark, and raise ClientDisconnected once the channel is closed (freeing the thread and an export slot)"),
    "waitress.channel.HTTPChannel._flush_outbufs_below_high_watermark": ("b699c4be02181c79", "the wait past the high-water mark ends when connected turns False"),
    "waitress.parser.HTTPRequestParser.__init__": ("062b16cc0ae2b99b", "takes the adjustments; header_plus starts empty"),
    "waitress.parser.HTTPRequestParser.received": ("8a802792e6759424", "returns the bytes consumed; completed and error say when a request is whole or refused"),
    "waitress.task.ErrorTask.execute": ("bd450fd7153dc1c5", "writes the refusal; RefusalAnswer replaces it (status, response_headers, content_length, write)"),
    "waitress.task.Task.set_close_on_finish": ("499d106591a3e9ff", "a refusal closes the connection once flushed"),
    "waitress.task.Task.write": ("03e684b407306ffe", "writes the status line and headers first, then the body through channel.write_soon"),
    "waitress.task.Task.service": ("3af9735832e76e1b", "runs execute() then finish()"),
    "waitress.task.ThreadedTaskDispatcher.set_thread_count": ("e0ae4e4fcbc652f1", "starts the worker's threads"),
    "waitress.task.ThreadedTaskDispatcher.shutdown": ("74c6e3501c0b277d", "shutdown(cancel_pending=, timeout=) on SIGTERM"),
    "waitress.task.ThreadedTaskDispatcher.add_task": ("051e0b93e611bc69", "queues a channel for a thread (called by Server.add_task when not deferred)"),
    "waitress.server.BaseWSGIServer.__init__": ("cb38cfa825a73b8d", "takes _sock, dispatcher, adj, bind_socket=False and sockinfo for gunicorn's socket; keeps active_channels"),
    "waitress.server.BaseWSGIServer.add_task": ("154d98f54f2c44e8", "the one way a channel reaches a thread (overridden for the deferral)"),
    "waitress.server.BaseWSGIServer.readable": ("472ad4b7b97ad174", "calls maintenance(time.time()) every cleanup_interval (timeouts, send rate, lingering)"),
    "waitress.server.BaseWSGIServer.maintenance": ("c07af2859fe8619f", "closes channels without requests after channel_timeout (the idle timeout)"),
    "waitress.server.BaseWSGIServer.pull_trigger": ("cb65a9b28192d952", "wakes the event loop after a deferral"),
    "waitress.wasyncore.dispatcher.send": ("cb366ed3b9498914", "send(data, do_close=True) returns the bytes sent (0 when the socket is full)"),
    "waitress.wasyncore.dispatcher.recv": ("82ae43b147d2d272", "calls handle_close on end of file (a lingering channel reads its socket itself)"),
    "waitress.wasyncore.dispatcher.close": ("91871cddeaf41173", "removes the channel from the map and closes the socket"),
    "waitress.wasyncore.dispatcher.del_channel": ("f9a903ff017eea51", "the worker takes its listeners out of the map on SIGTERM"),
    "waitress.wasyncore.loop": ("4bc4dded02c97988", "loop(timeout=, map=, use_poll=, count=) runs the worker's event loop a turn at a time"),
    "waitress.wasyncore.close_all": ("d245d83154cf71a9", "closes every connection when the worker ends"),
    "gunicorn.workers.base.Worker.__init__": ("1c3053e4240c1c26", "sets alive, ppid, sockets, cfg and log, read by BufferingWorker.run"),
    "gunicorn.workers.base.Worker.init_process": ("12d08988ea58077c", "loads the app (self.wsgi) and calls run()"),
    "gunicorn.workers.base.Worker.notify": ("0c9a9946c72b7cc0", "the heartbeat the loop sends every tick"),
}  # fmt: skip

# Attributes of waitress's objects the worker reads or sets.
CHANNEL_ATTRIBUTES = (
    "requests", "request", "total_outbufs_len", "last_activity", "will_close",
    "close_when_flushed", "connected", "adj", "server", "outbufs", "requests_lock",
    "outbuf_lock", "parser_class", "error_task_class",
)  # fmt: skip
PARSER_ATTRIBUTES = ("header_plus", "completed", "error", "empty", "headers_finished")
ADJUSTMENTS = (
    "threads", "channel_timeout", "cleanup_interval", "connection_limit",
    "max_request_header_size", "max_request_body_size", "asyncore_use_poll", "ident",
    "trusted_proxy", "trusted_proxy_count", "trusted_proxy_headers",
    "clear_untrusted_proxy_headers", "outbuf_high_watermark", "send_bytes",
)  # fmt: skip


def _source_of(dotted: str) -> str:
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        try:
            found: Any = importlib.import_module(".".join(parts[:end]))
        except ImportError:
            continue
        for name in parts[end:]:
            found = getattr(found, name)
        return inspect.cleandoc(inspect.getsource(found))
    raise ImportError(dotted)


def _digest(dotted: str) -> str:
    return hashlib.sha256(_source_of(dotted).encode()).hexdigest()[:16]


def test_every_internal_method_the_worker_relies_on_is_as_it_was_when_checked() -> None:
    changed = [
        f"{name} changed (the worker relies on: {why})"
        for name, (digest, why) in PINNED.items()
        if _digest(name) != digest
    ]
    assert changed == [], "re-read these, adapt stackline.cli, then re-pin:\n" + "\n".join(changed)


def test_the_classes_the_worker_subclasses_are_the_ones_it_names() -> None:
    assert issubclass(Channel, HTTPChannel) and Channel.parser_class is TimedRequest
    assert Channel.error_task_class is RefusalAnswer and issubclass(RefusalAnswer, ErrorTask)
    assert issubclass(TimedRequest, HTTPRequestParser)
    assert Server.channel_class is Channel
    for name in ("send", "handle_write", "readable", "writable", "handle_read", "handle_close"):
        assert name in vars(Channel), f"Channel.{name} is no longer overridden"
        assert hasattr(HTTPChannel, name), f"waitress's channel has no {name} to override"
    for name in ("add_task", "maintenance"):
        assert hasattr(Server.__mro__[1], name), f"waitress's server has no {name} to override"


def test_the_attributes_and_settings_the_worker_reads_exist() -> None:
    adjustments = _adjustments(threads=2, max_body_bytes=2**20, listeners=1)
    parser = HTTPRequestParser(adjustments)
    for name in PARSER_ATTRIBUTES:
        assert hasattr(parser, name), f"waitress's request parser has no {name}"
    for name in CHANNEL_ATTRIBUTES:
        assert name in _source_of("waitress.channel.HTTPChannel") or hasattr(HTTPChannel, name), (
            f"waitress's channel has no {name}"
        )
    known = {name for name, _ in Adjustments._params}
    assert set(ADJUSTMENTS) <= known, f"settings gone: {set(ADJUSTMENTS) - known}"
    assert adjustments.send_bytes >= 1 and adjustments.outbuf_high_watermark > 2**20
