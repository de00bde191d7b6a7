"""RSS/Atom auto-post against a local feed server: once per entry across restarts and re-ordering."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from services.db import session_scope
from services.imports import feeds
from services.imports.feed_check import claim_due_feeds, run_feed_checks
from services.models import Post, PostTarget, RssEntry
from services.queue import set_slots
from tests.fakes.feed_server import FeedServer, entry
from tests.integration.webhook_support import workspace

T0 = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as fake:
        yield fake


def posts(org_id: int) -> list[Post]:
    with session_scope() as session:
        return list(session.exec(select(Post).where(Post.organization_id == org_id).order_by(Post.id)).all())


async def test_each_entry_is_posted_once_across_restarts_and_reordering(db: str, server: FeedServer) -> None:
    org_id, user_id, account_id = workspace()
    server.entries = [entry(n, T0 + timedelta(hours=n)) for n in range(1, 6)]
    feed = feeds.add_feed(org_id, user_id, server.feed_url, [account_id], template="{title} {link}", interval_minutes=15)
    now = datetime.now(UTC)

    first = await run_feed_checks(now)
    # A new feed posts its 3 newest entries (oldest first) and only remembers the older ones.
    assert (first["posted"], first["seen"]) == (3, 2)
    assert [p.body for p in posts(org_id)] == [f"Article {n} https://blog.example.com/{n}" for n in (3, 4, 5)]
    assert {p.status for p in posts(org_id)} == {"draft"}  # "draft for review"

    assert (await run_feed_checks(now + timedelta(minutes=5)))["feeds"] == 0  # not due for 15 minutes

    # "Restart" (nothing is remembered in memory), the blog re-orders its feed and adds one entry.
    server.entries = [entry(6, T0 + timedelta(hours=6)), *reversed(server.entries)]
    again = await run_feed_checks(now + timedelta(minutes=16))
    assert again["posted"] == 1
    assert posts(org_id)[-1].body == "Article 6 https://blog.example.com/6"

    unchanged = await run_feed_checks(now + timedelta(minutes=32))
    assert unchanged == {"feeds": 1, "posted": 0, "seen": 0, "errors": 0}
    assert server.recorded[-1].headers.get("if-none-match")  # conditional GET: the blog said 304
    assert len(posts(org_id)) == 4
    with session_scope() as session:
        assert len(session.exec(select(RssEntry)).all()) == 6
    view = feeds.get_feed(org_id, feed.id)
    assert view.entries == 6 and view.last_error == ""


async def test_queue_mode_schedules_into_the_next_free_slot(db: str) -> None:
    org_id, user_id, account_id = workspace()
    set_slots(org_id, account_id, [(d, "10:00") for d in range(7)], "UTC")
    with FeedServer(atom=True) as server:
        server.entries = [entry(1, T0)]
        feeds.add_feed(org_id, user_id, server.feed_url, [account_id], template="New: {title} — {summary}", mode="queue")
        assert (await run_feed_checks())["posted"] == 1
    [post] = posts(org_id)
    assert post.body == "New: Article 1 — Summary 1" and post.status == "scheduled"
    assert post.scheduled_at is not None and post.scheduled_at.strftime("%H:%M") == "10:00"
    with session_scope() as session:
        [target] = session.exec(select(PostTarget).where(PostTarget.post_id == post.id)).all()
    assert target.status == "scheduled"


async def test_a_broken_feed_keeps_its_error_and_two_schedulers_never_both_check(db: str, server: FeedServer) -> None:
    org_id, user_id, account_id = workspace()
    feed = feeds.add_feed(org_id, user_id, server.feed_url, [account_id])
    now = datetime.now(UTC)
    assert [f.id for f in claim_due_feeds(now)] == [feed.id]
    assert claim_due_feeds(now) == []  # claimed: the second scheduler finds nothing due
    server.behaviors["GET /feed.xml"] = [500]
    feeds.check_feed_soon(org_id, feed.id)
    assert (await run_feed_checks(now + timedelta(seconds=1)))["errors"] == 1
    assert "HTTP 500" in feeds.get_feed(org_id, feed.id).last_error


def test_feed_settings_are_checked_and_scoped(db: str, server: FeedServer, monkeypatch: pytest.MonkeyPatch) -> None:
    org_id, user_id, account_id = workspace("Acme")
    other_org, _u, other_account = workspace("Other")
    with pytest.raises(feeds.FeedError, match="not connected"):
        feeds.add_feed(org_id, user_id, server.feed_url, [other_account])
    with pytest.raises(feeds.FeedError, match="placeholder"):
        feeds.add_feed(org_id, user_id, server.feed_url, [account_id], template="{title} {author}")
    with pytest.raises(feeds.FeedError, match="does not connect"):
        feeds.add_feed(org_id, user_id, "http://169.254.169.254/feed", [account_id])
    with pytest.raises(feeds.FeedError, match="minutes"):
        feeds.add_feed(org_id, user_id, server.feed_url, [account_id], interval_minutes=1)
    feed = feeds.add_feed(org_id, user_id, server.feed_url, [account_id])
    with pytest.raises(feeds.FeedError, match="not found"):
        feeds.delete_feed(other_org, feed.id)
    with pytest.raises(feeds.FeedError, match="not found"):
        feeds.set_feed_enabled(other_org, feed.id, False)
    assert feeds.list_feeds(other_org) == []
    feeds.set_feed_enabled(org_id, feed.id, False)
    assert claim_due_feeds(datetime.now(UTC)) == []  # paused feeds are not checked
    feeds.delete_feed(org_id, feed.id)
    assert feeds.list_feeds(org_id) == []
