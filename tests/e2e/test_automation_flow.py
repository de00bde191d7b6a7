"""Automation in the browser: a webhook endpoint receives a Demo publish; a CSV import previews then imports."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import compose_action, connect_demo, open_composer, select_chip, type_text
from tests.fakes.webhook_receiver import WebhookReceiver


@pytest.fixture(scope="module")
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as server:  # on 127.0.0.1, which the e2e app's operator allow-list admits
        yield server


def test_webhook_endpoint_gets_a_signed_delivery_after_publishing(
    page: Page, app_url: str, new_user: dict, receiver: WebhookReceiver
) -> None:
    connect_demo(page)
    page.get_by_test_id("nav-automation").click()
    page.get_by_label("Endpoint URL").fill(receiver.hook_url("e2e"))
    expect(page.get_by_role("checkbox", name="post.published")).to_be_checked()
    page.get_by_test_id("webhook-add").click()
    secret = page.get_by_test_id("webhook-secret").inner_text()
    assert secret.startswith("whsec_")
    expect(page.get_by_test_id("webhook-status")).to_have_text("enabled")
    page.get_by_test_id("webhook-secret-dismiss").click()
    expect(page.get_by_test_id("webhook-secret")).to_have_count(0)  # shown once

    open_composer(page)
    select_chip(page, "demo")
    type_text(page, "Hello webhooks from the e2e test")
    compose_action(page, "publish-now")
    expect(page.get_by_test_id("result-status-demo")).to_have_text("published", timeout=30000)

    page.get_by_test_id("nav-automation").click()
    page.get_by_test_id("webhook-show-log").click()
    delivered = page.locator("[data-testid=delivery-row][data-status=delivered]")
    deadline = time.time() + 30
    while delivered.count() == 0 and time.time() < deadline:
        page.get_by_test_id("delivery-refresh").click()
        page.wait_for_timeout(500)
    expect(delivered).to_have_count(1)
    expect(delivered.get_by_test_id("delivery-code")).to_have_text("200")
    [payload] = receiver.verified(secret, "e2e")
    assert payload["type"] == "post.published"
    assert payload["data"]["text"] == "Hello webhooks from the e2e test"

    delivered.get_by_test_id("delivery-resend").click()
    deadline = time.time() + 30
    while len(receiver.deliveries("e2e")) < 2 and time.time() < deadline:
        time.sleep(0.3)
    first, second = receiver.deliveries("e2e")
    assert first.headers["webhook-id"] == second.headers["webhook-id"]  # a resend keeps the message id


def _choose_csv(page: Page, name: str, content: str) -> None:
    page.locator("[data-testid=import-upload] input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content.encode()}]
    )


def test_csv_import_preview_lists_problems_then_imports(page: Page, app_url: str, new_user: dict) -> None:
    connect_demo(page)
    page.get_by_test_id("nav-automation").click()
    page.get_by_test_id("automation-subnav-import").click()

    _choose_csv(page, "bad.csv", "text,accounts,scheduled_at,timezone\nGood,demo,2031-05-04 09:30,Europe/Berlin\n"
                                 "Late,demo,2001-01-01 10:00,UTC\nLost,nobody,,\n")  # fmt: skip
    expect(page.get_by_test_id("import-summary")).to_contain_text("2 of 3 rows have problems")
    expect(page.locator("[data-testid=import-row][data-ok='']")).to_have_count(2)
    expect(page.locator("[data-testid=import-row][data-line='3']").get_by_test_id("import-problems")).to_contain_text(
        "in the past"
    )
    expect(page.get_by_test_id("import-submit")).to_be_disabled()

    _choose_csv(page, "good.csv", "text,accounts,scheduled_at,timezone\nFirst import,demo,2031-05-04 09:30,"
                                  "Europe/Berlin\nSecond import (draft),demo,,\n")  # fmt: skip
    expect(page.get_by_test_id("import-summary")).to_contain_text("2 rows are ready: 1 scheduled, 1 drafts")
    expect(page.locator("[data-testid=import-row][data-ok=yes]")).to_have_count(2)
    page.get_by_test_id("import-submit").click()
    expect(page.get_by_test_id("import-notice")).to_contain_text("Imported 2 posts")

    page.get_by_test_id("nav-posts").click()
    expect(page.get_by_text("First import")).to_be_visible()
    expect(page.get_by_text("Second import (draft)")).to_be_visible()
