"""My sessions: list (device, IP, last seen), revoke one, log out everywhere else, idle timeout."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from services import auth, sessions
from services.config import reset_settings
from services.db import session_scope
from services.models import UserSession, utcnow

PW = "a strong password"


def test_list_and_revoke_sessions_of_my_own_account_only(db: str) -> None:
    auth.register_user("ann@example.com", "Ann", PW)
    auth.register_user("bob@example.com", "Bob", PW)
    here = auth.resolve_session(auth.login("ann@example.com", PW, client="1.1.1.1", user_agent="Firefox on Linux"))
    phone = auth.login("ann@example.com", PW, client="2.2.2.2", user_agent="Safari on iPhone")
    tablet = auth.login("ann@example.com", PW, client="3.3.3.3", user_agent="Chrome on Android")
    bob = auth.resolve_session(auth.login("bob@example.com", PW))
    listed = sessions.list_sessions(here.user_id, here.session_id)
    assert [(s.user_agent, s.ip, s.current) for s in listed] == [
        ("Chrome on Android", "3.3.3.3", False), ("Safari on iPhone", "2.2.2.2", False),
        ("Firefox on Linux", "1.1.1.1", True)]
    phone_id = auth.resolve_session(phone).session_id
    assert sessions.revoke_session(bob.user_id, phone_id) is False  # someone else's id: not found
    assert auth.resolve_session(phone) is not None
    assert sessions.revoke_session(here.user_id, phone_id) is True
    assert auth.resolve_session(phone) is None
    assert sessions.revoke_other_sessions(here.user_id, here.session_id) == 1
    assert auth.resolve_session(tablet) is None and auth.resolve_session(auth.login("bob@example.com", PW))
    assert [s.current for s in sessions.list_sessions(here.user_id, here.session_id)] == [True]


def test_idle_sessions_end_and_last_seen_is_updated(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCIALHUB_SESSION_IDLE_HOURS", "2")
    reset_settings()
    auth.register_user("ann@example.com", "Ann", PW)
    token = auth.login("ann@example.com", PW)
    with session_scope() as s:
        row = s.exec(select(UserSession)).one()
        row.last_seen_at = utcnow() - timedelta(minutes=90)
    assert auth.resolve_session(token) is not None  # used within the idle window: refreshed
    with session_scope() as s:
        assert utcnow() - s.exec(select(UserSession)).one().last_seen_at < timedelta(minutes=1)
        s.exec(select(UserSession)).one().last_seen_at = utcnow() - timedelta(hours=3)
    assert auth.resolve_session(token) is None
