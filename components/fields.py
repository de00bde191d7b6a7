"""Form fields that can't lose keystrokes and always have an accessible name.

Why uncontrolled: a controlled field (value=State.x) is rewritten by every state delta, so a late
echo of what the person typed 250 ms ago, or a page-load reset that lands after they started
typing, replaces the newer text in the field. These fields keep their own value in the browser:
the server only sets what they show by changing `version` (the React key), which remounts them
with `default_value`. Pages change `version` only while loading (when the field is read-only,
see below) or on an explicit action (insert a suggestion, reset to default).

Why read-only until hydrated: Reflex sets `is_hydrated` to false on every navigation and back to
true after the page's on_load events ran, so the load-time reset always happens before the field
accepts input (Playwright's `fill` waits for an editable field, a person sees it a moment later).
"""

from __future__ import annotations

import reflex as rx

# Clears the composer's editors synchronously in the click handler (before any server round trip),
# so text typed right after "New post" goes into an empty field and is never wiped by the reset.
CLEAR_COMPOSER_JS = rx.vars.FunctionStringVar.create(
    "(() => { document.querySelectorAll('textarea[data-compose-editor]').forEach((t) => { t.value = ''; });"
    " window.history.replaceState(window.history.state, '', '/compose'); })"
)


def field_label(text: str | rx.Var, field_id: str, **props) -> rx.Component:
    """A visible <label for=…>: gives the control its accessible name (get_by_label works)."""
    return rx.el.label(text, html_for=field_id, class_name="sh-label", **props)


def stable_text_area(
    *,
    field_id: str,
    value: rx.Var,
    version: rx.Var,
    on_change,  # noqa: ANN001 - a Reflex event handler
    testid: str,
    debounce: int = 250,
    extra_attrs: dict | None = None,
    **props,
) -> rx.Component:
    return rx.text_area(
        id=field_id,
        default_value=value,
        key=version.to(str) if isinstance(version, rx.Var) else str(version),
        on_change=on_change.debounce(debounce),
        # blur fires before a button's click, so an action never sees text older than the field's
        on_blur=on_change,
        read_only=~rx.State.is_hydrated,
        custom_attrs={"data-testid": testid, **(extra_attrs or {})},
        **props,
    )


def stable_input(
    *,
    field_id: str,
    value: rx.Var,
    version: rx.Var,
    on_change,  # noqa: ANN001
    testid: str,
    debounce: int = 250,
    **props,
) -> rx.Component:
    return rx.input(
        id=field_id,
        default_value=value,
        key=version.to(str) if isinstance(version, rx.Var) else str(version),
        on_change=on_change.debounce(debounce),
        on_blur=on_change,
        read_only=~rx.State.is_hydrated,
        custom_attrs={"data-testid": testid},
        **props,
    )
