"""API keys (role caps, revocation, creator changes), the permission matrix per key role,
idempotent creates and the per-key rate limit (in-process and shared through Redis)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select, update

from services.api import keys, ratelimit
from services.db import session_scope
from services.models import ApiKey, MediaAsset, Membership, Post
from services.permissions import ROLES, PermissionDenied, allowed
from tests.integration.api_helpers import ApiWorld, actor, png

FUTURE = "2031-05-04T09:00:00Z"


def _count(model: type) -> int:
    with session_scope() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def test_keys_are_hashed_shown_once_capped_at_the_creators_role_and_revocable(world: ApiWorld) -> None:
    editor = actor(world.users["editor"], "editor")
    key, row = keys.create_key(editor, world.org_id, "n8n", "editor")
    assert key.startswith("sh_live_") and len(key) > 40
    assert row["hint"] == key[:12] + "…" and row["state"] == "active" and row["last_used_at"] == "never"
    with session_scope() as s:
        stored = s.execute(select(ApiKey.key_hash).where(ApiKey.id == row["id"])).scalar_one()
    assert key not in stored and stored == keys.hash_key(key)
    with pytest.raises(keys.ApiKeyError, match="more rights than you"):
        keys.create_key(editor, world.org_id, "too strong", "admin")
    with pytest.raises(PermissionDenied):
        keys.create_key(actor(world.users["viewer"], "viewer"), world.org_id, "mine", "viewer")
    with pytest.raises(keys.ApiKeyError, match="in the past"):
        keys.create_key(editor, world.org_id, "old", "viewer", expires_at=datetime.now(UTC) - timedelta(days=1))
    assert keys.assignable_roles("editor") == ["editor", "contributor", "viewer"]

    assert world.client.get("/api/v1/workspace", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    listed = {r["id"]: r for r in keys.list_keys(world.org_id)}
    assert listed[row["id"]]["last_used_at"] != "never"
    owners_key = next(r["id"] for r in listed.values() if r["name"] == "owner key")
    with pytest.raises(keys.ApiKeyError, match="owner role"):
        keys.revoke_key(editor, world.org_id, owners_key)
    with pytest.raises(keys.ApiKeyNotFound):
        keys.revoke_key(editor, world.other_org, row["id"])
    keys.revoke_key(editor, world.org_id, row["id"])
    r = world.client.get("/api/v1/workspace", headers={"Authorization": f"Bearer {key}"})
    assert r.status_code == 401 and r.json()["type"].endswith("api-key-revoked")


def test_a_key_never_does_more_than_its_creator_now(world: ApiWorld) -> None:
    editor = actor(world.users["editor"], "editor")
    key, _row = keys.create_key(editor, world.org_id, "editor's", "editor")
    h = {"Authorization": f"Bearer {key}"}
    body = {"text": "hi", "account_ids": [world.demo], "action": "schedule", "scheduled_at": FUTURE}
    assert world.client.post("/api/v1/posts", headers=h, json=body).status_code == 201
    with session_scope() as s:  # the creator is demoted to viewer: the key reads, but can't write
        s.execute(update(Membership).where(Membership.user_id == world.users["editor"]).values(role="viewer"))
    me = world.client.get("/api/v1/workspace", headers=h).json()["key"]
    assert (me["role"], me["key_role"]) == ("viewer", "editor")
    refused = world.client.post("/api/v1/posts", headers=h, json=body)
    assert refused.status_code == 403 and refused.json()["detail"] == "Viewers can't schedule posts."
    with session_scope() as s:  # …and removed: the key stops
        s.execute(delete(Membership).where(Membership.user_id == world.users["editor"]))
    r = world.client.get("/api/v1/workspace", headers=h)
    assert r.status_code == 401 and r.json()["type"].endswith("api-key-orphaned")


def _seed_post(world: ApiWorld) -> int:
    body = {"text": "seed", "account_ids": [world.demo], "action": "schedule", "scheduled_at": FUTURE}
    return world.client.post("/api/v1/posts", headers=world.h(), json=body).json()["id"]


#: (method, path template, json body, action the route requires)
OPERATIONS = [
    ("GET", "/api/v1/workspace", None, "workspace.read"),
    ("GET", "/api/v1/accounts", None, "accounts.read"),
    ("GET", "/api/v1/posts", None, "posts.read"),
    ("GET", "/api/v1/posts/{post}", None, "posts.read"),
    ("POST", "/api/v1/posts", {"text": "d", "account_ids": ["{demo}"], "action": "draft"}, "post.draft"),
    ("POST", "/api/v1/posts", {"text": "s", "account_ids": ["{demo}"], "action": "schedule",
                               "scheduled_at": FUTURE}, "post.schedule"),
    ("POST", "/api/v1/posts", {"text": "p", "account_ids": ["{demo}"], "action": "publish_now"}, "post.publish"),
    ("PATCH", "/api/v1/posts/{post}", {"text": "edited"}, "post.schedule"),
    ("POST", "/api/v1/posts/{post}/reschedule", {"scheduled_at": "2031-06-01T10:00:00Z"}, "post.schedule"),
    ("POST", "/api/v1/posts/{post}/cancel", None, "post.schedule"),
    ("POST", "/api/v1/posts/{post}/publish", None, "post.publish"),
    ("DELETE", "/api/v1/posts/{post}", None, "post.delete"),
    ("GET", "/api/v1/media", None, "media.read"),
    ("GET", "/api/v1/calendar?start=2031-05-01&end=2031-05-31", None, "calendar.read"),
    ("GET", "/api/v1/queue/slots?account_id={demo}", None, "queue.read"),
    ("POST", "/api/v1/queue", {"account_ids": ["{demo}"], "text": "q"}, "post.schedule"),
    ("GET", "/api/v1/analytics/overview", None, "analytics.read"),
    ("GET", "/api/v1/posts/{post}/analytics", None, "analytics.read"),
    ("POST", "/api/v1/posts", {"text": "r", "account_ids": ["{demo}"], "action": "submit"}, "post.submit"),
    ("GET", "/api/v1/posts/{post}/comments", None, "posts.read"),
    ("POST", "/api/v1/posts/{post}/comments", {"text": "hi"}, "comment.write"),
    ("DELETE", "/api/v1/posts/{post}/comments/2147483647", None, "comment.write"),
    ("POST", "/api/v1/posts/{post}/submit", {"scheduled_at": FUTURE}, "post.submit"),
    ("POST", "/api/v1/posts/{post}/approve", {"version": 1}, "post.approve"),
    ("POST", "/api/v1/posts/{post}/request-changes", {"version": 1, "note": "n"}, "post.approve"),
    ("GET", "/api/v1/review", None, "post.approve"),
    ("GET", "/api/v1/workspace/approvals", None, "workspace.read"),
    ("PUT", "/api/v1/workspace/approvals", {"mode": "off"}, "workspace.approvals"),
]  # fmt: skip


def _fill(value, world: ApiWorld, post: int):  # noqa: ANN001, ANN202
    if isinstance(value, str):
        filled = value.replace("{post}", str(post)).replace("{demo}", str(world.demo))
        return int(filled) if value == "{demo}" else filled
    if isinstance(value, list):
        return [_fill(v, world, post) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, world, post) for k, v in value.items()}
    return value


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_per_key_role(world: ApiWorld, role: str) -> None:
    """Every operation is refused (403, the UI's own sentence) exactly when the role lacks its action."""
    for method, path, body, action in OPERATIONS:
        post = _seed_post(world)
        r = world.client.request(method, _fill(path, world, post), headers=world.h(role), json=_fill(body, world, post))
        if allowed(role, action):
            assert r.status_code != 403, (role, method, path, r.text)
            assert r.status_code < 500
        else:
            assert r.status_code == 403, (role, method, path, r.text)
            assert r.json()["type"] == "urn:socialhub:problem:permission-denied"
            assert r.json()["detail"].startswith(f"{role.capitalize()}s can't")
    upload = world.client.post("/api/v1/media", headers=world.h(role), files={"file": ("a.png", png(), "image/png")})
    assert (upload.status_code == 201) == allowed(role, "media.upload"), upload.text


def test_idempotent_post_create_returns_the_first_answer_and_creates_once(world: ApiWorld) -> None:
    c = world.client
    key = str(uuid.uuid4())
    body = {"text": "once", "account_ids": [world.demo], "action": "schedule", "scheduled_at": FUTURE}
    first = c.post("/api/v1/posts", headers=world.h(**{"Idempotency-Key": key}), json=body)
    again = c.post("/api/v1/posts", headers=world.h(**{"Idempotency-Key": key}), json=body)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    assert _count(Post) == 1
    changed = c.post("/api/v1/posts", headers=world.h(**{"Idempotency-Key": key}), json={**body, "text": "twice"})
    assert changed.status_code == 422 and changed.json()["type"].endswith("idempotency-key-reused")
    # keys are per API key: another key may use the same string for its own request
    other = c.post("/api/v1/posts", headers=world.h("admin", **{"Idempotency-Key": key}), json=body)
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]
    # a refused request keeps nothing: fixed, the same key goes through
    bad = {**body, "scheduled_at": "2020-01-01T00:00:00Z"}
    k2 = str(uuid.uuid4())
    assert c.post("/api/v1/posts", headers=world.h(**{"Idempotency-Key": k2}), json=bad).status_code == 422
    assert c.post("/api/v1/posts", headers=world.h(**{"Idempotency-Key": k2}), json=body).status_code == 201
    assert _count(Post) == 3
    bad_key = c.post("/api/v1/posts", headers=world.h(**{"Idempotency-Key": "has spaces"}), json=body)
    assert bad_key.status_code == 400 and bad_key.json()["type"].endswith("idempotency-key-invalid")


def test_idempotent_media_upload_and_24_hour_expiry(world: ApiWorld) -> None:
    c = world.client
    h = world.h(**{"Idempotency-Key": "upload-1"})
    first = c.post("/api/v1/media", headers=h, files={"file": ("a.png", png(), "image/png")})
    again = c.post("/api/v1/media", headers=h, files={"file": ("a.png", png(), "image/png")})
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert _count(MediaAsset) == 1
    other_file = c.post("/api/v1/media", headers=h, files={"file": ("a.png", png((0, 0, 255)), "image/png")})
    assert other_file.status_code == 422
    from services.models import ApiIdempotencyRecord

    with session_scope() as s:  # a day later the key is forgotten
        s.execute(update(ApiIdempotencyRecord).values(created_at=datetime.now(UTC) - timedelta(hours=25)))
    later = c.post("/api/v1/media", headers=h, files={"file": ("a.png", png(), "image/png")})
    assert later.status_code == 201 and later.json()["id"] != first.json()["id"]
    listed = c.get("/api/v1/media", headers=world.h()).json()["data"]
    assert {m["id"] for m in listed} == {first.json()["id"], later.json()["id"]}
    assert c.delete(f"/api/v1/media/{first.json()['id']}", headers=world.h()).status_code == 204
    assert c.get(f"/api/v1/media/{first.json()['id']}", headers=world.h()).status_code == 404


def test_rate_limit_headers_and_429(world: ApiWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    from services.config import reset_settings

    monkeypatch.setenv("SOCIALHUB_API_RATE_PER_MIN", "5")
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("REFLEX_REDIS_URL", raising=False)
    reset_settings()
    ratelimit.reset_local()
    seen = [world.client.get("/api/v1/workspace", headers=world.h()) for _ in range(6)]
    assert [r.status_code for r in seen] == [200] * 5 + [429]
    assert [r.headers["ratelimit-remaining"] for r in seen[:5]] == ["4", "3", "2", "1", "0"]
    assert seen[0].headers["ratelimit-limit"] == "5"
    limited = seen[-1]
    assert limited.json()["type"] == "urn:socialhub:problem:rate-limited"
    assert int(limited.headers["retry-after"]) >= 1 and limited.headers["ratelimit-remaining"] == "0"
    # buckets are per key: another key is unaffected
    assert world.client.get("/api/v1/workspace", headers=world.h("admin")).status_code == 200


def test_token_bucket_refills_at_the_steady_rate() -> None:
    buckets = ratelimit.LocalBuckets()
    assert all(buckets.take("k", 60, now=100.0).allowed for _ in range(60))
    empty = buckets.take("k", 60, now=100.0)
    assert not empty.allowed and empty.retry_after == 1
    assert buckets.take("k", 60, now=101.0).allowed  # one token a second at 60/min
    assert not buckets.take("k", 60, now=101.0).allowed


def test_rate_limit_is_shared_through_redis(world: ApiWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("Redis not reachable on 127.0.0.1:6379")
    from services.config import reset_settings

    monkeypatch.setenv("REDIS_URL", url)
    monkeypatch.setenv("SOCIALHUB_API_RATE_PER_MIN", "3")
    reset_settings()
    bucket = f"test-{uuid.uuid4().hex}"
    first = [ratelimit.take(bucket).allowed for _ in range(3)]
    ratelimit.reset_local()  # another process would have empty local buckets: Redis still says no
    assert first == [True, True, True] and ratelimit.take(bucket).allowed is False
    r = [world.client.get("/api/v1/workspace", headers=world.h()) for _ in range(4)]
    assert [x.status_code for x in r] == [200, 200, 200, 429]


def test_a_retry_while_the_first_request_runs_is_told_to_wait(world: ApiWorld) -> None:
    from services.api import idempotency

    key_id = world.client.get("/api/v1/workspace", headers=world.h()).json()["key"]["id"]
    started = idempotency.begin(key_id, "k-1", "print")
    assert isinstance(started, int)
    with pytest.raises(idempotency.IdempotencyInProgress):
        idempotency.begin(key_id, "k-1", "print")  # the first has not finished: no second create
    idempotency.finish(started, 201, {"id": 7})
    replay = idempotency.begin(key_id, "k-1", "print")
    assert isinstance(replay, idempotency.Replay) and replay.body == {"id": 7}


def test_openapi_31_and_offline_docs(world: ApiWorld) -> None:
    c = world.client
    doc = c.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.1") and doc["servers"] == [{"url": "/api"}]
    assert {"/v1/posts", "/v1/media", "/v1/queue", "/v1/calendar", "/v1/analytics/overview"} <= set(doc["paths"])
    assert doc["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    create = doc["paths"]["/v1/posts"]["post"]
    assert "application/problem+json" in create["responses"]["422"]["content"]
    assert doc["components"]["schemas"]["PostCreate"]["additionalProperties"] is False
    page = c.get("/api/docs")
    assert page.status_code == 200 and "/api/docs/assets/swagger-ui-bundle.js" in page.text
    assert "<script>" not in page.text  # no inline script: the app's CSP (script-src 'self') holds
    assert c.get("/api/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert "/api/v1/openapi.json" in c.get("/api/docs/start.js").text
