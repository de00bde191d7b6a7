"""Bluesky's second limit (3,000 UTF-8 bytes) is enforced where posts are written, before anything is scheduled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

import tests.countingnet_adapter as cn
from services.db import session_scope
from services.models import Post
from services.posts import PostError, PostInput, save_post
from services.posts.preview import evaluate_targets

FAMILY = "👨‍👩‍👧‍👦"  # one grapheme, 25 bytes
TOO_BIG = FAMILY * 130 + "a" * 170  # 300 graphemes, 3,420 bytes


def test_composer_counter_shows_bytes_and_flags_the_post(db: str) -> None:
    [row] = evaluate_targets(1, [{"id": 7, "platform": "bluesky", "display_name": "Alice"}], TOO_BIG, {}, [])
    assert row.count == 300 and row.over is True
    assert row.counter == "300/300 · 3,420/3,000 bytes"
    assert "too long for Bluesky in bytes" in row.problem_text and not row.ok
    [short] = evaluate_targets(1, [{"id": 7, "platform": "bluesky"}], "hello", {}, [])
    assert (short.counter, short.over, short.ok) == ("5/300", False, True)


def test_scheduling_refuses_a_post_over_3000_bytes(db: str) -> None:
    org_id = cn.seed_org()
    account_id = cn.add_account(org_id, "http://127.0.0.1:9", platform="bluesky", external_id="did:plc:a")
    when = datetime.now(UTC) + timedelta(hours=1)
    with pytest.raises(PostError, match=r"3,420/3,000 bytes — too long for Bluesky in bytes"):
        save_post(org_id, None, PostInput(body=TOO_BIG, account_ids=[account_id], action="schedule", scheduled_at=when))
    with session_scope() as s:
        assert s.execute(select(func.count()).select_from(Post)).scalar() == 0
