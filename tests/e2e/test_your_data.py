"""Settings → Your data in the browser: download my data and read the ZIP, export + import a workspace,
delete my account (then the address registers again)."""

from __future__ import annotations

import json
import uuid
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import register_through_ui
from tests.e2e.helpers import connect_demo, open_composer, select_chip, type_text


def _schedule_post(page: Page, text: str) -> None:
    open_composer(page)
    select_chip(page, "demo")
    type_text(page, text)
    page.get_by_test_id("schedule-date").fill((datetime.now() + timedelta(days=2)).strftime("%Y-%m-%d"))
    page.get_by_test_id("schedule-time").fill("09:30")
    page.get_by_test_id("schedule-button").click()
    expect(page.get_by_test_id("result-status-demo")).to_have_text("scheduled")


def _download(page: Page, prefix: str, to: Path) -> Path:
    link = page.get_by_test_id(f"{prefix}-download")
    expect(link).to_be_visible(timeout=90_000)  # built in the background; the page polls its progress
    with page.expect_download(timeout=60_000) as info:
        link.click()
    info.value.save_as(to)
    return to


def test_download_my_data_then_export_and_import_the_workspace(page: Page, app_url: str, new_user: dict,
                                                               tmp_path: Path) -> None:  # fmt: skip
    text = f"Exported post {uuid.uuid4().hex[:6]}"
    connect_demo(page)
    _schedule_post(page, text)
    page.goto(f"{app_url}/settings")
    section = page.get_by_test_id("your-data-section")
    expect(section).to_be_visible()

    page.get_by_test_id("my-data-request").click()
    mine = _download(page, "my-data", tmp_path / "mine.zip")
    with zipfile.ZipFile(mine) as zf:
        assert "README.md" in zf.namelist()
        manifest = json.loads(zf.read("manifest.json"))
        profile = json.loads(zf.read("profile.json"))
        posts = json.loads(zf.read("posts.json"))
    assert manifest["kind"] == "personal" and manifest["schema_version"] == 1
    assert profile["email"] == new_user["email"] and "password" not in json.dumps(profile)
    assert [p["body"] for p in posts] == [text] and posts[0]["targets"][0]["status"] == "scheduled"

    page.get_by_test_id("workspace-export-request").click()
    archive = _download(page, "workspace-export", tmp_path / "workspace.zip")
    with zipfile.ZipFile(archive) as zf:
        assert json.loads(zf.read("manifest.json"))["kind"] == "workspace"
        assert "token" not in zf.read("accounts.json").decode().replace("reconnect", "")

    page.locator("[data-testid=workspace-import-upload] input[type=file]").set_input_files(str(archive))
    report = page.get_by_test_id("workspace-import-report")
    expect(report).to_contain_text("Imported", timeout=60_000)
    expect(report).to_contain_text("1 posts")
    expect(page.get_by_test_id("workspace-import-reconnect")).to_contain_text("demo")

    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"not a zip")
    page.locator("[data-testid=workspace-import-upload] input[type=file]").set_input_files(str(broken))
    expect(report).to_contain_text("Nothing was imported", timeout=30_000)
    expect(page.get_by_test_id("workspace-import-problem")).to_contain_text("not a ZIP")


def test_delete_my_account_through_the_ui(page: Page, app_url: str, new_user: dict) -> None:
    page.goto(f"{app_url}/settings")
    expect(page.get_by_test_id("your-data-section")).to_be_visible()
    page.get_by_label("Your password").fill("wrong password here")
    page.get_by_label("Type DELETE to confirm").fill("DELETE")
    page.get_by_test_id("delete-account-submit").click()
    expect(page.get_by_test_id("delete-account-error")).to_contain_text("password is not right")

    page.get_by_label("Your password").fill(new_user["password"])
    page.get_by_label("Type DELETE to confirm").fill("DELETE")
    page.get_by_test_id("delete-account-submit").click()
    page.wait_for_url("**/login**", timeout=30_000)

    # the old password no longer signs in …
    page.get_by_test_id("email-input").fill(new_user["email"])
    page.get_by_test_id("password-input").fill(new_user["password"])
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("auth-error")).to_contain_text("Wrong email or password")
    # … and the address can register again, as a new and empty account
    page.context.clear_cookies()
    register_through_ui(page, app_url, {**new_user, "name": "Back again"})
    expect(page.get_by_test_id("workspace-name")).to_contain_text("Back again")
