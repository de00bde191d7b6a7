"""A workspace with something on every page, for the visual checks (tests/e2e/test_ux_*.py).

The owner registers and connects the Demo network through the UI (so the session is real); posts go
in through the services on the app's database (drafts, scheduled ones, two published by the app's own
scheduler) and one metrics pass runs, so Posts, Calendar, Queue, Analytics and the Dashboard all have
rows and charts.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page, expect

from tests.e2e.calendar_helpers import app_database, demo_account_id, workspace_of
from tests.e2e.conftest import register_through_ui
from tests.e2e.helpers import connect_demo

PASSWORD = "correct horse battery"


def login(page: Page, app_url: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{app_url}/login")
    expect(page.get_by_test_id("login-form")).to_have_attribute("data-hydrated", "true", timeout=30000)
    page.get_by_test_id("email-input").fill(email)
    page.get_by_test_id("password-input").fill(password)
    page.get_by_test_id("login-submit").click()
    page.get_by_test_id("workspace-name").wait_for(timeout=30000)


def _wait_published(org_id: int, post_ids: list[int], timeout: float = 90) -> None:
    from services.posts import get_post

    deadline = time.time() + timeout
    while time.time() < deadline:
        if all(get_post(org_id, pid)["status"] == "published" for pid in post_ids):
            return
        time.sleep(1)
    raise AssertionError(f"posts {post_ids} were not published in {timeout} s")


def seed_owner(page: Page, app_url: str, app_env: dict, *, filler_posts: int = 26) -> dict:
    """Register an owner, connect Demo, add drafts/scheduled/published posts and read their metrics once."""
    email = f"ux-{uuid.uuid4().hex[:8]}@example.com"
    register_through_ui(page, app_url, {"email": email, "name": "Uma Visual", "password": PASSWORD})
    connect_demo(page)
    with app_database(app_env):
        from services.analytics.collector import refresh_workspace_metrics
        from services.posts import PostInput, save_post

        org_id, user_id = workspace_of(email)
        account = demo_account_id(org_id)
        soon = (datetime.now(UTC) + timedelta(days=2)).replace(minute=30, second=0, microsecond=0)
        for i in range(filler_posts):
            save_post(org_id, user_id, PostInput(body=f"Draft idea number {i:02d} for the spring launch",
                                                 account_ids=[account]))  # fmt: skip
        scheduled = [
            save_post(org_id, user_id, PostInput(body=f"Scheduled announcement {i}: doors open at nine",
                                                 account_ids=[account], action="schedule",
                                                 scheduled_at=soon + timedelta(hours=3 * i)))  # fmt: skip
            for i in range(3)
        ]
        published = [
            save_post(org_id, user_id, PostInput(body=f"Published hello {i} from the visual check",
                                                 account_ids=[account], action="publish_now"))  # fmt: skip
            for i in range(2)
        ]
        _wait_published(org_id, published)
        # Playwright's sync API owns this thread's event loop: the one metrics pass runs on its own thread
        with ThreadPoolExecutor(1) as pool:
            pool.submit(lambda: asyncio.run(refresh_workspace_metrics(org_id, pause_seconds=0))).result()
    return {"email": email, "org_id": org_id, "user_id": user_id, "account_id": account,
            "scheduled": scheduled, "published": published}  # fmt: skip
