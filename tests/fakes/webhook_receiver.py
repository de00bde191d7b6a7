"""A webhook receiver (Starlette on 127.0.0.1) that records every delivery and can misbehave on request.

`POST /hook/<anything>` is recorded. `behaviors["POST /hook"]` holds what the next requests get,
one entry per request: an int status code (500 → a failure the sender must retry) or
("hang", seconds) to keep the request open (the sender is killed meanwhile in the crash test).
`verified(secret)` checks every recorded request's Standard Webhooks signature with the reference
`standardwebhooks` package, as a real receiver would, and returns the parsed payloads.
"""

from __future__ import annotations

import asyncio
from typing import Any

from standardwebhooks.webhooks import Webhook
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fakes.server import FakeServer, RecordedRequest


class WebhookReceiver(FakeServer):
    def build(self) -> Starlette:
        async def hook(request: Request) -> JSONResponse:
            rec = await self.record(request)
            behavior = self.next_behavior("POST /hook")
            if isinstance(behavior, tuple) and behavior[0] == "hang":
                await asyncio.sleep(float(behavior[1]))
            elif isinstance(behavior, int):
                return JSONResponse({"error": "injected"}, status_code=behavior)
            return JSONResponse({"ok": True, "id": rec.headers.get("webhook-id")})

        return Starlette(routes=[Route("/hook/{name:path}", hook, methods=["POST"])])

    def hook_url(self, name: str = "main") -> str:
        return f"{self.url}/hook/{name}"

    def deliveries(self, name: str | None = None) -> list[RecordedRequest]:
        return [r for r in self.recorded if r.path.startswith("/hook/") and (name is None or r.path == f"/hook/{name}")]

    def verified(self, secret: str, name: str | None = None) -> list[dict[str, Any]]:
        """Payloads of the recorded deliveries; raises WebhookVerificationError on a bad signature."""
        return [Webhook(secret).verify(r.body, r.headers) for r in self.deliveries(name)]
