"""Analytics: filters, range totals, Plotly charts, top posts, CSV export and "Refresh metrics now"."""

from __future__ import annotations

import reflex as rx

from components.analytics import chart_card, filter_chip, number_tile, simulated_note, top_posts_table
from components.charts import chart_skeleton
from components.design import empty_state, primary_button, secondary_button
from components.platform import platform_icon, platform_name
from socialhub_app.layout import protected_page
from state.analytics import AnalyticsState

PRESETS = [("7", "7 days"), ("30", "30 days"), ("90", "90 days"), ("custom", "Custom")]


def range_controls() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            *[
                rx.button(
                    label,
                    size="2",
                    variant=rx.cond(AnalyticsState.preset == value, "solid", "soft"),
                    on_click=AnalyticsState.set_preset(value),
                    custom_attrs={"data-testid": f"range-{value}"},
                )
                for value, label in PRESETS
            ],
            spacing="2",
            wrap="wrap",
        ),
        rx.cond(
            AnalyticsState.preset == "custom",
            rx.hstack(
                rx.input(
                    type="date",
                    value=AnalyticsState.custom_start,
                    on_change=AnalyticsState.set_custom_start,
                    aria_label="From date",
                    custom_attrs={"data-testid": "range-start"},
                ),
                rx.text("to", size="2"),
                rx.input(
                    type="date",
                    value=AnalyticsState.custom_end,
                    on_change=AnalyticsState.set_custom_end,
                    aria_label="To date",
                    custom_attrs={"data-testid": "range-end"},
                ),
                rx.button(
                    "Apply",
                    size="2",
                    on_click=AnalyticsState.apply_custom_range,
                    custom_attrs={"data-testid": "apply-range"},
                ),
                align="center",
                wrap="wrap",
            ),
        ),
        spacing="2",
    )


def filter_controls() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text("Platforms", size="2", weight="medium", min_width="80px"),
            rx.foreach(
                AnalyticsState.platform_options,
                lambda p: filter_chip(
                    platform_name(p),
                    AnalyticsState.selected_platforms.contains(p),
                    AnalyticsState.toggle_platform(p),
                    "filter-platform-" + p.to(str),
                    platform_icon(p, 12),
                ),
            ),
            align="center",
            wrap="wrap",
            spacing="2",
        ),
        rx.hstack(
            rx.text("Accounts", size="2", weight="medium", min_width="80px"),
            rx.foreach(
                AnalyticsState.account_options,
                lambda a: filter_chip(
                    a["name"],
                    AnalyticsState.selected_accounts.contains(a["id"]),
                    AnalyticsState.toggle_account(a["id"]),
                    "filter-account-" + a["id"].to(str),
                    platform_icon(a["platform"], 12),
                ),
            ),
            rx.cond(
                (AnalyticsState.selected_accounts.length() > 0) | (AnalyticsState.selected_platforms.length() > 0),
                rx.button(
                    "Show all",
                    size="1",
                    variant="ghost",
                    on_click=AnalyticsState.clear_filters,
                    custom_attrs={"data-testid": "filter-clear"},
                ),
            ),
            align="center",
            wrap="wrap",
            spacing="2",
        ),
        rx.text("No selection means all.", size="1", color_scheme="gray"),
        spacing="2",
        width="100%",
    )


def toolbar() -> rx.Component:
    return rx.hstack(
        range_controls(),
        rx.spacer(),
        rx.button(
            rx.icon("refresh-cw", size=16),
            "Refresh metrics now",
            variant="soft",
            loading=AnalyticsState.refreshing,
            on_click=AnalyticsState.refresh_now,
            custom_attrs={"data-testid": "refresh-metrics"},
        ),
        rx.button(
            rx.icon("download", size=16),
            "Download CSV",
            variant="soft",
            on_click=AnalyticsState.download_csv,
            custom_attrs={"data-testid": "download-csv"},
        ),
        width="100%",
        align="start",
        wrap="wrap",
        spacing="2",
    )


def messages() -> rx.Component:
    return rx.vstack(
        rx.cond(
            AnalyticsState.error != "",
            rx.callout(
                AnalyticsState.error,
                icon="triangle-alert",
                color_scheme="red",
                width="100%",
                custom_attrs={"data-testid": "analytics-error"},
            ),
        ),
        rx.cond(
            AnalyticsState.refresh_message != "",
            rx.text(
                AnalyticsState.refresh_message,
                size="2",
                color_scheme="gray",
                custom_attrs={"data-testid": "refresh-result"},
            ),
        ),
        width="100%",
    )


def totals() -> rx.Component:
    return rx.grid(
        number_tile("Posts published", AnalyticsState.total_posts, "total-posts"),
        number_tile("Engagement", AnalyticsState.total_engagement, "total-engagement", "likes + reposts + replies"),
        number_tile(
            "Impressions",
            AnalyticsState.total_impressions,
            "total-impressions",
            # only where the value is missing: a real number needs no footnote
            rx.cond(AnalyticsState.total_impressions == "—", "Not reported by these networks", ""),
        ),
        number_tile("Followers", AnalyticsState.total_followers, "total-followers", "at the end of the range"),
        columns=rx.breakpoints(initial="2", md="4"),  # two by two on a phone
        spacing="3",
        width="100%",
    )


def _chart(key: str) -> dict:
    """The chart's "Not enough data yet" note, its title and whether the figures arrived (skeleton until then)."""
    return {
        "not_enough": AnalyticsState.chart_notes[key],
        "title": AnalyticsState.chart_titles[key],
        "loaded": AnalyticsState.charts_ready,
    }


def charts() -> rx.Component:
    return rx.vstack(
        rx.cond(AnalyticsState.simulated, simulated_note()),
        rx.grid(
            chart_card(AnalyticsState.engagement_fig, "chart-engagement", **_chart("engagement")),
            chart_card(AnalyticsState.platforms_fig, "chart-platforms", **_chart("platforms")),
            chart_card(AnalyticsState.followers_fig, "chart-followers", **_chart("followers")),
            chart_card(
                AnalyticsState.rate_fig,
                "chart-rate",
                "Counts only networks that report impressions (X, TikTok views, Demo); the others leave it unknown.",
                **_chart("rate"),
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="3",
            width="100%",
        ),
        chart_card(
            AnalyticsState.heatmap_fig,
            "chart-heatmap",
            "Average engagement of posts by the weekday and hour they were published, from this workspace's own posts.",
            **_chart("heatmap"),
        ),
        top_posts_table(AnalyticsState.top_posts),
        spacing="3",
        width="100%",
    )


def no_data() -> rx.Component:
    return empty_state(
        "chart-no-axes-column",
        "No metrics in this range yet",
        "Demo posts get simulated metrics within seconds of publishing; other networks a few minutes after, then "
        "every 30 minutes for a week and daily up to 90 days. Publish a post, try a longer range, or press "
        "Refresh metrics now.",
        "analytics-no-data",
        actions=[
            primary_button("Refresh metrics now", testid="analytics-no-data-refresh", icon="refresh-cw",
                           on_click=AnalyticsState.refresh_now),
            secondary_button("Create post", testid="analytics-no-data-compose", icon="pen-line",
                             on_click=rx.redirect("/compose")),
        ],
    )


@protected_page("/analytics", "Analytics", on_load=[AnalyticsState.load])
def analytics_page() -> rx.Component:
    return rx.cond(
        AnalyticsState.has_accounts,
        rx.vstack(
            toolbar(),
            filter_controls(),
            messages(),
            rx.text(
                "Showing ",
                AnalyticsState.range_label,
                size="2",
                color_scheme="gray",
                custom_attrs={"data-testid": "analytics-range"},
            ),  # fmt: skip
            totals(),
            rx.cond(AnalyticsState.has_data, charts(), rx.cond(AnalyticsState.charts_ready, no_data(), skeletons())),
            spacing="4",
            width="100%",
        ),
        rx.cond(AnalyticsState.loaded, _no_accounts(), skeletons()),
    )


def skeletons() -> rx.Component:
    """What the page shows while its first figures are computed: the charts' shapes, not empty boxes."""
    return rx.grid(
        *[rx.card(chart_skeleton()) for _ in range(4)],
        columns=rx.breakpoints(initial="1", md="2"),
        spacing="3",
        width="100%",
        custom_attrs={"data-testid": "analytics-loading"},
    )


def _no_accounts() -> rx.Component:
    return empty_state(
        "chart-line",
        "No analytics yet",
        "Connect an account (the Demo network works without credentials) and publish a post; "
        "its metrics appear here.",
        "analytics-empty",
        actions=[
            primary_button("Connect an account", testid="analytics-empty-connect", icon="plug",
                           on_click=rx.redirect("/accounts")),
            secondary_button("Create post", testid="analytics-empty-compose", icon="pen-line",
                             on_click=rx.redirect("/compose")),
        ],
    )
