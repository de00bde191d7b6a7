"""The shell's workspace switcher and create/rename: thin; services/workspace_switch.py does the checks.

The current workspace lives on the login session row on the server. The browser only says which
workspace it would like; the service switches only into a workspace the person is a member of,
and every later request reads the workspace from the session again (never from the browser).
"""

from __future__ import annotations

import reflex as rx

from services import workspace_delete, workspace_switch
from services.auth import CurrentUser
from services.errors import UserError
from state.auth import AuthState
from state.runner import run_blocking
from state.session import current_user


class WorkspaceState(rx.State):
    workspaces: list[dict[str, str]] = []
    current_id: str = ""
    new_name: str = ""
    rename_to: str = ""
    delete_confirm: str = ""
    current_name: str = ""
    current_role: str = ""
    dialog_open: bool = False
    error: str = ""

    async def _refresh(self, user: CurrentUser) -> None:
        """The person's workspaces and the session's current one (other states call this after a join)."""
        rows = await run_blocking(workspace_switch.list_workspaces, user.user_id)
        self.workspaces = [{"id": str(w["id"]), "name": w["name"], "role": w["role"]} for w in rows]
        self.current_id = str(user.organization_id)
        self.rename_to = self.current_name = user.organization_name
        self.current_role = next((w["role"] for w in self.workspaces if w["id"] == self.current_id), "")

    @rx.event
    async def load(self):
        """On every protected page load: the list may have changed (invited, removed, renamed)."""
        user = await current_user(self)
        if user is not None:
            await self._refresh(user)

    @rx.event
    async def switch(self, org_id: str):
        user = await current_user(self)
        if user is None:
            return rx.redirect("/login")
        try:
            await run_blocking(workspace_switch.switch_workspace, user, int(org_id))
        except ValueError:
            return rx.toast.error("Unknown workspace.")
        except UserError as exc:
            return rx.toast.error(str(exc))
        await (await self.get_state(AuthState))._load()
        return rx.redirect("/")  # every page reloads its data for the new workspace

    @rx.event
    def set_new_name(self, value: str):
        self.new_name, self.error = value, ""

    @rx.event
    def set_rename_to(self, value: str):
        self.rename_to, self.error = value, ""

    @rx.event
    def set_dialog_open(self, value: bool):
        self.dialog_open = value
        self.error = self.delete_confirm = ""

    @rx.event
    def set_delete_confirm(self, value: str):
        self.delete_confirm, self.error = value, ""

    @rx.event
    async def delete_current(self):
        """Owner only, after typing the exact name (services.workspace_delete checks both)."""
        user = await current_user(self)
        if user is None:
            return rx.redirect("/login")
        self.error = ""
        try:
            await run_blocking(workspace_delete.delete_workspace, user, self.delete_confirm)
        except UserError as exc:  # a problem with what was typed: shown in the dialog, not also as a toast
            self.error = str(exc)
            return None
        self.delete_confirm, self.dialog_open = "", False
        await (await self.get_state(AuthState))._load()
        return [rx.toast.success(f"Workspace “{user.organization_name}” deleted."), rx.redirect("/")]

    @rx.event
    async def create(self):
        user = await current_user(self)
        if user is None:
            return rx.redirect("/login")
        self.error = ""
        try:
            await run_blocking(workspace_switch.create_workspace, user, self.new_name)
        except UserError as exc:  # a problem with what was typed: shown in the dialog, not also as a toast
            self.error = str(exc)
            return None
        self.new_name, self.dialog_open = "", False
        await (await self.get_state(AuthState))._load()
        return [rx.toast.success("Workspace created."), rx.redirect("/")]

    @rx.event
    async def rename(self):
        user = await current_user(self)
        if user is None:
            return rx.redirect("/login")
        self.error = ""
        try:
            await run_blocking(workspace_switch.rename_workspace, user, self.rename_to)
        except UserError as exc:  # a problem with what was typed: shown in the dialog, not also as a toast
            self.error = str(exc)
            return None
        fresh = await (await self.get_state(AuthState))._load()
        if fresh is not None:
            await self._refresh(fresh)
        return rx.toast.success("Workspace renamed.")
