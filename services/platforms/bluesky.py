"""Bluesky (AT Protocol) with an app password: sessions, records with rich-text facets, blobs.

Facets index the text by UTF-8 *byte* offsets, not characters; getting that wrong shifts every
link after the first emoji. The access JWT lives ~2 hours and the refresh JWT ~2 months; the app
password is kept (encrypted) so an expired refresh JWT can be replaced by logging in again
instead of asking the user to reconnect.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

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
from services.platforms.bluesky_wire import (
    LOOKUP_PAGES,
    LOOKUP_SKEW,
    MAIN_PASSWORD_REFUSED,
    MAIN_PASSWORD_STORED,
    MENTION,
    POST_COLLECTION,
    byte_span,
    created_at_now,
    is_app_password_session,
    jwt_expiry,
    parse_at_uri,
    pds_from_did_doc,
    record_created_at,
    same_post_record,
)
from services.platforms.errors import AuthError, PermanentError, PlatformError, error_from_response
from services.platforms.http_adapter import HttpPlatformAdapter, read_media_bytes
from services.platforms.registry import register
from services.platforms.text_counting import HASHTAG, find_urls

_AUTH_ERRORS = {"ExpiredToken", "InvalidToken", "AuthenticationRequired", "AccountTakedown", "AuthMissing"}


@register
class BlueskyAdapter(HttpPlatformAdapter):
    name = "bluesky"
    label = "Bluesky"
    auth_kind = "app_password"
    constraints = Constraints(
        max_chars=300,
        counting="graphemes",
        max_bytes=3000,  # the lexicon's maxLength on `text`: 300 ZWJ emoji are 300 graphemes but ~7,500 bytes
        media=MediaRules(
            image_types=("image/jpeg", "image/png", "image/webp"),
            image_max_bytes=1_000_000,
            video_max_bytes=50 * 1024 * 1024,
        ),
    )
    can_lookup_recent_posts = True
    supports_replies = True  # reply.root + reply.parent, resolved from the parent record

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
        if not is_app_password_session(access):
            # A stored main password would be a full-access key (account deletion, settings...).
            raise AuthError(MAIN_PASSWORD_STORED)
        return Credentials(
            access_token=access,
            refresh_token=str(data.get("refreshJwt") or ""),
            expires_at=jwt_expiry(access) or datetime.now(UTC) + timedelta(hours=2),
            extra={
                "did": data["did"],
                "handle": data.get("handle", ""),
                "pds": pds_from_did_doc(data.get("didDoc")) or self.entryway,
                "identifier": identifier,
                "app_password": app_password,
            },
        )

    async def login_with_app_password(self, identifier: str, app_password: str, *, stored: bool = False) -> Credentials:
        """A session from an app password; a main password is refused (and its session closed).

        The access JWT says which it was: `scope` is com.atproto.appPass (or appPassPrivileged)
        for an app password and com.atproto.access for the main password. A person connecting gets
        a message and nothing is stored; a `stored` password that turns out to be a main one
        (accounts connected before this check) is an AuthError: the account needs reconnecting.
        """
        identifier = identifier.strip().lstrip("@")
        if not identifier or not app_password.strip():
            raise PermanentError("Enter your Bluesky handle and an app password")
        data = await self._json(
            "POST",
            f"{self.entryway}/xrpc/com.atproto.server.createSession",
            json={"identifier": identifier, "password": app_password.strip()},
        )
        if not is_app_password_session(str(data.get("accessJwt") or "")):
            await self._end_session(data)
            if stored:
                raise AuthError(MAIN_PASSWORD_STORED)
            raise PermanentError(MAIN_PASSWORD_REFUSED)
        return self._session_credentials(data, app_password.strip(), identifier)

    async def _end_session(self, data: dict) -> None:
        """Close a full-access session we will not use, so it does not linger at the PDS."""
        refresh = str(data.get("refreshJwt") or "")
        if not refresh:
            return
        pds = pds_from_did_doc(data.get("didDoc")) or self.entryway
        try:
            await self._send("POST", f"{pds}/xrpc/com.atproto.server.deleteSession", token=refresh)
        except PlatformError:
            pass  # it expires on its own; the refusal is what matters

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
                fresh.extra["pds"] = pds_from_did_doc(data.get("didDoc")) or self._pds(creds)
                return fresh
            except AuthError:
                if not creds.extra.get("app_password"):
                    raise
        if creds.extra.get("app_password"):
            return await self.login_with_app_password(
                creds.extra.get("identifier") or creds.extra.get("did", ""),
                creds.extra["app_password"],
                stored=True,
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
                    "index": byte_span(text, start, end),
                    "features": [{"$type": "app.bsky.richtext.facet#link", "uri": text[start:end]}],
                }
            )
        for match in MENTION.finditer(text):
            did = await self._resolve_handle(creds, match.group(1))
            if did:
                facets.append(
                    {
                        "index": byte_span(text, match.start(), match.end()),
                        "features": [{"$type": "app.bsky.richtext.facet#mention", "did": did}],
                    }
                )
        for match in HASHTAG.finditer(text):
            start = match.start()
            if any(f["index"]["byteStart"] <= len(text[:start].encode()) < f["index"]["byteEnd"] for f in facets):
                continue  # a '#' inside a URL is part of the link
            facets.append(
                {
                    "index": byte_span(text, start, match.end()),
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

    async def _reply_refs(self, creds: Credentials, parent_uri: str) -> dict[str, Any]:
        """reply.parent is the post answered; reply.root the thread's first post (from the parent's own reply).

        Read with com.atproto.repo.getRecord on the PDS, which is current at once for our own posts
        (a thread's previous post was usually created a second ago) and proxies other repos.
        """
        parts = parse_at_uri(parent_uri)
        if parts is None:
            raise PermanentError(f"Bluesky: cannot reply to {parent_uri!r}: not an at:// post URI")
        repo, collection, rkey = parts
        data = await self._json(
            "GET",
            f"{self._pds(creds)}/xrpc/com.atproto.repo.getRecord",
            token=creds.access_token,
            params={"repo": repo, "collection": collection, "rkey": rkey},
        )
        if not data.get("cid"):
            raise PermanentError("Bluesky: the post this replies to has no CID (deleted?)")
        parent = {"uri": str(data.get("uri") or parent_uri), "cid": str(data["cid"])}
        root = ((data.get("value") or {}).get("reply") or {}).get("root") or {}
        if not (root.get("uri") and root.get("cid")):
            root = parent  # the parent starts the thread
        return {"root": {"uri": root["uri"], "cid": root["cid"]}, "parent": parent}

    async def publish(self, creds: Credentials, account: AccountRef, request: PublishRequest) -> PublishResult:
        reply = await self._reply_refs(creds, request.reply_to_id) if request.reply_to_id else None
        now, created_at = created_at_now()
        record: dict = {"$type": POST_COLLECTION, "text": request.text, "createdAt": created_at}
        if reply:
            record["reply"] = reply
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
        """Whether `request` was posted since `since`, read from the account's own PDS.

        com.atproto.repo.listRecords on the PDS is authoritative the moment createRecord commits;
        the AppView's author feed lags it (on loopback it missed a just-created post 4 times in 16,
        and every miss would have meant a duplicate). Records come newest first (TID order); a
        reply must also answer the same parent.
        """
        repo = creds.extra.get("did") or account.external_id
        cursor = ""
        for _ in range(LOOKUP_PAGES):
            params = {"repo": repo, "collection": POST_COLLECTION, "limit": "50"}
            if cursor:
                params["cursor"] = cursor
            data = await self._json(
                "GET", f"{self._pds(creds)}/xrpc/com.atproto.repo.listRecords", token=creds.access_token, params=params
            )
            records = data.get("records") or []
            older_seen = False
            for item in records:
                value = item.get("value") or {}
                created = record_created_at(value)
                if created is None or created < since:
                    older_seen = True
                    continue
                if created > datetime.now(UTC) + LOOKUP_SKEW or not same_post_record(
                    value, request.text, request.reply_to_id
                ):
                    continue
                uri = str(item.get("uri") or "")
                return PublishResult(external_id=uri, url=self._post_url(account, creds, uri), published_at=created)
            cursor = str(data.get("cursor") or "")
            if older_seen or not cursor or not records:
                break
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
