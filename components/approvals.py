"""Approval UI pieces: the composer's review panel and submit button, the Settings section, the
review queue list. Every control has an accessible name and a data-testid (README → For QA)."""

from __future__ import annotations

import reflex as rx

from components.design import empty_state, secondary_button
from components.design.names import truncated_name
from components.settings_sections import section
from state.approvals import MODE_LABELS, ApprovalSettingsState, ReviewQueueState
from state.compose import ComposeState
from state.compose_review import ComposeReviewState

R = ComposeReviewState
S = ApprovalSettingsState


def submit_button() -> rx.Component:
    """Replaces Schedule / Publish now when the person's posts need a reviewer."""
    return rx.button(
        "Submit for approval",
        on_click=R.submit,
        disabled=ComposeState.working,
        custom_attrs={"data-testid": "submit-approval"},
    )


def approval_status() -> rx.Component:
    """Where the open post stands in review, with the reviewer's note when changes were requested."""
    return rx.cond(
        R.approval_label != "",
        rx.callout(
            rx.vstack(
                rx.text(
                    rx.text.strong(R.approval_label),
                    rx.cond(R.reviewer != "", " · " + R.reviewer, ""),
                    custom_attrs={"data-testid": "approval-status", "data-state": R.approval_state},
                ),
                rx.cond(
                    R.approval_state == "missed_approval",
                    rx.text("Its time passed while it waited for review, so it was not published. "
                            "Pick a new time and submit (or schedule) it again.", size="2"),  # fmt: skip
                ),
                rx.cond(
                    (R.review_note != "") & (R.approval_state == "changes_requested"),
                    rx.text("Reviewer's note: " + R.review_note, size="2", custom_attrs={"data-testid": "review-note"}),
                ),
                spacing="1",
            ),
            icon="clipboard-check",
            color_scheme=rx.match(
                R.approval_state, ("approved", "green"), ("missed_approval", "red"),
                ("changes_requested", "orange"), "iris",
            ),  # fmt: skip
            width="100%",
        ),
    )


def review_box() -> rx.Component:
    """Approve / Request changes for a reviewer (Editor+, not the author) while the post is in review."""
    return rx.cond(
        R.can_review,
        rx.vstack(
            rx.el.label("Note for the author", html_for="review-note-input", class_name="rt-Text rt-r-size-2"),
            rx.text_area(
                id="review-note-input",
                value=R.note_input,
                on_change=R.set_note_input,
                placeholder="What should change? (optional when approving)",
                width="100%",
                custom_attrs={"data-testid": "review-note-input"},
            ),
            rx.hstack(
                rx.button("Approve", color_scheme="green", high_contrast=True, on_click=R.approve,
                          custom_attrs={"data-testid": "approve-post"}),  # fmt: skip
                rx.button("Request changes", variant="soft", color_scheme="orange", on_click=R.request_changes,
                          custom_attrs={"data-testid": "request-changes"}),  # fmt: skip
                spacing="2",
            ),
            width="100%",
            spacing="2",
            custom_attrs={"data-testid": "review-box"},
        ),
    )


def preview_link_box() -> rx.Component:
    """Create / revoke a read-only link for someone without an account (Editor+)."""
    return rx.cond(
        R.can_share & (ComposeState.post_id > 0),
        rx.vstack(
            rx.hstack(
                rx.button("Create preview link", variant="soft", size="1", on_click=R.create_preview_link,
                          custom_attrs={"data-testid": "preview-link-create"}),  # fmt: skip
                rx.button("Revoke preview links", variant="ghost", color_scheme="red", size="1",
                          on_click=R.revoke_preview_links, custom_attrs={"data-testid": "preview-link-revoke"}),  # fmt: skip
                spacing="2",
            ),
            rx.cond(
                R.preview_url != "",
                rx.vstack(
                    rx.input(value=R.preview_url, read_only=True, width="100%", aria_label="Preview link",
                             custom_attrs={"data-testid": "preview-link-url"}),  # fmt: skip
                    rx.text("Expires " + R.preview_expires + ". Shown once: copy it now.", size="1"),
                    width="100%",
                    spacing="1",
                ),
            ),
            width="100%",
            spacing="2",
        ),
    )


def approval_settings_section() -> rx.Component:
    return section(
        "Approvals",
        "Who needs a reviewer before a post goes out. Contributors always submit posts for approval; "
        "reviewers are Editors, Admins and Owners.",
        rx.el.label("Approvals", html_for="approval-mode", class_name="rt-Text rt-r-size-2"),
        rx.select(
            list(MODE_LABELS.values()),
            value=S.mode_label,
            on_change=S.set_mode_label,
            disabled=~S.can_change,
            id="approval-mode",
            aria_label="Approvals",
            custom_attrs={"data-testid": "approval-mode"},
        ),
        rx.hstack(
            rx.switch(
                checked=S.allow_external,
                on_change=S.set_allow_external,
                disabled=~S.can_change,
                id="approval-external",
                aria_label="Allow external approval via preview links",
                custom_attrs={"data-testid": "approval-external"},
            ),
            rx.el.label("Allow external approval via preview links", html_for="approval-external",
                        class_name="rt-Text rt-r-size-2"),  # fmt: skip
            align="center",
            spacing="2",
        ),
        rx.cond(
            S.can_change,
            rx.button("Save approval settings", on_click=S.save, custom_attrs={"data-testid": "approval-save"}),
            rx.text("Only Owners and Admins change this.", size="2", color_scheme="gray"),
        ),
        testid="approval-settings",
    )


def _review_item(item: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(item["preview"], weight="medium"),
            rx.hstack(
                rx.text("By", size="2", color_scheme="gray"),
                truncated_name(item["author"], testid="review-author", size="2", color_scheme="gray", max_width="200px"),
                rx.text("· submitted " + item["submitted"] + " · for " + item["scheduled"] + " · " + item["platforms"],
                        size="2", color_scheme="gray"),
                spacing="1",
                wrap="wrap",
            ),
            rx.link("Open to review", href=item["href"], custom_attrs={"data-testid": "review-open"}),
            spacing="1",
        ),
        width="100%",
        custom_attrs={"data-testid": "review-item", "data-post-id": item["post_id"]},
    )


def review_list() -> rx.Component:
    return rx.cond(
        ReviewQueueState.can_review,
        rx.cond(
            ReviewQueueState.items.length() > 0,
            rx.vstack(rx.foreach(ReviewQueueState.items, _review_item), width="100%", spacing="3"),
            empty_state(
                "circle-check",
                "Nothing waits for your review",
                "Posts submitted for review appear here.",
                "review-empty",
                actions=[
                    secondary_button("Open the calendar", testid="review-open-calendar", icon="calendar",
                                     on_click=rx.redirect("/calendar")),
                    secondary_button("Create post", testid="review-create-post", icon="pen-line",
                                     on_click=rx.redirect("/compose")),
                ],
            ),
        ),
        rx.callout("Editors, Admins and Owners review posts; your submitted posts wait here for them.",
                   icon="info", custom_attrs={"data-testid": "review-not-reviewer"}),  # fmt: skip
    )
