"""Settings → AI → Providers: OpenAI-compatible endpoints in priority order, and the monthly budget.

The add form is an uncontrolled HTML form: the API key travels once to the server in the submit
event and is never stored in (or sent back with) page state. Listings carry only its last four.
"""

from __future__ import annotations

import reflex as rx

from services import ai
from services.ai import health
from services.errors import UserError
from services.permissions import PermissionDenied, require
from state.display import clock as display_clock
from state.runner import run_blocking
from state.session import current_user

FORM_ID = "ai-provider-form"


def _health_text(state, clock=None) -> str:  # noqa: ANN001 - services.ai.health.Health or None; clock: datetime -> str
    if state is None:
        return "healthy"
    status = state.status()
    if status in ("rate limited", "circuit open") and state.skip_until is not None:
        until = clock(state.skip_until) if clock else f"{state.skip_until:%H:%M} UTC"
        return f"{status}: skipped until {until} ({state.skip_reason})"
    return status


def _row(p: dict, health_state=None, clock=None) -> dict:  # noqa: ANN001
    caps = [label for key, label in (("can_see_images", "sees images"), ("can_generate_images", "generates images"))
            if p.get(key)]  # fmt: skip
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
        "can_see_images": bool(p.get("can_see_images")),
        "can_generate_images": bool(p.get("can_generate_images")),
        "image_model": p.get("image_model") or "",
        "capabilities": ", ".join(caps) if caps else "chat only",
        "health": _health_text(health_state, clock),
        "healthy": health_state is None or health_state.status() == "healthy",
    }


class AIProvidersState(rx.State):
    providers: list[dict] = []
    budget_input: str = ""
    budget_text: str = ""
    error: str = ""  # an input problem of the add form, shown under error_field ("" = under the form)
    error_field: str = ""
    budget_error: str = ""  # an input problem of the budget field, cleared when it changes

    @rx.event
    async def load(self):
        user = await current_user(self)
        if user is None:
            return
        self.error = self.budget_error = ""
        await self._refresh(user.organization_id, user.user_id)
        budget = await run_blocking(ai.get_monthly_budget, user.organization_id)
        self.budget_input = "" if budget is None else f"{budget:g}"

    async def _refresh(self, org_id: int, user_id: int) -> None:
        listed = await run_blocking(ai.list_providers, org_id, user_id)
        states = await run_blocking(health.health_of, [p["id"] for p in listed])
        user = await current_user(self)
        tz = user.timezone if user is not None else "UTC"
        self.providers = [_row(p, states.get(p["id"]), lambda moment: display_clock(self, moment, tz)) for p in listed]
        budget = await run_blocking(ai.get_monthly_budget, org_id)
        spent = await run_blocking(ai.month_spend, org_id)
        self.budget_text = (
            f"No monthly budget: provider calls are not capped. Spent this month: ${spent:,.4f}."
            if budget is None
            else f"Monthly budget ${budget:,.2f}; spent this month ${spent:,.4f}."
        )

    @rx.event
    def clear_error(self, _value: str = ""):
        """The person is fixing the form: the message about it goes (it may not be true any more)."""
        if self.error:
            self.error = self.error_field = ""

    def _form_problem(self, message: str) -> None:
        self.error, self.error_field = message, _field_of(message)

    @rx.event
    async def add_provider(self, form: dict):
        user = await current_user(self)
        if user is None:
            return None
        self.error = self.error_field = ""
        personal = form.get("scope") == "personal"
        try:
            require(user, "ai.personal_providers" if personal else "ai.providers")
        except PermissionDenied as exc:
            return rx.toast.error(str(exc))
        scope_rows = [p for p in self.providers if p["personal"] == personal]
        raw_priority = str(form.get("priority", "")).strip()
        if raw_priority and not raw_priority.lstrip("-").isdigit():
            self._form_problem("The priority must be a whole number (lower numbers are tried first).")
            return None
        priority = int(raw_priority) if raw_priority else max([int(p["priority"]) + 1 for p in scope_rows] or [0])
        try:
            added = await run_blocking(
                ai.add_provider,
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
                can_see_images=form.get("can_see_images") in ("on", True, "true"),
                can_generate_images=form.get("can_generate_images") in ("on", True, "true"),
                image_model=str(form.get("image_model", "")),
                acting_user_id=user.user_id,
            )
        except UserError as exc:
            self._form_problem(str(exc))
            return None
        await self._refresh(user.organization_id, user.user_id)
        return [
            rx.call_script(f"document.getElementById('{FORM_ID}').reset()"),
            rx.toast.success(f"Provider {added['name']} added ({added['key_hint']})."),
        ]

    @rx.event
    async def set_enabled(self, provider_id: str, enabled: bool):
        return await self._change(provider_id, enabled=bool(enabled))

    @rx.event
    async def set_capability(self, provider_id: str, field: str, value: bool):
        if field in ("can_see_images", "can_generate_images"):
            return await self._change(provider_id, **{field: bool(value)})
        return None

    @rx.event
    async def delete_provider(self, provider_id: str):
        user = await current_user(self)
        if user is None:
            return None
        if (message := self._refused(user, provider_id)) is not None:
            return rx.toast.error(message)
        try:
            await run_blocking(ai.delete_provider, user.organization_id, int(provider_id), acting_user_id=user.user_id)
        except UserError as exc:
            await self._refresh(user.organization_id, user.user_id)
            return rx.toast.error(str(exc))
        await self._refresh(user.organization_id, user.user_id)
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
        if (message := self._refused(user, provider_id)) is not None:  # reordering is a change too
            return rx.toast.error(message)
        group = [p for p in self.providers if p["personal"] == row["personal"]]
        index = group.index(row)
        target = index + int(step)
        if not 0 <= target < len(group):
            return
        group[index], group[target] = group[target], group[index]
        try:
            for priority, p in enumerate(group):
                await run_blocking(
                    ai.update_provider,
                    user.organization_id,
                    int(p["id"]),
                    acting_user_id=user.user_id,
                    priority=priority,
                )
        except UserError as exc:
            await self._refresh(user.organization_id, user.user_id)
            return rx.toast.error(str(exc))
        await self._refresh(user.organization_id, user.user_id)
        return None

    def _refused(self, user, provider_id: str) -> str | None:  # noqa: ANN001
        """Workspace providers need the "ai.providers" permission; personal ones are the person's own."""
        row = next((p for p in self.providers if p["id"] == provider_id), None)
        try:
            require(user, "ai.personal_providers" if row is not None and row["personal"] else "ai.providers")
        except PermissionDenied as exc:
            return str(exc)
        return None

    async def _change(self, provider_id: str, **fields):  # noqa: ANN003, ANN202 - a toast or None
        """A change to a listed provider is an outcome: a refusal is a toast (the row shows the state)."""
        user = await current_user(self)
        if user is None:
            return None
        if (message := self._refused(user, provider_id)) is not None:
            return rx.toast.error(message)
        try:
            await run_blocking(
                ai.update_provider, user.organization_id, int(provider_id), acting_user_id=user.user_id, **fields
            )
        except UserError as exc:
            await self._refresh(user.organization_id, user.user_id)
            return rx.toast.error(str(exc))
        await self._refresh(user.organization_id, user.user_id)
        return None

    @rx.event
    def set_budget_input(self, value: str):
        if value != self.budget_input:
            self.budget_error = ""
        self.budget_input = value

    @rx.event
    async def save_budget(self):
        user = await current_user(self)
        if user is None:
            return None
        self.budget_error = ""
        try:
            require(user, "ai.budget")
        except PermissionDenied as exc:
            return rx.toast.error(str(exc))
        raw = self.budget_input.strip().lstrip("$").replace(",", "")
        try:
            budget = await run_blocking(
                ai.set_monthly_budget, user.organization_id, raw if raw else None, acting_user_id=user.user_id
            )
        except UserError as exc:
            self.budget_error = str(exc)
            return None
        await self._refresh(user.organization_id, user.user_id)
        return rx.toast.success("Budget removed." if budget is None else f"Monthly budget set to ${budget:,.2f}.")


_FIELD_WORDS = (
    ("priority", "priority"), ("base URL", "base_url"), ("is not a URL", "base_url"), ("API key", "api_key"),
    ("timeout", "timeout"), ("input price", "price_in"), ("output price", "price_out"),
    ("image model", "image_model"), ("provider's name", "name"), ("provider's model", "model"),
)


def _field_of(message: str) -> str:
    """Which add-form field a refusal is about ("" = the form as a whole), so it is shown under that field."""
    return next((field for words, field in _FIELD_WORDS if words in message), "")
