"""Calendar page."""

from __future__ import annotations

import reflex as rx

from components.layout import empty_state
from socialhub_app.layout import protected_page


@protected_page("/calendar", "Calendar")
def calendar_page() -> rx.Component:
    return empty_state(
        "calendar-days", "No posts planned yet", "Scheduled posts will appear on the calendar.", "calendar-empty"
    )
