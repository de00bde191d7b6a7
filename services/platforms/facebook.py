"""Facebook Pages through the Graph API; also the base of Instagram (same login, same host).

One Facebook login can manage several Pages, so discovery returns one account per Page, each
with its own Page token. Page tokens derived from a long-lived user token do not expire, hence
no refresh. Graph reports most failures as HTTP 400 with an error *code*: 190 is a dead token,
4/17/32/613 are rate limits, so classification reads the code, not the status.
"""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from authlib.common.urls import add_params_to_uri

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
    error_from_response,
    parse_retry_at,
)
from services.platforms.http_adapter import (
    HttpPlatformAdapter,
    credentials_from_token_response,
    filename_of,
    read_media_bytes,
)
from services.platforms.registry import register
from services.platforms.text_counting import same_post_text

DEFAULT_GRAPH_VERSION = "v23.0"
_AUTH_CODES = {102, 190, 200, 10}
_RATE_CODES = {4, 17, 32, 613, 80001, 80002, 80004, 80005, 80006}


class GraphAdapter(HttpPlatformAdapter):
    """Shared Graph plumbing: login, token exchange, error codes."""

    scopes: tuple[str, ...] = ()
    required_env = ("SOCIALHUB_FACEBOOK_CLIENT_ID", "SOCIALHUB_FACEBOOK_CLIENT_SECRET")

    @property
    def graph(self) -> str:
        base = self.settings.platform("SOCIALHUB_FACEBOOK_GRAPH_BASE", "https://graph.facebook.com").rstrip("/")
        return f"{base}/{self.settings.platform('SOCIALHUB_FACEBOOK_GRAPH_VERSION', DEFAULT_GRAPH_VERSION)}"

    def _classify(self, resp: httpx.Response, message: str) -> PlatformError:
        try:
            error = resp.json().get("error") or {}
        except (ValueError, AttributeError):
            error = {}
        code = error.get("code") if isinstance(error, dict) else None
        if code in _AUTH_CODES and resp.status_code in (400, 401, 403):
            return AuthError(message, status_code=resp.status_code, platform_code=str(code))
        if code in _RATE_CODES:
            return RateLimitedError(
                message, status_code=resp.status_code, retry_at=parse_retry_at(resp.headers), platform_code=str(code)
            )
        if isinstance(error, dict) and error.get("is_transient") or code in (1, 2):
            return TransientError(message, status_code=resp.status_code, platform_code=str(code))
        err = error_from_response(resp, message)
        err.platform_code = str(code or "")
        return err

    def authorization_url(self, *, redirect_uri: str, state: str, code_verifier: str) -> str:
        self.require_configured()
        base = self.settings.platform(
            "SOCIALHUB_FACEBOOK_AUTHORIZE_URL",
            f"https://www.facebook.com/{self.settings.platform('SOCIALHUB_FACEBOOK_GRAPH_VERSION', DEFAULT_GRAPH_VERSION)}/dialog/oauth",
        )
        return add_params_to_uri(
            base,
            [
                ("client_id", self.settings.platform("SOCIALHUB_FACEBOOK_CLIENT_ID")),
                ("redirect_uri", redirect_uri),
                ("state", state),
                ("response_type", "code"),
                ("scope", ",".join(self.scopes)),
            ],
        )

    def _client_form(self) -> dict[str, str]:
        return {
            "client_id": self.settings.platform("SOCIALHUB_FACEBOOK_CLIENT_ID"),
            "client_secret": self.settings.platform("SOCIALHUB_FACEBOOK_CLIENT_SECRET"),
        }

    async def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str) -> Credentials:
        """Code → short-lived user token → long-lived user token (so Page tokens never expire).

        POST with a form body (Graph accepts it) keeps the client secret out of URLs and logs.
        """
        self.require_configured()
        short = await self._json(
            "POST",
            f"{self.graph}/oauth/access_token",
            data={"code": code, "redirect_uri": redirect_uri, **self._client_form()},
        )
        long = await self._json(
            "POST",
            f"{self.graph}/oauth/access_token",
            data={
                "grant_type": "fb_exchange_token",
                "fb_exchange_token": short.get("access_token", ""),
                **self._client_form(),
            },
        )
        return credentials_from_token_response(long)

    def can_refresh(self, creds: Credentials) -> bool:
        return False

    async def refresh(self, creds: Credentials) -> Credentials:
        raise AuthError(f"{self.label} access was revoked or expired; reconnect the account")

    async def revoke(self, creds: Credentials) -> None:
        """Deliberately nothing: `DELETE /me/permissions` would also cut off every other Page of the same login."""

    async def _pages(self, user_token: str, fields: str) -> list[dict]:
        pages: list[dict] = []
        url: str | None = f"{self.graph}/me/accounts"
        params: dict | None = {"fields": fields, "limit": "100"}
        for _ in range(10):  # at most 1000 Pages; nobody manages more from one login
            if not url:
                break
            data = await self._json("GET", url, params=params, token=user_token)
            pages.extend(data.get("data") or [])
            url, params = (data.get("paging") or {}).get("next"), None
        return pages

    def _page_credentials(self, user: Credentials, page: dict, **extra: str) -> Credentials:
        return Credentials(
            access_token=str(page.get("access_token") or user.access_token),
            extra={"user_token": user.access_token, "page_id": str(page.get("id", "")), **extra},
        )


@register
class FacebookAdapter(GraphAdapter):
    name = "facebook"
    label = "Facebook Page"
    constraints = Constraints(
        max_chars=63206,
        media=MediaRules(max_images=10, image_max_bytes=10 * 1024 * 1024, video_max_bytes=1024 * 1024 * 1024),
    )
    can_lookup_recent_posts = True
    scopes = ("pages_show_list", "pages_manage_posts", "pages_read_engagement")

    async def discover_accounts(self, creds: Credentials) -> list[DiscoveredAccount]:
        pages = await self._pages(creds.access_token, "id,name,access_token,link,username,picture{url},followers_count")
        if not pages:
            raise PermanentError("Facebook: this login manages no Pages (or none were selected)")
        return [
            DiscoveredAccount(
                profile=Profile(
                    external_id=str(page["id"]),
                    display_name=page.get("name", ""),
                    username=page.get("username", ""),
                    avatar_url=((page.get("picture") or {}).get("data") or {}).get("url", ""),
                    profile_url=page.get("link") or f"https://www.facebook.com/{page['id']}",
                    followers=page.get("followers_count"),
                ),
                credentials=self._page_credentials(creds, page),
            )
            for page in pages
        ]

    async def _upload_photo(
        self, creds: Credentials, page_id: str, media, *, published: bool, caption: str = ""
    ) -> dict:  # noqa: ANN001
        form = {"published": "true" if published else "false"}
        if caption:
            form["message"] = caption
        return await self._json(
            "POST",
            f"{self.graph}/{page_id}/photos",
            token=creds.access_token,
            data=form,
            files={"source": (filename_of(media), read_media_bytes(media), media.mime_type)},
            creates=published,
        )

    async def publish(self, creds: Credentials, account: AccountRef, request: PublishRequest) -> PublishResult:
        self.refuse_reply(request)
        page_id = account.external_id
        videos = [m for m in request.media if m.kind == "video"]
        if videos:
            data = await self._json(
                "POST",
                f"{self.graph}/{page_id}/videos",
                token=creds.access_token,
                data={"description": request.text},
                files={"source": (filename_of(videos[0]), read_media_bytes(videos[0]), videos[0].mime_type)},
                creates=True,
            )
            post_id = str(data.get("post_id") or data["id"])
        elif len(request.media) == 1:
            data = await self._upload_photo(creds, page_id, request.media[0], published=True, caption=request.text)
            post_id = str(data.get("post_id") or data["id"])
        else:
            form: dict[str, str] = {"message": request.text}
            for index, media in enumerate(request.media):
                photo = await self._upload_photo(creds, page_id, media, published=False)
                form[f"attached_media[{index}]"] = f'{{"media_fbid":"{photo["id"]}"}}'
            data = await self._json(
                "POST", f"{self.graph}/{page_id}/feed", token=creds.access_token, data=form, creates=True
            )
            post_id = str(data["id"])
        return PublishResult(
            external_id=post_id, url=f"https://www.facebook.com/{post_id}", published_at=datetime.now(UTC)
        )

    async def delete(self, creds: Credentials, account: AccountRef, external_id: str) -> None:
        await self._send("DELETE", f"{self.graph}/{external_id}", token=creds.access_token)

    async def find_recent_post(
        self, creds: Credentials, account: AccountRef, request: PublishRequest, since: datetime
    ) -> PublishResult | None:
        data = await self._json(
            "GET",
            f"{self.graph}/{account.external_id}/posts",
            token=creds.access_token,
            params={
                "fields": "id,message,created_time,permalink_url",
                "since": str(int(since.timestamp())),
                "limit": "25",
            },
        )
        for post in data.get("data") or []:
            if same_post_text(post.get("message", ""), request.text):
                return PublishResult(
                    external_id=str(post["id"]),
                    url=post.get("permalink_url") or f"https://www.facebook.com/{post['id']}",
                )
        return None

    async def fetch_post_metrics(self, creds: Credentials, account: AccountRef, external_id: str) -> PostMetrics:
        data = await self._json(
            "GET",
            f"{self.graph}/{external_id}",
            token=creds.access_token,
            params={"fields": "reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0),shares"},
        )
        return PostMetrics(
            likes=((data.get("reactions") or {}).get("summary") or {}).get("total_count"),
            replies=((data.get("comments") or {}).get("summary") or {}).get("total_count"),
            # Graph omits `shares` until the first share, so absence here really is zero.
            reposts=(data.get("shares") or {}).get("count", 0),
        )

    async def fetch_account_metrics(self, creds: Credentials, account: AccountRef) -> AccountMetrics:
        data = await self._json(
            "GET",
            f"{self.graph}/{account.external_id}",
            token=creds.access_token,
            params={"fields": "followers_count,fan_count"},
        )
        followers = data.get("followers_count")
        return AccountMetrics(followers=followers if followers is not None else data.get("fan_count"))
