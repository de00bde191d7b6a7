"""Plain HTTP routes on the backend: health, OAuth callbacks, media and downloads.

They are mounted in front of Reflex (api_transformer), so they work on the single production port.
"""

from __future__ import annotations

import html
import logging

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from services.accounts import complete_oauth_callback
from services.config import get_settings
from services.health import health_status
from socialhub_app.analytics_routes import analytics_routes
from socialhub_app.media_routes import media_routes

log = logging.getLogger("socialhub.routes")


async def health(_request: Request) -> Response:
    try:
        status = health_status()
    except Exception:  # a broken database must show as unhealthy, not as a 500 page
        log.exception("health check failed")
        return JSONResponse({"ok": False, "reason": "database unavailable"}, status_code=503)
    return JSONResponse(status, status_code=200 if status.get("ok") else 503)


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
        outcome = await complete_oauth_callback(platform, params)
    except Exception:
        log.exception("oauth callback failed for %s", platform)
        return _message_page("Connection failed", "Something went wrong while connecting. Nothing was saved.", 400)
    base = get_settings().base_url
    if outcome.ok:
        return RedirectResponse(f"{base}/accounts?connected={len(outcome.account_ids)}", status_code=302)
    return _message_page("Connection failed", outcome.message, 400)


def extra_routes() -> list[Route]:
    return [
        Route("/health", health),
        Route("/oauth/callback/{platform}", oauth_callback),
        *media_routes(),
        *analytics_routes(),
    ]
