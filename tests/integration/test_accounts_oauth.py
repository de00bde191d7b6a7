"""The OAuth connect dance through services.accounts, against fake X and Mastodon servers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import update
from sqlmodel import select

from services import accounts
from services.crypto import decrypt_json
from services.db import session_scope
from services.models import OAuthFlow, PlatformApp
from services.platforms.errors import NotConfiguredError, PermanentError
from tests.fakes.mastodon import MastodonFake
from tests.fakes.oauth_support import configure_env
from tests.fakes.x import XFake
from tests.integration.accounts_helpers import (
    all_accounts,
    browser_follow,
    finish_connect,
    make_workspace,
    start_connect,
)


@pytest.fixture(scope="module")
def x_fake():
    with XFake() as server:
        yield server


@pytest.fixture(scope="module")
def masto():
    with MastodonFake() as server:
        yield server


@pytest.fixture
def env(db, x_fake: XFake, monkeypatch):
    configure_env(
        monkeypatch,
        {
            "SOCIALHUB_X_CLIENT_ID": x_fake.client_id,
            "SOCIALHUB_X_CLIENT_SECRET": x_fake.client_secret,
            "SOCIALHUB_X_API_BASE": x_fake.url,
            "SOCIALHUB_X_AUTHORIZE_URL": f"{x_fake.url}/i/oauth2/authorize",
            "SOCIALHUB_API_URL": "http://127.0.0.1:8000",
        },
    )
    return db


async def test_x_connect_success_stores_encrypted_tokens(env, x_fake: XFake):
    org_id, user_id = make_workspace()
    url = await start_connect(org_id, user_id, "x")
    query = parse_qs(urlsplit(url).query)
    assert query["redirect_uri"] == ["http://127.0.0.1:8000/oauth/callback/x"] == [accounts.redirect_uri_for("x")]
    with session_scope() as s:
        flow = s.exec(select(OAuthFlow)).one()
        verifier = decrypt_json(flow.secret_blob)["code_verifier"]
        assert verifier not in flow.secret_blob
        assert timedelta(minutes=14) < flow.expires_at.replace(tzinfo=UTC) - datetime.now(UTC) <= timedelta(minutes=15)

    outcome = await finish_connect("x", await browser_follow(url))
    assert outcome.ok, outcome.message
    assert outcome.organization_id == org_id and len(outcome.account_ids) == 1
    assert x_fake.requests_to("POST", "/2/oauth2/token")[-1].form["code_verifier"] == verifier
    [row] = accounts.list_accounts(org_id)
    assert row["platform"] == "x" and row["username"] == "socialhub_test" and row["status"] == "active"
    assert row["token_expires_at"] is not None
    [account] = all_accounts()
    creds = accounts.load_credentials(account)
    assert creds.access_token in x_fake.access_tokens
    assert creds.access_token not in account.token_blob and creds.refresh_token not in account.token_blob
    with session_scope() as s:
        assert s.exec(select(OAuthFlow)).one().secret_blob == ""  # verifier wiped once used


async def test_reconnect_reactivates_same_row_with_new_tokens(env, x_fake: XFake):
    org_id, user_id = make_workspace()
    url = await start_connect(org_id, user_id, "x")
    first = await finish_connect("x", await browser_follow(url))
    accounts.mark_needs_reconnect(first.account_ids[0], "revoked")
    old_blob = all_accounts()[0].token_blob
    url = await start_connect(org_id, user_id, "x")
    second = await finish_connect("x", await browser_follow(url))
    assert second.account_ids == first.account_ids
    [account] = all_accounts()
    assert account.status == "active" and account.token_blob != old_blob


async def test_wrong_missing_state_error_param_and_replay_store_nothing(env, x_fake: XFake):
    org_id, user_id = make_workspace()
    url = await start_connect(org_id, user_id, "x")
    params = await browser_follow(url)

    missing = await finish_connect("x", {"code": params["code"]})
    assert not missing.ok and "no state" in missing.message
    forged = await finish_connect("x", {**params, "state": "forged-state"})
    assert not forged.ok and "does not match" in forged.message
    other_platform = await finish_connect("mastodon", params)
    assert not other_platform.ok
    assert all_accounts() == []

    denied_url = await start_connect(org_id, user_id, "x")
    denied = await finish_connect("x", await browser_follow(denied_url + "&deny=1"))
    assert not denied.ok and "The user denied access" in denied.message
    assert all_accounts() == []

    ok = await finish_connect("x", params)
    assert ok.ok
    replay = await finish_connect("x", params)
    assert not replay.ok and "already used" in replay.message
    assert len(all_accounts()) == 1


async def test_expired_flow_and_failed_exchange_store_nothing(env, x_fake: XFake):
    org_id, user_id = make_workspace()
    url = await start_connect(org_id, user_id, "x")
    params = await browser_follow(url)
    with session_scope() as s:
        s.execute(update(OAuthFlow).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    expired = await finish_connect("x", params)
    assert not expired.ok and "expired" in expired.message

    url = await start_connect(org_id, user_id, "x")
    params = await browser_follow(url)
    x_fake.behaviors["POST /2/oauth2/token"] = [503]
    failed = await finish_connect("x", params)
    assert not failed.ok and failed.message.startswith("Could not connect X")
    assert all_accounts() == []


async def test_unconfigured_platform_refuses_to_start(env, monkeypatch):
    configure_env(monkeypatch, {"SOCIALHUB_LINKEDIN_CLIENT_ID": "", "SOCIALHUB_LINKEDIN_CLIENT_SECRET": ""})
    org_id, user_id = make_workspace()
    with pytest.raises(NotConfiguredError, match="SOCIALHUB_LINKEDIN_CLIENT_ID"):
        await start_connect(org_id, user_id, "linkedin")
    with pytest.raises(PermanentError, match="Unknown platform"):
        await start_connect(org_id, user_id, "myspace")
    catalog = {row["name"]: row for row in accounts.platform_catalog()}
    assert catalog["x"]["configured"] and not catalog["linkedin"]["configured"]
    assert "SOCIALHUB_LINKEDIN_CLIENT_SECRET" in catalog["linkedin"]["config_help"]
    assert catalog["demo"]["configured"] and catalog["bluesky"]["auth_kind"] == "app_password"


async def test_mastodon_registers_app_once_and_connects(env, masto: MastodonFake):
    org_id, user_id = make_workspace()
    apps_before = len(masto.requests_to("POST", "/api/v1/apps"))
    with pytest.raises(PermanentError, match="https"):
        await start_connect(org_id, user_id, "mastodon", "http://mastodon.example")
    url = await start_connect(org_id, user_id, "mastodon", masto.url)
    outcome = await finish_connect("mastodon", await browser_follow(url))
    assert outcome.ok, outcome.message
    url = await start_connect(org_id, user_id, "mastodon", masto.url + "/")
    assert (await finish_connect("mastodon", await browser_follow(url))).ok
    assert len(masto.requests_to("POST", "/api/v1/apps")) == apps_before + 1  # registered once, reused
    with session_scope() as s:
        app = s.exec(select(PlatformApp)).one()
        assert masto.apps[app.client_id]["client_secret"] not in app.client_secret_blob
    [row] = accounts.list_accounts(org_id)
    assert row["username"] == f"alice@127.0.0.1:{masto.port}" and row["token_expires_at"] is None

    await accounts.disconnect_account(org_id, row["id"])
    assert accounts.list_accounts(org_id) == []
    assert masto.requests_to("POST", "/oauth/revoke")
