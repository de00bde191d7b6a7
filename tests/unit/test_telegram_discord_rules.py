"""Telegram and Discord text rules: counting, limits, escaping, chat/token/webhook input checks."""

from __future__ import annotations

import logging

import pytest

from services.platforms.base import MediaFile
from services.platforms.discord import DiscordAdapter, normalize_webhook_url
from services.platforms.errors import PermanentError
from services.platforms.registry import adapter_class, all_adapters
from services.platforms.telegram import (
    TelegramAdapter,
    escape_text,
    message_url,
    normalize_bot_token,
    normalize_chat,
    utf16_length,
)
from services.platforms.url_secrets import RedactUrlSecrets, redact

HOOK = "https://discord.com/api/webhooks/112233445566778899/abcdefghijklmnopqrstuvwxyz_0123456789"


def img(n: int = 1, size: int = 1000, mime: str = "image/png") -> list[MediaFile]:
    return [MediaFile(path=f"/tmp/{i}.png", mime_type=mime, kind="image", size_bytes=size) for i in range(n)]


def test_both_are_registered_with_their_limits():
    assert {"telegram", "discord"} <= set(all_adapters())
    assert adapter_class("telegram").constraints.max_chars == 4096
    assert adapter_class("discord").constraints.max_chars == 2000


def test_telegram_counts_utf16_like_telegram():
    assert utf16_length("hello") == 5
    assert utf16_length("héllo") == 5
    assert utf16_length("🎉") == 2  # outside the BMP: a surrogate pair
    assert TelegramAdapter().count_text("ok 👍") == 5


def test_telegram_text_and_caption_limits():
    adapter = TelegramAdapter()
    assert adapter.validate("x" * 4096, []) == []
    assert adapter.validate("x" * 4097, []) == ["Telegram: 4097/4096 characters (emoji count as 2)"]
    assert adapter.validate("🎉" * 2049, []) == ["Telegram: 4098/4096 characters (emoji count as 2)"]
    assert adapter.validate("x" * 1024, img()) == []
    assert adapter.validate("x" * 1025, img()) == [
        "Telegram: 1025/1024 characters (a caption under photos or videos)"
    ]
    assert adapter.validate("", []) == ["Telegram: the post is empty"]


def test_telegram_album_and_media_rules():
    adapter = TelegramAdapter()
    assert adapter.validate("album", img(10)) == []
    assert "Telegram allows at most 10 images" in adapter.validate("album", img(11))
    assert any("does not accept image/gif" in p for p in adapter.validate("gif", img(1, mime="image/gif")))
    assert any("the limit for images is" in p for p in adapter.validate("big", img(1, size=11_000_000)))


def test_telegram_escaping_keeps_text_literal():
    assert escape_text("<b>5 & 6</b> \"quoted\"") == "&lt;b&gt;5 &amp; 6&lt;/b&gt; \"quoted\""
    assert escape_text("plain") == "plain"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("@my_channel", "@my_channel"),
        ("my_channel", "@my_channel"),
        ("https://t.me/my_channel", "@my_channel"),
        (" -1001234567890 ", "-1001234567890"),
    ],
)
def test_telegram_chat_normalization(raw: str, expected: str):
    assert normalize_chat(raw) == expected


def test_telegram_input_errors_are_plain_words():
    with pytest.raises(PermanentError, match="Enter the channel"):
        normalize_chat("  ")
    with pytest.raises(PermanentError, match="not a Telegram @username"):
        normalize_chat("@a b")
    with pytest.raises(PermanentError, match="Enter the bot token"):
        normalize_bot_token("")
    assert normalize_bot_token(" 123456:ABCDEFGHIJKLMNOPQRSTuvwxyz ") == "123456:ABCDEFGHIJKLMNOPQRSTuvwxyz"


def test_telegram_message_links():
    assert message_url({"chat_username": "news"}, 5) == "https://t.me/news/5"
    assert message_url({"chat_id": "-1001234567890"}, 7) == "https://t.me/c/1234567890/7"
    assert message_url({"chat_id": "-42"}, 7) == ""


def test_discord_webhook_urls():
    assert normalize_webhook_url(HOOK) == (HOOK, "112233445566778899")
    legacy = HOOK.replace("discord.com", "discordapp.com").replace("/api/", "/api/v10/")
    assert normalize_webhook_url(legacy)[0] == HOOK.replace("discord.com", "discordapp.com")
    for bad in (
        "",
        HOOK.replace("https", "http"),
        HOOK.replace("discord.com", "evil.com"),
        HOOK + "?wait=true",
        "https://discord.com/api/channels/1/messages",
        "https://discord.com:8443/api/webhooks/112233445566778899/abcdefghijklmnopqrstuvwxyz",
    ):
        with pytest.raises(PermanentError):
            normalize_webhook_url(bad)
    fake = "http://127.0.0.1:9999/api/webhooks/112233445566778899/abcdefghijklmnopqrstuvwxyz"
    with pytest.raises(PermanentError):
        normalize_webhook_url(fake)
    assert normalize_webhook_url(fake, test_base="http://127.0.0.1:9999")[1] == "112233445566778899"


def test_discord_limits():
    adapter = DiscordAdapter()
    assert adapter.validate("x" * 2000, []) == []
    assert adapter.validate("x" * 2001, []) == ["Discord: 2001/2000 characters"]
    assert adapter.validate("", img(10)) == []
    assert "Discord allows at most 10 images" in adapter.validate("", img(11))


def test_secrets_in_urls_are_redacted_from_logs():
    line = "HTTP Request: POST https://api.telegram.org/bot123456:AAsecretSECRET_x-y/sendMessage 200"
    assert redact(line) == "HTTP Request: POST https://api.telegram.org/bot<redacted>/sendMessage 200"
    assert redact(HOOK + "?wait=true") == "https://discord.com/api/webhooks/112233445566778899/<redacted>?wait=true"
    record = logging.LogRecord("httpx", logging.INFO, "", 0, "HTTP Request: %s %s", ("POST", HOOK), None)
    assert RedactUrlSecrets().filter(record)
    assert "abcdefghijklmnop" not in record.getMessage()


def test_discord_429_falls_back_to_ratelimit_headers():
    import httpx

    from services.platforms.errors import ErrorKind

    resp = httpx.Response(429, json={"message": "You are being rate limited.", "global": True},
                          headers={"X-RateLimit-Reset-After": "3.5", "X-RateLimit-Remaining": "0"})
    err = DiscordAdapter()._classify(resp, "Discord: rate limited")
    assert err.kind == ErrorKind.RATE_LIMITED and err.retry_at is not None
    gone = httpx.Response(404, json={"message": "Unknown Webhook", "code": 10015})
    assert DiscordAdapter()._classify(gone, "x").kind == ErrorKind.AUTH
    missing_message = httpx.Response(404, json={"message": "Unknown Message", "code": 10008})
    assert DiscordAdapter()._classify(missing_message, "x").kind == ErrorKind.PERMANENT


def test_telegram_error_envelope_mapping():
    import httpx

    from services.platforms.errors import ErrorKind

    def kind(status: int, description: str) -> ErrorKind:
        body = {"ok": False, "error_code": status, "description": description}
        return TelegramAdapter()._classify(httpx.Response(status, json=body), description).kind

    assert kind(400, "Bad Request: chat not found") == ErrorKind.AUTH
    assert kind(400, "Bad Request: message is too long") == ErrorKind.PERMANENT
    assert kind(403, "Forbidden: bot was kicked from the channel chat") == ErrorKind.AUTH
    assert kind(401, "Unauthorized") == ErrorKind.AUTH
    assert kind(500, "Internal Server Error") == ErrorKind.TRANSIENT
