"""The comment thread under the composer: thin; services/comments.py checks the role and the workspace.

The post is the composer's own (`ComposeState.post_id`, loaded for the session's workspace); the
service refuses a post of another workspace anyway. The comment box is an uncontrolled form field
(no event per keystroke) reset on submit, so nothing the server sends can overwrite typing.
"""

from __future__ import annotations

import reflex as rx

from services import comments
from services.errors import UserError
from state.compose import ComposeState
from state.runner import run_blocking
from state.session import current_user


class CommentsState(rx.State):
    thread: list[dict[str, str]] = []
    error: str = ""

    async def _post_id(self) -> int:
        return int((await self.get_state(ComposeState)).post_id or 0)

    async def _reload(self) -> None:
        user = await current_user(self)
        post_id = await self._post_id()
        if user is None or not post_id:
            self.thread = []
            return
        try:
            rows = await run_blocking(comments.list_comments, user, post_id)
        except UserError as exc:
            self.thread, self.error = [], str(exc)
            return
        self.thread = [
            {"id": str(c.id), "author": c.author, "body": c.body, "when": c.when,
             "can_delete": "yes" if c.can_delete else ""}
            for c in rows
        ]  # fmt: skip

    @rx.event
    async def load(self):
        """After ComposeState.load (the composer's post decides the thread)."""
        self.error = ""
        await self._reload()

    @rx.event
    async def add(self, form: dict):
        user = await current_user(self)
        if user is None:
            return rx.redirect("/login")
        post_id = await self._post_id()
        self.error = ""
        if not post_id:  # problems with the comment itself are said under its field, not also as a toast
            self.error = "Save the post first, then comment on it."
            return None
        try:
            await run_blocking(comments.add_comment, user, post_id, str(form.get("comment", "")))
        except UserError as exc:
            self.error = str(exc)
            return None
        await self._reload()
        return None

    @rx.event
    async def delete(self, comment_id: str):
        user = await current_user(self)
        if user is None:
            return rx.redirect("/login")
        try:
            await run_blocking(comments.delete_comment, user, int(comment_id) if comment_id.isdigit() else 0)
        except UserError as exc:  # an outcome: a toast only
            return rx.toast.error(str(exc))
        await self._reload()
        return rx.toast.info("Comment deleted.")

    @rx.event
    def clear_error(self):
        """The comment field got focus again: a message about the previous attempt is stale."""
        if self.error:
            self.error = ""
