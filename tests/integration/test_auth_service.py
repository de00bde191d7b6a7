"""Registration, login, sessions and throttling against SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from services import auth
from services.db import session_scope
from services.models import LoginFailure, Membership, Organization, User, UserSession, utcnow


def test_register_creates_user_workspace_and_owner_membership(db: str) -> None:
    user_id = auth.register_user("  Ann@Example.COM ", "Ann", "a strong password", "Europe/Berlin")
    with session_scope() as s:
        user = s.get(User, user_id)
        assert user.email == "ann@example.com"
        assert user.password_hash.startswith("$argon2id$")
        assert "a strong password" not in user.password_hash
        assert user.timezone == "Europe/Berlin"
        membership = s.exec(select(Membership).where(Membership.user_id == user_id)).one()
        assert membership.role == "owner"
        assert s.get(Organization, membership.organization_id).name == "Ann's workspace"


@pytest.mark.parametrize(
    ("email", "name", "password", "message"),
    [
        ("", "Ann", "a strong password", "enter your email"),
        ("not-an-email", "Ann", "a strong password", "doesn't look like an email"),
        ("a@b", "Ann", "a strong password", "doesn't look like an email"),
        ("ann@example.com", "", "a strong password", "enter your name"),
        ("ann@example.com", "x" * 121, "a strong password", "too long"),
        ("ann@example.com", "Ann", "short", "at least 10"),
        ("ann@example.com", "Ann", "p" * 300, "too long"),
    ],
)
def test_register_rejects_bad_input(db: str, email: str, name: str, password: str, message: str) -> None:
    with pytest.raises(auth.AuthError, match=message):
        auth.register_user(email, name, password)
    with session_scope() as s:
        assert s.exec(select(User)).all() == []


def test_duplicate_email_rejected_case_insensitively(db: str) -> None:
    auth.register_user("ann@example.com", "Ann", "a strong password")
    with pytest.raises(auth.AuthError, match="already exists"):
        auth.register_user("ANN@example.com", "Ann 2", "a strong password")


def test_sql_and_html_in_name_are_stored_verbatim(db: str) -> None:
    name = "Robert'); DROP TABLE users;-- <script>x</script>"
    user_id = auth.register_user("bobby@example.com", name, "a strong password")
    token = auth.login("bobby@example.com", "a strong password")
    assert auth.resolve_session(token).name == name
    with session_scope() as s:
        assert s.get(User, user_id).name == name


def test_login_session_roundtrip_and_logout(db: str) -> None:
    auth.register_user("ann@example.com", "Ann", "a strong password")
    token = auth.login("ANN@example.com", "a strong password", client="1.2.3.4")
    me = auth.resolve_session(token)
    assert me is not None and me.email == "ann@example.com" and me.role == "owner"
    with session_scope() as s:
        stored = s.exec(select(UserSession)).one()
        assert stored.token_hash == auth.hash_token(token) and token not in stored.token_hash
    auth.logout(token)
    assert auth.resolve_session(token) is None


def test_forged_and_expired_sessions_are_rejected(db: str) -> None:
    auth.register_user("ann@example.com", "Ann", "a strong password")
    token = auth.login("ann@example.com", "a strong password")
    assert auth.resolve_session("forged") is None
    assert auth.resolve_session("") is None
    assert auth.resolve_session("x" * 5000) is None
    with session_scope() as s:
        row = s.exec(select(UserSession)).one()
        row.expires_at = utcnow() - timedelta(seconds=1)
    assert auth.resolve_session(token) is None


def test_wrong_password_is_refused_and_counted_per_pair(db: str) -> None:
    auth.register_user("ann@example.com", "Ann", "a strong password")
    with pytest.raises(auth.AuthError, match="Wrong email or password"):
        auth.login("ann@example.com", "wrong password!", client="9.9.9.9")
    with session_scope() as s:
        keys = sorted(row.scope_key for row in s.exec(select(LoginFailure)).all())
    assert keys == ["ip:9.9.9.9", "pair:ann@example.com|9.9.9.9"]


def test_first_account_is_instance_admin_and_later_ones_are_not(db: str) -> None:
    first = auth.register_user("first@example.com", "First", "a strong password")
    second = auth.register_user("second@example.com", "Second", "a strong password")
    with session_scope() as s:
        assert s.get(User, first).is_instance_admin is True
        assert s.get(User, second).is_instance_admin is False
    assert auth.resolve_session(auth.login("first@example.com", "a strong password")).is_instance_admin


def test_unknown_email_gives_same_message(db: str) -> None:
    with pytest.raises(auth.AuthError, match="Wrong email or password"):
        auth.login("nobody@example.com", "a strong password")


def test_timezone_validation(db: str) -> None:
    user_id = auth.register_user("ann@example.com", "Ann", "a strong password", "Not/AZone")
    with session_scope() as s:
        assert s.get(User, user_id).timezone == "UTC"
    with pytest.raises(auth.AuthError, match="Unknown timezone"):
        auth.set_user_timezone(user_id, "Mars/Olympus")
    auth.set_user_timezone(user_id, "America/New_York")
