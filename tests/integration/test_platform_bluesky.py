"""Bluesky adapter against a fake PDS: app-password sessions, facets (UTF-8 byte offsets), blobs."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from services.platforms.base import AccountRef, MediaFile, PublishRequest
from services.platforms.bluesky import BlueskyAdapter
from services.platforms.errors import AuthError, ErrorKind, PermanentError
from tests.fakes.bluesky import DID, BlueskyFake
from tests.fakes.oauth_support import STALL_SECONDS, configure_env


@pytest.fixture(scope="module")
def fake():
    with BlueskyFake() as server:
        yield server


@pytest.fixture
def adapter(fake: BlueskyFake, monkeypatch, tmp_path):
    fake.recorded.clear()
    fake.behaviors.clear()
    fake.records.clear()
    configure_env(monkeypatch, {"SOCIALHUB_BLUESKY_PDS": fake.url}, tmp_path)
    return BlueskyAdapter(client=httpx.AsyncClient(timeout=httpx.Timeout(5.0, read=0.7)))


def account() -> AccountRef:
    return AccountRef(external_id=DID, username="alice.test")


async def test_login_with_app_password(adapter: BlueskyAdapter, fake: BlueskyFake):
    creds = await adapter.login_with_app_password("@alice.test", fake.app_password)
    assert fake.requests_to("POST", "/xrpc/com.atproto.server.createSession")[-1].json == {
        "identifier": "alice.test",
        "password": fake.app_password,
    }
    assert creds.extra["did"] == DID and creds.extra["pds"] == fake.url
    assert creds.expires_at and timedelta(minutes=110) < creds.expires_at - datetime.now(UTC) < timedelta(minutes=121)
    [found] = await adapter.discover_accounts(creds)
    assert (found.profile.username, found.profile.followers) == ("alice.test", 87)
    with pytest.raises(AuthError, match="Invalid identifier or password"):
        await adapter.login_with_app_password("alice.test", "wrong-pass-word-xxxx")


async def test_facets_use_utf8_byte_offsets(adapter: BlueskyAdapter, fake: BlueskyFake):
    creds = await adapter.login_with_app_password("alice.test", fake.app_password)
    text = "Café 🎉 see https://example.com/x?y=1, ping @bob.test and @nobody.test #SocialHub"
    facets = await adapter.build_facets(creds, text)
    raw = text.encode()
    by_type = {f["features"][0]["$type"].rsplit("#", 1)[1]: f for f in facets}
    assert set(by_type) == {"link", "mention", "tag"}  # @nobody.test does not resolve: plain text
    link = by_type["link"]
    assert raw[link["index"]["byteStart"] : link["index"]["byteEnd"]] == b"https://example.com/x?y=1"
    assert link["index"]["byteStart"] == len("Café 🎉 see ".encode()) != len("Café 🎉 see ")
    mention = by_type["mention"]
    assert raw[mention["index"]["byteStart"] : mention["index"]["byteEnd"]] == b"@bob.test"
    assert mention["features"][0]["did"] == "did:plc:bob0000000000000000000"
    tag = by_type["tag"]
    assert raw[tag["index"]["byteStart"] : tag["index"]["byteEnd"]] == b"#SocialHub"
    assert tag["features"][0]["tag"] == "SocialHub"


async def test_publish_with_image_builds_record(adapter: BlueskyAdapter, fake: BlueskyFake, tmp_path):
    creds = await adapter.login_with_app_password("alice.test", fake.app_password)
    image = tmp_path / "pic.jpg"
    image.write_bytes(b"\xff\xd8\xff fake jpeg")
    media = MediaFile(
        path=str(image), mime_type="image/jpeg", kind="image", size_bytes=12, width=800, height=600, alt_text="a pic"
    )
    result = await adapter.publish(creds, account(), PublishRequest(text="Hi https://example.com", media=[media]))
    upload = fake.requests_to("POST", "/xrpc/com.atproto.repo.uploadBlob")[-1]
    assert upload.headers["content-type"] == "image/jpeg" and upload.body == image.read_bytes()
    create = fake.requests_to("POST", "/xrpc/com.atproto.repo.createRecord")[-1].json
    assert create["repo"] == DID and create["collection"] == "app.bsky.feed.post"
    record = create["record"]
    assert record["$type"] == "app.bsky.feed.post" and record["text"] == "Hi https://example.com"
    assert record["createdAt"].endswith("Z")
    assert record["embed"]["$type"] == "app.bsky.embed.images"
    assert record["embed"]["images"][0]["alt"] == "a pic"
    assert record["embed"]["images"][0]["aspectRatio"] == {"width": 800, "height": 600}
    assert record["facets"][0]["index"] == {"byteStart": 3, "byteEnd": 22}
    assert result.external_id.startswith(f"at://{DID}/app.bsky.feed.post/")
    assert result.url == f"https://bsky.app/profile/alice.test/post/{result.external_id.rsplit('/', 1)[1]}"


async def test_refresh_rotates_then_falls_back_to_app_password(adapter: BlueskyAdapter, fake: BlueskyFake):
    creds = await adapter.login_with_app_password("alice.test", fake.app_password)
    fresh = await adapter.refresh(creds)
    assert fresh.refresh_token != creds.refresh_token and fresh.extra["app_password"] == fake.app_password
    refresh_req = fake.requests_to("POST", "/xrpc/com.atproto.server.refreshSession")[-1]
    assert refresh_req.headers["authorization"] == f"Bearer {creds.refresh_token}"
    # The old refresh JWT is dead now: the adapter logs in again with the stored app password.
    again = await adapter.refresh(creds)
    assert again.access_token in fake.access
    assert len(fake.requests_to("POST", "/xrpc/com.atproto.server.createSession")) == 2
    creds.extra.pop("app_password")
    creds.extra.pop("identifier")
    with pytest.raises(AuthError):
        await adapter.refresh(creds)


async def test_expired_token_is_auth_and_rate_limit_reads_reset(adapter: BlueskyAdapter, fake: BlueskyFake):
    creds = await adapter.login_with_app_password("alice.test", fake.app_password)
    fake.expired.add(creds.access_token)
    with pytest.raises(AuthError, match="Token has expired"):
        await adapter.publish(creds, account(), PublishRequest(text="x"))
    fake.expired.clear()
    fake.behaviors["POST /xrpc/com.atproto.repo.createRecord"] = [429, 400, 502, "timeout"]
    with pytest.raises(Exception) as err:
        await adapter.publish(creds, account(), PublishRequest(text="x"))
    assert err.value.kind == ErrorKind.RATE_LIMITED
    assert timedelta(minutes=9) < err.value.retry_at - datetime.now(UTC) < timedelta(minutes=11)
    with pytest.raises(PermanentError, match="longer than 300 graphemes"):
        await adapter.publish(creds, account(), PublishRequest(text="x"))
    with pytest.raises(Exception) as err:
        await adapter.publish(creds, account(), PublishRequest(text="x"))
    assert err.value.kind == ErrorKind.TRANSIENT
    with pytest.raises(Exception) as err:
        await adapter.publish(creds, account(), PublishRequest(text="x"))
    assert err.value.kind == ErrorKind.UNKNOWN_OUTCOME


async def test_metrics_find_recent_delete(adapter: BlueskyAdapter, fake: BlueskyFake):
    creds = await adapter.login_with_app_password("alice.test", fake.app_password)
    since = datetime.now(UTC) - timedelta(minutes=1)
    posted = await adapter.publish(creds, account(), PublishRequest(text="metrics please"))
    metrics = await adapter.fetch_post_metrics(creds, account(), posted.external_id)
    assert (metrics.likes, metrics.reposts, metrics.replies) == (40, 6, 2)
    assert fake.recorded[-1].query == {"uris": [posted.external_id]}
    assert (await adapter.fetch_account_metrics(creds, account())).followers == 87
    found = await adapter.find_recent_post(creds, account(), PublishRequest(text="metrics please"), since)
    assert found and found.external_id == posted.external_id
    await adapter.delete(creds, account(), posted.external_id)
    delete = fake.requests_to("POST", "/xrpc/com.atproto.repo.deleteRecord")[-1].json
    assert delete == {"repo": DID, "collection": "app.bsky.feed.post", "rkey": posted.external_id.rsplit("/", 1)[1]}
    with pytest.raises(PermanentError, match="not found"):
        await adapter.fetch_post_metrics(creds, account(), posted.external_id)


async def test_main_password_is_refused_and_its_session_closed(adapter: BlueskyAdapter, fake: BlueskyFake):
    with pytest.raises(PermanentError, match="main Bluesky password.*App passwords.*Nothing was saved"):
        await adapter.login_with_app_password("alice.test", fake.main_password)
    # the full-access session it made is ended at once, not left behind
    assert len(fake.deleted_sessions) == 1 and fake.deleted_sessions[0] not in fake.refresh


async def test_a_stored_main_password_session_needs_reconnecting(adapter: BlueskyAdapter, fake: BlueskyFake):
    """Accounts connected before the check: their next refresh asks for a reconnect instead."""
    creds = await adapter.login_with_app_password("alice.test", fake.app_password)
    creds.extra["app_password"] = fake.main_password
    creds.refresh_token = "revoked"
    with pytest.raises(AuthError, match="connected with its main password.*reconnect it with an app password"):
        await adapter.refresh(creds)


async def test_reply_carries_root_and_parent(adapter: BlueskyAdapter, fake: BlueskyFake):
    creds = await adapter.login_with_app_password("alice.test", fake.app_password)
    first = await adapter.publish(creds, account(), PublishRequest(text="thread 1/3"))
    second = await adapter.publish(creds, account(), PublishRequest(text="2/3", reply_to_id=first.external_id))
    await adapter.publish(creds, account(), PublishRequest(text="3/3", reply_to_id=second.external_id))
    creates = [r.json["record"] for r in fake.requests_to("POST", "/xrpc/com.atproto.repo.createRecord")]
    root = {"uri": first.external_id, "cid": fake.records[first.external_id]["cid"]}
    middle = {"uri": second.external_id, "cid": fake.records[second.external_id]["cid"]}
    assert "reply" not in creates[0]
    assert creates[1]["reply"] == {"root": root, "parent": root}
    assert creates[2]["reply"] == {"root": root, "parent": middle}
    with pytest.raises(PermanentError, match="not an at:// post URI"):
        await adapter.publish(creds, account(), PublishRequest(text="x", reply_to_id="12345"))
    gone = first.external_id.rsplit("/", 1)[0] + "/3lnothere"
    with pytest.raises(PermanentError, match="Could not locate record"):
        await adapter.publish(creds, account(), PublishRequest(text="x", reply_to_id=gone))
    assert len(fake.requests_to("POST", "/xrpc/com.atproto.repo.createRecord")) == 3  # nothing else went out


async def test_lookup_reads_the_pds_records_not_the_appview_feed(adapter: BlueskyAdapter, fake: BlueskyFake):
    creds = await adapter.login_with_app_password("alice.test", fake.app_password)
    since = datetime.now(UTC) - timedelta(seconds=5)
    old = await adapter.publish(creds, account(), PublishRequest(text="same words"))
    fake.records[old.external_id]["record"]["createdAt"] = "2020-01-01T00:00:00.000Z"  # before the window
    for i in range(60):  # more than one page of newer posts
        await adapter.publish(creds, account(), PublishRequest(text=f"filler {i}"))
    fake.behaviors["POST /xrpc/com.atproto.repo.createRecord"] = ["timeout"]  # posts, answers too late
    with pytest.raises(Exception) as err:
        await adapter.publish(creds, account(), PublishRequest(text="same words"))
    assert err.value.kind == ErrorKind.UNKNOWN_OUTCOME
    await asyncio.sleep(STALL_SECONDS)
    [lost] = [u for u, r in fake.records.items() if r["record"]["text"] == "same words" and u != old.external_id]
    found = await adapter.find_recent_post(creds, account(), PublishRequest(text="same words"), since)
    assert found and found.external_id == lost
    reads = fake.requests_to("GET", "/xrpc/com.atproto.repo.listRecords")
    assert reads[0].query["repo"] == [DID] and reads[0].query["collection"] == ["app.bsky.feed.post"]
    assert not fake.requests_to("GET", "/xrpc/app.bsky.feed.getAuthorFeed")
    # a reply with the same words to another post is not the one we are looking for
    as_reply = PublishRequest(text="same words", reply_to_id=old.external_id)
    assert await adapter.find_recent_post(creds, account(), as_reply, since) is None
    # outside the window: only the old one has these words
    fake.records.pop(lost)
    assert await adapter.find_recent_post(creds, account(), PublishRequest(text="same words"), since) is None
