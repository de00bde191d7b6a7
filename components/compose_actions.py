"""The composer's actions: one primary button with the others in a menu, Delete behind a dialog,
and the read-only view of a published post.

Why: four competing buttons, all enabled while the text was over a limit, and a published post
that opened as an editable form with actions that could only fail. The state machine
(ComposeState.allowed, from services/posts/composer_rules.py) decides what is offered.
"""

from __future__ import annotations

import reflex as rx

from components.approvals import submit_button
from components.design import action_menu, confirm_dialog, danger_button, primary_button, secondary_button
from components.fields import CLEAR_COMPOSER_JS
from components.platform import platform_icon, status_badge
from components.role_note import role_note
from state.auth import AuthState
from state.compose import ComposeState
from state.compose_extras import ComposeExtrasState
from state.compose_more import ComposeMoreState
from state.compose_review import ComposeReviewState

C, M = ComposeState, ComposeMoreState
BLOCKED = (C.blocked_reason != "") | C.working


def _may(action: str) -> rx.Var:
    return C.allowed.contains(action)


def _save_draft_handlers() -> list:
    return [C.save_draft, ComposeReviewState.refresh]


def _primary() -> rx.Component:
    """Schedule when a time is picked, else Add to queue (the next free slot) — like Buffer."""
    return rx.cond(
        C.schedule_date != "",
        primary_button(
            "Schedule", testid="schedule-button", icon="calendar-clock", reason=C.blocked_reason, disabled=BLOCKED,
            on_click=[C.schedule, ComposeExtrasState.after_schedule, ComposeReviewState.refresh],
        ),
        primary_button(
            "Add to queue", testid="add-to-queue", icon="list-ordered", reason=C.blocked_reason, disabled=BLOCKED,
            on_click=ComposeExtrasState.add_to_queue,
        ),
    )  # fmt: skip


def _direct_actions() -> rx.Component:
    return rx.cond(
        _may("schedule"),
        action_menu(
            _primary(),
            [
                ("Publish now", "publish-now", C.publish_now),
                ("Add to queue", "add-to-queue", ComposeExtrasState.add_to_queue),
                ("Save draft", "save-draft", _save_draft_handlers()),
            ],
            testid="compose-actions",
            menu_label="Other ways to post",
            disabled=C.working,
            item_disabled={"publish-now": BLOCKED, "add-to-queue": BLOCKED},
            item_shown={"add-to-queue": C.schedule_date != "", "save-draft": _may("save_draft")},
        ),
        rx.cond(_may("save_draft"), _save_draft_button()),
    )


def _save_draft_button() -> rx.Component:
    return secondary_button("Save draft", testid="save-draft", on_click=_save_draft_handlers(), disabled=C.working)


def _post_buttons() -> rx.Component:
    """For a saved post: only what its state allows, with names that never contain each other."""
    return rx.cond(
        C.post_id > 0,
        rx.hstack(
            rx.cond(
                AuthState.can_publish & _may("cancel_schedule"),
                secondary_button("Move to drafts", testid="cancel-schedule", icon="calendar-x",
                                 on_click=M.cancel_schedule),
            ),
            rx.cond(AuthState.can_write & _may("duplicate"),
                    secondary_button("Duplicate", testid="duplicate-post", icon="copy", on_click=M.duplicate)),
            rx.cond(AuthState.can_delete & _may("delete"),
                    danger_button("Delete", testid="delete-post", on_click=M.ask_delete)),
            secondary_button("New post", testid="new-post", icon="file-plus",
                             on_click=[CLEAR_COMPOSER_JS, C.new_post, ComposeReviewState.refresh]),
            spacing="2",
            wrap="wrap",
        ),
    )  # fmt: skip


def autosave_status() -> rx.Component:
    return rx.text(C.autosave_label, size="1", color_scheme="gray", aria_live="polite",
                   custom_attrs={"data-testid": "autosave-status"})  # fmt: skip


def actions() -> rx.Component:
    """The save buttons a role may use; the others are hidden with a note (the server re-checks anyway)."""
    return rx.cond(
        AuthState.can_write,
        rx.vstack(
            rx.hstack(
                rx.cond(
                    ComposeReviewState.approval_required,
                    rx.hstack(_save_draft_button(), submit_button(), role_note(), spacing="2", wrap="wrap"),
                    rx.cond(AuthState.can_publish, _direct_actions(), rx.hstack(_save_draft_button(), role_note())),
                ),
                _post_buttons(),
                rx.cond(
                    C.working,
                    rx.hstack(rx.spinner(size="2"), rx.text("Publishing…", size="2"),
                              custom_attrs={"data-testid": "publishing-indicator"}, align="center"),
                ),
                wrap="wrap",
                spacing="3",
                align="start",
            ),
            autosave_status(),
            spacing="1",
            width="100%",
        ),
        role_note(),
    )  # fmt: skip


def delete_dialog() -> rx.Component:
    return confirm_dialog(
        open_=M.delete_open, title=M.delete_title, description=M.delete_text, confirm_label="Delete post",
        on_confirm=M.confirm_delete, on_cancel=M.cancel_delete, testid="delete-dialog",
    )  # fmt: skip


def _published_card(result: rx.Var) -> rx.Component:
    platform = result["platform"].to(str)
    return rx.card(
        rx.vstack(
            rx.hstack(
                platform_icon(result["platform"], 16),
                rx.text(result["account_name"], size="2", weight="bold", class_name="sh-ellipsis"),
                status_badge(result["status"], testid="result-status-" + platform),
                rx.spacer(),
                rx.text(result["published_at"], size="1", color_scheme="gray"),
                align="center",
                width="100%",
                wrap="wrap",
            ),
            rx.text(result["body"], size="2", white_space="pre-wrap",
                    custom_attrs={"data-testid": "published-text-" + platform}),
            rx.cond(
                result["url"] != "",
                rx.link(
                    "View on ", result["network"], rx.icon("external-link", size=14, aria_hidden="true"),
                    href=result["url"], is_external=True, size="2",
                    custom_attrs={"data-testid": "result-link-" + platform},
                ),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        custom_attrs={"data-testid": "published-" + platform},
    )  # fmt: skip


def published_view() -> rx.Component:
    """A post that went out (or is going out right now) on every account: shown as published, not as a form."""
    return rx.vstack(
        rx.callout(
            rx.cond(
                C.post_status == "publishing",
                "Being published right now — it can't be changed. Duplicate it to write a new version.",
                "Published. This is the text each account got; to post it again, duplicate it.",
            ),
            icon="circle-check", color_scheme="green", width="100%",
            custom_attrs={"data-testid": "published-note"},
        ),
        rx.foreach(C.results, _published_card),
        rx.hstack(
            rx.cond(AuthState.can_write,
                    primary_button("Duplicate", testid="duplicate-post", icon="copy", on_click=M.duplicate)),
            secondary_button("New post", testid="new-post", icon="file-plus",
                             on_click=[CLEAR_COMPOSER_JS, C.new_post, ComposeReviewState.refresh]),
            spacing="2",
        ),
        width="100%",
        spacing="3",
        custom_attrs={"data-testid": "published-view"},
    )  # fmt: skip
