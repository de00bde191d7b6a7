"""The shell's workspace switcher (a native-keyboard select) and a dialog to create/rename workspaces."""

from __future__ import annotations

import reflex as rx

from components.design import field_message
from state.workspaces import WorkspaceState as W


def _option(ws: rx.Var) -> rx.Component:
    # a long name stays on one line with an ellipsis; the full name is the item's tooltip
    return rx.select.item(ws["name"], value=ws["id"], class_name="sh-ws-option",
                          custom_attrs={"data-testid": "workspace-option-" + ws["id"], "title": ws["name"]})


def _manage_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.icon_button(
                rx.icon("settings-2", size=16),
                variant="ghost",
                aria_label="Manage workspaces",
                custom_attrs={"data-testid": "manage-workspaces"},
            )
        ),
        rx.dialog.content(
            rx.dialog.title("Workspaces"),
            rx.vstack(
                rx.text("Rename this workspace", as_="label", html_for="workspace-rename", size="2", weight="bold"),
                rx.hstack(
                    rx.input(
                        id="workspace-rename",
                        aria_label="Workspace name",
                        value=W.rename_to,
                        on_change=W.set_rename_to,
                        custom_attrs={"data-testid": "workspace-rename-input"},
                    ),
                    rx.button("Rename", on_click=W.rename, custom_attrs={"data-testid": "workspace-rename-button"}),
                ),
                rx.text("New workspace", as_="label", html_for="workspace-new", size="2", weight="bold"),
                rx.hstack(
                    rx.input(
                        id="workspace-new",
                        aria_label="New workspace name",
                        value=W.new_name,
                        on_change=W.set_new_name,
                        placeholder="Client name",
                        custom_attrs={"data-testid": "workspace-new-input"},
                    ),
                    rx.button("Create", on_click=W.create, custom_attrs={"data-testid": "workspace-create-button"}),
                ),
                rx.cond(
                    W.current_role == "owner",
                    rx.vstack(
                        rx.text(
                            "Delete this workspace (Owner only): its posts, accounts, tokens and media are removed for good. "
                            "Type its name to confirm.",
                            as_="label",
                            html_for="workspace-delete",
                            size="2",
                            weight="bold",
                        ),
                        rx.hstack(
                            rx.input(
                                id="workspace-delete",
                                aria_label="Type the workspace name to confirm deletion",
                                value=W.delete_confirm,
                                on_change=W.set_delete_confirm,
                                custom_attrs={"data-testid": "workspace-delete-confirm"},
                            ),
                            rx.button(
                                "Delete workspace",
                                color_scheme="red",
                                on_click=W.delete_current,
                                disabled=W.delete_confirm != W.current_name,
                                custom_attrs={"data-testid": "workspace-delete-button"},
                            ),
                        ),
                        spacing="2",
                        width="100%",
                    ),
                ),
                # input problems of the fields above (name taken, too long …): said here, no toast on top
                field_message(W.error, field_id="workspace-dialog", testid="workspace-error"),
                rx.dialog.close(rx.button("Close", variant="soft", color_scheme="gray")),
                spacing="2",
            ),
        ),
        open=W.dialog_open,
        on_open_change=W.set_dialog_open,
    )


def workspace_switcher() -> rx.Component:
    return rx.hstack(
        rx.select.root(
            rx.select.trigger(
                aria_label="Workspace",
                class_name="sh-ws-trigger",
                custom_attrs={"data-testid": "workspace-switcher", "title": W.current_name},
                min_width="160px",
            ),
            rx.select.content(rx.foreach(W.workspaces, _option)),
            value=W.current_id,
            on_change=W.switch,
        ),
        _manage_dialog(),
        align="center",
        spacing="1",
    )
