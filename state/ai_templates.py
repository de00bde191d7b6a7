"""Settings → AI → Prompt templates: edit per action, see the rendered prompt live, save or reset.

The preview renders with sample values through the same code path the assistant uses, so what the
editor shows is what a provider will be sent.
"""

from __future__ import annotations

import reflex as rx

from services import ai, guarded
from services.errors import UserError
from state.runner import run_blocking
from state.session import current_user

ACTION_CHOICES: list[str] = list(ai.ACTIONS)
VARIABLE_HELP: list[dict] = [{"name": "{" + k + "}", "help": v} for k, v in ai.VARIABLES.items()]


class AITemplatesState(rx.State):
    action: str = "caption"
    scope: str = "workspace"  # "workspace" or "personal"
    system_text: str = ""
    user_text: str = ""
    source: str = ""
    preview_messages: list[dict] = []
    preview_error: str = ""
    error: str = ""
    editor_version: int = 0  # React key of the two editors: changes only when a template is (re)loaded

    @rx.event
    async def load(self):
        user = await current_user(self)
        if user is None:
            return
        await self._load_template(user.organization_id, user.user_id)

    def _level_user(self, user_id: int) -> int | None:
        return user_id if self.scope == "personal" else None

    async def _load_template(self, org_id: int, user_id: int) -> None:
        view = await run_blocking(ai.effective_template, org_id, self._level_user(user_id), self.action)
        self.system_text, self.user_text, self.source = view.system_template, view.user_template, view.source
        self.editor_version += 1
        self.error = ""
        self._render_preview()

    def _render_preview(self) -> None:
        try:
            messages = ai.preview_template(self.system_text, self.user_text)
        except UserError as exc:
            self.preview_messages, self.preview_error = [], str(exc)
            return
        self.preview_error = ""
        self.preview_messages = [{"role": m["role"], "content": m["content"]} for m in messages]

    @rx.event
    async def set_action(self, value: str):
        self.action = value if value in ACTION_CHOICES else "caption"
        user = await current_user(self)
        if user is not None:
            await self._load_template(user.organization_id, user.user_id)

    @rx.event
    async def set_scope(self, value: str):
        self.scope = "personal" if value == "personal" else "workspace"
        user = await current_user(self)
        if user is not None:
            await self._load_template(user.organization_id, user.user_id)

    @rx.event
    def set_system_text(self, value: str):
        if value != self.system_text:
            self.error = ""  # the message was about the old text
        self.system_text = value
        self._render_preview()

    @rx.event
    def set_user_text(self, value: str):
        if value != self.user_text:
            self.error = ""  # the message was about the old text
        self.user_text = value
        self._render_preview()

    @rx.event
    async def save(self):
        user = await current_user(self)
        if user is None:
            return None
        self.error = ""
        try:
            view = await run_blocking(
                guarded.save_template,
                user,
                self.action,
                self.system_text,
                self.user_text,
                personal=self.scope == "personal",
            )
        except UserError as exc:
            self.error = str(exc)
            return None
        self.source = view.source
        return rx.toast.success(f"The {self.action} template is saved ({view.source}).")

    @rx.event
    async def reset_to_default(self):
        user = await current_user(self)
        if user is None:
            return None
        self.error = ""
        try:
            await run_blocking(guarded.reset_template, user, self.action, personal=self.scope == "personal")
        except UserError as exc:  # an outcome ("there is no saved template"): a toast, not a red box
            return rx.toast.error(str(exc))
        await self._load_template(user.organization_id, user.user_id)
        return rx.toast.info(f"The {self.action} template is back to the {self.source} version.")
