"""Every chart in the app: the Plotly figure in the app's template, a skeleton until it is drawn, and the
"Not enough data yet — …" text instead of a plot that would have fewer than two points.

The skeleton stays in place until plotly.js (lazy loaded) has rendered `.js-plotly-plot` next to it
(CSS `:has`, assets/styles.css), and while the page's data is still loading (`loaded` false): no empty
grey box for the seconds a chart takes to appear.
"""

from __future__ import annotations

import reflex as rx

from state.charts import CHART_TEMPLATE

PLOT_CONFIG = {"displaylogo": False, "responsive": True}


def chart_skeleton(height: str = "320px") -> rx.Component:
    return rx.skeleton(
        rx.box(height=height, width="100%"),
        loading=True,
        width="100%",
        height=height,
        class_name="sh-chart-skeleton",
        custom_attrs={"data-testid": "chart-skeleton", "aria-hidden": "true"},
    )


def not_enough_box(title: rx.Var | str, note: rx.Var | str, height: str = "320px") -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.cond(title != "", rx.text(title, size="3", weight="medium", text_align="center")),
            rx.icon("chart-spline", size=28, color=rx.color("gray", 9), aria_hidden="true"),
            rx.text(note, size="2", color_scheme="gray", text_align="center",
                    custom_attrs={"data-testid": "chart-not-enough"}),  # fmt: skip
            align="center",
            spacing="2",
            max_width="36em",
        ),
        min_height=height,
        width="100%",
        padding="16px",
        border=f"1px dashed {rx.color('gray', 6)}",
        border_radius="var(--radius-3)",
    )


def plot(
    figure: rx.Var,
    *,
    note: rx.Var | str = "",
    title: rx.Var | str = "",
    loaded: rx.Var | bool = True,
    height: str = "320px",
) -> rx.Component:
    """A themed chart, its skeleton while loading, or the note when it has too few points to draw."""
    drawn = rx.box(
        chart_skeleton(height),
        rx.plotly(data=figure, template=CHART_TEMPLATE, width="100%", height=height, config=PLOT_CONFIG),
        class_name="sh-chart",
        width="100%",
    )
    body = rx.cond(note != "", not_enough_box(title, note, height), drawn)
    if isinstance(loaded, bool) and loaded:
        return body
    return rx.cond(loaded, body, chart_skeleton(height))
