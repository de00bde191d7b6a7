"""The audit log: who did what, when, in which workspace.

One small helper writes every entry, so one place decides what may be stored: `detail` keys that
look like secrets (passwords, tokens, keys, codes) are dropped before anything reaches the
database, and long values are cut. The audit page and its CSV export read through
`services.audit.log` (Owner/Admin: "audit.read").

`audit(...)` writes in its own transaction (after the change committed); `audit_in(session, ...)`
adds the entry to the caller's transaction, so a change and its entry commit or roll back together.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session

from services.db import session_scope
from services.models import AuditLog, utcnow

#: A detail key matching this is never stored (whatever its value): the log must not leak secrets.
SECRET_KEY_RE = re.compile(r"pass(word)?|secret|token|api_?key|credential|code|cookie|authorization", re.I)
MAX_VALUE_CHARS = 300


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return value[:MAX_VALUE_CHARS]
    if isinstance(value, int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_clean(v) for v in list(value)[:50]]
    if isinstance(value, dict):
        return scrub(value)
    return str(value)[:MAX_VALUE_CHARS]


def scrub(detail: dict[str, Any]) -> dict[str, Any]:
    """A copy of `detail` without secret-looking keys, with JSON-safe, bounded values."""
    return {str(k): _clean(v) for k, v in detail.items() if not SECRET_KEY_RE.search(str(k))}


def entry(org_id: int, user_id: int | None, action: str, detail: dict[str, Any]) -> AuditLog:
    return AuditLog(organization_id=org_id, user_id=user_id, action=action[:80], detail=scrub(detail))


def audit_in(session: Session, org_id: int, user_id: int | None, action: str, /, **detail: Any) -> None:
    """Add an entry to the caller's transaction (it commits with the change it describes)."""
    session.add(entry(org_id, user_id, action, detail))


def audit(org_id: int, user_id: int | None, action: str, /, **detail: Any) -> None:
    """Write one entry in its own transaction (for changes made outside a session of ours)."""
    with session_scope() as session:
        audit_in(session, org_id, user_id, action, **detail)


def audit_many(session: Session, entries: list[tuple[int, int | None, str, dict[str, Any]]]) -> None:
    """Many entries in one statement (the publishing engine's outcome batches): (org, user, action, detail)."""
    if not entries:
        return
    now = utcnow()
    session.execute(
        insert(AuditLog),
        [{"organization_id": o, "user_id": u, "action": a[:80], "detail": scrub(d), "created_at": now}
         for o, u, a, d in entries],
    )  # fmt: skip
