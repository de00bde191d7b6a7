"""A shareable preview link, used by a client without an account: read-only previews, external
approval by name, and a revoked link that shows a clear page."""

from __future__ import annotations

import re
import uuid

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.e2e.helpers import connect_demo, open_composer, select_chip, type_text


def _a11y(page: Page, where: str) -> None:
    page.wait_for_timeout(400)
    results = Axe().run(page, context={"exclude": [["[data-sonner-toaster]"]]})
    bad = [v["id"] for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert not bad, f"axe: {bad} on {where}"


def test_client_approves_through_a_preview_link(page: Page, browser: Browser, app_url: str, new_user: dict) -> None:
    connect_demo(page)
    page.goto(f"{app_url}/settings")
    page.get_by_test_id("approval-mode").click()
    page.get_by_role("option", name="Required for everyone").click()
    page.get_by_label("Allow external approval via preview links").click()
    page.get_by_test_id("approval-save").click()
    expect(page.locator("[data-sonner-toast]").filter(has_text="Approval settings saved")).to_be_visible(timeout=20000)

    open_composer(page)
    select_chip(page, "demo")
    text = f"Client preview {uuid.uuid4().hex[:6]}"
    type_text(page, text)
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_test_id("approval-status")).to_contain_text("In review", timeout=20000)
    page.get_by_role("button", name="Create preview link").click()
    link_box = page.get_by_label("Preview link")
    expect(link_box).to_have_value(re.compile(r"/preview\?token="), timeout=20000)
    link = link_box.input_value()

    client = browser.new_context()  # no account, no cookies
    visitor = client.new_page()
    try:
        visitor.goto(link)
        expect(visitor.get_by_test_id("preview-card-demo")).to_contain_text(text, timeout=30000)
        expect(visitor.get_by_test_id("preview-status")).to_contain_text("review")
        _a11y(visitor, "/preview")
        visitor.get_by_label("Your name").fill("Claire from Client Co")
        visitor.get_by_label("Note").fill("Looks great")
        visitor.get_by_role("button", name="Approve").click()
        expect(visitor.get_by_test_id("preview-decided")).to_be_visible(timeout=20000)

        # the owner's composer: approved by the external reviewer, then published (it had no time)
        page.goto(f"{app_url}/posts")
        row = page.locator("[data-testid=post-row]", has_text=text)
        expect(row).to_have_attribute("data-status", "published", timeout=30000)
        page.goto(f"{app_url}/compose?post={row.get_attribute('data-post-id')}")
        expect(page.get_by_test_id("approval-status")).to_contain_text("Approved", timeout=30000)
        expect(page.get_by_test_id("result-status-demo")).to_have_text("published", timeout=30000)

        # revoked: the same link now shows a clear page and no post
        page.get_by_role("button", name="Revoke preview links").click()
        visitor.goto(link)
        expect(visitor.get_by_test_id("preview-problem")).to_be_visible(timeout=20000)
        expect(visitor.get_by_test_id("preview-card-demo")).to_have_count(0)
    finally:
        client.close()
