"""Issue #10 as one flow, two people in two browser contexts.

The owner invites → the contributor joins from the link → writes and submits → the owner comments and
approves → the post publishes on the Demo network → the contributor sees the comment and the published
status → the owner demotes her to Viewer (compose controls gone; a crafted publish event from her
browser is refused and changes nothing) → the owner removes her: her next page load is her own
workspace, and her tab that was still open on the owner's post refuses its next action and moves to
her own workspace.
"""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Browser, Page, expect
from sqlmodel import func, select

from state.compose import ComposeState
from tests.e2e.calendar_helpers import app_database, workspace_of
from tests.e2e.conftest import register_through_ui
from tests.e2e.helpers import connect_demo, select_chip, type_text
from tests.e2e.team_steps import (
    invite,
    join_from_link,
    nav,
    person,
    pick,
    remove_member,
    send_event,
    set_role,
    toast,
)


def _counts(org_id: int, post_id: int, crafted: str) -> dict[str, int]:
    """What the refused actions must not have changed, read from the app's database."""
    from services.db import session_scope
    from services.models import Comment, DemoPost, Post

    with session_scope() as s:
        return {
            "posts": s.exec(select(func.count()).select_from(Post).where(Post.organization_id == org_id)).one(),
            "crafted_posts": s.exec(select(func.count()).select_from(Post).where(Post.body == crafted)).one(),
            "crafted_demo": s.exec(select(func.count()).select_from(DemoPost).where(DemoPost.text == crafted)).one(),
            "comments": s.exec(select(func.count()).select_from(Comment).where(Comment.post_id == post_id)).one(),
        }


def test_invite_submit_approve_publish_demote_remove(page: Page, browser: Browser, app_url: str, app_env: dict) -> None:
    tag = uuid.uuid4().hex[:6]
    owner, member = person("olga", "Olga", tag), person("mia", "Mia", tag)
    text, comment = f"Spring launch {tag} 🌱", f"Lovely — approving, thanks {tag}"
    crafted = f"Crafted by a viewer {tag}"
    register_through_ui(page, app_url, owner)
    connect_demo(page)

    # 1. The owner invites Mia as a Contributor and copies the single-use link.
    link = invite(page, app_url, member["email"], "Contributor")

    mia_context = browser.new_context(base_url=app_url)
    try:
        mia = mia_context.new_page()
        register_through_ui(mia, app_url, member)

        # 2. Mia joins from the link (logged in: one click) and lands in Olga's workspace.
        join_from_link(mia, link, owner["workspace"])

        # 3. She writes and submits: no Schedule / Publish now for a Contributor.
        nav(mia, "Compose")
        submit = mia.get_by_role("button", name="Submit for approval")
        expect(submit).to_be_visible(timeout=20000)
        expect(mia.get_by_role("button", name="Publish now")).to_have_count(0)
        expect(mia.get_by_role("button", name="Schedule", exact=True)).to_have_count(0)
        select_chip(mia, "demo")
        type_text(mia, text)
        submit.click()
        expect(mia.get_by_test_id("approval-status")).to_contain_text("In review", timeout=20000)

        # 4. The owner finds it in the review queue, comments and approves; it publishes on the Demo network.
        nav(page, "Review")
        item = page.get_by_test_id("review-item")
        expect(item).to_have_count(1, timeout=20000)
        expect(item).to_contain_text(text)
        post_id = int(item.get_attribute("data-post-id") or 0)
        item.get_by_role("link", name="Open to review").click()
        expect(page.get_by_test_id("approval-status")).to_contain_text("In review", timeout=20000)
        page.get_by_label("Add a comment").fill(comment)
        page.get_by_role("button", name="Comment", exact=True).click()
        expect(page.get_by_test_id("comment-body")).to_have_text(comment, timeout=20000)
        expect(page.get_by_test_id("comment-author")).to_have_text(owner["name"])
        page.get_by_label("Note for the author").fill("Ship it")
        page.get_by_role("button", name="Approve", exact=True).click()
        expect(page.get_by_test_id("approval-status")).to_contain_text("Approved", timeout=20000)
        expect(page.get_by_test_id("result-status-demo")).to_have_text("published", timeout=30000)
        demo_link = page.get_by_test_id("result-link-demo")
        expect(demo_link).to_have_attribute("href", re.compile(r"/demo/post/\d+"))
        page.goto(demo_link.get_attribute("href") or "")
        expect(page.get_by_test_id("demo-post-text")).to_have_text(text, timeout=20000)

        # 5. Mia's open composer: the bell counts the comment and the approval without a reload; the
        #    comment notification opens the post with the comment and the published status.
        bell = mia.get_by_test_id("notifications-bell")
        expect(bell).to_have_attribute("data-unread", "2", timeout=30000)
        expect(mia.get_by_role("button", name="Notifications, 2 unread")).to_be_visible()
        bell.click()
        expect(mia.locator("[data-testid=notification-item][data-kind=approved]")).to_have_count(1, timeout=20000)
        note = mia.locator("[data-testid=notification-item][data-kind=comment]")
        expect(note.get_by_test_id("notification-text")).to_contain_text(comment)
        note.get_by_test_id("notification-open").click()
        expect(mia).to_have_url(re.compile(rf"/compose\?post={post_id}$"), timeout=20000)
        expect(mia.get_by_test_id("comment-body")).to_have_text(comment, timeout=20000)
        expect(mia.get_by_test_id("comment-author")).to_have_text(owner["name"])
        expect(mia.get_by_test_id("result-status-demo")).to_have_text("published", timeout=30000)
        expect(mia.get_by_test_id("approval-status")).to_contain_text("Approved")

        # 6. The owner demotes her to Viewer: on her next load the compose controls are gone.
        set_role(page, app_url, member["name"], "Viewer")
        mia.goto(f"{app_url}/compose")
        expect(mia.get_by_test_id("role-note")).to_contain_text("Viewer in this workspace: read only", timeout=20000)
        for name in ("Save draft", "Submit for approval", "Publish now"):
            expect(mia.get_by_role("button", name=name)).to_have_count(0)

        # 7. Her browser crafts what the page no longer offers: pick the account, set a text, publish now.
        #    The server refuses with the role's message; nothing is written or published.
        chip = mia.locator("[data-testid^=chip-demo-]").first
        expect(chip).to_be_visible()
        expect(mia.get_by_test_id("compose-text")).to_be_editable()  # loaded: the preselection is in
        account_id = (chip.get_attribute("data-testid") or "").rsplit("-", 1)[-1]
        compose = ComposeState.get_full_name()
        if chip.get_attribute("data-selected") != "true":  # a workspace's only account is preselected
            send_event(mia, f"{compose}.toggle_account", {"account_id": account_id})
        expect(chip).to_have_attribute("data-selected", "true", timeout=20000)
        send_event(mia, f"{compose}.set_main_text", {"value": crafted})
        expect(mia.get_by_test_id("preview-demo")).to_contain_text(crafted, timeout=20000)
        send_event(mia, f"{compose}.publish_now")
        expect(mia.get_by_test_id("compose-error")).to_contain_text("Viewers can't publish.", timeout=20000)
        expect(toast(mia, "Viewers can't publish.")).to_have_count(0)  # said once, on the status line
        with app_database(app_env):
            org_id, _ = workspace_of(owner["email"])
            before = _counts(org_id, post_id, crafted)
        assert before == {"posts": 1, "crafted_posts": 0, "crafted_demo": 0, "comments": 1}, before
        # ...and the owner's audit log shows the refused attempt
        page.goto(f"{app_url}/audit")
        pick(page, "Filter by action", "refused")
        refused = page.get_by_test_id("audit-row")
        expect(refused).to_have_count(1, timeout=20000)
        expect(refused).to_have_attribute("data-action", "refused")

        # 8. Mia keeps the published post open in one tab (Viewers may still read and comment there)...
        mia.goto(f"{app_url}/compose?post={post_id}")
        expect(mia.get_by_test_id("comment-body")).to_have_text(comment, timeout=20000)
        expect(mia.get_by_label("Add a comment")).to_be_editable()
        # ...the owner removes her...
        remove_member(page, app_url, member["name"])
        # ...her next page load (another tab) is her own workspace; Olga's is gone from her switcher.
        mia_next = mia_context.new_page()
        mia_next.goto(f"{app_url}/")
        expect(mia_next.get_by_test_id("whoami-org")).to_have_text(member["workspace"], timeout=20000)
        mia_next.get_by_test_id("workspace-switcher").click()
        expect(mia_next.get_by_role("option", name=member["workspace"])).to_be_visible()
        expect(mia_next.get_by_role("option", name=owner["workspace"])).to_have_count(0)
        mia_next.keyboard.press("Escape")

        # 9. Edge case: her tab still open on Olga's post. Its next action (a comment) is refused with a
        #    message, nothing is written, and the tab moves to her own workspace.
        mia.get_by_label("Add a comment").fill("Am I still in?")
        mia.get_by_role("button", name="Comment", exact=True).click()
        expect(toast(mia, f"You are no longer a member of “{owner['workspace']}”")).to_be_visible(timeout=20000)
        expect(mia.get_by_test_id("whoami-org")).to_have_text(member["workspace"], timeout=20000)
        expect(mia).to_have_url(re.compile(r"^[^?]*/$"))
        with app_database(app_env):
            after = _counts(org_id, post_id, crafted)
        assert after == before, after
        page.goto(f"{app_url}/compose?post={post_id}")
        expect(page.get_by_test_id("comment-body")).to_have_text([comment], timeout=20000)
    finally:
        mia_context.close()
