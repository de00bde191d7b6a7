"""X adapter against the fake X API: exact requests, PKCE, token rotation, errors, metrics."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from services.platforms.base import AccountRef, Credentials, MediaFile, PublishRequest
from services.platforms.errors import AuthError, ErrorKind, PermanentError
from services.platforms.x import XAdapter
from tests.fakes.oauth_support import configure_env, s256
from tests.fakes.x import XFake

REDIRECT = "http://localhost:8000/oauth/callback/x"


@pytest.fixture(scope="module")
def fake():
    with XFake() as server:
        yield server


@pytest.fixture
def adapter(fake: XFake, monkeypatch, tmp_path):
    fake.recorded.clear()
    fake.behaviors.clear()
    fake.tweets.clear()
    configure_env(
        monkeypatch,
        {
            "SOCIALHUB_X_CLIENT_ID": fake.client_id,
            "SOCIALHUB_X_CLIENT_SECRET": fake.client_secret,
            "SOCIALHUB_X_API_BASE": fake.url,
            "SOCIALHUB_X_AUTHORIZE_URL": f"{fake.url}/i/oauth2/authorize",
        },
        tmp_path,
    )
    return XAdapter(client=httpx.AsyncClient(timeout=httpx.Timeout(5.0, read=0.7)))


def account() -> AccountRef:
    return AccountRef(external_id="2244994945", username="socialhub_test")


def creds_for(fake: XFake) -> Credentials:
    access, refresh = fake.grant()
    return Credentials(access_token=access, refresh_token=refresh)


async def test_unconfigured_explains_env_vars(monkeypatch, tmp_path):
    configure_env(monkeypatch, {"SOCIALHUB_X_CLIENT_ID": "", "SOCIALHUB_X_CLIENT_SECRET": ""}, tmp_path)
    adapter = XAdapter()
    assert not adapter.is_configured()
    assert "SOCIALHUB_X_CLIENT_ID" in adapter.config_help()


async def test_authorize_redirect_and_code_exchange_with_pkce(adapter: XAdapter, fake: XFake):
    verifier = "v" * 64
    url = adapter.authorization_url(redirect_uri=REDIRECT, state="state123", code_verifier=verifier)
    query = parse_qs(urlsplit(url).query)
    assert query["code_challenge"] == [s256(verifier)] and query["code_challenge_method"] == ["S256"]
    assert "offline.access" in query["scope"][0].split()
    # The browser step: the fake's consent screen redirects back with code + state.
    async with httpx.AsyncClient() as browser:
        resp = await browser.get(url)
    assert resp.status_code == 302
    back = parse_qs(urlsplit(resp.headers["location"]).query)
    assert back["state"] == ["state123"]

    creds = await adapter.exchange_code(code=back["code"][0], redirect_uri=REDIRECT, code_verifier=verifier)
    assert creds.access_token in fake.access_tokens and creds.refresh_token
    assert creds.expires_at and creds.expires_at > datetime.now(UTC) + timedelta(minutes=100)
    token_req = fake.requests_to("POST", "/2/oauth2/token")[-1]
    expected_basic = base64.b64encode(f"{fake.client_id}:{fake.client_secret}".encode()).decode()
    assert token_req.headers["authorization"] == f"Basic {expected_basic}"
    assert token_req.form == {
        "grant_type": "authorization_code",
        "code": back["code"][0],
        "redirect_uri": REDIRECT,
        "code_verifier": verifier,
        "client_id": fake.client_id,
    }


async def test_wrong_pkce_verifier_is_refused(adapter: XAdapter, fake: XFake):
    url = adapter.authorization_url(redirect_uri=REDIRECT, state="s", code_verifier="a" * 64)
    async with httpx.AsyncClient() as browser:
        code = parse_qs(urlsplit((await browser.get(url)).headers["location"]).query)["code"][0]
    with pytest.raises(AuthError, match="code verifier did not match"):
        await adapter.exchange_code(code=code, redirect_uri=REDIRECT, code_verifier="b" * 64)


async def test_refresh_rotates_and_old_refresh_token_dies(adapter: XAdapter, fake: XFake):
    creds = creds_for(fake)
    fresh = await adapter.refresh(creds)
    assert fresh.refresh_token != creds.refresh_token
    assert fake.requests_to("POST", "/2/oauth2/token")[-1].form["grant_type"] == "refresh_token"
    with pytest.raises(AuthError, match="token was invalid"):
        await adapter.refresh(creds)


async def test_discover_profile(adapter: XAdapter, fake: XFake):
    [found] = await adapter.discover_accounts(creds_for(fake))
    assert found.profile.external_id == "2244994945"
    assert found.profile.username == "socialhub_test"
    assert found.profile.followers == 1234
    assert fake.recorded[-1].query["user.fields"] == ["profile_image_url,public_metrics"]


async def test_publish_text_with_image_and_thread_reply(adapter: XAdapter, fake: XFake, tmp_path):
    image = tmp_path / "photo.png"
    image.write_bytes(b"\x89PNG fake image bytes")
    creds = creds_for(fake)
    media = MediaFile(path=str(image), mime_type="image/png", kind="image", size_bytes=image.stat().st_size)
    first = await adapter.publish(creds, account(), PublishRequest(text="Hello X", media=[media]))
    upload = fake.requests_to("POST", "/2/media/upload")[-1]
    assert upload.headers["authorization"] == f"Bearer {creds.access_token}"
    assert b"tweet_image" in upload.body and b"fake image bytes" in upload.body
    post = fake.requests_to("POST", "/2/tweets")[-1]
    assert post.json == {"text": "Hello X", "media": {"media_ids": ["1000000"]}}
    assert first.url == f"https://x.com/socialhub_test/status/{first.external_id}"

    await adapter.publish(creds, account(), PublishRequest(text="second in thread", reply_to_id=first.external_id))
    assert fake.requests_to("POST", "/2/tweets")[-1].json == {
        "text": "second in thread",
        "reply": {"in_reply_to_tweet_id": first.external_id},
    }


async def test_duplicate_is_permanent_with_platform_message(adapter: XAdapter, fake: XFake):
    creds = creds_for(fake)
    await adapter.publish(creds, account(), PublishRequest(text="same text"))
    with pytest.raises(PermanentError) as err:
        await adapter.publish(creds, account(), PublishRequest(text="same text"))
    assert err.value.kind == ErrorKind.PERMANENT and err.value.status_code == 403
    assert "duplicate content" in err.value.message
    assert creds.access_token not in err.value.message


async def test_rate_limit_parses_reset_header(adapter: XAdapter, fake: XFake):
    fake.behaviors["POST /2/tweets"] = [429]
    with pytest.raises(Exception) as err:
        await adapter.publish(creds_for(fake), account(), PublishRequest(text="rate limited"))
    assert err.value.kind == ErrorKind.RATE_LIMITED
    assert err.value.retry_at and timedelta(minutes=14) < err.value.retry_at - datetime.now(UTC) < timedelta(minutes=16)


async def test_server_error_is_transient_and_timeout_is_unknown_outcome(adapter: XAdapter, fake: XFake):
    creds = creds_for(fake)
    fake.behaviors["POST /2/tweets"] = [503]
    with pytest.raises(Exception) as err:
        await adapter.publish(creds, account(), PublishRequest(text="five hundred"))
    assert err.value.kind == ErrorKind.TRANSIENT
    fake.behaviors["POST /2/tweets"] = ["timeout"]
    with pytest.raises(Exception) as err:
        await adapter.publish(creds, account(), PublishRequest(text="slow answer"))
    assert err.value.kind == ErrorKind.UNKNOWN_OUTCOME


async def test_expired_access_token_is_auth_error(adapter: XAdapter, fake: XFake):
    creds = creds_for(fake)
    fake.expire_access(creds.access_token)
    with pytest.raises(AuthError):
        await adapter.publish(creds, account(), PublishRequest(text="401"))


async def test_metrics_find_recent_delete_and_revoke(adapter: XAdapter, fake: XFake):
    creds = creds_for(fake)
    since = datetime.now(UTC) - timedelta(minutes=1)
    result = await adapter.publish(creds, account(), PublishRequest(text="Read https://example.com/a & <more>"))
    metrics = await adapter.fetch_post_metrics(creds, account(), result.external_id)
    assert (metrics.likes, metrics.reposts, metrics.replies, metrics.impressions) == (17, 3, 2, 512)
    assert fake.recorded[-1].query == {"ids": [result.external_id], "tweet.fields": ["public_metrics"]}
    assert (await adapter.fetch_account_metrics(creds, account())).followers == 1234

    found = await adapter.find_recent_post(
        creds, account(), PublishRequest(text="Read https://example.com/a & <more>"), since
    )
    assert found and found.external_id == result.external_id
    assert fake.recorded[-1].query["start_time"][0].endswith("Z")
    assert await adapter.find_recent_post(creds, account(), PublishRequest(text="never posted"), since) is None

    await adapter.delete(creds, account(), result.external_id)
    with pytest.raises(PermanentError, match="Could not find tweet"):
        await adapter.fetch_post_metrics(creds, account(), result.external_id)

    await adapter.revoke(creds)
    revokes = fake.requests_to("POST", "/2/oauth2/revoke")
    assert {r.form["token_type_hint"] for r in revokes} == {"refresh_token", "access_token"}
    assert creds.access_token in fake.revoked and creds.refresh_token in fake.revoked
