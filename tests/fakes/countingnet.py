"""CountingNet: a tiny fake social network that counts every post per idempotency key and per text.

Wire format (what tests/countingnet_adapter.py speaks):
- POST /api/posts             Bearer token, optional `Idempotency-Key`, JSON {"account", "text"}
                              → 200 {"id", "url", "created_at"}. A repeated key returns the first
                              post without creating another (like Mastodon) when `honor_keys`.
- GET  /api/posts?account=&since=  → {"posts": [{"id", "url", "text", "created_at"}]} (lookup)
- POST /oauth/token           form grant_type=refresh_token&refresh_token=… → new access token

Faults for "POST /api/posts" go in `behaviors` (one per request): 429 or ("429", seconds) →
429 + Retry-After; 500 → 500 before anything is created; "timeout" → the post IS created, then
the answer never comes (the client's read timeout fires); 401 → token rejected once.
`revoked = True` rejects every token and refresh (the user revoked access).
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fakes.server import FakeServer


@dataclass
class CreatedPost:
    id: str
    account: str
    text: str
    key: str
    created_at: datetime
    received_at: float  # time.time() when the request arrived (for lateness figures)


class CountingNetServer(FakeServer):
    def __init__(self, latency: float = 0.0, hang_seconds: float = 3.0, honor_keys: bool = True) -> None:
        self.latency = latency
        self.hang_seconds = hang_seconds
        self.honor_keys = honor_keys
        self.posts: list[CreatedPost] = []
        self.requests_by_key: Counter[str] = Counter()
        self.valid_tokens: set[str] = {"token-1"}
        self.valid_refresh: set[str] = {"refresh-1"}
        self.revoked = False
        self.record_requests = True
        self._ids = itertools.count(1)
        self._by_key: dict[str, CreatedPost] = {}
        super().__init__()

    # --- what tests assert on --------------------------------------------------------------
    def created_per_key(self) -> Counter[str]:
        return Counter(p.key for p in self.posts)

    def created_per_text(self) -> Counter[tuple[str, str]]:
        return Counter((p.account, p.text) for p in self.posts)

    # --- wire format -----------------------------------------------------------------------
    def build(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/api/posts", self.create_post, methods=["POST"]),
                Route("/api/posts", self.list_posts, methods=["GET"]),
                Route("/oauth/token", self.token, methods=["POST"]),
            ]
        )

    def _authorized(self, request: Request) -> bool:
        auth = request.headers.get("authorization", "")
        return not self.revoked and auth.startswith("Bearer ") and auth[7:] in self.valid_tokens

    async def create_post(self, request: Request) -> JSONResponse:
        received = time.time()
        if self.record_requests:
            rec = await self.record(request)
            body = rec.json or {}
        else:
            body = await request.json()
        key = request.headers.get("idempotency-key", "")
        behavior = self.next_behavior("POST /api/posts")
        if behavior == 401 or not self._authorized(request):
            return JSONResponse({"error": "The access token is invalid"}, status_code=401)
        with self.lock:
            self.requests_by_key[key] += 1
        if self.latency:
            await asyncio.sleep(self.latency)
        if behavior == 429 or (isinstance(behavior, tuple) and behavior[0] == "429"):
            seconds = behavior[1] if isinstance(behavior, tuple) else 1
            return JSONResponse({"error": "Too many requests"}, status_code=429, headers={"Retry-After": str(seconds)})
        if behavior == 500:
            return JSONResponse({"error": "Internal server error"}, status_code=500)
        if behavior == 422:
            return JSONResponse({"error": "Text is too long"}, status_code=422)
        post = self._create(key, str(body.get("account", "")), str(body.get("text", "")), received)
        if behavior == "timeout":
            await asyncio.sleep(self.hang_seconds)
        return JSONResponse(
            {"id": post.id, "url": f"{self.url}/p/{post.id}", "created_at": post.created_at.isoformat()}
        )

    def _create(self, key: str, account: str, text: str, received: float) -> CreatedPost:
        with self.lock:
            if key and self.honor_keys and key in self._by_key:
                return self._by_key[key]
            post = CreatedPost(str(next(self._ids)), account, text, key, datetime.now(UTC), received)
            self.posts.append(post)
            self._by_key.setdefault(key, post)
            return post

    async def list_posts(self, request: Request) -> JSONResponse:
        await self.record(request)
        if not self._authorized(request):
            return JSONResponse({"error": "The access token is invalid"}, status_code=401)
        account = request.query_params.get("account", "")
        since = datetime.fromisoformat(request.query_params.get("since", "1970-01-01T00:00:00+00:00"))
        with self.lock:
            found = [p for p in self.posts if p.account == account and p.created_at >= since]
        return JSONResponse(
            {
                "posts": [
                    {"id": p.id, "url": f"{self.url}/p/{p.id}", "text": p.text, "created_at": p.created_at.isoformat()}
                    for p in found[-40:]
                ]
            }
        )

    async def token(self, request: Request) -> JSONResponse:
        rec = await self.record(request)
        form = rec.form
        if (
            self.revoked
            or form.get("grant_type") != "refresh_token"
            or form.get("refresh_token") not in self.valid_refresh
        ):
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        n = next(self._ids)
        access, refresh = f"token-r{n}", f"refresh-r{n}"
        with self.lock:
            self.valid_tokens = {access}
            self.valid_refresh = {refresh}
        return JSONResponse(
            {"access_token": access, "refresh_token": refresh, "expires_in": 3600, "token_type": "Bearer"}
        )
