"""Fake Mastodon instance: app registration, OAuth (auto-approving consent), statuses, media.

Any client registered through `POST /api/v1/apps` works, so the Playwright test can run the
real redirect dance: `MastodonFake().start()` in a session fixture, then connect `fake.url`.
Errors use Mastodon's `{"error": "..."}` body; 429 carries X-RateLimit-* headers (ISO reset).
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.oauth_support import authorize_redirect, bearer, injected, new_token, s256
from tests.fakes.server import FakeServer


def error_body(status: int) -> dict[str, str]:
    messages = {
        401: "The access token is invalid",
        404: "Record not found",
        422: "Validation failed: Text can't be blank",
        429: "Too many requests",
    }
    return {"error": messages.get(status, "Internal server error" if status >= 500 else "Error")}


class MastodonFake(FakeServer):
    def __init__(self) -> None:
        self.apps: dict[str, dict[str, Any]] = {}  # client_id → {client_secret, redirect_uris}
        self.codes: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, str] = {}  # access token → client_id
        self.revoked: list[str] = []
        self.statuses: dict[str, dict[str, Any]] = {}
        self.media: dict[str, dict[str, Any]] = {}
        self.idempotent: dict[tuple[str, str], str] = {}
        self.media_processing_polls = 0  # >0: uploads answer 202 and need that many 206 polls
        self.account = {
            "id": "109876543210",
            "username": "alice",
            "acct": "alice",
            "display_name": "Alice Example",
            "followers_count": 321,
        }
        super().__init__()

    def grant(self, client_id: str = "test-client") -> str:
        token = new_token("masto-access")
        self.tokens[token] = client_id
        return token

    def build(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/api/v1/apps", self.register_app, methods=["POST"]),
                Route("/oauth/authorize", self.authorize),
                Route("/oauth/token", self.token, methods=["POST"]),
                Route("/oauth/revoke", self.revoke, methods=["POST"]),
                Route("/api/v1/accounts/verify_credentials", self.verify_credentials),
                Route("/api/v1/accounts/{account_id}/statuses", self.account_statuses),
                Route("/api/v2/media", self.upload_media, methods=["POST"]),
                Route("/api/v1/media/{media_id}", self.get_media),
                Route("/api/v1/statuses", self.create_status, methods=["POST"]),
                Route("/api/v1/statuses/{status_id}", self.status, methods=["GET", "DELETE"]),
            ]
        )

    def _account_json(self) -> dict[str, Any]:
        return {
            **self.account,
            "url": f"{self.url}/@{self.account['username']}",
            "avatar": f"{self.url}/avatars/alice.png",
            "statuses_count": len(self.statuses),
        }

    async def _pre(self, request: Request, *, auth: bool = True) -> Response | None:
        await self.record(request)
        reset = (datetime.now(UTC) + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        early = await injected(
            self,
            request,
            error_body,
            lambda: {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset},
        )
        if early is not None:
            return early
        if auth and bearer(request) not in self.tokens:
            return JSONResponse(error_body(401), status_code=401)
        return None

    # --- apps and OAuth --------------------------------------------------------------
    async def register_app(self, request: Request) -> Response:
        early = await self._pre(request, auth=False)
        if early is not None:
            return early
        form = dict(await request.form())
        if not form.get("client_name") or not form.get("redirect_uris"):
            return JSONResponse({"error": "Validation failed: Name can't be blank"}, status_code=422)
        client_id, secret = new_token("client"), new_token("client-secret")
        self.apps[client_id] = {"client_secret": secret, "redirect_uris": form["redirect_uris"].split()}
        return JSONResponse(
            {
                "id": str(len(self.apps)),
                "name": form["client_name"],
                "website": form.get("website"),
                "scopes": form.get("scopes", "read").split(),
                "redirect_uri": form["redirect_uris"],
                "redirect_uris": form["redirect_uris"].split(),
                "client_id": client_id,
                "client_secret": secret,
                "vapid_key": "BCk-QqERU0q-CfYZjcuB6lnyyOYfJ2AifKqfeGIm7Z-HiTU5T9eTG5GxVA0_OH5mMlI4UkkDTpaZwozy0TzdZ2M=",
            }
        )

    async def authorize(self, request: Request) -> Response:
        await self.record(request)
        redirect_uri = request.query_params.get("redirect_uri")

        def redirect_ok(client_id: str) -> bool:
            return client_id in self.apps and redirect_uri in self.apps[client_id]["redirect_uris"]

        return authorize_redirect(request, self.codes, known_client=redirect_ok)

    async def token(self, request: Request) -> Response:
        early = await self._pre(request, auth=False)
        if early is not None:
            return early
        form = dict(await request.form())
        app = self.apps.get(form.get("client_id", ""))
        if app is None or app["client_secret"] != form.get("client_secret"):
            return JSONResponse(
                {
                    "error": "invalid_client",
                    "error_description": "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.",
                },
                status_code=401,
            )
        grant = self.codes.pop(form.get("code", ""), None)
        if (
            grant is None
            or grant["redirect_uri"] != form.get("redirect_uri")
            or grant["client_id"] != form["client_id"]
        ):
            return JSONResponse(
                {
                    "error": "invalid_grant",
                    "error_description": "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.",
                },
                status_code=400,
            )
        if grant["challenge"] and s256(form.get("code_verifier", "")) != grant["challenge"]:
            return JSONResponse(
                {"error": "invalid_grant", "error_description": "The PKCE code verifier is invalid."}, status_code=400
            )
        token = self.grant(form["client_id"])
        return JSONResponse(
            {"access_token": token, "token_type": "Bearer", "scope": "read write", "created_at": int(time.time())}
        )

    async def revoke(self, request: Request) -> Response:
        early = await self._pre(request, auth=False)
        if early is not None:
            return early
        form = dict(await request.form())
        app = self.apps.get(form.get("client_id", ""))
        if app is None or app["client_secret"] != form.get("client_secret"):
            return JSONResponse(
                {"error": "unauthorized_client", "error_description": "You are not authorized to revoke this token"},
                status_code=403,
            )
        self.revoked.append(form.get("token", ""))
        self.tokens.pop(form.get("token", ""), None)
        return JSONResponse({})

    async def verify_credentials(self, request: Request) -> Response:
        return await self._pre(request) or JSONResponse(self._account_json())

    # --- statuses --------------------------------------------------------------------
    def _status_json(self, status: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": status["id"],
            "created_at": status["created_at"],
            "content": status["content"],
            "url": f"{self.url}/@alice/{status['id']}",
            "uri": f"{self.url}/users/alice/statuses/{status['id']}",
            "visibility": status["visibility"],
            "in_reply_to_id": status.get("in_reply_to_id"),
            "replies_count": 4,
            "reblogs_count": 6,
            "favourites_count": 25,
            "media_attachments": [self.media[m] for m in status["media_ids"]],
            "account": self._account_json(),
        }

    async def create_status(self, request: Request) -> Response:
        early = await self._pre(request)
        if early is not None:
            return early
        key = request.headers.get("idempotency-key", "")
        if key and (bearer(request), key) in self.idempotent:
            return JSONResponse(self._status_json(self.statuses[self.idempotent[(bearer(request), key)]]))
        body = await request.json()
        text = body.get("status", "")
        media_ids = body.get("media_ids") or []
        if not text and not media_ids:
            return JSONResponse(error_body(422), status_code=422)
        if any(m not in self.media or self.media[m]["url"] is None for m in media_ids):
            return JSONResponse(
                {"error": "Cannot attach files that have not finished processing. Try again in a moment!"},
                status_code=422,
            )
        status_id = str(112_000_000_000_000_000 + len(self.statuses))
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        self.statuses[status_id] = {
            "id": status_id,
            "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "content": f"<p>{escaped}</p>",
            "visibility": body.get("visibility", "public"),
            "in_reply_to_id": body.get("in_reply_to_id"),
            "media_ids": media_ids,
        }
        if key:
            self.idempotent[(bearer(request), key)] = status_id
        return JSONResponse(self._status_json(self.statuses[status_id]))

    async def status(self, request: Request) -> Response:
        early = await self._pre(request)
        if early is not None:
            return early
        status = self.statuses.get(request.path_params["status_id"])
        if status is None:
            return JSONResponse(error_body(404), status_code=404)
        if request.method == "DELETE":
            del self.statuses[status["id"]]
        return JSONResponse(self._status_json(status))

    async def account_statuses(self, request: Request) -> Response:
        early = await self._pre(request)
        if early is not None:
            return early
        if request.path_params["account_id"] != self.account["id"]:
            return JSONResponse(error_body(404), status_code=404)
        limit = int(request.query_params.get("limit", "20"))
        statuses = [self._status_json(s) for s in reversed(self.statuses.values())][:limit]
        return JSONResponse(statuses)

    # --- media -----------------------------------------------------------------------
    async def upload_media(self, request: Request) -> Response:
        early = await self._pre(request)
        if early is not None:
            return early
        form = await request.form()
        upload = form.get("file")
        if upload is None or not hasattr(upload, "read"):
            return JSONResponse({"error": "Validation failed: File can't be blank"}, status_code=422)
        content = await upload.read()
        media_id = str(110_000 + len(self.media))
        processing = self.media_processing_polls > 0
        self.media[media_id] = {
            "id": media_id,
            "type": "image" if upload.content_type.startswith("image/") else "video",
            "url": None if processing else f"{self.url}/media/{media_id}",
            "description": form.get("description"),
            "size": len(content),
            "pending_polls": self.media_processing_polls,
        }
        await asyncio.sleep(0)
        return JSONResponse(self.media[media_id], status_code=202 if processing else 200)

    async def get_media(self, request: Request) -> Response:
        early = await self._pre(request)
        if early is not None:
            return early
        media = self.media.get(request.path_params["media_id"])
        if media is None:
            return JSONResponse(error_body(404), status_code=404)
        if media["pending_polls"] > 0:
            media["pending_polls"] -= 1
            return JSONResponse(media, status_code=206)
        media["url"] = f"{self.url}/media/{media['id']}"
        return JSONResponse(media, status_code=200)
