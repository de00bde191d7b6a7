"""The login session of a plain HTTP request (routes outside Reflex's websocket).

The one place that knows which cookie carries the session token: the cookie name (and how it is
set — HttpOnly, `__Host-` prefix) belongs to the auth layer, so routes ask here instead of reading
`request.cookies` themselves.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from services import auth
from services.sessions import token_from_cookies


def session_token(request: Request) -> str | None:
    return token_from_cookies(request.cookies)


async def request_user(request: Request) -> auth.CurrentUser | None:
    """Who is logged in (a database read, kept off the event loop), or None."""
    token = session_token(request)
    if not token:
        return None
    return await run_in_threadpool(auth.resolve_session, token)
