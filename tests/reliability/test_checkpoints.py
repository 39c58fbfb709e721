"""Signed checkpoints make tail truncation and re-hashing visible, on SQLite and PostgreSQL.

`verify` alone cannot see that the last events were deleted (with the projections rebuilt) or
that the chain was re-hashed from some seq on: what is left is a consistent log. A checkpoint
made before, kept outside the database, can: `verify --against` refuses both, names what
happened, and still accepts a log that only grew.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, delete, update

from stackline.services.runtime import load_seed
from stackline.store.database import upgrade
from stackline.store.tables import event_companies, events
from tests.integration.test_verify import tampering
from tests.reliability.figures import SuiteFigures
from tests.reliability.server import Deployment, editor_and_token
from tests.reliability.test_tamper_evidence import SEED_EVENTS, rehashed, row
from tests.reliability.web_client import post_event
from tests.web.api_support import company_registered

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
        connection.execute(delete(event_companies).where(event_companies.c.seq == seq))
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
