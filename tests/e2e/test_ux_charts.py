"""Issue 20 item 5 in the browser: charts in the app's template with honest axes, "Not enough data yet"
instead of a one-point plot, and a skeleton that holds a chart's place until it is drawn.

The figures are read back from the rendered plotly element (`_fullLayout`), i.e. what the person sees.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.ux_seed import seed_owner

_LAYOUT_JS = """(el) => {
  const gd = el.querySelector('.js-plotly-plot');
  const L = gd._fullLayout;
  return {family: L.font.family, plot_bg: L.plot_bgcolor, paper_bg: L.paper_bgcolor,
          y_range: L.yaxis.range, y_dtick: L.yaxis.dtick, y_format: L.yaxis.tickformat,
          ticks: [...gd.querySelectorAll('.ytick text')].map(t => t.textContent)};
}"""


def test_charts_use_the_app_template_start_at_zero_and_say_when_data_is_too_thin(
    page: Page, app_url: str, app_env: dict
) -> None:
    seed_owner(page, app_url, app_env, filler_posts=0)
    page.goto(f"{app_url}/analytics")

    # metrics were read on one day only: the time series are not drawn, they say when they will be
    for chart in ("chart-engagement", "chart-followers", "chart-rate"):
        card = page.get_by_test_id(chart)
        expect(card.get_by_test_id("chart-not-enough")).to_have_text(
            "Not enough data yet — comes after 1 more day", timeout=30000
        )
        expect(card.locator(".js-plotly-plot")).to_have_count(0)

    # the platform comparison is drawn: app font, no grey plot area, counts from 0 in whole numbers
    platforms = page.get_by_test_id("chart-platforms")
    expect(platforms.locator(".js-plotly-plot")).to_be_visible(timeout=30000)
    layout = platforms.evaluate(_LAYOUT_JS)
    assert "Segoe UI" in layout["family"] and "Open Sans" not in layout["family"], layout
    assert layout["plot_bg"] in ("rgba(0, 0, 0, 0)", "rgba(0,0,0,0)"), layout  # Plotly's default is #E5ECF6
    assert layout["y_range"][0] == 0 and layout["y_format"] == ",d", layout
    assert float(layout["y_dtick"]).is_integer(), layout
    assert layout["ticks"] and all(re.fullmatch(r"\d[\d,]*", t) for t in layout["ticks"]), layout

    # the skeleton held the chart's place and is gone once plotly drew it
    skeleton = platforms.get_by_test_id("chart-skeleton")
    expect(skeleton).to_be_attached()
    expect(skeleton).to_be_hidden()

    # the best-time heatmap's colour scale starts at zero (not −0.4…0.4 or the lowest average)
    heatmap = page.get_by_test_id("chart-heatmap")
    expect(heatmap.locator(".js-plotly-plot")).to_be_visible(timeout=30000)
    zmin = heatmap.evaluate("(el) => el.querySelector('.js-plotly-plot')._fullData[0].zmin")
    assert zmin == 0
