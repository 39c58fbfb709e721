"""Editors and API tokens: passwords hashed with scrypt, tokens kept only as their SHA-256."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from werkzeug.security import check_password_hash, generate_password_hash

from stackline.domain.documents import format_timestamp
from stackline.store import accounts as stored
from stackline.store.units_of_work import Database

TOKEN_PREFIX = "stk_"


@cache
def _nobodys_hash() -> str:
    """A hash of a password nobody has: checked when a name is unknown, so that signing in as
    an unknown name costs one scrypt, like a known one (made once, on first use)."""
    return generate_password_hash(secrets.token_urlsafe(16), method="scrypt")


class AccountError(ValueError):
    pass


@dataclass(frozen=True)
class User:
    id: int
    name: str
    session_version: int = 0


def create_user(db: Database, name: str, password: str) -> User:
    if not name.strip() or len(name) > 80:
        raise AccountError("a user name is 1–80 characters")
    if len(password) < 8:
        raise AccountError("a password needs at least 8 characters")
    with db.writing() as uow:
        if stored.user_named(uow, name) is not None:
            raise AccountError(f"user {name!r} already exists")
        hashed = generate_password_hash(password, method="scrypt")
        user_id = stored.add_user(uow, name, hashed, format_timestamp(datetime.now(UTC)))
    return User(user_id, name)


def authenticate(db: Database, name: str, password: str) -> User | None:
    with db.reading() as uow:
        found = stored.user_named(uow, name)
    if found is None:
        check_password_hash(_nobodys_hash(), password)  # the same cost either way
        return None
    matches = check_password_hash(found.password_hash, password)
    if not matches or found.disabled:
        return None
    return User(found.id, found.name, found.session_version)


def find_user(db: Database, user_id: int) -> User | None:
    """An enabled editor by id (None when unknown or disabled)."""
    with db.reading() as uow:
        found = stored.user_by_id(uow, user_id)
    if found is None or found.disabled:
        return None
    return User(found.id, found.name, found.session_version)


def end_sessions(db: Database, user_id: int) -> None:
    """Every session of the editor stops working (signing out: a copied cookie goes too)."""
    with db.writing() as uow:
        stored.end_sessions(uow, user_id)


def disable_user(db: Database, name: str) -> None:
    """The editor can no longer sign in, and their open sessions end."""
    with db.writing() as uow:
        if not stored.disable_user(uow, name):
            raise AccountError(f"no user {name!r}")


def revoke_token(db: Database, name: str) -> int:
    """Revoke the live tokens named `name`; how many (AccountError when none)."""
    with db.writing() as uow:
        revoked = stored.revoke_tokens(uow, name, format_timestamp(datetime.now(UTC)))
    if not revoked:
        raise AccountError(f"no live token named {name!r}")
    return revoked


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(db: Database, name: str) -> str:
    """A new API token; only its hash is stored, so this is the one time it can be read."""
    if not name.strip() or len(name) > 80:
        raise AccountError("a token name is 1–80 characters")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.writing() as uow:
        stored.add_token(uow, name, _digest(token), format_timestamp(datetime.now(UTC)))
    return token


def token_owner(db: Database, token: str) -> str | None:
    """The name of the token, or None when it is not a valid token."""
    digest = _digest(token)
    with db.reading() as uow:
        found = stored.token_name(uow, digest)
    if found is None or not hmac.compare_digest(found[1], digest):
        return None
    return found[0]
