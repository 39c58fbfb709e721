"""The triggers that make the event log append-only inside the database itself.

UPDATE and DELETE of `events` (and TRUNCATE on PostgreSQL) fail with a message saying why; a
correction is a new event. The migrations create them (and, around a data migration of derived
columns, drop and recreate them); a test checks they exist after `upgrade head`.
"""

from __future__ import annotations

IMMUTABLE = "events are immutable: append a correcting event instead"


def create_trigger_statements(dialect: str) -> list[str]:
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER events_no_{action.lower()} BEFORE {action} ON events "
            f"BEGIN SELECT RAISE(ABORT, '{IMMUTABLE}'); END"
            for action in ("UPDATE", "DELETE")
        ]
    return [
        "CREATE FUNCTION stackline_events_immutable() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION '{IMMUTABLE}'; END $$",
        "CREATE TRIGGER events_no_update_delete BEFORE UPDATE OR DELETE ON events "
        "FOR EACH ROW EXECUTE FUNCTION stackline_events_immutable()",
        "CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events "
        "FOR EACH STATEMENT EXECUTE FUNCTION stackline_events_immutable()",
    ]


def drop_trigger_statements(dialect: str) -> list[str]:
    if dialect == "sqlite":
        return [
            "DROP TRIGGER IF EXISTS events_no_update",
            "DROP TRIGGER IF EXISTS events_no_delete",
        ]
    return [
        "DROP TRIGGER IF EXISTS events_no_update_delete ON events",
        "DROP TRIGGER IF EXISTS events_no_truncate ON events",
        "DROP FUNCTION IF EXISTS stackline_events_immutable()",
    ]
