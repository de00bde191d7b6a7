"""Plain HTTP routes on the backend: health, OAuth callbacks, media and downloads.

They are mounted in front of Reflex (api_transformer), so they work on the single production port.
"""

from __future__ import annotations

import html
import ipaddress
import logging

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route

from services.accounts import complete_oauth_callback
from services.api.app import MOUNT, build_api
from services.config import get_settings
from services.health import health_status
from services.mcp.http import mcp_route
from socialhub_app.analytics_routes import analytics_routes
from socialhub_app.audit_routes import audit_routes
from socialhub_app.auth_routes import auth_routes
from socialhub_app.export_routes import export_routes
from socialhub_app.media_routes import media_routes
from socialhub_app.metrics_route import metrics_endpoint
from socialhub_app.oidc_routes import oidc_routes
from socialhub_app.request_session import request_user, session_token

log = logging.getLogger("socialhub.routes")


FORWARDING_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip", "x-forwarded-host")


def is_local_request(request: Request) -> bool:
    """Opened on this machine itself: the socket peer is loopback and no proxy forwarded it.

    The peer address comes from the server socket, not from a header a client can write; a request
    that came through a reverse proxy on this host carries forwarding headers and is not local.
    """
    peer = request.client.host if request.client else ""
    try:
        loopback = ipaddress.ip_address(peer).is_loopback
    except ValueError:
        return False
    return loopback and not any(h in request.headers for h in FORWARDING_HEADERS)


async def _may_see_health_details(request: Request) -> bool:
    if is_local_request(request):
        return True
    user = await request_user(request)
    # the instance admin, not any workspace owner: on an open instance everyone owns a workspace
    return user is not None and user.is_instance_admin


async def health(request: Request) -> Response:
    """Public: only `ok` and the scheduler's age. Workers, hosts, pids and errors: the instance admin or localhost."""
    try:
        status = await run_in_threadpool(health_status)
    except Exception:  # a broken database must show as unhealthy, not as a 500 page
        log.exception("health check failed")
        status = {"ok": False, "age_seconds": None, "error": "database unavailable"}
    public = {"ok": bool(status.get("ok")), "scheduler_age_s": status.get("age_seconds")}
    body = {**public, "details": status} if await _may_see_health_details(request) else public
    return JSONResponse(body, status_code=200 if public["ok"] else 503, headers={"Cache-Control": "no-store"})


def _message_page(title: str, message: str, status: int) -> HTMLResponse:
    base = html.escape(get_settings().base_url)
    body = (
        f"<!doctype html><title>{html.escape(title)}</title>"
        f"<body style='font-family:sans-serif;max-width:40em;margin:4em auto'>"
        f"<h1 data-testid='callback-title'>{html.escape(title)}</h1>"
        f"<p data-testid='callback-message'>{html.escape(message)}</p>"
        f"<p><a data-testid='callback-back' href='{base}/accounts'>Back to Accounts</a></p></body>"
    )
    return HTMLResponse(body, status_code=status)


async def oauth_callback(request: Request) -> Response:
    platform = request.path_params.get("platform", "")
    params = {k: v for k, v in request.query_params.items()}
    try:
        outcome = await complete_oauth_callback(platform, params, session_token=session_token(request))
    except Exception:
        log.exception("oauth callback failed for %s", platform)
        return _message_page("Connection failed", "Something went wrong while connecting. Nothing was saved.", 400)
    base = get_settings().base_url
    if outcome.ok:
        return RedirectResponse(f"{base}/accounts?connected={len(outcome.account_ids)}", status_code=302)
    return _message_page("Connection failed", outcome.message, 400)


def extra_routes() -> list[Route | Mount]:
    return [
        Mount(MOUNT, app=build_api()),  # the REST API (/api/v1/…, docs at /api/docs)
        Route("/health", health),
        Route("/oauth/callback/{platform}", oauth_callback),
        Route("/metrics", metrics_endpoint),
        *media_routes(),
        *analytics_routes(),
        *audit_routes(),
        *export_routes(),
        mcp_route(),  # the MCP server for AI agents (streamable HTTP at /mcp)
        *auth_routes(),
        *oidc_routes(),
    ]
