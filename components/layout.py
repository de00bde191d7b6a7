"""The app shell: sidebar navigation and a header that says who is logged in."""

from __future__ import annotations

import reflex as rx

from state.auth import AuthState

NAV = [
    ("Dashboard", "/", "layout-dashboard"),
    ("Compose", "/compose", "pen-line"),
    ("Calendar", "/calendar", "calendar-days"),
    ("Posts", "/posts", "list"),
    ("Queue", "/queue", "list-ordered"),
    ("Accounts", "/accounts", "users"),
    ("Analytics", "/analytics", "chart-line"),
    ("AI", "/ai/providers", "sparkles"),
    ("Settings", "/settings", "settings"),
]


def nav_link(label: str, href: str, icon: str) -> rx.Component:
    return rx.link(
        rx.hstack(rx.icon(icon, size=18), rx.text(label, size="3"), spacing="2", align="center"),
        href=href,
        underline="none",
        color_scheme="gray",
        high_contrast=True,
        padding="8px 12px",
        border_radius="8px",
        width="100%",
        _hover={"background": rx.color("accent", 3)},
        custom_attrs={"data-testid": f"nav-{label.lower()}"},
    )


def sidebar() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.icon("share-2", size=22, color=rx.color("accent", 9)),
            rx.heading("SocialHub", size="5"),
            align="center",
            spacing="2",
            padding_bottom="12px",
        ),
        *[nav_link(*item) for item in NAV],
        width="220px",
        min_width="220px",
        min_height="100vh",
        padding="16px",
        spacing="1",
        border_right=f"1px solid {rx.color('gray', 5)}",
        background=rx.color("gray", 2),
    )


def header(title: str) -> rx.Component:
    return rx.hstack(
        rx.heading(title, size="6", custom_attrs={"data-testid": "page-title"}),
        rx.spacer(),
        rx.vstack(
            rx.text(AuthState.user_name, weight="bold", size="2", custom_attrs={"data-testid": "whoami-name"}),
            rx.text(AuthState.org_name, size="1", color_scheme="gray", custom_attrs={"data-testid": "whoami-org"}),
            spacing="0",
            align="end",
        ),
        rx.button(
            rx.icon("log-out", size=16),
            "Log out",
            variant="soft",
            on_click=AuthState.logout,
            custom_attrs={"data-testid": "logout-button"},
        ),
        width="100%",
        align="center",
        padding_bottom="16px",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        margin_bottom="16px",
    )


def shell(title: str, content: rx.Component) -> rx.Component:
    return rx.cond(
        AuthState.authenticated,
        rx.hstack(
            sidebar(),
            rx.box(header(title), content, padding="24px", width="100%", max_width="1200px"),
            spacing="0",
            align="start",
            width="100%",
        ),
        rx.center(rx.spinner(size="3"), height="100vh", custom_attrs={"data-testid": "auth-loading"}),
    )


def empty_state(icon: str, title: str, text: str, testid: str) -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.icon(icon, size=36, color=rx.color("gray", 8)),
            rx.heading(title, size="4"),
            rx.text(text, color_scheme="gray", size="2", text_align="center"),
            align="center",
            spacing="2",
        ),
        padding="48px",
        border=f"1px dashed {rx.color('gray', 6)}",
        border_radius="12px",
        width="100%",
        custom_attrs={"data-testid": testid},
    )
