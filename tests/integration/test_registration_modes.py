"""SOCIALHUB_REGISTRATION: the first account is the instance admin; then invite-only unless opened."""

from __future__ import annotations

import pytest
from sqlmodel import select

from services import auth, registration
from services.config import reset_settings
from services.db import session_scope
from services.models import User

PW = "a strong password"


def _mode(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("SOCIALHUB_REGISTRATION", value)
    reset_settings()


def test_default_first_account_is_admin_then_registration_closes(db: str) -> None:
    assert registration.signup_allowed()
    assert registration.sign_up("admin@example.com", "Admin", PW).grant
    assert not registration.signup_allowed()
    with pytest.raises(auth.AuthError, match="Registration is closed"):
        registration.sign_up("stranger@example.com", "Stranger", PW)
    with session_scope() as s:
        users = s.exec(select(User)).all()
    assert [(u.email, u.is_instance_admin) for u in users] == [("admin@example.com", True)]


def test_open_and_closed_modes(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _mode(monkeypatch, "open")
    registration.sign_up("a@example.com", "A", PW)
    assert registration.sign_up("b@example.com", "B", PW).grant
    _mode(monkeypatch, "closed")
    assert not registration.signup_allowed()
    with pytest.raises(auth.AuthError, match="Registration is closed"):
        registration.sign_up("c@example.com", "C", PW)


def test_invite_mode_uses_the_invite_hook(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _mode(monkeypatch, "invite")
    registration.sign_up("admin@example.com", "Admin", PW)
    accepted: list[tuple[str, int]] = []
    handler = registration.InviteHandler(check=lambda s, token, email: token == "good" and email == "guest@example.com",
                                         accept=lambda s, token, user_id: accepted.append((token, user_id)))
    monkeypatch.setattr(registration, "_invite_handlers", [handler])
    assert registration.signup_allowed("good") and not registration.signup_allowed("")
    with pytest.raises(auth.AuthError, match="Registration is closed"):
        registration.sign_up("guest@example.com", "Guest", PW, invite_token="bad")
    result = registration.sign_up("guest@example.com", "Guest", PW, invite_token="good")
    assert result.grant and accepted and accepted[0][0] == "good"


def test_refused_sign_up_changes_nothing(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _mode(monkeypatch, "open")
    registration.sign_up("a@example.com", "A", PW)
    with pytest.raises(auth.AuthError, match="already exists"):
        registration.sign_up("A@example.com", "A again", PW)
    with pytest.raises(auth.AuthError, match="at least 10"):
        registration.sign_up("b@example.com", "B", "short")
    with session_scope() as s:
        assert [u.email for u in s.exec(select(User)).all()] == ["a@example.com"]
