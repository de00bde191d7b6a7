"""The tabs across the AI settings pages (providers, personas, templates, usage)."""

from __future__ import annotations

import reflex as rx

from components.design import field_message

AI_PAGES = [
    ("Providers", "/ai/providers", "plug"),
    ("Personas", "/ai/personas", "user-round"),
    ("Prompt templates", "/ai/templates", "file-text"),
    ("Usage", "/ai/usage", "chart-column"),
    ("MCP access", "/ai/mcp", "key-round"),
]


def ai_subnav(current: str) -> rx.Component:
    """One link per AI page, one tab stop each (a link, not a link wrapping a button); the current page is
    marked with aria-current for screen readers and styled as the selected tab."""
    return rx.el.nav(
        rx.hstack(
            *[
                rx.link(
                    rx.icon(icon, size=14, aria_hidden="true"),
                    label,
                    href=href,
                    underline="none",
                    class_name="sh-tab",
                    custom_attrs={
                        "data-testid": "ai-subnav-" + href.rsplit("/", 1)[-1],
                        "data-current": "true" if href == current else "false",
                        **({"aria-current": "page"} if href == current else {}),
                    },
                )
                for label, href, icon in AI_PAGES
            ],
            spacing="2",
            wrap="wrap",
        ),
        aria_label="AI settings",
        style={"margin_bottom": "12px", "width": "100%"},
    )


def error_callout(message: rx.Var, testid: str, field_id: str | None = None) -> rx.Component:
    """An input problem, shown next to what it is about (no red box; outcomes are toasts from the state)."""
    return field_message(message, field_id=field_id or testid, testid=testid)
