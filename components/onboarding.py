"""The Dashboard's first-run checklist (steps come from services/onboarding.py)."""

from __future__ import annotations

import reflex as rx

from state.dashboard import DashboardState


def _step(step: rx.Var) -> rx.Component:
    done = step["done"].to(bool)
    return rx.hstack(
        rx.cond(
            done,
            rx.icon("circle-check", size=18, color=rx.color("green", 10)),
            rx.icon("circle", size=18, color=rx.color("gray", 9)),
        ),
        rx.vstack(
            rx.text(
                step["title"],
                size="2",
                weight="medium",
                text_decoration=rx.cond(done, "line-through", "none"),
            ),
            rx.text(step["hint"], size="1", color_scheme="gray"),
            spacing="0",
            flex="1",
            min_width="0",
        ),
        rx.cond(
            done,
            rx.text("Done", size="1", color_scheme="green", custom_attrs={"data-testid": "checklist-done"}),
            rx.cond(
                step["key"] == "account",
                rx.button(
                    "Connect Demo network",
                    size="1",
                    on_click=DashboardState.connect_demo,
                    custom_attrs={"data-testid": "checklist-connect-demo"},
                ),
                rx.link(
                    step["title"].to(str) + " →",
                    href=step["href"],
                    size="2",
                    custom_attrs={"data-testid": "checklist-go-" + step["key"].to(str)},
                ),
            ),
        ),
        align="center",
        width="100%",
        spacing="3",
        custom_attrs={
            "data-testid": "checklist-step",
            "data-key": step["key"],
            "data-done": rx.cond(done, "true", "false"),
        },
    )


def first_run_checklist() -> rx.Component:
    return rx.cond(
        DashboardState.checklist.length() > 0,
        rx.card(
            rx.vstack(
                rx.heading("Get started", size="3", as_="h2"),
                rx.foreach(DashboardState.checklist, _step),
                rx.text("This list disappears once every step is done.", size="1", color_scheme="gray"),
                spacing="3",
                width="100%",
            ),
            width="100%",
            custom_attrs={"data-testid": "first-run-checklist"},
        ),
    )
