"""The per-post analytics panel shown in the composer for a published post."""

from __future__ import annotations

import reflex as rx

from components.charts import plot
from components.design import empty_state, secondary_button
from components.platform import platform_icon
from state.post_analytics import PostAnalyticsState


def _latest_row(row: rx.Var) -> rx.Component:
    return rx.hstack(
        platform_icon(row["platform"], 14),
        rx.text(row["account"], size="1", weight="medium"),
        rx.spacer(),
        rx.text(
            row["engagement"],
            " engagement · ",
            row["impressions"],
            " impressions",
            size="1",
            custom_attrs={"data-testid": "post-analytics-latest"},
        ),
        rx.cond(row["simulated"] != "", rx.badge("simulated", color_scheme="amber", variant="soft", size="1")),
        width="100%",
        align="center",
    )


def post_analytics_panel() -> rx.Component:
    return rx.cond(
        PostAnalyticsState.visible,
        rx.vstack(
            rx.hstack(
                rx.heading("Analytics", size="3", as_="h2"),
                rx.spacer(),
                rx.icon_button(
                    rx.icon("refresh-cw", size=14),
                    size="1",
                    variant="ghost",
                    on_click=PostAnalyticsState.load,
                    aria_label="Reload this post's analytics",
                    custom_attrs={"data-testid": "post-analytics-reload"},
                ),
                width="100%",
                align="center",
            ),
            rx.cond(
                PostAnalyticsState.has_data,
                rx.vstack(
                    rx.foreach(PostAnalyticsState.latest, _latest_row),
                    rx.box(
                        plot(PostAnalyticsState.figure, note=PostAnalyticsState.not_enough, height="260px"),
                        width="100%",
                        custom_attrs={"data-testid": "post-analytics-chart"},
                    ),
                    rx.cond(
                        PostAnalyticsState.simulated,
                        rx.text(
                            "Demo network numbers are simulated, not real audience data.",
                            size="1",
                            color_scheme="amber",
                            custom_attrs={"data-testid": "post-analytics-simulated"},
                        ),
                    ),
                    width="100%",
                    spacing="2",
                ),
                empty_state(
                    "chart-no-axes-column",
                    "No metrics yet",
                    "No metrics collected for this post yet; they arrive within minutes of publishing.",
                    "post-analytics-empty",
                    actions=[secondary_button("Open Analytics", testid="post-analytics-open", icon="chart-line",
                                              on_click=rx.redirect("/analytics"))],
                ),
            ),
            width="100%",
            spacing="2",
            custom_attrs={"data-testid": "post-analytics"},
        ),
    )
