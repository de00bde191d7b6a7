"""Settings → AI → Providers: OpenAI-compatible endpoints in priority order, and the monthly budget.

The add form is an uncontrolled HTML form: the API key travels once to the server in the submit
event and is never stored in (or sent back with) page state. Listings carry only its last four.
"""

from __future__ import annotations

import reflex as rx

from services import ai
from services.errors import UserError
from state.session import current_user

FORM_ID = "ai-provider-form"


def _row(p: dict) -> dict:
    return {
        "id": str(p["id"]),
        "name": p["name"],
        "base_url": p["base_url"],
        "model": p["model"],
        "key_hint": p["key_hint"],
        "priority": str(p["priority"]),
        "enabled": bool(p["enabled"]),
        "prices": f"${p['price_in_per_1k']:g} in / ${p['price_out_per_1k']:g} out per 1K tokens",
        "scope": "My own key" if p["scope"] == "personal" else "Workspace",
        "personal": p["scope"] == "personal",
    }


class AIProvidersState(rx.State):
    providers: list[dict] = []
    budget_input: str = ""
    budget_text: str = ""
    error: str = ""
    budget_error: str = ""

    @rx.event
    async def load(self):
        user = await current_user(self)
        if user is None:
            return
        self.error = self.budget_error = ""
        self._refresh(user.organization_id, user.user_id)
        budget = ai.get_monthly_budget(user.organization_id)
        self.budget_input = "" if budget is None else f"{budget:g}"

    def _refresh(self, org_id: int, user_id: int) -> None:
        self.providers = [_row(p) for p in ai.list_providers(org_id, user_id)]
        budget = ai.get_monthly_budget(org_id)
        spent = ai.month_spend(org_id)
        self.budget_text = (
            f"No monthly budget: provider calls are not capped. Spent this month: ${spent:,.4f}."
            if budget is None
            else f"Monthly budget ${budget:,.2f}; spent this month ${spent:,.4f}."
        )

    @rx.event
    async def add_provider(self, form: dict):
        user = await current_user(self)
        if user is None:
            return None
        self.error = ""
        personal = form.get("scope") == "personal"
        scope_rows = [p for p in self.providers if p["personal"] == personal]
        raw_priority = str(form.get("priority", "")).strip()
        if raw_priority and not raw_priority.lstrip("-").isdigit():
            self.error = "The priority must be a whole number (lower numbers are tried first)."
            return None
        priority = int(raw_priority) if raw_priority else max([int(p["priority"]) + 1 for p in scope_rows] or [0])
        try:
            added = ai.add_provider(
                user.organization_id,
                user.user_id if personal else None,
                name=str(form.get("name", "")),
                base_url=str(form.get("base_url", "")),
                model=str(form.get("model", "")),
                api_key=str(form.get("api_key", "")),
                priority=priority,
                price_in_per_1k=form.get("price_in") or 0,
                price_out_per_1k=form.get("price_out") or 0,
                timeout_seconds=form.get("timeout") or 30,
            )
        except UserError as exc:
            self.error = str(exc)
            return None
        self._refresh(user.organization_id, user.user_id)
        return [
            rx.call_script(f"document.getElementById('{FORM_ID}').reset()"),
            rx.toast.success(f"Provider {added['name']} added ({added['key_hint']})."),
        ]

    @rx.event
    async def set_enabled(self, provider_id: str, enabled: bool):
        await self._change(provider_id, enabled=bool(enabled))

    @rx.event
    async def delete_provider(self, provider_id: str):
        user = await current_user(self)
        if user is None:
            return None
        try:
            ai.delete_provider(user.organization_id, int(provider_id), acting_user_id=user.user_id)
        except UserError as exc:
            self.error = str(exc)
        self._refresh(user.organization_id, user.user_id)
        return rx.toast.info("Provider deleted.")

    @rx.event
    async def move(self, provider_id: str, step: int):
        """Swap with the neighbour in the same group (own keys and workspace keys are ordered separately)."""
        user = await current_user(self)
        if user is None:
            return
        row = next((p for p in self.providers if p["id"] == provider_id), None)
        if row is None:
            return
        group = [p for p in self.providers if p["personal"] == row["personal"]]
        index = group.index(row)
        target = index + int(step)
        if not 0 <= target < len(group):
            return
        group[index], group[target] = group[target], group[index]
        try:
            for priority, p in enumerate(group):
                ai.update_provider(user.organization_id, int(p["id"]), acting_user_id=user.user_id, priority=priority)
        except UserError as exc:
            self.error = str(exc)
        self._refresh(user.organization_id, user.user_id)

    async def _change(self, provider_id: str, **fields) -> None:  # noqa: ANN003
        user = await current_user(self)
        if user is None:
            return
        self.error = ""
        try:
            ai.update_provider(user.organization_id, int(provider_id), acting_user_id=user.user_id, **fields)
        except UserError as exc:
            self.error = str(exc)
        self._refresh(user.organization_id, user.user_id)

    @rx.event
    def set_budget_input(self, value: str):
        self.budget_input = value

    @rx.event
    async def save_budget(self):
        user = await current_user(self)
        if user is None:
            return None
        self.budget_error = ""
        raw = self.budget_input.strip().lstrip("$").replace(",", "")
        try:
            budget = ai.set_monthly_budget(user.organization_id, raw if raw else None)
        except UserError as exc:
            self.budget_error = str(exc)
            return None
        self._refresh(user.organization_id, user.user_id)
        return rx.toast.success("Budget removed." if budget is None else f"Monthly budget set to ${budget:,.2f}.")
