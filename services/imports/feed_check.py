"""Checking RSS/Atom feeds and turning each new entry into exactly one post.

Once per entry, across restarts, re-ordered feeds and several schedulers: an entry's key is the
SHA-256 of its id (else its link, else title + date), and `rss_entries` has a unique
(feed, key) constraint. The entry row and its post are written in ONE transaction, so either both
exist or neither — a crash can't leave a post without its entry (posted twice later) or an entry
without its post (never posted). A feed is claimed for a check by moving its `next_check_at`
forward (compare-and-set), so two schedulers don't fetch it at the same moment.

The first check of a new feed posts only its FIRST_CHECK_POSTS newest entries and remembers the
rest as seen: adding a feed with 50 old articles must not flood the queue.

Fetching is async httpx through the private-address guard (every connection and redirect checked,
5 MB at most, conditional GET with ETag / Last-Modified); parsing (feedparser) and database work
run in a worker thread.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser
import httpx
from sqlalchemy import and_, select, update
from sqlalchemy.exc import IntegrityError

from services.db import session_scope
from services.errors import UserError
from services.models import RssEntry, RssFeed
from services.posts import PostInput
from services.posts.compose import save_post_in
from services.queue import queue_post_in
from services.security.net_guard import guarded_async_client, refusal_message
from services.timezones import get_user_timezone

log = logging.getLogger(__name__)
F = RssFeed.__table__
R = RssEntry.__table__
FIRST_CHECK_POSTS = 3
MAX_FEED_BYTES = 5 * 1024 * 1024
FETCH_TIMEOUT = httpx.Timeout(20.0, connect=10.0)
USER_AGENT = "SocialHub-Feeds/1.0"
_TAGS = re.compile(r"<[^>]+>")


@dataclass
class DueFeed:
    id: int
    organization_id: int
    created_by: int | None
    url: str
    etag: str
    modified: str
    account_ids: list[int]
    template: str
    mode: str


@dataclass
class Entry:
    key: str
    title: str
    link: str
    summary: str
    order: tuple


def claim_due_feeds(now: datetime, limit: int = 20) -> list[DueFeed]:
    with session_scope() as session:
        rows = session.execute(
            select(F).where(F.c.enabled, F.c.next_check_at <= now).order_by(F.c.next_check_at).limit(limit)
        ).all()
        claimed = []
        for r in rows:
            won = session.execute(
                update(F)
                .where(F.c.id == r.id, F.c.next_check_at == r.next_check_at)
                .values(next_check_at=now + timedelta(minutes=r.interval_minutes))
            ).rowcount
            if won:
                claimed.append(DueFeed(r.id, r.organization_id, r.created_by, r.url, r.etag, r.modified,
                                       list(r.account_ids or []), r.template, r.mode))  # fmt: skip
    return claimed


async def fetch_feed(client: httpx.AsyncClient, feed: DueFeed) -> tuple[int, bytes, dict[str, str]]:
    """(status, body, caching headers); 304 = unchanged. Raises UserError with a readable reason."""
    headers = {"user-agent": USER_AGENT, "accept": "application/rss+xml, application/atom+xml, application/xml, */*"}
    if feed.etag:
        headers["if-none-match"] = feed.etag
    if feed.modified:
        headers["if-modified-since"] = feed.modified
    try:
        async with client.stream("GET", feed.url, headers=headers) as response:
            if response.status_code == 304:
                return 304, b"", {}
            if response.status_code != 200:
                raise UserError(f"The feed answered HTTP {response.status_code}.")
            chunks, size = [], 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > MAX_FEED_BYTES:
                    raise UserError("The feed is larger than 5 MB.")
                chunks.append(chunk)
            caching = {"etag": response.headers.get("etag", ""), "modified": response.headers.get("last-modified", "")}
            return 200, b"".join(chunks), caching
    except httpx.HTTPError as exc:
        raise UserError(refusal_message(exc) or f"The feed could not be fetched ({type(exc).__name__}).") from None


def entry_key(raw: Any) -> str:
    ident = raw.get("id") or raw.get("guid") or raw.get("link") or f"{raw.get('title', '')}|{raw.get('published', '')}"
    return hashlib.sha256(str(ident).strip().encode()).hexdigest()


def parse_entries(body: bytes) -> list[Entry]:
    """Entries oldest first (by date when the feed gives one, else reversed document order)."""
    parsed = feedparser.parse(body)
    if parsed.bozo and not parsed.entries:
        raise UserError("This is not an RSS or Atom feed.")
    entries = []
    count = len(parsed.entries)
    for position, raw in enumerate(parsed.entries):
        stamp = raw.get("published_parsed") or raw.get("updated_parsed")
        summary = " ".join(html.unescape(_TAGS.sub(" ", raw.get("summary", "") or "")).split())
        entries.append(Entry(
            key=entry_key(raw), title=" ".join((raw.get("title") or "").split()), link=(raw.get("link") or "").strip(),
            summary=summary[:500], order=(tuple(stamp) if stamp else (), count - position),
        ))  # fmt: skip
    entries.sort(key=lambda e: e.order)
    return entries


def render(template: str, entry: Entry) -> str:
    return template.format(title=entry.title, link=entry.link, summary=entry.summary).strip()


def process_entries(feed: DueFeed, entries: list[Entry], now: datetime) -> dict[str, int]:
    """Post every entry not seen before; returns {"posted": n, "seen": m}."""
    with session_scope() as session:
        known = set(session.execute(select(R.c.entry_key).where(R.c.feed_id == feed.id)).scalars())
    first_check = not known
    fresh = [e for e in entries if e.key not in known]
    to_post = fresh[-FIRST_CHECK_POSTS:] if first_check else fresh
    remember_only = [e for e in fresh if e not in to_post]
    done = {"posted": 0, "seen": 0}
    if remember_only:
        with session_scope() as session:
            for entry in remember_only:
                if _claim_entry(session, feed, entry) is not None:
                    done["seen"] += 1
    tz = get_user_timezone(feed.created_by) if feed.created_by else "UTC"
    for entry in to_post:
        with session_scope() as session:
            row_id = _claim_entry(session, feed, entry)
            if row_id is None:
                continue  # another worker posted it a moment ago
            post_id = _create_post(session, feed, entry, tz, now)
            session.execute(update(R).where(R.c.id == row_id).values(post_id=post_id))
        done["posted"] += 1
    return done


def _claim_entry(session, feed: DueFeed, entry: Entry) -> int | None:  # noqa: ANN001 - a Session
    """Insert the entry's row (None when it exists already: the unique key says "posted once")."""
    try:
        with session.begin_nested():
            row = RssEntry(organization_id=feed.organization_id, feed_id=feed.id, entry_key=entry.key,
                           title=entry.title[:500], link=entry.link[:1000])  # fmt: skip
            session.add(row)
            session.flush()
            return int(row.id)  # type: ignore[arg-type]
    except IntegrityError:
        return None


def _create_post(session, feed: DueFeed, entry: Entry, tz: str, now: datetime) -> int:  # noqa: ANN001
    """Through the composer's / queue's own services; a queue refusal (e.g. too long for X) falls
    back to a draft for a person to fix, so the entry is never silently dropped."""
    text = render(feed.template, entry)
    data = PostInput(body=text, account_ids=list(feed.account_ids), action="draft", timezone=tz)
    if feed.mode == "queue":
        try:
            with session.begin_nested():
                return int(queue_post_in(session, feed.organization_id, feed.created_by, feed.account_ids, data,
                                         now=now)[0]["post_id"])  # fmt: skip
        except UserError as exc:
            log.info("feed %s: entry queued as a draft instead: %s", feed.id, exc)
    return save_post_in(session, feed.organization_id, feed.created_by, data, now=now)


def _finish(feed: DueFeed, now: datetime, error: str = "", caching: dict[str, str] | None = None) -> None:
    values: dict[str, Any] = {"last_checked_at": now, "last_error": error[:500]}
    if caching:
        values.update(etag=caching.get("etag", "")[:200], modified=caching.get("modified", "")[:100])
    with session_scope() as session:
        session.execute(update(F).where(and_(F.c.id == feed.id)).values(**values))


async def check_feed(client: httpx.AsyncClient, feed: DueFeed, now: datetime) -> dict[str, int]:
    try:
        status, body, caching = await fetch_feed(client, feed)
        if status == 304:
            await asyncio.to_thread(_finish, feed, now)
            return {"posted": 0, "seen": 0}
        entries = await asyncio.to_thread(parse_entries, body)
        done = await asyncio.to_thread(process_entries, feed, entries, now)
    except UserError as exc:
        await asyncio.to_thread(_finish, feed, now, str(exc))
        return {"posted": 0, "seen": 0, "errors": 1}
    await asyncio.to_thread(_finish, feed, now, "", caching)
    return done


async def run_feed_checks(now: datetime | None = None, *, client: httpx.AsyncClient | None = None) -> dict[str, int]:
    """Check every due feed (4 at a time); returns totals."""
    now = now or datetime.now(UTC)
    feeds = await asyncio.to_thread(claim_due_feeds, now)
    totals = {"feeds": len(feeds), "posted": 0, "seen": 0, "errors": 0}
    if not feeds:
        return totals
    http = client or guarded_async_client(timeout=FETCH_TIMEOUT, follow_redirects=True)
    gate = asyncio.Semaphore(4)

    async def one(feed: DueFeed) -> dict[str, int]:
        async with gate:
            return await check_feed(http, feed, now)

    try:
        for result in await asyncio.gather(*(one(f) for f in feeds)):
            for key, value in result.items():
                totals[key] = totals.get(key, 0) + value
    finally:
        if client is None:
            await http.aclose()
    return totals


async def feeds_job() -> dict[str, int]:
    """Scheduler entry point: never raises."""
    try:
        return await run_feed_checks()
    except Exception:
        log.exception("RSS feed check failed")
        return {}
