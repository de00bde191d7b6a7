"""Accessibility: axe-core on every page (logged out, then logged in with data), accessible names
that Playwright's get_by_label / get_by_role find, one h1 and landmarks per page, dialogs that
trap focus and close on Escape.

axe-core comes bundled in the axe-playwright-python wheel (nothing is downloaded at run time).
"""

from __future__ import annotations

import uuid

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.e2e.helpers import connect_demo, open_composer, select_chip, type_text

FAILING_IMPACTS = ("serious", "critical")
LOGGED_IN_PAGES = [
    "/",
    "/compose",
    "/calendar",
    "/calendar?view=week",
    "/posts",
    "/queue",
    "/accounts",
    "/members",
    "/analytics",
    "/ai/providers",
    "/ai/personas",
    "/ai/templates",
    "/ai/usage",
    "/ai/mcp",
    "/settings",
    "/settings/security",
    "/settings/api-keys",
    "/review",
    "/notifications",
    "/audit",
    "/automation/webhooks",
    "/automation/alerts",
    "/automation/import",
    "/automation/feeds",
]
_axe = Axe()


def assert_no_serious_violations(page: Page, where: str) -> None:
    page.wait_for_timeout(400)  # let dialog/fade-in animations finish: mid-fade colours are not the real ones
    # toasts (sonner) slide in and out on their own timers, so they are left out of the scan
    results = _axe.run(page, context={"exclude": [["[data-sonner-toaster]"]]})
    bad = [v for v in results.response["violations"] if v.get("impact") in FAILING_IMPACTS]
    report = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(", ".join(n["target"]) for n in v["nodes"][:5])
        for v in bad
    )
    assert not bad, f"axe found serious/critical violations on {where}:\n{report}"


def assert_structure(page: Page, where: str, logged_in: bool) -> None:
    expect(page.locator("h1"), f"exactly one h1 on {where}").to_have_count(1)
    expect(page.locator("main"), f"one main landmark on {where}").to_have_count(1)
    if logged_in:
        expect(page.locator("header"), f"a header on {where}").to_have_count(1)
        expect(page.get_by_role("navigation", name="Main", exact=True), f"nav on {where}").to_have_count(1)


def test_logged_out_pages_and_forms_by_label(page: Page, app_url: str) -> None:
    for path in ("/login", "/register"):
        page.goto(f"{app_url}{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_structure(page, path, logged_in=False)
        assert_no_serious_violations(page, path)
    # the register form, driven only by labels and roles (as Playwright's docs recommend)
    email = f"a11y-{uuid.uuid4().hex[:8]}@example.com"
    page.get_by_label("Email").fill(email)
    page.get_by_label("Name").fill("Ada")
    page.get_by_label("Password (at least 10 characters)").fill("correct horse battery")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_test_id("workspace-name")).to_be_visible(timeout=30000)
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_label("Email")).to_be_visible(timeout=30000)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_test_id("workspace-name")).to_be_visible(timeout=30000)


def test_every_logged_in_page_with_data(page: Page, app_url: str, new_user: dict) -> None:
    connect_demo(page)
    open_composer(page)
    select_chip(page, "demo")
    type_text(page, "Accessible first post")
    page.get_by_label("Schedule date").fill("2031-05-04")
    page.get_by_label("Schedule time").fill("10:00")
    page.get_by_role("button", name="Schedule", exact=True).click()
    expect(page.get_by_test_id("compose-notice")).to_contain_text("Scheduled for")
    for path in LOGGED_IN_PAGES:
        page.goto(f"{app_url}{path}")
        expect(page.get_by_test_id("page-title")).to_be_visible(timeout=30000)
        page.wait_for_function("() => !document.querySelector('[data-testid=auth-loading]')")
        page.wait_for_timeout(300)  # let the on_load data render
        assert_structure(page, path, logged_in=True)
        assert_no_serious_violations(page, path)
    # the composer's controls by label and role
    page.goto(f"{app_url}/compose")
    expect(page.get_by_label("Post text")).to_be_editable(timeout=30000)
    expect(page.get_by_role("switch", name="Repeat")).to_be_visible()
    page.goto(f"{app_url}/settings")
    expect(page.get_by_label("Timezone", exact=True)).to_be_visible()
    # posting slots are edited as rules: days are toggle buttons with the weekday's full name
    page.get_by_role("button", name="Add rule").click()
    expect(page.get_by_role("button", name="Monday", exact=True)).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_label("Time to add to rule 1")).to_be_visible()
    assert_no_serious_violations(page, "/settings with a slot rule")


def test_dialog_traps_focus_and_closes_on_escape(page: Page, app_url: str, new_user: dict) -> None:
    connect_demo(page)
    open_composer(page)
    select_chip(page, "demo")
    type_text(page, "Dialog check")
    page.get_by_label("Schedule date").fill("2031-06-01")
    page.get_by_label("Schedule time").fill("09:30")
    page.get_by_role("button", name="Schedule", exact=True).click()
    expect(page.get_by_test_id("compose-notice")).to_contain_text("Scheduled for")
    page.goto(f"{app_url}/calendar?view=month&date=2031-06-01")
    menu_button = page.get_by_role("button", name="Post options: reschedule, status, links")
    menu_button.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    assert_no_serious_violations(page, "calendar post menu")
    for _ in range(12):  # Tab never leaves the dialog
        page.keyboard.press("Tab")
        assert page.evaluate("() => !!document.activeElement.closest('[role=dialog]')")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    # the focus ring is visible on keyboard focus (2px outline, not 'none')
    page.keyboard.press("Tab")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", ""), outline
