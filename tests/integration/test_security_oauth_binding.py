"""Issue 11.1: an OAuth connect finishes only in the login session that started it.

Attack: Mallory starts Connect in her workspace and sends the authorize link to Victor. Victor
signs in at the platform and is redirected to SocialHub's callback in *his* browser. Before the
fix the flow completed and Victor's account landed in Mallory's workspace.
"""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import update

from services.db import session_scope
from services.models import UserSession
from services.platforms.errors import PermanentError
from state.auth import SESSION_COOKIE
from tests.fakes.mastodon import MastodonFake
from tests.fakes.oauth_support import configure_env
from tests.integration.accounts_helpers import all_accounts, make_workspace, open_session
from tests.security_support import AppRoutesServer


@pytest.fixture(scope="module")
def masto():
    with MastodonFake() as server:
        yield server


@pytest.fixture(scope="module")
def app_routes():
    with AppRoutesServer() as server:
        yield server


@pytest.fixture
def env(db, app_routes: AppRoutesServer, monkeypatch):
    configure_env(monkeypatch, {"SOCIALHUB_API_URL": app_routes.url, "SOCIALHUB_BASE_URL": app_routes.url})
    return db


async def _authorize(url: str) -> str:
    """The platform's consent page redirects the browser to our callback: return that callback URL."""
    async with httpx.AsyncClient() as browser:
        resp = await browser.get(url)
    assert resp.status_code == 302, resp.text
    return resp.headers["location"]


async def _open_callback(callback_url: str, token: str | None) -> httpx.Response:
    cookies = {SESSION_COOKIE: token} if token else {}
    async with httpx.AsyncClient(cookies=cookies) as browser:
        return await browser.get(callback_url)


async def _start(org_id: int, user_id: int, token: str, masto: MastodonFake) -> str:
    from services import accounts

    return await accounts.start_oauth_connect(org_id, user_id, "mastodon", masto.url, session_token=token)


async def test_callback_from_another_session_is_refused_and_saves_nothing(env, masto: MastodonFake):
    mallory_org, mallory = make_workspace("Mallory")
    victor_org, victor = make_workspace("Victor")
    mallory_token, victor_token = open_session(mallory_org, mallory), open_session(victor_org, victor)
    tokens_before = len(masto.requests_to("POST", "/oauth/token"))

    link = await _start(mallory_org, mallory, mallory_token, masto)
    callback = await _authorize(link)  # Victor signs in at the platform with Mallory's link
    resp = await _open_callback(callback, victor_token)

    assert resp.status_code == 400
    assert "another browser or login session" in resp.text
    assert all_accounts() == []
    assert len(masto.requests_to("POST", "/oauth/token")) == tokens_before  # the code was never exchanged
    # The flow is burnt: even Mallory cannot finish it afterwards.
    again = await _open_callback(callback, mallory_token)
    assert again.status_code == 400 and all_accounts() == []


async def test_callback_without_a_session_or_with_a_revoked_one_is_refused(env, masto: MastodonFake):
    org_id, user_id = make_workspace()
    token = open_session(org_id, user_id)

    no_cookie = await _open_callback(await _authorize(await _start(org_id, user_id, token, masto)), None)
    assert no_cookie.status_code == 400 and "another browser or login session" in no_cookie.text

    callback = await _authorize(await _start(org_id, user_id, token, masto))
    with session_scope() as s:
        s.execute(update(UserSession).values(revoked_at=datetime.now(UTC)))
    revoked = await _open_callback(callback, token)
    assert revoked.status_code == 400 and all_accounts() == []


async def test_the_starting_session_completes_the_connect(env, masto: MastodonFake):
    org_id, user_id = make_workspace()
    token = open_session(org_id, user_id)
    callback = await _authorize(await _start(org_id, user_id, token, masto))
    resp = await _open_callback(callback, token)
    assert resp.status_code == 302 and "/accounts?connected=1" in resp.headers["location"]
    [account] = all_accounts()
    assert account.organization_id == org_id


async def test_connect_cannot_start_without_a_session(env, masto: MastodonFake):
    org_id, user_id = make_workspace()
    with pytest.raises(PermanentError, match="log in"):
        await _start(org_id, user_id, "", masto)
