"""Settings → Your data: download my data, export / import a workspace, delete my account.

Exports run in a background thread on the server (services.ownership.exports); this state only asks
for one and then watches its row (a background event polling once a second), so the page shows
progress and the download link without holding the event loop. Uploaded import archives are
copied to a temporary file in a worker thread and checked completely before anything is written.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path

import reflex as rx

from services.errors import UserError
from services.ownership import exports
from services.ownership.account_delete import delete_account, ownership_blockers
from services.ownership.importer import ImportReport, import_workspace
from services.permissions import allowed
from state.auth import post_form_script
from state.runner import run_blocking
from state.session import current_user

IMPORT_UPLOAD_ID = "workspace-import-upload"
WATCH_SECONDS = 1.0


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(n, 1) // 1024 or 1} KB"


def _fields(view: exports.ExportView | None) -> dict[str, str | int]:
    if view is None:
        return {"status": "", "progress": 0, "message": "", "url": "", "size": ""}
    return {"status": view.status, "progress": view.progress, "message": view.message, "url": view.url,
            "size": _size(view.size_bytes) if view.size_bytes else ""}  # fmt: skip


def _import_from_upload(user, source) -> ImportReport:  # noqa: ANN001
    """Spool the upload to a private temp file (in chunks), import it, remove the file."""
    with tempfile.NamedTemporaryFile(suffix=".zip", delete=False) as tmp:
        shutil.copyfileobj(source, tmp, 1024 * 1024)
    try:
        return import_workspace(user, Path(tmp.name))
    finally:
        Path(tmp.name).unlink(missing_ok=True)


class SettingsDataState(rx.State):
    mine: dict[str, str | int] = _fields(None)
    workspace: dict[str, str | int] = _fields(None)
    can_export_workspace: bool = False
    can_import: bool = False
    totp_enabled: bool = False
    blockers: list[str] = []
    error: str = ""
    import_ok: bool = False
    import_summary: str = ""
    import_problems: list[str] = []
    import_reconnect: list[str] = []
    delete_error: str = ""
    watching: bool = False

    async def _refresh(self, user) -> None:  # noqa: ANN001
        mine = await run_blocking(exports.latest_export, user, exports.PERSONAL)
        self.mine = _fields(mine)
        if allowed(user.role, "workspace.export"):
            self.workspace = _fields(await run_blocking(exports.latest_export, user, exports.WORKSPACE))

    @rx.event
    async def load(self):
        user = await current_user(self)
        if user is None:
            return None
        self.error = self.delete_error = ""
        self.can_export_workspace = allowed(user.role, "workspace.export")
        self.can_import = allowed(user.role, "workspace.import")
        self.totp_enabled = user.totp_enabled
        self.blockers = await run_blocking(ownership_blockers, user.user_id)
        await self._refresh(user)
        if "running" in (self.mine["status"], self.workspace["status"]) or "queued" in (
            self.mine["status"], self.workspace["status"]):  # fmt: skip
            return SettingsDataState.watch
        return None

    @rx.event
    async def request_export(self, kind: str):
        user = await current_user(self)
        if user is None:
            return None
        self.error = ""
        try:
            if kind == exports.WORKSPACE:
                self.workspace = _fields(await run_blocking(exports.request_workspace_export, user))
            else:
                self.mine = _fields(await run_blocking(exports.request_personal_export, user))
        except UserError as exc:
            self.error = str(exc)
            return None
        return SettingsDataState.watch

    @rx.event(background=True)
    async def watch(self):
        """Poll the export rows until no job of this person is running (at most 30 minutes)."""
        async with self:
            if self.watching:
                return
            self.watching = True
        try:
            for _ in range(int(1800 / WATCH_SECONDS)):
                await asyncio.sleep(WATCH_SECONDS)
                async with self:
                    user = await current_user(self)
                if user is None:
                    return
                mine = await run_blocking(exports.latest_export, user, exports.PERSONAL)  # outside the state lock
                ws = await run_blocking(exports.latest_export, user, exports.WORKSPACE)
                async with self:
                    self.mine = _fields(mine)
                    if self.can_export_workspace:
                        self.workspace = _fields(ws)
                    if {self.mine["status"], self.workspace["status"]}.isdisjoint({"queued", "running"}):
                        return
        finally:
            async with self:
                self.watching = False

    @rx.event
    async def download(self, which: str):
        """The signed link of the person's newest ready archive (the route checks signature, expiry, owner)."""
        user = await current_user(self)
        if user is None:
            return rx.redirect("/login")
        kind = exports.WORKSPACE if which == "workspace-export" else exports.PERSONAL
        view = await run_blocking(exports.latest_export, user, kind)
        if view is None or not view.url:
            return rx.toast.error("No archive is ready; request a new export.")
        name = "socialhub-my-data.zip" if kind == exports.PERSONAL else "socialhub-workspace.zip"
        return rx.download(url=view.url, filename=name)

    @rx.event
    async def handle_import(self, files: list[rx.UploadFile]):
        user = await current_user(self)
        if user is None or not files:
            return None
        self.import_summary, self.import_problems, self.import_reconnect, self.import_ok = "", [], [], False
        try:
            report = await run_blocking(_import_from_upload, user, files[0].file)
        except UserError as exc:
            self.import_summary, self.import_problems = "Nothing was imported.", [str(exc)]
            return None
        self.import_ok, self.import_summary = report.ok, report.summary()
        self.import_problems, self.import_reconnect = list(report.problems), list(report.reconnect)
        return None

    @rx.event
    async def delete_my_account(self, form: dict):
        user = await current_user(self)
        if user is None:
            return None
        self.delete_error = ""
        if str(form.get("confirm", "")).strip().upper() != "DELETE":
            self.delete_error = "Type DELETE to confirm."
            return None
        try:
            await run_blocking(delete_account, user, str(form.get("password", "")), str(form.get("code", "")))
        except UserError as exc:
            self.delete_error = str(exc)
            return None
        # every session is gone: clear the cookie and land on the login page (a full navigation)
        return rx.call_script(post_form_script("/auth/logout", {}))
