"""Signed checkpoints make tail truncation and re-hashing visible, on SQLite and PostgreSQL.

`verify` alone cannot see that the last events were deleted (with the projections rebuilt) or
that the chain was re-hashed from some seq on: what is left is a consistent log. A checkpoint
made before, kept outside the database, can: `verify --against` refuses both, names what
happened, and still accepts a log that only grew. Fetched from a URL, a checkpoint comes from
that host alone (no redirect elsewhere), in at most 1 MiB and within a deadline; a check whose
signature could not be verified fails unless `--unsigned-ok` accepts it.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from sqlalchemy import Connection, delete, update

from stackline.services.runtime import load_seed
from stackline.store.database import upgrade
from stackline.store.tables import PROJECTIONS, events
from tests.integration.test_verify import tampering
from tests.pace import scaled
from tests.reliability.figures import SuiteFigures
from tests.reliability.server import Deployment, editor_and_token
from tests.reliability.test_tamper_evidence import SEED_EVENTS, rehashed, row
from tests.reliability.web_client import post_event
from tests.web.api_support import company_registered

_EVENT_COMPANIES = PROJECTIONS["event_companies"].versions  # where its rows are stored

KEY = "checkpoint-key-for-tests"


@pytest.fixture
def seeded(database_url: str, tmp_path: Path) -> Iterator[Deployment]:
    deployment = Deployment.create(tmp_path / "stackline", database_url, CHECKPOINT_KEY=KEY)
    try:
        upgrade(deployment.engine)
        load_seed(deployment.database)
        yield deployment
    finally:
        deployment.close()


def checkpoint(deployment: Deployment, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    made = json.loads(deployment.cli_ok("checkpoint"))
    path = tmp_path / f"checkpoint-{made['seq']}.json"
    path.write_text(json.dumps(made), encoding="utf-8")
    return path, made


def cut_off_the_last_three(connection: Connection) -> None:
    for seq in range(SEED_EVENTS - 2, SEED_EVENTS + 1):
        connection.execute(delete(_EVENT_COMPANIES).where(_EVENT_COMPANIES.c.seq == seq))
        connection.execute(delete(events).where(events.c.seq == seq))


def rehash_from_seq_100_on(connection: Connection) -> None:
    previous = row(connection, 99)["hash"]
    for seq in range(100, SEED_EVENTS + 1):
        values = row(connection, seq)
        changes = rehashed(values, prev_hash=previous, summary=f"{values['summary']} (rewritten)")
        connection.execute(update(events).where(events.c.seq == seq).values(**changes))
        previous = changes["hash"]


FORGERIES = {
    "truncated": (cut_off_the_last_three, "events were removed from its end"),
    "rehashed": (rehash_from_seq_100_on, "no longer has the hash the checkpoint records"),
}


def test_a_log_that_only_grew_still_extends_its_checkpoint(
    seeded: Deployment, tmp_path: Path
) -> None:
    path, made = checkpoint(seeded, tmp_path)
    assert made["seq"] == SEED_EVENTS and len(made["signature"]) == 64

    editor_and_token(seeded, "checker", "correct horse battery staple")
    server = seeded.serve()
    assert post_event(server.base_url, seeded.token, company_registered("later")).status == 201

    said = seeded.cli_ok("verify", "--against", str(path))
    assert f"extends the checkpoint at seq {SEED_EVENTS}" in said
    assert f"now at seq {SEED_EVENTS + 1}" in said and "signature checked" in said
    with urllib.request.urlopen(server.base_url + "/api/v1/checkpoint") as answer:
        assert json.loads(answer.read()) == made  # served for anyone to keep a copy
    assert "extends" in seeded.cli_ok("verify", "--against", server.base_url + "/api/v1/checkpoint")


@pytest.mark.parametrize("forgery", list(FORGERIES))
def test_truncation_or_rehashing_passes_plain_verify_but_not_the_checkpoint(
    seeded: Deployment, tmp_path: Path, forgery: str, figures: SuiteFigures
) -> None:
    path, _ = checkpoint(seeded, tmp_path)
    forge, words = FORGERIES[forgery]
    with tampering(seeded.database) as connection:
        forge(connection)  # type: ignore[arg-type]
    seeded.cli_ok("rebuild")
    figures.add(faults_injected=1)

    assert "ok:" in seeded.cli_ok("verify")  # a consistent log, as far as it can tell
    done = seeded.cli("verify", "--against", str(path))
    assert done.returncode == 1
    assert words in done.stderr


def test_an_edited_checkpoint_fails_its_signature(seeded: Deployment, tmp_path: Path) -> None:
    path, made = checkpoint(seeded, tmp_path)
    earlier = row_hash(seeded, 10)
    path.write_text(json.dumps({**made, "seq": 10, "hash": earlier}), encoding="utf-8")

    done = seeded.cli("verify", "--against", str(path))
    assert done.returncode == 1 and "signature does not match" in done.stderr


def row_hash(deployment: Deployment, seq: int) -> str:
    with deployment.engine.connect() as connection:
        return str(row(connection, seq)["hash"])


def test_a_checkpoint_needs_a_key_of_its_own(database_url: str, tmp_path: Path) -> None:
    deployment = Deployment.create(tmp_path / "keyless", database_url)  # a SECRET_KEY, no other
    try:
        upgrade(deployment.engine)
        load_seed(deployment.database)
        done = deployment.cli("checkpoint")
        assert done.returncode == 1 and "STACKLINE_CHECKPOINT_KEY" in done.stderr
    finally:
        deployment.close()


# --- fetching a checkpoint over HTTP: nothing but the copy asked for, in bounded time ---

FETCH_TIMEOUT_S = 3


class _Publisher(BaseHTTPRequestHandler):
    """Serves a checkpoint as a hostile or careless host might."""

    checkpoint: ClassVar[bytes] = b""

    def do_GET(self) -> None:
        port = self.server.server_address[1]
        if self.path == "/elsewhere":  # to another host: localhost is not 127.0.0.1
            self._answer(302, b"", {"Location": f"http://localhost:{port}/checkpoint"})
        elif self.path == "/moved":  # within the same host
            self._answer(301, b"", {"Location": "/checkpoint"})
        elif self.path == "/huge":
            self._answer(200, b'{"seq": 1, "padding": "' + b"x" * (2 * 2**20) + b'"}')
        elif self.path == "/trickle":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            with suppress(OSError):
                for _ in range(60):  # 30 s of a byte every half second, unless cut off
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.5)
        else:
            self._answer(200, self.checkpoint)

    def _answer(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with suppress(OSError):
            self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def published(tmp_path: Path) -> Iterator[tuple[Deployment, str]]:
    """A seeded SQLite deployment with a checkpoint, and the base URL of a server publishing it."""
    deployment = Deployment.create(
        tmp_path / "fetching", f"sqlite:///{tmp_path / 'fetching' / 'stackline.db'}",
        CHECKPOINT_KEY=KEY,
    )  # fmt: skip
    upgrade(deployment.engine)
    load_seed(deployment.database)
    _, made = checkpoint(deployment, tmp_path)
    _Publisher.checkpoint = json.dumps(made).encode()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Publisher)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield deployment, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        deployment.close()


def test_verify_against_a_url_follows_a_redirect_only_within_its_host(
    published: tuple[Deployment, str], figures: SuiteFigures
) -> None:
    deployment, base = published
    moved = deployment.cli("verify", "--against", f"{base}/moved")
    elsewhere = deployment.cli("verify", "--against", f"{base}/elsewhere")
    figures.add(inputs_tried=2)

    assert moved.returncode == 0 and "signature checked" in moved.stdout, moved.stderr
    assert elsewhere.returncode == 1
    assert "redirect" in elsewhere.stderr and "localhost" in elsewhere.stderr
    assert "Traceback" not in elsewhere.stderr


def test_verify_against_a_url_reads_at_most_one_mebibyte_within_a_deadline(
    published: tuple[Deployment, str], figures: SuiteFigures
) -> None:
    deployment, base = published
    huge = deployment.cli("verify", "--against", f"{base}/huge")
    started = time.monotonic()
    trickled = deployment.cli(
        "verify", "--against", f"{base}/trickle", "--timeout", str(FETCH_TIMEOUT_S)
    )
    took = time.monotonic() - started
    figures.add(inputs_tried=2)

    assert huge.returncode == 1 and "more than 1 MiB" in huge.stderr, huge.stderr
    assert trickled.returncode == 1 and f"within {FETCH_TIMEOUT_S} s" in trickled.stderr
    assert took < FETCH_TIMEOUT_S + scaled(10.0)  # the CLI's own start included
    assert "Traceback" not in huge.stderr + trickled.stderr


def test_verify_without_the_key_fails_unless_an_unsigned_check_is_accepted(
    published: tuple[Deployment, str], figures: SuiteFigures
) -> None:
    deployment, base = published
    del deployment.env["STACKLINE_CHECKPOINT_KEY"]
    unsigned = deployment.cli("verify", "--against", f"{base}/checkpoint")
    accepted = deployment.cli("verify", "--against", f"{base}/checkpoint", "--unsigned-ok")
    figures.add(inputs_tried=2)

    assert unsigned.returncode == 1
    assert "STACKLINE_CHECKPOINT_KEY" in unsigned.stderr and "--unsigned-ok" in unsigned.stderr
    assert accepted.returncode == 0 and "signature NOT checked" in accepted.stdout
