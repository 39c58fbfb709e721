"""Editors and API tokens as stored: names, password hashes, token digests (never the secrets)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update

from stackline.store.statements import Sql
from stackline.store.tables import api_tokens, users
from stackline.store.units_of_work import Reading, Writing


@dataclass(frozen=True)
class StoredUser:
    id: int
    name: str
    password_hash: str
    disabled: bool = False
    session_version: int = 0


def _user(row: Any) -> StoredUser | None:
    if row is None:
        return None
    return StoredUser(
        row.id, row.name, row.password_hash, bool(row.disabled), int(row.session_version)
    )


def user_named(uow: Reading, name: str) -> StoredUser | None:
    return _user(uow.connection.execute(select(users).where(users.c.name == name)).first())


def user_by_id(uow: Reading, user_id: int) -> StoredUser | None:
    return _user(uow.connection.execute(select(users).where(users.c.id == user_id)).first())


def disable_user(uow: Writing, name: str) -> bool:
    """Disable the editor and end their sessions; whether one was found."""
    result = uow.connection.execute(
        update(users)
        .where(users.c.name == name)
        .values(disabled=True, session_version=users.c.session_version + 1)
    )
    return bool(result.rowcount)


def end_sessions(uow: Writing, user_id: int) -> None:
    uow.connection.execute(
        update(users)
        .where(users.c.id == user_id)
        .values(session_version=users.c.session_version + 1)
    )


def revoke_tokens(uow: Writing, name: str, revoked_at: str) -> int:
    """Revoke every live token of this name; how many."""
    result = uow.connection.execute(
        update(api_tokens)
        .where(api_tokens.c.name == name, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=revoked_at)
    )
    return int(result.rowcount or 0)


def add_user(uow: Writing, name: str, password_hash: str, created_at: str) -> int:
    result = uow.connection.execute(
        insert(users).values(name=name, password_hash=password_hash, created_at=created_at)
    )
    user_id = result.inserted_primary_key[0] if result.inserted_primary_key else None
    assert user_id is not None
    return int(user_id)


def add_token(uow: Writing, name: str, digest: str, created_at: str) -> None:
    uow.connection.execute(
        insert(api_tokens).values(name=name, token_hash=digest, created_at=created_at)
    )


def token_name(uow: Reading, digest: str) -> tuple[str, str] | None:
    """(name, stored digest) of the token with this digest (on every API write: by the DBAPI)."""
    row = Sql(uow.connection).first(
        "SELECT name, token_hash FROM api_tokens WHERE token_hash = :digest AND revoked_at IS NULL",
        {"digest": digest},
    )
    return (str(row[0]), str(row[1])) if row else None
