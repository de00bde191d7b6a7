"""X (Twitter) API v2: OAuth 2.0 Authorization Code + PKCE as a confidential client.

X rotates refresh tokens on every refresh (the old one dies), which is why services.accounts
serializes refreshes per account. Media goes through the v2 upload endpoints; a post is
`POST /2/tweets` with `media.media_ids` and `reply.in_reply_to_tweet_id` for thread replies.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import httpx
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
from services.platforms.errors import AuthError, PermanentError, PlatformError, error_from_response
from services.platforms.http_adapter import (
    HttpPlatformAdapter,
    credentials_from_token_response,
    filename_of,
    read_media_bytes,
)
from services.platforms.registry import register
from services.platforms.text_counting import same_post_text

SCOPES = "tweet.read tweet.write users.read media.write offline.access"
CHUNK_BYTES = 4 * 1024 * 1024


@register
class XAdapter(HttpPlatformAdapter):
    name = "x"
    label = "X"
    supports_replies = True  # reply_to_id becomes reply.in_reply_to_tweet_id
    constraints = Constraints(
        max_chars=280,
        counting="x_weighted",
        url_weight=23,
        media=MediaRules(video_max_bytes=512 * 1024 * 1024, image_max_bytes=5 * 1024 * 1024),
    )
    can_lookup_recent_posts = True
    required_env = ("SOCIALHUB_X_CLIENT_ID", "SOCIALHUB_X_CLIENT_SECRET")
    #: seconds between media processing checks (tests set 0)
    processing_poll_seconds: float = 2.0

    @property
    def api(self) -> str:
        return self.settings.platform("SOCIALHUB_X_API_BASE", "https://api.x.com").rstrip("/")

    def _client_auth(self) -> httpx.BasicAuth:
        return httpx.BasicAuth(
            self.settings.platform("SOCIALHUB_X_CLIENT_ID"), self.settings.platform("SOCIALHUB_X_CLIENT_SECRET")
        )

    def _classify(self, resp: httpx.Response, message: str) -> PlatformError:
        # The token endpoint answers 400 invalid_grant for a dead refresh token: that is auth.
        if resp.status_code == 400 and resp.url.path.endswith("/oauth2/token"):
            return AuthError(message, status_code=400)
        return error_from_response(resp, message)

    # --- auth ------------------------------------------------------------------------
    def authorization_url(self, *, redirect_uri: str, state: str, code_verifier: str) -> str:
        self.require_configured()
        base = self.settings.platform("SOCIALHUB_X_AUTHORIZE_URL", "https://x.com/i/oauth2/authorize")
        return add_params_to_uri(
            base,
            [
                ("response_type", "code"),
                ("client_id", self.settings.platform("SOCIALHUB_X_CLIENT_ID")),
                ("redirect_uri", redirect_uri),
                ("scope", SCOPES),
                ("state", state),
                ("code_challenge", create_s256_code_challenge(code_verifier)),
                ("code_challenge_method", "S256"),
            ],
        )

    async def _token(self, form: dict[str, str], previous: Credentials | None = None) -> Credentials:
        form = {**form, "client_id": self.settings.platform("SOCIALHUB_X_CLIENT_ID")}
        data = await self._json("POST", f"{self.api}/2/oauth2/token", data=form, auth=self._client_auth())
        return credentials_from_token_response(data, previous)

    async def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str) -> Credentials:
        self.require_configured()
        return await self._token(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": code_verifier,
            }
        )

    async def refresh(self, creds: Credentials) -> Credentials:
        if not creds.refresh_token:
            raise AuthError("X: no refresh token stored; reconnect the account")
        return await self._token({"grant_type": "refresh_token", "refresh_token": creds.refresh_token}, creds)

    async def revoke(self, creds: Credentials) -> None:
        for token, hint in ((creds.refresh_token, "refresh_token"), (creds.access_token, "access_token")):
            if token:
                await self._send(
                    "POST",
                    f"{self.api}/2/oauth2/revoke",
                    data={
                        "token": token,
                        "token_type_hint": hint,
                        "client_id": self.settings.platform("SOCIALHUB_X_CLIENT_ID"),
                    },
                    auth=self._client_auth(),
                )

    async def discover_accounts(self, creds: Credentials) -> list[DiscoveredAccount]:
        data = await self._json(
            "GET",
            f"{self.api}/2/users/me",
            params={"user.fields": "profile_image_url,public_metrics"},
            token=creds.access_token,
        )
        user = data.get("data") or {}
        if not user.get("id"):
            raise PermanentError("X: the profile answer had no user id")
        profile = Profile(
            external_id=str(user["id"]),
            display_name=user.get("name") or user.get("username", ""),
            username=user.get("username", ""),
            avatar_url=user.get("profile_image_url", ""),
            profile_url=f"https://x.com/{user.get('username', '')}",
            followers=(user.get("public_metrics") or {}).get("followers_count"),
        )
        return [DiscoveredAccount(profile=profile, credentials=creds)]

    # --- content ---------------------------------------------------------------------
    async def _upload_image(self, creds: Credentials, media: MediaFile) -> str:
        data = await self._json(
            "POST",
            f"{self.api}/2/media/upload",
            token=creds.access_token,
            data={"media_category": "tweet_gif" if media.mime_type == "image/gif" else "tweet_image"},
            files={"media": (filename_of(media), read_media_bytes(media), media.mime_type)},
        )
        return str(data["data"]["id"])

    async def _upload_video(self, creds: Credentials, media: MediaFile) -> str:
        content = read_media_bytes(media)
        init = await self._json(
            "POST",
            f"{self.api}/2/media/upload/initialize",
            token=creds.access_token,
            json={"media_type": media.mime_type, "total_bytes": len(content), "media_category": "tweet_video"},
        )
        media_id = str(init["data"]["id"])
        for index, start in enumerate(range(0, len(content), CHUNK_BYTES)):
            await self._send(
                "POST",
                f"{self.api}/2/media/upload/{media_id}/append",
                token=creds.access_token,
                data={"segment_index": str(index)},
                files={"media": (filename_of(media), content[start : start + CHUNK_BYTES], "application/octet-stream")},
            )
        final = await self._json("POST", f"{self.api}/2/media/upload/{media_id}/finalize", token=creds.access_token)
        info = (final.get("data") or {}).get("processing_info")
        for _ in range(60):
            state = (info or {}).get("state", "succeeded")
            if state == "succeeded":
                return media_id
            if state == "failed":
                raise PermanentError(f"X could not process the video: {(info.get('error') or {}).get('message', '')}")
            await asyncio.sleep(self.processing_poll_seconds)
            status = await self._json(
                "GET",
                f"{self.api}/2/media/upload",
                token=creds.access_token,
                params={"command": "STATUS", "media_id": media_id},
            )
            info = (status.get("data") or {}).get("processing_info")
        raise PermanentError("X is still processing the video; try again later")

    async def publish(self, creds: Credentials, account: AccountRef, request: PublishRequest) -> PublishResult:
        media_ids = [
            await (self._upload_video if m.kind == "video" else self._upload_image)(creds, m) for m in request.media
        ]
        body: dict = {"text": request.text}
        if media_ids:
            body["media"] = {"media_ids": media_ids}
        if request.reply_to_id:
            body["reply"] = {"in_reply_to_tweet_id": request.reply_to_id}
        data = await self._json("POST", f"{self.api}/2/tweets", token=creds.access_token, json=body, creates=True)
        tweet_id = str((data.get("data") or {}).get("id") or "")
        if not tweet_id:
            raise PermanentError(f"X: {data.get('detail') or 'the post was not created'}")
        return PublishResult(
            external_id=tweet_id, url=self._post_url(account, tweet_id), published_at=datetime.now(UTC)
        )

    def _post_url(self, account: AccountRef, tweet_id: str) -> str:
        return f"https://x.com/{account.username or 'i/web'}/status/{tweet_id}"

    async def delete(self, creds: Credentials, account: AccountRef, external_id: str) -> None:
        await self._send("DELETE", f"{self.api}/2/tweets/{external_id}", token=creds.access_token)

    async def find_recent_post(
        self, creds: Credentials, account: AccountRef, request: PublishRequest, since: datetime
    ) -> PublishResult | None:
        data = await self._json(
            "GET",
            f"{self.api}/2/users/{account.external_id}/tweets",
            token=creds.access_token,
            params={
                "max_results": "20",
                "start_time": since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "tweet.fields": "created_at",
            },
        )
        for tweet in data.get("data") or []:
            if same_post_text(tweet.get("text", ""), request.text):
                return PublishResult(external_id=str(tweet["id"]), url=self._post_url(account, str(tweet["id"])))
        return None

    # --- analytics -------------------------------------------------------------------
    async def fetch_post_metrics(self, creds: Credentials, account: AccountRef, external_id: str) -> PostMetrics:
        data = await self._json(
            "GET",
            f"{self.api}/2/tweets",
            token=creds.access_token,
            params={"ids": external_id, "tweet.fields": "public_metrics"},
        )
        tweets = data.get("data") or []
        if not tweets:
            detail = ((data.get("errors") or [{}])[0]).get("detail", "post not found")
            raise PermanentError(f"X: {detail}")
        m = tweets[0].get("public_metrics") or {}
        return PostMetrics(
            likes=m.get("like_count"),
            reposts=m.get("retweet_count"),
            replies=m.get("reply_count"),
            impressions=m.get("impression_count"),
        )

    async def fetch_account_metrics(self, creds: Credentials, account: AccountRef) -> AccountMetrics:
        data = await self._json(
            "GET",
            f"{self.api}/2/users/{account.external_id}",
            token=creds.access_token,
            params={"user.fields": "public_metrics"},
        )
        return AccountMetrics(followers=((data.get("data") or {}).get("public_metrics") or {}).get("followers_count"))
