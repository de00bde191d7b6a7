"""How page states learn who is acting: always re-resolved from the session token, never trusted from the client."""

from __future__ import annotations

import reflex as rx

from services.auth import CurrentUser
from state.auth import AuthState


async def current_user(state: rx.State, *, allow_unenrolled: bool = False) -> CurrentUser | None:
    """None when logged out, and also while the workspace requires 2FA the member hasn't set up:
    only the security page (allow_unenrolled) works then."""
    auth_state = await state.get_state(AuthState)
    user = await auth_state.current()
    if user is not None and user.must_enrol_2fa and not allow_unenrolled:
        return None
    return user


async def current_session_token(state: rx.State) -> str:
    """The raw login token of this browser (binds OAuth connects to the session that started them)."""
    auth_state = await state.get_state(AuthState)
    return auth_state.session_token() or ""
