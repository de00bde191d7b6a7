"""API keys end to end: create a key in the UI, schedule a Demo post with it over HTTP, see it on the calendar."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.helpers import connect_demo


def test_key_from_the_ui_schedules_a_post_that_shows_on_the_calendar(page: Page, app_url: str, new_user: dict) -> None:
    connect_demo(page)
    page.get_by_test_id("nav-api-keys").click()
    expect(page.get_by_test_id("page-title")).to_have_text("API keys")
    page.get_by_label("Key name").fill("e2e script")
    page.get_by_label("Role").select_option("editor")
    page.get_by_role("button", name="Create key").click()
    new_key = page.get_by_test_id("api-key-new")
    expect(new_key).to_contain_text("sh_live_")
    key = new_key.inner_text().strip()
    row = page.get_by_test_id("api-key-row").filter(has_text="e2e script")
    expect(row).to_have_attribute("data-state", "active")
    expect(row.get_by_test_id("api-key-hint")).to_have_text(key[:12] + "…")
    expect(row.get_by_test_id("api-key-last-used")).to_have_text("never")
    page.get_by_test_id("api-key-dismiss").click()
    expect(page.get_by_test_id("api-key-new")).to_have_count(0)

    api = httpx.Client(base_url=f"{app_url}/api/v1", headers={"Authorization": f"Bearer {key}"}, timeout=30)
    workspace = api.get("/workspace").json()
    assert workspace["key"]["role"] == "editor"
    tz = workspace["timezone"]
    demo = next(a for a in api.get("/accounts").json()["data"] if a["platform"] == "demo")
    when = (datetime.now(ZoneInfo(tz)) + timedelta(days=1)).replace(hour=10, minute=30, second=0, microsecond=0)
    text = f"Via API {uuid.uuid4().hex[:6]}"  # short: month cells cut previews at 28 characters
    body = {"text": text, "account_ids": [demo["id"]], "action": "schedule",
            "scheduled_at": when.strftime("%Y-%m-%dT%H:%M:%S"), "timezone": tz}  # fmt: skip
    headers = {"Idempotency-Key": uuid.uuid4().hex}
    created = api.post("/posts", json=body, headers=headers)
    assert created.status_code == 201, created.text
    assert created.headers["ratelimit-limit"] and created.headers["ratelimit-remaining"]
    replay = api.post("/posts", json=body, headers=headers)
    assert replay.json()["id"] == created.json()["id"] and replay.headers["idempotent-replayed"] == "true"

    page.get_by_test_id("nav-calendar").click()
    expect(page.get_by_test_id("cal-timezone")).to_have_text(tz)
    day = page.locator(f"[data-testid=cal-day][data-date='{when:%Y-%m-%d}']")
    chip = day.locator(f"[data-testid=cal-item][data-post-id='{created.json()['id']}']")
    expect(chip).to_have_count(1)
    expect(chip).to_contain_text(text)
    expect(chip).to_have_attribute("data-status", "scheduled")
    expect(chip.get_by_test_id("cal-item-time")).to_have_text("10:30 AM")

    page.get_by_test_id("nav-api-keys").click()
    row = page.get_by_test_id("api-key-row").filter(has_text="e2e script")
    expect(row.get_by_test_id("api-key-last-used")).not_to_have_text("never")
    row.get_by_role("button", name="Revoke key e2e script").click()
    expect(page.get_by_test_id("api-key-revoke-dialog")).to_contain_text("e2e script")  # asks first
    page.get_by_role("button", name="Revoke key", exact=True).click()
    expect(row).to_have_attribute("data-state", "revoked")
    refused = api.get("/workspace")
    assert refused.status_code == 401 and refused.json()["type"] == "urn:socialhub:problem:api-key-revoked"

    page.goto(f"{app_url}/api/docs")
    expect(page.locator(".swagger-ui .title")).to_contain_text("SocialHub API")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
