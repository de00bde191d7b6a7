"""Automation page states: every mutating handler goes through the one permission table, scoped to the session's workspace."""

from __future__ import annotations

import asyncio

import pytest
import reflex as rx

from services import webhooks
from services.auth import CurrentUser
from services.imports import feeds
from services.permissions import allowed
from state import automation_alerts, automation_feeds, automation_import, automation_webhooks
from tests.integration.webhook_support import workspace


def _user(org_id: int, user_id: int, role: str) -> CurrentUser:
    return CurrentUser(user_id=user_id, email="acme@example.com", name="Acme", timezone="UTC",
                       organization_id=org_id, organization_name="Acme", role=role)  # fmt: skip


def _state(cls: type[rx.State], module, user: CurrentUser, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN001, ANN202
    async def current(_state, **_kw):  # noqa: ANN001, ANN202
        return user

    monkeypatch.setattr(module, "current_user", current)
    root = rx.State(_reflex_internal_init=True)
    return root.get_substate(cls.get_full_name().split(".")[1:])


def test_the_permission_table_has_the_automation_actions() -> None:
    assert [r for r in ("owner", "admin", "editor", "contributor", "viewer") if allowed(r, "webhooks.manage")] == [
        "owner", "admin"]  # fmt: skip
    assert [r for r in ("owner", "admin", "editor", "contributor", "viewer") if allowed(r, "posts.import")] == [
        "owner", "admin", "editor"]  # fmt: skip
    assert allowed("editor", "feeds.manage") and not allowed("contributor", "feeds.manage")
    assert all(allowed(r, "alerts.self") for r in ("owner", "admin", "editor", "contributor", "viewer"))


def test_webhooks_need_an_admin_and_stay_in_the_workspace(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    org_id, user_id, _acc = workspace("Acme")
    other_org, other_user, _ = workspace("Other")
    _secret, foreign = webhooks.create_endpoint(other_org, other_user, "https://example.com/other", ["post.failed"])
    W = automation_webhooks.WebhooksState  # noqa: N806

    editor = _state(W, automation_webhooks, _user(org_id, user_id, "editor"), monkeypatch)
    asyncio.run(W.load.fn(editor))
    assert editor.can_manage is False and editor.endpoints == []
    editor.url = "https://example.com/hook"
    asyncio.run(W.create.fn(editor))
    assert editor.error == "Editors can't manage webhooks." and webhooks.list_endpoints(org_id) == []

    admin = _state(W, automation_webhooks, _user(org_id, user_id, "admin"), monkeypatch)
    asyncio.run(W.load.fn(admin))
    admin.url = "https://example.com/hook"
    asyncio.run(W.create.fn(admin))
    assert admin.error == "" and admin.new_secret.startswith("whsec_")
    assert [e["url"] for e in admin.endpoints] == ["https://example.com/hook"]
    asyncio.run(W.delete.fn(admin, str(foreign.id)))  # another workspace's id from a crafted event
    assert "not found" in admin.error
    assert len(webhooks.list_endpoints(other_org)) == 1


def test_import_feeds_and_alerts_check_their_actions(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    org_id, user_id, account_id = workspace()
    I = automation_import.ImportExportState  # noqa: N806, E741
    contributor = _state(I, automation_import, _user(org_id, user_id, "contributor"), monkeypatch)
    contributor._csv = b"text,accounts\nHi,demo\n"
    asyncio.run(I.do_import.fn(contributor))
    assert contributor.error == "Contributors can't import posts."

    F = automation_feeds.FeedsState  # noqa: N806
    feeds_state = _state(F, automation_feeds, _user(org_id, user_id, "contributor"), monkeypatch)
    asyncio.run(F.load.fn(feeds_state))
    assert feeds_state.can_manage is False
    feeds_state.url, feeds_state.chosen_accounts = "https://example.com/feed.xml", [str(account_id)]
    asyncio.run(F.add.fn(feeds_state))
    assert feeds_state.error == "Contributors can't manage RSS feeds." and feeds.list_feeds(org_id) == []

    A = automation_alerts.AlertsState  # noqa: N806
    viewer = _state(A, automation_alerts, _user(org_id, user_id, "viewer"), monkeypatch)
    asyncio.run(A.toggle.fn(viewer, "post.failed", True))
    assert viewer.error == "" and {s["event"]: s["on"] for s in viewer.switches}["post.failed"] == "yes"
