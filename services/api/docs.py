"""Interactive API docs at /api/docs: Swagger UI served from this server, never from a CDN.

The page loads only our own files (the swagger-ui-bundle-v2 package ships Swagger UI 5, which
reads OpenAPI 3.1), and its start-up code is a file too, not an inline script, so the app's
Content-Security-Policy (`script-src 'self'`) holds on this page as on every other.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

ASSETS = "/docs/assets"

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SocialHub API reference</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="{root}{assets}/swagger-ui.css"></head>
<body><main id="swagger-ui" data-testid="api-docs"></main>
<script src="{root}{assets}/swagger-ui-bundle.js"></script>
<script src="{root}/docs/start.js"></script></body></html>"""

_START = """window.addEventListener("load", function () {{
  window.ui = SwaggerUIBundle({{url: "{root}/v1/openapi.json", dom_id: "#swagger-ui", deepLinking: true,
    persistAuthorization: false, tryItOutEnabled: false}});
}});"""


def mount_docs(app: FastAPI) -> None:
    """Add /docs (page), /docs/start.js and /docs/assets/* to the API app (mounted at /api)."""
    app.mount(ASSETS, StaticFiles(directory=str(swagger_ui_path)), name="swagger-assets")

    @app.get("/docs", include_in_schema=False)
    def docs_page(request: Request) -> HTMLResponse:
        return HTMLResponse(_PAGE.format(root=_root(request), assets=ASSETS))

    @app.get("/docs/start.js", include_in_schema=False)
    def docs_start(request: Request) -> Response:
        return Response(_START.format(root=_root(request)), media_type="text/javascript")


def _root(request: Request) -> str:
    """Where the API app is mounted ("/api" in the app, "" when a test calls it directly)."""
    return str(request.scope.get("root_path", "")).rstrip("/")
