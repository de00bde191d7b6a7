"""Settings sections: the user's timezone and per-account posting slots (each a card of its own)."""

from __future__ import annotations

import reflex as rx

from components.fields import field_label
from state.settings import QueueSlotsState, TimezoneSettingsState

TZ = TimezoneSettingsState
Q = QueueSlotsState
DAY_OPTIONS = [
    ("weekdays", "Mon–Fri"), ("everyday", "Every day"), ("weekend", "Sat–Sun"), ("0", "Monday"), ("1", "Tuesday"),
    ("2", "Wednesday"), ("3", "Thursday"), ("4", "Friday"), ("5", "Saturday"), ("6", "Sunday"),
]  # fmt: skip


def section(title: str, description: str, *children: rx.Component, testid: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(title, size="4", as_="h2"),
            rx.text(description, size="2", color_scheme="gray"),
            *children,
            spacing="3",
            width="100%",
        ),
        width="100%",
        custom_attrs={"data-testid": testid},
    )


def _callouts(error: rx.Var, notice: rx.Var, prefix: str) -> rx.Component:
    return rx.fragment(
        rx.cond(
            error != "",
            rx.callout(
                error,
                icon="triangle-alert",
                color_scheme="red",
                width="100%",
                custom_attrs={"data-testid": f"{prefix}-error"},
            ),
        ),
        rx.cond(
            notice != "",
            rx.callout(
                notice,
                icon="check",
                color_scheme="green",
                width="100%",
                custom_attrs={"data-testid": f"{prefix}-notice"},
            ),
        ),
    )


def timezone_section() -> rx.Component:
    return section(
        "Your timezone",
        "Calendar, composer and queue show times in this zone; everything is stored in UTC.",
        rx.form(
            rx.hstack(
                # Uncontrolled and never re-mounted by the server: what the user types is never overwritten
                # by a late state update (the saved zone is shown next to it as "Current").
                field_label("Timezone", "timezone-input"),
                rx.input(
                    id="timezone-input",
                    name="timezone",
                    placeholder="e.g. Europe/Berlin",
                    width="280px",
                    max_length=64,
                    custom_attrs={"data-testid": "timezone-input", "list": "timezone-options"},
                ),
                rx.el.datalist(rx.foreach(TZ.choices, lambda name: rx.el.option(value=name)), id="timezone-options"),
                rx.button("Save", type="submit", custom_attrs={"data-testid": "timezone-save"}),
                rx.button(
                    "Use my browser's timezone",
                    type="button",
                    variant="soft",
                    on_click=TZ.use_browser_timezone,
                    custom_attrs={"data-testid": "timezone-browser"},
                ),
                align="center",
                wrap="wrap",
            ),
            on_submit=TZ.save_timezone_form,
            reset_on_submit=False,
        ),
        rx.text("Current: ", rx.text.strong(TZ.saved_tz, custom_attrs={"data-testid": "timezone-current"}), size="2"),
        _callouts(TZ.tz_error, TZ.tz_notice, "timezone"),
        testid="settings-timezone",
    )


def _slot_badge(slot: rx.Var, index: rx.Var) -> rx.Component:
    return rx.badge(
        slot["day"] + " " + slot["time"],
        rx.icon_button(
            rx.icon("x", size=12),
            size="1",
            variant="ghost",
            on_click=Q.remove_slot(index),
            aria_label="Remove slot " + slot["day"] + " " + slot["time"],
            custom_attrs={"data-testid": "slot-remove"},
        ),
        variant="surface",
        size="2",
        custom_attrs={"data-testid": "slot"},
    )


def queue_slots_section() -> rx.Component:
    return section(
        "Posting queue",
        "Weekly posting slots per account. “Add to queue” in the composer puts a post into the next free slot.",
        rx.cond(
            Q.accounts.length() > 0,
            rx.vstack(
                rx.hstack(
                    rx.text("Account", size="2", id="slots-account-label"),
                    rx.select.root(
                        rx.select.trigger(
                            aria_labelledby="slots-account-label", custom_attrs={"data-testid": "slots-account"}
                        ),
                        rx.select.content(rx.foreach(Q.accounts, lambda a: rx.select.item(a["label"], value=a["id"]))),
                        value=Q.account_id,
                        on_change=Q.select_account,
                    ),
                    align="center",
                ),
                rx.hstack(
                    rx.cond(
                        Q.slots.length() == 0,
                        rx.text(
                            "No slots yet.", size="2", color_scheme="gray", custom_attrs={"data-testid": "slots-empty"}
                        ),
                    ),
                    rx.foreach(Q.slots, _slot_badge),
                    wrap="wrap",
                    spacing="2",
                ),
                rx.hstack(
                    rx.select.root(
                        rx.select.trigger(aria_label="Slot days", custom_attrs={"data-testid": "slot-days"}),
                        rx.select.content(*[rx.select.item(label, value=value) for value, label in DAY_OPTIONS]),
                        value=Q.new_days,
                        on_change=Q.set_new_days,
                    ),
                    rx.input(
                        type="time",
                        value=Q.new_time,
                        on_change=Q.set_new_time,
                        aria_label="Slot time",
                        custom_attrs={"data-testid": "slot-time"},
                    ),
                    rx.button(
                        rx.icon("plus", size=14),
                        "Add",
                        variant="soft",
                        on_click=Q.add_slot,
                        custom_attrs={"data-testid": "slot-add"},
                    ),
                    rx.button("Save slots", on_click=Q.save_slots, custom_attrs={"data-testid": "slots-save"}),
                    rx.cond(Q.dirty, rx.text("Unsaved changes", size="1", color_scheme="amber")),
                    align="center",
                    wrap="wrap",
                ),
                rx.text(
                    "Times are in " + Q.slots_timezone + ". Keep slots of one account at least 5 minutes apart.",
                    size="1",
                    color_scheme="gray",
                ),
                _callouts(Q.slot_error, Q.slot_notice, "slots"),
                spacing="3",
                width="100%",
            ),
            rx.text(
                "Connect an account to set up its posting slots.",
                size="2",
                color_scheme="gray",
                custom_attrs={"data-testid": "slots-no-accounts"},
            ),
        ),
        testid="settings-queue",
    )
