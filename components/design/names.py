"""Names of people and workspaces: one line with an ellipsis, the full name on hover.

Why: long names wrapped to three lines in headers and were cut mid-word elsewhere.
"""

from __future__ import annotations

from typing import Any

import reflex as rx


def truncated_name(name: rx.Var | str, *, testid: str, max_width: str = "220px", **props: Any) -> rx.Component:
    return rx.text(
        name,
        title=name,
        class_name="sh-ellipsis",
        max_width=max_width,
        custom_attrs={"data-testid": testid},
        **props,
    )
