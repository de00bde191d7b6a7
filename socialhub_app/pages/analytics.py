"""Analytics page."""

from __future__ import annotations

import reflex as rx

from components.layout import empty_state
from socialhub_app.layout import protected_page


@protected_page("/analytics", "Analytics")
def analytics_page() -> rx.Component:
    return empty_state("chart-line", "No analytics yet", "Metrics appear once posts are published.", "analytics-empty")
