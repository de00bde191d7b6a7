"""Phones (390×844) and keyboards: the main flow on a phone-sized screen, with no horizontal scroll
on any page, and a calendar reschedule done without the mouse (the drag's keyboard alternative)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import register_through_ui
from tests.e2e.helpers import connect_demo, open_composer, select_chip, type_text

PHONE = {"width": 390, "height": 844}
PAGES = ["/", "/compose", "/calendar", "/posts", "/queue", "/accounts", "/members", "/analytics",
         "/ai/providers", "/ai/personas", "/ai/templates", "/ai/usage", "/settings"]  # fmt: skip


@pytest.fixture
def phone(browser: Browser, app_url: str) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, base_url=app_url, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(20000)
    yield page
    context.close()


def _no_horizontal_scroll(page: Page, where: str) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{where} scrolls sideways at 390 px: content is {width[0]} px wide"


def _go(page: Page, label: str) -> None:
    """Phone navigation: the sidebar is hidden; the header's Menu button opens the menu dialog."""
    page.get_by_test_id("menu-button").click()
    menu = page.get_by_role("dialog")
    menu.get_by_role("link", name=label, exact=True).click()
    expect(menu).to_have_count(0)
    expect(page.get_by_test_id("page-title")).to_have_text(label if label != "AI" else "AI providers")


def test_main_flow_on_a_phone(phone: Page, app_url: str) -> None:
    page = phone
    user = {"email": f"phone-{uuid.uuid4().hex[:8]}@example.com", "name": "Pat", "password": "correct horse battery"}
    register_through_ui(page, app_url, user)
    expect(page.get_by_test_id("nav-compose")).to_be_hidden()  # the sidebar collapsed into the menu
    expect(page.get_by_test_id("menu-button")).to_be_visible()
    _no_horizontal_scroll(page, "/")

    _go(page, "Accounts")
    page.get_by_test_id("connect-demo").click()
    expect(page.locator("[data-testid=account-row][data-platform=demo]")).to_have_count(1)

    _go(page, "Compose")
    select_chip(page, "demo")
    type_text(page, "Posted from a phone")
    editor_box = page.get_by_label("Post text").bounding_box()
    preview_box = page.get_by_role("heading", name="Preview").bounding_box()
    assert preview_box["y"] > editor_box["y"] + editor_box["height"], "the preview stacks under the editor"
    page.get_by_label("Schedule date").fill("2031-09-15")
    page.get_by_label("Schedule time").fill("08:15")
    page.get_by_role("button", name="Schedule", exact=True).click()
    expect(page.get_by_test_id("compose-notice")).to_contain_text("Scheduled for")
    _no_horizontal_scroll(page, "/compose")

    page.goto(f"{app_url}/calendar?view=month&date=2031-09-01")
    expect(page.get_by_test_id("cal-title")).to_have_text("September 2031")
    expect(page.get_by_test_id("cal-month")).to_be_hidden()  # the grid gives way to the agenda
    item = page.get_by_test_id("agenda-item").filter(has_text="Posted from a phone")
    expect(item).to_have_count(1)
    expect(item).to_have_attribute("data-date", "2031-09-15")
    item.get_by_test_id("agenda-menu").click()
    page.get_by_test_id("cal-menu-date").fill("2031-09-16")
    page.get_by_test_id("cal-menu-reschedule").click()
    expect(page.get_by_test_id("cal-notice")).to_contain_text("Moved to")
    expect(page.get_by_test_id("agenda-item").filter(has_text="Posted from a phone")).to_have_attribute(
        "data-date", "2031-09-16"
    )

    for path in PAGES:
        page.goto(f"{app_url}{path}")
        expect(page.get_by_test_id("page-title")).to_be_visible()
        page.wait_for_timeout(300)
        _no_horizontal_scroll(page, path)


def test_calendar_reschedule_without_the_mouse(page: Page, app_url: str, new_user: dict) -> None:
    connect_demo(page)
    open_composer(page)
    select_chip(page, "demo")
    type_text(page, "Moved by keyboard")
    page.get_by_label("Schedule date").fill("2031-07-10")
    page.get_by_label("Schedule time").fill("10:00")
    page.get_by_role("button", name="Schedule", exact=True).click()
    expect(page.get_by_test_id("compose-notice")).to_contain_text("Scheduled for")

    page.goto(f"{app_url}/calendar?view=month&date=2031-07-01")
    expect(page.get_by_test_id("cal-title")).to_have_text("July 2031")
    # Tab from the page start to the post's menu button: it is reachable from the keyboard
    options = page.get_by_role("button", name="Post options: reschedule, status, links")
    for _ in range(80):
        page.keyboard.press("Tab")
        if options.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the post's menu button is not reachable with Tab")
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    date = dialog.get_by_label("New date")
    date.focus()
    date.fill("2031-07-12")  # typing into the field (no pointer)
    reschedule = dialog.get_by_role("button", name="Reschedule")
    for _ in range(10):  # through the date and time fields' parts to the button
        page.keyboard.press("Tab")
        if reschedule.evaluate("el => el === document.activeElement"):
            break
    expect(reschedule).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("cal-notice")).to_contain_text(re.compile(r"Moved to Sat,? Jul 12, 2031"))
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    moved = page.locator("[data-testid=cal-day][data-date='2031-07-12'] [data-testid=cal-item]")
    expect(moved).to_have_count(1)
