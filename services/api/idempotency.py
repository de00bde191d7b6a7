"""`Idempotency-Key` for API creates: a retried request returns the first answer and creates nothing.

Stripe's rules, kept small: the key is scoped to the API key that sent it and kept 24 hours; the
same key with a different request (method, path or body) is refused, as is a retry that arrives
while the first request is still running (the row is written *before* the work starts, under a
unique constraint, so two racing requests can't both create). Only successful answers are kept:
a refused request (bad input, a conflict) leaves nothing behind, so the client can fix it and try
again with the same key.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from services.db import session_scope
from services.errors import Conflict, UserError
from services.models import ApiIdempotencyRecord, utcnow

KEEP_FOR = timedelta(hours=24)
MAX_KEY_LENGTH = 255


class IdempotencyKeyInvalid(UserError):
    """The header is empty, too long or not printable ASCII."""


class IdempotencyKeyReused(UserError):
    """The same key came with a different request."""


class IdempotencyInProgress(Conflict):
    """The first request with this key has not finished yet."""


@dataclass(frozen=True)
class Replay:
    status_code: int
    body: Any


def fingerprint(method: str, path: str, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def check_key(raw: str) -> str:
    key = raw.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not all(32 < ord(c) < 127 for c in key):
        raise IdempotencyKeyInvalid(
            f"Idempotency-Key must be 1–{MAX_KEY_LENGTH} printable characters without spaces (a UUID is ideal)."
        )
    return key


def begin(api_key_id: int, key: str, print_: str) -> Replay | int:
    """A Replay of the stored answer, or the id of a new pending record (call finish or abandon)."""
    now = utcnow()
    with session_scope() as session:
        session.execute(
            delete(ApiIdempotencyRecord).where(
                ApiIdempotencyRecord.api_key_id == api_key_id, ApiIdempotencyRecord.created_at < now - KEEP_FOR
            )
        )
    try:
        with session_scope() as session:
            row = ApiIdempotencyRecord(api_key_id=api_key_id, idem_key=key, fingerprint=print_, created_at=now)
            session.add(row)
            session.flush()
            return int(row.id)
    except IntegrityError:
        pass
    with session_scope() as session:
        row = session.exec(
            select(ApiIdempotencyRecord).where(
                ApiIdempotencyRecord.api_key_id == api_key_id, ApiIdempotencyRecord.idem_key == key
            )
        ).first()
    if row is None:  # finished and removed between our insert and this read: treat as in flight
        raise IdempotencyInProgress("A request with this Idempotency-Key is still being processed; retry shortly.")
    if row.fingerprint != print_:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was already used with a different request; use a new key for a new request."
        )
    if row.status_code == 0:
        raise IdempotencyInProgress("A request with this Idempotency-Key is still being processed; retry shortly.")
    return Replay(row.status_code, json.loads(row.response_body))


def finish(record_id: int, status_code: int, body: Any) -> None:
    with session_scope() as session:
        row = session.get(ApiIdempotencyRecord, record_id)
        if row is not None:
            row.status_code = status_code
            row.response_body = json.dumps(body, separators=(",", ":"), default=str)
            session.add(row)


def abandon(record_id: int) -> None:
    """The request did not succeed: forget the key so a corrected retry may use it."""
    with session_scope() as session:
        session.execute(delete(ApiIdempotencyRecord).where(ApiIdempotencyRecord.id == record_id))
