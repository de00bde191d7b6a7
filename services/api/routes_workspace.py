"""/v1/workspace, /v1/accounts, /v1/queue, /v1/calendar, /v1/analytics: reads and the queue, over the services.

Analytics answers the Analytics page's own numbers (services.analytics.overview: same queries,
without building the charts), so a script and the page never disagree.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from services import posts, queue, timezones
from services.accounts import list_accounts
from services.accounts.connections import AccountNotFoundError
from services.analytics.filters import AnalyticsFilters
from services.analytics.overview import overview_numbers, post_numbers
from services.api.auth import acting
from services.api.common import overrides, zone_of
from services.api.keys import ApiActor
from services.api.problems import documented
from services.api.schemas_in import MAX_ID, QueueAdd
from services.api.schemas_out import (
    Account,
    AccountList,
    Calendar,
    CalendarPost,
    KeyInfo,
    Overview,
    PostMetrics,
    QueueResult,
    Slots,
    Workspace,
)
from services.calendar import calendar_items
from services.permissions import require
from services.platforms.registry import adapter_class
from services.posts.errors import PostFieldError
from services.publishing.states import PostStatus
from services.workspaces import organization_name

router = APIRouter()
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
READS = documented()
MAX_CALENDAR_DAYS = 92


def _day_ok(day: date | None, field: str) -> None:
    if day is not None and not 2000 <= day.year <= 2999:
        raise PostFieldError("Dates must be between the years 2000 and 2999.", field)


@router.get("/workspace", response_model=Workspace, responses=READS, tags=["workspace"])
def workspace(actor: Annotated[ApiActor, Depends(acting("workspace.read"))]) -> Workspace:
    """The key's workspace, and the key itself (its effective role)."""
    key = KeyInfo(id=actor.key_id, name=actor.key_name, prefix=actor.prefix, role=actor.role, key_role=actor.key_role)
    return Workspace(id=actor.organization_id, name=organization_name(actor.organization_id),
                     timezone=actor.timezone, key=key)  # fmt: skip


def _accounts(actor: ApiActor) -> list[Account]:
    out = []
    for row in list_accounts(actor.organization_id):
        constraints = adapter_class(row["platform"]).constraints
        out.append(Account(**row, max_chars=constraints.max_chars, max_hashtags=constraints.max_hashtags))
    return out


@router.get("/accounts", response_model=AccountList, responses=READS, tags=["accounts"])
def accounts(actor: Annotated[ApiActor, Depends(acting("accounts.read"))]) -> AccountList:
    """Connected accounts with their status (active, expiring, needs_reconnect) and text limit."""
    return AccountList(data=_accounts(actor))


@router.get("/accounts/{account_id}", response_model=Account, responses=READS, tags=["accounts"])
def account(account_id: Id, actor: Annotated[ApiActor, Depends(acting("accounts.read"))]) -> Account:
    for row in _accounts(actor):
        if row.id == account_id:
            return row
    raise AccountNotFoundError("Account not found.")


@router.get("/queue/slots", response_model=Slots, responses=READS, tags=["queue"])
def free_slots(
    actor: Annotated[ApiActor, Depends(acting("queue.read"))],
    account_id: Annotated[int, Query(ge=1, le=MAX_ID)],
    count: Annotated[int, Query(ge=1, le=50)] = 5,
) -> Slots:
    """The account's next free posting slots (UTC)."""
    return Slots(account_id=account_id, slots=queue.next_free_slots(actor.organization_id, account_id, count))


@router.post("/queue", status_code=201, response_model=QueueResult, responses=documented(),
             tags=["queue"])  # fmt: skip
def add_to_queue(payload: QueueAdd, actor: Annotated[ApiActor, Depends(acting("post.schedule"))]) -> QueueResult:
    """Schedule an existing post (post_id) or new content into each account's next free slot."""
    tz = zone_of(actor, payload.timezone)
    if payload.post_id is not None:
        if payload.text or payload.per_account_text or payload.media_ids:
            raise PostFieldError("Give either post_id or new content (text, media), not both.", "post_id")
        posts.get_post(actor.organization_id, payload.post_id)  # 404 before anything else
        results = queue.add_to_queue(actor.organization_id, actor.user_id, list(payload.account_ids),
                                     post_id=payload.post_id)  # fmt: skip
    else:
        require(actor, "post.draft")
        data = posts.PostInput(body=payload.text, account_ids=list(payload.account_ids),
                               overrides=overrides(payload.per_account_text), media_ids=list(payload.media_ids),
                               timezone=tz)  # fmt: skip
        results = queue.add_to_queue(actor.organization_id, actor.user_id, list(payload.account_ids), post_data=data)
    return QueueResult(scheduled=results)


@router.get("/calendar", response_model=Calendar, responses=READS, tags=["calendar"])
def calendar(
    actor: Annotated[ApiActor, Depends(acting("calendar.read"))],
    start: Annotated[date, Query(description="First local day (YYYY-MM-DD).")],
    end: Annotated[date, Query(description="Last local day, inclusive (at most 92 days after start).")],
    timezone: Annotated[str | None, Query(max_length=64)] = None,
    account_id: Annotated[list[Annotated[int, Query(ge=1, le=MAX_ID)]] | None, Query()] = None,
    status: Annotated[list[PostStatus] | None, Query()] = None,
) -> Calendar:
    """Dated posts between two local days, with local date and time in `timezone`."""
    tz = zone_of(actor, timezone)
    _day_ok(start, "start")
    _day_ok(end, "end")
    if end < start:
        raise PostFieldError("end must be on or after start.", "end")
    if (end - start).days + 1 > MAX_CALENDAR_DAYS:
        raise PostFieldError(f"Ask for at most {MAX_CALENDAR_DAYS} days at a time.", "end")
    lower = timezones.local_midnight_utc(start, tz)
    upper = timezones.local_midnight_utc(end + timedelta(days=1), tz)
    items = calendar_items(actor.organization_id, lower, upper, tz, account_id, [s.value for s in status or []])
    return Calendar(timezone=tz, start=start.isoformat(), end=end.isoformat(),
                    posts=[CalendarPost(**item) for item in items])  # fmt: skip


@router.get("/analytics/overview", response_model=Overview, responses=READS, tags=["analytics"])
def analytics_overview(
    actor: Annotated[ApiActor, Depends(acting("analytics.read"))],
    start: Annotated[date | None, Query(description="First local day (default: 29 days before end).")] = None,
    end: Annotated[date | None, Query(description="Last local day, inclusive (default: today).")] = None,
    timezone: Annotated[str | None, Query(max_length=64)] = None,
    account_id: Annotated[list[Annotated[int, Query(ge=1, le=MAX_ID)]] | None, Query()] = None,
    platform: Annotated[list[Annotated[str, Query(max_length=40, pattern=r"^[a-z_]+$")]] | None, Query()] = None,
) -> Overview:
    """The Analytics page's totals (posts, engagement, impressions, followers) and top posts for a range."""
    tz = zone_of(actor, timezone)
    _day_ok(start, "start")
    _day_ok(end, "end")
    last = AnalyticsFilters.last_days(30, tz)
    end = end or last.end
    start = start or end - timedelta(days=29)
    f = AnalyticsFilters(start, end, tz, tuple(account_id or ()), tuple(platform or ()))
    numbers = overview_numbers(actor.organization_id, f)
    return Overview(start=start.isoformat(), end=end.isoformat(), timezone=tz, **numbers)


@router.get("/posts/{post_id}/analytics", response_model=PostMetrics, responses=READS, tags=["analytics"])
def post_metrics(post_id: Id, actor: Annotated[ApiActor, Depends(acting("analytics.read"))]) -> PostMetrics:
    """Each account's latest counters for one post (likes, reposts, replies, impressions, engagement)."""
    posts.get_post(actor.organization_id, post_id)  # another workspace's post: 404, not an empty answer
    return PostMetrics(post_id=post_id, **post_numbers(actor.organization_id, post_id))
