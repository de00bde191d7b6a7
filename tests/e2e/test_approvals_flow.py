"""Approval flow with two people: the owner requires approval for Contributors → a Contributor (joined
by invite) writes and submits → the owner sees it in /review and approves → it publishes on the
Demo network → the Contributor sees it published."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import register_through_ui
from tests.e2e.helpers import connect_demo, select_chip, type_text


def _pick(page: Page, testid: str, option: str) -> None:
    page.get_by_test_id(testid).click()
    page.get_by_role("option", name=option).click()


def test_contributor_submits_owner_approves_it_publishes(page: Page, browser: Browser, app_url: str) -> None:
    tag = uuid.uuid4().hex[:6]
    owner = {"email": f"ann-{tag}@example.com", "name": f"Ann {tag}", "password": "correct horse battery"}
    member = {"email": f"cal-{tag}@example.com", "name": f"Cal {tag}", "password": "correct horse battery"}
    register_through_ui(page, app_url, owner)
    connect_demo(page)

    # Settings → Approvals: required for Contributors
    page.goto(f"{app_url}/settings")
    _pick(page, "approval-mode", "Required for Contributors")
    page.get_by_test_id("approval-save").click()
    expect(page.locator("[data-sonner-toast]").filter(has_text="Approval settings saved")).to_be_visible(timeout=20000)

    page.goto(f"{app_url}/members")
    expect(page.get_by_test_id("member-row")).to_have_count(1, timeout=30000)
    page.get_by_test_id("invite-email").fill(member["email"])
    _pick(page, "invite-role", "Contributor")
    page.get_by_test_id("invite-button").click()
    link_box = page.get_by_test_id("invite-link")
    expect(link_box).to_have_value(re.compile(r"/invite\?token="), timeout=20000)
    link = link_box.input_value()

    other = browser.new_context(base_url=app_url)
    cal = other.new_page()
    try:
        register_through_ui(cal, app_url, member)
        cal.goto(link)
        cal.get_by_test_id("invite-join").click()
        expect(cal.get_by_test_id("whoami-org")).to_have_text(f"Ann {tag}'s workspace", timeout=20000)

        # The Contributor writes and submits: no Schedule / Publish now, one "Submit for approval"
        cal.goto(f"{app_url}/compose")
        expect(cal.get_by_role("button", name="Submit for approval")).to_be_visible(timeout=20000)
        expect(cal.get_by_test_id("publish-now")).to_have_count(0)
        select_chip(cal, "demo")
        text = f"Launch day {tag}"
        type_text(cal, text)
        cal.get_by_test_id("submit-approval").click()
        expect(cal.get_by_test_id("approval-status")).to_contain_text("In review", timeout=20000)

        # The owner: dashboard count → /review → open → approve
        page.goto(f"{app_url}/")
        expect(page.get_by_test_id("count-review")).to_have_text("1", timeout=20000)
        page.get_by_test_id("review-link").click()
        item = page.get_by_test_id("review-item")
        expect(item).to_have_count(1, timeout=20000)
        expect(item).to_contain_text(text)
        post_id = item.get_attribute("data-post-id")
        item.get_by_test_id("review-open").click()
        expect(page.get_by_test_id("approval-status")).to_contain_text("In review", timeout=20000)
        page.get_by_label("Note for the author").fill("Great, ship it")
        page.get_by_role("button", name="Approve", exact=True).click()
        expect(page.get_by_test_id("approval-status")).to_contain_text("Approved", timeout=20000)
        expect(page.get_by_test_id("result-status-demo")).to_have_text("published", timeout=30000)

        # The Contributor sees it published
        cal.goto(f"{app_url}/compose?post={post_id}")
        expect(cal.get_by_test_id("result-status-demo")).to_have_text("published", timeout=30000)
        expect(cal.get_by_test_id("approval-status")).to_contain_text("Approved")
        page.goto(f"{app_url}/review")
        expect(page.get_by_test_id("review-empty")).to_be_visible(timeout=20000)
    finally:
        other.close()
