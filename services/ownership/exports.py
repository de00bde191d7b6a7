"""Export jobs: "Download my data" (every person) and "Export workspace" (Owner), built in the background.

Why a thread and a row: an archive of a big workspace takes minutes, which must not block the
event loop (or the person's page), and its progress must survive a reload. The request creates a
`data_exports` row and starts a daemon thread that writes the ZIP to `<data_dir>/exports/` (0600)
under a temporary name, updating `progress` as it goes, then renames it into place.

The download link is signed (HMAC of the export id, its file name and the expiry under a key
derived from the instance secret) and expires after `SOCIALHUB_EXPORT_HOURS` (default 48 h),
after which the file is deleted. The route also requires the requester's own login session, so a
forwarded email alone downloads nothing. When SMTP is configured the link is also mailed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from services import mail
from services.audit import audit_in
from services.auth import CurrentUser, totp_enabled
from services.config import get_settings
from services.db import session_scope
from services.media.sniff import EXTENSIONS, MediaError
from services.models import Comment, DataExport, MediaAsset, Post, PromptTemplate, User, utcnow
from services.ownership import records
from services.ownership.archive import PERSONAL_README, README, WORKSPACE_README, ArchiveWriter, json_default
from services.ownership.media_io import media_chunks
from services.permissions import require
from services.security.file_modes import private_dir

log = logging.getLogger("socialhub.privacy")
PERSONAL, WORKSPACE = "personal", "workspace"
STALE_AFTER = timedelta(hours=6)  # a job whose process died: shown as failed, may be requested again


@dataclass(frozen=True)
class ExportView:
    id: int
    kind: str
    status: str
    progress: int
    message: str
    size_bytes: int
    created_at: datetime
    expires_at: datetime | None
    url: str  # "" until ready


def export_hours() -> float:
    try:
        return float(os.environ.get("SOCIALHUB_EXPORT_HOURS", "48") or 48)
    except ValueError:
        return 48.0


def exports_dir() -> Path:
    return private_dir(get_settings().data_dir / "exports")


def _signature(export_id: int, file_name: str, expires: int) -> str:
    key = hashlib.sha256(("data-export:" + get_settings().secret_keys[0]).encode()).digest()
    return hmac.new(key, f"{export_id}:{file_name}:{expires}".encode(), hashlib.sha256).hexdigest()[:40]


def download_path(row: DataExport) -> str:
    expires = int(row.expires_at.timestamp()) if row.expires_at else 0
    return f"/exports/{row.id}/{expires}/{_signature(int(row.id), row.file_name, expires)}"


def _view(row: DataExport) -> ExportView:
    url = download_path(row) if row.status == "ready" else ""
    return ExportView(int(row.id), row.kind, row.status, row.progress, row.message, int(row.size_bytes or 0),
                      row.created_at, row.expires_at, url)  # fmt: skip


# --- requesting and reading jobs -----------------------------------------------------------------


def request_personal_export(actor: CurrentUser, *, background: bool = True) -> ExportView:
    """Everyone may download their own data ("self.data")."""
    require(actor, "self.data")
    return _request(actor, PERSONAL, None, background)


def request_workspace_export(actor: CurrentUser, *, background: bool = True) -> ExportView:
    require(actor, "workspace.export")
    return _request(actor, WORKSPACE, actor.organization_id, background)


def _request(actor: CurrentUser, kind: str, org_id: int | None, background: bool) -> ExportView:
    purge_expired()
    with session_scope() as s:
        running = s.execute(
            select(DataExport).where(DataExport.user_id == actor.user_id, DataExport.kind == kind,
                                     DataExport.organization_id.is_(None) if org_id is None
                                     else DataExport.organization_id == org_id,
                                     DataExport.status.in_(("queued", "running")))
        ).scalars().first()  # fmt: skip
        if running is not None and running.created_at > utcnow() - STALE_AFTER:
            return _view(running)  # one at a time: a second click shows the same progress
        row = DataExport(kind=kind, user_id=actor.user_id, organization_id=org_id,
                         file_name=f"{kind}-{secrets.token_hex(12)}.zip")  # fmt: skip
        s.add(row)
        s.flush()
        audit_in(s, actor.organization_id, actor.user_id,
                 "workspace.export_requested" if kind == WORKSPACE else "user.data_export_requested", export=row.id)
        export_id = int(row.id)
    if background:
        threading.Thread(target=run_export, args=(export_id,), daemon=True, name=f"export-{export_id}").start()
    else:
        run_export(export_id)
    return latest_export(actor, kind)  # type: ignore[return-value]


def latest_export(actor: CurrentUser, kind: str) -> ExportView | None:
    """The person's newest export of this kind (for a workspace export: of their current workspace)."""
    with session_scope() as s:
        query = select(DataExport).where(DataExport.user_id == actor.user_id, DataExport.kind == kind)
        if kind == WORKSPACE:
            query = query.where(DataExport.organization_id == actor.organization_id)
        row = s.execute(query.order_by(DataExport.id.desc()).limit(1)).scalars().first()
        if row is None:
            return None
        if row.status in ("queued", "running") and row.created_at < utcnow() - STALE_AFTER:
            row.status, row.message = "failed", "The export was interrupted (the server restarted). Please try again."
        return _view(row)


def resolve_download(user_id: int, export_id: int, expires: int, signature: str) -> tuple[Path, str] | None:
    """(file, download name) for a valid, unexpired link of this person's own export, else None."""
    if expires < time.time():
        return None
    with session_scope() as s:
        row = s.get(DataExport, export_id)
        if row is None or row.status != "ready" or row.user_id != user_id:
            return None
        if not hmac.compare_digest(_signature(export_id, row.file_name, expires), signature or ""):
            return None
        if row.expires_at is None or int(row.expires_at.timestamp()) != expires:
            return None
        path = exports_dir() / row.file_name
        stamp = row.created_at.strftime("%Y-%m-%d")
        name = f"socialhub-{'my-data' if row.kind == PERSONAL else 'workspace'}-{stamp}.zip"
    return (path, name) if path.is_file() else None


def purge_expired() -> int:
    """Delete archives whose link expired (called on every request; cheap when there are none)."""
    now, gone = utcnow(), 0
    with session_scope() as s:
        rows = s.execute(
            select(DataExport).where(DataExport.status == "ready", DataExport.expires_at < now)
        ).scalars().all()
        for row in rows:
            (exports_dir() / row.file_name).unlink(missing_ok=True)
            row.status, row.message = "expired", "The download link expired; request a new export."
            gone += 1
        known = set(s.execute(select(DataExport.file_name)).scalars())
    for path in exports_dir().glob("*.zip"):  # archives whose row went with a deleted workspace
        if path.name not in known:
            path.unlink(missing_ok=True)
            gone += 1
    return gone


def delete_user_exports(s: Any, user_id: int) -> None:
    """Account deletion: every archive of the person goes (files and rows)."""
    for row in s.execute(select(DataExport).where(DataExport.user_id == user_id)).scalars().all():
        (exports_dir() / row.file_name).unlink(missing_ok=True)
        (exports_dir() / (row.file_name + ".part")).unlink(missing_ok=True)
        s.delete(row)


# --- the job -------------------------------------------------------------------------------------


class _Progress:
    """Writes the percentage at most twice a second (a 10,000-post export must not write 10,000 rows)."""

    def __init__(self, export_id: int) -> None:
        self.export_id, self.last, self.value = export_id, 0.0, -1

    def set(self, percent: float, message: str = "", force: bool = False) -> None:
        value = max(0, min(99, int(percent)))
        now = time.monotonic()
        if not force and (value == self.value or now - self.last < 0.5):
            return
        self.last, self.value = now, value
        with session_scope() as s:
            row = s.get(DataExport, self.export_id)
            row.status, row.progress = "running", value
            if message:
                row.message = message


def run_export(export_id: int) -> None:
    """Build the archive of one export row (blocking; normally in its own thread)."""
    with session_scope() as s:
        row = s.get(DataExport, export_id)
        kind, user_id, org_id, file_name = row.kind, row.user_id, row.organization_id, row.file_name
    final = exports_dir() / file_name
    part = final.with_name(file_name + ".part")
    progress = _Progress(export_id)
    progress.set(0, "Starting…", force=True)
    try:
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(fd)
        writer = ArchiveWriter(part)
        try:
            if kind == WORKSPACE:
                manifest = _write_workspace(writer, int(org_id), progress)
            else:
                manifest = _write_personal(writer, user_id, progress)
            writer.close({"kind": kind, "exported_at": utcnow(), "instance": get_settings().base_url, **manifest})
        except BaseException:
            writer.abort()
            raise
        os.replace(part, final)
    except Exception:
        log.exception("export %s failed", export_id)
        part.unlink(missing_ok=True)
        with session_scope() as s:
            row = s.get(DataExport, export_id)
            row.status, row.message, row.finished_at = "failed", "The export failed; please try again.", utcnow()
        return
    expires = utcnow() + timedelta(hours=export_hours())
    with session_scope() as s:
        row = s.get(DataExport, export_id)
        row.status, row.progress, row.message = "ready", 100, "Ready to download."
        row.size_bytes, row.finished_at = final.stat().st_size, utcnow()
        row.expires_at = expires.replace(microsecond=0)
        email = s.get(User, user_id).email
        link = get_settings().base_url + download_path(row)
    if mail.mail_configured():
        _mail_link(email, kind, link)


def _mail_link(email: str, kind: str, link: str) -> None:
    what = "your data" if kind == PERSONAL else "the workspace export"
    text = (f"The archive of {what} you asked for is ready:\n\n{link}\n\nSign in to SocialHub first; the link "
            f"works for you only and expires in {export_hours():g} hours.\n")  # fmt: skip
    try:
        mail.send(email, "Your SocialHub export is ready", text)
    except mail.MailError:
        log.warning("could not mail an export link")  # the link is on the Settings page anyway


def _write_media(writer: ArchiveWriter, s: Any, where: Any, progress: _Progress, start: float) -> int:
    """media.json and media/<sha256>.<ext>; progress from `start` to 99 % by bytes copied."""
    total = s.execute(select(func.coalesce(func.sum(MediaAsset.size_bytes), 0)).where(where)).scalar() or 0
    copied = [0]
    seen: set[str] = set()

    def tick(n: int) -> None:
        copied[0] += n
        progress.set(start + (99 - start) * copied[0] / max(total, 1), "Copying media…")

    # The ZIP takes one open entry at a time: copy the files first, keeping each asset's metadata
    # as a JSON line in a temporary file (not a list in memory), then write media.json from it.
    with tempfile.TemporaryFile("w+", encoding="utf-8") as lines:
        for meta, storage_path in records.media(s, where):
            name = f"media/{meta['sha256'] or meta['id']}{EXTENSIONS.get(meta['mime_type'], '')}"
            meta["file"] = name
            if name not in seen:
                try:
                    writer.copy_file(name, media_chunks(storage_path), tick)
                    seen.add(name)
                except (FileNotFoundError, MediaError):
                    meta["file"], meta["missing"] = "", True
            lines.write(json.dumps(meta, default=json_default) + "\n")
        lines.seek(0)
        return writer.write_json_list("media.json", (json.loads(line) for line in lines))


def _write_workspace(writer: ArchiveWriter, org_id: int, progress: _Progress) -> dict[str, Any]:
    writer.write_text(README, WORKSPACE_README)
    with session_scope() as s:
        ws = records.workspace(s, org_id)
        writer.write_json("workspace.json", ws)
        writer.write_json_list("members.json", records.members(s, org_id))
        writer.write_json_list("accounts.json", records.accounts(s, org_id))
        writer.write_json_list("personas.json", records.personas(s, org_id))
        writer.write_json_list("templates.json", records.templates(
            s, PromptTemplate.organization_id == org_id, PromptTemplate.user_id.is_(None)))
        writer.write_json_list("queue_slots.json", records.queue_slots(s, org_id))
        total = s.execute(select(func.count()).select_from(Post).where(Post.organization_id == org_id)).scalar() or 0
        done = [0]

        def counted(items: Any) -> Any:
            for item in items:
                done[0] += 1
                progress.set(2 + 48 * done[0] / max(total, 1), "Writing posts…")
                yield item

        writer.write_json_list("posts.json", counted(records.posts(s, Post.organization_id == org_id)))
        writer.write_json_list("comments.json", records.comments(s, Comment.organization_id == org_id))
        _write_media(writer, s, MediaAsset.organization_id == org_id, progress, 50)
    return {"workspace": {"id": org_id, "name": ws["name"]}}


def _write_personal(writer: ArchiveWriter, user_id: int, progress: _Progress) -> dict[str, Any]:
    writer.write_text(README, PERSONAL_README)
    with session_scope() as s:
        writer.write_json("profile.json", records.profile(s, user_id, totp_enabled(s, user_id)))
        writer.write_json_list("memberships.json", records.memberships(s, user_id))
        writer.write_json_list("sessions.json", records.sessions(s, user_id))
        progress.set(10, "Writing your posts…")
        writer.write_json_list("posts.json", records.posts(s, Post.author_id == user_id))
        writer.write_json_list("comments.json", records.comments(s, Comment.author_id == user_id))
        writer.write_json_list("ai_providers.json", records.ai_providers(s, user_id))
        writer.write_json_list("templates.json", records.templates(s, PromptTemplate.user_id == user_id))
        writer.write_json("tokens.json", records.tokens(s, user_id))
        writer.write_json_list("notifications.json", records.notifications(s, user_id))
        writer.write_json_list("alert_preferences.json", records.alert_preferences(s, user_id))
        writer.write_json_list("audit.json", records.audit(s, user_id))
        progress.set(50, "Copying your media…")
        _write_media(writer, s, MediaAsset.uploaded_by == user_id, progress, 50)
    return {"user_id": user_id}

