"""Two people in two browser contexts: invite by link → join → demote to Viewer → remove."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import register_through_ui
from tests.e2e.helpers import connect_demo


def _pick_role(page: Page, testid: str, role: str) -> None:
    page.get_by_test_id(testid).click()
    page.get_by_role("option", name=role).click()


def test_invite_join_demote_remove(page: Page, browser: Browser, app_url: str) -> None:
    tag = uuid.uuid4().hex[:6]
    owner = {"email": f"owner-{tag}@example.com", "name": f"Olga {tag}", "password": "correct horse battery"}
    member = {"email": f"mia-{tag}@example.com", "name": f"Mia {tag}", "password": "correct horse battery"}
    register_through_ui(page, app_url, owner)
    connect_demo(page)  # the composer needs an account to show its buttons

    other = browser.new_context(base_url=app_url)
    mia = other.new_page()
    try:
        register_through_ui(mia, app_url, member)

        # owner invites Mia as a Contributor and copies the single-use link
        page.goto(f"{app_url}/members")
        try:
            expect(page.get_by_test_id("member-row")).to_have_count(1, timeout=30000)
        except AssertionError:
            page.screenshot(path="/tmp/teams_members.png")
            raise
        page.get_by_test_id("invite-email").fill(member["email"])
        _pick_role(page, "invite-role", "Contributor")
        page.get_by_test_id("invite-button").click()
        link_box = page.get_by_test_id("invite-link")
        expect(link_box).to_have_value(re.compile(r"/invite\?token="), timeout=20000)
        link = link_box.input_value()
        expect(page.get_by_test_id("pending-invite")).to_contain_text(member["email"])

        # Mia opens it (logged in) and joins with one click; the shell now shows Olga's workspace
        mia.goto(link)
        expect(mia.get_by_test_id("invite-workspace")).to_contain_text(f"Olga {tag}'s workspace", timeout=20000)
        mia.get_by_test_id("invite-join").click()
        expect(mia.get_by_test_id("whoami-org")).to_have_text(f"Olga {tag}'s workspace", timeout=20000)
        mia.goto(f"{app_url}/compose")
        expect(mia.get_by_test_id("save-draft")).to_be_visible(timeout=20000)
        expect(mia.get_by_test_id("publish-now")).to_have_count(0)
        expect(mia.get_by_test_id("role-note")).to_contain_text("Contributor")

        # the link is single use
        mia.goto(link)
        expect(mia.get_by_test_id("invite-problem")).to_contain_text("already been used", timeout=20000)

        # owner demotes Mia to Viewer: the compose controls are gone on her next load
        page.goto(f"{app_url}/members")
        _pick_role(page, f"member-role-{member['email']}", "Viewer")
        expect(page.get_by_test_id(f"member-role-{member['email']}")).to_contain_text("Viewer", timeout=20000)
        mia.goto(f"{app_url}/compose")
        expect(mia.get_by_test_id("role-note")).to_contain_text("read only", timeout=20000)
        expect(mia.get_by_test_id("save-draft")).to_have_count(0)

        # owner removes Mia: her next page load is back in her own workspace
        page.get_by_test_id(f"member-remove-{member['email']}").click()
        page.get_by_test_id("member-remove-dialog-confirm").click()
        expect(page.get_by_test_id(f"member-remove-{member['email']}")).to_have_count(0, timeout=20000)
        mia.goto(f"{app_url}/")
        expect(mia.get_by_test_id("whoami-org")).to_have_text(f"Mia {tag}'s workspace", timeout=20000)
    finally:
        other.close()


def test_owner_deletes_a_workspace_by_typing_its_name(page: Page, app_url: str) -> None:
    tag = uuid.uuid4().hex[:6]
    owner = {"email": f"del-{tag}@example.com", "name": f"Dora {tag}", "password": "correct horse battery"}
    register_through_ui(page, app_url, owner)
    page.get_by_role("button", name="Manage workspaces").click()
    page.get_by_label("New workspace name").fill(f"Client {tag}")
    page.get_by_test_id("workspace-create-button").click()
    expect(page.get_by_test_id("whoami-org")).to_have_text(f"Client {tag}", timeout=20000)

    page.get_by_role("button", name="Manage workspaces").click()
    confirm = page.get_by_label("Type the workspace name to confirm deletion")
    delete = page.get_by_test_id("workspace-delete-button")
    confirm.fill(f"client {tag}")  # not the exact name: the button stays disabled
    expect(delete).to_be_disabled()
    confirm.fill(f"Client {tag}")
    expect(delete).to_be_enabled()
    delete.click()
    expect(page.get_by_test_id("whoami-org")).to_have_text(f"Dora {tag}'s workspace", timeout=20000)
    page.get_by_test_id("workspace-switcher").click()
    expect(page.get_by_role("option", name=f"Client {tag}")).to_have_count(0)
