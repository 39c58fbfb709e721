"""Editors and API tokens: passwords hashed with scrypt, tokens kept only as their SHA-256."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, insert, select
from werkzeug.security import check_password_hash, generate_password_hash

from stackline.domain.documents import format_timestamp
from stackline.store.database import read_transaction, write_transaction
from stackline.store.tables import api_tokens, users

TOKEN_PREFIX = "stk_"


class AccountError(ValueError):
    pass


@dataclass(frozen=True)
class User:
    id: int
    name: str


def create_user(engine: Engine, name: str, password: str) -> User:
    if not name.strip() or len(name) > 80:
        raise AccountError("a user name is 1–80 characters")
    if len(password) < 8:
        raise AccountError("a password needs at least 8 characters")
    with write_transaction(engine) as connection:
        if connection.scalar(select(users.c.id).where(users.c.name == name)) is not None:
            raise AccountError(f"user {name!r} already exists")
        connection.execute(
            insert(users).values(
                name=name,
                password_hash=generate_password_hash(password, method="scrypt"),
                created_at=format_timestamp(datetime.now(UTC)),
            )
        )
        user_id = connection.scalar(select(users.c.id).where(users.c.name == name))
    assert user_id is not None
    return User(user_id, name)


def authenticate(engine: Engine, name: str, password: str) -> User | None:
    with read_transaction(engine) as connection:
        row = connection.execute(select(users).where(users.c.name == name)).first()
    if row is None:
        check_password_hash(generate_password_hash("timing"), password)  # same cost either way
        return None
    return User(row.id, row.name) if check_password_hash(row.password_hash, password) else None


def find_user(engine: Engine, user_id: int) -> User | None:
    with read_transaction(engine) as connection:
        row = connection.execute(select(users).where(users.c.id == user_id)).first()
    return User(row.id, row.name) if row else None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(engine: Engine, name: str) -> str:
    """A new API token; only its hash is stored, so this is the one time it can be read."""
    if not name.strip() or len(name) > 80:
        raise AccountError("a token name is 1–80 characters")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with write_transaction(engine) as connection:
        connection.execute(
            insert(api_tokens).values(
                name=name, token_hash=_digest(token), created_at=format_timestamp(datetime.now(UTC))
            )
        )
    return token


def token_owner(engine: Engine, token: str) -> str | None:
    """The name of the token, or None when it is not a valid token."""
    digest = _digest(token)
    with read_transaction(engine) as connection:
        row = connection.execute(
            select(api_tokens.c.name, api_tokens.c.token_hash).where(
                api_tokens.c.token_hash == digest
            )
        ).first()
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        return None
    return str(row.name)
