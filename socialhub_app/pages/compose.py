"""Compose: write once, customize per account, preview, then draft / schedule / publish now."""

from __future__ import annotations

import reflex as rx

from components.ai_media import media_tile
from components.ai_panel import ai_panel, ai_toggle_button
from components.ai_time import time_suggestions
from components.approvals import approval_status, preview_link_box, review_box
from components.comments import comments_section
from components.compose_actions import actions, delete_dialog, published_view
from components.compose_extras import compose_extras, series_aware
from components.composer import account_chip, counter_row, result_row
from components.design import empty_state, primary_button
from components.fields import field_label, stable_text_area
from components.network_preview import network_preview
from components.platform import platform_icon, status_badge
from components.post_analytics import post_analytics_panel
from components.settings_privacy import post_privacy_note
from socialhub_app.layout import protected_page
from state.ai_assist import AIAssistState
from state.auth import AuthState
from state.comments import CommentsState
from state.compose import ComposeState
from state.compose_extras import ComposeExtrasState
from state.compose_more import ComposeMoreState
from state.compose_review import ComposeReviewState
from state.post_analytics import PostAnalyticsState

UPLOAD_ID = "compose-media"


def chips() -> rx.Component:
    return rx.hstack(
        rx.foreach(
            ComposeState.accounts,
            lambda a: account_chip(
                a, ComposeState.selected_ids.contains(a["id"]), ComposeState.toggle_account(a["id"])
            ),
        ),
        wrap="wrap",
        spacing="2",
    )


def tabs() -> rx.Component:
    def tab(account: rx.Var) -> rx.Component:
        return rx.cond(
            ComposeState.selected_ids.contains(account["id"]),
            rx.button(
                platform_icon(account["platform"], 14),
                account["display_name"],
                size="1",
                variant=rx.cond(ComposeState.active_tab == account["id"], "solid", "ghost"),
                on_click=ComposeState.set_active_tab(account["id"]),
                custom_attrs={"data-testid": "tab-" + account["platform"].to(str)},
            ),
        )

    return rx.hstack(
        rx.button(
            "Main text",
            size="1",
            variant=rx.cond(ComposeState.active_tab == "main", "solid", "ghost"),
            on_click=ComposeState.set_active_tab("main"),
            custom_attrs={"data-testid": "tab-main"},
        ),
        rx.foreach(ComposeState.accounts, tab),
        spacing="2",
        wrap="wrap",
    )


def editor() -> rx.Component:
    return rx.cond(
        ComposeState.active_tab == "main",
        rx.vstack(
            field_label("Post text", "compose-text"),
            stable_text_area(
                field_id="compose-text",
                value=ComposeState.main_text,
                version=ComposeState.editor_version,
                on_change=ComposeState.set_main_text,
                testid="compose-text",
                extra_attrs={"data-compose-editor": "main"},
                placeholder="What do you want to share?",
                rows="7",
                width="100%",
                max_length=70000,
            ),
            spacing="1",
            width="100%",
        ),
        rx.vstack(
            field_label("Custom text for this account", "compose-override-text"),
            stable_text_area(
                field_id="compose-override-text",
                value=ComposeState.active_override,
                version=ComposeState.active_tab + "-" + ComposeState.editor_version.to(str),
                on_change=ComposeState.set_override,
                testid="compose-override-text",
                extra_attrs={"data-compose-editor": "override"},
                placeholder="Custom text for this account (empty = use the main text)",
                rows="7",
                width="100%",
                max_length=70000,
            ),
            rx.button(
                "Use the main text",
                size="1",
                variant="ghost",
                on_click=ComposeState.reset_override,
                custom_attrs={"data-testid": "reset-override"},
            ),
            width="100%",
            spacing="1",
        ),
    )


def _named_file_input(upload: rx.Component, name: str) -> rx.Component:
    """rx.upload builds its <input type=file> itself; give it an accessible name (axe: label)."""
    stack = [upload]
    while stack:
        node = stack.pop()
        if type(node).__name__ == "Input":
            node.custom_attrs["aria-label"] = name
            break
        stack.extend(getattr(node, "children", []))
    return upload


def media_section() -> rx.Component:
    return rx.vstack(
        _named_file_input(
            rx.upload(
                rx.hstack(
                    rx.icon("image-plus", size=18),
                    rx.text("Drop images (JPEG/PNG/WebP/GIF) or MP4 video, or click (Enter)", size="2"),
                    align="center",
                ),
                id=UPLOAD_ID,
                multiple=True,
                on_drop=ComposeState.handle_upload(rx.upload_files(upload_id=UPLOAD_ID)),
                border=f"1px dashed {rx.color('gray', 7)}",
                padding="12px",
                width="100%",
                custom_attrs={"data-testid": "media-upload"},
            ),
            "Add images or an MP4 video",
        ),
        rx.hstack(rx.foreach(ComposeState.media, media_tile), wrap="wrap", spacing="2"),
        width="100%",
    )


def schedule_controls() -> rx.Component:
    return rx.hstack(
        rx.input(
            type="date",
            value=ComposeState.schedule_date,
            on_change=ComposeState.set_schedule_date,
            aria_label="Schedule date",
            custom_attrs={"data-testid": "schedule-date"},
        ),
        rx.input(
            type="time",
            step="60",  # hours and minutes only (item 8)
            value=ComposeState.schedule_time,
            on_change=ComposeState.set_schedule_time,
            aria_label="Schedule time",
            custom_attrs={"data-testid": "schedule-time"},
        ),
        rx.badge(ComposeState.user_timezone, variant="surface", custom_attrs={"data-testid": "schedule-timezone"}),
        align="center",
        wrap="wrap",
    )


def messages() -> rx.Component:
    """One quiet status line for the open post (item 7): no coloured box and no toast with the same words.

    Cleared by the state when the text, accounts, media or date/time change, and on New post.
    """
    return rx.vstack(
        post_privacy_note(),
        rx.cond(
            ComposeState.error != "",
            rx.text(
                rx.icon("circle-alert", size=14, margin_right="4px", vertical_align="middle"),
                ComposeState.error,
                size="2",
                color=rx.color("red", 11),
                role="alert",
                custom_attrs={"data-testid": "compose-error"},
            ),
            rx.cond(
                ComposeState.notice != "",
                rx.text(
                    ComposeState.notice,
                    size="2",
                    color_scheme="gray",
                    role="status",
                    custom_attrs={"data-testid": "compose-notice"},
                ),
            ),
        ),
        width="100%",
    )


def side_panel() -> rx.Component:
    return rx.vstack(
        rx.cond(
            ~ComposeState.read_only,
            rx.vstack(
                rx.heading("Per account", size="3", as_="h2"),
                rx.foreach(ComposeState.rows, counter_row),
                rx.heading("Preview", size="3", margin_top="8px", as_="h2"),
                rx.foreach(ComposeState.rows, network_preview),
                width="100%",
                spacing="2",
            ),
        ),
        rx.cond(
            (ComposeState.results.length() > 0) & ~ComposeState.read_only,
            rx.vstack(
                rx.hstack(
                    rx.heading("Status", size="3", as_="h2"),
                    status_badge(ComposeState.post_status, testid="post-status"),
                    align="center",
                ),
                rx.foreach(
                    ComposeState.results,
                    lambda r: result_row(
                        r, ComposeMoreState.retry_target(r["target_id"]), ComposeMoreState.mark_published(r["target_id"])
                    ),
                ),
                width="100%",
                custom_attrs={"data-testid": "publish-results"},
            ),
        ),
        post_analytics_panel(),
        width="100%",
        spacing="2",
    )


@protected_page(
    "/compose",
    "Compose",
    on_load=[
        ComposeState.load,
        AIAssistState.clear_for_page_load,
        PostAnalyticsState.load,
        ComposeExtrasState.load,
        CommentsState.load,
        ComposeReviewState.load,
    ],
)
def compose_page() -> rx.Component:
    return rx.cond(
        ComposeState.accounts.length() > 0,
        rx.hstack(
            rx.vstack(
                messages(),
                approval_status(),  # also on a published post: who approved it
                rx.cond(ComposeState.read_only, published_view(), editor_column()),
                comments_section(),  # the thread and preview links stay on a published post
                preview_link_box(),
                width="100%",
                spacing="3",
                min_width="0",
            ),
            rx.vstack(ai_toggle_button(), ai_panel(), side_panel(), width="380px", flex_shrink="0", spacing="3"),
            delete_dialog(),
            align="start",
            spacing="5",
            width="100%",
            class_name="sh-stack-mobile",  # phones: the preview stacks under the editor
        ),
        empty_state(
            "pen-line",
            "No accounts connected yet",
            "Connect an account to start writing — the Demo network works without any credentials.",
            "compose-empty",
            actions=[primary_button("Connect an account", testid="compose-connect-account", icon="plug",
                                    on_click=rx.redirect("/accounts"))],
        ),
    )  # fmt: skip


def editor_column() -> rx.Component:
    return rx.vstack(
        review_box(),
        rx.text("Publish to", size="2", weight="medium"),
        chips(),
        tabs(),
        editor(),
        media_section(),
        schedule_controls(),
        time_suggestions(),
        rx.cond(AuthState.can_publish, compose_extras()),
        rx.cond(AuthState.can_publish, series_aware(actions()), actions()),  # series edits schedule
        width="100%",
        spacing="3",
    )
