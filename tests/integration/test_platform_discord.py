"""Discord webhook adapter + connect service against the fake: URL checks, JSON/multipart posts, errors."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from services import accounts
from services.db import session_scope
from services.models import SocialAccount
from services.platforms.base import AccountRef, MediaFile, PublishRequest
from services.platforms.discord import DiscordAdapter
from services.platforms.errors import AuthError, ErrorKind, PermanentError, PlatformError
from tests.fakes.discord import CHANNEL_ID, GUILD_ID, WEBHOOK_ID, WEBHOOK_TOKEN, DiscordFake
from tests.fakes.oauth_support import configure_env
from tests.integration.accounts_helpers import make_workspace

REF = AccountRef(external_id=WEBHOOK_ID)


@pytest.fixture(scope="module")
def fake():
    with DiscordFake() as server:
        yield server


@pytest.fixture
def adapter(fake: DiscordFake, monkeypatch, tmp_path):
    fake.reset()
    configure_env(monkeypatch, {"SOCIALHUB_DISCORD_API_BASE": fake.url}, tmp_path)
    return DiscordAdapter(client=httpx.AsyncClient(timeout=httpx.Timeout(5.0, read=0.7)))


def image(tmp_path, name: str) -> MediaFile:
    path = tmp_path / name
    path.write_bytes(b"\x89PNG fake")
    return MediaFile(path=str(path), mime_type="image/png", kind="image", size_bytes=path.stat().st_size, alt_text="A cat")


async def test_verify_reads_the_webhook(adapter: DiscordAdapter, fake: DiscordFake):
    creds = await adapter.verify(fake.webhook_url() + "/")
    assert creds.access_token == fake.webhook_url()
    assert creds.extra == {
        "webhook_id": WEBHOOK_ID,
        "webhook_name": "SocialHub Announcements",
        "channel_id": CHANNEL_ID,
        "guild_id": GUILD_ID,
    }
    [found] = await adapter.discover_accounts(creds)
    assert found.profile.external_id == WEBHOOK_ID and found.profile.display_name == "SocialHub Announcements"
    assert found.profile.profile_url == f"https://discord.com/channels/{GUILD_ID}/{CHANNEL_ID}"


async def test_verify_refuses_unknown_or_reset_webhooks(adapter: DiscordAdapter, fake: DiscordFake):
    with pytest.raises(AuthError, match="doesn't know this webhook"):
        await adapter.verify(fake.webhook_url(webhook_id="100000000000000001"))
    with pytest.raises(AuthError, match="doesn't know this webhook"):
        await adapter.verify(fake.webhook_url(token="resetTokenResetTokenResetToken123"))
    with pytest.raises(PermanentError, match="not a Discord webhook URL"):
        await adapter.verify(f"{fake.url}/api/channels/123")


async def test_publish_json_text_without_pings(adapter: DiscordAdapter, fake: DiscordFake):
    creds = await adapter.verify(fake.webhook_url())
    result = await adapter.publish(creds, REF, PublishRequest(text="Launch day @everyone <b>"))
    post = fake.requests_to("POST", f"/api/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}")[-1]
    assert post.query == {"wait": ["true"]}
    assert post.json == {"content": "Launch day @everyone <b>", "allowed_mentions": {"parse": []}}
    [message] = fake.messages
    assert result.external_id == message["id"]
    assert result.url == f"https://discord.com/channels/{GUILD_ID}/{CHANNEL_ID}/{message['id']}"
    assert result.published_at and result.published_at.tzinfo is not None


async def test_publish_multipart_files(adapter: DiscordAdapter, fake: DiscordFake, tmp_path):
    creds = await adapter.verify(fake.webhook_url())
    files = [image(tmp_path, "a.png"), image(tmp_path, "b.png")]
    await adapter.publish(creds, REF, PublishRequest(text="Two pics", media=files))
    [message] = fake.messages
    assert message["content"] == "Two pics"
    assert [(f["field"], f["filename"]) for f in message["attachments"]] == [("files[0]", "a.png"), ("files[1]", "b.png")]
    await adapter.delete(creds, REF, message["id"])
    assert fake.messages == []


async def test_429_retry_after_float(adapter: DiscordAdapter, fake: DiscordFake):
    creds = await adapter.verify(fake.webhook_url())
    fake.retry_after = 12.5
    fake.behaviors["POST webhook"] = [429]
    before = datetime.now(UTC)
    with pytest.raises(PlatformError) as caught:
        await adapter.publish(creds, REF, PublishRequest(text="hi"))
    assert caught.value.kind == ErrorKind.RATE_LIMITED
    assert 12 <= (caught.value.retry_at - before).total_seconds() <= 14


@pytest.mark.parametrize(("status", "kind"), [(404, ErrorKind.AUTH), (400, ErrorKind.PERMANENT), (500, ErrorKind.TRANSIENT)])
async def test_error_mapping(adapter: DiscordAdapter, fake: DiscordFake, status: int, kind: ErrorKind):
    creds = await adapter.verify(fake.webhook_url())
    fake.behaviors["POST webhook"] = [status]
    with pytest.raises(PlatformError) as caught:
        await adapter.publish(creds, REF, PublishRequest(text="hi"))
    assert caught.value.kind == kind
    assert WEBHOOK_TOKEN not in caught.value.message


async def test_timeout_is_unknown_outcome_and_metrics_are_not_reported(adapter: DiscordAdapter, fake: DiscordFake):
    creds = await adapter.verify(fake.webhook_url())
    fake.behaviors["POST webhook"] = ["timeout"]
    with pytest.raises(PlatformError) as caught:
        await adapter.publish(creds, REF, PublishRequest(text="maybe"))
    assert caught.value.kind == ErrorKind.UNKNOWN_OUTCOME
    assert not adapter.supports_idempotency_key and not adapter.can_lookup_recent_posts
    assert (await adapter.fetch_post_metrics(creds, REF, "1")).likes is None
    assert (await adapter.fetch_account_metrics(creds, REF)).followers is None


async def test_connect_service_stores_url_encrypted(db, fake: DiscordFake, monkeypatch):
    fake.reset()
    configure_env(monkeypatch, {"SOCIALHUB_DISCORD_API_BASE": fake.url})
    org_id, user_id = make_workspace()
    account_id = await accounts.connect_discord(org_id, user_id, fake.webhook_url())
    with session_scope() as session:
        row = session.get(SocialAccount, account_id)
        assert row.platform == "discord" and row.display_name == "SocialHub Announcements"
        assert WEBHOOK_TOKEN not in (row.token_blob or "")
        assert accounts.load_credentials(row).access_token == fake.webhook_url()


async def test_connect_service_refuses_other_hosts(db, monkeypatch):
    """Only discord.com / discordapp.com (or the operator's configured base) are ever contacted."""
    configure_env(monkeypatch, {"SOCIALHUB_DISCORD_API_BASE": ""})
    org_id, user_id = make_workspace("Guarded")
    for url in (
        f"http://10.0.0.5:8080/api/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}",
        f"https://discord.com.evil.example/api/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}",
        f"http://discord.com/api/webhooks/{WEBHOOK_ID}/{WEBHOOK_TOKEN}",
    ):
        with pytest.raises(PermanentError, match="not a Discord webhook URL"):
            await accounts.connect_discord(org_id, user_id, url)
