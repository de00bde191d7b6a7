"""First run: the Dashboard's checklist (connect Demo in one click, first post, timezone) goes away
when done, and a Demo post's simulated metrics reach Analytics within seconds, without Refresh."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.calendar_helpers import set_timezone
from tests.e2e.helpers import compose_action, open_composer, select_chip, type_text


def _step(page: Page, key: str):  # noqa: ANN202
    return page.locator(f"[data-testid=checklist-step][data-key={key}]")


def test_checklist_then_demo_metrics_on_first_visit(page: Page, app_url: str, new_user: dict) -> None:
    checklist = page.get_by_test_id("first-run-checklist")
    expect(checklist).to_be_visible()
    expect(page.get_by_test_id("checklist-step")).to_have_count(3)
    for key in ("account", "post", "timezone"):
        expect(_step(page, key)).to_have_attribute("data-done", "false")

    page.get_by_role("button", name="Connect Demo network").click()  # one click
    expect(_step(page, "account")).to_have_attribute("data-done", "true")

    open_composer(page)
    select_chip(page, "demo")
    type_text(page, "Hello from the checklist")
    compose_action(page, "publish-now")
    expect(page.get_by_test_id("result-status-demo")).to_have_text("published", timeout=30000)

    page.get_by_test_id("nav-dashboard").click()
    expect(_step(page, "post")).to_have_attribute("data-done", "true")
    expect(_step(page, "timezone")).to_have_attribute("data-done", "false")
    set_timezone(page, "Europe/Lisbon")
    page.get_by_test_id("nav-dashboard").click()
    expect(page.get_by_test_id("workspace-name")).to_be_visible()
    expect(checklist).to_have_count(0)  # every step done: the list is gone

    # Analytics on its first visit: the Demo post's simulated metrics are already there (no Refresh click)
    page.get_by_test_id("nav-analytics").click()
    note = page.get_by_test_id("analytics-simulated-note")
    for _ in range(10):  # the first metrics land a few seconds after publishing; a reload shows them
        try:
            expect(note).to_be_visible(timeout=2000)
            break
        except AssertionError:
            page.reload()
    expect(note).to_be_visible()
    expect(page.get_by_test_id("analytics-no-data")).to_have_count(0)
