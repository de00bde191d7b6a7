"""Shared column helpers. Every timestamp is timezone-aware UTC (SQLModel's UTCDateTime)."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
