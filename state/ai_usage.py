"""Settings → AI → Usage: calls, tokens and estimated cost per user and per month, with a small chart."""

from __future__ import annotations

import plotly.graph_objects as go
import reflex as rx

from services import ai
from state.runner import run_blocking
from state.session import current_user


def _money(value: float | None) -> str:
    return "—" if value is None else f"${value:,.4f}"


def _totals_row(label: str, totals: dict) -> dict:
    return {
        "label": label,
        "calls": str(totals["calls"]),
        "tokens_in": f"{totals['tokens_in']:,}",
        "tokens_out": f"{totals['tokens_out']:,}",
        "cost": _money(totals["cost_usd"]),
    }


class AIUsageState(rx.State):
    per_user: list[dict] = []
    per_month: list[dict] = []
    budget_text: str = ""
    has_usage: bool = False
    figure: go.Figure = go.Figure()

    @rx.event
    async def load(self):
        user = await current_user(self)
        if user is None:
            return
        summary = await run_blocking(ai.usage_summary, user.organization_id)
        self.per_user = [_totals_row(u["user_name"], u) for u in summary["per_user"]]
        self.per_month = [_totals_row(m["month"], m) for m in summary["per_month"]]
        self.has_usage = summary["total"]["calls"] > 0
        budget = summary["budget_usd"]
        spent = _money(summary["month_spend_usd"])
        self.budget_text = (
            f"This month: {spent} (no budget set)"
            if budget is None
            else f"This month: {spent} of the ${budget:,.2f} budget ({_money(summary['budget_remaining_usd'])} left)"
        )
        figure = await run_blocking(ai.usage_figure, user.organization_id) if self.has_usage else go.Figure()
        # Months are labels ("2026-11"), not dates: a date axis would spread one month over fake hours.
        self.figure = figure.update_xaxes(type="category")
