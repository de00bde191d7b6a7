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
