"""No lost or merged keystrokes: text typed the moment a form opens is exactly what the field keeps.

The editors are uncontrolled and read-only until the page's load ran (components/fields.py), so
Playwright's fill (which waits only for an editable field, never a timer) is "typing at once".
After typing we wait past the debounce and the server's echo and check again: a late reset or an
older server value would show up then.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.calendar_helpers import app_database, workspace_of
from tests.e2e.helpers import compose_action, connect_demo, select_chip

SETTLE_MS = 700  # > the 250 ms debounce + a round trip


def _stored_bodies(app_env: dict, email: str) -> list[str]:
    """What the app saved for this user's workspace, oldest first."""
    with app_database(app_env):
        from sqlmodel import select

        from services.db import session_scope
        from services.models import Post

        org_id, _ = workspace_of(email)
        with session_scope() as s:
            return list(s.exec(select(Post.body).where(Post.organization_id == org_id).order_by(Post.id)).all())


def _holds(page: Page, field, text: str) -> None:  # noqa: ANN001
    expect(field).to_have_value(text)
    page.wait_for_timeout(SETTLE_MS)
    expect(field).to_have_value(text)


def test_compose_open_and_type_at_once_20_times(page: Page, app_url: str, new_user: dict, app_env: dict) -> None:
    connect_demo(page)
    for i in range(20):
        text = f"Typed at once #{i}"
        if i % 2:
            page.goto(f"{app_url}/compose")  # a full page load
        else:
            page.get_by_test_id("nav-dashboard").click()
            page.get_by_test_id("nav-compose").click()  # an in-app navigation
        editor = page.get_by_label("Post text")
        editor.fill(text)
        _holds(page, editor, text)
    # and the server got exactly that text: saved as a draft
    select_chip(page, "demo")
    compose_action(page, "save-draft")
    expect(page.get_by_test_id("post-status")).to_have_text("draft")
    expect(page.get_by_label("Post text")).to_have_value("Typed at once #19")
    assert _stored_bodies(app_env, new_user["email"]) == ["Typed at once #19"]


def test_new_post_after_a_post_then_type_at_once(page: Page, app_url: str, new_user: dict, app_env: dict) -> None:
    connect_demo(page)
    page.get_by_test_id("nav-compose").click()
    texts = [f"Post number {i}" for i in range(6)]
    for i, text in enumerate(texts):
        editor = page.get_by_label("Post text")
        if i:
            page.get_by_role("button", name="New post").click()
            editor.fill(text)  # at once, right after the click: nothing from the previous post may remain
        else:
            editor.fill(text)
        _holds(page, editor, text)
        select_chip(page, "demo")
        compose_action(page, "save-draft")
        expect(page.get_by_test_id("post-status")).to_have_text("draft")
        expect(editor).to_have_value(text)
    assert _stored_bodies(app_env, new_user["email"]) == texts


def test_settings_timezone_ai_brief_and_templates_keep_what_was_typed(page: Page, app_url: str, new_user: dict) -> None:
    connect_demo(page)
    for i in range(5):
        page.get_by_test_id("nav-dashboard").click()
        page.get_by_test_id("nav-settings").click()
        field = page.get_by_label("Timezone", exact=True)
        field.fill(f"Europe/Berlin{i}")
        _holds(page, field, f"Europe/Berlin{i}")

    page.get_by_test_id("nav-compose").click()
    page.get_by_test_id("ai-toggle").click()
    for i in range(3):
        brief = page.get_by_label("Brief")
        brief.fill(f"Autumn menu launches Friday ({i})")
        _holds(page, brief, f"Autumn menu launches Friday ({i})")
        page.get_by_test_id("nav-dashboard").click()
        page.get_by_test_id("nav-compose").click()
        expect(page.get_by_label("Brief")).to_have_value(f"Autumn menu launches Friday ({i})")  # kept, not reset

    for i in range(5):
        if i % 2:
            page.goto(f"{app_url}/ai/templates")
        else:
            page.get_by_test_id("nav-dashboard").click()
            page.get_by_test_id("nav-ai").click()
            page.get_by_test_id("ai-subnav-templates").click()
        system = page.get_by_label("System message")
        system.fill(f"You write short posts. ({i})")
        _holds(page, system, f"You write short posts. ({i})")
        expect(page.get_by_test_id("ai-template-preview").first).to_contain_text(f"You write short posts. ({i})")
