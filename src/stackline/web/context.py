"""What `create_app` wired, as a request sees it: the database (one unit of work per request)
and the clock."""

from __future__ import annotations

from datetime import date

from flask import Flask, current_app, g

from stackline.services.clock import Clock
from stackline.services.clock import today as today_on
from stackline.store.units_of_work import Database, RequestDatabase


def database() -> Database:
    """This request's database: every reading in the request shares one unit of work."""
    if "stackline_database" not in g:
        shared: Database = current_app.extensions["stackline.database"]
        g.stackline_database = shared.for_request()
    found: Database = g.stackline_database
    return found


def streaming_database() -> Database:
    """For a streamed answer: it outlives the request's unit of work, so it reads in a unit of
    its own, closed with the stream."""
    shared: Database = current_app.extensions["stackline.database"]
    return shared


def clock() -> Clock:
    configured: Clock = current_app.extensions["stackline.clock"]
    return configured


def today() -> date:
    """Today (UTC) by the app's clock: the default `as_of`."""
    return today_on(clock())


def init_app(app: Flask) -> None:
    app.teardown_appcontext(_end_the_unit_of_work)


def _end_the_unit_of_work(_error: BaseException | None) -> None:
    found = g.pop("stackline_database", None)
    if isinstance(found, RequestDatabase):
        found.close()
