"""The MCP server's streamable HTTP transport as one ASGI endpoint, mounted on the app at /mcp.

The bearer token is checked here before the SDK sees the request (401 otherwise), and again per
tool call (so a token revoked mid-session stops at once). The SDK's session manager is started
lazily on first use, inside the serving event loop, so mounting needs no lifespan hook. Stateless
mode with JSON responses: every request stands alone, which is all these tools need and keeps
several backend processes interchangeable. DNS-rebinding protection is off because no cookie is
ever accepted: only the bearer token authenticates.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import anyio.to_thread
from mcp.server.transport_security import TransportSecuritySettings
from starlette.routing import Route

from services.mcp.server import build_server
from services.mcp.tokens import resolve_token

PATH = "/mcp"


class McpEndpoint:
    def __init__(self) -> None:
        self._app: Any = None
        self._lock: asyncio.Lock | None = None
        self._task: asyncio.Task | None = None

    async def _ensure_started(self) -> Any:
        if self._app is not None:
            return self._app
        self._lock = self._lock or asyncio.Lock()
        async with self._lock:
            if self._app is None:
                server = build_server()
                app = server.streamable_http_app(
                    streamable_http_path=PATH,
                    stateless_http=True,
                    json_response=True,
                    transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
                )
                started = asyncio.Event()

                async def run() -> None:
                    async with server.session_manager.run():
                        started.set()
                        await asyncio.Event().wait()

                self._task = asyncio.get_running_loop().create_task(run())
                await started.wait()
                self._app = app
        return self._app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        auth = headers.get("authorization", "")
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
        if await anyio.to_thread.run_sync(resolve_token, token) is None:
            body = json.dumps(
                {"error": "unauthorized", "message": "Send a SocialHub MCP token (AI → MCP access) as a Bearer token."}
            ).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 401,
                    "headers": [(b"content-type", b"application/json"), (b"www-authenticate", b"Bearer")],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        app = await self._ensure_started()
        await app(scope, receive, send)


def mcp_route() -> Route:
    return Route(PATH, endpoint=McpEndpoint())
