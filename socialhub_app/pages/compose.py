"""Compose page."""

from __future__ import annotations

import reflex as rx

from components.layout import empty_state
from socialhub_app.layout import protected_page


@protected_page("/compose", "Compose")
def compose_page() -> rx.Component:
    return empty_state(
        "pen-line",
        "Nothing to compose with yet",
        "Connect an account first, then write your first post here.",
        "compose-empty",
    )
