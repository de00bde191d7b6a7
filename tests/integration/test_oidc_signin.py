"""Sign in with an identity provider, against a real OpenID Provider (node-oidc-provider) on loopback.

Our routes run in Starlette's TestClient (the "browser" for SocialHub, keeping its cookies);
httpx plays the same browser at the provider's login page. Every ID token here was signed by
the real provider: the wrong-audience and expired ones come from its misbehaving twins.
"""

from __future__ import annotations

import logging
import socket
import time
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pyotp
import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from services import auth, oidc, oidc_accounts, registration, signin, two_factor
from services.config import reset_settings
from services.db import session_scope
from services.models import Membership, OidcIdentity, Organization, User
from services.sessions import oidc_step_cookie_name
from socialhub_app.auth_routes import auth_routes
from socialhub_app.oidc_routes import oidc_routes
from tests.realservers.oidc_provider import ACCOUNTS, RunningProvider, log_in_at_idp

PW = "a strong local password"
ALICE = "alice@corp.example"


@pytest.fixture
def op(db: str, oidc_op: RunningProvider, monkeypatch: pytest.MonkeyPatch) -> RunningProvider:
    monkeypatch.setenv("SOCIALHUB_BASE_URL", "http://testserver")
    # no SOCIALHUB_ALLOW_PRIVATE_HOSTS: the configured issuer's host:port is trusted like a platform endpoint
    monkeypatch.delenv("SOCIALHUB_ALLOW_PRIVATE_HOSTS", raising=False)
    monkeypatch.setenv("SOCIALHUB_OIDC_PROVIDERS", oidc_op.providers_json("good", "wrongaud", "expired"))
    monkeypatch.setenv("SOCIALHUB_REGISTRATION", "open")
    reset_settings()
    oidc.forget_metadata()
    return oidc_op


def _app() -> TestClient:
    return TestClient(Starlette(routes=[*auth_routes(), *oidc_routes()]), base_url="http://testserver",
                      follow_redirects=False)


def _start(app: TestClient, provider: str = "good") -> str:
    answer = app.get(f"/auth/oidc/{provider}/start")
    assert answer.status_code == 303, answer.text
    location = answer.headers["location"]
    query = parse_qs(urlsplit(location).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]  # PKCE S256
    assert query["state"][0] and query["nonce"][0] and query["client_id"] == ["socialhub"]
    return location


def _callback(app: TestClient, url: str):  # noqa: ANN202 - httpx.Response
    parts = urlsplit(url)
    assert parts.netloc == "testserver" and parts.path.endswith("/callback")
    return app.get(f"{parts.path}?{parts.query}")


def _sign_in(app: TestClient, email: str = ALICE, provider: str = "good"):  # noqa: ANN202
    account = next(a for a in ACCOUNTS if a.email == email)
    return _callback(app, log_in_at_idp(_start(app, provider), email, account.password))


def _session_user(answer) -> auth.CurrentUser | None:  # noqa: ANN001
    cookie = answer.cookies.get("socialhub_session")
    return auth.resolve_session(cookie) if cookie else None


def _refused(answer, code: str) -> None:  # noqa: ANN001
    assert answer.status_code == 303
    assert answer.headers["location"].startswith(f"http://testserver/login?sso={code}&provider="), answer.headers
    assert "socialhub_session" not in answer.cookies


def test_first_sign_in_creates_the_account_and_sets_the_session_cookie(op: RunningProvider) -> None:
    app = _app()
    answer = _sign_in(app)
    assert answer.status_code == 303 and answer.headers["location"] == "http://testserver/"
    set_cookie = answer.headers.get_list("set-cookie")
    session_cookie = next(c for c in set_cookie if c.startswith("socialhub_session="))
    assert "HttpOnly" in session_cookie and "SameSite=lax" in session_cookie  # exactly like password login
    me = _session_user(answer)
    assert me is not None and me.email == ALICE and me.name == "Alice Adams"
    with session_scope() as s:
        identity = s.exec(select(OidcIdentity)).one()
        assert identity.issuer == op.issuers["good"] and identity.subject == "alice-sub"
        assert s.exec(select(User)).one().email_verified_at is not None
    again = _sign_in(_app())  # a second sign-in finds the linked account, no new one
    assert _session_user(again).user_id == me.user_id
    with session_scope() as s:
        assert len(s.exec(select(User)).all()) == 1


def test_a_replayed_state_or_another_browser_is_refused(op: RunningProvider) -> None:
    app = _app()
    callback_url = log_in_at_idp(_start(app), ALICE, "alice-idp-pass")
    first = _callback(app, callback_url)
    assert _session_user(first) is not None
    _refused(_callback(app, callback_url), "state")  # the same state (and code) a second time
    # login CSRF: an attacker's callback URL opened in the victim's browser (no matching cookie)
    attacker = _app()
    stolen = log_in_at_idp(_start(attacker), ALICE, "alice-idp-pass")
    _refused(_callback(_app(), stolen), "state")


def test_an_id_token_for_another_audience_is_refused(op: RunningProvider, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "socialhub.oidc")
    _refused(_sign_in(_app(), provider="wrongaud"), "token")
    assert "Invalid claim: 'aud'" in caplog.text  # refused by our check, not by something else on the way
    with session_scope() as s:
        assert s.exec(select(User)).first() is None


def test_an_expired_id_token_is_refused(op: RunningProvider, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "socialhub.oidc")
    _refused(_sign_in(_app(), provider="expired"), "token")
    assert "expired_token" in caplog.text
    with session_scope() as s:
        assert s.exec(select(User)).first() is None


def test_a_callback_from_another_issuer_is_refused(op: RunningProvider) -> None:
    """RFC 9207: the `iss` the provider adds to the callback must be the one we started with."""
    app = _app()
    url = log_in_at_idp(_start(app), ALICE, "alice-idp-pass")
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query["iss"] == op.issuers["good"]
    query["iss"] = op.issuers["expired"]
    _refused(_callback(app, urlunsplit(parts._replace(query=urlencode(query)))), "token")


def test_an_unverified_email_neither_creates_nor_links_an_account(op: RunningProvider) -> None:
    _refused(_sign_in(_app(), "bob@corp.example"), "unverified")
    auth.register_user("bob@corp.example", "Bob", PW)
    _refused(_sign_in(_app(), "bob@corp.example"), "unverified")
    with session_scope() as s:
        assert s.exec(select(OidcIdentity)).first() is None


def test_an_existing_account_is_linked_only_after_its_password(op: RunningProvider) -> None:
    user_id = auth.register_user(ALICE, "Alice", PW)
    app = _app()
    answer = _sign_in(app)
    assert answer.headers["location"] == "http://testserver/login?step=link"
    assert "socialhub_session" not in answer.cookies, answer.headers.get_list("set-cookie")
    kind, _, ticket = answer.cookies[oidc_step_cookie_name()].partition(":")
    assert kind == "link", answer.headers.get_list("set-cookie")
    assert oidc_accounts.pending_link(ticket).email == ALICE
    with pytest.raises(auth.AuthError):
        oidc_accounts.confirm_link(ticket, "not the password", client="1.2.3.4")
    with session_scope() as s:
        assert s.exec(select(OidcIdentity)).first() is None
    step = oidc_accounts.confirm_link(ticket, PW, client="1.2.3.4")
    assert step.grant and not step.challenge
    token = signin.exchange(step.grant)
    assert auth.resolve_session(token).user_id == user_id
    with pytest.raises(auth.AuthError):  # a ticket links once
        oidc_accounts.confirm_link(ticket, PW, client="1.2.3.4")
    assert _session_user(_sign_in(_app())).user_id == user_id  # from now on: straight in


def test_local_two_factor_still_applies(op: RunningProvider) -> None:
    user_id = auth.register_user(ALICE, "Alice", PW)
    with session_scope() as s:
        s.add(OidcIdentity(user_id=user_id, issuer=op.issuers["good"], subject="alice-sub"))
    secret = two_factor.start(user_id).secret.replace(" ", "")
    two_factor.confirm(user_id, pyotp.TOTP(secret).now(), organization_id=1)
    answer = _sign_in(_app())
    assert answer.headers["location"] == "http://testserver/login?step=mfa"
    assert "socialhub_session" not in answer.cookies
    kind, _, challenge = answer.cookies[oidc_step_cookie_name()].partition(":")
    assert kind == "mfa"
    with pytest.raises(auth.AuthError):
        signin.second_factor(challenge, "000000")
    next_code = pyotp.TOTP(secret).at(time.time() + 30)  # enrolment used this step's code; drift of 1 is accepted
    grant = signin.second_factor(challenge, next_code).grant
    # the grant goes to /auth/session like after a password, which also clears the step cookie
    done = _app().post("/auth/session", data={"grant": grant}, headers={"Origin": "http://testserver"})
    assert auth.resolve_session(done.cookies["socialhub_session"]).user_id == user_id
    assert any(c.startswith(f"{oidc_step_cookie_name()}=\"\"") or c.startswith(f"{oidc_step_cookie_name()}=;")
               for c in done.headers.get_list("set-cookie"))


def test_registration_mode_decides_about_new_accounts(op: RunningProvider, monkeypatch: pytest.MonkeyPatch) -> None:
    auth.register_user("admin@corp.example", "Admin", PW)  # not an empty instance any more
    monkeypatch.setenv("SOCIALHUB_REGISTRATION", "closed")
    reset_settings()
    _refused(_sign_in(_app()), "closed")
    monkeypatch.setenv("SOCIALHUB_REGISTRATION", "invite")
    reset_settings()
    _refused(_sign_in(_app()), "closed")  # no invite with the sign-in
    with session_scope() as s:
        assert s.exec(select(User).where(User.email == ALICE)).first() is None


def test_allowed_domains_and_the_provider_user_cancelling(op: RunningProvider, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCIALHUB_OIDC_PROVIDERS", op.providers_json("good", allowed_domains=["corp.example"]))
    reset_settings()
    _refused(_sign_in(_app(), "carol@elsewhere.example"), "domain")
    app = _app()
    _refused(_callback(app, log_in_at_idp(_start(app), ALICE, "", abort=True)), "denied")
    assert _session_user(_sign_in(_app())) is not None


def test_claim_maps_to_a_workspace_role(op: RunningProvider, monkeypatch: pytest.MonkeyPatch) -> None:
    owner = auth.register_user("owner@corp.example", "Owner", PW)
    with session_scope() as s:
        org_id = s.exec(select(Membership).where(Membership.user_id == owner)).one().organization_id
        assert s.get(Organization, org_id) is not None
    monkeypatch.setenv("SOCIALHUB_OIDC_PROVIDERS", op.providers_json(
        "good", role_claim="groups", role_workspace=org_id, role_map={"socialhub-editors": "editor"}))
    reset_settings()
    dave = _session_user(_sign_in(_app(), "dave@corp.example"))
    with session_scope() as s:
        member = s.exec(select(Membership).where(Membership.organization_id == org_id,
                                                 Membership.user_id == dave.user_id)).one()
        assert member.role == "editor"
    alice = _session_user(_sign_in(_app()))  # no mapped group: no membership in that workspace
    with session_scope() as s:
        assert s.exec(select(Membership).where(Membership.organization_id == org_id,
                                               Membership.user_id == alice.user_id)).first() is None


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_provider_down_sends_back_with_the_reason_and_passwords_still_work(
        op: RunningProvider, monkeypatch: pytest.MonkeyPatch) -> None:
    auth.register_user("ann@corp.example", "Ann", PW)
    down = op.providers_json("good").replace(op.issuers["good"], f"http://127.0.0.1:{_closed_port()}")
    monkeypatch.setenv("SOCIALHUB_OIDC_PROVIDERS", down)
    reset_settings()
    oidc.forget_metadata()
    _refused(_app().get("/auth/oidc/good/start"), "down")
    assert "did not answer" in oidc.message("down", "Good IdP")
    assert signin.start("ann@corp.example", PW, client="1.2.3.4").grant  # the password form still signs in


def test_oidc_only_turns_password_login_and_sign_up_off(op: RunningProvider, monkeypatch: pytest.MonkeyPatch) -> None:
    auth.register_user("ann@corp.example", "Ann", PW)
    monkeypatch.setenv("SOCIALHUB_AUTH", "oidc_only")
    reset_settings()
    with pytest.raises(auth.AuthError, match="identity provider"):
        signin.start("ann@corp.example", PW, client="1.2.3.4")
    assert not registration.signup_allowed()
    with pytest.raises(auth.AuthError):
        registration.sign_up("new@corp.example", "New", PW)
    assert _session_user(_sign_in(_app())) is not None  # the provider still signs people in


def test_an_invite_lets_the_provider_create_the_account_on_an_invite_only_instance(
        op: RunningProvider, monkeypatch: pytest.MonkeyPatch) -> None:
    from services import invites

    invites.register_with_signup()
    owner_id = auth.register_user("owner@corp.example", "Owner", PW)
    owner = auth.resolve_session(auth.open_session(owner_id))
    token = invites.create_invite(owner, ALICE, "editor")
    monkeypatch.setenv("SOCIALHUB_REGISTRATION", "invite")
    reset_settings()
    app = _app()
    start = app.get(f"/auth/oidc/good/start?invite={token}")
    answer = _callback(app, log_in_at_idp(start.headers["location"], ALICE, "alice-idp-pass"))
    alice = _session_user(answer)
    assert alice is not None
    with session_scope() as s:
        member = s.exec(select(Membership).where(Membership.organization_id == owner.organization_id,
                                                 Membership.user_id == alice.user_id)).one()
        assert member.role == "editor"
