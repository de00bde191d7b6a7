"""Settings → AI → Personas: name, audience, tone, topics, mission, and the accounts that speak as it."""

from __future__ import annotations

import reflex as rx

from components.ai_nav import ai_subnav, error_callout
from components.design import confirm_action, empty_state, primary_button
from components.fields import field_label
from components.platform import platform_icon
from socialhub_app.layout import protected_page
from state.ai_personas import AIPersonasState


def _detail(label: str, value: rx.Var) -> rx.Component:
    return rx.cond(value != "", rx.text(rx.text.strong(label + ": "), value, size="2"))


def persona_card(p: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(p["name"], size="3", custom_attrs={"data-testid": "ai-persona-name"}, as_="h2"),
                rx.spacer(),
                rx.button(
                    "Edit",
                    size="1",
                    variant="soft",
                    on_click=AIPersonasState.edit_persona(p["id"]),
                    custom_attrs={"data-testid": "ai-persona-edit"},
                ),
                confirm_action(
                    rx.button(
                        "Delete",
                        size="1",
                        variant="soft",
                        color_scheme="red",
                        aria_label="Delete persona " + p["name"].to(str),
                        custom_attrs={"data-testid": "ai-persona-delete"},
                    ),
                    title="Delete persona “" + p["name"].to(str) + "”?",
                    description="Its accounts fall back to the workspace default voice. This can't be undone.",
                    confirm_label="Delete persona",
                    on_confirm=AIPersonasState.delete_persona(p["id"]),
                    testid="ai-persona-delete-dialog",
                ),
                width="100%",
                align="center",
            ),
            _detail("Audience", p["audience"]),
            _detail("Tone", p["tone"]),
            _detail("Topics", p["topics"]),
            _detail("Mission", p["mission"]),
            rx.text(
                rx.text.strong("Accounts: "),
                p["accounts_text"],
                size="2",
                custom_attrs={"data-testid": "ai-persona-accounts"},
            ),
            spacing="1",
            width="100%",
        ),
        width="100%",
        custom_attrs={"data-testid": "ai-persona-row", "data-name": p["name"]},
    )


def _input(label: str, value: rx.Var, handler, testid: str, area: bool = False) -> rx.Component:  # noqa: ANN001
    make = rx.text_area if area else rx.input
    return rx.vstack(
        field_label(label, testid),
        make(
            id=testid, value=value, on_change=handler, on_blur=handler, width="100%", custom_attrs={"data-testid": testid}
        ),
        spacing="1",
        width="100%",
    )


def account_checkbox(account: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.checkbox(
            checked=AIPersonasState.form_account_ids.contains(account["id"]),
            on_change=lambda checked: AIPersonasState.set_form_account(account["id"], checked),
            aria_label="Use for " + account["display_name"].to(str),
            custom_attrs={"data-testid": "ai-persona-account-" + account["platform"].to(str)},
        ),
        platform_icon(account["platform"], 14),
        rx.text(account["display_name"], size="2"),
        align="center",
        spacing="2",
    )


def persona_form() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(rx.cond(AIPersonasState.editing_id != "", "Edit persona", "New persona"), size="3", as_="h2"),
            rx.grid(
                _input("Name", AIPersonasState.form_name, AIPersonasState.set_form_name, "ai-persona-name-input"),
                _input("Tone", AIPersonasState.form_tone, AIPersonasState.set_form_tone, "ai-persona-tone-input"),
                columns="2",
                spacing="3",
                width="100%",
            ),
            _input(
                "Target audience",
                AIPersonasState.form_audience,
                AIPersonasState.set_form_audience,
                "ai-persona-audience-input",
                area=True,
            ),
            _input(
                "Topics and skills",
                AIPersonasState.form_topics,
                AIPersonasState.set_form_topics,
                "ai-persona-topics-input",
                area=True,
            ),
            _input(
                "Mission statement",
                AIPersonasState.form_mission,
                AIPersonasState.set_form_mission,
                "ai-persona-mission-input",
                area=True,
            ),
            rx.text("Accounts that speak as this persona", size="1", weight="medium"),
            rx.cond(
                AIPersonasState.accounts.length() > 0,
                rx.hstack(rx.foreach(AIPersonasState.accounts, account_checkbox), wrap="wrap", spacing="4"),
                rx.text("No accounts connected yet.", size="1", color_scheme="gray"),
            ),
            error_callout(AIPersonasState.error, "ai-persona-error"),
            rx.hstack(
                rx.button(
                    "Save persona",
                    on_click=AIPersonasState.save_persona,
                    custom_attrs={"data-testid": "ai-persona-save"},
                ),
                rx.button(
                    "Cancel",
                    variant="soft",
                    color_scheme="gray",
                    on_click=AIPersonasState.cancel_form,
                    custom_attrs={"data-testid": "ai-persona-cancel"},
                ),
                spacing="2",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        custom_attrs={"data-testid": "ai-persona-form"},
    )


@protected_page("/ai/personas", "AI personas", on_load=[AIPersonasState.load])
def ai_personas_page() -> rx.Component:
    return rx.vstack(
        ai_subnav("/ai/personas"),
        rx.hstack(
            rx.heading("Personas", size="4", as_="h2"),
            rx.spacer(),
            rx.button(
                rx.icon("plus", size=14),
                "New persona",
                on_click=AIPersonasState.new_persona,
                custom_attrs={"data-testid": "ai-persona-new"},
            ),
            width="100%",
            align="center",
        ),
        rx.text(
            "The composer writes in the voice of the persona most of the selected accounts share.",
            size="2",
            color_scheme="gray",
        ),
        rx.cond(AIPersonasState.form_open, persona_form()),
        rx.cond(
            AIPersonasState.personas.length() > 0,
            rx.vstack(rx.foreach(AIPersonasState.personas, persona_card), width="100%", spacing="2"),
            empty_state(
                "user-round",
                "No personas yet",
                "Create one so suggestions match your audience and voice.",
                "ai-personas-empty",
                actions=[
                    primary_button("Create persona", testid="ai-personas-empty-create", icon="plus",
                                   on_click=AIPersonasState.new_persona),
                ],
            ),
        ),
        spacing="3",
        width="100%",
    )
