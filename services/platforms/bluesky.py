"""Bluesky (AT Protocol) with an app password: sessions, records with rich-text facets, blobs.

Facets index the text by UTF-8 *byte* offsets, not characters; getting that wrong shifts every
link after the first emoji. The access JWT lives ~2 hours and the refresh JWT ~2 months; the app
password is kept (encrypted) so an expired refresh JWT can be replaced by logging in again
instead of asking the user to reconnect.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime, timedelta

import httpx

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
from services.platforms.errors import AuthError, PermanentError, PlatformError, error_from_response
from services.platforms.http_adapter import HttpPlatformAdapter, read_media_bytes
from services.platforms.registry import register
from services.platforms.text_counting import HASHTAG, find_urls, same_post_text

POST_COLLECTION = "app.bsky.feed.post"
_MENTION = re.compile(r"(?<![\w@])@([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)+)")
_AUTH_ERRORS = {"ExpiredToken", "InvalidToken", "AuthenticationRequired", "AccountTakedown", "AuthMissing"}


def _jwt_expiry(token: str) -> datetime | None:
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return datetime.fromtimestamp(int(claims["exp"]), UTC)
    except (IndexError, KeyError, ValueError, TypeError):
        return None


def _byte_span(text: str, start: int, end: int) -> dict[str, int]:
    return {"byteStart": len(text[:start].encode()), "byteEnd": len(text[:end].encode())}


def _pds_from_did_doc(doc: object) -> str:
    if not isinstance(doc, dict):
        return ""
    for service in doc.get("service") or []:
        if isinstance(service, dict) and service.get("id", "").endswith("#atproto_pds"):
            return str(service.get("serviceEndpoint") or "").rstrip("/")
    return ""


@register
class BlueskyAdapter(HttpPlatformAdapter):
    name = "bluesky"
    label = "Bluesky"
    auth_kind = "app_password"
    constraints = Constraints(
        max_chars=300,
        counting="graphemes",
        media=MediaRules(
            image_types=("image/jpeg", "image/png", "image/webp"),
            image_max_bytes=1_000_000,
            video_max_bytes=50 * 1024 * 1024,
        ),
    )
    can_lookup_recent_posts = True

    @property
    def entryway(self) -> str:
        return (self.instance_url or self.settings.platform("SOCIALHUB_BLUESKY_PDS", "https://bsky.social")).rstrip("/")

    def config_help(self) -> str:
        return (
            "Connect with your handle and an app password (Bluesky → Settings → Privacy and security → App passwords)."
        )

    def _pds(self, creds: Credentials) -> str:
        return str(creds.extra.get("pds") or self.entryway).rstrip("/")

    def _classify(self, resp: httpx.Response, message: str) -> PlatformError:
        try:
            code = resp.json().get("error", "")
        except (ValueError, AttributeError):
            code = ""
        if code in _AUTH_ERRORS:
            return AuthError(message, status_code=resp.status_code, platform_code=code)
        err = error_from_response(resp, message)
        err.platform_code = code if isinstance(code, str) else ""
        return err

    # --- auth ------------------------------------------------------------------------
    def _session_credentials(self, data: dict, app_password: str, identifier: str) -> Credentials:
        access = str(data.get("accessJwt") or "")
        if not access or not data.get("did"):
            raise AuthError("Bluesky did not return a session")
        return Credentials(
            access_token=access,
            refresh_token=str(data.get("refreshJwt") or ""),
            expires_at=_jwt_expiry(access) or datetime.now(UTC) + timedelta(hours=2),
            extra={
                "did": data["did"],
                "handle": data.get("handle", ""),
                "pds": _pds_from_did_doc(data.get("didDoc")) or self.entryway,
                "identifier": identifier,
                "app_password": app_password,
            },
        )

    async def login_with_app_password(self, identifier: str, app_password: str) -> Credentials:
        identifier = identifier.strip().lstrip("@")
        if not identifier or not app_password.strip():
            raise PermanentError("Enter your Bluesky handle and an app password")
        data = await self._json(
            "POST",
            f"{self.entryway}/xrpc/com.atproto.server.createSession",
            json={"identifier": identifier, "password": app_password.strip()},
        )
        return self._session_credentials(data, app_password.strip(), identifier)

    def authorization_url(self, *, redirect_uri: str, state: str, code_verifier: str) -> str:
        raise PermanentError("Bluesky connects with an app password, not a redirect")

    async def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str) -> Credentials:
        raise PermanentError("Bluesky connects with an app password, not a redirect")

    def can_refresh(self, creds: Credentials) -> bool:
        return bool(creds.refresh_token or creds.extra.get("app_password"))

    async def refresh(self, creds: Credentials) -> Credentials:
        if creds.refresh_token:
            try:
                data = await self._json(
                    "POST", f"{self._pds(creds)}/xrpc/com.atproto.server.refreshSession", token=creds.refresh_token
                )
                fresh = self._session_credentials(
                    data, creds.extra.get("app_password", ""), creds.extra.get("identifier", "")
                )
                fresh.extra["pds"] = _pds_from_did_doc(data.get("didDoc")) or self._pds(creds)
                return fresh
            except AuthError:
                if not creds.extra.get("app_password"):
                    raise
        if creds.extra.get("app_password"):
            return await self.login_with_app_password(
                creds.extra.get("identifier") or creds.extra.get("did", ""), creds.extra["app_password"]
            )
        raise AuthError("Bluesky session expired; reconnect with an app password")

    async def revoke(self, creds: Credentials) -> None:
        if creds.refresh_token:
            await self._send(
                "POST", f"{self._pds(creds)}/xrpc/com.atproto.server.deleteSession", token=creds.refresh_token
            )

    async def _profile(self, creds: Credentials, actor: str) -> dict:
        return await self._json(
            "GET",
            f"{self._pds(creds)}/xrpc/app.bsky.actor.getProfile",
            params={"actor": actor},
            token=creds.access_token,
        )

    async def discover_accounts(self, creds: Credentials) -> list[DiscoveredAccount]:
        data = await self._profile(creds, creds.extra["did"])
        handle = data.get("handle") or creds.extra.get("handle", "")
        profile = Profile(
            external_id=str(data.get("did") or creds.extra["did"]),
            display_name=data.get("displayName") or handle,
            username=handle,
            avatar_url=data.get("avatar", ""),
            profile_url=f"https://bsky.app/profile/{handle}",
            followers=data.get("followersCount"),
        )
        return [DiscoveredAccount(profile=profile, credentials=creds)]

    # --- rich text -------------------------------------------------------------------
    async def build_facets(self, creds: Credentials, text: str) -> list[dict]:
        """Links, mentions (handles resolved to DIDs; unknown handles stay plain text) and tags."""
        facets: list[dict] = []
        for start, end in find_urls(text):
            facets.append(
                {
                    "index": _byte_span(text, start, end),
                    "features": [{"$type": "app.bsky.richtext.facet#link", "uri": text[start:end]}],
                }
            )
        for match in _MENTION.finditer(text):
            did = await self._resolve_handle(creds, match.group(1))
            if did:
                facets.append(
                    {
                        "index": _byte_span(text, match.start(), match.end()),
                        "features": [{"$type": "app.bsky.richtext.facet#mention", "did": did}],
                    }
                )
        for match in HASHTAG.finditer(text):
            start = match.start()
            if any(f["index"]["byteStart"] <= len(text[:start].encode()) < f["index"]["byteEnd"] for f in facets):
                continue  # a '#' inside a URL is part of the link
            facets.append(
                {
                    "index": _byte_span(text, start, match.end()),
                    "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": match.group(1)}],
                }
            )
        return sorted(facets, key=lambda f: f["index"]["byteStart"])

    async def _resolve_handle(self, creds: Credentials, handle: str) -> str:
        try:
            data = await self._json(
                "GET",
                f"{self._pds(creds)}/xrpc/com.atproto.identity.resolveHandle",
                params={"handle": handle.lower()},
                token=creds.access_token,
            )
        except PermanentError:
            return ""  # unknown handle: publish it as plain text rather than fail the post
        return str(data.get("did") or "")

    # --- content ---------------------------------------------------------------------
    async def _upload_blob(self, creds: Credentials, content: bytes, mime_type: str) -> dict:
        data = await self._json(
            "POST",
            f"{self._pds(creds)}/xrpc/com.atproto.repo.uploadBlob",
            token=creds.access_token,
            content=content,
            headers={"Content-Type": mime_type},
        )
        return data["blob"]

    async def _embed(self, creds: Credentials, request: PublishRequest) -> dict | None:
        videos = [m for m in request.media if m.kind == "video"]
        if videos:
            blob = await self._upload_blob(creds, read_media_bytes(videos[0]), videos[0].mime_type)
            embed: dict = {"$type": "app.bsky.embed.video", "video": blob}
            if videos[0].alt_text:
                embed["alt"] = videos[0].alt_text
            return embed
        images = []
        for media in request.media[:4]:
            image = {
                "alt": media.alt_text,
                "image": await self._upload_blob(creds, read_media_bytes(media), media.mime_type),
            }
            if media.width and media.height:
                image["aspectRatio"] = {"width": media.width, "height": media.height}
            images.append(image)
        return {"$type": "app.bsky.embed.images", "images": images} if images else None

    async def publish(self, creds: Credentials, account: AccountRef, request: PublishRequest) -> PublishResult:
        now = datetime.now(UTC)
        record: dict = {
            "$type": POST_COLLECTION,
            "text": request.text,
            "createdAt": now.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        }
        facets = await self.build_facets(creds, request.text)
        if facets:
            record["facets"] = facets
        embed = await self._embed(creds, request)
        if embed:
            record["embed"] = embed
        data = await self._json(
            "POST",
            f"{self._pds(creds)}/xrpc/com.atproto.repo.createRecord",
            token=creds.access_token,
            json={
                "repo": creds.extra.get("did") or account.external_id,
                "collection": POST_COLLECTION,
                "record": record,
            },
            creates=True,
        )
        uri = str(data["uri"])
        return PublishResult(external_id=uri, url=self._post_url(account, creds, uri), published_at=now)

    def _post_url(self, account: AccountRef, creds: Credentials, uri: str) -> str:
        handle = account.username or creds.extra.get("handle") or account.external_id
        return f"https://bsky.app/profile/{handle}/post/{uri.rsplit('/', 1)[-1]}"

    async def delete(self, creds: Credentials, account: AccountRef, external_id: str) -> None:
        await self._send(
            "POST",
            f"{self._pds(creds)}/xrpc/com.atproto.repo.deleteRecord",
            token=creds.access_token,
            json={
                "repo": creds.extra.get("did") or account.external_id,
                "collection": POST_COLLECTION,
                "rkey": external_id.rsplit("/", 1)[-1],
            },
        )

    async def find_recent_post(
        self, creds: Credentials, account: AccountRef, request: PublishRequest, since: datetime
    ) -> PublishResult | None:
        data = await self._json(
            "GET",
            f"{self._pds(creds)}/xrpc/app.bsky.feed.getAuthorFeed",
            token=creds.access_token,
            params={
                "actor": creds.extra.get("did") or account.external_id,
                "limit": "30",
                "filter": "posts_no_replies",
            },
        )
        for item in data.get("feed") or []:
            post = item.get("post") or {}
            record = post.get("record") or {}
            try:
                created = datetime.fromisoformat(str(record.get("createdAt", "")).replace("Z", "+00:00"))
            except ValueError:
                created = None
            if created and created < since:
                continue
            if same_post_text(record.get("text", ""), request.text):
                return PublishResult(
                    external_id=post["uri"], url=self._post_url(account, creds, post["uri"]), published_at=created
                )
        return None

    # --- analytics -------------------------------------------------------------------
    async def fetch_post_metrics(self, creds: Credentials, account: AccountRef, external_id: str) -> PostMetrics:
        data = await self._json(
            "GET",
            f"{self._pds(creds)}/xrpc/app.bsky.feed.getPosts",
            token=creds.access_token,
            params={"uris": external_id},
        )
        posts = data.get("posts") or []
        if not posts:
            raise PermanentError("Bluesky: post not found (deleted?)")
        post = posts[0]
        reposts = post.get("repostCount")
        if reposts is not None and post.get("quoteCount") is not None:
            reposts += post["quoteCount"]
        return PostMetrics(likes=post.get("likeCount"), reposts=reposts, replies=post.get("replyCount"))

    async def fetch_account_metrics(self, creds: Credentials, account: AccountRef) -> AccountMetrics:
        data = await self._profile(creds, creds.extra.get("did") or account.external_id)
        return AccountMetrics(followers=data.get("followersCount"))
