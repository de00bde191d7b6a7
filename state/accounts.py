"""Accounts page: connect (OAuth redirect, app password, Demo), list and disconnect."""

from __future__ import annotations

import reflex as rx

from services import accounts, guarded
from services.errors import UserError
from services.permissions import PermissionDenied
from services.wording import count
from state.runner import run_blocking
from state.session import current_session_token, current_user


def _for_viewer(row: dict, admin: bool) -> dict:
    """Server setup hints (SOCIALHUB_*_CLIENT_ID …) are for instance admins, who can act on them.

    Everyone else is told who can: "Ask your administrator to set up LinkedIn."
    """
    row = dict(row)
    row["setup_link"] = bool(row.get("needs_setup")) and admin
    if row.get("needs_setup") and not admin:
        row["config_help"] = f"Ask your administrator to set up {row['label']}."
    return row


class AccountsState(rx.State):
    accounts: list[dict] = []
    catalog: list[dict] = []
    mastodon_instance: str = ""
    bluesky_handle: str = ""
    bluesky_password: str = ""
    #: bumping it remounts the token forms empty; the secrets themselves never become state vars
    #: (a state var is synced to the browser): they arrive once, in the submitted form data
    token_form_version: int = 0
    message: str = ""
    error: str = ""  # a problem with the Mastodon instance field (shown under it)
    bluesky_error: str = ""  # a problem with the Bluesky handle / app password (shown under them)
    busy: bool = False

    @rx.event
    async def load(self):
        user = await current_user(self)
        if user is None:
            return None
        await self._refresh(user.organization_id)
        connected = self.router.url.query_parameters.get("connected")
        if connected:
            self.message = f"Connected {count(int(connected), 'account')}." if connected.isdigit() else "Connected."
            return rx.toast.success(self.message)
        return None

    async def _refresh(self, org_id: int) -> None:
        rows = await run_blocking(accounts.list_accounts, org_id)
        self.accounts = [{k: ("" if v is None else v) for k, v in row.items()} for row in rows]
        user = await current_user(self)
        admin = bool(user is not None and user.is_instance_admin)
        self.catalog = [_for_viewer(row, admin) for row in await run_blocking(accounts.platform_catalog)]

    @rx.event
    def set_mastodon_instance(self, value: str):
        self.mastodon_instance, self.error = value, ""

    @rx.event
    def set_bluesky_handle(self, value: str):
        self.bluesky_handle, self.bluesky_error = value, ""

    @rx.event
    def set_bluesky_password(self, value: str):
        self.bluesky_password, self.bluesky_error = value, ""

    @rx.event
    async def connect(self, platform: str):
        """OAuth platforms: send the browser to the platform's consent page."""
        self.error = self.bluesky_error = self.message = ""
        user = await current_user(self)
        if user is None:
            return rx.redirect("/login")
        if platform == "demo":
            try:
                await run_blocking(guarded.connect_demo, user)
            except UserError as exc:  # an outcome: a toast only
                return rx.toast.error(exc.message)
            await self._refresh(user.organization_id)
            return rx.toast.success("Demo network connected.")
        instance = self.mastodon_instance.strip() if platform == "mastodon" else ""
        if platform == "mastodon" and not instance:
            self.error = "Enter your Mastodon instance, e.g. mastodon.social."
            return None
        try:
            url = await guarded.start_oauth_connect(
                user, platform, instance, session_token=await current_session_token(self)
            )
        except UserError as exc:
            self.error = exc.message
            return None
        return rx.redirect(url, is_external=False)

    @rx.event
    async def connect_bluesky(self):
        self.error = self.bluesky_error = self.message = ""
        user = await current_user(self)
        if user is None:
            yield rx.redirect("/login")
            return
        self.busy = True
        yield
        try:
            await guarded.connect_bluesky(user, self.bluesky_handle.strip(), self.bluesky_password)
        except UserError as exc:
            self.bluesky_error = exc.message
            return
        finally:
            self.bluesky_password = ""
            self.busy = False
        self.bluesky_handle = ""
        await self._refresh(user.organization_id)
        yield rx.toast.success("Bluesky account connected.")

    @rx.event
    async def connect_telegram(self, form: dict):
        """Bot token + channel: verified against Telegram (admin rights included) before it is saved."""
        self.error = self.message = ""
        user = await current_user(self)
        if user is None:
            yield rx.redirect("/login")
            return
        self.busy = True
        yield
        try:
            await guarded.connect_telegram(
                user,
                str(form.get("bot_token") or ""),
                str(form.get("chat") or "").strip(),
                silent=bool(form.get("silent")),
            )
        except UserError as exc:
            self.error = exc.message
            return
        finally:
            self.busy = False
        self.token_form_version += 1
        await self._refresh(user.organization_id)
        yield rx.toast.success("Telegram channel connected.")

    @rx.event
    async def connect_discord(self, form: dict):
        """A channel webhook URL: shape, private-address guard and a GET on the webhook first."""
        self.error = self.message = ""
        user = await current_user(self)
        if user is None:
            yield rx.redirect("/login")
            return
        self.busy = True
        yield
        try:
            await guarded.connect_discord(user, str(form.get("webhook_url") or ""))
        except UserError as exc:
            self.error = exc.message
            return
        finally:
            self.busy = False
        self.token_form_version += 1
        await self._refresh(user.organization_id)
        yield rx.toast.success("Discord channel connected.")

    @rx.event
    async def disconnect(self, account_id: int):
        user = await current_user(self)
        if user is None:
            return rx.redirect("/login")
        try:
            await guarded.disconnect_account(user, int(account_id))
        except PermissionDenied as exc:
            return rx.toast.error(exc.message)
        except UserError:  # already gone (another tab/person): say so, and show the current list
            await self._refresh(user.organization_id)
            return rx.toast.error("That account was already disconnected; the list is up to date now.")
        await self._refresh(user.organization_id)
        return rx.toast.info("Account disconnected.")
