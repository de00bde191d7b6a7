"""LinkedIn adapter against the fake: versioned headers, author URN, little-text escaping, errors."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from services.platforms.base import AccountRef, Credentials, MediaFile, PublishRequest
from services.platforms.errors import AuthError, ErrorKind, PermanentError
from services.platforms.linkedin import LinkedInAdapter
from tests.fakes.linkedin import LinkedInFake
from tests.fakes.oauth_support import configure_env

REDIRECT = "http://localhost:8000/oauth/callback/linkedin"


@pytest.fixture(scope="module")
def fake():
    with LinkedInFake() as server:
        yield server


@pytest.fixture
def adapter(fake: LinkedInFake, monkeypatch, tmp_path):
    fake.recorded.clear()
    fake.behaviors.clear()
    fake.posts.clear()
    configure_env(
        monkeypatch,
        {
            "SOCIALHUB_LINKEDIN_CLIENT_ID": fake.client_id,
            "SOCIALHUB_LINKEDIN_CLIENT_SECRET": fake.client_secret,
            "SOCIALHUB_LINKEDIN_API_BASE": fake.url,
            "SOCIALHUB_LINKEDIN_AUTH_BASE": fake.url,
            "SOCIALHUB_LINKEDIN_VERSION": "202505",
        },
        tmp_path,
    )
    return LinkedInAdapter(client=httpx.AsyncClient(timeout=httpx.Timeout(5.0, read=0.7)))


ACCOUNT = AccountRef(external_id="782bbtaQ")


async def test_connect_flow_and_profile(adapter: LinkedInAdapter, fake: LinkedInFake):
    url = adapter.authorization_url(redirect_uri=REDIRECT, state="s1", code_verifier="unused")
    assert parse_qs(urlsplit(url).query)["scope"] == ["openid profile w_member_social"]
    async with httpx.AsyncClient() as browser:
        back = parse_qs(urlsplit((await browser.get(url)).headers["location"]).query)
    creds = await adapter.exchange_code(code=back["code"][0], redirect_uri=REDIRECT, code_verifier="unused")
    assert fake.requests_to("POST", "/oauth/v2/accessToken")[-1].form == {
        "grant_type": "authorization_code",
        "code": back["code"][0],
        "redirect_uri": REDIRECT,
        "client_id": fake.client_id,
        "client_secret": fake.client_secret,
    }
    assert creds.expires_at and not creds.refresh_token and not adapter.can_refresh(creds)
    [found] = await adapter.discover_accounts(creds)
    assert (found.profile.external_id, found.profile.display_name) == ("782bbtaQ", "Ada Lovelace")
    with pytest.raises(AuthError, match="60 days"):
        await adapter.refresh(creds)
    with pytest.raises(AuthError, match="does not match authorization code"):
        await adapter.exchange_code(code="reused", redirect_uri=REDIRECT, code_verifier="")


async def test_publish_with_image_sends_versioned_headers(adapter: LinkedInAdapter, fake: LinkedInFake, tmp_path):
    image = tmp_path / "chart.png"
    image.write_bytes(b"\x89PNG chart")
    creds = Credentials(access_token=fake.grant())
    media = MediaFile(path=str(image), mime_type="image/png", kind="image", size_bytes=10, alt_text="chart")
    result = await adapter.publish(creds, ACCOUNT, PublishRequest(text="Results (Q3) #growth", media=[media]))
    init = fake.requests_to("POST", "/rest/images")[-1]
    assert init.json == {"initializeUploadRequest": {"owner": "urn:li:person:782bbtaQ"}}
    post = fake.requests_to("POST", "/rest/posts")[-1]
    assert post.headers["linkedin-version"] == "202505" and post.headers["x-restli-protocol-version"] == "2.0.0"
    assert post.json["author"] == "urn:li:person:782bbtaQ"
    assert post.json["commentary"] == "Results \\(Q3\\) \\#growth"
    image_urn = post.json["content"]["media"]["id"]
    assert fake.images[image_urn.rsplit(":", 1)[1]] == image.read_bytes()
    assert post.json["lifecycleState"] == "PUBLISHED" and post.json["visibility"] == "PUBLIC"
    assert result.external_id.startswith("urn:li:share:")
    assert result.url == f"https://www.linkedin.com/feed/update/{result.external_id}/"

    metrics = await adapter.fetch_post_metrics(creds, ACCOUNT, result.external_id)
    assert (metrics.likes, metrics.replies, metrics.reposts) == (12, 4, None)
    assert (await adapter.fetch_account_metrics(creds, ACCOUNT)).followers is None
    await adapter.delete(creds, ACCOUNT, result.external_id)
    assert result.external_id not in fake.posts


async def test_errors(adapter: LinkedInAdapter, fake: LinkedInFake):
    creds = Credentials(access_token=fake.grant())
    await adapter.publish(creds, ACCOUNT, PublishRequest(text="once"))
    with pytest.raises(PermanentError, match="Content is a duplicate"):
        await adapter.publish(creds, ACCOUNT, PublishRequest(text="once"))
    fake.behaviors["POST /rest/posts"] = [429, 504, "timeout"]
    kinds = []
    for _ in range(3):
        with pytest.raises(Exception) as err:
            await adapter.publish(creds, ACCOUNT, PublishRequest(text="again"))
        kinds.append(err.value.kind)
    assert kinds == [ErrorKind.RATE_LIMITED, ErrorKind.TRANSIENT, ErrorKind.UNKNOWN_OUTCOME]
    with pytest.raises(AuthError, match="Invalid access token"):
        await adapter.publish(Credentials(access_token="bad"), ACCOUNT, PublishRequest(text="x"))
    await adapter.revoke(creds)
    assert fake.requests_to("POST", "/oauth/v2/revoke")[-1].form["client_secret"] == fake.client_secret
