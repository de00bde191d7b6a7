"""The composer's AI side panel: brief, actions, the streamed suggestion(s), Insert/Discard and Show prompt."""

from __future__ import annotations

import reflex as rx

from components.ai_media import image_generator
from components.fields import field_label, stable_text_area
from state.ai_assist import MAX_BRIEF, TONE_CHOICES, AIAssistState


def ai_toggle_button() -> rx.Component:
    return rx.button(
        rx.icon("sparkles", size=16),
        rx.cond(AIAssistState.panel_open, "Hide AI assistant", "AI assistant"),
        size="2",
        variant="soft",
        color_scheme="violet",
        on_click=AIAssistState.toggle_panel,
        custom_attrs={"data-testid": "ai-toggle"},
    )


def _action_button(label: str, action: str, icon: str) -> rx.Component:
    return rx.button(
        rx.icon(icon, size=14),
        label,
        size="1",
        variant="surface",
        loading=AIAssistState.running & (AIAssistState.action == action),
        disabled=AIAssistState.running,
        on_click=AIAssistState.run_action(action),
        custom_attrs={"data-testid": f"ai-{action}"},
    )


def _brief_input() -> rx.Component:
    return rx.vstack(
        field_label("Brief", "ai-brief", align_self="start"),
        # uncontrolled: nothing the server sends ever replaces what the person is typing
        stable_text_area(
            field_id="ai-brief",
            value=AIAssistState.brief,
            version="brief",
            on_change=AIAssistState.set_brief,
            testid="ai-brief",
            placeholder="Brief: what should the post be about? e.g. “Autumn menu launches Friday”",
            rows="3",
            width="100%",
        ),
        rx.text(
            AIAssistState.brief_length.to_string() + f" / {MAX_BRIEF:,}",
            size="1",
            color=rx.cond(AIAssistState.brief_length > MAX_BRIEF, rx.color("red", 11), rx.color("gray", 10)),
            custom_attrs={"data-testid": "ai-brief-count"},
        ),
        spacing="1",
        width="100%",
        align="end",
    )


def _controls() -> rx.Component:
    return rx.vstack(
        _brief_input(),
        rx.hstack(
            _action_button("Suggest caption", "caption", "wand-sparkles"),
            _action_button("Rewrite for each platform", "rewrite", "repeat"),
            _action_button("Suggest hashtags", "hashtags", "hash"),
            wrap="wrap",
            spacing="2",
        ),
        rx.hstack(
            rx.select(
                TONE_CHOICES,
                value=AIAssistState.tone,
                on_change=AIAssistState.set_tone,
                size="1",
                custom_attrs={"data-testid": "ai-tone-select", "aria-label": "Tone"},
            ),
            _action_button("Change tone", "tone", "palette"),
            align="center",
            spacing="2",
        ),
        rx.text(
            "Rewrite, hashtags and tone work on the post's main text; the selected accounts' persona is used.",
            size="1",
            color_scheme="gray",
        ),
        spacing="2",
        width="100%",
    )


def _messages() -> rx.Component:
    return rx.vstack(
        rx.cond(
            AIAssistState.error != "",
            rx.callout(
                AIAssistState.error,
                icon="triangle-alert",
                color_scheme="red",
                size="1",
                width="100%",
                custom_attrs={"data-testid": "ai-error"},
            ),
        ),
        rx.foreach(
            AIAssistState.notices,
            lambda n: rx.callout(
                n, icon="info", color_scheme="blue", size="1", width="100%", custom_attrs={"data-testid": "ai-notice"}
            ),
        ),
        rx.foreach(
            AIAssistState.skipped,
            lambda s: rx.text(
                "Skipped " + s["provider"].to(str) + " (" + s["model"].to(str) + "): " + s["reason"].to(str),
                size="1",
                color_scheme="orange",
                custom_attrs={"data-testid": "ai-skipped"},
            ),
        ),
        spacing="1",
        width="100%",
    )


def _answered_by(s: rx.Var) -> rx.Component:
    return rx.cond(
        s["offline"].to(bool),
        rx.badge(
            "offline suggestion", color_scheme="amber", variant="soft", custom_attrs={"data-testid": "ai-offline-label"}
        ),
        rx.cond(
            s["provider"] != "",
            rx.text(
                "Answered by " + s["provider"].to(str) + " · " + s["model"].to(str),
                size="1",
                color_scheme="gray",
                custom_attrs={"data-testid": "ai-answered-by"},
            ),
        ),
    )


def _suggestion_card(s: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(s["title"], size="2", weight="bold"),
                rx.spacer(),
                _answered_by(s),
                width="100%",
                align="center",
            ),
            rx.text_area(
                aria_label="Suggestion: " + s["title"].to(str),
                value=s["text"].to(str),
                on_change=lambda v: AIAssistState.edit_suggestion(s["key"], v),
                read_only=~s["done"].to(bool),
                rows="5",
                width="100%",
                custom_attrs={
                    "data-testid": "ai-suggestion-text",
                    "data-key": s["key"],
                    "data-done": rx.cond(s["done"].to(bool), "true", "false"),
                },
            ),
            rx.cond(s["note"] != "", rx.text(s["note"], size="1", color_scheme="orange")),
            rx.hstack(
                rx.button(
                    "Insert",
                    size="1",
                    disabled=~s["done"].to(bool),
                    on_click=AIAssistState.insert_suggestion(s["key"]),
                    custom_attrs={"data-testid": "ai-insert"},
                ),
                spacing="2",
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        custom_attrs={"data-testid": "ai-suggestion", "data-key": s["key"]},
    )


def _prompt_view() -> rx.Component:
    return rx.vstack(
        rx.foreach(
            AIAssistState.answered_by,
            lambda line: rx.text(
                "Answered by: " + line, size="1", weight="medium", custom_attrs={"data-testid": "ai-prompt-provider"}
            ),
        ),
        rx.foreach(
            AIAssistState.prompt_messages,
            lambda m: rx.box(
                rx.text(
                    m["role"].to(str) + rx.cond(m["title"] != "", " · " + m["title"].to(str), ""),
                    size="1",
                    weight="bold",
                    color_scheme="gray",
                ),
                rx.text(m["content"], size="1", white_space="pre-wrap", font_family="monospace"),
                padding="6px",
                border=f"1px solid {rx.color('gray', 5)}",
                border_radius="6px",
                width="100%",
                custom_attrs={"data-testid": "ai-prompt-message", "data-role": m["role"]},
            ),
        ),
        spacing="2",
        width="100%",
        custom_attrs={"data-testid": "ai-prompt-view"},
    )


def _results() -> rx.Component:
    return rx.cond(
        AIAssistState.prompt_messages.length() > 0,
        rx.vstack(
            rx.hstack(
                rx.text(AIAssistState.action_label, size="2", weight="medium"),
                rx.cond(AIAssistState.running, rx.spinner(size="1")),
                rx.spacer(),
                rx.button(
                    rx.cond(AIAssistState.show_prompt, "Hide prompt", "Show prompt"),
                    size="1",
                    variant="ghost",
                    on_click=AIAssistState.toggle_prompt,
                    custom_attrs={"data-testid": "ai-show-prompt"},
                ),
                rx.button(
                    "Discard",
                    size="1",
                    variant="ghost",
                    color_scheme="gray",
                    disabled=AIAssistState.running,
                    on_click=AIAssistState.discard,
                    custom_attrs={"data-testid": "ai-discard"},
                ),
                width="100%",
                align="center",
            ),
            rx.foreach(AIAssistState.suggestions, _suggestion_card),
            rx.cond(AIAssistState.show_prompt, _prompt_view()),
            spacing="2",
            width="100%",
        ),
    )


def ai_panel() -> rx.Component:
    return rx.cond(
        AIAssistState.panel_open,
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.icon("sparkles", size=16),
                    rx.heading("AI assistant", size="3", as_="h2"),
                    rx.spacer(),
                    rx.link(
                        "Providers & personas",
                        href="/ai/providers",
                        size="1",
                        custom_attrs={"data-testid": "ai-settings-link"},
                    ),
                    align="center",
                    width="100%",
                ),
                _controls(),
                _messages(),
                _results(),
                rx.divider(),
                image_generator(),
                spacing="3",
                width="100%",
            ),
            width="100%",
            custom_attrs={"data-testid": "ai-panel"},
        ),
    )
