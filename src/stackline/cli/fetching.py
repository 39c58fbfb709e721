"""Reading a published checkpoint for `stackline verify --against URL`, trusting the URL only.

The answer must come from the host named (a redirect within it is followed, one to another host
is refused: a checkpoint "of a copy you trust" must not be swapped for one of a copy you do
not), it may hold at most `MAX_CHECKPOINT_BYTES` (a checkpoint is a few hundred bytes), and the
whole fetch — name lookup, connection, redirects, body — must end within the deadline, however
slowly a server trickles its answer.
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

MAX_CHECKPOINT_BYTES = 2**20
DEFAULT_DEADLINE_S = 30.0
_READ_BYTES = 16 * 1024


class FetchRefused(Exception):
    """A checkpoint that could not be fetched as asked; the message says why, in words."""


class _RedirectsWithinTheHost(urllib.request.HTTPRedirectHandler):
    def redirect_request(
        self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> Any:
        asked, offered = urlsplit(req.full_url), urlsplit(newurl)
        if (asked.scheme, asked.hostname, asked.port) != (
            offered.scheme,
            offered.hostname,
            offered.port,
        ):
            raise FetchRefused(
                f"{req.full_url} redirects to another host ({offered.scheme}://{offered.netloc}); "
                "a checkpoint is read only from the host named — ask that one directly if you "
                "trust it"
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _read(url: str, deadline_s: float) -> bytes:
    opener = urllib.request.build_opener(_RedirectsWithinTheHost)
    with opener.open(url, timeout=deadline_s) as answer:
        declared = answer.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > MAX_CHECKPOINT_BYTES:
            raise FetchRefused(f"{url} answers with more than 1 MiB ({int(declared):,} bytes)")
        body = bytearray()
        while chunk := answer.read1(_READ_BYTES):
            body += chunk
            if len(body) > MAX_CHECKPOINT_BYTES:
                raise FetchRefused(f"{url} answers with more than 1 MiB")
        return bytes(body)


def fetch_checkpoint(url: str, deadline_s: float = DEFAULT_DEADLINE_S) -> bytes:
    """The body at `url`, fetched as the module describes; `FetchRefused` saying why not."""
    outcome: list[bytes | BaseException] = []

    def fetch() -> None:
        try:
            outcome.append(_read(url, deadline_s))
        except (FetchRefused, urllib.error.URLError, OSError, ValueError) as error:
            outcome.append(error)

    worker = threading.Thread(target=fetch, name="fetch-checkpoint", daemon=True)
    worker.start()
    worker.join(deadline_s)
    if not outcome:  # still running: left behind, and ended with the command
        raise FetchRefused(f"{url} did not answer in full within {deadline_s:g} s")
    found = outcome[0]
    if isinstance(found, FetchRefused):
        raise found
    if isinstance(found, urllib.error.HTTPError):
        raise FetchRefused(f"{url} answered {found.code} {found.reason}")
    if isinstance(found, BaseException):
        reason = getattr(found, "reason", None) or found
        raise FetchRefused(f"{url} could not be read: {reason}")
    return found
