"""Web fixtures: an app on a seeded SQLite file, its test client, an editor and an API token."""

from __future__ import annotations

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


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = make_app(tmp_path)
    database = app.extensions["stackline.database"]
    load_seed(database)
    accounts.create_user(database, *EDITOR)
    yield app
    database.dispose()


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
