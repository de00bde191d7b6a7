"""A fake OpenAI-compatible chat completions server (the wire format OpenAI, vLLM, Ollama and LM Studio share).

`POST /v1/chat/completions` answers with `reply_text` (a JSON completion, or SSE chunks
`data: {...}` ending in `data: [DONE]`, with a usage chunk when `stream_options.include_usage`).
Inject faults per request through `behaviors["POST /v1/chat/completions"]`:
  401 / 429 / 500 / 503                  that status with an OpenAI-style error body
  {"status": 429, "retry_after": "7"}    a status with a Retry-After header
  {"delay": 2.0}                         answer only after sleeping (to trigger client timeouts)
  {"text": "..."}                        reply with this text once
  {"no_usage": True}                     leave usage out (servers that do not report it)
  {"break_after": 2}                     stream two words, then drop the connection
Like the real OpenAI API, a 401 body echoes the key it was given, so tests can prove we never pass it on.

Vision: a user message whose content is a list of parts (`{"type": "text"}` / `{"type": "image_url"}`)
is accepted like any other; `vision_requests()` returns the image parts received.
`POST /v1/images/generations` answers `{"created", "data": [{"b64_json": <PNG>}]}` (a real PNG made
with Pillow); behaviors under IMAGES_ROUTE: a status int, {"status": 429, "retry_after": "7"},
{"no_data": True}, {"not_an_image": True} (base64 of bytes that are not an image), {"url_only": True}.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.fakes.server import FakeServer

ROUTE = "POST /v1/chat/completions"
IMAGES_ROUTE = "POST /v1/images/generations"


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    return " ".join(p.get("text", "") for p in content or [] if isinstance(p, dict) and p.get("type") == "text")


def png_bytes(width: int = 64, height: int = 48, color: tuple[int, int, int] = (200, 120, 40)) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


def count_words(text: str) -> int:
    return len(text.split())


class FakeOpenAIServer(FakeServer):
    def __init__(self, reply_text: str = "Fresh coffee and warm pastries are waiting for you.") -> None:
        self.reply_text = reply_text
        self.valid_keys: set[str] | None = None  # None: any key is accepted
        super().__init__()

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    def chat_requests(self) -> list[Any]:
        return [r.json for r in self.requests_to("POST", "/v1/chat/completions")]

    def vision_requests(self) -> list[dict]:
        parts = []
        for body in self.chat_requests():
            for message in (body or {}).get("messages", []):
                if isinstance(message.get("content"), list):
                    parts += [p for p in message["content"] if p.get("type") == "image_url"]
        return parts

    def image_requests(self) -> list[Any]:
        return [r.json for r in self.requests_to("POST", "/v1/images/generations")]

    def build(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/v1/chat/completions", self.chat_completions, methods=["POST"]),
                Route("/v1/images/generations", self.images_generations, methods=["POST"]),
            ]
        )

    async def images_generations(self, request: Request) -> Response:
        import base64

        rec = await self.record(request)
        key = rec.headers.get("authorization", "").removeprefix("Bearer ").strip()
        behavior = self.next_behavior(IMAGES_ROUTE)
        if self.valid_keys is not None and key not in self.valid_keys:
            return self._error(401, key)
        if isinstance(behavior, int):
            return self._error(behavior, key, "7" if behavior == 429 else None)
        if isinstance(behavior, dict) and "status" in behavior:
            return self._error(int(behavior["status"]), key, behavior.get("retry_after"))
        options = behavior if isinstance(behavior, dict) else {}
        if options.get("no_data"):
            return JSONResponse({"created": int(time.time()), "data": []})
        if options.get("url_only"):
            return JSONResponse({"created": int(time.time()), "data": [{"url": "http://127.0.0.1:1/x.png"}]})
        payload = b"this is not an image at all" if options.get("not_an_image") else png_bytes()
        return JSONResponse({"created": int(time.time()), "data": [{"b64_json": base64.b64encode(payload).decode()}]})

    def _error(self, status: int, key: str, retry_after: str | None = None) -> JSONResponse:
        messages = {
            401: (f"Incorrect API key provided: {key}.", "invalid_request_error", "invalid_api_key"),
            429: ("Rate limit reached for requests.", "requests", "rate_limit_exceeded"),
        }
        message, kind, code = messages.get(
            status, ("The server had an error processing your request.", "server_error", None)
        )
        headers = {"retry-after": retry_after} if retry_after else {}
        return JSONResponse({"error": {"message": message, "type": kind, "param": None, "code": code}}, status, headers)

    async def chat_completions(self, request: Request) -> Response:
        rec = await self.record(request)
        body = rec.json or {}
        key = rec.headers.get("authorization", "").removeprefix("Bearer ").strip()
        behavior = self.next_behavior(ROUTE)
        if isinstance(behavior, dict) and "delay" in behavior:
            await asyncio.sleep(float(behavior["delay"]))
        if self.valid_keys is not None and key not in self.valid_keys:
            return self._error(401, key)
        if isinstance(behavior, int):
            return self._error(behavior, key, "7" if behavior == 429 else None)
        if isinstance(behavior, dict) and "status" in behavior:
            return self._error(int(behavior["status"]), key, behavior.get("retry_after"))
        options = behavior if isinstance(behavior, dict) else {}
        text = options.get("text", self.reply_text)
        prompt_words = sum(count_words(_text(m.get("content", ""))) for m in body.get("messages", []))
        usage = {
            "prompt_tokens": prompt_words,
            "completion_tokens": count_words(text),
            "total_tokens": prompt_words + count_words(text),
        }
        if options.get("no_usage"):
            usage = None
        model = body.get("model", "")
        if not body.get("stream"):
            payload: dict[str, Any] = {
                "id": "chatcmpl-fake",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            }
            if usage:
                payload["usage"] = usage
            return JSONResponse(payload)
        include_usage = bool((body.get("stream_options") or {}).get("include_usage")) and usage is not None
        return StreamingResponse(
            self._sse(model, text, usage if include_usage else None, options.get("break_after")),
            media_type="text/event-stream",
        )

    async def _sse(self, model: str, text: str, usage: dict | None, break_after: int | None) -> AsyncIterator[bytes]:
        def chunk(delta: dict, finish: str | None = None, **extra: Any) -> bytes:
            data = {
                "id": "chatcmpl-fake",
                "object": "chat.completion.chunk",
                "created": int(time.time()),
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                **extra,
            }
            return f"data: {json.dumps(data)}\n\n".encode()

        yield chunk({"role": "assistant", "content": ""})
        for i, word in enumerate(re.findall(r"\S+\s*", text)):
            if break_after is not None and i >= break_after:
                raise ConnectionResetError("fake server dropped the stream")
            yield chunk({"content": word})
        yield chunk({}, "stop")
        if usage:
            final = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": int(time.time()),
                     "model": model, "choices": [], "usage": usage}  # fmt: skip
            yield f"data: {json.dumps(final)}\n\n".encode()
        yield b"data: [DONE]\n\n"
