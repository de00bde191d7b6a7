"""Login (password, then the authenticator code when 2FA is on) and registration."""

from __future__ import annotations

import reflex as rx

from state.auth import AuthState
from state.oidc_login import OidcLoginState


class BrowserTimezone(rx.State):
    """The browser's zone becomes the new user's default timezone."""

    tz: str = "UTC"

    @rx.event
    def set_tz(self, value: str):
        self.tz = str(value or "UTC")[:64]


def field(label: str, name: str, type_: str = "text", testid: str = "", **kwargs) -> rx.Component:
    """A labelled input: the label is tied to the control (get_by_label works)."""
    control_id = kwargs.pop("id", f"field-{name}")
    return rx.vstack(
        rx.el.label(label, html_for=control_id, class_name="sh-label"),
        rx.input(name=name, id=control_id, type=type_, width="100%",
                 custom_attrs={"data-testid": testid or f"{name}-input"}, **kwargs),
        spacing="1",
        width="100%",
    )


def auth_messages() -> rx.Component:
    return rx.fragment(
        rx.cond(
            AuthState.auth_notice != "",
            rx.callout(AuthState.auth_notice, icon="info", color_scheme="green",
                       custom_attrs={"data-testid": "auth-notice"}),
        ),
        rx.cond(
            AuthState.auth_error != "",
            rx.callout(AuthState.auth_error, icon="triangle-alert", color_scheme="red",
                       custom_attrs={"data-testid": "auth-error", "role": "alert"}),
        ),
    )


def auth_card(*children: rx.Component) -> rx.Component:
    return rx.el.main(rx.center(
        rx.card(
            rx.vstack(
                rx.hstack(rx.icon("share-2", size=24), rx.text("SocialHub", size="6", weight="bold"), align="center"),
                *children,
                spacing="4",
                width="100%",
            ),
            width="380px",
            size="3",
        ),
        min_height="100vh",
        background=rx.color("gray", 2),
    ))


def _password_form() -> rx.Component:
    return rx.fragment(
        rx.form(
            rx.vstack(
                field("Email", "email", "email", max_length=254, auto_complete="username"),
                field("Password", "password", "password", max_length=256, auto_complete="current-password"),
                rx.button("Log in", type="submit", width="100%", custom_attrs={"data-testid": "login-submit"}),
                spacing="3",
            ),
            on_submit=AuthState.login,
            # data-hydrated: the page is live (tests wait for it before typing)
            custom_attrs={"data-testid": "login-form", "data-hydrated": rx.State.is_hydrated},
        ),
        rx.hstack(
            rx.link("Forgot your password?", href="/forgot-password", size="2",
                    custom_attrs={"data-testid": "to-forgot-password"}),
            rx.spacer(),
            rx.link("Create an account", href="/register", size="2", custom_attrs={"data-testid": "to-register"}),
            width="100%",
        ),
    )


def _code_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text("Open your authenticator app and enter the 6-digit code for SocialHub. "
                    "Lost your phone? Enter one of your recovery codes instead.", size="2"),
            field("Authentication code", "code", "text", testid="totp-code-input", id="totp-code",
                  max_length=20, auto_complete="one-time-code", input_mode="text"),
            rx.button("Verify", type="submit", width="100%", custom_attrs={"data-testid": "totp-submit"}),
            rx.button("Cancel", type="button", variant="ghost", width="100%", on_click=AuthState.cancel_code,
                      custom_attrs={"data-testid": "totp-cancel"}),
            spacing="3",
        ),
        on_submit=AuthState.submit_code,
        reset_on_submit=True,
        custom_attrs={"data-testid": "totp-form"},
    )


def _sso_button(p: rx.Var) -> rx.Component:
    """A real link (a full navigation to /auth/oidc/<id>/start) drawn as a button (Radix as_child)."""
    label = "Sign in with " + p["name"].to(str)
    return rx.button(
        # Reflex renders an internal <a> as a react-router Link: reloadDocument makes it a real
        # navigation, so the request reaches the backend route instead of the client router.
        rx.el.a(rx.icon("key-round", size=16), label, href=p["href"].to(str), aria_label=label,
                custom_attrs={"data-testid": "oidc-" + p["id"].to(str), "reloadDocument": True}),
        as_child=True,
        variant="outline",
        width="100%",
    )


def _sso_section() -> rx.Component:
    return rx.cond(
        OidcLoginState.providers.length() > 0,
        rx.vstack(
            rx.cond(~OidcLoginState.oidc_only, rx.text("or", size="2", color_scheme="gray", align="center",
                                                      width="100%")),
            rx.foreach(OidcLoginState.providers, _sso_button),
            spacing="2",
            width="100%",
        ),
    )


def _sso_error() -> rx.Component:
    return rx.cond(
        OidcLoginState.sso_error != "",
        rx.callout(OidcLoginState.sso_error, icon="triangle-alert", color_scheme="amber",
                   custom_attrs={"data-testid": "sso-error", "role": "alert"}),
    )


def _link_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text("An account with ", rx.text.strong(OidcLoginState.link_email), " already exists. Enter its "
                    "SocialHub password once to sign in with ", OidcLoginState.link_provider, " from now on.",
                    size="2"),
            field("Your SocialHub password", "password", "password", testid="link-password-input", id="link-password",
                  max_length=256, auto_complete="current-password"),
            rx.button("Link and sign in", type="submit", width="100%", custom_attrs={"data-testid": "link-submit"}),
            rx.button("Cancel", type="button", variant="ghost", width="100%", on_click=OidcLoginState.cancel_link,
                      custom_attrs={"data-testid": "link-cancel"}),
            spacing="3",
        ),
        on_submit=OidcLoginState.confirm_link,
        reset_on_submit=True,
        custom_attrs={"data-testid": "link-form"},
    )


def _sign_in_choices() -> rx.Component:
    return rx.fragment(rx.cond(OidcLoginState.oidc_only, rx.fragment(), _password_form()), _sso_section())


@rx.page(route="/login", title="Log in · SocialHub", on_load=[AuthState.load_login, OidcLoginState.load])
def login_page() -> rx.Component:
    return auth_card(
        rx.heading(rx.cond(AuthState.code_step, "Two-factor authentication", "Log in"), size="4"),
        auth_messages(),
        _sso_error(),
        rx.cond(AuthState.code_step, _code_form(),
                rx.cond(OidcLoginState.link_step, _link_form(), _sign_in_choices())),
    )


def _register_form() -> rx.Component:
    return rx.fragment(
        rx.form(
            rx.vstack(
                field("Email", "email", "email", max_length=254, auto_complete="username"),
                field("Name", "name", max_length=120),
                field("Password (at least 10 characters)", "password", "password", max_length=256,
                      auto_complete="new-password"),
                # a plain hidden input: Radix's rx.input drew an empty bordered box above "Create account"
                rx.el.input(type="hidden", name="timezone", value=BrowserTimezone.tz),
                rx.button("Create account", type="submit", width="100%",
                          custom_attrs={"data-testid": "register-submit"}),
                spacing="3",
            ),
            on_submit=AuthState.register,
            custom_attrs={"data-testid": "register-form"},
        ),
        rx.text("Already registered? ", rx.link("Log in", href="/login", custom_attrs={"data-testid": "to-login"}),
                size="2"),
    )


def _registration_closed() -> rx.Component:
    return rx.vstack(
        rx.callout("This SocialHub instance does not accept new accounts. Ask its administrator for an invite.",
                   icon="lock", color_scheme="amber", custom_attrs={"data-testid": "registration-closed"}),
        rx.link("Log in", href="/login", custom_attrs={"data-testid": "to-login"}),
        width="100%",
    )


def _check_inbox() -> rx.Component:
    return rx.callout(
        rx.text("We sent a confirmation link to ", rx.text.strong(AuthState.verification_sent_to),
                ". Open it to finish creating your account, then log in."),
        icon="mail", color_scheme="green", custom_attrs={"data-testid": "verification-sent"},
    )


@rx.page(
    route="/register",
    title="Create account · SocialHub",
    on_load=[
        AuthState.load_register,
        rx.call_script("Intl.DateTimeFormat().resolvedOptions().timeZone", callback=BrowserTimezone.set_tz),
    ],
)
def register_page() -> rx.Component:
    return auth_card(
        rx.heading(rx.cond(AuthState.signup_closed, "Registration is closed", "Create your account"), size="4"),
        auth_messages(),
        rx.cond(
            AuthState.signup_closed,
            _registration_closed(),
            rx.cond(AuthState.verification_sent_to != "", _check_inbox(), _register_form()),
        ),
    )
