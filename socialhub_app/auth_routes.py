"""Backend routes that own the session cookie: only server responses ever set or clear it.

- `POST /auth/session` (form field `grant`): exchange a one-time sign-in grant for the HttpOnly
  cookie, then 303 to the app. The grant comes from a Reflex event (password, then 2FA) and is
  posted by a tiny form, so it never sits in a URL, and the Origin check refuses login CSRF.
- `POST /auth/logout`: revoke the session, clear the cookie, 303 to /login.
- `GET /auth/verify?token=…`: confirm an email address from the mailed link.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from services import auth, signin
from services.config import get_settings
from services.security.client_ip import client_ip
from services.sessions import cookie_attributes, cookie_name, oidc_step_cookie_name, token_from_cookies
from services.verification import verify_email

log = logging.getLogger("socialhub.auth")
MAX_FORM_BYTES = 4096


def request_client_ip(request: Request) -> str:
    return client_ip(request.client.host if request.client else "", request.headers.get("x-forwarded-for", ""))


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def same_origin(request: Request) -> bool:
    """Browsers send Origin on every POST; one from another site (or "null") is a forged form."""
    origin = request.headers.get("origin")
    if origin is None:
        return request.headers.get("sec-fetch-site", "same-origin") in {"same-origin", "none"}
    allowed = {_origin(get_settings().base_url), f"{request.url.scheme}://{request.headers.get('host', '')}".lower()}
    return origin.lower() in allowed


def _redirect(path: str) -> RedirectResponse:
    response = RedirectResponse(f"{get_settings().base_url}{path}", status_code=303)
    response.headers["Cache-Control"] = "no-store"
    return response


def _safe_next(value: str) -> str:
    """Only a local path: never an open redirect to another host."""
    if value.startswith("/") and not value.startswith("//") and "\\" not in value and len(value) < 500:
        return value
    return "/"


async def _form(request: Request) -> dict[str, str]:
    if int(request.headers.get("content-length") or 0) > MAX_FORM_BYTES:
        return {}
    form = await request.form()
    return {k: str(v) for k, v in form.items() if isinstance(v, str)}


async def create_session(request: Request) -> Response:
    if not same_origin(request):
        return Response("Cross-site sign-in refused.", status_code=403, media_type="text/plain")
    form = await _form(request)
    try:
        token = await run_in_threadpool(
            signin.exchange, form.get("grant", ""), request_client_ip(request), request.headers.get("user-agent", "")
        )
    except auth.AuthError:
        return _redirect("/login?notice=expired")
    response = _redirect(_safe_next(form.get("next", "/")))
    response.set_cookie(cookie_name(), token, max_age=get_settings().session_days * 86400, **cookie_attributes())
    response.delete_cookie(oidc_step_cookie_name(), **cookie_attributes())  # an OIDC 2FA/link step is done
    return response


async def end_session(request: Request) -> Response:
    if not same_origin(request):
        return Response("Cross-site logout refused.", status_code=403, media_type="text/plain")
    await run_in_threadpool(auth.logout, token_from_cookies(request.cookies))
    response = _redirect("/login")
    response.delete_cookie(cookie_name(), **cookie_attributes())
    return response


async def verify(request: Request) -> Response:
    ok = await run_in_threadpool(verify_email, request.query_params.get("token", ""))
    return _redirect("/login?notice=verified" if ok else "/login?notice=verify-failed")


def auth_routes() -> list[Route]:
    return [
        Route("/auth/session", create_session, methods=["POST"]),
        Route("/auth/logout", end_session, methods=["POST"]),
        Route("/auth/verify", verify, methods=["GET"]),
    ]
