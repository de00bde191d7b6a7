"""Settings page."""

from __future__ import annotations

import reflex as rx

from components.layout import empty_state
from socialhub_app.layout import protected_page


@protected_page("/settings", "Settings")
def settings_page() -> rx.Component:
    return empty_state("settings", "Settings", "Workspace and personal settings will appear here.", "settings-empty")
