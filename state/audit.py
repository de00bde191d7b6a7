"""Audit log page: thin; services/audit/log.py checks "audit.read" and pages in the database.

Only one page of rows lives in the state. Paging is a keyset: the state keeps the cursors of the
pages already visited (server-side, `_cursors`) so "Newer" goes back without an OFFSET. Filter
values from the browser are validated by the service, and the workspace always comes from the
session.
"""

from __future__ import annotations

from urllib.parse import urlencode

import reflex as rx

from services.audit import log as audit_log
from services.auth import CurrentUser
from services.errors import UserError
from services.permissions import allowed
from state.runner import run_blocking
from state.session import current_user

ALL = "all"
EXPORT_PATH = "/audit/export.csv"


class AuditState(rx.State):
    rows: list[dict[str, str]] = []
    people: list[dict[str, str]] = []
    actions: list[dict[str, str]] = []
    person: str = ALL
    action: str = ALL
    start: str = ""
    end: str = ""
    total: int = 0
    page: int = 1
    has_older: bool = False
    allowed: bool = False
    error: str = ""
    _cursors: list[str] = []  # cursor of each visited page ("" = the first)
    _next: str = ""

    def _filters(self) -> audit_log.AuditFilters:
        return audit_log.AuditFilters(
            user_id=int(self.person) if self.person.isdigit() else None,
            action="" if self.action == ALL else self.action,
            start=audit_log.parse_day(self.start, "start"),
            end=audit_log.parse_day(self.end, "end"),
        )

    async def _show(self, user: CurrentUser, cursor: str) -> bool:
        self.error = ""
        try:
            f = self._filters()
            result = await run_blocking(audit_log.audit_page, user, f, cursor)
            self.total = await run_blocking(audit_log.count_entries, user, f)
        except UserError as exc:
            self.error = str(exc)
            return False
        self.rows = [
            {"id": str(r.id), "when": r.when, "person": r.person, "email": r.email, "action": r.action,
             "detail": r.detail}
            for r in result.rows
        ]  # fmt: skip
        self._next, self.has_older = result.next_cursor, bool(result.next_cursor)
        return True

    async def _first_page(self) -> None:
        user = await current_user(self)
        if user is None:
            return
        if await self._show(user, ""):
            self._cursors, self.page = [""], 1

    @rx.event
    async def load(self):
        user = await current_user(self)
        if user is None:
            return
        self.allowed = allowed(user.role, "audit.read")
        self.rows, self.total = [], 0
        if not self.allowed:
            return
        choices = await run_blocking(audit_log.filter_choices, user)
        self.people, self.actions = choices["people"], choices["actions"]
        await self._first_page()

    @rx.event
    async def set_person(self, value: str):
        self.person = value if value == ALL or value.isdigit() else ALL
        await self._first_page()

    @rx.event
    async def set_action(self, value: str):
        self.action = value[:80] or ALL
        await self._first_page()

    @rx.event
    async def set_start(self, value: str):
        self.start = value[:10]
        await self._first_page()

    @rx.event
    async def set_end(self, value: str):
        self.end = value[:10]
        await self._first_page()

    @rx.event
    async def clear(self):
        self.person = self.action = ALL
        self.start = self.end = ""
        await self._first_page()

    @rx.event
    async def older(self):
        user = await current_user(self)
        if user is None or not self._next:
            return
        cursor = self._next
        if await self._show(user, cursor):
            self._cursors = [*self._cursors, cursor]
            self.page = len(self._cursors)

    @rx.event
    async def newer(self):
        user = await current_user(self)
        if user is None or len(self._cursors) < 2:
            return
        cursors = self._cursors[:-1]
        if await self._show(user, cursors[-1]):
            self._cursors, self.page = cursors, len(cursors)

    @rx.event
    async def download_csv(self):
        user = await current_user(self)
        if user is None:
            return rx.redirect("/login")
        try:
            f = self._filters()
        except UserError as exc:
            return rx.toast.error(str(exc))
        query = urlencode({"user": f.user_id or "", "action": f.action, "start": self.start, "end": self.end})
        return rx.download(url=f"{EXPORT_PATH}?{query}", filename=audit_log.export_filename(f))
