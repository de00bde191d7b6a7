"""Settings → AI → Personas: who the workspace speaks as, and which accounts speak as whom."""

from __future__ import annotations

import reflex as rx

from services import accounts as accounts_service
from services import ai, guarded
from services.errors import UserError
from state.runner import run_blocking
from state.session import current_user

FIELDS = ("name", "audience", "tone", "topics", "mission")


class AIPersonasState(rx.State):
    personas: list[dict] = []
    accounts: list[dict] = []
    editing_id: str = ""  # "" while creating a new persona
    form_open: bool = False
    form_name: str = ""
    form_audience: str = ""
    form_tone: str = ""
    form_topics: str = ""
    form_mission: str = ""
    form_account_ids: list[str] = []
    error: str = ""

    @rx.event
    async def load(self):
        user = await current_user(self)
        if user is None:
            return
        self.error = ""
        self.form_open = False
        await self._refresh(user.organization_id)

    async def _refresh(self, org_id: int) -> None:
        self.accounts = [
            {"id": str(a["id"]), "display_name": a["display_name"], "platform": a["platform"],
             "label": a["platform_label"]}
            for a in await run_blocking(accounts_service.list_accounts, org_id)
        ]  # fmt: skip
        names = {a["id"]: f"{a['display_name']} ({a['label']})" for a in self.accounts}
        self.personas = [
            {
                **{k: str(p[k] or "") for k in FIELDS},
                "id": str(p["id"]),
                "account_ids": [str(a) for a in p["account_ids"]],
                "accounts_text": ", ".join(names.get(str(a), f"#{a}") for a in p["account_ids"]) or "no accounts",
            }
            for p in await run_blocking(ai.list_personas, org_id)
        ]

    def _fill_form(self, persona: dict | None) -> None:
        persona = persona or {}
        self.editing_id = persona.get("id", "")
        self.form_name = persona.get("name", "")
        self.form_audience = persona.get("audience", "")
        self.form_tone = persona.get("tone", "")
        self.form_topics = persona.get("topics", "")
        self.form_mission = persona.get("mission", "")
        self.form_account_ids = list(persona.get("account_ids", []))
        self.form_open = True
        self.error = ""

    @rx.event
    def new_persona(self):
        self._fill_form(None)

    @rx.event
    def edit_persona(self, persona_id: str):
        self._fill_form(next((p for p in self.personas if p["id"] == persona_id), None))

    @rx.event
    def cancel_form(self):
        self.form_open = False
        self.error = ""

    @rx.event
    def set_form_name(self, value: str):
        if value != self.form_name:
            self.error = ""  # the message was about what the form held before
        self.form_name = value

    @rx.event
    def set_form_audience(self, value: str):
        if value != self.form_audience:
            self.error = ""  # the message was about what the form held before
        self.form_audience = value

    @rx.event
    def set_form_tone(self, value: str):
        if value != self.form_tone:
            self.error = ""  # the message was about what the form held before
        self.form_tone = value

    @rx.event
    def set_form_topics(self, value: str):
        if value != self.form_topics:
            self.error = ""  # the message was about what the form held before
        self.form_topics = value

    @rx.event
    def set_form_mission(self, value: str):
        if value != self.form_mission:
            self.error = ""  # the message was about what the form held before
        self.form_mission = value

    @rx.event
    def set_form_account(self, account_id: str, checked: bool):
        self.error = ""
        others = [a for a in self.form_account_ids if a != account_id]
        self.form_account_ids = [*others, account_id] if checked else others

    @rx.event
    async def save_persona(self):
        user = await current_user(self)
        if user is None:
            return None
        org_id = user.organization_id
        values = {"name": self.form_name, "audience": self.form_audience, "tone": self.form_tone,
                  "topics": self.form_topics, "mission": self.form_mission}  # fmt: skip
        try:
            persona = await run_blocking(
                guarded.save_persona,
                user,
                int(self.editing_id) if self.editing_id else None,
                values,
                [int(a) for a in self.form_account_ids],
            )
        except UserError as exc:
            self.error = str(exc)
            return None
        self.form_open = False
        await self._refresh(org_id)
        return rx.toast.success(f"Persona {persona['name']} saved.")

    @rx.event
    async def delete_persona(self, persona_id: str):
        user = await current_user(self)
        if user is None:
            return None
        try:
            await run_blocking(guarded.delete_persona, user, int(persona_id))
        except UserError as exc:  # refused or already gone: an outcome, so a toast only
            await self._refresh(user.organization_id)
            return rx.toast.error(str(exc))
        if self.editing_id == persona_id:
            self.form_open = False
        await self._refresh(user.organization_id)
        return rx.toast.info("Persona deleted; its accounts have no persona now.")
