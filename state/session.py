"""How page states learn who is acting: always re-resolved from the session token, never trusted from the client."""

from __future__ import annotations

import reflex as rx

from services.auth import CurrentUser
from services.permissions import membership_role
from state.auth import AuthState
from state.runner import run_blocking


class WorkspaceChanged(Exception):  # noqa: N818 - a refusal, not a bug: the app shows its message
    """This tab shows a workspace its login session is no longer in (removed, or switched in another tab).

    The action is refused before anything runs: acting on the session's new workspace with this page's
    data (a post id, selected accounts) would be wrong. The app's backend exception handler shows the
    message and loads the dashboard of the session's current workspace.
    """


async def current_user(
    state: rx.State, *, allow_unenrolled: bool = False, allow_moved: bool = False
) -> CurrentUser | None:
    """None when logged out, and also while the workspace requires 2FA the member hasn't set up:
    only the security page (allow_unenrolled) works then. Raises WorkspaceChanged when the session's
    workspace is no longer the one this tab's page was loaded for (allow_moved: right after the
    action that moved it on purpose, e.g. leaving)."""
    auth_state = await state.get_state(AuthState)
    shown = (auth_state._user_id, auth_state._org_id, auth_state.org_name)  # who and what this tab shows
    user = await auth_state.current()
    if user is not None and shown[1] and (user.user_id, user.organization_id) != shown[:2] and not allow_moved:
        raise WorkspaceChanged(await _why_moved(user, *shown))
    if user is not None and user.must_enrol_2fa and not allow_unenrolled:
        return None
    return user


async def _why_moved(user: CurrentUser, shown_user: int, shown_org: int, shown_name: str) -> str:
    if user.user_id != shown_user:
        why = f"You signed in as {user.email} in another tab"
    elif await run_blocking(membership_role, shown_org, user.user_id):
        why = f"You switched to “{user.organization_name}” in another tab"
    else:
        why = f"You are no longer a member of “{shown_name}”"
    return f"{why}: nothing was changed. Now showing “{user.organization_name}”."


async def current_session_token(state: rx.State) -> str:
    """The raw login token of this browser (binds OAuth connects to the session that started them)."""
    auth_state = await state.get_state(AuthState)
    return auth_state.session_token() or ""
