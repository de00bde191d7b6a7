"""Serve the app's own plain-HTTP routes (OAuth callback, health, media, CSV) over real HTTP in tests."""

from __future__ import annotations

from starlette.applications import Starlette

from tests.fakes.server import FakeServer


class AppRoutesServer(FakeServer):
    """socialhub_app.routes.extra_routes() behind the same security middleware as the app."""

    def build(self) -> Starlette:
        from socialhub_app.routes import extra_routes
        from socialhub_app.security_middleware import SecurityMiddleware

        return SecurityMiddleware(Starlette(routes=extra_routes()))  # type: ignore[return-value]
