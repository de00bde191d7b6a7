"""A populated workspace for the export/import and account-deletion tests, and archive helpers."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from services import auth, posts
from services.accounts import connect_demo
from services.ai import create_persona
from services.comments import add_comment
from services.crypto import encrypt_json
from services.db import session_scope
from services.media import store_upload
from services.models import (
    ApprovalSettings,
    Membership,
    PostMetricSnapshot,
    PostTarget,
    PromptTemplate,
    QueueSlot,
    SocialAccount,
)
from tests.fakes.openai_server import png_bytes

PASSWORD = "correct horse battery"
SECRET_TOKEN = "super-secret-access-token-123"


def actor(email: str, name: str = "Owner", role: str = "owner") -> auth.CurrentUser:
    """A registered person with a real login session (the way every request resolves its user)."""
    uid = auth.register_user(email, name, PASSWORD)
    if role != "owner":
        with session_scope() as s:
            s.execute(update(Membership).where(Membership.user_id == uid).values(role=role))
    user = auth.resolve_session(auth.login(email, PASSWORD))
    assert user is not None
    return user


def populate(user: auth.CurrentUser) -> dict[str, Any]:
    """Posts (draft, scheduled, published with metrics, a series), media, comments, personas, settings."""
    org, uid = user.organization_id, user.user_id
    persona = create_persona(org, "Brand voice", audience="makers", tone="warm")["id"]
    demo = connect_demo(org, uid)
    with session_scope() as s:
        masto = SocialAccount(organization_id=org, platform="mastodon", instance_url="https://masto.example",
                              external_id="42", display_name="Acme on Mastodon", username="acme",
                              token_blob=encrypt_json({"access_token": SECRET_TOKEN}), persona_id=persona)  # fmt: skip
        s.add(masto)
        s.add(PromptTemplate(organization_id=org, action="caption", system_template="Be brief", user_template="{text}"))
        s.add(ApprovalSettings(organization_id=org, mode="contributors", allow_external=True))
        s.flush()
        masto_id = int(masto.id)
        s.add(QueueSlot(organization_id=org, social_account_id=masto_id, weekday=1, local_time="09:30", timezone="Europe/Berlin"))
    pic_a = store_upload(org, uid, "sunrise.png", png_bytes(80, 60, (10, 200, 30)))["id"]
    pic_b = store_upload(org, uid, "logo.png", png_bytes(40, 40, (200, 10, 30)))["id"]
    future = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    draft = posts.save_post(org, uid, posts.PostInput(body="Draft with a picture ✨", account_ids=[demo, masto_id],
                                                     media_ids=[pic_a, pic_b]))  # fmt: skip
    sched = posts.save_post(org, uid, posts.PostInput(body="Scheduled launch", account_ids=[masto_id],
                                                     action="schedule", scheduled_at=future))  # fmt: skip
    published = posts.save_post(org, uid, posts.PostInput(body="Already out", account_ids=[demo]))
    with session_scope() as s:
        target = s.execute(select(PostTarget).where(PostTarget.post_id == published)).scalars().one()
        target.status, target.external_url = "published", "https://demo.example/p/1"
        target.published_at = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
        s.add(PostMetricSnapshot(organization_id=org, social_account_id=demo, post_target_id=target.id, platform="demo",
                                 captured_at=datetime(2026, 11, 2, tzinfo=UTC), likes=7, reposts=2, replies=1,
                                 impressions=300))  # fmt: skip
    add_comment(user, draft, "Looks good, ship it")
    return {"draft": draft, "sched": sched, "published": published, "masto": masto_id, "demo": demo,
            "media": [pic_a, pic_b]}  # fmt: skip


def read_archive(path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(path) as zf:
        return {n: (json.loads(zf.read(n)) if n.endswith(".json") else zf.read(n)) for n in zf.namelist()}


def rewrite(path: Path, out: Path, changes: dict[str, bytes], *, fix_manifest: bool = False) -> Path:
    """A copy of the archive with some entries replaced (optionally with a manifest that matches them)."""
    import hashlib

    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        manifest = json.loads(src.read("manifest.json"))
        for name in src.namelist():
            if name == "manifest.json":
                continue
            data = changes.get(name, src.read(name))
            if fix_manifest and name in manifest["files"]:
                manifest["files"][name]["sha256"] = hashlib.sha256(data).hexdigest()
                if "count" in manifest["files"][name]:
                    manifest["files"][name]["count"] = len(json.loads(data))
            dst.writestr(name, data)
        dst.writestr("manifest.json", changes.get("manifest.json", json.dumps(manifest).encode()))
    return out


def normalized(archive: dict[str, Any]) -> dict[str, Any]:
    """The archive without ids and tokens: accounts by identity, media by content hash."""
    accounts = {a["id"]: f"{a['platform']}:{a['instance_url']}:{a['external_id']}" for a in archive["accounts.json"]}
    personas = {p["id"]: p["name"] for p in archive["personas.json"]}
    media = {m["id"]: m["sha256"] for m in archive["media.json"]}
    post_key = {p["id"]: (p["created_at"], p["body"]) for p in archive["posts.json"]}

    def drop(d: dict, *keys: str) -> dict:
        return {k: v for k, v in d.items() if k not in keys}

    return {
        "workspace": archive["workspace.json"],
        "accounts": sorted((
            (drop(a, "id", "status_before_export", "persona_id") | {"persona": personas.get(a["persona_id"])})
            for a in archive["accounts.json"]
        ), key=_key), "personas": sorted((drop(p, "id") for p in archive["personas.json"]), key=_key),
        "templates": archive["templates.json"],
        "queue_slots": [drop(q, "account_id") | {"account": accounts[q["account_id"]]} for q in archive["queue_slots.json"]],
        "media": sorted((drop(m, "id", "organization_id") for m in archive["media.json"]), key=lambda m: m["sha256"]),
        "posts": sorted(
            (drop(p, "id", "organization_id", "series_id", "media_ids", "targets")
             | {"series": post_key.get(p["series_id"]), "media": [media[i] for i in p["media_ids"]],
                "targets": [drop(t, "account_id") | {"account": accounts[t["account_id"]]} for t in p["targets"]]}
             for p in archive["posts.json"]), key=lambda p: (p["created_at"], p["body"])),
        "comments": sorted((drop(c, "id", "post_id", "organization_id") | {"post": post_key[c["post_id"]]}
                            for c in archive["comments.json"]), key=_key),  # fmt: skip
    }


def _key(d: dict) -> str:
    return json.dumps(d, sort_keys=True, default=str)


def as_bytes(value: Any) -> bytes:
    return json.dumps(value).encode() if not isinstance(value, bytes) else value


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()
