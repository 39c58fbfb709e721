"""Editors and API tokens as stored: names, password hashes, token digests (never the secrets)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert, select

from stackline.store.statements import Sql
from stackline.store.tables import api_tokens, users
from stackline.store.units_of_work import Reading, Writing


@dataclass(frozen=True)
class StoredUser:
    id: int
    name: str
    password_hash: str


def user_named(uow: Reading, name: str) -> StoredUser | None:
    row = uow.connection.execute(select(users).where(users.c.name == name)).first()
    return StoredUser(row.id, row.name, row.password_hash) if row else None


def user_by_id(uow: Reading, user_id: int) -> StoredUser | None:
    row = uow.connection.execute(select(users).where(users.c.id == user_id)).first()
    return StoredUser(row.id, row.name, row.password_hash) if row else None


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
        "SELECT name, token_hash FROM api_tokens WHERE token_hash = :digest", {"digest": digest}
    )
    return (str(row[0]), str(row[1])) if row else None
