"""Issue 20, items 9, 10, 11, 3 (Settings) and 4 (empty states): calendar chips and new-post clicks, the
queue with custom-time posts and "+ Add post", slot rules, the unsaved-changes warning, next actions."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from tests.e2e.calendar_helpers import app_database, demo_account_id, set_timezone, workspace_of
from tests.e2e.helpers import connect_demo

TZ = "Europe/Berlin"
LONG_TEXT = (
    "Our spring collection lands next week with twelve new colours and a recycled fabric line, "
    "see you at the launch party"
)


def _schedule(app_env: dict, email: str, text: str, local: datetime) -> int:
    """A scheduled post for the workspace's Demo account at a local Berlin time (through the services)."""
    with app_database(app_env):
        from services.posts import PostInput, save_post

        org_id, user_id = workspace_of(email)
        account = demo_account_id(org_id)
        at = local.replace(tzinfo=ZoneInfo(TZ))
        data = PostInput(body=text, account_ids=[account], action="schedule", scheduled_at=at, timezone=TZ)
        return save_post(org_id, user_id, data)


def _set_slots(app_env: dict, email: str, at: str) -> int:
    with app_database(app_env):
        from services.queue import set_slots

        org_id, _ = workspace_of(email)
        account = demo_account_id(org_id)
        set_slots(org_id, account, [(d, at) for d in range(7)], TZ)
        return account


def _today() -> datetime:
    return datetime.now(ZoneInfo(TZ)).replace(tzinfo=None, second=0, microsecond=0)


def test_calendar_chips_legend_week_scroll_and_click_to_compose(
    page: Page, app_url: str, new_user: dict, app_env: dict
) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    connect_demo(page)
    set_timezone(page, TZ)
    day = (_today() + timedelta(days=10)).date()
    post_id = _schedule(app_env, new_user["email"], LONG_TEXT, datetime.combine(day, time(14, 5)))

    page.goto(f"{app_url}/calendar?view=month&date={day.isoformat()}")
    chip = page.locator(f"[data-testid=cal-item][data-post-id='{post_id}']")
    expect(chip).to_have_count(1)
    # as much text as fits: far more than the old ~28 characters, on at most two lines
    text = chip.get_by_test_id("cal-item-text")
    expect(text).to_contain_text(LONG_TEXT[:60])
    box = text.bounding_box()
    line = float(text.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
    assert box is not None and box["height"] <= 2 * line + 1, (box, line)
    assert text.evaluate("e => e.scrollWidth <= e.clientWidth + 1")  # wraps, no single cut line
    # the status as an icon with a name, explained by a legend; the platform icon is there
    icon = chip.get_by_test_id("cal-item-status-icon")
    expect(icon).to_have_attribute("aria-label", "Scheduled")
    expect(icon.locator("svg")).to_have_count(1)
    legend = page.get_by_test_id("cal-legend")
    for label in ("Scheduled", "Published", "Failed", "Draft"):
        expect(legend).to_contain_text(label)
    expect(chip.locator("svg")).not_to_have_count(0)

    # a free future day: a click opens the composer prefilled with that day (09:00)
    free_day = day + timedelta(days=1)
    cell = page.locator(f"[data-testid=cal-day][data-date='{free_day.isoformat()}']")
    expect(cell).to_have_attribute("data-new-at", f"{free_day.isoformat()}T09:00")
    # the same is a keyboard-reachable link with a name
    expect(cell.get_by_role("link", name=re.compile("^New post on"))).to_have_count(1)
    cell.click(position={"x": 40, "y": 80})
    expect(page).to_have_url(re.compile(rf"/compose\?at={free_day.isoformat()}T09:00$"))

    # week view opens at the working day, not at midnight; an hour slot opens the composer at that hour
    page.goto(f"{app_url}/calendar?view=week&date={day.isoformat()}")
    hours = page.get_by_test_id("cal-hours")
    expect(hours).to_be_visible()
    expect(page.locator("[data-hour-row='8']")).to_have_count(1)
    # scrolled so 08:00 is at the top (or as far as the grid goes: then the whole evening is in view too)
    page.wait_for_function(
        "() => { const r = document.getElementById('cal-hours');"
        " const h = r && r.querySelector('[data-hour-row=\"8\"]'); if (!r || !h) return false;"
        " const want = Math.min(h.offsetTop, r.scrollHeight - r.clientHeight);"
        " return r.scrollTop > 0 && Math.abs(r.scrollTop - want) < 4; }",
        timeout=15000,
    )
    rbox = hours.bounding_box()
    for hour in (8, 17, 20):
        hbox = page.locator(f"[data-hour-row='{hour}']").bounding_box()
        assert rbox and hbox and rbox["y"] - 1 <= hbox["y"] and hbox["y"] + hbox["height"] <= rbox["y"] + rbox["height"] + 1
    slot = page.locator(f"[data-testid=cal-slot][data-date='{free_day.isoformat()}'][data-hour='11']")
    slot.click()
    expect(page).to_have_url(re.compile(rf"/compose\?at={free_day.isoformat()}T11:00$"))


def test_queue_lists_custom_time_posts_and_add_post_fills_a_free_slot(
    page: Page, app_url: str, new_user: dict, app_env: dict
) -> None:
    connect_demo(page)
    set_timezone(page, TZ)
    account = _set_slots(app_env, new_user["email"], "10:00")
    day = (_today() + timedelta(days=2)).date()
    ids = {
        at: _schedule(app_env, new_user["email"], f"Queue {at}", datetime.combine(day, time(*map(int, at.split(":")))))
        for at in ("17:15", "09:00", "12:30", "10:00")
    }

    page.get_by_test_id("nav-queue").click()
    rows = page.locator(f"[data-testid=queue-row][data-date='{day.isoformat()}']")
    expect(rows).to_have_count(4)
    expected = [(ids["09:00"], "custom"), (ids["10:00"], "slot"), (ids["12:30"], "custom"), (ids["17:15"], "custom")]
    for index, (post_id, kind) in enumerate(expected):
        expect(rows.nth(index)).to_have_attribute("data-post-id", str(post_id))
        expect(rows.nth(index)).to_have_attribute("data-kind", kind)
    expect(rows.nth(0).get_by_test_id("queue-custom")).to_have_text("custom time")
    expect(rows.nth(2)).to_contain_text("Queue 12:30")

    # every free slot offers "+ Add post" → the composer prefilled with that slot's time and account
    free = page.locator("[data-testid=queue-row][data-free=yes]").first
    expect(free).to_be_visible()
    add = free.get_by_role("button", name=re.compile("^Add post at"))
    expect(add).to_have_count(1)
    href = add.get_attribute("data-href")
    assert href and re.fullmatch(rf"/compose\?at=\d{{4}}-\d\d-\d\dT10:00&account={account}", href), href
    add.click()
    expect(page).to_have_url(re.compile(re.escape(href) + "$"))


def test_slot_rules_list_every_conflict_save_the_valid_part_and_remove_by_keyboard(
    page: Page, app_url: str, new_user: dict
) -> None:
    connect_demo(page)
    page.get_by_test_id("nav-settings").click()
    expect(page.get_by_test_id("slots-empty")).to_be_visible()

    def add_time(rule, at: str) -> None:  # noqa: ANN001
        rule.get_by_test_id("rule-new-time").fill(at)
        rule.get_by_test_id("rule-add-time").click()
        expect(rule.locator(f"[data-testid=rule-time][data-time='{at}']")).to_have_count(1)

    # rule 1: Mon–Fri × 09:00, 17:30 — one rule, not ten chips
    page.get_by_test_id("slot-rule-add").click()
    first = page.get_by_test_id("slot-rule").nth(0)
    expect(first.get_by_test_id("rule-label")).to_have_text("Rule 1: Mon–Fri")
    add_time(first, "09:00")
    add_time(first, "17:30")
    # rule 2: Mon and Fri × 09:03, 17:31 — four clashes with rule 1
    page.get_by_test_id("slot-rule-add").click()
    second = page.get_by_test_id("slot-rule").nth(1)
    for day in ("Tuesday", "Wednesday", "Thursday"):
        second.get_by_role("button", name=day, exact=True).click()
    expect(second.get_by_role("button", name="Monday", exact=True)).to_have_attribute("aria-pressed", "true")
    expect(second.get_by_role("button", name="Tuesday", exact=True)).to_have_attribute("aria-pressed", "false")
    expect(second.get_by_test_id("rule-label")).to_have_text("Rule 2: Mon, Fri")
    add_time(second, "09:03")
    add_time(second, "17:31")
    page.get_by_test_id("slots-save").click()

    problems = page.get_by_test_id("slots-problem")
    expect(problems).to_have_count(4)  # every conflict at once, not only the first
    for name in ("Monday 09:03", "Friday 09:03", "Monday 17:31", "Friday 17:31"):
        expect(page.get_by_test_id("slots-problems")).to_contain_text(name)
    expect(page.get_by_test_id("slots-notice")).to_contain_text("Saved 10 posting slots")
    page.reload()
    rules = page.get_by_test_id("slot-rule")
    expect(rules).to_have_count(1)
    expect(rules.get_by_test_id("rule-label")).to_have_text("Rule 1: Mon–Fri")
    expect(rules.get_by_test_id("rule-time")).to_have_count(2)

    # remove buttons: a real size, an exact accessible name, reachable and pressed from the keyboard
    remove = page.get_by_role("button", name="Remove 17:30 from Mon–Fri", exact=True)
    box = remove.bounding_box()
    assert box and box["width"] >= 24 and box["height"] >= 24, box
    page.get_by_role("button", name="Remove 09:00 from Mon–Fri", exact=True).focus()
    page.keyboard.press("Tab")
    expect(remove).to_be_focused()
    page.keyboard.press("Enter")
    expect(rules.get_by_test_id("rule-time")).to_have_count(1)
    expect(page.get_by_test_id("slots-dirty")).to_be_visible()
    page.get_by_test_id("slots-save").click()
    expect(page.get_by_test_id("slots-notice")).to_contain_text("Saved 5 posting slots")


def test_settings_warns_before_leaving_with_unsaved_slot_changes(page: Page, app_url: str, new_user: dict) -> None:
    connect_demo(page)
    page.get_by_test_id("nav-settings").click()
    expect(page.get_by_test_id("slots-empty")).to_be_visible()
    # nothing changed: the sidebar just navigates
    page.get_by_test_id("nav-calendar").click()
    expect(page).to_have_url(re.compile(r"/calendar"))
    page.get_by_test_id("nav-settings").click()
    page.get_by_test_id("slot-rule-add").click()
    expect(page.get_by_test_id("slots-dirty")).to_be_visible()

    # the sidebar asks first; "Stay" keeps the page and the edit
    page.get_by_test_id("nav-calendar").click()
    dialog = page.get_by_test_id("unsaved-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("You have unsaved changes")
    page.get_by_role("button", name="Stay on this page").click()
    expect(dialog).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/settings"))
    expect(page.get_by_test_id("slot-rule")).to_have_count(1)

    # reloading (or closing the tab) asks through the browser's own dialog
    seen: list[str] = []

    def on_dialog(d) -> None:  # noqa: ANN001
        seen.append(d.type)
        d.dismiss()  # stay

    page.on("dialog", on_dialog)
    page.evaluate("() => { location.reload(); }")
    for _ in range(150):  # up to 15 s on a busy machine; the dialog comes once
        if seen:
            break
        page.wait_for_timeout(100)
    page.wait_for_timeout(300)  # a second dialog would show up here
    assert seen == ["beforeunload"], seen
    page.remove_listener("dialog", on_dialog)
    expect(page.get_by_test_id("slot-rule")).to_have_count(1)

    # "Leave without saving" goes where the person clicked, and nothing was saved
    page.get_by_test_id("nav-queue").click()
    expect(dialog).to_be_visible()
    page.get_by_role("button", name="Leave without saving").click()
    expect(page).to_have_url(re.compile(r"/queue$"))
    page.get_by_test_id("nav-settings").click()
    expect(page.get_by_test_id("slots-empty")).to_be_visible()


def test_empty_states_offer_the_next_action(page: Page, app_url: str, new_user: dict, app_env: dict) -> None:
    # no account yet: the dashboard, the queue and the slot settings each offer "Connect an account"
    empty = page.get_by_test_id("upcoming-empty")
    expect(empty).to_be_visible()
    expect(empty.get_by_role("button", name="Create post")).to_be_visible()
    empty.get_by_role("button", name="Connect an account").click()
    expect(page).to_have_url(re.compile(r"/accounts$"))
    page.get_by_test_id("nav-queue").click()
    page.get_by_test_id("queue-empty").get_by_role("button", name="Connect an account").click()
    expect(page).to_have_url(re.compile(r"/accounts$"))
    page.get_by_test_id("nav-settings").click()
    page.get_by_test_id("slots-no-accounts").get_by_role("button", name="Connect an account").click()
    expect(page).to_have_url(re.compile(r"/accounts$"))

    # the Accounts page's own empty list connects the Demo network in one click
    page.get_by_test_id("nav-accounts").click()
    page.get_by_test_id("accounts-empty").get_by_role("button", name="Connect Demo network").click()
    expect(page.locator("[data-testid=account-row][data-platform=demo]")).to_have_count(1)
    page.get_by_test_id("nav-dashboard").click()
    empty = page.get_by_test_id("upcoming-empty")
    expect(empty.get_by_role("button", name="Connect an account")).to_have_count(0)
    empty.get_by_role("button", name="Create post").click()
    expect(page).to_have_url(re.compile(r"/compose$"))
    page.get_by_test_id("nav-queue").click()
    page.get_by_test_id("queue-empty").get_by_role("button", name="Set up posting slots").click()
    expect(page).to_have_url(re.compile(r"/settings$"))

    # upcoming rows are links to their post
    post_id = _schedule(app_env, new_user["email"], "Upcoming row link", _today() + timedelta(days=3))
    page.get_by_test_id("nav-dashboard").click()
    row = page.get_by_role("link", name=re.compile("Upcoming row link"))
    expect(row).to_have_attribute("href", f"/compose?post={post_id}")
    row.click()
    expect(page).to_have_url(re.compile(rf"/compose\?post={post_id}$"))
