"""Every user-facing refusal derives from services.errors.UserError, so the UI catches one type."""

from __future__ import annotations

import pytest

from services.accounts.connections import AccountNotFoundError
from services.ai.errors import AIInputError, AINotFoundError
from services.analytics.sqltime import AnalyticsInputError
from services.auth import AuthError
from services.errors import UserError
from services.media.sniff import MediaError
from services.platforms.errors import NotConfiguredError, PlatformError, RateLimitedError, TransientError
from services.posts.errors import PostError
from services.posts.listing import ListError
from services.queue import QueueError
from services.recurrence.rules import RecurrenceError
from services.timezones import TimezoneError

REFUSALS = [
    AccountNotFoundError, AIInputError, AINotFoundError, AnalyticsInputError, AuthError, MediaError,
    PlatformError, TransientError, RateLimitedError, NotConfiguredError, PostError, ListError, QueueError,
    RecurrenceError, TimezoneError,
]  # fmt: skip


@pytest.mark.parametrize("cls", REFUSALS, ids=lambda c: c.__name__)
def test_each_refusal_is_a_user_error_whose_text_is_its_message(cls: type[UserError]) -> None:
    exc = cls("Pick a date in the future.")
    assert isinstance(exc, UserError)
    assert str(exc) == exc.message == "Pick a date in the future."


def test_value_error_refusals_stay_value_errors() -> None:
    """Callers that caught ValueError / LookupError before still do."""
    for cls in (AIInputError, AnalyticsInputError, MediaError, TimezoneError):
        assert issubclass(cls, ValueError)
    for cls in (AINotFoundError, AccountNotFoundError):
        assert issubclass(cls, LookupError)
