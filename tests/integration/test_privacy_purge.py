"""Privacy mode (issue #21): content lives only until every target is final, then only metadata stays.

Runs on SQLite and PostgreSQL against the CountingNet fake platform and a real publishing engine.
The byte-level proof (the SQLite file, its WAL, the data directory and the log) is in
test_privacy_bytes.py.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

import tests.countingnet_adapter as cn
from services.calendar import calendar_items
from services.db import session_scope
from services.media.storage import absolute_path
from services.models import MediaAsset, Notification, PostMedia, PostTarget, utcnow
from services.posts import PostError, get_post, retry_target
from services.posts.listing import list_posts
from services.privacy import actions, settings
from services.privacy.job import run_privacy_maintenance
from services.privacy.purge import NOT_STORED
from services.publishing.states import refresh_post_statuses
from tests.fakes.countingnet import CountingNetServer
from tests.integration.privacy_support import owner, post_with_media, publish

T = PostTarget.__table__


@pytest.fixture
def fake() -> Iterator[CountingNetServer]:
    with CountingNetServer() as server:
        yield server


@pytest.fixture
def org(db: str, fake: CountingNetServer) -> dict:
    org_id = cn.seed_org()
    return {
        "id": org_id,
        "a": cn.add_account(org_id, fake.url, external_id="a", username="alice"),
        "b": cn.add_account(org_id, fake.url, external_id="b", username="bob"),
    }


def _media_rows(org_id: int) -> int:
    with session_scope() as s:
        return s.execute(select(func.count()).select_from(MediaAsset).where(MediaAsset.organization_id == org_id)).scalar()


async def test_published_post_keeps_only_metadata(org: dict, fake: CountingNetServer) -> None:
    actions.set_privacy_mode(owner(org["id"]), True)
    text = "Quarterly launch: zebra-striped widgets"
    post_id = post_with_media(org["id"], [org["a"], org["b"]], text, "A heron standing in reeds", "Bob's own copy")
    stored = get_post(org["id"], post_id)
    assert stored["body"] == text and not stored["content_purged"]  # drafts keep content until final
    with session_scope() as s:
        asset = s.execute(select(MediaAsset)).scalars().one()
        files = [absolute_path(asset.storage_path), absolute_path(asset.thumbnail_path)]
    assert all(f.exists() for f in files)

    await publish(org["id"], post_id)

    assert sorted(p.text for p in fake.posts) == sorted([text, "Bob's own copy"])  # it went out with its content
    post = get_post(org["id"], post_id)
    assert post["content_purged"] and post["body"] == "" and post["media_ids"] == []
    assert post["body_sha256"] == hashlib.sha256(text.encode()).hexdigest()
    assert [t["body_override"] for t in post["targets"]] == [None, None]
    assert [t["status"] for t in post["targets"]] == ["published", "published"]
    assert all(t["external_url"].startswith(fake.url) and t["external_id"] for t in post["targets"])  # live links stay
    assert _media_rows(org["id"]) == 0 and not any(f.exists() for f in files)
    rows, _ = list_posts(org["id"])
    assert rows[0]["text"] == NOT_STORED and rows[0]["live_url"].startswith(fake.url)
    day = timedelta(days=1)
    [item] = calendar_items(org["id"], datetime.now(UTC) - day, datetime.now(UTC) + day, "UTC")
    assert item["text"] == NOT_STORED and item["links"]


async def test_normal_mode_keeps_everything(org: dict, fake: CountingNetServer) -> None:
    """The control: without privacy mode nothing is wiped (so the test above can fail)."""
    post_id = post_with_media(org["id"], [org["a"]], "Normal mode keeps me", "A kingfisher on a branch")
    await publish(org["id"], post_id)
    run_privacy_maintenance()
    post = get_post(org["id"], post_id)
    assert post["body"] == "Normal mode keeps me" and not post["content_purged"] and len(post["media_ids"]) == 1
    assert _media_rows(org["id"]) == 1


async def test_failed_target_keeps_content_until_discarded(org: dict, fake: CountingNetServer) -> None:
    actions.set_privacy_mode(owner(org["id"]), True)
    post_id = post_with_media(org["id"], [org["a"], org["b"]], "One fails, one works", "A fox in snow")
    fake.behaviors["POST /api/posts"] = [422]  # the first account's attempt is refused for good
    await publish(org["id"], post_id)
    post = get_post(org["id"], post_id)
    statuses = sorted(t["status"] for t in post["targets"])
    assert statuses == ["failed", "published"]
    assert post["body"] == "One fails, one works" and not post["content_purged"]  # still retryable
    failed = next(t for t in post["targets"] if t["status"] == "failed")
    with session_scope() as s:  # the engine told the author/admins; that note quotes the text for now
        texts = list(s.execute(select(Notification.text).where(Notification.post_id == post_id)).scalars())
    assert actions.discard_failed(owner(org["id"]), post_id) == 1
    post = get_post(org["id"], post_id)
    assert post["content_purged"] and post["body"] == "" and _media_rows(org["id"]) == 0
    with session_scope() as s:
        after = list(s.execute(select(Notification.text).where(Notification.post_id == post_id)).scalars())
    assert all("One fails" not in t for t in after) and len(after) == len(texts)
    with pytest.raises(PostError, match="not stored"):
        retry_target(org["id"], failed["id"])


async def test_switching_on_never_purges_existing_posts_silently(org: dict, fake: CountingNetServer) -> None:
    """Edge case: privacy mode on with posts already published → only the explicit purge wipes them."""
    old = post_with_media(org["id"], [org["a"]], "Published before privacy mode", "An owl at dusk")
    await publish(org["id"], old)
    actions.set_privacy_mode(owner(org["id"]), True)
    assert actions.existing_content_count(owner(org["id"])) == 1
    run_privacy_maintenance()  # the safety net leaves what settled before the switch alone
    assert get_post(org["id"], old)["body"] == "Published before privacy mode"

    new = post_with_media(org["id"], [org["b"]], "Published after", "A wren")
    await publish(org["id"], new)
    assert get_post(org["id"], new)["content_purged"]

    assert actions.purge_existing_content(owner(org["id"])) == 1
    assert get_post(org["id"], old)["content_purged"] and actions.existing_content_count(owner(org["id"])) == 0


async def test_safety_net_purges_what_the_hook_missed(org: dict, fake: CountingNetServer) -> None:
    actions.set_privacy_mode(owner(org["id"]), True)
    post_id = post_with_media(org["id"], [org["a"]], "Missed by the hook", "A swan")
    with session_scope() as s:  # as if a process died between the outcome and the purge
        s.execute(update(T).where(T.c.post_id == post_id).values(
            status="published", external_url="https://x/p/1", updated_at=utcnow()
        ))  # fmt: skip
        refresh_post_statuses(s, [post_id])
    assert get_post(org["id"], post_id)["body"] == "Missed by the hook"
    assert run_privacy_maintenance()["purged"] == 1
    assert get_post(org["id"], post_id)["content_purged"]
    with session_scope() as s:
        assert s.execute(select(func.count()).select_from(PostMedia)).scalar() == 0


def test_settings_round_trip(org: dict) -> None:
    assert settings.get_privacy(org["id"]).privacy_mode is False  # off by default
    actions.set_retention(owner(org["id"]), {"published_content_days": "30", "audit_days": "", "snapshot_days": "7"})
    got = settings.get_privacy(org["id"])
    assert (got.published_content_days, got.audit_days, got.snapshot_days) == (30, None, 7)
    with pytest.raises(Exception, match="from 1 to 3650"):
        actions.set_retention(owner(org["id"]), {"audit_days": "-2"})


def test_admin_vacuum_full_runs(org: dict, capsys: pytest.CaptureFixture[str]) -> None:
    """`python -m services.admin vacuum-full`: VACUUM FULL on PostgreSQL, VACUUM on SQLite."""
    from services.admin.__main__ import main

    assert main(["vacuum-full"]) == 0
    out = capsys.readouterr().out
    assert "vacuumed (full)" in out and ("posts" in out or "sqlite" in out)


async def test_deleting_the_unpublished_accounts_makes_the_post_final(org: dict, fake: CountingNetServer) -> None:
    from services.posts import delete_post

    actions.set_privacy_mode(owner(org["id"]), True)
    post_id = post_with_media(org["id"], [org["a"], org["b"]], "Half out, half failed", "A lynx")
    fake.behaviors["POST /api/posts"] = [422]
    await publish(org["id"], post_id)
    assert not get_post(org["id"], post_id)["content_purged"]
    assert delete_post(org["id"], post_id)["deleted"] is False  # the published copy stays
    post = get_post(org["id"], post_id)
    assert post["content_purged"] and [t["status"] for t in post["targets"]] == ["published"]
