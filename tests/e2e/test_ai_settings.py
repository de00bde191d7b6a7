"""Settings → AI pages: providers (bad URL, order, enable, delete), budget stop, templates, personas."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.ai_steps import add_provider, create_persona, fill_provider_form, open_ai_page, open_assistant, wait_done
from tests.e2e.helpers import connect_demo


def provider_names(page: Page) -> list[str]:
    return page.get_by_test_id("ai-provider-row-name").all_inner_texts()


def test_providers_refuse_a_bad_url_and_can_be_reordered_disabled_and_deleted(
    page: Page, app_url: str, new_user: dict, app_env: dict
) -> None:
    fake = app_env["fakes"]["openai"]
    fill_provider_form(page, name="Broken", base_url="not a url", model="m", key="sk-never-shown-5555")
    expect(page.get_by_test_id("ai-provider-error")).to_contain_text("is not a URL")
    expect(page.get_by_test_id("ai-provider-row")).to_have_count(0)
    assert "sk-never-shown-5555" not in page.content()

    page.get_by_test_id("ai-provider-input-base-url").fill(fake.base_url)
    page.get_by_test_id("ai-provider-add").click()
    expect(page.get_by_test_id("ai-provider-row")).to_have_count(1)
    expect(page.get_by_test_id("ai-provider-error")).to_have_count(0)
    expect(page.get_by_test_id("ai-provider-input-api-key")).to_have_value("")  # the form was cleared
    add_provider(page, name="Second", base_url=fake.base_url, model="m2")
    assert provider_names(page) == ["Broken", "Second"]
    expect(page.locator("[data-name=Second] [data-testid=ai-provider-key-hint]")).to_contain_text("no key")

    page.locator("[data-testid=ai-provider-row][data-name=Second]").get_by_test_id("ai-provider-up").click()
    expect(page.get_by_test_id("ai-provider-row-name").first).to_have_text("Second")
    page.reload()
    expect(page.get_by_test_id("ai-provider-row-name").first).to_have_text("Second", timeout=30000)

    switch = page.locator("[data-testid=ai-provider-row][data-name=Broken]").get_by_test_id("ai-provider-enabled")
    expect(switch).to_have_attribute("data-state", "checked")
    switch.click()
    expect(switch).to_have_attribute("data-state", "unchecked")
    page.reload()
    expect(page.locator("[data-name=Broken] [data-testid=ai-provider-enabled]")).to_have_attribute(
        "data-state", "unchecked"
    )

    page.locator("[data-testid=ai-provider-row][data-name=Second]").get_by_test_id("ai-provider-delete").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Delete provider Second?")
    dialog.get_by_role("button", name="Cancel").click()
    expect(page.get_by_test_id("ai-provider-row")).to_have_count(2)
    page.locator("[data-testid=ai-provider-row][data-name=Second]").get_by_test_id("ai-provider-delete").click()
    page.get_by_test_id("ai-provider-delete-confirm").click()
    expect(page.get_by_test_id("ai-provider-row")).to_have_count(1)
    assert provider_names(page) == ["Broken"]


def test_a_spent_budget_stops_provider_calls(page: Page, app_url: str, new_user: dict, app_env: dict) -> None:
    fake = app_env["fakes"]["openai"]
    connect_demo(page)
    add_provider(page, name="Budgeted", base_url=fake.base_url, model="m", key="sk-budget-1111")
    page.get_by_test_id("ai-budget-input").fill("abc")
    page.get_by_test_id("ai-budget-save").click()
    expect(page.get_by_test_id("ai-budget-error")).to_contain_text("US dollars")
    page.get_by_test_id("ai-budget-input").fill("0")
    page.get_by_test_id("ai-budget-save").click()
    expect(page.get_by_test_id("ai-budget-status")).to_contain_text("Monthly budget $0.00")
    before = len(fake.chat_requests())
    open_assistant(page)
    page.get_by_test_id("ai-brief").fill("Budget day")
    page.get_by_test_id("ai-caption").click()
    wait_done(page)
    expect(page.get_by_test_id("ai-notice")).to_contain_text("monthly AI budget")
    expect(page.get_by_test_id("ai-offline-label")).to_be_visible()
    assert len(fake.chat_requests()) == before, "no provider was called"


def test_template_with_unknown_variable_is_refused_then_saved_and_reset(
    page: Page, app_url: str, new_user: dict
) -> None:
    open_ai_page(page, "templates")
    expect(page.get_by_test_id("ai-template-source")).to_have_text("built-in")
    expect(page.get_by_test_id("ai-template-user")).to_have_value(re.compile(r"\{brief\}"))
    default_user = page.get_by_test_id("ai-template-user").input_value()
    expect(page.locator("[data-testid=ai-template-preview][data-role=user]")).to_contain_text(
        "Launching our autumn menu on Friday"
    )

    user_box = page.get_by_test_id("ai-template-user")
    user_box.fill("Write about {brief} for {nope}")
    expect(page.get_by_test_id("ai-template-preview-error")).to_contain_text("{nope}")
    page.get_by_test_id("ai-template-save").click()
    expect(page.get_by_test_id("ai-template-error")).to_contain_text("Unknown variable {nope}")
    expect(page.get_by_test_id("ai-template-source")).to_have_text("built-in")

    user_box.fill("Post for {platform} about: {brief}")
    expect(page.locator("[data-testid=ai-template-preview][data-role=user]")).to_contain_text(
        "Post for X about: Launching our autumn menu on Friday"
    )
    page.get_by_test_id("ai-template-save").click()
    expect(page.get_by_test_id("ai-template-source")).to_have_text("workspace")
    expect(page.get_by_test_id("ai-template-error")).to_have_count(0)
    page.reload()
    expect(page.get_by_test_id("ai-template-user")).to_have_value("Post for {platform} about: {brief}")

    page.get_by_test_id("ai-template-reset").click()  # asks first
    page.get_by_test_id("ai-template-reset-dialog-confirm").click()
    expect(page.get_by_test_id("ai-template-source")).to_have_text("built-in")
    expect(page.get_by_test_id("ai-template-user")).to_have_value(default_user)
    page.get_by_test_id("ai-template-reset").click()
    page.get_by_test_id("ai-template-reset-dialog-confirm").click()
    # an outcome, so a toast (no red box repeating it)
    expect(page.locator("[data-sonner-toast]").filter(has_text="no saved template")).to_be_visible()
    expect(page.get_by_test_id("ai-template-error")).to_have_count(0)


def test_personas_can_be_created_edited_and_deleted(page: Page, app_url: str, new_user: dict) -> None:
    connect_demo(page)
    open_ai_page(page, "personas")
    expect(page.get_by_test_id("ai-personas-empty")).to_be_visible()
    page.get_by_test_id("ai-persona-new").click()
    page.get_by_test_id("ai-persona-save").click()
    expect(page.get_by_test_id("ai-persona-error")).to_contain_text("name")

    page.get_by_test_id("ai-persona-cancel").click()
    create_persona(page, name="Brand voice", audience="small business owners", assign="demo")
    row = page.locator("[data-testid=ai-persona-row][data-name='Brand voice']")
    expect(row.get_by_test_id("ai-persona-accounts")).to_contain_text("Demo")

    row.get_by_test_id("ai-persona-edit").click()
    expect(page.get_by_test_id("ai-persona-audience-input")).to_have_value("small business owners")
    page.get_by_test_id("ai-persona-tone-input").fill("plain and upbeat")
    page.get_by_test_id("ai-persona-account-demo").click()  # unassign
    page.get_by_test_id("ai-persona-save").click()
    expect(row).to_contain_text("plain and upbeat")
    expect(row.get_by_test_id("ai-persona-accounts")).to_have_text("Accounts: no accounts")

    row.get_by_test_id("ai-persona-delete").click()
    expect(page.get_by_test_id("ai-persona-delete-dialog")).to_contain_text("Brand voice")
    page.get_by_role("button", name="Delete persona", exact=True).click()
    expect(page.get_by_test_id("ai-persona-row")).to_have_count(0)
    expect(page.get_by_test_id("ai-personas-empty")).to_be_visible()
