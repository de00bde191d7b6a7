"""Discord channels through a channel webhook: the webhook URL is the whole credential.

Why webhooks and not a bot: a webhook needs no OAuth app, no gateway connection and no server
admin beyond "Integrations → Webhooks → Copy URL", which is what a social media manager needs to
post announcements. The price: webhooks cannot read anything back, so there are no metrics and no
lookup after a lost answer (a timeout after sending → "needs review", never a blind retry).

The URL holds the webhook's token: it is stored Fernet-encrypted with the other credentials,
never shown again, and redacted from httpx's request logs (services.platforms.url_secrets).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx

from services.platforms import url_secrets
from services.platforms.base import (
    AccountMetrics,
    AccountRef,
    Constraints,
    Credentials,
    DiscoveredAccount,
    MediaRules,
    PostMetrics,
    Profile,
    PublishRequest,
    PublishResult,
)
from services.platforms.errors import (
    AuthError,
    PermanentError,
    PlatformError,
    RateLimitedError,
    TransientError,
    parse_retry_at,
)
from services.platforms.http_adapter import HttpPlatformAdapter, filename_of, read_media_bytes
from services.platforms.registry import register

url_secrets.install()

MAX_CONTENT = 2000
MAX_FILES = 10
DISCORD_HOSTS = ("discord.com", "discordapp.com", "ptb.discord.com", "canary.discord.com")
_PATH = re.compile(r"^/api(?:/v\d+)?/webhooks/(\d{5,25})/([A-Za-z0-9_.-]{20,200})/?$")
#: Unknown Webhook / Invalid Webhook Token: the webhook was deleted or reset in Discord
GONE_CODES = (10015, 50027)


def normalize_webhook_url(raw: str, *, test_base: str = "") -> tuple[str, str]:
    """A Discord channel webhook URL → (canonical URL, webhook id); a plain-words error otherwise.

    `test_base` (SOCIALHUB_DISCORD_API_BASE) lets an operator point at a fake or a proxy; only there
    is plain http accepted.
    """
    value = (raw or "").strip()
    if not value:
        raise PermanentError("Paste the channel's webhook URL (Discord → channel settings → Integrations → Webhooks).")
    parts = urlsplit(value)
    base = urlsplit(test_base) if test_base else None
    from_base = bool(base and parts.scheme == base.scheme and parts.netloc.lower() == base.netloc.lower())
    host_ok = parts.scheme == "https" and (parts.hostname or "").lower() in DISCORD_HOSTS and parts.port is None
    match = _PATH.match(parts.path)
    if not (host_ok or from_base) or not match or parts.query or parts.fragment:
        raise PermanentError(
            "That is not a Discord webhook URL. It looks like https://discord.com/api/webhooks/1234…/abcd… "
            "(Discord → channel settings → Integrations → Webhooks → Copy Webhook URL)."
        )
    origin = f"{parts.scheme}://{parts.netloc.lower()}"
    return f"{origin}/api/webhooks/{match.group(1)}/{match.group(2)}", match.group(1)


@register
class DiscordAdapter(HttpPlatformAdapter):
    name = "discord"
    label = "Discord"
    auth_kind = "app_password"  # a secret pasted into a form, not an OAuth redirect
    constraints = Constraints(
        max_chars=MAX_CONTENT,
        counting="chars",
        media=MediaRules(
            image_types=("image/jpeg", "image/png", "image/webp", "image/gif"),
            video_types=("video/mp4", "video/webm", "video/quicktime"),
            max_images=MAX_FILES,
            max_videos=MAX_FILES,
            image_max_bytes=10 * 1000 * 1000,  # the upload limit of a server without boosts
            video_max_bytes=10 * 1000 * 1000,
            mix_images_and_video=True,
        ),
    )
    metrics_note = "Discord doesn't report metrics for webhook posts."

    def config_help(self) -> str:
        return (
            "In Discord open the channel's settings → Integrations → Webhooks, create one, copy its URL "
            "and paste it here. " + self.metrics_note
        )

    @property
    def test_base(self) -> str:
        return self.settings.platform("SOCIALHUB_DISCORD_API_BASE", "").rstrip("/")

    def validate(self, text: str, media: list) -> list[str]:  # noqa: ANN001 - same signature as the base
        problems = super().validate(text, media)
        if len(media) > MAX_FILES:
            problems.append(f"{self.label} allows at most {MAX_FILES} attachments")
        return problems

    # --- errors ----------------------------------------------------------------------
    def _message(self, resp: httpx.Response) -> str:
        try:
            data = resp.json()
        except ValueError:
            return f"HTTP {resp.status_code}"
        return str((data or {}).get("message") or f"HTTP {resp.status_code}")[:300] if isinstance(data, dict) else ""

    def _classify(self, resp: httpx.Response, message: str) -> PlatformError:
        code = resp.status_code
        try:
            data = resp.json()
        except ValueError:
            data = {}
        data = data if isinstance(data, dict) else {}
        if code == 429:
            retry_at = None
            try:
                retry_at = datetime.now(UTC) + timedelta(seconds=float(data["retry_after"]))
            except (KeyError, TypeError, ValueError):
                reset_after = resp.headers.get("x-ratelimit-reset-after")
                if reset_after:
                    retry_at = datetime.now(UTC) + timedelta(seconds=float(reset_after))
                else:
                    retry_at = parse_retry_at(resp.headers)
            return RateLimitedError(message, status_code=code, retry_at=retry_at)
        if code in (401, 403) or data.get("code") in GONE_CODES:
            return AuthError(
                f"{self.label}: the webhook was deleted or its URL reset in Discord; connect the channel again",
                status_code=code,
            )
        if code >= 500:
            return TransientError(message, status_code=code)
        return PermanentError(message, status_code=code)

    @staticmethod
    def _url(creds: Credentials) -> str:
        return creds.access_token

    # --- auth ------------------------------------------------------------------------
    def authorization_url(self, *, redirect_uri: str, state: str, code_verifier: str) -> str:
        raise PermanentError("Discord connects with a channel webhook URL, not a sign-in page")

    async def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str) -> Credentials:
        raise PermanentError("Discord connects with a channel webhook URL, not a sign-in page")

    def can_refresh(self, creds: Credentials) -> bool:
        return False

    async def refresh(self, creds: Credentials) -> Credentials:
        raise AuthError("The Discord webhook stopped working; connect the channel again with a new webhook URL")

    async def verify(self, webhook_url: str) -> Credentials:
        """GET the webhook (it answers with its name, channel and server) and build the credentials."""
        from services.security.net_guard import check_url

        url, webhook_id = normalize_webhook_url(webhook_url, test_base=self.test_base)
        refused = check_url(url)
        if refused:
            raise PermanentError(refused)
        try:
            data = await self._json("GET", url)
        except AuthError:
            raise AuthError("Discord doesn't know this webhook (deleted, or the URL was copied incompletely).") from None
        if str(data.get("id")) != webhook_id or not data.get("channel_id"):
            raise PermanentError("That URL did not answer like a Discord channel webhook.")
        return Credentials(
            access_token=url,
            extra={
                "webhook_id": webhook_id,
                "webhook_name": str(data.get("name") or "Webhook"),
                "channel_id": str(data.get("channel_id") or ""),
                "guild_id": str(data.get("guild_id") or ""),
            },
        )

    async def discover_accounts(self, creds: Credentials) -> list[DiscoveredAccount]:
        extra = creds.extra
        profile = Profile(
            external_id=str(extra["webhook_id"]),
            display_name=str(extra.get("webhook_name") or "Discord webhook"),
            username=f"channel {extra.get('channel_id', '')}",
            profile_url=_channel_url(extra),
        )
        return [DiscoveredAccount(profile=profile, credentials=creds)]

    # --- content ---------------------------------------------------------------------
    async def publish(self, creds: Credentials, account: AccountRef, request: PublishRequest) -> PublishResult:
        self.refuse_reply(request)
        problems = self.validate(request.text, request.media)
        if problems:
            raise PermanentError("; ".join(problems))
        # Never ping @everyone/@here or roles by accident: mentions in scheduled text stay plain text.
        payload: dict[str, Any] = {"content": request.text, "allowed_mentions": {"parse": []}}
        url = f"{self._url(creds)}?wait=true"
        if not request.media:
            data = await self._json("POST", url, json=payload, creates=True)
        else:
            payload["attachments"] = [
                {"id": i, "filename": filename_of(m), **({"description": m.alt_text[:1024]} if m.alt_text else {})}
                for i, m in enumerate(request.media)
            ]
            files: list[tuple[str, Any]] = [("payload_json", (None, json.dumps(payload), "application/json"))]
            for i, media in enumerate(request.media):
                files.append((f"files[{i}]", (filename_of(media), read_media_bytes(media), media.mime_type)))
            data = await self._json("POST", url, files=files, creates=True)
        message_id = str(data["id"])
        return PublishResult(
            external_id=message_id,
            url=_channel_url(creds.extra, message_id),
            published_at=_parse_time(data.get("timestamp")),
        )

    async def delete(self, creds: Credentials, account: AccountRef, external_id: str) -> None:
        await self._send("DELETE", f"{self._url(creds)}/messages/{external_id}")

    # --- analytics -------------------------------------------------------------------
    async def fetch_post_metrics(self, creds: Credentials, account: AccountRef, external_id: str) -> PostMetrics:
        return PostMetrics()  # webhooks can't read reactions or views: everything "not reported"

    async def fetch_account_metrics(self, creds: Credentials, account: AccountRef) -> AccountMetrics:
        return AccountMetrics()


def _channel_url(extra: dict[str, Any], message_id: str = "") -> str:
    guild, channel = extra.get("guild_id"), extra.get("channel_id")
    if not guild or not channel:
        return ""
    return f"https://discord.com/channels/{guild}/{channel}" + (f"/{message_id}" if message_id else "")


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
