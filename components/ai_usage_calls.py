"""AI → Usage: the per-call table (provider, model, action, outcome, tokens, latency, cost) and its filters."""

from __future__ import annotations

import reflex as rx

from state.ai_usage import DAY_CHOICES, AIUsageState

OUTCOME_COLORS = {"answered": "green", "rate_limited": "orange", "error": "red", "offline": "gray", "budget": "purple"}


def _filter(label: str, name: str, choices: rx.Var | list[str], value: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", weight="medium"),
        rx.select(
            choices,
            value=value,
            on_change=lambda v: AIUsageState.set_filter(name, v),
            size="1",
            aria_label=label,
            custom_attrs={"data-testid": f"ai-usage-filter-{name}"},
        ),
        spacing="1",
    )


def _outcome(r: rx.Var) -> rx.Component:
    return rx.match(
        r["outcome"],
        *[
            (key, rx.badge(r["outcome_label"], color_scheme=color, variant="soft"))
            for key, color in OUTCOME_COLORS.items()
        ],
        rx.badge(r["outcome_label"], variant="soft"),
    )


def calls_table() -> rx.Component:
    headers = ("When (UTC)", "Who", "Provider", "Model", "Action", "Outcome", "Tokens in / out", "Latency", "Est. cost")
    return rx.vstack(
        rx.heading("Calls", size="3", as_="h2"),
        rx.hstack(
            _filter("Provider", "provider", AIUsageState.provider_choices, AIUsageState.filter_provider),
            _filter("Outcome", "outcome", AIUsageState.outcome_choices, AIUsageState.filter_outcome),
            _filter("Action", "action", AIUsageState.action_choices, AIUsageState.filter_action),
            _filter("Last days", "days", DAY_CHOICES, AIUsageState.filter_days),
            spacing="3",
            wrap="wrap",
        ),
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
            rx.table.body(
                rx.foreach(
                    AIUsageState.calls,
                    lambda r: rx.table.row(
                        rx.table.cell(r["at"]),
                        rx.table.cell(r["user"]),
                        rx.table.cell(r["provider"], custom_attrs={"data-testid": "ai-call-provider"}),
                        rx.table.cell(r["model"]),
                        rx.table.cell(r["action"]),
                        rx.table.cell(
                            _outcome(r),
                            title=r["detail"],
                            custom_attrs={"data-testid": "ai-call-outcome", "data-outcome": r["outcome"]},
                        ),
                        rx.table.cell(r["tokens"]),
                        rx.table.cell(r["latency"]),
                        rx.table.cell(r["cost"]),
                        custom_attrs={"data-testid": "ai-call-row"},
                    ),
                )
            ),
            width="100%",
            size="1",
        ),
        rx.cond(
            AIUsageState.calls.length() == 0,
            rx.text(
                "No calls match these filters.",
                size="2",
                color_scheme="gray",
                custom_attrs={"data-testid": "ai-calls-empty"},
            ),  # fmt: skip
        ),
        width="100%",
        spacing="2",
    )
