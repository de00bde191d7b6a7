"""Settings → AI → Usage: calls, tokens and estimated cost per user and per month, with a small chart."""

from __future__ import annotations

import plotly.graph_objects as go
import reflex as rx

from services import ai
from state.charts import note_of
from state.runner import run_blocking
from state.session import current_user

ALL = "all"
DAY_CHOICES = ["7", "30", "90", "365"]


def _money(value: float | None) -> str:
    return "—" if value is None else f"${value:,.4f}"


def _totals_row(label: str, totals: dict) -> dict:
    return {
        "label": label,
        "calls": str(totals["calls"]),
        "answered": str(totals["answered"]),
        "failed": str(totals["failed"]),
        "offline": str(totals["offline"]),
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
    provider_figure: go.Figure = go.Figure()
    figure_note: str = ""  # "Not enough data yet — …": one month of usage is not a chart yet
    loaded: bool = False
    per_provider: list[dict] = []
    calls: list[dict] = []
    provider_choices: list[str] = [ALL]
    action_choices: list[str] = [ALL]
    outcome_choices: list[str] = [ALL, *ai.OUTCOMES]
    filter_provider: str = ALL
    filter_outcome: str = ALL
    filter_action: str = ALL
    filter_days: str = "30"

    @rx.event
    async def load(self):
        user = await current_user(self)
        if user is None:
            return
        summary = await run_blocking(ai.usage_summary, user.organization_id)
        self.per_user = [_totals_row(u["user_name"], u) for u in summary["per_user"]]
        self.per_month = [_totals_row(m["month"], m) for m in summary["per_month"]]
        self.per_provider = [_totals_row(p["provider"], p) for p in summary["per_provider"]]
        choices = ai.usage_filter_choices(user.organization_id)
        self.provider_choices = [ALL, *choices["providers"]]
        self.action_choices = [ALL, *choices["actions"]]
        self._load_calls(user.organization_id)
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
        self.figure_note = note_of(figure) if self.has_usage else ""
        self.provider_figure = (
            ai.provider_figure(user.organization_id, int(self.filter_days)).update_xaxes(type="category")
            if self.has_usage
            else go.Figure()
        )
        self.loaded = True

    def _load_calls(self, org_id: int) -> None:
        def chosen(value: str) -> str | None:
            return None if value == ALL else value

        rows = ai.usage_calls(
            org_id,
            provider=chosen(self.filter_provider),
            outcome=chosen(self.filter_outcome),
            action=chosen(self.filter_action),
            days=int(self.filter_days),
        )
        self.calls = [
            {**r, "tokens": f"{r['tokens_in']:,} / {r['tokens_out']:,}", "latency": f"{r['latency_ms']:,} ms",
             "cost": _money(r["cost_usd"]), "id": str(r["id"])}
            for r in rows
        ]  # fmt: skip

    @rx.event
    async def set_filter(self, name: str, value: str):
        """Filters run in the database; only the visible page of calls is sent."""
        user = await current_user(self)
        if user is None:
            return
        allowed = {
            "provider": self.provider_choices,
            "outcome": self.outcome_choices,
            "action": self.action_choices,
            "days": DAY_CHOICES,
        }
        if name not in allowed or value not in allowed[name]:
            return
        setattr(self, f"filter_{name}", value)
        self._load_calls(user.organization_id)
        if name == "days":
            self.provider_figure = ai.provider_figure(user.organization_id, int(value)).update_xaxes(type="category")
