"""Issue 20, the composer: each test clicks through one item and would fail on the old composer.

1 published post opens read-only (+ Duplicate) · 2 Delete asks first and names the post by its
text · 3 autosave + restore after visiting Calendar (text and image) · 4 empty state with its
action, the only account preselected · 6 one primary action + menu, disabled with the reason ·
8 over-limit copy · 14 per-network previews · `/compose?at=&account=` prefill.
"""

from __future__ import annotations

import io
import re
import uuid
from datetime import datetime, timedelta

from PIL import Image
from playwright.sync_api import Page, expect

from tests.e2e.calendar_helpers import app_database, workspace_of
from tests.e2e.helpers import compose_action, connect_demo, open_composer, select_chip, type_text
from tests.e2e.team_steps import toast


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 80, 40)).save(buf, "PNG")
    return buf.getvalue()


def _add_accounts(app_env: dict, email: str, platforms: list[str]) -> dict[str, int]:
    """Connected accounts straight into the app's database (no OAuth dance needed to preview)."""
    from services.db import session_scope
    from services.models import SocialAccount

    with app_database(app_env):
        org_id, _user = workspace_of(email)
        with session_scope() as s:
            rows = [
                SocialAccount(organization_id=org_id, platform=p, external_id=f"{p}-{uuid.uuid4().hex[:6]}",
                              display_name=f"{p.title()} Shop", username=f"{p}shop")
                for p in platforms
            ]  # fmt: skip
            s.add_all(rows)
            s.flush()
            return {r.platform: int(r.id) for r in rows}


def _post_id(page: Page) -> str:
    match = re.search(r"post=(\d+)", page.url)
    assert match, page.url
    return match.group(1)


def test_item1_published_post_opens_read_only_with_links_and_duplicate(page: Page, app_url: str, new_user: dict) -> None:
    connect_demo(page)
    open_composer(page)
    select_chip(page, "demo")
    type_text(page, "Read-only after publishing, as it went out")
    compose_action(page, "publish-now")
    expect(page.get_by_test_id("published-view")).to_be_visible(timeout=30000)
    expect(page.get_by_test_id("result-status-demo")).to_have_text("published")

    # opened later (from the posts list, the calendar, a link): read-only, only what the state allows
    page.get_by_test_id("nav-posts").click()
    page.get_by_text("Read-only after publishing").first.click()
    expect(page.get_by_test_id("published-view")).to_be_visible()
    expect(page.get_by_test_id("published-text-demo")).to_have_text("Read-only after publishing, as it went out")
    link = page.get_by_role("link", name=re.compile(r"^View on Demo"))
    expect(link).to_have_attribute("href", re.compile(r"/demo/post/\d+"))
    expect(page.get_by_test_id("post-analytics")).to_be_visible()
    for gone in ("compose-text", "schedule-date", "schedule-button", "add-to-queue", "cancel-schedule", "delete-post"):
        expect(page.get_by_test_id(gone)).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("schedule|publish now|delete", re.I))).to_have_count(0)
    original = _post_id(page)

    page.get_by_role("button", name="Duplicate", exact=True).click()
    expect(page).to_have_url(re.compile(r"post=\d+"))
    expect(page.get_by_test_id("compose-text")).to_have_value("Read-only after publishing, as it went out")
    assert _post_id(page) != original
    expect(toast(page, "as a new draft")).to_be_visible()
    expect(page.get_by_test_id("chip-demo-" + page.locator("[data-testid^=chip-demo-]").first.get_attribute(
        "data-testid").split("-")[-1])).to_have_attribute("data-selected", "true")


def test_item2_delete_asks_first_and_speaks_of_the_post_by_its_text(page: Page, app_url: str, new_user: dict) -> None:
    connect_demo(page)
    open_composer(page)
    select_chip(page, "demo")
    type_text(page, "Spring sale starts Friday at nine sharp for everyone")
    page.get_by_test_id("schedule-date").fill((datetime.now() + timedelta(days=3)).strftime("%Y-%m-%d"))
    page.get_by_test_id("schedule-time").fill("10:15")
    page.get_by_role("button", name="Schedule", exact=True).click()
    expect(page.get_by_test_id("result-status-demo")).to_have_text("scheduled")

    page.get_by_role("button", name="Delete", exact=True).click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("\u201cSpring sale starts Friday at nine…\u201d")
    expect(page.get_by_test_id("delete-dialog-description")).to_contain_text("Demo")
    expect(page.get_by_test_id("delete-dialog-description")).to_contain_text("10:15")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    expect(page.get_by_test_id("result-status-demo")).to_have_text("scheduled")  # nothing happened

    page.get_by_role("button", name="Delete", exact=True).click()
    page.get_by_role("button", name="Delete post", exact=True).click()
    expect(toast(page, "Deleted \u201cSpring sale starts Friday")).to_be_visible()
    expect(page.locator("[data-sonner-toast]").filter(has_text=re.compile(r"Post #\d"))).to_have_count(0)
    expect(page.get_by_test_id("compose-text")).to_have_value("")


def test_item3_autosave_survives_a_visit_to_the_calendar(page: Page, app_url: str, new_user: dict) -> None:
    connect_demo(page)
    open_composer(page)
    type_text(page, "Half-written idea I must not lose")
    page.get_by_test_id("media-upload").locator("input[type=file]").set_input_files(
        files=[{"name": "idea.png", "mimeType": "image/png", "buffer": _png()}]
    )
    expect(page.get_by_test_id("media-tile")).to_have_count(1, timeout=20000)
    expect(page.get_by_test_id("autosave-status")).to_have_text(re.compile(r"^Saved \d{1,2}:\d{2}( [AP]M)?$"))

    page.get_by_test_id("nav-calendar").click()
    expect(page).to_have_url(re.compile("/calendar"))
    page.get_by_test_id("nav-compose").click()
    expect(page.get_by_test_id("compose-text")).to_have_value("Half-written idea I must not lose")
    expect(page.get_by_test_id("media-tile")).to_have_count(1)
    # the autosaved draft is a real draft: it is listed with the others
    page.get_by_test_id("nav-posts").click()
    expect(page.get_by_text("Half-written idea I must not lose").first).to_be_visible()


def test_item4_empty_composer_offers_connecting_and_preselects_the_only_account(
    page: Page, app_url: str, new_user: dict
) -> None:
    page.get_by_test_id("nav-compose").click()
    expect(page.get_by_test_id("compose-empty")).to_be_visible()
    page.get_by_role("button", name="Connect an account", exact=True).click()
    expect(page).to_have_url(re.compile("/accounts"))
    page.get_by_test_id("connect-demo").click()
    expect(page.locator("[data-testid=account-row][data-platform=demo]")).to_have_count(1)
    open_composer(page)
    expect(page.get_by_test_id("compose-text")).to_be_editable()
    expect(page.locator("[data-testid^=chip-demo-]")).to_have_attribute("data-selected", "true")
    expect(page.get_by_test_id("preview-demo")).to_be_visible()


def test_item6_one_primary_action_and_a_menu_disabled_with_the_reason(page: Page, app_url: str, new_user: dict) -> None:
    connect_demo(page)
    open_composer(page)
    select_chip(page, "demo")
    primary = page.get_by_role("button", name="Add to queue", exact=True)
    expect(primary).to_be_disabled()
    expect(page.get_by_test_id("add-to-queue-reason")).to_have_text("Write something or attach media first.")
    type_text(page, "x" * 600)
    expect(page.get_by_test_id("add-to-queue-reason")).to_contain_text("100 characters too long")
    expect(primary).to_have_attribute("aria-describedby", "add-to-queue-reason")
    page.get_by_role("button", name="Other ways to post").click()
    expect(page.get_by_role("menuitem", name="Publish now")).to_have_attribute("data-disabled", "")
    expect(page.get_by_role("menuitem", name="Save draft")).not_to_have_attribute("data-disabled", "")
    page.keyboard.press("Escape")

    type_text(page, "Fits now")
    expect(primary).to_be_enabled()
    page.get_by_test_id("schedule-date").fill((datetime.now() + timedelta(days=2)).strftime("%Y-%m-%d"))
    page.get_by_test_id("schedule-time").fill("09:00")
    schedule = page.get_by_role("button", name="Schedule", exact=True)
    expect(schedule).to_be_enabled()
    schedule.click()
    expect(page.get_by_test_id("result-status-demo")).to_have_text("scheduled")
    # exact names that don't overlap: one button says "schedule", the way back says "Move to drafts"
    expect(page.get_by_role("button", name=re.compile("schedule", re.I))).to_have_count(1)
    page.get_by_role("button", name="Move to drafts", exact=True).click()
    expect(page.get_by_test_id("result-status-demo")).to_have_text("draft")


def test_item8_over_limit_copy_says_how_much_and_what_to_do(page: Page, app_url: str, new_user: dict) -> None:
    connect_demo(page)
    open_composer(page)
    select_chip(page, "demo")
    type_text(page, "y" * 8800)
    expect(page.get_by_test_id("problem-demo")).to_have_text(
        "Demo network: 8,300 characters too long — shorten it or write a custom text for this account"
    )
    expect(page.get_by_test_id("problem-demo")).not_to_contain_text("8800/500")


def test_item14_each_network_previews_like_its_feed(page: Page, app_url: str, new_user: dict, app_env: dict) -> None:
    _add_accounts(app_env, new_user["email"], ["x", "linkedin", "instagram", "bluesky", "mastodon"])
    open_composer(page)
    for platform in ("x", "linkedin", "instagram", "bluesky", "mastodon"):
        select_chip(page, platform)
    text = ("CW: behind the scenes\nOur new bakery opens on Friday with sourdough, rye and a cinnamon roll "
            "you will dream about. Details and opening hours: https://www.example.com/bakery")  # fmt: skip
    type_text(page, text)

    insta = page.get_by_test_id("preview-instagram")
    expect(insta.get_by_test_id("preview-square")).to_be_visible()
    expect(insta.get_by_test_id("preview-more-instagram")).to_have_text(" …more")
    expect(insta.get_by_test_id("preview-text")).not_to_contain_text("opening hours")  # folded at 125
    expect(page.get_by_test_id("preview-bluesky").get_by_test_id("preview-link-card-bluesky")).to_contain_text(
        "example.com"
    )
    expect(page.get_by_test_id("preview-x").get_by_test_id("preview-link-card-x")).to_be_visible()
    expect(page.get_by_test_id("preview-linkedin")).to_have_attribute("data-style", "linkedin")
    masto = page.get_by_test_id("preview-mastodon")
    expect(masto.get_by_test_id("preview-cw-mastodon")).to_have_text("behind the scenes")
    body = masto.get_by_test_id("preview-text")
    expect(body).to_be_hidden()  # collapsed behind the warning, as on Mastodon
    masto.get_by_text("Show more").click()
    expect(body).to_be_visible()
    expect(body).not_to_contain_text("CW:")


def test_compose_link_prefills_time_and_account_rechecked(page: Page, app_url: str, new_user: dict, app_env: dict) -> None:
    ids = _add_accounts(app_env, new_user["email"], ["mastodon", "bluesky"])
    page.goto(f"{app_url}/compose?at=2031-03-04T09:30&account={ids['bluesky']}")
    expect(page.get_by_test_id("compose-text")).to_be_editable()
    expect(page.get_by_test_id("schedule-date")).to_have_value("2031-03-04")
    expect(page.get_by_test_id("schedule-time")).to_have_value("09:30")
    expect(page.get_by_test_id(f"chip-bluesky-{ids['bluesky']}")).to_have_attribute("data-selected", "true")
    expect(page.get_by_test_id(f"chip-mastodon-{ids['mastodon']}")).to_have_attribute("data-selected", "false")
    # an id that is not this workspace's account selects nothing
    page.goto(f"{app_url}/compose?at=2031-03-04T09:30&account=987654")
    expect(page.get_by_test_id("compose-text")).to_be_editable()
    expect(page.locator("[data-selected=true][data-testid^=chip-]")).to_have_count(0)
