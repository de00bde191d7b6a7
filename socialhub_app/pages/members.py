"""Members: who is in the workspace (role, last activity), invites by link, role changes, removal."""

from __future__ import annotations

from typing import Any

import reflex as rx

from components.design import confirm_action, field_message, truncated_name
from socialhub_app.layout import protected_page
from state.members import ROLE_CHOICES, MembersState

M = MembersState


def _select(value: rx.Var | str, on_change: Any, label: rx.Var | str, testid: rx.Var | str) -> rx.Component:
    """An explicit root/trigger so the trigger (the focusable button) carries the label and test id."""
    return rx.select.root(
        rx.select.trigger(aria_label=label, custom_attrs={"data-testid": testid}),
        rx.select.content(*[rx.select.item(r.capitalize(), value=r) for r in ROLE_CHOICES]),
        value=value,
        on_change=on_change,
    )


def _role_select(member: rx.Var) -> rx.Component:
    return rx.cond(
        M.can_manage,
        _select(
            member["role"],
            lambda role: M.set_role(member["user_id"], role),
            "Role of " + member["name"],
            "member-role-" + member["email"],
        ),
        rx.text(member["role"], size="2"),
    )


def member_row(member: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            truncated_name(member["name"], testid="member-name", weight="bold", size="2", max_width="260px"),
            truncated_name(member["email"], testid="member-email", size="1", max_width="260px"),
        ),
        rx.table.cell(_role_select(member)),
        rx.table.cell(rx.text(member["last_active"], size="2")),
        rx.table.cell(
            rx.cond(
                M.can_manage | (member["is_me"] == "yes"),
                confirm_action(
                    rx.button(
                        rx.cond(member["is_me"] == "yes", "Leave", "Remove"),
                        color_scheme="red",
                        variant="soft",
                        size="1",
                        aria_label=rx.cond(member["is_me"] == "yes", "Leave this workspace", "Remove " + member["name"]),
                        custom_attrs={"data-testid": "member-remove-" + member["email"]},
                    ),
                    title=rx.cond(member["is_me"] == "yes", "Leave this workspace?",
                                  "Remove " + member["name"].to(str) + " from this workspace?"),
                    description=rx.cond(member["is_me"] == "yes",
                                        "You lose access to its posts and accounts until someone invites you again.",
                                        member["email"].to(str) + " loses access at once; their posts stay."),
                    confirm_label="Yes, remove",
                    on_confirm=M.remove(member["user_id"]),
                    testid="member-remove-dialog",
                ),
            )
        ),
        custom_attrs={"data-testid": "member-row"},
    )


def invite_form() -> rx.Component:
    return rx.vstack(
        rx.heading("Invite someone", size="4", as_="h2"),
        rx.hstack(
            rx.vstack(
                rx.text("Email", as_="label", html_for="invite-email", size="2"),
                rx.input(
                    id="invite-email",
                    aria_label="Email",
                    type="email",
                    value=M.invite_email,
                    on_change=M.set_invite_email,
                    aria_describedby="invite-email-message",
                    custom_attrs={"data-testid": "invite-email"},
                ),
                field_message(M.error, field_id="invite-email", testid="members-error"),
                spacing="1",
            ),
            rx.vstack(
                rx.text("Role", size="2"),
                _select(M.invite_role, M.set_invite_role, "Invite role", "invite-role"),
                spacing="1",
            ),
            rx.button("Create invite link", on_click=M.invite, custom_attrs={"data-testid": "invite-button"}),
            align="end",
            spacing="3",
            wrap="wrap",  # phones: the fields stack instead of scrolling sideways
        ),
        rx.cond(
            M.invite_link != "",
            rx.vstack(
                rx.text("Single-use link (valid for a limited time) — copy it and send it:", size="2"),
                rx.input(
                    value=M.invite_link,
                    read_only=True,
                    width="100%",
                    aria_label="Invite link",
                    custom_attrs={"data-testid": "invite-link"},
                ),
                width="100%",
            ),
        ),
        width="100%",
    )


def pending_row(invite: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(invite["email"]),
        rx.table.cell(invite["role"]),
        rx.table.cell(invite["expires"]),
        rx.table.cell(
            confirm_action(
                rx.button(
                    "Revoke",
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    aria_label="Revoke invite for " + invite["email"],
                    custom_attrs={"data-testid": "invite-revoke-" + invite["email"]},
                ),
                title="Revoke the invite for " + invite["email"].to(str) + "?",
                description="The invite link stops working. You can invite them again later.",
                confirm_label="Revoke invite",
                on_confirm=M.revoke(invite["id"]),
                testid="invite-revoke-dialog",
            )
        ),
        custom_attrs={"data-testid": "pending-invite"},
    )


@protected_page("/members", "Members", on_load=[MembersState.load])
def members_page() -> rx.Component:
    return rx.vstack(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell("Member"),
                    rx.table.column_header_cell("Role"),
                    rx.table.column_header_cell("Last active"),
                    rx.table.column_header_cell(""),
                )
            ),
            rx.table.body(rx.foreach(M.members, member_row)),
            width="100%",
        ),
        rx.cond(
            M.can_manage,
            rx.vstack(
                invite_form(),
                rx.cond(
                    M.pending.length() > 0,
                    rx.table.root(
                        rx.table.body(rx.foreach(M.pending, pending_row)),
                        width="100%",
                    ),
                ),
                width="100%",
            ),
        ),
        width="100%",
        spacing="4",
    )
