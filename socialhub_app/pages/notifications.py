"""Notifications: the full list (the bell's popover shows the same), newest first, with mark read."""

from __future__ import annotations

import reflex as rx

from components.notifications import notification_list
from socialhub_app.layout import protected_page
from state.notifications import NotificationsState


@protected_page("/notifications", "Notifications", on_load=[NotificationsState.load])
def notifications_page() -> rx.Component:
    return rx.box(notification_list(), max_width="720px", width="100%")
