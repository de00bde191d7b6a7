"""/preview?token=…: the public, read-only preview of one post (no login). A dead link gets a clear page."""

from __future__ import annotations

import reflex as rx

from state.approvals import PreviewPageState as V


def _card(p: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(p["label"] + " · " + p["account"], weight="medium", size="2"),
            rx.text(p["text"], white_space="pre-wrap"),
            spacing="1",
        ),
        width="100%",
        custom_attrs={"data-testid": "preview-card-" + p["platform"].to(str)},
    )


def _decision() -> rx.Component:
    return rx.cond(
        V.can_decide,
        rx.vstack(
            rx.el.label("Your name", html_for="preview-name"),
            rx.input(id="preview-name", value=V.reviewer_name, on_change=V.set_reviewer_name, width="100%",
                     custom_attrs={"data-testid": "preview-name-input"}),  # fmt: skip
            rx.el.label("Note", html_for="preview-note"),
            rx.text_area(id="preview-note", value=V.reviewer_note, on_change=V.set_reviewer_note, width="100%",
                         custom_attrs={"data-testid": "preview-note-input"}),  # fmt: skip
            rx.hstack(
                rx.button("Approve", color_scheme="green", high_contrast=True, on_click=V.approve,
                          custom_attrs={"data-testid": "preview-approve"}),  # fmt: skip
                rx.button("Request changes", variant="soft", color_scheme="orange", on_click=V.request_changes,
                          custom_attrs={"data-testid": "preview-request-changes"}),  # fmt: skip
                spacing="2",
            ),
            width="100%",
            spacing="2",
        ),
    )


@rx.page(route="/preview", title="Post preview · SocialHub", on_load=V.load)
def preview_page() -> rx.Component:
    return rx.center(
        rx.card(
            rx.cond(
                V.problem != "",
                rx.vstack(
                    rx.heading("This preview can't be shown", size="5"),
                    rx.text(V.problem, custom_attrs={"data-testid": "preview-problem"}),
                ),
                rx.vstack(
                    rx.heading("Post preview · " + V.workspace, size="5"),
                    rx.badge(V.approval_label, custom_attrs={"data-testid": "preview-status"}),
                    rx.foreach(V.previews, _card),
                    rx.cond(V.decided != "", rx.callout(V.decided, icon="check", color_scheme="green",
                                                         custom_attrs={"data-testid": "preview-decided"})),  # fmt: skip
                    rx.cond(V.error != "", rx.callout(V.error, icon="triangle-alert", color_scheme="red",
                                                       custom_attrs={"data-testid": "preview-error"})),  # fmt: skip
                    _decision(),
                    width="100%",
                    spacing="3",
                ),
            ),
            max_width="640px",
            width="100%",
        ),
        padding="48px 16px",
    )
