"""Usage and cost: one row per provider call (and per offline answer), totals, and the monthly budget.

Cost is an estimate from the provider's own price fields (US dollars per 1,000 tokens in/out) and the
token counts the provider reported (estimated from the text length when a server reports none).
Months are calendar months in UTC.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlmodel import select

from services.ai.errors import AIInputError, AINotFoundError
from services.audit import audit_in
from services.db import session_scope
from services.display_time import format_datetime
from services.models import AIUsage, Organization, User, utcnow


def estimate_cost(tokens_in: int, tokens_out: int, price_in_per_1k: float, price_out_per_1k: float) -> float:
    return round(tokens_in / 1000 * price_in_per_1k + tokens_out / 1000 * price_out_per_1k, 6)


def record_usage(
    org_id: int,
    user_id: int | None,
    *,
    action: str,
    provider_name: str,
    model: str,
    tokens_in: int = 0,
    tokens_out: int = 0,
    latency_ms: int = 0,
    cost_usd: float = 0.0,
    outcome: str = "answered",
    detail: str = "",
    provider_id: int | None = None,
) -> None:
    with session_scope() as session:
        session.add(
            AIUsage(
                organization_id=org_id,
                user_id=user_id,
                action=action,
                provider_name=provider_name[:80],
                model=model[:120],
                tokens_in=tokens_in,
                tokens_out=tokens_out,
                latency_ms=latency_ms,
                cost_usd=cost_usd,
                outcome=outcome,
                detail=detail[:300],
                provider_id=provider_id,
            )
        )


def month_start(now: datetime | None = None) -> datetime:
    now = now or utcnow()
    return now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def month_spend(org_id: int, now: datetime | None = None) -> float:
    with session_scope() as session:
        total = session.exec(
            select(func.coalesce(func.sum(AIUsage.cost_usd), 0.0)).where(
                AIUsage.organization_id == org_id, AIUsage.created_at >= month_start(now)
            )
        ).one()
    return float(total or 0.0)


def get_monthly_budget(org_id: int) -> float | None:
    with session_scope() as session:
        org = session.get(Organization, org_id)
        if org is None:
            raise AINotFoundError("That workspace does not exist.")
        return org.ai_monthly_budget_usd


def set_monthly_budget(org_id: int, budget_usd: float | None, *, acting_user_id: int | None = None) -> float | None:
    """None removes the budget; 0 stops all provider calls (the offline assistant still answers)."""
    if budget_usd is not None:
        try:
            budget_usd = float(budget_usd)
        except (TypeError, ValueError) as exc:
            raise AIInputError("The monthly budget must be an amount in US dollars, or empty for no budget.") from exc
        if not math.isfinite(budget_usd) or budget_usd < 0:
            raise AIInputError("The monthly budget must be zero or more US dollars.")
    with session_scope() as session:
        org = session.get(Organization, org_id)
        if org is None:
            raise AINotFoundError("That workspace does not exist.")
        old, org.ai_monthly_budget_usd = org.ai_monthly_budget_usd, budget_usd
        session.add(org)
        audit_in(session, org_id, acting_user_id, "ai.budget_changed", budget_from=old, budget_to=budget_usd)
    return budget_usd


def budget_block_message(org_id: int) -> str | None:
    """A message when this month's spend has reached the budget (calls stop), else None."""
    budget = get_monthly_budget(org_id)
    if budget is None:
        return None
    spent = month_spend(org_id)
    if spent < budget:
        return None
    return (
        f"The workspace's monthly AI budget of ${budget:,.2f} is reached (${spent:,.4f} spent this month), "
        "so no provider was called. Raise it under AI → Providers."
    )


OUTCOMES = ("answered", "rate_limited", "error", "offline", "budget")
OUTCOME_LABELS = {
    "answered": "answered",
    "rate_limited": "rate limited",
    "error": "error",
    "offline": "offline",
    "budget": "budget reached",
}


def _totals(rows: list[Any]) -> dict[str, Any]:
    return {
        "calls": len(rows),
        "answered": sum(1 for r in rows if r.outcome == "answered"),
        "failed": sum(1 for r in rows if r.outcome in ("rate_limited", "error")),
        "offline": sum(1 for r in rows if r.outcome in ("offline", "budget")),
        "tokens_in": sum(r.tokens_in for r in rows),
        "tokens_out": sum(r.tokens_out for r in rows),
        "cost_usd": round(sum(r.cost_usd for r in rows), 6),
    }


def usage_rows(org_id: int, since: datetime | None = None) -> list[AIUsage]:
    with session_scope() as session:
        stmt = select(AIUsage).where(AIUsage.organization_id == org_id)
        if since is not None:
            stmt = stmt.where(AIUsage.created_at >= since)
        return list(session.exec(stmt.order_by(AIUsage.created_at, AIUsage.id)).all())


def usage_summary(org_id: int, months: int = 12) -> dict[str, Any]:
    """Totals overall, per user and per month (UTC), plus the budget, for the Usage page."""
    now = utcnow()
    first = month_start(now)
    for _ in range(max(0, months - 1)):
        first = month_start(first - timedelta(days=1))
    rows = usage_rows(org_id, since=first)
    with session_scope() as session:
        user_ids = {r.user_id for r in rows if r.user_id is not None}
        names = {u.id: u.name or u.email for u in session.exec(select(User).where(User.id.in_(user_ids))).all()}
    per_provider: dict[str, list[AIUsage]] = {}
    for row in rows:
        per_provider.setdefault(row.provider_name, []).append(row)
    per_user: dict[int | None, list[AIUsage]] = {}
    per_month: dict[str, list[AIUsage]] = {}
    for row in rows:
        per_user.setdefault(row.user_id, []).append(row)
        per_month.setdefault(row.created_at.astimezone(UTC).strftime("%Y-%m"), []).append(row)
    budget = get_monthly_budget(org_id)
    spent = month_spend(org_id, now)
    return {
        "total": _totals(rows),
        "per_user": sorted(
            (
                {"user_id": uid, "user_name": names.get(uid, "(no user)") if uid else "(no user)", **_totals(rs)}
                for uid, rs in per_user.items()
            ),
            key=lambda d: (-d["cost_usd"], d["user_name"]),
        ),
        "per_month": [{"month": m, **_totals(rs)} for m, rs in sorted(per_month.items())],
        "per_provider": sorted(
            ({"provider": name, **_totals(rs)} for name, rs in per_provider.items()), key=lambda d: d["provider"]
        ),
        "budget_usd": budget,
        "month_spend_usd": round(spent, 6),
        "budget_remaining_usd": None if budget is None else round(max(0.0, budget - spent), 6),
    }


MAX_CALL_ROWS = 200


def usage_calls(
    org_id: int,
    *,
    provider: str | None = None,
    outcome: str | None = None,
    action: str | None = None,
    days: int = 30,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """One line per call, newest first, filtered in the database (provider name, outcome, action, last N days)."""
    since = utcnow() - timedelta(days=max(1, min(int(days), 366)))
    with session_scope() as session:
        stmt = select(AIUsage).where(AIUsage.organization_id == org_id, AIUsage.created_at >= since)
        if provider:
            stmt = stmt.where(AIUsage.provider_name == provider)
        if outcome:
            stmt = stmt.where(AIUsage.outcome == outcome)
        if action:
            stmt = stmt.where(AIUsage.action == action)
        rows = session.exec(
            stmt.order_by(AIUsage.created_at.desc(), AIUsage.id.desc()).limit(max(1, min(limit, MAX_CALL_ROWS)))
        ).all()
        user_ids = {r.user_id for r in rows if r.user_id is not None}
        names = {u.id: u.name or u.email for u in session.exec(select(User).where(User.id.in_(user_ids))).all()}
        return [
            {
                "id": r.id,
                "at": format_datetime(r.created_at, "UTC", with_zone=True),  # the UI's one format
                "user": names.get(r.user_id, "") if r.user_id else "",
                "provider": r.provider_name,
                "model": r.model,
                "action": r.action,
                "outcome": r.outcome,
                "outcome_label": OUTCOME_LABELS.get(r.outcome, r.outcome),
                "tokens_in": r.tokens_in,
                "tokens_out": r.tokens_out,
                "latency_ms": r.latency_ms,
                "cost_usd": r.cost_usd,
                "detail": r.detail,
            }
            for r in rows
        ]


def usage_filter_choices(org_id: int) -> dict[str, list[str]]:
    """Distinct provider names and actions that appear in the workspace's usage (for the filter menus)."""
    with session_scope() as session:
        providers = session.exec(
            select(AIUsage.provider_name).where(AIUsage.organization_id == org_id).distinct()
        ).all()
        actions = session.exec(select(AIUsage.action).where(AIUsage.organization_id == org_id).distinct()).all()
    return {"providers": sorted(p for p in providers if p), "actions": sorted(a for a in actions if a)}
