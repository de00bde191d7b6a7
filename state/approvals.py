"""Approvals outside the composer: the workspace setting, the review queue (/review), the public
preview page (/preview?token=…). Thin: services/approvals decides; every change passes the one
permission check in services/guarded.py (the preview page's link token is its own permission)."""

from __future__ import annotations

import reflex as rx

from services import guarded
from services.approvals import preview_links, rules, workflow
from services.errors import UserError
from services.permissions import allowed
from state.display import when_iso
from state.runner import run_blocking
from state.session import current_user

MODE_LABELS = {
    "off": "Off",
    "contributors": "Required for Contributors",
    "everyone": "Required for everyone",
}
LABEL_MODES = {v: k for k, v in MODE_LABELS.items()}


class ApprovalSettingsState(rx.State):
    mode_label: str = MODE_LABELS["off"]
    allow_external: bool = False
    can_change: bool = False  # hides controls only; the service refuses anyway
    error: str = ""
    notice: str = ""

    @rx.event
    async def load(self):
        user = await current_user(self)
        if user is None:
            return
        config = await run_blocking(rules.get_config, user.organization_id)
        self.mode_label, self.allow_external = MODE_LABELS[config.mode.value], config.allow_external
        self.can_change = allowed(user.role, "workspace.approvals")
        self.error = self.notice = ""

    @rx.event
    def set_mode_label(self, value: str):
        self.mode_label = value

    @rx.event
    def set_allow_external(self, value: bool):
        self.allow_external = bool(value)

    @rx.event
    async def save(self):
        user = await current_user(self)
        if user is None:
            return rx.redirect("/login")
        self.error = self.notice = ""
        try:
            await run_blocking(
                guarded.set_approval_settings, user, LABEL_MODES.get(self.mode_label, "?"), self.allow_external
            )
        except UserError as exc:  # an outcome of Save: a toast only (no red box repeating it)
            return rx.toast.error(str(exc))
        return rx.toast.success("Approval settings saved.")


class ReviewQueueState(rx.State):
    items: list[dict[str, str]] = []
    can_review: bool = False
    count: int = 0

    @rx.event
    async def load(self):
        user = await current_user(self)
        if user is None:
            return
        self.can_review = allowed(user.role, "post.approve")
        if not self.can_review:
            self.items, self.count = [], 0
            return
        rows = await run_blocking(workflow.review_queue, user.organization_id, user.user_id)
        self.items = [
            {
                "post_id": str(r["post_id"]),
                "preview": r["preview"] or "(no text)",
                "author": r["author"] or "—",
                "submitted": when_iso(self, r["submitted_at"], user.timezone),
                "scheduled": when_iso(self, r["scheduled_at"], user.timezone, empty="when approved"),
                "platforms": ", ".join(r["platforms"]),  # type: ignore[arg-type]
                "href": f"/compose?post={r['post_id']}",
            }
            for r in rows
        ]
        self.count = await run_blocking(workflow.review_count, user.organization_id, user.user_id)


class PreviewPageState(rx.State):
    """The public page: no login. The token stays on the server (`_token`), never sent back."""

    _token: str = ""
    _version: int = 0
    problem: str = ""
    workspace: str = ""
    previews: list[dict[str, str]] = []
    approval_label: str = ""
    can_decide: bool = False
    reviewer_name: str = ""
    reviewer_note: str = ""
    decided: str = ""
    error: str = ""

    @rx.event
    async def load(self):
        self._token = self.router.url.query_parameters.get("token", "")
        self.decided = self.error = ""
        await self._open()

    async def _open(self) -> None:
        try:
            page = await run_blocking(preview_links.open_link, self._token)
        except UserError as exc:
            self.problem, self.previews, self.can_decide = str(exc), [], False
            return
        self.problem = ""
        self.workspace, self._version = page.workspace, page.version
        self.previews, self.can_decide = page.previews, page.can_decide
        self.approval_label = page.approval_label or "Not submitted for approval"

    @rx.event
    def set_reviewer_name(self, value: str):
        self.reviewer_name = value

    @rx.event
    def set_reviewer_note(self, value: str):
        self.reviewer_note = value

    @rx.event
    async def approve(self):
        await self._decide(True)

    @rx.event
    async def request_changes(self):
        await self._decide(False)

    async def _decide(self, approve: bool) -> None:
        self.error = ""
        try:
            await run_blocking(
                preview_links.decide, self._token, self._version,
                approve=approve, name=self.reviewer_name, note=self.reviewer_note,
            )  # fmt: skip
        except UserError as exc:
            self.error = str(exc)
            return
        self.decided = "Thanks — approved." if approve else "Thanks — your note was sent to the team."
        await self._open()
