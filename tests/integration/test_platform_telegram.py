"""Telegram adapter + connect service against the fake Bot API: verify, publish kinds, errors, metrics."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from services import accounts
from services.db import session_scope
from services.models import SocialAccount
from services.platforms.base import AccountRef, MediaFile, PublishRequest
from services.platforms.errors import AuthError, ErrorKind, PermanentError, PlatformError
from services.platforms.telegram import TelegramAdapter
from tests.fakes.oauth_support import configure_env
from tests.fakes.telegram import BOT_TOKEN, CHANNEL, CHANNEL_ID, NOT_ADMIN_CHANNEL, TelegramFake
from tests.integration.accounts_helpers import make_workspace


@pytest.fixture(scope="module")
def fake():
    with TelegramFake() as server:
        yield server


@pytest.fixture
def adapter(fake: TelegramFake, monkeypatch, tmp_path):
    fake.reset()
    configure_env(monkeypatch, {"SOCIALHUB_TELEGRAM_API_BASE": fake.url}, tmp_path)
    return TelegramAdapter(client=httpx.AsyncClient(timeout=httpx.Timeout(5.0, read=0.7)))


REF = AccountRef(external_id=str(CHANNEL_ID), username=CHANNEL)


def media(tmp_path, name: str, kind: str = "image") -> MediaFile:
    path = tmp_path / name
    path.write_bytes(b"\x89PNG fake image bytes" if kind == "image" else b"\x00\x00\x00\x18ftypmp42 fake video")
    mime = "image/png" if kind == "image" else "video/mp4"
    return MediaFile(path=str(path), mime_type=mime, kind=kind, size_bytes=path.stat().st_size)


async def test_verify_ok_reads_chat_and_member_count(adapter: TelegramAdapter, fake: TelegramFake):
    creds = await adapter.verify(BOT_TOKEN, "https://t.me/socialhub_news", silent=True)
    assert creds.access_token == BOT_TOKEN
    assert creds.extra["chat_id"] == str(CHANNEL_ID) and creds.extra["silent"] is True
    assert [m for m, _ in fake.calls] == ["getMe", "getChat", "getChatMember"]
    assert fake.calls[1][1]["chat_id"] == CHANNEL
    [found] = await adapter.discover_accounts(creds)
    assert found.profile.display_name == "SocialHub News"
    assert found.profile.username == CHANNEL and found.profile.followers == 1234
    assert found.profile.profile_url == "https://t.me/socialhub_news"
    # the token travels in the path (Bot API design) but never in an error message
    assert all(BOT_TOKEN in r.path for r in fake.recorded)


async def test_verify_refuses_bad_token_missing_chat_and_non_admin(adapter: TelegramAdapter):
    with pytest.raises(AuthError, match="rejected the bot token") as bad:
        await adapter.verify("987654321:AAThisTokenIsWellFormedButUnknown_x", CHANNEL)
    assert "AAThisToken" not in str(bad.value)
    with pytest.raises(PermanentError, match="can't find the chat @nobody_here"):
        await adapter.verify(BOT_TOKEN, "@nobody_here")
    with pytest.raises(PermanentError, match="not an administrator of Not Admin Here that can post"):
        await adapter.verify(BOT_TOKEN, NOT_ADMIN_CHANNEL)
    with pytest.raises(PermanentError, match="doesn't look like a Telegram bot token"):
        await adapter.verify("hello", CHANNEL)


async def test_publish_text_is_html_escaped_and_linked(adapter: TelegramAdapter, fake: TelegramFake):
    creds = await adapter.verify(BOT_TOKEN, CHANNEL)
    result = await adapter.publish(creds, REF, PublishRequest(text="1 < 2 & <b>not bold</b>"))
    [message] = fake.messages
    assert message["text"] == "1 &lt; 2 &amp; &lt;b&gt;not bold&lt;/b&gt;"
    assert message["parse_mode"] == "HTML" and message["silent"] is False
    assert result.external_id == str(message["message_id"])
    assert result.url == f"https://t.me/socialhub_news/{message['message_id']}"
    assert result.published_at and result.published_at.tzinfo == UTC


async def test_publish_silent_photo_video_and_album(adapter: TelegramAdapter, fake: TelegramFake, tmp_path):
    creds = await adapter.verify(BOT_TOKEN, CHANNEL, silent=True)
    await adapter.publish(creds, REF, PublishRequest(text="Photo <1>", media=[media(tmp_path, "a.png")]))
    photo = fake.messages[-1]
    assert photo["silent"] is True and photo["caption"] == "Photo &lt;1&gt;"
    assert photo["photo"][0]["content_type"] == "image/png" and photo["photo"][0]["size"] > 0

    await adapter.publish(creds, REF, PublishRequest(text="Clip", media=[media(tmp_path, "v.mp4", "video")]))
    assert fake.calls[-1][0] == "sendVideo" and fake.messages[-1]["video"][0]["filename"] == "v.mp4"

    album = [media(tmp_path, "1.png"), media(tmp_path, "2.png"), media(tmp_path, "3.mp4", "video")]
    result = await adapter.publish(creds, REF, PublishRequest(text="Album & more", media=album))
    sent = fake.messages[-3:]
    assert fake.calls[-1][0] == "sendMediaGroup"
    assert [("photo" in m, "video" in m) for m in sent] == [(True, False), (True, False), (False, True)]
    assert sent[0]["caption"] == "Album &amp; more" and sent[1]["caption"] == ""
    assert all(m["silent"] for m in sent) and len({m["media_group_id"] for m in sent}) == 1
    assert result.external_id == ",".join(str(m["message_id"]) for m in sent)

    await adapter.delete(creds, REF, result.external_id)
    assert not any(m.get("media_group_id") for m in fake.messages)


async def test_caption_limit_is_refused_before_sending(adapter: TelegramAdapter, fake: TelegramFake, tmp_path):
    creds = await adapter.verify(BOT_TOKEN, CHANNEL)
    fake.calls.clear()
    with pytest.raises(PermanentError, match="1025/1024"):
        await adapter.publish(creds, REF, PublishRequest(text="x" * 1025, media=[media(tmp_path, "a.png")]))
    assert fake.calls == []


async def test_429_uses_retry_after(adapter: TelegramAdapter, fake: TelegramFake):
    creds = await adapter.verify(BOT_TOKEN, CHANNEL)
    fake.retry_after = 42
    fake.behaviors["sendMessage"] = [429]
    before = datetime.now(UTC)
    with pytest.raises(PlatformError) as caught:
        await adapter.publish(creds, REF, PublishRequest(text="hi"))
    assert caught.value.kind == ErrorKind.RATE_LIMITED
    waited = (caught.value.retry_at - before).total_seconds()
    assert 41 <= waited <= 44
    assert "retry after 42" in caught.value.message


@pytest.mark.parametrize(
    ("status", "kind"),
    [(401, ErrorKind.AUTH), (403, ErrorKind.AUTH), (400, ErrorKind.AUTH), (502, ErrorKind.TRANSIENT)],
)
async def test_error_mapping(adapter: TelegramAdapter, fake: TelegramFake, status: int, kind: ErrorKind):
    creds = await adapter.verify(BOT_TOKEN, CHANNEL)
    fake.behaviors["sendMessage"] = [status]
    with pytest.raises(PlatformError) as caught:
        await adapter.publish(creds, REF, PublishRequest(text="hi"))
    assert caught.value.kind == kind
    assert BOT_TOKEN not in caught.value.message


async def test_timeout_after_sending_is_unknown_outcome(adapter: TelegramAdapter, fake: TelegramFake):
    creds = await adapter.verify(BOT_TOKEN, CHANNEL)
    fake.behaviors["sendMessage"] = ["timeout"]
    with pytest.raises(PlatformError) as caught:
        await adapter.publish(creds, REF, PublishRequest(text="maybe posted"))
    assert caught.value.kind == ErrorKind.UNKNOWN_OUTCOME
    # no idempotency key and no history lookup: the engine must send it to review, not retry
    assert not adapter.supports_idempotency_key and not adapter.can_lookup_recent_posts


async def test_metrics(adapter: TelegramAdapter):
    creds = await adapter.verify(BOT_TOKEN, CHANNEL)
    assert (await adapter.fetch_account_metrics(creds, REF)).followers == 1234
    post = await adapter.fetch_post_metrics(creds, REF, "1")
    assert post.likes is None and post.impressions is None and post.reposts is None


async def test_connect_service_stores_token_encrypted(db, fake: TelegramFake, monkeypatch):
    fake.reset()
    configure_env(monkeypatch, {"SOCIALHUB_TELEGRAM_API_BASE": fake.url, "SOCIALHUB_ALLOW_PRIVATE_HOSTS": "127.0.0.1"})
    org_id, user_id = make_workspace()
    with pytest.raises(PermanentError, match="not an administrator"):
        await accounts.connect_telegram(org_id, user_id, BOT_TOKEN, NOT_ADMIN_CHANNEL)
    account_id = await accounts.connect_telegram(org_id, user_id, BOT_TOKEN, CHANNEL, silent=True)
    with session_scope() as session:
        row = session.get(SocialAccount, account_id)
        assert row.platform == "telegram" and row.display_name == "SocialHub News"
        assert BOT_TOKEN not in (row.token_blob or "")
        creds = accounts.load_credentials(row)
    assert creds.access_token == BOT_TOKEN and creds.extra["silent"] is True
    # reconnecting the same channel revives the same row
    assert await accounts.connect_telegram(org_id, user_id, BOT_TOKEN, str(CHANNEL_ID)) == account_id
    rows = accounts.list_accounts(org_id)
    assert [r["platform"] for r in rows] == ["telegram"]


@pytest.mark.parametrize(("role", "may"), [("contributor", False), ("admin", True), ("viewer", False)])
async def test_only_connecting_roles_reach_telegram_or_discord(db, fake: TelegramFake, monkeypatch, role, may):
    """The state handlers go through services.guarded: a role without accounts.connect sends nothing."""
    from sqlmodel import select

    from services import auth, guarded
    from services.models import Membership
    from services.permissions import PermissionDenied, allowed

    fake.reset()
    configure_env(monkeypatch, {"SOCIALHUB_TELEGRAM_API_BASE": fake.url})
    email = f"{role}-tg@example.com"
    uid = auth.register_user(email, role.title(), "correct horse battery")
    with session_scope() as s:
        s.exec(select(Membership).where(Membership.user_id == uid)).one().role = role
    user = auth.resolve_session(auth.login(email, "correct horse battery"))
    assert allowed(role, "accounts.connect") is may
    if may:
        assert await guarded.connect_telegram(user, BOT_TOKEN, CHANNEL)
        return
    with pytest.raises(PermissionDenied):
        await guarded.connect_telegram(user, BOT_TOKEN, CHANNEL)
    with pytest.raises(PermissionDenied):
        await guarded.connect_discord(user, "https://discord.com/api/webhooks/1234567/abcdefghijklmnopqrstuvwxyz")
    assert fake.recorded == []
