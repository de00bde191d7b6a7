"""services.charts: the axis rules and the "Not enough data yet" mark, on the real figure builders."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from services.analytics import figures
from services.charts import (
    TEMPLATE,
    chart_note,
    count_axis,
    days_until_next_month,
    money_axis,
    not_enough_text,
)


def _daily(values: list[int]) -> pd.DataFrame:
    days = [date(2026, 12, d + 1) for d in range(len(values))]
    return pd.DataFrame({"day": days, "platform": ["demo"] * len(values), "engagement": values})


def test_all_zero_counts_run_from_zero_in_whole_numbers() -> None:
    fig = figures.engagement_figure(_daily([0, 0, 0]))
    axis = fig.layout.yaxis
    assert tuple(axis.range) == (0, 2) and axis.dtick == 1 and axis.tickformat == ",d"  # not −1…1
    assert chart_note(fig) == ""


def test_one_day_is_not_a_chart_yet() -> None:
    fig = figures.engagement_figure(_daily([4]))
    assert chart_note(fig) == "Not enough data yet — comes after 1 more day"
    assert not_enough_text(3) == "Not enough data yet — comes after 3 more days"


def test_followers_start_at_zero_not_at_288_5() -> None:
    df = pd.DataFrame({"day": [date(2026, 12, 1), date(2026, 12, 2)], "account_id": [1, 1], "account": ["a", "a"],
                       "platform": ["demo", "demo"], "followers": [289, 289]})  # fmt: skip
    axis = figures.follower_figure(df).layout.yaxis
    assert axis.range[0] == 0 and float(axis.dtick).is_integer() and axis.range[1] >= 289


def test_rates_run_from_0_to_100_percent() -> None:
    df = pd.DataFrame({"day": [date(2026, 12, 1), date(2026, 12, 2)], "rate": [0.0, 0.0]})
    axis = figures.rate_figure(df).layout.yaxis
    assert tuple(axis.range) == (0, 1) and axis.tickformat == ".0%"


def test_heatmap_scale_starts_at_zero() -> None:
    df = pd.DataFrame({"weekday": [0, 1], "hour": [9, 10], "avg_engagement": [0.0, 0.0], "posts": [1, 1]})
    trace = figures.heatmap_figure(df, "UTC").data[0]
    assert trace.zmin == 0 and trace.zmax >= 1  # not −0.4…0.4


def test_money_never_below_zero_and_stacks_count() -> None:
    fig = go.Figure(layout={"barmode": "stack"})
    fig.add_bar(x=["2026-12"], y=[0.0])
    assert money_axis(fig).layout.yaxis.range[0] == 0
    fig = go.Figure(layout={"barmode": "stack"})
    fig.add_bar(x=["a"], y=[3])
    fig.add_bar(x=["a"], y=[4])
    assert count_axis(fig).layout.yaxis.range[1] >= 7  # the stack, not the tallest single bar


def test_every_figure_wears_the_app_template() -> None:
    for fig in (figures.engagement_figure(_daily([1, 2])), figures.platform_figure(pd.DataFrame())):
        assert fig.layout.template.layout.font.family == TEMPLATE["layout"]["font"]["family"]
        assert fig.layout.template.layout.plot_bgcolor == "rgba(0,0,0,0)"


def test_days_until_next_month() -> None:
    assert days_until_next_month(date(2026, 12, 7)) == 25
    assert days_until_next_month(date(2026, 2, 28)) == 1
