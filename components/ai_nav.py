"""The tabs across the AI settings pages (providers, personas, templates, usage)."""

from __future__ import annotations

import reflex as rx

AI_PAGES = [
    ("Providers", "/ai/providers", "plug"),
    ("Personas", "/ai/personas", "user-round"),
    ("Prompt templates", "/ai/templates", "file-text"),
    ("Usage", "/ai/usage", "chart-column"),
    ("MCP access", "/ai/mcp", "key-round"),
]


def ai_subnav(current: str) -> rx.Component:
    return rx.hstack(
        *[
            rx.link(
                rx.button(
                    rx.icon(icon, size=14),
                    label,
                    size="2",
                    variant="solid" if href == current else "soft",
                    color_scheme="violet" if href == current else "gray",
                ),
                href=href,
                custom_attrs={"data-testid": "ai-subnav-" + href.rsplit("/", 1)[-1]},
            )
            for label, href, icon in AI_PAGES
        ],
        spacing="2",
        wrap="wrap",
        margin_bottom="12px",
    )


def error_callout(message: rx.Var, testid: str) -> rx.Component:
    return rx.cond(
        message != "",
        rx.callout(
            message, icon="triangle-alert", color_scheme="red", width="100%", custom_attrs={"data-testid": testid}
        ),
    )
