"""The composer's AI panel: stream a suggestion from services.ai, let the user insert, edit or discard it.

Nothing here saves or publishes: Insert only changes the composer's unsaved text, so the user's
own Save/Schedule/Publish click is still the only way anything leaves the browser.
"""

from __future__ import annotations

import reflex as rx

from services import ai, guarded
from services.errors import UserError
from state.compose import ComposeState
from state.session import current_user

TONE_CHOICES: list[str] = list(ai.TONES)
MAX_BRIEF = ai.MAX_BRIEF_CHARS
ACTION_LABELS = {
    "caption": "Caption",
    "rewrite": "Rewrite per platform",
    "hashtags": "Hashtags",
    "tone": "Tone change",
}


def _blank_suggestion(key: str, info: dict) -> dict:
    return {
        "key": key,
        "title": str(info.get("platform") or "All selected accounts"),
        "account_ids": ",".join(str(a) for a in info.get("account_ids") or []),
        "limit": str(info.get("limit") or ""),
        "text": "",
        "provider": "",
        "model": "",
        "offline": False,
        "label": "",
        "done": False,
        "note": "",
    }


class AIAssistState(rx.State):
    panel_open: bool = False
    brief: str = ""
    tone: str = "friendly"
    action: str = ""
    running: bool = False
    error: str = ""
    notices: list[str] = []
    skipped: list[dict] = []
    suggestions: list[dict] = []
    prompt_messages: list[dict] = []
    show_prompt: bool = False

    # --- panel controls --------------------------------------------------------------------
    @rx.event
    def toggle_panel(self):
        self.panel_open = not self.panel_open

    @rx.event
    def set_brief(self, value: str):
        self.brief = value

    @rx.event
    def set_tone(self, value: str):
        self.tone = value

    @rx.event
    def toggle_prompt(self):
        self.show_prompt = not self.show_prompt

    @rx.event
    def discard(self):
        self._clear_results()
        self.action = ""

    @rx.event
    def clear_for_page_load(self):
        """A suggestion belongs to the post it was asked for; a freshly opened composer starts clean."""
        if not self.running:
            self._clear_results()
            self.action = ""

    @rx.event
    def edit_suggestion(self, key: str, value: str):
        """The user may polish a suggestion before inserting it; Insert then uses their words."""
        if self.running:
            return
        self.suggestions = [{**s, "text": value} if s["key"] == key else s for s in self.suggestions]

    @rx.var
    def brief_length(self) -> int:
        return len(self.brief)

    @rx.var
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, "")

    @rx.var
    def answered_by(self) -> list[str]:
        """One line per distinct provider/model that answered, for the "Show prompt" view."""
        seen: list[str] = []
        for s in self.suggestions:
            if s["provider"]:
                line = s["provider"] + (f" · {s['model']}" if s["model"] else "")
                if line not in seen:
                    seen.append(line)
        return seen

    def _clear_results(self) -> None:
        self.error = ""
        self.notices, self.skipped, self.suggestions, self.prompt_messages = [], [], [], []
        self.show_prompt = False

    # --- streaming -------------------------------------------------------------------------
    def _apply_event(self, event: dict) -> None:
        """Fold one services.ai event into the panel (see services/ai/assistant.py for the contract)."""
        kind, key = event.get("type"), str(event.get("target", "all"))
        if kind == "error":
            self.error = str(event.get("message", "The assistant could not answer."))
            return
        if kind == "prompt":
            info = event.get("target_info") or {}
            if not any(s["key"] == key for s in self.suggestions):
                self.suggestions = [*self.suggestions, _blank_suggestion(key, info)]
            title = str(info.get("platform") or "")
            self.prompt_messages = [
                *self.prompt_messages,
                *({"key": key, "title": title, "role": m["role"], "content": m["content"]} for m in event["messages"]),
            ]
            return
        if kind == "notice":
            message = str(event.get("message", ""))
            if message and message not in self.notices:
                self.notices = [*self.notices, message]
            return
        if kind == "skipped":
            self.skipped = [
                *self.skipped,
                {"provider": str(event.get("provider", "")), "model": str(event.get("model", "")),
                 "reason": str(event.get("reason", ""))},
            ]  # fmt: skip
            return
        self.suggestions = [self._updated(s, event) if s["key"] == key else s for s in self.suggestions]

    @staticmethod
    def _updated(suggestion: dict, event: dict) -> dict:
        kind = event.get("type")
        if kind == "provider":
            return {**suggestion, "provider": str(event.get("name", "")), "model": str(event.get("model", "")),
                    "offline": bool(event.get("offline"))}  # fmt: skip
        if kind == "delta":
            return {**suggestion, "text": suggestion["text"] + str(event.get("text", ""))}
        if kind == "reset":
            return {**suggestion, "text": "", "note": str(event.get("reason", ""))}
        if kind == "done":
            note = str(event.get("note") or "")
            return {
                **suggestion,
                # The panel shows exactly what Insert will put in the composer: the version that fits.
                "text": str(event.get("fitted_text") or event.get("text") or ""),
                "provider": str(event.get("provider", "")),
                "model": str(event.get("model", "")),
                "offline": bool(event.get("offline")),
                "label": str(event.get("label", "")),
                "done": True,
                "note": note,
            }
        return suggestion

    @rx.event(background=True)
    async def run_action(self, action: str):
        async with self:
            if self.running:
                return
            user = await current_user(self)
            if user is None:
                return
            compose = await self.get_state(ComposeState)
            account_ids = [int(a) for a in compose.selected_ids]
            post_text = compose.main_text
            self._clear_results()
            self.action, self.running = action, True
            brief, tone = self.brief, self.tone
        try:
            events = guarded.assistant_stream(
                user, action, brief=brief, text=post_text, tone=tone, account_ids=account_ids
            )
        except UserError as exc:  # the role may not use the assistant: say so, buy nothing
            async with self:
                self.error, self.running = str(exc), False
            return
        try:
            async for event in events:
                async with self:
                    self._apply_event(event)
        finally:
            async with self:
                self.running = False

    # --- insert ----------------------------------------------------------------------------
    @rx.event
    async def insert_suggestion(self, key: str):
        user = await current_user(self)
        if user is None:
            return None
        suggestion = next((s for s in self.suggestions if s["key"] == key), None)
        if suggestion is None or not suggestion["text"].strip() or self.running:
            return None
        text = suggestion["text"].strip()
        compose = await self.get_state(ComposeState)
        platforms = {a["id"]: a["platform"] for a in compose.accounts}
        if self.action == "rewrite":
            ids = [a for a in suggestion["account_ids"].split(",") if a and a in compose.selected_ids]
            # Each rewrite target is one platform; fit it again in case the user edited it in the panel.
            fitted = ai.fit_for_insert("rewrite", "", text, ai.rules_for([platforms[i] for i in ids if i in platforms]))
            compose.overrides = {**compose.overrides, **dict.fromkeys(ids, fitted.text)}
            message = f"Inserted as the custom text for {suggestion['title']}."
        else:
            rules = ai.rules_for([platforms[i] for i in compose.selected_ids if i in platforms])
            fitted = ai.fit_for_insert(self.action, compose.main_text, text, rules)
            compose.main_text = fitted.text
            compose.active_tab = "main"
            message = (
                "Hashtags added to the post." if self.action == "hashtags" else "Suggestion inserted into the post."
            )
        if fitted.shortened:
            message += " " + ai.shortened_note(fitted, ai.rules_for([platforms[i] for i in compose.selected_ids
                                                                   if i in platforms]))  # fmt: skip
        compose.show_new_text()  # an explicit action: the editors show the inserted text
        await compose._recompute_rows(user.organization_id)
        self.suggestions = [s for s in self.suggestions if s["key"] != key]
        return rx.toast.success(message + " Nothing is saved until you save, schedule or publish.")
