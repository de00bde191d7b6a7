"""Composer: "Suggest a time" from the workspace's engagement history, with the reason for each slot."""

from __future__ import annotations

import reflex as rx

from state.ai_media import AIMediaState


def _slot(slot: rx.Var, testid: str) -> rx.Component:
    return rx.hstack(
        rx.button(
            slot["label"].to(str),
            size="1",
            variant="soft",
            aria_label="Use " + slot["label"].to(str),
            on_click=AIMediaState.use_time(slot["date"].to(str), slot["time"].to(str)),
            custom_attrs={"data-testid": testid + "-use"},
        ),
        rx.text(
            slot["reason"].to(str), size="1", color_scheme="gray", custom_attrs={"data-testid": testid + "-reason"}
        ),
        align="center",
        spacing="2",
        custom_attrs={"data-testid": testid},
    )


def time_suggestions() -> rx.Component:
    return rx.vstack(
        rx.button(
            rx.icon("clock", size=14),
            "Suggest a time",
            size="1",
            variant="surface",
            loading=AIMediaState.time_busy,
            on_click=AIMediaState.suggest_time,
            custom_attrs={"data-testid": "ai-suggest-time"},
        ),
        rx.cond(
            AIMediaState.time_asked & ~AIMediaState.time_busy,
            rx.vstack(
                rx.text(AIMediaState.time_message, size="1", custom_attrs={"data-testid": "ai-time-message"}),
                rx.foreach(AIMediaState.time_slots, lambda s: _slot(s, "ai-time-slot")),
                rx.cond(
                    AIMediaState.time_queue.contains("label"),
                    rx.vstack(
                        rx.text("Instead, the queue's next free slot:", size="1"),
                        _slot(AIMediaState.time_queue, "ai-time-queue-slot"),
                        spacing="1",
                    ),
                ),
                rx.cond(
                    AIMediaState.time_queue_message != "",
                    rx.text(
                        AIMediaState.time_queue_message,
                        size="1",
                        color_scheme="gray",
                        custom_attrs={"data-testid": "ai-time-queue-message"},
                    ),  # fmt: skip
                ),
                spacing="1",
                width="100%",
                custom_attrs={"data-testid": "ai-time-suggestions"},
            ),
        ),
        spacing="1",
        width="100%",
    )
