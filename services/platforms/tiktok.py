"""TikTok Login Kit v2 + Content Posting API (direct post of a video).

TikTok answers every call with `{"data": ..., "error": {"code": "ok", ...}}`; a non-"ok" code
is a failure even on HTTP 200. Access tokens live 24 hours and refresh tokens a year, so
refresh is routine. A publish returns a `publish_id`; the public video id appears only after
TikTok finishes processing, which we poll for a bounded time.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import httpx
from authlib.common.urls import add_params_to_uri

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
    error_from_response,
    parse_retry_at,
)
from services.platforms.http_adapter import HttpPlatformAdapter, credentials_from_token_response, read_media_bytes
from services.platforms.registry import register
from services.platforms.text_counting import same_post_text

SCOPES = "user.info.basic,user.info.profile,user.info.stats,video.publish,video.list"
_AUTH_CODES = {"access_token_invalid", "scope_not_authorized", "scope_permission_missed", "invalid_grant"}
_RATE_CODES = {"rate_limit_exceeded", "spam_risk_too_many_posts", "spam_risk_user_banned_from_posting"}
SINGLE_CHUNK_MAX = 64 * 1024 * 1024
CHUNK_BYTES = 10 * 1024 * 1024
USER_FIELDS = "open_id,union_id,avatar_url,display_name,username,profile_deep_link,follower_count"


def _error_code(resp: httpx.Response) -> str:
    try:
        body = resp.json()
    except ValueError:
        return ""
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return str(error.get("code") or "")
    return str(error or "")


@register
class TikTokAdapter(HttpPlatformAdapter):
    name = "tiktok"
    label = "TikTok"
    constraints = Constraints(
        max_chars=2200,
        requires_media="video",
        media=MediaRules(
            image_types=(),
            max_images=0,
            video_types=("video/mp4", "video/quicktime", "video/webm"),
            video_max_bytes=4 * 1024 * 1024 * 1024,
        ),
    )
    can_lookup_recent_posts = True
    required_env = ("SOCIALHUB_TIKTOK_CLIENT_ID", "SOCIALHUB_TIKTOK_CLIENT_SECRET")
    status_poll_seconds: float = 3.0
    status_poll_attempts: int = 20

    @property
    def api(self) -> str:
        return self.settings.platform("SOCIALHUB_TIKTOK_API_BASE", "https://open.tiktokapis.com").rstrip("/")

    def _classify(self, resp: httpx.Response, message: str) -> PlatformError:
        code = _error_code(resp)
        if code in _AUTH_CODES or resp.status_code == 401:
            return AuthError(message, status_code=resp.status_code, platform_code=code)
        if code in _RATE_CODES or resp.status_code == 429:
            return RateLimitedError(
                message, status_code=resp.status_code, retry_at=parse_retry_at(resp.headers), platform_code=code
            )
        if code == "internal_error":
            return TransientError(message, status_code=resp.status_code, platform_code=code)
        err = error_from_response(resp, message)
        err.platform_code = code
        return err

    async def _call(self, method: str, path: str, *, creates: bool = False, **kwargs) -> dict:  # noqa: ANN003
        resp = await self._send(method, f"{self.api}{path}", creates=creates, **kwargs)
        body = resp.json()
        code = _error_code(resp)
        if code and code != "ok":
            raise self._classify(resp, f"TikTok: {(body.get('error') or {}).get('message') or code}")
        return body

    # --- auth ------------------------------------------------------------------------
    def authorization_url(self, *, redirect_uri: str, state: str, code_verifier: str) -> str:
        self.require_configured()
        base = self.settings.platform("SOCIALHUB_TIKTOK_AUTHORIZE_URL", "https://www.tiktok.com/v2/auth/authorize/")
        return add_params_to_uri(
            base,
            [
                ("client_key", self.settings.platform("SOCIALHUB_TIKTOK_CLIENT_ID")),
                ("response_type", "code"),
                ("scope", SCOPES),
                ("redirect_uri", redirect_uri),
                ("state", state),
            ],
        )

    def _client_form(self) -> dict[str, str]:
        return {
            "client_key": self.settings.platform("SOCIALHUB_TIKTOK_CLIENT_ID"),
            "client_secret": self.settings.platform("SOCIALHUB_TIKTOK_CLIENT_SECRET"),
        }

    async def _token(self, form: dict[str, str], previous: Credentials | None = None) -> Credentials:
        resp = await self._send("POST", f"{self.api}/v2/oauth/token/", data={**self._client_form(), **form})
        data = resp.json()
        if data.get("error") and not data.get("access_token"):
            # The token endpoint reports bad grants as HTTP 200 with {"error": "invalid_grant", ...}.
            raise AuthError(
                f"TikTok: {data.get('error_description') or data['error']}", platform_code=str(data["error"])
            )
        creds = credentials_from_token_response(data, previous)
        creds.extra["open_id"] = data.get("open_id") or creds.extra.get("open_id", "")
        return creds

    async def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str) -> Credentials:
        self.require_configured()
        return await self._token({"code": code, "grant_type": "authorization_code", "redirect_uri": redirect_uri})

    async def refresh(self, creds: Credentials) -> Credentials:
        if not creds.refresh_token:
            raise AuthError("TikTok: no refresh token stored; reconnect the account")
        return await self._token({"grant_type": "refresh_token", "refresh_token": creds.refresh_token}, creds)

    async def revoke(self, creds: Credentials) -> None:
        await self._send(
            "POST", f"{self.api}/v2/oauth/revoke/", data={**self._client_form(), "token": creds.access_token}
        )

    async def _user(self, creds: Credentials) -> dict:
        body = await self._call("GET", "/v2/user/info/", params={"fields": USER_FIELDS}, token=creds.access_token)
        return (body.get("data") or {}).get("user") or {}

    async def discover_accounts(self, creds: Credentials) -> list[DiscoveredAccount]:
        user = await self._user(creds)
        open_id = user.get("open_id") or creds.extra.get("open_id")
        if not open_id:
            raise PermanentError("TikTok: the profile answer had no open_id")
        profile = Profile(
            external_id=str(open_id),
            display_name=user.get("display_name") or user.get("username", ""),
            username=user.get("username", ""),
            avatar_url=user.get("avatar_url", ""),
            profile_url=user.get("profile_deep_link", ""),
            followers=user.get("follower_count"),
        )
        return [DiscoveredAccount(profile=profile, credentials=creds)]

    # --- content ---------------------------------------------------------------------
    async def _privacy_level(self, creds: Credentials) -> str:
        body = await self._call("POST", "/v2/post/publish/creator_info/query/", token=creds.access_token, json={})
        options = (body.get("data") or {}).get("privacy_level_options") or []
        # Unaudited apps may only post privately (SELF_ONLY); use public whenever TikTok allows it.
        return "PUBLIC_TO_EVERYONE" if "PUBLIC_TO_EVERYONE" in options or not options else options[0]

    def _source_info(self, video: MediaFile) -> dict:
        if video.public_url and self.settings.platform("SOCIALHUB_TIKTOK_PULL_FROM_URL") in ("1", "true", "yes"):
            return {"source": "PULL_FROM_URL", "video_url": video.public_url}
        size = video.size_bytes
        if size <= SINGLE_CHUNK_MAX:
            return {"source": "FILE_UPLOAD", "video_size": size, "chunk_size": size, "total_chunk_count": 1}
        # The last chunk absorbs the remainder (TikTok allows it to be up to 128 MB).
        return {
            "source": "FILE_UPLOAD",
            "video_size": size,
            "chunk_size": CHUNK_BYTES,
            "total_chunk_count": size // CHUNK_BYTES,
        }

    async def _upload_chunks(self, upload_url: str, video: MediaFile, source: dict) -> None:
        content = read_media_bytes(video)
        size, chunk, count = len(content), source["chunk_size"], source["total_chunk_count"]
        for index in range(count):
            start = index * chunk
            end = size if index == count - 1 else start + chunk
            await self._send(
                "PUT",
                upload_url,
                content=content[start:end],
                headers={"Content-Type": video.mime_type, "Content-Range": f"bytes {start}-{end - 1}/{size}"},
            )

    async def publish(self, creds: Credentials, account: AccountRef, request: PublishRequest) -> PublishResult:
        self.refuse_reply(request)
        videos = [m for m in request.media if m.kind == "video"]
        if not videos:
            raise PermanentError("TikTok needs a video")
        video = videos[0]
        source = self._source_info(video)
        body = await self._call(
            "POST",
            "/v2/post/publish/video/init/",
            token=creds.access_token,
            json={
                "post_info": {"title": request.text, "privacy_level": await self._privacy_level(creds)},
                "source_info": source,
            },
            creates=True,
        )
        data = body.get("data") or {}
        publish_id = str(data.get("publish_id") or "")
        if source["source"] == "FILE_UPLOAD":
            await self._upload_chunks(str(data.get("upload_url")), video, source)
        video_id = await self._wait_published(creds, publish_id)
        username = account.username
        url = f"https://www.tiktok.com/@{username}/video/{video_id}" if video_id and username else ""
        return PublishResult(external_id=video_id or publish_id, url=url, published_at=datetime.now(UTC))

    async def _wait_published(self, creds: Credentials, publish_id: str) -> str:
        """The public id, or "" when TikTok is still processing (the publish itself succeeded)."""
        for attempt in range(self.status_poll_attempts):
            try:
                body = await self._call(
                    "POST", "/v2/post/publish/status/fetch/", token=creds.access_token, json={"publish_id": publish_id}
                )
            except PlatformError:
                return ""  # the video was handed over; a failing status check must not trigger a re-post
            data = body.get("data") or {}
            status = data.get("status", "")
            if status == "FAILED":
                raise PermanentError(f"TikTok rejected the video: {data.get('fail_reason') or 'unknown reason'}")
            if status == "PUBLISH_COMPLETE":
                ids = data.get("publicaly_available_post_id") or data.get("publicly_available_post_id") or []
                return str(ids[0]) if ids else ""
            if attempt + 1 < self.status_poll_attempts:
                await asyncio.sleep(self.status_poll_seconds)
        return ""

    async def delete(self, creds: Credentials, account: AccountRef, external_id: str) -> None:
        raise PermanentError("TikTok does not allow deleting videos through its API; delete it in the TikTok app")

    async def find_recent_post(
        self, creds: Credentials, account: AccountRef, request: PublishRequest, since: datetime
    ) -> PublishResult | None:
        body = await self._call(
            "POST",
            "/v2/video/list/",
            params={"fields": "id,title,video_description,create_time,share_url"},
            token=creds.access_token,
            json={"max_count": 20},
        )
        for video in (body.get("data") or {}).get("videos") or []:
            created = datetime.fromtimestamp(int(video.get("create_time") or 0), UTC)
            if created < since:
                continue
            if same_post_text(video.get("video_description") or video.get("title") or "", request.text):
                return PublishResult(external_id=str(video["id"]), url=video.get("share_url", ""), published_at=created)
        return None

    async def fetch_post_metrics(self, creds: Credentials, account: AccountRef, external_id: str) -> PostMetrics:
        body = await self._call(
            "POST",
            "/v2/video/query/",
            params={"fields": "id,like_count,comment_count,share_count,view_count"},
            token=creds.access_token,
            json={"filters": {"video_ids": [external_id]}},
        )
        videos = (body.get("data") or {}).get("videos") or []
        if not videos:
            raise PermanentError("TikTok: video not found (still processing or deleted)")
        v = videos[0]
        return PostMetrics(
            likes=v.get("like_count"),
            replies=v.get("comment_count"),
            reposts=v.get("share_count"),
            impressions=v.get("view_count"),
        )

    async def fetch_account_metrics(self, creds: Credentials, account: AccountRef) -> AccountMetrics:
        return AccountMetrics(followers=(await self._user(creds)).get("follower_count"))
