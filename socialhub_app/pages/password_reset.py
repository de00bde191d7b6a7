"""/forgot-password and /reset-password?token=… (the link from the reset mail or the admin command)."""

from __future__ import annotations

import reflex as rx

from socialhub_app.pages.auth_pages import auth_card, field
from state.password_reset import PasswordResetState


def _messages() -> rx.Component:
    return rx.fragment(
        rx.cond(PasswordResetState.notice != "",
                rx.callout(PasswordResetState.notice, icon="mail", color_scheme="green",
                           custom_attrs={"data-testid": "reset-notice"})),
        rx.cond(PasswordResetState.error != "",
                rx.callout(PasswordResetState.error, icon="triangle-alert", color_scheme="red",
                           custom_attrs={"data-testid": "reset-error", "role": "alert"})),
    )


@rx.page(route="/forgot-password", title="Forgot password · SocialHub", on_load=PasswordResetState.load_forgot)
def forgot_password_page() -> rx.Component:
    return auth_card(
        rx.heading("Reset your password", size="4"),
        _messages(),
        rx.cond(
            PasswordResetState.mail_available,
            rx.form(
                rx.vstack(
                    rx.text("Enter your account's email address and we'll mail you a link.", size="2"),
                    field("Email", "email", "email", testid="forgot-email-input", id="forgot-email",
                          max_length=254, auto_complete="username"),
                    rx.button("Send reset link", type="submit", width="100%",
                              custom_attrs={"data-testid": "forgot-submit"}),
                    spacing="3",
                ),
                on_submit=PasswordResetState.request_link,
            ),
            rx.callout("This server cannot send email. Ask your administrator for a reset link "
                       "(python -m services.admin reset-password EMAIL).", icon="info",
                       custom_attrs={"data-testid": "reset-no-mail"}),
        ),
        rx.link("Back to log in", href="/login", size="2", custom_attrs={"data-testid": "to-login"}),
    )


@rx.page(route="/reset-password", title="Choose a new password · SocialHub", on_load=PasswordResetState.load_reset)
def reset_password_page() -> rx.Component:
    return auth_card(
        rx.heading("Choose a new password", size="4"),
        _messages(),
        rx.cond(
            ~PasswordResetState.checked,
            rx.spinner(custom_attrs={"data-testid": "reset-loading"}),
            rx.cond(
            PasswordResetState.token_valid,
            rx.form(
                rx.vstack(
                    field("New password (at least 10 characters)", "password", "password",
                          testid="reset-password-input", id="reset-password", max_length=256,
                          auto_complete="new-password"),
                    field("New password again", "password_again", "password", testid="reset-password-again-input",
                          id="reset-password-again", max_length=256, auto_complete="new-password"),
                    rx.button("Save new password", type="submit", width="100%",
                              custom_attrs={"data-testid": "reset-submit"}),
                    spacing="3",
                ),
                on_submit=PasswordResetState.save_new_password,
            ),
            rx.callout("This reset link is invalid, expired or already used.", icon="triangle-alert",
                       color_scheme="red", custom_attrs={"data-testid": "reset-link-invalid"}),
            ),
        ),
        rx.link("Ask for a new link", href="/forgot-password", size="2",
                custom_attrs={"data-testid": "to-forgot-password"}),
    )
