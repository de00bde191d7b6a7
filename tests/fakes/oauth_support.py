"""Helpers the platform fakes share: fault injection, PKCE checks, the authorize redirect, fake JWTs."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import secrets
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from tests.fakes.server import FakeServer

#: how long a "timeout" behavior stalls (tests use a client read timeout well below this)
STALL_SECONDS = 1.5


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def new_token(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(12)}"


def fake_jwt(sub: str, lifetime_seconds: int, *, scope: str = "") -> str:
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    claims = {"sub": sub, "exp": int(time.time()) + lifetime_seconds, "jti": secrets.token_hex(8)}
    if scope:
        claims["scope"] = scope
    return f"{part({'alg': 'ES256K', 'typ': 'JWT'})}.{part(claims)}.{secrets.token_hex(16)}"


def bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    return header[7:] if header.lower().startswith("bearer ") else ""


async def injected(
    fake: FakeServer,
    request: Request,
    error_body: Callable[[int], Any],
    rate_headers: Callable[[], dict[str, str]] = lambda: {"retry-after": "30"},
) -> Response | None:
    """Apply the next behavior queued for 'METHOD /path': an int status, a dict response, or "timeout".

    "timeout" stalls and then answers normally, like a platform that posts but answers too late.
    """
    behavior = fake.next_behavior(f"{request.method} {request.url.path}")
    if behavior is None:
        return None
    if behavior == "timeout":
        await asyncio.sleep(STALL_SECONDS)
        return None
    if isinstance(behavior, int):
        headers = rate_headers() if behavior == 429 else {}
        return JSONResponse(error_body(behavior), status_code=behavior, headers=headers)
    return JSONResponse(
        behavior.get("json", {}), status_code=behavior.get("status", 200), headers=behavior.get("headers")
    )


def authorize_redirect(
    request: Request,
    codes: dict[str, dict[str, Any]],
    *,
    client_param: str = "client_id",
    known_client: Callable[[str], bool],
) -> Response:
    """A consent screen that always approves: 302 back to redirect_uri with a fresh code and the state."""
    q = request.query_params
    client_id, redirect_uri = q.get(client_param, ""), q.get("redirect_uri", "")
    if not known_client(client_id):
        return JSONResponse({"error": "invalid_client", "error_description": "unknown client"}, status_code=400)
    if not redirect_uri:
        return JSONResponse({"error": "invalid_request", "error_description": "redirect_uri missing"}, status_code=400)
    if q.get("deny"):
        params = {"error": "access_denied", "error_description": "The user denied access", "state": q.get("state", "")}
        return RedirectResponse(f"{redirect_uri}?{urlencode(params)}", status_code=302)
    code = new_token("code")
    codes[code] = {
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "challenge": q.get("code_challenge", ""),
        "method": q.get("code_challenge_method", ""),
        "scope": q.get("scope", ""),
    }
    sep = "&" if "?" in redirect_uri else "?"
    return RedirectResponse(
        f"{redirect_uri}{sep}{urlencode({'code': code, 'state': q.get('state', '')})}", status_code=302
    )


def issue_code(codes: dict[str, dict[str, Any]], client_id: str, redirect_uri: str, verifier: str = "") -> str:
    """What the authorize endpoint would have issued (tests that skip the browser step)."""
    code = new_token("code")
    codes[code] = {
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "challenge": s256(verifier) if verifier else "",
        "method": "S256" if verifier else "",
        "scope": "",
    }
    return code


def configure_env(monkeypatch: Any, env: dict[str, str], data_dir: Any = None) -> None:
    """Point settings at fakes (and, outside the `db` fixture, at a throwaway data dir and key)."""
    from services.config import reset_settings

    if data_dir is not None:
        monkeypatch.setenv("SOCIALHUB_DATA_DIR", str(data_dir))
        monkeypatch.setenv("SOCIALHUB_SECRET_KEY", "adapter-test-secret")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    reset_settings()
