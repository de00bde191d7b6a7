"""The Usage page's chart: estimated cost per month, stacked per user."""

from __future__ import annotations

import plotly.graph_objects as go
from sqlmodel import select

from services.ai.usage import usage_rows
from services.charts import count_axis, days_until_next_month, money_axis, not_enough, themed
from services.db import session_scope
from services.models import User


def usage_figure(org_id: int) -> go.Figure:
    """One bar per month (UTC), a trace per user; money axis from $0. One month is not a trend yet: the
    figure is marked "Not enough data yet — comes after N more days" (N = days until next month)."""
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
    return not_enough(money_axis(themed(fig)), len(months), more=days_until_next_month())


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
    # the app's palette (Radix step 9): green answered, orange throttled, red failed, gray offline
    colors = {"answered": "#30a46c", "rate_limited": "#f76b15", "error": "#e5484d", "offline": "#8d8d8d",
              "budget": "#6e56cf"}  # fmt: skip
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
    return count_axis(themed(fig))
