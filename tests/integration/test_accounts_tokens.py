"""Token lifecycle through services.accounts: refresh ahead/on 401, rotation races, reconnect, disconnect."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from services import accounts
from services.db import session_scope
from services.models import Post, PostTarget, SocialAccount
from services.platforms.base import AccountRef, Credentials, DiscoveredAccount, Profile, PublishRequest
from services.platforms.errors import AuthError, PermanentError
from services.platforms.x import XAdapter
from tests.fakes.bluesky import BlueskyFake
from tests.fakes.oauth_support import configure_env
from tests.fakes.x import XFake
from tests.integration.accounts_helpers import make_workspace


@pytest.fixture(scope="module")
def x_fake():
    with XFake() as server:
        yield server


@pytest.fixture(scope="module")
def bsky():
    with BlueskyFake() as server:
        yield server


@pytest.fixture
def env(db, x_fake: XFake, bsky: BlueskyFake, monkeypatch):
    x_fake.tweets.clear()
    x_fake.behaviors.clear()
    configure_env(
        monkeypatch,
        {
            "SOCIALHUB_X_CLIENT_ID": x_fake.client_id,
            "SOCIALHUB_X_CLIENT_SECRET": x_fake.client_secret,
            "SOCIALHUB_X_API_BASE": x_fake.url,
            "SOCIALHUB_BLUESKY_PDS": bsky.url,
            "SOCIALHUB_LINKEDIN_CLIENT_ID": "li",
            "SOCIALHUB_LINKEDIN_CLIENT_SECRET": "li-secret",
        },
    )
    return db


def add_account(org_id: int, platform: str, creds: Credentials, external_id: str = "2244994945") -> int:
    with session_scope() as session:
        [account_id] = accounts.save_discovered_accounts(
            session,
            org_id=org_id,
            user_id=None,
            platform=platform,
            instance_url="",
            discovered=[
                DiscoveredAccount(
                    Profile(external_id=external_id, display_name="Acct", username="socialhub_test"), creds
                )
            ],
        )
    return account_id


def x_account(org_id: int, fake: XFake, expires_in: timedelta = timedelta(hours=2)) -> tuple[int, Credentials]:
    access, refresh = fake.grant()
    creds = Credentials(access_token=access, refresh_token=refresh, expires_at=datetime.now(UTC) + expires_in)
    return add_account(org_id, "x", creds), creds


def account_row(account_id: int) -> SocialAccount:
    with session_scope() as session:
        return session.get(SocialAccount, account_id)


async def tweet(account_id: int, text: str) -> str:
    with session_scope() as session:
        account = session.get(SocialAccount, account_id)
    adapter = accounts.adapter_for_account(account)
    try:
        result = await accounts.call_with_refresh(
            account_id, lambda creds: adapter.publish(creds, accounts.account_ref(account), PublishRequest(text=text))
        )
    finally:
        await adapter.aclose()
    return result.external_id


async def test_refreshes_once_on_401_and_stores_rotated_tokens(env, x_fake: XFake):
    org_id, _ = make_workspace()
    account_id, creds = x_account(org_id, x_fake)
    x_fake.expire_access(creds.access_token)
    tweet_id = await tweet(account_id, "after a 401")
    assert tweet_id in x_fake.tweets
    assert (
        len(
            [
                r
                for r in x_fake.requests_to("POST", "/2/oauth2/token")
                if r.form.get("refresh_token") == creds.refresh_token
            ]
        )
        == 1
    )
    stored = accounts.load_credentials(account_row(account_id))
    assert stored.access_token != creds.access_token and stored.refresh_token != creds.refresh_token
    assert account_row(account_id).status == "active"


async def test_refresh_failure_marks_needs_reconnect(env, x_fake: XFake):
    org_id, _ = make_workspace()
    account_id, creds = x_account(org_id, x_fake)
    x_fake.expire_access(creds.access_token)
    x_fake.refresh_tokens.pop(creds.refresh_token)  # revoked at X
    with pytest.raises(AuthError, match="Could not renew access"):
        await tweet(account_id, "never goes out")
    row = account_row(account_id)
    assert row.status == "needs_reconnect" and "token was invalid" in row.status_reason
    [listed] = accounts.list_accounts(org_id)
    assert listed["status"] == "needs_reconnect" and listed["status_reason"] == row.status_reason
    with pytest.raises(AuthError):
        await accounts.get_fresh_credentials(account_id)


async def test_transient_refresh_failure_does_not_flag_account(env, x_fake: XFake):
    org_id, _ = make_workspace()
    account_id, _ = x_account(org_id, x_fake)
    x_fake.behaviors["POST /2/oauth2/token"] = [503]
    with pytest.raises(Exception) as err:
        await accounts.refresh_account_credentials(account_id)
    assert err.value.kind == "transient"
    assert account_row(account_id).status == "active"


async def test_expiring_tokens_refresh_ahead_and_concurrently_only_once(env, x_fake: XFake):
    org_id, _ = make_workspace()
    account_id, creds = x_account(org_id, x_fake, expires_in=timedelta(minutes=2))
    results = await asyncio.gather(*[accounts.get_fresh_credentials(account_id) for _ in range(5)])
    assert len({r.access_token for r in results}) == 1 and results[0].access_token != creds.access_token
    used = [
        r for r in x_fake.requests_to("POST", "/2/oauth2/token") if r.form.get("refresh_token") == creds.refresh_token
    ]
    assert len(used) == 1  # the rotating refresh token was spent exactly once


async def test_second_401_after_refresh_flags_account(env, x_fake: XFake):
    org_id, _ = make_workspace()
    account_id, _ = x_account(org_id, x_fake)

    async def always_401(creds: Credentials) -> None:
        raise AuthError("X: Unauthorized", status_code=401)

    with pytest.raises(AuthError):
        await accounts.call_with_refresh(account_id, always_401)
    assert account_row(account_id).status == "needs_reconnect"


async def test_list_shows_expiring_when_no_refresh_possible(env):
    org_id, _ = make_workspace()
    other_org, _ = make_workspace("Other")
    soon = datetime.now(UTC) + timedelta(days=2)
    add_account(org_id, "linkedin", Credentials(access_token="li-access", expires_at=soon), external_id="li-1")
    add_account(org_id, "x", Credentials(access_token="a", refresh_token="r", expires_at=soon), external_id="x-1")
    add_account(
        org_id,
        "linkedin",
        Credentials(access_token="old", expires_at=datetime.now(UTC) - timedelta(hours=1)),
        external_id="li-2",
    )
    rows = {
        r["username"] and r["display_name"] + r["platform"] + str(r["id"]): r for r in accounts.list_accounts(org_id)
    }
    statuses = sorted((r["platform"], r["status"]) for r in rows.values())
    assert statuses == [("linkedin", "expiring"), ("linkedin", "needs_reconnect"), ("x", "active")]
    assert accounts.list_accounts(other_org) == []


async def test_disconnect_fails_scheduled_targets_keeps_history_and_is_org_scoped(env, x_fake: XFake):
    org_id, user_id = make_workspace()
    other_org, _ = make_workspace("Other")
    account_id, creds = x_account(org_id, x_fake)
    with session_scope() as s:
        post = Post(organization_id=org_id, body="hi", status="scheduled")
        s.add(post)
        s.flush()
        done = Post(organization_id=org_id, body="old", status="published")
        s.add(done)
        s.flush()
        s.add(PostTarget(organization_id=org_id, post_id=post.id, social_account_id=account_id, status="scheduled"))
        s.add(
            PostTarget(
                organization_id=org_id,
                post_id=done.id,
                social_account_id=account_id,
                status="published",
                external_id="1",
            )
        )
    with pytest.raises(accounts.AccountNotFoundError):
        await accounts.disconnect_account(other_org, account_id)
    await accounts.disconnect_account(org_id, account_id)
    assert accounts.list_accounts(org_id) == []
    row = account_row(account_id)
    assert row.status == "disconnected" and row.token_blob is None
    assert creds.access_token in x_fake.revoked
    with session_scope() as s:
        targets = {t.status: t for t in s.exec(select(PostTarget)).all()}
    assert targets["failed"].last_error == "account disconnected"
    assert targets["published"].external_id == "1"


async def test_disconnect_survives_revoke_failure(env, x_fake: XFake):
    org_id, _ = make_workspace()
    account_id, _ = x_account(org_id, x_fake)
    x_fake.behaviors["POST /2/oauth2/revoke"] = [500, 500]
    await accounts.disconnect_account(org_id, account_id)
    assert account_row(account_id).token_blob is None


async def test_connect_bluesky_and_demo(env, bsky: BlueskyFake):
    org_id, user_id = make_workspace()
    with pytest.raises(AuthError, match="Invalid identifier or password"):
        await accounts.connect_bluesky(org_id, user_id, "alice.test", "wrong")
    account_id = await accounts.connect_bluesky(org_id, user_id, "alice.test", bsky.app_password)
    row = account_row(account_id)
    assert row.platform == "bluesky" and row.username == "alice.test"
    assert bsky.app_password not in row.token_blob
    assert accounts.load_credentials(row).extra["app_password"] == bsky.app_password

    demo_id = accounts.connect_demo(org_id, user_id)
    assert accounts.connect_demo(org_id, user_id) == demo_id  # one Demo account per workspace
    demo = account_row(demo_id)
    adapter = accounts.adapter_for_account(demo)
    ref = accounts.account_ref(demo)
    creds = await accounts.get_fresh_credentials(demo_id)
    request = PublishRequest(text="Hello demo", idempotency_key="t-1")
    first = await adapter.publish(creds, ref, request)
    assert (await adapter.publish(creds, ref, request)).external_id == first.external_id
    assert first.url.endswith(f"/demo/post/{first.external_id}")
    metrics = await adapter.fetch_post_metrics(creds, ref, first.external_id)
    assert metrics.simulated and metrics.likes is not None
    found = await adapter.find_recent_post(
        creds, ref, PublishRequest(text="Hello demo"), datetime.now(UTC) - timedelta(minutes=1)
    )
    assert found and found.external_id == first.external_id
    assert (await adapter.fetch_account_metrics(creds, ref)).simulated
    await adapter.delete(creds, ref, first.external_id)
    with pytest.raises(PermanentError, match="not found"):
        await adapter.fetch_post_metrics(creds, ref, first.external_id)
    await accounts.disconnect_account(org_id, demo_id)
    assert accounts.connect_demo(org_id, user_id) == demo_id  # reconnect revives the same row
    assert {r["platform"] for r in accounts.list_accounts(org_id)} == {"bluesky", "demo"}


def test_account_ref_and_adapter_types(env):
    row = SocialAccount(organization_id=1, platform="x", external_id="42", display_name="D", username="u")
    assert accounts.account_ref(row) == AccountRef(external_id="42", instance_url="", username="u", display_name="D")
    assert isinstance(accounts.adapter_for_account(row), XAdapter)
