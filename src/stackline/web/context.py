"""Request-time access to the database engine and the signed-in editor."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import Engine


def engine() -> Engine:
    bound: Engine = current_app.extensions["stackline.engine"]
    return bound
