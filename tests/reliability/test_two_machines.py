"""More than one machine: two separate `stackline serve` processes on one PostgreSQL, sharing
the login limit through Redis (the README's "Deploying in public" layout, on one host).

Writers post through both at once; the shared log stays gapless with every acknowledged event
stored once, each server reads its own writes at once, and ten wrong passwords spread over both
servers lock the name out on both.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest

from tests.conftest import reset_postgres
from tests.reliability.figures import SuiteFigures
from tests.reliability.server import Deployment, Server, editor_and_token
from tests.reliability.test_security_over_http import (
    DEFAULT_LOGIN_LIMIT,
    REDIS_URL,
    redis_reachable,
)
from tests.reliability.web_client import Visitor, post_event, request
from tests.web.api_support import company_registered
from tests.web.conftest import EDITOR

WRITERS_PER_SERVER = 3
WRITES_EACH = 25


@pytest.fixture
def two_servers(
    tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[tuple[Deployment, Server, Server]]:
    if not redis_reachable():
        pytest.skip("Redis is not reachable at 127.0.0.1:6379")
    url = request.getfixturevalue("second_postgres_url")
    reset_postgres(url)
    deployment = Deployment.create(
        tmp_path / "shared",
        url,
        RATELIMIT_STORAGE_URI=REDIS_URL,
        RATELIMIT_KEY_PREFIX=f"two-machines-{uuid4()}",
    )
    try:
        editor_and_token(deployment, *EDITOR)
        first = deployment.serve()
        second = deployment.serve()  # another process, as on another machine
        yield deployment, first, second
    finally:
        deployment.close()


def test_writes_through_two_servers_make_one_gapless_log_each_reading_its_own(
    two_servers: tuple[Deployment, Server, Server], figures: SuiteFigures
) -> None:
    deployment, first, second = two_servers
    before = deployment.count_events()
    acknowledged: list[str] = []
    unread: list[str] = []
    failures: list[str] = []
    lock = threading.Lock()

    def write(server: Server, writer: int) -> None:
        for index in range(WRITES_EACH):
            event = company_registered(f"m{server.port}-{writer}-{index}")
            reply = post_event(server.base_url, deployment.token, event)
            if reply.status != 201:
                with lock:
                    failures.append(f"{server.port}: {reply.status}")
                continue
            seen = request(server.base_url, "GET", f"/api/v1/events/{event['id']}")
            with lock:
                acknowledged.append(event["id"])
                if seen.status != 200:
                    unread.append(event["id"])

    threads = [
        threading.Thread(target=write, args=(server, writer))
        for server in (first, second)
        for writer in range(WRITERS_PER_SERVER)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    figures.add(events_written=len(acknowledged))

    assert failures == []
    assert unread == []  # read-your-writes on the server that took the write
    assert len(acknowledged) == 2 * WRITERS_PER_SERVER * WRITES_EACH
    with deployment.engine.connect() as connection:
        seqs = list(connection.exec_driver_sql("SELECT seq FROM events ORDER BY seq").scalars())
        ids = set(connection.exec_driver_sql("SELECT id FROM events").scalars())
    assert seqs == list(range(1, before + len(acknowledged) + 1))  # gapless, nothing doubled
    assert set(acknowledged) <= ids
    assert "ok:" in deployment.cli_ok("verify")


def test_the_login_limit_is_shared_by_both_servers(
    two_servers: tuple[Deployment, Server, Server], figures: SuiteFigures
) -> None:
    _, first, second = two_servers
    visitors = [Visitor(first.base_url), Visitor(second.base_url)]
    guesses = [
        visitors[n % 2].login(EDITOR[0], f"guess {n}").status for n in range(DEFAULT_LOGIN_LIMIT)
    ]
    figures.add(inputs_tried=DEFAULT_LOGIN_LIMIT + 2)

    assert guesses == [401] * DEFAULT_LOGIN_LIMIT
    assert [visitor.login(*EDITOR).status for visitor in visitors] == [429, 429]
