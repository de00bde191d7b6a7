"""REST API comments and approvals (SQLite and PostgreSQL): the composer's services behind the key.

Keys here are made by the member of the same role, so "the key acts as its creator" is visible:
comments are theirs, submissions are theirs, and nobody reviews their own post.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from services.api import keys
from services.db import session_scope
from services.models import AuditLog, Notification
from tests.integration.api_helpers import ApiWorld, actor

FUTURE = "2031-05-04T09:00:00"
PROBLEM = "urn:socialhub:problem:"


def _own_keys(world: ApiWorld) -> dict[str, dict[str, str]]:
    """Headers for a key per role, each made by the member with that role.

    Contributors and Viewers can't manage keys: theirs were made while they had a bigger role
    (`create_key` checks the role it is given); the key acts with their role now, as always.
    """
    made = {}
    for role in ("owner", "admin", "editor", "contributor", "viewer"):
        key = keys.create_key(actor(world.users[role], "owner"), world.org_id, f"{role}'s own", role)[0]
        made[role] = {"Authorization": f"Bearer {key}"}
    return made


def _draft(world: ApiWorld, h: dict[str, str], text: str = "For review") -> dict:
    r = world.client.post("/api/v1/posts", headers=h, json={"text": text, "account_ids": [world.demo]})
    assert r.status_code == 201, r.text
    return r.json()


def _notified(kind: str) -> set[int]:
    with session_scope() as s:
        return set(s.execute(select(Notification.user_id).where(Notification.kind == kind)).scalars())


def test_comments_list_add_delete_with_mentions_and_refusals(world: ApiWorld) -> None:
    c, k = world.client, _own_keys(world)
    post = _draft(world, k["contributor"])
    url = f"/api/v1/posts/{post['id']}/comments"
    added = c.post(url, headers=k["viewer"], json={"text": "  Nice — @editor please check the link  "})
    assert added.status_code == 201, added.text
    comment = added.json()
    assert (comment["author"], comment["text"], comment["mine"], comment["can_delete"]) == (
        "Viewer", "Nice — @editor please check the link", True, True
    )  # fmt: skip
    assert _notified("mention") == {world.users["editor"]}  # as in the app: the mentioned member…
    assert _notified("comment") == {world.users["contributor"]}  # …and the post's author
    c.post(url, headers=k["admin"], json={"text": "Agreed"})

    thread = c.get(url, headers=k["editor"])
    assert thread.status_code == 200
    assert [(x["author"], x["mine"], x["can_delete"]) for x in thread.json()["data"]] == [
        ("Viewer", False, False), ("Admin", False, False)
    ]  # fmt: skip
    assert [x["can_delete"] for x in c.get(url, headers=k["admin"]).json()["data"]] == [True, True]

    for bad, slug in (({"text": "   "}, "invalid-request"), ({"text": "x" * 2001}, "invalid-request"),
                      ({}, "validation-error"), ({"text": "hi", "extra": 1}, "validation-error")):  # fmt: skip
        r = c.post(url, headers=k["viewer"], json=bad)
        assert r.status_code == 422 and r.json()["type"] == PROBLEM + slug, (bad, r.text)

    # someone else's comment: only Owner/Admin may delete it
    refused = c.delete(f"{url}/{comment['id']}", headers=k["editor"])
    assert refused.status_code == 403 and refused.json()["detail"] == "Editors can't delete other people's comments."
    # a comment id under another post of the same workspace is not found
    other_post = _draft(world, k["owner"], "Another")
    wrong = c.delete(f"/api/v1/posts/{other_post['id']}/comments/{comment['id']}", headers=k["admin"])
    assert wrong.status_code == 404 and wrong.json()["type"] == PROBLEM + "not-found"
    assert c.delete(f"{url}/{comment['id']}", headers=k["admin"]).status_code == 204
    assert [x["text"] for x in c.get(url, headers=k["viewer"]).json()["data"]] == ["Agreed"]
    assert c.delete(f"{url}/{comment['id']}", headers=k["admin"]).status_code == 404

    # another workspace: its key doesn't see our post or comment; our key doesn't see theirs
    theirs = {"Authorization": f"Bearer {world.other_key}"}
    remaining = c.get(url, headers=k["viewer"]).json()["data"][0]["id"]
    for method, path, body in (("GET", url, None), ("POST", url, {"text": "@editor hi"}),
                               ("DELETE", f"{url}/{remaining}", None)):  # fmt: skip
        r = c.request(method, path, headers=theirs, json=body)
        assert r.status_code == 404 and r.json()["type"] == PROBLEM + "not-found", (method, r.text)
    assert len(c.get(url, headers=k["viewer"]).json()["data"]) == 1
    assert _notified("mention") == {world.users["editor"]}  # nothing new from the refused one


def test_contributor_submits_editor_reviews_with_versions(world: ApiWorld) -> None:
    c, k = world.client, _own_keys(world)
    post = _draft(world, k["contributor"])
    pid = post["id"]
    assert post["approval_state"] == "none" and post["author_id"] == world.users["contributor"]

    viewer = c.post(f"/api/v1/posts/{pid}/submit", headers=k["viewer"])
    assert viewer.status_code == 403 and viewer.json()["detail"] == "Viewers can't submit posts for approval."
    submitted = c.post(f"/api/v1/posts/{pid}/submit", headers=k["contributor"],
                       json={"scheduled_at": FUTURE, "timezone": "Europe/Berlin"})  # fmt: skip
    assert submitted.status_code == 200, submitted.text
    body = submitted.json()
    assert body["approval_state"] == "in_review" and body["scheduled_at"] == "2031-05-04T07:00:00Z"
    assert body["approved_version"] is None
    assert world.users["editor"] in _notified("approval_requested")

    refused = c.post(f"/api/v1/posts/{pid}/approve", headers=k["contributor"], json={"version": body["version"]})
    assert refused.status_code == 403 and refused.json()["type"] == PROBLEM + "permission-denied"
    assert c.get("/api/v1/review", headers=k["contributor"]).status_code == 403

    queue = c.get("/api/v1/review", headers=k["editor"])
    assert queue.status_code == 200, queue.text
    assert queue.json()["total"] == 1
    item = queue.json()["data"][0]
    assert (item["post_id"], item["version"], item["author"]) == (pid, body["version"], "Contributor")
    assert item["scheduled_at"] == "2031-05-04T07:00:00Z" and item["platforms"] == ["demo"]

    stale = c.post(f"/api/v1/posts/{pid}/approve", headers=k["editor"], json={"version": body["version"] - 1})
    assert stale.status_code == 409 and stale.json()["type"] == PROBLEM + "conflict"
    assert "changed since you opened it" in stale.json()["detail"]
    theirs = {"Authorization": f"Bearer {world.other_key}"}
    foreign = c.post(f"/api/v1/posts/{pid}/approve", headers=theirs, json={"version": body["version"]})
    assert foreign.status_code == 404 and foreign.json()["type"] == PROBLEM + "not-found"
    with session_scope() as s:  # refused like a crafted composer event: audited, in the caller's workspace
        refusal = s.execute(select(AuditLog.organization_id, AuditLog.detail).where(AuditLog.action == "refused")).one()
    assert refusal[0] == world.other_org and refusal[1]["attempted"] == "approve_post"

    approved = c.post(f"/api/v1/posts/{pid}/approve", headers=k["editor"],
                      json={"version": body["version"], "note": "Good to go"})  # fmt: skip
    assert approved.status_code == 200, approved.text
    got = approved.json()
    assert (got["approval_state"], got["approved_version"], got["reviewer"]) == ("approved", body["version"], "Editor")
    assert got["status"] == "scheduled" and got["review_note"] == "Good to go"
    again = c.post(f"/api/v1/posts/{pid}/approve", headers=k["admin"], json={"version": body["version"]})
    assert again.status_code == 409 and "Already reviewed: approved by Editor" in again.json()["detail"]
    assert c.get("/api/v1/review", headers=k["editor"]).json() == {"data": [], "total": 0}
    assert world.users["contributor"] in _notified("approved")
    assert c.get(f"/api/v1/posts/{pid}", headers=k["viewer"]).json()["approval_state"] == "approved"


def test_request_changes_needs_a_note_and_nobody_reviews_their_own_post(world: ApiWorld) -> None:
    c, k = world.client, _own_keys(world)
    # action "submit" on create: in review, without a time (published once approved)
    created = c.post("/api/v1/posts", headers=k["contributor"],
                     json={"text": "Draft me", "account_ids": [world.demo], "action": "submit"})  # fmt: skip
    assert created.status_code == 201, created.text
    post = created.json()
    assert (post["approval_state"], post["status"], post["scheduled_at"]) == ("in_review", "draft", None)
    url, version = f"/api/v1/posts/{post['id']}/request-changes", post["version"]

    missing = c.post(url, headers=k["editor"], json={"version": version})
    assert missing.status_code == 422 and missing.json()["type"] == PROBLEM + "validation-error"
    blank = c.post(url, headers=k["editor"], json={"version": version, "note": "   "})
    assert blank.status_code == 422 and blank.json()["type"] == PROBLEM + "invalid-request"
    assert blank.json()["errors"][0]["field"] == "note"
    sent_back = c.post(url, headers=k["editor"], json={"version": version, "note": "Add the link"})
    assert sent_back.status_code == 200, sent_back.text
    assert (sent_back.json()["approval_state"], sent_back.json()["review_note"]) == ("changes_requested", "Add the link")
    assert world.users["contributor"] in _notified("changes_requested")
    decided = c.post(url, headers=k["admin"], json={"version": version, "note": "me too"})
    assert decided.status_code == 409

    # the author fixes it (a draft edit keeps "changes requested") and submits again
    fixed = c.patch(f"/api/v1/posts/{post['id']}", headers=k["contributor"], json={"text": "Draft me + link"})
    assert fixed.status_code == 200 and fixed.json()["approval_state"] == "changes_requested"
    resubmitted = c.post(f"/api/v1/posts/{post['id']}/submit", headers=k["contributor"])
    assert resubmitted.status_code == 200 and resubmitted.json()["approval_state"] == "in_review"
    # the key's creator is the author: an Owner key made by the author can't approve it either
    own = _draft(world, k["owner"], "Mine")
    c.post(f"/api/v1/posts/{own['id']}/submit", headers=k["owner"])
    mine = c.post(f"/api/v1/posts/{own['id']}/approve", headers=k["owner"], json={"version": own["version"] + 1})
    assert mine.status_code == 422 and "own post" in mine.json()["detail"]
    assert [i["post_id"] for i in c.get("/api/v1/review", headers=k["owner"]).json()["data"]] == [post["id"]]
    # approved without a time: published now (its copies are due at once)
    version = resubmitted.json()["version"]
    approved = c.post(f"/api/v1/posts/{post['id']}/approve", headers=k["owner"], json={"version": version})
    assert approved.status_code == 200, approved.text
    target = approved.json()["targets"][0]
    assert target["status"] == "scheduled"
    due = datetime.fromisoformat(target["next_attempt_at"])
    assert abs(due - datetime.now(UTC)) < timedelta(seconds=30)
    with session_scope() as s:  # the decision is in the audit log, by the key's creator
        who = s.execute(select(AuditLog.user_id).where(AuditLog.action == "approval.approved")).scalars().all()
    assert who == [world.users["owner"]]


def test_editing_a_post_in_review_keeps_it_in_review(world: ApiWorld) -> None:
    c, k = world.client, _own_keys(world)
    post = _draft(world, k["contributor"])
    c.post(f"/api/v1/posts/{post['id']}/submit", headers=k["contributor"], json={"scheduled_at": FUTURE})
    edited = c.patch(f"/api/v1/posts/{post['id']}", headers=k["owner"], json={"text": "Typo fixed"})
    assert edited.status_code == 200, edited.text
    body = edited.json()  # an edit is never an approval: the new version waits for review
    assert body["approval_state"] == "in_review" and body["status"] == "scheduled" and body["text"] == "Typo fixed"
    by_author = c.patch(f"/api/v1/posts/{post['id']}", headers=k["contributor"], json={"text": "Again"})
    assert by_author.status_code == 200 and by_author.json()["approval_state"] == "in_review"
    assert by_author.json()["version"] == body["version"] + 1


def test_workspace_approval_setting(world: ApiWorld) -> None:
    c, k = world.client, _own_keys(world)
    for role, required in (("viewer", False), ("contributor", True), ("owner", False)):
        got = c.get("/api/v1/workspace/approvals", headers=k[role])
        assert got.status_code == 200 and got.json() == {"mode": "off", "allow_external": False,
                                                         "required_for_key": required}  # fmt: skip
    refused = c.put("/api/v1/workspace/approvals", headers=k["editor"], json={"mode": "everyone"})
    assert refused.status_code == 403 and refused.json()["detail"].startswith("Editors can't")
    bad = c.put("/api/v1/workspace/approvals", headers=k["admin"], json={"mode": "sometimes"})
    assert bad.status_code == 422 and bad.json()["type"] == PROBLEM + "validation-error"
    put = c.put("/api/v1/workspace/approvals", headers=k["admin"], json={"mode": "contributors", "allow_external": True})
    assert put.status_code == 200 and put.json()["allow_external"] is True
    put = c.put("/api/v1/workspace/approvals", headers=k["admin"], json={"mode": "everyone"})
    assert put.json() == {"mode": "everyone", "allow_external": True, "required_for_key": True}  # kept
    # required for everyone: an Owner key's scheduled post goes to review
    scheduled = c.post("/api/v1/posts", headers=k["owner"], json={"text": "Launch", "account_ids": [world.demo],
                                                                    "action": "schedule", "scheduled_at": FUTURE})  # fmt: skip
    assert scheduled.status_code == 201 and scheduled.json()["approval_state"] == "in_review"
    theirs = {"Authorization": f"Bearer {world.other_key}"}
    assert c.get("/api/v1/workspace/approvals", headers=theirs).json()["mode"] == "off"  # their own workspace
