"""Keep secrets that platforms put in the URL path out of the logs.

Telegram wants the bot token in the path (`/bot<token>/sendMessage`) and a Discord webhook's token
is part of its URL. httpx logs every request URL at INFO, and the publishing worker logs at INFO,
so a filter on the "httpx" logger rewrites those path parts before any handler sees them.
"""

from __future__ import annotations

import logging
import re

_PATTERNS = (
    (re.compile(r"/bot[0-9]+:[A-Za-z0-9_-]+"), "/bot<redacted>"),
    (re.compile(r"(/webhooks/[0-9]+/)[A-Za-z0-9_.-]+"), r"\1<redacted>"),
)


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactUrlSecrets(logging.Filter):
    """Rewrites the formatted message; returns True (never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def install() -> None:
    """Idempotent: one filter on the httpx and httpcore loggers."""
    for name in ("httpx", "httpcore"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactUrlSecrets) for f in logger.filters):
            logger.addFilter(RedactUrlSecrets())
