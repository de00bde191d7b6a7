"""Composer: pick accounts, write, customize per account, attach media, then draft/schedule/publish."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import datetime

import reflex as rx

from services import accounts as accounts_service
from services import guarded, posts, timezones
from services.auth import CurrentUser
from services.errors import UserError
from services.media import get_asset
from services.posts import composer_rules, preview
from services.posts.watch import publishing_or_due_within
from services.publishing.states import PostStatus, TargetStatus
from state.compose_rows import media_entry, parse_prefill, post_name, result_entry
from state.display import when
from state.runner import run_blocking
from state.session import current_user

WATCH_SECONDS = 15 * 60


class ComposeState(rx.State):
    accounts: list[dict] = []
    selected_ids: list[str] = []
    main_text: str = ""
    overrides: dict[str, str] = {}
    active_tab: str = "main"
    media: list[dict] = []
    rows: list[dict] = []
    schedule_date: str = ""
    schedule_time: str = ""
    user_timezone: str = "UTC"
    post_id: int = 0
    post_status: str = ""
    results: list[dict] = []
    error: str = ""
    notice: str = ""
    working: bool = False
    # React key of the editors: changed only when the server replaces what they show (see components/fields.py)
    editor_version: int = 0
    # what the state machine lets this post do (services/posts/composer_rules.py), and why it can't go out
    allowed: list[str] = list(composer_rules.NEW_POST_ACTIONS)
    read_only: bool = False
    blocked_reason: str = ""
    autosave_label: str = ""  # "Saved 10:42"
    scheduled_label: str = ""  # the loaded post's time, in the one display format
    _edit_seq: int = 0  # bumped by every edit and every explicit save: a pending autosave checks it
    _dirty: bool = False  # edited since the last save
    _autosaved_id: int = 0  # the draft autosave wrote; restored when the person comes back to /compose

    # --- loading ---------------------------------------------------------------------------
    @rx.event
    async def load(self):
        user = await current_user(self)
        if user is None:
            return None
        shown = (self.main_text, dict(self.overrides))
        query = self.router.url.query_parameters
        raw, prefill = query.get("post", ""), parse_prefill(query.get("at", ""), query.get("account", ""))
        if self._dirty:
            from state.compose_more import autosave_now  # noqa: PLC0415 - the module imports this one

            await autosave_now(self, user)  # typed a moment before leaving: keep it before the reset
        restore = 0 if raw.isdigit() or prefill else self._autosaved_id
        self._reset_form()
        self.user_timezone = user.timezone
        self.accounts = [
            {
                "id": str(a["id"]),
                "platform": a["platform"],
                "display_name": a["display_name"],
                "label": a["platform_label"],
                "status": a["status"],
            }
            for a in await run_blocking(accounts_service.list_accounts, user.organization_id)
            if a["status"] in ("active", "expiring")
        ]
        if raw.isdigit():
            await self._load_post(user.organization_id, int(raw))
        elif restore:
            await self._load_post(user.organization_id, restore, quiet=True)
            if self.post_status != PostStatus.DRAFT:  # published or deleted since: start blank
                self._reset_form()
            else:
                self._autosaved_id = restore
        if not self.post_id:
            self._prefill(prefill)
        await self._recompute_rows(user.organization_id)
        if (self.main_text, self.overrides) != shown:
            self.show_new_text()
        if any(TargetStatus(r["status"]).is_pending for r in self.results):
            return ComposeState.watch_post
        return None

    def show_new_text(self) -> None:
        """Remount the editors with the server's text: only while they are read-only or on an explicit action."""
        self.editor_version += 1

    def _reset_form(self) -> None:
        self.selected_ids, self.main_text, self.overrides, self.media = [], "", {}, []
        self.active_tab, self.schedule_date, self.schedule_time = "main", "", ""
        self.post_id, self.post_status, self.results = 0, "", []
        self.error = self.notice = self.autosave_label = self.scheduled_label = ""
        self._edit_seq, self._dirty, self._autosaved_id = self._edit_seq + 1, False, 0
        self._refresh_allowed()

    def _prefill(self, prefill: dict[str, str]) -> None:
        """A new post: `?at=` / `?account=` from a calendar or queue click, else the only account preselected."""
        self.schedule_date, self.schedule_time = prefill.get("date", ""), prefill.get("time", "")
        ids = [a["id"] for a in self.accounts]
        if prefill.get("account") in ids:  # an id from the address bar counts only if it is this workspace's
            self.selected_ids = [prefill["account"]]
        elif len(ids) == 1:
            self.selected_ids = ids

    def _refresh_allowed(self) -> None:
        statuses = [r["status"] for r in self.results]
        self.allowed = composer_rules.allowed_actions(statuses, saved=bool(self.post_id))
        self.read_only = bool(self.post_id) and composer_rules.is_read_only(statuses)

    async def _load_post(self, org_id: int, post_id: int, *, quiet: bool = False) -> None:
        try:
            post = await run_blocking(posts.get_post, org_id, post_id)
        except UserError as exc:
            if not quiet:
                self.error = str(exc)
            return
        self.post_id = post_id
        self.main_text = post["body"]
        self.post_status = post["status"]
        self.selected_ids = [str(t["account_id"]) for t in post["targets"]]
        self.overrides = {str(t["account_id"]): t["body_override"] for t in post["targets"] if t["body_override"]}
        self.media = [media_entry(await run_blocking(get_asset, org_id, int(m))) for m in post.get("media_ids", [])]
        if post.get("scheduled_at") and post["status"] == PostStatus.SCHEDULED:
            moment = datetime.fromisoformat(post["scheduled_at"])
            local = timezones.to_local(moment, self.user_timezone)
            self.schedule_date, self.schedule_time = local.strftime("%Y-%m-%d"), local.strftime("%H:%M")
            self.scheduled_label = when(self, moment, self.user_timezone)
        self._set_results(post["targets"])

    def _set_results(self, targets: list) -> None:  # noqa: ANN001
        self.results = [result_entry(t, lambda m: when(self, m, self.user_timezone)) for t in targets]
        self._refresh_allowed()

    # --- editing ---------------------------------------------------------------------------
    async def _recompute_rows(self, org_id: int) -> None:
        evaluated = await run_blocking(
            preview.evaluate_targets,
            org_id,
            [a for a in self.accounts if a["id"] in self.selected_ids],
            self.main_text,
            self.overrides,
            [int(m["id"]) for m in self.media],
        )
        self.rows = [dataclasses.asdict(row) for row in evaluated]  # Reflex vars hold plain dicts
        has_content = bool(self.main_text.strip() or self.media or any(v.strip() for v in self.overrides.values()))
        self.blocked_reason = composer_rules.blocked_reason(len(self.selected_ids), self.rows, has_content)

    def _touch(self):  # noqa: ANN202 - returns an event
        """An edit: autosave it as a draft a moment after the last keystroke (only new posts and drafts)."""
        from state.compose_more import ComposeMoreState  # noqa: PLC0415 - that module imports this one

        self._edit_seq += 1
        self.error = self.notice = ""  # a message about the old text/accounts/media no longer applies
        if self.read_only or self.post_status not in ("", PostStatus.DRAFT) or self.working:
            return None
        self._dirty = True
        return ComposeMoreState.autosave(self._edit_seq)

    async def _org(self) -> int | None:
        user = await current_user(self)
        return user.organization_id if user else None

    @rx.event
    async def toggle_account(self, account_id: str):
        if account_id in self.selected_ids:
            self.selected_ids = [a for a in self.selected_ids if a != account_id]
            if self.active_tab == account_id:
                self.active_tab = "main"
        else:
            self.selected_ids = [*self.selected_ids, account_id]
        if (org := await self._org()) is not None:
            await self._recompute_rows(org)
        return self._touch()

    @rx.event
    async def set_main_text(self, value: str):
        if value == self.main_text:
            return None  # the blur echo of what the debounced change already sent
        self.main_text = value
        if (org := await self._org()) is not None:
            await self._recompute_rows(org)
        return self._touch()

    @rx.event
    async def set_override(self, value: str):
        if self.active_tab == "main" or self.overrides.get(self.active_tab, "") == value:
            return None
        self.overrides = {**self.overrides, self.active_tab: value}
        if (org := await self._org()) is not None:
            await self._recompute_rows(org)
        return self._touch()

    @rx.event
    async def reset_override(self):
        self.overrides = {k: v for k, v in self.overrides.items() if k != self.active_tab}
        self.show_new_text()
        if (org := await self._org()) is not None:
            await self._recompute_rows(org)
        return self._touch()

    @rx.event
    def set_active_tab(self, tab: str):
        self.active_tab = tab

    @rx.event
    def set_schedule_date(self, value: str):
        self.schedule_date, self.error, self.notice = value, "", ""

    @rx.event
    def set_schedule_time(self, value: str):
        self.schedule_time, self.error, self.notice = value, "", ""

    @rx.var
    def active_override(self) -> str:
        return self.overrides.get(self.active_tab, "")

    @rx.var
    def any_problem(self) -> bool:
        return any(r["problems"] for r in self.rows)

    # --- media -----------------------------------------------------------------------------
    @rx.event
    async def handle_upload(self, files: list[rx.UploadFile]):
        user = await current_user(self)
        if user is None:
            return
        problems = []
        for upload in files:
            try:  # streamed from Starlette's spooled file to disk in a worker thread, limit enforced while copying
                asset = await run_blocking(guarded.upload_media_stream, user, upload.name or "upload", upload.file)
            except UserError as exc:
                problems.append(f"{upload.name}: {exc}")
                continue
            self.media = [*self.media, media_entry(asset)]
        await self._recompute_rows(user.organization_id)
        if self._touch() is not None:  # an upload is one deliberate step: save it now, no chained event
            from state.compose_more import autosave_now  # noqa: PLC0415 - the module imports this one

            await autosave_now(self, user)
        self.error = " ".join(problems)  # after _touch, which clears the previous message

    @rx.event
    async def remove_media(self, media_id: str):
        self.media = [m for m in self.media if m["id"] != media_id]
        if (org := await self._org()) is not None:
            await self._recompute_rows(org)
        return self._touch()

    # --- actions ---------------------------------------------------------------------------
    def _input(self, action: str, when: datetime | None) -> posts.PostInput:
        return posts.PostInput(
            body=self.main_text,
            account_ids=[int(a) for a in self.selected_ids],
            overrides={int(k): v for k, v in self.overrides.items() if v and k in self.selected_ids},
            media_ids=[int(m["id"]) for m in self.media],
            action=action,
            scheduled_at=when,
            timezone=self.user_timezone,
        )

    async def _save(self, user: CurrentUser, action: str, when: datetime | None = None) -> bool:
        self.error = self.notice = ""
        self._edit_seq += 1  # a pending autosave must not turn what this saves back into a draft
        self._dirty = False
        try:
            self.post_id = await run_blocking(
                guarded.save_post, user, self._input(action, when), post_id=self.post_id or None
            )
        except UserError as exc:
            self.error = str(exc)
            return False
        await self._refresh_results(user.organization_id)
        return True

    async def _refresh_results(self, org_id: int) -> None:
        post = await run_blocking(posts.get_post, org_id, self.post_id)
        self.post_status = post["status"]
        self._set_results(post["targets"])

    @rx.event
    async def save_draft(self):
        user = await current_user(self)
        if user is None:
            return rx.redirect("/login")
        if await self._save(user, "draft"):
            return rx.toast.success("Draft saved.")
        return None  # the status line shows self.error; no toast with the same words

    @rx.event
    async def schedule(self):
        user = await current_user(self)
        if user is None:
            return rx.redirect("/login")
        self.error = self.notice = ""
        try:
            local = timezones.parse_local(self.schedule_date, self.schedule_time)
            moment, note = timezones.to_utc(local, self.user_timezone)
        except UserError as exc:
            self.error = str(exc)
            return None  # one message: the status line (item 7), never a toast repeating it
        if not await self._save(user, "schedule", moment):
            return None
        self.scheduled_label = when(self, moment, self.user_timezone)
        self.notice = (note + " " if note else "") + f"Scheduled for {self.scheduled_label} ({self.user_timezone})."
        return ComposeState.watch_post

    @rx.event(background=True)
    async def publish_now(self):
        async with self:
            user = await current_user(self)
            if user is None or self.working:
                return  # a second click while publishing must not start another publish
            self.working = True
            if not await self._save(user, "publish_now"):
                self.working = False
                return  # the status line shows self.error
            org_id = user.organization_id
        # Saving with "publish_now" woke the running engine; watch the results come in.
        for _ in range(240):
            await asyncio.sleep(0.5)
            async with self:
                await self._refresh_results(org_id)
                if all(TargetStatus(r["status"]).is_settled for r in self.results):
                    break
        async with self:
            self.working = False
            failed = [r for r in self.results if r["status"] != TargetStatus.PUBLISHED]
        if failed:
            yield rx.toast.warning(f"Published with problems on {len(failed)} account(s).")
        else:
            yield rx.toast.success("Published everywhere.")

    @rx.event(background=True)
    async def watch_post(self):
        """Keep the open composer live while its post is due soon or in flight (no reload needed)."""
        async with self:
            user = await current_user(self)
            if user is None or not self.post_id:
                return
            org_id, post_id = user.organization_id, self.post_id
        if not await run_blocking(publishing_or_due_within, org_id, post_id, WATCH_SECONDS):
            return  # far off: polling every second for 15 minutes would only load the server
        for _ in range(WATCH_SECONDS):
            await asyncio.sleep(1)
            async with self:
                if self.post_id != post_id:
                    return
                try:
                    await self._refresh_results(org_id)
                except UserError:
                    return
                if not any(TargetStatus(r["status"]).is_pending for r in self.results):
                    return

    @rx.event
    async def delete_post(self):
        """Runs from the confirm dialog (state/compose_more.py) once the person saw what it deletes."""
        user = await current_user(self)
        if user is None or not self.post_id:
            return None
        name = post_name(self.main_text or next((r["body"] for r in self.results if r["body"]), ""))
        try:
            outcome = await run_blocking(guarded.delete_post, user, self.post_id)
        except UserError as exc:
            return rx.toast.error(str(exc))
        if not outcome["deleted"]:
            await self._refresh_results(user.organization_id)
            kept = ", ".join(r["account"] for r in outcome["refused"])
            return rx.toast.info(f"Removed {name} from its unpublished accounts; it stays on {kept}.")
        self._reset_form()
        self.show_new_text()
        await self._recompute_rows(user.organization_id)
        return [rx.toast.info(f"Deleted {name}."), rx.redirect("/compose")]

    @rx.event
    async def new_post(self):
        """A blank composer without a remount: the click already emptied the editors in the browser, so
        keystrokes typed right after it are kept (their change reaches the server after this reset)."""
        self._reset_form()
        if (org := await self._org()) is not None:
            await self._recompute_rows(org)
        return None
