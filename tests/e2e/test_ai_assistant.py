"""The composer's AI panel against a fake OpenAI-compatible provider, and the offline assistant."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.ai_steps import add_provider, create_persona, open_ai_page, open_assistant, wait_done
from tests.e2e.helpers import connect_demo, connect_x, type_text
from tests.fakes.openai_server import FakeOpenAIServer

AUDIENCE = "night-shift nurses in Leeds"
BRIEF = "Open all night for the hospital crowd"


def test_caption_streams_inserts_shows_prompt_and_records_usage(
    page: Page, app_url: str, new_user: dict, app_env: dict
) -> None:
    fake = app_env["fakes"]["openai"]
    connect_demo(page)
    create_persona(page, name="Night Owl Cafe", audience=AUDIENCE, tone="warm", assign="demo")
    add_provider(page, name="Fake AI", base_url=fake.base_url, model="fake-model-1", key="sk-e2e-secret-4321",
                 price_in="0.5", price_out="1.5")  # fmt: skip
    row = page.locator("[data-testid=ai-provider-row][data-name='Fake AI']")
    expect(row.get_by_test_id("ai-provider-key-hint")).to_contain_text("…4321")
    assert "sk-e2e-secret-4321" not in page.content(), "the key is never echoed back"

    before = len(fake.chat_requests())
    open_assistant(page)
    page.get_by_test_id("ai-brief").fill(BRIEF)
    page.get_by_test_id("ai-caption").click()
    wait_done(page)
    suggestion = page.get_by_test_id("ai-suggestion-text")
    expect(suggestion).to_have_value(fake.reply_text)
    expect(page.get_by_test_id("ai-answered-by")).to_have_text("Answered by Fake AI · fake-model-1")
    expect(page.get_by_test_id("ai-offline-label")).to_have_count(0)

    sent = fake.chat_requests()[before:]
    assert len(sent) == 1
    assert sent[0]["model"] == "fake-model-1" and sent[0]["stream"] is True
    assert [m["role"] for m in sent[0]["messages"]] == ["system", "user"]
    assert AUDIENCE in sent[0]["messages"][0]["content"]
    assert BRIEF in sent[0]["messages"][1]["content"]

    page.get_by_test_id("ai-show-prompt").click()
    view = page.get_by_test_id("ai-prompt-view")
    expect(view.locator("[data-role=system]")).to_contain_text(AUDIENCE)
    expect(view.locator("[data-role=user]")).to_contain_text(BRIEF)
    expect(view.get_by_test_id("ai-prompt-provider")).to_have_text("Answered by: Fake AI · fake-model-1")
    shown_user = view.locator("[data-role=user]").inner_text()
    assert sent[0]["messages"][1]["content"].splitlines()[-1] in shown_user, "the view shows what was sent"

    page.get_by_test_id("ai-insert").click()
    expect(page.get_by_test_id("compose-text")).to_have_value(fake.reply_text)
    expect(page.get_by_test_id("counter-demo")).to_have_text(re.compile(rf"^{len(fake.reply_text)}/"))
    expect(page.get_by_test_id("publish-results")).to_have_count(0)  # nothing saved without a click

    open_ai_page(page, "usage")
    # one month of usage is one bar: the chart says when its second point comes instead of drawing it
    expect(page.get_by_test_id("ai-usage-chart").get_by_test_id("chart-not-enough")).to_contain_text(
        re.compile(r"Not enough data yet — comes after \d+ more days?")
    )
    expect(page.locator("[data-testid=ai-usage-provider-chart] .js-plotly-plot")).to_be_visible(timeout=30000)
    user_row = page.get_by_test_id("ai-usage-user-row")
    expect(user_row).to_have_count(1)
    expect(user_row.get_by_test_id("calls")).to_have_text("1")
    expect(user_row.get_by_test_id("cost")).not_to_have_text("$0.0000")


def test_without_a_provider_the_offline_assistant_answers_labelled(page: Page, app_url: str, new_user: dict) -> None:
    connect_demo(page)
    open_assistant(page)
    page.get_by_test_id("ai-brief").fill("Pumpkin soup and apple pie on the autumn menu from Friday")
    page.get_by_test_id("ai-caption").click()
    wait_done(page)
    expect(page.get_by_test_id("ai-offline-label")).to_have_text("offline suggestion")
    expect(page.get_by_test_id("ai-notice")).to_contain_text("No AI provider is set up")
    caption = page.get_by_test_id("ai-suggestion-text").input_value()
    assert "pumpkin" in caption.lower()
    page.get_by_test_id("ai-insert").click()
    expect(page.get_by_test_id("compose-text")).to_have_value(caption)

    page.get_by_test_id("ai-hashtags").click()
    wait_done(page)
    hashtags = page.get_by_test_id("ai-suggestion-text").input_value()
    assert re.search(r"#\w+", hashtags), hashtags
    page.get_by_test_id("ai-insert").click()
    # The caption ends in its own hashtag line: the new tags join it, none twice.
    with_tags = f"{caption} {hashtags}" if caption.splitlines()[-1].startswith("#") else f"{caption}\n\n{hashtags}"
    expect(page.get_by_test_id("compose-text")).to_have_value(with_tags)
    tags = re.findall(r"#\w+", with_tags.lower())
    assert len(tags) == len(set(tags))

    page.get_by_test_id("ai-tone-select").click()
    page.get_by_role("option", name="witty").click()
    page.get_by_test_id("ai-tone").click()
    wait_done(page)
    expect(page.get_by_test_id("ai-suggestion-text")).to_have_value(re.compile(r"\(Yes, really\.\)"))
    page.get_by_test_id("ai-discard").click()
    expect(page.get_by_test_id("ai-suggestion")).to_have_count(0)
    expect(page.get_by_test_id("compose-text")).to_have_value(with_tags)


def test_rewrite_for_each_platform_fills_each_accounts_custom_text(page: Page, app_url: str, new_user: dict) -> None:
    connect_demo(page)
    connect_x(page)
    open_assistant(page, "demo")
    page.locator("[data-testid^=chip-x-]").first.click()
    type_text(page, "Our autumn menu launches Friday with pumpkin soup, apple pie and cider. " * 5)
    page.get_by_test_id("ai-rewrite").click()
    wait_done(page, 2)
    x_card = page.locator("[data-testid=ai-suggestion][data-key^='x:']")
    x_text = x_card.get_by_test_id("ai-suggestion-text").input_value()
    assert 0 < len(x_text) <= 280
    x_card.get_by_test_id("ai-insert").click()
    expect(page.get_by_test_id("ai-suggestion")).to_have_count(1)  # the Demo one is still there
    page.get_by_test_id("tab-x").click()
    expect(page.get_by_test_id("compose-override-text")).to_have_value(x_text)
    expect(page.get_by_test_id("counter-x")).to_have_attribute("data-over", "false")


def test_bad_briefs_get_clear_messages(page: Page, app_url: str, new_user: dict) -> None:
    connect_demo(page)
    open_assistant(page)
    page.get_by_test_id("ai-caption").click()
    expect(page.get_by_test_id("ai-error")).to_contain_text("Write a short brief first")
    page.get_by_test_id("ai-hashtags").click()
    expect(page.get_by_test_id("ai-error")).to_contain_text("no post text")
    page.get_by_test_id("ai-brief").fill("x" * 4001)
    expect(page.get_by_test_id("ai-brief-count")).to_have_text("4001 / 4,000")
    page.get_by_test_id("ai-caption").click()
    expect(page.get_by_test_id("ai-error")).to_contain_text("4,001 characters")
    expect(page.get_by_test_id("ai-suggestion")).to_have_count(0)
    page.get_by_test_id("ai-brief").fill("A short brief about our café")
    page.get_by_test_id("ai-caption").click()
    wait_done(page)
    expect(page.get_by_test_id("ai-error")).to_have_count(0)


def test_rejected_key_is_reported_without_echoing_it(page: Page, app_url: str, new_user: dict) -> None:
    fake = FakeOpenAIServer().start()
    fake.valid_keys = {"sk-the-right-one-0000"}
    try:
        connect_demo(page)
        add_provider(page, name="Strict AI", base_url=fake.base_url, model="strict-1", key="sk-wrong-secret-7777",
                     personal=True)  # fmt: skip
        row = page.locator("[data-testid=ai-provider-row][data-name='Strict AI']")
        expect(row).to_contain_text("My own key")
        open_assistant(page)
        page.get_by_test_id("ai-brief").fill("Weekend opening hours")
        page.get_by_test_id("ai-caption").click()
        wait_done(page)
        expect(page.get_by_test_id("ai-skipped")).to_contain_text("Strict AI")
        expect(page.get_by_test_id("ai-skipped")).to_contain_text("rejected the key (…7777)")
        expect(page.get_by_test_id("ai-offline-label")).to_be_visible()
        page.get_by_test_id("ai-show-prompt").click()
        assert "sk-wrong-secret-7777" not in page.content()
        sent = fake.requests_to("POST", "/v1/chat/completions")
        assert len(sent) == 1 and sent[0].headers["authorization"] == "Bearer sk-wrong-secret-7777"
    finally:
        fake.stop()
