"""Fake Bluesky PDS (XRPC): sessions with JWTs, records, blobs, profiles, feeds, handle resolution.

Errors use XRPC's `{"error": "<Name>", "message": "..."}`; 429 carries `ratelimit-*` headers
with an epoch reset. `refreshSession` rotates: a refresh JWT works once. As on the real PDS, the
access JWT's `scope` says how the session was made: `com.atproto.appPass` for an app password,
`com.atproto.access` for the main password. `listRecords` answers newest first (rkeys are TIDs).

The adapter's everyday behaviour is proven against the real PDS (tests/realservers/); this fake
stays for the faults a real server won't produce on request: 429s, 500s, dropped answers.
"""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.oauth_support import bearer, fake_jwt, injected
from tests.fakes.server import FakeServer

DID = "did:plc:z72i7hdynmk6r22z27h6tvur"


def error_body(status: int) -> dict[str, str]:
    names = {
        400: ("InvalidRequest", "Input/text must not be longer than 300 graphemes"),
        401: ("AuthenticationRequired", "Authentication Required"),
        429: ("RateLimitExceeded", "Rate Limit Exceeded"),
    }
    name, message = names.get(status, ("InternalServerError", "Internal Server Error"))
    return {"error": name, "message": message}


class BlueskyFake(FakeServer):
    def __init__(
        self,
        handle: str = "alice.test",
        app_password: str = "abcd-efgh-ijkl-mnop",
        main_password: str = "hunter2-main-password",
    ) -> None:
        self.handle, self.app_password, self.main_password = handle, app_password, main_password
        self.access: set[str] = set()
        self.refresh: set[str] = set()
        self.expired: set[str] = set()
        self.handles = {handle: DID, "bob.test": "did:plc:bob0000000000000000000"}
        self.records: dict[str, dict[str, Any]] = {}
        self.blobs: dict[str, bytes] = {}
        self.access_lifetime = 7200
        self._tid = 0
        self.scopes: dict[str, str] = {}  # refresh JWT → the scope its sessions get
        self.deleted_sessions: list[str] = []
        super().__init__()

    def session(self, scope: str = "com.atproto.appPass") -> dict[str, Any]:
        access = fake_jwt(DID, self.access_lifetime, scope=scope)
        refresh = fake_jwt(DID, 90 * 86400, scope="com.atproto.refresh")
        self.scopes[refresh] = scope
        self.access.add(access)
        self.refresh.add(refresh)
        return {
            "did": DID,
            "handle": self.handle,
            "accessJwt": access,
            "refreshJwt": refresh,
            "active": True,
            "didDoc": {
                "id": DID,
                "service": [{"id": "#atproto_pds", "type": "AtprotoPersonalDataServer", "serviceEndpoint": self.url}],
            },
        }

    def build(self) -> Starlette:
        routes = {
            "com.atproto.server.createSession": (self.create_session, "POST"),
            "com.atproto.server.refreshSession": (self.refresh_session, "POST"),
            "com.atproto.server.deleteSession": (self.delete_session, "POST"),
            "com.atproto.identity.resolveHandle": (self.resolve_handle, "GET"),
            "app.bsky.actor.getProfile": (self.get_profile, "GET"),
            "com.atproto.repo.uploadBlob": (self.upload_blob, "POST"),
            "com.atproto.repo.createRecord": (self.create_record, "POST"),
            "com.atproto.repo.deleteRecord": (self.delete_record, "POST"),
            "app.bsky.feed.getPosts": (self.get_posts, "GET"),
            "app.bsky.feed.getAuthorFeed": (self.author_feed, "GET"),
            "com.atproto.repo.listRecords": (self.list_records, "GET"),
            "com.atproto.repo.getRecord": (self.get_record, "GET"),
        }
        return Starlette(routes=[Route(f"/xrpc/{nsid}", fn, methods=[m]) for nsid, (fn, m) in routes.items()])

    async def _pre(self, request: Request, *, auth: bool = True) -> Response | None:
        await self.record(request)
        reset = str(int(time.time()) + 600)
        early = await injected(
            self,
            request,
            error_body,
            lambda: {"ratelimit-limit": "5000", "ratelimit-remaining": "0", "ratelimit-reset": reset},
        )
        if early is not None:
            return early
        if auth:
            token = bearer(request)
            if token in self.expired:
                return JSONResponse({"error": "ExpiredToken", "message": "Token has expired"}, status_code=400)
            if token not in self.access:
                return JSONResponse(
                    {"error": "InvalidToken", "message": "Token could not be verified"}, status_code=400
                )
        return None

    async def create_session(self, request: Request) -> Response:
        early = await self._pre(request, auth=False)
        if early is not None:
            return early
        body = await request.json()
        scope = {self.app_password: "com.atproto.appPass", self.main_password: "com.atproto.access"}.get(
            body.get("password", "")
        )
        if body.get("identifier") not in (self.handle, DID) or scope is None:
            return JSONResponse(
                {"error": "AuthenticationRequired", "message": "Invalid identifier or password"}, status_code=401
            )
        return JSONResponse(self.session(scope))

    async def refresh_session(self, request: Request) -> Response:
        early = await self._pre(request, auth=False)
        if early is not None:
            return early
        token = bearer(request)
        if token not in self.refresh:
            return JSONResponse({"error": "ExpiredToken", "message": "Token has been revoked"}, status_code=400)
        self.refresh.discard(token)
        return JSONResponse(self.session(self.scopes.get(token, "com.atproto.appPass")))

    async def delete_session(self, request: Request) -> Response:
        await self.record(request)
        self.refresh.discard(bearer(request))
        self.deleted_sessions.append(bearer(request))
        return Response(status_code=200)

    async def resolve_handle(self, request: Request) -> Response:
        early = await self._pre(request)
        if early is not None:
            return early
        did = self.handles.get(request.query_params.get("handle", ""))
        if did is None:
            return JSONResponse({"error": "InvalidRequest", "message": "Unable to resolve handle"}, status_code=400)
        return JSONResponse({"did": did})

    async def get_profile(self, request: Request) -> Response:
        early = await self._pre(request)
        if early is not None:
            return early
        return JSONResponse(
            {
                "did": DID,
                "handle": self.handle,
                "displayName": "Alice",
                "avatar": "https://cdn.bsky.app/img/avatar/plain/did:plc:z72/abc@jpeg",
                "followersCount": 87,
                "followsCount": 12,
                "postsCount": len(self.records),
            }
        )

    async def upload_blob(self, request: Request) -> Response:
        early = await self._pre(request)
        if early is not None:
            return early
        content = await request.body()
        cid = "bafkrei" + secrets.token_hex(20)
        self.blobs[cid] = content
        return JSONResponse(
            {
                "blob": {
                    "$type": "blob",
                    "ref": {"$link": cid},
                    "mimeType": request.headers.get("content-type", ""),
                    "size": len(content),
                }
            }
        )

    async def create_record(self, request: Request) -> Response:
        early = await self._pre(request)
        if early is not None:
            return early
        body = await request.json()
        self._tid += 1
        rkey = f"3l{self._tid:011d}"  # increasing, like the TIDs a PDS hands out
        uri = f"at://{body['repo']}/{body['collection']}/{rkey}"
        cid = "bafyrei" + secrets.token_hex(20)
        self.records[uri] = {"cid": cid, "record": body["record"], "indexedAt": datetime.now(UTC).isoformat()}
        return JSONResponse(
            {
                "uri": uri,
                "cid": cid,
                "commit": {"cid": "bafyreicommit", "rev": "3l3qo2vutsw2b"},
                "validationStatus": "valid",
            }
        )

    async def delete_record(self, request: Request) -> Response:
        early = await self._pre(request)
        if early is not None:
            return early
        body = await request.json()
        self.records.pop(f"at://{body['repo']}/{body['collection']}/{body['rkey']}", None)
        return JSONResponse({"commit": {"cid": "bafyreicommit2", "rev": "3l3qo2vutsw2c"}})

    def _post_view(self, uri: str) -> dict[str, Any]:
        rec = self.records[uri]
        return {
            "uri": uri,
            "cid": rec["cid"],
            "author": {"did": DID, "handle": self.handle, "displayName": "Alice"},
            "record": rec["record"],
            "replyCount": 2,
            "repostCount": 5,
            "likeCount": 40,
            "quoteCount": 1,
            "indexedAt": rec["indexedAt"],
        }

    async def get_posts(self, request: Request) -> Response:
        early = await self._pre(request)
        if early is not None:
            return early
        uris = request.query_params.getlist("uris")
        return JSONResponse({"posts": [self._post_view(u) for u in uris if u in self.records]})

    async def author_feed(self, request: Request) -> Response:
        early = await self._pre(request)
        if early is not None:
            return early
        return JSONResponse(
            {"feed": [{"post": self._post_view(u)} for u in reversed(list(self.records))], "cursor": "2024"}
        )

    async def list_records(self, request: Request) -> Response:
        """com.atproto.repo.listRecords: newest first, `limit` per page, `cursor` = last rkey served."""
        early = await self._pre(request, auth=False)  # public on the real PDS too
        if early is not None:
            return early
        q = request.query_params
        prefix = f"at://{q.get('repo', '')}/{q.get('collection', '')}/"
        uris = sorted((u for u in self.records if u.startswith(prefix)), reverse=True)
        if q.get("cursor"):
            uris = [u for u in uris if u.rsplit("/", 1)[1] < q["cursor"]]
        page = uris[: int(q.get("limit", "50"))]
        body: dict[str, Any] = {
            "records": [{"uri": u, "cid": self.records[u]["cid"], "value": self.records[u]["record"]} for u in page]
        }
        if len(page) < len(uris):
            body["cursor"] = page[-1].rsplit("/", 1)[1]
        return JSONResponse(body)

    async def get_record(self, request: Request) -> Response:
        early = await self._pre(request, auth=False)
        if early is not None:
            return early
        q = request.query_params
        uri = f"at://{q.get('repo', '')}/{q.get('collection', '')}/{q.get('rkey', '')}"
        if uri not in self.records:
            return JSONResponse({"error": "RecordNotFound", "message": f"Could not locate record: {uri}"}, 400)
        return JSONResponse({"uri": uri, "cid": self.records[uri]["cid"], "value": self.records[uri]["record"]})
