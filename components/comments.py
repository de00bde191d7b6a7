"""The internal comment thread under the composer (never published): author, local time, @mentions."""

from __future__ import annotations

import reflex as rx

from components.design import confirm_action, field_message, truncated_name
from state.comments import CommentsState as C
from state.compose import ComposeState

FIELD_ID = "comment-text"


def comment_row(c: rx.Var) -> rx.Component:
    return rx.box(
        rx.hstack(
            truncated_name(c["author"], testid="comment-author", weight="bold", size="2", max_width="200px"),
            rx.text(c["when"], size="1", color_scheme="gray", custom_attrs={"data-testid": "comment-time"}),
            rx.spacer(),
            rx.cond(
                c["can_delete"] == "yes",
                confirm_action(
                    rx.icon_button(
                        rx.icon("trash-2", size=14),
                        size="1",
                        variant="ghost",
                        color_scheme="gray",
                        aria_label="Delete comment by " + c["author"],
                        custom_attrs={"data-testid": "comment-delete"},
                    ),
                    title="Delete this comment?",
                    description="“" + c["body"].to(str)[:80] + "” — " + c["author"].to(str) + ", " + c["when"].to(str),
                    confirm_label="Delete comment",
                    on_confirm=C.delete(c["id"]),
                    testid="comment-delete-dialog",
                ),
            ),
            align="center",
            width="100%",
        ),
        rx.text(c["body"], size="2", white_space="pre-wrap", custom_attrs={"data-testid": "comment-body"}),
        padding="8px 0",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        width="100%",
        custom_attrs={"data-testid": "comment"},
    )


def comments_section() -> rx.Component:
    """Shown once the post exists; every member (Viewers too) can read and write."""
    return rx.cond(
        ComposeState.post_id > 0,
        rx.el.section(
            rx.heading("Comments", size="3", as_="h2"),
            rx.text("Internal to this workspace, never published. Mention someone with @name.", size="1",
                    color_scheme="gray"),  # fmt: skip
            rx.vstack(rx.foreach(C.thread, comment_row), spacing="0", width="100%",
                      custom_attrs={"data-testid": "comment-thread"}),  # fmt: skip
            rx.form(
                rx.el.label("Add a comment", html_for=FIELD_ID, class_name="sh-label"),
                rx.text_area(
                    id=FIELD_ID,
                    name="comment",
                    placeholder="Write a comment… @name to mention",
                    rows="3",
                    max_length=2000,
                    width="100%",
                    aria_describedby=f"{FIELD_ID}-message",
                    on_focus=C.clear_error,  # back to editing: the old message no longer applies
                    custom_attrs={"data-testid": "comment-input"},
                ),
                rx.button("Comment", type="submit", margin_top="6px", custom_attrs={"data-testid": "comment-submit"}),
                on_submit=C.add,
                reset_on_submit=True,
                width="100%",
            ),
            field_message(C.error, field_id=FIELD_ID, testid="comment-error"),
            aria_label="Comments",
            style={"width": "100%", "display": "flex", "flex_direction": "column", "gap": "8px", "margin_top": "12px"},
            custom_attrs={"data-testid": "comments"},
        ),
    )
