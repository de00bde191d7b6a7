"""Mastodon, any instance: one OAuth app per instance (registered on first connect), long-lived tokens.

Mastodon honours `Idempotency-Key` on `POST /api/v1/statuses` (for an hour), so a retried
publish can never double-post. Tokens do not expire and there is no refresh: a 401 means the
user revoked access and must reconnect. The app's client id/secret travel inside each account's
encrypted credentials so revoke works without a database lookup.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from urllib.parse import urlsplit

from authlib.common.urls import add_params_to_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge

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
from services.platforms.errors import AuthError, PermanentError
from services.platforms.http_adapter import (
    HttpPlatformAdapter,
    credentials_from_token_response,
    filename_of,
    read_media_bytes,
)
from services.platforms.registry import register
from services.platforms.text_counting import same_post_text

SCOPES = "read write"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def normalize_instance_url(raw: str, *, allow_http: bool = False) -> str:
    """'mastodon.social' → 'https://mastodon.social'. Plain http only for local test servers."""
    value = (raw or "").strip().rstrip("/")
    if not value:
        raise PermanentError("Enter your Mastodon instance, e.g. mastodon.social")
    if "://" not in value:
        value = "https://" + value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        raise PermanentError(f"'{raw}' is not a Mastodon instance address (expected e.g. mastodon.social)")
    if parts.scheme == "http" and parts.hostname not in LOCAL_HOSTS and not allow_http:
        raise PermanentError("Mastodon instances must use https://")
    return f"{parts.scheme}://{parts.netloc}".lower()



CW_PREFIXES = ("cw:", "content warning:")


def split_content_warning(text: str) -> tuple[str, str]:
    """A first line "CW: topic" becomes Mastodon's content warning (spoiler_text); the rest is the post.

    Why a text convention: one text goes to several networks; Mastodon people write "CW: …" by hand,
    and the composer's Mastodon preview shows exactly this split.
    """
    first, _sep, rest = (text or "").partition("\n")
    lowered = first.strip().lower()
    for prefix in CW_PREFIXES:
        if lowered.startswith(prefix) and rest.strip():
            return first.strip()[len(prefix):].strip(), rest.lstrip("\n")
    return "", text



@register
class MastodonAdapter(HttpPlatformAdapter):
    name = "mastodon"
    label = "Mastodon"
    supports_replies = True  # reply_to_id becomes in_reply_to_id
    constraints = Constraints(
        max_chars=500,
        counting="mastodon",
        url_weight=23,
        media=MediaRules(
            image_max_bytes=16 * 1024 * 1024,
            video_max_bytes=99 * 1024 * 1024,
            video_types=("video/mp4", "video/webm", "video/quicktime"),
        ),
    )
    supports_idempotency_key = True
    can_lookup_recent_posts = True
    media_poll_seconds: float = 1.0

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.client_id = ""
        self.client_secret = ""

    def use_app(self, client_id: str, client_secret: str) -> MastodonAdapter:
        """Mastodon has no global client: the caller hands in the app registered on this instance."""
        self.client_id, self.client_secret = client_id, client_secret
        return self

    def allow_http(self) -> bool:
        return self.settings.platform("SOCIALHUB_MASTODON_ALLOW_HTTP") in ("1", "true", "yes")

    @property
    def base(self) -> str:
        if not self.instance_url:
            raise PermanentError("Mastodon: no instance chosen")
        return normalize_instance_url(self.instance_url, allow_http=self.allow_http())

    def config_help(self) -> str:
        return "Mastodon works with any instance: enter its address when connecting."

    # --- auth ------------------------------------------------------------------------
    async def register_app(self, redirect_uri: str) -> tuple[str, str]:
        data = await self._json(
            "POST",
            f"{self.base}/api/v1/apps",
            data={
                "client_name": "SocialHub",
                "redirect_uris": redirect_uri,
                "scopes": SCOPES,
                "website": self.settings.base_url,
            },
        )
        if not data.get("client_id") or not data.get("client_secret"):
            raise PermanentError("Mastodon: the instance did not return app credentials")
        return str(data["client_id"]), str(data["client_secret"])

    def authorization_url(self, *, redirect_uri: str, state: str, code_verifier: str) -> str:
        return add_params_to_uri(
            f"{self.base}/oauth/authorize",
            [
                ("response_type", "code"),
                ("client_id", self.client_id),
                ("redirect_uri", redirect_uri),
                ("scope", SCOPES),
                ("state", state),
                ("code_challenge", create_s256_code_challenge(code_verifier)),
                ("code_challenge_method", "S256"),
            ],
        )

    async def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str) -> Credentials:
        data = await self._json(
            "POST",
            f"{self.base}/oauth/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "redirect_uri": redirect_uri,
                "scope": SCOPES,
                "code_verifier": code_verifier,
            },
        )
        creds = credentials_from_token_response(data)
        creds.extra.update({"client_id": self.client_id, "client_secret": self.client_secret})
        return creds

    def can_refresh(self, creds: Credentials) -> bool:
        return False

    async def refresh(self, creds: Credentials) -> Credentials:
        raise AuthError("Mastodon access was revoked or is invalid; reconnect the account")

    async def revoke(self, creds: Credentials) -> None:
        await self._send(
            "POST",
            f"{self.base}/oauth/revoke",
            data={
                "client_id": creds.extra.get("client_id", self.client_id),
                "client_secret": creds.extra.get("client_secret", self.client_secret),
                "token": creds.access_token,
            },
        )

    async def _me(self, creds: Credentials) -> dict:
        return await self._json("GET", f"{self.base}/api/v1/accounts/verify_credentials", token=creds.access_token)

    async def discover_accounts(self, creds: Credentials) -> list[DiscoveredAccount]:
        me = await self._me(creds)
        host = urlsplit(self.base).netloc
        acct = me.get("acct") or me.get("username", "")
        profile = Profile(
            external_id=str(me["id"]),
            display_name=me.get("display_name") or me.get("username", ""),
            username=acct if "@" in acct else f"{acct}@{host}",
            avatar_url=me.get("avatar", ""),
            profile_url=me.get("url", ""),
            followers=me.get("followers_count"),
        )
        return [DiscoveredAccount(profile=profile, credentials=creds)]

    # --- content ---------------------------------------------------------------------
    async def _upload(self, creds: Credentials, media: MediaFile) -> str:
        resp = await self._send(
            "POST",
            f"{self.base}/api/v2/media",
            token=creds.access_token,
            data={"description": media.alt_text} if media.alt_text else {},
            files={"file": (filename_of(media), read_media_bytes(media), media.mime_type)},
        )
        data = resp.json()
        media_id = str(data["id"])
        # 202 = still processing; attaching it now fails with 422, so wait until it has a URL.
        for _ in range(60):
            if resp.status_code == 200 and data.get("url"):
                return media_id
            await asyncio.sleep(self.media_poll_seconds)
            resp = await self._send("GET", f"{self.base}/api/v1/media/{media_id}", token=creds.access_token)
            data = resp.json()
        raise PermanentError("Mastodon is still processing the media; try again later")

    async def publish(self, creds: Credentials, account: AccountRef, request: PublishRequest) -> PublishResult:
        media_ids = [await self._upload(creds, m) for m in request.media]
        warning, text = split_content_warning(request.text)
        body: dict = {"status": text, "visibility": "public"}
        if warning:
            body["spoiler_text"] = warning  # the post opens collapsed behind this line, as the preview shows
        if media_ids:
            body["media_ids"] = media_ids
        if request.reply_to_id:
            body["in_reply_to_id"] = request.reply_to_id
        headers = {"Idempotency-Key": request.idempotency_key} if request.idempotency_key else {}
        data = await self._json(
            "POST", f"{self.base}/api/v1/statuses", token=creds.access_token, json=body, headers=headers, creates=True
        )
        return PublishResult(
            external_id=str(data["id"]), url=data.get("url") or "", published_at=_parse_time(data.get("created_at"))
        )

    async def delete(self, creds: Credentials, account: AccountRef, external_id: str) -> None:
        await self._send("DELETE", f"{self.base}/api/v1/statuses/{external_id}", token=creds.access_token)

    async def find_recent_post(
        self, creds: Credentials, account: AccountRef, request: PublishRequest, since: datetime
    ) -> PublishResult | None:
        statuses = await self._json(
            "GET",
            f"{self.base}/api/v1/accounts/{account.external_id}/statuses",
            token=creds.access_token,
            params={"limit": "40"},
        )
        for status in statuses or []:
            created = _parse_time(status.get("created_at"))
            if created and created < since:
                continue
            if same_post_text(status.get("content", ""), split_content_warning(request.text)[1]):
                return PublishResult(external_id=str(status["id"]), url=status.get("url") or "", published_at=created)
        return None

    # --- analytics -------------------------------------------------------------------
    async def fetch_post_metrics(self, creds: Credentials, account: AccountRef, external_id: str) -> PostMetrics:
        data = await self._json("GET", f"{self.base}/api/v1/statuses/{external_id}", token=creds.access_token)
        return PostMetrics(
            likes=data.get("favourites_count"), reposts=data.get("reblogs_count"), replies=data.get("replies_count")
        )

    async def fetch_account_metrics(self, creds: Credentials, account: AccountRef) -> AccountMetrics:
        me = await self._me(creds)
        return AccountMetrics(followers=me.get("followers_count"))


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
