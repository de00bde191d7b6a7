"""Settings → AI → Providers: the fallback order, keys (last four shown), prices and the monthly budget."""

from __future__ import annotations

import reflex as rx

from components.ai_nav import ai_subnav, error_callout
from components.design import empty_state, primary_button
from components.fields import field_label
from socialhub_app.layout import protected_page
from state.ai_providers import FORM_ID, AIProvidersState


def provider_row(p: rx.Var) -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.vstack(
                rx.icon_button(
                    rx.icon("chevron-up", size=14),
                    size="1",
                    variant="ghost",
                    on_click=AIProvidersState.move(p["id"], -1),
                    aria_label="Move " + p["name"].to(str) + " up (tried earlier)",
                    custom_attrs={"data-testid": "ai-provider-up"},
                ),
                rx.icon_button(
                    rx.icon("chevron-down", size=14),
                    size="1",
                    variant="ghost",
                    on_click=AIProvidersState.move(p["id"], 1),
                    aria_label="Move " + p["name"].to(str) + " down (tried later)",
                    custom_attrs={"data-testid": "ai-provider-down"},
                ),
                spacing="1",
            ),
            rx.vstack(
                rx.hstack(
                    rx.text(p["name"], weight="bold", custom_attrs={"data-testid": "ai-provider-row-name"}),
                    rx.badge(p["scope"], variant="surface"),
                    rx.badge("priority " + p["priority"].to(str), variant="soft", color_scheme="gray"),
                    align="center",
                ),
                rx.text(p["base_url"].to(str) + " · " + p["model"].to(str), size="1", color_scheme="gray"),
                rx.hstack(
                    rx.text(
                        "Key ", rx.code(p["key_hint"]), size="1", custom_attrs={"data-testid": "ai-provider-key-hint"}
                    ),
                    rx.text(p["prices"], size="1", color_scheme="gray"),
                    spacing="3",
                ),
                capability_switches(p),
                health_line(p),
                spacing="1",
            ),
            rx.spacer(),
            rx.hstack(
                rx.text("Enabled", size="1"),
                rx.switch(
                    checked=p["enabled"].to(bool),
                    on_change=lambda v: AIProvidersState.set_enabled(p["id"], v),
                    aria_label="Enabled: " + p["name"].to(str),
                    custom_attrs={"data-testid": "ai-provider-enabled"},
                ),
                align="center",
                spacing="1",
            ),
            delete_dialog(p),
            align="center",
            width="100%",
            spacing="3",
        ),
        width="100%",
        custom_attrs={"data-testid": "ai-provider-row", "data-name": p["name"]},
    )


def capability_switches(p: rx.Var) -> rx.Component:
    def switch(field: str, label: str) -> rx.Component:
        return rx.hstack(
            rx.switch(
                checked=p[field].to(bool),
                on_change=lambda v: AIProvidersState.set_capability(p["id"], field, v),
                size="1",
                aria_label=label,
                custom_attrs={"data-testid": f"ai-provider-{field.replace('_', '-')}"},
            ),
            rx.text(label, size="1"),
            align="center",
            spacing="1",
        )

    return rx.hstack(
        switch("can_see_images", "Can see images"),
        switch("can_generate_images", "Can generate images"),
        rx.cond(
            p["image_model"] != "", rx.text("image model " + p["image_model"].to(str), size="1", color_scheme="gray")
        ),
        spacing="3",
        wrap="wrap",
    )


def health_line(p: rx.Var) -> rx.Component:
    return rx.text(
        "Health: " + p["health"].to(str),
        size="1",
        color=rx.cond(p["healthy"].to(bool), rx.color("green", 11), rx.color("orange", 11)),
        custom_attrs={"data-testid": "ai-provider-health"},
    )


def delete_dialog(p: rx.Var) -> rx.Component:
    """Deleting a provider (and its stored key) cannot be undone, so it asks first."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(
                "Delete",
                size="1",
                variant="soft",
                color_scheme="red",
                aria_label="Delete provider " + p["name"].to(str),
                custom_attrs={"data-testid": "ai-provider-delete"},
            )
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete provider " + p["name"].to(str) + "?"),
            rx.alert_dialog.description(
                "Its stored API key is deleted too; the assistant stops using it at once. Usage history is kept.",
                size="2",
            ),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button(
                        "Cancel",
                        variant="soft",
                        color_scheme="gray",
                        custom_attrs={"data-testid": "ai-provider-delete-cancel"},
                    )  # fmt: skip
                ),
                rx.alert_dialog.action(
                    rx.button(
                        "Delete provider",
                        color_scheme="red",
                        on_click=AIProvidersState.delete_provider(p["id"]),
                        custom_attrs={"data-testid": "ai-provider-delete-confirm"},
                    )
                ),
                spacing="3",
                justify="end",
                margin_top="12px",
            ),
            custom_attrs={"data-testid": "ai-provider-delete-dialog"},
        ),
    )


def _checkbox(label: str, name: str) -> rx.Component:
    return rx.el.label(
        rx.checkbox(
            name=name,
            # Radix renders a <button role=checkbox>: the wrapping label alone gives it no name (axe: button-name)
            custom_attrs={"data-testid": f"ai-provider-input-{name.replace('_', '-')}", "aria-label": label},
        ),
        rx.text(label, size="1"),
        style={"display": "flex", "gap": "6px", "alignItems": "center"},
    )


def _field(label: str, name: str, placeholder: str = "", **props) -> rx.Component:  # noqa: ANN003
    return rx.vstack(
        field_label(label, f"ai-provider-{name}"),
        rx.input(
            id=f"ai-provider-{name}",
            name=name,
            placeholder=placeholder,
            width="100%",
            on_change=AIProvidersState.clear_error,
            custom_attrs={"data-testid": f"ai-provider-input-{name.replace('_', '-')}",
                          "aria-describedby": f"ai-provider-{name}-message"},
            **props,
        ),
        rx.cond(
            AIProvidersState.error_field == name,
            error_callout(AIProvidersState.error, "ai-provider-error", field_id=f"ai-provider-{name}"),
        ),
        spacing="1",
        width="100%",
    )


def add_form() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Add a provider", size="3", as_="h2"),
                rx.text(
                    "Any OpenAI-compatible endpoint: OpenAI, Azure-compatible gateways, Ollama, vLLM, LM Studio.",
                    size="1",
                    color_scheme="gray",
                ),
                rx.grid(
                    _field("Name", "name", "OpenAI"),
                    _field("Base URL", "base_url", "https://api.openai.com/v1"),
                    _field("Model", "model", "gpt-4o-mini"),
                    _field(
                        "API key (stored encrypted; only its last 4 characters are shown)",
                        "api_key",
                        "sk-…",
                        type="password",
                        auto_complete="off",
                    ),
                    _field("Input price (USD per 1K tokens)", "price_in", "0"),
                    _field("Output price (USD per 1K tokens)", "price_out", "0"),
                    _field("Priority (lower is tried first; empty = last)", "priority", ""),
                    _field("Timeout (seconds)", "timeout", "30"),
                    _field("Image model (for Generate image; empty = the model above)", "image_model", "gpt-image-1"),
                    rx.vstack(
                        _checkbox("Can see images (vision: used for alt text suggestions)", "can_see_images"),
                        _checkbox("Can generate images (OpenAI-compatible /images/generations)", "can_generate_images"),
                        spacing="1",
                    ),
                    columns="2",
                    spacing="3",
                    width="100%",
                ),
                rx.vstack(
                    rx.text("Whose key", size="1", weight="medium"),
                    rx.radio_group(
                        ["workspace", "personal"],
                        name="scope",
                        default_value="workspace",
                        direction="row",
                        aria_label="Whose key",
                        custom_attrs={"data-testid": "ai-provider-scope"},
                    ),
                    rx.text(
                        "“workspace” is used by everyone here; “personal” is your own key, tried before the "
                        "workspace's and used only for you.",
                        size="1",
                        color_scheme="gray",
                    ),
                    spacing="1",
                ),
                rx.cond(AIProvidersState.error_field == "", error_callout(AIProvidersState.error, "ai-provider-error")),
                rx.button("Add provider", type="submit", custom_attrs={"data-testid": "ai-provider-add"}),
                spacing="3",
                width="100%",
            ),
            id=FORM_ID,
            on_submit=AIProvidersState.add_provider,
            reset_on_submit=False,
        ),
        width="100%",
    )


def budget_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Monthly workspace budget", size="3", as_="h2"),
            rx.text(AIProvidersState.budget_text, size="2", custom_attrs={"data-testid": "ai-budget-status"}),
            rx.hstack(
                rx.input(
                    aria_label="Monthly budget (USD)",
                    value=AIProvidersState.budget_input,
                    on_change=AIProvidersState.set_budget_input,
                    on_blur=AIProvidersState.set_budget_input,
                    placeholder="USD, empty = no budget",
                    width="220px",
                    custom_attrs={"data-testid": "ai-budget-input", "aria-describedby": "ai-budget-message"},
                ),
                rx.button(
                    "Save budget", on_click=AIProvidersState.save_budget, custom_attrs={"data-testid": "ai-budget-save"}
                ),
                align="center",
            ),
            error_callout(AIProvidersState.budget_error, "ai-budget-error", field_id="ai-budget"),
            rx.text(
                "Once this month's estimated cost reaches the budget, providers are not called and the "
                "offline assistant answers instead.",
                size="1",
                color_scheme="gray",
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


@protected_page("/ai/providers", "AI providers", on_load=[AIProvidersState.load])
def ai_providers_page() -> rx.Component:
    return rx.vstack(
        ai_subnav("/ai/providers"),
        rx.heading("Providers, in the order they are tried", size="4", as_="h2"),
        rx.text(
            "Your own keys first, then the workspace's. On a rate limit, timeout or server error the next "
            "provider is tried; if none answers, the built-in offline assistant does.",
            size="2",
            color_scheme="gray",
        ),
        rx.cond(
            AIProvidersState.providers.length() > 0,
            rx.vstack(rx.foreach(AIProvidersState.providers, provider_row), width="100%", spacing="2"),
            empty_state(
                "plug",
                "No AI provider yet",
                "Without one, the composer's assistant gives offline suggestions.",
                "ai-providers-empty",
                actions=[
                    primary_button("Add a provider", testid="ai-providers-empty-add", icon="plus",
                                   on_click=rx.call_script(
                                       f"document.querySelector('#{FORM_ID} input')?.focus()")),
                ],
            ),
        ),
        add_form(),
        budget_card(),
        spacing="3",
        width="100%",
    )
