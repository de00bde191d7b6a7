"""REST API posts: every endpoint on SQLite and PostgreSQL, through the same services as the composer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from services.db import session_scope
from services.models import Post, PostTarget
from tests.integration.api_helpers import ApiWorld, png

FUTURE = "2031-05-04T09:00:00"


def _create(world: ApiWorld, **body: object) -> dict:
    payload = {"text": "Hello from the API", "account_ids": [world.demo], "action": "draft", **body}
    r = world.client.post("/api/v1/posts", headers=world.h(), json=payload)
    assert r.status_code == 201, r.text
    return r.json()


def test_create_draft_scheduled_and_per_account_text_with_media(world: ApiWorld) -> None:
    draft = _create(world)
    assert draft["status"] == "draft" and draft["scheduled_at"] is None
    media = world.client.post("/api/v1/media", headers=world.h(), files={"file": ("p.png", png(), "image/png")})
    assert media.status_code == 201, media.text
    scheduled = _create(
        world,
        account_ids=[world.demo, world.demo2],
        per_account_text={str(world.demo2): "Shorter for the second account"},
        media_ids=[media.json()["id"]],
        action="schedule",
        scheduled_at=FUTURE,
        timezone="Europe/Berlin",
    )
    assert scheduled["status"] == "scheduled"
    assert scheduled["scheduled_at"] == "2031-05-04T07:00:00Z"  # 09:00 CEST
    assert scheduled["media_ids"] == [media.json()["id"]]
    texts = {t["account_id"]: (t["text"], t["own_text"]) for t in scheduled["targets"]}
    assert texts[world.demo] == ("Hello from the API", None)
    assert texts[world.demo2] == ("Shorter for the second account", "Shorter for the second account")
    with_offset = _create(world, action="schedule", scheduled_at="2031-05-04T09:00:00+02:00", timezone="UTC")
    assert with_offset["scheduled_at"] == "2031-05-04T07:00:00Z"  # an offset names the instant


def test_publish_now_is_due_at_once(world: ApiWorld) -> None:
    post = _create(world, action="publish_now")
    due = datetime.fromisoformat(post["targets"][0]["next_attempt_at"])
    assert post["targets"][0]["status"] == "scheduled"
    assert abs(due - datetime.now(UTC)) < timedelta(seconds=30)


def test_dst_gap_time_moves_forward_with_a_note(world: ApiWorld) -> None:
    post = _create(world, action="schedule", scheduled_at="2031-03-30T02:30:00", timezone="Europe/Berlin")
    assert post["scheduled_at"] == "2031-03-30T01:30:00Z"  # 03:30 CEST
    assert "doesn't exist" in post["note"]


def test_get_update_reschedule_cancel_publish_delete(world: ApiWorld) -> None:
    c, h = world.client, world.h()
    post = _create(world, action="schedule", scheduled_at=FUTURE, timezone="Europe/Berlin")
    pid = post["id"]
    assert c.get(f"/api/v1/posts/{pid}", headers=h).json()["text"] == "Hello from the API"

    patched = c.patch(f"/api/v1/posts/{pid}", headers=h, json={"text": "Edited", "account_ids": [world.demo2]})
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert body["text"] == "Edited" and body["status"] == "scheduled"  # stays scheduled at its time
    assert body["scheduled_at"] == "2031-05-04T07:00:00Z"
    assert [t["account_id"] for t in body["targets"]] == [world.demo2]

    moved = c.post(f"/api/v1/posts/{pid}/reschedule", headers=h,
                   json={"scheduled_at": "2031-06-01T12:00:00Z"})  # fmt: skip
    assert moved.status_code == 200 and moved.json()["scheduled_at"] == "2031-06-01T12:00:00Z"

    cancelled = c.post(f"/api/v1/posts/{pid}/cancel", headers=h)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "draft"
    again = c.post(f"/api/v1/posts/{pid}/cancel", headers=h)
    assert again.status_code == 409 and again.json()["type"] == "urn:socialhub:problem:conflict"

    published = c.post(f"/api/v1/posts/{pid}/publish", headers=h)
    assert published.status_code == 200 and published.json()["targets"][0]["status"] == "scheduled"

    gone = c.delete(f"/api/v1/posts/{pid}", headers=h)
    assert gone.status_code == 200 and gone.json() == {"deleted": True, "refused": []}
    assert c.get(f"/api/v1/posts/{pid}", headers=h).status_code == 404


def _fail_targets(post_id: int) -> None:
    with session_scope() as s:
        s.execute(update(PostTarget).where(PostTarget.post_id == post_id).values(status="failed", last_error="boom"))
        s.execute(update(Post).where(Post.id == post_id).values(status="failed"))


def test_retry_and_mark_published_a_failed_target(world: ApiWorld) -> None:
    c, h = world.client, world.h()
    post = _create(world, account_ids=[world.demo, world.demo2], action="schedule", scheduled_at=FUTURE)
    _fail_targets(post["id"])
    first, second = (t["id"] for t in post["targets"])
    retried = c.post(f"/api/v1/posts/{post['id']}/targets/{first}/retry", headers=h)
    assert retried.status_code == 200, retried.text
    assert {t["id"]: t["status"] for t in retried.json()["targets"]}[first] == "scheduled"
    marked = c.post(f"/api/v1/posts/{post['id']}/targets/{second}/mark-published", headers=h,
                    json={"url": "https://demo.example/p/1"})  # fmt: skip
    assert marked.status_code == 200, marked.text
    target = {t["id"]: t for t in marked.json()["targets"]}[second]
    assert target["status"] == "published" and target["external_url"] == "https://demo.example/p/1"
    # retrying a scheduled target is a conflict; a target of another post is not found
    assert c.post(f"/api/v1/posts/{post['id']}/targets/{first}/retry", headers=h).status_code == 409
    other = _create(world)
    assert c.post(f"/api/v1/posts/{other['id']}/targets/{first}/retry", headers=h).status_code == 404
    # a published copy is kept when the post is deleted
    deleted = c.delete(f"/api/v1/posts/{post['id']}", headers=h).json()
    assert deleted["deleted"] is False and deleted["refused"]


def test_list_filters_and_cursor_pagination(world: ApiWorld) -> None:
    c, h = world.client, world.h()
    ids = [_create(world, text=f"Post number {i}", action="schedule",
                   scheduled_at=f"2031-05-{i + 1:02d}T09:00:00Z")["id"] for i in range(5)]  # fmt: skip
    drafts = [_create(world, text="A draft about cats", account_ids=[world.demo2])["id"]]
    seen, cursor = [], None
    while True:
        params = {"limit": 2, "status": "scheduled", "sort": "scheduled_at"} | ({"cursor": cursor} if cursor else {})
        page = c.get("/api/v1/posts", headers=h, params=params)
        assert page.status_code == 200, page.text
        body = page.json()
        assert body["total"] == 5
        seen += [p["id"] for p in body["data"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == ids
    assert [p["id"] for p in c.get("/api/v1/posts", headers=h, params={"q": "cats"}).json()["data"]] == drafts
    by_account = c.get("/api/v1/posts", headers=h, params={"account_id": world.demo2}).json()
    assert [p["id"] for p in by_account["data"]] == drafts
    ranged = c.get("/api/v1/posts", headers=h, params={"from": "2031-05-02", "to": "2031-05-03"}).json()
    assert sorted(p["id"] for p in ranged["data"]) == ids[1:3]
    # a cursor is bound to its filters
    first = c.get("/api/v1/posts", headers=h, params={"limit": 2}).json()
    wrong = c.get("/api/v1/posts", headers=h, params={"limit": 3, "cursor": first["next_cursor"]})
    assert wrong.status_code == 422 and wrong.json()["type"] == "urn:socialhub:problem:invalid-cursor"
    junk = c.get("/api/v1/posts", headers=h, params={"cursor": "!!!"})
    assert junk.status_code == 422


def test_another_workspaces_ids_are_not_found(world: ApiWorld) -> None:
    post = _create(world)
    theirs = {"Authorization": f"Bearer {world.other_key}"}
    c = world.client
    for method, path in (("GET", f"/api/v1/posts/{post['id']}"), ("DELETE", f"/api/v1/posts/{post['id']}"),
                         ("POST", f"/api/v1/posts/{post['id']}/cancel"),
                         ("GET", f"/api/v1/posts/{post['id']}/analytics"),
                         ("GET", f"/api/v1/accounts/{world.demo}")):  # fmt: skip
        r = c.request(method, path, headers=theirs)
        assert r.status_code == 404, (method, path, r.text)
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["type"] == "urn:socialhub:problem:not-found"
    assert c.get(f"/api/v1/posts/{post['id']}", headers=world.h()).json()["status"] == "draft"  # untouched
