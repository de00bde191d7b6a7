"""`protected_page`: registers a route that needs a login and wraps it in the app shell."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from components.layout import shell
from state.auth import AuthState
from state.notifications import NotificationsState
from state.workspaces import WorkspaceState


def protected_page(route: str, title: str, on_load: list | None = None) -> Callable:
    def decorator(render: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        events = [AuthState.check_login, WorkspaceState.load, *(on_load or []), NotificationsState.poll]

        @rx.page(route=route, title=f"{title} · SocialHub", on_load=events)
        def wrapped() -> rx.Component:
            return shell(title, render())

        wrapped.__name__ = render.__name__
        return wrapped

    return decorator
