"""Fake LinkedIn: 3-legged OAuth, /v2/userinfo, versioned /rest/posts and /rest/images uploads.

Versioned endpoints refuse calls without `LinkedIn-Version` (426, like the real API) and answer
a created post with 201 and its URN in the `x-restli-id` header. Errors: {"message","status"}.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import unquote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.oauth_support import authorize_redirect, bearer, injected, new_token
from tests.fakes.server import FakeServer


def error_body(status: int) -> dict[str, Any]:
    messages = {
        401: "Invalid access token",
        422: "Content is a duplicate of urn:li:share:7000000000000000000",
        429: "Resource level throttle APPLICATION DAY limit for calls to this resource is reached.",
    }
    return {
        "message": messages.get(status, "Internal Server Error"),
        "status": status,
        "serviceErrorCode": 65600 if status == 401 else 0,
    }


class LinkedInFake(FakeServer):
    def __init__(self, client_id: str = "li-client", client_secret: str = "li-client-secret-value") -> None:
        self.client_id, self.client_secret = client_id, client_secret
        self.codes: dict[str, dict[str, Any]] = {}
        self.tokens: set[str] = set()
        self.revoked: list[str] = []
        self.posts: dict[str, dict[str, Any]] = {}
        self.images: dict[str, bytes | None] = {}
        super().__init__()

    def grant(self) -> str:
        token = new_token("li-access")
        self.tokens.add(token)
        return token

    def build(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/oauth/v2/authorization", self.authorize),
                Route("/oauth/v2/accessToken", self.token, methods=["POST"]),
                Route("/oauth/v2/revoke", self.revoke, methods=["POST"]),
                Route("/v2/userinfo", self.userinfo),
                Route("/rest/images", self.init_image, methods=["POST"]),
                Route("/upload/{image_id}", self.upload, methods=["PUT"]),
                Route("/rest/posts", self.create_post, methods=["POST"]),
                Route("/rest/posts/{urn}", self.delete_post, methods=["DELETE"]),
                Route("/rest/socialActions/{urn}", self.social_actions),
            ]
        )

    async def _pre(self, request: Request, *, auth: bool = True, versioned: bool = False) -> Response | None:
        await self.record(request)
        early = await injected(self, request, error_body, lambda: {"retry-after": "3600"})
        if early is not None:
            return early
        if auth and bearer(request) not in self.tokens:
            return JSONResponse(error_body(401), status_code=401)
        if versioned and not request.headers.get("linkedin-version"):
            return JSONResponse(
                {"status": 426, "code": "NONEXISTENT_VERSION", "message": "Requested version  is not active"},
                status_code=426,
            )
        if versioned and request.headers.get("x-restli-protocol-version") != "2.0.0":
            return JSONResponse({"status": 400, "message": "Rest.li protocol 2.0.0 required"}, status_code=400)
        return None

    async def authorize(self, request: Request) -> Response:
        await self.record(request)
        return authorize_redirect(request, self.codes, known_client=lambda cid: cid == self.client_id)

    async def token(self, request: Request) -> Response:
        early = await self._pre(request, auth=False)
        if early is not None:
            return early
        form = dict(await request.form())
        if form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
            return JSONResponse(
                {"error": "invalid_client", "error_description": "Client authentication failed"}, status_code=401
            )
        grant = self.codes.pop(form.get("code", ""), None)
        if (
            form.get("grant_type") != "authorization_code"
            or grant is None
            or grant["redirect_uri"] != form.get("redirect_uri")
        ):
            return JSONResponse(
                {
                    "error": "invalid_request",
                    "error_description": "Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code. Or authorization code expired.",
                },
                status_code=400,
            )
        return JSONResponse(
            {
                "access_token": self.grant(),
                "expires_in": 5183999,
                "scope": "openid,profile,w_member_social",
                "token_type": "Bearer",
                "id_token": "eyJ.fake.jwt",
            }
        )

    async def revoke(self, request: Request) -> Response:
        await self.record(request)
        token = (await request.form()).get("token", "")
        self.revoked.append(token)
        self.tokens.discard(token)
        return Response(status_code=200)

    async def userinfo(self, request: Request) -> Response:
        return await self._pre(request) or JSONResponse(
            {
                "sub": "782bbtaQ",
                "name": "Ada Lovelace",
                "given_name": "Ada",
                "family_name": "Lovelace",
                "picture": "https://media.licdn.com/dms/image/ada.jpg",
                "locale": {"country": "US", "language": "en"},
                "email": "ada@example.com",
                "email_verified": True,
            }
        )

    async def init_image(self, request: Request) -> Response:
        early = await self._pre(request, versioned=True)
        if early is not None:
            return early
        if request.query_params.get("action") != "initializeUpload":
            return JSONResponse({"status": 400, "message": "unknown action"}, status_code=400)
        image_id = secrets.token_hex(6)
        self.images[image_id] = None
        return JSONResponse(
            {
                "value": {
                    "uploadUrlExpiresAt": 1650567510704,
                    "uploadUrl": f"{self.url}/upload/{image_id}",
                    "image": f"urn:li:image:{image_id}",
                }
            }
        )

    async def upload(self, request: Request) -> Response:
        await self.record(request)
        self.images[request.path_params["image_id"]] = await request.body()
        return Response(status_code=201)

    async def create_post(self, request: Request) -> Response:
        early = await self._pre(request, versioned=True)
        if early is not None:
            return early
        body = await request.json()
        if any(p["commentary"] == body.get("commentary") for p in self.posts.values()):
            return JSONResponse(error_body(422), status_code=422)
        urn = f"urn:li:share:{7_100_000_000_000_000_000 + len(self.posts)}"
        self.posts[urn] = body
        return Response(status_code=201, headers={"x-restli-id": urn})

    async def delete_post(self, request: Request) -> Response:
        early = await self._pre(request, versioned=True)
        if early is not None:
            return early
        self.posts.pop(unquote(request.path_params["urn"]), None)
        return Response(status_code=204)

    async def social_actions(self, request: Request) -> Response:
        early = await self._pre(request, versioned=True)
        if early is not None:
            return early
        urn = unquote(request.path_params["urn"])
        return JSONResponse(
            {
                "target": urn,
                "likesSummary": {"totalLikes": 12, "likedByCurrentUser": False, "aggregatedTotalLikes": 12},
                "commentsSummary": {"totalFirstLevelComments": 3, "aggregatedTotalComments": 4},
            }
        )
