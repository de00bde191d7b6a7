"""Provider health: skip a rate-limited or failing provider until it can answer again.

One row per provider in the database (so every user of the workspace and every process shares it,
and it survives a restart):
- a 429 skips the provider until its Retry-After / rate-limit reset (or DEFAULT_RATE_LIMIT_SECONDS);
- other failures count up; after FAILURES_TO_OPEN in a row the circuit opens for CIRCUIT_COOLDOWN
  seconds; after that it is half-open: exactly one caller (claimed atomically in the database) makes
  a trial call; success closes it, failure opens it again for twice as long (at most CIRCUIT_MAX).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlmodel import select

from services.db import session_scope
from services.display_time import format_time
from services.models import AIProviderHealth, utcnow
from services.wording import count

FAILURES_TO_OPEN = 3
CIRCUIT_COOLDOWN = 60.0
CIRCUIT_MAX = 15 * 60.0
DEFAULT_RATE_LIMIT_SECONDS = 20.0
MAX_RATE_LIMIT_SECONDS = 24 * 3600.0


@dataclass(frozen=True)
class Health:
    provider_id: int
    skip_until: datetime | None
    skip_reason: str
    consecutive_failures: int
    circuit: str

    def status(self, now: datetime | None = None) -> str:
        now = now or utcnow()
        if self.skip_until is not None and _aware(self.skip_until) > now:
            return "circuit open" if self.circuit in ("open", "half_open") else "rate limited"
        if self.circuit == "open":
            return "half-open (next call is a trial)"
        return "healthy" if not self.consecutive_failures else f"{count(self.consecutive_failures, 'failure')} in a row"


def _aware(ts: datetime) -> datetime:
    return ts if ts.tzinfo else ts.replace(tzinfo=UTC)


def _clock(ts: datetime) -> str:
    return format_time(_aware(ts), "UTC") + " UTC"


def _health(row: AIProviderHealth) -> Health:
    return Health(row.provider_id, row.skip_until, row.skip_reason, row.consecutive_failures, row.circuit)


def health_of(provider_ids: list[int]) -> dict[int, Health]:
    if not provider_ids:
        return {}
    with session_scope() as session:
        rows = session.exec(select(AIProviderHealth).where(AIProviderHealth.provider_id.in_(provider_ids))).all()
        return {r.provider_id: _health(r) for r in rows}


def skip_reason(org_id: int, provider_id: int, now: datetime | None = None) -> str | None:
    """Why the provider must be skipped now, or None to call it (claiming the half-open trial if due)."""
    now = now or utcnow()
    with session_scope() as session:
        row = session.get(AIProviderHealth, provider_id)
        if row is None or row.organization_id != org_id:
            return None
        if row.skip_until is not None and _aware(row.skip_until) > now:
            if row.circuit == "half_open":
                return f"circuit half-open, another request is making the trial call ({row.skip_reason})"
            return f"skipped until {_clock(row.skip_until)}: {row.skip_reason}"
        if row.circuit != "open":
            return None
        # Half-open: one trial call. Whoever moves the row to half_open makes it; the others keep skipping.
        claimed = session.execute(
            update(AIProviderHealth)
            .where(AIProviderHealth.provider_id == provider_id, AIProviderHealth.circuit == "open")
            .values(circuit="half_open", skip_until=now + timedelta(seconds=CIRCUIT_COOLDOWN), updated_at=now)
        ).rowcount
    return None if claimed else f"circuit half-open, another request is making the trial call ({row.skip_reason})"


def _row(session, org_id: int, provider_id: int) -> AIProviderHealth:  # noqa: ANN001
    row = session.get(AIProviderHealth, provider_id, with_for_update=True)
    if row is None:
        row = AIProviderHealth(provider_id=provider_id, organization_id=org_id)
        session.add(row)
    return row


def record_success(org_id: int, provider_id: int) -> None:
    """Close the circuit; no write at all when the provider was already healthy."""
    with session_scope() as session:
        row = session.get(AIProviderHealth, provider_id)
        if row is None or (row.circuit == "closed" and not row.consecutive_failures and row.skip_until is None):
            return
        row.circuit, row.consecutive_failures, row.skip_until, row.skip_reason = "closed", 0, None, ""
        row.updated_at = utcnow()
        session.add(row)


def record_failure(
    org_id: int, provider_id: int, kind: str, reason: str, retry_after: float | None = None, now: datetime | None = None
) -> datetime | None:
    """Remember the failure; returns until when the provider is now skipped (None: it may be tried again)."""
    now = now or utcnow()
    with session_scope() as session:
        row = _row(session, org_id, provider_id)
        row.updated_at = now
        if kind == "rate_limited":
            wait = min(max(retry_after or DEFAULT_RATE_LIMIT_SECONDS, 1.0), MAX_RATE_LIMIT_SECONDS)
            until = now + timedelta(seconds=wait)
            if row.skip_until is None or _aware(row.skip_until) < until:
                row.skip_until = until
            row.skip_reason = reason
            session.add(row)
            return row.skip_until
        row.consecutive_failures += 1
        trial_failed = row.circuit == "half_open"
        if trial_failed or row.consecutive_failures >= FAILURES_TO_OPEN:
            opened_before = max(0, row.consecutive_failures - FAILURES_TO_OPEN)
            cooldown = min(CIRCUIT_COOLDOWN * (2**opened_before), CIRCUIT_MAX)
            row.circuit = "open"
            row.skip_until = now + timedelta(seconds=cooldown)
            row.skip_reason = f"circuit open after {row.consecutive_failures} failures in a row (last: {reason})"
            session.add(row)
            return row.skip_until
        row.skip_reason = reason
        session.add(row)
        return None


def forget(provider_id: int) -> None:
    """A deleted provider takes its health row with it."""
    with session_scope() as session:
        row = session.get(AIProviderHealth, provider_id)
        if row is not None:
            session.delete(row)
