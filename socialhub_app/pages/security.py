"""Settings → Security (/settings/security): password, two-factor authentication, sessions, workspace policy."""

from __future__ import annotations

import reflex as rx

from socialhub_app.layout import protected_page
from socialhub_app.pages.auth_pages import field
from state.account_security import AccountSecurityState as S


def _section(title: str, testid: str, *children: rx.Component) -> rx.Component:
    return rx.card(rx.vstack(rx.heading(title, size="4", as_="h2"), *children, spacing="3", width="100%"),
                   width="100%", custom_attrs={"data-testid": testid})


def _messages() -> rx.Component:
    return rx.fragment(
        rx.cond(S.required_notice,
                rx.callout("Your workspace requires two-factor authentication. Set it up to continue.",
                           icon="shield-alert", color_scheme="amber", custom_attrs={"data-testid": "2fa-required"})),
        rx.cond(S.notice != "", rx.callout(S.notice, icon="check", color_scheme="green",
                                           custom_attrs={"data-testid": "security-notice"})),
        rx.cond(S.error != "", rx.callout(S.error, icon="triangle-alert", color_scheme="red",
                                          custom_attrs={"data-testid": "security-error", "role": "alert"})),
    )


def password_section() -> rx.Component:
    return _section(
        "Password", "password-section",
        rx.form(
            rx.vstack(
                field("Current password", "current_password", "password", testid="current-password-input",
                      id="current-password", auto_complete="current-password", max_length=256),
                field("New password (at least 10 characters)", "new_password", "password",
                      testid="new-password-input", id="new-password", auto_complete="new-password", max_length=256),
                field("New password again", "new_password_again", "password", testid="new-password-again-input",
                      id="new-password-again", auto_complete="new-password", max_length=256),
                rx.button("Change password", type="submit", custom_attrs={"data-testid": "change-password-submit"}),
                spacing="2", width="100%", max_width="420px",
            ),
            on_submit=S.change_password, reset_on_submit=True,
        ),
        rx.text("Changing your password signs out every other session.", size="1", color_scheme="gray"),
    )


def _enrolment() -> rx.Component:
    return rx.vstack(
        rx.text("Scan this QR code with an authenticator app (e.g. Aegis, FreeOTP, Google Authenticator), "
                "or type the key by hand.", size="2"),
        rx.image(src=S.qr_data_uri, alt="QR code for your authenticator app", width="200px", height="200px",
                 custom_attrs={"data-testid": "2fa-qr"}),
        rx.text("Key: ", rx.code(S.manual_key, custom_attrs={"data-testid": "2fa-manual-key"}), size="2"),
        rx.form(
            rx.hstack(
                field("Code from the app", "code", testid="2fa-confirm-code-input", id="2fa-confirm-code",
                      max_length=10, auto_complete="one-time-code"),
                rx.button("Turn on", type="submit", custom_attrs={"data-testid": "2fa-confirm"}),
                align="end",
            ),
            on_submit=S.confirm_2fa, reset_on_submit=True,
        ),
        spacing="2",
    )


def _recovery_codes() -> rx.Component:
    return rx.vstack(
        rx.text("Recovery codes — each works once if you lose your phone. Store them somewhere safe:",
                size="2", weight="medium"),
        rx.el.ul(rx.foreach(S.recovery_codes, lambda c: rx.el.li(rx.code(c), custom_attrs={
            "data-testid": "2fa-recovery-code"})), custom_attrs={"data-testid": "2fa-recovery-codes"}),
        rx.button("I saved them", variant="soft", on_click=S.hide_recovery_codes,
                  custom_attrs={"data-testid": "2fa-codes-done"}),
        spacing="2",
    )


def _disable_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text("To turn it off, enter your password and a current code (or a recovery code).", size="2"),
            field("Password", "password", "password", testid="2fa-disable-password-input", id="2fa-disable-password",
                  auto_complete="current-password", max_length=256),
            field("Code", "code", testid="2fa-disable-code-input", id="2fa-disable-code", max_length=20,
                  auto_complete="one-time-code"),
            rx.button("Turn off two-factor authentication", type="submit", color_scheme="red", variant="soft",
                      custom_attrs={"data-testid": "2fa-disable"}),
            spacing="2", max_width="420px", width="100%",
        ),
        on_submit=S.disable_2fa, reset_on_submit=True,
    )


def two_factor_section() -> rx.Component:
    return _section(
        "Two-factor authentication", "2fa-section",
        rx.cond(S.recovery_codes.length() > 0, _recovery_codes()),
        rx.cond(
            S.totp_enabled,
            rx.vstack(
                rx.badge("On", color_scheme="green", custom_attrs={"data-testid": "2fa-status", "data-on": "true"}),
                rx.text(S.remaining_codes, " unused recovery codes left.", size="2",
                        custom_attrs={"data-testid": "2fa-remaining-codes"}),
                _disable_form(),
                spacing="2",
            ),
            rx.vstack(
                rx.badge("Off", color_scheme="gray", custom_attrs={"data-testid": "2fa-status", "data-on": "false"}),
                rx.cond(S.enrolling, _enrolment(),
                        rx.button("Set up two-factor authentication", on_click=S.start_2fa,
                                  custom_attrs={"data-testid": "2fa-start"})),
                spacing="2",
            ),
        ),
    )


def _session_row(row: dict) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["agent"]),
        rx.table.cell(row["ip"]),
        rx.table.cell(row["last_seen"]),
        rx.table.cell(
            rx.cond(
                row["current"] == "yes",
                rx.badge("This device", custom_attrs={"data-testid": "session-current"}),
                rx.button("Sign out", size="1", variant="soft", on_click=S.revoke_session(row["id"]),
                          aria_label="Sign out this session", custom_attrs={"data-testid": "session-revoke"}),
            )
        ),
        custom_attrs={"data-testid": "session-row", "data-current": row["current"]},
    )


def sessions_section() -> rx.Component:
    return _section(
        "Active sessions", "sessions-section",
        rx.table.root(
            rx.table.header(rx.table.row(
                rx.table.column_header_cell("Device"), rx.table.column_header_cell("IP address"),
                rx.table.column_header_cell("Last seen"), rx.table.column_header_cell(""),
            )),
            rx.table.body(rx.foreach(S.session_rows, _session_row)),
            width="100%",
        ),
        rx.button("Log out everywhere else", variant="soft", on_click=S.revoke_others,
                  custom_attrs={"data-testid": "sessions-revoke-others"}),
    )


def workspace_policy_section() -> rx.Component:
    return rx.cond(
        S.is_owner,
        _section(
            "Workspace policy", "workspace-2fa-section",
            rx.hstack(
                rx.switch(checked=S.workspace_requires_2fa, on_change=S.set_workspace_requirement,
                          id="require-2fa", aria_label="Require two-factor authentication for every member",
                          custom_attrs={"data-testid": "workspace-require-2fa"}),
                rx.el.label("Require two-factor authentication for every member", html_for="require-2fa"),
                align="center",
            ),
        ),
    )


@protected_page("/settings/security", "Security", on_load=[S.load])
def security_page() -> rx.Component:
    return rx.vstack(_messages(), password_section(), two_factor_section(), sessions_section(),
                     workspace_policy_section(), spacing="4", width="100%")
