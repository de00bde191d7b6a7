"""Posts page."""

from __future__ import annotations

import reflex as rx

from components.layout import empty_state
from socialhub_app.layout import protected_page


@protected_page("/posts", "Posts")
def posts_page() -> rx.Component:
    return empty_state("list", "No posts yet", "Posts you write will be listed here.", "posts-empty")
