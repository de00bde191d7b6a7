"""Fake X API v2: OAuth 2.0 + PKCE (confidential client), tweets, media upload, metrics.

Shapes follow docs.x.com: problem-details error bodies ({"title","detail","type","status"}),
`x-rate-limit-*` headers on 429, rotating refresh tokens (a used refresh token is dead).
"""

from __future__ import annotations

import base64
import re
import time
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.oauth_support import authorize_redirect, bearer, injected, new_token, s256
from tests.fakes.server import FakeServer

PROBLEM_TITLES = {
    400: "Invalid Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    429: "Too Many Requests",
}


def problem(status: int, detail: str = "") -> dict[str, Any]:
    title = PROBLEM_TITLES.get(status, "Service Unavailable" if status >= 500 else "Error")
    return {"title": title, "detail": detail or title, "type": "about:blank", "status": status}


def _as_returned(text: str) -> str:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"https?://\S+", "https://t.co/AbC123xyz", escaped)


class XFake(FakeServer):
    def __init__(self, client_id: str = "x-client-id", client_secret: str = "x-client-secret-value") -> None:
        self.client_id, self.client_secret = client_id, client_secret
        self.codes: dict[str, dict[str, Any]] = {}
        self.access_tokens: dict[str, str] = {}  # token → user id
        self.refresh_tokens: dict[str, str] = {}
        self.revoked: list[str] = []
        self.user = {"id": "2244994945", "name": "SocialHub Test", "username": "socialhub_test"}
        self.followers = 1234
        self.tweets: dict[str, dict[str, Any]] = {}
        self.media: dict[str, bytes] = {}
        self.access_lifetime = 7200
        super().__init__()

    # --- helpers for tests -----------------------------------------------------------
    def grant(self) -> tuple[str, str]:
        """Issue a token pair as if the user had connected (access, refresh)."""
        access, refresh = new_token("x-access"), new_token("x-refresh")
        self.access_tokens[access] = self.user["id"]
        self.refresh_tokens[refresh] = self.user["id"]
        return access, refresh

    def expire_access(self, token: str) -> None:
        self.access_tokens.pop(token, None)

    def build(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/i/oauth2/authorize", self.authorize),
                Route("/2/oauth2/token", self.token, methods=["POST"]),
                Route("/2/oauth2/revoke", self.revoke, methods=["POST"]),
                Route("/2/users/me", self.me),
                Route("/2/users/{user_id}", self.user_by_id),
                Route("/2/users/{user_id}/tweets", self.user_tweets),
                Route("/2/media/upload", self.media_upload, methods=["POST"]),
                Route("/2/tweets", self.create_tweet, methods=["POST"]),
                Route("/2/tweets", self.lookup_tweets, methods=["GET"]),
                Route("/2/tweets/{tweet_id}", self.delete_tweet, methods=["DELETE"]),
            ]
        )

    async def _pre(self, request: Request, *, auth: bool = True) -> Response | None:
        await self.record(request)
        early = await injected(
            self,
            request,
            problem,
            lambda: {
                "x-rate-limit-limit": "100",
                "x-rate-limit-remaining": "0",
                "x-rate-limit-reset": str(int(time.time()) + 900),
            },
        )
        if early is not None:
            return early
        if auth and bearer(request) not in self.access_tokens:
            return JSONResponse(problem(401, "Unauthorized"), status_code=401)
        return None

    # --- OAuth -----------------------------------------------------------------------
    async def authorize(self, request: Request) -> Response:
        await self.record(request)
        return authorize_redirect(request, self.codes, known_client=lambda cid: cid == self.client_id)

    def _client_ok(self, request: Request) -> bool:
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        return request.headers.get("authorization", "") == f"Basic {expected}"

    async def token(self, request: Request) -> Response:
        early = await self._pre(request, auth=False)
        if early is not None:
            return early
        form = dict(await request.form())
        if not self._client_ok(request):
            return JSONResponse(
                {"error": "unauthorized_client", "error_description": "Missing valid authorization header"},
                status_code=401,
            )
        if form.get("grant_type") == "authorization_code":
            grant = self.codes.pop(form.get("code", ""), None)
            if grant is None or grant["redirect_uri"] != form.get("redirect_uri"):
                return JSONResponse(
                    {
                        "error": "invalid_request",
                        "error_description": "Value passed for the authorization code was invalid.",
                    },
                    status_code=400,
                )
            if s256(form.get("code_verifier", "")) != grant["challenge"]:
                return JSONResponse(
                    {
                        "error": "invalid_request",
                        "error_description": "Value passed for the code verifier did not match the code challenge.",
                    },
                    status_code=400,
                )
        elif form.get("grant_type") == "refresh_token":
            if self.refresh_tokens.pop(form.get("refresh_token", ""), None) is None:  # rotation: single use
                return JSONResponse(
                    {"error": "invalid_request", "error_description": "Value passed for the token was invalid."},
                    status_code=400,
                )
        else:
            return JSONResponse(
                {"error": "unsupported_grant_type", "error_description": "grant_type not supported"}, status_code=400
            )
        access, refresh = self.grant()
        return JSONResponse(
            {
                "token_type": "bearer",
                "expires_in": self.access_lifetime,
                "access_token": access,
                "scope": "tweet.read tweet.write users.read media.write offline.access",
                "refresh_token": refresh,
            }
        )

    async def revoke(self, request: Request) -> Response:
        await self.record(request)
        if not self._client_ok(request):
            return JSONResponse(
                {"error": "unauthorized_client", "error_description": "Missing valid authorization header"},
                status_code=401,
            )
        token = (await request.form()).get("token", "")
        self.revoked.append(token)
        self.access_tokens.pop(token, None)
        self.refresh_tokens.pop(token, None)
        return JSONResponse({"revoked": True})

    # --- users -----------------------------------------------------------------------
    def _user_json(self) -> dict[str, Any]:
        return {
            **self.user,
            "profile_image_url": "https://pbs.twimg.com/profile_images/1/avatar_normal.jpg",
            "public_metrics": {
                "followers_count": self.followers,
                "following_count": 10,
                "tweet_count": len(self.tweets),
                "listed_count": 1,
            },
        }

    async def me(self, request: Request) -> Response:
        return await self._pre(request) or JSONResponse({"data": self._user_json()})

    async def user_by_id(self, request: Request) -> Response:
        early = await self._pre(request)
        if early is not None:
            return early
        if request.path_params["user_id"] != self.user["id"]:
            return JSONResponse(
                {
                    "errors": [
                        {
                            "title": "Not Found Error",
                            "detail": "Could not find user",
                            "type": "https://api.twitter.com/2/problems/resource-not-found",
                        }
                    ]
                }
            )
        return JSONResponse({"data": self._user_json()})

    async def user_tweets(self, request: Request) -> Response:
        early = await self._pre(request)
        if early is not None:
            return early
        # X returns text HTML-escaped (&amp; &lt; &gt;) and URLs rewritten to t.co.
        tweets = [
            {
                "id": t["id"],
                "text": _as_returned(t["text"]),
                "created_at": t["created_at"],
                "edit_history_tweet_ids": [t["id"]],
            }
            for t in reversed(self.tweets.values())
        ]
        body: dict[str, Any] = {"meta": {"result_count": len(tweets)}}
        if tweets:
            body["data"] = tweets
        return JSONResponse(body)

    # --- content ---------------------------------------------------------------------
    async def media_upload(self, request: Request) -> Response:
        early = await self._pre(request)
        if early is not None:
            return early
        form = await request.form()
        upload = form.get("media")
        if upload is None or not hasattr(upload, "read"):
            return JSONResponse(problem(400, "media is required"), status_code=400)
        media_id = str(1_000_000 + len(self.media))
        self.media[media_id] = await upload.read()
        return JSONResponse(
            {
                "data": {
                    "id": media_id,
                    "media_key": f"3_{media_id}",
                    "size": len(self.media[media_id]),
                    "expires_after_secs": 86400,
                }
            }
        )

    async def create_tweet(self, request: Request) -> Response:
        early = await self._pre(request)
        if early is not None:
            return early
        body = await request.json()
        text = body.get("text", "")
        if any(t["text"] == text for t in self.tweets.values()):
            return JSONResponse(
                problem(403, "You are not allowed to create a Tweet with duplicate content."), status_code=403
            )
        for media_id in (body.get("media") or {}).get("media_ids", []):
            if media_id not in self.media:
                return JSONResponse(problem(400, f"Your media IDs are invalid: {media_id}"), status_code=400)
        tweet_id = str(1_790_000_000_000_000_000 + len(self.tweets))
        self.tweets[tweet_id] = {
            "id": tweet_id,
            "text": text,
            "created_at": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
            "metrics": {
                "retweet_count": 3,
                "reply_count": 2,
                "like_count": 17,
                "quote_count": 1,
                "bookmark_count": 0,
                "impression_count": 512,
            },
        }
        return JSONResponse(
            {"data": {"id": tweet_id, "text": text, "edit_history_tweet_ids": [tweet_id]}}, status_code=201
        )

    async def lookup_tweets(self, request: Request) -> Response:
        early = await self._pre(request)
        if early is not None:
            return early
        ids = request.query_params.get("ids", "").split(",")
        found = [
            {
                "id": i,
                "text": self.tweets[i]["text"],
                "edit_history_tweet_ids": [i],
                "public_metrics": self.tweets[i]["metrics"],
            }
            for i in ids
            if i in self.tweets
        ]
        missing = [
            {
                "value": i,
                "detail": f"Could not find tweet with ids: [{i}].",
                "title": "Not Found Error",
                "resource_type": "tweet",
                "parameter": "ids",
                "resource_id": i,
                "type": "https://api.twitter.com/2/problems/resource-not-found",
            }
            for i in ids
            if i not in self.tweets
        ]
        body: dict[str, Any] = {}
        if found:
            body["data"] = found
        if missing:
            body["errors"] = missing
        return JSONResponse(body)

    async def delete_tweet(self, request: Request) -> Response:
        early = await self._pre(request)
        if early is not None:
            return early
        deleted = self.tweets.pop(request.path_params["tweet_id"], None) is not None
        return JSONResponse({"data": {"deleted": deleted}})
