"""Login and registration."""

from __future__ import annotations

import reflex as rx

from state.auth import AuthState


class BrowserTimezone(rx.State):
    """The browser's zone becomes the new user's default timezone."""

    tz: str = "UTC"

    @rx.event
    def set_tz(self, value: str):
        self.tz = str(value or "UTC")[:64]


def _field(label: str, name: str, type_: str = "text", **kwargs) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=f"{name}-input", class_name="sh-label"),  # get_by_label(label) finds the input
        rx.input(
            id=f"{name}-input", name=name, type=type_, width="100%", custom_attrs={"data-testid": f"{name}-input"}, **kwargs
        ),
        spacing="1",
        width="100%",
    )


def _error() -> rx.Component:
    return rx.cond(
        AuthState.auth_error != "",
        rx.callout(
            AuthState.auth_error, icon="triangle-alert", color_scheme="red", custom_attrs={"data-testid": "auth-error"}
        ),
    )


def _card(*children: rx.Component) -> rx.Component:
    return rx.el.main(
        rx.center(
            rx.card(
            rx.vstack(
                rx.hstack(rx.icon("share-2", size=24), rx.text("SocialHub", size="6", weight="bold"), align="center"),
                *children,
                spacing="4",
                width="100%",
            ),
                width="380px",
                max_width="calc(100vw - 24px)",
                size="3",
            ),
            min_height="100vh",
            background=rx.color("gray", 2),
        )
    )


@rx.page(route="/login", title="Log in · SocialHub", on_load=[AuthState.clear_error, AuthState.redirect_if_logged_in])
def login_page() -> rx.Component:
    return _card(
        rx.heading("Log in", size="4", as_="h1"),
        _error(),
        rx.form(
            rx.vstack(
                _field("Email", "email", "email", max_length=254, auto_complete="username"),
                _field("Password", "password", "password", max_length=256, auto_complete="current-password"),
                rx.button("Log in", type="submit", width="100%", custom_attrs={"data-testid": "login-submit"}),
                spacing="3",
            ),
            on_submit=AuthState.login,
            custom_attrs={"data-testid": "login-form"},
        ),
        rx.text(
            "No account yet? ",
            rx.link("Create one", href="/register", custom_attrs={"data-testid": "to-register"}),
            size="2",
        ),
    )


@rx.page(
    route="/register",
    title="Create account · SocialHub",
    on_load=[
        AuthState.clear_error,
        AuthState.redirect_if_logged_in,
        rx.call_script("Intl.DateTimeFormat().resolvedOptions().timeZone", callback=BrowserTimezone.set_tz),
    ],
)
def register_page() -> rx.Component:
    return _card(
        rx.heading("Create your account", size="4", as_="h1"),
        _error(),
        rx.form(
            rx.vstack(
                _field("Email", "email", "email", max_length=254, auto_complete="username"),
                _field("Name", "name", max_length=120),
                _field(
                    "Password (at least 10 characters)",
                    "password",
                    "password",
                    max_length=256,
                    auto_complete="new-password",
                ),
                rx.input(type="hidden", name="timezone", value=BrowserTimezone.tz),
                rx.button(
                    "Create account", type="submit", width="100%", custom_attrs={"data-testid": "register-submit"}
                ),
                spacing="3",
            ),
            on_submit=AuthState.register,
            custom_attrs={"data-testid": "register-form"},
        ),
        rx.text(
            "Already registered? ", rx.link("Log in", href="/login", custom_attrs={"data-testid": "to-login"}), size="2"
        ),
    )
