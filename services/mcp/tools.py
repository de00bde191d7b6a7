"""What the MCP tools do, as plain functions of an Actor: the same services (and rules) as the UI.

Each tool first passes `services.permissions.require(actor, action)`. Posts are created and
scheduled through services.posts.save_post / services.queue.add_to_queue, which validate every
account's text against its platform's rules before anything is written: an agent can't schedule
what the composer would refuse. Nothing is published immediately from here.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from services import posts, queue, timezones
from services.accounts import list_accounts as _accounts
from services.analytics.filters import AnalyticsFilters
from services.analytics.overview import post_analytics as _post_analytics
from services.analytics.overview import range_totals
from services.calendar import calendar_items
from services.errors import UserError
from services.mcp.tokens import Actor
from services.permissions import require
from services.platforms.registry import adapter_class
from services.posts.preview import evaluate_targets

MAX_CALENDAR_DAYS = 92


class ToolInputError(UserError, ValueError):
    """Bad tool arguments; `str(exc)` goes back to the agent."""


def _account_rows(actor: Actor, account_ids: list[int]) -> list[dict[str, Any]]:
    known = {a["id"]: a for a in _accounts(actor.organization_id)}
    ids = [int(a) for a in dict.fromkeys(account_ids or [])]
    if not ids:
        raise ToolInputError("Give at least one account id (see list_accounts).")
    missing = [i for i in ids if i not in known]
    if missing:
        raise ToolInputError(f"No account with id {missing[0]} in this workspace (see list_accounts).")
    return [{"id": str(i), "platform": known[i]["platform"], "display_name": known[i]["display_name"]} for i in ids]


def _overrides(per_account_text: dict[str, str] | None) -> dict[str, str]:
    return {str(int(k)): v for k, v in (per_account_text or {}).items() if v}


def list_accounts(actor: Actor) -> list[dict[str, Any]]:
    require(actor, "accounts.read")
    out = []
    for account in _accounts(actor.organization_id):
        constraints = adapter_class(account["platform"]).constraints
        out.append(
            {
                "id": account["id"],
                "platform": account["platform"],
                "platform_label": account["platform_label"],
                "name": account["display_name"],
                "status": account["status"],
                "max_chars": constraints.max_chars,
                "max_hashtags": constraints.max_hashtags,
            }
        )
    return out


def check_post(
    actor: Actor, text: str, account_ids: list[int], per_account_text: dict[str, str] | None = None
) -> dict[str, Any]:
    require(actor, "posts.read")
    rows = evaluate_targets(
        actor.organization_id, _account_rows(actor, account_ids), text or "", _overrides(per_account_text), []
    )
    checks = [
        {"account_id": int(r.account_id), "platform": r.platform, "count": r.count, "limit": r.limit,
         "ok": r.ok, "problems": list(r.problems)}
        for r in rows
    ]  # fmt: skip
    return {"ok": all(c["ok"] for c in checks), "accounts": checks}


def draft_post(
    actor: Actor, text: str, account_ids: list[int], per_account_text: dict[str, str] | None = None
) -> dict[str, Any]:
    require(actor, "post.draft")
    checked = check_post(actor, text, account_ids, per_account_text)
    data = posts.PostInput(
        body=text or "",
        account_ids=[int(a) for a in account_ids],
        overrides={int(k): v for k, v in _overrides(per_account_text).items()},
        action="draft",
        timezone=actor.timezone,
    )
    post_id = posts.save_post(actor.organization_id, actor.user_id, data)
    return {"post_id": post_id, "status": "draft", **checked}


def _when(scheduled_at: str, tz: str) -> tuple[datetime, str]:
    try:
        value = datetime.fromisoformat((scheduled_at or "").strip().replace("Z", "+00:00"))
    except ValueError:
        raise ToolInputError(
            "scheduled_at must be ISO 8601, e.g. 2026-12-24T09:00 or 2026-12-24T09:00+01:00."
        ) from None
    if value.tzinfo is not None:
        return value, ""
    return timezones.to_utc(value, tz)


def schedule_post(actor: Actor, post_id: int, scheduled_at: str, timezone: str | None = None) -> dict[str, Any]:
    """Schedule an existing post (e.g. a draft from draft_post); a time without an offset is in `timezone`.

    Passes the approval rule like every other door (services/approvals/rules.py): where approval is
    required for this person the post goes to review; `approval_state` in the answer says so.
    """
    require(actor, "post.schedule")
    return _save_existing(actor, post_id, scheduled_at, timezone, "schedule")


def submit_for_approval(
    actor: Actor, post_id: int, scheduled_at: str = "", timezone: str | None = None
) -> dict[str, Any]:
    """Send a post for review (what a Contributor's agent can do instead of scheduling); without a
    time it is published as soon as a reviewer approves it."""
    require(actor, "post.submit")
    return _save_existing(actor, post_id, scheduled_at, timezone, "submit")


def _save_existing(actor: Actor, post_id: int, scheduled_at: str, timezone: str | None, action: str) -> dict[str, Any]:
    tz = timezones.validate_timezone(timezone or actor.timezone)
    when, note = _when(scheduled_at, tz) if (scheduled_at or "").strip() or action == "schedule" else (None, "")
    post = posts.get_post(actor.organization_id, int(post_id))
    data = posts.PostInput(
        body=post["body"],
        account_ids=[t["account_id"] for t in post["targets"]],
        overrides={t["account_id"]: t["body_override"] for t in post["targets"] if t["body_override"]},
        media_ids=list(post["media_ids"]),
        action=action,  # type: ignore[arg-type]
        scheduled_at=when,
        timezone=tz,
    )
    posts.save_post(actor.organization_id, actor.user_id, data, post_id=int(post_id))
    saved = posts.get_post(actor.organization_id, int(post_id))
    local = timezones.format_local(when, tz) + f" ({tz})" if when else "when approved"
    return {"post_id": int(post_id), "status": saved["status"], "scheduled_at": saved["scheduled_at"],
            "approval_state": saved["approval_state"], "local_time": local, "note": note}  # fmt: skip


def add_to_queue(actor: Actor, post_id: int) -> dict[str, Any]:
    require(actor, "post.schedule")
    post = posts.get_post(actor.organization_id, int(post_id))
    results = queue.add_to_queue(
        actor.organization_id, actor.user_id, [t["account_id"] for t in post["targets"]], post_id=int(post_id)
    )
    return {"scheduled": results}


def _day(value: str, label: str) -> date:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        raise ToolInputError(f"{label} must be a date like 2026-12-01.") from None


def list_calendar(actor: Actor, start: str, end: str, timezone: str | None = None) -> dict[str, Any]:
    """Dated posts from local day `start` to `end` (inclusive)."""
    require(actor, "calendar.read")
    tz = timezones.validate_timezone(timezone or actor.timezone)
    first, last = _day(start, "start"), _day(end, "end")
    if last < first:
        raise ToolInputError("end must be on or after start.")
    if (last - first).days + 1 > MAX_CALENDAR_DAYS:
        raise ToolInputError(f"Ask for at most {MAX_CALENDAR_DAYS} days at a time.")
    lower = timezones.local_midnight_utc(first, tz)
    upper = timezones.local_midnight_utc(last + timedelta(days=1), tz)
    items = calendar_items(actor.organization_id, lower, upper, tz)
    keep = ("id", "text", "status", "scheduled_at", "local_date", "local_time", "platforms", "links", "recurring")
    return {"timezone": tz, "posts": [{k: item.get(k) for k in keep} for item in items]}


def post_analytics(actor: Actor, post_id: int) -> dict[str, Any]:
    require(actor, "analytics.read")
    result = _post_analytics(actor.organization_id, int(post_id))
    return {"post_id": int(post_id), "has_data": result.has_data, "simulated": result.simulated,
            "targets": result.latest}  # fmt: skip


def account_analytics(actor: Actor, account_id: int | None = None, days: int = 30) -> dict[str, Any]:
    require(actor, "analytics.read")
    ids = [int(account_id)] if account_id is not None else []
    if ids:
        _account_rows(actor, ids)
    f = AnalyticsFilters.last_days(int(days), tz=actor.timezone, account_ids=ids)
    return {"account_id": account_id, "days": int(days), "from": f.start.isoformat(), "to": f.end.isoformat(),
            **range_totals(actor.organization_id, f)}  # fmt: skip
