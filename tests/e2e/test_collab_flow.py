"""Two people, two browser contexts: a comment with an @mention reaches the other person's bell live,
they open it and read the comment on the post; the audit log shows the invite and the role change."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import register_through_ui
from tests.e2e.helpers import compose_action, connect_demo, open_composer, select_chip, type_text


def _pick(page: Page, testid: str, option: str) -> None:
    page.get_by_test_id(testid).click()
    page.get_by_role("option", name=option, exact=True).click()


def test_mention_bell_and_audit_log(page: Page, browser: Browser, app_url: str) -> None:
    tag = uuid.uuid4().hex[:6]
    owner = {"email": f"owner-{tag}@example.com", "name": f"Olga {tag}", "password": "correct horse battery"}
    member = {"email": f"mia-{tag}@example.com", "name": f"Mia {tag}", "password": "correct horse battery"}
    register_through_ui(page, app_url, owner)
    connect_demo(page)

    other = browser.new_context(base_url=app_url)
    mia = other.new_page()
    try:
        register_through_ui(mia, app_url, member)
        # owner invites Mia as a Contributor; she joins from the link and lands on the dashboard
        page.goto(f"{app_url}/members")
        expect(page.get_by_test_id("member-row")).to_have_count(1, timeout=30000)
        page.get_by_test_id("invite-email").fill(member["email"])
        _pick(page, "invite-role", "Contributor")
        page.get_by_test_id("invite-button").click()
        link_box = page.get_by_test_id("invite-link")
        expect(link_box).to_have_value(re.compile(r"/invite\?token="), timeout=20000)
        mia.goto(link_box.input_value())
        mia.get_by_test_id("invite-join").click()
        expect(mia.get_by_test_id("whoami-org")).to_have_text(f"Olga {tag}'s workspace", timeout=20000)
        bell = mia.get_by_test_id("notifications-bell")
        expect(bell).to_have_attribute("data-unread", "0", timeout=20000)

        # owner demotes her to Viewer (Viewers can still read and comment)
        page.goto(f"{app_url}/members")
        _pick(page, f"member-role-{member['email']}", "Viewer")
        expect(page.get_by_test_id(f"member-role-{member['email']}")).to_contain_text("Viewer", timeout=20000)

        # owner writes a draft and comments on it, mentioning Mia by her email prefix
        open_composer(page)
        select_chip(page, "demo")
        type_text(page, f"Launch post {tag}")
        compose_action(page, "save-draft")
        expect(page.get_by_test_id("comments")).to_be_visible(timeout=20000)
        page.get_by_label("Add a comment").fill(f"@mia-{tag} can you check the wording?")
        page.get_by_role("button", name="Comment", exact=True).click()
        expect(page.get_by_test_id("comment-body")).to_have_text(f"@mia-{tag} can you check the wording?")
        expect(page.get_by_test_id("comment-author")).to_have_text(f"Olga {tag}")

        # Mia's open dashboard: the bell shows 1 unread without a reload
        expect(bell).to_have_attribute("data-unread", "1", timeout=30000)
        expect(mia.get_by_role("button", name="Notifications, 1 unread")).to_be_visible()
        bell.click()
        item = mia.get_by_test_id("notification-item")
        expect(item).to_have_count(1, timeout=20000)
        expect(item).to_have_attribute("data-kind", "mention")
        expect(item.get_by_test_id("notification-text")).to_contain_text("can you check the wording?")
        item.get_by_test_id("notification-open").click()  # opens the post and marks it read
        expect(mia).to_have_url(re.compile(r"/compose\?post=\d+"), timeout=20000)
        expect(mia.get_by_test_id("comment-body")).to_have_text(f"@mia-{tag} can you check the wording?")
        expect(bell).to_have_attribute("data-unread", "0", timeout=20000)
        expect(mia.get_by_role("button", name="Notifications, none unread")).to_be_visible()

        # the audit log (Owner/Admin) shows the invite and the role change; filter by action
        page.goto(f"{app_url}/audit")
        rows = page.get_by_test_id("audit-row")
        expect(rows.first).to_be_visible(timeout=20000)
        expect(page.locator("[data-testid=audit-row][data-action='member.invited']")).to_have_count(1)
        expect(page.locator("[data-testid=audit-row][data-action='member.role_changed']")).to_have_count(1)
        _pick(page, "audit-filter-action", "member.role_changed")
        expect(rows).to_have_count(1, timeout=20000)
        expect(rows.first.get_by_test_id("audit-action")).to_have_text("member.role_changed")
        # Mia (a Viewer) has no audit log: no nav entry, and the page refuses
        expect(mia.get_by_test_id("nav-audit-log")).to_have_count(0)
        mia.goto(f"{app_url}/audit")
        expect(mia.get_by_test_id("audit-refused")).to_be_visible(timeout=20000)
    finally:
        other.close()
