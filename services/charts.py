"""One chart look and honest axes for every Plotly figure in SocialHub (Analytics, a post's chart, AI usage).

Why one module: a chart is read in a second, so it must look like the rest of the app (its colours, its
font, no grey Plotly default) and its axes must not mislead with little data — Plotly's autorange turns a
row of zeros into −1…1, one follower count into 288.5…289.5 and a cost of $0 into −$1…$1. The rules:

- counts start at zero and tick in whole numbers (`count_axis`);
- rates run 0–100 % (`rate_axis`);
- money never goes below zero (`money_axis`);
- a time series with fewer than two points is not drawn at all: it says when the next point arrives
  (`not_enough`), and the page shows that text instead of an empty plot (`chart_note`).

`TEMPLATE` is small on purpose (a few hundred bytes, not Plotly's default theme of ~7 KB per figure).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, date, datetime

import plotly.graph_objects as go
import plotly.io as pio

pio.templates.default = None  # the app's template is set per figure; Plotly's default one is never used

# Radix Themes' light palette (the app's theme: indigo accent on the gray scale) and its system font stack.
FONT = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, 'Helvetica Neue', system-ui, sans-serif"
INK = "#202020"  # gray-12: titles and values
MUTED = "#646464"  # gray-11: axis labels
GRID = "#e8e8e8"  # gray-4
LINE = "#d9d9d9"  # gray-6
ACCENT = "#3e63dd"  # indigo-9
#: Series colours: indigo, teal, amber, crimson, violet, grass, orange, cyan (Radix step 9).
COLORWAY = ["#3e63dd", "#12a594", "#ffc53d", "#e93d82", "#6e56cf", "#46a758", "#f76b15", "#00a2c7"]
#: Sequential scale for heatmaps: from the page's own background to the accent.
SEQUENTIAL = [[0.0, "#f9f9fb"], [0.35, "#c1d0ff"], [0.7, "#8da4ef"], [1.0, "#3a5bc7"]]

_AXIS = {
    "gridcolor": GRID,
    "linecolor": LINE,
    "zerolinecolor": LINE,
    "tickfont": {"color": MUTED, "size": 12},
    "title": {"font": {"color": MUTED, "size": 12}},
    "automargin": True,
}

TEMPLATE: dict = {
    "layout": {
        "font": {"family": FONT, "color": INK, "size": 13},
        "title": {"font": {"family": FONT, "size": 15, "color": INK}, "x": 0, "xanchor": "left"},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "colorway": COLORWAY,
        "xaxis": _AXIS,
        "yaxis": _AXIS,
        "legend": {"font": {"color": MUTED, "size": 12}, "bgcolor": "rgba(0,0,0,0)"},
        "hoverlabel": {"font": {"family": FONT}, "bgcolor": "#ffffff", "bordercolor": LINE},
        "colorscale": {"sequential": SEQUENTIAL},
        "bargap": 0.3,
    }
}

NOTE_KEY = "socialhub_note"


def themed(fig: go.Figure) -> go.Figure:
    """The app's template on this figure (replacing whatever it had)."""
    fig.update_layout(template=TEMPLATE)
    return fig


def _numbers(values: Iterable) -> list[float]:
    out = []
    for v in values:
        if v is None:
            continue
        try:
            f = float(v)
        except (TypeError, ValueError):
            continue
        if not math.isnan(f):
            out.append(f)
    return out


def _nice_step(top: float, ticks: int = 5) -> float:
    """A 1/2/5 × 10^k step giving about `ticks` intervals up to `top`."""
    raw = max(top, 1e-9) / ticks
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if raw <= m * power:
            return m * power
    return 10 * power


def _stacked_top(fig: go.Figure) -> float:
    """The tallest bar stack (sum per x across bar traces) or the largest y value of other traces."""
    stacks: dict = {}
    top = 0.0
    stacked = fig.layout.barmode in ("stack", "relative")
    for trace in fig.data:
        ys = list(trace.y) if getattr(trace, "y", None) is not None else []
        xs = list(trace.x) if getattr(trace, "x", None) is not None else list(range(len(ys)))
        if trace.type == "bar" and stacked:
            for x, y in zip(xs, ys, strict=False):
                nums = _numbers([y])
                stacks[x] = stacks.get(x, 0.0) + (nums[0] if nums else 0.0)
        else:
            top = max([top, *_numbers(ys)])
    return max([top, *stacks.values()]) if stacks else top


def count_axis(fig: go.Figure, minimum_top: float = 1) -> go.Figure:
    """Counts: the y axis runs from 0, ticks are whole numbers (never 0.5 of a like), with headroom."""
    top = max(_stacked_top(fig), minimum_top)
    step = max(1, int(_nice_step(top)))
    upper = math.ceil(top * 1.1 / step) * step if top * 1.1 > top else top + step
    fig.update_yaxes(range=[0, max(upper, step)], tickmode="linear", tick0=0, dtick=step, tickformat=",d",
                     rangemode="tozero")  # fmt: skip
    return fig


def rate_axis(fig: go.Figure) -> go.Figure:
    """Rates (fractions 0–1): the axis shows 0–100 %, whatever the values."""
    fig.update_yaxes(range=[0, 1], tickmode="linear", tick0=0, dtick=0.25, tickformat=".0%")
    return fig


def money_axis(fig: go.Figure, prefix: str = "$") -> go.Figure:
    """Money: from 0 up (a cost is never negative), with the currency on each tick."""
    top = _stacked_top(fig)
    if top <= 0:
        top = 1.0
    step = _nice_step(top)
    upper = math.ceil(top * 1.1 / step) * step
    digits = max(0, -math.floor(math.log10(step))) if step < 1 else 0
    fig.update_yaxes(range=[0, upper], tickmode="linear", tick0=0, dtick=step, tickprefix=prefix,
                     tickformat=f",.{digits}f", rangemode="tozero")  # fmt: skip
    return fig


def heat_scale(fig: go.Figure) -> go.Figure:
    """Heatmaps of averages of counts: the colour scale runs from 0 (never −0.4…0.4 for an all-zero grid)."""
    for trace in fig.data:
        if trace.type == "heatmap":
            values = _numbers(v for row in (trace.z or []) for v in (row or []))
            trace.zmin, trace.zmax = 0, max([1.0, *values])
            trace.colorscale = SEQUENTIAL
    return fig


def not_enough_text(more: int, unit: str = "day") -> str:
    """The sentence shown instead of a chart that has fewer than two points ("comes after 1 more day")."""
    more = max(1, more)
    return f"Not enough data yet — comes after {more} more {unit if more == 1 else unit + 's'}"


def not_enough(
    fig: go.Figure, points: int, unit: str = "day", more: int | None = None, text: str | None = None
) -> go.Figure:
    """Mark a figure whose series has fewer than two points; `chart_note` reads the mark for the page.

    `more` is how many `unit`s until the second point can exist (default: the points still missing);
    `text` replaces the whole sentence where "N more days" is not how the data grows.
    """
    if points < 2:
        note = text or not_enough_text(more if more is not None else 2 - points, unit)
        fig.update_layout(meta={NOTE_KEY: note})
    return fig


def chart_note(fig: go.Figure) -> str:
    """The "Not enough data yet …" text of a figure, or "" when it can be drawn."""
    meta = fig.layout.meta
    if isinstance(meta, dict):
        return str(meta.get(NOTE_KEY, ""))
    return ""


def days_until_next_month(today: date | None = None) -> int:
    """Days until the first of next month (UTC): when a per-month chart gets its second bar."""
    today = today or datetime.now(UTC).date()
    first_next = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    return (first_next - today).days
