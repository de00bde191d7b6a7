"""Settings sections: the user's timezone and per-account posting slots (each a card of its own)."""

from __future__ import annotations

import reflex as rx

from components.design import empty_state, primary_button
from components.fields import field_label
from state.settings import QueueSlotsState, TimezoneSettingsState

TZ = TimezoneSettingsState
Q = QueueSlotsState


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


WEEKDAY_SHORT = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
WEEKDAY_LONG = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _day_toggle(rule: rx.Var, index: rx.Var, day: int) -> rx.Component:
    on = rule.days.contains(day)
    return rx.button(
        WEEKDAY_SHORT[day],
        size="1",
        variant=rx.cond(on, "solid", "outline"),
        on_click=Q.toggle_day(index, day),
        aria_label=WEEKDAY_LONG[day],
        custom_attrs={"aria-pressed": rx.cond(on, "true", "false"), "data-testid": f"rule-day-{day}"},
    )


def _time_chip(rule: rx.Var, index: rx.Var, at: rx.Var) -> rx.Component:
    return rx.badge(
        at,
        rx.icon_button(
            rx.icon("x", size=14, aria_hidden="true"),
            size="1",
            variant="soft",
            color_scheme="gray",
            on_click=Q.remove_time(index, at),
            aria_label="Remove " + at + " from " + rule.label,
            custom_attrs={"data-testid": "rule-time-remove"},
        ),
        variant="surface",
        size="2",
        custom_attrs={"data-testid": "rule-time", "data-time": at},
    )


def _rule_card(rule: rx.Var, index: rx.Var) -> rx.Component:
    number = (index + 1).to(str)
    return rx.box(
        rx.vstack(
            rx.hstack(
                rx.text("Rule " + number + ": " + rule.label, size="2", weight="medium",
                        custom_attrs={"data-testid": "rule-label"}),
                rx.spacer(),
                rx.button(
                    rx.icon("trash-2", size=14, aria_hidden="true"),
                    "Remove rule",
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    on_click=Q.remove_rule(index),
                    aria_label="Remove rule " + number + " (" + rule.label + ")",
                    custom_attrs={"data-testid": "rule-remove"},
                ),
                width="100%",
                align="center",
            ),
            rx.hstack(
                *[_day_toggle(rule, index, d) for d in range(7)],
                spacing="1",
                wrap="wrap",
                custom_attrs={"role": "group", "aria-label": "Days of rule " + number},
            ),
            rx.hstack(
                rx.foreach(rule.times, lambda at: _time_chip(rule, index, at)),
                rx.cond(rule.times.length() == 0, rx.text("No times yet.", size="1", color_scheme="gray")),
                rx.input(
                    type="time",
                    value=rule.new_time,
                    on_change=Q.set_rule_time(index),
                    aria_label="Time to add to rule " + number,
                    width="120px",
                    custom_attrs={"data-testid": "rule-new-time"},
                ),
                rx.button(
                    rx.icon("plus", size=14, aria_hidden="true"),
                    "Add time",
                    size="1",
                    variant="soft",
                    on_click=Q.add_time(index),
                    aria_label="Add this time to rule " + number,
                    custom_attrs={"data-testid": "rule-add-time"},
                ),
                spacing="2",
                wrap="wrap",
                align="center",
            ),
            spacing="2",
            width="100%",
        ),
        padding="10px",
        border=f"1px solid {rx.color('gray', 5)}",
        border_radius="8px",
        width="100%",
        custom_attrs={"data-testid": "slot-rule"},
    )


def _problems() -> rx.Component:
    """Every slot that could not be saved, listed at once (the rest was saved)."""
    return rx.cond(
        Q.problems.length() > 0,
        rx.box(
            rx.text("Not saved:", size="2", weight="medium", color_scheme="red"),
            rx.el.ul(
                rx.foreach(Q.problems, lambda p: rx.el.li(rx.text(p, size="2"), custom_attrs={"data-testid": "slots-problem"})),
                padding_left="20px",
            ),
            role="alert",
            custom_attrs={"data-testid": "slots-problems"},
        ),
    )


def leave_dialog() -> rx.Component:
    """Asked when the sidebar is used with unsaved slot changes (assets/unsaved.js opens it)."""
    return rx.fragment(
        rx.script(src="/unsaved.js"),
        rx.el.span(custom_attrs={"data-testid": "settings-unsaved-flag", "data-unsaved": rx.cond(Q.dirty, "true", "false")},
                   hidden=True),
        rx.el.button(
            "Ask before leaving",
            id="unsaved-leave-trigger",
            type="button",
            tab_index=-1,
            hidden=True,
            aria_hidden="true",
            on_click=rx.call_script("window.__shLeaveHref || '/'", callback=Q.ask_leave),
        ),
        rx.alert_dialog.root(
            rx.alert_dialog.content(
                rx.alert_dialog.title("You have unsaved changes"),
                rx.alert_dialog.description(
                    "Your posting slot changes are not saved yet. Leave this page and lose them?",
                    custom_attrs={"data-testid": "unsaved-dialog-description"},
                ),
                rx.hstack(
                    rx.alert_dialog.cancel(
                        rx.button("Stay on this page", variant="soft", color_scheme="gray", on_click=Q.stay,
                                  custom_attrs={"data-testid": "unsaved-stay"})
                    ),
                    rx.alert_dialog.action(
                        rx.button("Leave without saving", color_scheme="red", on_click=Q.leave_without_saving,
                                  custom_attrs={"data-testid": "unsaved-leave"})
                    ),
                    spacing="3",
                    justify="end",
                    margin_top="16px",
                ),
                custom_attrs={"data-testid": "unsaved-dialog"},
                max_width="480px",
            ),
            open=Q.leave_open,
        ),
    )


def queue_slots_section() -> rx.Component:
    return section(
        "Posting queue",
        "Weekly posting slots per account, as rules: days × times. “Add to queue” in the composer puts a post "
        "into the next free slot.",
        leave_dialog(),
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
                rx.cond(
                    Q.rules.length() == 0,
                    rx.text("No slots yet. Add a rule, e.g. Mon–Fri at 09:00 and 17:30.", size="2", color_scheme="gray",
                            custom_attrs={"data-testid": "slots-empty"}),
                ),
                rx.foreach(Q.rules, _rule_card),
                rx.hstack(
                    rx.button(
                        rx.icon("plus", size=14, aria_hidden="true"),
                        "Add rule",
                        variant="soft",
                        on_click=Q.add_rule,
                        custom_attrs={"data-testid": "slot-rule-add"},
                    ),
                    rx.button("Save slots", on_click=Q.save_slots, custom_attrs={"data-testid": "slots-save"}),
                    rx.cond(Q.dirty, rx.text("Unsaved changes", size="1", color_scheme="amber",
                                             custom_attrs={"data-testid": "slots-dirty"})),
                    align="center",
                    wrap="wrap",
                ),
                rx.text(
                    "Times are in " + Q.slots_timezone + ". Keep slots of one account at least 5 minutes apart.",
                    size="1",
                    color_scheme="gray",
                ),
                _problems(),
                _callouts(Q.slot_error, Q.slot_notice, "slots"),
                spacing="3",
                width="100%",
            ),
            empty_state(
                "calendar-clock",
                "No accounts connected yet",
                "Connect an account to set up its posting slots.",
                "slots-no-accounts",
                actions=[primary_button("Connect an account", testid="slots-connect", icon="plug",
                                        on_click=rx.redirect("/accounts"))],
            ),
        ),
        testid="settings-queue",
    )
