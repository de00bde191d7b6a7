"""AI round two in the browser: inserts never pass the limit, alt text suggestions, Suggest a time."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
from PIL import Image
from playwright.sync_api import Page, expect
from sqlmodel import select

from tests.e2e.ai_steps import fill_provider_form, open_assistant, wait_done
from tests.e2e.helpers import connect_demo, select_chip, type_text
from tests.fakes.openai_server import ROUTE

DEMO_LIMIT = 500
ALT = "A steaming bowl of pumpkin soup on a rustic wooden table."


def _counter(page: Page) -> tuple[int, int]:
    text = page.get_by_test_id("counter-demo").inner_text()
    count, limit = re.match(r"(\d+)/(\d+)", text).groups()
    return int(count), int(limit)


def test_hashtags_next_to_the_limit_keep_the_counter_within(page: Page, app_url: str, new_user: dict,
                                                             app_env: dict) -> None:  # fmt: skip
    connect_demo(page)
    open_assistant(page)
    body = ("Our autumn menu is here with pumpkin soup, apple pie and warm cider for everyone. " * 7)[:470]
    type_text(page, body)
    # offline hashtags first (no provider yet)
    page.get_by_test_id("ai-hashtags").click()
    wait_done(page)
    page.get_by_test_id("ai-insert").click()
    # the tags are kept (the body is trimmed instead)
    expect(page.get_by_test_id("compose-text")).to_have_value(re.compile(r"…\s+(#\w+ ?)+$"), timeout=15000)
    expect(page.get_by_test_id("counter-demo")).to_have_attribute("data-over", "false")
    count, limit = _counter(page)
    assert limit == DEMO_LIMIT and count <= limit
    # then a provider answering 736 characters of hashtags
    fake = app_env["fakes"]["openai"]
    fill_provider_form(page, name="Taggy", base_url=fake.base_url, model="tags-1")
    expect(page.locator("[data-testid=ai-provider-row][data-name='Taggy']")).to_have_count(1)
    fake.behaviors[ROUTE] = [{"text": " ".join(f"#autumnflavour{i:02d}" for i in range(46))}]
    page.get_by_test_id("nav-compose").click()
    select_chip(page, "demo")
    expect(page.get_by_test_id("ai-toggle")).to_be_visible()
    if not page.get_by_test_id("ai-panel").is_visible():  # the panel stays open across pages
        page.get_by_test_id("ai-toggle").click()
    type_text(page, body)
    page.get_by_test_id("ai-hashtags").click()
    wait_done(page)
    expect(page.get_by_test_id("ai-answered-by")).to_contain_text("Taggy")
    expect(page.get_by_test_id("ai-suggestion")).to_contain_text("Shortened")
    page.get_by_test_id("ai-insert").click()
    expect(page.get_by_test_id("compose-text")).to_have_value(re.compile(r"#autumnflavour\d\d$"), timeout=15000)
    expect(page.get_by_test_id("counter-demo")).to_have_attribute("data-over", "false")
    count, _ = _counter(page)
    assert count <= DEMO_LIMIT


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (320, 240), (220, 120, 30)).save(buf, "PNG")
    return buf.getvalue()


def test_suggest_alt_text_for_an_uploaded_image(page: Page, app_url: str, new_user: dict, app_env: dict) -> None:
    fake = app_env["fakes"]["openai"]
    connect_demo(page)
    open_assistant(page)
    page.get_by_test_id("media-upload").locator("input[type=file]").set_input_files(
        files=[{"name": "soup.png", "mimeType": "image/png", "buffer": _png()}]
    )
    expect(page.get_by_test_id("media-thumb")).to_have_count(1)
    page.get_by_test_id("media-suggest-alt").click()
    expect(page.get_by_test_id("media-alt-notice")).to_contain_text("No provider that can see images is set up")
    # a vision provider
    fill_provider_form(page, name="Eyes", base_url=fake.base_url, model="vision-1")
    row = page.locator("[data-testid=ai-provider-row][data-name='Eyes']")
    row.get_by_role("switch", name="Can see images").click()
    expect(row.get_by_test_id("ai-provider-can-see-images")).to_have_attribute("data-state", "checked")
    before = len(fake.vision_requests())
    page.get_by_test_id("nav-compose").click()
    expect(page.get_by_test_id("media-thumb")).to_have_count(1)  # the first upload was autosaved: it comes back
    page.get_by_test_id("new-post").click()
    expect(page.get_by_test_id("media-thumb")).to_have_count(0)
    select_chip(page, "demo")
    page.get_by_test_id("media-upload").locator("input[type=file]").set_input_files(
        files=[{"name": "soup.png", "mimeType": "image/png", "buffer": _png()}]
    )
    fake.behaviors[ROUTE] = [{"text": ALT}]
    page.get_by_test_id("media-suggest-alt").click()
    alt = page.get_by_label("Alt text")
    expect(alt).to_have_value(ALT, timeout=30000)
    expect(page.get_by_test_id("media-alt-answered-by")).to_contain_text("Eyes")
    assert len(fake.vision_requests()) == before + 1
    page.get_by_test_id("media-alt-show-prompt").click()
    expect(page.get_by_test_id("media-alt-prompt-message").nth(1)).to_contain_text("[image attached: soup.png")
    page.get_by_test_id("media-save-alt").click()
    expect(page.get_by_test_id("media-save-alt")).to_be_disabled()


@pytest.fixture
def services_db(app_env: dict, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    from services.config import reset_settings

    monkeypatch.setenv("DATABASE_URL", app_env["db_url"])
    monkeypatch.setenv("SOCIALHUB_DATA_DIR", str(app_env["data_dir"]))
    monkeypatch.setenv("SOCIALHUB_SECRET_KEY", app_env["env"]["SOCIALHUB_SECRET_KEY"])
    reset_settings()
    yield
    reset_settings()


def _seed_for(email: str) -> None:
    from services.db import session_scope
    from services.models import Membership, SocialAccount, User
    from tests.integration.ai_history import seed_history, tuesday_heavy_plan

    with session_scope() as s:
        user = s.exec(select(User).where(User.email == email)).one()
        org_id = s.exec(select(Membership.organization_id).where(Membership.user_id == user.id)).one()
        account_id = s.exec(
            select(SocialAccount.id).where(SocialAccount.organization_id == org_id, SocialAccount.platform == "demo")
        ).one()
    seed_history(org_id, account_id, "demo", datetime.now(UTC), tuesday_heavy_plan(weeks=4))


def test_suggest_a_time_from_seeded_history(page: Page, app_url: str, new_user: dict, services_db: None) -> None:
    connect_demo(page)
    open_assistant(page)
    page.get_by_test_id("ai-suggest-time").click()
    expect(page.get_by_test_id("ai-time-message")).to_contain_text("Not enough engagement history yet")
    _seed_for(new_user["email"])
    page.get_by_test_id("ai-suggest-time").click()
    slots = page.get_by_test_id("ai-time-slot")
    expect(slots).to_have_count(3, timeout=30000)
    expect(page.get_by_test_id("ai-time-slot-reason").first).to_contain_text("× your median engagement over 90 days")
    tuesday = page.get_by_test_id("ai-time-slot-reason").filter(has_text="Tuesdays")
    expect(tuesday).to_have_count(1)
    expect(tuesday).to_contain_text("got 1.9× your median engagement over 90 days")
    first = slots.first.get_by_test_id("ai-time-slot-use")
    label = first.inner_text()
    first.click()
    expect(page.get_by_test_id("schedule-date")).not_to_have_value("", timeout=15000)
    date_value = page.get_by_test_id("schedule-date").input_value()
    assert date_value and datetime.strptime(date_value, "%Y-%m-%d").strftime("%d %b") in label
