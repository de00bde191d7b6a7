"""ASGI middleware around the whole backend: security headers and a request-body cap on every route.

Body cap: a request whose Content-Length is over the cap is answered 413 before any of it is read;
one without a length (chunked) is counted while it streams and cut off the moment it passes the cap
(the app sees a disconnect, the client gets 413). Uploads (`/_upload`, the API's `/api/v1/media`) get the upload cap, every
other route `SOCIALHUB_MAX_REQUEST_KB`. The per-file limits are enforced again while the upload is
copied (services.media.storage.store_upload_stream).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from services.config import get_settings
from services.security.http_policy import inline_script_hashes, security_headers

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

UPLOAD_PATHS = ("/_upload", "/api/v1/media")  # the composer's uploads and the REST API's
API_PREFIX = "/api/"
MB = 1024 * 1024


def body_cap(path: str) -> int:
    settings = get_settings()
    if path.rstrip("/") in UPLOAD_PATHS:
        return int(settings.max_upload_request_mb * MB)
    return settings.max_request_kb * 1024


def _too_large_message(cap: int) -> str:
    size = f"{cap / MB:g} MB" if cap >= MB else f"{cap // 1024} KB"
    return f"Request too large: at most {size} can be sent here."


def _too_large_body(cap: int, path: str) -> tuple[bytes, bytes]:
    """(content type, body): API clients get an RFC 9457 problem document, everyone else plain text."""
    message = _too_large_message(cap)
    if path.startswith(API_PREFIX):
        doc = {"type": "urn:socialhub:problem:request-too-large", "title": "Request too large", "status": 413,
               "detail": message, "errors": []}  # fmt: skip
        return b"application/problem+json", json.dumps(doc).encode()
    return b"text/plain; charset=utf-8", message.encode()


class SecurityMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._headers: list[tuple[bytes, bytes]] | None = None

    def headers(self) -> list[tuple[bytes, bytes]]:
        if self._headers is None:  # built once, after the frontend build exists
            self._headers = security_headers(get_settings(), inline_script_hashes())
        return self._headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self.headers()
        cap = body_cap(scope.get("path", ""))
        state = {"started": False, "refused": False}

        async def send_with_headers(message: Message) -> None:
            if state["refused"]:
                return  # we already answered 413; the app's own late answer is dropped
            if message["type"] == "http.response.start":
                state["started"] = True
                present = {name.lower() for name, _ in message.get("headers", [])}
                message = {**message, "headers": [*message.get("headers", []), *(h for h in extra if h[0] not in present)]}
            await send(message)

        async def refuse() -> None:
            state["refused"] = True
            if state["started"]:
                return
            content_type, body = _too_large_body(cap, scope.get("path", ""))
            await send(
                {
                    "type": "http.response.start",
                    "status": 413,
                    "headers": [(b"content-type", content_type), (b"connection", b"close"), *extra],
                }
            )
            await send({"type": "http.response.body", "body": body})

        declared = _content_length(scope)
        if declared is not None and declared > cap:
            await refuse()
            return

        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            if state["refused"]:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:
                    await refuse()
                    return {"type": "http.disconnect"}
            return message

        await self.app(scope, counting_receive, send_with_headers)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
