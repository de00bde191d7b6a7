"""Issue 20, items 2, 7, 8, 12 and 13 in the browser: deletes ask first and name the thing, one
feedback pattern, copy in plain words with one date format, sign-up during a login throttle, and
long names on one line with the full name on hover."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page, expect

from tests.e2e.ai_steps import create_persona
from tests.e2e.calendar_helpers import app_database, demo_account_id, set_instance_admin, workspace_of
from tests.e2e.helpers import connect_demo

TOAST = "[data-sonner-toast]"


def _seed_posts(app_env: dict, email: str) -> dict:
    with app_database(app_env):
        from services.posts import PostInput, save_post

        org_id, user_id = workspace_of(email)
        account = demo_account_id(org_id)
        when = (datetime.now(UTC) + timedelta(days=4)).replace(second=0, microsecond=0)
        scheduled = save_post(org_id, user_id, PostInput(body="Spring launch recap for the newsletter readers",
                                                         account_ids=[account], action="schedule", scheduled_at=when))
        draft = save_post(org_id, user_id, PostInput(body="Behind the scenes draft", account_ids=[account]))
        return {"org_id": org_id, "scheduled": scheduled, "draft": draft, "when": when}


def _post_count(app_env: dict, org_id: int) -> int:
    with app_database(app_env):
        from services.posts.listing import list_posts

        return list_posts(org_id, page_size=100)[1]


def _timezone_of(app_env: dict, email: str) -> str:
    with app_database(app_env):
        from sqlmodel import select

        from services.db import session_scope
        from services.models import User

        with session_scope() as s:
            return s.exec(select(User.timezone).where(User.email == email.lower())).one() or "UTC"


# --- item 2: destructive actions ask first and name the thing -------------------------------------
def test_bulk_delete_names_posts_by_text_account_and_time_and_cancel_keeps_them(
    page: Page, app_url: str, new_user: dict, app_env: dict
) -> None:
    connect_demo(page)
    seeded = _seed_posts(app_env, new_user["email"])
    page.get_by_test_id("nav-posts").click()
    expect(page.get_by_test_id("post-row")).to_have_count(2)
    page.get_by_test_id("posts-select-all").click()
    page.get_by_test_id("bulk-delete").click()

    dialog = page.get_by_test_id("posts-delete-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Delete 2 posts?")
    lines = page.get_by_test_id("delete-line")
    expect(lines).to_have_count(2)
    from services.display_time import format_datetime

    tz = _timezone_of(app_env, new_user["email"])
    scheduled_line = lines.filter(has_text="Spring launch recap")
    expect(scheduled_line).to_contain_text("Demo")  # the account
    expect(scheduled_line).to_contain_text(format_datetime(seeded["when"], tz))  # the time, in the one format
    expect(lines.filter(has_text="Behind the scenes draft")).to_contain_text("no date yet")
    expect(dialog).not_to_contain_text("#")  # never an internal id

    page.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    assert _post_count(app_env, seeded["org_id"]) == 2  # nothing happened
    page.get_by_test_id("bulk-delete").click()
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")  # Escape is a Cancel too
    expect(dialog).to_have_count(0)

    page.get_by_test_id("bulk-delete").click()
    page.get_by_role("button", name="Delete 2 posts", exact=True).click()
    expect(page.locator("[data-testid=bulk-result][data-ok=true]")).to_have_count(2)
    results = page.get_by_test_id("bulk-results")
    expect(results).to_contain_text("Spring launch recap")
    expect(results).not_to_contain_text("Post #")
    expect(page.locator(TOAST).filter(has_text="2 posts deleted.")).to_be_visible()
    assert _post_count(app_env, seeded["org_id"]) == 0


def test_persona_and_api_key_deletes_ask_first_naming_them(page: Page, app_url: str, new_user: dict) -> None:
    connect_demo(page)
    create_persona(page, name="Calm expert", audience="engineers")
    row = page.locator("[data-testid=ai-persona-row][data-name='Calm expert']")
    row.get_by_test_id("ai-persona-delete").click()
    expect(page.get_by_test_id("ai-persona-delete-dialog")).to_contain_text("Delete persona “Calm expert”?")
    page.get_by_test_id("ai-persona-delete-dialog-cancel").click()
    expect(row).to_have_count(1)  # cancel keeps it
    row.get_by_test_id("ai-persona-delete").click()
    page.get_by_role("button", name="Delete persona", exact=True).click()
    expect(row).to_have_count(0)

    page.get_by_test_id("nav-api-keys").click()
    page.get_by_label("Key name").fill("nightly export")
    page.get_by_role("button", name="Create key").click()
    key_row = page.get_by_test_id("api-key-row").filter(has_text="nightly export")
    expect(key_row).to_have_attribute("data-state", "active")
    key_row.get_by_role("button", name="Revoke key nightly export").click()
    expect(page.get_by_test_id("api-key-revoke-dialog")).to_contain_text("“nightly export”")
    page.get_by_test_id("api-key-revoke-dialog-cancel").click()
    expect(key_row).to_have_attribute("data-state", "active")
    key_row.get_by_role("button", name="Revoke key nightly export").click()
    page.get_by_role("button", name="Revoke key", exact=True).click()
    expect(key_row).to_have_attribute("data-state", "revoked")


def test_comment_delete_asks_first_quoting_the_comment(page: Page, app_url: str, new_user: dict, app_env: dict) -> None:
    connect_demo(page)
    seeded = _seed_posts(app_env, new_user["email"])
    page.goto(f"{app_url}/compose?post={seeded['draft']}")
    expect(page.get_by_test_id("comments")).to_be_visible(timeout=30000)
    # an empty comment: said under the field once (no toast), gone when the person edits again
    page.get_by_role("button", name="Comment", exact=True).click()
    expect(page.get_by_test_id("comment-error")).to_contain_text("Write something first.")
    page.wait_for_timeout(800)
    expect(page.locator(TOAST)).to_have_count(0)
    page.get_by_label("Add a comment").focus()
    expect(page.get_by_test_id("comment-error")).to_have_count(0)
    page.get_by_label("Add a comment").fill("Shorten the second sentence please")
    page.get_by_role("button", name="Comment", exact=True).click()
    expect(page.get_by_test_id("comment-body")).to_have_text("Shorten the second sentence please")
    page.get_by_test_id("comment-delete").click()
    expect(page.get_by_test_id("comment-delete-dialog")).to_contain_text("“Shorten the second sentence please”")
    page.get_by_test_id("comment-delete-dialog-cancel").click()
    expect(page.get_by_test_id("comment")).to_have_count(1)
    page.get_by_test_id("comment-delete").click()
    page.get_by_role("button", name="Delete comment", exact=True).click()
    expect(page.get_by_test_id("comment")).to_have_count(0)


# --- item 7: input problems next to the field (cleared on change), outcomes as toasts ---------------
def test_input_problems_sit_under_their_field_once_and_clear_when_the_input_changes(
    page: Page, app_url: str, new_user: dict, app_env: dict
) -> None:
    connect_demo(page)
    _seed_posts(app_env, new_user["email"])
    page.get_by_test_id("nav-posts").click()
    page.get_by_test_id("posts-select-all").click()
    page.get_by_test_id("bulk-offset").fill("soon")
    page.get_by_test_id("bulk-reschedule").click()
    message = page.get_by_test_id("bulk-offset-message")
    expect(message).to_contain_text("Enter how far to move the posts")
    expect(page.get_by_test_id("bulk-offset")).to_have_attribute("aria-describedby", "bulk-offset-message")
    page.wait_for_timeout(800)
    expect(page.locator(TOAST)).to_have_count(0)  # not also a toast
    page.get_by_test_id("bulk-offset").fill("1")
    expect(message).to_have_count(0)  # stale message gone once the input changed

    # Members: a bad invite address is said under the email field, not as a red box + toast
    page.goto(f"{app_url}/members")
    expect(page.get_by_test_id("member-row")).to_have_count(1, timeout=30000)
    page.get_by_role("textbox", name="Email").fill("not-an-address")
    page.get_by_role("button", name="Create invite link").click()
    invite_message = page.get_by_test_id("members-error")
    expect(invite_message).to_be_visible()
    expect(invite_message).to_have_attribute("id", "invite-email-message")
    page.wait_for_timeout(800)
    expect(page.locator(TOAST)).to_have_count(0)
    page.get_by_role("textbox", name="Email").fill("someone@example.com")
    expect(invite_message).to_have_count(0)

    # Workspaces dialog: an empty name is said in the dialog only, and typing clears it
    page.get_by_test_id("manage-workspaces").click()
    page.get_by_test_id("workspace-create-button").click()
    ws_message = page.get_by_test_id("workspace-error")
    expect(ws_message).to_be_visible()
    page.wait_for_timeout(800)
    expect(page.locator(TOAST)).to_have_count(0)
    page.get_by_test_id("workspace-new-input").fill("Client A")
    expect(ws_message).to_have_count(0)


# --- item 8: copy in words, one date format, setup hints only for admins -----------------------------
def test_setup_hints_only_for_instance_admins_and_dates_in_one_format(
    page: Page, app_url: str, new_user: dict, app_env: dict
) -> None:
    set_instance_admin(app_env, new_user["email"], False)
    page.get_by_test_id("nav-accounts").click()
    help_text = page.get_by_test_id("config-help-linkedin")
    expect(help_text).to_have_text("Ask your administrator to set up LinkedIn.")
    expect(page.get_by_text(re.compile("SOCIALHUB_"))).to_have_count(0)
    expect(page.get_by_test_id("setup-link-linkedin")).to_have_count(0)

    set_instance_admin(app_env, new_user["email"], True)
    page.reload()
    expect(help_text).to_contain_text("SOCIALHUB_LINKEDIN_CLIENT_ID")
    page.get_by_test_id("setup-link-linkedin").click()
    expect(page).to_have_url(re.compile(r"/help/setup$"))
    expect(page.get_by_test_id("setup-help")).to_contain_text("/oauth/callback/")
    set_instance_admin(app_env, new_user["email"], False)

    # the posts list shows dates in the UI's one format (no seconds, no ISO)
    connect_demo(page)
    seeded = _seed_posts(app_env, new_user["email"])
    from services.display_time import format_datetime

    tz = _timezone_of(app_env, new_user["email"])
    page.get_by_test_id("nav-posts").click()
    row = page.locator(f"[data-testid=post-row][data-post-id='{seeded['scheduled']}']")
    expect(row.get_by_test_id("post-when")).to_have_text(format_datetime(seeded["when"], tz))
    expect(row.get_by_test_id("post-when")).not_to_have_text(re.compile(r"\d{4}-\d{2}-\d{2}|:\d{2}:\d{2}"))

    # members: "Last active" in the same format, never a raw ISO string
    page.goto(f"{app_url}/members")
    expect(page.get_by_test_id("member-row")).to_have_count(1, timeout=30000)
    expect(page.get_by_test_id("member-row")).not_to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2}"))

    # analytics: "— = not reported" only where a value is missing
    page.goto(f"{app_url}/analytics")
    impressions = page.get_by_test_id("total-impressions")
    expect(impressions).to_be_visible(timeout=30000)
    expect(page.get_by_text("— = not reported")).to_have_count(0)
    if impressions.inner_text().strip() == "—":
        expect(page.get_by_test_id("total-impressions-hint")).to_have_text("Not reported by these networks")
    else:
        expect(page.get_by_test_id("total-impressions-hint")).to_have_count(0)


# --- item 12: a sign-up is never blocked by someone else's failed logins --------------------------
def _seed_login_failures(app_env: dict, email: str, n: int) -> list[str]:
    with app_database(app_env):
        from services.db import session_scope
        from services.models import LoginFailure

        now = datetime.now(UTC)
        keys = [f"{kind}:{addr}" for addr in ("127.0.0.1", "::1") for kind in ("ip",)]
        keys += [f"pair:{email}|{addr}" for addr in ("127.0.0.1", "::1")]
        with session_scope() as s:
            for key in keys:
                for i in range(n):
                    s.add(LoginFailure(scope_key=key, created_at=now - timedelta(seconds=i)))
        return keys


def _clear_login_failures(app_env: dict, keys: list[str]) -> None:
    with app_database(app_env):
        from sqlmodel import delete

        from services.db import session_scope
        from services.models import LoginFailure

        with session_scope() as s:
            s.exec(delete(LoginFailure).where(LoginFailure.scope_key.in_(keys)))


def _user_exists(app_env: dict, email: str) -> bool:
    with app_database(app_env):
        from sqlmodel import select

        from services.db import session_scope
        from services.models import User

        with session_scope() as s:
            return s.exec(select(User.id).where(User.email == email)).first() is not None


def test_sign_up_during_a_login_throttle_works_and_a_refused_one_changes_nothing(
    page: Page, app_url: str, app_env: dict
) -> None:
    email = f"throttled-{uuid.uuid4().hex[:8]}@example.com"
    keys = _seed_login_failures(app_env, email, 80)  # someone hammered logins from this network
    try:
        page.goto(f"{app_url}/login")
        page.get_by_test_id("email-input").fill(email)
        page.get_by_test_id("password-input").fill("wrong password here")
        for attempt in range(3):  # a click before the page is connected does nothing: try again
            page.get_by_test_id("login-submit").click()
            try:
                expect(page.get_by_test_id("auth-error")).to_be_visible(timeout=10000)
                break
            except AssertionError:
                if attempt == 2:
                    raise
        expect(page.get_by_test_id("auth-error")).to_contain_text("Too many")  # the login throttle is active

        # a refused sign-up (password too short) creates nothing
        page.goto(f"{app_url}/register")
        page.get_by_test_id("email-input").fill(email)
        page.get_by_test_id("name-input").fill("Late Comer")
        page.get_by_test_id("password-input").fill("short")
        page.get_by_test_id("register-submit").click()
        expect(page.get_by_test_id("auth-error")).to_be_visible()
        expect(page.get_by_test_id("auth-error")).not_to_contain_text("Too many")
        assert not _user_exists(app_env, email)

        # the real sign-up goes through, not blocked by the failed logins of others
        page.get_by_test_id("password-input").fill("correct horse battery")
        page.get_by_test_id("register-submit").click()
        expect(page.get_by_test_id("workspace-name")).to_be_visible(timeout=30000)
        assert _user_exists(app_env, email)
    finally:
        _clear_login_failures(app_env, keys)


# --- item 13: long names on one line, full name on hover -----------------------------------------
def test_long_person_and_workspace_names_stay_on_one_line_with_the_full_name_on_hover(
    page: Page, app_url: str, new_user: dict, app_env: dict
) -> None:
    long_name = "Maximiliane Alexandra Konstantinopoulou-Wolkenstein von Hohenberg"
    long_ws = "Northern Lights Renewable Energy Cooperative Marketing Department Europe"
    with app_database(app_env):
        from sqlmodel import select

        from services.db import session_scope
        from services.models import Organization, User

        org_id, user_id = workspace_of(new_user["email"])
        with session_scope() as s:
            user = s.exec(select(User).where(User.id == user_id)).one()
            user.name = long_name
            org = s.exec(select(Organization).where(Organization.id == org_id)).one()
            org.name = long_ws
            s.add(user)
            s.add(org)
    page.goto(f"{app_url}/members")
    expect(page.get_by_test_id("member-row")).to_have_count(1, timeout=30000)
    for testid, full in (("whoami-name", long_name), ("whoami-org", long_ws), ("member-name", long_name)):
        el = page.get_by_test_id(testid).first
        expect(el).to_have_text(full)  # the text is whole (for screen readers and copy)…
        expect(el).to_have_attribute("title", full)  # …and shown whole on hover
        box = el.bounding_box()
        line = float(el.evaluate("e => parseFloat(getComputedStyle(e).lineHeight) || 20"))
        assert box is not None and box["height"] <= line * 1.5, f"{testid} wraps: {box}"
        assert el.evaluate("e => e.scrollWidth > e.clientWidth"), f"{testid} is not cut with an ellipsis"
        assert el.evaluate("e => getComputedStyle(e).textOverflow") == "ellipsis"

    trigger = page.get_by_test_id("workspace-switcher")
    expect(trigger).to_have_attribute("title", long_ws)
    box = trigger.bounding_box()
    assert box is not None and box["width"] <= 260 and box["height"] <= 48, f"switcher grew: {box}"
