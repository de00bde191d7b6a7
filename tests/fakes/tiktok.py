"""Fake TikTok v2: Login Kit OAuth, user info, Content Posting API (init → upload → status), video query.

Every answer has TikTok's envelope `{"data": ..., "error": {"code": "ok", "message": "", "log_id"}}`.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.oauth_support import authorize_redirect, bearer, injected, new_token
from tests.fakes.server import FakeServer

OPEN_ID = "_000TikTokOpenId"


def envelope(data: Any = None, code: str = "ok", message: str = "", status: int = 200) -> JSONResponse:
    return JSONResponse(
        {"data": data or {}, "error": {"code": code, "message": message, "log_id": "202601010000"}}, status_code=status
    )


def error_body(status: int) -> dict[str, Any]:
    code = {401: "access_token_invalid", 429: "rate_limit_exceeded"}.get(
        status, "internal_error" if status >= 500 else "invalid_params"
    )
    return {"data": {}, "error": {"code": code, "message": f"{code} from fake", "log_id": "x"}}


class TikTokFake(FakeServer):
    def __init__(self, client_key: str = "tt-client-key", client_secret: str = "tt-client-secret-value") -> None:
        self.client_key, self.client_secret = client_key, client_secret
        self.codes: dict[str, dict[str, Any]] = {}
        self.tokens: set[str] = set()
        self.refresh_tokens: set[str] = set()
        self.publishes: dict[str, dict[str, Any]] = {}
        self.privacy_options = ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"]
        super().__init__()

    def grant(self) -> tuple[str, str]:
        access, refresh = new_token("act"), new_token("rft")
        self.tokens.add(access)
        self.refresh_tokens.add(refresh)
        return access, refresh

    def build(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/v2/auth/authorize/", self.authorize),
                Route("/v2/oauth/token/", self.token, methods=["POST"]),
                Route("/v2/oauth/revoke/", self.revoke, methods=["POST"]),
                Route("/v2/user/info/", self.user_info),
                Route("/v2/post/publish/creator_info/query/", self.creator_info, methods=["POST"]),
                Route("/v2/post/publish/video/init/", self.init, methods=["POST"]),
                Route("/upload/{publish_id}", self.upload, methods=["PUT"]),
                Route("/v2/post/publish/status/fetch/", self.status, methods=["POST"]),
                Route("/v2/video/query/", self.query, methods=["POST"]),
                Route("/v2/video/list/", self.list_videos, methods=["POST"]),
            ]
        )

    async def _pre(self, request: Request, *, auth: bool = True) -> Response | None:
        await self.record(request)
        early = await injected(self, request, error_body, lambda: {"retry-after": "120"})
        if early is not None:
            return early
        if auth and bearer(request) not in self.tokens:
            return envelope(
                code="access_token_invalid",
                message="The access token is invalid or not found in the request.",
                status=401,
            )
        return None

    async def authorize(self, request: Request) -> Response:
        await self.record(request)
        return authorize_redirect(
            request, self.codes, client_param="client_key", known_client=lambda c: c == self.client_key
        )

    async def token(self, request: Request) -> Response:
        early = await self._pre(request, auth=False)
        if early is not None:
            return early
        form = dict(await request.form())
        if form.get("client_key") != self.client_key or form.get("client_secret") != self.client_secret:
            return JSONResponse(
                {"error": "invalid_client", "error_description": "Client key or secret is incorrect.", "log_id": "x"}
            )
        if form.get("grant_type") == "authorization_code":
            grant = self.codes.pop(form.get("code", ""), None)
            if grant is None or grant["redirect_uri"] != form.get("redirect_uri"):
                return JSONResponse(
                    {"error": "invalid_grant", "error_description": "Authorization code is expired.", "log_id": "x"}
                )
        elif form.get("grant_type") == "refresh_token":
            if form.get("refresh_token") not in self.refresh_tokens:
                return JSONResponse(
                    {
                        "error": "invalid_grant",
                        "error_description": "Refresh token is invalid or expired.",
                        "log_id": "x",
                    }
                )
        access, refresh = self.grant()
        return JSONResponse(
            {
                "access_token": access,
                "expires_in": 86400,
                "open_id": OPEN_ID,
                "refresh_expires_in": 31536000,
                "refresh_token": refresh,
                "scope": "user.info.basic,video.publish",
                "token_type": "Bearer",
            }
        )

    async def revoke(self, request: Request) -> Response:
        await self.record(request)
        self.tokens.discard((await request.form()).get("token", ""))
        return JSONResponse({})

    async def user_info(self, request: Request) -> Response:
        return await self._pre(request) or envelope(
            {
                "user": {
                    "open_id": OPEN_ID,
                    "union_id": "u1",
                    "avatar_url": "https://p16.tiktokcdn.com/a.jpeg",
                    "display_name": "Tik Tester",
                    "username": "tiktester",
                    "profile_deep_link": "https://vm.tiktok.com/ZM000/",
                    "follower_count": 555,
                }
            }
        )

    async def creator_info(self, request: Request) -> Response:
        return await self._pre(request) or envelope(
            {
                "creator_username": "tiktester",
                "privacy_level_options": self.privacy_options,
                "max_video_post_duration_sec": 600,
            }
        )

    async def init(self, request: Request) -> Response:
        early = await self._pre(request)
        if early is not None:
            return early
        body = await request.json()
        publish_id = f"v_pub_file~v2-1.{secrets.token_hex(6)}"
        self.publishes[publish_id] = {"body": body, "received": b"", "created": int(time.time())}
        data = {"publish_id": publish_id}
        if body["source_info"]["source"] == "FILE_UPLOAD":
            data["upload_url"] = f"{self.url}/upload/{publish_id}"
        return envelope(data)

    async def upload(self, request: Request) -> Response:
        await self.record(request)
        self.publishes[request.path_params["publish_id"]]["received"] += await request.body()
        return Response(status_code=201)

    async def status(self, request: Request) -> Response:
        early = await self._pre(request)
        if early is not None:
            return early
        publish_id = (await request.json()).get("publish_id", "")
        pub = self.publishes.get(publish_id)
        if pub is None:
            return envelope(code="invalid_params", message="publish_id not found", status=400)
        expected = pub["body"]["source_info"].get("video_size", 0)
        if len(pub["received"]) < expected:
            return envelope({"status": "PROCESSING_UPLOAD", "uploaded_bytes": len(pub["received"])})
        pub["video_id"] = pub.get("video_id") or str(7_300_000_000_000_000_000 + len(self.publishes))
        return envelope(
            {
                "status": "PUBLISH_COMPLETE",
                "publicaly_available_post_id": [int(pub["video_id"])],
                "uploaded_bytes": expected,
            }
        )

    async def query(self, request: Request) -> Response:
        early = await self._pre(request)
        if early is not None:
            return early
        ids = (await request.json())["filters"]["video_ids"]
        known = {p.get("video_id") for p in self.publishes.values()}
        return envelope(
            {
                "videos": [
                    {"id": i, "like_count": 90, "comment_count": 8, "share_count": 7, "view_count": 3000}
                    for i in ids
                    if i in known
                ]
            }
        )

    async def list_videos(self, request: Request) -> Response:
        early = await self._pre(request)
        if early is not None:
            return early
        videos = [
            {
                "id": p["video_id"],
                "title": p["body"]["post_info"]["title"],
                "video_description": p["body"]["post_info"]["title"],
                "create_time": p["created"],
                "share_url": f"https://www.tiktok.com/@tiktester/video/{p['video_id']}",
            }
            for p in self.publishes.values()
            if p.get("video_id")
        ]
        return envelope({"videos": videos, "cursor": 0, "has_more": False})
