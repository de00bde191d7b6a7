"""/review: what waits for the current person's review in the current workspace, oldest first."""

from __future__ import annotations

import reflex as rx

from components.approvals import review_list
from socialhub_app.layout import protected_page
from state.approvals import ReviewQueueState


@protected_page("/review", "Review", on_load=[ReviewQueueState.load])
def review_page() -> rx.Component:
    return rx.vstack(review_list(), width="100%", spacing="3")
