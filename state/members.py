"""Members page and the invite landing page: thin; services/members.py and services/invites.py decide.

Every change goes through a service that calls `require(user, action)` for the person's role in
the workspace of their login session (the browser never names the workspace). Joining through an
invite is the one change without a role: the single-use link itself is the permission.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import reflex as rx

from services import invites, members, workspace_switch
from services.auth import CurrentUser
from services.errors import UserError
from services.permissions import ROLES, allowed
from state.auth import AuthState
from state.display import day_iso, when_iso
from state.runner import run_blocking
from state.session import current_user
from state.workspaces import WorkspaceState

#: The role pickers offer exactly the roles of the one table (services/permissions.py).
ROLE_CHOICES: list[str] = list(ROLES)


def _as_id(value: str) -> int:
    """A row id from the page; junk becomes 0, which no workspace has (the service then says so)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class MembersState(rx.State):
    members: list[dict[str, str]] = []
    pending: list[dict[str, str]] = []
    invite_email: str = ""
    invite_role: str = "contributor"
    invite_link: str = ""
    can_manage: bool = False  # hides controls only; the services refuse the action anyway
    error: str = ""  # a problem with the invite form's email, shown under that field
    _refused: bool = False  # the last action was refused (backend only)

    async def _refresh(self, user: CurrentUser) -> None:
        rows = await run_blocking(members.list_members, user)
        self.members = [
            {"user_id": str(m["user_id"]), "name": m["name"], "email": m["email"], "role": m["role"],
             "last_active": when_iso(self, m["last_active"], user.timezone, empty="—"),
             "is_me": "yes" if m["user_id"] == user.user_id else "no"}
            for m in rows
        ]  # fmt: skip
        self.can_manage = allowed(user.role, "members.manage")
        pending = await run_blocking(invites.pending_invites, user) if allowed(user.role, "members.invite") else []
        self.pending = [
            {"id": str(i["id"]), "email": i["email"], "role": i["role"], "expires": day_iso(self, i["expires_at"], user.timezone)}
            for i in pending
        ]

    @rx.event
    async def load(self):
        user = await current_user(self)
        if user is None:
            return
        self.error = self.invite_link = ""
        await self._refresh(user)

    @rx.event
    def set_invite_email(self, value: str):
        self.invite_email = value
        self.error = ""  # the message was about the old address

    @rx.event
    def set_invite_role(self, value: str):
        self.invite_role = value if value in ROLE_CHOICES else "contributor"

    async def _act(self, fn: Callable[..., Any], *args: Any, done: str = "", field: bool = False) -> tuple[Any, Any]:
        """Run one member/invite service as the session's user; returns (service result, event to send).

        A refusal is either about the invite form's input (`field=True`: shown under the email field
        as `error`) or an outcome of a row action (a toast) — never both.
        """
        user = await current_user(self)
        if user is None:
            return None, rx.redirect("/login")
        self.error, self._refused = "", False
        try:
            result = await run_blocking(fn, user, *args)
        except UserError as exc:
            self._refused = True
            if field:
                self.error = str(exc)
                return None, None
            return None, rx.toast.error(str(exc))
        fresh = await current_user(self, allow_moved=True)  # the actor may have just left or lost a role
        if fresh is None:
            return result, rx.redirect("/login")
        await self._refresh(fresh)
        return result, (rx.toast.success(done) if done else None)

    @rx.event
    async def invite(self):
        sent, event = await self._act(invites.invite_and_mail, self.invite_email, self.invite_role, field=True)
        if self.error or not sent:
            return event
        self.invite_link = invites.invite_link(sent.token)
        email, self.invite_email = self.invite_email.strip(), ""
        if sent.mailed:
            return rx.toast.success(f"Invite mailed to {email}. You can also copy the link.")
        if sent.mail_problem:
            return rx.toast.warning(sent.mail_problem)
        return rx.toast.success("Invite created. Copy the link and send it.")

    @rx.event
    async def revoke(self, invite_id: str):
        return (await self._act(invites.revoke_invite, _as_id(invite_id), done="Invite revoked."))[1]

    @rx.event
    async def set_role(self, user_id: str, role: str):
        return (await self._act(members.change_role, _as_id(user_id), role, done="Role changed."))[1]

    @rx.event
    async def remove(self, user_id: str):
        leaving = any(m["user_id"] == user_id and m["is_me"] == "yes" for m in self.members)
        _, event = await self._act(members.remove_member, _as_id(user_id), done="Member removed.")
        if leaving and not self._refused:
            return rx.redirect("/")  # this session now shows another workspace of theirs (or the login page)
        return event


class InviteState(rx.State):
    """/invite?token=…: shows the workspace, joins with one click when logged in."""

    workspace: str = ""
    role: str = ""
    email: str = ""
    problem: str = ""
    joined: bool = False
    register_href: str = "/register"

    def _token(self) -> str:
        return self.router.url.query_parameters.get("token", "")

    @rx.event
    async def load(self):
        self.problem, self.joined = "", False
        try:
            info = await run_blocking(invites.describe_invite, self._token())
        except UserError as exc:
            self.problem = str(exc)
            return
        self.workspace, self.role, self.email = info["workspace"], info["role"], info["email"]
        self.register_href = "/register?" + urlencode({"invite": self._token()})
        await (await self.get_state(AuthState))._load()

    @rx.event
    async def join(self):
        """The link is the permission: accept it (single use) and make its workspace this session's."""
        user = await current_user(self)
        if user is None:
            return rx.redirect("/login")
        try:
            org_id = await run_blocking(invites.accept_invite, self._token(), user.user_id)
            await run_blocking(workspace_switch.switch_workspace, user, org_id)
        except UserError as exc:
            self.problem = str(exc)
            return rx.toast.error(self.problem)
        self.joined = True
        fresh = await (await self.get_state(AuthState))._load()
        if fresh is not None:
            await (await self.get_state(WorkspaceState))._refresh(fresh)
        return rx.redirect("/")
