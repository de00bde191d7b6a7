"""Bad input to the REST API: a precise 4xx problem document every time, and nothing saved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from services.db import session_scope
from services.models import ApiKey, MediaAsset, Post
from tests.integration.api_helpers import ApiWorld, png

PROBLEM = "application/problem+json"


def _count(model: type) -> int:
    with session_scope() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def _refused(r, status: int, slug: str) -> dict:  # noqa: ANN001
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == PROBLEM
    doc = r.json()
    assert doc["type"] == f"urn:socialhub:problem:{slug}" and doc["status"] == status and doc["title"]
    assert doc["detail"]
    return doc


def test_malformed_json_wrong_types_and_unknown_fields(world: ApiWorld) -> None:
    c, h = world.client, world.h(**{"content-type": "application/json"})
    _refused(c.post("/api/v1/posts", headers=h, content=b'{"text": "hi",'), 400, "malformed-json")
    doc = _refused(c.post("/api/v1/posts", headers=h, json={"text": 12, "account_ids": ["one"]}), 422,
                   "validation-error")  # fmt: skip
    assert {e["field"] for e in doc["errors"]} == {"text", "account_ids.0"}
    doc = _refused(c.post("/api/v1/posts", headers=h, json={"text": "hi", "colour": "red"}), 422, "validation-error")
    assert doc["errors"] == [{"field": "colour", "in": "body", "message": doc["errors"][0]["message"]}]
    assert "Unknown field" in doc["errors"][0]["message"]
    doc = _refused(c.post("/api/v1/posts", headers=h, json={"action": "tweet"}), 422, "validation-error")
    assert doc["errors"][0]["field"] == "action"
    _refused(c.post("/api/v1/posts", headers=h, json=["not", "an", "object"]), 422, "validation-error")
    _refused(c.get("/api/v1/posts/abc", headers=h), 422, "validation-error")
    _refused(c.get("/api/v1/posts/99999999999", headers=h), 422, "validation-error")  # beyond any id
    _refused(c.post("/api/v1/posts", headers=h, json={"text": "nul \x00 byte"}), 422, "validation-error")
    _refused(c.get("/api/v1/nope", headers=h), 404, "not-found")
    _refused(c.put("/api/v1/posts", headers=h, json={}), 405, "method-not-allowed")
    assert _count(Post) == 0


def test_text_over_the_platform_limit_names_the_account(world: ApiWorld) -> None:
    body = {"text": "x" * 501, "account_ids": [world.demo], "action": "schedule", "scheduled_at": "2031-01-01T10:00:00Z"}
    doc = _refused(world.client.post("/api/v1/posts", headers=world.h(), json=body), 422, "platform-rules")
    assert "Demo network" in doc["detail"] and "500" in doc["detail"]
    assert doc["errors"][0]["field"] == f"accounts.{world.demo}"
    override = {**body, "text": "fine", "per_account_text": {str(world.demo): "y" * 600}}
    _refused(world.client.post("/api/v1/posts", headers=world.h(), json=override), 422, "platform-rules")
    assert _count(Post) == 0


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"action": "schedule", "scheduled_at": "2020-01-01T10:00:00Z"}, "scheduled_at", "in the past"),
        ({"action": "schedule"}, "scheduled_at", "Pick a date"),
        ({"action": "draft", "scheduled_at": "2031-01-01T10:00:00Z"}, "scheduled_at", "only used"),
        ({"action": "schedule", "scheduled_at": "2031-01-01T10:00:00", "timezone": "Mars/Olympus"}, "timezone",
         "Unknown timezone"),
        ({"action": "schedule", "scheduled_at": "9999-12-31T23:59:59-12:00"}, "scheduled_at", "year"),
    ],
)
def test_times_and_zones(world: ApiWorld, body: dict, field: str, words: str) -> None:
    payload = {"text": "hi", "account_ids": [world.demo], **body}
    r = world.client.post("/api/v1/posts", headers=world.h(), json=payload)
    assert r.status_code == 422, r.text
    doc = r.json()
    assert words in doc["detail"] or any(words in e["message"] for e in doc["errors"])
    assert field in {e["field"] for e in doc["errors"]}
    assert _count(Post) == 0


def test_another_workspaces_account_or_media_in_the_body(world: ApiWorld) -> None:
    c = world.client
    body = {"text": "hi", "account_ids": [world.demo, world.other_account], "action": "draft"}
    doc = _refused(c.post("/api/v1/posts", headers=world.h(), json=body), 422, "invalid-request")
    assert doc["errors"] == [{"field": "account_ids[1]", "message": doc["detail"]}]
    their_media = c.post("/api/v1/media", headers={"Authorization": f"Bearer {world.other_key}"},
                         files={"file": ("x.png", png(), "image/png")}).json()["id"]  # fmt: skip
    body = {"text": "hi", "account_ids": [world.demo], "media_ids": [their_media]}
    doc = _refused(c.post("/api/v1/posts", headers=world.h(), json=body), 422, "invalid-request")
    assert doc["errors"][0]["field"] == "media_ids[0]"
    _refused(c.delete(f"/api/v1/media/{their_media}", headers=world.h()), 404, "not-found")
    queued = {"account_ids": [world.other_account], "text": "hi"}
    _refused(c.post("/api/v1/queue", headers=world.h(), json=queued), 422, "invalid-request")
    assert _count(Post) == 0


def test_media_content_is_checked_not_its_name(world: ApiWorld) -> None:
    c = world.client
    doc = _refused(c.post("/api/v1/media", headers=world.h(), files={"file": ("cat.png", b"GIF89a not really",
                                                                               "image/png")}), 422, "invalid-request")  # fmt: skip
    assert doc["detail"]
    _refused(c.post("/api/v1/media", headers=world.h(), files={"file": ("empty.png", b"", "image/png")}), 422,
             "invalid-request")  # fmt: skip
    _refused(c.post("/api/v1/media", headers=world.h(), data={"nofile": "x"}), 422, "validation-error")
    assert _count(MediaAsset) == 0


def test_request_body_cap_answers_a_problem(world: ApiWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCIALHUB_MAX_REQUEST_KB", "16")
    from services.config import reset_settings

    reset_settings()
    r = world.client.post("/api/v1/posts", headers=world.h(), json={"text": "x" * 40_000})
    _refused(r, 413, "request-too-large")
    assert _count(Post) == 0


def test_missing_unknown_revoked_expired_and_orphaned_keys(world: ApiWorld) -> None:
    c = world.client
    body = {"text": "hi", "account_ids": [world.demo]}
    for headers, slug in (({}, "api-key-missing"), ({"Authorization": "Bearer sh_live_nope"}, "api-key-unknown"),
                          ({"Authorization": "Bearer sk_test_123"}, "api-key-unknown"),
                          ({"Authorization": "Basic dXNlcjpwYXNz"}, "api-key-missing")):  # fmt: skip
        r = c.post("/api/v1/posts", headers=headers, json=body)
        _refused(r, 401, slug)
        assert r.headers["www-authenticate"] == "Bearer"
    with session_scope() as s:
        s.execute(update(ApiKey).where(ApiKey.name == "editor key").values(revoked_at=datetime.now(UTC)))
        s.execute(update(ApiKey).where(ApiKey.name == "admin key")
                  .values(expires_at=datetime.now(UTC) - timedelta(minutes=1)))  # fmt: skip
    assert "revoked" in _refused(c.post("/api/v1/posts", headers=world.h("editor"), json=body), 401,
                                 "api-key-revoked")["detail"]  # fmt: skip
    assert "expired" in _refused(c.get("/api/v1/posts", headers=world.h("admin")), 401, "api-key-expired")["detail"]
    assert _count(Post) == 0
