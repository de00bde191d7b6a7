"""Settings → AI → Usage: totals per user and per month, and the estimated cost chart."""

from __future__ import annotations

import reflex as rx

from components.ai_nav import ai_subnav
from components.ai_usage_calls import calls_table
from components.charts import chart_skeleton, plot
from components.design import empty_state, primary_button
from socialhub_app.layout import protected_page
from state.ai_usage import AIUsageState

COLUMNS = ("Calls", "Answered", "Failed", "Offline", "Tokens in", "Tokens out", "Est. cost")


def totals_table(title: str, rows: rx.Var, testid: str) -> rx.Component:
    return rx.vstack(
        rx.heading(title, size="3", as_="h2"),
        rx.table.root(
            rx.table.header(
                rx.table.row(rx.table.column_header_cell(""), *[rx.table.column_header_cell(c) for c in COLUMNS])
            ),
            rx.table.body(
                rx.foreach(
                    rows,
                    lambda r: rx.table.row(
                        rx.table.row_header_cell(r["label"]),
                        rx.table.cell(r["calls"], custom_attrs={"data-testid": "calls"}),
                        rx.table.cell(r["answered"], custom_attrs={"data-testid": "answered"}),
                        rx.table.cell(r["failed"], custom_attrs={"data-testid": "failed"}),
                        rx.table.cell(r["offline"]),
                        rx.table.cell(r["tokens_in"]),
                        rx.table.cell(r["tokens_out"]),
                        rx.table.cell(r["cost"], custom_attrs={"data-testid": "cost"}),
                        custom_attrs={"data-testid": testid},
                    ),
                )
            ),
            width="100%",
            size="1",
        ),
        width="100%",
        spacing="2",
    )


@protected_page("/ai/usage", "AI usage", on_load=[AIUsageState.load])
def ai_usage_page() -> rx.Component:
    return rx.vstack(
        ai_subnav("/ai/usage"),
        rx.text(AIUsageState.budget_text, size="2", custom_attrs={"data-testid": "ai-usage-budget"}),
        rx.cond(
            AIUsageState.has_usage,
            rx.vstack(
                rx.box(
                    plot(AIUsageState.figure, note=AIUsageState.figure_note,
                         title="Estimated AI cost per month (USD)"),
                    width="100%",
                    custom_attrs={"data-testid": "ai-usage-chart"},
                ),  # fmt: skip
                rx.box(
                    plot(AIUsageState.provider_figure),
                    width="100%",
                    custom_attrs={"data-testid": "ai-usage-provider-chart"},
                ),
                totals_table("Per provider", AIUsageState.per_provider, "ai-usage-provider-row"),
                calls_table(),
                rx.hstack(
                    totals_table("Per user", AIUsageState.per_user, "ai-usage-user-row"),
                    totals_table("Per month (UTC)", AIUsageState.per_month, "ai-usage-month-row"),
                    width="100%",
                    spacing="4",
                    align="start",
                ),
                width="100%",
                spacing="3",
            ),
            rx.cond(
                AIUsageState.loaded,
                empty_state(
                    "chart-column",
                    "No AI usage yet",
                    "Every suggestion is recorded here with its provider, tokens and estimated cost.",
                    "ai-usage-empty",
                    actions=[
                        primary_button("Write a post with AI", testid="ai-usage-empty-compose", icon="sparkles",
                                       on_click=rx.redirect("/compose")),
                    ],
                ),
                chart_skeleton(),
            ),
        ),
        spacing="3",
        width="100%",
    )
