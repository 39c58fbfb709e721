"""Web fixtures: an app on a seeded SQLite file, its test client, an editor and an API token.

The seeded database with its editor is made once per test session (migrated, seed imported,
password hashed) and copied for each test: a test gets a private database at the cost of a
file copy instead of a migration and an import.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from stackline.services import accounts
from stackline.services.runtime import load_seed
from stackline.store.units_of_work import Database
from stackline.web import create_app

EDITOR = ("editor", "correct horse battery")


def make_app(tmp_path: Path, **config: Any) -> Flask:
    settings = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'web.db'}",
        "WTF_CSRF_ENABLED": True,
        "LOGIN_RATE_LIMIT": "1000 per minute",
        **config,
    }
    return create_app(settings)


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file holding the seed timeline and the editor, made once."""
    folder = tmp_path_factory.mktemp("seeded-template")
    template = make_app(folder)
    database = template.extensions["stackline.database"]
    load_seed(database)
    accounts.create_user(database, *EDITOR)
    with database.engine.connect() as connection:  # fold the WAL into the file we copy
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.dispose()
    return folder / "web.db"


@pytest.fixture
def app(tmp_path: Path, seeded_template: Path) -> Iterator[Flask]:
    shutil.copyfile(seeded_template, tmp_path / "web.db")
    app = make_app(tmp_path)
    yield app
    app.extensions["stackline.database"].dispose()


@pytest.fixture
def database(app: Flask) -> Database:
    bound: Database = app.extensions["stackline.database"]
    return bound


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def token(database: Database) -> str:
    return accounts.create_token(database, "test-token")
