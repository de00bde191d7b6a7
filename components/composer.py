"""Composer building blocks: account chips, per-account counters, publish results (previews: network_preview)."""

from __future__ import annotations

import reflex as rx

from components.platform import platform_icon, status_badge


def account_chip(account: rx.Var, selected: rx.Var, on_click) -> rx.Component:  # noqa: ANN001
    return rx.button(
        platform_icon(account["platform"], 16),
        account["display_name"],
        variant=rx.cond(selected, "solid", "outline"),
        radius="full",
        size="2",
        on_click=on_click,
        custom_attrs={
            "data-testid": "chip-" + account["platform"].to(str) + "-" + account["id"].to(str),
            "data-selected": rx.cond(selected, "true", "false"),
        },
    )


def counter_row(row: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            platform_icon(row["platform"], 16),
            rx.text(row["account_name"], size="2", weight="medium"),
            rx.spacer(),
            rx.text(
                row["counter"],
                size="2",
                weight="bold",
                color=rx.cond(row["over"].to(bool), rx.color("red", 11), rx.color("gray", 11)),
                custom_attrs={
                    "data-testid": "counter-" + row["platform"].to(str),
                    "data-over": rx.cond(row["over"].to(bool), "true", "false"),
                },
            ),
            width="100%",
            align="center",
        ),
        rx.cond(
            row["problem_text"] != "",
            rx.text(
                row["problem_text"],
                size="1",
                color_scheme="red",
                custom_attrs={"data-testid": "problem-" + row["platform"].to(str)},
            ),
        ),
        spacing="1",
        width="100%",
    )


def result_row(result: rx.Var, on_retry, on_mark) -> rx.Component:  # noqa: ANN001
    return rx.hstack(
        platform_icon(result["platform"], 16),
        rx.text(result["account_name"], size="2"),
        status_badge(result["status"], testid="result-status-" + result["platform"].to(str)),
        rx.cond(
            result["url"] != "",
            rx.link(
                "Open post",
                href=result["url"],
                is_external=True,
                size="2",
                custom_attrs={"data-testid": "result-link-" + result["platform"].to(str)},
            ),
        ),
        rx.text(
            result["error"],
            size="1",
            color_scheme="red",
            custom_attrs={"data-testid": "result-error-" + result["platform"].to(str)},
        ),
        rx.cond(
            result["can_retry"] != "",
            rx.hstack(
                rx.button(
                    "Retry",
                    size="1",
                    variant="soft",
                    on_click=on_retry,
                    custom_attrs={"data-testid": "retry-" + result["platform"].to(str)},
                ),
                rx.button(
                    "Mark as published",
                    size="1",
                    variant="soft",
                    color_scheme="gray",
                    on_click=on_mark,
                    custom_attrs={"data-testid": "mark-published-" + result["platform"].to(str)},
                ),
            ),
        ),
        align="center",
        spacing="2",
        wrap="wrap",
        custom_attrs={"data-testid": "result-" + result["platform"].to(str)},
    )
