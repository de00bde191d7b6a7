"""Export a workspace's posts to CSV (importable again) and to JSON (everything, per account).

The CSV uses the import's columns (`text`, `text:<platform>`, `accounts`, `scheduled_at` as local
time in `timezone`, `media` as library ids) plus a few the import ignores (`id`, `status`,
`account_names`, `published_urls`, `created_at`), so an export can be edited and imported again.
Every text cell goes through the CSV-injection guard (`safe_cell`); the import undoes it.
Set-based: three queries for the whole workspace, whatever its size.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any

from sqlalchemy import select

from services.db import session_scope
from services.models import Post, PostMedia, PostTarget, SocialAccount
from services.security.csv_safety import safe_cell
from services.timezones import to_local

P = Post.__table__
T = PostTarget.__table__
A = SocialAccount.__table__
PM = PostMedia.__table__
MAX_POSTS = 50_000


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def export_records(org_id: int, status: str = "") -> list[dict[str, Any]]:
    """Every post of the workspace (newest first, optionally one status) with its targets and media ids."""
    with session_scope() as session:
        query = select(P).where(P.c.organization_id == org_id).order_by(P.c.created_at.desc(), P.c.id.desc())
        if status:
            query = query.where(P.c.status == status)
        posts = session.execute(query.limit(MAX_POSTS)).all()
        ids = [p.id for p in posts]
        targets = session.execute(
            select(T.c.post_id, T.c.social_account_id, T.c.status, T.c.body_override, T.c.external_url,
                   T.c.published_at, T.c.last_error, A.c.platform, A.c.username, A.c.display_name)  # fmt: skip
            .join(A, A.c.id == T.c.social_account_id)
            .where(T.c.organization_id == org_id, T.c.post_id.in_(ids))
            .order_by(T.c.post_id, T.c.id)
        ).all() if ids else []
        media = session.execute(
            select(PM.c.post_id, PM.c.media_asset_id)
            .where(PM.c.organization_id == org_id, PM.c.post_id.in_(ids))
            .order_by(PM.c.post_id, PM.c.position, PM.c.id)
        ).all() if ids else []
    by_post: dict[int, list[dict[str, Any]]] = {}
    for t in targets:
        by_post.setdefault(t.post_id, []).append({
            "account_id": t.social_account_id, "platform": t.platform, "username": t.username,
            "account_name": t.display_name, "status": t.status, "text_override": t.body_override,
            "url": t.external_url, "published_at": _iso(t.published_at), "error": t.last_error,
        })  # fmt: skip
    media_by_post: dict[int, list[int]] = {}
    for m in media:
        media_by_post.setdefault(m.post_id, []).append(m.media_asset_id)
    return [
        {
            "id": p.id, "status": p.status, "text": p.body, "scheduled_at": _iso(p.scheduled_at),
            "timezone": p.timezone, "created_at": _iso(p.created_at), "media_ids": media_by_post.get(p.id, []),
            "targets": by_post.get(p.id, []),
        }  # fmt: skip
        for p in posts
    ]


def export_json(org_id: int, status: str = "") -> str:
    return json.dumps({"posts": export_records(org_id, status)}, ensure_ascii=False, indent=2)


def export_csv(org_id: int, status: str = "") -> str:
    records = export_records(org_id, status)
    platforms = sorted({t["platform"] for r in records for t in r["targets"] if t["text_override"]})
    header = ["id", "status", "text", *[f"text:{p}" for p in platforms], "accounts", "account_names",
              "scheduled_at", "timezone", "media", "published_urls", "created_at"]  # fmt: skip
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for r in records:
        overrides: dict[str, str] = {}
        for t in r["targets"]:
            if t["text_override"]:
                overrides.setdefault(t["platform"], t["text_override"])
        local = ""
        if r["scheduled_at"]:
            local = to_local(datetime.fromisoformat(r["scheduled_at"]), r["timezone"] or "UTC").strftime("%Y-%m-%d %H:%M")
        row = [
            r["id"], r["status"], r["text"], *[overrides.get(p, "") for p in platforms],
            ";".join(str(t["account_id"]) for t in r["targets"]),
            "; ".join(f"{t['platform']}:{t['username'] or t['account_name']}" for t in r["targets"]),
            local, r["timezone"], ";".join(str(m) for m in r["media_ids"]),
            " ".join(t["url"] for t in r["targets"] if t["url"]), r["created_at"] or "",
        ]  # fmt: skip
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()
