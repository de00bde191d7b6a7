"""The Bluesky adapter against the real server software: PLC + PDS + AppView from @atproto/dev-env.

One network per test run (tests/realservers/atproto_network.py, ~10 s to start); alice posts,
bob likes, reposts, replies, quotes and follows. What only a fake can do (429 storms, 500s,
dropped answers) stays in test_platform_bluesky.py.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from PIL import Image
from sqlalchemy import func, select

from services.accounts.connections import connect_bluesky
from services.db import session_scope
from services.models import SocialAccount
from services.platforms.base import AccountRef, Credentials, MediaFile, PublishRequest
from services.platforms.bluesky import BlueskyAdapter
from services.platforms.errors import AuthError, PermanentError
from services.platforms.text_counting import validate_post
from tests.fakes.oauth_support import configure_env
from tests.realservers.atproto_network import AtprotoNetwork, NetworkAccount
from tests.seeding import seed_workspace

FAMILY = "👨‍👩‍👧‍👦"  # one grapheme, 25 bytes


@pytest.fixture
def adapter(atproto_network: AtprotoNetwork, monkeypatch, tmp_path) -> BlueskyAdapter:
    configure_env(monkeypatch, {"SOCIALHUB_BLUESKY_PDS": atproto_network.pds}, tmp_path)
    return BlueskyAdapter(client=httpx.AsyncClient(timeout=httpx.Timeout(20.0)))


async def login(adapter: BlueskyAdapter, who: NetworkAccount) -> tuple[Credentials, AccountRef]:
    creds = await adapter.login_with_app_password(who.handle, who.app_password)
    return creds, AccountRef(external_id=creds.extra["did"], username=who.handle)


async def get_record(adapter: BlueskyAdapter, creds: Credentials, uri: str) -> dict:
    repo, collection, rkey = uri.removeprefix("at://").split("/")
    resp = await adapter.http().get(
        f"{creds.extra['pds']}/xrpc/com.atproto.repo.getRecord",
        params={"repo": repo, "collection": collection, "rkey": rkey},
    )
    resp.raise_for_status()
    return resp.json()


async def create_record(adapter: BlueskyAdapter, creds: Credentials, collection: str, record: dict) -> dict:
    """What another client (bob's phone) does: write straight to the PDS."""
    record = {"$type": collection, "createdAt": datetime.now(UTC).isoformat().replace("+00:00", "Z"), **record}
    resp = await adapter.http().post(
        f"{creds.extra['pds']}/xrpc/com.atproto.repo.createRecord",
        headers={"Authorization": f"Bearer {creds.access_token}"},
        json={"repo": creds.extra["did"], "collection": collection, "record": record},
    )
    resp.raise_for_status()
    return resp.json()


async def test_connect_with_app_password_and_refuse_the_main_password(
    adapter: BlueskyAdapter, atproto_network: AtprotoNetwork
):
    creds, _ = await login(adapter, atproto_network.alice)
    assert creds.extra["did"] == atproto_network.alice.did
    assert creds.extra["pds"].rstrip("/") == atproto_network.pds.rstrip("/")
    assert creds.expires_at and creds.expires_at > datetime.now(UTC)
    [found] = await adapter.discover_accounts(creds)
    assert found.profile.username == "alice.test" and found.profile.display_name == "alice"
    with pytest.raises(PermanentError, match="main Bluesky password.*App passwords"):
        await adapter.login_with_app_password("alice.test", atproto_network.alice.password)
    with pytest.raises(AuthError):
        await adapter.login_with_app_password("alice.test", "wron-gpas-swor-dxxx")


async def test_connecting_with_the_main_password_stores_nothing(db: str, atproto_network: AtprotoNetwork, monkeypatch):
    monkeypatch.setenv("SOCIALHUB_BLUESKY_PDS", atproto_network.pds)
    from services.config import reset_settings

    reset_settings()
    org_id, user_id, _ = seed_workspace(accounts=0)
    with pytest.raises(PermanentError, match="Nothing was saved"):
        await connect_bluesky(org_id, user_id, "alice.test", atproto_network.alice.password)
    with session_scope() as s:
        assert s.execute(select(func.count()).select_from(SocialAccount)).scalar() == 0
    assert await connect_bluesky(org_id, user_id, "alice.test", atproto_network.alice.app_password)


async def test_facets_with_emoji_before_links_mentions_and_hashtags(
    adapter: BlueskyAdapter, atproto_network: AtprotoNetwork
):
    creds, account = await login(adapter, atproto_network.alice)
    text = f"{FAMILY}🎉 Café: see https://example.com/x?y=1, ping @bob.test and @nobody.test #SocialHub"
    posted = await adapter.publish(creds, account, PublishRequest(text=text))
    record = (await get_record(adapter, creds, posted.external_id))["value"]
    raw = record["text"].encode()
    spans = {
        f["features"][0]["$type"].rsplit("#", 1)[1]: (raw[f["index"]["byteStart"] : f["index"]["byteEnd"]], f)
        for f in record["facets"]
    }
    assert spans["link"][0] == b"https://example.com/x?y=1"
    assert spans["mention"][0] == b"@bob.test"
    assert spans["mention"][1]["features"][0]["did"] == atproto_network.bob.did
    assert spans["tag"][0] == b"#SocialHub" and len(record["facets"]) == 3  # @nobody.test stays plain text


async def test_limits_are_300_graphemes_and_3000_bytes(adapter: BlueskyAdapter, atproto_network: AtprotoNetwork):
    creds, account = await login(adapter, atproto_network.alice)
    fits = FAMILY * 110 + "a" * 190  # 300 graphemes, 2,940 bytes
    assert adapter.validate(fits, []) == []
    posted = await adapter.publish(creds, account, PublishRequest(text=fits))
    assert (await get_record(adapter, creds, posted.external_id))["value"]["text"] == fits
    too_many_bytes = FAMILY * 130 + "a" * 170  # 300 graphemes, 3,420 bytes
    too_many_graphemes = "a" * 301
    for text in (too_many_bytes, too_many_graphemes):
        assert validate_post(text, [], adapter.constraints, "Bluesky")  # the composer refuses it first…
        with pytest.raises(PermanentError):  # …and the real PDS agrees it cannot go out
            await adapter.publish(creds, account, PublishRequest(text=text))


async def test_images_carry_alt_text_and_aspect_ratio(
    adapter: BlueskyAdapter, atproto_network: AtprotoNetwork, tmp_path
):
    creds, account = await login(adapter, atproto_network.alice)
    path = tmp_path / "red.png"
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(buf, "PNG")
    path.write_bytes(buf.getvalue())
    media = MediaFile(
        path=str(path), mime_type="image/png", kind="image", size_bytes=path.stat().st_size,
        width=64, height=48, alt_text="a red rectangle",
    )  # fmt: skip
    posted = await adapter.publish(creds, account, PublishRequest(text="with a picture", media=[media]))
    embed = (await get_record(adapter, creds, posted.external_id))["value"]["embed"]
    assert embed["$type"] == "app.bsky.embed.images"
    [image] = embed["images"]
    assert image["alt"] == "a red rectangle" and image["aspectRatio"] == {"width": 64, "height": 48}
    assert image["image"]["mimeType"] == "image/png" and image["image"]["size"] == path.stat().st_size


async def test_token_refresh_rotates_and_a_revoked_session_logs_in_again(
    adapter: BlueskyAdapter, atproto_network: AtprotoNetwork
):
    creds, account = await login(adapter, atproto_network.alice)
    fresh = await adapter.refresh(creds)
    assert fresh.refresh_token != creds.refresh_token and fresh.extra["app_password"]
    await adapter.publish(fresh, account, PublishRequest(text="after a refresh"))
    # the old refresh JWT was rotated away: refreshing with it falls back to the stored app password
    again = await adapter.refresh(creds)
    # deleteSession revokes the refresh JWT (the access JWT is stateless and lives until it expires)
    await adapter.revoke(again)
    dead = await adapter.http().post(
        f"{again.extra['pds']}/xrpc/com.atproto.server.refreshSession",
        headers={"Authorization": f"Bearer {again.refresh_token}"},
    )
    assert dead.status_code in (400, 401)
    relogged = await adapter.refresh(again)
    assert relogged.refresh_token not in (again.refresh_token, fresh.refresh_token)  # a new session
    await adapter.publish(relogged, account, PublishRequest(text="after logging in again"))
    relogged.extra["app_password"] = "wron-gpas-swor-dxxx"  # the app password was revoked in Bluesky
    relogged.refresh_token = ""
    with pytest.raises(AuthError):
        await adapter.refresh(relogged)


async def test_lookup_after_a_lost_answer_finds_the_post_at_once(
    adapter: BlueskyAdapter, atproto_network: AtprotoNetwork
):
    """The PDS's listRecords is current the moment createRecord commits (the AppView is not)."""
    creds, account = await login(adapter, atproto_network.alice)
    for i in range(5):
        since = datetime.now(UTC) - timedelta(seconds=1)
        text = f"lost answer {i} {datetime.now(UTC).timestamp()}"
        made = await create_record(adapter, creds, "app.bsky.feed.post", {"text": text})  # answer "lost"
        found = await adapter.find_recent_post(creds, account, PublishRequest(text=text), since)
        assert found and found.external_id == made["uri"]
    assert await adapter.find_recent_post(creds, account, PublishRequest(text="never posted"), since) is None


async def test_replies_and_metrics_after_likes_reposts_replies_and_quotes(
    adapter: BlueskyAdapter, atproto_network: AtprotoNetwork
):
    alice, alice_account = await login(adapter, atproto_network.alice)
    bob, bob_account = await login(adapter, atproto_network.bob)
    first = await adapter.publish(alice, alice_account, PublishRequest(text="thread 1/3"))
    second = await adapter.publish(alice, alice_account, PublishRequest(text="2/3", reply_to_id=first.external_id))
    third = await adapter.publish(alice, alice_account, PublishRequest(text="3/3", reply_to_id=second.external_id))
    third_reply = (await get_record(adapter, alice, third.external_id))["value"]["reply"]
    assert third_reply["root"]["uri"] == first.external_id and third_reply["parent"]["uri"] == second.external_id

    ref = {"uri": first.external_id, "cid": (await get_record(adapter, alice, first.external_id))["cid"]}
    await create_record(adapter, bob, "app.bsky.feed.like", {"subject": ref})
    await create_record(adapter, bob, "app.bsky.feed.repost", {"subject": ref})
    await create_record(adapter, bob, "app.bsky.graph.follow", {"subject": atproto_network.alice.did})
    await create_record(
        adapter, bob, "app.bsky.feed.post",
        {"text": "quoting alice", "embed": {"$type": "app.bsky.embed.record", "record": ref}},
    )  # fmt: skip
    # bob answers alice's post through SocialHub's own adapter: a reply from another repo
    await adapter.publish(bob, bob_account, PublishRequest(text="nice thread", reply_to_id=first.external_id))
    atproto_network.sync()  # the AppView has indexed everything

    metrics = await adapter.fetch_post_metrics(alice, alice_account, first.external_id)
    # replies: alice's own 2/3 and bob's answer; reposts: bob's repost + his quote
    assert (metrics.likes, metrics.reposts, metrics.replies) == (1, 2, 2)
    assert (await adapter.fetch_account_metrics(alice, alice_account)).followers == 1
