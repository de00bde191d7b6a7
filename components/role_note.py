"""Why some controls are missing: the person's role in this workspace.

The UI hides what a role can't do so nobody clicks into a refusal, and says so instead of leaving
a gap; the server's `require(user, action)` is still what counts (services/permissions.py).
"""

from __future__ import annotations

import reflex as rx

from state.auth import AuthState


def role_note() -> rx.Component:
    """Nothing for roles that may publish; a Contributor or read-only note for the others."""
    return rx.cond(
        AuthState.can_write,
        rx.cond(
            AuthState.can_publish,
            rx.fragment(),
            rx.callout(
                "As a Contributor you write drafts and submit them for approval; an Editor, Admin or Owner "
                "reviews and publishes them.",
                icon="info",
                custom_attrs={"data-testid": "role-note"},
            ),
        ),
        rx.callout(
            "You're a " + AuthState.role_label + " in this workspace: read only.",
            icon="eye",
            custom_attrs={"data-testid": "role-note"},
        ),
    )
