"""Telegram channels and groups through a bot (Bot API): a bot token plus the chat it posts to.

There is no OAuth: the user creates a bot with @BotFather, makes it an administrator of the channel
(or group) and gives us the token and the chat. Connecting checks all of that (getMe, getChat,
getChatMember) so a post never fails later for a reason we could have named on day one.

Why no retry after a lost answer: the Bot API has no idempotency key and a bot cannot read a
channel's history, so a timeout after sending leaves the post "needs review" (UNKNOWN_OUTCOME and
`can_lookup_recent_posts = False`), exactly like the other non-idempotent adapters.

Text goes out with parse_mode HTML and our text html-escaped, so `<`, `&` or `*` in a post are
shown literally instead of being parsed as markup. Limits are the Bot API's: 4,096 characters
for a message, 1,024 for a media caption, counted in UTF-16 code units like Telegram does.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from services.platforms import url_secrets
from services.platforms.base import (
    AccountMetrics,
    AccountRef,
    Constraints,
    Credentials,
    DiscoveredAccount,
    MediaFile,
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
    UnknownOutcomeError,
)
from services.platforms.http_adapter import HttpPlatformAdapter, filename_of, read_media_bytes
from services.platforms.registry import register

url_secrets.install()

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_ALBUM = 10
TOKEN_RE = re.compile(r"^[0-9]{3,}:[A-Za-z0-9_-]{20,}$")
USERNAME_RE = re.compile(r"^@[A-Za-z][A-Za-z0-9_]{3,31}$")
ADMIN_STATUSES = ("administrator", "creator")


def utf16_length(text: str) -> int:
    """Telegram counts message length in UTF-16 code units: most emoji count as 2."""
    return len(text.encode("utf-16-le")) // 2


def escape_text(text: str) -> str:
    """Our text is plain text: escape it so parse_mode=HTML shows `<b>` or `&` literally."""
    return html.escape(text, quote=False)


def normalize_bot_token(raw: str) -> str:
    token = (raw or "").strip()
    if not token:
        raise PermanentError("Enter the bot token that @BotFather gave you (it looks like 123456789:AAE…).")
    if not TOKEN_RE.match(token):
        raise PermanentError("That doesn't look like a Telegram bot token (expected digits, a colon, then letters).")
    return token


def normalize_chat(raw: str) -> str:
    """'@channel', 'channel', 't.me/channel' → '@channel'; numeric ids (-100…) stay as they are."""
    value = (raw or "").strip()
    for prefix in ("https://t.me/", "http://t.me/", "t.me/", "https://telegram.me/"):
        if value.lower().startswith(prefix):
            value = "@" + value[len(prefix) :].strip("/")
    if not value:
        raise PermanentError("Enter the channel or group: its @username or its numeric chat id.")
    if value.lstrip("-").isdigit():
        return value
    if not value.startswith("@"):
        value = "@" + value
    if not USERNAME_RE.match(value):
        raise PermanentError(f"'{raw.strip()}' is not a Telegram @username or numeric chat id.")
    return value


def message_url(chat: dict[str, Any] | Credentials, message_id: int | str) -> str:
    """Public link for channels with a username; t.me/c/… (members only) for private supergroups."""
    data = chat.extra if isinstance(chat, Credentials) else chat
    username = str(data.get("chat_username") or data.get("username") or "")
    if username:
        return f"https://t.me/{username.lstrip('@')}/{message_id}"
    chat_id = str(data.get("chat_id") or data.get("id") or "")
    if chat_id.startswith("-100"):
        return f"https://t.me/c/{chat_id[4:]}/{message_id}"
    return ""


@register
class TelegramAdapter(HttpPlatformAdapter):
    name = "telegram"
    label = "Telegram"
    auth_kind = "app_password"  # a secret typed into a form, not an OAuth redirect
    constraints = Constraints(
        max_chars=MAX_TEXT,
        counting="chars",
        media=MediaRules(
            image_types=("image/jpeg", "image/png", "image/webp"),
            video_types=("video/mp4",),
            max_images=MAX_ALBUM,
            max_videos=MAX_ALBUM,
            image_max_bytes=10 * 1000 * 1000,  # sendPhoto: 10 MB
            video_max_bytes=50 * 1000 * 1000,  # bots upload at most 50 MB
            mix_images_and_video=True,  # an album may mix photos and videos
        ),
    )
    metrics_note = "Telegram's Bot API does not report views of channel posts: post metrics are not reported."

    @property
    def base(self) -> str:
        return self.settings.platform("SOCIALHUB_TELEGRAM_API_BASE", "https://api.telegram.org").rstrip("/")

    def config_help(self) -> str:
        return (
            "Create a bot with @BotFather, add it as an administrator of your channel or group with "
            "permission to post, then enter the bot token and the channel's @username or chat id. "
            + self.metrics_note
        )

    # --- text rules ------------------------------------------------------------------
    def count_text(self, text: str) -> int:
        return utf16_length(text)

    def validate(self, text: str, media: list[MediaFile]) -> list[str]:
        from services.platforms.text_counting import validate_post

        # The generic check counts code points; Telegram's limits are checked here in UTF-16.
        problems = validate_post(text, media, replace(self.constraints, max_chars=10**9), self.label)
        length = utf16_length(text)
        if media and length > MAX_CAPTION:
            problems.append(f"{self.label}: {length}/{MAX_CAPTION} characters (a caption under photos or videos)")
        elif length > MAX_TEXT:
            problems.append(f"{self.label}: {length}/{MAX_TEXT} characters (emoji count as 2)")
        return problems

    # --- errors ----------------------------------------------------------------------
    def _message(self, resp: httpx.Response) -> str:
        try:
            data = resp.json()
        except ValueError:
            return f"HTTP {resp.status_code}"
        return str((data or {}).get("description") or f"HTTP {resp.status_code}")[:300]

    def _classify(self, resp: httpx.Response, message: str) -> PlatformError:
        code = resp.status_code
        try:
            data = resp.json() or {}
        except ValueError:
            data = {}
        code = int(data.get("error_code") or code)
        description = str(data.get("description") or "").lower()
        if code == 429:
            retry = (data.get("parameters") or {}).get("retry_after")
            try:
                retry_at = datetime.now(UTC) + timedelta(seconds=float(retry))
            except (TypeError, ValueError):
                retry_at = None
            return RateLimitedError(message, status_code=code, retry_at=retry_at)
        if code == 401:
            return AuthError(f"{self.label}: the bot token was rejected (revoked or wrong)", status_code=code)
        if code == 403 or (code == 400 and "chat not found" in description):
            return AuthError(message, status_code=code)
        if code >= 500:
            return TransientError(message, status_code=code)
        return PermanentError(message, status_code=code)

    async def call(self, token: str, method: str, *, creates: bool = False, **kwargs: Any) -> Any:
        """One Bot API call; returns `result` or raises from the taxonomy."""
        resp = await self._send("POST", f"{self.base}/bot{token}/{method}", creates=creates, **kwargs)
        try:
            data = resp.json()
        except ValueError:
            if creates:
                raise UnknownOutcomeError(
                    f"{self.label}: unexpected non-JSON answer", status_code=resp.status_code
                ) from None
            raise PermanentError(f"{self.label}: unexpected non-JSON answer", status_code=resp.status_code) from None
        if not isinstance(data, dict) or not data.get("ok"):
            raise self._classify(resp, f"{self.label}: {self._message(resp)}")
        return data.get("result")

    # --- auth ------------------------------------------------------------------------
    def authorization_url(self, *, redirect_uri: str, state: str, code_verifier: str) -> str:
        raise PermanentError("Telegram connects with a bot token, not a sign-in page")

    async def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str) -> Credentials:
        raise PermanentError("Telegram connects with a bot token, not a sign-in page")

    def can_refresh(self, creds: Credentials) -> bool:
        return False

    async def refresh(self, creds: Credentials) -> Credentials:
        raise AuthError("The Telegram bot token stopped working; connect the channel again with a valid token")

    async def verify(self, bot_token: str, chat: str, *, silent: bool = False) -> Credentials:
        """Check the token, the chat, and that the bot may post there; the credentials to store."""
        token, chat_ref = normalize_bot_token(bot_token), normalize_chat(chat)
        try:
            me = await self.call(token, "getMe")
        except AuthError:
            raise AuthError("Telegram rejected the bot token. Copy it again from @BotFather.") from None
        try:
            info = await self.call(token, "getChat", json={"chat_id": chat_ref})
        except (AuthError, PermanentError):
            raise PermanentError(
                f"Telegram can't find the chat {chat_ref} for this bot. Check the @username or id, "
                "and add the bot to the channel or group first."
            ) from None
        title = info.get("title") or info.get("username") or chat_ref
        member = await self.call(token, "getChatMember", json={"chat_id": info["id"], "user_id": me["id"]})
        status = member.get("status")
        can_post = status == "creator" or (
            status == "administrator" and (info.get("type") != "channel" or member.get("can_post_messages", False))
        )
        if not can_post:
            raise PermanentError(
                f"The bot @{me.get('username', '')} is not an administrator of {title} that can post messages. "
                "In Telegram, open the channel → Administrators → add the bot with “Post messages”, then connect again."
            )
        return Credentials(
            access_token=token,
            extra={
                "chat_id": str(info["id"]),
                "chat_type": str(info.get("type") or ""),
                "chat_title": str(title),
                "chat_username": str(info.get("username") or ""),
                "bot_id": str(me["id"]),
                "bot_username": str(me.get("username") or ""),
                "silent": bool(silent),
            },
        )

    async def discover_accounts(self, creds: Credentials) -> list[DiscoveredAccount]:
        extra = creds.extra
        followers = await self._member_count(creds)
        username = extra.get("chat_username") or ""
        profile = Profile(
            external_id=str(extra["chat_id"]),
            display_name=str(extra.get("chat_title") or username or extra["chat_id"]),
            username=f"@{username}" if username else "",
            profile_url=f"https://t.me/{username}" if username else "",
            followers=followers,
        )
        return [DiscoveredAccount(profile=profile, credentials=creds)]

    async def _member_count(self, creds: Credentials) -> int | None:
        count = await self.call(creds.access_token, "getChatMemberCount", json={"chat_id": creds.extra["chat_id"]})
        return int(count) if isinstance(count, int) else None

    # --- content ---------------------------------------------------------------------
    def _common(self, creds: Credentials) -> dict[str, Any]:
        body: dict[str, Any] = {"chat_id": creds.extra["chat_id"], "parse_mode": "HTML"}
        if creds.extra.get("silent"):
            body["disable_notification"] = True
        return body

    async def publish(self, creds: Credentials, account: AccountRef, request: PublishRequest) -> PublishResult:
        self.refuse_reply(request)
        problems = self.validate(request.text, request.media)
        if problems:
            raise PermanentError("; ".join(problems))
        text, media = escape_text(request.text), request.media
        body = self._common(creds)
        if not media:
            result = await self.call(creds.access_token, "sendMessage", creates=True, json={**body, "text": text})
            messages = [result]
        elif len(media) == 1:
            item = media[0]
            field = "photo" if item.kind == "image" else "video"
            form = {k: _form_value(v) for k, v in body.items()}
            if text:
                form["caption"] = text
            files = {field: (filename_of(item), read_media_bytes(item), item.mime_type)}
            method = "sendPhoto" if item.kind == "image" else "sendVideo"
            messages = [await self.call(creds.access_token, method, creates=True, data=form, files=files)]
        else:
            messages = await self._album(creds, body, text, media)
        first = messages[0]
        ids = ",".join(str(m["message_id"]) for m in messages)
        published = datetime.fromtimestamp(int(first["date"]), UTC) if first.get("date") else None
        return PublishResult(external_id=ids, url=message_url(creds, first["message_id"]), published_at=published)

    async def _album(self, creds: Credentials, body: dict, text: str, media: list[MediaFile]) -> list[dict]:
        """sendMediaGroup: 2–10 items uploaded as attach://fileN; the caption rides on the first."""
        items, files = [], []
        for index, item in enumerate(media):
            entry: dict[str, Any] = {"type": "photo" if item.kind == "image" else "video", "media": f"attach://file{index}"}
            if index == 0 and text:
                entry.update(caption=text, parse_mode="HTML")
            items.append(entry)
            files.append((f"file{index}", (filename_of(item), read_media_bytes(item), item.mime_type)))
        form = {k: _form_value(v) for k, v in body.items() if k != "parse_mode"}
        form["media"] = json.dumps(items)
        result = await self.call(creds.access_token, "sendMediaGroup", creates=True, data=form, files=files)
        if not isinstance(result, list) or not result:
            raise UnknownOutcomeError(f"{self.label}: the album was accepted but no messages came back")
        return result

    async def delete(self, creds: Credentials, account: AccountRef, external_id: str) -> None:
        for message_id in [m for m in external_id.split(",") if m]:
            await self.call(
                creds.access_token, "deleteMessage", json={"chat_id": creds.extra["chat_id"], "message_id": int(message_id)}
            )

    # --- analytics -------------------------------------------------------------------
    async def fetch_post_metrics(self, creds: Credentials, account: AccountRef, external_id: str) -> PostMetrics:
        return PostMetrics()  # the Bot API has no views/reactions read-out for channel posts: all "not reported"

    async def fetch_account_metrics(self, creds: Credentials, account: AccountRef) -> AccountMetrics:
        return AccountMetrics(followers=await self._member_count(creds))


def _form_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
