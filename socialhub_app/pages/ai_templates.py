"""Settings → AI → Prompt templates: one editor per action with a live preview of the rendered prompt."""

from __future__ import annotations

import reflex as rx

from components.ai_nav import ai_subnav, error_callout
from components.design import confirm_action
from components.fields import field_label, stable_text_area
from socialhub_app.layout import protected_page
from state.ai_templates import ACTION_CHOICES, VARIABLE_HELP, AITemplatesState


def _editor(label: str, value: rx.Var, handler, testid: str, rows: str) -> rx.Component:  # noqa: ANN001
    return rx.vstack(
        field_label(label, testid),
        # remounted with the stored text only when another template is loaded (see components/fields.py)
        stable_text_area(
            field_id=testid,
            value=value,
            version=AITemplatesState.editor_version,
            on_change=handler,
            testid=testid,
            debounce=300,
            rows=rows,
            width="100%",
            font_family="monospace",
        ),
        spacing="1",
        width="100%",
    )


def preview() -> rx.Component:
    return rx.vstack(
        rx.heading("Preview (sample values)", size="3", as_="h2"),
        rx.cond(
            AITemplatesState.preview_error != "",
            rx.callout(
                AITemplatesState.preview_error,
                icon="triangle-alert",
                color_scheme="orange",
                size="1",
                width="100%",
                custom_attrs={"data-testid": "ai-template-preview-error"},
            ),
            rx.foreach(
                AITemplatesState.preview_messages,
                lambda m: rx.box(
                    rx.text(m["role"], size="1", weight="bold", color_scheme="gray"),
                    rx.text(m["content"], size="2", white_space="pre-wrap", font_family="monospace"),
                    padding="8px",
                    border=f"1px solid {rx.color('gray', 5)}",
                    border_radius="6px",
                    width="100%",
                    custom_attrs={"data-testid": "ai-template-preview", "data-role": m["role"]},
                ),
            ),
        ),
        spacing="2",
        width="100%",
    )


def variables_help() -> rx.Component:
    return rx.vstack(
        rx.heading("Variables", size="3", as_="h2"),
        *[rx.text(rx.code(v["name"]), " ", v["help"], size="1") for v in VARIABLE_HELP],
        spacing="1",
        width="100%",
    )


@protected_page("/ai/templates", "AI prompt templates", on_load=[AITemplatesState.load])
def ai_templates_page() -> rx.Component:
    return rx.vstack(
        ai_subnav("/ai/templates"),
        rx.hstack(
            rx.text("Action", size="2"),
            rx.select(
                ACTION_CHOICES,
                value=AITemplatesState.action,
                on_change=AITemplatesState.set_action,
                custom_attrs={"data-testid": "ai-template-action", "aria-label": "Action"},
            ),
            rx.text("For", size="2"),
            rx.select.root(
                rx.select.trigger(aria_label="Template for", custom_attrs={"data-testid": "ai-template-scope"}),
                rx.select.content(
                    rx.select.item("the workspace", value="workspace"),
                    rx.select.item("only me", value="personal"),
                ),
                value=AITemplatesState.scope,
                on_change=AITemplatesState.set_scope,
            ),
            rx.badge(AITemplatesState.source, variant="surface", custom_attrs={"data-testid": "ai-template-source"}),
            align="center",
            spacing="2",
            wrap="wrap",
        ),
        rx.text(
            "The prompt is exactly these two messages: nothing hidden is added. Your own template wins over the "
            "workspace's, which wins over the built-in one.",
            size="2",
            color_scheme="gray",
        ),
        rx.hstack(
            rx.vstack(
                _editor(
                    "System message",
                    AITemplatesState.system_text,
                    AITemplatesState.set_system_text,
                    "ai-template-system",
                    "5",
                ),
                _editor(
                    "User message", AITemplatesState.user_text, AITemplatesState.set_user_text, "ai-template-user", "6"
                ),
                error_callout(AITemplatesState.error, "ai-template-error"),
                rx.hstack(
                    rx.button(
                        "Save template",
                        on_click=AITemplatesState.save,
                        custom_attrs={"data-testid": "ai-template-save"},
                    ),
                    confirm_action(
                        rx.button(
                            "Reset to default",
                            variant="soft",
                            color_scheme="gray",
                            custom_attrs={"data-testid": "ai-template-reset"},
                        ),
                        title="Reset the " + AITemplatesState.action + " template?",
                        description="Your edits to this template are thrown away and the default text comes back.",
                        confirm_label="Reset template",
                        on_confirm=AITemplatesState.reset_to_default,
                        testid="ai-template-reset-dialog",
                    ),
                    spacing="2",
                ),
                variables_help(),
                width="55%",
                spacing="3",
            ),
            rx.box(preview(), width="45%"),
            align="start",
            spacing="4",
            width="100%",
            class_name="sh-stack-mobile",  # phones: the preview goes under the editors
        ),
        spacing="3",
        width="100%",
    )
