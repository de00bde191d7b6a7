"""Automation → Import / export: upload a CSV → preview with each row's problems → Import; export CSV/JSON.

The uploaded file stays on the server (`_csv`, never sent to the browser); only one page of preview
rows (problem rows first) goes to the page. "Import" checks the same bytes again in the service,
so a preview can't be used to sneak a changed file in.
"""

from __future__ import annotations

import reflex as rx

from services.errors import UserError
from services.imports.csv_import import import_posts, preview_dict, preview_import
from services.imports.csv_rows import MAX_BYTES
from services.imports.export import export_csv, export_json
from services.permissions import require
from services.wording import count
from state.runner import run_blocking
from state.session import current_user

UPLOAD_ID = "csv-import-upload"


def _read_limited(upload: rx.UploadFile) -> bytes:
    data = upload.file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise UserError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it.")
    return data


def _row(row: dict) -> dict[str, str]:
    text = " ".join((row["text"] or "").split())
    return {
        "line": str(row["line"]), "text": text if len(text) <= 90 else text[:89] + "…",
        "accounts": ", ".join(row["account_labels"]) or "—", "when": row["local_time"] or "draft",
        "action": row["action"], "media": str(len(row["media_ids"]) + len(row["media_urls"])),
        "problems": " • ".join(row["problems"]), "ok": "" if row["problems"] else "yes",
    }  # fmt: skip


class ImportExportState(rx.State):
    file_name: str = ""
    rows: list[dict[str, str]] = []
    summary: str = ""
    file_problems: list[str] = []
    ready: bool = False
    total: int = 0
    problem_count: int = 0
    error: str = ""  # the last refusal (a toast, or under the file field when it is about the file)
    notice: str = ""
    file_error: str = ""  # a problem with the chosen file, under the upload; cleared by the next file
    _csv: bytes = b""

    @rx.event
    async def load(self):
        self.error = self.notice = self.file_error = ""

    @rx.event
    async def handle_upload(self, files: list[rx.UploadFile]):
        user = await current_user(self)
        if user is None or not files:
            return
        self.error = self.notice = self.file_error = ""
        try:
            require(user, "posts.import")
            data = await run_blocking(_read_limited, files[0])
            preview = await run_blocking(preview_import, user.organization_id, data, user.timezone)
        except UserError as exc:
            self.error, self.ready, self.rows = str(exc), False, []
            self.file_error = self.error
        shown = preview_dict(preview)
        self._csv, self.file_name = data, files[0].name or "posts.csv"
        self.rows = [_row(r) for r in shown["rows"]]
        self.summary, self.file_problems, self.ready = shown["summary"], shown["file_problems"], shown["ok"]
        self.total, self.problem_count = shown["total"], shown["problem_count"]

    @rx.event
    async def do_import(self):
        user = await current_user(self)
        if user is None:
            return None
        self.error = self.notice = ""
        try:
            require(user, "posts.import")
            if not self._csv:
                raise UserError("Choose a CSV file first.")
            ids = await run_blocking(import_posts, user.organization_id, user.user_id, self._csv, user.timezone)
        except UserError as exc:
            self.error = str(exc)
            return rx.toast.error(self.error)
        self._csv, self.rows, self.ready, self.file_name, self.summary = b"", [], False, "", ""
        # one message, kept on the page (it says where to find them); no toast repeating it
        self.notice = f"Imported {count(len(ids), 'post')}. {'It is' if len(ids) == 1 else 'They are'} on the calendar and in the posts list."
        return None

    @rx.event
    def clear(self):
        self._csv, self.rows, self.ready, self.file_name, self.summary, self.file_problems = b"", [], False, "", "", []
        self.error = self.notice = self.file_error = ""

    @rx.event
    async def export(self, kind: str):
        user = await current_user(self)
        if user is None:
            return None
        try:
            require(user, "posts.read")
            if kind == "json":
                return rx.download(data=await run_blocking(export_json, user.organization_id), filename="posts.json")
            return rx.download(data=await run_blocking(export_csv, user.organization_id), filename="posts.csv")
        except UserError as exc:
            self.error = str(exc)
            return rx.toast.error(self.error)
