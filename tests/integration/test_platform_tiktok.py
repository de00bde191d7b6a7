"""TikTok adapter against the fake: client_key OAuth, 200-with-error envelopes, direct post upload."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from services.platforms.base import AccountRef, Credentials, MediaFile, PublishRequest
from services.platforms.errors import AuthError, ErrorKind, PermanentError
from services.platforms.tiktok import TikTokAdapter
from tests.fakes.oauth_support import configure_env
from tests.fakes.tiktok import OPEN_ID, TikTokFake
from tests.integration.accounts_helpers import browser_follow

REDIRECT = "http://localhost:8000/oauth/callback/tiktok"
ACCOUNT = AccountRef(external_id=OPEN_ID, username="tiktester")


@pytest.fixture(scope="module")
def fake():
    with TikTokFake() as server:
        yield server


@pytest.fixture
def adapter(fake: TikTokFake, monkeypatch, tmp_path):
    fake.recorded.clear()
    fake.behaviors.clear()
    configure_env(
        monkeypatch,
        {
            "SOCIALHUB_TIKTOK_CLIENT_ID": fake.client_key,
            "SOCIALHUB_TIKTOK_CLIENT_SECRET": fake.client_secret,
            "SOCIALHUB_TIKTOK_API_BASE": fake.url,
            "SOCIALHUB_TIKTOK_AUTHORIZE_URL": f"{fake.url}/v2/auth/authorize/",
        },
        tmp_path,
    )
    adapter = TikTokAdapter(client=httpx.AsyncClient(timeout=httpx.Timeout(5.0, read=0.7)))
    adapter.status_poll_seconds = 0
    return adapter


async def test_connect_refresh_and_profile(adapter: TikTokAdapter, fake: TikTokFake):
    params = await browser_follow(adapter.authorization_url(redirect_uri=REDIRECT, state="s", code_verifier=""))
    creds = await adapter.exchange_code(code=params["code"], redirect_uri=REDIRECT, code_verifier="")
    form = fake.requests_to("POST", "/v2/oauth/token/")[-1].form
    assert form["client_key"] == fake.client_key and form["grant_type"] == "authorization_code"
    assert creds.extra["open_id"] == OPEN_ID and creds.expires_at - datetime.now(UTC) > timedelta(hours=23)
    [found] = await adapter.discover_accounts(creds)
    assert (found.profile.external_id, found.profile.username, found.profile.followers) == (OPEN_ID, "tiktester", 555)
    fresh = await adapter.refresh(creds)
    assert fresh.access_token != creds.access_token and fresh.extra["open_id"] == OPEN_ID
    with pytest.raises(AuthError, match="Refresh token is invalid"):
        await adapter.refresh(Credentials(refresh_token="rft-dead"))


async def test_publish_video_file_upload(adapter: TikTokAdapter, fake: TikTokFake, tmp_path):
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"\x00" * 5000)
    access, _ = fake.grant()
    creds = Credentials(access_token=access)
    media = MediaFile(path=str(video), mime_type="video/mp4", kind="video", size_bytes=5000)
    with pytest.raises(PermanentError, match="needs a video"):
        await adapter.publish(creds, ACCOUNT, PublishRequest(text="no video"))
    result = await adapter.publish(creds, ACCOUNT, PublishRequest(text="Dance #fyp", media=[media]))
    init = fake.requests_to("POST", "/v2/post/publish/video/init/")[-1].json
    assert init == {
        "post_info": {"title": "Dance #fyp", "privacy_level": "PUBLIC_TO_EVERYONE"},
        "source_info": {"source": "FILE_UPLOAD", "video_size": 5000, "chunk_size": 5000, "total_chunk_count": 1},
    }
    put = [r for r in fake.recorded if r.method == "PUT"][-1]
    assert put.headers["content-range"] == "bytes 0-4999/5000" and put.headers["content-type"] == "video/mp4"
    assert result.url == f"https://www.tiktok.com/@tiktester/video/{result.external_id}"
    metrics = await adapter.fetch_post_metrics(creds, ACCOUNT, result.external_id)
    assert (metrics.likes, metrics.replies, metrics.reposts, metrics.impressions) == (90, 8, 7, 3000)
    found = await adapter.find_recent_post(
        creds, ACCOUNT, PublishRequest(text="Dance #fyp"), datetime.now(UTC) - timedelta(minutes=1)
    )
    assert found and found.external_id == result.external_id


async def test_errors(adapter: TikTokAdapter, fake: TikTokFake, tmp_path):
    access, _ = fake.grant()
    creds = Credentials(access_token=access)
    with pytest.raises(AuthError, match="access token is invalid"):
        await adapter.fetch_account_metrics(Credentials(access_token="nope"), ACCOUNT)
    fake.behaviors["POST /v2/post/publish/video/init/"] = [
        429,
        500,
        {
            "status": 200,
            "json": {
                "data": {},
                "error": {"code": "spam_risk_too_many_posts", "message": "The daily post cap is reached"},
            },
        },
    ]
    video = tmp_path / "v.mp4"
    video.write_bytes(b"\x00" * 10)
    media = MediaFile(path=str(video), mime_type="video/mp4", kind="video", size_bytes=10)
    kinds = []
    for _ in range(3):
        with pytest.raises(Exception) as err:
            await adapter.publish(creds, ACCOUNT, PublishRequest(text="x", media=[media]))
        kinds.append(err.value.kind)
    assert kinds == [ErrorKind.RATE_LIMITED, ErrorKind.TRANSIENT, ErrorKind.RATE_LIMITED]
    assert "daily post cap" in err.value.message
