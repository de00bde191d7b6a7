"""Fake Discord webhooks: `GET/POST /api/webhooks/<id>/<token>`, `DELETE …/messages/<id>`.

POST takes JSON or multipart (`payload_json` + `files[n]`) and, with `?wait=true`, answers with the
message object. Errors use Discord's `{"message": …, "code": …}`; a 429 carries `retry_after`
(float seconds) and the X-RateLimit-* headers. Faults queue under "POST webhook" / "GET webhook".
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.oauth_support import STALL_SECONDS
from tests.fakes.server import FakeServer

WEBHOOK_ID = "112233445566778899"
WEBHOOK_TOKEN = "fakeWebhookToken_abcdefghijklmnopqrstuvwxyz0123456789"
GUILD_ID = "998877665544332211"
CHANNEL_ID = "555666777888999000"


class DiscordFake(FakeServer):
    def __init__(self) -> None:
        self.webhooks: dict[str, dict[str, Any]] = {}
        self.messages: list[dict[str, Any]] = []
        self.retry_after = 2.5
        super().__init__()
        self.reset()

    def reset(self) -> None:
        self.webhooks = {
            WEBHOOK_ID: {"token": WEBHOOK_TOKEN, "name": "SocialHub Announcements", "channel_id": CHANNEL_ID,
                         "guild_id": GUILD_ID}
        }
        self.messages.clear()
        self.behaviors.clear()
        self.recorded.clear()
        self.retry_after = 2.5

    def webhook_url(self, webhook_id: str = WEBHOOK_ID, token: str = WEBHOOK_TOKEN) -> str:
        return f"{self.url}/api/webhooks/{webhook_id}/{token}"

    def build(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/api/webhooks/{wid}/{token}", self.webhook, methods=["GET", "POST"]),
                Route("/api/webhooks/{wid}/{token}/messages/{mid}", self.message, methods=["GET", "DELETE"]),
            ]
        )

    def _error(self, status: int) -> JSONResponse:
        if status == 429:
            body = {"message": "You are being rate limited.", "retry_after": self.retry_after, "global": False}
            headers = {
                "X-RateLimit-Limit": "5",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset-After": str(self.retry_after),
                "X-RateLimit-Bucket": "abcd1234",
                "Retry-After": str(int(self.retry_after) + 1),
            }
            return JSONResponse(body, status_code=429, headers=headers)
        messages = {400: ("Cannot send an empty message", 50006), 404: ("Unknown Webhook", 10015)}
        message, code = messages.get(status, ("Internal Server Error", 0))
        return JSONResponse({"message": message, "code": code}, status_code=status)

    async def _pre(self, request: Request, key: str) -> tuple[dict | None, Response | None]:
        await self.record(request)
        behavior = self.next_behavior(key)
        if behavior == "timeout":
            await asyncio.sleep(STALL_SECONDS)
        elif isinstance(behavior, int):
            return None, self._error(behavior)
        hook = self.webhooks.get(request.path_params["wid"])
        if hook is None:
            return None, self._error(404)
        if hook["token"] != request.path_params["token"]:
            return None, JSONResponse({"message": "Invalid Webhook Token", "code": 50027}, status_code=401)
        return hook, None

    async def webhook(self, request: Request) -> Response:
        hook, err = await self._pre(request, f"{request.method} webhook")
        if err:
            return err
        wid = request.path_params["wid"]
        if request.method == "GET":
            return JSONResponse(
                {"id": wid, "type": 1, "name": hook["name"], "avatar": None, "channel_id": hook["channel_id"],
                 "guild_id": hook["guild_id"], "application_id": None, "token": hook["token"]}
            )
        ctype = request.headers.get("content-type", "")
        files: list[dict[str, Any]] = []
        if ctype.startswith("multipart/form-data"):
            form = await request.form()
            payload = json.loads(str(form.get("payload_json") or "{}"))
            for key, value in form.multi_items():
                if isinstance(value, UploadFile):
                    data = await value.read()
                    files.append({"field": key, "filename": value.filename, "size": len(data),
                                  "content_type": value.content_type})
        else:
            payload = await request.json()
        content = str(payload.get("content") or "")
        if not content and not files:
            return self._error(400)
        if len(content) > 2000:
            return JSONResponse({"message": "Invalid Form Body", "code": 50035}, status_code=400)
        if len(files) > 10:
            return JSONResponse({"message": "Too many attachments", "code": 50035}, status_code=400)
        message = {
            "id": str(1_300_000_000_000_000_000 + len(self.messages) + 1),
            "type": 0,
            "content": content,
            "channel_id": hook["channel_id"],
            "webhook_id": wid,
            "timestamp": datetime.now(UTC).isoformat(),
            "attachments": files,
            "allowed_mentions": payload.get("allowed_mentions"),
        }
        self.messages.append(message)
        if request.query_params.get("wait") != "true":
            return Response(status_code=204)
        return JSONResponse(message)

    async def message(self, request: Request) -> Response:
        _hook, err = await self._pre(request, f"{request.method} message")
        if err:
            return err
        mid = request.path_params["mid"]
        found = [m for m in self.messages if m["id"] == mid]
        if not found:
            return JSONResponse({"message": "Unknown Message", "code": 10008}, status_code=404)
        if request.method == "DELETE":
            self.messages = [m for m in self.messages if m["id"] != mid]
            return Response(status_code=204)
        return JSONResponse(found[0])
