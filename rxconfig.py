"""Reflex configuration. SocialHub manages its own database (services.db); Reflex gets no db_url."""

import os

import reflex as rx

from services.security.http_policy import allowed_origins

PORT = int(os.environ.get("SOCIALHUB_PORT", "3000"))
# The browser connects its websocket here; it is baked into the frontend build, so it must be the
# public URL users open (run.sh rebuilds when it changes). SOCIALHUB_FRONTEND_API_URL overrides it
# for prebuilt bundles: the Docker image bakes http://localhost:3000, which Reflex's frontend
# rewrites to the page's own host (and to wss:// on the default port when the page is https), so
# the image works behind any hostname without a rebuild at start.
API_URL = (
    os.environ.get("SOCIALHUB_FRONTEND_API_URL")
    or os.environ.get("SOCIALHUB_API_URL")
    or os.environ.get("SOCIALHUB_BASE_URL")
    or f"http://localhost:{PORT}"
)
# Several web processes share every browser session through Redis (Reflex's redis state manager);
# without it each process keeps its sessions to itself.
REDIS_URL = os.environ.get("REDIS_URL") or os.environ.get("REFLEX_REDIS_URL") or ""
BASE_URL = os.environ.get("SOCIALHUB_BASE_URL") or f"http://localhost:{PORT}"

config = rx.Config(
    app_name="socialhub_app",
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="indigo", radius="medium"))],
    disable_plugins=[rx.plugins.SitemapPlugin],
    telemetry_enabled=False,
    show_built_with_reflex=False,
    frontend_port=PORT,
    backend_port=PORT,
    api_url=API_URL.rstrip("/"),
    # CORS and the websocket accept only the instance's own public origin(s), never any origin.
    cors_allowed_origins=allowed_origins(BASE_URL, API_URL),
    **({"redis_url": REDIS_URL, "state_manager_mode": "redis"} if REDIS_URL else {}),
)
