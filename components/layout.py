"""The app shell: sidebar navigation and a header that says who is logged in."""

from __future__ import annotations

import reflex as rx

from components.design.names import truncated_name
from components.notifications import bell
from components.workspace_switcher import workspace_switcher
from state.auth import AuthState

NAV = [
    ("Dashboard", "/", "layout-dashboard"),
    ("Compose", "/compose", "pen-line"),
    ("Calendar", "/calendar", "calendar-days"),
    ("Posts", "/posts", "list"),
    ("Queue", "/queue", "list-ordered"),
    ("Review", "/review", "clipboard-check"),
    ("Accounts", "/accounts", "users"),
    ("Members", "/members", "user-plus"),
    ("Audit log", "/audit", "scroll-text"),
    ("Analytics", "/analytics", "chart-line"),
    ("AI", "/ai/providers", "sparkles"),
    ("API keys", "/settings/api-keys", "key-round"),
    ("Automation", "/automation/webhooks", "workflow"),
    ("Settings", "/settings", "settings"),
]


def nav_link(label: str, href: str, icon: str, testid_prefix: str = "nav") -> rx.Component:
    return rx.link(
        rx.hstack(rx.icon(icon, size=18, aria_hidden="true"), rx.text(label, size="3"), spacing="2", align="center"),
        href=href,
        underline="none",
        color_scheme="gray",
        high_contrast=True,
        padding="8px 12px",
        border_radius="8px",
        width="100%",
        _hover={"background": rx.color("accent", 3)},
        custom_attrs={"data-testid": f"{testid_prefix}-{label.lower().replace(' ', '-')}"},
    )


def brand() -> rx.Component:
    return rx.hstack(
        rx.icon("share-2", size=22, color=rx.color("accent", 9), aria_hidden="true"),
        rx.text("SocialHub", size="5", weight="bold"),
        align="center",
        spacing="2",
        padding_bottom="12px",
    )


def nav_item(label: str, href: str, icon: str, testid_prefix: str = "nav", *, closes: bool = False) -> rx.Component:
    """A nav link (in the phone menu, one that closes it); the audit log is only listed for roles that may
    read it (the page checks again)."""
    link = nav_link(label, href, icon, testid_prefix)
    if closes:
        link = rx.dialog.close(link)
    return rx.cond(AuthState.can_audit, link) if href == "/audit" else link


def sidebar() -> rx.Component:
    """Desktop navigation; under 768px it is hidden (styles.css) and the header's Menu button opens `mobile_menu`."""
    return rx.el.nav(
        rx.vstack(
            brand(),
            *[nav_item(*item) for item in NAV],
            spacing="1",
            width="100%",
            position="sticky",  # the links stay in view while a long page scrolls
            top="16px",
        ),
        aria_label="Main",
        class_name="sh-sidebar",
        style={
            "width": "220px",
            "min_width": "220px",
            "min_height": "100vh",
            "align_self": "stretch",  # the background runs the full height of long pages
            "padding": "16px",
            "border_right": f"1px solid {rx.color('gray', 5)}",
            "background": rx.color("gray", 2),
        },
    )


def mobile_menu() -> rx.Component:
    """The phone menu: a Radix dialog (focus trapped, Escape closes); each link closes it as it navigates."""
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(
                rx.icon("menu", size=18, aria_hidden="true"),
                "Menu",
                variant="soft",
                class_name="sh-menu-button",
                custom_attrs={"data-testid": "menu-button"},
            )
        ),
        rx.dialog.content(
            rx.dialog.title("SocialHub"),
            rx.dialog.description("Go to", size="2", color_scheme="gray"),
            rx.el.nav(
                rx.vstack(
                    *[nav_item(*item, testid_prefix="menu", closes=True) for item in NAV],
                    spacing="1",
                    width="100%",
                ),
                aria_label="Main menu",
            ),
            rx.dialog.close(
                rx.button("Close", variant="ghost", margin_top="8px", custom_attrs={"data-testid": "menu-close"})
            ),
            max_width="320px",
            custom_attrs={"data-testid": "mobile-menu"},
        ),
    )


def header(title: str) -> rx.Component:
    return rx.el.header(
        rx.hstack(
            mobile_menu(),
            rx.heading(title, size="6", as_="h1", custom_attrs={"data-testid": "page-title"}),
            rx.spacer(),
            rx.vstack(
                # long names: one line, an ellipsis, the full name on hover (never three wrapped lines)
                truncated_name(AuthState.user_name, testid="whoami-name", weight="bold", size="2", max_width="200px"),
                truncated_name(AuthState.org_name, testid="whoami-org", size="1", color_scheme="gray",
                               max_width="200px"),
                spacing="0",
                align="end",
                class_name="sh-whoami",
            ),
            workspace_switcher(),
            bell(),
            rx.button(
                rx.icon("log-out", size=16, aria_hidden="true"),
                "Log out",
                variant="soft",
                on_click=AuthState.logout,
                custom_attrs={"data-testid": "logout-button"},
            ),
            width="100%",
            align="center",
            wrap="wrap",
            padding_bottom="16px",
            border_bottom=f"1px solid {rx.color('gray', 4)}",
            margin_bottom="16px",
        ),
        style={"width": "100%"},
    )


def shell(title: str, content: rx.Component) -> rx.Component:
    return rx.cond(
        AuthState.authenticated,
        rx.hstack(
            sidebar(),
            rx.box(
                header(title),
                rx.el.main(content, id="main", style={"width": "100%", "min_width": "0"}),
                padding="24px",
                width="100%",
                min_width="0",
                max_width="1200px",
                class_name="sh-page",
            ),
            spacing="0",
            align="start",
            width="100%",
        ),
        rx.el.main(
            rx.center(
                rx.spinner(size="3"),
                rx.el.span("Loading…", class_name="sh-visually-hidden"),
                height="100vh",
                custom_attrs={"data-testid": "auth-loading"},
            )
        ),
    )


def empty_state(icon: str, title: str, text: str, testid: str) -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.icon(icon, size=36, color=rx.color("gray", 8)),
            rx.heading(title, size="4", as_="h2"),
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
