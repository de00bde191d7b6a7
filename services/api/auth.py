"""Who is calling: the Bearer key → an ApiActor, its rate limit, and the permission check of each route.

`acting(action)` is the dependency every route declares: it resolves the key (401 with the precise
reason: missing, unknown, revoked, expired, creator gone), spends one token of the key's bucket
(429 + Retry-After when empty) and then calls `services.permissions.require` with the route's
action name — the same check the UI and the MCP tools make. Routes whose action depends on the
request (create a draft vs. publish) declare `authenticated` and call `require` themselves, as do
the comment routes, whose service (services.comments) makes the check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.api import ratelimit
from services.api.keys import ApiActor, KeyRejected, resolve_key
from services.api.problems import ApiProblem
from services.permissions import require

bearer = HTTPBearer(auto_error=False, description="An API key from the API keys page: `sh_live_…`.")
RATE_STATE = "socialhub_rate"


def authenticated(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> ApiActor:
    """Sync on purpose: FastAPI runs it in a worker thread, so the key lookup never blocks the loop."""
    try:
        actor = resolve_key(credentials.credentials if credentials is not None else "")
    except KeyRejected as exc:
        raise ApiProblem(401, f"api-key-{exc.reason}", str(exc), headers={"WWW-Authenticate": "Bearer"}) from None
    decision = ratelimit.take(str(actor.key_id))
    request.scope.setdefault("state", {})[RATE_STATE] = decision
    if not decision.allowed:
        raise ApiProblem(
            429,
            "rate-limited",
            f"Too many requests for this key: at most {decision.limit} a minute. "
            f"Retry in {decision.retry_after} s.",
        )
    return actor


Actor = Annotated[ApiActor, Depends(authenticated)]


def acting(action: str) -> Callable[..., ApiActor]:
    """A dependency: the authenticated actor, once `require(actor, action)` passed."""

    def dependency(actor: Actor) -> ApiActor:
        require(actor, action)
        return actor

    dependency.__name__ = f"require_{action.replace('.', '_')}"
    return dependency


class RateLimitHeaders:
    """ASGI middleware: every answer to an authenticated call carries RateLimit-* (and Retry-After on 429)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_rate(message: dict) -> None:
            decision = scope.get("state", {}).get(RATE_STATE)
            if message["type"] == "http.response.start" and decision is not None:
                extra = [(k.lower().encode(), v.encode()) for k, v in decision.headers().items()]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_rate)
