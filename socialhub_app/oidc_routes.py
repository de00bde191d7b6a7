"""`/auth/oidc/<provider>/start` and `/callback`: "Sign in with <provider>" (OpenID Connect).

start: discovery (a provider that is down sends the person back to /login with the reason, where
the password form still works), a new state/nonce/PKCE attempt bound to this browser by an
HttpOnly cookie, then 303 to the provider. callback: the attempt is claimed once, the RFC 9207
`iss` must be the provider's, the code is exchanged and the ID token verified
(services/oidc.py), and then — like `/auth/session` after a password — the session cookie is
set here. An account with 2FA (or an existing account to link) continues on /login with a
short-lived HttpOnly step cookie that the login page reads through the websocket handshake.
"""

from __future__ import annotations

import logging

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from services import oidc, oidc_accounts, oidc_store
from services.config import get_settings
from services.oidc_config import provider
from services.sessions import cookie_attributes, cookie_name, cookie_secure, oidc_step_cookie_name
from socialhub_app.auth_routes import _safe_next, request_client_ip

log = logging.getLogger("socialhub.oidc")
BROWSER_COOKIE = "socialhub_oidc"
BROWSER_PATH = "/auth/oidc"
STEP_SECONDS = 600


def _redirect(path: str) -> RedirectResponse:
    response = RedirectResponse(path if path.startswith("http") else f"{get_settings().base_url}{path}",
                                status_code=303)
    response.headers["Cache-Control"] = "no-store"
    return response


def _failed(provider_id: str, code: str) -> RedirectResponse:
    return _redirect(f"/login?sso={code}&provider={provider_id}")


async def start(request: Request) -> Response:
    pid = request.path_params["provider"]
    p = provider(pid)
    if p is None:
        return _failed("", "unknown")
    try:
        meta = await oidc.discover(p)
    except oidc.OidcError as exc:
        return _failed(pid, exc.code)
    browser = request.cookies.get(BROWSER_COOKIE) or oidc_store.new_browser_secret()
    url = await run_in_threadpool(oidc_store.begin, p, meta, browser, _safe_next(request.query_params.get("next", "/")),
                                  request.query_params.get("invite", ""))
    response = _redirect(url)
    response.set_cookie(BROWSER_COOKIE, browser, max_age=int(oidc_store.LOGIN_LIFETIME.total_seconds()),
                        path=BROWSER_PATH, secure=cookie_secure(), httponly=True, samesite="lax")
    return response


async def callback(request: Request) -> Response:
    pid = request.path_params["provider"]
    p = provider(pid)
    if p is None:
        return _failed("", "unknown")
    q = request.query_params
    try:
        login = await run_in_threadpool(oidc_store.claim, pid, q.get("state", ""), request.cookies.get(BROWSER_COOKIE, ""))
        if q.get("error"):
            raise oidc.OidcError("denied", f"provider error {q.get('error')}")
        meta = await oidc.discover(p)
        if q.get("iss") is not None and q.get("iss") != meta.issuer:  # RFC 9207 mix-up defence
            raise oidc.OidcError("token", "iss parameter is not this provider")
        identity = await oidc.complete(p, meta, q.get("code", ""), login.verifier, login.nonce)
        outcome = await run_in_threadpool(
            oidc_accounts.sign_in, p, identity, login.id, login.next_path, login.invite_token,
            request_client_ip(request), request.headers.get("user-agent", ""),
        )
    except oidc.OidcError as exc:
        log.info("OIDC sign-in with %s refused: %s (%s)", pid, exc.code, exc)
        return _failed(pid, exc.code)
    if outcome.kind == "session":
        response = _redirect(_safe_next(outcome.next_path))
        response.set_cookie(cookie_name(), outcome.value, max_age=get_settings().session_days * 86400,
                            **cookie_attributes())
    else:
        response = _redirect(f"/login?step={outcome.kind}")
        # "mfa:<challenge>" | "link:<ticket>", read by the login page (state/oidc_login.py)
        response.set_cookie(oidc_step_cookie_name(), f"{outcome.kind}:{outcome.value}", max_age=STEP_SECONDS,
                            **cookie_attributes())
    response.delete_cookie(BROWSER_COOKIE, path=BROWSER_PATH, secure=cookie_secure(), httponly=True, samesite="lax")
    return response


def oidc_routes() -> list[Route]:
    return [
        Route("/auth/oidc/{provider}/start", start, methods=["GET"]),
        Route("/auth/oidc/{provider}/callback", callback, methods=["GET"]),
    ]
