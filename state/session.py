"""How page states learn who is acting: always re-resolved from the session token, never trusted from the client."""

from __future__ import annotations

import reflex as rx

from services.auth import CurrentUser
from state.auth import AuthState


async def current_user(state: rx.State) -> CurrentUser | None:
    auth_state = await state.get_state(AuthState)
    return await auth_state.current()
