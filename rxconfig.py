"""Reflex configuration. SocialHub manages its own database (services.db); Reflex gets no db_url."""

import os

import reflex as rx

config = rx.Config(
    app_name="socialhub_app",
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="indigo", radius="medium"))],
    disable_plugins=[rx.plugins.SitemapPlugin],
    telemetry_enabled=False,
    show_built_with_reflex=False,
    frontend_port=int(os.environ.get("SOCIALHUB_PORT", "3000")),
    backend_port=int(os.environ.get("SOCIALHUB_PORT", "3000")),
)
