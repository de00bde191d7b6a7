"""The composer's approval panel: submit for approval, approve / request changes, preview links.

A separate small state (ComposeState is near its size limit) that reads the open post from
ComposeState. The post id, its version and the share link's token stay on the server; the browser
sends only clicks and the note. Every change goes through services/guarded.py (the one check).
"""

from __future__ import annotations

import reflex as rx

from services import guarded, posts, timezones
from services.approvals import rules
from services.approvals.states import label
from services.errors import UserError
from services.permissions import allowed
from state.compose import ComposeState
from state.runner import run_blocking
from state.session import current_user


class ComposeReviewState(rx.State):
    approval_required: bool = False  # the Schedule/Publish buttons become "Submit for approval"
    approval_state: str = "none"
    approval_label: str = ""
    review_note: str = ""  # the reviewer's note to the author
    reviewer: str = ""
    can_review: bool = False  # may approve this post now (Editor+, not the author, post in review)
    can_share: bool = False
    note_input: str = ""
    preview_url: str = ""
    preview_expires: str = ""
    _version: int = 0

    @rx.event
    async def load(self):
        user = await current_user(self)
        if user is None:
            return
        self.note_input = self.preview_url = self.preview_expires = ""
        self.approval_required = user.role == "contributor" or await run_blocking(
            rules.required_for, user.organization_id, user.role
        )
        self.can_share = allowed(user.role, "preview.share")
        await self._refresh(user)

    async def _refresh(self, user) -> None:  # noqa: ANN001
        compose = await self.get_state(ComposeState)
        self.approval_state, self.approval_label, self.review_note, self.reviewer = "none", "", "", ""
        self.can_review = False
        if not compose.post_id:
            return
        try:
            post = await run_blocking(posts.get_post, user.organization_id, compose.post_id)
        except UserError:
            return
        self._version = post["version"]
        self.approval_state = post["approval_state"]
        self.approval_label = label(post["approval_state"])
        self.review_note, self.reviewer = post["review_note"], post["reviewer"]
        self.can_review = (
            allowed(user.role, "post.approve")
            and post["approval_state"] == "in_review"
            and post["author_id"] != user.user_id
        )

    @rx.event
    async def refresh(self):
        user = await current_user(self)
        if user is not None:
            await self._refresh(user)

    @rx.event
    def set_note_input(self, value: str):
        self.note_input = value

    @rx.event
    async def submit(self):
        """Save the composer's post and send it for review (at the picked time, or when approved)."""
        user = await current_user(self)
        if user is None:
            return rx.redirect("/login")
        compose = await self.get_state(ComposeState)
        when = None
        if compose.schedule_date.strip():
            try:
                local = timezones.parse_local(compose.schedule_date, compose.schedule_time)
                when, _note = timezones.to_utc(local, compose.user_timezone)
            except UserError as exc:
                compose.error = str(exc)
                return None  # the composer's status line shows it (no toast with the same words)
        if not await compose._save(user, "submit", when):
            return None
        compose.notice = "Submitted for approval" + (
            f" for {timezones.format_local(when, compose.user_timezone)} ({compose.user_timezone})." if when
            else "; it is published as soon as it is approved."
        )  # fmt: skip
        await self._refresh(user)
        return None

    @rx.event
    async def approve(self):
        return await self._decide(True)

    @rx.event
    async def request_changes(self):
        return await self._decide(False)

    async def _decide(self, approve: bool):  # noqa: ANN202
        user = await current_user(self)
        if user is None:
            return rx.redirect("/login")
        compose = await self.get_state(ComposeState)
        try:
            if approve:
                await run_blocking(guarded.approve_post, user, compose.post_id, self._version, self.note_input)
            else:
                await run_blocking(guarded.request_changes, user, compose.post_id, self._version, self.note_input)
        except UserError as exc:
            await self._refresh(user)
            return rx.toast.error(str(exc))
        self.note_input = ""
        await self._refresh(user)
        await compose._refresh_results(user.organization_id)
        if approve:
            return [rx.toast.success("Approved."), ComposeState.watch_post]
        return rx.toast.success("Sent back to the author with your note.")

    @rx.event
    async def create_preview_link(self):
        user = await current_user(self)
        if user is None:
            return rx.redirect("/login")
        compose = await self.get_state(ComposeState)
        try:
            link = await run_blocking(guarded.create_preview_link, user, compose.post_id)
        except UserError as exc:
            return rx.toast.error(str(exc))
        self.preview_url, self.preview_expires = link["url"], link["expires_at"][:10]
        return rx.toast.success("Preview link created: copy it now, it is shown only once.")

    @rx.event
    async def revoke_preview_links(self):
        user = await current_user(self)
        if user is None:
            return rx.redirect("/login")
        compose = await self.get_state(ComposeState)
        try:
            count = await run_blocking(guarded.revoke_preview_links, user, compose.post_id)
        except UserError as exc:
            return rx.toast.error(str(exc))
        self.preview_url = self.preview_expires = ""
        return rx.toast.success(f"Revoked {count} preview link(s).")
