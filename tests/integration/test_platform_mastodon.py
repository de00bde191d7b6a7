"""Mastodon adapter against a fake instance: app registration, PKCE, Idempotency-Key, media, errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from services.platforms.base import AccountRef, Credentials, MediaFile, PublishRequest
from services.platforms.errors import AuthError, ErrorKind, PermanentError
from services.platforms.mastodon import MastodonAdapter, normalize_instance_url
from tests.fakes.mastodon import MastodonFake
from tests.fakes.oauth_support import configure_env, s256

REDIRECT = "http://localhost:8000/oauth/callback/mastodon"


@pytest.fixture(scope="module")
def fake():
    with MastodonFake() as server:
        yield server


@pytest.fixture
def adapter(fake: MastodonFake, monkeypatch, tmp_path):
    fake.recorded.clear()
    fake.behaviors.clear()
    fake.statuses.clear()
    fake.media_processing_polls = 0
    configure_env(monkeypatch, {}, tmp_path)
    adapter = MastodonAdapter(instance_url=fake.url, client=httpx.AsyncClient(timeout=httpx.Timeout(5.0, read=0.7)))
    adapter.media_poll_seconds = 0
    return adapter


def account() -> AccountRef:
    return AccountRef(external_id="109876543210", username="alice@127.0.0.1")


def test_instance_url_rules(monkeypatch):
    assert normalize_instance_url("Mastodon.Social/") == "https://mastodon.social"
    assert normalize_instance_url("http://127.0.0.1:9999") == "http://127.0.0.1:9999"
    with pytest.raises(PermanentError, match="https"):
        normalize_instance_url("http://mastodon.example")
    assert normalize_instance_url("http://mastodon.example", allow_http=True) == "http://mastodon.example"
    with pytest.raises(PermanentError, match="not a Mastodon instance"):
        normalize_instance_url("https://mastodon.social/@alice")


async def test_register_authorize_exchange_discover(adapter: MastodonAdapter, fake: MastodonFake):
    client_id, client_secret = await adapter.register_app(REDIRECT)
    assert fake.requests_to("POST", "/api/v1/apps")[-1].form == {
        "client_name": "SocialHub",
        "redirect_uris": REDIRECT,
        "scopes": "read write",
        "website": "http://localhost:3000",
    }
    adapter.use_app(client_id, client_secret)
    verifier = "m" * 64
    url = adapter.authorization_url(redirect_uri=REDIRECT, state="st", code_verifier=verifier)
    assert url.startswith(f"{fake.url}/oauth/authorize?")
    assert parse_qs(urlsplit(url).query)["code_challenge"] == [s256(verifier)]
    async with httpx.AsyncClient() as browser:
        location = (await browser.get(url)).headers["location"]
    back = parse_qs(urlsplit(location).query)
    assert back["state"] == ["st"]

    creds = await adapter.exchange_code(code=back["code"][0], redirect_uri=REDIRECT, code_verifier=verifier)
    token_form = fake.requests_to("POST", "/oauth/token")[-1].form
    assert token_form["code_verifier"] == verifier and token_form["client_secret"] == client_secret
    assert creds.extra["client_id"] == client_id and creds.expires_at is None

    [found] = await adapter.discover_accounts(creds)
    assert found.profile.external_id == "109876543210"
    assert found.profile.username == f"alice@127.0.0.1:{fake.port}"
    assert found.profile.followers == 321

    await adapter.revoke(creds)
    assert fake.requests_to("POST", "/oauth/revoke")[-1].form["token"] == creds.access_token
    assert creds.access_token not in fake.tokens
    assert not adapter.can_refresh(creds)
    with pytest.raises(AuthError, match="reconnect"):
        await adapter.refresh(creds)


async def test_publish_sends_idempotency_key_and_never_doubles(adapter: MastodonAdapter, fake: MastodonFake):
    creds = Credentials(access_token=fake.grant())
    request = PublishRequest(text="Hello fediverse", idempotency_key="target-42-v1")
    first = await adapter.publish(creds, account(), request)
    again = await adapter.publish(creds, account(), request)
    assert first.external_id == again.external_id and len(fake.statuses) == 1
    sent = fake.requests_to("POST", "/api/v1/statuses")
    assert [r.headers["idempotency-key"] for r in sent] == ["target-42-v1", "target-42-v1"]
    assert sent[0].json == {"status": "Hello fediverse", "visibility": "public"}
    assert sent[0].headers["authorization"] == f"Bearer {creds.access_token}"
    assert first.url.endswith(f"/@alice/{first.external_id}") and first.published_at
    await adapter.publish(creds, account(), PublishRequest(text="and a reply", reply_to_id=first.external_id))
    assert fake.requests_to("POST", "/api/v1/statuses")[-1].json["in_reply_to_id"] == first.external_id


async def test_media_waits_for_processing(adapter: MastodonAdapter, fake: MastodonFake, tmp_path):
    fake.media_processing_polls = 2
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"\x00\x00\x00 ftypmp4 fake video")
    creds = Credentials(access_token=fake.grant())
    media = MediaFile(path=str(video), mime_type="video/mp4", kind="video", size_bytes=24, alt_text="a clip")
    result = await adapter.publish(creds, account(), PublishRequest(text="with video", media=[media]))
    upload = fake.requests_to("POST", "/api/v2/media")[-1]
    assert b'name="description"' in upload.body and b"a clip" in upload.body
    polls = [r for r in fake.recorded if r.method == "GET" and r.path.startswith("/api/v1/media/")]
    assert len(polls) == 3  # 206, 206, 200
    assert fake.statuses[result.external_id]["media_ids"] == [upload_id(fake)]


def upload_id(fake: MastodonFake) -> str:
    return list(fake.media)[-1]


async def test_errors_map_to_taxonomy(adapter: MastodonAdapter, fake: MastodonFake):
    creds = Credentials(access_token=fake.grant())
    fake.behaviors["POST /api/v1/statuses"] = [422, 429, 500, "timeout"]
    with pytest.raises(PermanentError, match="Validation failed: Text can't be blank"):
        await adapter.publish(creds, account(), PublishRequest(text="x"))
    with pytest.raises(Exception) as err:
        await adapter.publish(creds, account(), PublishRequest(text="x"))
    assert err.value.kind == ErrorKind.RATE_LIMITED
    assert timedelta(minutes=4) < err.value.retry_at - datetime.now(UTC) < timedelta(minutes=6)
    with pytest.raises(Exception) as err:
        await adapter.publish(creds, account(), PublishRequest(text="x"))
    assert err.value.kind == ErrorKind.TRANSIENT
    with pytest.raises(Exception) as err:
        await adapter.publish(creds, account(), PublishRequest(text="x"))
    assert err.value.kind == ErrorKind.UNKNOWN_OUTCOME
    with pytest.raises(AuthError, match="access token is invalid"):
        await adapter.publish(Credentials(access_token="revoked"), account(), PublishRequest(text="x"))


async def test_find_recent_metrics_delete(adapter: MastodonAdapter, fake: MastodonFake):
    creds = Credentials(access_token=fake.grant())
    since = datetime.now(UTC) - timedelta(minutes=1)
    text = "Fish & <chips> https://example.com"
    posted = await adapter.publish(creds, account(), PublishRequest(text=text))
    found = await adapter.find_recent_post(creds, account(), PublishRequest(text=text), since)
    assert found and found.external_id == posted.external_id
    assert (
        await adapter.find_recent_post(
            creds, account(), PublishRequest(text=text), datetime.now(UTC) + timedelta(minutes=1)
        )
        is None
    )
    metrics = await adapter.fetch_post_metrics(creds, account(), posted.external_id)
    assert (metrics.likes, metrics.reposts, metrics.replies, metrics.impressions) == (25, 6, 4, None)
    assert (await adapter.fetch_account_metrics(creds, account())).followers == 321
    await adapter.delete(creds, account(), posted.external_id)
    assert fake.requests_to("DELETE", f"/api/v1/statuses/{posted.external_id}")
    with pytest.raises(PermanentError, match="Record not found"):
        await adapter.fetch_post_metrics(creds, account(), posted.external_id)


async def test_content_warning_line_becomes_spoiler_text(adapter: MastodonAdapter, fake: MastodonFake):
    """A first line "CW: …" is sent as Mastodon's content warning, exactly as the composer previews it."""
    creds = Credentials(access_token=fake.grant())
    await adapter.publish(creds, account(), PublishRequest(text="CW: election talk\nPolls open at 8."))
    sent = fake.requests_to("POST", "/api/v1/statuses")[-1].json
    assert sent["spoiler_text"] == "election talk" and sent["status"] == "Polls open at 8."
    await adapter.publish(creds, account(), PublishRequest(text="No warning here\nsecond line"))
    assert "spoiler_text" not in fake.requests_to("POST", "/api/v1/statuses")[-1].json
