"""Errors the AI services raise carry a message a person can act on; the UI shows it as is."""

from __future__ import annotations

from services.errors import UserError


class AIInputError(UserError, ValueError):
    """Bad input (empty brief, not-a-URL, unknown template variable...). `str(exc)` is for humans."""


class AINotFoundError(UserError, LookupError):
    """The row does not exist in this workspace (another workspace's row is also 'not found')."""
