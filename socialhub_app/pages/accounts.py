"""Accounts page."""

from __future__ import annotations

import reflex as rx

from components.layout import empty_state
from socialhub_app.layout import protected_page


@protected_page("/accounts", "Accounts")
def accounts_page() -> rx.Component:
    return empty_state(
        "users", "No accounts connected yet", "Connect a social account to start publishing.", "accounts-empty"
    )
