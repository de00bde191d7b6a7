"""Settings → "Your data": privacy mode and retention (thin; services/privacy decides and checks).

Switching privacy mode on while published posts still hold content opens a dialog with an
explicit choice — "Purge existing content now" or "Keep existing posts" — never a silent purge.
"""

from __future__ import annotations

import reflex as rx

from services.errors import UserError
from services.privacy import actions, views
from services.wording import count
from state.runner import run_blocking
from state.session import current_user


class PrivacySettingsState(rx.State):
    privacy_mode: bool = False
    can_privacy: bool = False  # hides controls only; the service refuses anyway
    can_retention: bool = False
    published_content_days: str = ""
    failed_drafts_days: str = ""
    snapshot_days: str = ""
    audit_days: str = ""
    form_version: int = 0
    last_run: str = ""
    last_summary: str = ""
    existing: int = 0
    confirm_open: bool = False
    error: str = ""
    notice: str = ""

    @rx.var
    def existing_posts(self) -> str:
        """ "1 published post still holds its" / "3 published posts still hold their" (never "post(s)")."""
        verb = "still holds its" if self.existing == 1 else "still hold their"
        return f"{count(self.existing, 'published post')} {verb}"

    def _show(self, view: dict) -> None:
        for name in ("privacy_mode", "can_privacy", "can_retention", "published_content_days", "failed_drafts_days",
                     "snapshot_days", "audit_days", "last_run", "last_summary", "existing"):  # fmt: skip
            setattr(self, name, view[name])
        self.form_version += 1

    @rx.event
    async def load(self):
        user = await current_user(self)
        if user is None:
            return
        self.error = self.notice = ""
        self.confirm_open = False
        self._show(await run_blocking(views.settings_view, user))

    @rx.event
    async def set_privacy_mode(self, value: bool):
        user = await current_user(self)
        if user is None:
            return rx.redirect("/login")
        self.error = self.notice = ""
        try:
            await run_blocking(actions.set_privacy_mode, user, bool(value))
            self._show(await run_blocking(views.settings_view, user))
        except UserError as exc:
            self.error = str(exc)
            return rx.toast.error(self.error)
        if value and self.existing:
            self.confirm_open = True  # the explicit choice about what is already published
            return None
        self.notice = "Privacy mode is on." if value else "Privacy mode is off: new posts keep their content."
        return None

    @rx.event
    async def purge_existing(self):
        user = await current_user(self)
        if user is None:
            return rx.redirect("/login")
        self.confirm_open = False
        try:
            count = await run_blocking(actions.purge_existing_content, user)
            self._show(await run_blocking(views.settings_view, user))
        except UserError as exc:
            self.error = str(exc)
            return rx.toast.error(self.error)
        self.notice = f"Content of {count} published post{'s' if count != 1 else ''} wiped; links and metrics kept."
        return None

    @rx.event
    def keep_existing(self):
        self.confirm_open = False
        self.notice = "Privacy mode is on. Posts published before keep their content until you purge them."

    @rx.event
    def set_confirm_open(self, value: bool):
        self.confirm_open = bool(value)

    @rx.event
    def set_published_content_days(self, value: str):
        self.published_content_days = value

    @rx.event
    def set_failed_drafts_days(self, value: str):
        self.failed_drafts_days = value

    @rx.event
    def set_snapshot_days(self, value: str):
        self.snapshot_days = value

    @rx.event
    def set_audit_days(self, value: str):
        self.audit_days = value

    @rx.event
    async def save_retention(self):
        user = await current_user(self)
        if user is None:
            return rx.redirect("/login")
        self.error = self.notice = ""
        values = {"published_content_days": self.published_content_days, "failed_drafts_days": self.failed_drafts_days,
                  "snapshot_days": self.snapshot_days, "audit_days": self.audit_days}  # fmt: skip
        try:
            await run_blocking(actions.set_retention, user, values)
            self._show(await run_blocking(views.settings_view, user))
        except UserError as exc:
            self.error = str(exc)
            return rx.toast.error(self.error)
        self.notice = "Retention policies saved; they run once a day."
        return None


class PostPrivacyNoteState(rx.State):
    """The composer's note for one post: "content not stored" with its live links, or "kept until final"."""

    purged: bool = False
    privacy_mode: bool = False
    links: list[dict[str, str]] = []
    can_discard: bool = False
    error: str = ""

    @rx.event
    async def load(self):
        self.purged, self.privacy_mode, self.links, self.can_discard, self.error = False, False, [], False, ""
        user = await current_user(self)
        raw = self.router.url.query_parameters.get("post", "")
        if user is None or not raw.isdigit():
            return
        try:
            note = await run_blocking(views.post_note, user, int(raw))
        except UserError:
            return  # not found / not allowed: the composer itself says so
        self.purged, self.privacy_mode = note["purged"], note["privacy_mode"]
        self.links, self.can_discard = note["links"], note["can_discard"]

    @rx.event
    async def discard_failed(self):
        user = await current_user(self)
        raw = self.router.url.query_parameters.get("post", "")
        if user is None or not raw.isdigit():
            return None
        try:
            await run_blocking(actions.discard_failed, user, int(raw))
        except UserError as exc:
            self.error = str(exc)
            return rx.toast.error(self.error)
        return PostPrivacyNoteState.load
