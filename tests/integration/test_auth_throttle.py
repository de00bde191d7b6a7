"""Defect 4: throttling per (email, IP) pair and per IP with growing delays, never a lock of the victim."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import func, select

from services import auth, registration
from services.db import session_scope
from services.models import LoginFailure, User, utcnow
from services.security import throttle
from services.security.client_ip import client_ip

PW = "a strong password"


@pytest.fixture(autouse=True)
def _minute_delays(monkeypatch: pytest.MonkeyPatch) -> None:
    """A first wait of 60 s instead of 2 s: slow hashing on a busy machine can't outlast it mid-test."""
    monkeypatch.setattr(throttle, "BASE_DELAY_SECONDS", 60)


def _age_failures(seconds: float) -> None:
    """Move every recorded failure into the past, as if time had passed."""
    with session_scope() as s:
        rows = s.exec(select(LoginFailure)).all()
        for row in rows:
            row.created_at = row.created_at - timedelta(seconds=seconds)


def _fail(email: str, ip: str, times: int) -> None:
    for _ in range(times):
        with pytest.raises(auth.AuthError, match="Wrong email or password"):
            auth.login(email, "wrong password!", client=ip)


def _failure_count() -> int:
    with session_scope() as s:
        return s.exec(select(func.count()).select_from(LoginFailure)).one()


def test_attacker_elsewhere_never_locks_out_the_owner(db: str) -> None:
    auth.register_user("ann@example.com", "Ann", PW)
    _fail("ann@example.com", "6.6.6.6", 5)
    for _ in range(7):  # far beyond the old hard lock of 5
        with pytest.raises(auth.AuthError, match="Please wait"):
            auth.login("ann@example.com", "wrong password!", client="6.6.6.6")
    # the real owner, from her own address, logs in at once
    assert auth.resolve_session(auth.login("ann@example.com", PW, client="1.1.1.1")).email == "ann@example.com"


def test_growing_delays_say_how_long_to_wait_and_refusals_change_nothing(db: str) -> None:
    auth.register_user("ann@example.com", "Ann", PW)
    _fail("ann@example.com", "6.6.6.6", 5)  # the free attempts
    with pytest.raises(auth.AuthError, match=r"Please wait (59|60) seconds"):
        auth.login("ann@example.com", PW, client="6.6.6.6")  # even the right password waits
    before = _failure_count()
    for _ in range(3):
        with pytest.raises(auth.AuthError, match="Please wait"):
            auth.login("ann@example.com", "wrong password!", client="6.6.6.6")
    assert _failure_count() == before  # a refused attempt records nothing, so waiting is enough
    _age_failures(61)
    _fail("ann@example.com", "6.6.6.6", 1)
    with pytest.raises(auth.AuthError, match=r"Please wait 2 minutes"):  # doubled
        auth.login("ann@example.com", PW, client="6.6.6.6")
    _age_failures(121)
    assert auth.login("ann@example.com", PW, client="6.6.6.6")


def test_delay_is_capped_by_the_window_and_shown_in_minutes(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from services.config import reset_settings

    monkeypatch.setenv("SOCIALHUB_LOGIN_MAX_FAILURES", "1")
    reset_settings()
    auth.register_user("ann@example.com", "Ann", PW)
    with session_scope() as s:
        now = utcnow()
        for i in range(20):
            s.add(LoginFailure(scope_key="pair:ann@example.com|6.6.6.6", created_at=now - timedelta(seconds=i)))
    with pytest.raises(auth.AuthError, match=r"Please wait 15 minutes"):
        auth.login("ann@example.com", PW, client="6.6.6.6")


def test_one_ip_guessing_many_emails_is_slowed(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from services.config import reset_settings

    monkeypatch.setenv("SOCIALHUB_LOGIN_IP_MAX_FAILURES", "6")
    reset_settings()
    auth.register_user("ann@example.com", "Ann", PW)
    for i in range(6):
        with pytest.raises(auth.AuthError, match="Wrong email or password"):
            auth.login(f"user{i}@example.com", "wrong password!", client="6.6.6.6")
    with pytest.raises(auth.AuthError, match="Please wait"):
        auth.login("ann@example.com", PW, client="6.6.6.6")
    assert auth.login("ann@example.com", PW, client="1.1.1.1")


def test_sign_up_is_never_blocked_by_failed_logins(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from services.config import reset_settings

    monkeypatch.setenv("SOCIALHUB_REGISTRATION", "open")
    reset_settings()
    _fail("new@example.com", "6.6.6.6", 5)
    with pytest.raises(auth.AuthError, match="Please wait"):
        auth.login("new@example.com", "wrong password!", client="6.6.6.6")
    result = registration.sign_up("new@example.com", "New", PW, client="6.6.6.6")
    assert result.grant
    with session_scope() as s:
        assert s.exec(select(User).where(User.email == "new@example.com")).one()


def test_sign_ups_are_throttled_per_ip_and_a_refused_one_creates_nothing(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from services.config import reset_settings

    monkeypatch.setenv("SOCIALHUB_REGISTRATION", "open")
    monkeypatch.setenv("SOCIALHUB_REGISTER_MAX_PER_IP", "2")
    reset_settings()
    registration.sign_up("a@example.com", "A", PW, client="7.7.7.7")
    registration.sign_up("b@example.com", "B", PW, client="7.7.7.7")
    with pytest.raises(auth.AuthError, match=r"Too many sign-up attempts.*Please wait (60|59) minutes"):
        registration.sign_up("c@example.com", "C", PW, client="7.7.7.7")
    with session_scope() as s:
        assert s.exec(select(User).where(User.email == "c@example.com")).first() is None
    assert registration.sign_up("c@example.com", "C", PW, client="8.8.8.8").grant  # another network is fine


def test_trusted_proxy_hops_pick_the_client_from_x_forwarded_for(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert client_ip("10.0.0.1", "1.2.3.4, 10.0.0.9", hops=0) == "10.0.0.1"  # header ignored by default
    assert client_ip("10.0.0.1", "6.6.6.6, 1.2.3.4", hops=1) == "1.2.3.4"  # spoofed left part ignored
    assert client_ip("10.0.0.1", "1.2.3.4, 10.0.0.9", hops=2) == "1.2.3.4"
    assert client_ip("10.0.0.1", "1.2.3.4", hops=2) == "10.0.0.1"  # fewer entries than hops: the peer
    from services.config import reset_settings

    monkeypatch.setenv("SOCIALHUB_TRUSTED_PROXY_HOPS", "1")
    reset_settings()
    assert client_ip("127.0.0.1", "203.0.113.7") == "203.0.113.7"


def test_hashing_never_happens_for_a_throttled_attempt(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    auth.register_user("ann@example.com", "Ann", PW)
    _fail("ann@example.com", "6.6.6.6", 5)
    calls: list[int] = []
    monkeypatch.setattr(auth, "password_matches", lambda *a: calls.append(1) or False)
    with pytest.raises(auth.AuthError, match="Please wait"):
        auth.login("ann@example.com", PW, client="6.6.6.6")
    assert calls == []
    with session_scope() as s:
        s.exec(update(LoginFailure).values(created_at=utcnow() - timedelta(hours=1)))
