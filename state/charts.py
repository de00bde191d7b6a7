"""What the chart components need from services.charts: the app's Plotly template and each figure's note.

Components may not import services (import-linter), so the template reaches them through here.
"""

from __future__ import annotations

import re

import plotly.graph_objects as go

from services.charts import TEMPLATE, chart_note

#: The template every `rx.plotly` in the app is given (instead of rx.plotly's grey default one).
CHART_TEMPLATE = go.layout.Template(TEMPLATE)


def note_of(fig: go.Figure) -> str:
    """"Not enough data yet — …" for a figure with fewer than two points, else ""."""
    return chart_note(fig)


def title_of(fig: go.Figure) -> str:
    """The figure's title (shown above the note when the chart itself is not drawn)."""
    title = fig.layout.title
    text = str(title.text or "") if title is not None else ""
    return re.sub(r"<[^>]+>", "", text.replace("<br>", " — "))  # the subtitle after a dash, no markup
