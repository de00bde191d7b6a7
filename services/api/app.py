"""The REST API as one FastAPI app, mounted by the Reflex app at /api (socialhub_app/routes.py).

Paths here are relative to that mount: /v1/posts is served at /api/v1/posts, the OpenAPI 3.1
document at /api/v1/openapi.json and the interactive reference at /api/docs. The schema is
generated from the route signatures and Pydantic models, so it can't drift from the code.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request

from services.api import problems
from services.api.auth import RateLimitHeaders
from services.api.docs import mount_docs
from services.api.problems import ApiProblem
from services.api.routes_media import router as media_router
from services.api.routes_posts import router as posts_router
from services.api.routes_team import router as team_router
from services.api.routes_workspace import router as workspace_router

MOUNT = "/api"
DESCRIPTION = """Automate SocialHub: the same services, rules and publishing engine as the app.

* **Auth**: `Authorization: Bearer sh_live_…` — create keys under *API keys*. A key acts with its role,
  never above its creator's current role.
* **Errors**: RFC 9457 `application/problem+json` with a stable `type`, the app's own message as
  `detail`, and `errors` for field problems. Another workspace's ids are 404.
* **Idempotency**: send `Idempotency-Key` on `POST /posts` and `POST /media`; a retry returns the first
  answer (24 h, per key).
* **Rate limit**: a token bucket per key (`RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset`;
  429 with `Retry-After`).
"""


def _query_names(dependant: Any) -> set[str]:
    """The query parameter names a route declares, its dependencies' included."""
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def refuse_unknown_query(request: Request) -> None:
    """Unknown query parameters are refused like unknown body fields: a typo must not be silently ignored."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    known = _query_names(dependant)
    unknown = [name for name in dict.fromkeys(request.query_params.keys()) if name not in known]
    if unknown:
        errors = [{"field": name, "in": "query", "message": "Unknown query parameter."} for name in unknown]
        raise ApiProblem(422, "validation-error", f"Unknown query parameter: {', '.join(unknown)}.", errors)


def build_api() -> FastAPI:
    app = FastAPI(
        title="SocialHub API",
        version="1.0.0",
        description=DESCRIPTION,
        openapi_url="/v1/openapi.json",
        docs_url=None,  # served by mount_docs without a CDN
        redoc_url=None,  # the mount's root_path (/api) becomes the document's server URL
    )
    v1 = APIRouter(prefix="/v1", dependencies=[Depends(refuse_unknown_query)])
    v1.include_router(workspace_router)
    v1.include_router(posts_router)
    v1.include_router(media_router)
    v1.include_router(team_router)
    app.include_router(v1)
    problems.install(app)
    app.add_middleware(RateLimitHeaders)
    mount_docs(app)
    return app
