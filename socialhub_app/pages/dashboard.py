"""Dashboard: the workspace at a glance, from the database."""

from __future__ import annotations

import reflex as rx

from components.design import empty_state, primary_button, secondary_button
from components.onboarding import first_run_checklist
from components.platform import platform_icon, status_badge
from socialhub_app.layout import protected_page
from state.approvals import ReviewQueueState
from state.dashboard import DashboardState


def stat(label: str, value: rx.Var, testid: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(label, size="2", color_scheme="gray"),
            rx.heading(value, size="7", custom_attrs={"data-testid": testid}, as_="h2"),
            spacing="1",
        ),
        width="100%",
    )


def upcoming_item(item: rx.Var) -> rx.Component:
    """A whole row is a link to the post (its name: time and first words)."""
    return rx.link(
        rx.hstack(
            rx.text(item["when"], size="2", weight="medium", min_width="170px"),
            rx.text(item["preview"], size="2", flex="1", min_width="0", overflow_wrap="anywhere"),
            rx.text(item["platforms"], size="1", color_scheme="gray"),
            rx.icon("chevron-right", size=14, aria_hidden="true"),
            width="100%",
            align="center",
        ),
        href="/compose?post=" + item["post_id"].to(str),
        aria_label="Open post: " + item["when"].to(str) + " — " + item["preview"].to(str),
        padding="6px 8px",
        border_radius="6px",
        _hover={"background": rx.color("accent", 3)},
        underline="none",
        color_scheme="gray",
        high_contrast=True,
        custom_attrs={"data-testid": "upcoming-item"},
    )


def upcoming_empty() -> rx.Component:
    """Nothing scheduled: the next step as a button — connect an account first if there is none."""
    return empty_state(
        "calendar-plus",
        "Nothing scheduled",
        rx.cond(
            DashboardState.accounts > 0,
            "Write a post and schedule it, or add it to the queue.",
            "Connect a social account (the Demo network works without credentials), then write your first post.",
        ),
        "upcoming-empty",
        actions=[
            rx.cond(
                DashboardState.accounts > 0,
                rx.fragment(),
                primary_button("Connect an account", testid="dashboard-connect", icon="plug",
                               on_click=rx.redirect("/accounts")),
            ),
            rx.cond(
                DashboardState.accounts > 0,
                primary_button("Create post", testid="dashboard-create-post", icon="pen-line",
                               on_click=rx.redirect("/compose")),
                secondary_button("Create post", testid="dashboard-create-post", icon="pen-line",
                                 on_click=rx.redirect("/compose")),
            ),
        ],
    )


def failure_item(item: rx.Var) -> rx.Component:
    return rx.link(
        rx.vstack(
            rx.hstack(
                platform_icon(item["platform"], 14),
                rx.text(item["account"], size="2", weight="medium"),
                status_badge(item["status"]),
                rx.text(item["when"], size="1", color_scheme="gray"),
                align="center",
            ),
            rx.text(item["preview"], size="2"),
            rx.text(item["reason"], size="1", color_scheme="red", custom_attrs={"data-testid": "failure-reason"}),
            spacing="1",
        ),
        href="/compose?post=" + item["post_id"].to(str),
        underline="none",
        color_scheme="gray",
        high_contrast=True,
        custom_attrs={"data-testid": "failure-item"},
    )


def headline_card(item: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(item["label"], size="1", color_scheme="gray"),
            rx.heading(item["value"], size="5", custom_attrs={"data-testid": "headline-" + item["key"].to(str)}, as_="h2"),
            rx.text(
                item["change"],
                size="1",
                color_scheme=rx.match(item["trend"], ("up", "green"), ("down", "red"), "gray"),
                custom_attrs={"data-testid": "headline-" + item["key"].to(str) + "-change"},
            ),
            rx.text("last week: ", item["previous"], size="1", color_scheme="gray"),
            spacing="1",
        ),
        width="100%",
    )


def headlines() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading("This week vs last week", size="3", as_="h2"),
            rx.cond(
                DashboardState.headlines_simulated,
                rx.badge(
                    "includes simulated Demo metrics",
                    color_scheme="amber",
                    variant="soft",
                    custom_attrs={"data-testid": "headlines-simulated"},
                ),
            ),
            rx.spacer(),
            rx.link("Analytics →", href="/analytics", size="2", custom_attrs={"data-testid": "headlines-analytics"}),
            align="center",
            width="100%",
        ),
        rx.grid(
            rx.foreach(DashboardState.headlines, headline_card),
            columns=rx.breakpoints(initial="2", sm="4"),
            spacing="3",
            width="100%",
        ),
        width="100%",
        spacing="2",
        custom_attrs={"data-testid": "headlines"},
    )


def review_waiting() -> rx.Component:
    """For reviewers: how many posts wait for them, linking to the queue."""
    return rx.cond(
        ReviewQueueState.can_review & (ReviewQueueState.count > 0),
        rx.callout(
            rx.link(
                rx.text.strong(ReviewQueueState.count, custom_attrs={"data-testid": "count-review"}),
                " post(s) wait for your review →",
                href="/review",
                custom_attrs={"data-testid": "review-link"},
            ),
            icon="clipboard-check",
            color_scheme="iris",
            width="100%",
        ),
    )


@protected_page("/", "Dashboard", on_load=[DashboardState.load, ReviewQueueState.load])
def dashboard_page() -> rx.Component:
    return rx.vstack(
        rx.text(
            "Workspace: ", rx.text.strong(DashboardState.workspace_name, custom_attrs={"data-testid": "workspace-name"})
        ),
        first_run_checklist(),
        review_waiting(),
        rx.grid(
            stat("Connected accounts", DashboardState.accounts, "count-accounts"),
            stat("Scheduled posts", DashboardState.scheduled, "count-scheduled"),
            stat("Published this week", DashboardState.published_this_week, "count-published-week"),
            columns=rx.breakpoints(initial="1", sm="3"),
            spacing="4",
            width="100%",
        ),
        headlines(),
        rx.grid(
            rx.card(
                rx.heading("Upcoming", size="3", as_="h2"),
                rx.cond(
                    DashboardState.upcoming.length() > 0,
                    rx.vstack(rx.foreach(DashboardState.upcoming, upcoming_item), spacing="2", margin_top="8px"),
                    upcoming_empty(),
                ),
            ),
            rx.card(
                rx.heading("Needs attention", size="3", as_="h2"),
                rx.cond(
                    DashboardState.failures.length() > 0,
                    rx.vstack(rx.foreach(DashboardState.failures, failure_item), spacing="3", margin_top="8px"),
                    empty_state(
                        "circle-check",
                        "No failed posts",
                        "Everything went out. Check what comes next in the calendar.",
                        "failures-empty",
                        actions=[secondary_button("Open the calendar", testid="failures-open-calendar",
                                                  icon="calendar", on_click=rx.redirect("/calendar"))],
                    ),
                ),
            ),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="4",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )
