"""Composer sections for the calendar work: Repeat controls, Add to queue, and the series editing panel."""

from __future__ import annotations

import reflex as rx

from state.compose import ComposeState
from state.compose_extras import WEEKDAY_CHOICES, ComposeExtrasState
from state.compose_more import ComposeMoreState

S = ComposeExtrasState


def _weekday_toggle(value: str, label: str) -> rx.Component:
    selected = S.repeat_weekdays.contains(value)
    return rx.button(
        label,
        size="1",
        variant=rx.cond(selected, "solid", "outline"),
        on_click=S.toggle_weekday(value),
        custom_attrs={
            "data-testid": f"repeat-day-{label.lower()}",
            "data-selected": rx.cond(selected, "true", "false"),
            "aria-pressed": rx.cond(selected, "true", "false"),
        },
    )


def repeat_controls() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.switch(
                id="repeat-toggle",
                checked=S.repeat_on,
                on_change=S.set_repeat_on,
                custom_attrs={"data-testid": "repeat-toggle"},
            ),
            rx.el.label("Repeat", html_for="repeat-toggle", class_name="sh-label"),
            rx.text("(applied when you schedule)", size="1", color_scheme="gray"),
            align="center",
        ),
        rx.cond(
            S.repeat_on,
            rx.vstack(
                rx.hstack(  # "Repeat every [1] [week ▾] on [Mon][Tue]…": reads as a sentence (item 8)
                    rx.text("Repeat every", size="2"),
                    rx.input(
                        aria_label="Repeat every (number)",
                        value=S.repeat_interval,
                        on_change=S.set_repeat_interval,
                        type="number",
                        min=1,
                        width="70px",
                        custom_attrs={"data-testid": "repeat-interval"},
                    ),
                    rx.select.root(
                        rx.select.trigger(aria_label="Repeat unit", custom_attrs={"data-testid": "repeat-freq"}),
                        rx.select.content(
                            rx.select.item(S.unit_day, value="daily", custom_attrs={"data-testid": "repeat-freq-daily"}),
                            rx.select.item(S.unit_week, value="weekly", custom_attrs={"data-testid": "repeat-freq-weekly"}),
                        ),
                        value=S.repeat_freq,
                        on_change=S.set_repeat_freq,
                        size="2",
                    ),
                    rx.cond(
                        S.repeat_freq == "weekly",
                        rx.hstack(
                            rx.text("on", size="2"),
                            *[_weekday_toggle(v, label) for v, label in WEEKDAY_CHOICES],
                            align="center",
                            wrap="wrap",
                            spacing="1",
                        ),
                    ),
                    align="center",
                    wrap="wrap",
                ),
                rx.hstack(
                    rx.text("Ends", size="2"),
                    rx.select.root(
                        rx.select.trigger(aria_label="Repeat ends", custom_attrs={"data-testid": "repeat-end"}),
                        rx.select.content(
                            rx.select.item("after a number of times", value="count"),
                            rx.select.item("on a date", value="until"),
                            rx.select.item("never (planned 90 days ahead)", value="never"),
                        ),
                        value=S.repeat_end,
                        on_change=S.set_repeat_end,
                        size="2",
                    ),
                    rx.cond(
                        S.repeat_end == "count",
                        rx.input(
                            aria_label="Number of times",
                            value=S.repeat_count,
                            on_change=S.set_repeat_count,
                            type="number",
                            min=1,
                            width="80px",
                            custom_attrs={"data-testid": "repeat-count"},
                        ),
                    ),
                    rx.cond(
                        S.repeat_end == "until",
                        rx.input(
                            value=S.repeat_until,
                            on_change=S.set_repeat_until,
                            type="date",
                            aria_label="Last date",
                            custom_attrs={"data-testid": "repeat-until"},
                        ),
                    ),
                    align="center",
                    wrap="wrap",
                ),
                rx.text(S.repeat_summary, size="2", color_scheme="gray", custom_attrs={"data-testid": "repeat-summary"}),
                spacing="2",
                padding_left="12px",
                border_left=f"2px solid {rx.color('accent', 6)}",
            ),
        ),
        rx.cond(
            S.repeat_error != "",
            rx.callout(
                S.repeat_error,
                icon="triangle-alert",
                color_scheme="red",
                width="100%",
                custom_attrs={"data-testid": "repeat-error"},
            ),
        ),
        spacing="2",
        width="100%",
    )


def series_panel() -> rx.Component:
    """Replaces the usual actions when the open post belongs to a recurring series: the scope is always explicit."""
    return rx.vstack(
        rx.callout(
            rx.hstack(
                rx.text("Part of a recurring series: ", size="2"),
                rx.text(S.series["description"], size="2", weight="bold", custom_attrs={"data-testid": "series-rule"}),
                rx.cond(
                    S.series["detached"] == "yes",
                    rx.badge(
                        "edited on its own", color_scheme="amber", custom_attrs={"data-testid": "series-detached"}
                    ),
                ),
                wrap="wrap",
                align="center",
            ),
            icon="repeat",
            color_scheme="violet",
            width="100%",
            custom_attrs={"data-testid": "series-info"},
        ),
        rx.radio_group.root(
            rx.hstack(
                rx.radio_group.item(value="occurrence", id="scope-occurrence", custom_attrs={"data-testid": "scope-occurrence"}),
                rx.el.label("Only this occurrence (its date and time above, content)", html_for="scope-occurrence"),
                align="center",
            ),
            rx.hstack(
                rx.radio_group.item(
                    value="series",
                    id="scope-series",
                    custom_attrs={"data-testid": "scope-series"},
                    disabled=S.series["active"] != "yes",
                ),
                rx.el.label(
                    "The whole series (content and accounts of every upcoming occurrence not edited on its own)",
                    html_for="scope-series",
                ),
                align="center",
            ),
            value=S.edit_scope,
            on_change=S.set_edit_scope,
            direction="column",
            aria_label="What to change",
        ),
        rx.hstack(
            rx.button(
                rx.cond(S.edit_scope == "series", "Save the whole series", "Save this occurrence"),
                on_click=S.save_series_edit,
                custom_attrs={"data-testid": "save-series-edit"},
            ),
            rx.cond(
                S.series["active"] == "yes",
                rx.button(
                    "Stop repeating",
                    variant="soft",
                    color_scheme="orange",
                    on_click=S.stop_repeating,
                    custom_attrs={"data-testid": "stop-repeating"},
                ),
            ),
            rx.button(
                "Delete this occurrence",
                variant="soft",
                color_scheme="red",
                on_click=ComposeMoreState.ask_delete,
                custom_attrs={"data-testid": "delete-post"},
            ),
            rx.button(
                "New post", variant="ghost", on_click=ComposeState.new_post, custom_attrs={"data-testid": "new-post"}
            ),
            wrap="wrap",
            spacing="2",
        ),
        width="100%",
        spacing="2",
    )


def compose_extras() -> rx.Component:
    """Repeat + queue controls for a new or single post (a series' posts get `series_panel` instead)."""
    return rx.cond(
        S.in_series,
        rx.fragment(),
        rx.vstack(repeat_controls(), width="100%", spacing="2"),  # Add to queue is in the actions menu
    )


def series_aware(actions: rx.Component) -> rx.Component:
    return rx.cond(S.in_series, series_panel(), actions)
