"""The composer's safety net: autosave as a draft, Delete behind a confirmation, Duplicate.

A small state of its own (ComposeState is near its size limit) that works on ComposeState through
`get_state`. Autosave waits until typing pauses (AUTOSAVE_SECONDS after the last edit; every newer
edit or explicit save bumps `_edit_seq`, which cancels the older wait) and then saves through
services.guarded.autosave_draft, which never touches a post that stopped being a draft.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import reflex as rx

from services import guarded
from services.auth import CurrentUser
from services.errors import UserError
from state.compose import ComposeState
from state.compose_rows import post_name
from state.display import clock
from state.runner import run_blocking
from state.session import current_user

AUTOSAVE_SECONDS = 1.5


async def autosave_now(compose: ComposeState, user: CurrentUser) -> None:
    """Save the composer's content as a draft now (the caller holds the state lock)."""
    compose._dirty = False
    has_content = compose.main_text.strip() or compose.media or any(v.strip() for v in compose.overrides.values())
    if not has_content:
        return
    try:
        saved = await run_blocking(
            guarded.autosave_draft, user, compose._input("draft", None), post_id=compose.post_id or None
        )
    except UserError as exc:
        compose.autosave_label = f"Not saved automatically: {exc}"
        return
    if saved is None:  # scheduled / in review meanwhile: autosave leaves it alone
        return
    compose.post_id = compose._autosaved_id = saved
    compose.post_status = "draft"
    compose.allowed = ["schedule", "add_to_queue", "publish_now", "save_draft", "delete", "duplicate"]
    compose.autosave_label = "Saved " + clock(compose, datetime.now(UTC), compose.user_timezone)


class ComposeMoreState(rx.State):
    delete_open: bool = False
    delete_title: str = ""
    delete_text: str = ""

    # --- autosave ---------------------------------------------------------------------------
    @rx.event(background=True)
    async def autosave(self, seq: int):
        await asyncio.sleep(AUTOSAVE_SECONDS)
        async with self:
            compose = await self.get_state(ComposeState)
            if seq != compose._edit_seq or not compose._dirty or compose.working:
                return  # typed again, saved explicitly, or publishing: this wait is outdated
            user = await current_user(self)
            if user is not None:
                await autosave_now(compose, user)

    # --- delete with confirmation ----------------------------------------------------------
    @rx.event
    async def ask_delete(self):
        """Open the dialog naming the post by its first words, its accounts and its time."""
        user = await current_user(self)
        compose = await self.get_state(ComposeState)
        if user is None or not compose.post_id:
            return None
        text = compose.main_text or next((r["body"] for r in compose.results if r["body"]), "")
        names = [r["account_name"] for r in compose.results] or [
            a["display_name"] for a in compose.accounts if a["id"] in compose.selected_ids
        ]
        accounts = ", ".join(names) or "no account yet"
        timing = f"scheduled for {compose.scheduled_label}" if compose.scheduled_label else "not scheduled (draft)"
        self.delete_title = f"Delete {post_name(text)}?"
        self.delete_text = f"On {accounts}, {timing}. This can't be undone."
        self.delete_open = True
        return None

    @rx.event
    def cancel_delete(self):
        self.delete_open = False

    @rx.event
    def confirm_delete(self):
        self.delete_open = False
        return ComposeState.delete_post

    # --- duplicate -------------------------------------------------------------------------
    @rx.event
    async def duplicate(self):
        """A new draft with the same content (each account's text as published); opens it."""
        user = await current_user(self)
        compose = await self.get_state(ComposeState)
        if user is None or not compose.post_id:
            return None
        try:
            new_id = await run_blocking(guarded.duplicate_post, user, compose.post_id)
        except UserError as exc:
            return rx.toast.error(str(exc))
        name = post_name(compose.main_text or next((r["body"] for r in compose.results if r["body"]), ""))
        return [rx.redirect(f"/compose?post={new_id}"), rx.toast.success(f"Duplicated {name} as a new draft.")]

    # --- per-post actions (moved here to keep ComposeState small) ----------------------------
    @rx.event
    async def cancel_schedule(self):
        user = await current_user(self)
        compose = await self.get_state(ComposeState)
        if user is None or not compose.post_id:
            return None
        try:
            await run_blocking(guarded.cancel_schedule, user, compose.post_id)
        except UserError as exc:
            return rx.toast.error(str(exc))
        await compose._refresh_results(user.organization_id)
        compose.schedule_date = compose.schedule_time = compose.scheduled_label = ""
        return rx.toast.info("Schedule cancelled; the post is a draft again.")

    @rx.event
    async def retry_target(self, target_id: str):
        user = await current_user(self)
        compose = await self.get_state(ComposeState)
        if user is None:
            return None
        try:
            await run_blocking(guarded.retry_target, user, int(target_id))
        except UserError as exc:
            return rx.toast.error(str(exc))
        await compose._refresh_results(user.organization_id)
        return rx.toast.info("Retrying.")

    @rx.event
    async def mark_published(self, target_id: str):
        user = await current_user(self)
        compose = await self.get_state(ComposeState)
        if user is None:
            return None
        try:
            await run_blocking(guarded.mark_target_published, user, int(target_id))
        except UserError as exc:
            return rx.toast.error(str(exc))
        await compose._refresh_results(user.organization_id)
        return rx.toast.info("Marked as published.")
