"""The scheduler's daily recurrence job and the composer's series lookup, against a real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func
from sqlmodel import select

from services.db import session_scope
from services.models import Post
from services.posts import PostInput, save_post
from services.recurrence import set_recurrence
from services.recurrence.lookup import series_of_post
from services.scheduler import RECURRENCE_JOB_ID, extend_recurring_series, start_scheduler, stop_scheduler
from tests.seeding import seed_workspace


def _workspace(name: str) -> tuple[int, int, int]:
    org_id, user_id, (account_id,) = seed_workspace(name, timezone="Europe/Berlin", accounts=1)
    return org_id, user_id, account_id


def _scheduled(org_id: int, user_id: int, account_id: int) -> int:
    when = (datetime.now(UTC) + timedelta(days=1)).replace(second=0, microsecond=0)
    data = PostInput(body="daily tip", account_ids=[account_id], action="schedule", scheduled_at=when,
                     timezone="Europe/Berlin")  # fmt: skip
    return save_post(org_id, user_id, data)


def _series_size(series_id: int) -> int:
    with session_scope() as s:
        return s.exec(select(func.count()).select_from(Post).where(Post.series_id == series_id)).one()


async def test_daily_job_keeps_series_planned_ahead(db) -> None:  # noqa: ANN001
    org_id, user_id, account_id = _workspace("Acme")
    head = _scheduled(org_id, user_id, account_id)
    first = set_recurrence(org_id, head, {"freq": "daily", "count": 200}, user_id=user_id)
    before = _series_size(head)
    assert before == first["created"] + 1  # bounded per run, so the job has work left
    created = await extend_recurring_series()
    assert created > 0
    assert _series_size(head) == before + created
    assert await extend_recurring_series() == 0  # up to the horizon: nothing more, nothing twice


async def test_scheduler_registers_the_daily_recurrence_job(db, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("SOCIALHUB_SCHEDULER", "on")
    from services.config import reset_settings

    reset_settings()
    handle = start_scheduler()
    try:
        job = handle.scheduler.get_job(RECURRENCE_JOB_ID)
        assert job is not None
        assert job.trigger.interval == timedelta(hours=24)
    finally:
        await stop_scheduler(handle, grace_seconds=1)


def test_series_lookup_is_scoped_to_the_workspace(db) -> None:  # noqa: ANN001
    org_id, user_id, account_id = _workspace("Acme")
    other_org, _, _ = _workspace("Other")
    single = _scheduled(org_id, user_id, account_id)
    assert series_of_post(org_id, single) is None
    head = _scheduled(org_id, user_id, account_id)
    set_recurrence(org_id, head, {"freq": "weekly", "count": 3}, user_id=user_id)
    info = series_of_post(org_id, head)
    assert info["series_id"] == head and info["is_first"] and info["active"]
    assert info["description"].startswith("Every week")
    assert series_of_post(other_org, head) is None
