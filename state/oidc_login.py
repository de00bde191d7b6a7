"""The login page's "Sign in with <provider>" part: buttons, why SSO failed, 2FA and link steps.

The OIDC callback (socialhub_app/oidc_routes.py) either sets the session cookie itself or sends
the browser back to /login?step=mfa|link with an HttpOnly step cookie; the websocket handshake
carries that cookie here, so the challenge or link ticket never appears in a URL or page script.
"""

from __future__ import annotations

import reflex as rx

from services import oidc, oidc_accounts, oidc_config
from services.errors import UserError
from services.sessions import oidc_step_cookie_name, parse_cookie_header
from state.auth import AuthState
from state.runner import run_blocking


def _options() -> tuple[list[dict[str, str]], bool]:
    return oidc_config.buttons(), oidc_config.oidc_only()


class OidcLoginState(rx.State):
    providers: list[dict[str, str]] = []
    oidc_only: bool = False
    sso_error: str = ""
    link_step: bool = False
    link_provider: str = ""
    link_email: str = ""
    _ticket: str = ""

    def _step_cookie(self) -> tuple[str, str]:
        raw = parse_cookie_header(self.router.headers.cookie).get(oidc_step_cookie_name(), "")
        kind, _, value = raw.partition(":")
        return kind, value

    @rx.event
    async def load(self):
        """Runs after AuthState.load_login (which resets the password/2FA form)."""
        self.sso_error, self.link_step, self._ticket = "", False, ""
        self.providers, self.oidc_only = await run_blocking(_options)
        query = self.router.url.query_parameters
        code = str(query.get("sso", ""))
        if code:
            names = {p["id"]: p["name"] for p in self.providers}
            self.sso_error = oidc.message(code, names.get(str(query.get("provider", "")), ""))
        step = str(query.get("step", ""))
        kind, value = self._step_cookie()
        if step == "mfa" and kind == "mfa" and value:
            auth = await self.get_state(AuthState)
            auth._challenge, auth.code_step = value, True
        elif step == "link" and kind == "link" and value:
            pending = await run_blocking(oidc_accounts.pending_link, value)
            if pending is None:
                self.sso_error = oidc.message("state", "")
            else:
                self.link_step, self._ticket = True, value
                self.link_provider, self.link_email = pending.provider_name, pending.email

    @rx.event
    async def confirm_link(self, form: dict):
        auth = await self.get_state(AuthState)
        auth.auth_error = ""
        try:
            step = await run_blocking(oidc_accounts.confirm_link, self._ticket, str(form.get("password", "")),
                                      auth.client_address())
        except UserError as exc:
            auth.auth_error = str(exc)
            return None
        self.link_step, self._ticket = False, ""
        if step.challenge:
            auth._challenge, auth.code_step = step.challenge, True
            return rx.set_focus("totp-code")
        return auth._finish(step.grant)

    @rx.event
    def cancel_link(self):
        self.link_step, self._ticket = False, ""
