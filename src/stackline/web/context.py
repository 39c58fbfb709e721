"""Request-time access to what `create_app` wired: the database engine and the clock."""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import Engine

from stackline.services.clock import Clock
from stackline.services.clock import today as today_on


def engine() -> Engine:
    bound: Engine = current_app.extensions["stackline.engine"]
    return bound


def clock() -> Clock:
    configured: Clock = current_app.extensions["stackline.clock"]
    return configured


def today() -> date:
    """Today (UTC) by the app's clock: the default `as_of`."""
    return today_on(clock())
