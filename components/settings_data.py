"""Settings → Your data: download my data, workspace export (Owner) and import (Owner/Admin), delete my account.

Its own module (and state) so the settings page adds it with one line; see state/settings_data.py.
"""

from __future__ import annotations

import reflex as rx

from components.automation import named_file_input
from components.fields import field_label
from components.settings_sections import section
from state.settings_data import IMPORT_UPLOAD_ID, SettingsDataState

D = SettingsDataState


def _export_status(v: rx.Var, prefix: str) -> rx.Component:
    """Progress while the archive is built, then the signed link (it expires)."""
    return rx.fragment(
        rx.cond(
            (v["status"] == "running") | (v["status"] == "queued"),
            rx.vstack(
                rx.progress(value=v["progress"].to(int), max=100, width="100%",
                            custom_attrs={"data-testid": f"{prefix}-progress", "aria-label": "Export progress"}),  # fmt: skip
                rx.text(v["message"], " ", v["progress"].to(str), "%", size="1", color_scheme="gray"),
                width="100%",
            ),
        ),
        rx.cond(
            v["status"] == "ready",
            rx.hstack(
                rx.button(rx.icon("download", size=16, aria_hidden="true"), "Download ZIP", variant="soft",
                          on_click=D.download(prefix), aria_label="Download the archive",
                          custom_attrs={"data-testid": f"{prefix}-download"}),  # fmt: skip
                rx.text(v["size"], " · the link expires after two days", size="1", color_scheme="gray"),
                align="center",
            ),
        ),
        rx.cond((v["status"] == "failed") | (v["status"] == "expired"),
                rx.text(v["message"], size="2", color_scheme="red", custom_attrs={"data-testid": f"{prefix}-failed"})),  # fmt: skip
    )


def _download_mine() -> rx.Component:
    return rx.vstack(
        rx.heading("Download my data", size="3", as_="h3"),
        rx.text("One ZIP with what SocialHub holds about you in every workspace: profile, posts you wrote, your "
                "comments, media you uploaded, sessions, tokens (names only) and audit entries. It is built in the "
                "background; you can leave this page.", size="2", color_scheme="gray"),  # fmt: skip
        rx.button("Request my data", on_click=D.request_export("personal"), aria_label="Request my data",
                  custom_attrs={"data-testid": "my-data-request"}),  # fmt: skip
        _export_status(D.mine, "my-data"),
        spacing="2", width="100%",
    )  # fmt: skip


def _workspace_export() -> rx.Component:
    return rx.cond(
        D.can_export_workspace,
        rx.vstack(
            rx.heading("Export this workspace", size="3", as_="h3"),
            rx.text("Everything of this workspace (posts with their accounts and metrics, media, comments, personas, "
                    "templates, settings) as JSON files plus media, ready to import elsewhere. Access tokens are never "
                    "exported.", size="2", color_scheme="gray"),  # fmt: skip
            rx.button("Export workspace", on_click=D.request_export("workspace"), variant="soft",
                      aria_label="Export workspace", custom_attrs={"data-testid": "workspace-export-request"}),  # fmt: skip
            _export_status(D.workspace, "workspace-export"),
            spacing="2", width="100%",
        ),
    )  # fmt: skip


def _import() -> rx.Component:
    upload = rx.upload(
        rx.hstack(rx.icon("file-up", size=18, aria_hidden="true"),
                  rx.text("Drop a workspace export (.zip) here, or click to choose one", size="2"), align="center"),  # fmt: skip
        id=IMPORT_UPLOAD_ID, multiple=False, accept={"application/zip": [".zip"]},
        on_drop=D.handle_import(rx.upload_files(upload_id=IMPORT_UPLOAD_ID)),
        border=f"1px dashed {rx.color('gray', 7)}", padding="12px", width="100%",
        custom_attrs={"data-testid": "workspace-import-upload"},
    )  # fmt: skip
    upload = named_file_input(upload, "Choose a workspace export to import")
    return rx.cond(
        D.can_import,
        rx.vstack(
            rx.heading("Import a workspace", size="3", as_="h3"),
            rx.text("Creates a new workspace from an export (yours becomes its Owner). The archive is checked "
                    "completely first; either everything is imported or nothing. Accounts must be reconnected.",
                    size="2", color_scheme="gray"),  # fmt: skip
            upload,
            rx.cond(D.import_summary != "",
                    rx.callout(D.import_summary, icon=rx.cond(D.import_ok, "check", "triangle-alert"),
                               color_scheme=rx.cond(D.import_ok, "green", "red"), width="100%",
                               custom_attrs={"data-testid": "workspace-import-report"})),  # fmt: skip
            rx.foreach(D.import_problems, lambda p: rx.text(p, size="2", color_scheme="red",
                                                             custom_attrs={"data-testid": "workspace-import-problem"})),  # fmt: skip
            rx.foreach(D.import_reconnect, lambda a: rx.text("Reconnect needed: ", a, size="2",
                                                              custom_attrs={"data-testid": "workspace-import-reconnect"})),  # fmt: skip
            spacing="2", width="100%",
        ),
    )  # fmt: skip


def _input(label: str, name: str, field_id: str, testid: str, kind: str = "text", **props) -> rx.Component:
    return rx.vstack(
        field_label(label, field_id),
        rx.input(id=field_id, name=name, type=kind, custom_attrs={"data-testid": testid}, width="100%", **props),
        spacing="1", width="100%",
    )  # fmt: skip


def _delete_account() -> rx.Component:
    return rx.vstack(
        rx.heading("Delete my account", size="3", as_="h3"),
        rx.text("Deletes your name, email, password, sessions, personal AI keys, MCP tokens and API keys. Posts and "
                "comments you wrote in shared workspaces stay there, shown as by “Deleted user”; audit entries keep "
                "only a number. A workspace only you belong to is deleted with you. Download your data first.",
                size="2", color_scheme="gray"),  # fmt: skip
        rx.cond(D.blockers.length() > 0,
                rx.callout("You are the last Owner of: " + D.blockers.join(", ") + ". Make another member an Owner "
                           "or delete the workspace first.", icon="info", color_scheme="amber",
                           custom_attrs={"data-testid": "delete-account-blockers"})),  # fmt: skip
        rx.form(
            rx.vstack(
                _input("Your password", "password", "delete-account-password", "delete-account-password", "password",
                       auto_complete="current-password", max_length=256),
                rx.cond(D.totp_enabled, _input("Code from your authenticator app (or a recovery code)", "code",
                                               "delete-account-code", "delete-account-code", auto_complete="one-time-code")),  # fmt: skip
                _input("Type DELETE to confirm", "confirm", "delete-account-confirm", "delete-account-confirm"),
                rx.button("Delete my account", type="submit", color_scheme="red",
                          custom_attrs={"data-testid": "delete-account-submit"}),  # fmt: skip
                spacing="2", width="100%", max_width="420px",
            ),
            on_submit=D.delete_my_account, reset_on_submit=True,
        ),
        rx.cond(D.delete_error != "", rx.callout(D.delete_error, icon="triangle-alert", color_scheme="red",
                                                 custom_attrs={"data-testid": "delete-account-error", "role": "alert"})),  # fmt: skip
        spacing="2", width="100%",
    )  # fmt: skip


def your_data_section() -> rx.Component:
    return section(
        "Your data",
        "Take your data with you, move a workspace to another instance, or leave for good.",
        rx.cond(D.error != "", rx.callout(D.error, icon="triangle-alert", color_scheme="red",
                                          custom_attrs={"data-testid": "your-data-error"})),  # fmt: skip
        _download_mine(), rx.separator(), _workspace_export(), _import(), rx.separator(), _delete_account(),
        testid="your-data-section",
    )
