"""Defect 3: the session cookie comes only from server responses, HttpOnly, SameSite=Lax, Secure + __Host- on https."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from services import auth, signin
from services.config import reset_settings
from services.db import session_scope
from services.models import AuthToken, UserSession
from services.sessions import token_from_cookie_header
from socialhub_app.auth_routes import auth_routes

PW = "a strong password"


def _client(base: str = "http://testserver") -> TestClient:
    return TestClient(Starlette(routes=auth_routes()), base_url=base, follow_redirects=False)


def _grant() -> str:
    auth.register_user("ann@example.com", "Ann", PW)
    return signin.start("ann@example.com", PW, client="1.2.3.4").grant


def test_grant_exchange_sets_an_httponly_lax_cookie_and_works_once(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCIALHUB_BASE_URL", "http://testserver")
    reset_settings()
    grant = _grant()
    client = _client()
    answer = client.post("/auth/session", data={"grant": grant}, headers={"Origin": "http://testserver",
                                                                          "User-Agent": "Firefox Test"})
    assert answer.status_code == 303 and answer.headers["location"] == "http://testserver/"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("socialhub_session=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie and "Secure" not in cookie
    token = cookie.split(";")[0].split("=", 1)[1]
    me = auth.resolve_session(token)
    assert me is not None and me.email == "ann@example.com"
    with session_scope() as s:
        row = s.exec(select(UserSession)).one()
        assert row.user_agent == "Firefox Test" and row.ip == "testclient"
        assert grant not in {t.token_hash for t in s.exec(select(AuthToken)).all()}  # stored hashed
    again = _client().post("/auth/session", data={"grant": grant}, headers={"Origin": "http://testserver"})
    assert again.status_code == 303 and "notice=expired" in again.headers["location"]
    assert "set-cookie" not in again.headers


def test_https_base_url_gives_secure_host_prefixed_cookie(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCIALHUB_BASE_URL", "https://social.example.org")
    reset_settings()
    grant = _grant()
    answer = _client("https://social.example.org").post(
        "/auth/session", data={"grant": grant}, headers={"Origin": "https://social.example.org"})
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("__Host-socialhub_session=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "Path=/" in cookie and "Domain" not in cookie
    token = cookie.split(";")[0].split("=", 1)[1]
    # the plain name is not accepted on an https instance (could be planted by a subdomain)
    assert token_from_cookie_header(f"socialhub_session={token}") is None
    assert token_from_cookie_header(f"a=b; __Host-socialhub_session={token}") == token


def test_cross_site_sign_in_and_expired_grants_are_refused(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCIALHUB_BASE_URL", "http://testserver")
    reset_settings()
    grant = _grant()
    forged = _client().post("/auth/session", data={"grant": grant}, headers={"Origin": "https://evil.example"})
    assert forged.status_code == 403 and "set-cookie" not in forged.headers
    with session_scope() as s:
        row = s.exec(select(AuthToken).where(AuthToken.purpose == "signin")).one()
        row.expires_at = row.created_at - timedelta(seconds=1)
    late = _client().post("/auth/session", data={"grant": grant}, headers={"Origin": "http://testserver"})
    assert "notice=expired" in late.headers["location"] and "set-cookie" not in late.headers


def test_logout_route_revokes_the_session_and_clears_the_cookie(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCIALHUB_BASE_URL", "http://testserver")
    reset_settings()
    auth.register_user("ann@example.com", "Ann", PW)
    token = auth.login("ann@example.com", PW)
    client = _client()
    client.cookies.set("socialhub_session", token)
    answer = client.post("/auth/logout", headers={"Origin": "http://testserver"})
    assert answer.status_code == 303 and answer.headers["location"].endswith("/login")
    assert 'socialhub_session=""' in answer.headers["set-cookie"] and "Max-Age=0" in answer.headers["set-cookie"]
    assert auth.resolve_session(token) is None


def test_open_redirect_after_sign_in_is_refused(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCIALHUB_BASE_URL", "http://testserver")
    reset_settings()
    grant = _grant()
    answer = _client().post("/auth/session", data={"grant": grant, "next": "//evil.example/x"},
                            headers={"Origin": "http://testserver"})
    assert answer.headers["location"] == "http://testserver/"
