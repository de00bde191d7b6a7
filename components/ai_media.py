"""Composer media tiles with an alt text field ("Suggest alt text"), and the AI panel's image generator."""

from __future__ import annotations

import reflex as rx

from state.ai_media import IMAGE_SIZES, AIMediaState
from state.compose import ComposeState


def media_tile(m: rx.Var) -> rx.Component:
    is_image = m["kind"] == "image"
    return rx.card(
        rx.vstack(
            rx.box(  # the × sits on the thumbnail's corner, where people look for it
                rx.image(
                    src=m["thumb"], height="72px", border_radius="6px", custom_attrs={"data-testid": "media-thumb"}
                ),
                rx.icon_button(
                    rx.icon("x", size=12),
                    size="1",
                    variant="solid",
                    color_scheme="gray",
                    high_contrast=True,
                    radius="full",
                    aria_label="Remove " + m["name"].to(str),
                    on_click=ComposeState.remove_media(m["id"]),
                    position="absolute",
                    top="4px",
                    right="4px",
                    custom_attrs={"data-testid": "remove-media"},
                ),
                position="relative",
                width="fit-content",
                custom_attrs={"data-testid": "media-thumb-box"},
            ),
            rx.cond(
                m["generated_prompt"] != "",
                rx.text(
                    "Generated from: " + m["generated_prompt"].to(str),
                    size="1",
                    color_scheme="gray",
                    custom_attrs={"data-testid": "media-provenance"},
                ),  # fmt: skip
            ),
            rx.el.label("Alt text", html_for="alt-" + m["id"].to(str), style={"fontSize": "12px", "fontWeight": 500}),
            rx.text_area(
                id="alt-" + m["id"].to(str),
                value=m["alt"].to(str),
                on_change=lambda v: AIMediaState.set_alt(m["id"], v).debounce(200),
                placeholder="Describe the image for people who can't see it",
                rows="3",
                width="100%",
                custom_attrs={"data-testid": "media-alt-text", "data-media-id": m["id"]},
            ),
            rx.hstack(
                rx.cond(
                    is_image,
                    rx.button(
                        rx.icon("eye", size=12),
                        "Suggest alt text",
                        size="1",
                        variant="surface",
                        loading=AIMediaState.alt_busy == m["id"],
                        disabled=AIMediaState.alt_busy != "",
                        on_click=AIMediaState.suggest_alt(m["id"]),
                        custom_attrs={"data-testid": "media-suggest-alt"},
                    ),
                ),
                rx.button(
                    "Save alt text",
                    size="1",
                    disabled=m["alt"] == m["alt_saved"],
                    on_click=AIMediaState.save_alt(m["id"]),
                    custom_attrs={"data-testid": "media-save-alt"},
                ),
                spacing="2",
            ),
            rx.cond(AIMediaState.alt_for == m["id"], alt_feedback()),
            spacing="1",
            width="100%",
        ),
        width="260px",
        custom_attrs={"data-testid": "media-tile", "data-media-id": m["id"]},
    )


def _note(text: rx.Var, color: str, testid: str) -> rx.Component:
    return rx.cond(text != "", rx.text(text, size="1", color_scheme=color, custom_attrs={"data-testid": testid}))


def alt_feedback() -> rx.Component:
    return rx.vstack(
        _note(AIMediaState.alt_answered_by, "gray", "media-alt-answered-by"),
        _note(AIMediaState.alt_notice, "blue", "media-alt-notice"),
        _note(AIMediaState.alt_error, "red", "media-alt-error"),
        rx.foreach(AIMediaState.alt_skipped, lambda s: rx.text(s, size="1", color_scheme="orange")),
        rx.cond(
            AIMediaState.alt_prompt.length() > 0,
            rx.button(
                rx.cond(AIMediaState.show_alt_prompt, "Hide prompt", "Show prompt"),
                size="1",
                variant="ghost",
                on_click=AIMediaState.toggle_alt_prompt,
                custom_attrs={"data-testid": "media-alt-show-prompt"},
            ),
        ),
        rx.cond(
            AIMediaState.show_alt_prompt,
            rx.foreach(
                AIMediaState.alt_prompt,
                lambda p: rx.box(
                    rx.text(p["role"], size="1", weight="bold", color_scheme="gray"),
                    rx.text(p["content"], size="1", white_space="pre-wrap", font_family="monospace"),
                    padding="4px",
                    border=f"1px solid {rx.color('gray', 5)}",
                    border_radius="6px",
                    width="100%",
                    custom_attrs={"data-testid": "media-alt-prompt-message"},
                ),
            ),
        ),
        spacing="1",
        width="100%",
    )


def image_generator() -> rx.Component:
    return rx.vstack(
        rx.el.label("Image prompt", html_for="ai-image-prompt", style={"fontSize": "12px", "fontWeight": 500}),
        rx.text_area(
            id="ai-image-prompt",
            value=AIMediaState.image_prompt,
            on_change=AIMediaState.set_image_prompt.debounce(250),
            placeholder="e.g. “A cosy café at dawn, watercolour”",
            rows="2",
            width="100%",
            custom_attrs={"data-testid": "ai-image-prompt"},
        ),
        rx.hstack(
            rx.select(
                list(IMAGE_SIZES),
                value=AIMediaState.image_size,
                on_change=AIMediaState.set_image_size,
                size="1",
                aria_label="Image size",
                custom_attrs={"data-testid": "ai-image-size"},
            ),
            rx.button(
                rx.icon("image", size=14),
                "Generate image",
                size="1",
                variant="surface",
                loading=AIMediaState.image_busy,
                on_click=AIMediaState.generate_image,
                custom_attrs={"data-testid": "ai-generate-image"},
            ),
            spacing="2",
            align="center",
        ),
        _note(AIMediaState.image_notice, "blue", "ai-image-notice"),
        _note(AIMediaState.image_error, "red", "ai-image-error"),
        rx.foreach(AIMediaState.image_skipped, lambda s: rx.text(s, size="1", color_scheme="orange")),
        rx.cond(
            AIMediaState.image_request != "",
            rx.box(
                rx.text("Request sent to /images/generations", size="1", weight="bold", color_scheme="gray"),
                rx.text(AIMediaState.image_request, size="1", white_space="pre-wrap", font_family="monospace"),
                padding="4px",
                border=f"1px solid {rx.color('gray', 5)}",
                border_radius="6px",
                width="100%",
                custom_attrs={"data-testid": "ai-image-request"},
            ),
        ),
        rx.cond(
            AIMediaState.image_result.contains("id"),
            rx.hstack(
                rx.image(
                    src=AIMediaState.image_result["thumb"].to(str),
                    height="72px",
                    border_radius="6px",
                    custom_attrs={"data-testid": "ai-image-result"},
                ),  # fmt: skip
                rx.vstack(
                    rx.text("By " + AIMediaState.image_result["by"].to(str), size="1", color_scheme="gray"),
                    rx.button(
                        "Attach",
                        size="1",
                        on_click=AIMediaState.attach_generated,
                        custom_attrs={"data-testid": "ai-image-attach"},
                    ),  # fmt: skip
                    spacing="1",
                ),
                spacing="2",
            ),
        ),
        spacing="2",
        width="100%",
    )
