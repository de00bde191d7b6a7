"""`/metrics` in the Prometheus text format (see services/publishing/metrics.py for what it holds).

Who may read it: with SOCIALHUB_METRICS_TOKEN set, any client presenting `Authorization: Bearer
<token>`; without a token, only clients on this machine — judged by the socket's peer address, and
never for a request that came through a proxy (Forwarded / X-Forwarded-For present), since a proxy
on localhost would otherwise make every outside request look local.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from services.config import get_settings

PROXY_HEADERS = ("forwarded", "x-forwarded-for", "x-real-ip")


def _is_local(request: Request) -> bool:
    if any(h in request.headers for h in PROXY_HEADERS):
        return False
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _allowed(request: Request) -> tuple[bool, str]:
    token = get_settings().metrics_token
    if token:
        given = request.headers.get("authorization", "")
        if given.startswith("Bearer ") and hmac.compare_digest(given[7:].strip().encode(), token.encode()):
            return True, ""
        return False, "metrics need 'Authorization: Bearer <SOCIALHUB_METRICS_TOKEN>'"
    if _is_local(request):
        return True, ""
    return False, "metrics are served to localhost only (set SOCIALHUB_METRICS_TOKEN to allow remote scrapes)"


async def metrics_endpoint(request: Request) -> Response:
    ok, reason = _allowed(request)
    if not ok:
        return PlainTextResponse(reason + "\n", status_code=401 if get_settings().metrics_token else 403)
    from services.publishing.metrics import CONTENT_TYPE, render

    body = await asyncio.to_thread(render)  # database queries: never on the event loop
    return Response(body, media_type=CONTENT_TYPE)
