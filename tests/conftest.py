"""Fixtures shared by every suite: databases on SQLite and PostgreSQL, and event builders.

PostgreSQL tests use `STACKLINE_TEST_POSTGRES_URL` (default: the local server's `test`
database). Without a reachable server they skip, saying why — unless
`STACKLINE_REQUIRE_POSTGRES=1`, which makes them fail instead (CI sets it).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from stackline.store.database import make_engine, upgrade
from stackline.store.units_of_work import Database

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

# Property tests and schemathesis draw the same examples on every run, locally as in CI, so a
# red run always means a change broke something. `--hypothesis-profile=explore` draws fresh
# examples (and more of them) to look for new failures; `quick` draws few, for the inner loop.
settings.register_profile("deterministic", derandomize=True, deadline=None)
settings.register_profile("explore", derandomize=False, deadline=None, max_examples=500)
settings.register_profile("quick", derandomize=True, deadline=None, max_examples=5)
settings.load_profile("deterministic")


SLOW_SUITES = ("tests/browser/", "tests/reliability/")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test taking `backend` runs on SQLite, and on PostgreSQL too when it is `storage`
    -specific (the log, the projector, migrations, integrity: what each dialect does its own
    way) — unless it names its backends itself."""
    if "backend" not in metafunc.fixturenames:
        return
    if any(
        mark.args and mark.args[0] == "backend"
        for mark in metafunc.definition.iter_markers("parametrize")
    ):
        return
    storage = metafunc.definition.get_closest_marker("storage") is not None
    metafunc.parametrize(
        "backend", ["sqlite", "postgres"] if storage else ["sqlite"], indirect=True
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser and reliability tests start real servers and browsers: they are `slow`, so
    `pytest -m "not slow"` runs the unit, integration and web suites alone. Tests on
    PostgreSQL are `postgres`: `-m "not postgres"` leaves them out."""
    for item in items:
        if any(suite in item.nodeid for suite in SLOW_SUITES):
            item.add_marker(pytest.mark.slow)
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("backend") == "postgres":
            item.add_marker(pytest.mark.postgres)


def _postgres_admin_url() -> str:
    url = os.environ.get("STACKLINE_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _database_name(suffix: str) -> str:
    """Unique to this test process, so two test runs on one server never share a database."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"stackline_test_{worker}_{os.getpid()}{suffix}"


def _admin(statement: str) -> None:
    admin = create_engine(_postgres_admin_url(), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(statement))
    finally:
        admin.dispose()


def _own_database(suffix: str) -> Iterator[str]:
    """A database of this test process, created on first use and dropped at the end."""
    name = _database_name(suffix)
    try:
        _admin(f'CREATE DATABASE "{name}"')
    except Exception as error:  # the server is missing or refuses us
        reason = f"PostgreSQL not reachable at {_postgres_admin_url()}: {error.__class__.__name__}"
        if os.environ.get("STACKLINE_REQUIRE_POSTGRES") == "1":
            pytest.fail(reason + " (STACKLINE_REQUIRE_POSTGRES=1)")
        pytest.skip(reason)
    yield make_url(_postgres_admin_url()).set(database=name).render_as_string(hide_password=False)
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    yield from _own_database("")


@pytest.fixture(scope="session")
def second_postgres_url() -> Iterator[str]:
    """A second database, for tests that copy data from one database into another."""
    yield from _own_database("_b")


def reset_postgres(url: str) -> None:
    """Drop everything in the worker's database (the event triggers go with the tables)."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


def fresh_database_url(backend: str, directory: Path, postgres: str | None) -> str:
    if backend == "sqlite":
        return f"sqlite:///{directory / 'stackline.db'}"
    assert postgres is not None
    reset_postgres(postgres)
    return postgres


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgres":
        request.getfixturevalue("postgres_url")
    return str(request.param)


@pytest.fixture
def database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    postgres = request.getfixturevalue("postgres_url") if backend == "postgres" else None
    return fresh_database_url(backend, tmp_path, postgres)


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """A migrated, empty database on each backend."""
    database = Database(make_engine(database_url))
    upgrade(database.engine)
    yield database
    database.dispose()
