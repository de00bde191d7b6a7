"""RSS/Atom feeds of a workspace: add, list, change, pause, delete (the checking is in feed_check.py).

A feed names target accounts, a text template (`{title} {link}`; also `{summary}`), how often to
look (5 minutes to a day) and what a new entry becomes: a draft for review, or a post scheduled
into each account's next free queue slot. The URL is checked by the private-address guard when
saved and again at every fetch.
"""

from __future__ import annotations

import string
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select, update

from services.db import session_scope
from services.display_time import format_datetime
from services.errors import UserError
from services.models import RssEntry, RssFeed, SocialAccount
from services.security.net_guard import check_url

F = RssFeed.__table__
R = RssEntry.__table__
A = SocialAccount.__table__
MODES = ("draft", "queue")
PLACEHOLDERS = {"title", "link", "summary"}
MIN_INTERVAL, MAX_INTERVAL = 5, 24 * 60
MAX_FEEDS = 50


class FeedError(UserError):
    """A refused feed change; the message says why."""


def _field_error(field: str, message: str) -> FeedError:
    """An input problem tied to one form field ("url", "template", "accounts"), shown there by the page."""
    exc = FeedError(message)
    exc.field_errors = ({"field": field, "message": message},)
    return exc


@dataclass(frozen=True)
class FeedView:
    id: int
    url: str
    name: str
    account_ids: list[int]
    template: str
    interval_minutes: int
    mode: str
    enabled: bool
    last_checked_at: str
    last_error: str
    entries: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _check_template(template: str) -> str:
    template = (template or "").strip() or "{title} {link}"
    try:
        names = {name for _t, name, _f, _c in string.Formatter().parse(template) if name is not None}
    except ValueError:
        raise _field_error("template", "The template has an unmatched { or }; write {{ or }} for a literal brace.") from None
    unknown = names - PLACEHOLDERS
    if unknown:
        raise _field_error("template", f"Unknown placeholder {{{sorted(unknown)[0]}}}; use {{title}}, {{link}} or {{summary}}.")
    return template


def _check(org_id: int, url: str, account_ids: list[int], template: str, interval: int, mode: str) -> dict[str, Any]:
    url = (url or "").strip()
    if not url or len(url) > 1000:
        raise _field_error("url", "Enter the feed's address (http or https).")
    refusal = check_url(url)
    if refusal:
        raise _field_error("url", refusal)
    if mode not in MODES:
        raise FeedError("Choose whether new entries become drafts or go into the queue.")
    if not MIN_INTERVAL <= int(interval) <= MAX_INTERVAL:
        raise FeedError(f"Check every {MIN_INTERVAL} to {MAX_INTERVAL} minutes.")
    ids = list(dict.fromkeys(int(a) for a in account_ids or []))
    if not ids:
        raise _field_error("accounts", "Pick at least one account to post the entries to.")
    with session_scope() as session:
        found = set(
            session.execute(select(A.c.id).where(A.c.organization_id == org_id, A.c.id.in_(ids))).scalars()
        )
    if found != set(ids):
        raise FeedError("One of the selected accounts is not connected to this workspace.")
    return {"url": url, "account_ids": ids, "template": _check_template(template), "interval_minutes": int(interval),
            "mode": mode}  # fmt: skip


def add_feed(
    org_id: int, user_id: int | None, url: str, account_ids: list[int], *, template: str = "{title} {link}",
    interval_minutes: int = 30, mode: str = "draft", name: str = "",
) -> FeedView:  # fmt: skip
    values = _check(org_id, url, account_ids, template, interval_minutes, mode)
    with session_scope() as session:
        count = session.execute(select(func.count()).select_from(F).where(F.c.organization_id == org_id)).scalar_one()
        if count >= MAX_FEEDS:
            raise FeedError(f"A workspace can follow {MAX_FEEDS} feeds; delete one first.")
        row = RssFeed(organization_id=org_id, created_by=user_id, name=(name or "").strip()[:200],
                      next_check_at=datetime.now(UTC), **values)  # fmt: skip
        session.add(row)
        session.flush()
        feed_id = int(row.id)  # type: ignore[arg-type]
    return get_feed(org_id, feed_id)


def list_feeds(org_id: int) -> list[FeedView]:
    with session_scope() as session:
        rows = session.execute(select(F).where(F.c.organization_id == org_id).order_by(F.c.id)).all()
        counts = dict(
            session.execute(
                select(R.c.feed_id, func.count()).where(R.c.organization_id == org_id).group_by(R.c.feed_id)
            ).all()
        )
    return [
        FeedView(
            id=r.id, url=r.url, name=r.name, account_ids=list(r.account_ids or []), template=r.template,
            interval_minutes=r.interval_minutes, mode=r.mode, enabled=bool(r.enabled),
            last_checked_at=format_datetime(r.last_checked_at, "UTC", with_zone=True) if r.last_checked_at else "never",
            last_error=r.last_error, entries=int(counts.get(r.id, 0)),
        )  # fmt: skip
        for r in rows
    ]


def get_feed(org_id: int, feed_id: int) -> FeedView:
    for feed in list_feeds(org_id):
        if feed.id == feed_id:
            return feed
    raise FeedError("That feed was not found.")


def update_feed(
    org_id: int, feed_id: int, *, url: str, account_ids: list[int], template: str, interval_minutes: int, mode: str
) -> FeedView:
    values = _check(org_id, url, account_ids, template, interval_minutes, mode)
    _update(org_id, feed_id, **values)
    return get_feed(org_id, feed_id)


def set_feed_enabled(org_id: int, feed_id: int, enabled: bool) -> None:
    extra = {"next_check_at": datetime.now(UTC)} if enabled else {}
    _update(org_id, feed_id, enabled=enabled, **extra)


def check_feed_soon(org_id: int, feed_id: int) -> None:
    """"Check now": due at the next feeds job (within a minute)."""
    _update(org_id, feed_id, next_check_at=datetime.now(UTC))


def _update(org_id: int, feed_id: int, **values: Any) -> None:
    with session_scope() as session:
        hit = session.execute(
            update(F).where(F.c.id == feed_id, F.c.organization_id == org_id).values(**values)
        ).rowcount
    if not hit:
        raise FeedError("That feed was not found.")


def delete_feed(org_id: int, feed_id: int) -> None:
    """The feed and its memory of posted entries go; the posts it made stay."""
    with session_scope() as session:
        if session.execute(select(F.c.id).where(F.c.id == feed_id, F.c.organization_id == org_id)).scalar() is None:
            raise FeedError("That feed was not found.")
        session.execute(delete(R).where(R.c.feed_id == feed_id, R.c.organization_id == org_id))
        session.execute(delete(F).where(F.c.id == feed_id, F.c.organization_id == org_id))
