"""Import a workspace export into this instance, as a new workspace owned by the importer.

All or nothing. First the whole archive is checked without touching anything: the format and
`schema_version`, every file's SHA-256 against the manifest, every JSON file's shape, every
reference between files (a target's account, a post's media, a comment's post) and every media
file's checksum. Only then are media files validated by content and copied, and every row is
written in one transaction; if anything fails the transaction rolls back and the copied files are
removed. New ids everywhere; accounts arrive without tokens ("reconnect needed"), because tokens
never leave an instance.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from services import audit
from services.auth import CurrentUser
from services.db import session_scope
from services.media.sniff import MediaError
from services.models import (
    ApprovalSettings,
    Comment,
    MediaAsset,
    Membership,
    Organization,
    Persona,
    Post,
    PostMedia,
    PostMetricSnapshot,
    PostTarget,
    PromptTemplate,
    QueueSlot,
    SocialAccount,
)
from services.ownership import records
from services.ownership.archive import FORMAT, MANIFEST, SCHEMA_VERSION, sha256_of_entry
from services.ownership.media_io import remove_staged, stage_media
from services.permissions import require

LIST_FILES = ("accounts.json", "personas.json", "templates.json", "queue_slots.json", "posts.json",
              "comments.json", "media.json")  # fmt: skip
RECONNECT_REASON = "Imported from another instance: reconnect this account (tokens never leave an instance)."
MAX_PROBLEMS = 20


@dataclass
class ImportReport:
    ok: bool
    problems: list[str] = field(default_factory=list)
    workspace_id: int = 0
    workspace_name: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    reconnect: list[str] = field(default_factory=list)  # "platform: @handle" of each account to reconnect

    def summary(self) -> str:
        if not self.ok:
            return "Nothing was imported. " + " ".join(self.problems)
        parts = ", ".join(f"{n} {k}" for k, n in self.counts.items())
        return f"Imported “{self.workspace_name}”: {parts}. Reconnect {len(self.reconnect)} account(s)."


class _Invalid(Exception):
    pass


def _dt(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise _Invalid(f"{value!r} is not a date")
    return datetime.fromisoformat(value)


def import_workspace(actor: CurrentUser, archive: Path) -> ImportReport:
    """Check `archive` completely, then import it as a new workspace (or change nothing at all)."""
    require(actor, "workspace.import")
    try:
        with zipfile.ZipFile(archive) as zf:
            data = _validate(zf)
            return _import(actor, zf, data)
    except zipfile.BadZipFile:
        return ImportReport(False, ["The file is not a ZIP archive (or it is damaged)."])
    except OSError:
        return ImportReport(False, ["The uploaded file could not be read; please upload it again."])
    except _Invalid as exc:
        return ImportReport(False, [str(exc)])


def _validate(zf: zipfile.ZipFile) -> dict[str, Any]:
    names = set(zf.namelist())
    if MANIFEST not in names:
        raise _Invalid("This is not a SocialHub workspace export (manifest.json is missing).")
    try:
        manifest = json.loads(zf.read(MANIFEST))
    except ValueError as exc:
        raise _Invalid("manifest.json is not valid JSON.") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _Invalid("This is not a SocialHub export (unknown format).")
    if manifest.get("schema_version") != SCHEMA_VERSION:
        raise _Invalid(f"This export has schema version {manifest.get('schema_version')!r}; this instance reads "
                       f"version {SCHEMA_VERSION}. Export it again from an instance of the same version.")
    if manifest.get("kind") != "workspace":
        raise _Invalid("This is a personal data export; only workspace exports can be imported.")
    files = manifest.get("files") or {}
    problems = []
    for name in ("workspace.json", *LIST_FILES):
        if name not in names or name not in files:
            problems.append(f"{name} is missing.")
        elif sha256_of_entry(zf, name) != files[name].get("sha256"):
            problems.append(f"{name} was changed after the export (its checksum does not match).")
    if problems:
        raise _Invalid(" ".join(problems[:MAX_PROBLEMS]))
    try:
        data = {name: json.loads(zf.read(name)) for name in ("workspace.json", *LIST_FILES)}
    except ValueError as exc:
        raise _Invalid("A file of the export is not valid JSON.") from exc
    for name in LIST_FILES:
        if not isinstance(data[name], list) or len(data[name]) != files[name].get("count"):
            raise _Invalid(f"{name} does not hold the {files[name].get('count')} items the manifest lists.")
    _check_references(zf, names, data)
    return data


def _check_references(zf: zipfile.ZipFile, names: set[str], data: dict[str, Any]) -> None:
    problems: list[str] = []
    accounts = {a.get("id") for a in data["accounts.json"]}
    media = {m.get("id"): m for m in data["media.json"]}
    posts = {p.get("id") for p in data["posts.json"]}
    for p in data["posts.json"]:
        if not isinstance(p.get("body"), str) or not isinstance(p.get("targets"), list):
            problems.append(f"Post {p.get('id')!r} has no text or targets.")
            continue
        problems += [f"Post {p['id']} targets an account that is not in accounts.json."
                     for t in p["targets"] if t.get("account_id") not in accounts]  # fmt: skip
        problems += [f"Post {p['id']} uses media that is not in media.json." for m in p.get("media_ids") or []
                     if m not in media]  # fmt: skip
    problems += [f"Comment {c.get('id')!r} is on a post that is not in posts.json."
                 for c in data["comments.json"] if c.get("post_id") not in posts]  # fmt: skip
    problems += ["A posting slot belongs to an account that is not in accounts.json."
                 for q in data["queue_slots.json"] if q.get("account_id") not in accounts]  # fmt: skip
    checked: set[str] = set()
    for m in media.values():
        name = m.get("file") or ""
        if m.get("missing") or name in checked:
            continue
        if not name.startswith("media/") or name not in names:
            problems.append(f"The file of media {m.get('id')!r} is missing from the archive.")
        elif sha256_of_entry(zf, name) != m.get("sha256"):
            problems.append(f"{name} was changed after the export (its checksum does not match).")
        checked.add(name)
    if problems:
        more = f" (and {len(problems) - MAX_PROBLEMS} more)" if len(problems) > MAX_PROBLEMS else ""
        raise _Invalid(" ".join(problems[:MAX_PROBLEMS]) + more)


def _import(actor: CurrentUser, zf: zipfile.ZipFile, data: dict[str, Any]) -> ImportReport:
    written: list[str] = []
    try:
        with session_scope() as s:
            report = _write_rows(s, actor, zf, data, written)
    except _Invalid:
        _remove(written)
        raise
    except MediaError as exc:
        _remove(written)
        return ImportReport(False, [f"A media file was refused: {exc}"])
    except (ValueError, TypeError, KeyError, AttributeError, SQLAlchemyError) as exc:
        _remove(written)
        return ImportReport(False, [f"The export holds a value this instance cannot read ({type(exc).__name__})."])
    except BaseException:
        _remove(written)
        raise
    audit.audit(report.workspace_id, actor.user_id, "workspace.imported", counts=report.counts)
    return report


def _remove(paths: list[str]) -> None:
    remove_staged(paths)


def _write_rows(s: Any, actor: CurrentUser, zf: zipfile.ZipFile, data: dict[str, Any], written: list[str]) -> ImportReport:
    ws = data["workspace.json"]
    org = Organization(name=str(ws.get("name") or "Imported workspace")[:120],
                       ai_monthly_budget_usd=ws.get("ai_monthly_budget_usd"),
                       require_2fa=bool(ws.get("require_2fa")), created_at=_dt(ws.get("created_at")))  # fmt: skip
    s.add(org)
    s.flush()
    org_id = int(org.id)
    s.add(Membership(organization_id=org_id, user_id=actor.user_id, role="owner"))
    if ws.get("approvals"):
        s.add(ApprovalSettings(organization_id=org_id, mode=ws["approvals"]["mode"],
                               allow_external=bool(ws["approvals"]["allow_external"]), updated_by=actor.user_id))
    emails = {actor.email: actor.user_id}

    persona_ids: dict[Any, int] = {}
    for p in data["personas.json"]:
        row = Persona(organization_id=org_id, **{k: p[k] for k in records.PERSONA_FIELDS if k not in ("id", "created_at")},
                      created_at=_dt(p.get("created_at")))  # fmt: skip
        s.add(row)
        s.flush()
        persona_ids[p["id"]] = int(row.id)
    account_ids: dict[Any, int] = {}
    reconnect = []
    for a in data["accounts.json"]:
        fields = {k: a[k] for k in records.ACCOUNT_FIELDS if k not in ("id", "persona_id", "created_at")}
        row = SocialAccount(organization_id=org_id, **fields, persona_id=persona_ids.get(a.get("persona_id")),
                            status="needs_reconnect", status_reason=RECONNECT_REASON, token_blob=None,
                            connected_by=actor.user_id, created_at=_dt(a.get("created_at")))  # fmt: skip
        s.add(row)
        s.flush()
        account_ids[a["id"]] = int(row.id)
        reconnect.append(f"{a['platform']}: {a.get('username') or a.get('display_name')}")
    for t in data["templates.json"]:
        s.add(PromptTemplate(organization_id=org_id, user_id=None, action=t["action"], system_template=t["system_template"],
                             user_template=t["user_template"], updated_at=_dt(t.get("updated_at"))))  # fmt: skip
    for q in data["queue_slots.json"]:
        s.add(QueueSlot(organization_id=org_id, social_account_id=account_ids[q["account_id"]], weekday=int(q["weekday"]),
                        local_time=str(q["local_time"]), timezone=str(q["timezone"])))  # fmt: skip
    media_ids = _write_media(s, org_id, actor.user_id, zf, data["media.json"], written)
    post_ids = _write_posts(s, org_id, emails, data["posts.json"], account_ids, media_ids)
    for c in data["comments.json"]:
        s.add(Comment(organization_id=org_id, post_id=post_ids[c["post_id"]], author_id=emails.get(c.get("author_email")),
                      body=str(c["body"]), created_at=_dt(c.get("created_at"))))  # fmt: skip
    s.flush()
    counts = {"posts": len(post_ids), "accounts": len(account_ids), "media files": len(media_ids),
              "comments": len(data["comments.json"]), "personas": len(persona_ids),
              "templates": len(data["templates.json"])}  # fmt: skip
    return ImportReport(True, [], org_id, org.name, counts, reconnect)


def _write_media(s: Any, org_id: int, user_id: int, zf: zipfile.ZipFile, items: list[dict], written: list[str]) -> dict:
    ids: dict[Any, int] = {}
    for m in items:
        if m.get("missing"):
            continue
        with zf.open(m["file"]) as src:
            facts, files = stage_media(org_id, src)
        written.extend(files)
        row = MediaAsset(organization_id=org_id, uploaded_by=user_id, **facts, original_name=str(m.get("original_name") or "")[:255],
                         alt_text=str(m.get("alt_text") or ""), generated_prompt=str(m.get("generated_prompt") or ""),
                         created_at=_dt(m.get("created_at")))  # fmt: skip
        s.add(row)
        s.flush()
        ids[m["id"]] = int(row.id)
    return ids


def _write_posts(s: Any, org_id: int, emails: dict, items: list[dict], accounts: dict, media: dict) -> dict:
    ids: dict[Any, int] = {}
    dates = {"scheduled_at", "submitted_at", "reviewed_at", "created_at", "updated_at"}
    for p in items:
        values = {k: (_dt(p.get(k)) if k in dates else p.get(k)) for k in records.POST_FIELDS if k not in ("id", "series_id")}
        post = Post(organization_id=org_id, author_id=emails.get(p.get("author_email")), **values)
        s.add(post)
        s.flush()
        ids[p["id"]] = int(post.id)
        for pos, media_id in enumerate(p.get("media_ids") or []):
            if media_id in media:
                s.add(PostMedia(organization_id=org_id, post_id=post.id, media_asset_id=media[media_id], position=pos))
        for t in p["targets"]:
            tdates = {"published_at", "created_at", "updated_at"}
            values = {k: (_dt(t.get(k)) if k in tdates else t.get(k)) for k in records.TARGET_FIELDS}
            status = "scheduled" if values["status"] == "publishing" else values["status"]  # leases don't travel
            target = PostTarget(organization_id=org_id, post_id=post.id, social_account_id=accounts[t["account_id"]],
                                **{**values, "status": status})  # fmt: skip
            s.add(target)
            s.flush()
            if t.get("metrics"):
                m = t["metrics"]
                s.add(PostMetricSnapshot(organization_id=org_id, social_account_id=target.social_account_id,
                                         post_target_id=target.id, platform=m.get("platform") or "",
                                         captured_at=_dt(m.get("captured_at")), simulated=bool(m.get("simulated")),
                                         **{k: m.get(k) for k in records.METRICS}))  # fmt: skip
    for p in items:  # a series points at its first post: link once every post has its new id
        if p.get("series_id") is not None:
            if p["series_id"] not in ids:
                raise _Invalid(f"Post {p['id']} belongs to a series whose first post is not in posts.json.")
            s.get(Post, ids[p["id"]]).series_id = ids[p["series_id"]]
    return ids

