"""Facebook Pages and Instagram (same Graph fake): page discovery, page tokens, containers, Graph error codes."""

from __future__ import annotations

import httpx
import pytest

from services.platforms.base import AccountRef, Credentials, MediaFile, PublishRequest
from services.platforms.errors import AuthError, ErrorKind, PermanentError
from services.platforms.facebook import FacebookAdapter
from services.platforms.instagram import InstagramAdapter
from tests.fakes.facebook import IG_ID, PAGE_ID, FacebookFake
from tests.fakes.oauth_support import configure_env
from tests.integration.accounts_helpers import browser_follow

REDIRECT = "http://localhost:8000/oauth/callback/facebook"


@pytest.fixture(scope="module")
def fake():
    with FacebookFake() as server:
        yield server


@pytest.fixture
def env(fake: FacebookFake, monkeypatch, tmp_path):
    fake.recorded.clear()
    fake.behaviors.clear()
    fake.posts.clear()
    fake.container_polls = 0
    configure_env(
        monkeypatch,
        {
            "SOCIALHUB_FACEBOOK_CLIENT_ID": fake.client_id,
            "SOCIALHUB_FACEBOOK_CLIENT_SECRET": fake.client_secret,
            "SOCIALHUB_FACEBOOK_GRAPH_BASE": fake.url,
            "SOCIALHUB_FACEBOOK_GRAPH_VERSION": "v23.0",
            "SOCIALHUB_FACEBOOK_AUTHORIZE_URL": f"{fake.url}/v23.0/dialog/oauth",
        },
        tmp_path,
    )


def client() -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=httpx.Timeout(5.0, read=0.7))


async def test_login_discovers_pages_with_page_tokens(env, fake: FacebookFake):
    adapter = FacebookAdapter(client=client())
    url = adapter.authorization_url(redirect_uri=REDIRECT, state="st", code_verifier="")
    assert "pages_manage_posts" in url
    params = await browser_follow(url)
    creds = await adapter.exchange_code(code=params["code"], redirect_uri=REDIRECT, code_verifier="")
    exchanges = fake.requests_to("POST", "/v23.0/oauth/access_token")
    assert exchanges[0].form["code"] == params["code"] and exchanges[0].form["client_secret"] == fake.client_secret
    assert exchanges[1].form["grant_type"] == "fb_exchange_token"  # long-lived user token
    assert all("client_secret" not in str(r.query) for r in exchanges)  # secrets stay out of URLs
    pages = await adapter.discover_accounts(creds)
    assert [p.profile.external_id for p in pages] == [PAGE_ID, "999"]
    assert pages[0].credentials.access_token in fake.page_tokens
    assert pages[0].credentials.extra["user_token"] == creds.access_token
    assert pages[0].profile.followers == 980 and pages[0].credentials.expires_at is None

    ig = await InstagramAdapter(client=client()).discover_accounts(creds)
    assert [(a.profile.external_id, a.profile.username, a.profile.followers) for a in ig] == [
        (IG_ID, "acmebakery", 4321)
    ]


async def test_page_publish_text_photo_and_multi_photo(env, fake: FacebookFake, tmp_path):
    adapter = FacebookAdapter(client=client())
    creds = Credentials(access_token=fake.page_token())
    page = AccountRef(external_id=PAGE_ID)
    text = await adapter.publish(creds, page, PublishRequest(text="Fresh bread today"))
    feed = fake.requests_to("POST", f"/v23.0/{PAGE_ID}/feed")[-1]
    assert (
        feed.form == {"message": "Fresh bread today"}
        and feed.headers["authorization"] == f"Bearer {creds.access_token}"
    )
    assert text.url == f"https://www.facebook.com/{text.external_id}"

    photos = []
    for name in ("a.jpg", "b.jpg"):
        path = tmp_path / name
        path.write_bytes(b"\xff\xd8 jpeg " + name.encode())
        photos.append(MediaFile(path=str(path), mime_type="image/jpeg", kind="image", size_bytes=10))
    single = await adapter.publish(creds, page, PublishRequest(text="One photo", media=photos[:1]))
    assert single.external_id.startswith(f"{PAGE_ID}_") and fake.posts[single.external_id]["edge"] == "photos"
    multi = await adapter.publish(creds, page, PublishRequest(text="Two photos", media=photos))
    assert len(fake.posts[multi.external_id]["attached"]) == 2
    assert all(
        b'name="published"\r\n\r\nfalse' in r.body for r in fake.requests_to("POST", f"/v23.0/{PAGE_ID}/photos")[-2:]
    )

    metrics = await adapter.fetch_post_metrics(creds, page, text.external_id)
    assert (metrics.likes, metrics.replies, metrics.reposts) == (14, 3, 0)
    assert (await adapter.fetch_account_metrics(creds, page)).followers == 980
    await adapter.delete(creds, page, text.external_id)
    assert text.external_id not in fake.posts


async def test_graph_error_codes(env, fake: FacebookFake):
    adapter = FacebookAdapter(client=client())
    creds = Credentials(access_token=fake.page_token())
    page = AccountRef(external_id=PAGE_ID)
    await adapter.publish(creds, page, PublishRequest(text="dup"))
    with pytest.raises(PermanentError, match="Duplicate status message"):
        await adapter.publish(creds, page, PublishRequest(text="dup"))
    with pytest.raises(AuthError, match="Session has expired"):
        await adapter.publish(Credentials(access_token="dead"), page, PublishRequest(text="x"))
    fake.behaviors[f"POST /v23.0/{PAGE_ID}/feed"] = [
        {"status": 403, "json": {"error": {"message": "(#32) Page request limit reached", "code": 32}}},
        500,
        "timeout",
    ]
    kinds = []
    for _ in range(3):
        with pytest.raises(Exception) as err:
            await adapter.publish(creds, page, PublishRequest(text="limited"))
        kinds.append(err.value.kind)
    assert kinds == [ErrorKind.RATE_LIMITED, ErrorKind.TRANSIENT, ErrorKind.UNKNOWN_OUTCOME]
    assert not adapter.can_refresh(creds)


async def test_instagram_container_then_publish(env, fake: FacebookFake):
    adapter = InstagramAdapter(client=client())
    adapter.container_poll_seconds = 0
    fake.container_polls = 2
    creds = Credentials(access_token=fake.page_token())
    ig = AccountRef(external_id=IG_ID)
    with pytest.raises(PermanentError, match="needs an image or video"):
        await adapter.publish(creds, ig, PublishRequest(text="no media"))
    local_only = MediaFile(path="/nope.jpg", mime_type="image/jpeg", kind="image", size_bytes=1)
    with pytest.raises(PermanentError, match="public address"):
        await adapter.publish(creds, ig, PublishRequest(text="x", media=[local_only]))
    image = MediaFile(
        path="/m/a.jpg", mime_type="image/jpeg", kind="image", size_bytes=1, public_url="https://cdn.example/a.jpg"
    )
    result = await adapter.publish(creds, ig, PublishRequest(text="Croissants #bakery", media=[image]))
    container = fake.requests_to("POST", f"/v23.0/{IG_ID}/media")[-1].form
    assert container == {"image_url": "https://cdn.example/a.jpg", "caption": "Croissants #bakery"}
    status_polls = [r for r in fake.recorded if r.method == "GET" and r.query.get("fields") == ["status_code,status"]]
    assert len(status_polls) == 3
    publish = fake.requests_to("POST", f"/v23.0/{IG_ID}/media_publish")[-1].form
    assert set(publish) == {"creation_id"}
    assert result.url.startswith("https://www.instagram.com/p/")
    metrics = await adapter.fetch_post_metrics(creds, ig, result.external_id)
    assert (metrics.likes, metrics.replies, metrics.impressions) == (31, 5, None)
    with pytest.raises(PermanentError, match="does not allow deleting"):
        await adapter.delete(creds, ig, result.external_id)
