"""Posts table: search, filters, sorting and pagination all done by the database (one page in state).

Bulk actions report per post, because each post is accepted or refused on its own (a published
post can't be moved, a missing one can't be deleted) and the user needs to see which and why.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import reflex as rx

from services import accounts as accounts_service
from services import guarded
from services.errors import UserError
from services.posts import PostError, listing
from services.publishing.states import PostStatus
from services.wording import count, first_words
from state.display import day_iso, when, when_iso
from state.runner import run_blocking
from state.session import current_user

PAGE_SIZE = 25
MAX_NAMED = 5  # the delete dialog names this many posts, then "and N more"
ALL = "all"
#: The status filter's choices: every post status.
STATUS_CHOICES: list[str] = [s.value for s in PostStatus]
#: Statuses whose row shows the publish time instead of the schedule.
PUBLISHED_STATUSES = {PostStatus.PUBLISHED.value, PostStatus.PARTIALLY_FAILED.value}
OFFSET_UNITS = {"minutes": 1 / 60, "hours": 1, "days": 24, "weeks": 24 * 7}


@dataclasses.dataclass
class PostRow:
    id: str = ""
    text: str = ""
    status: str = ""
    when: str = ""
    created: str = ""
    platforms: list[str] = dataclasses.field(default_factory=list)
    recurring: bool = False
    live_url: str = ""  # the first live copy (shown beside "content not stored" in privacy mode)
    accounts: str = ""  # "Ann (Mastodon), Demo (Demo network)" — how a person tells two posts apart


@dataclasses.dataclass
class BulkResult:
    post_id: str = ""
    ok: bool = False
    message: str = ""
    label: str = ""  # the post's first words: results speak of posts by their text, never by id


def describe_post(row: PostRow) -> str:
    """“First words…” · account · time — how the delete dialog names a post."""
    parts = [f"“{first_words(row.text)}”"]
    if row.accounts:
        parts.append(row.accounts)
    parts.append(row.when if row.when != "No date" else "no date yet")
    return " · ".join(parts)


class PostsListState(rx.State):
    search: str = ""
    account_filter: str = ALL
    status_filter: str = ALL
    date_from: str = ""
    date_to: str = ""
    sort: str = "-scheduled_at"
    page: int = 1
    total: int = 0
    rows: list[PostRow] = []
    accounts: list[dict[str, str]] = []
    selected: list[str] = []
    offset_amount: str = "1"
    offset_unit: str = "days"
    results: list[BulkResult] = []
    confirm_delete_open: bool = False
    delete_title: str = ""
    delete_confirm_label: str = "Delete post"
    delete_lines: list[str] = []  # the posts about to be deleted, by text, account and time
    error: str = ""  # a problem with the date filter, shown under the date fields
    offset_error: str = ""  # a problem with "Move by", shown under that field
    timezone: str = "UTC"

    @rx.var
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    @rx.var
    def all_selected(self) -> bool:
        return bool(self.rows) and all(r.id in self.selected for r in self.rows)

    @rx.event
    async def load(self):
        user = await current_user(self)
        if user is None:
            return
        self.accounts = [
            {"id": str(a["id"]), "label": f"{a['display_name']} ({a['platform_label']})"}
            for a in await run_blocking(accounts_service.list_accounts, user.organization_id)
        ]
        self.results, self.selected = [], []
        await self._refresh(user.organization_id, user.timezone)

    async def _refresh(self, org_id: int, tz: str) -> None:
        self.error, self.timezone = "", tz
        try:
            start = date.fromisoformat(self.date_from) if self.date_from else None
            end = date.fromisoformat(self.date_to) if self.date_to else None
        except ValueError:
            self.error = "Please pick valid dates (or press Clear to show every post)."
            return
        try:
            rows, total = await run_blocking(listing.list_posts,
                org_id, search=self.search,
                account_ids=[int(self.account_filter)] if self.account_filter.isdigit() else None,
                statuses=[self.status_filter] if self.status_filter != ALL else None,
                date_from=start, date_to=end, sort=self.sort, page=self.page, page_size=PAGE_SIZE, tz=tz,
            )  # fmt: skip
        except (UserError, ValueError) as exc:
            self.error = str(exc)
            return
        if rows == [] and total and self.page > 1:  # the page emptied (bulk delete): step back
            self.page = max(1, -(-total // PAGE_SIZE))
            return await self._refresh(org_id, tz)
        self.total = total
        self.rows = [
            PostRow(id=str(r["id"]), text=r["text"] or "(no text)", status=r["status"],
                    when=self._when_text(r, tz), created=day_iso(self, r["created_at"], tz),
                    platforms=list(r["platforms"]), recurring=r["series_id"] is not None,
                    live_url=r.get("live_url", "") if r.get("content_purged") else "",
                    accounts=", ".join(dict.fromkeys(t["account_name"] for t in r["targets"])))
            for r in rows
        ]  # fmt: skip
        visible = {r.id for r in self.rows}
        self.selected = [s for s in self.selected if s in visible]

    def _when_text(self, row: dict, tz: str) -> str:
        """A published post shows when it went out ("Published …"), not the time it was planned for."""
        if row.get("published_at") is not None and row["status"] in PUBLISHED_STATUSES:
            return "Published " + when(self, row["published_at"], tz)
        return when_iso(self, row["scheduled_at"], tz, empty="No date")

    async def _reload(self, first_page: bool = False) -> None:
        if first_page:
            self.page = 1
        user = await current_user(self)
        if user is not None:
            await self._refresh(user.organization_id, user.timezone)

    # --- filters, sorting, pages -----------------------------------------------------------
    @rx.event
    async def set_search(self, value: str):
        if value != self.search:
            self.search = value[:200]
            await self._reload(first_page=True)

    @rx.event
    async def set_account_filter(self, value: str):
        self.account_filter = value
        await self._reload(first_page=True)

    @rx.event
    async def set_status_filter(self, value: str):
        self.status_filter = value
        await self._reload(first_page=True)

    @rx.event
    async def set_date_from(self, value: str):
        self.date_from = value
        await self._reload(first_page=True)

    @rx.event
    async def set_date_to(self, value: str):
        self.date_to = value
        await self._reload(first_page=True)

    @rx.event
    async def clear_filters(self):
        self.search, self.account_filter, self.status_filter, self.date_from, self.date_to = "", ALL, ALL, "", ""
        await self._reload(first_page=True)

    @rx.event
    async def sort_by(self, column: str):
        self.sort = f"-{column}" if self.sort == column else column if self.sort == f"-{column}" else f"-{column}"
        await self._reload(first_page=True)

    @rx.event
    async def go_page(self, page: int):
        self.page = min(max(1, int(page)), self.pages)
        await self._reload()

    # --- selection -------------------------------------------------------------------------
    @rx.event
    def toggle_row(self, post_id: str):
        self.selected = (
            [s for s in self.selected if s != post_id] if post_id in self.selected else [*self.selected, post_id]
        )

    @rx.event
    def toggle_all(self):
        self.selected = [] if self.all_selected else [r.id for r in self.rows]

    @rx.event
    def set_offset_amount(self, value: str):
        self.offset_amount = value
        self.offset_error = ""  # the message belongs to the old value

    @rx.event
    def set_offset_unit(self, value: str):
        self.offset_unit = value if value in OFFSET_UNITS else "days"

    # --- bulk actions ----------------------------------------------------------------------
    async def _bulk(self, action: str):  # noqa: ANN202
        user = await current_user(self)
        if user is None:
            return rx.redirect("/login")
        self.results = []
        ids = [int(s) for s in self.selected]
        try:
            offset = self._offset() if action == "reschedule" else timedelta(0)
        except PostError as exc:  # an input problem: said next to the field, not as a toast
            self.offset_error = str(exc)
            return None
        try:
            if action == "delete":
                outcome = await run_blocking(guarded.bulk_delete, user, ids)
            elif action == "duplicate":
                outcome = await run_blocking(guarded.bulk_duplicate, user, ids)
            else:
                outcome = await run_blocking(guarded.bulk_reschedule, user, ids, offset)
        except (UserError, ValueError) as exc:  # an outcome (refused as a whole): a toast, no red box
            return rx.toast.error(str(exc))
        labels = {r.id: first_words(r.text) for r in self.rows}
        self.results = [
            BulkResult(post_id=str(r["post_id"]), ok=bool(r["ok"]), message=r["message"],
                       label=labels.get(str(r["post_id"]), "A post that is no longer listed"))
            for r in outcome
        ]  # fmt: skip
        self.selected = []
        await self._refresh(user.organization_id, user.timezone)
        done = sum(1 for r in outcome if r["ok"])
        verb = {"delete": "deleted", "duplicate": "duplicated", "reschedule": "rescheduled"}[action]
        summary = (f"{count(done, 'post')} {verb}." if done == len(outcome)
                   else f"{done} of {count(len(outcome), 'post')} {verb}; see below for the others.")
        return rx.toast.success(summary) if done == len(outcome) else rx.toast.warning(summary)

    def _offset(self) -> timedelta:
        try:
            amount = float(self.offset_amount.strip().replace(",", "."))
        except ValueError:
            raise PostError("Enter how far to move the posts, e.g. 2 (days) or -1.") from None
        if not amount:
            raise PostError("Enter how far to move the posts, e.g. 2 (days) or -1.")
        return timedelta(hours=amount * OFFSET_UNITS[self.offset_unit])

    @rx.event
    def ask_bulk_delete(self):
        """Deleting can't be undone: first name what would go (by text, account and time) and ask."""
        chosen = [r for r in self.rows if r.id in self.selected]
        if not chosen:
            return rx.toast.error("Select at least one post.")
        self.delete_title = "Delete this post?" if len(chosen) == 1 else f"Delete {count(len(chosen), 'post')}?"
        self.delete_confirm_label = "Delete post" if len(chosen) == 1 else f"Delete {count(len(chosen), 'post')}"
        shown = [describe_post(r) for r in chosen[:MAX_NAMED]]
        if len(chosen) > MAX_NAMED:
            shown.append(f"and {count(len(chosen) - MAX_NAMED, 'more post')}")
        self.delete_lines = shown
        self.confirm_delete_open = True
        return None

    @rx.event
    def cancel_bulk_delete(self):
        self.confirm_delete_open = False

    @rx.event
    def set_delete_open(self, value: bool):
        """Escape closes the dialog (Radix asks to close); it never opens it without the list of posts."""
        if not value:
            self.confirm_delete_open = False

    @rx.event
    async def bulk_delete(self):
        """The confirmed delete (from the dialog)."""
        self.confirm_delete_open = False
        return await self._bulk("delete")

    @rx.event
    async def bulk_duplicate(self):
        return await self._bulk("duplicate")

    @rx.event
    async def bulk_reschedule(self):
        return await self._bulk("reschedule")

    @rx.event
    def clear_results(self):
        self.results = []
