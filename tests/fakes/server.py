"""Run a Starlette fake (a platform API) on 127.0.0.1:<random port> in a thread, recording requests.

Each fake exposes `recorded` (every request: method, path, query, headers, body, json, form) and
`behaviors`: a dict the test fills to inject faults, e.g. {"POST /api/v1/statuses": [429, 500]}
consumed one entry per matching request. Fakes speak their platform's documented wire format.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    at: float = field(default_factory=time.time)

    @property
    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None

    @property
    def form(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(self.body.decode(errors="replace")).items()}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FakeServer:
    """Base for fakes: subclass, build `self.app` (Starlette) in `build()`; call `record(request)`."""

    def __init__(self) -> None:
        self.port = free_port()
        self.recorded: list[RecordedRequest] = []
        self.behaviors: dict[str, list[Any]] = {}
        self.lock = threading.Lock()
        self.app: Starlette = self.build()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def build(self) -> Starlette:
        raise NotImplementedError

    async def record(self, request: Request) -> RecordedRequest:
        body = await request.body()
        rec = RecordedRequest(
            method=request.method,
            path=request.url.path,
            query=parse_qs(request.url.query),
            headers={k.lower(): v for k, v in request.headers.items()},
            body=body,
        )
        with self.lock:
            self.recorded.append(rec)
        return rec

    def next_behavior(self, key: str) -> Any:
        """Pop the next injected behavior for 'METHOD /path' (None = behave normally)."""
        with self.lock:
            queue = self.behaviors.get(key)
            if queue:
                return queue.pop(0)
        return None

    def requests_to(self, method: str, path: str) -> list[RecordedRequest]:
        return [r for r in self.recorded if r.method == method and r.path == path]

    def start(self) -> FakeServer:
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.time() + 10
        while not self._server.started:
            if time.time() > deadline:
                raise RuntimeError("fake server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        if self._server:
            self._server.should_exit = True
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


async def sleep(seconds: float) -> None:
    await asyncio.sleep(seconds)
