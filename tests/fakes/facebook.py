"""Fake Graph API (Facebook Pages + Instagram professional accounts) under /{version}/...

Graph errors are `{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}`, mostly
HTTP 400: code 190 = invalid token, 4/17/32/613 = rate limits, 506 = duplicate post.
"""

from __future__ import annotations

import secrets
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.oauth_support import authorize_redirect, bearer, injected, new_token
from tests.fakes.server import FakeServer

PAGE_ID, IG_ID = "101112131415", "17841400000000001"


def graph_error(message: str, code: int, status: int = 400, subcode: int | None = None) -> JSONResponse:
    err: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AbCdEf123"}
    if subcode:
        err["error_subcode"] = subcode
    return JSONResponse({"error": err}, status_code=status)


def error_body(status: int) -> dict[str, Any]:
    if status == 429:
        return {
            "error": {
                "message": "(#4) Application request limit reached",
                "type": "OAuthException",
                "code": 4,
                "is_transient": True,
            }
        }
    if status >= 500:
        return {
            "error": {
                "message": "An unexpected error has occurred. Please retry your request later.",
                "type": "OAuthException",
                "code": 2,
                "is_transient": True,
            }
        }
    return {"error": {"message": "(#100) Invalid parameter", "type": "OAuthException", "code": 100}}


class FacebookFake(FakeServer):
    def __init__(self, client_id: str = "fb-app-id", client_secret: str = "fb-app-secret-value") -> None:
        self.client_id, self.client_secret = client_id, client_secret
        self.codes: dict[str, dict[str, Any]] = {}
        self.user_tokens: set[str] = set()
        self.page_tokens: set[str] = set()
        self.posts: dict[str, dict[str, Any]] = {}
        self.containers: dict[str, dict[str, Any]] = {}
        self.ig_media: dict[str, dict[str, Any]] = {}
        self.container_polls = 0  # IN_PROGRESS answers before FINISHED
        super().__init__()

    def page_token(self) -> str:
        token = new_token("fb-page")
        self.page_tokens.add(token)
        return token

    def build(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/{version}/dialog/oauth", self.authorize),
                Route("/{version}/{path:path}", self.graph, methods=["GET", "POST", "DELETE"]),
            ]
        )

    async def authorize(self, request: Request) -> Response:
        await self.record(request)
        return authorize_redirect(request, self.codes, known_client=lambda cid: cid == self.client_id)

    async def graph(self, request: Request) -> Response:
        await self.record(request)
        early = await injected(self, request, error_body, lambda: {"retry-after": "60"})
        if early is not None:
            return early
        path = request.path_params["path"].strip("/")
        form = dict(await request.form()) if request.method == "POST" else {}
        if path == "oauth/access_token":
            return self.access_token(form)
        token = bearer(request)
        if token not in self.user_tokens | self.page_tokens:
            return graph_error(
                "Error validating access token: Session has expired on Friday, 01-Jan-21.", 190, subcode=463
            )
        parts = path.split("/")
        if path == "me/accounts":
            return self.me_accounts()
        if request.method == "POST" and len(parts) == 2:
            return await self.create(parts[0], parts[1], form, request)
        if request.method == "DELETE":
            return JSONResponse({"success": self.posts.pop(parts[0], None) is not None})
        if len(parts) == 2 and parts[1] == "posts":
            return JSONResponse(
                {
                    "data": [
                        {"id": k, "message": v.get("message", ""), "created_time": "2026-01-01T00:00:00+0000"}
                        for k, v in self.posts.items()
                    ]
                }
            )
        if len(parts) == 2 and parts[1] == "media":
            return JSONResponse(
                {
                    "data": [
                        {"id": k, "caption": v["caption"], "permalink": v["permalink"], "timestamp": v["timestamp"]}
                        for k, v in self.ig_media.items()
                    ]
                }
            )
        return self.node(parts[0], request.query_params.get("fields", ""))

    def access_token(self, form: dict[str, str]) -> Response:
        if form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
            return graph_error("Error validating client secret.", 1, subcode=None)
        if form.get("grant_type") == "fb_exchange_token":
            if form.get("fb_exchange_token") not in self.user_tokens:
                return graph_error("Invalid OAuth access token.", 190)
            token = new_token("fb-user-long")
            self.user_tokens.add(token)
            return JSONResponse({"access_token": token, "token_type": "bearer", "expires_in": 5183944})
        grant = self.codes.pop(form.get("code", ""), None)
        if grant is None or grant["redirect_uri"] != form.get("redirect_uri"):
            return graph_error("This authorization code has been used.", 100, subcode=36009)
        token = new_token("fb-user")
        self.user_tokens.add(token)
        return JSONResponse({"access_token": token, "token_type": "bearer", "expires_in": 5400})

    def me_accounts(self) -> Response:
        page = {
            "id": PAGE_ID,
            "name": "Acme Bakery",
            "access_token": self.page_token(),
            "link": f"https://www.facebook.com/{PAGE_ID}",
            "picture": {"data": {"url": "https://scontent.xx.fbcdn.net/page.jpg"}},
            "followers_count": 980,
            "instagram_business_account": {
                "id": IG_ID,
                "username": "acmebakery",
                "name": "Acme Bakery",
                "profile_picture_url": "https://scontent.cdninstagram.com/ig.jpg",
                "followers_count": 4321,
            },
        }
        no_ig = {
            "id": "999",
            "name": "Side Page",
            "access_token": self.page_token(),
            "link": "https://www.facebook.com/999",
        }
        return JSONResponse({"data": [page, no_ig], "paging": {"cursors": {"before": "QVFI", "after": "QVFJ"}}})

    async def create(self, node: str, edge: str, form: dict[str, Any], request: Request) -> Response:
        if edge in ("feed", "photos", "videos"):
            message = form.get("message") or form.get("description") or ""
            if message and any(p.get("message") == message for p in self.posts.values()):
                return graph_error("(#506) Duplicate status message", 506)
            if edge == "photos" and not hasattr(form.get("source"), "read"):
                return graph_error("(#324) Requires upload file", 324)
            object_id = secrets.token_hex(6)
            post_id = f"{node}_{object_id}"
            published = form.get("published", "true") != "false"
            if published:
                self.posts[post_id] = {
                    "message": message,
                    "edge": edge,
                    "attached": [v for k, v in form.items() if k.startswith("attached_media")],
                }
            return JSONResponse(
                {
                    "id": post_id if edge == "feed" else object_id,
                    **({"post_id": post_id} if edge != "feed" and published else {}),
                }
            )
        if edge == "media":
            if not (form.get("image_url") or form.get("video_url") or form.get("children")):
                return graph_error("(#100) The parameter image_url is required.", 100)
            container = secrets.token_hex(8)
            self.containers[container] = {**form, "polls": self.container_polls}
            return JSONResponse({"id": container})
        if edge == "media_publish":
            container = self.containers.pop(form.get("creation_id", ""), None)
            if container is None:
                return graph_error(
                    "(#9007) The media is not ready for publishing, please wait for a moment", 9007, subcode=2207027
                )
            media_id = str(17_900_000_000_000_000 + len(self.ig_media))
            self.ig_media[media_id] = {
                "caption": container.get("caption", ""),
                "permalink": f"https://www.instagram.com/p/{media_id[-6:]}/",
                "timestamp": "2099-01-01T00:00:00+0000",
            }
            return JSONResponse({"id": media_id})
        return graph_error(f"(#100) Unknown edge {edge}", 100)

    def node(self, node: str, fields: str) -> Response:
        if node in self.containers:
            c = self.containers[node]
            if c["polls"] > 0:
                c["polls"] -= 1
                return JSONResponse({"id": node, "status_code": "IN_PROGRESS", "status": "In Progress"})
            return JSONResponse(
                {
                    "id": node,
                    "status_code": "FINISHED",
                    "status": "Finished: Media has been uploaded and it is ready to be published.",
                }
            )
        if node in self.ig_media:
            m = self.ig_media[node]
            return JSONResponse({"id": node, "permalink": m["permalink"], "like_count": 31, "comments_count": 5})
        if node == PAGE_ID:
            return JSONResponse({"id": PAGE_ID, "followers_count": 980, "fan_count": 950})
        if node == IG_ID:
            return JSONResponse({"id": IG_ID, "followers_count": 4321})
        if node in self.posts:
            return JSONResponse(
                {
                    "id": node,
                    "reactions": {"data": [], "summary": {"total_count": 14, "viewer_reaction": "NONE"}},
                    "comments": {"data": [], "summary": {"order": "ranked", "total_count": 3, "can_comment": True}},
                }
            )
        return graph_error(
            f"(#100) Object with ID '{node}' does not exist, cannot be loaded due to missing permissions, or does not support this operation",
            100,
        )
