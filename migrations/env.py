"""Alembic environment: runs against the connection Stackline passes in, or STACKLINE_DATABASE_URL."""

from __future__ import annotations

from alembic import context

from stackline.config import database_url
from stackline.store.database import make_engine
from stackline.store.tables import metadata

config = context.config


def run_migrations(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    engine = make_engine(database_url())
    with engine.connect() as fresh:
        run_migrations(fresh)
        fresh.commit()
