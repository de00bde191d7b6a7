"""/invite?token=…: a dead link gets a clear page; a live one joins (logged in) or signs up/logs in."""

from __future__ import annotations

import reflex as rx

from state.auth import AuthState
from state.members import InviteState as I


def _live() -> rx.Component:
    return rx.vstack(
        rx.heading("Join " + I.workspace, size="6", class_name="sh-ellipsis", title=I.workspace,
                   custom_attrs={"data-testid": "invite-workspace"}),
        rx.text("You are invited as ", rx.text.strong(I.role), " (" + I.email + ")."),
        rx.cond(
            AuthState.authenticated,
            rx.button("Join workspace", on_click=I.join, custom_attrs={"data-testid": "invite-join"}),
            rx.vstack(
                rx.link(
                    "Create an account and join",
                    href=I.register_href,
                    custom_attrs={"data-testid": "invite-register"},
                ),
                rx.text("Already have an account? Log in, then open this link again.", size="2"),
                rx.link("Log in", href="/login", custom_attrs={"data-testid": "invite-login"}),
            ),
        ),
        spacing="3",
    )


@rx.page(route="/invite", title="Invite · SocialHub", on_load=I.load)
def invite_page() -> rx.Component:
    return rx.center(
        rx.card(
            rx.cond(
                I.problem != "",
                rx.vstack(
                    rx.heading("This invite can't be used", size="5"),
                    rx.text(I.problem, custom_attrs={"data-testid": "invite-problem"}),
                    rx.link("Go to SocialHub", href="/"),
                ),
                _live(),
            ),
            max_width="480px",
            width="100%",
        ),
        padding="48px 16px",
    )
