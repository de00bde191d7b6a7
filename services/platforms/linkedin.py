"""LinkedIn member posts via the versioned REST API (`/rest/posts`, `LinkedIn-Version: YYYYMM`).

LinkedIn's 3-legged tokens last 60 days; refresh tokens exist only for approved partner apps,
so most installs show the account as "expiring" and ask for a reconnect in time. `commentary`
is LinkedIn "little text": reserved characters must be backslash-escaped, or LinkedIn silently
truncates the post at the first unescaped parenthesis.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import quote

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
    UnknownOutcomeError,
    error_from_response,
)
from services.platforms.http_adapter import HttpPlatformAdapter, credentials_from_token_response, read_media_bytes
from services.platforms.registry import register

SCOPES = "openid profile w_member_social"
DEFAULT_VERSION = "202505"
_LITTLE_TEXT_RESERVED = re.compile(r"([\\|{}@\[\]()<>#*_~])")


def escape_little_text(text: str) -> str:
    return _LITTLE_TEXT_RESERVED.sub(r"\\\1", text)


@register
class LinkedInAdapter(HttpPlatformAdapter):
    name = "linkedin"
    label = "LinkedIn"
    constraints = Constraints(
        max_chars=3000,
        media=MediaRules(
            image_types=("image/jpeg", "image/png", "image/gif"),
            max_images=20,
            image_max_bytes=36 * 1024 * 1024,
            video_max_bytes=500 * 1024 * 1024,
        ),
    )
    required_env = ("SOCIALHUB_LINKEDIN_CLIENT_ID", "SOCIALHUB_LINKEDIN_CLIENT_SECRET")

    @property
    def api(self) -> str:
        return self.settings.platform("SOCIALHUB_LINKEDIN_API_BASE", "https://api.linkedin.com").rstrip("/")

    @property
    def auth_base(self) -> str:
        return self.settings.platform("SOCIALHUB_LINKEDIN_AUTH_BASE", "https://www.linkedin.com").rstrip("/")

    def _rest_headers(self) -> dict[str, str]:
        return {
            "LinkedIn-Version": self.settings.platform("SOCIALHUB_LINKEDIN_VERSION", DEFAULT_VERSION),
            "X-Restli-Protocol-Version": "2.0.0",
        }

    def _classify(self, resp: httpx.Response, message: str) -> PlatformError:
        if resp.status_code == 400 and resp.url.path.startswith("/oauth/v2/"):
            return AuthError(message, status_code=400)  # invalid_grant / expired refresh token
        return error_from_response(resp, message)

    # --- auth ------------------------------------------------------------------------
    def authorization_url(self, *, redirect_uri: str, state: str, code_verifier: str) -> str:
        self.require_configured()
        return add_params_to_uri(
            f"{self.auth_base}/oauth/v2/authorization",
            [
                ("response_type", "code"),
                ("client_id", self.settings.platform("SOCIALHUB_LINKEDIN_CLIENT_ID")),
                ("redirect_uri", redirect_uri),
                ("state", state),
                ("scope", SCOPES),
            ],
        )

    def _client_form(self) -> dict[str, str]:
        return {
            "client_id": self.settings.platform("SOCIALHUB_LINKEDIN_CLIENT_ID"),
            "client_secret": self.settings.platform("SOCIALHUB_LINKEDIN_CLIENT_SECRET"),
        }

    async def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str) -> Credentials:
        self.require_configured()
        data = await self._json(
            "POST",
            f"{self.auth_base}/oauth/v2/accessToken",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                **self._client_form(),
            },
        )
        return credentials_from_token_response(data)

    async def refresh(self, creds: Credentials) -> Credentials:
        if not creds.refresh_token:
            raise AuthError("LinkedIn tokens last 60 days and this app gets no refresh token; reconnect the account")
        data = await self._json(
            "POST",
            f"{self.auth_base}/oauth/v2/accessToken",
            data={"grant_type": "refresh_token", "refresh_token": creds.refresh_token, **self._client_form()},
        )
        return credentials_from_token_response(data, creds)

    async def revoke(self, creds: Credentials) -> None:
        await self._send(
            "POST", f"{self.auth_base}/oauth/v2/revoke", data={"token": creds.access_token, **self._client_form()}
        )

    async def discover_accounts(self, creds: Credentials) -> list[DiscoveredAccount]:
        info = await self._json("GET", f"{self.api}/v2/userinfo", token=creds.access_token)
        if not info.get("sub"):
            raise PermanentError("LinkedIn: the profile answer had no member id")
        name = info.get("name") or " ".join(p for p in (info.get("given_name"), info.get("family_name")) if p)
        profile = Profile(
            external_id=str(info["sub"]),
            display_name=name or "LinkedIn member",
            username=info.get("email", ""),
            avatar_url=info.get("picture", ""),
        )
        return [DiscoveredAccount(profile=profile, credentials=creds)]

    # --- content ---------------------------------------------------------------------
    async def _upload_image(self, creds: Credentials, author: str, media: MediaFile) -> str:
        init = await self._json(
            "POST",
            f"{self.api}/rest/images",
            params={"action": "initializeUpload"},
            token=creds.access_token,
            headers=self._rest_headers(),
            json={"initializeUploadRequest": {"owner": author}},
        )
        value = init["value"]
        await self._send(
            "PUT",
            value["uploadUrl"],
            token=creds.access_token,
            content=read_media_bytes(media),
            headers={"Content-Type": media.mime_type},
        )
        return str(value["image"])

    async def _upload_video(self, creds: Credentials, author: str, media: MediaFile) -> str:
        content = read_media_bytes(media)
        init = await self._json(
            "POST",
            f"{self.api}/rest/videos",
            params={"action": "initializeUpload"},
            token=creds.access_token,
            headers=self._rest_headers(),
            json={
                "initializeUploadRequest": {
                    "owner": author,
                    "fileSizeBytes": len(content),
                    "uploadCaptions": False,
                    "uploadThumbnail": False,
                }
            },
        )
        value = init["value"]
        etags = []
        for part in value.get("uploadInstructions") or []:
            chunk = content[int(part["firstByte"]) : int(part["lastByte"]) + 1]
            resp = await self._send(
                "PUT", part["uploadUrl"], content=chunk, headers={"Content-Type": "application/octet-stream"}
            )
            etags.append(resp.headers.get("etag", ""))
        await self._send(
            "POST",
            f"{self.api}/rest/videos",
            params={"action": "finalizeUpload"},
            token=creds.access_token,
            headers=self._rest_headers(),
            json={
                "finalizeUploadRequest": {
                    "video": value["video"],
                    "uploadToken": value.get("uploadToken", ""),
                    "uploadedPartIds": etags,
                }
            },
        )
        return str(value["video"])

    async def publish(self, creds: Credentials, account: AccountRef, request: PublishRequest) -> PublishResult:
        self.refuse_reply(request)
        author = f"urn:li:person:{account.external_id}"
        body: dict = {
            "author": author,
            "commentary": escape_little_text(request.text),
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        videos = [m for m in request.media if m.kind == "video"]
        if videos:
            body["content"] = {"media": {"id": await self._upload_video(creds, author, videos[0])}}
        elif len(request.media) == 1:
            image = request.media[0]
            body["content"] = {
                "media": {"id": await self._upload_image(creds, author, image), "altText": image.alt_text}
            }
        elif request.media:
            images = [{"id": await self._upload_image(creds, author, m), "altText": m.alt_text} for m in request.media]
            body["content"] = {"multiImage": {"images": images}}
        resp = await self._send(
            "POST",
            f"{self.api}/rest/posts",
            token=creds.access_token,
            headers=self._rest_headers(),
            json=body,
            creates=True,
        )
        urn = resp.headers.get("x-restli-id", "")
        if not urn:
            # 201 without the id: the post exists but we cannot point at it.
            raise UnknownOutcomeError("LinkedIn accepted the post but did not say its id")
        return PublishResult(
            external_id=urn, url=f"https://www.linkedin.com/feed/update/{urn}/", published_at=datetime.now(UTC)
        )

    async def delete(self, creds: Credentials, account: AccountRef, external_id: str) -> None:
        await self._send(
            "DELETE",
            f"{self.api}/rest/posts/{quote(external_id, safe='')}",
            token=creds.access_token,
            headers=self._rest_headers(),
        )

    # --- analytics -------------------------------------------------------------------
    async def fetch_post_metrics(self, creds: Credentials, account: AccountRef, external_id: str) -> PostMetrics:
        data = await self._json(
            "GET",
            f"{self.api}/rest/socialActions/{quote(external_id, safe='')}",
            token=creds.access_token,
            headers=self._rest_headers(),
        )
        return PostMetrics(
            likes=(data.get("likesSummary") or {}).get("totalLikes"),
            replies=(data.get("commentsSummary") or {}).get("aggregatedTotalComments"),
        )

    async def fetch_account_metrics(self, creds: Credentials, account: AccountRef) -> AccountMetrics:
        """LinkedIn does not expose a member's follower count to ordinary apps: unknown, not zero."""
        return AccountMetrics(followers=None)
