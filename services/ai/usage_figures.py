"""The Usage page's chart: estimated cost per month, stacked per user."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio
from sqlmodel import select

from services.ai.usage import usage_rows
from services.db import session_scope
from services.models import User

# The default template pulls in a large theme on first use; the UI styles charts itself.
pio.templates.default = None


def usage_figure(org_id: int) -> go.Figure:
    """One bar per month (UTC), a trace per user; an empty workspace gets an empty, titled chart."""
    rows = usage_rows(org_id)
    user_ids = {r.user_id for r in rows if r.user_id is not None}
    with session_scope() as session:
        names = {u.id: u.name or u.email for u in session.exec(select(User).where(User.id.in_(user_ids))).all()}
    months = sorted({r.created_at.strftime("%Y-%m") for r in rows})
    cost: dict[str, dict[str, float]] = {}
    for row in rows:
        who = names.get(row.user_id, "(no user)") if row.user_id else "(no user)"
        month = row.created_at.strftime("%Y-%m")
        cost.setdefault(who, dict.fromkeys(months, 0.0))[month] += row.cost_usd
    fig = go.Figure()
    for who in sorted(cost):
        fig.add_trace(go.Bar(name=who, x=months, y=[round(cost[who][m], 6) for m in months]))
    fig.update_layout(
        barmode="stack",
        title="Estimated AI cost per month (USD)",
        xaxis_title="Month (UTC)",
        yaxis_title="USD",
        height=320,
        margin={"l": 40, "r": 10, "t": 40, "b": 40},
    )
    return fig


def provider_figure(org_id: int, days: int = 30) -> go.Figure:
    """Calls per provider in the last `days` days, stacked by outcome: failures never look like answers."""
    from datetime import timedelta

    from services.ai.usage import OUTCOME_LABELS, OUTCOMES
    from services.models import utcnow

    rows = usage_rows(org_id, since=utcnow() - timedelta(days=days))
    providers = sorted({r.provider_name for r in rows})
    counts = {o: dict.fromkeys(providers, 0) for o in OUTCOMES}
    for row in rows:
        counts.setdefault(row.outcome, dict.fromkeys(providers, 0))[row.provider_name] += 1
    colors = {"answered": "#2e7d32", "rate_limited": "#ef6c00", "error": "#c62828", "offline": "#757575",
              "budget": "#6a1b9a"}  # fmt: skip
    fig = go.Figure()
    for outcome, per in counts.items():
        if any(per.values()):
            fig.add_trace(
                go.Bar(name=outcome, x=providers, y=[per[p] for p in providers], marker_color=colors.get(outcome),
                       hovertemplate="%{x}: %{y} " + OUTCOME_LABELS.get(outcome, outcome) + "<extra></extra>")
            )  # fmt: skip
    fig.update_layout(
        barmode="stack",
        title=f"Calls per provider, last {days} days",
        yaxis_title="calls",
        height=320,
        margin={"l": 40, "r": 10, "t": 40, "b": 40},
    )
    return fig
